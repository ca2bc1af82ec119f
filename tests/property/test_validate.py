"""Properties of request parsing and validation, claude.pure.request.parse_message_request and
claude.pure.validate: every rule with generated valid and invalid inputs."""

from __future__ import annotations

import copy
import difflib
import re
import string

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy
from returns.pipeline import is_successful
from returns.result import Failure

from claude.pure import wire
from claude.pure.codec import convert
from claude.pure.errors import InvalidArgument
from claude.pure.request import parse_message_request
from claude.pure.validate import API_VERSIONS, IMAGE_MEDIA_TYPES, problems, validate
from claude.pure.wire import MessageRequest
from tests.property import strategies as gen

many = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

OLD, NEW = API_VERSIONS
JsonDict = gen.JsonDict
versioned: SearchStrategy[tuple[str, JsonDict]] = st.one_of(
    [st.tuples(st.just(v), gen.valid_requests(v)) for v in API_VERSIONS]
)
"""An API version and a request valid under it."""
old_requests = gen.valid_requests(OLD)
bad_media_types = st.sampled_from(
    ["image/bmp", "image/svg+xml", "IMAGE/PNG", "image/jpg", "application/pdf", ""]
) | st.text(max_size=12).filter(lambda t: t not in IMAGE_MEDIA_TYPES)
bad_tool_names = (
    st.just("")
    | st.text(string.ascii_letters, min_size=65, max_size=80)
    | st.text(min_size=1, max_size=20).filter(lambda n: re.fullmatch(r"[a-zA-Z0-9_-]+", n) is None)
)


def parsed(request: JsonDict) -> MessageRequest:
    """The typed request (which must parse)."""
    result = parse_message_request(request)
    assert is_successful(result), result
    return result.unwrap()


def only_problem(request: JsonDict, version: str) -> InvalidArgument:
    """The one problem of a request that breaks exactly one rule, which is also validate's Failure."""
    typed = parsed(request)
    found = list(problems(typed, api_version=version))
    assert len(found) == 1, found
    assert validate(typed, api_version=version).failure() == found[0]
    return found[0]


def turns(request: JsonDict) -> list[object]:
    """The request's ``messages`` list (to add turns to)."""
    value = request["messages"]
    assert isinstance(value, list)
    return value


def tools_of(request: JsonDict) -> list[JsonDict]:
    """The request's tools (made present and empty if absent)."""
    value = request.setdefault("tools", [])
    assert isinstance(value, list)
    return value


def insert_turn(request: JsonDict, data: st.DataObject, turn: JsonDict) -> int:
    """Put ``turn`` at a random index of ``messages``; return the index."""
    at = data.draw(st.integers(0, len(turns(request))))
    turns(request).insert(at, turn)
    return at


# --- valid requests ---------------------------------------------------------------------------


@many
@given(versioned)
def test_valid_requests_pass_unchanged(case: tuple[str, JsonDict]) -> None:
    """A request that breaks no rule comes back as the very same value, with no problems listed."""
    version, request = case
    typed = parsed(request)
    assert validate(typed, api_version=version).unwrap() is typed
    assert list(problems(typed, api_version=version)) == []
    assert msgspec.to_builtins(typed) == request


# --- one rule at a time -----------------------------------------------------------------------


@many
@given(versioned, st.text(" \t\n\r\u00a0\u2003", max_size=4))
def test_model_must_be_named(case: tuple[str, JsonDict], blank: str) -> None:
    """An empty or blank model fails at ``model``."""
    version, request = case
    assert only_problem({**request, "model": blank}, version).path == "model"


@many
@given(versioned, st.integers(max_value=-1))
def test_max_tokens_must_not_be_negative(case: tuple[str, JsonDict], max_tokens: int) -> None:
    """``max_tokens`` below 0 fails at ``max_tokens`` and says what it got."""
    version, request = case
    request = {k: v for k, v in request.items() if k != "thinking"}
    problem = only_problem({**request, "max_tokens": max_tokens}, version)
    assert (problem.path, problem.problem) == (
        "max_tokens",
        f"must be 0 or more, got {max_tokens}",
    )


@many
@given(versioned)
def test_max_tokens_zero_primes_the_cache(case: tuple[str, JsonDict]) -> None:
    """``max_tokens: 0`` (the SDK's documented cache pre-warm) passes every rule."""
    version, request = case
    request = {k: v for k, v in request.items() if k != "thinking"}
    assert list(problems(parsed({**request, "max_tokens": 0}), api_version=version)) == []


