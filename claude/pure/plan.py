"""The call plan: one call under rate limit, breaker, failover and retry, as a pure machine.

Theory of operation
-------------------
The shell holds the shared policy state (``RateLimiter``, ``CircuitBreaker``, ``Failover``
holders, each behind a lock) and the clock; this machine holds one call's own state and decides
every step. The shell tells it what happened (an *input*) and does what it answers, nothing else::

    answer = start(config, now=...)
    while not isinstance(answer, Done):
        fact = perform(answer)                 # sleep, ask a holder, or send one request
        state, answer = advance(state, fact, config=..., now=..., wall_now=..., u=...)

The order per attempt is fixed: rate limit -> breaker -> failover endpoint -> send -> report
(breaker and endpoint health) -> retry. The machine is a literal table from (step, kind of input)
to a handler, read by a small interpreter (``advance``), in the style of h11:

=========== ===================== ===============================================================
step        input                 answer
=========== ===================== ===============================================================
LIMIT       ``Rate(wait)``        ``AskAdmit`` (wait 0), ``Sleep`` (then ``LIMIT`` again), or
                                  ``Done(Throttled)`` with ``nowait``
LIMIT       ``Refused(error)``    ``Done(error)`` blamed on the rate limit
ADMIT       ``Admitted(ticket)``  ``AskEndpoint`` with failover, else ``Send``
ADMIT       ``Refused(error)``    ``Done(error)`` blamed on the breaker
SELECT      ``Selected(url)``     ``Send`` to that endpoint
SELECT      ``Refused(error)``    a fresh pass (``AskEndpoint(fresh=True)``) if retry asked for
                                  more and every endpoint was tried once, else ``Release`` the
                                  breaker's ticket and ``Done(error)`` blamed on failover
SEND        ``Sent(error)``       ``Report`` (breaker and endpoint health learn the outcome)
SEND        ``Interrupted``       ``Release`` the ticket and stop (no verdict; the shell re-raises)
REPORT      ``Reported``          ``Done`` on success; else retry's ``Sleep`` (then ``LIMIT``),
                                  the next endpoint (failover alone), or ``Done(error)``
SLEEP       ``Slept``             the next attempt: ``AskRate`` or the step after it
RELEASE     ``Reported``          ``Done`` with the error kept
=========== ===================== ===============================================================

Any other (step, input) pair is out of order: the state is kept and the same answer repeated
(``pending``), so the table is total. Endpoint health is judged by the breaker's own ``counts``
rule when there is a breaker (``healthy`` in ``Report``), else by ``default_counts``.

Invariants (checked by ``tests/property/test_plan.py``): every (step, input) pair gives a valid
state and an answer; the machine makes the same requests, sleeps, reports and verdict as the
straight-line reference model in the tests; at most ``max_attempts`` sends with retry; every
``Admitted`` ticket is reported or released exactly once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Final, TypeAlias

import msgspec

from claude.pure import retry
from claude.pure.breaker import default_counts
from claude.pure.errors import ClaudeError, Throttled
from claude.pure.failover import AttemptContext
from claude.pure.record import (
    AttemptRecord,
    CallRecord,
    FailedBy,
    add_attempt,
    add_wait,
    blame,
    fail,
)
from claude.pure.retry import GiveUp, RetryAfter, RetryPolicy, RetryState

__all__ = [
    "Admitted",
    "Answer",
    "AskAdmit",
    "AskEndpoint",
    "AskRate",
    "Done",
    "Input",
    "Interrupted",
    "PlanConfig",
    "PlanState",
    "Rate",
    "Refused",
    "Release",
    "Report",
    "Reported",
    "Selected",
    "Send",
    "Sent",
    "Sleep",
    "Slept",
    "Step",
    "advance",
    "pending",
    "start",
]


class PlanConfig(msgspec.Struct, frozen=True, kw_only=True):
    """Which layers this call runs under; the policies' state stays with the shell."""

    retry: RetryPolicy | None = None
    limiter: bool = False
    breaker: bool = False
    failover: bool = False
    nowait: bool = False
    counts: Callable[[ClaudeError], bool] = default_counts
    endpoint: str = ""
    """The endpoint attempts are recorded under without failover."""


