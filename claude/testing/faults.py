"""Fault values and the FIFO queue that hands them to requests.

A `Fault` describes how to misbehave on exactly one request; anything it leaves unset behaves
normally. `LocalServer.inject(fault, times=n)` queues it for the next `n` requests, in FIFO order
with other queued faults, and every request the server parses takes the head of the queue (health
probes included, so a `delay` fault can simulate a degraded health check).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["BATCH_OUTCOMES", "Fault", "FaultQueue"]

#: The outcomes `Fault.batch_results` can force on a batch request.
BATCH_OUTCOMES = ("errored", "expired", "canceled", "malformed")


@dataclass(frozen=True, slots=True, kw_only=True)
class Fault:
    """How to misbehave on one request; every field is optional.

    Whole-response faults:
        status, headers, body: answer with exactly this. With a 4xx/5xx ``status`` and no ``body``
            the body is the API's error JSON for that status; with a 2xx/3xx ``status`` and no
            ``body`` the normal reply is served under that status. ``headers`` are added to (and
            override) whatever response is sent.
        delay: wait this many seconds before the response headers (ends early on ``close()``).
        hold: wait until this event is set before answering (ends early on ``close()``), so a
            test decides exactly when an in-flight call completes.
        close: read the request, then close the socket without answering.

    Streaming faults (apply when the request asked for ``"stream": true``, or to ``transcript``):
        error_after: after N events send ``event: error`` of ``error_type`` and end the stream
            cleanly, without ``message_stop``.
        cut_after: after N events close the connection without finishing the chunked body.
        stall_after, stall_for, ping_every: after N events send nothing (or only ``ping`` events
            every ``ping_every`` seconds) for ``stall_for`` seconds, then continue normally.
        transcript: serve these bytes verbatim as the SSE body (status 200 unless ``status`` says
            otherwise); the event-counting faults above count its blank-line-separated events.
        chunk_size: write the body in pieces of this many bytes, flushing each.
        dribble: write the body (plain or SSE) one byte at a time, this many seconds apart, so
            every socket read succeeds but the whole body takes for ever.
        slow_head: write the status line and headers one byte at a time, this many seconds apart
            (a server that never quite answers).
        gzip: send a plain body gzip-compressed, with ``content-encoding: gzip`` (a large
            ``body`` of zeros makes a gzip bomb: kilobytes on the wire, megabytes decoded).
        text_events: make the text block arrive in exactly this many ``text_delta`` events
            (also shapes a non-streaming reply; ``max_tokens`` and stop sequences are ignored).
        tool_json_parts: reply with a ``tool_use`` block whose input arrives in exactly this many
            ``input_json_delta`` parts.
        per_event_chunks: frame a chunked SSE body as the API does, one HTTP chunk per event
            (several chunks may share one socket write), instead of large pieces.
        line_end: end every SSE line with this: ``"\\n"`` (the default), ``"\\r\\n"`` or
            ``"\\r"`` (all three are valid SSE line ends).

    Batch fault (applies to a ``POST /v1/messages/batches`` request; see `claude.testing.batches`):
        batch_results: ``{custom_id: outcome}`` for the batch this request creates, outcome one of
            ``"errored"``, ``"expired"``, ``"canceled"`` (that request ends so, and is counted so in
            ``request_counts``) or ``"malformed"`` (counted as succeeded, but its results line is
            cut in the middle of its JSON, so a client's per-line error path runs).

    Invalid values (negative counts or durations) raise ``ValueError``: that is a mistake in the
    test, not a fault to simulate.
    """

    status: int | None = None
    headers: Mapping[str, str] | None = None
    body: bytes | str | Mapping[str, object] | None = None
    delay: float = 0.0
    hold: threading.Event | None = None
    close: bool = False
    error_after: int | None = None
    error_type: str = "overloaded_error"
    cut_after: int | None = None
    stall_after: int | None = None
    stall_for: float = 0.0
    ping_every: float | None = None
    transcript: bytes | None = None
    chunk_size: int | None = None
    dribble: float | None = None
    slow_head: float | None = None
    gzip: bool = False
    text_events: int | None = None
    tool_json_parts: int | None = None
    batch_results: Mapping[str, str] | None = None
    per_event_chunks: bool = False
    line_end: str = "\n"

    def __post_init__(self) -> None:
        if self.status is not None and not 100 <= self.status <= 599:
            raise ValueError(f"Fault.status must be an HTTP status in 100..599, got {self.status}")
        if self.delay < 0 or self.stall_for < 0:
            raise ValueError("Fault.delay and Fault.stall_for must be >= 0 seconds")
        for name in ("dribble", "slow_head"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ValueError(f"Fault.{name} must be >= 0 seconds")
        if self.ping_every is not None and self.ping_every <= 0:
            raise ValueError("Fault.ping_every must be > 0 seconds")
        for name in ("error_after", "cut_after", "stall_after"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ValueError(f"Fault.{name} must be >= 0 events, got {value}")
        if self.line_end not in ("\n", "\r\n", "\r"):
            raise ValueError(
                f"Fault.line_end must be '\\n', '\\r\\n' or '\\r', got {self.line_end!r}"
            )
        for name in ("chunk_size", "text_events", "tool_json_parts"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise ValueError(f"Fault.{name} must be >= 1, got {value}")
        for custom_id, outcome in (self.batch_results or {}).items():
            if outcome not in BATCH_OUTCOMES:
                raise ValueError(
                    f"Fault.batch_results[{custom_id!r}] must be one of "
                    f"{', '.join(BATCH_OUTCOMES)}, got {outcome!r}"
                )


@dataclass(slots=True)
class _Entry:
    """A queued fault and how many more requests it applies to (mutated under the queue's lock)."""

    fault: Fault
    remaining: int


class FaultQueue:
    """Thread-safe FIFO of faults, each entry consumed by a given number of requests."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: deque[_Entry] = deque()

    def push(self, fault: Fault, *, times: int = 1) -> None:
        """Queue `fault` for the next `times` requests after those already queued."""
        if times < 1:
            raise ValueError(f"times must be >= 1, got {times}")
        with self._lock:
            self._entries.append(_Entry(fault, times))

    def pop(self) -> Fault | None:
        """The fault for the request being handled now, or None to behave normally."""
        with self._lock:
            if not self._entries:
                return None
            entry = self._entries[0]
            entry.remaining -= 1
            if entry.remaining == 0:
                self._entries.popleft()
            return entry.fault

    def pending(self) -> int:
        """How many requests the queued faults will still be applied to."""
        with self._lock:
            return sum(entry.remaining for entry in self._entries)

    def clear(self) -> None:
        """Drop every queued fault."""
        with self._lock:
            self._entries.clear()