@many
@given(versioned)
def test_messages_must_not_be_empty(case: tuple[str, JsonDict]) -> None:
    """An empty ``messages`` list fails at ``messages``."""
    version, request = case
    assert only_problem({**request, "messages": []}, version).path == "messages"


@many
@given(
    versioned,
    gen.texts.filter(lambda r: r not in ("user", "assistant", "system")),
    st.data(),
)
def test_roles_are_user_assistant_or_system(
    case: tuple[str, JsonDict], role: str, data: st.DataObject
) -> None:
    """Any other role fails at ``messages[i].role``, naming the three roles."""
    version, request = case
    at = insert_turn(request, data, {"role": role, "content": "hi"})
    problem = only_problem(request, version)
    assert problem.path == f"messages[{at}].role"
    assert problem.problem == f"{role!r} is not one of user, assistant, system"


@many
@given(versioned, st.data())
def test_a_system_message_passes(case: tuple[str, JsonDict], data: st.DataObject) -> None:
    """A ``system`` turn (SDK 2.14 SystemMessageParam), string or text blocks, passes every rule."""
    version, request = case
    content = data.draw(st.just("Be brief.") | st.just([{"type": "text", "text": "Be brief."}]))
    insert_turn(request, data, {"role": "system", "content": content})
    assert list(problems(parsed(request), api_version=version)) == []


@many
@given(
    old_requests,
    st.sampled_from(["temperature", "top_p"]),
    st.floats().filter(lambda x: not 0.0 <= x <= 1.0),
)
def test_temperature_and_top_p_lie_in_the_unit_interval(
    request: JsonDict, name: str, value: float
) -> None:
    """Under 2023-06-01 a temperature or top_p outside [0, 1] fails at that field."""
    problem = only_problem({**request, name: value}, OLD)
    assert problem.path == name
    assert problem.problem == f"must be between 0 and 1, got {value}"


@many
@given(old_requests, st.integers(max_value=-1))
def test_top_k_is_not_negative(request: JsonDict, top_k: int) -> None:
    """Under 2023-06-01 a negative top_k fails at ``top_k``."""
    assert only_problem({**request, "top_k": top_k}, OLD).path == "top_k"


@many
@given(
    gen.valid_requests(NEW),
    st.sampled_from(["temperature", "top_p", "top_k"]),
    st.integers(0, 1),
)
def test_sampling_parameters_are_gone_in_2026(request: JsonDict, name: str, value: int) -> None:
    """Under 2026-10-21 any temperature, top_p or top_k fails, even a valid one, and says why."""
    problem = only_problem({**request, name: value}, NEW)
    assert problem.path == name
    assert "2026-10-21" in problem.problem
    assert "removed sampling parameters" in problem.problem
    assert is_successful(validate(parsed({**request, name: value}), api_version=OLD))


@many
@given(versioned, st.text(" \t\n", max_size=3), st.data())
def test_stop_sequences_must_not_be_blank(
    case: tuple[str, JsonDict], blank: str, data: st.DataObject
) -> None:
    """A blank stop sequence fails at ``stop_sequences[i]``."""
    version, request = case
    sequences = list(data.draw(st.lists(gen.nonblank, max_size=3)))
    at = data.draw(st.integers(0, len(sequences)))
    sequences.insert(at, blank)
    problem = only_problem({**request, "stop_sequences": sequences}, version)
    assert problem.path == f"stop_sequences[{at}]"


@many
@given(versioned, bad_tool_names)
def test_tool_names_match_the_pattern(case: tuple[str, JsonDict], name: str) -> None:
    """A tool name outside ``^[a-zA-Z0-9_-]{1,64}$`` fails at ``tools[i].name``."""
    version, request = case
    tools = tools_of(request)
    tools.append({"name": name, "input_schema": {}})
    assert only_problem(request, version).path == f"tools[{len(tools) - 1}].name"


@many
@given(versioned, st.text(" \t\n", max_size=3) | st.text(min_size=1025, max_size=1100))
def test_any_tool_description_passes(case: tuple[str, JsonDict], description: str) -> None:
    """An empty, blank or long description passes (the SDK's tool runner sends ``""``)."""
    version, request = case
    tools_of(request).append(
        {"name": "described" * 7, "description": description, "input_schema": {}}
    )
    assert list(problems(parsed(request), api_version=version)) == []


TOOLSETS = [
    {"type": "mcp_toolset", "mcp_server_name": "github"},
    {"type": "browser_toolset_20260801"},
    {"type": "computer_toolset_20260801", "display_width_px": 1024, "display_height_px": 768},
]


