"""Shared hypothesis strategies: wire JSON for every type in ``claude.pure.wire``.

Everything here generates *wire JSON* (dicts, lists, strings, numbers, booleans, ``None``), the
way it goes over the wire, never our Structs: the properties decode it and compare.

* Optional fields are randomly absent, ``null`` (where the API allows ``null``) or present, so
  "absent stays absent and null stays null" is exercised everywhere.
* Fields the API requires are always present, including the few that carry a Python default in
  ``wire`` (``cache_control.type``, ``text`` source ``media_type``, ``message.type``/``role``).
* ``newer=True`` mixes in what a newer API may send: unknown block, citation, source,
  tool-choice and thinking types, and unknown stop reasons. ``newer_api`` adds unknown fields at
  any object level.
* ``valid_requests`` generates requests that pass every rule of ``claude.pure.validate`` for the
  given API version; the validation tests break one rule at a time.
"""

from __future__ import annotations

import base64
import copy
import string
from collections.abc import Mapping
from typing import Final

import msgspec
import msgspec.inspect as mi
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from claude.pure import wire
from claude.pure.errors import (
    ApiError,
    AuthenticationError,
    NotFound,
    Overloaded,
    PermissionDenied,
    RateLimited,
    RequestTooLarge,
    ServerError,
)
from claude.pure.settings import DEFAULT_API_VERSION
from claude.pure.validate import IMAGE_MEDIA_TYPES

JsonDict = dict[str, object]
Strategy = SearchStrategy[object]


def _wire_structs() -> list[type[msgspec.Struct]]:
    return [
        v
        for v in vars(wire).values()
        if isinstance(v, type) and issubclass(v, msgspec.Struct) and v.__module__ == wire.__name__
    ]


KNOWN_FIELD_NAMES: Final = frozenset(
    f.encode_name for cls in _wire_structs() for f in msgspec.structs.fields(cls)
)
"""Every field name some wire Struct declares: an unknown field must not be one of these."""

KNOWN_TAGS: Final = frozenset(
    str(tag)
    for cls in _wire_structs()
    if isinstance(tag := cls.__struct_config__.tag, str) and tag != wire.UNKNOWN_TAG
)
"""Every ``type`` this library knows, in any union."""

# --- scalars and free-form JSON ------------------------------------------------------------

texts = st.text(max_size=12)
nonblank = st.text(min_size=1, max_size=12).filter(lambda s: bool(s.strip()))
names = st.text(alphabet=string.ascii_letters + string.digits + "_-", min_size=1, max_size=16)
counts = st.integers(min_value=0, max_value=2**53)
floats = st.floats(allow_nan=False, allow_infinity=False)
b64 = st.binary(max_size=24).map(lambda b: base64.b64encode(b).decode())
b64_nonempty = st.binary(min_size=1, max_size=24).map(lambda b: base64.b64encode(b).decode())

