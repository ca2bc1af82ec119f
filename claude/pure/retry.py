"""Retry policy: which failures to try again, how long to wait first, and when to stop.

Theory of operation
-------------------
A call is a loop the shell runs: ``state = start(now=...)``, send, and on a failure ask
``decide(state, error, policy=..., now=..., wall_now=..., u=...)``. The answer is a value:
``RetryAfter(delay, state)`` (sleep ``delay`` seconds, then send again with the new state) or
``GiveUp(error, reason, state)`` (return ``error``; ``reason`` says why). Nothing here reads a
clock or draws a random number: ``now`` is the caller's monotonic clock, ``wall_now`` its epoch
clock (only for an HTTP-date ``retry-after``), ``u`` a uniform sample in ``[0, 1)``.

``decide`` asks, in order, and the first "no" is the reason:

1. **Retryable?** ``classify(error)``: ``x-should-retry`` when the server sent it; otherwise 408,
   409, 429 and every 5xx (529 included), network errors, timeouts other than the caller's own
   total deadline, and streams cut before completion. Never 400/401/402/403/404/413, never "you
   called us wrongly" (``InvalidArgument``, ``MissingCredentials``), never a policy's refusal
   (``CircuitOpen``, ``Throttled``, ``NoEndpointAvailable``), never a malformed stream.
2. **Sent twice?** With ``retry_after_sent=False`` a failure after the request may have reached
   the server (``sent(error)``: a read timeout, a connection broken while the answer was awaited,
   a stream cut short) is not retried, so a call is never charged twice; failures to connect
   still are. The default, ``True``, retries both, as the SDK does.
3. **Nothing received yet?** A stream is retried only if it failed before content arrived:
   ``error.partial is not None`` means a reply was partly delivered, and a retry would deliver a
   second, different one.
4. **Attempts left?** ``max_attempts`` counts every attempt, the first included.
5. **How long?** The server's word first (``retry-after-ms``, then ``retry-after`` in seconds or as
   an HTTP date, via ``RetryHint.wait``); a server wait above ``max_delay`` ends retrying (we do
   not sleep for minutes unasked). Without one, exponential backoff with jitter::

       delay(attempt) = min(max_delay, base_delay * multiplier ** (attempt - 1)) * (1 - jitter * u)

   where ``attempt`` is the number of the attempt that just failed (1 for the first), so the
   defaults give 0.5, 1, 2, 4, 8, 8, ... seconds, each shortened by up to 25 %.
6. **Time left?** The sleep must end within ``max_total`` seconds of ``start``: if
   ``elapsed + delay > max_total`` (``elapsed`` is the larger of ``now - started_at`` and the time
   already slept) we give up rather than sleep past the budget.

Invariants (checked by ``tests/property/test_retry.py``):

* ``0 <= delay(a) <= max_delay``; ``backoff(a)`` (the delay before jitter) never decreases in ``a``;
* a call makes at most ``max_attempts`` attempts and sleeps at most ``max_total`` seconds in all;
* every error kind and status class is classified as the table above says, ``x-should-retry`` first;
* a server wait above the cap, or content already received, gives up with that reason;
* ``decide`` is total: any state, error, ``now``, ``wall_now`` and ``u`` give a decision.
"""

from __future__ import annotations

import math
from enum import StrEnum
from typing import Literal, TypeAlias

import msgspec

from claude.pure.errors import (
    ApiError,
    AuthenticationError,
    ClaudeError,
    MalformedResponse,
    NetworkError,
    NotFound,
    Overloaded,
    PermissionDenied,
    RateLimited,
    RequestTooLarge,
    ServerError,
    StreamTruncated,
    Timeout,
)

__all__ = [
    "Decision",
    "GiveUp",
    "GiveUpReason",
    "RetryAfter",
    "RetryPolicy",
    "RetryState",
    "RetryStep",
    "backoff",
    "classify",
    "decide",
    "delay",
    "sent",
    "start",
    "time_left",
]


def _invalid(field: str, problem: str) -> ValueError:
    return ValueError(f"RetryPolicy.{field}: {problem}")


