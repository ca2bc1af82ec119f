"""Properties of claude.pure.content and claude.pure.caching: what the helpers build is what the
API takes: our request checks accept it, and it has the SDK's shape for the same content.

The SDK is the oracle twice: each block validates against the SDK's ``*Param`` TypedDict with
nothing dropped (pydantic drops keys a TypedDict does not declare, so equality means no stray
key and no wrong type), and a whole request built with the helpers is sent byte-for-byte as the
SDK's ``messages.create`` would send it.
"""

from __future__ import annotations

import base64
import copy
import doctest
import json
import warnings
from collections.abc import Iterator, Mapping
from typing import Any

import anthropic
import httpx2
import msgspec
import pydantic
import pytest
from anthropic import types as sdk
from anthropic.types import beta as sdk_beta
from hypothesis import given
from hypothesis import strategies as st
from returns.pipeline import is_successful
from returns.result import Failure, Result

from claude.pure import caching, content
from claude.pure.codec import convert
from claude.pure.content import ToolError
from claude.pure.credentials import Credentials, Secret
from claude.pure.errors import ClaudeError
from claude.pure.request import build_message_request, make_target, parse_message_request
from claude.pure.settings import Settings
from claude.pure.validate import API_VERSIONS
from claude.pure.wire import Message, MessageRequest
from tests.property.media_strategies import Image, gif, images, png

TARGETS = {
    version: make_target(Settings(api_version=version), Credentials(api_key=Secret("k"))).unwrap()
    for version in API_VERSIONS
}
PNG = png(4, 3, b"\x00" * 16)


def ok(result: Result[Any, ClaudeError]) -> Any:
    """The success value of a helper's Result, which the test expects."""
    assert is_successful(result), result
    return result.unwrap()


def request_of(*turns: Mapping[str, object], **extra: object) -> dict[str, object]:
    """A request with ``turns`` as its messages."""
    return {"model": "claude-sonnet-4-5", "max_tokens": 4096, "messages": list(turns), **extra}


def accepted(request: Mapping[str, object]) -> bytes:
    """The body we send for ``request``, which every API version must accept."""
    bodies = []
    for target in TARGETS.values():
        built = build_message_request(request, target=target)
        assert is_successful(built), built
        bodies.append(built.unwrap().body)
    body = bodies[-1]
    assert body is not None
    return body


def same_as_sdk(ours: Mapping[str, object], param: Any) -> None:
    """``ours`` validates as the SDK TypedDict ``param`` with nothing dropped or changed."""
    adapter: pydantic.TypeAdapter[object] = pydantic.TypeAdapter(param)
    assert adapter.validate_python(ours) == ours


class Capture:
    """An SDK client whose mock transport records the body it would send."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []
        self.client = anthropic.Anthropic(
            api_key="sk-test",
            http_client=httpx2.Client(transport=httpx2.MockTransport(self._answer)),
            max_retries=0,
        )

    def _answer(self, request: httpx2.Request) -> httpx2.Response:
        self.bodies.append(request.content)
        reply: dict[str, object] = {
            "id": "msg_1",
            "type": "message",
            "role": "assistant",
            "model": "m",
            "content": [],
            "stop_reason": "end_turn",
            "stop_sequence": None,
            "usage": {"input_tokens": 1, "output_tokens": 1},
        }
        return httpx2.Response(200, json=reply)

    def body_for(self, request: Mapping[str, object]) -> object:
        """The JSON body the SDK sends for ``request``."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            self.client.messages.create(**request, timeout=5)  # type: ignore[call-overload]
        return json.loads(self.bodies[-1])


@pytest.fixture(scope="module")
def sdk_client() -> Iterator[Capture]:
    """One recording SDK client for the module."""
    capture = Capture()
    with capture.client:
        yield capture


@pytest.mark.parametrize("module", [content, caching])
def test_doctests(module: object) -> None:
    """The modules' examples hold."""
    assert doctest.testmod(module).failed == 0  # type: ignore[arg-type]


