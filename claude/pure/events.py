"""Typed stream events of the Messages API, decoded from SSE events at msgspec speed.

Theory of operation
-------------------
Each event is a frozen msgspec Struct tagged on ``"type"``, with the conventions of
:mod:`claude.pure.wire`: optional fields default to ``UNSET`` so that ``msgspec.to_builtins(event)``
equals the event's JSON data, unknown fields and unknown nested tags (blocks, citations, deltas) are
kept by the lenient path of :mod:`claude.pure.codec`, and every union holds an ``Unknown*`` member.

``decode_event(sse)`` tries one native decode of ``sse.data`` against the union of the known
events: a ``content_block_delta`` carrying a ``text_delta`` costs a single C call, no dict. When
the native decode refuses the data, the slow path reads it untyped and decides by this table:

=================================================  ==============================================
``sse.data``                                       result
=================================================  ==============================================
a JSON object whose ``type`` is a known event      that event, unknown fields and tags kept;
                                                   ``MalformedStream`` naming the event and the
                                                   field when its shape is wrong (but a ping is
                                                   a ping: a keep-alive never ends a stream)
a JSON object whose ``type`` is another string     ``UnknownEvent`` (never a failure)
a JSON object without a string ``type``            the SSE event name stands in for ``type``
anything else (not JSON, empty, not an object)     ``PingEvent`` if named ``ping``;
                                                   ``MalformedStream`` if named as another known
                                                   event; ``UnknownEvent`` otherwise
=================================================  ==============================================

One name overrides the data: an SSE event named ``error`` is always an ``ErrorEvent`` (the
official SDK raises on that name whatever the data says). When its data is not the documented
``{"type": "error", "error": {"type", "message"}}``, the event keeps what it can read, and the raw
data becomes the message, so a server-declared failure is never lost nor turned into a protocol
error.

``decode_events(batch)`` answers as ``decode_event`` does, event by event, for a whole batch (one
``feed``'s worth): one ``Result`` and no Python loop per event when every event takes the native
path, which is what a stream is made of.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import attrgetter
from typing import Final, Literal, TypeAlias

import msgspec
from msgspec import UNSET, UnsetType
from returns.pipeline import is_successful
from returns.result import Failure, Result, Success

from claude.pure.codec import CodecError, convert
from claude.pure.errors import MalformedStream
from claude.pure.sse import SseEvent
from claude.pure.wire import (
    UNKNOWN_TAG,
    Citation,
    ContentBlock,
    JsonObject,
    Message,
    ServerToolUsage,
    Tagged,
    Unknown,
    Wire,
)

__all__ = [
    "CitationsDelta",
    "CompactionDelta",
    "ContentBlockDeltaEvent",
    "ContentBlockStartEvent",
    "ContentBlockStopEvent",
    "Delta",
    "ErrorDetail",
    "ErrorEvent",
    "InputJsonDelta",
    "MessageDeltaEvent",
    "MessageDeltaFields",
    "MessageDeltaUsage",
    "MessageStartEvent",
    "MessageStopEvent",
    "PingEvent",
    "SignatureDelta",
    "StreamEvent",
    "TextDelta",
    "ThinkingDelta",
    "UnknownDelta",
    "UnknownEvent",
    "decode_event",
    "decode_events",
    "decode_frame",
]

# --- deltas ------------------------------------------------------------------------------


class TextDelta(Tagged, frozen=True, kw_only=True, gc=False, tag="text_delta"):
    """More text for a ``text`` block: append ``text``."""

    @property
    def type(self) -> Literal["text_delta"]:
        return "text_delta"

    text: str


class InputJsonDelta(Tagged, frozen=True, kw_only=True, gc=False, tag="input_json_delta"):
    """A piece of a tool call's input JSON; pieces split keys, strings and numbers anywhere."""

    @property
    def type(self) -> Literal["input_json_delta"]:
        return "input_json_delta"

    partial_json: str


class ThinkingDelta(Tagged, frozen=True, kw_only=True, tag="thinking_delta"):
    """More text for a ``thinking`` block: append ``thinking``."""

    @property
    def type(self) -> Literal["thinking_delta"]:
        return "thinking_delta"

    thinking: str
    estimated_tokens: int | UnsetType | None = UNSET


