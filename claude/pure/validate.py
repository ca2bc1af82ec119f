"""Request checks that catch locally what the API is known to reject, with the path and the fix.

The API is the authority: a rule here refuses only what the API is stated to refuse for the
API version in use, and each rule cites where that is stated (the API reference
``api-reference.md``, the SDK 2.14 types, or a recorded API reply). Everything else goes to the
API as given. Every rule is skipped with ``build_message_request(..., checks=False)`` or
``unchecked(params)``.

Each rule is a generator of ``InvalidArgument`` values, so a tool can list every problem of a
request (``problems``) while ``validate`` stops at the first. Rules that depend on the API version
take it as an argument: under ``2026-10-21`` the sampling parameters are gone and some blocks
moved, and we say so before a round trip does; under ``2023-06-01`` the sampling ranges hold.

Rules: model non-empty; max_tokens >= 0 (0 primes the cache); the header parameters
(``user_profile_id``, ``workspace_id``, ``betas``) fit in a header; messages non-empty with roles
user/assistant/system; sampling ranges (temperature in [0, 1], top_p in [0, 1], top_k >= 0) under
2023-06-01 and no sampling at all under 2026-10-21; stop sequences not blank; named tools match
``^[a-zA-Z0-9_-]{1,64}$`` and are unique; custom tools have an ``input_schema``; base64 image
sources of an allowed media type, bare base64; base64 documents are PDFs and text documents plain
text; at most 4 cache breakpoints in blocks, system and tools; thinking budget >= 1024; under
2026-10-21 no document in an assistant turn and no citations in user text.

Not rules (the API accepts them): an empty tool ``description``; tools without a ``name``
(toolsets); ``tool_choice`` naming a tool not in ``tools`` (an MCP toolset's tool) or given
without tools; a thinking budget at or above ``max_tokens`` (interleaved thinking); any number
of tools.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

from returns.result import Failure, Result, Success

from claude.pure.errors import InvalidArgument
from claude.pure.wire import (
    UNSET,
    Base64Source,
    CacheControl,
    ContentBlock,
    ContentSource,
    DocumentBlock,
    ImageBlock,
    MessageRequest,
    SearchResultBlock,
    TextBlock,
    TextSource,
    ThinkingEnabled,
    ToolResultBlock,
    UnknownBlock,
)

__all__ = [
    "API_VERSIONS",
    "IMAGE_MEDIA_TYPES",
    "MAX_CACHE_BREAKPOINTS",
    "MAX_TOOLS",
    "MIN_THINKING_BUDGET",
    "problems",
    "validate",
]

API_VERSIONS: Final = ("2023-06-01", "2026-10-21")
"""``anthropic-version`` values this library speaks."""
IMAGE_MEDIA_TYPES: Final = ("image/jpeg", "image/png", "image/gif", "image/webp")
MAX_TOOLS: Final = 64
"""Kept for callers that read it; not enforced (no source states a limit on tools)."""
MAX_CACHE_BREAKPOINTS: Final = 4
MIN_THINKING_BUDGET: Final = 1024
_TOOL_NAME = re.compile(r"[a-zA-Z0-9_-]{1,64}")
_BASE64 = re.compile(r"[A-Za-z0-9+/\r\n]*={0,2}[\r\n]*")
_SAMPLING_GONE = "2026-10-21"
_ROLES: Final = ("user", "assistant", "system")


def validate(
    request: MessageRequest, *, api_version: str
) -> Result[MessageRequest, InvalidArgument]:
    """The request unchanged if every rule holds, else the first problem found."""
    for problem in problems(request, api_version=api_version):
        return Failure(problem)
    return Success(request)


def problems(request: MessageRequest, *, api_version: str) -> Iterator[InvalidArgument]:
    """Every rule the request breaks, in field order."""
    yield from _model_and_tokens(request)
    yield from _header_params(request)
    yield from _messages(request, api_version)
    yield from _sampling(request, api_version)
    yield from _stop_sequences(request)
    yield from _tools(request)
    yield from _thinking(request)
    yield from _cache_breakpoints(request)


def _bad(path: str, problem: str) -> InvalidArgument:
    return InvalidArgument(path=path, problem=problem)


def _model_and_tokens(request: MessageRequest) -> Iterator[InvalidArgument]:
    # No model has an empty id: the API answers 400/404 (api-reference §3, ``model``).
    if not request.model.strip():
        yield _bad("model", "must name a model, e.g. 'claude-sonnet-4-5'")
    # SDK 2.14 MessageCreateParams.max_tokens: "Set to 0 to populate the prompt cache".
    if request.max_tokens < 0:
        yield _bad("max_tokens", f"must be 0 or more, got {request.max_tokens}")


def _header_params(request: MessageRequest) -> Iterator[InvalidArgument]:
    # Not the API's rule but HTTP's: these travel as headers (as in the SDK), where a line break
    # would end the header and a comma would split the beta list.
    for name, header in (
        ("user_profile_id", "anthropic-user-profile-id"),
        ("workspace_id", "anthropic-workspace-id"),
    ):
        value = getattr(request, name)
        if isinstance(value, str) and ("\r" in value or "\n" in value):
            yield _bad(name, f"must be a string on one line (it is sent as {header})")
    if isinstance(request.betas, list):
        for i, beta in enumerate(request.betas):
            if "\r" in beta or "\n" in beta or "," in beta:
                yield _bad(f"betas[{i}]", "must be one beta name (no comma or line break)")


def _messages(request: MessageRequest, api_version: str) -> Iterator[InvalidArgument]:
    # Recorded reply: "messages: at least one message is required".
    if not request.messages:
        yield _bad(
            "messages", "must hold at least one message, e.g. {'role': 'user', 'content': 'Hello'}"
        )
    for i, message in enumerate(request.messages):
        path = f"messages[{i}]"
        # SDK 2.14 MessageParam = UserMessageParam | AssistantMessageParam | SystemMessageParam.
        if message.role not in _ROLES:
            yield _bad(f"{path}.role", f"{message.role!r} is not one of {', '.join(_ROLES)}")
        if isinstance(message.content, str):
            continue
        for j, block in enumerate(message.content):
            yield from _block(block, f"{path}.content[{j}]", message.role, api_version)


def _block(
    block: ContentBlock, path: str, role: str, api_version: str
) -> Iterator[InvalidArgument]:
    match block:
        case ImageBlock(source=source):
            yield from _image_source(source, f"{path}.source")
        case DocumentBlock(source=source):
            # api-reference §1.4 (2026-10-21 migration guide): a document in an assistant turn.
            if api_version == _SAMPLING_GONE and role == "assistant":
                yield _bad(
                    path,
                    "a document block may not stand in an assistant message under "
                    "anthropic-version 2026-10-21; put it in a user message or a tool result",
                )
            yield from _document_source(source, f"{path}.source")
        case TextBlock(citations=citations):
            # api-reference §1.4: non-empty citations on user text are refused under 2026-10-21.
            if (
                api_version == _SAMPLING_GONE
                and role == "user"
                and isinstance(citations, list)
                and citations
            ):
                yield _bad(
                    f"{path}.citations",
                    "user text may not carry citations under anthropic-version 2026-10-21; "
                    "drop them or quote the text plainly",
                )
        case ToolResultBlock(content=content):
            if isinstance(content, list):
                for k, inner in enumerate(content):
                    yield from _block(inner, f"{path}.content[{k}]", "tool_result", api_version)
        case _:
            pass


def _image_source(source: object, path: str) -> Iterator[InvalidArgument]:
    # SDK 2.14 Base64ImageSourceParam.media_type: Literal of the four IMAGE_MEDIA_TYPES.
    if not isinstance(source, Base64Source):
        return
    if source.media_type not in IMAGE_MEDIA_TYPES:
        yield _bad(
            f"{path}.media_type",
            f"{source.media_type!r} is not one of {', '.join(IMAGE_MEDIA_TYPES)}",
        )
    yield from _base64_data(source.data, f"{path}.data")


def _document_source(source: object, path: str) -> Iterator[InvalidArgument]:
    # SDK 2.14 Base64PDFSourceParam.media_type is "application/pdf"; PlainTextSourceParam's is
    # "text/plain" (both Literal, Required).
    match source:
        case Base64Source(media_type=media_type, data=data):
            if media_type != "application/pdf":
                yield _bad(
                    f"{path}.media_type",
                    f"{media_type!r} is not application/pdf; send plain text with "
                    "{'type': 'text', 'media_type': 'text/plain', 'data': ...}",
                )
            yield from _base64_data(data, f"{path}.data")
        case TextSource(media_type=media_type):
            if media_type != "text/plain":
                yield _bad(f"{path}.media_type", f"{media_type!r} is not text/plain")
        case ContentSource(content=content):
            if isinstance(content, list):
                for k, inner in enumerate(content):
                    if isinstance(inner, ImageBlock):
                        yield from _image_source(inner.source, f"{path}.content[{k}].source")
        case _:
            pass


def _base64_data(data: str, path: str) -> Iterator[InvalidArgument]:
    # api-reference §4.1: base64 data, without a data-URL prefix.
    if not data:
        yield _bad(path, "is empty; put the file's bytes here, base64-encoded")
    elif data.startswith("data:"):
        yield _bad(path, "must be bare base64; drop the 'data:...;base64,' prefix")
    elif _BASE64.fullmatch(data) is None:
        yield _bad(path, "is not base64 (only A-Z, a-z, 0-9, '+', '/' and '=' padding)")


def _sampling(request: MessageRequest, api_version: str) -> Iterator[InvalidArgument]:
    given = [
        (name, value)
        for name, value in (
            ("temperature", request.temperature),
            ("top_p", request.top_p),
            ("top_k", request.top_k),
        )
        if value is not UNSET
    ]
    # api-reference §1.4: any sampling parameter under 2026-10-21 is a 400, even at defaults.
    if api_version == _SAMPLING_GONE:
        for name, _ in given:
            yield _bad(
                name,
                "is not accepted under anthropic-version 2026-10-21 (the API removed sampling "
                "parameters); drop it, or send anthropic-version 2023-06-01",
            )
        return
    # api-reference §3 (2023-06-01): temperature 0.0-1.0, top_p (0, 1], top_k an int >= 0.
    for name, value in given:
        assert isinstance(value, int | float)
        if name in ("temperature", "top_p") and not 0.0 <= value <= 1.0:
            yield _bad(name, f"must be between 0 and 1, got {value}")
        if name == "top_k" and value < 0:
            yield _bad(name, f"must be 0 or more, got {value}")


def _stop_sequences(request: MessageRequest) -> Iterator[InvalidArgument]:
    # Recorded reply: "stop_sequences: each stop sequence must contain non-whitespace".
    if request.stop_sequences is UNSET:
        return
    for i, sequence in enumerate(request.stop_sequences):
        if not sequence.strip():
            yield _bad(f"stop_sequences[{i}]", "must contain a non-whitespace character")


def _tools(request: MessageRequest) -> Iterator[InvalidArgument]:
    tools = request.tools if request.tools is not UNSET else []
    seen: dict[str, int] = {}
    for i, tool in enumerate(tools):
        path = f"tools[{i}]"
        name = tool.name
        if name is UNSET:  # a toolset (mcp_toolset, browser_toolset_*, ...): no name to check
            continue
        # api-reference §4.3 (D25 tool-use page): ^[a-zA-Z0-9_-]{1,64}$.
        if _TOOL_NAME.fullmatch(name) is None:
            yield _bad(
                f"{path}.name",
                f"{name!r} must be 1-64 characters of letters, digits, '_' or '-'",
            )
        # Recorded reply: "tools: Tool names must be unique."
        if name in seen:
            yield _bad(f"{path}.name", f"{name!r} is already the name of tools[{seen[name]}]")
        seen.setdefault(name, i)
        # SDK 2.14 ToolParam.input_schema is Required for a custom tool.
        if tool.type in (UNSET, "custom") and tool.input_schema is UNSET:
            yield _bad(
                f"{path}.input_schema",
                "is required for a custom tool, e.g. {'type': 'object', 'properties': {}}",
            )


def _thinking(request: MessageRequest) -> Iterator[InvalidArgument]:
    # SDK 2.14 ThinkingConfigEnabledParam.budget_tokens: "Must be ≥1024". Its "less than
    # max_tokens" is not a rule here: interleaved thinking may exceed it (api-reference §3).
    thinking = request.thinking
    if not isinstance(thinking, ThinkingEnabled):
        return
    budget = thinking.budget_tokens
    if budget < MIN_THINKING_BUDGET:
        yield _bad(
            "thinking.budget_tokens", f"must be at least {MIN_THINKING_BUDGET}, got {budget}"
        )


def _cache_breakpoints(request: MessageRequest) -> Iterator[InvalidArgument]:
    # api-reference §4.1 (D25 prompt caching): up to 4 breakpoints per request. The top-level
    # ``cache_control`` (automatic caching) is not counted: no source says it takes a slot.
    count = 0
    if isinstance(request.system, list):
        count += sum(isinstance(b.cache_control, CacheControl) for b in request.system)
    if request.tools is not UNSET:
        count += sum(isinstance(t.cache_control, CacheControl) for t in request.tools)
    for message in request.messages:
        if isinstance(message.content, list):
            count += sum(_breakpoints(block) for block in message.content)
    if count > MAX_CACHE_BREAKPOINTS:
        yield _bad(
            "cache_control",
            f"{count} cache breakpoints are set; at most {MAX_CACHE_BREAKPOINTS} are allowed "
            "(keep the ones that end the longest stable prefixes)",
        )


def _breakpoints(block: ContentBlock) -> int:
    # A block of a newer type keeps its cache_control as a plain object: still a breakpoint.
    marker = getattr(block, "cache_control", None)
    own = int(
        isinstance(marker, CacheControl)
        or (isinstance(block, UnknownBlock) and isinstance(marker, dict))
    )
    if isinstance(block, UnknownBlock):
        return own
    if isinstance(block, ToolResultBlock | SearchResultBlock) and isinstance(block.content, list):
        own += sum(_breakpoints(inner) for inner in block.content)
    return own