# --- blocks ------------------------------------------------------------------------------


def test_every_block_helper_has_the_sdk_shape() -> None:
    """Text, image, document and thinking helpers build exactly the SDK's params."""
    cases: list[tuple[Mapping[str, object], object]] = [
        (content.text("hi", cache="1h"), sdk.TextBlockParam),
        (ok(content.image(PNG, cache="5m")), sdk.ImageBlockParam),
        (content.image_url("https://example.com/a.png"), sdk.ImageBlockParam),
        (content.image_file_id("file_1"), sdk.ImageBlockParam),
        (
            ok(content.pdf(b"%PDF-1.7\n", title="T", context="C", citations=True)),
            sdk.DocumentBlockParam,
        ),
        (content.pdf_url("https://example.com/a.pdf", citations=False), sdk.DocumentBlockParam),
        (content.document_file("file_2", title="F"), sdk.DocumentBlockParam),
        (ok(content.text_document(b"plain", citations=True, cache="5m")), sdk.DocumentBlockParam),
        (content.cache_control("1h"), sdk.CacheControlEphemeralParam),
        (content.enable_thinking(2048, display="summarized"), sdk.ThinkingConfigEnabledParam),
        (content.adaptive_thinking(), sdk.ThinkingConfigAdaptiveParam),
        (content.disable_thinking(), sdk.ThinkingConfigDisabledParam),
    ]
    for ours, param in cases:
        same_as_sdk(ours, param)


def test_every_tool_helper_has_the_sdk_shape() -> None:
    """Custom and server tool helpers build exactly the SDK's versioned tool params."""
    weather = ok(
        content.tool(
            "get_weather",
            "Current weather",
            properties={"city": {"type": "string"}},
            required=["city"],
            strict=True,
            cache="5m",
        )
    )
    cases: list[tuple[Mapping[str, object], object]] = [
        (weather, sdk.ToolParam),
        (ok(content.tool("noop")), sdk.ToolParam),
        (
            content.web_search(
                max_uses=2,
                allowed_domains=["example.com"],
                user_location={"type": "approximate", "city": "Oslo"},
            ),
            sdk.WebSearchTool20250305Param,
        ),
        (content.web_search(version="20260209"), sdk.WebSearchTool20260209Param),
        (
            content.web_fetch(max_uses=1, citations=True, max_content_tokens=500),
            sdk.WebFetchTool20250910Param,
        ),
        (content.code_execution(), sdk.CodeExecutionTool20250825Param),
        (content.code_execution(version="20250522"), sdk.CodeExecutionTool20250522Param),
        (content.bash(), sdk.ToolBash20250124Param),
        (content.text_editor(max_characters=1000), sdk.ToolTextEditor20250728Param),
        (content.text_editor(version="20250429"), sdk.ToolTextEditor20250429Param),
        (content.text_editor(version="20250124"), sdk.ToolTextEditor20250124Param),
        (content.memory(), sdk.MemoryTool20250818Param),
        (
            content.computer(display_width_px=1024, display_height_px=768, display_number=1),
            sdk_beta.BetaToolComputerUse20250124Param,
        ),
    ]
    for ours, param in cases:
        same_as_sdk(ours, param)
    by_name = {ours["name"]: ours for ours, _ in reversed(cases)}  # names must be unique
    accepted(request_of({"role": "user", "content": "go"}, tools=list(by_name.values())))


def test_a_request_built_with_helpers_is_accepted_and_sent_as_the_sdk_sends_it(
    sdk_client: Capture,
) -> None:
    """Turns, blocks, tools, thinking and caching from the helpers: our body is the SDK's."""
    question = ok(
        content.user(
            "Compare these:",
            content.image(PNG),
            content.image_url("https://example.com/b.jpg"),
            content.pdf(b"%PDF-1.4\n%%EOF", citations=True),
            content.text_document("Some notes.", title="Notes"),
            content.chunked_document(["one", "two"], citations=True),
        )
    )
    request = request_of(
        question,
        system="You are terse.",
        tools=[ok(content.tool("lookup", "Look a word up", properties={"w": {"type": "string"}}))],
        thinking=content.enable_thinking(2048),
    )
    cached = ok(caching.with_cache(request, system=True, tools=True, last_user=True, ttl="1h"))
    body = accepted(cached)
    assert json.loads(body) == sdk_client.body_for(cached)


