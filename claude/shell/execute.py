"""``execute_with_*``: the reliability policies composed around one request, sync and async.

Theory of operation
-------------------
Every decision is the pure call plan's (``claude.pure.plan``): a machine that is told what
happened and answers what to do next. ``_drive`` is its one driver, written once for sync and
async: a generator that asks the shared holders (rate limiter, breaker, failover: quick calls
under their locks) whatever the plan asks, and yields only the two blocking actions,
``_Sleep(seconds)`` and ``_Send(request)``. ``run_plan`` performs them with ``clock.sleep`` and
a blocking send, ``arun_plan`` with ``clock.asleep`` and an awaited one; those two trampolines
are the only code that differs between sync and async (the sans-I/O pattern of h11).

The plan is generic in what a send produces: a ``Message`` for ``execute_with_*``, an opened
stream attempt for ``stream_with_retries`` (a stream counts as answered once its first content
arrives: retrying stops there, and the breaker hears the verdict when the stream ends), so
streams get the same limiter, breaker, retry and ``observe``. The breaker hands each
admitted attempt a ticket; its report carries it, so a report from a call admitted before a trip
can neither free a probe slot nor close the breaker.

The order, per attempt, is fixed and documented::

    rate limit -> circuit breaker -> failover endpoint -> send -> classify -> retry

* **rate limit**: wait exactly what the limiter says (or, with ``nowait``, fail ``Throttled``);
* **breaker**: refuse fast with ``CircuitOpen`` while open; no request is sent;
* **failover**: pick an endpoint this call has not tried; none left is ``NoEndpointAvailable``;
* **send**: exactly one HTTP call;
* **classify**: the outcome updates the breaker and the endpoint's health;
* **retry**: ``retry.decide`` says how long to sleep, or to give up with the error. Without a
  retry policy, failover alone moves on to the next endpoint after a retryable error.

A quota (``execute_with_quota``, or ``quota=`` on ``execute_with_enterprise_features``) comes
before all of this and once per call: ``claude.shell.metered`` reserves the estimate before the
first attempt and settles the usage of the reply the plan finally kept.

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

from claude.pure import plan
from claude.pure.breaker import default_counts
from claude.pure.errors import ClaudeError, InvalidArgument
from claude.pure.failover import FailoverPolicy
from claude.pure.options import CallOptions
from claude.pure.ratelimit import endpoint_class
from claude.pure.record import CallRecord
from claude.pure.request import MESSAGES_PATH, HttpRequest
from claude.pure.retry import RetryPolicy
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

Reporter = Callable[[ClaudeError | None, bool], None]
"""Reports a stream's end to the breaker: its error (``None`` if it completed), and whether that
is a verdict on the service."""

Defer = Callable[[Reporter], None]
"""Takes the reporter of a stream attempt whose breaker report waits for the stream's end."""


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