class SignatureDelta(Tagged, frozen=True, kw_only=True, tag="signature_delta"):
    """The signature of a ``thinking`` block: replaces the one it started with."""

    @property
    def type(self) -> Literal["signature_delta"]:
        return "signature_delta"

    signature: str


class CitationsDelta(Tagged, frozen=True, kw_only=True, tag="citations_delta"):
    """One more citation for a ``text`` block: append it to the block's ``citations``."""

    @property
    def type(self) -> Literal["citations_delta"]:
        return "citations_delta"

    citation: Citation


class CompactionDelta(Tagged, frozen=True, kw_only=True, tag="compaction_delta"):
    """The content of a ``compaction`` block (beta): replaces its ``content`` and
    ``encrypted_content`` (absent is ``null``, as in the SDK's beta accumulator)."""

    @property
    def type(self) -> Literal["compaction_delta"]:
        return "compaction_delta"

    content: str | UnsetType | None = UNSET
    encrypted_content: str | UnsetType | None = UNSET


class UnknownDelta(Unknown, frozen=True, kw_only=True, tag=UNKNOWN_TAG):
    """A delta type newer than this library, kept as sent. The fold keeps it on a block of an
    unknown type (``UnknownBlock.deltas``) and ignores it on known blocks, as the SDK does."""


Delta: TypeAlias = (
    TextDelta
    | InputJsonDelta
    | ThinkingDelta
    | SignatureDelta
    | CitationsDelta
    | CompactionDelta
    | UnknownDelta
)
"""The ``delta`` of a ``content_block_delta`` event."""

# --- events ------------------------------------------------------------------------------


class MessageStartEvent(Tagged, frozen=True, kw_only=True, tag="message_start"):
    """The stream's first event: the message with empty ``content`` and the input usage."""

    @property
    def type(self) -> Literal["message_start"]:
        return "message_start"

    message: Message


class ContentBlockStartEvent(Tagged, frozen=True, kw_only=True, tag="content_block_start"):
    """Block ``index`` begins; text and tool blocks start empty, server-tool results start whole."""

    @property
    def type(self) -> Literal["content_block_start"]:
        return "content_block_start"

    index: int
    content_block: ContentBlock


class ContentBlockDeltaEvent(
    Tagged, frozen=True, kw_only=True, gc=False, tag="content_block_delta"
):
    """A piece of block ``index``.

    The hot-path Structs (this and the text and JSON deltas) are ``gc=False``: decoded values are
    immutable and cannot form reference cycles, so the collector need not track them.
    """

    @property
    def type(self) -> Literal["content_block_delta"]:
        return "content_block_delta"

    index: int
    delta: Delta


class ContentBlockStopEvent(Tagged, frozen=True, kw_only=True, tag="content_block_stop"):
    """Block ``index`` is complete."""

    @property
    def type(self) -> Literal["content_block_stop"]:
        return "content_block_stop"

    index: int


class MessageDeltaFields(Wire, frozen=True, kw_only=True):
    """Top-level message fields a ``message_delta`` sets (``stop_reason`` and friends)."""

    stop_reason: str | UnsetType | None = UNSET
    stop_sequence: str | UnsetType | None = UNSET
    stop_details: JsonObject | UnsetType | None = UNSET
    container: JsonObject | UnsetType | None = UNSET


class MessageDeltaUsage(Wire, frozen=True, kw_only=True):
    """Usage in a ``message_delta``: cumulative totals that replace, never add to, earlier ones.

    ``output_tokens`` is always sent; the others only when they apply.
    """

    output_tokens: int
    input_tokens: int | UnsetType | None = UNSET
    cache_creation_input_tokens: int | UnsetType | None = UNSET
    cache_read_input_tokens: int | UnsetType | None = UNSET
    server_tool_use: ServerToolUsage | UnsetType | None = UNSET
    output_tokens_details: JsonObject | UnsetType | None = UNSET
    iterations: list[JsonObject] | UnsetType | None = UNSET
    fallback_credit: JsonObject | UnsetType | None = UNSET


class MessageDeltaEvent(Tagged, frozen=True, kw_only=True, tag="message_delta"):
    """Near the end of a stream: the stop reason and the usage totals so far; in beta streams
    also the context edits applied and, after a mid-stream fallback, the input transformations."""

    @property
    def type(self) -> Literal["message_delta"]:
        return "message_delta"

    delta: MessageDeltaFields
    usage: MessageDeltaUsage
    context_management: JsonObject | UnsetType | None = UNSET
    input_transformations: list[JsonObject] | UnsetType | None = UNSET


