"""Circuit breaker: stop calling an API that keeps failing; test it gently before trusting it again.

Theory of operation
-------------------
Three phases. **Closed**: calls pass; failures that *count* are tallied. After
``failure_threshold`` consecutive counted failures (or, with ``failure_rate`` set, once the last
``window`` outcomes are all in and at least that share of them failed) the breaker **opens**:
``admit`` refuses with ``CircuitOpen(retry_in=...)`` and nothing is sent. ``open_for`` seconds
later it is **half-open**: up to ``half_open_probes`` calls at a time go through as probes;
``success_threshold`` successes close it, and any counted failure opens it again for another
``open_for``.

The machine is a literal table ``_TRANSITIONS[(phase, signal)] -> (effect, next phase)`` read by a
small interpreter (``_step``, with ``_apply`` for the effects), as in h11 and h2. The shell's
events (``admit``, success, failure, release) become *signals* once the guards are read off the
state, e.g. a failure becomes ``FAILURE_TRIPS`` when it would reach the threshold; the table names
what happens for every (phase, signal) pair, so no input is ever "impossible". Outcomes reported
while open come from calls admitted before the trip and are ignored; while half-open every report
is taken as a probe's. Time enters only as ``now``: the open phase ends lazily, at the first event
after ``opened_at + open_for`` (``tick``), and ``next_change`` tells the shell when that will be
(aioquic's ``get_timer``).

Which failures count is ``BreakerPolicy.counts``, a predicate on the error value. The default,
``default_counts``, counts what says the *service* is unwell: 5xx (529 included), network errors,
timeouts and streams cut short. It never counts the caller's own mistakes (400, 401, 403, 404, 413,
bad arguments), a policy's refusal, or **429**: a rate limit is about the caller's pace, not the
service's health, and tripping on it would turn a slowdown into an outage. Build another predicate
with ``counting(*kinds)`` or any function.

Every phase change starts a new *generation* (``BreakerState.generation``). ``admit`` hands out
the generation it admitted in as a ticket; a report that carries a ticket from an earlier
generation is stale news from before a trip (or a close) and changes nothing, so it can neither
free a probe slot it never held nor close the breaker before a probe has answered. Reports
without a ticket are taken as today: while half-open, as a probe's.

The shell must report every admitted call exactly once: ``record_success``, ``record_failure``, or
``release`` for a call that ended with no verdict on the service (an error that does not count,
cancellation). ``record(state, policy, error_or_none, now=...)`` picks among the three. Reporting
frees the half-open probe slot; a probe never reported would hold its slot for ever.

Invariants (checked by ``tests/property/test_breaker.py``):

* the machine behaves as a plain reference model on every sequence of events and times;
* every (phase, signal) pair has an entry, and each leads to a valid phase;
* while open, ``admit`` refuses with ``0 < retry_in <= open_for``; half-open admits at most
  ``half_open_probes`` calls before one of them reports;
* ``0 <= probes <= half_open_probes`` and ``0 <= failures < failure_threshold`` while closed;
* a report with a ticket of an earlier generation leaves the state as it was (after ``tick``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from enum import Enum, StrEnum
from typing import Final, Literal, TypeAlias

import msgspec
from returns.result import Failure, Result, Success

from claude.pure.errors import (
    ApiError,
    CircuitOpen,
    ClaudeError,
    MalformedResponse,
    NetworkError,
    Overloaded,
    RateLimited,
    ServerError,
    StreamTruncated,
    Timeout,
)

__all__ = [
    "BreakerPolicy",
    "BreakerState",
    "Phase",
    "admit",
    "counting",
    "default_counts",
    "next_change",
    "record",
    "record_failure",
    "record_success",
    "release",
    "tick",
    "ticket",
]


def default_counts(error: ClaudeError) -> bool:
    """Whether ``error`` says the service is unwell: 5xx/529, network, timeout, stream cut short.

    Never 429 (the caller's pace), other 4xx or the caller's own mistakes.

    >>> default_counts(Overloaded(status=529, error_type="overloaded_error", message="busy"))
    True
    >>> default_counts(RateLimited(status=429, error_type="rate_limit_error", message="slow down"))
    False
    """
    match error:
        case RateLimited():
            return False
        case ServerError() | Overloaded() | NetworkError() | Timeout() | StreamTruncated():
            return True
        case ApiError(status=status) | MalformedResponse(status=status):
            return status >= 500
        case _:
            return False


def counting(*kinds: type[ClaudeError]) -> Callable[[ClaudeError], bool]:
    """A ``counts`` predicate that counts exactly the errors of these kinds (and their subkinds).

    >>> counts = counting(NetworkError, Timeout)
    >>> counts(NetworkError(problem="reset"))
    True
    >>> counts(ServerError(status=500, error_type="api_error", message="oops"))
    False
    """
    return lambda error: isinstance(error, kinds)


def _whole(value: object) -> bool:
    """A whole number >= 1 (policies come from callers; msgspec constructors check no types)."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class BreakerPolicy(msgspec.Struct, frozen=True, kw_only=True):
    """When to open, how long to stay open, and how to test the service before closing again.

    ``failure_threshold`` consecutive counted failures open the breaker; with ``failure_rate`` set
    (a share in ``(0, 1]``) it also opens once the last ``window`` outcomes are in and at least that
    share failed. ``half_open_probes`` calls may test the service at once after ``open_for``
    seconds; ``success_threshold`` successes close it. ``counts`` says which errors count. A bad
    value raises ``ValueError`` naming the field.
    """

    failure_threshold: int = 5
    open_for: float = 30.0
    half_open_probes: int = 1
    success_threshold: int = 1
    failure_rate: float | None = None
    window: int = 20
    counts: Callable[[ClaudeError], bool] = default_counts

    def __post_init__(self) -> None:
        for name, value in (
            ("failure_threshold", self.failure_threshold),
            ("half_open_probes", self.half_open_probes),
            ("success_threshold", self.success_threshold),
            ("window", self.window),
        ):
            if not _whole(value):
                raise ValueError(
                    f"BreakerPolicy.{name}: must be a whole number >= 1, not {value!r}"
                )
        if not _number(self.open_for) or not 0.0 < self.open_for < math.inf:
            raise ValueError(
                "BreakerPolicy.open_for: must be a finite number of seconds > 0, "
                f"not {self.open_for!r}"
            )
        rate = self.failure_rate
        if rate is not None and (not _number(rate) or not 0.0 < rate <= 1.0):
            raise ValueError(
                "BreakerPolicy.failure_rate: must be a share in (0, 1] or None, "
                f"not {self.failure_rate!r}"
            )


class Phase(StrEnum):
    """Where the breaker stands."""

    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class BreakerState(msgspec.Struct, frozen=True, kw_only=True):
    """The breaker's memory.

    ``failures`` and ``recent`` (the last ``window`` outcomes, ``True`` for a counted failure,
    kept only with ``failure_rate``) matter while closed; ``opened_at`` while open; ``probes`` (in
    flight) and ``successes`` while half-open. Every transition resets what the next phase does
    not use. ``generation`` counts phase changes: the ticket of the calls admitted now.
    """

    phase: Phase = Phase.CLOSED
    failures: int = 0
    recent: tuple[bool, ...] = ()
    opened_at: float = 0.0
    probes: int = 0
    successes: int = 0
    generation: int = 0


class _Signal(Enum):
    COOLED = "open_for has passed"
    ADMIT = "a call asks to go, a probe slot is free"
    ADMIT_FULL = "a call asks to go, every probe slot is taken"
    SUCCESS = "a success"
    SUCCESS_ENOUGH = "a success that reaches success_threshold"
    FAILURE = "a counted failure"
    FAILURE_TRIPS = "a counted failure that reaches the trip condition"
    RELEASE = "an admitted call ended with no verdict"


class _Effect(Enum):
    NOTHING = "nothing changes"
    PASS = "the call goes"
    REJECT = "the call is refused"
    TAKE_PROBE = "the call goes as a probe"
    COUNT_SUCCESS = "the failure run ends"
    COUNT_FAILURE = "the failure run grows"
    TRIP = "open now"
    ENTER_HALF_OPEN = "probing starts"
    PROBE_SUCCEEDED = "a probe succeeded"
    FREE_PROBE = "a probe slot is freed"
    CLOSE = "close, forgetting everything"


_P, _S, _E = Phase, _Signal, _Effect

_TRANSITIONS: Final[Mapping[tuple[Phase, _Signal], tuple[_Effect, Phase]]] = {
    # closed: calls pass, outcomes are tallied
    (_P.CLOSED, _S.COOLED): (_E.NOTHING, _P.CLOSED),
    (_P.CLOSED, _S.ADMIT): (_E.PASS, _P.CLOSED),
    (_P.CLOSED, _S.ADMIT_FULL): (_E.PASS, _P.CLOSED),  # closed has no probe slots to fill
    (_P.CLOSED, _S.SUCCESS): (_E.COUNT_SUCCESS, _P.CLOSED),
    (_P.CLOSED, _S.SUCCESS_ENOUGH): (_E.COUNT_SUCCESS, _P.CLOSED),
    (_P.CLOSED, _S.FAILURE): (_E.COUNT_FAILURE, _P.CLOSED),
    (_P.CLOSED, _S.FAILURE_TRIPS): (_E.TRIP, _P.OPEN),
    (_P.CLOSED, _S.RELEASE): (_E.NOTHING, _P.CLOSED),
    # open: everything is refused; late outcomes of calls admitted before the trip are stale news
    (_P.OPEN, _S.COOLED): (_E.ENTER_HALF_OPEN, _P.HALF_OPEN),
    (_P.OPEN, _S.ADMIT): (_E.REJECT, _P.OPEN),
    (_P.OPEN, _S.ADMIT_FULL): (_E.REJECT, _P.OPEN),
    (_P.OPEN, _S.SUCCESS): (_E.NOTHING, _P.OPEN),
    (_P.OPEN, _S.SUCCESS_ENOUGH): (_E.NOTHING, _P.OPEN),
    (_P.OPEN, _S.FAILURE): (_E.NOTHING, _P.OPEN),
    (_P.OPEN, _S.FAILURE_TRIPS): (_E.NOTHING, _P.OPEN),
    (_P.OPEN, _S.RELEASE): (_E.NOTHING, _P.OPEN),
    # half-open: a few probes; enough successes close, any counted failure re-opens
    (_P.HALF_OPEN, _S.COOLED): (_E.NOTHING, _P.HALF_OPEN),
    (_P.HALF_OPEN, _S.ADMIT): (_E.TAKE_PROBE, _P.HALF_OPEN),
    (_P.HALF_OPEN, _S.ADMIT_FULL): (_E.REJECT, _P.HALF_OPEN),
    (_P.HALF_OPEN, _S.SUCCESS): (_E.PROBE_SUCCEEDED, _P.HALF_OPEN),
    (_P.HALF_OPEN, _S.SUCCESS_ENOUGH): (_E.CLOSE, _P.CLOSED),
    (_P.HALF_OPEN, _S.FAILURE): (_E.TRIP, _P.OPEN),
    (_P.HALF_OPEN, _S.FAILURE_TRIPS): (_E.TRIP, _P.OPEN),
    (_P.HALF_OPEN, _S.RELEASE): (_E.FREE_PROBE, _P.HALF_OPEN),
}

_Event: TypeAlias = Literal["admit", "success", "failure", "release"]


def _pushed(state: BreakerState, policy: BreakerPolicy, failed: bool) -> tuple[bool, ...]:
    if policy.failure_rate is None:
        return ()
    return (*state.recent, failed)[-policy.window :]


def _trips(state: BreakerState, policy: BreakerPolicy) -> bool:
    """Whether one more counted failure meets the trip condition (read only while closed)."""
    if state.failures + 1 >= policy.failure_threshold:
        return True
    if policy.failure_rate is None:
        return False
    recent = _pushed(state, policy, True)
    return len(recent) >= policy.window and sum(recent) / len(recent) >= policy.failure_rate


def _signal(state: BreakerState, policy: BreakerPolicy, event: _Event) -> _Signal:
    """The guards read off the state: which signal this event is, here and now."""
    match event:
        case "admit":
            full = state.probes >= policy.half_open_probes
            return _S.ADMIT_FULL if full else _S.ADMIT
        case "success":
            enough = state.successes + 1 >= policy.success_threshold
            return _S.SUCCESS_ENOUGH if enough else _S.SUCCESS
        case "failure":
            return _S.FAILURE_TRIPS if _trips(state, policy) else _S.FAILURE
        case "release":
            return _S.RELEASE


def _apply(
    effect: _Effect, phase: Phase, state: BreakerState, policy: BreakerPolicy, now: float
) -> BreakerState:
    """The state after ``effect``, in ``phase`` (the table's next phase)."""
    match effect:
        case _E.NOTHING | _E.PASS | _E.REJECT:
            return state
        case _E.COUNT_SUCCESS | _E.COUNT_FAILURE:
            failed = effect is _E.COUNT_FAILURE
            return BreakerState(
                phase=phase,
                failures=state.failures + 1 if failed else 0,
                recent=_pushed(state, policy, failed),
                generation=state.generation,
            )
        case _E.TRIP:
            return BreakerState(phase=phase, opened_at=now, generation=state.generation + 1)
        case _E.ENTER_HALF_OPEN:
            return BreakerState(
                phase=phase, opened_at=state.opened_at, generation=state.generation + 1
            )
        case _E.TAKE_PROBE | _E.PROBE_SUCCEEDED | _E.FREE_PROBE:
            # A report with no probe in flight (a call admitted before the trip) frees nothing.
            taken = 1 if effect is _E.TAKE_PROBE else -1
            won = 1 if effect is _E.PROBE_SUCCEEDED else 0
            return BreakerState(
                phase=phase,
                opened_at=state.opened_at,
                probes=max(0, state.probes + taken),
                successes=state.successes + won,
                generation=state.generation,
            )
        case _E.CLOSE:
            return BreakerState(phase=phase, generation=state.generation + 1)


def _step(
    state: BreakerState, policy: BreakerPolicy, signal: _Signal, now: float
) -> tuple[_Effect, BreakerState]:
    """The interpreter: look the pair up, apply the effect, land in the next phase."""
    effect, phase = _TRANSITIONS[(state.phase, signal)]
    return effect, _apply(effect, phase, state, policy, now)


def tick(state: BreakerState, policy: BreakerPolicy, *, now: float) -> BreakerState:
    """The state as of ``now``: an open breaker whose ``open_for`` has passed becomes half-open.

    Every other entry point ticks first, so the shell calls this only to read the phase.

    >>> opened = BreakerState(phase=Phase.OPEN, opened_at=0.0)
    >>> tick(opened, BreakerPolicy(open_for=30.0), now=30.0).phase
    <Phase.HALF_OPEN: 'half_open'>
    """
    change = next_change(state, policy)
    if change is None or now < change:
        return state
    return _step(state, policy, _S.COOLED, now)[1]


def next_change(state: BreakerState, policy: BreakerPolicy) -> float | None:
    """When (on the caller's clock) the machine next changes by itself: ``None`` unless open.

    >>> next_change(BreakerState(phase=Phase.OPEN, opened_at=100.0), BreakerPolicy(open_for=30.0))
    130.0
    """
    return state.opened_at + policy.open_for if state.phase is Phase.OPEN else None


def _on(
    state: BreakerState,
    policy: BreakerPolicy,
    event: _Event,
    now: float,
    ticket: int | None = None,
) -> BreakerState:
    ticked = tick(state, policy, now=now)
    if ticket is not None and event != "admit" and ticket != ticked.generation:
        return ticked  # admitted in an earlier generation: stale news, changes nothing
    return _step(ticked, policy, _signal(ticked, policy, event), now)[1]


def ticket(state: BreakerState) -> int:
    """The ticket of a call just admitted into ``state`` (what ``admit`` returned): its
    generation. Pass it to ``record``/``release`` so a report from before a trip is ignored.

    >>> ticket(BreakerState(phase=Phase.HALF_OPEN, generation=2))
    2
    """
    return state.generation


def admit(
    state: BreakerState, policy: BreakerPolicy, *, now: float
) -> Result[BreakerState, CircuitOpen]:
    """Ask to send a call: the state to keep (with a probe slot taken if half-open), or a refusal.

    The refusal's ``retry_in`` is the time until the breaker half-opens; when half-open with every
    probe slot taken it is ``open_for``, the wait should the probe in flight fail (less if it
    succeeds).

    >>> admit(BreakerState(phase=Phase.OPEN, opened_at=0.0), BreakerPolicy(open_for=30.0), now=20.0)
    <Failure: circuit open: too many recent failures; calls resume in 10 s>
    """
    ticked = tick(state, policy, now=now)
    effect, after = _step(ticked, policy, _signal(ticked, policy, "admit"), now)
    if effect is not _E.REJECT:
        return Success(after)
    change = next_change(after, policy)
    # min(): rounding in ``opened_at + open_for - now`` may overshoot open_for by an ulp.
    retry_in = min(policy.open_for, change - now) if change is not None else policy.open_for
    return Failure(CircuitOpen(retry_in=retry_in))


def record_success(
    state: BreakerState, policy: BreakerPolicy, *, now: float, ticket: int | None = None
) -> BreakerState:
    """An admitted call succeeded: the failure run ends, or a probe counts toward closing."""
    return _on(state, policy, "success", now, ticket)


def record_failure(
    state: BreakerState, policy: BreakerPolicy, *, now: float, ticket: int | None = None
) -> BreakerState:
    """An admitted call failed in a way that counts: the run grows, or the breaker (re-)opens."""
    return _on(state, policy, "failure", now, ticket)


def release(
    state: BreakerState, policy: BreakerPolicy, *, now: float, ticket: int | None = None
) -> BreakerState:
    """An admitted call ended with no verdict on the service: only its probe slot is freed."""
    return _on(state, policy, "release", now, ticket)


def record(
    state: BreakerState,
    policy: BreakerPolicy,
    error: ClaudeError | None,
    *,
    now: float,
    ticket: int | None = None,
) -> BreakerState:
    """Report an admitted call's outcome: success for ``None``, failure if ``policy.counts`` it,
    else a release.

    >>> p = BreakerPolicy(failure_threshold=1)
    >>> record(BreakerState(), p, NetworkError(problem="reset"), now=0.0).phase
    <Phase.OPEN: 'open'>
    >>> record(BreakerState(), p, RateLimited(status=429, error_type="", message=""), now=0.0).phase
    <Phase.CLOSED: 'closed'>
    """
    if error is None:
        return record_success(state, policy, now=now, ticket=ticket)
    if policy.counts(error):
        return record_failure(state, policy, now=now, ticket=ticket)
    return release(state, policy, now=now, ticket=ticket)