class Step(StrEnum):
    """Where the call stands: what the machine waits to be told."""

    LIMIT = "limit"
    ADMIT = "admit"
    SELECT = "select"
    SEND = "send"
    REPORT = "report"
    SLEEP = "sleep"
    RELEASE = "release"
    DONE = "done"


class PlanState(msgspec.Struct, frozen=True, kw_only=True):
    """One call's memory: where it is, the retry state, the endpoints it tried, the attempt in
    flight (its ticket, endpoint, start) and the record so far."""

    step: Step
    retry: RetryState
    context: AttemptContext = msgspec.field(default_factory=AttemptContext)
    number: int = 0
    record: CallRecord = msgspec.field(default_factory=CallRecord)
    ticket: int | None = None
    endpoint: str | None = None
    started: float = 0.0
    error: ClaudeError | None = None
    answer: Answer | None = None


# --- inputs: what the shell observed ---------------------------------------------------------


class Rate(msgspec.Struct, frozen=True):
    """The limiter's word: admitted now (``0.0``) or the seconds to wait before asking again."""

    wait: float


class Admitted(msgspec.Struct, frozen=True):
    """The breaker let the attempt go, with this ticket."""

    ticket: int


class Selected(msgspec.Struct, frozen=True):
    """Failover chose this endpoint; ``context`` is the call's updated memory."""

    url: str
    context: AttemptContext


class Refused(msgspec.Struct, frozen=True):
    """The layer asked refused: the limiter (bad policy), the breaker or failover."""

    error: ClaudeError


class Sent(msgspec.Struct, frozen=True):
    """The request was made: its error, ``None`` on success."""

    error: ClaudeError | None


class Interrupted(msgspec.Struct, frozen=True):
    """The send was interrupted (cancelled, Ctrl-C): no verdict on the service."""


class Reported(msgspec.Struct, frozen=True):
    """The shell applied the last ``Report`` or ``Release``."""


class Slept(msgspec.Struct, frozen=True):
    """The shell slept the last ``Sleep``."""


Input: TypeAlias = Rate | Admitted | Selected | Refused | Sent | Interrupted | Reported | Slept


# --- answers: what the shell does next --------------------------------------------------------


class AskRate(msgspec.Struct, frozen=True):
    """Ask the limiter for this attempt; tell ``Rate`` or ``Refused``."""


class AskAdmit(msgspec.Struct, frozen=True):
    """Ask the breaker for this attempt; tell ``Admitted`` or ``Refused``."""


class AskEndpoint(msgspec.Struct, frozen=True):
    """Ask failover for an endpoint this call has not tried (``context``); tell ``Selected`` or
    ``Refused``. ``fresh`` says a new pass over the endpoints begins."""

    context: AttemptContext
    fresh: bool = False


class Send(msgspec.Struct, frozen=True):
    """Make the request (to ``endpoint`` if given); tell ``Sent`` or ``Interrupted``."""

    endpoint: str | None
    attempt: int


class Report(msgspec.Struct, frozen=True):
    """Tell the breaker (with ``ticket``) and the endpoint's health the outcome; tell
    ``Reported``."""

    error: ClaudeError | None
    ticket: int | None
    endpoint: str | None
    healthy: bool


class Release(msgspec.Struct, frozen=True):
    """Free the breaker's ticket (the attempt ended with no verdict); tell ``Reported``."""

    ticket: int | None


class Sleep(msgspec.Struct, frozen=True):
    """Sleep ``seconds``; tell ``Slept``."""

    seconds: float


class Done(msgspec.Struct, frozen=True):
    """The call is over: ``error`` is ``None`` on success (the shell keeps the reply)."""

    error: ClaudeError | None
    record: CallRecord


Answer: TypeAlias = AskRate | AskAdmit | AskEndpoint | Send | Report | Release | Sleep | Done


# --- the interpreter ------------------------------------------------------------------------


def start(config: PlanConfig, *, now: float) -> tuple[PlanState, Answer]:
    """The state of a call about to make its first attempt, and the first thing to do."""
    state = PlanState(step=Step.LIMIT, retry=retry.start(now=now))
    return _next_attempt(state, config, now)


def pending(state: PlanState) -> Answer:
    """What the machine is waiting on (the answer it gave last)."""
    if state.answer is not None:
        return state.answer
    return Done(error=state.error, record=state.record)