class MessageStopEvent(Tagged, frozen=True, kw_only=True, tag="message_stop"):
    """The message is complete."""

    @property
    def type(self) -> Literal["message_stop"]:
        return "message_stop"


class PingEvent(Tagged, frozen=True, kw_only=True, tag="ping"):
    """A keep-alive; it changes nothing."""

    @property
    def type(self) -> Literal["ping"]:
        return "ping"


class ErrorDetail(Wire, frozen=True, kw_only=True):
    """The ``error`` object of an ``error`` event: its ``type`` (``overloaded_error``, ...), its
    text and, when the API gives them, ``details`` (``details.error_code`` names the cause)."""

    type: str
    message: str
    details: JsonObject | UnsetType | None = UNSET


class ErrorEvent(Tagged, frozen=True, kw_only=True, tag="error"):
    """The API failed mid-stream (the HTTP status stays 200); the stream ends here."""

    @property
    def type(self) -> Literal["error"]:
        return "error"

    error: ErrorDetail
    request_id: str | UnsetType | None = UNSET


class UnknownEvent(msgspec.Struct, frozen=True, kw_only=True):
    """An event this library does not know, kept as it came: its SSE name and raw data.

    Folding ignores it, as the SDK does; ``type`` gives the SSE name (for the Anthropic API it
    equals the data's JSON ``type``), so every ``StreamEvent`` answers ``.type``.
    """

    event: str
    data: str

    @property
    def type(self) -> str:
        """The SSE event name."""
        return self.event


_KnownEvent: TypeAlias = (
    MessageStartEvent
    | ContentBlockStartEvent
    | ContentBlockDeltaEvent
    | ContentBlockStopEvent
    | MessageDeltaEvent
    | MessageStopEvent
    | PingEvent
    | ErrorEvent
)

StreamEvent: TypeAlias = _KnownEvent | UnknownEvent
"""Any event of a Messages API stream."""

_BY_TYPE: Final[dict[str, type[_KnownEvent]]] = {
    "message_start": MessageStartEvent,
    "content_block_start": ContentBlockStartEvent,
    "content_block_delta": ContentBlockDeltaEvent,
    "content_block_stop": ContentBlockStopEvent,
    "message_delta": MessageDeltaEvent,
    "message_stop": MessageStopEvent,
    "ping": PingEvent,
    "error": ErrorEvent,
}

# Built once: a tagged-union decoder reads ``type`` and fills the one matching Struct in C.
_decoder: msgspec.json.Decoder[_KnownEvent] = msgspec.json.Decoder(_KnownEvent)
_error_decoder: msgspec.json.Decoder[ErrorEvent] = msgspec.json.Decoder(ErrorEvent)

_EVENT_NAME: Final = attrgetter("event")
_EVENT_DATA: Final = attrgetter("data")

# How much of unreadable data a MalformedStream quotes.
_QUOTE: Final = 80
_TOO_DEEP: Final = "data is nested too deeply"


def decode_event(sse: SseEvent) -> Result[StreamEvent, MalformedStream]:
    """The typed event of one SSE event (see the module docstring for the rules); never raises.

    >>> decode_event(SseEvent("ping", '{"type": "ping"}')).unwrap()
    PingEvent()
    >>> decode_event(SseEvent("future_event", "{}")).unwrap()
    UnknownEvent(event='future_event', data='{}')
    """
    if sse.event == "error":
        return Success(_error(sse.data))
    try:
        return Success(_decoder.decode(sse.data))
    except msgspec.ValidationError:  # JSON, but not a known event of a known shape
        return _lenient(sse)
    except msgspec.DecodeError as exc:  # not JSON at all
        return _unreadable(sse, f"data is not valid JSON ({exc})")
    except RecursionError:  # msgspec's depth guard
        return _unreadable(sse, _TOO_DEEP)


