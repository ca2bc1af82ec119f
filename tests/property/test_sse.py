"""Properties of the pure SSE parser, claude.pure.sse (WHATWG event stream interpretation)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from pathlib import Path

import msgspec
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from claude.pure import sse
from claude.pure.sse import SseEvent, SseIncomplete, SseState, feed, finish, parse, render

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "sse-examples"
BOM = b"\xef\xbb\xbf"

# Characters a parser that splits with str.splitlines (or on Unicode line breaks) would mangle.
TRICKY = "\u2028\u2029\u0085\x0b\x0c\x1c\x1d\x1e"

# Pieces that make dense SSE-shaped noise: field names, separators, every line end, a BOM,
# multi-byte UTF-8 (whole and cut short), invalid bytes, NUL and the characters above.
TOKENS = [
    b"data",
    b"data:",
    b"data: ",
    b"event:",
    b"event: ",
    b"id: ",
    b"id:",
    b"retry: ",
    b"retry:",
    b"12",
    b"x",
    b":",
    b" ",
    b"\r",
    b"\n",
    b"\r\n",
    b"\n\n",
    BOM,
    b"\x00",
    "é€😀".encode(),
    TRICKY.encode(),
    b"\xff",
    b"\xe2\x82",
    b"\xf0\x9f",
]

sse_bytes = st.lists(st.sampled_from(TOKENS) | st.binary(max_size=3), max_size=40).map(b"".join)

# Event fields that the format can carry (see render's docstring).
line_text = st.text(
    st.characters(codec="utf-8", exclude_characters="\r\n") | st.sampled_from(TRICKY),
    max_size=12,
)
data_text = st.lists(line_text, min_size=1, max_size=4).map("\n".join)
events = st.builds(
    SseEvent,
    event=line_text.filter(bool),
    data=data_text,
    id=st.none() | line_text.map(lambda s: s.replace("\0", "")),
    retry=st.none() | st.integers(min_value=0, max_value=10**30),
)


# The API's own frame, ``event: NAME\ndata: DATA\n\n`` (what the fast path reads), with names and
# data drawn to sit on its edges: empty names, colons, spaces, tricky characters, invalid UTF-8.
api_names = st.sampled_from(
    [b"content_block_delta", b"ping", b"", b" x", b"a:b", b"a\rb", "é".encode(), b"\xff"]
)
api_data = st.sampled_from(
    [
        b'{"type":"ping"}',
        b"",
        b" ",
        b"data: x",
        b":",
        b"x\ry",
        b"\x00",
        TRICKY.encode(),
        b"\xe2\x82",
    ]
)
FRAME = b'event: content_block_delta\ndata: {"index":0}\n\n'
api_frames = st.builds(lambda n, d: b"event: " + n + b"\ndata: " + d + b"\n\n", api_names, api_data)
# Whole lines that, between frames, change what the frames mean or how they line up.
api_lines = st.sampled_from(
    [b"id: 7\n", b"id\n", b": comment\n", b"retry: 5\n", b"data: x\n", b"event: y\n", b"\n"]
)
# Runs of API frames with noise between them: whole lines, a frame that lacks its blank line,
# and any token (a CR, a BOM, a cut UTF-8 sequence, ...).
api_bytes = st.lists(
    api_frames
    | api_frames
    | api_lines
    | api_frames.map(lambda f: f[:-1])
    | st.sampled_from(TOKENS),
    max_size=30,
).map(b"".join)


def split(data: bytes, cuts: Sequence[int]) -> list[bytes]:
    """``data`` cut at the given offsets (duplicates give empty chunks, which must be harmless)."""
    bounds = [0, *sorted(cuts), len(data)]
    return [data[a:b] for a, b in itertools.pairwise(bounds)]


def feed_all(
    chunks: Sequence[bytes],
) -> tuple[tuple[SseEvent, ...], SseIncomplete | None, SseState]:
    """Feed ``chunks`` one by one, then finish: the events, the incomplete report, the state."""
    state = SseState()
    out: list[SseEvent] = []
    for chunk in chunks:
        state, got = feed(state, chunk)
        out.extend(got)
    more, incomplete = finish(state)
    return (*out, *more), incomplete, state


@st.composite
def chunked(draw: st.DrawFn, data: st.SearchStrategy[bytes]) -> tuple[bytes, list[bytes]]:
    """A byte string and one arbitrary way of cutting it into chunks."""
    whole = draw(data)
    cuts = draw(st.lists(st.integers(0, len(whole)), max_size=12))
    return whole, split(whole, cuts)


def in_force(evs: Sequence[SseEvent]) -> list[SseEvent]:
    """What parsing the rendered ``evs`` gives: an unset id shows the last id set before it."""
    out, last = [], None
    for e in evs:
        last = e.id if e.id is not None else last
        out.append(SseEvent(e.event, e.data, last, e.retry))
    return out


def reference(data: bytes) -> tuple[tuple[SseEvent, ...], SseIncomplete | None]:
    """The WHATWG algorithm transcribed naively: decode it all, split lines with a regex, loop."""
    text = data.decode("utf-8", "replace").removeprefix("\ufeff")
    *lines, partial = re.split("\r\n|\r|\n", text)
    raw_partial = re.split(b"\r\n|\r|\n", data)[-1]
    if raw_partial == data:  # no line end at all: the BOM, if any, is in the partial line
        raw_partial = raw_partial.removeprefix(BOM)
    out: list[SseEvent] = []
    etype: str | None = None
    data_lines: list[str] | None = None
    last_id: str | None = None
    retry: int | None = None
    fields = 0
    for line in lines:
        if line == "":
            if data_lines is not None:
                out.append(SseEvent(etype or "message", "\n".join(data_lines), last_id, retry))
            etype, data_lines, retry, fields = None, None, None, 0
            continue
        if line.startswith(":"):
            continue
        fields += 1
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "event":
            etype = value
        elif name == "data":
            data_lines = [*(data_lines or []), value]
        elif name == "id" and "\0" not in value:
            last_id = value
        elif name == "retry" and value and all(c in "0123456789" for c in value):
            retry = int(value)
    if not raw_partial and not fields:
        return tuple(out), None
    pending = SseIncomplete(
        pending_bytes=len(raw_partial),
        partial_line=partial,
        fields=fields,
        event=etype,
        data=None if data_lines is None else "\n".join(data_lines),
    )
    return tuple(out), pending


@given(sse_bytes | st.binary(max_size=64))
def test_parse_agrees_with_a_naive_transcription_of_the_standard(whole: bytes) -> None:
    """parse() gives what a plain decode-everything, regex-split reading of WHATWG gives."""
    assert parse(whole) == reference(whole)


@given(chunked(sse_bytes | st.binary(max_size=64)))
@example((b"data\rdata\n", [b"data\rdata", b"\n"]))  # a CR mid-chunk must not swallow a later LF
def test_any_chunking_gives_the_same_events_and_report(case: tuple[bytes, list[bytes]]) -> None:
    """Feeding any split of a stream gives exactly the events and incomplete report of parse()."""
    whole, chunks = case
    got, incomplete, _ = feed_all(chunks)
    assert (got, incomplete) == parse(whole)


@settings(max_examples=300)
@given(api_bytes)
def test_api_framed_runs_agree_with_the_standard(whole: bytes) -> None:
    """Runs of API-framed events among noise parse as the naive WHATWG transcription reads them."""
    assert parse(whole) == reference(whole)


@settings(max_examples=300)
@given(chunked(api_bytes))
@example((b"id: 7\n\n" + FRAME * 4, [b"id: 7\n\n" + FRAME * 3, FRAME]))  # the id outlives a run
@example((b"data: p\n" + FRAME * 2, [b"data: p\n", FRAME * 2]))  # a run can't start mid-event
@example((b"a\r" + FRAME * 3, [b"a\r", b"\n" + FRAME * 3]))  # nor in the middle of a CRLF
@example((BOM + FRAME * 3, [BOM, FRAME * 3]))  # nor before a BOM
def test_api_framed_runs_in_any_chunking_give_the_same_events(
    case: tuple[bytes, list[bytes]],
) -> None:
    """Any split of API-framed runs gives the events of parse(), wherever the fast path starts."""
    whole, chunks = case
    got, incomplete, state = feed_all(chunks)
    assert (got, incomplete) == parse(whole)
    assert state.work <= 4 * (len(whole) + len(chunks))


# Runs of events as the fast path sees them (the last blank line cut off): triples of lines that
# are mostly the API frame (event, data, blank), a line now and then swapped for a near miss.
_misses = st.sampled_from(
    ["event: ", "event:b", "data:", "data: x", "", "id: 7", "retry: 5", ": c", "x", "event: a"]
)


def _mostly(*good: str) -> st.SearchStrategy[str]:
    return st.sampled_from(good) | st.sampled_from(good) | st.sampled_from(good) | _misses


near_lines = st.lists(
    st.tuples(_mostly("event: a", "event: é"), _mostly("data: {}", "data: "), _mostly("")),
    min_size=1,
    max_size=5,
).map(lambda triples: "\n".join([line for triple in triples for line in triple][:-1]))


@settings(max_examples=500)
@given(near_lines, st.none() | st.just("7"))
def test_the_fast_path_reads_what_the_line_parser_reads(text: str, last_id: str | None) -> None:
    """Whole events in the API frame read as the line parser reads them; the rest are refused."""
    assume("\r" not in text)  # feed never hands the fast path a CR
    fast = sse._api_events(text, last_id)
    if fast is not None:
        state = SseState(at_start=False, last_id=last_id)
        assert tuple(fast) == sse._feed_lines(state, (text + "\n\n").encode())[1]


def test_the_api_framing_takes_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the head and the tail of a chunk of API frames reach the line parser."""
    seen: list[int] = []
    real = sse._feed_lines

    def counting(state: SseState, chunk: bytes) -> tuple[SseState, tuple[SseEvent, ...]]:
        seen.append(len(chunk))
        return real(state, chunk)

    monkeypatch.setattr(sse, "_feed_lines", counting)
    one = b'event: content_block_delta\ndata: {"type":"content_block_delta","index":0}\n\n'
    wire = BOM + one * 1000
    cut = len(wire) // 2 + 5
    got, incomplete, _ = feed_all([wire[:cut], wire[cut:]])
    assert incomplete is None
    assert (
        got == (SseEvent("content_block_delta", '{"type":"content_block_delta","index":0}'),) * 1000
    )
    assert sum(seen) <= 3 * len(one) + len(BOM)