class RetryPolicy(msgspec.Struct, frozen=True, kw_only=True):
    """How many times and how long to retry a call: budgets on attempts and time, and the backoff.

    ``max_attempts`` counts every attempt, the first included (so 4 means up to 3 retries);
    ``max_total`` bounds the time from ``start`` to the end of the last sleep (``inf`` for none);
    ``max_delay`` caps one sleep, ours or the server's; ``jitter`` is the largest share by which
    a backoff sleep is shortened at random. ``retry_after_sent`` says whether a failure after
    the request may have reached the server is retried (see ``sent``). A bad value raises
    ``ValueError`` naming the field.
    """

    max_attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 8.0
    max_total: float = 60.0
    multiplier: float = 2.0
    jitter: float = 0.25
    retry_after_sent: bool = True

    def __post_init__(self) -> None:
        numbers: tuple[tuple[str, object], ...] = (
            ("max_attempts", self.max_attempts),
            ("base_delay", self.base_delay),
            ("max_delay", self.max_delay),
            ("max_total", self.max_total),
            ("multiplier", self.multiplier),
            ("jitter", self.jitter),
        )
        for name, number in numbers:
            if not isinstance(number, int | float) or isinstance(number, bool):
                raise _invalid(name, f"must be a number, not {number!r}")
        attempts: object = self.max_attempts
        if not isinstance(attempts, int):
            raise _invalid("max_attempts", f"must be a whole number, not {self.max_attempts!r}")
        if self.max_attempts < 1:
            raise _invalid(
                "max_attempts", f"must be at least 1 (the first attempt), not {self.max_attempts}"
            )
        for name, value in (("base_delay", self.base_delay), ("max_delay", self.max_delay)):
            if not 0.0 <= value < math.inf:
                raise _invalid(name, f"must be a finite number of seconds >= 0, not {value!r}")
        if not self.max_total >= 0.0:
            raise _invalid(
                "max_total", f"must be seconds >= 0 (inf for no limit), not {self.max_total!r}"
            )
        if not 1.0 <= self.multiplier < math.inf:
            raise _invalid("multiplier", f"must be a finite number >= 1, not {self.multiplier!r}")
        if not 0.0 <= self.jitter <= 1.0:
            raise _invalid("jitter", f"must be a share between 0 and 1, not {self.jitter!r}")
        flag: object = self.retry_after_sent
        if not isinstance(flag, bool):
            raise _invalid("retry_after_sent", f"must be True or False, not {flag!r}")


class RetryStep(msgspec.Struct, frozen=True, kw_only=True):
    """One retry decided: the attempt that failed, its error, the sleep chosen and who chose it."""

    attempt: int
    error: ClaudeError
    delay: float
    source: Literal["server", "backoff"]
    at: float


class RetryState(msgspec.Struct, frozen=True, kw_only=True):
    """Where a call stands: attempts finished, when it started, seconds slept, each retry so far."""

    started_at: float
    attempts: int = 0
    waited: float = 0.0
    history: tuple[RetryStep, ...] = ()


class GiveUpReason(StrEnum):
    """Why retrying stopped."""

    NOT_RETRYABLE = "not_retryable"
    REQUEST_SENT = "request_sent"
    CONTENT_ARRIVED = "content_arrived"
    ATTEMPTS_EXHAUSTED = "attempts_exhausted"
    SERVER_WAIT_BEYOND_CAP = "server_wait_beyond_cap"
    TIME_BUDGET = "time_budget"


_REASON_TEXT: dict[GiveUpReason, str] = {
    GiveUpReason.NOT_RETRYABLE: "the error is not one that a retry can fix",
    GiveUpReason.REQUEST_SENT: "the request may have reached the server (retry_after_sent)",
    GiveUpReason.CONTENT_ARRIVED: "part of the reply had already arrived",
    GiveUpReason.ATTEMPTS_EXHAUSTED: "every allowed attempt was used",
    GiveUpReason.SERVER_WAIT_BEYOND_CAP: "the server asked for a wait longer than max_delay",
    GiveUpReason.TIME_BUDGET: "the next wait would run past max_total",
}


class RetryAfter(msgspec.Struct, frozen=True):
    """Sleep ``delay`` seconds, then send again and pass ``state`` to the next ``decide``."""

    delay: float
    state: RetryState


class GiveUp(msgspec.Struct, frozen=True):
    """Stop and return ``error``; ``reason`` says why and ``state`` holds the attempts made."""

    error: ClaudeError
    reason: GiveUpReason
    state: RetryState

    def line(self) -> str:
        """Why the call ended, in one line."""
        n = self.state.attempts
        return f"gave up after {n} attempt{'s' if n != 1 else ''}: {_REASON_TEXT[self.reason]}"


