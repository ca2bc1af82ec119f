"""A record of one call through the reliability policies, for logs and metrics.

Theory of operation
-------------------
The shell starts with ``CallRecord()`` and, as the call goes, appends an ``AttemptRecord`` per
request sent (``add_attempt``), adds waits spent before any attempt (``add_wait``, e.g. for the rate
limiter), and, when the call ends in failure, notes which layer ended it (``fail``; ``blame`` names
the layer from the final error and the retry policy's reason). Every helper returns a new record.

``failed_by`` says who said the last "no":

* ``rate_limit``: the client-side limiter (``Throttled``);
* ``breaker``: the circuit breaker (``CircuitOpen``);
* ``failover``: no endpoint was left to try (``NoEndpointAvailable``);
* ``retry``: the error was retryable but a budget ran out (attempts, time, a server wait too long);
* ``request``: the error itself is final (not retryable, or part of the reply had arrived).

Invariant: ``total_wait`` is the sum of every wait added, before attempts or between them.
"""

from __future__ import annotations

from typing import Literal, TypeAlias

import msgspec

from claude.pure.errors import CircuitOpen, ClaudeError, NoEndpointAvailable, Throttled
from claude.pure.retry import GiveUpReason

__all__ = ["AttemptRecord", "CallRecord", "FailedBy", "add_attempt", "add_wait", "blame", "fail"]

FailedBy: TypeAlias = Literal["rate_limit", "breaker", "failover", "retry", "request"]


class AttemptRecord(msgspec.Struct, frozen=True, kw_only=True):
    """One request sent: its number (from 1), endpoint, start and duration (monotonic seconds),
    its error (``None`` on success) and the wait chosen before the next attempt."""

    attempt: int
    endpoint: str | None
    started_at: float
    elapsed: float
    error: ClaudeError | None = None
    wait: float = 0.0


class CallRecord(msgspec.Struct, frozen=True, kw_only=True):
    """Every attempt of one call, the seconds spent waiting in all, and who ended it if it failed."""

    attempts: tuple[AttemptRecord, ...] = ()
    total_wait: float = 0.0
    failed_by: FailedBy | None = None

    @property
    def error(self) -> ClaudeError | None:
        """The last attempt's error, if any."""
        return self.attempts[-1].error if self.attempts else None


def add_attempt(record: CallRecord, attempt: AttemptRecord) -> CallRecord:
    """The record with ``attempt`` appended and its wait counted.

    >>> r = add_attempt(CallRecord(), AttemptRecord(attempt=1, endpoint=None, started_at=0.0,
    ...                                             elapsed=0.2, wait=0.5))
    >>> len(r.attempts), r.total_wait
    (1, 0.5)
    """
    return CallRecord(
        attempts=(*record.attempts, attempt),
        total_wait=record.total_wait + attempt.wait,
        failed_by=record.failed_by,
    )


def add_wait(record: CallRecord, seconds: float) -> CallRecord:
    """The record with a wait outside any attempt counted (the rate limiter's, say)."""
    return CallRecord(
        attempts=record.attempts,
        total_wait=record.total_wait + seconds,
        failed_by=record.failed_by,
    )


def fail(record: CallRecord, by: FailedBy) -> CallRecord:
    """The record of a call that failed, ended by ``by``."""
    return CallRecord(attempts=record.attempts, total_wait=record.total_wait, failed_by=by)


def blame(error: ClaudeError, *, reason: GiveUpReason | None = None) -> FailedBy:
    """Which layer ended a call that failed with ``error`` (and, from retry, ``reason``).

    >>> blame(Throttled(wait=2.0))
    'rate_limit'
    >>> blame(CircuitOpen(retry_in=5.0)), blame(NoEndpointAvailable(problem="all tried"))
    ('breaker', 'failover')
    >>> from claude.pure.errors import NetworkError
    >>> blame(NetworkError(problem="reset"), reason=GiveUpReason.ATTEMPTS_EXHAUSTED)
    'retry'
    """
    match error:
        case Throttled():
            return "rate_limit"
        case CircuitOpen():
            return "breaker"
        case NoEndpointAvailable():
            return "failover"
    if reason in (
        GiveUpReason.ATTEMPTS_EXHAUSTED,
        GiveUpReason.TIME_BUDGET,
        GiveUpReason.SERVER_WAIT_BEYOND_CAP,
    ):
        return "retry"
    return "request"
