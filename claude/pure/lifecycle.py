"""The lifecycle of one streaming exchange as a pure machine: when to read, how long to wait,
which error ends the stream, and whether the plan may open it again.

Theory of operation
-------------------
The shell owns the socket and the fold; this machine owns every decision about time and endings.
``start`` fixes the deadlines from ``now``; afterwards the shell tells it what happened and does
what it answers::

    OPENING --Opened(event stream)--> EVENTS    answer Read(timeout)
    OPENING --Opened(anything else)-> BODY      answer ReadBody(deadline)
    OPENING --OpenFailed------------> DONE      answer Finish(error)
    EVENTS  --Events----------------> EVENTS    answer Read(timeout), or Finish(idle / total)
    EVENTS  --Eof-------------------> DONE      answer Finish(None)  (the fold says if complete)
    EVENTS  --ReadFailed------------> DONE      answer Finish(the error, renamed after the limit)
    EVENTS  --Broke-----------------> DONE      answer Finish(the decode or fold error)
    BODY    --Body------------------> DONE      answer Finish(the error the body makes)
    any     --Cancel----------------> DONE      answer Finish(StreamTruncated: cancelled)
    any     --Stop------------------> DONE      answer Finish(None)  (the caller is done)

The table ``_TABLE`` is that diagram, read by ``advance``; a pair it does not list is out of
order: it is taken as a ``poll`` (only time has passed), so the machine is total. ``DONE`` is
absorbing and the first error is kept: later news never replaces it.

Time, as in aioquic: every entry point takes ``now``; ``Read.timeout`` is how long the next read
may wait (the read limit, what is left of the idle limit since the last event that was not a
ping, and what is left of the call's deadline), and ``wake_at`` the moment it stands for
(``None`` when only the per-read limit applies, so the same answer holds for every read). A read
that times out is renamed after the limit that ran out: ``total`` past the deadline, ``idle``
past the idle limit, else the transport's ``read``.

``Finish.reopen`` says the stream failed before any content arrived, so the call plan may open
it again (``stream_with_retries``); once content has arrived a failure is final.

Invariants (checked by ``tests/property/test_lifecycle.py``): every (phase, input) pair gives a
phase and an answer; DONE is absorbing and keeps its first error; ``Read.timeout`` is positive
and never beyond the read limit nor the deadline; the machine agrees with a small reference
model on which error ends a stream for any sequence of inputs and times.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Final, TypeAlias

import msgspec

from claude.pure.errors import (
    ApiError,
    ClaudeError,
    MalformedResponse,
    ResponseTooLarge,
    StreamTruncated,
    Timeout,
)
from claude.pure.headers import request_id
from claude.pure.response import body_start, decode_error
from claude.pure.settings import Timeouts

__all__ = [
    "CANCELLED",
    "Answer",
    "Body",
    "Broke",
    "Cancel",
    "Eof",
    "Events",
    "Finish",
    "Input",
    "Lifecycle",
    "Open",
    "OpenFailed",
    "Opened",
    "Phase",
    "Read",
    "ReadBody",
    "ReadFailed",
    "Stop",
    "advance",
    "body_error",
    "poll",
    "start",
    "wake_at",
]

CANCELLED: Final = "the caller cancelled the stream"
_MIN_WAIT: Final = 0.001


class Phase(StrEnum):
    """Where the exchange stands."""

    OPENING = "opening"
    EVENTS = "events"
    BODY = "body"
    DONE = "done"


class Lifecycle(msgspec.Struct, frozen=True, kw_only=True):
    """The exchange's memory: its phase, limits and deadlines, the last progress, whether
    content arrived, and the error that ended it (the first one)."""

    phase: Phase = Phase.OPENING
    read: float
    idle: float | None = None
    deadline: float | None = None
    """The whole stream's (a per-call timeout), on the caller's clock."""
    open_deadline: float | None = None
    """Opening and a body that is not an event stream (``Timeouts.total``)."""
    limit: float | None = None
    """The seconds the deadline stands for, for the error message."""
    last_progress: float = 0.0
    content: bool = False
    error: ClaudeError | None = None


# --- inputs ------------------------------------------------------------------------------


class Opened(msgspec.Struct, frozen=True):
    """The response head arrived."""

    status: int
    content_type: str


class OpenFailed(msgspec.Struct, frozen=True):
    """No response: the error of connecting or sending."""

    error: ClaudeError


class Events(msgspec.Struct, frozen=True):
    """A read was parsed and folded: ``progress`` if an event other than ``ping`` came,
    ``content`` once ``message_start`` has been folded."""

    progress: bool
    content: bool


class Eof(msgspec.Struct, frozen=True):
    """The body ended."""


class ReadFailed(msgspec.Struct, frozen=True):
    """A read failed with the transport's error."""

    error: ClaudeError


