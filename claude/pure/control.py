"""Stream control (pause / resume / cancel) as a finite machine plus a bounded buffer rule.

Theory of operation
-------------------
A controlled stream is in one of three phases. The table is the whole machine::

    RUNNING   --pause-->  PAUSED      RUNNING --resume--> RUNNING (no-op)
    PAUSED    --resume--> RUNNING     PAUSED  --pause-->  PAUSED  (no-op)
    any       --cancel--> CANCELLED   CANCELLED --pause/resume--> refused

While paused, events that arrive go to a buffer of at most ``limit`` events; when it is full the
oldest is dropped (and counted). Errors never enter the buffer: they are delivered at once.

Invariants (checked by the property tests): CANCELLED is absorbing; the buffer never holds more
than ``limit`` events; kept + dropped == pushed.
"""

from __future__ import annotations

import enum
from typing import Final, TypeVar

from returns.result import Failure, Result, Success

from claude.pure.errors import InvalidArgument

__all__ = ["Command", "StreamPhase", "buffer_push", "overflow", "transition"]

_E = TypeVar("_E")


class StreamPhase(enum.Enum):
    """Where a controlled stream is."""

    RUNNING = "running"
    PAUSED = "paused"
    CANCELLED = "cancelled"


class Command(enum.Enum):
    """What a controller can ask."""

    PAUSE = "pause"
    RESUME = "resume"
    CANCEL = "cancel"


_R, _P, _C = StreamPhase.RUNNING, StreamPhase.PAUSED, StreamPhase.CANCELLED
_TABLE: Final[dict[tuple[StreamPhase, Command], StreamPhase | None]] = {
    (_R, Command.PAUSE): _P,
    (_R, Command.RESUME): _R,
    (_R, Command.CANCEL): _C,
    (_P, Command.PAUSE): _P,
    (_P, Command.RESUME): _R,
    (_P, Command.CANCEL): _C,
    (_C, Command.PAUSE): None,
    (_C, Command.RESUME): None,
    (_C, Command.CANCEL): _C,
}


def transition(phase: StreamPhase, command: Command) -> Result[StreamPhase, InvalidArgument]:
    """The phase after ``command``, or why it cannot apply.

    >>> transition(StreamPhase.RUNNING, Command.PAUSE)
    <Success: StreamPhase.PAUSED>
    """
    after = _TABLE[(phase, command)]
    if after is None:
        return Failure(
            InvalidArgument(
                path="stream",
                problem=f"is cancelled; cannot {command.value} it (start a new stream)",
            )
        )
    return Success(after)


def overflow(size: int, *, limit: int) -> int:
    """How many events to drop, oldest first, when one more joins a buffer of ``size``: the
    excess over ``limit`` of the grown buffer (with ``limit`` 0 that includes the new one).

    The shell runs this rule on its ``deque`` (drop that many from the left, then append unless
    the new event was among them), so a push costs O(dropped) however large the buffer;
    ``buffer_push`` is the same rule on a tuple, for the property tests.

    >>> overflow(2, limit=2), overflow(1, limit=2), overflow(3, limit=0)
    (1, 0, 4)
    """
    return max(0, size + 1 - max(0, limit))


def buffer_push(buffer: tuple[_E, ...], event: _E, *, limit: int) -> tuple[tuple[_E, ...], int]:
    """``buffer`` with ``event`` appended, oldest dropped past ``limit``; and how many dropped.

    >>> buffer_push((1, 2), 3, limit=2)
    ((2, 3), 1)
    """
    excess = overflow(len(buffer), limit=limit)
    return (*buffer, event)[excess:], excess