# --- images and documents -----------------------------------------------------------------


@given(images)
def test_image_blocks_carry_the_sniffed_type_and_the_bytes(image: Image) -> None:
    """The block's media type is the sniffed one and its data decodes to the bytes given."""
    media_type, width, height, data = image
    made = content.image(data)
    if max(width, height) > 8000:
        assert isinstance(made, Failure)
        assert "8000" in str(made.failure())
        return
    block = ok(made)
    source = block["source"]
    assert source["media_type"] == media_type
    assert base64.b64decode(source["data"]) == data
    same_as_sdk(block, sdk.ImageBlockParam)
    accepted(request_of(ok(content.user("?", block))))


@given(images, st.sampled_from(["image/jpeg", "image/png", "image/gif", "image/webp", "image/jpg"]))
def test_a_declared_type_that_disagrees_with_the_bytes_is_a_failure(
    image: Image, declared: str
) -> None:
    """Declaring the sniffed type is fine; declaring any other is a Failure naming both."""
    media_type, width, height, data = image
    if max(width, height) > 8000:
        return
    made = content.image(data, media_type=declared)
    if declared == media_type:
        assert is_successful(made)
    else:
        assert isinstance(made, Failure)
        assert declared in str(made.failure())
        assert media_type in str(made.failure())


def test_image_limits_are_the_apis() -> None:
    """Over 5 MB, over 8000 px, not an image, or not bytes: each is a Failure that says why."""
    too_big = content.image(png(10, 10, b"\x00" * (5 * 1024 * 1024)))
    assert isinstance(too_big, Failure)
    assert "5 MB" in str(too_big.failure())
    assert is_successful(content.image(png(8000, 8000)))
    assert isinstance(content.image(png(8001, 10)), Failure)
    assert isinstance(content.image(b"BM not supported"), Failure)
    assert isinstance(content.image(b""), Failure)
    assert isinstance(content.image("a.png"), Failure)  # type: ignore[arg-type]
    info = ok(content.image_info(png(1000, 1000)))
    assert (info.width, info.height, info.tokens) == (1000, 1000, 1334)


def test_image_counts_per_turn_are_the_apis() -> None:
    """More than 100 images is a Failure, and so is one over 2000 px among more than 20."""
    many = [content.image_url(f"https://example.com/{i}.png") for i in range(101)]
    assert isinstance(content.user_with_images("?", many), Failure)
    assert is_successful(content.user_with_images("?", many[:100]))
    small = [content.image(png(2000, 2000)) for _ in range(21)]
    assert is_successful(content.user_with_images("?", small))
    large = [*small[:20], content.image(png(2001, 10))]
    refused = content.user_with_images("?", large)
    assert isinstance(refused, Failure)
    assert "2000" in str(refused.failure())
    assert is_successful(content.user_with_images("?", large[1:]))


def test_documents_check_their_bytes() -> None:
    """A PDF must start like one; text bytes must be UTF-8."""
    assert isinstance(content.pdf(png(1, 1)), Failure)
    assert isinstance(content.pdf("x.pdf"), Failure)  # type: ignore[arg-type]
    bad = content.text_document(b"\xff\xfe\x00")
    assert isinstance(bad, Failure)
    assert "UTF-8" in str(bad.failure())
    assert ok(content.text_document(b"caf\xc3\xa9"))["source"]["data"] == "café"