@given(sse_bytes, st.data())
def test_every_single_cut_gives_the_same_result(whole: bytes, data: st.DataObject) -> None:
    """Cutting a stream into two chunks at any offset, or one byte per chunk, changes nothing."""
    expected = parse(whole)
    cut = data.draw(st.integers(0, len(whole)))
    assert feed_all([whole[:cut], whole[cut:]])[:2] == expected
    assert feed_all([whole[i : i + 1] for i in range(len(whole))])[:2] == expected


@given(st.binary(max_size=256), st.lists(st.integers(0, 256), max_size=8))
def test_garbage_never_raises(whole: bytes, cuts: list[int]) -> None:
    """Arbitrary bytes in arbitrary chunks parse to well-typed events without raising."""
    got, incomplete, _ = feed_all(split(whole, [min(c, len(whole)) for c in cuts]))
    for e in got:
        assert e.event
        assert isinstance(e.data, str)
        assert e.id is None or "\0" not in e.id
        assert e.retry is None or e.retry >= 0
    assert incomplete is None or incomplete.pending_bytes >= 0


@given(events, st.data())
def test_render_then_parse_round_trips(event: SseEvent, data: st.DataObject) -> None:
    """A rendered event, fed in any chunks, parses back to exactly itself with nothing pending."""
    wire = render(event)
    cuts = data.draw(st.lists(st.integers(0, len(wire)), max_size=6))
    assert feed_all(split(wire, cuts))[:2] == ((event,), None)


