"""Helpers that build message content: text, images, documents, tools, tool results, thinking.

Every helper returns the wire shape as plain dicts (what ``msgspec.to_builtins`` of our wire types
gives, and what the SDK's ``*Param`` TypedDicts describe), so its output drops straight into a
request dict and passes ``claude.pure.request`` checks. Helpers that check their input return a
``Result`` (``image``, ``pdf``, ``tool``, ``user``, ``tool_results``, ...); the rest cannot fail
and return the dict itself. ``user(...)`` takes either, so the common case reads in one line::

    turn = content.user("What is in this?", content.image(png_bytes))   # Result[Turn, ...]

Images: the media type is read from the magic bytes (``claude.pure.media``); a declared type
that disagrees is a Failure, as are images over the API's limits (5 MB, 8000 px a side, more than
100 per turn, 2000 px a side with more than 20). Reading files is the shell's job
(``claude.shell.content_files``); everything here takes bytes.

Thinking: ``assistant_turn(reply)`` passes a reply's blocks back unchanged, thinking and
redacted thinking included (the API verifies their signatures), and ``follow_up`` appends it and
the next user turn to a request.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Final, Literal

import msgspec
from returns.result import Failure, Result, Success

from claude.pure import media
from claude.pure.caching import Ttl, cache_control, with_cache
from claude.pure.errors import ClaudeError, InvalidArgument
from claude.pure.wire import Message, MessageRequest, ToolUseBlock

__all__ = [
    "Answer",
    "Block",
    "Display",
    "Part",
    "ToolError",
    "Ttl",
    "Turn",
    "adaptive_thinking",
    "assistant",
    "assistant_turn",
    "bash",
    "cache_control",
    "chunked_document",
    "code_execution",
    "computer",
    "disable_thinking",
    "document_file",
    "enable_thinking",
    "follow_up",
    "image",
    "image_file_id",
    "image_info",
    "image_url",
    "memory",
    "pdf",
    "pdf_url",
    "text",
    "text_document",
    "text_editor",
    "tool",
    "tool_results",
    "user",
    "user_with_image",
    "user_with_images",
    "web_fetch",
    "web_search",
    "with_cache",
]

Block = dict[str, object]
"""A content block, a tool definition or a config in its wire shape."""
Turn = dict[str, object]
"""One message of a request: ``{"role": ..., "content": ...}``."""
Part = str | Mapping[str, object] | Result[Block, ClaudeError]
"""What ``user`` and ``assistant`` take: text, a block, or a helper's Result of a block."""

_TOOL_NAME: Final = re.compile(r"[a-zA-Z0-9_-]{1,64}")
_MAX_REQUEST_BYTES: Final = 32 * 1024 * 1024


def _bad(path: str, problem: str) -> InvalidArgument:
    return InvalidArgument(path=path, problem=problem)


def _with_cache(block: Block, cache: Ttl | None) -> Block:
    if cache is not None:
        block["cache_control"] = cache_control(cache)
    return block


# --- text, images, documents -----------------------------------------------------------


def text(value: str, *, cache: Ttl | None = None) -> Block:
    """A text block; ``cache`` puts a cache breakpoint on it.

    >>> text("Hello")
    {'type': 'text', 'text': 'Hello'}
    """
    return _with_cache({"type": "text", "text": value}, cache)


def image_info(data: bytes) -> Result[media.ImageInfo, InvalidArgument]:
    """Media type, size, pixel size and token estimate of image bytes, or why the API would refuse them."""
    given: object = data
    if not isinstance(given, bytes | bytearray | memoryview):
        return Failure(
            _bad(
                "image",
                f"expects the image's bytes, got {type(given).__name__}; for a file use "
                "claude.shell.content_files.image_file(path), for a URL image_url(url)",
            )
        )
    raw = bytes(given)
    if not raw:
        return Failure(_bad("image", "is empty; pass the bytes of a JPEG, PNG, GIF or WebP file"))
    info = media.inspect(raw)
    if info is None:
        return Failure(
            _bad(
                "image",
                f"is not a JPEG, PNG, GIF or WebP image (its bytes start {raw[:8]!r}); "
                "convert it to one of those",
            )
        )
    if info.size > media.MAX_IMAGE_BYTES:
        return Failure(
            _bad(
                "image",
                f"is {info.size / 1024 / 1024:.1f} MB; the API takes at most 5 MB per image; "
                "scale it down or recompress it",
            )
        )
    longest = max(info.width or 0, info.height or 0)
    if longest > media.MAX_IMAGE_SIDE:
        return Failure(
            _bad(
                "image",
                f"is {info.width}x{info.height} px; the API rejects images over "
                f"{media.MAX_IMAGE_SIDE} px on a side; scale it down",
            )
        )
    return Success(info)