def advance(
    state: PlanState, fact: Input, *, config: PlanConfig, now: float, wall_now: float, u: float
) -> tuple[PlanState, Answer]:
    """The state after ``fact`` and what to do next; an out-of-order fact changes nothing."""
    handler = _TABLE.get((state.step, type(fact)))
    if handler is None:
        return state, pending(state)
    return handler(state, fact, _Env(config, now, wall_now, u))


class _Env(msgspec.Struct, frozen=True):
    config: PlanConfig
    now: float
    wall_now: float
    u: float


def _answer(
    state: PlanState, step: Step, answer: Answer, **changes: object
) -> tuple[PlanState, Answer]:
    fields: dict[str, object] = {f: getattr(state, f) for f in state.__struct_fields__}
    fields.update(changes, step=step, answer=answer)
    return PlanState(**fields), answer  # type: ignore[arg-type]


def _done(
    state: PlanState, error: ClaudeError | None, record: CallRecord
) -> tuple[PlanState, Answer]:
    done = Done(error=error, record=record)
    return _answer(state, Step.DONE, done, record=record, error=error)


def _ended(state: PlanState, error: ClaudeError, by: FailedBy) -> tuple[PlanState, Answer]:
    return _done(state, error, fail(state.record, by))


def _next_attempt(state: PlanState, config: PlanConfig, now: float) -> tuple[PlanState, Answer]:
    """The first step of an attempt: the limiter, else the breaker, else the endpoint, else send."""
    if config.limiter:
        return _answer(state, Step.LIMIT, AskRate())
    return _after_limit(state, config, now)


def _after_limit(state: PlanState, config: PlanConfig, now: float) -> tuple[PlanState, Answer]:
    if config.breaker:
        return _answer(state, Step.ADMIT, AskAdmit(), ticket=None)
    return _after_admit(state, config, None, now)


def _after_admit(
    state: PlanState, config: PlanConfig, ticket: int | None, now: float
) -> tuple[PlanState, Answer]:
    if config.failover:
        return _answer(state, Step.SELECT, AskEndpoint(state.context), ticket=ticket)
    return _send(state, None, ticket, state.context, now)


def _send(
    state: PlanState,
    endpoint: str | None,
    ticket: int | None,
    context: AttemptContext,
    now: float,
) -> tuple[PlanState, Answer]:
    number = state.number + 1
    return _answer(
        state,
        Step.SEND,
        Send(endpoint=endpoint, attempt=number),
        number=number,
        ticket=ticket,
        endpoint=endpoint,
        context=context,
        started=now,
        error=None,
    )


def _on_rate(state: PlanState, fact: Input, env: _Env) -> tuple[PlanState, Answer]:
    assert isinstance(fact, Rate)
    if fact.wait <= 0.0:
        return _after_limit(state, env.config, env.now)
    if env.config.nowait:
        return _ended(state, Throttled(wait=fact.wait), "rate_limit")
    record = add_wait(state.record, fact.wait)
    return _answer(state, Step.SLEEP, Sleep(fact.wait), record=record, error=None)


def _on_limit_refused(state: PlanState, fact: Input, env: _Env) -> tuple[PlanState, Answer]:
    assert isinstance(fact, Refused)
    return _ended(state, fact.error, "rate_limit")


def _on_admitted(state: PlanState, fact: Input, env: _Env) -> tuple[PlanState, Answer]:
    assert isinstance(fact, Admitted)
    return _after_admit(state, env.config, fact.ticket, env.now)


def _on_admit_refused(state: PlanState, fact: Input, env: _Env) -> tuple[PlanState, Answer]:
    assert isinstance(fact, Refused)
    return _ended(state, fact.error, "breaker")


def _on_selected(state: PlanState, fact: Input, env: _Env) -> tuple[PlanState, Answer]:
    assert isinstance(fact, Selected)
    return _send(state, fact.url, state.ticket, fact.context, env.now)


def _on_select_refused(state: PlanState, fact: Input, env: _Env) -> tuple[PlanState, Answer]:
    assert isinstance(fact, Refused)
    answer = state.answer
    fresh = isinstance(answer, AskEndpoint) and answer.fresh
    if env.config.retry is not None and state.context.tried and not fresh:
        # Retry decided to go on but every endpoint was tried once: a new pass over them.
        context = AttemptContext()
        return _answer(state, Step.SELECT, AskEndpoint(context, fresh=True), context=context)
    if env.config.breaker:
        return _answer(state, Step.RELEASE, Release(state.ticket), error=fact.error, ticket=None)
    return _ended(state, fact.error, "failover")