@given(st.lists(events, max_size=6))
def test_rendered_sequences_round_trip_with_ids_in_force(evs: list[SseEvent]) -> None:
    """A rendered sequence parses back in order; an event without id carries the last id set."""
    wire = b"".join(render(e) for e in evs)
    assert parse(wire) == (tuple(in_force(evs)), None)


@pytest.mark.parametrize("wire", [b"data: \n\n", b"data:\n\n", b"data\n\n", b"event: x\ndata\n\n"])
def test_a_data_line_with_empty_value_dispatches_empty_data(wire: bytes) -> None:
    """One data line with an empty value dispatches an event whose data is the empty string."""
    (event,), incomplete = parse(wire)
    assert event.data == "" and incomplete is None
    assert parse(render(event)) == ((event,), None)


@given(st.lists(events, min_size=1, max_size=4), st.lists(st.sampled_from(["\r", "\r\n", "\n"])))
def test_lf_cr_and_crlf_line_ends_are_equivalent(evs: list[SseEvent], ends: list[str]) -> None:
    """Replacing each LF line end by CR, CRLF or LF (chosen per line) gives the same events."""
    wire = b"".join(render(e) for e in evs)
    pick = ends or ["\n"]
    mixed, previous = [], ""
    for i, line in enumerate(wire.split(b"\n")[:-1]):
        end = pick[i % len(pick)]
        if previous == "\r" and not line and end == "\n":
            end = "\r\n"  # CR then a lone LF would be one CRLF line end, not two line ends
        mixed.append(line + end.encode())
        previous = end
    assert parse(b"".join(mixed)) == parse(wire) == (tuple(in_force(evs)), None)


