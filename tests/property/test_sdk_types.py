"""Every SDK 2.14 wire type of the Messages API has a typed counterpart in this library.

The SDK's own unions (content blocks and their params, citations, deltas, stream events, tool
definitions, tool choices, thinking configs, server-tool results, in the non-beta and the beta
types) are walked at run time, so a new SDK release that adds a member shows up here as a
failure naming it. For each member with a ``type`` tag there must be a known (not ``Unknown*``)
Struct of that tag in ``claude.pure.wire`` or ``claude.pure.events``, declaring every field the
SDK declares; tool definitions map to ``wire.TOOL_TYPES``; request params to ``MessageRequest``.
"""

from __future__ import annotations

import types
import typing

import msgspec
import pydantic
import pytest
from anthropic import types as sdk
from anthropic.types import beta

from claude.pure import events, wire

UNIONS = [
    (sdk, "ContentBlock"),
    (sdk, "ContentBlockParam"),
    (sdk, "TextCitation"),
    (sdk, "TextCitationParam"),
    (sdk, "RawContentBlockDelta"),
    (sdk, "RawMessageStreamEvent"),
    (sdk, "ToolChoiceParam"),
    (sdk, "ThinkingConfigParam"),
    (beta, "BetaContentBlock"),
    (beta, "BetaContentBlockParam"),
    (beta, "BetaTextCitation"),
    (beta, "BetaTextCitationParam"),
    (beta, "BetaRawContentBlockDelta"),
    (beta, "BetaRawMessageStreamEvent"),
    (beta, "BetaToolChoiceParam"),
    (beta, "BetaThinkingConfigParam"),
]
TOOL_UNIONS = [(sdk, "ToolUnionParam"), (beta, "BetaToolUnionParam")]
# Block params the SDK types differently from the reply (or only as a param): same tag, same
# wire shape; the result blocks' ``content`` unions are reached through their fields below.


def members(union: object) -> list[type]:
    """The classes of an SDK union (``Annotated`` and nested unions unwrapped)."""
    origin = typing.get_origin(union)
    args = typing.get_args(union)
    if origin is typing.Annotated:
        return members(args[0])
    if origin is typing.Union or origin is types.UnionType:
        return [m for a in args for m in members(a)]
    if origin in (list, typing.List, typing.Iterable) or str(origin).endswith("Iterable'>"):  # noqa: UP006
        return [m for a in args for m in members(a)]
    return [union] if isinstance(union, type) else []


def hints(cls: type) -> dict[str, object]:
    """A pydantic model's or TypedDict's field annotations, by wire name."""
    if issubclass(cls, pydantic.BaseModel):
        return {f.alias or name: f.annotation for name, f in cls.model_fields.items()}
    return dict(typing.get_type_hints(cls, include_extras=False))


def tag(cls: type) -> str | None:
    """The ``type`` literal of an SDK class, if it has exactly one."""
    annotation = hints(cls).get("type")
    while typing.get_origin(annotation) in (typing.Required, typing.NotRequired):
        annotation = typing.get_args(annotation)[0]
    values = typing.get_args(annotation) if typing.get_origin(annotation) is typing.Literal else ()
    return values[0] if len(values) == 1 and isinstance(values[0], str) else None


def ours() -> dict[str, list[type[msgspec.Struct]]]:
    """Our known tagged Structs, by tag (``text`` is a block and a document source)."""
    found: dict[str, list[type[msgspec.Struct]]] = {}
    for module in (wire, events):
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, wire.Tagged)
                and not issubclass(value, wire.Unknown)
                and isinstance(value.__struct_config__.tag, str)
            ):
                found.setdefault(value.__struct_config__.tag, []).append(value)
    return found


DESCEND = {"content", "citation", "citations", "source", "tool_references", "delta"}
"""The fields whose tagged values are blocks, results, citations or sources; others (callers,
cache control, fallback triggers, tool changes) are free-form objects on our side."""


def sdk_classes() -> dict[str, type]:
    """Every tagged SDK class reachable from UNIONS (and the results their blocks hold)."""
    seen: dict[str, type] = {}
    todo = [m for module, name in UNIONS for m in members(getattr(module, name))]
    while todo:
        cls = todo.pop()
        if cls.__name__ in seen or tag(cls) is None:
            continue
        seen[cls.__name__] = cls
        if tag(cls) in ("message_start", "content_block_start", "content_block_delta"):
            continue  # their nested message, block and delta are the unions above
        for field, annotation in hints(cls).items():
            if field in DESCEND:
                todo.extend(m for m in members(annotation) if tag(m) is not None)
    return seen