@many
@given(versioned, st.lists(st.sampled_from(TOOLSETS), min_size=1, max_size=3))
def test_toolsets_without_a_name_pass(case: tuple[str, JsonDict], toolsets: list[JsonDict]) -> None:
    """Tool types without a ``name`` (toolsets) pass, and are sent as given."""
    version, request = case
    tools_of(request).extend(toolsets)
    typed = parsed(request)
    assert list(problems(typed, api_version=version)) == []
    assert msgspec.to_builtins(typed) == request


@many
@given(versioned, st.data())
def test_tool_names_are_unique(case: tuple[str, JsonDict], data: st.DataObject) -> None:
    """A second tool of the same name fails at its own ``tools[j].name``, naming the first."""
    version, request = case
    tools = tools_of(request)
    if not tools:
        tools.append({"name": "first", "input_schema": {}})
    first = data.draw(st.integers(0, len(tools) - 1))
    tools.append(copy.deepcopy(tools[first]))
    problem = only_problem(request, version)
    assert problem.path == f"tools[{len(tools) - 1}].name"
    assert problem.problem.endswith(f"is already the name of tools[{first}]")


@many
@given(versioned, st.integers(min_value=65, max_value=130))
def test_any_number_of_tools_passes(case: tuple[str, JsonDict], n: int) -> None:
    """More than 64 tools pass: no source states a limit, so the API decides."""
    version, request = case
    request.pop("tool_choice", None)
    tools = [{"name": f"tool_{i}", "input_schema": {}} for i in range(n)]
    assert list(problems(parsed({**request, "tools": tools}), api_version=version)) == []


@many
@given(versioned, st.sampled_from([{}, {"type": "custom"}]))
def test_custom_tools_need_an_input_schema(case: tuple[str, JsonDict], kind: JsonDict) -> None:
    """A custom tool (no ``type`` or ``custom``) without input_schema fails at that field."""
    version, request = case
    tools = tools_of(request)
    tools.append({"name": "schemaless" * 6, **kind})
    assert only_problem(request, version).path == f"tools[{len(tools) - 1}].input_schema"


@many
@given(versioned, gen.tool_choices().filter(lambda c: c["type"] != "none"))
def test_tool_choice_without_tools_passes(case: tuple[str, JsonDict], choice: JsonDict) -> None:
    """A tool_choice without tools is left to the API (no first-party source states the rule)."""
    version, request = case
    request = {k: v for k, v in request.items() if k != "tools"}
    assert list(problems(parsed({**request, "tool_choice": choice}), api_version=version)) == []


@many
@given(versioned, gen.tool_names)
def test_tool_choice_may_name_a_tool_of_a_toolset(case: tuple[str, JsonDict], name: str) -> None:
    """``{"type": "tool", "name": X}`` passes whatever X: it may be a tool of an MCP toolset."""
    version, request = case
    tools_of(request).append({"type": "mcp_toolset", "mcp_server_name": "github"})
    request["tool_choice"] = {"type": "tool", "name": name}
    assert list(problems(parsed(request), api_version=version)) == []


@many
@given(versioned, bad_media_types, st.data())
def test_image_media_types_are_the_four_allowed(
    case: tuple[str, JsonDict], media_type: str, data: st.DataObject
) -> None:
    """A base64 image of another media type fails at its ``source.media_type``, listing the four."""
    version, request = case
    image: JsonDict = {
        "type": "image",
        "source": {"type": "base64", "media_type": media_type, "data": "AA=="},
    }
    where = data.draw(st.sampled_from(["turn", "tool_result", "document"]))
    blocks = list(data.draw(st.lists(gen.valid_image_blocks, max_size=2)))
    j = data.draw(st.integers(0, len(blocks)))
    suffix = f"content[{j}].source.media_type"
    if where == "turn":
        blocks.insert(j, image)
        content: JsonDict = {"role": "user", "content": blocks}
    elif where == "tool_result":
        blocks.insert(j, image)
        content = {
            "role": "user",
            "content": [{"type": "tool_result", "tool_use_id": "t", "content": blocks}],
        }
        suffix = f"content[0].content[{j}].source.media_type"
    else:
        blocks.insert(j, image)
        doc = {"type": "document", "source": {"type": "content", "content": blocks}}
        content = {"role": "user", "content": [doc]}
        suffix = f"content[0].source.content[{j}].source.media_type"
    at = insert_turn(request, data, content)
    problem = only_problem(request, version)
    assert str(problem) == (
        f"messages[{at}].{suffix}: {media_type!r} is not one of "
        "image/jpeg, image/png, image/gif, image/webp"
    )