@given(st.lists(events, min_size=1, max_size=3), st.data())
def test_crlf_split_across_chunks_is_one_line_end(evs: list[SseEvent], data: st.DataObject) -> None:
    """A chunk ending in CR followed by one starting with LF is one line end, not a blank line."""
    wire = b"".join(render(e) for e in evs).replace(b"\n", b"\r\n")
    crs = [i + 1 for i, b in enumerate(wire) if b == 0x0D]
    cuts = data.draw(st.lists(st.sampled_from(crs), min_size=1, max_size=5))
    assert feed_all(split(wire, cuts))[:2] == (tuple(in_force(evs)), None)


def test_cr_then_lf_in_the_next_chunk_is_not_a_blank_line() -> None:
    """data: a CR | LF data: b CRLF CRLF is one event with two data lines, not two events."""
    got, incomplete, _ = feed_all([b"data: a\r", b"\ndata: b\r\n\r", b"\n"])
    assert (got, incomplete) == ((SseEvent("message", "a\nb"),), None)


@given(st.lists(events, min_size=1, max_size=3), st.integers(0, 3), st.data())
def test_leading_bom_is_skipped_even_when_split(
    evs: list[SseEvent], cut: int, data: st.DataObject
) -> None:
    """One BOM opening the stream is skipped wherever the chunks cut it."""
    wire = b"".join(render(e) for e in evs)
    more = data.draw(st.lists(st.integers(0, len(wire) + 3), max_size=4))
    chunks = split(BOM + wire, [cut, *more])
    assert feed_all(chunks)[:2] == parse(wire) == (tuple(in_force(evs)), None)


def test_only_the_first_bom_is_skipped() -> None:
    """A second BOM is ordinary text: here it makes the first field name unknown."""
    assert parse(BOM + BOM + b"data: x\n\ndata: y\n\n") == ((SseEvent("message", "y"),), None)
    assert parse(b"data: x\n\n" + BOM + b"data: y\n\n") == ((SseEvent("message", "x"),), None)


def test_a_bom_alone_leaves_nothing_pending() -> None:
    """A stream that is only a BOM (in any chunks) has no events and no incomplete event."""
    for chunks in ([BOM], [BOM[:1], BOM[1:]], [BOM[:2], BOM[2:]], [b"\xef", b"\xbb", b"\xbf"]):
        assert feed_all(chunks)[:2] == ((), None)


@given(
    events,
    st.lists(
        st.sampled_from([b":", b": keep-alive", b":data: x"])
        | st.builds(
            lambda name, value: name + b": " + value,
            st.sampled_from(
                [b"Data", b"EVENT", b"ids", b"foo", b" data", b"data ", b"\xef\xbb\xbfdata"]
            ),
            st.sampled_from([b"", b"x", b"1"]),
        )
    ),
    st.data(),
)
def test_comments_and_unknown_fields_are_ignored(
    event: SseEvent, noise: list[bytes], data: st.DataObject
) -> None:
    """Comment lines and unknown field names inserted between an event's lines change nothing."""
    lines = render(event).split(b"\n")[:-2]  # its field lines, without the closing blank line
    for extra in noise:
        lines.insert(data.draw(st.integers(0, len(lines))), extra)
    # A comment first, so that a BOM in the noise is never at the start of the stream.
    assert parse(b":\n" + b"\n".join(lines) + b"\n\n") == ((event,), None)


@given(st.lists(line_text, min_size=1, max_size=6), st.sampled_from([b"data:", b"data: "]))
def test_data_lines_join_with_lf(values: list[str], prefix: bytes) -> None:
    """Several data lines join with LF; exactly one space after the colon is dropped."""
    wire = b"".join(prefix + v.encode() + b"\n" for v in values) + b"\n"
    expect = "\n".join(v[1:] if prefix == b"data:" and v[:1] == " " else v for v in values)
    assert parse(wire) == ((SseEvent("message", expect),), None)


