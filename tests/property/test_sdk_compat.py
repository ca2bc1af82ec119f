"""Wire compatibility with the official ``anthropic`` SDK (2.x), used as the oracle.

Responses: replies are built with the SDK's own pydantic types and serialised as the API sends
them, then decoded with ours. The SDK marks as *set* exactly the fields present on the wire when it
parses a reply, so ``model.to_json()`` (which is ``exclude_unset=True`` with the API's field names,
e.g. ``from`` for ``from_``) reproduces the wire JSON: an optional field we left out stays absent
and one we set to ``None`` is ``null``. That JSON must come back from ``msgspec.to_builtins(ours)``
unchanged.

Requests: the same valid request is given to the SDK's ``messages.create`` over a mock transport;
the body it would send must equal the body we build.
"""

from __future__ import annotations

import json
import typing
import warnings
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Final

import anthropic
import httpx2
import msgspec
import pydantic
import pytest
from anthropic import types as sdk
from anthropic.types import beta
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy
from returns.pipeline import is_successful

from claude.pure import codec, wire
from claude.pure.credentials import Credentials, Secret
from claude.pure.request import build_message_request, make_target
from claude.pure.response import decode_response
from claude.pure.settings import Settings
from tests.property import strategies as gen

many = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

Model = SearchStrategy[pydantic.BaseModel]
texts, names, counts = gen.texts, gen.names, gen.counts


def model(
    cls: type[pydantic.BaseModel],
    required: Mapping[str, SearchStrategy[object]],
    optional: Mapping[str, SearchStrategy[object]] | None = None,
) -> Model:
    """An SDK model built from generated fields, each ``optional`` one randomly left unset."""
    return gen.obj(required, optional).map(cls.model_validate)


def tag(value: str) -> SearchStrategy[str]:
    """The ``type`` literal of an SDK model."""
    return st.just(value)


def maybe(s: SearchStrategy[object]) -> SearchStrategy[object]:
    """``s`` or ``None`` (sent as ``null``)."""
    return st.none() | s


# --- the SDK's reply types -----------------------------------------------------------------

citations = st.one_of(
    model(
        sdk.CitationCharLocation,
        {
            "cited_text": texts,
            "document_index": counts,
            "start_char_index": counts,
            "end_char_index": counts,
            "type": tag("char_location"),
        },
        {"document_title": maybe(texts), "file_id": maybe(texts)},
    ),
    model(
        sdk.CitationPageLocation,
        {
            "cited_text": texts,
            "document_index": counts,
            "start_page_number": counts,
            "end_page_number": counts,
            "type": tag("page_location"),
        },
        {"document_title": maybe(texts), "file_id": maybe(texts)},
    ),
    model(
        sdk.CitationContentBlockLocation,
        {
            "cited_text": texts,
            "document_index": counts,
            "start_block_index": counts,
            "end_block_index": counts,
            "type": tag("content_block_location"),
        },
        {"document_title": maybe(texts), "file_id": maybe(texts)},
    ),
    model(
        sdk.CitationsWebSearchResultLocation,
        {
            "cited_text": texts,
            "encrypted_index": texts,
            "url": texts,
            "type": tag("web_search_result_location"),
        },
        {"title": maybe(texts)},
    ),
    model(
        sdk.CitationsSearchResultLocation,
        {
            "cited_text": texts,
            "source": texts,
            "search_result_index": counts,
            "start_block_index": counts,
            "end_block_index": counts,
            "type": tag("search_result_location"),
        },
        {"title": maybe(texts)},
    ),
)
callers = st.one_of(
    model(sdk.DirectCaller, {"type": tag("direct")}),
    model(sdk.ServerToolCaller, {"tool_id": names, "type": tag("code_execution_20250825")}),
    model(sdk.ServerToolCaller20260120, {"tool_id": names, "type": tag("code_execution_20260120")}),
)
caller: dict[str, SearchStrategy[object]] = {"caller": maybe(callers)}
server_tool_names = st.sampled_from(
    [
        "web_search",
        "web_fetch",
        "code_execution",
        "bash_code_execution",
        "text_editor_code_execution",
        "tool_search_tool_regex",
        "tool_search_tool_bm25",
    ]
)


