"""``stream`` / ``astream``: server-sent events read as they arrive, folded as they pass.

Theory of operation
-------------------
``_StreamCore`` owns one urllib3 response with its body still on the socket. Each ``pull()`` does
one ``read1`` (whatever bytes have arrived, never waiting for a full buffer), feeds them to the
pure SSE parser, decodes the events and folds them into the pure ``MessageFold``, and returns the
batch. Nothing is read until the consumer asks: that is the back-pressure.

The sync ``MessageStream`` pulls on the caller's thread; the async ``AsyncMessageStream`` pulls in
an anyio worker thread, one hop per read, and on cancellation shuts the response down so the
worker wakes at once.

Every way a stream can end is a value: ``final_message()`` is ``Success(Message)`` after
``message_stop``; otherwise the failure (an ``event: error`` typed by its ``error.type``, a cut
connection, a read or idle timeout, a truncated stream) carries ``partial``, the message so far.
The idle timeout is measured from the last event that is not a ``ping``: a stream that only pings
is stalled.
"""

from __future__ import annotations

import functools
import socket
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Final, Self, TypeVar

import anyio
import anyio.to_thread
import msgspec
import urllib3
from returns.pipeline import is_successful
from returns.result import Failure, Result, Success

from claude.pure import accumulate, retry, sse
from claude.pure.errors import ClaudeError, MalformedResponse, StreamTruncated, Timeout
from claude.pure.events import PingEvent, StreamEvent, decode_event, decode_events
from claude.pure.headers import RateLimits, parse_rate_limits, request_id
from claude.pure.request import HttpRequest
from claude.pure.response import body_start, decode_error
from claude.pure.retry import RetryAfter, RetryPolicy
from claude.pure.settings import Timeouts
from claude.pure.wire import Message
from claude.shell import transport
from claude.shell.clock import Clock

if TYPE_CHECKING:
    from claude.shell.client import Client

__all__ = ["AsyncMessageStream", "MessageStream"]

_R = TypeVar("_R")

READ_SIZE: Final = 65536
_MAX_ERROR_BODY: Final = 1 << 20