def test_special_characters_are_data_not_line_ends() -> None:
    """U+2028, U+2029, U+0085, VT, FF and FS/GS/RS stay inside a data line."""
    wire = ("data: a" + TRICKY + "b\n\n").encode()
    assert parse(wire) == ((SseEvent("message", "a" + TRICKY + "b"),), None)


def test_invalid_utf8_is_replaced() -> None:
    """Invalid or truncated UTF-8 decodes to U+FFFD, whether or not a chunk cuts it."""
    wire = b"data: \xff\xe2\x82 \xe2\x82\xac\n\n"
    expect = ((SseEvent("message", "\ufffd\ufffd \u20ac"),), None)
    assert parse(wire) == expect
    assert feed_all([wire[:10], wire[10:12], wire[12:]])[:2] == expect


def test_event_type_defaults_and_resets() -> None:
    """The type defaults to message; an event line without data dispatches nothing but resets."""
    wire = b"event: a\n\ndata: 1\n\nevent: b\ndata: 2\n\nevent:\ndata: 3\n\ndata: 4\n\n"
    got, _ = parse(wire)
    assert [(e.event, e.data) for e in got] == [
        ("message", "1"),
        ("b", "2"),
        ("message", "3"),
        ("message", "4"),
    ]


def test_id_semantics() -> None:
    """An id persists, survives an undispatched block, ignores NUL values and resets on empty."""
    wire = (
        b"data: 1\n\n"
        b"id: a\ndata: 2\n\n"
        b"data: 3\n\n"
        b"id: b\n\n"
        b"data: 4\n\n"
        b"id: c\x00d\ndata: 5\n\n"
        b"id\ndata: 6\n\n"
        b"id: z\nid: y\ndata: 7\n\n"
    )
    got, _ = parse(wire)
    assert [e.id for e in got] == [None, "a", "a", "b", "b", "", "y"]


@pytest.mark.parametrize(
    ("value", "expect"),
    [
        (b"0", 0),
        (b"3000", 3000),
        (b"007", 7),
        (b"0" * 5000 + b"42", 42),
        (b"1" * 40, int("1" * 40)),
        (b"", None),
        (b" 5", None),  # one space is dropped; the second is not a digit
        (b"5 ", None),
        (b"-1", None),
        (b"1.5", None),
        (b"1e3", None),
        ("\u0661\u0662".encode(), None),  # Arabic-Indic digits: digits, but not ASCII
        ("\uff11".encode(), None),  # fullwidth 1
        (b"9" * 5000, None),  # too long to be a delay; also beyond int()'s default digit cap
    ],
)
def test_retry_accepts_ascii_digits_only(value: bytes, expect: int | None) -> None:
    """retry takes base-ten ASCII digits only; anything else leaves the retry unset."""
    (event,), _ = parse(b"retry: " + value + b"\ndata: x\n\n")
    assert event.retry == expect


def test_retry_belongs_to_its_event() -> None:
    """A retry belongs to its own event, the last valid one winning; the next starts unset."""
    got, _ = parse(b"retry: 1\nretry: 2\nretry: x\ndata: a\n\ndata: b\n\n")
    assert [e.retry for e in got] == [2, None]


@given(events, st.data())
def test_a_cut_off_event_is_reported_not_dispatched(event: SseEvent, data: st.DataObject) -> None:
    """Input that stops before an event's blank line dispatches nothing and reports what it held."""
    wire = render(event)
    cut = data.draw(st.integers(1, len(wire) - 1))
    head = wire[:cut]
    got, incomplete = parse(head)
    assert got == ()
    assert incomplete is not None
    done, _, partial = head.rpartition(b"\n")
    assert incomplete.pending_bytes == len(partial)
    assert incomplete.partial_line == partial.decode("utf-8", "replace")
    assert incomplete.fields == done.count(b"\n") + (1 if done else 0)
    assert incomplete.event == (event.event if done else None)
    complete_data = [
        ln[len(b"data: ") :].decode() for ln in done.split(b"\n") if ln[:5] == b"data:"
    ]
    assert incomplete.data == ("\n".join(complete_data) if complete_data else None)


def test_incomplete_report_counts_fields_not_comments() -> None:
    """Only field lines after the last blank line make an incomplete report; comments do not."""
    assert parse(b"data: x\n\n: bye\n") == ((SseEvent("message", "x"),), None)
    _, incomplete = parse(b"data: x\n\nid: 7\n: bye\nfoo\n")
    assert incomplete == SseIncomplete(
        pending_bytes=0, partial_line="", fields=2, event=None, data=None
    )