def image(
    data: bytes, *, media_type: str | None = None, cache: Ttl | None = None
) -> Result[Block, InvalidArgument]:
    """An image block from bytes: base64 source, media type read from the magic bytes.

    A declared ``media_type`` that disagrees with the bytes is a Failure (the API would reject
    the mismatch, or worse, misread the image).

    >>> image(b"GIF89a\\x01\\x00\\x01\\x00").unwrap()["source"]
    {'type': 'base64', 'media_type': 'image/gif', 'data': 'R0lGODlhAQABAA=='}
    >>> print(image(b"GIF89a\\x01\\x00\\x01\\x00", media_type="image/png").failure())
    image.media_type: 'image/png' was declared but the bytes are image/gif; drop media_type or fix it
    """

    def block(info: media.ImageInfo) -> Result[Block, InvalidArgument]:
        if media_type is not None and media_type != info.media_type:
            return Failure(
                _bad(
                    "image.media_type",
                    f"{media_type!r} was declared but the bytes are {info.media_type}; "
                    "drop media_type or fix it",
                )
            )
        source = {
            "type": "base64",
            "media_type": info.media_type,
            "data": base64.b64encode(bytes(data)).decode("ascii"),
        }
        return Success(_with_cache({"type": "image", "source": source}, cache))

    return image_info(data).bind(block)


def image_url(url: str, *, cache: Ttl | None = None) -> Block:
    """An image block the API fetches from ``url`` itself."""
    return _with_cache({"type": "image", "source": {"type": "url", "url": url}}, cache)


def image_file_id(file_id: str, *, cache: Ttl | None = None) -> Block:
    """An image block for a file uploaded with the Files API."""
    return _with_cache({"type": "image", "source": {"type": "file", "file_id": file_id}}, cache)


def _document(
    source: Block,
    *,
    title: str | None,
    context: str | None,
    citations: bool | None,
    cache: Ttl | None,
) -> Block:
    block: Block = {"type": "document", "source": source}
    if title is not None:
        block["title"] = title
    if context is not None:
        block["context"] = context
    if citations is not None:
        block["citations"] = {"enabled": citations}
    return _with_cache(block, cache)


def pdf(
    data: bytes,
    *,
    title: str | None = None,
    context: str | None = None,
    citations: bool | None = None,
    cache: Ttl | None = None,
) -> Result[Block, InvalidArgument]:
    """A PDF document block from bytes; ``citations=True`` lets the reply cite its pages.

    >>> pdf(b"%PDF-1.7\\n", citations=True).unwrap()["citations"]
    {'enabled': True}
    >>> print(pdf(b"hello").failure())
    pdf: the bytes are not a PDF (they start b'hello'); for plain text use text_document(...)
    """
    given: object = data
    if not isinstance(given, bytes | bytearray | memoryview):
        return Failure(_bad("pdf", f"expects the PDF's bytes, got {type(given).__name__}"))
    raw = bytes(given)
    if not media.is_pdf(raw):
        return Failure(
            _bad(
                "pdf",
                f"the bytes are not a PDF (they start {raw[:8]!r}); for plain text use "
                "text_document(...)",
            )
        )
    if media.base64_size(len(raw)) > _MAX_REQUEST_BYTES:
        return Failure(
            _bad(
                "pdf",
                f"is {len(raw) / 1024 / 1024:.1f} MB, too big for a 32 MB request once "
                "base64-encoded; upload it with the Files API and use document_file(file_id)",
            )
        )
    source: Block = {
        "type": "base64",
        "media_type": "application/pdf",
        "data": base64.b64encode(raw).decode("ascii"),
    }
    return Success(
        _document(source, title=title, context=context, citations=citations, cache=cache)
    )