def result_block(
    cls: type[pydantic.BaseModel],
    kind: str,
    content: SearchStrategy[object],
    optional: Mapping[str, SearchStrategy[object]] | None = None,
) -> Model:
    """A server-tool result block of ``kind`` with ``content``."""
    return model(cls, {"tool_use_id": names, "content": content, "type": tag(kind)}, optional)


def error_object(cls: type[pydantic.BaseModel], kind: str, code: str, *, message: bool) -> Model:
    """A server tool's error object."""
    optional = {"error_message": maybe(texts)} if message else {}
    return model(cls, {"error_code": st.just(code), "type": tag(kind)}, optional)


documents = model(
    sdk.DocumentBlock,
    {
        "source": model(
            sdk.PlainTextSource,
            {"data": texts, "media_type": tag("text/plain"), "type": tag("text")},
        )
        | model(
            sdk.Base64PDFSource,
            {"data": gen.b64, "media_type": tag("application/pdf"), "type": tag("base64")},
        ),
        "type": tag("document"),
    },
    {
        "title": maybe(texts),
        "citations": maybe(model(sdk.CitationsConfig, {"enabled": st.booleans()})),
    },
)
code_outputs = st.lists(
    model(sdk.CodeExecutionOutputBlock, {"file_id": names, "type": tag("code_execution_output")}),
    max_size=2,
)
run: dict[str, SearchStrategy[object]] = {"return_code": counts, "stderr": texts}