@settings(max_examples=50, deadline=None)
@given(chunked(sse_bytes))
def test_work_is_linear_for_any_chunking(case: tuple[bytes, list[bytes]]) -> None:
    """The work count stays within a constant times (input bytes + feed calls)."""
    whole, chunks = case
    *_, state = feed_all(chunks)
    assert state.work <= 4 * (len(whole) + len(chunks))


def work_of(chunks: Sequence[bytes]) -> tuple[int, tuple[SseEvent, ...]]:
    """Work count and events of feeding ``chunks``."""
    got, incomplete, state = feed_all(chunks)
    assert incomplete is None
    return state.work, got


def test_one_giant_line_in_one_byte_chunks_is_linear() -> None:
    """A 300 kB data line arriving one byte per chunk costs linear work, not quadratic."""
    wire = b"data: " + b"x" * 300_000 + b"\n\n"
    work, got = work_of([wire[i : i + 1] for i in range(len(wire))])
    assert got == (SseEvent("message", "x" * 300_000),)
    assert work <= 6 * len(wire)


def test_giant_line_in_mixed_chunks_is_linear() -> None:
    """Big pieces among tiny ones are kept, not recopied: work stays linear."""
    body = b"y" * 2_000_000
    wire = b"data: " + body + b"\r\n\r\n"
    sizes = [1, 5000, 3, 70_000, 1, 1, 9000]
    chunks, at, i = [], 0, 0
    while at < len(wire):
        chunks.append(wire[at : at + sizes[i % len(sizes)]])
        at += sizes[i % len(sizes)]
        i += 1
    work, got = work_of(chunks)
    assert got == (SseEvent("message", body.decode()),)
    assert work <= 3 * len(wire)


def test_many_data_lines_of_one_event_over_many_feeds_are_linear() -> None:
    """An event whose 50,000 data lines arrive one per chunk joins them in linear work."""
    lines = [b"data: %d\n" % i for i in range(50_000)]
    work, got = work_of([*lines, b"\n"])
    assert got == (SseEvent("message", "\n".join(str(i) for i in range(50_000))),)
    assert work <= 4 * sum(map(len, lines))


def test_many_events_in_tiny_chunks_are_linear() -> None:
    """Thousands of Anthropic-style events cut into 1 to 7 byte chunks cost linear work."""
    one = b'event: content_block_delta\ndata: {"type":"content_block_delta","index":0}\n\n'
    wire = one * 3000
    chunks, at, k = [], 0, 0
    while at < len(wire):
        k = k % 7 + 1
        chunks.append(wire[at : at + k])
        at += k
    work, got = work_of(chunks)
    assert len(got) == 3000
    assert work <= 4 * len(wire)


TRANSCRIPTS = {
    "text-only.sse": [
        "message_start",
        "content_block_start",
        "ping",
        *["content_block_delta"] * 4,
        "content_block_stop",
        "message_delta",
        "message_stop",
    ],
    "tool-use.sse": [
        "message_start",
        "content_block_start",
        *["content_block_delta"] * 2,
        "content_block_stop",
        "ping",
        "content_block_start",
        *["content_block_delta"] * 6,
        "content_block_stop",
        "message_delta",
        "message_stop",
    ],
    "thinking.sse": [
        "message_start",
        "content_block_start",
        *["content_block_delta"] * 4,
        "content_block_stop",
        "content_block_start",
        "content_block_delta",
        "content_block_stop",
        "message_delta",
        "message_stop",
    ],
    "error-mid-stream.sse": [
        "message_start",
        "content_block_start",
        *["content_block_delta"] * 2,
        "ping",
        "error",
    ],
}


class _Typed(msgspec.Struct):
    type: str


@pytest.mark.parametrize("name", sorted(TRANSCRIPTS))
def test_transcripts_parse_to_the_expected_event_names(name: str) -> None:
    """Each composed Anthropic transcript gives its event names, with JSON whose type matches."""
    wire = (EXAMPLES / name).read_bytes()
    got, incomplete = parse(wire)
    assert incomplete is None
    assert [e.event for e in got] == TRANSCRIPTS[name]
    assert all(msgspec.json.decode(e.data, type=_Typed).type == e.event for e in got)
    assert feed_all([wire[i : i + 7] for i in range(0, len(wire), 7)])[:2] == (got, None)
    assert parse(b"".join(render(e) for e in got)) == (got, None)