def pdf_url(
    url: str,
    *,
    title: str | None = None,
    context: str | None = None,
    citations: bool | None = None,
    cache: Ttl | None = None,
) -> Block:
    """A PDF document block the API fetches from ``url``."""
    return _document(
        {"type": "url", "url": url}, title=title, context=context, citations=citations, cache=cache
    )


def document_file(
    file_id: str,
    *,
    title: str | None = None,
    context: str | None = None,
    citations: bool | None = None,
    cache: Ttl | None = None,
) -> Block:
    """A document block for a file uploaded with the Files API (a PDF or plain text)."""
    return _document(
        {"type": "file", "file_id": file_id},
        title=title,
        context=context,
        citations=citations,
        cache=cache,
    )


def text_document(
    data: str | bytes,
    *,
    title: str | None = None,
    context: str | None = None,
    citations: bool | None = None,
    cache: Ttl | None = None,
) -> Result[Block, InvalidArgument]:
    """A plain-text document block (citable by character range); bytes must be UTF-8.

    >>> text_document("The sky is blue.", title="Notes").unwrap()["source"]
    {'type': 'text', 'media_type': 'text/plain', 'data': 'The sky is blue.'}
    """
    given: object = data
    if isinstance(given, bytes | bytearray | memoryview):
        try:
            given = bytes(given).decode("utf-8")
        except UnicodeDecodeError as exc:
            return Failure(
                _bad(
                    "text_document",
                    f"the bytes are not UTF-8 (at byte {exc.start}); decode them yourself and "
                    "pass the str",
                )
            )
    if not isinstance(given, str):
        return Failure(
            _bad("text_document", f"expects a str or UTF-8 bytes, got {type(given).__name__}")
        )
    source: Block = {"type": "text", "media_type": "text/plain", "data": given}
    return Success(
        _document(source, title=title, context=context, citations=citations, cache=cache)
    )


def chunked_document(
    chunks: Sequence[str],
    *,
    title: str | None = None,
    context: str | None = None,
    citations: bool | None = None,
    cache: Ttl | None = None,
) -> Block:
    """A custom-content document of your own chunks, cited by chunk index."""
    source: Block = {"type": "content", "content": [text(chunk) for chunk in chunks]}
    return _document(source, title=title, context=context, citations=citations, cache=cache)


# --- turns -------------------------------------------------------------------------------


def _block_of(part: object, path: str) -> Result[Block, ClaudeError]:
    if isinstance(part, str):
        return Success(text(part))
    if isinstance(part, Result):
        if isinstance(part, Failure):
            error = part.failure()
            return Failure(error if isinstance(error, ClaudeError) else _bad(path, str(error)))
        return _block_of(part.unwrap(), path)
    if isinstance(part, msgspec.Struct):
        part = msgspec.to_builtins(part)
    if isinstance(part, Mapping) and isinstance(part.get("type"), str):
        return Success(dict(part))
    return Failure(
        _bad(
            path,
            f"expected text, a content block dict or a helper's Result, got {type(part).__name__}",
        )
    )


def _turn(role: str, parts: Sequence[Part]) -> Result[Turn, ClaudeError]:
    if not parts:
        return Failure(_bad(role, "needs at least one part, e.g. a str of text"))
    if len(parts) == 1 and isinstance(parts[0], str):
        return Success({"role": role, "content": parts[0]})
    blocks: list[object] = []
    for i, part in enumerate(parts):
        found = _block_of(part, f"{role}[{i}]")
        if isinstance(found, Failure):
            return Failure(found.failure())
        blocks.append(found.unwrap())
    return _image_limits(blocks, role).map(lambda _: {"role": role, "content": blocks})