def _drive(
    request: HttpRequest,
    policies: Policies,
    failover: Failover | None,
    *,
    clock_now: Callable[[], float],
    wall_now: Callable[[], float],
    sample: Callable[[], float],
    defer: Defer | None = None,
) -> Steps[_T]:
    """The one driver of the pure call plan (``claude.pure.plan``), for sync and async alike.

    With ``defer`` (streams), a send that succeeded is not reported to the breaker at once:
    ``defer`` receives the reporter to call when the stream ends, with its final error and
    whether that is a verdict on the service (a stream closed early or cancelled is not).

    It asks the holders what the plan asks (quick calls under their locks) and yields only the
    two blocking actions, ``_Sleep`` and ``_Send``, for ``run_plan`` / ``arun_plan`` to perform.
    Its ``if``s dispatch on the plan's answers; every decision is the plan's.
    """
    breaker, limiter = policies.breaker, policies.limiter
    config = plan.PlanConfig(
        retry=policies.retry,
        limiter=limiter is not None,
        breaker=breaker is not None,
        failover=failover is not None,
        nowait=policies.nowait,
        counts=breaker.policy.counts if breaker is not None else default_counts,
        endpoint=_base_of(request.url),
    )
    klass = endpoint_class(_api_path(request.url))
    state, answer = plan.start(config, now=clock_now())
    outcome: Result[_T, ClaudeError] | None = None
    while True:
        fact: plan.Input
        match answer:
            case plan.AskRate():
                assert limiter is not None
                asked = limiter.acquire(now=clock_now(), endpoint=klass)
                fact = (
                    plan.Rate(asked.unwrap())
                    if isinstance(asked, Success)
                    else plan.Refused(asked.failure())
                )
            case plan.AskAdmit():
                assert breaker is not None
                admitted = breaker.admit(now=clock_now())
                fact = (
                    plan.Admitted(admitted.unwrap())
                    if isinstance(admitted, Success)
                    else plan.Refused(admitted.failure())
                )
            case plan.AskEndpoint(context=context):
                assert failover is not None
                chosen = failover.select(context, u=sample())
                if isinstance(chosen, Success):
                    picked, after = chosen.unwrap()
                    fact = plan.Selected(picked.url, after)
                else:
                    fact = plan.Refused(chosen.failure())
            case plan.Send(endpoint=endpoint):
                target = request if endpoint is None else _at_endpoint(request, endpoint)
                try:
                    outcome = yield _Send(target)
                except GeneratorExit:
                    # Interrupted mid-request (Ctrl-C, cancellation): no verdict on the service;
                    # the plan says which ticket to free.
                    state, answer = plan.advance(
                        state,
                        plan.Interrupted(),
                        config=config,
                        now=clock_now(),
                        wall_now=wall_now(),
                        u=0.0,
                    )
                    if isinstance(answer, plan.Release) and breaker is not None:
                        breaker.release(now=clock_now(), ticket=answer.ticket)
                    raise
                assert outcome is not None
                fact = plan.Sent(outcome.failure() if isinstance(outcome, Failure) else None)
            case plan.Report(error=error, ticket=ticket, endpoint=endpoint, healthy=healthy):
                if breaker is not None and error is None and defer is not None:
                    defer(_reporter(breaker, ticket, clock_now))
                elif breaker is not None:
                    breaker.record(error, now=clock_now(), ticket=ticket)
                if failover is not None and endpoint is not None:
                    failover.record_outcome(endpoint, ok=healthy)
                if error is not None:
                    log.info(
                        "attempt %d to %s failed: %s",
                        state.number,
                        endpoint or config.endpoint,
                        error,
                    )
                fact = plan.Reported()
            case plan.Release(ticket=ticket):
                if breaker is not None:
                    breaker.release(now=clock_now(), ticket=ticket)
                fact = plan.Reported()
            case plan.Sleep(seconds=seconds):
                yield _Sleep(seconds)
                fact = plan.Slept()
            case plan.Done(error=error, record=record):
                if error is not None:
                    log.info("call failed (%s): %s", record.failed_by, error)
                    return Failure(error), record
                assert outcome is not None
                return outcome, record
        state, answer = plan.advance(
            state, fact, config=config, now=clock_now(), wall_now=wall_now(), u=sample()
        )


def _api_path(url: str) -> str:
    """The ``/v1/...`` path of ``url`` (its endpoint class decides the rate-limit bucket)."""
    path = url.split("?", 1)[0]
    return path[path.find("/v1/") :] if "/v1/" in path else MESSAGES_PATH


def _base_of(url: str) -> str:
    """``url`` without its ``/v1/...`` path and query: the endpoint attempts are recorded under."""
    path = url.split("?", 1)[0]
    return path[: path.find("/v1/")] if "/v1/" in path else path.removesuffix(MESSAGES_PATH)


def _at_endpoint(request: HttpRequest, endpoint: str) -> HttpRequest:
    """``request`` sent to another base URL (its path and query kept)."""
    tail = request.url[len(request.origin) :] if request.origin else MESSAGES_PATH
    path, _, query = tail.partition("?")
    api_path = path[path.find("/v1/") :] if "/v1/" in path else MESSAGES_PATH
    url = endpoint + api_path + (f"?{query}" if query else "")
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


def _reporter(
    breaker: CircuitBreaker, ticket: int | None, clock_now: Callable[[], float]
) -> Reporter:
    def report(error: ClaudeError | None, verdict: bool) -> None:
        if verdict:
            breaker.record(error, now=clock_now(), ticket=ticket)
        else:
            breaker.release(now=clock_now(), ticket=ticket)

    return report


def plan_for(
    session: Session, built: HttpRequest, policies: Policies, *, defer: Defer | None = None
) -> Result[Steps[_T], ClaudeError]:
    """The plan that will run ``built`` under ``policies`` (or why there is none)."""
    clock = session.clock
    return _failover_holder(policies.failover).map(
        lambda holder: _drive(
            built,
            policies,
            holder,
            clock_now=clock.monotonic,
            wall_now=clock.wall,
            sample=clock.sample,
            defer=defer,
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