def _on_sent(state: PlanState, fact: Input, env: _Env) -> tuple[PlanState, Answer]:
    assert isinstance(fact, Sent)
    error = fact.error
    healthy = error is None or not env.config.counts(error)
    context = state.context.failed(error) if error is not None else state.context
    report = Report(error=error, ticket=state.ticket, endpoint=state.endpoint, healthy=healthy)
    attempt = AttemptRecord(
        attempt=state.number,
        endpoint=state.endpoint or env.config.endpoint,
        started_at=state.started,
        elapsed=env.now - state.started,
        error=error,
    )
    pending_record = add_attempt(state.record, attempt) if error is None else state.record
    return _answer(
        state,
        Step.REPORT,
        report,
        context=context,
        error=error,
        record=pending_record,
        ticket=None,
    )


def _on_interrupted(state: PlanState, fact: Input, env: _Env) -> tuple[PlanState, Answer]:
    # The call is over with no verdict: the shell frees the ticket and re-raises what
    # interrupted it; nothing follows.
    return _answer(state, Step.DONE, Release(state.ticket), ticket=None, error=None)


def _on_reported(state: PlanState, fact: Input, env: _Env) -> tuple[PlanState, Answer]:
    error = state.error
    if error is None:
        return _done(state, None, state.record)
    attempt = AttemptRecord(
        attempt=state.number,
        endpoint=state.endpoint or env.config.endpoint,
        started_at=state.started,
        elapsed=env.now - state.started,
        error=error,
    )
    policy = env.config.retry
    if policy is not None:
        decision = retry.decide(
            state.retry, error, policy=policy, now=env.now, wall_now=env.wall_now, u=env.u
        )
        match decision:
            case RetryAfter(delay=delay, state=after):
                waited = AttemptRecord(
                    attempt=attempt.attempt,
                    endpoint=attempt.endpoint,
                    started_at=attempt.started_at,
                    elapsed=attempt.elapsed,
                    error=error,
                    wait=delay,
                )
                record = add_attempt(state.record, waited)
                return _answer(state, Step.SLEEP, Sleep(delay), retry=after, record=record)
            case GiveUp(reason=reason):
                record = add_attempt(state.record, attempt)
                return _done(state, error, fail(record, blame(error, reason=reason)))
    record = add_attempt(state.record, attempt)
    if env.config.failover and retry.classify(error):
        # Failover alone: the next endpoint, until none is left.
        moved = PlanState(
            step=Step.SLEEP,
            retry=state.retry,
            context=state.context,
            number=state.number,
            record=record,
            error=error,
        )
        return _next_attempt(moved, env.config, env.now)
    return _done(state, error, fail(record, "request"))


def _on_released(state: PlanState, fact: Input, env: _Env) -> tuple[PlanState, Answer]:
    error = state.error
    if error is None:  # not reachable by the table's paths; total all the same
        return _done(state, None, state.record)
    return _ended(state, error, "failover")


def _on_slept(state: PlanState, fact: Input, env: _Env) -> tuple[PlanState, Answer]:
    return _next_attempt(state, env.config, env.now)


_Handler = Callable[[PlanState, Input, _Env], tuple[PlanState, Answer]]

_TABLE: Final[Mapping[tuple[Step, type], _Handler]] = {
    (Step.LIMIT, Rate): _on_rate,
    (Step.LIMIT, Refused): _on_limit_refused,
    (Step.ADMIT, Admitted): _on_admitted,
    (Step.ADMIT, Refused): _on_admit_refused,
    (Step.SELECT, Selected): _on_selected,
    (Step.SELECT, Refused): _on_select_refused,
    (Step.SEND, Sent): _on_sent,
    (Step.SEND, Interrupted): _on_interrupted,
    (Step.REPORT, Reported): _on_reported,
    (Step.RELEASE, Reported): _on_released,
    (Step.SLEEP, Slept): _on_slept,
}
"""The whole machine: (step, kind of input) -> handler. Pairs not listed are out of order."""