def _image_limits(blocks: Sequence[object], role: str) -> Result[None, ClaudeError]:
    images = [
        (i, b) for i, b in enumerate(blocks) if isinstance(b, Mapping) and b.get("type") == "image"
    ]
    if len(images) > media.MAX_IMAGES:
        return Failure(
            _bad(role, f"holds {len(images)} images; the API takes at most {media.MAX_IMAGES}")
        )
    if len(images) <= media.MANY_IMAGES:
        return Success(None)
    for i, block in images:
        size = _base64_dimensions(block.get("source"))
        if size is not None and max(size) > media.MAX_IMAGE_SIDE_MANY:
            return Failure(
                _bad(
                    f"{role}[{i}]",
                    f"is {size[0]}x{size[1]} px; with more than {media.MANY_IMAGES} images in "
                    f"a request each must be at most {media.MAX_IMAGE_SIDE_MANY} px a side",
                )
            )
    return Success(None)


def _base64_dimensions(source: object) -> tuple[int, int] | None:
    if not isinstance(source, Mapping) or source.get("type") != "base64":
        return None
    data, media_type = source.get("data"), source.get("media_type")
    if not isinstance(data, str) or not isinstance(media_type, str):
        return None
    try:
        raw = base64.b64decode(data, validate=False)
    except (binascii.Error, ValueError):
        return None
    return media.dimensions(raw, media_type)


def user(*parts: Part) -> Result[Turn, ClaudeError]:
    """A user turn of text, blocks and helpers' Results (the first Failure among them wins).

    >>> user("Hi").unwrap()
    {'role': 'user', 'content': 'Hi'}
    >>> user("Look:", image_url("https://example.com/a.png")).unwrap()["content"][1]["source"]
    {'type': 'url', 'url': 'https://example.com/a.png'}
    """
    return _turn("user", parts)


def assistant(*parts: Part) -> Result[Turn, ClaudeError]:
    """An assistant turn (a prefill, or a turn of an earlier conversation)."""
    return _turn("assistant", parts)


def user_with_image(prompt: str, picture: Part) -> Result[Turn, ClaudeError]:
    """A user turn of one image and a question about it (the image first, as the docs advise)."""
    return _turn("user", [picture, prompt])


def user_with_images(prompt: str, pictures: Iterable[Part]) -> Result[Turn, ClaudeError]:
    """A user turn of several images and a question about them."""
    return _turn("user", [*pictures, prompt])


def assistant_turn(reply: Message | Mapping[str, object]) -> Result[Turn, InvalidArgument]:
    """The assistant turn that passes ``reply`` back: every block unchanged, thinking included."""
    if isinstance(reply, Message):
        return Success({"role": "assistant", "content": msgspec.to_builtins(reply.content)})
    given: object = reply
    blocks = given.get("content") if isinstance(given, Mapping) else None
    if not isinstance(blocks, list):
        return Failure(_bad("reply", "expected a Message or a reply dict with a 'content' list"))
    return Success({"role": "assistant", "content": msgspec.to_builtins(blocks)})


def follow_up(
    request: MessageRequest | Mapping[str, object],
    reply: Message | Mapping[str, object],
    turn: Turn | Result[Turn, ClaudeError] | None = None,
) -> Result[dict[str, object], ClaudeError]:
    """The next request of a conversation: ``request`` with ``reply`` and then ``turn`` appended.

    Use it for tool loops: ``follow_up(request, reply, tool_results(reply, answers))``.
    """
    data: object = msgspec.to_builtins(request)
    if not isinstance(data, dict) or not isinstance(data.get("messages"), list):
        return Failure(_bad("request", "expected a request with a 'messages' list"))
    if isinstance(turn, Result):
        if isinstance(turn, Failure):
            return Failure(turn.failure())
        turn = turn.unwrap()
    given_turn: object = turn
    if given_turn is not None and not isinstance(given_turn, Mapping):
        return Failure(_bad("turn", f"expected a turn dict, got {type(given_turn).__name__}"))
    passed: Result[Turn, ClaudeError] = assistant_turn(reply)
    follows = [] if turn is None else [msgspec.to_builtins(turn)]
    return passed.map(lambda back: {**data, "messages": [*data["messages"], back, *follows]})


# --- tools -------------------------------------------------------------------------------