def test_the_issues_image_example_reads_exactly() -> None:
    """The media-type message is exactly the one the issue shows."""
    image = {
        "type": "image",
        "source": {"type": "base64", "media_type": "image/bmp", "data": "AA=="},
    }
    request = {
        "model": "m",
        "max_tokens": 1,
        "messages": [
            {"role": "user", "content": "a"},
            {"role": "assistant", "content": "b"},
            {"role": "user", "content": [image]},
        ],
    }
    assert str(only_problem(request, OLD)) == (
        "messages[2].content[0].source.media_type: 'image/bmp' is not one of "
        "image/jpeg, image/png, image/gif, image/webp"
    )


@many
@given(
    versioned,
    st.just(("", "is empty"))
    | gen.b64_nonempty.map(lambda d: ("data:image/png;base64," + d, "drop the 'data:"))
    | st.text(min_size=1, max_size=10)
    .filter(lambda d: re.fullmatch(r"[A-Za-z0-9+/\r\n]*={0,2}[\r\n]*", d) is None)
    .filter(lambda d: not d.startswith("data:"))
    .map(lambda d: (d, "is not base64")),
    st.data(),
)
def test_base64_data_is_bare_base64(
    case: tuple[str, JsonDict], bad: tuple[str, str], data: st.DataObject
) -> None:
    """Empty data, a data-URL prefix or non-base64 characters fail at ``source.data``."""
    version, request = case
    payload, says = bad
    media_type = data.draw(st.sampled_from([*IMAGE_MEDIA_TYPES, "application/pdf"]))
    kind = "document" if media_type == "application/pdf" else "image"
    block = {"type": kind, "source": {"type": "base64", "media_type": media_type, "data": payload}}
    at = insert_turn(request, data, {"role": "user", "content": [block]})
    problem = only_problem(request, version)
    assert problem.path == f"messages[{at}].content[0].source.data"
    assert says in problem.problem


@many
@given(versioned, st.data())
def test_documents_have_a_pdf_or_plain_text_media_type(
    case: tuple[str, JsonDict], data: st.DataObject
) -> None:
    """A base64 document that is not a PDF, or a text one not text/plain, fails at media_type."""
    version, request = case
    source = data.draw(
        st.sampled_from(IMAGE_MEDIA_TYPES).map(
            lambda m: {"type": "base64", "media_type": m, "data": "AA=="}
        )
        | gen.texts.filter(lambda m: m != "text/plain").map(
            lambda m: {"type": "text", "media_type": m, "data": "x"}
        )
    )
    at = insert_turn(
        request, data, {"role": "user", "content": [{"type": "document", "source": source}]}
    )
    assert only_problem(request, version).path == f"messages[{at}].content[0].source.media_type"


@st.composite
def with_breakpoints(draw: st.DrawFn, request: JsonDict, k: int) -> JsonDict:
    """``request`` (which has none) with ``k`` cache breakpoints spread over every place one counts."""
    request = copy.deepcopy(request)
    cc = draw(gen.cache_controls)
    places = draw(
        st.lists(
            st.sampled_from(
                ["system", "tool", "block", "tool_result", "search_result", "newer_block"]
            ),
            min_size=k,
            max_size=k,
        )
    )
    if draw(st.booleans()):  # the top-level (automatic) breakpoint does not count
        request["cache_control"] = cc
    system = request.get("system")
    blocks: list[object] = system if isinstance(system, list) else []
    request["system"] = blocks
    for i, place in enumerate(places):
        text = {"type": "text", "text": str(i), "cache_control": cc}
        if place == "system":
            blocks.append(text)
        elif place == "tool":
            tools_of(request).append(
                {"name": f"cached_{i}", "input_schema": {}, "cache_control": cc}
            )
        elif place == "block":
            turns(request).append({"role": "user", "content": [text]})
        elif place == "newer_block":  # a type this library predates: still a breakpoint
            newer = {"type": "tool_reference", "tool_name": "t", "cache_control": cc}
            turns(request).append({"role": "user", "content": [newer]})
        elif place == "tool_result":
            result = {"type": "tool_result", "tool_use_id": "t", "content": [text]}
            turns(request).append({"role": "user", "content": [result]})
        else:
            found = {"type": "search_result", "source": "s", "title": "t", "content": [text]}
            turns(request).append({"role": "user", "content": [found]})
    return request