class _StreamCore:
    """One streaming exchange: open, pull batches of events, close. Not thread-safe by itself;
    the wrappers call it from one thread at a time."""

    def __init__(
        self, pool: transport.Pool, request: HttpRequest, timeouts: Timeouts, clock: Clock
    ) -> None:
        self._pool = pool
        self._request = request
        self._timeouts = timeouts
        self._clock = clock
        self._response: urllib3.BaseHTTPResponse | None = None
        self._parser = sse.SseState()
        self._fold = accumulate.start()
        self._error: ClaudeError | None = None
        self._done = False
        self._eof = False
        self._last_progress = 0.0
        self.cancelled = False
        self.headers: Mapping[str, str] = {}
        self.status = 0

    # -- lifecycle ----------------------------------------------------------------------

    def open(self) -> None:
        """Send the request; an error status is read whole and becomes the stream's error."""
        opened = transport.open_stream(self._pool, self._request, self._timeouts)
        if isinstance(opened, Failure):
            self.finish_with(opened.failure())
            return
        response = opened.unwrap()
        self._response = response
        self.headers = response.headers
        self.status = response.status
        self._last_progress = self._clock.monotonic()
        if response.status != 200:
            body = self._read_whole(response)
            self.finish_with(decode_error(response.status, response.headers, body))
            return
        content_type = response.headers.get("content-type", "")
        if not content_type.startswith("text/event-stream"):
            body = self._read_whole(response)
            self.finish_with(
                MalformedResponse(
                    status=response.status,
                    problem=f"expected text/event-stream, got {content_type or 'no content-type'}",
                    body_start=body_start(body),
                    request_id=request_id(response.headers),
                )
            )

    def _read_whole(self, response: urllib3.BaseHTTPResponse) -> bytes:
        try:
            return response.read(_MAX_ERROR_BODY)
        except Exception:
            return b""

    def close(self) -> None:
        """Release the connection: back to the pool if the body was read to the end, else closed."""
        response = self._response
        if response is None:
            return
        self._response = None
        if not self._eof:
            response.close()
        response.release_conn()

    def cancel(self) -> None:
        """Stop from any thread: wake a read blocked on the socket and end the stream."""
        self.cancelled = True
        if not self._done:
            self._record(StreamTruncated(problem="the caller cancelled the stream"))
        self._done = True
        response = self._response
        if response is not None:
            response.shutdown()

    def begin(self, *, until_content: bool) -> tuple[StreamEvent, ...]:
        """Open; with ``until_content``, also read until ``message_start`` (or the end), so a
        failure before any content is known here. Returns the events read so far."""
        self.open()
        events: list[StreamEvent] = []
        while until_content and not self._done and self.partial() is None:
            events.extend(self.pull())
        return tuple(events)

    def partial(self) -> Message | None:
        """The message as folded so far (``None`` before ``message_start``)."""
        return accumulate.partial_message(self._fold)

    def failed_before_content(self) -> ClaudeError | None:
        """The error if the stream ended before any content arrived (the retryable case)."""
        if self._done and self._error is not None and self._error.partial is None:
            return self._error
        return None

    # -- reading --------------------------------------------------------------------------

    @property
    def done(self) -> bool:
        return self._done

    def pull(self) -> tuple[StreamEvent, ...]:
        """Read once and return the events that arrived (possibly none); ``()`` once done."""
        response = self._response
        if self._done or response is None:
            self._done = True
            return ()
        self._arm_read_timeout(response)
        try:
            chunk = response.read1(READ_SIZE)
        except Exception as exc:
            error = transport.map_exception(exc, self._timeouts)
            if self.cancelled:
                error = StreamTruncated(problem="the caller cancelled the stream")
            elif isinstance(error, Timeout) and self._idle_expired(self._clock.monotonic()):
                error = Timeout(phase="idle", seconds=self._timeouts.idle)
            self.finish_with(error)
            return ()
        if not chunk:
            # End of body. An unfinished fold is reported by final_message as truncated,
            # with the partial message; the connection goes back to the pool.
            self._eof = True
            self._done = True
            self.close()
            return ()
        self._parser, raw_events = sse.feed(self._parser, chunk)
        # The whole read at once: one decode, one fold and one clock reading per read, not per
        # event. A batch that ends the stream is replayed one event at a time (below), which
        # yields exactly the events before the failure and keeps the fold as of it.
        decoded = decode_events(raw_events)
        if is_successful(decoded):
            events = decoded.unwrap()
            folded = accumulate.fold_all(self._fold, events)
            if is_successful(folded):
                self._fold = folded.unwrap()
                now = self._clock.monotonic()
                for event in events:
                    if not isinstance(event, PingEvent):  # pings are no progress
                        self._last_progress = now
                        break
                if self._idle_expired(now):
                    self.finish_with(Timeout(phase="idle", seconds=self._timeouts.idle))
                return events
        return self._pull_one_by_one(raw_events)

    def _pull_one_by_one(self, raw_events: tuple[sse.SseEvent, ...]) -> tuple[StreamEvent, ...]:
        """Decode and fold a batch event by event: the events up to the one that ends the stream
        (a fold failure's event included, a decode failure's not) and the fold just before it."""
        events: list[StreamEvent] = []
        for raw in raw_events:
            decoded = decode_event(raw)
            if isinstance(decoded, Failure):
                self.finish_with(decoded.failure())
                return tuple(events)
            event = decoded.unwrap()
            folded = accumulate.fold(self._fold, event)
            events.append(event)
            if isinstance(folded, Failure):
                self.finish_with(folded.failure(), partial_known=True)
                return tuple(events)
            self._fold = folded.unwrap()
            if not isinstance(event, PingEvent):
                self._last_progress = self._clock.monotonic()
        if self._idle_expired(self._clock.monotonic()):
            self.finish_with(Timeout(phase="idle", seconds=self._timeouts.idle))
        return tuple(events)

    def _idle_expired(self, now: float) -> bool:
        idle = self._timeouts.idle
        return idle is not None and now - self._last_progress >= idle

    def _arm_read_timeout(self, response: urllib3.BaseHTTPResponse) -> None:
        """Let one read wait no longer than the read timeout or what is left of the idle one."""
        idle = self._timeouts.idle
        if idle is None:
            return
        left = idle - (self._clock.monotonic() - self._last_progress)
        sock = _socket_of(response)
        if sock is not None:
            sock.settimeout(max(0.001, min(self._timeouts.read, left)))

    def stop(self) -> None:
        """End the stream here (the caller is done with it) and release the connection."""
        self._done = True
        self.close()

    def finish_with(self, error: ClaudeError, *, partial_known: bool = False) -> None:
        self._record(error, partial_known=partial_known)
        self._done = True
        if self._response is not None:
            self.close()

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
        final = accumulate.final_message(self._fold)
        if isinstance(final, Success):
            message = final.unwrap()
            msgspec.structs.force_setattr(message, "_request_id", request_id(self.headers))
            msgspec.structs.force_setattr(message, "_headers", self.headers)
        return final


