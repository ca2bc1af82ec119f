"""Health checks: probe endpoints when asked (no background threads), many at once with anyio.

A probe is one ``HEAD`` (``ping``) or ``OPTIONS`` (``lightweight_api``) request through the
session (``transport.probe``, under the client's connection slots and thread hop); its status and
elapsed time are classified by the pure ``classify_probe``. ``check_health`` probes every endpoint
concurrently and ``aggregate`` sums the verdicts into percentages. Feed the verdicts to a
``Failover`` holder with ``failover.mark(url, report.health)``.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import anyio
from returns.result import Failure

from claude.pure.errors import InvalidArgument
from claude.pure.health import (
    HealthCheckPolicy,
    HealthMetrics,
    HealthReport,
    aggregate,
    classify_probe,
    probe_request,
)
from claude.pure.settings import check_base_url
from claude.shell import transport
from claude.shell.session import Session
from claude.shell.slots import Lease

__all__ = ["acheck_health", "check_health", "probe"]


def probe(
    session: Session, base_url: str, policy: HealthCheckPolicy, lease: Lease | None = None
) -> HealthReport:
    """One probe of ``base_url``: no answer at all is Unhealthy, never an exception."""
    given: object = base_url
    if not isinstance(given, str):
        if lease is not None:
            lease.release()
        return HealthReport(
            url=f"<{type(given).__name__}>", health=classify_probe(None, 0.0, policy)
        )
    try:
        checked = check_base_url(base_url)
    except Exception as exc:  # a hostile str subclass: unhealthy, and never a traceback
        checked = Failure(InvalidArgument(path="endpoint", problem=type(exc).__name__))
    if isinstance(checked, Failure):  # never probe what we would never send to (plain http, ...)
        if lease is not None:
            lease.release()
        return HealthReport(url=str.__repr__(base_url), health=classify_probe(None, 0.0, policy))
    request = probe_request(policy, checked.unwrap())
    clock = session.clock
    held = lease if lease is not None else session.slots.acquire(request.timeout)
    started = clock.monotonic()
    status: int | None = None
    if held is not None:
        try:
            answer = transport.probe(
                session.pool,
                request.method,
                request.url,
                timeout=request.timeout,
                timeouts=session.timeouts,
            )
        finally:
            held.release()
        # An endpoint that cannot answer is simply unhealthy: the error is the verdict.
        status = answer.value_or(None)
    elapsed = clock.monotonic() - started
    return HealthReport(
        url=checked.unwrap(),
        health=classify_probe(status, elapsed, policy),
        status=status,
        elapsed=elapsed,
    )


async def acheck_health(
    session: Session, endpoints: Sequence[str], policy: HealthCheckPolicy
) -> tuple[tuple[HealthReport, ...], HealthMetrics]:
    """Probe every endpoint concurrently; the reports in input order and their aggregate.

    One URL given as a plain string is one endpoint; an item that is not a string is reported
    Unhealthy (it cannot be probed), not raised.
    """
    if isinstance(endpoints, str):
        endpoints = [endpoints]
    reports: list[HealthReport | None] = [None] * len(endpoints)

    async def one(i: int, url: str) -> None:
        lease = await session.slots.aacquire()
        reports[i] = await session.hop(functools.partial(probe, session, url, policy, lease), lease)

    async with anyio.create_task_group() as group:
        for i, url in enumerate(endpoints):
            group.start_soon(one, i, url)
    done = tuple(r for r in reports if r is not None)
    return done, aggregate(done)


def check_health(
    session: Session, endpoints: Sequence[str], policy: HealthCheckPolicy
) -> tuple[tuple[HealthReport, ...], HealthMetrics]:
    """``acheck_health`` from sync code: runs its own short event loop, so call it from
    code that is not already inside one (there, await ``acheck_health``)."""
    return anyio.run(acheck_health, session, endpoints, policy)
