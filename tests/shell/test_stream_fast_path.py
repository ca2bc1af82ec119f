"""The stream core's fast path (one frame per read, the run of delta pieces) against the
reference pipeline (``sse.parse``, ``decode_event``, ``fold`` one event at a time), over real
sockets, on generated adversarial streams."""

from __future__ import annotations

from collections.abc import Iterator

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from returns.result import Failure

from claude.pure import accumulate, sse
from claude.pure.events import StreamEvent, decode_event
from claude.shell.client import Client
from claude.testing import Fault, LocalServer
from tests.property.stream_strategies import streams
from tests.shell.conftest import HELLO

BOM = b"\xef\xbb\xbf"
EOLS = ["\n", "\r\n", "\r"]
NOISE = [
    ": a comment",
    "id: 42",
    "retry: 1000",
    'event: future_event\ndata: {"type": "future_event", "x": 1}\n',
    'event: ping\ndata: {"type": "ping"}\n',
    ":",
]


@pytest.fixture(scope="module")
def running() -> Iterator[tuple[LocalServer, Client]]:
    """One server and client for every generated case."""
    with LocalServer() as server, Client(api_key=server.api_key, base_url=server.base_url) as c:
        yield server, c


@st.composite
def transcripts(draw: st.DrawFn) -> bytes:
    """A generated stream with comments, ids, retries, unknown events and pings between the
    frames, each frame's line ends LF, CRLF or CR (one kind throughout, or mixed per line), and
    sometimes a BOM at the head."""
    frames = draw(streams(max_blocks=3))
    parts: list[str] = []
    mixed = draw(st.booleans())
    single = draw(st.sampled_from(EOLS))
    for name, data in frames:
        for _ in range(draw(st.integers(0, 1))):
            parts.append(draw(st.sampled_from(NOISE)) + "\n\n")
        lines = [f"event: {name}", f"data: {data}", ""]
        ends = [draw(st.sampled_from(EOLS)) if mixed else single for _ in lines]
        parts.append("".join(line + end for line, end in zip(lines, ends, strict=True)))
    head = BOM if draw(st.booleans()) else b""
    return head + "".join(parts).encode()


def reference(whole: bytes) -> tuple[list[StreamEvent], object]:
    """What the stream gives read at once, event by event: the events, and the final message
    (as plain data) or the failure's type and partial."""
    raw, _ = sse.parse(whole)
    state = accumulate.start()
    events: list[StreamEvent] = []
    for one in raw:
        decoded = decode_event(one)
        if isinstance(decoded, Failure):
            partial = accumulate.partial_message(state)  # the core attaches the fold so far
            return events, (type(decoded.failure()).__name__, msgspec.to_builtins(partial))
        event = decoded.unwrap()
        events.append(event)
        folded = accumulate.fold(state, event)
        if isinstance(folded, Failure):
            error = folded.failure()
            return events, (type(error).__name__, msgspec.to_builtins(error.partial))
        state = folded.unwrap()
    final = accumulate.final_message(state)
    if isinstance(final, Failure):
        error = final.failure()
        return events, (type(error).__name__, msgspec.to_builtins(error.partial))
    return events, msgspec.to_builtins(final.unwrap())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(transcripts(), st.sampled_from([None, 1, 2, 3, 7, 64]))
def test_the_core_reads_what_the_reference_reads(
    running: tuple[LocalServer, Client], whole: bytes, chunk_size: int | None
) -> None:
    """One frame per chunk or cut every few bytes: the same events and the same end."""
    server, client = running
    server.inject(Fault(transcript=whole, per_event_chunks=True, chunk_size=chunk_size))
    with client.stream(HELLO) as stream:
        events = list(stream)
        final = stream.final_message()
    if isinstance(final, Failure):
        error = final.failure()
        got: object = (type(error).__name__, msgspec.to_builtins(error.partial))
    else:
        got = msgspec.to_builtins(final.unwrap())
    assert (events, got) == reference(whole)
