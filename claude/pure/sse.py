"""Server-Sent Events: a pure, incremental, linear-time parser of ``text/event-stream`` bytes.

Theory of operation
-------------------
The parser follows the WHATWG HTML "event stream interpretation" algorithm, and nothing else
(api-reference §6.1: Anthropic's framing is ``event: X`` / ``data: {json}`` / blank line, but TCP
splits it anywhere, so we parse the general grammar).

State is a frozen value. ``feed(state, chunk)`` returns the next state and the events whose closing
blank line arrived in ``chunk``; ``finish(state)`` says what was left when the input ended;
``parse(data)`` is ``feed`` then ``finish`` on the whole input. Between calls the state holds only:

* the unfinished trailing line, as raw byte pieces (never decoded, never re-scanned);
* ``after_cr``: the last chunk ended in CR, so an LF opening the next chunk finishes that same
  CRLF line end instead of making a blank line;
* ``at_start``: no line end seen yet, so a UTF-8 BOM at the head of the first line is skipped;
* the event being built: its type, its data lines, its ``retry`` and the number of field lines;
* the last event id, which persists across events as the standard says.

One ``feed`` does, in C-speed passes over the chunk: find the last CR or LF (``rfind``), join the
pending pieces with everything up to it (the last time a pending byte is copied), decode that once
as UTF-8 with replacement, turn CRLF and lone CR into LF, and ``split("\\n")``. Splitting bytes
before decoding is safe: CR and LF are ASCII, so no multi-byte sequence straddles a line end, and a
sequence cut by a chunk boundary sits whole in the pending pieces until its line ends. Only CR and
LF end lines: U+2028, U+2029, U+0085, VT, FF and FS/GS/RS are data, which is why ``str.splitlines``
is never used. The Python-level loop then runs once per *line*, not per byte.

The fast path. The API frames every event the same way, ``event: NAME\\ndata: JSON\\n\\n``, and a
Python loop over its three lines costs several times what decoding its JSON does. So ``feed`` cuts
the chunk at its first and its last ``\\n\\n`` (the first is skipped when the state is already at
an event boundary). After any ``\\n\\n`` the parser is at a boundary, whatever came before: the
second LF cannot finish a CRLF, so it ends an empty line, which dispatches and resets the event.
The head, up to the first ``\\n\\n``, and the tail, after the last, go through the line parser,
which holds the pending state, the BOM and the CR rules. The run in between is whole events
starting from a boundary: when it holds no CR and every event in it is exactly that frame (a
non-empty name, one data line), its events come from a handful of whole-run string operations
(``_api_events``); otherwise the run goes through the line parser too. Either way the result is
what the line parser gives for the same bytes, so any chunking still gives the same events.

The one-frame path. When the API sends one HTTP chunk per event, a read is most often exactly
one frame; ``feed_frame`` recognises it at an event boundary (LF, CRLF or CR line ends) with a
few C calls and returns its raw name and data, for the caller to decode; anything else is
``None`` and goes to ``feed``. The CRLF and CR line ends of a chunk with several events are made
LF by the line parser, whose whole-run stretch then takes ``_api_events`` too.

Line rules: a blank line dispatches (nothing if no ``data`` line was seen, and the type is reset
either way); ``:`` starts a comment; otherwise ``name:value`` with one leading space dropped from
the value, or a bare ``name`` with an empty value. ``event`` sets the type (default ``message``),
``data`` appends a line, ``id`` sets the last event id unless the value holds NUL, ``retry`` takes
ASCII digits only, and every other name is ignored.

Linear time, stated as the invariants the property tests check:

1. Every byte is scanned by a constant number of C passes in the ``feed`` that brings it (the
   fast path's passes included; a run it refuses is scanned once more by the line parser).
2. A pending byte is copied at most twice: once if it is in a run of ``_RUN`` small pieces joined
   into one (so a line arriving one byte per chunk keeps ~1/64 as many pieces as bytes), and once
   when its line end arrives. Pieces of ``_BIG`` bytes or more are copied only at the line end.
3. Pending pieces are a persistent cons chain ``(older, piece)``, so adding one is O(1): a tuple
   that grows by concatenation would copy itself on every chunk and turn a 10 MB line arriving
   byte by byte quadratic. The data lines of an event spanning several feeds use the same chain.

``SseState.work`` counts that work (one per call, plus bytes scanned, plus bytes or characters
copied again) so tests check ``work <= c * len(input)`` by counting, not by timing.

At the end of input nothing more is dispatched: the standard discards a final event that lacks
its blank line. ``finish`` reports it as an ``SseIncomplete`` value instead of dropping it silently,
so a truncated stream (a dropped connection) is visible to the caller.
"""