class Broke(msgspec.Struct, frozen=True):
    """An event could not be decoded or folded."""

    error: ClaudeError


class Body(msgspec.Struct, frozen=True):
    """A non-event body was read whole (or as far as it came, with why it stopped)."""

    status: int
    headers: Mapping[str, str]
    data: bytes
    error: ClaudeError | None


class Cancel(msgspec.Struct, frozen=True):
    """The caller cancelled the stream."""


class Stop(msgspec.Struct, frozen=True):
    """The caller is done with the stream (closed it, or broke out of the loop)."""


Input: TypeAlias = Opened | OpenFailed | Events | Eof | ReadFailed | Broke | Body | Cancel | Stop


# --- answers -----------------------------------------------------------------------------


class Open(msgspec.Struct, frozen=True):
    """Send the request; connecting and the head may take until ``deadline``."""

    deadline: float | None


class Read(msgspec.Struct, frozen=True):
    """Read once, waiting at most ``timeout`` seconds (until ``wake_at`` on the clock).

    ``wake_at`` is ``None`` when only the per-read limit applies (no idle limit, no call
    deadline): then the answer *stands*: it holds for every read until the machine says
    otherwise, the shell may reuse it without asking again, and ``Events`` that leave
    ``content`` as it was change nothing, so the shell need not report them.
    """

    timeout: float
    wake_at: float | None


class ReadBody(msgspec.Struct, frozen=True):
    """Read the whole body (it is not an event stream) by ``deadline``; tell ``Body``."""

    deadline: float | None


class Finish(msgspec.Struct, frozen=True):
    """Stop and release the connection. ``error`` ended the stream (``None``: the fold decides);
    ``reopen`` says it failed before any content, so a retry policy may open it again."""

    error: ClaudeError | None
    reopen: bool = False


Answer: TypeAlias = Open | Read | ReadBody | Finish


# --- the interpreter ---------------------------------------------------------------------


def start(timeouts: Timeouts, *, timeout: float | None, now: float) -> tuple[Lifecycle, Answer]:
    """The deadlines of a stream opened at ``now``: a per-call ``timeout`` bounds all of it,
    else ``timeouts.total`` bounds the opening and any non-event body.

    >>> life, answer = start(Timeouts(total=600.0), timeout=None, now=10.0)
    >>> answer, life.deadline
    (Open(deadline=610.0), None)
    """
    total = timeout if timeout is not None else timeouts.total
    open_deadline = None if total is None else now + total
    life = Lifecycle(
        read=timeouts.read,
        idle=timeouts.idle,
        deadline=open_deadline if timeout is not None else None,
        open_deadline=open_deadline,
        limit=total,
        last_progress=now,
    )
    return life, Open(open_deadline)


def advance(life: Lifecycle, fact: Input, *, now: float) -> tuple[Lifecycle, Answer]:
    """The lifecycle after ``fact`` at ``now`` and what to do next."""
    handler = _TABLE.get((life.phase, type(fact)))
    if handler is None:
        return poll(life, now=now)  # out of order: nothing new, only time has passed
    return handler(life, fact, now)


def poll(life: Lifecycle, *, now: float) -> tuple[Lifecycle, Answer]:
    """What to do at ``now`` with nothing new to tell: while reading events, ``Read`` with how
    long to wait, or ``Finish`` (and DONE) if a limit has already run out."""
    if life.phase is not Phase.EVENTS:
        return life, _pending(life, now)
    return _read_or_expire(life, now)


