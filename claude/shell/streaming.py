"""``stream`` / ``astream``: server-sent events read as they arrive, folded as they pass.

Theory of operation
-------------------
``_StreamCore`` owns one ``transport.Body`` (a response with its body still on the socket) and
the fold; every decision about time and endings is the pure lifecycle machine's
(``claude.pure.lifecycle``), which the core tells what happened and obeys. Each ``pull()`` does
one read bounded as the machine says (whatever bytes have arrived, never waiting past the read,
idle or call deadline), feeds them to the pure SSE parser, decodes the events, folds them into
the pure ``MessageFold`` and returns the batch. Nothing is read until the consumer asks: that is
the back-pressure.

The API sends one HTTP chunk per event, so most reads are exactly one frame. For those the core
takes the pure fast path (``sse.feed_frame``, ``events.decode_frame``: plain values, no
``Result``), and a delta that only extends the open block (``accumulate.run_target``) is one list
append on the core's *run*, folded into the frozen fold (``accumulate.with_run``) only when the
fold is needed: another event, ``partial``, ``final_message``, an error, or a long run. Every
other read takes the general path (``sse.feed``, ``decode_events``, ``fold_all``) from the same
parser state; the two give the same events and messages (property-tested).

One driver for sync and async: the core is written once and does all the work; the sync
``MessageStream`` calls it on the caller's thread, the async ``AsyncMessageStream`` through the
session's one thread hop (one hop per read; on cancellation the body is aborted so the worker
wakes at once). The two wrappers differ only in awaiting, and ``stream_with_retries`` drives its
attempts through the same call plan driver as ``execute_with_*`` (``claude.shell.execute``).

Every way a stream can end is a value: ``final_message()`` is ``Success(Message)`` after
``message_stop``; otherwise the failure (an ``event: error`` typed by its ``error.type``, a cut
connection, a read, idle or total timeout, a truncated stream) carries ``partial``, the message so
far. The idle timeout is measured from the last event that is not a ``ping``.

A failed stream cannot pass unnoticed: ``text_stream()`` raises ``ClaudeException`` (its
``error`` carries the partial) where the stream failed, and ``with_outcome()`` yields every event
and then one ``StreamEnded(result)``, typed so a ``match`` that forgets the failure is flagged by
mypy (``assert_never``). Plain iteration (``for event in events``) yields events only, as before;
``final_message()`` tells how it ended.

Deadlines: ``Timeouts.total`` bounds opening the stream and reading an error body or an answer
that is not an event stream; a per-call ``timeout=`` bounds the whole stream.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from operator import attrgetter
from types import TracebackType
from typing import Final, Self, TypeVar

import msgspec
from returns.pipeline import is_successful
from returns.result import Failure, Result, Success

from claude.pure import accumulate, lifecycle, sse
from claude.pure.errors import (
    ClaudeError,
)
from claude.pure.events import (
    ContentBlockDeltaEvent,
    InputJsonDelta,
    MessageStartEvent,
    PingEvent,
    StreamEvent,
    TextDelta,
    ThinkingDelta,
    decode_event,
    decode_events,
    decode_frame,
)
from claude.pure.headers import RateLimits, parse_rate_limits, request_id
from claude.pure.request import HttpRequest
from claude.pure.wire import Message
from claude.shell import transport
from claude.shell.execute import (
    Observer,
    Policies,
    Reporter,
    Steps,
    arun_plan,
    plan_for,
    run_plan,
)
from claude.shell.session import Session

__all__ = [
    "AsyncMessageStream",
    "MessageStream",
    "StreamEnded",
    "planned_astream",
    "planned_stream",
]

_R = TypeVar("_R")

READ_SIZE: Final = transport.READ_SIZE
_DONE: Final = lifecycle.Phase.DONE


class StreamEnded(msgspec.Struct, frozen=True):
    """The last item of ``with_outcome()``: how the stream ended, ``Success(message)`` or the
    ``Failure(error)`` whose ``partial`` holds what arrived."""

    result: Result[Message, ClaudeError]


class _StreamCore:
    """One streaming exchange: open, pull batches of events, close.

    Every decision about time and endings is the pure lifecycle's
    (``claude.pure.lifecycle``); the core feeds it what happened and does what it answers. The
    wrappers call the core from one thread at a time; ``cancel`` may come from any, so the
    lifecycle is advanced under a lock.
    """

    def __init__(self, session: Session, request: HttpRequest, timeout: float | None) -> None:
        self._session = session
        self._request = request
        self._timeouts = session.timeouts
        self._clock = session.clock
        self._timeout = timeout
        self._life, _ = lifecycle.start(self._timeouts, timeout=timeout, now=0.0)
        self._lock = threading.Lock()
        self._standing: lifecycle.Read | None = None
        self._body: transport.Body | None = None
        self._parser = sse.SseState()
        self._fold = accumulate.start_for(request.headers)  # fine-grained beta: cut strings kept
        # The run: pieces of the deltas that only extend the open block, gathered here and folded
        # into ``_fold`` in one ``with_run`` when anything else needs the fold (``_folded``).
        self._run: list[str] = []
        self._run_index: int | None = None
        self._run_kind: type[object] | None = None
        self._run_piece: Callable[[object], str] = _PIECE[TextDelta]
        self._started = False  # message_start folded: content has arrived
        self._error: ClaudeError | None = None
        self.cancelled = False
        self.headers: Mapping[str, str] = {}
        self.status = 0
        self.on_end: Reporter | None = None
        """Told once how the stream ended (the breaker's deferred report, under a plan)."""

    # -- the machine ----------------------------------------------------------------------

    def _advance(self, fact: lifecycle.Input) -> lifecycle.Answer:
        with self._lock:
            self._life, answer = lifecycle.advance(self._life, fact, now=self._clock.monotonic())
        # A Read that holds for every read (no idle limit, no deadline) is kept for the next one.
        self._standing = (
            answer if isinstance(answer, lifecycle.Read) and answer.wake_at is None else None
        )
        if isinstance(answer, lifecycle.Finish):
            self._finish(answer)
        return answer

    def _finish(self, answer: lifecycle.Finish) -> None:
        if answer.error is not None:
            self._record(answer.error)
        self.close()
        self._report_end()

    def _report_end(self) -> None:
        """Tell ``on_end`` (once) how the stream ended: its error, or ``None`` if it completed;
        a stream the caller cancelled or left before the end is no verdict on the service."""
        on_end, self.on_end = self.on_end, None
        if on_end is None:
            return
        completed = self._error is None and self._fold.stopped
        verdict = not self.cancelled and (self._error is not None or completed)
        on_end(self._error, verdict)

    # -- lifecycle ----------------------------------------------------------------------

    def deadlines(self) -> float | None:
        """Fix the deadlines as of now; returns the one that bounds opening."""
        with self._lock:
            cancelled = self._life.phase is lifecycle.Phase.DONE
            if not cancelled:
                self._life, answer = lifecycle.start(
                    self._timeouts, timeout=self._timeout, now=self._clock.monotonic()
                )
                assert isinstance(answer, lifecycle.Open)
                return answer.deadline
        return self._life.open_deadline

    def open(self) -> None:
        """Send the request on this thread."""
        deadline = self.deadlines()
        self.opened(self._session.open_stream(self._request, deadline=deadline))

    def opened(self, opened: Result[transport.Body, ClaudeError]) -> None:
        """Take the opened body and do what the lifecycle says: read events, or read the whole
        answer (within the deadline and the size cap) to learn the stream's error."""
        if isinstance(opened, Failure):
            self._advance(lifecycle.OpenFailed(opened.failure()))
            return
        body = opened.unwrap()
        self._body = body
        self.headers = body.headers
        self.status = body.status
        answer = self._advance(lifecycle.Opened(body.status, body.headers.get("content-type", "")))
        if not isinstance(answer, lifecycle.ReadBody):
            if isinstance(answer, lifecycle.Finish):
                body.close()  # cancelled while opening
            return
        data, read_error = transport.read_all(
            body,
            deadline=answer.deadline,
            now=self._clock.monotonic,
            read_timeout=self._timeouts.read,
            max_bytes=self._session.settings.max_response_bytes,
        )
        self._body = None
        self._advance(lifecycle.Body(body.status, body.headers, data, read_error))

    def close(self) -> None:
        """Release the connection: back to the pool if the body was read to the end, else closed."""
        body, self._body = self._body, None
        if body is not None:
            body.close()

    def cancel(self) -> None:
        """Stop from any thread: wake a read blocked on the socket and end the stream."""
        self.cancelled = True
        body = self._body
        with self._lock:
            self._life, answer = lifecycle.advance(
                self._life, lifecycle.Cancel(), now=self._clock.monotonic()
            )
        if isinstance(answer, lifecycle.Finish) and answer.error is not None:
            self._record(answer.error)
        if body is not None:
            body.abort()
        self._report_end()

    def read_until_content(self) -> tuple[StreamEvent, ...]:
        """Read until ``message_start`` (or the end), so a failure before any content is known."""
        events: list[StreamEvent] = []
        while not self.done and not self._started:
            events.extend(self.pull())
        return tuple(events)

    def partial(self) -> Message | None:
        """The message as folded so far (``None`` before ``message_start``)."""
        return accumulate.partial_message(self._folded()) if self._started else None

    def _content(self, events: Sequence[StreamEvent]) -> bool:
        """Whether content has arrived, ``events`` (just folded) included: O(1) once it has."""
        if not self._started:
            self._started = any(isinstance(event, MessageStartEvent) for event in events)
        return self._started

    def error(self) -> ClaudeError | None:
        """The error that ended the stream, if one did."""
        return self._error

    # -- reading --------------------------------------------------------------------------

    @property
    def done(self) -> bool:
        return self._life.phase is _DONE

    def pull(self) -> tuple[StreamEvent, ...]:
        """Read once and return the events that arrived (possibly none); ``()`` once done."""
        body = self._body
        if body is None or self._life.phase is _DONE:
            if self._life.phase is not _DONE:
                self._advance(lifecycle.Stop())
            return ()
        answer: lifecycle.Answer | None = self._standing
        if answer is None:
            with self._lock:
                self._life, answer = lifecycle.poll(self._life, now=self._clock.monotonic())
        if not isinstance(answer, lifecycle.Read):
            if isinstance(answer, lifecycle.Finish):
                self._finish(answer)  # a limit ran out before this read
            return ()
        chunk = body.read(READ_SIZE, timeout=answer.timeout)
        if isinstance(chunk, ClaudeError):
            self._advance(lifecycle.ReadFailed(chunk))
            return ()
        if not chunk:
            # End of body. An unfinished fold is reported by final_message as truncated,
            # with the partial message; the connection goes back to the pool.
            self._advance(lifecycle.Eof())
            return ()
        # The one-frame fast path (the API sends one chunk per event): the event's data is
        # decoded straight from the bytes, and a delta that only extends the open block is one
        # list append. Anything else takes the general path below, from the same parser state.
        frame = sse.feed_frame(self._parser, chunk)
        if frame is not None:
            parser, name, data = frame
            event = decode_frame(name, data)
            if event is not None:
                self._parser = parser
                if type(event) is ContentBlockDeltaEvent and event.index == self._run_index:
                    delta = event.delta
                    if type(delta) is self._run_kind:
                        run = self._run
                        run.append(self._run_piece(delta))
                        if len(run) >= _RUN_CAP:  # keep a long run from costing a str each
                            self._folded()
                        if self._standing is None:
                            self._advance(lifecycle.Events(progress=True, content=True))
                        return (event,)
                return self._fold_batch((event,), None)
        self._parser, raw_events = sse.feed(self._parser, chunk)
        # The whole read at once: one decode, one fold and one clock reading per read, not per
        # event. A batch that ends the stream is replayed one event at a time (below), which
        # yields exactly the events before the failure and keeps the fold as of it.
        decoded = decode_events(raw_events)
        if is_successful(decoded):
            return self._fold_batch(decoded.unwrap(), raw_events)
        return self._pull_one_by_one(raw_events)

    def _folded(self) -> accumulate.MessageFold:
        """The fold with the run folded in (the run is then empty)."""
        if self._run:
            self._fold = accumulate.with_run(self._fold, self._run)
            self._run = []
        return self._fold

    def _fold_batch(
        self, events: tuple[StreamEvent, ...], raw_events: tuple[sse.SseEvent, ...] | None
    ) -> tuple[StreamEvent, ...]:
        """Fold a decoded batch after the run; on a failure, replay it one by one (``raw_events``,
        or the one event itself when the batch was a single frame)."""
        folded = accumulate.fold_all(self._folded(), events)
        if is_successful(folded):
            self._fold = fold = folded.unwrap()
            self._run_index, kind = accumulate.run_target(fold)
            if kind is not None:
                self._run_kind = kind
                self._run_piece = _PIECE[kind]
            content = self._content(events)
            # Under a standing Read, Events that leave ``content`` as it was change nothing
            # (the machine's documented contract): no need to tell it.
            if self._standing is None or content is not self._life.content:
                self._advance(lifecycle.Events(progress=_progress(events), content=content))
            return events
        if raw_events is not None:
            return self._pull_one_by_one(raw_events)
        failure = folded.failure()
        self._content(events)
        self._record(failure, partial_known=True)
        self._advance(lifecycle.Broke(failure))
        return events

    def _pull_one_by_one(self, raw_events: tuple[sse.SseEvent, ...]) -> tuple[StreamEvent, ...]:
        """Decode and fold a batch event by event: the events up to the one that ends the stream
        (a fold failure's event included, a decode failure's not) and the fold just before it."""
        events: list[StreamEvent] = []
        for raw in raw_events:
            decoded = decode_event(raw)
            if isinstance(decoded, Failure):
                self._content(events)
                self._advance(lifecycle.Broke(decoded.failure()))
                return tuple(events)
            event = decoded.unwrap()
            folded = accumulate.fold(self._folded(), event)
            events.append(event)
            if isinstance(folded, Failure):
                self._content(events)
                self._record(folded.failure(), partial_known=True)
                self._advance(lifecycle.Broke(folded.failure()))
                return tuple(events)
            self._fold = folded.unwrap()
        self._advance(lifecycle.Events(progress=_progress(events), content=self._content(events)))
        return tuple(events)

    def stop(self) -> None:
        """End the stream here (the caller is done with it) and release the connection."""
        self._advance(lifecycle.Stop())
        self.close()

    def finish_with(self, error: ClaudeError) -> None:
        """End the stream with ``error`` before it opened (the request could not be built, or
        the plan refused it)."""
        self._advance(lifecycle.OpenFailed(error))

    def _record(self, error: ClaudeError, *, partial_known: bool = False) -> None:
        """Keep the first error that ended the stream, with the partial message and request id."""
        if self._error is not None:
            return
        if not partial_known and error.partial is None:
            partial = self.partial()
            if partial is not None:
                error = msgspec.structs.replace(error, partial=partial)
        if error.request_id is None and self.headers:
            error = msgspec.structs.replace(error, request_id=request_id(self.headers))
        self._error = error

    # -- results --------------------------------------------------------------------------

    def final_message(self) -> Result[Message, ClaudeError]:
        if self._error is not None:
            return Failure(self._error)
        final = accumulate.final_message(self._folded())
        if isinstance(final, Success):
            message = final.unwrap()
            msgspec.structs.force_setattr(message, "_request_id", request_id(self.headers))
            msgspec.structs.force_setattr(message, "_headers", self.headers)
        return final


_RUN_CAP: Final = 4096
"""A run this long is folded in (one join): its pieces then cost their characters, not an object
each, so a long text costs about its own size however many deltas brought it."""

_PIECE: Final[Mapping[type[object], Callable[[object], str]]] = {
    TextDelta: attrgetter("text"),
    InputJsonDelta: attrgetter("partial_json"),
    ThinkingDelta: attrgetter("thinking"),
}
"""What a run keeps of each delta type ``accumulate.run_target`` names."""


def _progress(events: tuple[StreamEvent, ...] | list[StreamEvent]) -> bool:
    """Whether a batch holds an event other than ``ping`` (pings are no progress)."""
    return any(not isinstance(event, PingEvent) for event in events)


class _StreamInfo:
    """What both stream flavours share: the core of the current attempt, the events read ahead,
    and everything exposed besides iteration.

    ``start`` is how the stream opens: by default one attempt; ``stream_with_retries`` passes the
    call plan's driver, which opens as many attempts as the plan decides and leaves the last one.
    """

    def __init__(
        self,
        session: Session,
        request: Result[HttpRequest, ClaudeError],
        *,
        timeout: float | None = None,
        until_content: bool = False,
    ) -> None:
        self._session = session
        self._built = request
        self._timeout = timeout
        self._until_content = until_content
        self._core = self.new_core()
        self._opened = False
        self._pending: deque[StreamEvent] = deque()

    def new_core(self) -> _StreamCore:
        """A fresh core for one attempt of this stream."""
        return _StreamCore(
            self._session,
            self._built.value_or(HttpRequest(method="POST", url="", headers={})),
            self._timeout,
        )

    def adopt(self, core: _StreamCore, events: tuple[StreamEvent, ...]) -> None:
        """Make ``core`` (an attempt the plan settled on) this stream's, with its events so far."""
        self._core = core
        self._pending = deque(events)

    @property
    def request_id(self) -> str | None:
        """The ``request-id`` of the streaming response."""
        return request_id(self._core.headers) if self._core.headers else None

    @property
    def rate_limits(self) -> RateLimits | None:
        """The parsed ``anthropic-ratelimit-*`` headers of the streaming response."""
        return parse_rate_limits(self._core.headers) if self._core.headers else None

    @property
    def status(self) -> int:
        """The HTTP status (0 if the request never got an answer)."""
        return self._core.status

    @property
    def partial_message(self) -> Message | None:
        """The message as folded so far (``None`` before ``message_start``)."""
        return self._core.partial()


def _raise_if_failed(core: _StreamCore) -> None:
    """End an exception-style iteration: raise the stream's failure (not a cancel the caller
    asked for)."""
    if core.cancelled:
        return
    final = core.final_message()
    if isinstance(final, Failure):
        final.failure().raise_()


class MessageStream(_StreamInfo):
    """A streaming reply read on the caller's thread: iterate for events as they arrive."""

    _starter: Callable[[MessageStream], None] | None = None

    def __enter__(self) -> Self:
        self._open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _open(self) -> None:
        if self._opened:
            return
        self._opened = True
        if isinstance(self._built, Failure):
            self._core.finish_with(self._built.failure())
            return
        if self._starter is not None:
            self._starter(self)
            return
        self._core.open()
        if self._until_content:
            self._pending.extend(self._core.read_until_content())

    def __iter__(self) -> Iterator[StreamEvent]:
        self._open()
        while self._pending:
            yield self._pending.popleft()
        while not self._core.done:
            yield from self._core.pull()

    def with_outcome(self) -> Iterator[StreamEvent | StreamEnded]:
        """Every event, then one ``StreamEnded`` saying how the stream ended."""
        yield from self
        yield StreamEnded(self._core.final_message())

    def text_stream(self) -> Iterator[str]:
        """Only the text deltas, as they arrive; raises ``ClaudeException`` (with the partial
        reply in ``exc.error.partial``) if the stream fails."""
        for event in self:
            text = accumulate.text_of(event)
            if text:
                yield text
        _raise_if_failed(self._core)

    def final_message(self) -> Result[Message, ClaudeError]:
        """Read whatever is left, then the folded message or the failure with the partial one."""
        self._open()
        self._pending.clear()
        core = self._core
        pull = core.pull
        while pull() or not core.done:  # until a read brings nothing and the stream is over
            pass
        return core.final_message()

    def close(self) -> None:
        """Stop reading and release the connection (closed if the body was not read through)."""
        self._core.stop()

    def cancel(self) -> None:
        """Stop from another thread: wakes a blocked read and ends iteration."""
        self._core.cancel()


class AsyncMessageStream(_StreamInfo):
    """The async twin: each read runs in a worker thread; cancellation wakes it at once.

    It is its own async iterator (no async generator), so an early ``break`` leaves nothing for
    the garbage collector to finalize on either asyncio or trio.
    """

    _astarter: Callable[[AsyncMessageStream], object] | None = None

    async def __aenter__(self) -> Self:
        await self._open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def _open(self) -> None:
        if self._opened:
            return
        self._opened = True
        if isinstance(self._built, Failure):
            self._core.finish_with(self._built.failure())
            return
        if self._astarter is not None:
            await self._astarter(self)  # type: ignore[misc]
            return
        await self.open_attempt(self._core, until_content=self._until_content)

    async def open_attempt(
        self, core: _StreamCore, *, until_content: bool
    ) -> tuple[StreamEvent, ...]:
        """Open ``core`` through the session (slot on the loop, then the thread hop)."""
        deadline = core.deadlines()
        try:
            opened = await self._session.aopen_stream(core._request, deadline=deadline)
        except BaseException:
            core.cancel()
            raise
        core.opened(opened)
        events: tuple[StreamEvent, ...] = ()
        if until_content:
            events = await self.in_thread(core, core.read_until_content)
        self._pending.extend(events)
        return events

    async def in_thread(self, core: _StreamCore, call: Callable[[], _R]) -> _R:
        """Run one step of ``core`` in a worker; a cancelled step cancels the core."""
        try:
            return await self._session.hop(call)
        except BaseException:
            core.cancel()
            raise

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> StreamEvent:
        await self._open()
        while not self._pending:
            if self._core.done:
                raise StopAsyncIteration
            self._pending.extend(await self.in_thread(self._core, self._core.pull))
        return self._pending.popleft()

    def with_outcome(self) -> AsyncIterator[StreamEvent | StreamEnded]:
        """Every event, then one ``StreamEnded`` saying how the stream ended."""
        return _AsyncOutcome(self)

    def text_stream(self) -> AsyncIterator[str]:
        """Only the text deltas, as they arrive; raises ``ClaudeException`` if the stream fails."""
        return _AsyncText(self)

    async def final_message(self) -> Result[Message, ClaudeError]:
        """Read whatever is left, then the folded message or the failure with the partial one."""
        await self._open()
        self._pending.clear()
        while not self._core.done:
            await self.in_thread(self._core, self._core.pull)
        return self._core.final_message()

    async def aclose(self) -> None:
        """Stop reading and release the connection."""
        self._core.stop()

    def cancel(self) -> None:
        """Stop from another task or thread: wakes a blocked read and ends iteration."""
        self._core.cancel()


class _AsyncText:
    """``text_stream()`` of an async stream: the text deltas only, then raise on failure."""

    def __init__(self, events: AsyncMessageStream) -> None:
        self._events = events

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> str:
        async for event in self._events:
            text = accumulate.text_of(event)
            if text:
                return text
        _raise_if_failed(self._events._core)
        raise StopAsyncIteration


class _AsyncOutcome:
    """``with_outcome()`` of an async stream."""

    def __init__(self, events: AsyncMessageStream) -> None:
        self._events = events
        self._ended = False

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> StreamEvent | StreamEnded:
        if self._ended:
            raise StopAsyncIteration
        try:
            return await anext(self._events)
        except StopAsyncIteration:
            self._ended = True
            return StreamEnded(self._events._core.final_message())


# --- streams under the call plan (stream_with_retries) ------------------------------------

_Attempt = tuple[_StreamCore, tuple[StreamEvent, ...]]


def _outcome(core: _StreamCore, events: tuple[StreamEvent, ...]) -> Result[_Attempt, ClaudeError]:
    """An attempt as the plan sees it: failed if it ended in an error before its first content,
    answered otherwise (a stream counts as answered once content arrives)."""
    error = core.error()
    if core.done and error is not None:
        return Failure(error)
    return Success((core, events))


def planned_stream(
    stream: MessageStream, policies: Policies, observe: Observer | None
) -> MessageStream:
    """``stream`` opened through the call plan: each attempt read until its first content."""

    def start(target: MessageStream) -> None:
        last: list[_Attempt] = []
        reporters: list[Reporter] = []

        def send(request: HttpRequest) -> Result[_Attempt, ClaudeError]:
            core = _StreamCore(target._session, request, target._timeout)
            core.open()
            events = core.read_until_content()
            last[:] = [(core, events)]
            return _outcome(core, events)

        planned: Result[Steps[_Attempt], ClaudeError] = plan_for(
            target._session, target._built.unwrap(), policies, defer=reporters.append
        )
        if isinstance(planned, Failure):
            target._core.finish_with(planned.failure())
            return
        ran = run_plan(
            planned.unwrap(), sleep=target._session.clock.sleep, send=send, observe=observe
        )
        _settle(target, ran, last, reporters)

    stream._starter = start
    return stream


def planned_astream(
    stream: AsyncMessageStream, policies: Policies, observe: Observer | None
) -> AsyncMessageStream:
    """The async twin of ``planned_stream``."""

    async def start(target: AsyncMessageStream) -> None:
        last: list[_Attempt] = []
        reporters: list[Reporter] = []

        async def send(request: HttpRequest) -> Result[_Attempt, ClaudeError]:
            core = _StreamCore(target._session, request, target._timeout)
            target._core = core  # so a cancel from another task reaches the attempt in flight
            events = await target.open_attempt(core, until_content=True)
            target._pending.clear()
            last[:] = [(core, events)]
            return _outcome(core, events)

        planned: Result[Steps[_Attempt], ClaudeError] = plan_for(
            target._session, target._built.unwrap(), policies, defer=reporters.append
        )
        if isinstance(planned, Failure):
            target._core.finish_with(planned.failure())
            return
        ran = await arun_plan(
            planned.unwrap(), sleep=target._session.clock.asleep, send=send, observe=observe
        )
        _settle(target, ran, last, reporters)

    stream._astarter = start
    return stream


def _settle(
    target: _StreamInfo,
    ran: Result[_Attempt, ClaudeError],
    last: list[_Attempt],
    reporters: list[Reporter],
) -> None:
    """Make the attempt the plan ended on the stream's; a plan that refused before any attempt
    (breaker open, throttled, no endpoint) ends the stream with that refusal. The breaker hears
    of an answered attempt when its stream ends."""
    if isinstance(ran, Success):
        core, events = ran.unwrap()
        target.adopt(core, events)
        if reporters:
            core.on_end = reporters[-1]
            if core.done:
                core._report_end()
        return
    if last:
        core, events = last[0]
        target.adopt(core, events)
        if core.error() is not None:
            return
    target._core.finish_with(ran.failure())