from __future__ import annotations

from itertools import repeat
from typing import TypeAlias, TypeVar

import msgspec

__all__ = [
    "SseEvent",
    "SseIncomplete",
    "SseState",
    "feed",
    "feed_frame",
    "finish",
    "parse",
    "render",
]

_T = TypeVar("_T")

# A persistent append-only sequence: ``None`` is empty, ``(older, last)`` adds ``last``.
_Chain: TypeAlias = "tuple[_Chain[_T], _T] | None"

_BOM = b"\xef\xbb\xbf"
_LF = 0x0A
_CR = 0x0D
# A run of this many small pending pieces is joined into one, bounding the per-piece overhead
# (a bytes object plus a tuple is ~90 bytes) when a long line arrives in tiny chunks.
_RUN = 64
# A pending piece at least this long is kept as it is: copying it early would buy nothing.
_BIG = 4096
# int() refuses longer digit strings by default (CVE-2020-10735), and converting them costs
# quadratic time; no reconnection delay needs that many digits.
_MAX_RETRY_DIGITS = 4300


class SseEvent(msgspec.Struct, frozen=True, gc=False):
    """One dispatched event.

    ``event`` is the ``event`` field, ``"message"`` when none (or an empty one) was given.
    ``data`` is the event's ``data`` lines joined with ``"\\n"`` (it may be ``""``).
    ``id`` is the last event id in force at dispatch, set by this or an earlier event; ``None``
    until the stream sets one. ``retry`` is the reconnection time in milliseconds from a valid
    ``retry`` line of this event, else ``None``.
    """

    event: str
    data: str
    id: str | None = None
    retry: int | None = None


class SseIncomplete(msgspec.Struct, frozen=True, kw_only=True):
    """What was pending when the input ended: an event that never got its closing blank line.

    ``pending_bytes`` counts the bytes of a final line that had no line end (a skipped BOM not
    included) and ``partial_line`` is those bytes decoded; ``fields`` counts the complete field
    lines (comments excluded) since the last blank line; ``event`` and ``data`` are what the event
    would have carried: its ``event`` value (``None`` if it had no ``event`` line) and its data
    lines joined (``None`` if it had no ``data`` line; the partial line is not included).
    """

    pending_bytes: int
    partial_line: str
    fields: int
    event: str | None
    data: str | None


class SseState(msgspec.Struct, frozen=True, kw_only=True, eq=False):
    """The parser between two chunks; ``SseState()`` starts a stream.

    Opaque except for ``work``, the operation count the linearity tests read (see the module
    docstring). Equality is identity: two states that parsed the same bytes in different chunks
    hold differently shaped buffers and work counts, so compare what they produce instead; this
    also keeps ``==``, ``hash`` and ``repr`` from recursing down a long pending chain.
    """

    line: _Chain[bytes] = None  # the unfinished trailing line, as pieces
    line_bytes: int = 0  # total length of ``line``
    line_run: int = 0  # small pieces at the head of ``line`` not yet joined into one
    after_cr: bool = False  # the last chunk ended in CR: skip an LF opening the next one
    at_start: bool = True  # no line end seen yet: the first line may open with a BOM
    event: str | None = None  # ``event`` value of the event being built
    data: _Chain[str] = None  # its data lines from earlier feeds, each piece "\n"-joined lines
    data_run: int = 0  # pieces at the head of ``data`` not yet joined into one
    fields: int = 0  # field lines since the last blank line
    retry: int | None = None  # ``retry`` of the event being built
    last_id: str | None = None  # the last event id buffer
    work: int = 0  # calls + bytes scanned + bytes and characters copied again

    def __repr__(self) -> str:
        return (
            f"SseState(line_bytes={self.line_bytes}, after_cr={self.after_cr}, "
            f"at_start={self.at_start}, event={self.event!r}, fields={self.fields}, "
            f"retry={self.retry}, last_id={self.last_id!r}, work={self.work})"
        )


