"""``execute_with_*``: the reliability policies composed around one request, sync and async.

Theory of operation
-------------------
``_plan`` is one generator that holds the whole composition and does no I/O. It yields two kinds
of action, ``_Sleep(seconds)`` and ``_Send(request)``, and is sent back the outcome of each
``_Send``. The sync driver performs actions with ``clock.sleep`` and ``client.perform``; the async
driver with ``clock.asleep`` and a worker thread. So sync and async behave identically by
construction (the sans-I/O pattern of h11), and each policy's decisions stay in its pure module.

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

import functools
import logging
from collections.abc import Callable, Generator, Mapping
from typing import TYPE_CHECKING

import msgspec
from returns.result import Failure, Result, Success

from claude.pure import retry
from claude.pure.breaker import default_counts
from claude.pure.errors import ClaudeError, InvalidArgument, Throttled
from claude.pure.failover import AttemptContext, FailoverPolicy
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

if TYPE_CHECKING:
    from claude.shell.client import Client, MessageParams

__all__ = ["Observer", "Policies", "aexecute", "execute"]

log = logging.getLogger("claude")

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
_Outcome = Result[Message, ClaudeError]
_Plan = Generator[_Action, _Outcome | None, tuple[_Outcome, CallRecord]]


def _plan(
    request: HttpRequest,
    policies: Policies,
    failover: Failover | None,
    *,
    clock_now: Callable[[], float],
    wall_now: Callable[[], float],
    sample: Callable[[], float],
) -> _Plan:
    """The composed call as a sequence of actions; returns the outcome and its record."""
    record = CallRecord()
    state = retry.start(now=clock_now())
    context = AttemptContext()
    number = 0

    def ended(error: ClaudeError, by: FailedBy) -> tuple[_Outcome, CallRecord]:
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
        # 2. breaker: fail fast while open.
        if policies.breaker is not None:
            admitted = policies.breaker.admit(now=clock_now())
            if isinstance(admitted, Failure):
                return ended(admitted.failure(), "breaker")
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
                if policies.breaker is not None:
                    policies.breaker.release(now=clock_now())
                return ended(chosen.failure(), "failover")
            picked, context = chosen.unwrap()
            endpoint = picked.url
            attempt_request = msgspec.structs.replace(
                request, url=endpoint + MESSAGES_PATH, origin=""
            )
        # 4. send: exactly one HTTP call.
        number += 1
        started = clock_now()
        try:
            outcome = yield _Send(attempt_request)
        except GeneratorExit:
            # The driver was interrupted mid-request (Ctrl-C, cancellation): the call ends with
            # no verdict on the service, so only the breaker's slot (a half-open probe) is freed.
            if policies.breaker is not None:
                policies.breaker.release(now=clock_now())
            raise
        assert outcome is not None
        error = outcome.failure() if isinstance(outcome, Failure) else None
        # 5. classify: breaker and endpoint health learn the outcome.
        if policies.breaker is not None:
            policies.breaker.record(error, now=clock_now())
        if failover is not None and endpoint is not None:
            # A 400 or 429 says nothing about the endpoint's health; a 5xx or a reset does.
            healthy = error is None or not default_counts(error)
            failover.record_outcome(endpoint, ok=healthy)
            if error is not None:
                context = context.failed(error)
        attempt = AttemptRecord(
            attempt=number,
            endpoint=endpoint or request.url.removesuffix(MESSAGES_PATH),
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


def _finished(stop: StopIteration) -> tuple[_Outcome, CallRecord]:
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


def _planned(
    client: Client,
    request: MessageParams,
    policies: Policies,
    extra_body: Mapping[str, object] | None,
) -> Result[_Plan, ClaudeError]:
    """The request built and checked, and the plan that will run it (or why there is none)."""

    def plan(built: HttpRequest, holder: Failover | None) -> _Plan:
        clock = client.clock
        return _plan(
            built,
            policies,
            holder,
            clock_now=clock.monotonic,
            wall_now=clock.wall,
            sample=clock.sample,
        )

    return client.build(request, extra_body=extra_body).bind(
        lambda built: _failover_holder(policies.failover).map(lambda holder: plan(built, holder))
    )


def execute(
    client: Client,
    request: MessageParams,
    policies: Policies,
    *,
    observe: Observer | None = None,
    extra_body: Mapping[str, object] | None = None,
) -> Result[Message, ClaudeError]:
    """Run one request under ``policies``, on this thread."""
    planned = _planned(client, request, policies, extra_body)
    if isinstance(planned, Failure):
        return Failure(planned.failure())
    plan = planned.unwrap()
    reply: _Outcome | None = None
    try:
        while True:
            action = plan.send(reply)
            if isinstance(action, _Sleep):
                client.clock.sleep(action.seconds)
                reply = None
            else:
                reply = client.perform(action.request)
    except StopIteration as stop:
        outcome, record = _finished(stop)
    finally:
        plan.close()  # interrupted: the plan frees what it holds (see _plan)
    if observe is not None:
        observe(record)
    return outcome


async def aexecute(
    client: Client,
    request: MessageParams,
    policies: Policies,
    *,
    observe: Observer | None = None,
    extra_body: Mapping[str, object] | None = None,
) -> Result[Message, ClaudeError]:
    """The async twin of ``execute``: sleeps on the event loop, sends in a worker thread."""
    planned = _planned(client, request, policies, extra_body)
    if isinstance(planned, Failure):
        return Failure(planned.failure())
    plan = planned.unwrap()
    reply: _Outcome | None = None
    try:
        while True:
            action = plan.send(reply)
            if isinstance(action, _Sleep):
                await client.clock.asleep(action.seconds)
                reply = None
            else:
                reply = await client._in_worker(functools.partial(client.perform, action.request))
    except StopIteration as stop:
        outcome, record = _finished(stop)
    finally:
        plan.close()  # cancelled: the plan frees what it holds (see _plan)
    if observe is not None:
        observe(record)
    return outcome
