"""Request checks that catch locally what the API would reject, with the path and the fix.

Each rule is a generator of ``InvalidArgument`` values, so a tool can list every problem of a
request (``problems``) while ``validate`` stops at the first. Rules that depend on the API version
take it as an argument: under ``2026-10-21`` the sampling parameters are gone and some blocks
moved, and we say so before a round trip does.

Rules: model non-empty; max_tokens >= 1; messages non-empty with roles user/assistant; sampling
ranges (temperature and top_p in [0, 1], top_k >= 0); stop sequences non-blank; tools (name
``^[a-zA-Z0-9_-]{1,64}$``, description non-empty and <= 1024 chars, custom tools need an
``input_schema`` object, no duplicates, at most 64); tool_choice only with tools and naming one of
them; image sources base64 of an allowed media type; at most 4 cache breakpoints; thinking budget
>= 1024 and below max_tokens.
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
    ToolChoiceNone,
    ToolChoiceTool,
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
MAX_CACHE_BREAKPOINTS: Final = 4
MIN_THINKING_BUDGET: Final = 1024
_TOOL_NAME = re.compile(r"[a-zA-Z0-9_-]{1,64}")
_BASE64 = re.compile(r"[A-Za-z0-9+/\r\n]*={0,2}[\r\n]*")
_SAMPLING_GONE = "2026-10-21"


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
    yield from _messages(request, api_version)
    yield from _sampling(request, api_version)
    yield from _stop_sequences(request)
    yield from _tools(request)
    yield from _thinking(request)
    yield from _cache_breakpoints(request)


def _bad(path: str, problem: str) -> InvalidArgument:
    return InvalidArgument(path=path, problem=problem)


def _model_and_tokens(request: MessageRequest) -> Iterator[InvalidArgument]:
    if not request.model.strip():
        yield _bad("model", "must name a model, e.g. 'claude-sonnet-4-5'")
    if request.max_tokens < 1:
        yield _bad("max_tokens", f"must be at least 1, got {request.max_tokens}")


def _messages(request: MessageRequest, api_version: str) -> Iterator[InvalidArgument]:
    if not request.messages:
        yield _bad(
            "messages", "must hold at least one message, e.g. {'role': 'user', 'content': 'Hello'}"
        )
    for i, message in enumerate(request.messages):
        path = f"messages[{i}]"
        if message.role not in ("user", "assistant"):
            hint = (
                "; put system instructions in the top-level 'system' field"
                if message.role == "system"
                else ""
            )
            yield _bad(f"{path}.role", f"{message.role!r} is not one of user, assistant{hint}")
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
            if api_version == _SAMPLING_GONE and role == "assistant":
                yield _bad(
                    path,
                    "a document block may not stand in an assistant message under "
                    "anthropic-version 2026-10-21; put it in a user message or a tool result",
                )
            yield from _document_source(source, f"{path}.source")
        case TextBlock(citations=citations):
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
    if not isinstance(source, Base64Source):
        return
    if source.media_type not in IMAGE_MEDIA_TYPES:
        yield _bad(
            f"{path}.media_type",
            f"{source.media_type!r} is not one of {', '.join(IMAGE_MEDIA_TYPES)}",
        )
    yield from _base64_data(source.data, f"{path}.data")


def _document_source(source: object, path: str) -> Iterator[InvalidArgument]:
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
    if api_version == _SAMPLING_GONE:
        for name, _ in given:
            yield _bad(
                name,
                "is not accepted under anthropic-version 2026-10-21 (the API removed sampling "
                "parameters); drop it, or send anthropic-version 2023-06-01",
            )
        return
    for name, value in given:
        assert isinstance(value, int | float)
        if name in ("temperature", "top_p") and not 0.0 <= value <= 1.0:
            yield _bad(name, f"must be between 0 and 1, got {value}")
        if name == "top_k" and value < 0:
            yield _bad(name, f"must be 0 or more, got {value}")


def _stop_sequences(request: MessageRequest) -> Iterator[InvalidArgument]:
    if request.stop_sequences is UNSET:
        return
    for i, sequence in enumerate(request.stop_sequences):
        if not sequence.strip():
            yield _bad(f"stop_sequences[{i}]", "must contain a non-whitespace character")


def _tools(request: MessageRequest) -> Iterator[InvalidArgument]:
    tools = request.tools if request.tools is not UNSET else []
    if len(tools) > MAX_TOOLS:
        yield _bad("tools", f"holds {len(tools)} tools; at most {MAX_TOOLS} are allowed")
    seen: dict[str, int] = {}
    for i, tool in enumerate(tools):
        path = f"tools[{i}]"
        if _TOOL_NAME.fullmatch(tool.name) is None:
            yield _bad(
                f"{path}.name",
                f"{tool.name!r} must be 1-64 characters of letters, digits, '_' or '-'",
            )
        if tool.name in seen:
            yield _bad(
                f"{path}.name", f"{tool.name!r} is already the name of tools[{seen[tool.name]}]"
            )
        seen.setdefault(tool.name, i)
        if tool.description is not UNSET:
            if not tool.description.strip():
                yield _bad(f"{path}.description", "must not be empty; say what the tool does")
            elif len(tool.description) > 1024:
                yield _bad(
                    f"{path}.description",
                    f"is {len(tool.description)} characters; at most 1024 are allowed",
                )
        if tool.type in (UNSET, "custom") and tool.input_schema is UNSET:
            yield _bad(
                f"{path}.input_schema",
                "is required for a custom tool, e.g. {'type': 'object', 'properties': {}}",
            )
    choice = request.tool_choice
    if choice is UNSET:
        return
    if not tools:
        if not isinstance(choice, ToolChoiceNone):
            yield _bad("tool_choice", "is set but 'tools' is empty; add tools or drop tool_choice")
        return
    if isinstance(choice, ToolChoiceTool) and choice.name not in seen:
        names = ", ".join(seen)
        yield _bad("tool_choice.name", f"{choice.name!r} is not one of the tools given ({names})")


def _thinking(request: MessageRequest) -> Iterator[InvalidArgument]:
    thinking = request.thinking
    if not isinstance(thinking, ThinkingEnabled):
        return
    budget = thinking.budget_tokens
    if budget < MIN_THINKING_BUDGET:
        yield _bad(
            "thinking.budget_tokens", f"must be at least {MIN_THINKING_BUDGET}, got {budget}"
        )
    elif budget >= request.max_tokens:
        yield _bad(
            "thinking.budget_tokens",
            f"must be below max_tokens ({request.max_tokens}), got {budget}; "
            "raise max_tokens or lower the budget",
        )


def _cache_breakpoints(request: MessageRequest) -> Iterator[InvalidArgument]:
    count = int(isinstance(request.cache_control, CacheControl))
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