json_scalars: Strategy = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | floats
    | texts
)
json_values: Strategy = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=8,
)
"""Any JSON value (the contents of free-form fields such as tool ``input``)."""
json_objects: SearchStrategy[JsonDict] = st.dictionaries(texts, json_values, max_size=3)
garbage: Strategy = st.recursive(
    json_scalars | st.integers() | st.floats(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=8,
)
"""Any JSON-ish value, with integers of any size and non-finite floats."""


def nullable(s: Strategy) -> Strategy:
    """``s`` or JSON ``null``."""
    return st.none() | s


def obj(
    required: Mapping[str, Strategy], optional: Mapping[str, Strategy] | None = None
) -> SearchStrategy[JsonDict]:
    """A JSON object with every ``required`` key and each ``optional`` key randomly absent."""
    return st.fixed_dictionaries(dict(required), optional=dict(optional or {}))


def tagged(
    tag: str, required: Mapping[str, Strategy], optional: Mapping[str, Strategy] | None = None
) -> SearchStrategy[JsonDict]:
    """A member of a ``"type"``-tagged union."""
    return obj({"type": st.just(tag), **required}, optional)


# --- what a newer API sends ------------------------------------------------------------------

UNKEEPABLE: Final = '"\\' + "".join(map(chr, range(32)))
"""Characters msgspec cannot declare in a field name: such unknown fields are a ``Failure``."""
field_name_chars = st.characters(codec="utf-8", exclude_characters=UNKEEPABLE)


def keepable(name: str) -> bool:
    """Whether the codec can keep an unknown field of this name (see ``UNKEEPABLE``)."""
    return not any(c in UNKEEPABLE for c in name)


unknown_tags: SearchStrategy[str] = (
    st.sampled_from(
        ["hologram", "text_v2", "web_search_20270101", "citation_v9", "", wire.UNKNOWN_TAG]
    )
    | st.text(max_size=10)
).filter(lambda tag: tag not in KNOWN_TAGS)
"""A ``type`` this library does not know (the empty string and our own placeholder included)."""

unknown_field_names: SearchStrategy[str] = (
    st.sampled_from(
        [
            "future_field",
            "class",
            "from",
            "_private",
            "__dict__",
            "__struct_fields__",
            "_request_id",
            "fields",
            "extra_0",
            "extra_1",
            "1st",
            "with space",
            "dash-ed",
            "ünïcødé",
            "type2",
            "request_id",
            "rate_limits",
        ]
    )
    | st.text(field_name_chars, min_size=1, max_size=8)
).filter(lambda name: name not in KNOWN_FIELD_NAMES)
"""A field name no wire Struct declares, including names that are awkward as Python attributes."""


def unknown_objects() -> SearchStrategy[JsonDict]:
    """A value of a type newer than this library: an unknown tag and arbitrary fields."""
    return st.builds(
        lambda tag, fields: {**fields, "type": tag},
        unknown_tags,
        st.dictionaries(
            st.text(field_name_chars, max_size=8).filter(lambda k: k != "type"),
            json_values,
            max_size=3,
        ),
    )


def _union(known: SearchStrategy[JsonDict], newer: bool) -> SearchStrategy[JsonDict]:
    return known | unknown_objects() if newer else known


def _sprinkle(draw: st.DrawFn, value: object, *, here: bool) -> object:
    if isinstance(value, dict):
        out = {k: _sprinkle(draw, v, here=True) for k, v in value.items()}
        if here:
            extra = draw(st.dictionaries(unknown_field_names, json_values, max_size=2))
            for key, item in extra.items():
                out.setdefault(key, item)
        return out
    if isinstance(value, list):
        return [_sprinkle(draw, item, here=True) for item in value]
    return value


@st.composite
def newer_api(
    draw: st.DrawFn, base: SearchStrategy[JsonDict], *, top_level: bool = True
) -> JsonDict:
    """A value of ``base`` with unknown fields added at random objects at any depth.

    ``top_level=False`` leaves the outermost object alone (a request's unknown top-level field
    is a typo we reject, not a newer API).
    """
    value = _sprinkle(draw, draw(base), here=top_level)
    assert isinstance(value, dict)
    return value


# --- small shared pieces -------------------------------------------------------------------

cache_controls = obj({"type": st.just("ephemeral")}, {"ttl": st.sampled_from(["5m", "1h"])})
citation_configs = obj({}, {"enabled": st.booleans()})
_cc: dict[str, Strategy] = {"cache_control": nullable(cache_controls)}


_doc: dict[str, Strategy] = {"document_title": nullable(texts), "file_id": nullable(texts)}
_where: dict[str, Strategy] = {"cited_text": texts, "document_index": counts}
CITATION_KINDS: Final[dict[type[msgspec.Struct], SearchStrategy[JsonDict]]] = {
    wire.CharLocation: tagged(
        "char_location", {**_where, "start_char_index": counts, "end_char_index": counts}, _doc
    ),
    wire.PageLocation: tagged(
        "page_location", {**_where, "start_page_number": counts, "end_page_number": counts}, _doc
    ),
    wire.ContentBlockLocation: tagged(
        "content_block_location",
        {**_where, "start_block_index": counts, "end_block_index": counts},
        _doc,
    ),
    wire.WebSearchResultLocation: tagged(
        "web_search_result_location",
        {"cited_text": texts, "url": texts, "encrypted_index": texts},
        {"title": nullable(texts)},
    ),
    wire.SearchResultLocation: tagged(
        "search_result_location",
        {
            "cited_text": texts,
            "source": texts,
            "search_result_index": counts,
            "start_block_index": counts,
            "end_block_index": counts,
        },
        {"title": nullable(texts)},
    ),
}
"""Every citation kind, by wire type."""


def citations(*, newer: bool = False) -> SearchStrategy[JsonDict]:
    """Any citation of a text block (and, if ``newer``, unknown kinds)."""
    return _union(st.one_of(list(CITATION_KINDS.values())), newer)


# --- sources ---------------------------------------------------------------------------------

_media_types = st.sampled_from([*IMAGE_MEDIA_TYPES, "application/pdf"]) | texts
base64_sources = tagged("base64", {"media_type": _media_types, "data": b64})
url_sources = tagged("url", {"url": texts})
file_sources = tagged("file", {"file_id": names})
text_sources = tagged("text", {"media_type": st.just("text/plain"), "data": texts})


def content_sources(*, newer: bool = False) -> SearchStrategy[JsonDict]:
    """A custom-content document source: a string or a list of text and image blocks."""
    chunks = st.lists(
        _union(text_blocks(newer=newer) | image_blocks(newer=newer), newer), max_size=2
    )
    return tagged("content", {"content": texts | chunks})


def image_sources(*, newer: bool = False) -> SearchStrategy[JsonDict]:
    """Every image source kind: base64, url, file."""
    return _union(base64_sources | url_sources | file_sources, newer)


def document_sources(*, newer: bool = False) -> SearchStrategy[JsonDict]:
    """Every document source kind: base64 PDF, plain text, custom content, url, file."""
    known = (
        base64_sources | text_sources | content_sources(newer=newer) | url_sources | file_sources
    )
    return _union(known, newer)


# --- content blocks --------------------------------------------------------------------------


def text_blocks(*, newer: bool = False) -> SearchStrategy[JsonDict]:
    """A text block, with citations absent, null or a list of any kind."""
    return tagged(
        "text",
        {"text": texts},
        {"citations": nullable(st.lists(citations(newer=newer), max_size=2)), **_cc},
    )


def image_blocks(*, newer: bool = False) -> SearchStrategy[JsonDict]:
    """An image block with any source kind."""
    return tagged("image", {"source": image_sources(newer=newer)}, _cc)


def document_blocks(*, newer: bool = False) -> SearchStrategy[JsonDict]:
    """A document block with any source kind and the optional title/context/citations."""
    return tagged(
        "document",
        {"source": document_sources(newer=newer)},
        {
            "title": nullable(texts),
            "context": nullable(texts),
            "citations": nullable(citation_configs),
            **_cc,
        },
    )


def search_result_blocks(*, newer: bool = False) -> SearchStrategy[JsonDict]:
    """A caller-supplied search result block."""
    return tagged(
        "search_result",
        {
            "source": texts,
            "title": texts,
            "content": st.lists(text_blocks(newer=newer), max_size=2),
        },
        {"citations": citation_configs, **_cc},
    )


tool_use_blocks = tagged(
    "tool_use",
    {"id": names, "name": names, "input": json_objects},
    {"caller": nullable(json_objects), "toolset_name": nullable(texts), **_cc},
)
thinking_blocks = tagged("thinking", {"thinking": texts, "signature": texts})
redacted_thinking_blocks = tagged("redacted_thinking", {"data": texts})
server_tool_use_blocks = tagged(
    "server_tool_use",
    {"id": names, "name": names, "input": json_objects},
    {"caller": nullable(json_objects), **_cc},
)
container_upload_blocks = tagged("container_upload", {"file_id": names}, _cc)
tool_reference_blocks = tagged("tool_reference", {"tool_name": names}, _cc)
_maybe_count: Strategy = nullable(counts)
_error_code = st.sampled_from(["unavailable", "max_uses_exceeded", "too_many_requests"]) | texts
_message: dict[str, Strategy] = {"error_message": nullable(texts)}
_outputs = st.lists(tagged("code_execution_output", {"file_id": names}), max_size=2)
_bash_outputs = st.lists(tagged("bash_code_execution_output", {"file_id": names}), max_size=2)
_run: dict[str, Strategy] = {"stderr": texts, "return_code": st.integers(-255, 255)}
RESULT_CONTENT_KINDS: Final[dict[type[msgspec.Struct], SearchStrategy[JsonDict]]] = {
    wire.WebSearchResult: tagged(
        "web_search_result",
        {"url": texts, "title": texts, "encrypted_content": texts},
        {"page_age": nullable(texts)},
    ),
    wire.WebFetchResult: tagged(
        "web_fetch_result",
        {"url": texts, "content": tagged("document", {"source": text_sources})},
        {"retrieved_at": nullable(texts)},
    ),
    wire.CodeExecutionOutput: tagged("code_execution_output", {"file_id": names}),
    wire.CodeExecutionResult: tagged(
        "code_execution_result", {"stdout": texts, **_run, "content": _outputs}
    ),
    wire.EncryptedCodeExecutionResult: tagged(
        "encrypted_code_execution_result", {"encrypted_stdout": texts, **_run, "content": _outputs}
    ),
    wire.BashCodeExecutionOutput: tagged("bash_code_execution_output", {"file_id": names}),
    wire.BashCodeExecutionResult: tagged(
        "bash_code_execution_result", {"stdout": texts, **_run, "content": _bash_outputs}
    ),
    wire.TextEditorCodeExecutionViewResult: tagged(
        "text_editor_code_execution_view_result",
        {"content": texts, "file_type": st.sampled_from(["text", "image", "pdf"])},
        {"num_lines": _maybe_count, "start_line": _maybe_count, "total_lines": _maybe_count},
    ),
    wire.TextEditorCodeExecutionCreateResult: tagged(
        "text_editor_code_execution_create_result", {"is_file_update": st.booleans()}
    ),
    wire.TextEditorCodeExecutionStrReplaceResult: tagged(
        "text_editor_code_execution_str_replace_result",
        {},
        {
            "lines": nullable(st.lists(texts, max_size=2)),
            "new_lines": _maybe_count,
            "new_start": _maybe_count,
            "old_lines": _maybe_count,
            "old_start": _maybe_count,
        },
    ),
    wire.ToolSearchResult: tagged(
        "tool_search_tool_search_result",
        {"tool_references": st.lists(tool_reference_blocks, max_size=2)},
    ),
    wire.AdvisorResult: tagged("advisor_result", {"text": texts}, {"stop_reason": nullable(texts)}),
    wire.AdvisorRedactedResult: tagged(
        "advisor_redacted_result", {"encrypted_content": texts}, {"stop_reason": nullable(texts)}
    ),
    **{
        error: tagged(str(error.__struct_config__.tag), {"error_code": _error_code}, optional)
        for error, optional in [
            (wire.WebSearchToolResultError, {}),
            (wire.WebFetchToolResultError, {}),
            (wire.CodeExecutionToolResultError, {}),
            (wire.BashCodeExecutionToolResultError, {}),
            (wire.TextEditorCodeExecutionToolResultError, _message),
            (wire.ToolSearchToolResultError, _message),
            (wire.AdvisorToolResultError, {}),
        ]
    },
}
"""What server tools return, by wire type (the ``content`` of their result blocks)."""
_R = RESULT_CONTENT_KINDS


def _result(*contents: type[msgspec.Struct], listed: bool = False) -> dict[str, Strategy]:
    """A result block's required fields: its ``content`` one of ``contents`` (the first listed)."""
    options: list[SearchStrategy[object]] = [_R[c] for c in contents]
    if listed:
        options[0] = st.lists(options[0], max_size=2)
    return {"tool_use_id": names, "content": st.one_of(options)}


_caller: dict[str, Strategy] = {"caller": nullable(json_objects), **_cc}
SERVER_TOOL_RESULT_KINDS: Final[dict[type[msgspec.Struct], SearchStrategy[JsonDict]]] = {
    wire.WebSearchToolResultBlock: tagged(
        "web_search_tool_result",
        _result(wire.WebSearchResult, wire.WebSearchToolResultError, listed=True),
        _caller,
    ),
    wire.WebFetchToolResultBlock: tagged(
        "web_fetch_tool_result",
        _result(wire.WebFetchResult, wire.WebFetchToolResultError),
        _caller,
    ),
    wire.CodeExecutionToolResultBlock: tagged(
        "code_execution_tool_result",
        _result(
            wire.CodeExecutionResult,
            wire.EncryptedCodeExecutionResult,
            wire.CodeExecutionToolResultError,
        ),
        _cc,
    ),
    wire.BashCodeExecutionToolResultBlock: tagged(
        "bash_code_execution_tool_result",
        _result(wire.BashCodeExecutionResult, wire.BashCodeExecutionToolResultError),
        _cc,
    ),
    wire.TextEditorCodeExecutionToolResultBlock: tagged(
        "text_editor_code_execution_tool_result",
        _result(
            wire.TextEditorCodeExecutionViewResult,
            wire.TextEditorCodeExecutionCreateResult,
            wire.TextEditorCodeExecutionStrReplaceResult,
            wire.TextEditorCodeExecutionToolResultError,
        ),
        _cc,
    ),
    wire.ToolSearchToolResultBlock: tagged(
        "tool_search_tool_result",
        _result(wire.ToolSearchResult, wire.ToolSearchToolResultError),
        _cc,
    ),
    wire.AdvisorToolResultBlock: tagged(
        "advisor_tool_result",
        _result(wire.AdvisorResult, wire.AdvisorRedactedResult, wire.AdvisorToolResultError),
        _cc,
    ),
}
"""Every server-tool result block kind, by wire type, with every kind of content it holds."""
BETA_BLOCK_KINDS: Final[dict[type[msgspec.Struct], SearchStrategy[JsonDict]]] = {
    wire.McpToolUseBlock: tagged(
        "mcp_tool_use",
        {"id": names, "name": names, "server_name": names, "input": json_objects},
        _cc,
    ),
    wire.McpToolResultBlock: tagged(
        "mcp_tool_result",
        {
            "tool_use_id": names,
            "content": texts | st.lists(tagged("text", {"text": texts}), max_size=2),
        },
        {"is_error": st.booleans(), **_cc},
    ),
    wire.CompactionBlock: tagged(
        "compaction",
        {},
        {
            "content": nullable(texts),
            "encrypted_content": nullable(texts),
            "signature": nullable(texts),
            "tool_changes": nullable(st.lists(json_objects, max_size=2)),
            **_cc,
        },
    ),
    wire.FallbackBlock: tagged(
        "fallback",
        {
            "from": obj({"model": texts}),
            "to": obj({"model": texts}),
            "trigger": obj({"type": st.just("refusal")}),
        },
    ),
    wire.McpToolListingBlock: tagged(
        "mcp_tool_listing",
        {"mcp_server_name": names, "tools": st.lists(json_objects, max_size=2)},
        _cc,
    ),
    wire.ToolAdditionBlock: tagged("tool_addition", {"tool": json_objects}, _cc),
    wire.ToolRemovalBlock: tagged("tool_removal", {"tool": json_objects}, _cc),
    wire.ToolReferenceBlock: tool_reference_blocks,
    wire.BrowserStateBlock: tagged(
        "browser_state",
        {"tabs": st.lists(json_objects, max_size=2)},
        {"state_changes": nullable(st.lists(json_objects, max_size=2)), **_cc},
    ),
}
"""The beta block kinds (MCP, compaction, fallback, tool changes), by wire type."""
beta_blocks = st.one_of(list(BETA_BLOCK_KINDS.values()))
server_tool_result_blocks = st.one_of(list(SERVER_TOOL_RESULT_KINDS.values()))


def tool_result_blocks(*, newer: bool = False) -> SearchStrategy[JsonDict]:
    """A tool result whose content is absent, a string or a list of the blocks it may hold."""
    inner = (
        text_blocks(newer=newer)
        | image_blocks(newer=newer)
        | search_result_blocks(newer=newer)
        | document_blocks(newer=newer)
    )
    if newer:  # a known block type that may not stand in a tool result is an unknown one there
        inner = inner | unknown_objects() | tool_use_blocks
    return tagged(
        "tool_result",
        {"tool_use_id": names},
        {"content": texts | st.lists(inner, max_size=2), "is_error": st.booleans(), **_cc},
    )


def content_blocks(*, newer: bool = False) -> SearchStrategy[JsonDict]:
    """Any content block of a request turn or a reply."""
    known = (
        text_blocks(newer=newer)
        | image_blocks(newer=newer)
        | document_blocks(newer=newer)
        | search_result_blocks(newer=newer)
        | tool_use_blocks
        | tool_result_blocks(newer=newer)
        | thinking_blocks
        | redacted_thinking_blocks
        | server_tool_use_blocks
        | server_tool_result_blocks
        | container_upload_blocks
        | beta_blocks
    )
    return _union(known, newer)


def response_blocks(*, newer: bool = False) -> SearchStrategy[JsonDict]:
    """The block kinds a reply carries."""
    known = (
        text_blocks(newer=newer)
        | tool_use_blocks
        | thinking_blocks
        | redacted_thinking_blocks
        | server_tool_use_blocks
        | server_tool_result_blocks
        | container_upload_blocks
    )
    return _union(known, newer)


# --- requests --------------------------------------------------------------------------------

roles = st.sampled_from(["user", "assistant"])


def message_params(*, newer: bool = False) -> SearchStrategy[JsonDict]:
    """A conversation turn with string or block content."""
    return obj(
        {
            "role": roles | texts,
            "content": texts | st.lists(content_blocks(newer=newer), max_size=3),
        }
    )


custom_tools = obj(
    {"name": names},
    {
        "type": st.just("custom"),
        "description": texts,
        "input_schema": json_objects,
        "cache_control": nullable(cache_controls),
        "strict": st.booleans(),
    },
)
server_tools: SearchStrategy[JsonDict] = st.builds(
    copy.deepcopy,
    st.sampled_from(
        [
            {"type": "web_search_20250305", "name": "web_search", "max_uses": 5},
            {"type": "web_fetch_20250910", "name": "web_fetch", "max_content_tokens": 1000},
            {"type": "bash_20250124", "name": "bash"},
            {"type": "text_editor_20250728", "name": "str_replace_based_edit_tool"},
            {"type": "code_execution_20250825", "name": "code_execution"},
            {
                "type": "web_search_20250305",
                "name": "web_search",
                "allowed_domains": ["example.com"],
                "user_location": {"type": "approximate", "city": "Paris"},
                "cache_control": {"type": "ephemeral"},
            },
        ]
    ),
)
"""Anthropic-defined tools: their options are extra fields the lenient decoder keeps."""


_parallel: dict[str, Strategy] = {"disable_parallel_tool_use": st.booleans()}
TOOL_CHOICE_KINDS: Final[dict[type[msgspec.Struct], SearchStrategy[JsonDict]]] = {
    wire.ToolChoiceAuto: tagged("auto", {}, _parallel),
    wire.ToolChoiceAny: tagged("any", {}, _parallel),
    wire.ToolChoiceTool: tagged("tool", {"name": names}, _parallel),
    wire.ToolChoiceNone: tagged("none", {}),
}
_display: dict[str, Strategy] = {"display": st.sampled_from(["summarized", "omitted"]) | texts}
THINKING_KINDS: Final[dict[type[msgspec.Struct], SearchStrategy[JsonDict]]] = {
    wire.ThinkingEnabled: tagged("enabled", {"budget_tokens": counts}, _display),
    wire.ThinkingDisabled: tagged("disabled", {}),
    wire.ThinkingAdaptive: tagged("adaptive", {}, _display),
    wire.ThinkingBetweenTools: tagged("between_tools", {}),
}


def tool_choices(*, newer: bool = False) -> SearchStrategy[JsonDict]:
    """Every tool_choice mode."""
    return _union(st.one_of(list(TOOL_CHOICE_KINDS.values())), newer)


def thinking_configs(*, newer: bool = False) -> SearchStrategy[JsonDict]:
    """Every thinking mode."""
    return _union(st.one_of(list(THINKING_KINDS.values())), newer)


metadatas = obj({}, {"user_id": nullable(texts)})
REQUEST_OPTIONS: Final[dict[type[msgspec.Struct], SearchStrategy[JsonDict]]] = {
    wire.OutputConfig: obj(
        {},
        {
            "effort": nullable(st.sampled_from(["low", "medium", "high", "xhigh", "max"])),
            "format": nullable(obj({"type": st.just("json_schema"), "schema": json_objects})),
            "task_budget": nullable(json_objects),
        },
    ),
    wire.McpServer: obj(
        {"type": st.just("url"), "name": names, "url": texts},
        {"authorization_token": nullable(texts), "tool_configuration": nullable(json_objects)},
    ),
    wire.ContextManagement: obj({}, {"edits": st.lists(json_objects, max_size=2)}),
    wire.ContainerConfig: obj(
        {}, {"id": nullable(texts), "skills": nullable(st.lists(json_objects, max_size=2))}
    ),
    wire.Diagnostics: obj({}, {"previous_message_id": nullable(texts)}),
    wire.CompactionConfig: obj({"type": st.just("summarize")}, {"instructions": nullable(texts)}),
    wire.ThreadConfig: tagged("create", {})
    | obj({"type": st.just("continue"), "previous_message_id": names}),
    wire.BillingPolicy: obj({"type": st.just("billing_policy")}, {"bill_to": json_objects}),
    wire.FallbackCreditToken: obj(
        {"token": texts}, {"mode": st.sampled_from(["strict", "best_effort"])}
    ),
}
"""The request options, typed after the SDK's params, by wire type."""
_O = REQUEST_OPTIONS
request_options: Final[dict[str, Strategy]] = {
    "container": nullable(texts | _O[wire.ContainerConfig]),
    "mcp_servers": nullable(st.lists(_O[wire.McpServer], max_size=2)),
    "context_management": nullable(_O[wire.ContextManagement]),
    "output_config": nullable(_O[wire.OutputConfig]),
    "diagnostics": nullable(_O[wire.Diagnostics]),
    "billing_policy": nullable(_O[wire.BillingPolicy]),
    "compaction": nullable(_O[wire.CompactionConfig]),
    "fallbacks": nullable(st.just("default") | st.lists(obj({"model": texts}), max_size=2)),
    "fallback_credit_token": nullable(texts | _O[wire.FallbackCreditToken]),
    "thread": nullable(_O[wire.ThreadConfig]),
}
"""Every top-level request option of a typed shape, by name."""
service_tiers = st.sampled_from(["auto", "standard_only"]) | texts


def message_requests(
    *, newer: bool = False, with_server_tools: bool = True
) -> SearchStrategy[JsonDict]:
    """A ``POST /v1/messages`` body of any shape the types admit (not necessarily valid).

    Server tools carry options ``Tool`` does not declare (kept as extra fields);
    ``with_server_tools=False`` leaves them out, for properties of inputs without unknowns.
    """
    tools = custom_tools | server_tools if with_server_tools else custom_tools
    return obj(
        {
            "model": texts,
            "max_tokens": counts,
            "messages": st.lists(message_params(newer=newer), max_size=3),
        },
        {
            "system": texts | st.lists(text_blocks(newer=newer), max_size=2),
            "stop_sequences": st.lists(texts, max_size=3),
            "stream": st.booleans(),
            "temperature": floats,
            "top_p": floats,
            "top_k": counts,
            "metadata": metadatas,
            "tools": st.lists(tools, max_size=3),
            "tool_choice": tool_choices(newer=newer),
            "thinking": thinking_configs(newer=newer),
            "service_tier": service_tiers,
            **request_options,
            "cache_control": nullable(cache_controls),
            "inference_geo": nullable(texts),
            "speed": nullable(st.sampled_from(["standard", "fast"])),
            "user_profile_id": texts,
            "workspace_id": texts,
            "betas": st.lists(texts, max_size=2),
        },
    )


# --- responses -------------------------------------------------------------------------------

cache_creations = obj(
    {},
    {"ephemeral_5m_input_tokens": counts, "ephemeral_1h_input_tokens": counts},
)
server_tool_usages = obj({}, {"web_search_requests": counts, "web_fetch_requests": counts})

usages = obj(
    {"input_tokens": counts, "output_tokens": counts},
    {
        "cache_creation_input_tokens": nullable(counts),
        "cache_read_input_tokens": nullable(counts),
        "cache_creation": nullable(cache_creations),
        "server_tool_use": nullable(server_tool_usages),
        "service_tier": nullable(st.sampled_from(["standard", "priority", "batch"])),
        "output_tokens_details": nullable(obj({"thinking_tokens": counts})),
        "inference_geo": nullable(texts),
        "speed": nullable(st.sampled_from(["standard", "fast"])),
    },
)
"""``usage`` with every cache and server-tool field randomly absent, null or present."""


def stop_reasons(*, newer: bool = False) -> SearchStrategy[str]:
    """A stop reason known today, or (``newer``) any string."""
    known = st.sampled_from(wire.STOP_REASONS)
    return known | texts if newer else known


def messages(*, newer: bool = False) -> SearchStrategy[JsonDict]:
    """A non-streaming reply (``Message``)."""
    return obj(
        {
            "id": names.map("msg_".__add__),
            "type": st.just("message"),
            "role": st.just("assistant"),
            "model": texts,
            "content": st.lists(response_blocks(newer=newer), max_size=4),
            "usage": usages,
        },
        {
            "stop_reason": nullable(stop_reasons(newer=newer)),
            "stop_sequence": nullable(texts),
            "container": nullable(json_objects),
            "stop_details": nullable(json_objects),
            "diagnostics": nullable(json_objects),
        },
    )


token_counts = obj({"input_tokens": counts})


def by_type(
    *, newer: bool = False, with_server_tools: bool = True
) -> dict[type[msgspec.Struct], SearchStrategy[JsonDict]]:
    """A strategy for every concrete wire Struct (the ``Unknown*`` members excepted)."""
    return {
        wire.CacheControl: cache_controls,
        wire.CitationsConfig: citation_configs,
        **CITATION_KINDS,
        wire.Base64Source: base64_sources,
        wire.UrlSource: url_sources,
        wire.FileSource: file_sources,
        wire.TextSource: text_sources,
        wire.ContentSource: content_sources(newer=newer),
        wire.TextBlock: text_blocks(newer=newer),
        wire.ImageBlock: image_blocks(newer=newer),
        wire.DocumentBlock: document_blocks(newer=newer),
        wire.SearchResultBlock: search_result_blocks(newer=newer),
        wire.ToolUseBlock: tool_use_blocks,
        wire.ToolResultBlock: tool_result_blocks(newer=newer),
        wire.ThinkingBlock: thinking_blocks,
        wire.RedactedThinkingBlock: redacted_thinking_blocks,
        wire.ServerToolUseBlock: server_tool_use_blocks,
        **SERVER_TOOL_RESULT_KINDS,
        **RESULT_CONTENT_KINDS,
        **BETA_BLOCK_KINDS,
        wire.ContainerUploadBlock: container_upload_blocks,
        wire.MessageParam: message_params(newer=newer),
        wire.Tool: custom_tools | server_tools if with_server_tools else custom_tools,
        **TOOL_CHOICE_KINDS,
        **THINKING_KINDS,
        wire.Metadata: metadatas,
        **REQUEST_OPTIONS,
        wire.MessageRequest: message_requests(newer=newer, with_server_tools=with_server_tools),
        wire.CacheCreation: cache_creations,
        wire.ServerToolUsage: server_tool_usages,
        wire.Usage: usages,
        wire.Message: messages(newer=newer),
        wire.TokenCount: token_counts,
    }


# --- valid requests ---------------------------------------------------------------------------

model_names = st.sampled_from(["claude-sonnet-4-5", "claude-opus-4-1-20250805", "x"]) | nonblank
tool_names = st.text(string.ascii_letters + string.digits + "_-", min_size=1, max_size=64)
"""Names matching ``^[a-zA-Z0-9_-]{1,64}$``."""
schemas = st.sampled_from(
    [
        {"type": "object", "properties": {}},
        {"type": "object", "properties": {"q": {"type": "string"}}, "required": ["q"]},
        {},
    ]
).map(copy.deepcopy)
valid_image_sources = (
    tagged("base64", {"media_type": st.sampled_from(IMAGE_MEDIA_TYPES), "data": b64_nonempty})
    | url_sources
    | file_sources
)
valid_image_blocks = tagged("image", {"source": valid_image_sources})
plain_text_blocks = tagged("text", {"text": texts}, {"citations": st.none() | st.just([])})
"""A text block a user turn may carry under every API version (no citations)."""
valid_document_blocks = tagged(
    "document",
    {
        "source": tagged("base64", {"media_type": st.just("application/pdf"), "data": b64_nonempty})
        | tagged("text", {"media_type": st.just("text/plain"), "data": texts})
        | tagged(
            "content",
            {"content": texts | st.lists(plain_text_blocks | valid_image_blocks, max_size=2)},
        )
        | url_sources
        | file_sources
    },
    {"title": nullable(texts), "citations": citation_configs},
)
valid_search_results = tagged(
    "search_result",
    {"source": texts, "title": texts, "content": st.lists(plain_text_blocks, max_size=2)},
)
valid_tool_results = tagged(
    "tool_result",
    {"tool_use_id": names},
    {
        "content": texts
        | st.lists(
            plain_text_blocks | valid_image_blocks | valid_search_results | valid_document_blocks,
            max_size=2,
        ),
        "is_error": st.booleans(),
    },
)


def valid_user_blocks(api_version: str) -> SearchStrategy[JsonDict]:
    """Blocks a user turn may hold under ``api_version``."""
    text = plain_text_blocks if api_version == "2026-10-21" else text_blocks()
    return (
        text
        | valid_image_blocks
        | valid_document_blocks
        | valid_search_results
        | valid_tool_results
    )


def valid_assistant_blocks(api_version: str) -> SearchStrategy[JsonDict]:
    """Blocks an assistant turn may hold under ``api_version``."""
    blocks = (
        text_blocks()
        | tool_use_blocks
        | thinking_blocks
        | redacted_thinking_blocks
        | server_tool_use_blocks
    )
    return blocks | valid_document_blocks if api_version == "2023-06-01" else blocks


def _strip_cache_control(value: object) -> object:
    """``value`` without any ``cache_control`` set to an object (so no breakpoints are counted)."""
    if isinstance(value, dict):
        return {
            k: _strip_cache_control(v)
            for k, v in value.items()
            if not (k == "cache_control" and isinstance(v, dict))
        }
    if isinstance(value, list):
        return [_strip_cache_control(v) for v in value]
    return value


def valid_message_params(api_version: str) -> SearchStrategy[JsonDict]:
    """A turn that passes validation under ``api_version``."""
    user = obj(
        {
            "role": st.just("user"),
            "content": texts | st.lists(valid_user_blocks(api_version), max_size=3),
        }
    )
    assistant = obj(
        {
            "role": st.just("assistant"),
            "content": texts | st.lists(valid_assistant_blocks(api_version), max_size=3),
        }
    )
    return user | assistant


valid_custom_tools = obj(
    {"name": tool_names, "input_schema": schemas},
    {
        "type": st.just("custom"),
        "description": st.text(min_size=1, max_size=40).filter(lambda s: bool(s.strip())),
        "strict": st.booleans(),
    },
)
valid_tools = valid_custom_tools | server_tools


_unit = st.floats(min_value=0.0, max_value=1.0)
_valid_optional: dict[str, Strategy] = {
    "system": texts | st.lists(plain_text_blocks, max_size=2),
    "stop_sequences": st.lists(nonblank, max_size=3),
    "metadata": metadatas,
    "service_tier": st.sampled_from(["auto", "standard_only"]),
}
_sampling: dict[str, Strategy] = {
    "temperature": _unit,
    "top_p": _unit,
    "top_k": st.integers(min_value=0, max_value=10**6),
}
_VALID_PARTS: Final = {
    version: (
        st.lists(valid_message_params(version), min_size=1, max_size=3),
        obj({}, {**_valid_optional, **(_sampling if version == "2023-06-01" else {})}),
    )
    for version in ("2023-06-01", "2026-10-21")
}
_valid_tool_lists = st.lists(valid_tools, max_size=4, unique_by=lambda t: str(t["name"]))
_untargeted_choices = tool_choices().filter(lambda c: c["type"] != "tool")
_simple_thinking = tagged("disabled", {}) | tagged("adaptive", {})


@st.composite
def valid_requests(draw: st.DrawFn, api_version: str = DEFAULT_API_VERSION) -> JsonDict:
    """A request that passes every validation rule under ``api_version``, with no cache breakpoints."""
    turns, optional = _VALID_PARTS[api_version]
    max_tokens = draw(st.integers(min_value=1, max_value=200_000))
    request: JsonDict = {
        "model": draw(model_names),
        "max_tokens": max_tokens,
        "messages": draw(turns),
    }
    request |= draw(optional)
    if draw(st.booleans()):
        tools = draw(_valid_tool_lists)
        request["tools"] = tools
        if draw(st.booleans()):
            names_given = [str(t["name"]) for t in tools]
            request["tool_choice"] = (
                draw(_untargeted_choices | tagged("tool", {"name": st.sampled_from(names_given)}))
                if tools
                else {"type": "none"}
            )
    if draw(st.booleans()):
        enabled = max_tokens > 1024 and draw(st.booleans())
        request["thinking"] = (
            {"type": "enabled", "budget_tokens": draw(st.integers(1024, max_tokens - 1))}
            if enabled
            else draw(_simple_thinking)
        )
    stripped = _strip_cache_control(request)
    assert isinstance(stripped, dict)
    return stripped


# --- credentials ------------------------------------------------------------------------------

api_keys = st.text(
    alphabet=string.ascii_letters + string.digits + "-_", min_size=24, max_size=48
).map("sk-ant-api03-".__add__)
"""A random, well-formed API key, long enough never to occur by chance in other text."""


# --- the error table of the issue -------------------------------------------------------------

BY_TYPE: Final[dict[str, type[ApiError]]] = {
    "authentication_error": AuthenticationError,
    "permission_error": PermissionDenied,
    "not_found_error": NotFound,
    "request_too_large": RequestTooLarge,
    "rate_limit_error": RateLimited,
    "overloaded_error": Overloaded,
    "api_error": ServerError,
    "timeout_error": ServerError,
}
"""The documented ``error.type`` values with a kind of their own (API reference §11.2)."""
BY_STATUS: Final[dict[int, type[ApiError]]] = {
    401: AuthenticationError,
    403: PermissionDenied,
    404: NotFound,
    413: RequestTooLarge,
    429: RateLimited,
    529: Overloaded,
}
error_types = (
    st.sampled_from(
        [
            *BY_TYPE,
            "invalid_request_error",
            "billing_error",
            "conflict_error",
            "",
            "brand_new_error",
        ]
    )
    | texts
)


def expected_kind(status: int, error_type: str) -> type[ApiError]:
    """The kind the issue asks for: ``error.type`` decides first, then the status (>= 500: server)."""
    if error_type in BY_TYPE:
        return BY_TYPE[error_type]
    if status in BY_STATUS:
        return BY_STATUS[status]
    return ServerError if status >= 500 else ApiError


# --- wrong JSON types ------------------------------------------------------------------------

Key = str | int
KIND_VALUES: Final[dict[str, Strategy]] = {
    "object": json_objects,
    "array": st.lists(json_scalars, max_size=2),
    "string": texts,
    "integer": st.integers(min_value=-(2**63), max_value=2**63 - 1),
    "number": floats.filter(lambda f: not f.is_integer()),
    "boolean": st.booleans(),
    "null": st.none(),
}
"""A value of each JSON kind (``integer`` and ``number`` apart, as the schema tells them apart)."""


def _is_any(t: mi.Type) -> bool:
    return isinstance(t, mi.AnyType) or (isinstance(t, mi.CustomType) and t.cls is object)


def _kinds(t: mi.Type) -> frozenset[str]:
    """The JSON kinds a value of type ``t`` may have."""
    match t:
        case mi.StructType() | mi.DictType():
            return frozenset({"object"})
        case mi.ListType():
            return frozenset({"array"})
        case mi.StrType():
            return frozenset({"string"})
        case mi.IntType():
            return frozenset({"integer"})
        case mi.FloatType():
            return frozenset({"integer", "number"})
        case mi.BoolType():
            return frozenset({"boolean"})
        case mi.NoneType():
            return frozenset({"null"})
        case mi.UnionType():
            return frozenset().union(*(_kinds(m) for m in t.types))
        case _:
            return frozenset(KIND_VALUES)


def _member(value: object, t: mi.UnionType) -> mi.Type | None:
    """The member of union ``t`` that ``value`` is checked against, if it is a known one."""
    for m in t.types:
        if isinstance(m, mi.StructType) and isinstance(value, dict):
            if m.tag_field is None or value.get(m.tag_field) == m.tag:
                return m
        elif isinstance(m, mi.ListType) and isinstance(value, list):
            return m
    return None


def typed_positions(
    value: object, t: mi.Type, at: tuple[Key, ...] = ()
) -> list[tuple[tuple[Key, ...], frozenset[str]]]:
    """Every position in ``value`` whose JSON kind the schema ``t`` constrains, with the kinds allowed.

    Free-form values (tool ``input``, server-tool ``content``, unknown fields) and tags are not
    positions: anything goes there, or a different tag means a different type.
    """
    if _is_any(t) or (isinstance(t, mi.DictType) and _is_any(t.value_type)):
        return [] if _is_any(t) else [(at, _kinds(t))]
    out = [(at, _kinds(t))] if at else []
    if isinstance(t, mi.UnionType):
        member = _member(value, t)
        return out + (typed_positions(value, member, at)[1 if at else 0 :] if member else [])
    if isinstance(t, mi.StructType) and isinstance(value, dict):
        for field in t.fields:
            if field.encode_name in value and field.encode_name != t.tag_field:
                out += typed_positions(
                    value[field.encode_name], field.type, (*at, field.encode_name)
                )
    elif isinstance(t, mi.ListType) and isinstance(value, list):
        for i, item in enumerate(value):
            out += typed_positions(item, t.item_type, (*at, i))
    return out


def render_path(at: tuple[Key, ...]) -> str:
    """A position as the codec and validator name it: ``messages[0].content[1].text``."""
    path = ""
    for key in at:
        path = f"{path}[{key}]" if isinstance(key, int) else f"{path}.{key}" if path else key
    return path


def replace_at(value: object, at: tuple[Key, ...], new: object) -> object:
    """A copy of ``value`` with the value at position ``at`` replaced by ``new``."""
    if not at:
        return new
    head, rest = at[0], at[1:]
    if isinstance(value, dict) and isinstance(head, str):
        return {**value, head: replace_at(value[head], rest, new)}
    if isinstance(value, list) and isinstance(head, int):
        return [replace_at(v, rest, new) if i == head else v for i, v in enumerate(value)]
    raise AssertionError(f"no position {at!r} in {value!r}")


@st.composite
def wrong_type_at(
    draw: st.DrawFn, base: SearchStrategy[JsonDict], type_: type[msgspec.Struct]
) -> tuple[JsonDict, str]:
    """A value of ``base`` with one typed position holding a value of a kind it does not allow,
    and that position's path."""
    value = draw(base)
    everything = frozenset(KIND_VALUES)
    positions = [
        (at, kinds)
        for at, kinds in typed_positions(value, mi.type_info(type_))
        if kinds != everything
    ]
    at, kinds = draw(st.sampled_from(positions))
    kind = draw(st.sampled_from(sorted(set(KIND_VALUES) - kinds)))
    broken = replace_at(value, at, draw(KIND_VALUES[kind]))
    assert isinstance(broken, dict)
    return broken, render_path(at)