def _items(chain: _Chain[_T]) -> list[_T]:
    """The pieces of ``chain``, oldest first."""
    out: list[_T] = []
    while chain is not None:
        chain, piece = chain
        out.append(piece)
    out.reverse()
    return out


def _push_line(state: SseState, piece: bytes) -> tuple[_Chain[bytes], int, int]:
    """Append ``piece`` to the pending line: (chain, run, bytes copied by joining a full run)."""
    if len(piece) >= _BIG:
        return (state.line, piece), 0, 0
    chain: _Chain[bytes] = (state.line, piece)
    run = state.line_run + 1
    if run < _RUN:
        return chain, run, 0
    pieces: list[bytes] = []
    for _ in range(run):
        assert chain is not None  # the run's pieces are all on the chain
        chain, small = chain
        pieces.append(small)
    pieces.reverse()
    block = b"".join(pieces)
    return (chain, block), 0, len(block)


def _push_data(chain: _Chain[str], run: int, piece: str) -> tuple[_Chain[str], int, int]:
    """Append ``piece`` (data lines, "\\n"-joined) to ``chain``: (chain, run, characters copied)."""
    chain = (chain, piece)
    run += 1
    if run < _RUN:
        return chain, run, 0
    pieces: list[str] = []
    for _ in range(run):
        assert chain is not None  # the run's pieces are all on the chain
        chain, small = chain
        pieces.append(small)
    pieces.reverse()
    block = "\n".join(pieces)
    return (chain, block), 0, len(block)


def _retry(value: str, current: int | None) -> int | None:
    """The ``retry`` value in force after a ``retry`` line: ASCII digits only, else ignored."""
    if not (value.isascii() and value.isdigit()):  # "".isdigit() is False: empty is ignored too
        return current
    digits = value.lstrip("0") or "0"
    if len(digits) > _MAX_RETRY_DIGITS:
        return current
    try:
        return int(digits)
    except ValueError:  # the host program lowered sys.set_int_max_str_digits
        return current


def feed(state: SseState, chunk: bytes) -> tuple[SseState, tuple[SseEvent, ...]]:
    """Advance the parser by ``chunk``: the new state and the events completed in it.

    Any chunking of a stream gives the same events as ``parse`` of the whole; garbage never raises.
    The run of whole events between the first and the last ``\\n\\n`` of the chunk takes the fast
    path of the module docstring; what precedes and follows it goes through the line parser.
    """
    if state.line is None and not (state.fields or state.after_cr or state.at_start):
        first = 0  # at an event boundary already: whole events may start right here
    else:
        first = chunk.find(b"\n\n") + 2
        if first < 2:  # no event ends in this chunk
            return _feed_lines(state, chunk)
    last = chunk.rfind(b"\n\n", first)
    if last < 0:  # at most one event ends here: nothing for the fast path
        return _feed_lines(state, chunk)
    events: tuple[SseEvent, ...] = ()
    if first:
        state, events = _feed_lines(state, chunk[:first])
    # ``state`` is now at an event boundary: nothing pending, the BOM and any CR behind it.
    run = chunk[first:last]
    fast = None if b"\r" in run else _api_events(run.decode("utf-8", "replace"), state.last_id)
    if fast is None:
        state, more = _feed_lines(state, chunk[first : last + 2])
    else:
        state = SseState(at_start=False, last_id=state.last_id, work=state.work + len(run) + 2)
        more = fast
    events += more
    if last + 2 < len(chunk):
        state, more = _feed_lines(state, chunk[last + 2 :])
        events += more
    return state, events


