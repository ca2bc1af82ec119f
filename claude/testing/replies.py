"""The deterministic reply to a Messages request, and its non-streaming JSON form.

Theory of operation: `compose` turns a validated request body into a `Reply` (content parts, stop
reason, usage) without any I/O; the ids come in as arguments so the same body always gives the same
reply. `transcript.render` turns a `Reply` into SSE events and `encode_message` into a Message
(api-reference §5), so a stream and a non-streaming call for the same request fold to the same
message.

The rules, chosen so tests can predict every field:

- text is ``"Hello! You said: " + <last user text>`` (a string content, or its text blocks joined);
- ``stop_sequences``: the text is cut before the earliest match; ``stop_reason: "stop_sequence"``;
- ``max_tokens``: one token per whitespace-separated word (thinking words count too); the text is
  cut to the remaining budget and ``stop_reason: "max_tokens"``;
- tools: with ``tool_choice`` ``any`` / ``tool``, or a last user text starting with "use tool"
  (and ``tool_choice`` not ``none``), a short text then a ``tool_use`` block with input
  ``{"query": <last user text>}`` and ``stop_reason: "tool_use"``;
- ``thinking: {"type": "enabled"}``: a ``thinking`` block first, with a fixed-looking signature;
- usage: input tokens = characters of text in system/messages/tools / 4 (at least 1), output
  tokens = words of thinking and text plus a quarter of the tool input JSON (at least 1).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import msgspec

__all__ = [
    "Part",
    "Reply",
    "TextPart",
    "ThinkingPart",
    "ToolUsePart",
    "compose",
    "count_input_tokens",
    "encode_message",
    "last_user_text",
]

_WORDS_PER_DELTA = 3
_JSON_PART_SIZES = (7, 3, 11, 5, 13)  # uneven, so keys, strings and numbers get split
_PIECE = re.compile(r"\s*\S+|\s+$")


@dataclass(frozen=True, slots=True)
class TextPart:
    """A text block and the `text_delta` pieces it streams as."""

    text: str
    deltas: Sequence[str]


@dataclass(frozen=True, slots=True)
class ThinkingPart:
    """A thinking block, its `thinking_delta` pieces and its signature."""

    thinking: str
    deltas: Sequence[str]
    signature: str


@dataclass(frozen=True, slots=True)
class ToolUsePart:
    """A tool_use block and the `input_json_delta` parts its input streams as."""

    id: str
    name: str
    input: Mapping[str, object]
    json_parts: Sequence[str]


Part = TextPart | ThinkingPart | ToolUsePart


@dataclass(frozen=True, slots=True, kw_only=True)
class Reply:
    """Everything needed to render the reply as a Message or as an SSE transcript."""

    id: str
    model: str
    parts: tuple[Part, ...]
    stop_reason: str
    stop_sequence: str | None
    input_tokens: int
    output_tokens: int
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0
    cache_creation_5m: int = 0
    cache_creation_1h: int = 0


def compose(
    body: Mapping[str, object],
    *,
    message_id: str,
    tool_use_id: str,
    text_events: int | None = None,
    tool_json_parts: int | None = None,
) -> Reply:
    """The reply to a validated `/v1/messages` body (rules in the module docstring).

    `text_events` and `tool_json_parts` come from a `Fault`: they force the text into exactly that
    many deltas (ignoring stop sequences and `max_tokens`) and force a tool_use block whose input
    streams in exactly that many parts.
    """
    user_text = last_user_text(body.get("messages"))
    max_tokens = body.get("max_tokens")
    budget = max_tokens if isinstance(max_tokens, int) else 1
    parts: list[Part] = []
    output_words = 0

    thinking = body.get("thinking")
    if isinstance(thinking, Mapping) and thinking.get("type") == "enabled":
        words = len(user_text.split())
        thought, kept, truncated = _truncate(
            f"The user wrote {words} words. I will greet them and repeat their message back.",
            budget,
        )
        parts.append(ThinkingPart(thought, _group(_PIECE.findall(thought)), _signature(thought)))
        budget -= kept
        output_words += kept
        if truncated:
            return _reply(
                body,
                parts=parts,
                stop_reason="max_tokens",
                stop_sequence=None,
                output_words=output_words,
                message_id=message_id,
            )

    tool_name = _tool_name(body, user_text, forced=tool_json_parts is not None)
    text = f"I'll use the {tool_name} tool." if tool_name else "Hello! You said: " + user_text
    stop_reason, stop_sequence = "end_turn", None
    if text_events is not None:
        deltas = _spread(text, text_events)
        text = "".join(deltas)
        output_words += text_events
    else:
        text, stop_sequence = _cut_at_stop_sequence(text, body.get("stop_sequences"))
        text, kept, truncated = _truncate(text, budget)
        deltas = _group(_PIECE.findall(text))
        output_words += kept
        if truncated:
            stop_reason, stop_sequence = "max_tokens", None
        elif stop_sequence is not None:
            stop_reason = "stop_sequence"
    if text:
        parts.append(TextPart(text, deltas))

    if tool_name and (stop_reason == "end_turn" or tool_json_parts is not None):
        tool_input: dict[str, object] = {"query": user_text}
        if tool_json_parts is not None:
            # Long enough that every part can carry at least one character.
            tool_input["numbers"] = list(range(tool_json_parts))
        raw = msgspec.json.encode(tool_input).decode()
        parts.append(
            ToolUsePart(tool_use_id, tool_name, tool_input, _split_json(raw, tool_json_parts))
        )
        output_words += len(raw) // 4
        stop_reason, stop_sequence = "tool_use", None
    return _reply(
        body,
        parts=parts,
        stop_reason=stop_reason,
        stop_sequence=stop_sequence,
        output_words=output_words,
        message_id=message_id,
    )


def encode_message(reply: Reply) -> bytes:
    """The non-streaming Message JSON for `reply` (api-reference §5)."""
    return msgspec.json.encode(
        {
            "id": reply.id,
            "type": "message",
            "role": "assistant",
            "model": reply.model,
            "content": [_block(part) for part in reply.parts],
            "stop_reason": reply.stop_reason,
            "stop_sequence": reply.stop_sequence,
            "usage": {
                "input_tokens": reply.input_tokens,
                "output_tokens": reply.output_tokens,
                "cache_creation_input_tokens": reply.cache_creation_input_tokens,
                "cache_read_input_tokens": reply.cache_read_input_tokens,
                "cache_creation": {
                    "ephemeral_5m_input_tokens": reply.cache_creation_5m,
                    "ephemeral_1h_input_tokens": reply.cache_creation_1h,
                },
                "server_tool_use": None,
                "service_tier": "standard",
            },
        }
    )


def last_user_text(messages: object) -> str:
    """The text of the last user message: its string content, or its text blocks joined."""
    if not isinstance(messages, list):
        return ""
    for message in reversed(messages):
        if isinstance(message, Mapping) and message.get("role") == "user":
            content = message.get("content")
            if isinstance(content, str):
                return content
            if isinstance(content, list):
                return "".join(
                    block["text"]
                    for block in content
                    if isinstance(block, Mapping)
                    and block.get("type") == "text"
                    and isinstance(block.get("text"), str)
                )
            return ""
    return ""


def count_input_tokens(body: Mapping[str, object]) -> int:
    """About one token per four characters of the strings in system, messages and tools."""
    chars = sum(_string_chars(body.get(key)) for key in ("system", "messages", "tools"))
    return max(1, chars // 4)


def _reply(
    body: Mapping[str, object],
    *,
    parts: list[Part],
    stop_reason: str,
    stop_sequence: str | None,
    output_words: int,
    message_id: str,
) -> Reply:
    model = body.get("model")
    return Reply(
        id=message_id,
        model=model if isinstance(model, str) else "",
        parts=tuple(parts),
        stop_reason=stop_reason,
        stop_sequence=stop_sequence,
        input_tokens=count_input_tokens(body),
        output_tokens=max(1, output_words),
    )


def _block(part: Part) -> dict[str, object]:
    match part:
        case TextPart():
            return {"type": "text", "text": part.text}
        case ThinkingPart():
            return {"type": "thinking", "thinking": part.thinking, "signature": part.signature}
        case ToolUsePart():
            return {"type": "tool_use", "id": part.id, "name": part.name, "input": part.input}


def _string_chars(value: object) -> int:
    """Total length of the strings inside a JSON value (iterative: bodies may nest ~1000 deep)."""
    total, stack = 0, [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            total += len(item)
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, Mapping):
            stack.extend(item.values())
    return total


def _tool_name(body: Mapping[str, object], user_text: str, *, forced: bool) -> str | None:
    """The tool to call, or None to answer in text only."""
    raw_tools = body.get("tools")
    tools = raw_tools if isinstance(raw_tools, list) else []
    first = next(
        (
            str(t["name"])
            for t in tools
            if isinstance(t, Mapping) and isinstance(t.get("name"), str)
        ),
        None,
    )
    choice = body.get("tool_choice")
    kind = choice.get("type") if isinstance(choice, Mapping) else None
    if kind == "none" and not forced:
        return None
    if kind == "tool" and isinstance(choice, Mapping) and isinstance(choice.get("name"), str):
        return str(choice["name"])
    if forced:
        return first or "get_data"
    if first is not None and (kind == "any" or user_text.lower().startswith("use tool")):
        return first
    return None


def _cut_at_stop_sequence(text: str, stops: object) -> tuple[str, str | None]:
    """`text` up to the earliest stop sequence, and the sequence that matched."""
    if not isinstance(stops, list):
        return text, None
    best: tuple[int, str] | None = None
    for stop in stops:
        if isinstance(stop, str) and stop:
            at = text.find(stop)
            if at >= 0 and (best is None or at < best[0]):
                best = (at, stop)
    if best is None:
        return text, None
    return text[: best[0]], best[1]


def _truncate(text: str, budget: int) -> tuple[str, int, bool]:
    """`text` cut to `budget` words: (kept text, words kept, whether anything was cut)."""
    pieces = _PIECE.findall(text)
    words = [p for p in pieces if not p.isspace()]
    if len(words) <= budget:
        return text, len(words), False
    kept = max(0, budget)
    return "".join(words[:kept]), kept, True


def _group(pieces: Sequence[str]) -> list[str]:
    """Join word pieces a few at a time, as the model streams them."""
    return [
        "".join(pieces[i : i + _WORDS_PER_DELTA]) for i in range(0, len(pieces), _WORDS_PER_DELTA)
    ]


def _spread(text: str, count: int) -> list[str]:
    """Exactly `count` one-word deltas, cycling through the words of `text`."""
    words = text.split() or ["Hello!"]
    n = len(words)
    spaced = [" " + w for w in words]
    return [words[0]] + [spaced[i % n] for i in range(1, count)]


def _split_json(raw: str, parts: int | None) -> list[str]:
    """`raw` as `input_json_delta` parts: first ``""``, then pieces split at arbitrary points.

    With `parts` set the result has exactly that many parts (one part holds the whole JSON).
    """
    if parts is None:
        pieces = [""]
        at, k = 0, 0
        while at < len(raw):
            size = _JSON_PART_SIZES[k % len(_JSON_PART_SIZES)]
            pieces.append(raw[at : at + size])
            at, k = at + size, k + 1
        return pieces
    if parts == 1:
        return [raw]
    n = parts - 1
    size, extra = divmod(len(raw), n)
    pieces, at = [""], 0
    for i in range(n):
        step = size + (1 if i < extra else 0)
        pieces.append(raw[at : at + step])
        at += step
    return pieces


def _signature(thinking: str) -> str:
    """A fixed-looking base64 signature derived from the thinking text."""
    digest = hashlib.sha256(thinking.encode()).digest()
    return base64.b64encode(b"\x12\x08" + digest * 3).decode()