def _next_try(
    core: _StreamCore, state: retry.RetryState, policy: RetryPolicy, clock: Clock
) -> RetryAfter | None:
    """Whether to open the stream again: only if it failed before any content and the retry
    policy says so (once content has arrived the caller gets the error with the partial)."""
    error = core.failed_before_content()
    if error is None:
        return None
    decision = retry.decide(
        state, error, policy=policy, now=clock.monotonic(), wall_now=clock.wall(), u=clock.sample()
    )
    return decision if isinstance(decision, RetryAfter) else None


def _socket_of(response: urllib3.BaseHTTPResponse) -> socket.socket | None:
    connection = getattr(response, "connection", None)
    sock = getattr(connection, "sock", None)
    return sock if isinstance(sock, socket.socket) else None


class _StreamInfo:
    """What both stream flavours share: the request, the retry policy, the core of the current
    attempt, the events read ahead, and everything exposed besides iteration."""

    def __init__(
        self,
        client: Client,
        request: Result[HttpRequest, ClaudeError],
        *,
        retry: RetryPolicy | None = None,
    ) -> None:
        self._client = client
        self._built = request
        self._retry = retry
        self._core = self._new_core()
        self._opened = False
        self._pending: deque[StreamEvent] = deque()

    def _new_core(self) -> _StreamCore:
        return _StreamCore(
            self._client._pool,
            self._built.value_or(HttpRequest(method="POST", url="", headers={})),
            self._client.settings.timeouts,
            self._client.clock,
        )

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


class MessageStream(_StreamInfo):
    """A streaming reply read on the caller's thread: iterate for events as they arrive."""

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
        policy = self._retry
        self._pending.extend(self._core.begin(until_content=policy is not None))
        if policy is None:
            return
        clock = self._client.clock
        state = retry.start(now=clock.monotonic())
        while (step := _next_try(self._core, state, policy, clock)) is not None:
            state = step.state
            clock.sleep(step.delay)
            self._core = self._new_core()
            self._pending = deque(self._core.begin(until_content=True))

    def __iter__(self) -> Iterator[StreamEvent]:
        self._open()
        while self._pending:
            yield self._pending.popleft()
        while not self._core.done:
            yield from self._core.pull()

    def text_stream(self) -> Iterator[str]:
        """Only the text deltas, as they arrive."""
        for event in self:
            text = accumulate.text_of(event)
            if text:
                yield text

    def final_message(self) -> Result[Message, ClaudeError]:
        """Read whatever is left, then the folded message or the failure with the partial one."""
        self._open()
        self._pending.clear()
        while not self._core.done:
            self._core.pull()
        return self._core.final_message()

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
        policy = self._retry
        self._pending.extend(
            await self._in_thread(
                functools.partial(self._core.begin, until_content=policy is not None)
            )
        )
        if policy is None:
            return
        clock = self._client.clock
        state = retry.start(now=clock.monotonic())
        while (step := _next_try(self._core, state, policy, clock)) is not None:
            state = step.state
            await clock.asleep(step.delay)
            self._core = self._new_core()
            self._pending = deque(
                await self._in_thread(functools.partial(self._core.begin, until_content=True))
            )

    async def _in_thread(self, call: Callable[[], _R]) -> _R:
        try:
            return await anyio.to_thread.run_sync(
                call, abandon_on_cancel=True, limiter=self._client.limiter()
            )
        except BaseException:
            self._core.cancel()
            raise

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> StreamEvent:
        await self._open()
        while not self._pending:
            if self._core.done:
                raise StopAsyncIteration
            self._pending.extend(await self._in_thread(self._core.pull))
        return self._pending.popleft()

    def text_stream(self) -> AsyncIterator[str]:
        """Only the text deltas, as they arrive."""
        return _AsyncText(self)

    async def final_message(self) -> Result[Message, ClaudeError]:
        """Read whatever is left, then the folded message or the failure with the partial one."""
        await self._open()
        self._pending.clear()
        while not self._core.done:
            await self._in_thread(self._core.pull)
        return self._core.final_message()

    async def aclose(self) -> None:
        """Stop reading and release the connection."""
        self._core.stop()

    def cancel(self) -> None:
        """Stop from another task or thread: wakes a blocked read and ends iteration."""
        self._core.cancel()


class _AsyncText:
    """``text_stream()`` of an async stream: the text deltas only."""

    def __init__(self, events: AsyncMessageStream) -> None:
        self._events = events

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> str:
        async for event in self._events:
            text = accumulate.text_of(event)
            if text:
                return text
        raise StopAsyncIteration