def test_user_turns_take_text_blocks_and_results_and_stop_at_the_first_failure() -> None:
    """One string stays a string; mixed parts become blocks; a Failure part is the turn's Failure."""
    assert ok(content.user("hi")) == {"role": "user", "content": "hi"}
    turn = ok(content.user_with_image("What is it?", content.image(PNG)))
    assert [b["type"] for b in turn["content"]] == ["image", "text"]
    failed = content.user("?", content.image(b"nope"), content.pdf(b"nope"))
    assert isinstance(failed, Failure)
    assert str(failed.failure()).startswith("image")
    assert isinstance(content.user(), Failure)
    assert isinstance(content.user(42), Failure)  # type: ignore[arg-type]
    assert ok(content.assistant("Sure,"))["role"] == "assistant"


# --- tools -------------------------------------------------------------------------------

bad_names = st.text(min_size=0, max_size=70).filter(
    lambda s: not (1 <= len(s) <= 64 and all(c.isascii() and (c.isalnum() or c in "_-") for c in s))
)


@given(bad_names)
def test_every_tool_check_names_the_tool(name: str) -> None:
    """A bad tool name fails with the name in the message (the API's rule: 1-64 of [a-zA-Z0-9_-])."""
    made = content.tool(name)
    assert isinstance(made, Failure)
    assert repr(name) in str(made.failure())


@pytest.mark.parametrize(
    "kwargs",
    [
        {"properties": {"a": "string"}},
        {"properties": {"a": {"type": "string"}}, "required": ["b"]},
        {"properties": {"a": {"type": "string"}}, "required": "a"},
        {"input_schema": {"type": "array"}},
        {"input_schema": {"type": "object"}, "properties": {}},
        {"description": 5},
        {"properties": {"a": {"type": "string"}}, "required": 5},
        {"required": None},
    ],
)
def test_tool_argument_checks_name_the_tool(kwargs: dict[str, Any]) -> None:
    """Each malformed tool definition fails with a message that starts with the tool's name."""
    made = content.tool("get_weather", **kwargs)
    assert isinstance(made, Failure)
    assert str(made.failure()).startswith("tool 'get_weather'")


ids = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=8).map(
    lambda s: "toolu_" + s
)
answers = st.one_of(
    st.text(max_size=20),
    st.builds(ToolError, st.text(min_size=1, max_size=20)),
    st.builds(RuntimeError, st.text(max_size=20)),
    st.just([{"type": "text", "text": "as blocks"}]),
)


@given(
    st.lists(
        st.tuples(ids, st.sampled_from(["a", "b_c", "d-e"])),
        min_size=1,
        max_size=5,
        unique_by=lambda t: t[0],
    ),
    st.data(),
)
def test_tool_results_answer_every_call_in_order(
    calls: list[tuple[str, str]], data: st.DataObject
) -> None:
    """From a decoded reply: one tool_result per tool_use, in order, errors as is_error, SDK-shaped."""
    reply = convert(
        {
            "id": "msg_1",
            "model": "claude-sonnet-4-5",
            "content": [
                {"type": "thinking", "thinking": "hmm", "signature": "sig"},
                *({"type": "tool_use", "id": i, "name": n, "input": {}} for i, n in calls),
            ],
            "stop_reason": "tool_use",
            "usage": {"input_tokens": 1, "output_tokens": 1},
        },
        Message,
    ).unwrap()
    given_answers = {i: data.draw(answers) for i, _ in calls}
    turn = ok(content.tool_results(reply, given_answers, then="Carry on."))
    blocks = turn["content"]
    assert [b.get("tool_use_id") for b in blocks[:-1]] == [i for i, _ in calls]
    assert blocks[-1] == {"type": "text", "text": "Carry on."}
    for block, (use_id, _) in zip(blocks, calls, strict=False):
        answer = given_answers[use_id]
        assert block.get("is_error", False) == isinstance(answer, ToolError | BaseException)
        same_as_sdk({**block, "content": "x"}, sdk.ToolResultBlockParam)
    conversation = request_of(
        {"role": "user", "content": "go"}, ok(content.assistant_turn(reply)), turn
    )
    accepted(conversation)
    missing = dict(list(given_answers.items())[1:])
    refused = content.tool_results(reply, missing)
    assert isinstance(refused, Failure)
    assert repr(calls[0][1]) in str(refused.failure())
    stray = content.tool_results(reply, {**given_answers, "toolu_stray": "?"})
    assert isinstance(stray, Failure)
    assert "toolu_stray" in str(stray.failure())