def tool(
    name: str,
    description: str | None = None,
    *,
    properties: Mapping[str, Mapping[str, object]] | None = None,
    required: Sequence[str] = (),
    input_schema: Mapping[str, object] | None = None,
    strict: bool | None = None,
    cache: Ttl | None = None,
) -> Result[Block, InvalidArgument]:
    """A tool you run: ``properties`` and ``required`` make its input schema (or pass one whole).

    >>> tool("get_weather", "Current weather", properties={"city": {"type": "string"}},
    ...      required=["city"]).unwrap()["input_schema"]
    {'type': 'object', 'properties': {'city': {'type': 'string'}}, 'required': ['city']}
    >>> print(tool("get weather").failure())
    tool 'get weather': the name must be 1-64 letters, digits, '_' or '-'; try 'get_weather'
    """
    given: object = name
    label = f"tool {given!r}"
    if not isinstance(given, str) or _TOOL_NAME.fullmatch(given) is None:
        hint = re.sub(r"[^a-zA-Z0-9_-]", "_", given)[:64] if isinstance(given, str) else ""
        tail = f"; try {hint!r}" if hint and _TOOL_NAME.fullmatch(hint) else ""
        return Failure(_bad(label, f"the name must be 1-64 letters, digits, '_' or '-'{tail}"))
    described: object = description
    if described is not None and not isinstance(described, str):
        return Failure(
            _bad(label, f"the description must be a str, got {type(described).__name__}")
        )
    schema = _schema(label, properties, required, input_schema)
    if isinstance(schema, Failure):
        return schema
    block: Block = {"name": name}
    if description is not None:
        block["description"] = description
    block["input_schema"] = schema.unwrap()
    if strict is not None:
        block["strict"] = strict
    return Success(_with_cache(block, cache))


def _schema(
    label: str,
    properties: Mapping[str, Mapping[str, object]] | None,
    required: Sequence[str],
    input_schema: Mapping[str, object] | None,
) -> Result[Block, InvalidArgument]:
    if input_schema is not None:
        if properties is not None or required:
            return Failure(_bad(label, "give input_schema or properties/required, not both"))
        schema_given: object = input_schema
        if not isinstance(schema_given, Mapping) or schema_given.get("type") != "object":
            return Failure(
                _bad(label, "input_schema must be a JSON Schema object: {'type': 'object', ...}")
            )
        return Success(dict(schema_given))
    given_props: object = properties if properties is not None else {}
    if not isinstance(given_props, Mapping):
        return Failure(_bad(label, "properties must be a dict of names to JSON Schemas"))
    props: dict[str, dict[str, object]] = {}
    for key, value in given_props.items():
        if not isinstance(key, str) or not isinstance(value, Mapping):
            return Failure(
                _bad(
                    label,
                    f"properties[{key!r}] must be a JSON Schema such as {{'type': 'string'}}",
                )
            )
        props[key] = dict(value)
    required_given: object = required
    if isinstance(required_given, str):
        return Failure(_bad(label, f"required must be a list of names, e.g. [{required_given!r}]"))
    if not isinstance(required_given, Sequence):
        return Failure(
            _bad(label, f"required must be a list of names, got {type(required_given).__name__}")
        )
    missing = [r for r in required if r not in props]
    if missing:
        known = ", ".join(props) or "none"
        return Failure(
            _bad(label, f"required names {missing[0]!r}, which is not in properties ({known})")
        )
    schema: Block = {"type": "object", "properties": props}
    if required:
        schema["required"] = list(required)
    return Success(schema)


def _server_tool(kind: str, name: str, version: str, cache: Ttl | None, **options: object) -> Block:
    block: Block = {"type": f"{kind}_{version}", "name": name}
    block.update({k: v for k, v in options.items() if v is not None})
    return _with_cache(block, cache)