def feed_frame(state: SseState, chunk: bytes) -> tuple[SseState, bytes, bytes] | None:
    """The one-frame fast path: ``(state, name, data)`` when ``chunk`` is exactly one API frame,
    else ``None`` (then ``feed`` must take the chunk).

    The API sends one HTTP chunk per event, so a read is most often exactly
    ``event: NAME<eol>data: DATA<eol><eol>`` with one line end throughout (LF, CRLF or CR). When
    ``state`` is at an event boundary (nothing pending, no field seen, past the first line, and
    no CR behind it whose LF could open this chunk) such a chunk is one event, ``SseEvent(NAME,
    DATA, state's last id)``, and leaves the parser at a boundary again: exactly what ``feed``
    gives, which the property tests check. ``name`` and ``data`` are the raw bytes, undecoded
    (the caller decodes ``data`` as it likes and takes ``feed`` when that fails, e.g. on bytes
    that are not UTF-8). The returned state is ``state`` itself unless a CR line end changed
    whether a CR is behind it; its ``work`` is not advanced (a constant number of C passes over
    the chunk, counted by the caller if it wants). An empty NAME (it means ``message``) is left
    to ``feed``.
    """
    # A CR behind the boundary only matters to an LF opening the chunk, and this one opens with
    # "event: ".
    if not chunk.startswith(b"event: ") or state.line is not None or state.fields or state.at_start:
        return None
    size = len(chunk)
    if chunk.endswith(b"\r\n\r\n"):  # CRLF: event: N\r\ndata: D\r\n\r\n
        cut = chunk.find(b"\r")
        if (
            cut > 7
            and chunk.find(b"\n") == cut + 1
            and chunk.startswith(b"data: ", cut + 2)
            and chunk.find(b"\r", cut + 1) == size - 4
            and chunk.find(b"\n", cut + 2) == size - 3
        ):
            return _no_cr(state), chunk[7:cut], chunk[cut + 8 : size - 4]
        return None
    if chunk.endswith(b"\n\n"):
        cut = chunk.find(b"\n")
        if (
            cut > 7
            and chunk.startswith(b"data: ", cut + 1)
            and chunk.find(b"\n", cut + 1) == size - 2
            and b"\r" not in chunk
        ):
            if state.after_cr:
                state = _boundary(state, False)
            return state, chunk[7:cut], chunk[cut + 7 : size - 2]
        return None
    if chunk.endswith(b"\r\r"):  # CR: event: N\rdata: D\r\r, after which a CR is behind
        cut = chunk.find(b"\r")
        if (
            cut > 7
            and chunk.startswith(b"data: ", cut + 1)
            and chunk.find(b"\r", cut + 1) == size - 2
            and b"\n" not in chunk
        ):
            if state.after_cr:
                return state, chunk[7:cut], chunk[cut + 7 : size - 2]
            return _boundary(state, True), chunk[7:cut], chunk[cut + 7 : size - 2]
    return None


def _no_cr(state: SseState) -> SseState:
    """``state`` (a boundary) without a CR behind it."""
    return _boundary(state, False) if state.after_cr else state


def _boundary(state: SseState, after_cr: bool) -> SseState:
    """The boundary ``state`` is at, with or without a CR behind it (the last byte read)."""
    return SseState(at_start=False, after_cr=after_cr, last_id=state.last_id, work=state.work)


def _api_events(text: str, last_id: str | None) -> tuple[SseEvent, ...] | None:
    """The events of ``text`` if it is whole events framed as the API frames them, else ``None``.

    ``text`` starts at an event boundary, holds no CR, and is the events with the final blank
    line's ``\\n\\n`` cut off. The API frame is exactly ``event: NAME\\ndata: DATA\\n\\n`` with a
    non-empty NAME: the lines must run (event, data, blank) over and over. The checks and the
    prefix stripping are whole-batch string operations (C loops), not a Python loop per line:
    ``"\\n".join(names).split("\\nevent: ")`` has one item per name exactly when every name after
    the first starts with ``event: `` (a line holds no LF, so the separator can only match where
    two lines were joined), and it strips that prefix on the way.
    """
    lines = text.split("\n")
    if (len(lines) + 1) % 3 or any(lines[2::3]):  # the blank lines sit where they should
        return None
    heads = lines[0::3]
    bodies = lines[1::3]
    names = "\n".join(heads).split("\nevent: ")
    datas = "\n".join(bodies).split("\ndata: ")
    if (
        len(names) != len(heads)
        or len(datas) != len(bodies)
        or not names[0].startswith("event: ")
        or not datas[0].startswith("data: ")
    ):
        return None
    names[0] = names[0][7:]
    datas[0] = datas[0][6:]
    if "" in names:  # an empty name means "message": leave that to the line parser
        return None
    if last_id is None:
        return tuple(map(SseEvent, names, datas))
    return tuple(map(SseEvent, names, datas, repeat(last_id)))