def test_tool_results_refuse_a_reply_without_calls_and_odd_answers() -> None:
    """A reply with no tool_use, a malformed reply, or an answer of a wrong type is a Failure."""
    assert isinstance(
        content.tool_results({"content": [{"type": "text", "text": "hi"}]}, {}), Failure
    )
    assert isinstance(content.tool_results({"content": "hi"}, {}), Failure)
    reply = {"content": [{"type": "tool_use", "id": "t1", "name": "calc", "input": {}}]}
    odd = content.tool_results(reply, {"t1": 42})  # type: ignore[dict-item]
    assert isinstance(odd, Failure)
    assert "'calc'" in str(odd.failure())


# --- thinking ----------------------------------------------------------------------------


def test_the_next_turn_passes_thinking_back_unchanged() -> None:
    """assistant_turn/follow_up give back thinking, redacted thinking and tool_use exactly as received."""
    wire_content = [
        {"type": "thinking", "thinking": "Let me think.", "signature": "EqQBCgIYAh..."},
        {"type": "redacted_thinking", "data": "EmwKAhgBEgy3va3pzix..."},
        {"type": "text", "text": "Calling.", "citations": None},
        {"type": "tool_use", "id": "toolu_1", "name": "calc", "input": {"x": 1}},
        {"type": "brand_new_block", "payload": {"k": [1, 2]}},
    ]
    reply_json = {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-5",
        "content": wire_content,
        "stop_reason": "tool_use",
        "stop_sequence": None,
        "usage": {"input_tokens": 1, "output_tokens": 1},
    }
    reply = convert(reply_json, Message).unwrap()
    assert ok(content.assistant_turn(reply))["content"] == wire_content
    assert ok(content.assistant_turn(reply_json))["content"] == wire_content
    first = request_of({"role": "user", "content": "1+x?"}, thinking=content.enable_thinking(1024))
    nxt = ok(content.follow_up(first, reply, content.tool_results(reply, {"toolu_1": "2"})))
    assert nxt["messages"][1]["content"] == wire_content
    assert nxt["messages"][2]["content"][0]["tool_use_id"] == "toolu_1"
    assert len(first["messages"]) == 1  # type: ignore[arg-type]
    accepted(nxt)
    assert isinstance(content.follow_up(first, reply, content.user()), Failure)
    assert isinstance(content.assistant_turn({"content": "x"}), Failure)


# --- caching -----------------------------------------------------------------------------


@given(
    st.booleans(),
    st.booleans(),
    st.booleans(),
    st.sampled_from(["5m", "1h"]),
    st.integers(min_value=0, max_value=4),
)
def test_with_cache_places_breakpoints_within_the_limit(
    system: bool, tools: bool, last_user: bool, ttl: caching.Ttl, existing: int
) -> None:
    """Breakpoints land at the ends asked for; more than 4 in all is refused; input unchanged."""
    earlier: list[dict[str, object]] = [
        {"role": "user", "content": [content.text(f"doc {i}", cache="1h")]} for i in range(existing)
    ]
    turns: list[dict[str, object]] = []
    for turn in earlier:
        turns += [turn, {"role": "assistant", "content": "ok"}]
    request = request_of(
        *turns,
        {"role": "user", "content": "question"},
        system="rules",
        tools=[ok(content.tool("t1")), ok(content.tool("t2"))],
    )
    before = copy.deepcopy(request)
    result = caching.with_cache(request, system=system, tools=tools, last_user=last_user, ttl=ttl)
    assert request == before
    wanted = existing + system + tools + last_user
    if wanted > caching.MAX_BREAKPOINTS:
        assert isinstance(result, Failure)
        assert "at most 4" in str(result.failure())
        return
    if ttl == "5m" and existing and (system or tools):
        # A 5m breakpoint on tools or system comes before the 1h ones in earlier turns.
        assert isinstance(result, Failure)
        assert "1h" in str(result.failure())
        return
    out = ok(result)
    assert len(caching.breakpoints(out)) == wanted
    if tools:
        assert out["tools"][-1]["cache_control"] == {"type": "ephemeral", "ttl": ttl}
    if system:
        assert out["system"][-1]["cache_control"]["ttl"] == ttl
    if last_user:
        assert out["messages"][-1]["content"][-1]["cache_control"]["ttl"] == ttl
    accepted(out)