def wake_at(life: Lifecycle) -> float | None:
    """When (on the caller's clock) a limit of this stream next runs out; ``None`` for never.

    >>> wake_at(Lifecycle(phase=Phase.EVENTS, read=600.0, idle=5.0, last_progress=1.0))
    6.0
    """
    if life.phase is not Phase.EVENTS:
        return None
    times = [t for t in (_idle_end(life), life.deadline) if t is not None]
    return min(times) if times else None


def _idle_end(life: Lifecycle) -> float | None:
    return None if life.idle is None else life.last_progress + life.idle


def _pending(life: Lifecycle, now: float) -> Answer:
    match life.phase:
        case Phase.OPENING:
            return Open(life.open_deadline)
        case Phase.EVENTS:
            return _read_or_expire(life, now)[1]
        case Phase.BODY:
            return ReadBody(life.open_deadline)
        case Phase.DONE:
            return Finish(life.error, reopen=_reopen(life))


def _reopen(life: Lifecycle) -> bool:
    return life.error is not None and not life.content


def _finish(life: Lifecycle, error: ClaudeError | None) -> tuple[Lifecycle, Answer]:
    """DONE with ``error`` as the stream's, unless an earlier one is kept."""
    kept = life.error if life.error is not None else error
    done = Lifecycle(
        phase=Phase.DONE,
        read=life.read,
        idle=life.idle,
        deadline=life.deadline,
        open_deadline=life.open_deadline,
        limit=life.limit,
        last_progress=life.last_progress,
        content=life.content,
        error=kept,
    )
    return done, Finish(kept, reopen=_reopen(done))


def _read_or_expire(life: Lifecycle, now: float) -> tuple[Lifecycle, Answer]:
    expired = _expired(life, now)
    if expired is not None:
        return _finish(life, expired)
    idle_end = _idle_end(life)
    if idle_end is None and life.deadline is None:
        return life, Read(timeout=life.read, wake_at=None)
    wait = life.read
    if idle_end is not None:
        wait = min(wait, idle_end - now)
    if life.deadline is not None:
        wait = min(wait, life.deadline - now)
    wait = max(_MIN_WAIT, wait)
    return life, Read(timeout=wait, wake_at=now + wait)


def _expired(life: Lifecycle, now: float) -> ClaudeError | None:
    """The limit that has run out at ``now``, if one has: idle first, then the deadline."""
    idle_end = _idle_end(life)
    if idle_end is not None and now >= idle_end:
        return Timeout(phase="idle", seconds=life.idle)
    if life.deadline is not None and now >= life.deadline:
        return Timeout(phase="total", seconds=life.limit)
    return None


def _renamed(
    life: Lifecycle, error: ClaudeError, now: float, deadline: float | None
) -> ClaudeError:
    """A timeout named after the limit that ran out (call deadline, idle), else as it came."""
    if not isinstance(error, Timeout):
        return error
    if error.phase == "total":
        return error if error.seconds is not None else Timeout(phase="total", seconds=life.limit)
    if deadline is not None and now >= deadline:
        return Timeout(phase="total", seconds=life.limit)
    idle_end = _idle_end(life)
    if life.phase is Phase.EVENTS and idle_end is not None and now >= idle_end:
        return Timeout(phase="idle", seconds=life.idle)
    return error


def _with(life: Lifecycle, phase: Phase, *, progress: float, content: bool) -> Lifecycle:
    return Lifecycle(
        phase=phase,
        read=life.read,
        idle=life.idle,
        deadline=life.deadline,
        open_deadline=life.open_deadline,
        limit=life.limit,
        last_progress=progress,
        content=content,
        error=life.error,
    )


def _on_opened(life: Lifecycle, fact: Input, now: float) -> tuple[Lifecycle, Answer]:
    assert isinstance(fact, Opened)
    if fact.status == 200 and fact.content_type.startswith("text/event-stream"):
        return _read_or_expire(_with(life, Phase.EVENTS, progress=now, content=False), now)
    body = _with(life, Phase.BODY, progress=now, content=False)
    return body, ReadBody(life.open_deadline)


