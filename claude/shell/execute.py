"""``execute_with_*``: the reliability policies composed around one request, sync and async.

Theory of operation
-------------------
``_plan`` is one generator that holds the whole composition and does no I/O. It yields two kinds
of action, ``_Sleep(seconds)`` and ``_Send(request)``, and is sent back the outcome of each
``_Send``. It is generic in what a send produces: a ``Message`` for ``execute_with_*``, an opened
stream attempt for ``stream_with_retries`` (a stream counts as answered once its first content
arrives), so streams get the same limiter, breaker, failover, retry and ``observe``. The sync
driver performs actions with ``clock.sleep`` and a blocking send; the async driver with
``clock.asleep`` and an awaited send. So sync and async behave identically by construction (the
sans-I/O pattern of h11), and each policy's decisions stay in its pure module.

The breaker hands each admitted attempt a ticket; the attempt's report carries it, so a report
from a call admitted before a trip can neither free a probe slot nor close the breaker.

The order, per attempt, is fixed and documented::

    rate limit -> circuit breaker -> failover endpoint -> send -> classify -> retry

* **rate limit**: wait exactly what the limiter says (or, with ``nowait``, fail ``Throttled``);
* **breaker**: refuse fast with ``CircuitOpen`` while open; no request is sent;
* **failover**: pick an endpoint this call has not tried; none left is ``NoEndpointAvailable``;
* **send**: exactly one HTTP call;
* **classify**: the outcome updates the breaker and the endpoint's health;
* **retry**: ``retry.decide`` says how long to sleep, or to give up with the error. Without a
  retry policy, failover alone moves on to the next endpoint after a retryable error.

Every call can be observed: ``observe`` receives the ``CallRecord`` (attempts, endpoints, waits,
errors, and which policy ended a failed call), and the ``claude`` logger gets a line per attempt.
The key is never logged.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Generator
from typing import TypeVar

import msgspec
from returns.result import Failure, Result, Success

from claude.pure import retry
from claude.pure.breaker import default_counts
from claude.pure.errors import ClaudeError, InvalidArgument, Throttled
from claude.pure.failover import AttemptContext, FailoverPolicy
from claude.pure.options import CallOptions
from claude.pure.record import (
    AttemptRecord,
    CallRecord,
    FailedBy,
    add_attempt,
    add_wait,
    blame,
    fail,
)
from claude.pure.request import MESSAGES_PATH, HttpRequest
from claude.pure.retry import GiveUp, RetryAfter, RetryPolicy
from claude.pure.settings import check_base_url
from claude.pure.wire import Message
from claude.shell.holders import CircuitBreaker, Failover, RateLimiter
from claude.shell.session import NO_OPTIONS, MessageParams, Session

__all__ = [
    "Observer",
    "Policies",
    "Steps",
    "aexecute",
    "arun_plan",
    "execute",
    "plan_for",
    "run_plan",
]

log = logging.getLogger("claude")

_T = TypeVar("_T")

Observer = Callable[[CallRecord], None]
"""Receives the record of each call made with a policy."""


class Policies(msgspec.Struct, frozen=True, kw_only=True):
    """The policies one call runs under; ``None`` leaves a layer out.

    ``failover`` may be a policy (endpoint health then lives for this call only) or a
    ``Failover`` holder (health kept across calls); the plan always sees a holder.
    """

    retry: RetryPolicy | None = None
    breaker: CircuitBreaker | None = None
    limiter: RateLimiter | None = None
    failover: FailoverPolicy | Failover | None = None
    nowait: bool = False


class _Sleep(msgspec.Struct, frozen=True):
    seconds: float


class _Send(msgspec.Struct, frozen=True):
    request: HttpRequest


_Action = _Sleep | _Send


def _plan(
    request: HttpRequest,
    policies: Policies,
    failover: Failover | None,
    *,
    clock_now: Callable[[], float],
    wall_now: Callable[[], float],
    sample: Callable[[], float],
) -> Generator[_Action, Result[_T, ClaudeError] | None, tuple[Result[_T, ClaudeError], CallRecord]]:
    """The composed call as a sequence of actions; returns the outcome and its record."""
    record = CallRecord()
    state = retry.start(now=clock_now())
    context = AttemptContext()
    number = 0
    breaker = policies.breaker
    counts = breaker.policy.counts if breaker is not None else None

    def ended(error: ClaudeError, by: FailedBy) -> tuple[Result[_T, ClaudeError], CallRecord]:
        log.info("call failed (%s): %s", by, error)
        return Failure(error), fail(record, by)

    while True:
        # 1. rate limit: wait exactly as long as the limiter says.
        if policies.limiter is not None:
            while True:
                asked = policies.limiter.acquire(now=clock_now())
                if isinstance(asked, Failure):
                    return ended(asked.failure(), "rate_limit")
                wait = asked.unwrap()
                if wait == 0.0:
                    break
                if policies.nowait:
                    return ended(Throttled(wait=wait), "rate_limit")
                record = add_wait(record, wait)
                yield _Sleep(wait)
        # 2. breaker: fail fast while open; an admitted attempt holds a ticket.
        ticket: int | None = None
        if breaker is not None:
            admitted = breaker.admit(now=clock_now())
            if isinstance(admitted, Failure):
                return ended(admitted.failure(), "breaker")
            ticket = admitted.unwrap()
        # 3. failover: an endpoint this call has not tried.
        endpoint: str | None = None
        attempt_request = request
        if failover is not None:
            chosen = failover.select(context, u=sample())
            if isinstance(chosen, Failure) and policies.retry is not None and context.tried:
                # Retry decided to go on but every endpoint was tried once: a new pass over them.
                context = AttemptContext()
                chosen = failover.select(context, u=sample())
            if isinstance(chosen, Failure):
                if breaker is not None:
                    breaker.release(now=clock_now(), ticket=ticket)
                return ended(chosen.failure(), "failover")
            picked, context = chosen.unwrap()
            endpoint = picked.url
            attempt_request = _at_endpoint(request, endpoint)
        # 4. send: exactly one HTTP call.
        number += 1
        started = clock_now()
        try:
            outcome = yield _Send(attempt_request)
        except GeneratorExit:
            # The driver was interrupted mid-request (Ctrl-C, cancellation): the call ends with
            # no verdict on the service, so only the breaker's slot (a half-open probe) is freed.
            if breaker is not None:
                breaker.release(now=clock_now(), ticket=ticket)
            raise
        assert outcome is not None
        error = outcome.failure() if isinstance(outcome, Failure) else None
        # 5. classify: breaker and endpoint health learn the outcome.
        if breaker is not None:
            breaker.record(error, now=clock_now(), ticket=ticket)
        if failover is not None and endpoint is not None:
            # A 400 or 429 says nothing about the endpoint's health; a 5xx or a reset does. The
            # breaker's own rule decides when there is one, else the default one.
            healthy = error is None or not (counts or default_counts)(error)
            failover.record_outcome(endpoint, ok=healthy)
            if error is not None:
                context = context.failed(error)
        attempt = AttemptRecord(
            attempt=number,
            endpoint=endpoint or request.url.split("?", 1)[0].removesuffix(MESSAGES_PATH),
            started_at=started,
            elapsed=clock_now() - started,
            error=error,
        )
        if error is None:
            record = add_attempt(record, attempt)
            return outcome, record
        log.info("attempt %d to %s failed: %s", number, attempt.endpoint, error)
        # 6. retry: sleep as decided, or give up with the error.
        if policies.retry is not None:
            decision = retry.decide(
                state,
                error,
                policy=policies.retry,
                now=clock_now(),
                wall_now=wall_now(),
                u=sample(),
            )
            match decision:
                case RetryAfter(delay=delay, state=state):
                    record = add_attempt(record, msgspec.structs.replace(attempt, wait=delay))
                    yield _Sleep(delay)
                    continue
                case GiveUp(reason=reason):
                    record = add_attempt(record, attempt)
                    return ended(error, blame(error, reason=reason))
        record = add_attempt(record, attempt)
        if failover is not None and retry.classify(error):
            continue  # failover alone: the next endpoint, until none is left
        return ended(error, "request")


def _at_endpoint(request: HttpRequest, endpoint: str) -> HttpRequest:
    """``request`` sent to another base URL (its path and query kept)."""
    tail = request.url[len(request.origin) :] if request.origin else MESSAGES_PATH
    query = tail.split("?", 1)[1] if "?" in tail else ""
    url = endpoint + MESSAGES_PATH + (f"?{query}" if query else "")
    return msgspec.structs.replace(request, url=url, origin="")


def _finished(stop: StopIteration) -> tuple[Result[_T, ClaudeError], CallRecord]:
    """The plan's return value (a generator's return travels in StopIteration, untyped)."""
    outcome, record = stop.value
    assert isinstance(record, CallRecord)
    return outcome, record


def _failover_holder(
    value: FailoverPolicy | Failover | None,
) -> Result[Failover | None, ClaudeError]:
    """A holder for a failover argument, its endpoint URLs checked (https, or http to loopback)."""
    if value is None:
        return Success(None)
    holder = value if isinstance(value, Failover) else Failover(value)
    for i, endpoint in enumerate(holder.policy.by_priority):
        checked = check_base_url(endpoint.url)
        if isinstance(checked, Failure):
            problem = checked.failure().problem
            return Failure(InvalidArgument(path=f"failover.endpoints[{i}]", problem=problem))
    return Success(holder)


Steps = Generator[
    _Action, Result[_T, ClaudeError] | None, tuple[Result[_T, ClaudeError], CallRecord]
]


def plan_for(
    session: Session, built: HttpRequest, policies: Policies
) -> Result[Steps[_T], ClaudeError]:
    """The plan that will run ``built`` under ``policies`` (or why there is none)."""
    clock = session.clock
    return _failover_holder(policies.failover).map(
        lambda holder: _plan(
            built,
            policies,
            holder,
            clock_now=clock.monotonic,
            wall_now=clock.wall,
            sample=clock.sample,
        )
    )


def run_plan(
    steps: Steps[_T],
    *,
    sleep: Callable[[float], None],
    send: Callable[[HttpRequest], Result[_T, ClaudeError]],
    observe: Observer | None,
) -> Result[_T, ClaudeError]:
    """Drive a plan on this thread: sleep and send as it says, then report its record."""
    reply: Result[_T, ClaudeError] | None = None
    try:
        while True:
            action = steps.send(reply)
            if isinstance(action, _Sleep):
                sleep(action.seconds)
                reply = None
            else:
                reply = send(action.request)
    except StopIteration as stop:
        finished: tuple[Result[_T, ClaudeError], CallRecord] = _finished(stop)
        outcome, record = finished
    finally:
        steps.close()  # interrupted: the plan frees what it holds (see _plan)
    if observe is not None:
        observe(record)
    return outcome


async def arun_plan(
    steps: Steps[_T],
    *,
    sleep: Callable[[float], Awaitable[None]],
    send: Callable[[HttpRequest], Awaitable[Result[_T, ClaudeError]]],
    observe: Observer | None,
) -> Result[_T, ClaudeError]:
    """The async twin of ``run_plan``: the same steps, awaited."""
    reply: Result[_T, ClaudeError] | None = None
    try:
        while True:
            action = steps.send(reply)
            if isinstance(action, _Sleep):
                await sleep(action.seconds)
                reply = None
            else:
                reply = await send(action.request)
    except StopIteration as stop:
        finished: tuple[Result[_T, ClaudeError], CallRecord] = _finished(stop)
        outcome, record = finished
    finally:
        steps.close()  # cancelled: the plan frees what it holds (see _plan)
    if observe is not None:
        observe(record)
    return outcome


def execute(
    session: Session,
    request: MessageParams,
    policies: Policies,
    *,
    observe: Observer | None = None,
    options: CallOptions = NO_OPTIONS,
) -> Result[Message, ClaudeError]:
    """Run one request under ``policies``, on this thread."""
    planned: Result[Steps[Message], ClaudeError] = session.build(
        request, stream=False, options=options
    ).bind(lambda built: plan_for(session, built, policies))
    if isinstance(planned, Failure):
        return Failure(planned.failure())
    return run_plan(
        planned.unwrap(),
        sleep=session.clock.sleep,
        send=lambda built: session.perform(built, timeout=options.timeout),
        observe=observe,
    )


async def aexecute(
    session: Session,
    request: MessageParams,
    policies: Policies,
    *,
    observe: Observer | None = None,
    options: CallOptions = NO_OPTIONS,
) -> Result[Message, ClaudeError]:
    """The async twin of ``execute``: sleeps on the event loop, sends in a worker thread."""
    planned: Result[Steps[Message], ClaudeError] = session.build(
        request, stream=False, options=options
    ).bind(lambda built: plan_for(session, built, policies))
    if isinstance(planned, Failure):
        return Failure(planned.failure())
    return await arun_plan(
        planned.unwrap(),
        sleep=session.clock.asleep,
        send=lambda built: session.aperform(built, timeout=options.timeout),
        observe=observe,
    )