@many
@given(versioned, st.integers(min_value=0, max_value=8), st.data())
def test_at_most_four_cache_breakpoints(
    case: tuple[str, JsonDict], k: int, data: st.DataObject
) -> None:
    """Up to four cache_control breakpoints anywhere (blocks of unknown types included) pass; a
    fifth fails at ``cache_control``."""
    version, request = case
    request = data.draw(with_breakpoints(request, k))
    if k <= 4:
        assert list(problems(parsed(request), api_version=version)) == []
    else:
        problem = only_problem(request, version)
        assert problem.path == "cache_control"
        assert problem.problem.startswith(f"{k} cache breakpoints are set; at most 4")


@many
@given(versioned, st.data())
def test_thinking_budget_is_at_least_1024(case: tuple[str, JsonDict], data: st.DataObject) -> None:
    """A budget under 1024 fails at ``thinking.budget_tokens``; one at or above max_tokens passes
    (interleaved thinking may exceed it)."""
    version, request = case
    budget = data.draw(st.integers(max_value=1023) | st.integers(min_value=1024, max_value=10**7))
    request["thinking"] = {"type": "enabled", "budget_tokens": budget}
    if budget >= 1024:
        assert list(problems(parsed(request), api_version=version)) == []
    else:
        problem = only_problem(request, version)
        assert problem.path == "thinking.budget_tokens"
        assert "must be at least 1024" in problem.problem


@many
@given(gen.valid_requests(NEW), gen.valid_document_blocks, st.data())
def test_no_documents_in_assistant_turns_in_2026(
    request: JsonDict, document: JsonDict, data: st.DataObject
) -> None:
    """Under 2026-10-21 a document in an assistant turn fails at that block; 2023-06-01 allows it."""
    at = insert_turn(request, data, {"role": "assistant", "content": [document]})
    problem = only_problem(request, NEW)
    assert problem.path == f"messages[{at}].content[0]"
    assert "2026-10-21" in problem.problem
    assert list(problems(parsed(request), api_version=OLD)) == []


@many
@given(gen.valid_requests(NEW), st.lists(gen.citations(), min_size=1, max_size=2), st.data())
def test_no_citations_in_user_text_in_2026(
    request: JsonDict, citations: list[JsonDict], data: st.DataObject
) -> None:
    """Under 2026-10-21 user text with citations fails at its ``citations``; assistant text may."""
    block = {"type": "text", "text": "quoted", "citations": citations}
    at = insert_turn(request, data, {"role": "user", "content": [block]})
    problem = only_problem(request, NEW)
    assert problem.path == f"messages[{at}].content[0].citations"
    assert list(problems(parsed(request), api_version=OLD)) == []
    turns(request)[at] = {"role": "assistant", "content": [block]}
    assert list(problems(parsed(request), api_version=NEW)) == []


@many
@given(old_requests)
def test_problems_lists_every_broken_rule_in_field_order(request: JsonDict) -> None:
    """``problems`` reports each broken rule, in field order; ``validate`` stops at the first."""
    broken = {**request, "model": "", "max_tokens": -1, "temperature": 2.0, "stop_sequences": [""]}
    broken.pop("thinking", None)
    typed = parsed(broken)
    paths = [p.path for p in problems(typed, api_version=OLD)]
    assert paths == ["model", "max_tokens", "temperature", "stop_sequences[0]"]
    assert validate(typed, api_version=OLD).failure().path == "model"


# --- parsing ------------------------------------------------------------------------------------


@many
@given(gen.wrong_type_at(gen.valid_requests(), MessageRequest))
def test_a_wrong_json_type_anywhere_names_the_path(case: tuple[JsonDict, str]) -> None:
    """A value of the wrong JSON kind anywhere in a request is a Failure naming that path."""
    broken, path = case
    result = parse_message_request(broken)
    assert isinstance(result, Failure)
    assert result.failure().path == path


FIELDS = [f.encode_name for f in msgspec.structs.fields(MessageRequest)]


@many
@given(st.sampled_from([f for f in FIELDS if len(f) >= 5]), st.data())
def test_a_misspelt_top_level_field_gets_a_did_you_mean(field: str, data: st.DataObject) -> None:
    """A top-level name one letter off a field is a Failure at that name suggesting a field."""
    i = data.draw(st.integers(0, len(field) - 1))
    typo = field[:i] + field[i + 1 :]
    if typo in FIELDS:
        return
    request = {**data.draw(old_requests), typo: 1}
    result = parse_message_request(request)
    assert isinstance(result, Failure)
    problem = result.failure()
    assert problem.path == typo
    assert re.search(r"did you mean '(\w+)'\?", problem.problem)
    assert "extra_body" in problem.problem


