"""SSE rendering: a `Reply` as the event sequence the API streams (api-reference §6).

Each event is framed exactly as Anthropic emits it, ``event: <name>\\ndata: <one-line JSON>\\n\\n``,
and returned as its own bytes object so the streaming faults can count events. Big transcripts
(100,000 text deltas) stay cheap: a delta's bytes depend only on its block index and text, so
repeated deltas are encoded once and shared, and the writer joins the list in one go.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import msgspec

from claude.testing.replies import Part, Reply, TextPart, ThinkingPart, ToolUsePart

__all__ = ["PING", "error_event", "frame", "render", "split_events"]

#: The keep-alive event, spaced the way the API spaces it.
PING = b'event: ping\ndata: {"type": "ping"}\n\n'

_EVENT_END = re.compile(rb"\r\n\r\n|\n\n|\r\r")


def frame(event: str, data: object) -> bytes:
    """One SSE event: the name line, one line of JSON, and the blank line that dispatches it."""
    return b"event: " + event.encode() + b"\ndata: " + msgspec.json.encode(data) + b"\n\n"


def error_event(error_type: str, *, message: str, request_id: str) -> bytes:
    """The `error` event that ends a failing stream (its HTTP status stays 200)."""
    return frame(
        "error",
        {
            "type": "error",
            "error": {"type": error_type, "message": message},
            "request_id": request_id,
        },
    )


def render(reply: Reply) -> list[bytes]:
    """The whole event sequence for `reply`, one bytes object per event.

    message_start, then per block content_block_start / deltas / content_block_stop (a ping right
    after the first block starts), then message_delta and message_stop.
    """
    events = [
        frame(
            "message_start",
            {
                "type": "message_start",
                "message": {
                    "id": reply.id,
                    "type": "message",
                    "role": "assistant",
                    "model": reply.model,
                    "content": [],
                    "stop_reason": None,
                    "stop_sequence": None,
                    "usage": {
                        "input_tokens": reply.input_tokens,
                        "cache_creation_input_tokens": reply.cache_creation_input_tokens,
                        "cache_read_input_tokens": reply.cache_read_input_tokens,
                        "output_tokens": 1,
                        "service_tier": "standard",
                    },
                },
            },
        )
    ]
    if not reply.parts:
        events.append(PING)
    for index, part in enumerate(reply.parts):
        events.append(
            frame(
                "content_block_start",
                {"type": "content_block_start", "index": index, "content_block": _start(part)},
            )
        )
        if index == 0:
            events.append(PING)
        events.extend(_deltas(index, part))
        events.append(frame("content_block_stop", {"type": "content_block_stop", "index": index}))
    events.append(
        frame(
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": reply.stop_reason, "stop_sequence": reply.stop_sequence},
                "usage": {"output_tokens": reply.output_tokens},
            },
        )
    )
    events.append(frame("message_stop", {"type": "message_stop"}))
    return events


def split_events(transcript: bytes) -> list[bytes]:
    """Cut a verbatim transcript after each blank line, so event-counting faults apply to it.

    The pieces concatenate back to exactly `transcript`; a tail without a blank line is the last.
    """
    events: list[bytes] = []
    start = 0
    for match in _EVENT_END.finditer(transcript):
        events.append(transcript[start : match.end()])
        start = match.end()
    if start < len(transcript):
        events.append(transcript[start:])
    return events


def _start(part: Part) -> dict[str, object]:
    """The empty block that `content_block_start` carries."""
    match part:
        case TextPart():
            return {"type": "text", "text": ""}
        case ThinkingPart():
            return {"type": "thinking", "thinking": "", "signature": ""}
        case ToolUsePart():
            return {"type": "tool_use", "id": part.id, "name": part.name, "input": {}}


def _deltas(index: int, part: Part) -> list[bytes]:
    match part:
        case TextPart():
            return _repeated_deltas(index, "text_delta", "text", part.deltas)
        case ThinkingPart():
            events = _repeated_deltas(index, "thinking_delta", "thinking", part.deltas)
            events.append(_delta(index, {"type": "signature_delta", "signature": part.signature}))
            return events
        case ToolUsePart():
            return _repeated_deltas(index, "input_json_delta", "partial_json", part.json_parts)


def _repeated_deltas(index: int, kind: str, field: str, pieces: Sequence[str]) -> list[bytes]:
    """Delta events for `pieces`, encoding each distinct piece once."""
    head = (
        b'event: content_block_delta\ndata: {"type":"content_block_delta","index":%d,'
        b'"delta":{"type":"%s","%s":' % (index, kind.encode(), field.encode())
    )
    tail = b"}}\n\n"
    cache: dict[str, bytes] = {}
    events: list[bytes] = []
    append = events.append
    for piece in pieces:
        event = cache.get(piece)
        if event is None:
            event = cache[piece] = head + msgspec.json.encode(piece) + tail
        append(event)
    return events


def _delta(index: int, delta: dict[str, object]) -> bytes:
    return frame(
        "content_block_delta", {"type": "content_block_delta", "index": index, "delta": delta}
    )