def web_search(
    *,
    max_uses: int | None = None,
    allowed_domains: Sequence[str] | None = None,
    blocked_domains: Sequence[str] | None = None,
    user_location: Mapping[str, object] | None = None,
    version: str = "20250305",
    cache: Ttl | None = None,
) -> Block:
    """The server-side web search tool (``web_search_20250305``; also ``20260209``, ``20260318``).

    >>> web_search(max_uses=3)
    {'type': 'web_search_20250305', 'name': 'web_search', 'max_uses': 3}
    """
    return _server_tool(
        "web_search",
        "web_search",
        version,
        cache,
        max_uses=max_uses,
        allowed_domains=None if allowed_domains is None else list(allowed_domains),
        blocked_domains=None if blocked_domains is None else list(blocked_domains),
        user_location=None if user_location is None else dict(user_location),
    )


def web_fetch(
    *,
    max_uses: int | None = None,
    allowed_domains: Sequence[str] | None = None,
    blocked_domains: Sequence[str] | None = None,
    max_content_tokens: int | None = None,
    citations: bool | None = None,
    version: str = "20250910",
    cache: Ttl | None = None,
) -> Block:
    """The server-side web fetch tool (``web_fetch_20250910``; also ``20260209``, ``20260309``, ``20260318``)."""
    return _server_tool(
        "web_fetch",
        "web_fetch",
        version,
        cache,
        max_uses=max_uses,
        allowed_domains=None if allowed_domains is None else list(allowed_domains),
        blocked_domains=None if blocked_domains is None else list(blocked_domains),
        max_content_tokens=max_content_tokens,
        citations=None if citations is None else {"enabled": citations},
    )


def code_execution(*, version: str = "20250825", cache: Ttl | None = None) -> Block:
    """The server-side code execution tool (``code_execution_20250825``; also ``20250522``, ``20260120``, ``20260521``)."""
    return _server_tool("code_execution", "code_execution", version, cache)


def bash(*, version: str = "20250124", cache: Ttl | None = None) -> Block:
    """The bash tool (``bash_20250124``): the model writes commands, you run them."""
    return _server_tool("bash", "bash", version, cache)


def text_editor(
    *, version: str = "20250728", max_characters: int | None = None, cache: Ttl | None = None
) -> Block:
    """The text editor tool; its name depends on the version (``str_replace_editor`` up to 20250124).

    >>> text_editor()["name"], text_editor(version="20250124")["name"]
    ('str_replace_based_edit_tool', 'str_replace_editor')
    """
    old = version in ("20241022", "20250124")
    name = "str_replace_editor" if old else "str_replace_based_edit_tool"
    return _server_tool("text_editor", name, version, cache, max_characters=max_characters)


def memory(*, version: str = "20250818", cache: Ttl | None = None) -> Block:
    """The memory tool (``memory_20250818``): the model reads and writes files you keep."""
    return _server_tool("memory", "memory", version, cache)


def computer(
    *,
    display_width_px: int,
    display_height_px: int,
    display_number: int | None = None,
    version: str = "20250124",
    cache: Ttl | None = None,
) -> Block:
    """The computer-use tool (``computer_20250124``; beta header ``computer-use-2025-01-24``)."""
    return _server_tool(
        "computer",
        "computer",
        version,
        cache,
        display_width_px=display_width_px,
        display_height_px=display_height_px,
        display_number=display_number,
    )


class ToolError(msgspec.Struct, frozen=True):
    """An answer saying the tool failed: sent as a ``tool_result`` with ``is_error: true``."""

    message: str


Answer = str | Sequence[Mapping[str, object]] | ToolError | BaseException
"""What a tool returned: text, content blocks, or a failure (``ToolError`` or an exception)."""


def _tool_uses(message: object) -> Result[list[tuple[str, str, object]], InvalidArgument]:
    """(id, name, toolset_name) of each tool_use block of a reply."""
    if isinstance(message, Message):
        return Success(
            [(b.id, b.name, b.toolset_name) for b in message.content if isinstance(b, ToolUseBlock)]
        )
    blocks = message.get("content") if isinstance(message, Mapping) else None
    if not isinstance(blocks, list):
        return Failure(_bad("message", "expected a Message or a reply dict with a 'content' list"))
    uses: list[tuple[str, str, object]] = []
    for i, block in enumerate(blocks):
        if isinstance(block, Mapping) and block.get("type") == "tool_use":
            id_, name = block.get("id"), block.get("name")
            if not isinstance(id_, str) or not isinstance(name, str):
                return Failure(_bad(f"message.content[{i}]", "is a tool_use without id and name"))
            uses.append((id_, name, block.get("toolset_name")))
    return Success(uses)


