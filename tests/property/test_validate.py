"""Properties of request parsing and validation, claude.pure.request.parse_message_request and
claude.pure.validate: every rule with generated valid and invalid inputs."""

from __future__ import annotations

import copy
import re
import string

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy
from returns.pipeline import is_successful
from returns.result import Failure

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
@given(versioned, st.integers(max_value=0))
def test_max_tokens_must_be_at_least_one(case: tuple[str, JsonDict], max_tokens: int) -> None:
    """``max_tokens`` below 1 fails at ``max_tokens`` and says what it got."""
    version, request = case
    request = {k: v for k, v in request.items() if k != "thinking"}
    problem = only_problem({**request, "max_tokens": max_tokens}, version)
    assert (problem.path, problem.problem) == (
        "max_tokens",
        f"must be at least 1, got {max_tokens}",
    )


@many
@given(versioned)
def test_messages_must_not_be_empty(case: tuple[str, JsonDict]) -> None:
    """An empty ``messages`` list fails at ``messages``."""
    version, request = case
    assert only_problem({**request, "messages": []}, version).path == "messages"


@many
@given(
    versioned,
    st.just("system") | gen.texts.filter(lambda r: r not in ("user", "assistant")),
    st.data(),
)
def test_roles_are_user_or_assistant(
    case: tuple[str, JsonDict], role: str, data: st.DataObject
) -> None:
    """Any other role fails at ``messages[i].role``; ``system`` points to the ``system`` field."""
    version, request = case
    at = insert_turn(request, data, {"role": role, "content": "hi"})
    problem = only_problem(request, version)
    assert problem.path == f"messages[{at}].role"
    assert problem.problem.startswith(f"{role!r} is not one of user, assistant")
    assert ("'system' field" in problem.problem) == (role == "system")


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
@given(
    versioned,
    st.text(" \t\n", max_size=3).map(lambda d: (d, "must not be empty"))
    | st.text(min_size=1025, max_size=1100).map(lambda d: (d, "at most 1024")),
)
def test_tool_descriptions_are_non_empty_and_short(
    case: tuple[str, JsonDict], description: tuple[str, str]
) -> None:
    """A blank description, or one over 1024 characters, fails at ``tools[i].description``."""
    version, request = case
    text, says = description
    tools = tools_of(request)
    tools.append({"name": "described" * 7, "description": text, "input_schema": {}})
    problem = only_problem(request, version)
    assert problem.path == f"tools[{len(tools) - 1}].description"
    assert says in problem.problem


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
@given(versioned, st.integers(min_value=65, max_value=80))
def test_at_most_64_tools(case: tuple[str, JsonDict], n: int) -> None:
    """More than 64 tools fails at ``tools``; 64 are fine."""
    version, request = case
    request.pop("tool_choice", None)
    tools = [{"name": f"tool_{i}", "input_schema": {}} for i in range(n)]
    assert only_problem({**request, "tools": tools}, version).path == "tools"
    assert list(problems(parsed({**request, "tools": tools[:64]}), api_version=version)) == []


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
def test_tool_choice_needs_tools(case: tuple[str, JsonDict], choice: JsonDict) -> None:
    """A tool_choice other than ``none`` without tools fails at ``tool_choice``."""
    version, request = case
    request = {k: v for k, v in request.items() if k != "tools"}
    assert only_problem({**request, "tool_choice": choice}, version).path == "tool_choice"
    assert only_problem({**request, "tools": [], "tool_choice": choice}, version).path == (
        "tool_choice"
    )


@many
@given(versioned, gen.tool_names)
def test_tool_choice_names_a_given_tool(case: tuple[str, JsonDict], name: str) -> None:
    """``{"type": "tool", "name": X}`` fails at ``tool_choice.name`` unless a tool is called X."""
    version, request = case
    tools = tools_of(request)
    tools.append({"name": "only_this_one" * 4, "input_schema": {}})
    names = {t["name"] for t in tools}
    request["tool_choice"] = {"type": "tool", "name": name}
    if name in names:
        assert list(problems(parsed(request), api_version=version)) == []
    else:
        assert only_problem(request, version).path == "tool_choice.name"


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
                ["top", "system", "tool", "block", "tool_result", "search_result", "newer_block"]
            ),
            min_size=k,
            max_size=k,
        ).filter(lambda ps: ps.count("top") <= 1)
    )
    system = request.get("system")
    blocks: list[object] = system if isinstance(system, list) else []
    request["system"] = blocks
    for i, place in enumerate(places):
        text = {"type": "text", "text": str(i), "cache_control": cc}
        if place == "top":
            request["cache_control"] = cc
        elif place == "system":
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
def test_thinking_budget_is_at_least_1024_and_below_max_tokens(
    case: tuple[str, JsonDict], data: st.DataObject
) -> None:
    """A budget under 1024, or not below max_tokens, fails at ``thinking.budget_tokens``."""
    version, request = case
    max_tokens = request["max_tokens"]
    assert isinstance(max_tokens, int)
    budget = data.draw(
        st.integers(max_value=1023) | st.integers(min_value=max(1024, max_tokens), max_value=10**7)
    )
    request["thinking"] = {"type": "enabled", "budget_tokens": budget}
    problem = only_problem(request, version)
    assert problem.path == "thinking.budget_tokens"
    assert ("must be at least 1024" in problem.problem) == (budget < 1024)
    assert (f"below max_tokens ({max_tokens})" in problem.problem) == (budget >= 1024)


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
    broken = {**request, "model": "", "max_tokens": 0, "temperature": 2.0, "stop_sequences": [""]}
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


@many
@given(old_requests, gen.unknown_field_names.filter(lambda n: n not in FIELDS))
def test_a_typed_request_with_unknown_top_level_fields_is_refused_too(
    request: JsonDict, name: str
) -> None:
    """A MessageRequest decoded with an unknown top-level field is refused like the dict would be."""
    value = convert({**request, name: 1}, MessageRequest).unwrap()
    result = parse_message_request(value)
    assert isinstance(result, Failure)
    assert result.failure().path == name


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