BLOCKS: Final[dict[str, Model]] = {
    "text": model(
        sdk.TextBlock,
        {"text": texts, "type": tag("text")},
        {"citations": maybe(st.lists(citations, max_size=3))},
    ),
    "thinking": model(
        sdk.ThinkingBlock, {"thinking": texts, "signature": texts, "type": tag("thinking")}
    ),
    "redacted_thinking": model(
        sdk.RedactedThinkingBlock, {"data": texts, "type": tag("redacted_thinking")}
    ),
    "tool_use": model(
        sdk.ToolUseBlock,
        {"id": names, "name": names, "input": gen.json_objects, "type": tag("tool_use")},
        {**caller, "toolset_name": maybe(texts)},
    ),
    "server_tool_use": model(
        sdk.ServerToolUseBlock,
        {
            "id": names,
            "name": server_tool_names,
            "input": gen.json_objects,
            "type": tag("server_tool_use"),
        },
        caller,
    ),
    "web_search_tool_result": result_block(
        sdk.WebSearchToolResultBlock,
        "web_search_tool_result",
        error_object(
            sdk.WebSearchToolResultErrorObject,
            "web_search_tool_result_error",
            "unavailable",
            message=False,
        )
        | st.lists(
            model(
                sdk.WebSearchResultBlock,
                {
                    "encrypted_content": texts,
                    "title": texts,
                    "url": texts,
                    "type": tag("web_search_result"),
                },
                {"page_age": maybe(texts)},
            ),
            max_size=2,
        ),
        caller,
    ),
    "web_fetch_tool_result": result_block(
        sdk.WebFetchToolResultBlock,
        "web_fetch_tool_result",
        error_object(
            sdk.WebFetchToolResultErrorBlock,
            "web_fetch_tool_result_error",
            "url_too_long",
            message=False,
        )
        | model(
            sdk.WebFetchBlock,
            {"content": documents, "url": texts, "type": tag("web_fetch_result")},
            {"retrieved_at": maybe(texts)},
        ),
        caller,
    ),
    "code_execution_tool_result": result_block(
        sdk.CodeExecutionToolResultBlock,
        "code_execution_tool_result",
        error_object(
            sdk.CodeExecutionToolResultErrorObject,
            "code_execution_tool_result_error",
            "unavailable",
            message=False,
        )
        | model(
            sdk.CodeExecutionResultBlock,
            {**run, "content": code_outputs, "stdout": texts, "type": tag("code_execution_result")},
        )
        | model(
            sdk.EncryptedCodeExecutionResultBlock,
            {
                **run,
                "content": code_outputs,
                "encrypted_stdout": texts,
                "type": tag("encrypted_code_execution_result"),
            },
        ),
    ),
    "bash_code_execution_tool_result": result_block(
        sdk.BashCodeExecutionToolResultBlock,
        "bash_code_execution_tool_result",
        error_object(
            sdk.BashCodeExecutionToolResultErrorObject,
            "bash_code_execution_tool_result_error",
            "output_file_too_large",
            message=False,
        )
        | model(
            sdk.BashCodeExecutionResultBlock,
            {
                **run,
                "stdout": texts,
                "content": st.lists(
                    model(
                        sdk.BashCodeExecutionOutputBlock,
                        {"file_id": names, "type": tag("bash_code_execution_output")},
                    ),
                    max_size=2,
                ),
                "type": tag("bash_code_execution_result"),
            },
        ),
    ),
    "text_editor_code_execution_tool_result": result_block(
        sdk.TextEditorCodeExecutionToolResultBlock,
        "text_editor_code_execution_tool_result",
        error_object(
            sdk.TextEditorCodeExecutionToolResultErrorObject,
            "text_editor_code_execution_tool_result_error",
            "file_not_found",
            message=True,
        )
        | model(
            sdk.TextEditorCodeExecutionViewResultBlock,
            {
                "content": texts,
                "file_type": st.sampled_from(["text", "image", "pdf"]),
                "type": tag("text_editor_code_execution_view_result"),
            },
            {"num_lines": maybe(counts), "start_line": maybe(counts), "total_lines": maybe(counts)},
        )
        | model(
            sdk.TextEditorCodeExecutionCreateResultBlock,
            {
                "is_file_update": st.booleans(),
                "type": tag("text_editor_code_execution_create_result"),
            },
        )
        | model(
            sdk.TextEditorCodeExecutionStrReplaceResultBlock,
            {"type": tag("text_editor_code_execution_str_replace_result")},
            {
                "lines": maybe(st.lists(texts, max_size=2)),
                "new_lines": maybe(counts),
                "new_start": maybe(counts),
                "old_lines": maybe(counts),
                "old_start": maybe(counts),
            },
        ),
    ),
    "tool_search_tool_result": result_block(
        sdk.ToolSearchToolResultBlock,
        "tool_search_tool_result",
        error_object(
            sdk.ToolSearchToolResultErrorObject,
            "tool_search_tool_result_error",
            "unavailable",
            message=True,
        )
        | model(
            sdk.ToolSearchToolSearchResultBlock,
            {
                "tool_references": st.lists(
                    model(
                        sdk.ToolReferenceBlock, {"tool_name": names, "type": tag("tool_reference")}
                    ),
                    max_size=2,
                ),
                "type": tag("tool_search_tool_search_result"),
            },
        ),
    ),
    "container_upload": model(
        sdk.ContainerUploadBlock, {"file_id": names, "type": tag("container_upload")}
    ),
}
"""Every block kind of the SDK's ``ContentBlock`` union, by wire type."""