def _result_block(use_id: str, name: str, answer: object) -> Result[Block, InvalidArgument]:
    block: Block = {"type": "tool_result", "tool_use_id": use_id}
    if isinstance(answer, ToolError):
        block.update(content=answer.message, is_error=True)
    elif isinstance(answer, BaseException):
        block.update(content=str(answer) or type(answer).__name__, is_error=True)
    elif isinstance(answer, str):
        block["content"] = answer
    elif isinstance(answer, Sequence) and all(
        isinstance(b, Mapping) and isinstance(b.get("type"), str) for b in answer
    ):
        block["content"] = [dict(b) for b in answer]
    else:
        return Failure(
            _bad(
                f"answers[{use_id!r}]",
                f"the answer for tool {name!r} is a {type(answer).__name__}; give a str, a "
                "list of content blocks, or ToolError(...) for a failure",
            )
        )
    return Success(block)


def tool_results(
    message: Message | Mapping[str, object],
    answers: Mapping[str, Answer],
    *,
    then: str | None = None,
) -> Result[Turn, InvalidArgument]:
    """The user turn answering every ``tool_use`` block of ``message``, keyed by tool_use id.

    Results come in the order of the calls, before any ``then`` text (the API requires that).

    >>> reply = {"content": [{"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {}}]}
    >>> tool_results(reply, {"toolu_1": "18 C, clear"}).unwrap()["content"]
    [{'type': 'tool_result', 'tool_use_id': 'toolu_1', 'content': '18 C, clear'}]
    >>> print(tool_results(reply, {}).failure())
    answers['toolu_1']: is missing: tool 'get_weather' was called (id toolu_1) and every tool_use needs a tool_result
    """

    def build(uses: list[tuple[str, str, object]]) -> Result[Turn, InvalidArgument]:
        if not uses:
            return Failure(
                _bad(
                    "message",
                    "has no tool_use blocks; only a reply with stop_reason 'tool_use' needs tool results",
                )
            )
        ids = {use_id for use_id, _, _ in uses}
        for key in answers:
            if key not in ids:
                calls = ", ".join(f"{i} ({n})" for i, n, _ in uses)
                return Failure(
                    _bad(
                        f"answers[{key!r}]",
                        f"answers no tool_use of the message; its calls are {calls}",
                    )
                )
        blocks: list[object] = []
        for use_id, name, toolset in uses:
            if use_id not in answers:
                return Failure(
                    _bad(
                        f"answers[{use_id!r}]",
                        f"is missing: tool {name!r} was called (id {use_id}) and every "
                        "tool_use needs a tool_result",
                    )
                )
            made = _result_block(use_id, name, answers[use_id])
            if isinstance(made, Failure):
                return Failure(made.failure())
            block = made.unwrap()
            if isinstance(toolset, str):
                block["toolset_name"] = toolset
            blocks.append(block)
        if then is not None:
            blocks.append(text(then))
        return Success({"role": "user", "content": blocks})

    return _tool_uses(message).bind(build)


# --- thinking ----------------------------------------------------------------------------

Display = Literal["summarized", "omitted"]
"""How a reply shows its thinking: a summary, or nothing (the thinking still happens)."""


def enable_thinking(budget_tokens: int, *, display: Display | None = None) -> Block:
    """Extended thinking with a budget (at least 1024 and below ``max_tokens``; checked on send).

    >>> enable_thinking(2048)
    {'type': 'enabled', 'budget_tokens': 2048}
    """
    config: Block = {"type": "enabled", "budget_tokens": budget_tokens}
    if display is not None:
        config["display"] = display
    return config


def adaptive_thinking(*, display: Display | None = None) -> Block:
    """Thinking whose depth the model decides (newer models)."""
    config: Block = {"type": "adaptive"}
    if display is not None:
        config["display"] = display
    return config


def disable_thinking() -> Block:
    """No extended thinking."""
    return {"type": "disabled"}
