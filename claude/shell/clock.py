"""The impure primitives: time, sleep and chance. Everything else takes them as arguments.

Tests replace a ``Clock`` with a deterministic one (``FakeClock``), so no test waits for real.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field
from typing import Protocol

import anyio

__all__ = ["SYSTEM_CLOCK", "Clock", "FakeClock", "SystemClock"]


class Clock(Protocol):
    """What the shell needs from the world: a monotonic and a wall clock, sleeps, samples."""

    def monotonic(self) -> float: ...
    def wall(self) -> float: ...
    def sleep(self, seconds: float) -> None: ...
    async def asleep(self, seconds: float) -> None: ...
    def sample(self) -> float: ...


class SystemClock:
    """The real clocks and a real random source."""

    def __init__(self) -> None:
        self._random = random.Random()

    def monotonic(self) -> float:
        return time.monotonic()

    def wall(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)

    async def asleep(self, seconds: float) -> None:
        if seconds > 0:
            await anyio.sleep(seconds)

    def sample(self) -> float:
        return self._random.random()


SYSTEM_CLOCK = SystemClock()


@dataclass
class FakeClock:
    """A clock that only moves when slept on: sleeps return at once and are recorded."""

    now: float = 0.0
    wall_offset: float = 1_800_000_000.0
    samples: list[float] = field(default_factory=lambda: [0.5])
    sleeps: list[float] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _next: int = 0

    def monotonic(self) -> float:
        with self._lock:
            return self.now

    def wall(self) -> float:
        with self._lock:
            return self.now + self.wall_offset

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.now += seconds

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self.now += max(0.0, seconds)

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)
        await anyio.lowlevel.checkpoint()

    def sample(self) -> float:
        with self._lock:
            value = self.samples[self._next % len(self.samples)]
            self._next += 1
            return value