usages = model(
    sdk.Usage,
    {"input_tokens": counts, "output_tokens": counts},
    {
        "cache_creation": maybe(
            model(
                sdk.CacheCreation,
                {"ephemeral_5m_input_tokens": counts, "ephemeral_1h_input_tokens": counts},
            )
        ),
        "cache_creation_input_tokens": maybe(counts),
        "cache_read_input_tokens": maybe(counts),
        "inference_geo": maybe(texts),
        "output_tokens_details": maybe(model(sdk.OutputTokensDetails, {"thinking_tokens": counts})),
        "server_tool_use": maybe(
            model(
                sdk.ServerToolUsage, {"web_search_requests": counts, "web_fetch_requests": counts}
            )
        ),
        "service_tier": maybe(st.sampled_from(["standard", "priority", "batch"])),
        "speed": maybe(st.sampled_from(["standard", "fast"])),
    },
)
message_extras: dict[str, SearchStrategy[object]] = {
    "container": maybe(
        model(
            sdk.Container,
            {
                "id": names,
                "expires_at": st.datetimes(
                    min_value=datetime(2020, 1, 1),
                    max_value=datetime(2100, 1, 1),
                    timezones=st.just(UTC),
                ),
            },
            {
                "skills": maybe(
                    st.lists(
                        model(
                            sdk.ContainerSkill,
                            {
                                "skill_id": names,
                                "type": st.sampled_from(["anthropic", "custom"]),
                                "version": names,
                            },
                        ),
                        max_size=2,
                    )
                )
            },
        )
    ),
    "diagnostics": maybe(model(sdk.Diagnostics, {}, {"cache_miss_reason": st.none()})),
    "stop_details": maybe(
        model(
            sdk.RefusalStopDetails,
            {"type": tag("refusal")},
            {
                "category": maybe(st.sampled_from(["cyber", "bio", "general_harms"])),
                "explanation": maybe(texts),
            },
        )
    ),
    "stop_reason": maybe(st.sampled_from(typing.get_args(sdk.StopReason))),
    "stop_sequence": maybe(texts),
}
messages = model(
    sdk.Message,
    {
        "id": names.map("msg_".__add__),
        "content": st.lists(st.one_of(list(BLOCKS.values())), max_size=5),
        "model": st.sampled_from(["claude-sonnet-4-5-20250929", "claude-opus-4-1"]) | texts,
        "role": tag("assistant"),
        "type": tag("message"),
        "usage": usages,
    },
    message_extras,
)

# --- beta replies: the beta block types and fields ---------------------------

beta_blocks = st.one_of(
    model(
        beta.BetaMCPToolUseBlock,
        {
            "id": names,
            "input": gen.json_objects,
            "name": names,
            "server_name": names,
            "type": tag("mcp_tool_use"),
        },
    ),
    model(
        beta.BetaMCPToolResultBlock,
        {
            "content": texts
            | st.lists(model(beta.BetaTextBlock, {"text": texts, "type": tag("text")}), max_size=2),
            "is_error": st.booleans(),
            "tool_use_id": names,
            "type": tag("mcp_tool_result"),
        },
    ),
    model(
        beta.BetaCompactionBlock,
        {"type": tag("compaction")},
        {"content": maybe(texts), "encrypted_content": maybe(texts), "signature": maybe(texts)},
    ),
    model(
        beta.BetaFallbackBlock,
        {
            "from": model(beta.BetaFallbackInfo, {"model": texts}),
            "to": model(beta.BetaFallbackInfo, {"model": texts}),
            "trigger": model(beta.BetaFallbackRefusalTrigger, {"type": tag("refusal")}),
            "type": tag("fallback"),
        },
    ),
    model(beta.BetaThinkingBlock, {"thinking": texts, "signature": texts, "type": tag("thinking")}),
    model(beta.BetaTextBlock, {"text": texts, "type": tag("text")}),
)
beta_messages = model(
    beta.BetaMessage,
    {
        "id": names.map("msg_".__add__),
        "content": st.lists(beta_blocks, max_size=4),
        "model": texts,
        "role": tag("assistant"),
        "type": tag("message"),
        "usage": model(beta.BetaUsage, {"input_tokens": counts, "output_tokens": counts}),
    },
    {
        "stop_reason": maybe(st.sampled_from(["compaction", "end_turn", "refusal"])),
        "context_management": maybe(
            model(beta.BetaContextManagementResponse, {"applied_edits": st.just([])})
        ),
    },
)