SDK = sdk_classes()
OURS = ours()
IGNORED_FIELDS = {"type", "parsed_output"}  # the tag; the SDK's own parse of structured output


@pytest.mark.parametrize("name", sorted(SDK))
def test_every_sdk_type_has_a_typed_counterpart(name: str) -> None:
    """Each tagged SDK type of the Messages API has our known Struct of its tag, declaring each
    of its fields (by wire name), so nothing the SDK types reaches us as an unknown."""
    cls = SDK[name]
    candidates = OURS.get(str(tag(cls)), [])
    assert candidates, f"{name} ({tag(cls)!r}) has no counterpart in claude.pure.wire"
    missing = {
        ours_.__name__: set(hints(cls))
        - {f.encode_name for f in msgspec.structs.fields(ours_)}
        - IGNORED_FIELDS
        for ours_ in candidates
    }
    assert any(not m for m in missing.values()), f"{name}: our Structs lack fields {missing}"


def test_the_walk_reaches_the_known_kinds() -> None:
    """The walk finds the SDK's blocks, results, citations and deltas (so the test above bites)."""
    tags = {tag(cls) for cls in SDK.values()}
    for expected in (
        "tool_use",
        "web_search_result",
        "compaction_delta",
        "char_location",
        "mcp_tool_use",
    ):
        assert expected in tags


@pytest.mark.parametrize(("module", "union"), TOOL_UNIONS, ids=[u for _, u in TOOL_UNIONS])
def test_every_sdk_tool_type_is_known(module: types.ModuleType, union: str) -> None:
    """Each tool definition type of the SDK (versioned server tools, toolsets) is in TOOL_TYPES."""
    found: set[str] = set()
    for cls in members(getattr(module, union)):
        annotation = hints(cls).get("type")
        found.update(v for v in _literals(annotation) if isinstance(v, str))
    assert found - set(wire.TOOL_TYPES) == set()


def _literals(annotation: object) -> list[object]:
    if typing.get_origin(annotation) is typing.Literal:
        return list(typing.get_args(annotation))
    return [v for a in typing.get_args(annotation) for v in _literals(a)]


@pytest.mark.parametrize(
    "params",
    [
        sdk.message_create_params.MessageCreateParamsBase,
        beta.message_create_params.MessageCreateParamsBase,
    ],
    ids=["messages", "beta.messages"],
)
def test_every_sdk_request_param_is_a_field(params: type) -> None:
    """Every parameter of ``messages.create`` (non-beta and beta) is a MessageRequest field."""
    declared = {f.encode_name for f in msgspec.structs.fields(wire.MessageRequest)}
    assert set(typing.get_type_hints(params)) - declared == set()


@pytest.mark.parametrize(
    ("sdk_type", "ours_"),
    [
        (beta.BetaMessage, wire.Message),
        (beta.BetaUsage, wire.Usage),
        (beta.BetaMessageDeltaUsage, events.MessageDeltaUsage),
        (beta.BetaRawMessageDeltaEvent, events.MessageDeltaEvent),
    ],
    ids=lambda v: v.__name__,
)
def test_every_sdk_reply_field_is_declared(sdk_type: type, ours_: type[msgspec.Struct]) -> None:
    """The reply, usage and message_delta Structs declare every field of the SDK's beta types."""
    declared = {f.encode_name for f in msgspec.structs.fields(ours_)}
    assert set(hints(sdk_type)) - declared - IGNORED_FIELDS == set()


@pytest.mark.parametrize(("module", "union"), TOOL_UNIONS, ids=[u for _, u in TOOL_UNIONS])
def test_every_sdk_tool_option_is_a_field(module: types.ModuleType, union: str) -> None:
    """Each option of each SDK tool definition type is a declared field of ``Tool``."""
    declared = {f.encode_name for f in msgspec.structs.fields(wire.Tool)}
    options = {k for cls in members(getattr(module, union)) for k in hints(cls)}
    assert options - declared == set()
