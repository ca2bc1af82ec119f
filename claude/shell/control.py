"""``ControlledStream`` / ``AsyncControlledStream``: pause, resume and cancel a stream from
another thread or task.

The phase machine is the pure ``claude.pure.control.transition``; this module keeps the phase
under a lock, buffers while paused (a ``deque`` of at most ``buffer_limit`` events, at least 1,
trimmed by the pure rule ``claude.pure.control.overflow`` that ``buffer_push`` is tested with:
the oldest events are dropped when full), and delivers errors at once.

While paused the consumer keeps reading the inner stream into the buffer, so the server is not
stalled and nothing is lost up to the limit; delivery waits for ``resume``. ``cancel`` clears the
buffer, ends iteration and cancels the inner stream (closing its connection).
"""

from __future__ import annotations

import contextlib
import threading
from collections import deque
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable
from typing import Generic, Self, TypeVar

import anyio
import anyio.from_thread
import anyio.lowlevel
from returns.result import Result, Success

from claude.pure.control import Command, StreamPhase, overflow, transition
from claude.pure.errors import InvalidArgument
from claude.pure.events import ErrorEvent

__all__ = ["AsyncControlledStream", "ControlledStream", "StreamControl"]

_E = TypeVar("_E")


def _is_error(event: object) -> bool:
    return isinstance(event, ErrorEvent)


class StreamControl:
    """The thread-safe phase and buffer shared by a controlled stream and its controllers."""

    def __init__(self, *, on_change: Callable[[], None], inner: object) -> None:
        self.dropped = 0
        self._phase = StreamPhase.RUNNING
        self._lock = threading.Lock()
        self._on_change = on_change
        cancel = getattr(inner, "cancel", None)  # a MessageStream's: closes its connection
        self._cancel_inner: Callable[[], None] | None = cancel if callable(cancel) else None

    def _apply(self, command: Command) -> Result[StreamPhase, InvalidArgument]:
        with self._lock:
            result = transition(self._phase, command)
            if isinstance(result, Success):
                self._phase = result.unwrap()
        self._on_change()
        return result

    def pause(self) -> Result[StreamPhase, InvalidArgument]:
        """Hold delivery; events keep arriving into the buffer."""
        return self._apply(Command.PAUSE)

    def resume(self) -> Result[StreamPhase, InvalidArgument]:
        """Deliver the buffered events, then the live ones."""
        return self._apply(Command.RESUME)

    def cancel(self) -> None:
        """Stop for good: clear the buffer, end iteration, close the inner stream."""
        self._apply(Command.CANCEL)
        cancel_inner = self._cancel_inner
        if cancel_inner is not None:
            cancel_inner()

    @property
    def phase(self) -> StreamPhase:
        """RUNNING, PAUSED or CANCELLED."""
        return self._phase

    def is_paused(self) -> bool:
        return self._phase is StreamPhase.PAUSED

    def is_cancelled(self) -> bool:
        return self._phase is StreamPhase.CANCELLED

    def is_running(self) -> bool:
        return self._phase is StreamPhase.RUNNING


class _Controlled(Generic[_E]):
    """What both flavours share: the control, the buffer and the state queries."""

    control: StreamControl
    _buffer: deque[_E]
    _limit: int

    def pause(self) -> Result[StreamPhase, InvalidArgument]:
        """Hold delivery (safe from any thread or task)."""
        return self.control.pause()

    def resume(self) -> Result[StreamPhase, InvalidArgument]:
        """Resume delivery, buffered events first (safe from any thread or task)."""
        return self.control.resume()

    def cancel(self) -> None:
        """Stop for good (safe from any thread or task)."""
        self.control.cancel()

    def is_paused(self) -> bool:
        return self.control.is_paused()

    def is_cancelled(self) -> bool:
        return self.control.is_cancelled()

    def is_running(self) -> bool:
        return self.control.is_running()

    def buffer_size(self) -> int:
        """Events held while paused."""
        return len(self._buffer)

    @property
    def dropped(self) -> int:
        """Events dropped because the buffer was full."""
        return self.control.dropped

    def _take(self, event: _E) -> _E | None:
        """Route a newly read event: return it to deliver now, or buffer it and return None."""
        if _is_error(event) or (self.control.is_running() and not self._buffer):
            return event
        if self.control.is_cancelled():
            return None
        size = len(self._buffer)
        excess = overflow(size, limit=self._limit)
        for _ in range(min(excess, size)):
            self._buffer.popleft()
        if excess <= size:
            self._buffer.append(event)
        self.control.dropped += excess
        return None


class ControlledStream(_Controlled[_E]):
    """A sync event stream with pause / resume / cancel from other threads."""

    def __init__(self, events: Iterable[_E], *, buffer_limit: int = 1024) -> None:
        self._inner = iter(events)
        self._buffer = deque()
        self._limit = max(1, buffer_limit)
        self._changed = threading.Condition()
        self.control = StreamControl(on_change=self._notify, inner=events)
        self._inner_done = False

    def _notify(self) -> None:
        with self._changed:
            if self.control.is_cancelled():
                self._buffer.clear()
            self._changed.notify_all()

    def __iter__(self) -> Self:
        return self

    def __next__(self) -> _E:
        while True:
            with self._changed:
                if self.control.is_cancelled():
                    raise StopIteration
                if self.control.is_running() and self._buffer:
                    return self._buffer.popleft()
                if self._inner_done:
                    if self.control.is_running():
                        raise StopIteration
                    self._changed.wait()
                    continue
            try:
                event = next(self._inner)
            except StopIteration:
                self._inner_done = True
                continue
            with self._changed:
                delivered = self._take(event)
            if delivered is not None:
                return delivered


class AsyncControlledStream(_Controlled[_E]):
    """An async event stream with pause / resume / cancel from other tasks or threads."""

    def __init__(self, events: AsyncIterable[_E], *, buffer_limit: int = 1024) -> None:
        self._inner: AsyncIterator[_E] = aiter(events)
        self._buffer = deque()
        self._limit = max(1, buffer_limit)
        self._wakeup: anyio.Event | None = None
        self._token: anyio.lowlevel.EventLoopToken | None = None
        self._loop_thread: int | None = None
        self.control = StreamControl(on_change=self._notify, inner=events)
        self._inner_done = False

    def _notify(self) -> None:
        if self.control.is_cancelled():
            self._buffer.clear()
        wakeup, token = self._wakeup, self._token
        if wakeup is None:
            return
        if threading.get_ident() == self._loop_thread:
            wakeup.set()
        elif token is not None:
            # RuntimeError: the loop has finished, so nobody is waiting any more.
            with contextlib.suppress(RuntimeError):
                anyio.from_thread.run_sync(wakeup.set, token=token)

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> _E:
        if self._token is None:
            self._token = anyio.lowlevel.current_token()
            self._loop_thread = threading.get_ident()
        while True:
            if self.control.is_cancelled():
                raise StopAsyncIteration
            if self.control.is_running() and self._buffer:
                return self._buffer.popleft()
            if self._inner_done:
                if self.control.is_running():
                    raise StopAsyncIteration
                self._wakeup = anyio.Event()
                if self.control.is_paused():
                    await self._wakeup.wait()
                self._wakeup = None
                continue
            try:
                event = await anext(self._inner)
            except StopAsyncIteration:
                self._inner_done = True
                continue
            delivered = self._take(event)
            if delivered is not None:
                return delivered