def wire_json(value: pydantic.BaseModel) -> bytes:
    """What the API sent for an SDK model: its set fields, API names, JSON types."""
    data: str = value.to_json(indent=None)  # type: ignore[attr-defined]
    return data.encode()


# --- properties ----------------------------------------------------------------------------


@many
@given(messages)
def test_sdk_messages_decode_to_exactly_their_json(message: pydantic.BaseModel) -> None:
    """A reply built from the SDK's types decodes with ours and encodes back to the same JSON."""
    body = wire_json(message)
    result = decode_response(200, {"request-id": "req_1"}, body)
    assert is_successful(result), result
    ours = result.unwrap()
    assert msgspec.to_builtins(ours) == json.loads(body)
    blocks = json.loads(body)["content"]
    assert ours.text == "".join(b["text"] for b in blocks if b["type"] == "text")


@many
@given(st.sampled_from(sorted(BLOCKS)).flatmap(lambda kind: BLOCKS[kind]))
def test_every_sdk_block_is_known_and_passes_back_unchanged(block: pydantic.BaseModel) -> None:
    """Each SDK block kind decodes to our known type of that tag (never Unknown), and echoed in an
    assistant turn it is sent back byte-for-byte the same JSON."""
    data = json.loads(wire_json(block))
    turn = {"role": "assistant", "content": [data]}
    result = codec.decode(msgspec.json.encode(turn), wire.MessageParam)
    assert is_successful(result), result
    ours = result.unwrap().content
    assert isinstance(ours, list)
    assert not isinstance(ours[0], wire.Unknown)
    assert ours[0].type == data["type"]
    assert msgspec.to_builtins(ours[0]) == data


@many
@given(beta_messages)
def test_sdk_beta_replies_decode_to_typed_blocks(message: pydantic.BaseModel) -> None:
    """A beta reply (blocks like mcp_tool_use, compaction, fallback; new fields and stop reasons)
    decodes to the typed blocks of those tags (never Unknown) and round-trips."""
    body = wire_json(message)
    ours = decode_response(200, {}, body).unwrap()
    data = json.loads(body)
    assert msgspec.to_builtins(ours) == data
    for block, raw in zip(ours.content, data["content"], strict=True):
        assert not isinstance(block, wire.Unknown)
        assert block.type == raw["type"]


class Capture:
    """An SDK client whose transport records the request body instead of sending it."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []
        transport = httpx2.MockTransport(self._answer)
        self.client = anthropic.Anthropic(
            api_key="sk-test", http_client=httpx2.Client(transport=transport), max_retries=0
        )

    def _answer(self, request: httpx2.Request) -> httpx2.Response:
        self.bodies.append(request.content)
        reply: gen.JsonDict = {
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

    def body_for(self, request: gen.JsonDict) -> object:
        """The JSON body the SDK sends for ``request``."""
        with warnings.catch_warnings():  # the SDK warns about models it deems deprecated
            warnings.simplefilter("ignore", DeprecationWarning)
            self.client.messages.create(**request, timeout=5)  # type: ignore[call-overload]
        return json.loads(self.bodies[-1])


@pytest.fixture(scope="module")
def recorder() -> Iterator[Capture]:
    """One recording SDK client for the module, closed at the end."""
    capture = Capture()
    with capture.client:
        yield capture


TARGET = make_target(Settings(api_version="2026-10-21"), Credentials(api_key=Secret("k"))).unwrap()


@settings(many, max_examples=40)
@given(
    gen.valid_requests("2026-10-21")
    | gen.newer_api(gen.valid_requests("2026-10-21"), top_level=False)
)
def test_our_request_body_is_the_sdks(recorder: Capture, request: gen.JsonDict) -> None:
    """For any valid request (newer nested fields included) we send the body the SDK would send."""
    ours = build_message_request(request, target=TARGET).unwrap().body
    assert ours is not None
    assert json.loads(ours) == recorder.body_for(request)