@pytest.mark.parametrize(
    ("typo", "field"),
    [
        ("max_token", "max_tokens"),
        ("stop_sequence", "stop_sequences"),
        ("temprature", "temperature"),
    ],
)
def test_common_typos_suggest_the_field_meant(typo: str, field: str) -> None:
    """Everyday typos suggest exactly the field the caller meant."""
    request = {"model": "m", "max_tokens": 1, "messages": [], typo: 1}
    assert f"did you mean {field!r}?" in parse_message_request(request).failure().problem


def far_from_fields(name: str) -> bool:
    """Whether ``name`` is no near miss of a known field (so it is a newer field, not a typo)."""
    return not difflib.get_close_matches(name.lower(), FIELDS, n=1, cutoff=0.85)


@many
@given(old_requests, gen.unknown_field_names.filter(far_from_fields), gen.json_values)
def test_an_unknown_top_level_field_is_kept_and_sent(
    request: JsonDict, name: str, value: object
) -> None:
    """A top-level field this library does not know (and no near miss) is kept as given, from a
    dict or from a typed MessageRequest decoded with it."""
    for given_ in (
        {**request, name: value},
        convert({**request, name: value}, MessageRequest).unwrap(),
    ):
        typed = parsed(given_)  # type: ignore[arg-type]
        assert msgspec.to_builtins(typed) == {**request, name: value}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("billing_policy", {"type": "billing_policy", "bill_to": {"type": "organization"}}),
        ("compaction", {"type": "summarize"}),
        ("fallbacks", "default"),
        ("fallbacks", [{"model": "claude-haiku-4-5"}]),
        ("fallback_credit_token", "fct_1"),
        ("fallback_credit_token", {"token": "fct_1", "mode": "strict"}),
        ("thread", {"type": "continue", "previous_message_id": "msg_1"}),
    ],
)
def test_the_sdks_beta_fields_are_known(field: str, value: object) -> None:
    """The SDK 2.14 beta top-level fields pass, typed, and are sent as given."""
    request = {"model": "m", "max_tokens": 1, "messages": [{"role": "user", "content": "x"}]}
    typed = parsed({**request, field: value})
    assert msgspec.to_builtins(typed)[field] == value
    assert not isinstance(getattr(typed, field), wire.Unknown)


@many
@given(
    versioned,
    st.sampled_from(["user_profile_id", "workspace_id", "betas"]),
    gen.names,
    st.sampled_from(["\n", "\r", ","]),
    st.data(),
)
def test_header_parameters_fit_in_a_header(
    case: tuple[str, JsonDict], name: str, text: str, bad: str, data: st.DataObject
) -> None:
    """A header parameter passes as one line (a beta: one name); a line break (or a comma in a
    beta name) fails at that parameter."""
    version, request = case
    good: object = [text] if name == "betas" else text
    assert list(problems(parsed({**request, name: good}), api_version=version)) == []
    at = data.draw(st.integers(0, len(text)))
    broken = text[:at] + bad + text[at:]
    if name != "betas" and bad == ",":
        return  # a comma is fine in a profile or workspace id
    value: object = [broken] if name == "betas" else broken
    problem = only_problem({**request, name: value}, version)
    assert problem.path == ("betas[0]" if name == "betas" else name)


@settings(max_examples=200, deadline=None)
@given(gen.garbage | st.dictionaries(st.sampled_from(FIELDS) | gen.texts, gen.garbage))
def test_parsing_never_raises_on_garbage(garbage: object) -> None:
    """Any JSON-ish value parses to a MessageRequest or an InvalidArgument, never an exception."""
    result = parse_message_request(garbage)  # type: ignore[arg-type]
    assert is_successful(result) or isinstance(result.failure(), InvalidArgument)


@many
@given(
    st.recursive(
        gen.garbage | gen.valid_requests(),
        lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.sampled_from(FIELDS), inner),
        max_leaves=6,
    ).filter(lambda v: isinstance(v, dict))
)
def test_parsing_never_raises_on_garbage_shaped_like_requests(garbage: JsonDict) -> None:
    """Garbage built from request field names and request pieces never raises either."""
    result = parse_message_request(garbage)
    assert is_successful(result) or isinstance(result.failure(), InvalidArgument)