def _feed_lines(state: SseState, chunk: bytes) -> tuple[SseState, tuple[SseEvent, ...]]:
    """``feed`` by the general line parser: any bytes, any state (the WHATWG algorithm)."""
    size = len(chunk)
    if not size:
        return state, ()
    # An LF right after a CR that ended the previous chunk completes that CRLF line end.
    start = 1 if state.after_cr and chunk[0] == _LF else 0
    end = chunk.rfind(b"\n", start)
    cr = chunk.rfind(b"\r", max(end + 1, start))  # only after the last LF: no byte scanned twice
    end = max(end, cr)
    if end < 0:  # no line end: the chunk only extends the pending line
        if start == size:  # only the LF of a CRLF cut in two
            return _with_line(state, pending=None, pending_bytes=0, run=0, work=1 + size), ()
        piece = chunk[start:] if start else chunk
        pending, run, copied = _push_line(state, piece)
        total = state.line_bytes + len(piece)
        return _with_line(
            state, pending=pending, pending_bytes=total, run=run, work=1 + size + copied
        ), ()

    copied = 0
    if state.line is None:
        head = chunk if start == 0 and end == size - 1 else chunk[start : end + 1]
    else:  # after_cr is False whenever a line is pending, so start == 0
        pieces = _items(state.line)
        pieces.append(chunk[: end + 1])
        head = b"".join(pieces)
        copied = state.line_bytes
    if state.at_start and head.startswith(_BOM):
        head = head[3:]
    text = head.decode("utf-8", "replace")
    fast: tuple[SseEvent, ...] | None = None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        # CRLF or CR framing: now that every line end is LF, whole API frames between the first
        # and the last blank line take ``feed``'s fast path after all (``_api_events``); the
        # loop below meets a ``None`` where they were and adds them there, with the id then in
        # force. ``state.fields == 0``: the text starts at an event boundary.
        first = 0 if not state.fields else text.find("\n\n") + 2
        last = text.rfind("\n\n", first) if first >= 2 or not state.fields else -1
        if last > first:
            fast = _api_events(text[first:last], None)
    if fast is None:
        lines: list[str | None] = text.split("\n")  # type: ignore[assignment]
        lines.pop()  # text ends with a line end, so the last item is ""
    else:
        lines = text[:first].split("\n")  # type: ignore[assignment]
        lines[-1] = None  # the head ends with "\n\n": its last item "" is where the run goes
        rest = text[last + 2 :].split("\n")
        rest.pop()
        lines += rest

    etype = state.event
    chain = state.data
    chain_run = state.data_run
    fields = state.fields
    retry = state.retry
    last_id = state.last_id
    parts: list[str] = []
    events: list[SseEvent] = []
    for line in lines:
        if not line:  # a blank line: dispatch
            if line is None:  # the run of API frames (see above), at an event boundary
                assert fast is not None
                events += fast if last_id is None else [_with_id(e, last_id) for e in fast]
                continue
            if parts or chain is not None:
                if chain is not None:
                    joined = _items(chain)
                    joined.extend(parts)
                    data = "\n".join(joined)
                    copied += len(data)
                    chain = None
                    chain_run = 0
                elif len(parts) == 1:
                    data = parts[0]
                else:
                    data = "\n".join(parts)
                parts = []
                events.append(SseEvent(etype or "message", data, last_id, retry))
            etype = None
            retry = None
            fields = 0
            continue
        if line[0] == ":":  # a comment
            continue
        fields += 1
        name, _, value = line.partition(":")
        if value[:1] == " ":
            value = value[1:]
        if name == "data":
            parts.append(value)
        elif name == "event":
            etype = value
        elif name == "id":
            if "\0" not in value:
                last_id = value
        elif name == "retry":
            retry = _retry(value, retry)

    if parts:
        chain, chain_run, more = _push_data(chain, chain_run, "\n".join(parts))
        copied += more
    tail: _Chain[bytes] = None
    tail_bytes = size - end - 1
    if tail_bytes:
        tail = (None, chunk[end + 1 :])
    new = SseState(
        line=tail,
        line_bytes=tail_bytes,
        line_run=1 if 0 < tail_bytes < _BIG else 0,
        after_cr=not tail_bytes and chunk[end] == _CR,  # a CR inside the chunk had its chance
        at_start=False,
        event=etype,
        data=chain,
        data_run=chain_run,
        fields=fields,
        retry=retry,
        last_id=last_id,
        work=state.work + 1 + size + copied,
    )
    return new, tuple(events)