def decode_events(batch: Sequence[SseEvent]) -> Result[tuple[StreamEvent, ...], MalformedStream]:
    """The typed events of a batch of SSE events, as ``decode_event`` gives them one by one.

    ``Success`` of every event, or the ``Failure`` of the first that ``decode_event`` refuses.
    The common case, a batch without an ``error`` event whose data all pass the native decoder,
    is one ``map`` of that decoder and one ``Result``, not a Python call and a ``Result`` per
    event; anything else (an error event, lenient or malformed data) decodes the batch again
    one event at a time, so the answer is always that of ``decode_event``.

    >>> decode_events([SseEvent("ping", '{"type": "ping"}')]).unwrap()
    (PingEvent(),)
    """
    if "error" not in map(_EVENT_NAME, batch):  # the SSE name overrides the data only there
        try:
            return Success(tuple(map(_decoder.decode, map(_EVENT_DATA, batch))))
        except (msgspec.DecodeError, RecursionError):  # ValidationError is a DecodeError
            pass
    events: list[StreamEvent] = []
    for sse in batch:
        decoded = decode_event(sse)
        if not is_successful(decoded):
            return Failure(decoded.failure())
        events.append(decoded.unwrap())
    return Success(tuple(events))


def decode_frame(name: bytes, data: bytes) -> StreamEvent | None:
    """The typed event of one frame from ``sse.feed_frame`` (its raw name and data), or ``None``
    when only ``decode_event`` can say (an ``error`` event, data the native decoder refuses:
    lenient, unknown, malformed or not UTF-8). When it answers, the answer is ``decode_event``'s
    for the same event: the native decoder reads UTF-8 bytes exactly as the text they decode to.
    A plain value, not a ``Result``: this is the per-read path of the stream core.
    """
    if name == b"error":
        return None
    try:
        return _decoder.decode(data)
    except (msgspec.DecodeError, RecursionError):
        return None


def _lenient(sse: SseEvent) -> Result[StreamEvent, MalformedStream]:
    """The slow path: read the data untyped, pick the event type, keep what is unknown."""
    try:
        raw = msgspec.json.decode(sse.data)
    except msgspec.DecodeError as exc:  # e.g. a number out of range
        return _unreadable(sse, f"data is not valid JSON ({exc})")
    except RecursionError:
        return _unreadable(sse, _TOO_DEEP)
    if not isinstance(raw, dict):
        return _unreadable(sse, "data is not a JSON object")
    kind = raw.get("type")
    if not isinstance(kind, str):
        if sse.event not in _BY_TYPE:
            return Success(UnknownEvent(event=sse.event, data=sse.data))
        kind = sse.event
        raw = {"type": kind, **raw}
    cls = _BY_TYPE.get(kind)
    if cls is None:
        return Success(UnknownEvent(event=sse.event, data=sse.data))
    try:
        typed = convert(raw, cls)
    except RecursionError:
        typed = Failure(CodecError(path="", problem=_TOO_DEEP))
    if cls is PingEvent and isinstance(typed, Failure):
        return Success(PingEvent())  # a keep-alive never ends a stream, whatever it carries
    return typed.alt(lambda error: MalformedStream(problem=f"{kind} event: {error}"))


def _unreadable(sse: SseEvent, problem: str) -> Result[StreamEvent, MalformedStream]:
    """Data that is no JSON object: the SSE name decides (a ping, a protocol error, unknown)."""
    if sse.event == "ping":
        return Success(PingEvent())
    if sse.event in _BY_TYPE:
        start = sse.data[:_QUOTE]
        return Failure(
            MalformedStream(problem=f"{sse.event} event: {problem}; data starts {start!r}")
        )
    return Success(UnknownEvent(event=sse.event, data=sse.data))


def _error(data: str) -> ErrorEvent:
    """An ``error`` event from any data: the documented shape, or what can be read of it."""
    try:
        return _error_decoder.decode(data)
    except (msgspec.DecodeError, RecursionError):
        pass
    try:
        raw: object = msgspec.json.decode(data)
        typed = convert(raw, ErrorEvent).value_or(None) if isinstance(raw, dict) else None
    except (msgspec.DecodeError, RecursionError):
        raw = typed = None
    if typed is not None:
        return typed
    if isinstance(raw, dict):
        detail = raw.get("error")
        rid = raw.get("request_id")
    else:
        detail = rid = None
    error_type = detail.get("type") if isinstance(detail, dict) else None
    message = detail.get("message") if isinstance(detail, dict) else None
    return ErrorEvent(
        error=ErrorDetail(
            type=error_type if isinstance(error_type, str) else "",
            message=message
            if isinstance(message, str)
            else (data or "an error event without data"),
        ),
        request_id=rid if isinstance(rid, str) else UNSET,
    )
