"""``sse.feed_frame``, the one-frame fast path, against ``sse.feed`` on adversarial streams."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import given
from hypothesis import strategies as st

from claude.pure import sse
from claude.pure.sse import SseEvent, SseIncomplete, SseState
from tests.property.test_sse import TOKENS, split

BOM = b"\xef\xbb\xbf"
EOLS = [b"\n", b"\r\n", b"\r"]
names = st.sampled_from(
    [b"content_block_delta", b"ping", b"error", b"future", b"", b" x", b"a:b", "é".encode()]
)
datas = st.sampled_from(
    [b'{"type":"ping"}', b"", b" ", b"data: x", b":", b"\x00", "€😀".encode(), b"\xe2\x82", b"\xff"]
)


@st.composite
def frames(draw: st.DrawFn) -> bytes:
    """One API frame with one line end throughout, or with its line ends mixed."""
    ends = draw(st.lists(st.sampled_from(EOLS), min_size=3, max_size=3))
    if draw(st.booleans()):
        ends = [ends[0]] * 3
    name, data = draw(names), draw(datas)
    return b"event: " + name + ends[0] + b"data: " + data + ends[1] + ends[2]


noise = st.sampled_from(
    [
        b": comment\n",
        b":\r\n",
        b"id: 7\n",
        b"id: 8\r",
        b"retry: 5\r\n",
        b"data: x\n",
        b"event: y\n",
        b"\n",
        b"\r",
        b"\r\n",
        b"event: a\ndata: 1\ndata: 2\n\n",
    ]
)
pieces = st.lists(frames() | frames() | frames() | noise | st.sampled_from(TOKENS), max_size=25)


@st.composite
def streams(draw: st.DrawFn) -> list[bytes]:
    """An adversarial stream as chunks: mostly one frame per chunk (the API's framing), some
    pieces joined into one chunk, some cut anywhere, a BOM at the head sometimes."""
    parts: list[bytes] = list(draw(pieces))
    bom: bool = draw(st.booleans())
    if parts and bom:
        parts[0] = BOM + parts[0]
    chunks: list[bytes] = []
    for part in parts:
        how = draw(st.sampled_from(["alone", "alone", "join", "cut"]))
        if how == "join" and chunks:
            chunks[-1] += part
        elif how == "cut" and len(part) > 1:
            at = draw(st.integers(1, len(part) - 1))
            chunks += [part[:at], part[at:]]
        else:
            chunks.append(part)
    return chunks


def by_feed(chunks: Sequence[bytes]) -> tuple[list[SseEvent], SseIncomplete | None]:
    """The reference: every chunk through ``feed``."""
    state, out = SseState(), list[SseEvent]()
    for chunk in chunks:
        state, got = sse.feed(state, chunk)
        out += got
    return out, sse.finish(state)[1]


def by_frames(chunks: Sequence[bytes]) -> tuple[list[SseEvent], SseIncomplete | None, int]:
    """The stream core's way: ``feed_frame`` first, ``feed`` when it declines; and how often
    the fast path answered."""
    state, out, fast = SseState(), list[SseEvent](), 0
    for chunk in chunks:
        frame = sse.feed_frame(state, chunk)
        if frame is None:
            state, got = sse.feed(state, chunk)
            out += got
            continue
        fast += 1
        state, name, data = frame
        out.append(
            SseEvent(
                name.decode("utf-8", "replace"), data.decode("utf-8", "replace"), state.last_id
            )
        )
    return out, sse.finish(state)[1], fast


@given(streams())
def test_the_frame_fast_path_gives_what_feed_gives(chunks: list[bytes]) -> None:
    """Mixed line ends, cut and joined chunks, comments, ids, retries, a BOM: the same events
    (ids in force included) and the same report at the end, whether or not a frame was fast."""
    events, incomplete, _ = by_frames(chunks)
    assert (events, incomplete) == by_feed(chunks)


@given(st.lists(frames(), min_size=1, max_size=6), st.data())
def test_every_single_cut_of_framed_events_agrees(parts: list[bytes], data: st.DataObject) -> None:
    """Frames one per chunk, except one cut at any position: the same as ``feed``."""
    whole = b"".join(parts)
    at = data.draw(st.integers(0, len(whole)))
    bounds = sorted({0, at, len(whole), *[sum(map(len, parts[:i])) for i in range(len(parts))]})
    chunks = split(whole, bounds[1:-1])
    assert by_frames(chunks)[:2] == by_feed(chunks)


def test_api_frames_take_the_fast_path_with_every_line_end() -> None:
    """After the first chunk, every API frame in LF, CRLF or CR is read by ``feed_frame``."""
    for eol in EOLS:
        frame = b"event: content_block_delta" + eol + b'data: {"index":0}' + eol + eol
        events, incomplete, fast = by_frames([b": open" + eol, *[frame] * 5])
        assert fast == 5 and incomplete is None
        assert events == [SseEvent("content_block_delta", '{"index":0}')] * 5


def test_a_frame_after_an_id_carries_it() -> None:
    """The fast path's event carries the last event id in force, as ``feed`` does."""
    frame = b"event: ping\ndata: {}\n\n"
    events, _, fast = by_frames([b"id: 9\n\n", frame])
    assert fast == 1
    assert events == [SseEvent("ping", "{}", "9")]