def _with_id(event: SseEvent, last_id: str) -> SseEvent:
    return SseEvent(event.event, event.data, last_id)


def _with_line(
    state: SseState, *, pending: _Chain[bytes], pending_bytes: int, run: int, work: int
) -> SseState:
    """``state`` after a chunk without a line end: only the pending line and the work changed."""
    return SseState(
        line=pending,
        line_bytes=pending_bytes,
        line_run=run,
        after_cr=False,
        at_start=state.at_start,
        event=state.event,
        data=state.data,
        data_run=state.data_run,
        fields=state.fields,
        retry=state.retry,
        last_id=state.last_id,
        work=state.work + work,
    )


def finish(state: SseState) -> tuple[tuple[SseEvent, ...], SseIncomplete | None]:
    """End of input: events still dispatchable, and the unfinished event if any bytes were pending.

    WHATWG discards a final event without its closing blank line, and ``feed`` dispatches at each
    blank line as soon as it arrives, so the events are always ``()``; a partial line or field
    lines after the last blank line come back as ``SseIncomplete`` rather than vanishing.
    """
    partial = b"".join(_items(state.line))
    if state.at_start and partial.startswith(_BOM):
        partial = partial[3:]
    if not partial and not state.fields:
        return (), None
    return (), SseIncomplete(
        pending_bytes=len(partial),
        partial_line=partial.decode("utf-8", "replace"),
        fields=state.fields,
        event=state.event,
        data=None if state.data is None else "\n".join(_items(state.data)),
    )


def parse(data: bytes) -> tuple[tuple[SseEvent, ...], SseIncomplete | None]:
    """A whole stream at once: ``feed`` then ``finish``.

    >>> parse(b"event: ping\\ndata: {}\\n\\ndata: cut")
    ((SseEvent(event='ping', data='{}', id=None, retry=None),), SseIncomplete(pending_bytes=9, \
partial_line='data: cut', fields=0, event=None, data=None))
    """
    state, events = feed(SseState(), data)
    more, incomplete = finish(state)
    return events + more, incomplete


def render(event: SseEvent) -> bytes:
    """Serialise ``event`` to wire bytes that ``parse`` reads back as the same event.

    Lines are ``event``, then ``id`` and ``retry`` when set, then one ``data`` line per
    ``"\\n"``-separated piece of ``data``, then a blank line; LF line ends, one space after each
    colon (so a value's own leading space survives). Raises ``ValueError`` for what the format
    cannot carry: CR or LF in ``event`` or ``id``, CR in ``data``, NUL in ``id``, an empty
    ``event`` (it reads back as ``"message"``), a negative ``retry``, or unencodable surrogates.

    >>> render(SseEvent("content_block_stop", '{"index":0}'))
    b'event: content_block_stop\\ndata: {"index":0}\\n\\n'
    """
    if not event.event:
        raise ValueError("SseEvent.event is empty; an empty type reads back as 'message'")
    if "\r" in event.event or "\n" in event.event:
        raise ValueError("SseEvent.event contains CR or LF, which would end its line")
    out = ["event: ", event.event, "\n"]
    if event.id is not None:
        if "\r" in event.id or "\n" in event.id or "\0" in event.id:
            raise ValueError("SseEvent.id contains CR, LF or NUL, which the format cannot carry")
        out += ["id: ", event.id, "\n"]
    if event.retry is not None:
        if event.retry < 0:
            raise ValueError("SseEvent.retry is negative; it must be milliseconds >= 0")
        out += ["retry: ", str(event.retry), "\n"]
    if "\r" in event.data:
        raise ValueError("SseEvent.data contains CR, which reads back as a line break; escape it")
    for piece in event.data.split("\n"):
        out += ["data: ", piece, "\n"]
    out.append("\n")
    return "".join(out).encode()
