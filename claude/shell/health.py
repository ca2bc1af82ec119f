"""Health checks: probe endpoints when asked (no background threads), many at once with anyio.

A probe is one ``HEAD`` (``ping``) or ``OPTIONS`` (``lightweight_api``) request on the client's
pool; its status and elapsed time are classified by the pure ``classify_probe``. ``check_health``
probes every endpoint concurrently and ``aggregate`` sums the verdicts into percentages. Feed the
verdicts to a ``Failover`` holder with ``failover.mark(url, report.health)``.
"""

from __future__ import annotations

from collections.abc import Sequence

import anyio
import anyio.to_thread
import urllib3
from returns.result import Failure

from claude.pure.health import (
    HealthCheckPolicy,
    HealthMetrics,
    HealthReport,
    aggregate,
    classify_probe,
    probe_request,
)
from claude.pure.settings import check_base_url
from claude.shell.clock import Clock

__all__ = ["acheck_health", "check_health", "probe"]


def probe(
    pool: urllib3.PoolManager, base_url: str, policy: HealthCheckPolicy, clock: Clock
) -> HealthReport:
    """One probe of ``base_url``: no answer at all is Unhealthy, never an exception."""
    given: object = base_url
    if not isinstance(given, str):
        return HealthReport(url=repr(given), health=classify_probe(None, 0.0, policy))
    checked = check_base_url(base_url)
    if isinstance(checked, Failure):  # never probe what we would never send to (plain http, ...)
        return HealthReport(url=base_url, health=classify_probe(None, 0.0, policy))
    request = probe_request(policy, checked.unwrap())
    started = clock.monotonic()
    status: int | None
    try:
        response = pool.request(
            request.method,
            request.url,
            retries=False,
            redirect=False,
            timeout=urllib3.Timeout(total=request.timeout),
            preload_content=True,
        )
        status = response.status
    except Exception:  # an endpoint that cannot answer is simply unhealthy
        status = None
    elapsed = clock.monotonic() - started
    return HealthReport(
        url=checked.unwrap(),
        health=classify_probe(status, elapsed, policy),
        status=status,
        elapsed=elapsed,
    )


async def acheck_health(
    pool: urllib3.PoolManager,
    endpoints: Sequence[str],
    policy: HealthCheckPolicy,
    clock: Clock,
    *,
    limiter: anyio.CapacityLimiter | None = None,
) -> tuple[tuple[HealthReport, ...], HealthMetrics]:
    """Probe every endpoint concurrently; the reports in input order and their aggregate.

    One URL given as a plain string is one endpoint; an item that is not a string is reported
    Unhealthy (it cannot be probed), not raised.
    """
    if isinstance(endpoints, str):
        endpoints = [endpoints]
    reports: list[HealthReport | None] = [None] * len(endpoints)

    async def one(i: int, url: str) -> None:
        reports[i] = await anyio.to_thread.run_sync(
            probe, pool, url, policy, clock, limiter=limiter
        )

    async with anyio.create_task_group() as group:
        for i, url in enumerate(endpoints):
            group.start_soon(one, i, url)
    done = tuple(r for r in reports if r is not None)
    return done, aggregate(done)


def check_health(
    pool: urllib3.PoolManager,
    endpoints: Sequence[str],
    policy: HealthCheckPolicy,
    clock: Clock,
) -> tuple[tuple[HealthReport, ...], HealthMetrics]:
    """``acheck_health`` from sync code: runs its own short event loop, so call it from
    code that is not already inside one (there, await ``acheck_health``)."""
    return anyio.run(acheck_health, pool, endpoints, policy, clock)