def _on_open_failed(life: Lifecycle, fact: Input, now: float) -> tuple[Lifecycle, Answer]:
    assert isinstance(fact, OpenFailed)
    return _finish(life, _renamed(life, fact.error, now, life.open_deadline))


def _on_events(life: Lifecycle, fact: Input, now: float) -> tuple[Lifecycle, Answer]:
    assert isinstance(fact, Events)
    if (fact.progress and life.idle is not None) or fact.content != life.content:
        life = _with(
            life,
            Phase.EVENTS,
            progress=now if fact.progress else life.last_progress,
            content=life.content or fact.content,
        )
    return _read_or_expire(life, now)


def _on_eof(life: Lifecycle, fact: Input, now: float) -> tuple[Lifecycle, Answer]:
    return _finish(life, None)


def _on_read_failed(life: Lifecycle, fact: Input, now: float) -> tuple[Lifecycle, Answer]:
    assert isinstance(fact, ReadFailed)
    return _finish(life, _renamed(life, fact.error, now, life.deadline))


def _on_broke(life: Lifecycle, fact: Input, now: float) -> tuple[Lifecycle, Answer]:
    assert isinstance(fact, Broke)
    return _finish(life, fact.error)


def _on_body(life: Lifecycle, fact: Input, now: float) -> tuple[Lifecycle, Answer]:
    assert isinstance(fact, Body)
    return _finish(life, body_error(fact, limit=life.limit))


def _on_cancel(life: Lifecycle, fact: Input, now: float) -> tuple[Lifecycle, Answer]:
    return _finish(life, StreamTruncated(problem=CANCELLED))


def _on_stop(life: Lifecycle, fact: Input, now: float) -> tuple[Lifecycle, Answer]:
    return _finish(life, None)


def body_error(body: Body, *, limit: float | None) -> ClaudeError:
    """The error a non-event answer makes: our own limits first (the cap, the deadline), then
    the API's error for its status (keeping the bytes that came, or saying the body broke off),
    then a read failure, then "not a stream of events"."""
    read_error = body.error
    if isinstance(read_error, ResponseTooLarge):
        return read_error
    if isinstance(read_error, Timeout) and read_error.phase == "total":
        return Timeout(phase="total", seconds=limit)
    if not 200 <= body.status < 300:
        error = decode_error(body.status, body.headers, body.data)
        if read_error is not None and not body.data and isinstance(error, ApiError):
            # The status is the news; the body broke off: say so, not "empty error body".
            error = msgspec.structs.replace(
                error, message=f"the error body could not be read ({read_error})"
            )
        return error
    if read_error is not None:
        return read_error
    content_type = body.headers.get("content-type", "")
    problem = (
        f"expected text/event-stream, got {content_type or 'no content-type'}"
        if body.status == 200
        else f"HTTP {body.status} is not a stream of events"
    )
    return MalformedResponse(
        status=body.status,
        problem=problem,
        body_start=body_start(body.data),
        request_id=request_id(body.headers),
    )


_Handler = Callable[[Lifecycle, Input, float], tuple[Lifecycle, Answer]]

_P = Phase
_TABLE: Final[Mapping[tuple[Phase, type], _Handler]] = {
    (_P.OPENING, Opened): _on_opened,
    (_P.OPENING, OpenFailed): _on_open_failed,
    (_P.OPENING, Cancel): _on_cancel,
    (_P.OPENING, Stop): _on_stop,
    (_P.EVENTS, Events): _on_events,
    (_P.EVENTS, Eof): _on_eof,
    (_P.EVENTS, ReadFailed): _on_read_failed,
    (_P.EVENTS, Broke): _on_broke,
    (_P.EVENTS, Cancel): _on_cancel,
    (_P.EVENTS, Stop): _on_stop,
    (_P.BODY, Body): _on_body,
    (_P.BODY, Cancel): _on_cancel,
    (_P.BODY, Stop): _on_stop,
}
"""The whole machine: (phase, kind of input) -> handler. DONE answers nothing new."""