Decision: TypeAlias = RetryAfter | GiveUp


def start(*, now: float) -> RetryState:
    """The state of a call about to make its first attempt, started at ``now`` (monotonic seconds).

    >>> start(now=10.0)
    RetryState(started_at=10.0, attempts=0, waited=0.0, history=())
    """
    return RetryState(started_at=now)


# --- classification ----------------------------------------------------------------------

# The status each documented ``error.type`` comes with (api-reference §11.2), for errors that
# arrive mid-stream, where the HTTP status is 200.
_TYPE_STATUS: dict[str, int] = {
    "invalid_request_error": 400,
    "authentication_error": 401,
    "billing_error": 402,
    "permission_error": 403,
    "not_found_error": 404,
    "conflict_error": 409,
    "request_too_large": 413,
    "rate_limit_error": 429,
    "api_error": 500,
    "timeout_error": 504,
    "overloaded_error": 529,
}

# The kinds whose meaning fixes the status class, whatever status they carry.
_KIND_STATUS: tuple[tuple[type[ApiError], int], ...] = (
    (RateLimited, 429),
    (Overloaded, 529),
    (ServerError, 500),
    (AuthenticationError, 401),
    (PermissionDenied, 403),
    (NotFound, 404),
    (RequestTooLarge, 413),
)


def _retryable_status(status: int) -> bool:
    return status in (408, 409, 429) or status >= 500


def _status_class(error: ApiError) -> int:
    """The status class of an API error: by kind, else by status, else (mid-stream) by type."""
    for kind, status in _KIND_STATUS:
        if isinstance(error, kind):
            return status
    if error.status != 200:
        return error.status
    return _TYPE_STATUS.get(error.error_type, 400)  # an unknown mid-stream type: assume our fault


def classify(error: ClaudeError) -> bool:
    """Whether a retry could fix ``error``: ``x-should-retry`` if sent, else by kind and status.

    Retried: 408, 409, 429, 5xx (529 included), network errors, streams cut short, timeouts except
    ``phase == "total"`` (the caller's own deadline), and a malformed answer with a retryable status
    (a proxy's HTML 502). Not retried: every other 4xx, errors in how we were called, refusals by a
    policy, malformed streams, and a malformed 200.

    >>> classify(ServerError(status=503, error_type="api_error", message="down"))
    True
    >>> classify(NotFound(status=404, error_type="not_found_error", message="no such model"))
    False
    """
    match error:
        case ApiError(retry=hint):
            if hint.should_retry is not None:
                return hint.should_retry
            return _retryable_status(_status_class(error))
        case MalformedResponse(status=status):
            return status != 200 and _retryable_status(status)
        case NetworkError() | StreamTruncated():
            return True
        case Timeout(phase=phase):
            return phase != "total"
        case _:
            return False


def sent(error: ClaudeError) -> bool:
    """Whether the failed request may have reached the server (so a retry could run it twice).

    Connect failures (``NetworkError``/``Timeout`` with ``phase`` ``connect``, or ``pool``: no
    connection was free) did not; a read failure, an idle stream or a cut stream may have. An API
    answer says the server saw the request but also, by its status, whether it acted on it: it is
    left to ``classify``.

    >>> sent(NetworkError(problem="refused", phase="connect")), sent(Timeout(phase="read"))
    (False, True)
    """
    match error:
        case NetworkError(phase=phase) | Timeout(phase=phase):
            return phase not in ("connect", "pool")
        case StreamTruncated():
            return True
        case _:
            return False


# --- backoff -----------------------------------------------------------------------------


def backoff(attempt: int, *, policy: RetryPolicy) -> float:
    """The sleep after failed attempt number ``attempt`` (1-based), before jitter.

    ``backoff(attempt) = min(max_delay, base_delay * multiplier ** (attempt - 1))``

    >>> [backoff(a, policy=RetryPolicy()) for a in range(1, 7)]
    [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
    """
    steps = max(0, attempt - 1)
    base, cap, mult = policy.base_delay, policy.max_delay, policy.multiplier
    if base <= 0.0 or cap <= 0.0:
        return 0.0
    if mult > 1.0:
        # Past this many steps the cap always wins; stopping there keeps ``**`` small.
        steps = min(steps, max(0, math.ceil((math.log(cap) - math.log(base)) / math.log(mult)) + 1))
    try:
        return min(cap, base * mult**steps)
    except OverflowError:  # only for absurd spans such as base 1e-300 and cap 1e300
        return cap


