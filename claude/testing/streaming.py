"""Writing an SSE body onto the wire, with the streaming faults applied at event boundaries.

`play` walks the rendered events and stops at the positions the fault names: a stall (silence, or
only pings), an `error` event that ends the stream, or a cut that drops the connection mid-body.
Everything between those positions is joined and written in large pieces (or in `chunk_size`
pieces when the fault asks), so a 100,000-event transcript costs a few dozen writes, not 100,000;
a piece already that large (a download chunk) is written as it is, never copied into a join.
Every wait is on the server's stop event, so `close()` interrupts a stall at once.

Two faults reshape the bytes as the API may send them: `per_event_chunks` makes every event its
own HTTP chunk (the API's framing: a client's `read1` then returns about one event per call; the
chunks are still grouped into large socket writes), and `line_end` rewrites every LF line end of
the events as CRLF or CR.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence

from claude.testing import transcript
from claude.testing.errors import default_message
from claude.testing.faults import Fault

__all__ = ["AbortError", "BodyWriter", "play"]

_PIECE = 256 * 1024


class AbortError(Exception):
    """Drop the connection now: the fault cut the stream, or the server is closing."""


class BodyWriter:
    """Writes a body in pieces, framed for `Transfer-Encoding: chunked` or raw (HTTP/1.0),
    optionally `pause` seconds apart (the `dribble` fault)."""

    def __init__(
        self,
        write: Callable[[bytes], object],
        *,
        chunked: bool,
        chunk_size: int | None,
        stopping: threading.Event,
        pause: float | None = None,
        per_event: bool = False,
    ) -> None:
        self._write = write
        self._per_event = per_event and chunked and chunk_size is None and pause is None
        self._chunked = chunked
        self._piece = chunk_size or _PIECE
        self._stopping = stopping
        self._pause = pause

    def write(self, data: bytes | memoryview) -> None:
        """Send `data`, one piece (and one chunk, when chunked) at a time."""
        view = memoryview(data)
        for start in range(0, len(view), self._piece):
            if self._stopping.is_set():
                raise AbortError
            piece = view[start : start + self._piece]
            if self._chunked:
                self._write(b"".join((b"%X\r\n" % len(piece), piece, b"\r\n")))
            else:
                self._write(piece.tobytes())
            if self._pause is not None and self._stopping.wait(self._pause):
                raise AbortError

    def write_events(self, events: Sequence[bytes | memoryview]) -> None:
        """Send whole events: one chunk each under `per_event`, else joined into large pieces."""
        if not self._per_event:
            _write_run(self, events)
            return
        group: list[bytes | memoryview] = []
        size = 0
        for event in events:
            group += (b"%X\r\n" % len(event), event, b"\r\n")
            size += len(event)
            if size >= self._piece:
                self._flush(group)
                group, size = [], 0
        if group:
            self._flush(group)

    def _flush(self, group: list[bytes | memoryview]) -> None:
        if self._stopping.is_set():
            raise AbortError
        self._write(b"".join(group))

    def end(self) -> None:
        """Finish the body cleanly, so the connection can carry the next request."""
        if self._chunked:
            self._write(b"0\r\n\r\n")


def play(
    events: Sequence[bytes | memoryview],
    writer: BodyWriter,
    *,
    fault: Fault | None,
    request_id: str,
    stopping: threading.Event,
) -> None:
    """Write `events` with the fault's stall / error / cut applied; raise `AbortError` to cut.

    A position counts complete events already sent; positions at or past the end never fire.
    At the same position a stall comes before an error, and an error before a cut.
    """
    line_end = b"\n" if fault is None else fault.line_end.encode()
    if line_end != b"\n":
        events = [bytes(event).replace(b"\n", line_end) for event in events]
    actions: list[tuple[int, int]] = []  # (position, kind) with kind 0 stall, 1 error, 2 cut
    if fault is not None:
        for kind, position in enumerate((fault.stall_after, fault.error_after, fault.cut_after)):
            if position is not None and position < len(events):
                actions.append((position, kind))
    done = 0
    for position, kind in sorted(actions):
        if position > done:
            writer.write_events(events[done:position])
            done = position
        assert fault is not None  # actions only exist with a fault
        if kind == 0:
            _stall(writer, fault.stall_for, fault.ping_every, stopping, line_end)
        elif kind == 1:
            error = transcript.error_event(
                fault.error_type,
                message=default_message(fault.error_type),
                request_id=request_id,
            )
            writer.write_events([error.replace(b"\n", line_end)])
            writer.end()
            return
        else:
            raise AbortError
    writer.write_events(events[done:])
    writer.end()


def _write_run(writer: BodyWriter, events: Sequence[bytes | memoryview]) -> None:
    """Write `events` joined into pieces of about `_PIECE` bytes (large ones written as they are)."""
    pending: list[bytes | memoryview] = []
    size = 0
    for event in events:
        if len(event) >= _PIECE:
            if pending:
                writer.write(b"".join(pending))
                pending, size = [], 0
            writer.write(event)
            continue
        pending.append(event)
        size += len(event)
        if size >= _PIECE:
            writer.write(b"".join(pending))
            pending, size = [], 0
    if pending:
        writer.write(b"".join(pending))


def _stall(
    writer: BodyWriter,
    seconds: float,
    ping_every: float | None,
    stopping: threading.Event,
    line_end: bytes = b"\n",
) -> None:
    """Send nothing (or only pings every `ping_every` s) for `seconds`; abort on server close."""
    deadline = time.monotonic() + seconds
    while (remaining := deadline - time.monotonic()) > 0:
        wait = remaining if ping_every is None else min(remaining, ping_every)
        if stopping.wait(wait):
            raise AbortError
        if ping_every is not None and time.monotonic() < deadline:
            writer.write(transcript.PING.replace(b"\n", line_end))