def test_with_cache_keeps_the_type_and_refuses_missing_parts() -> None:
    """A MessageRequest comes back a MessageRequest; caching a part the request lacks is a Failure."""
    typed = parse_message_request(
        request_of({"role": "user", "content": "hi"}, system="s")
    ).unwrap()
    cached = caching.with_cache(typed, system=True, last_user=True)
    assert isinstance(ok(cached), MessageRequest)
    assert msgspec.to_builtins(ok(cached))["system"][0]["cache_control"] == {
        "type": "ephemeral",
        "ttl": "5m",
    }
    bare = request_of({"role": "user", "content": "hi"})
    assert isinstance(caching.with_cache(bare, tools=True), Failure)
    assert isinstance(caching.with_cache(bare, system=True), Failure)
    assert isinstance(caching.with_cache(request_of(), last_user=True), Failure)
    assert isinstance(caching.with_cache(request_of(), ttl="2h"), Failure)  # type: ignore[call-overload]
    assert isinstance(caching.with_cache(["not", "a", "request"]), Failure)  # type: ignore[call-overload]


def test_cached_gif_in_a_tool_result_counts_as_a_breakpoint() -> None:
    """Breakpoints inside tool_result content count toward the limit like the request check's."""
    inner = ok(content.image(gif(1, 1), cache="5m"))
    turn = {
        "role": "user",
        "content": [{"type": "tool_result", "tool_use_id": "t", "content": [inner]}],
    }
    assert caching.breakpoints(request_of(turn)) == [("messages[0].content[0].content[0]", "5m")]


def test_older_beta_tool_versions_carry_their_own_names() -> None:
    """The 2024-10-22 beta tools keep the SDK's names: ``str_replace_editor``, ``bash``, ``computer``."""
    same_as_sdk(content.text_editor(version="20241022"), sdk_beta.BetaToolTextEditor20241022Param)
    same_as_sdk(content.bash(version="20241022"), sdk_beta.BetaToolBash20241022Param)
    same_as_sdk(
        content.computer(display_width_px=800, display_height_px=600, version="20241022"),
        sdk_beta.BetaToolComputerUse20241022Param,
    )


def test_follow_up_refuses_a_turn_that_is_not_a_turn() -> None:
    """A next turn that is not a turn dict is a Failure, never appended as a message."""
    request = request_of({"role": "user", "content": "hi"})
    reply = {"content": [{"type": "text", "text": "hello"}]}
    assert isinstance(content.follow_up(request, reply, 5), Failure)  # type: ignore[arg-type]
    then = ok(content.follow_up(request, reply, content.user("more")))
    assert then["messages"][-1] == {"role": "user", "content": "more"}


def test_a_long_tool_description_is_left_to_the_api() -> None:
    """A 2,000-character description is built and passes our request checks (the API decides)."""
    made = ok(content.tool("get_weather", "x" * 2000, properties={"city": {"type": "string"}}))
    assert len(made["description"]) == 2000
    accepted(request_of({"role": "user", "content": "Hi"}, tools=[made]))


def test_an_empty_tool_description_is_sent_as_given() -> None:
    """The API accepts an empty description (the SDK's own tool runner sends one), so tool() does too."""
    block = content.tool("noop", "", properties={}).unwrap()
    assert block["description"] == ""