def delay(attempt: int, *, policy: RetryPolicy, u: float) -> float:
    """The backoff sleep after failed attempt ``attempt``, with jitter from the sample ``u``.

    ``delay(attempt) = min(max_delay, base_delay * multiplier ** (attempt - 1)) * (1 - jitter * u)``

    ``u`` is uniform in ``[0, 1)`` (clamped into ``[0, 1]``), so the factor lies in
    ``(1 - jitter, 1]`` and the result in ``[0, max_delay]``.

    >>> delay(3, policy=RetryPolicy(), u=0.0), delay(3, policy=RetryPolicy(), u=0.5)
    (2.0, 1.75)
    """
    sample = min(1.0, max(0.0, u)) if not math.isnan(u) else 0.0
    return backoff(attempt, policy=policy) * (1.0 - policy.jitter * sample)


def time_left(state: RetryState, *, policy: RetryPolicy, now: float) -> float:
    """Seconds of the time budget left at ``now`` (never negative; ``inf`` without a budget).

    >>> time_left(start(now=0.0), policy=RetryPolicy(max_total=60.0), now=45.0)
    15.0
    """
    return max(0.0, policy.max_total - _elapsed(state, now))


def _elapsed(state: RetryState, now: float) -> float:
    # The larger of the clock's word and the sleeps we know of: a clock that stands still (or a
    # caller passing the same ``now``) cannot make the budget last for ever. The clock comes last
    # so that a NaN reading loses every comparison and the sleeps decide.
    return max(state.waited, 0.0, now - state.started_at)


def _server_wait(error: ClaudeError, wall_now: float) -> float | None:
    if not isinstance(error, ApiError):
        return None
    wait = error.retry.wait(wall_now=wall_now)
    if wait is None or math.isnan(wait):
        return None
    return max(0.0, wait)


def decide(
    state: RetryState,
    error: ClaudeError,
    *,
    policy: RetryPolicy,
    now: float,
    wall_now: float,
    u: float,
) -> Decision:
    """After a failed attempt: ``RetryAfter(delay, state)`` or ``GiveUp(error, reason, state)``.

    The checks run in the order of the module docstring: retryable, not sent twice, nothing
    received yet, attempts left, server wait within ``max_delay``, sleep ending within ``max_total``.

    >>> err = Overloaded(status=529, error_type="overloaded_error", message="busy")
    >>> decide(start(now=0.0), err, policy=RetryPolicy(), now=1.0, wall_now=0.0, u=0.0).delay
    0.5
    """
    attempt = state.attempts + 1
    counted = RetryState(
        started_at=state.started_at, attempts=attempt, waited=state.waited, history=state.history
    )
    if not classify(error):
        return GiveUp(error, GiveUpReason.NOT_RETRYABLE, counted)
    if not policy.retry_after_sent and sent(error):
        return GiveUp(error, GiveUpReason.REQUEST_SENT, counted)
    if error.partial is not None:
        return GiveUp(error, GiveUpReason.CONTENT_ARRIVED, counted)
    if attempt >= policy.max_attempts:
        return GiveUp(error, GiveUpReason.ATTEMPTS_EXHAUSTED, counted)
    server = _server_wait(error, wall_now)
    if server is not None and server > policy.max_delay:
        return GiveUp(error, GiveUpReason.SERVER_WAIT_BEYOND_CAP, counted)
    source: Literal["server", "backoff"] = "server" if server is not None else "backoff"
    sleep = server if server is not None else delay(attempt, policy=policy, u=u)
    if _elapsed(state, now) + sleep > policy.max_total:
        return GiveUp(error, GiveUpReason.TIME_BUDGET, counted)
    step = RetryStep(attempt=attempt, error=error, delay=sleep, source=source, at=now)
    return RetryAfter(
        sleep,
        RetryState(
            started_at=state.started_at,
            attempts=attempt,
            waited=state.waited + sleep,
            history=(*state.history, step),
        ),
    )
