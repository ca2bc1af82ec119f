"""One bound on connections for every call of a client, sync or async, on any thread or loop.

A ``Slots`` holds ``limit`` tokens. Each exchange takes one before it touches the pool and gives
it back when its connection is released, so a client never holds more than ``limit`` sockets.
A sync caller waits on a condition variable (within its deadline); an async caller waits on an
anyio ``Event`` on its own loop, never in a worker thread, so waiting calls cannot starve the
reads of the calls that hold the slots. A slot lost with its holder (a stream dropped unclosed)
is given back when the holder is garbage collected (``Lease``).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import deque
from dataclasses import dataclass

import anyio
import anyio.from_thread
import anyio.lowlevel

__all__ = ["Lease", "Slots"]


@dataclass(eq=False)
class _Waiter:
    """An async caller waiting for a slot on its loop."""

    event: anyio.Event
    token: anyio.lowlevel.EventLoopToken
    thread: int
    granted: bool = False


class Slots:
    """``limit`` connection slots shared by sync and async callers."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._free = limit
        # Reentrant: a lease collected (``__del__``) while this thread holds the lock releases
        # through it again.
        self._lock = threading.RLock()
        self._ready = threading.Condition(self._lock)
        self._waiters: deque[_Waiter] = deque()

    @property
    def in_use(self) -> int:
        """Slots held right now."""
        with self._lock:
            return self.limit - self._free

    def acquire(self, timeout: float | None) -> Lease | None:
        """Wait up to ``timeout`` seconds (``None``: no limit) for a slot; ``None`` if none came."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._ready:
            while self._free == 0:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return None
                self._ready.wait(left)
            self._free -= 1
        return Lease(self)

    async def aacquire(self) -> Lease:
        """Wait on the event loop for a slot (cancellable: a cancelled wait takes nothing)."""
        with self._lock:
            if self._free > 0 and not self._waiters:
                self._free -= 1
                return Lease(self)
            waiter = _Waiter(
                event=anyio.Event(),
                token=anyio.lowlevel.current_token(),
                thread=threading.get_ident(),
            )
            self._waiters.append(waiter)
        try:
            await waiter.event.wait()
        except BaseException:
            with self._lock:
                granted = waiter.granted
                if not granted:
                    self._waiters.remove(waiter)
            if granted:
                self.release()
            raise
        return Lease(self)

    def release(self) -> None:
        """Give a slot back: to the first async waiter still waiting, else to the free pool."""
        while True:
            with self._lock:
                if not self._waiters:
                    self._free += 1
                    self._ready.notify()
                    return
                waiter = self._waiters.popleft()
                waiter.granted = True
            if _wake(waiter):
                return
            # The waiter's loop has ended: the slot goes to the next one.


def _wake(waiter: _Waiter) -> bool:
    """Set the waiter's event on its own loop; ``False`` if that loop is gone."""
    if threading.get_ident() == waiter.thread:
        waiter.event.set()
        return True
    try:
        anyio.from_thread.run_sync(waiter.event.set, token=waiter.token)
    except RuntimeError:
        return False
    return True


_LEASES = threading.RLock()
"""Makes a lease's release happen once when two threads release it at the same moment."""


class Lease:
    """One held slot; ``release`` is idempotent and also runs when the lease is collected."""

    __slots__ = ("_slots",)

    def __init__(self, slots: Slots) -> None:
        self._slots: Slots | None = slots

    def release(self) -> None:
        """Give the slot back (once, whichever threads ask)."""
        with _LEASES:
            slots, self._slots = self._slots, None
        if slots is not None:
            slots.release()

    def __del__(self) -> None:
        # A holder dropped without closing (a stream never closed) still gives its slot back.
        with contextlib.suppress(Exception):
            self.release()
