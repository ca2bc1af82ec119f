"""Health checks: judge an endpoint by one cheap probe, and sum up many endpoints' verdicts.

Theory of operation
-------------------
The shell sends one probe per endpoint (``probe_request`` says what: ``HEAD`` on the base URL for
``ping``, ``OPTIONS`` on ``/v1/messages`` for ``lightweight_api``; neither costs tokens), times it
on its monotonic clock, and hands the status and the elapsed seconds to ``classify_probe``:

* no status (the connection failed or the probe timed out) or a 5xx: **Unhealthy**;
* any other status, 4xx included (the server answered, which is all a probe asks): by time,
  ``elapsed <= healthy_threshold`` **Healthy**, ``<= degraded_threshold`` **Degraded**, beyond
  that **Unhealthy**.

``HealthReport`` keeps one endpoint's verdict; ``aggregate(reports)`` counts the verdicts and
gives each as a percentage of all endpoints (zero endpoints give zeros, not a division by zero).
``failover.mark`` feeds a verdict into failover.

Invariants (checked by ``tests/property/test_health.py``):

* the verdict is monotone in time: more elapsed seconds never give a healthier verdict;
* a failed connection or a 5xx is Unhealthy whatever the time;
* ``aggregate``'s counts sum to the number of reports and its percentages to 100 (or all are 0).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from enum import StrEnum
from typing import Literal, TypeAlias

import msgspec

from claude.pure.failover import EndpointHealth

__all__ = [
    "HealthCheckPolicy",
    "HealthCheckStrategy",
    "HealthMetrics",
    "HealthReport",
    "ProbeRequest",
    "aggregate",
    "classify_probe",
    "probe_request",
]


class HealthCheckStrategy(StrEnum):
    """What a probe sends: ``ping`` is ``HEAD``, ``lightweight_api`` is ``OPTIONS``."""

    PING = "ping"
    LIGHTWEIGHT_API = "lightweight_api"


_Method: TypeAlias = Literal["HEAD", "OPTIONS"]


class HealthCheckPolicy(msgspec.Struct, frozen=True, kw_only=True):
    """How to probe and how to read the answer: thresholds are seconds of elapsed time.

    ``strategy`` takes a ``HealthCheckStrategy`` or its name and is normalised to the enum. Needs
    ``0 <= healthy_threshold <= degraded_threshold`` and ``timeout > 0``; a bad value raises
    ``ValueError`` naming the field.
    """

    strategy: HealthCheckStrategy | Literal["ping", "lightweight_api"] = HealthCheckStrategy.PING
    timeout: float = 5.0
    healthy_threshold: float = 0.2
    degraded_threshold: float = 1.0

    def __post_init__(self) -> None:
        try:
            strategy = HealthCheckStrategy(str(self.strategy).strip().lower().replace("-", "_"))
        except ValueError:
            names = ", ".join(repr(s.value) for s in HealthCheckStrategy)
            raise ValueError(
                f"HealthCheckPolicy.strategy: unknown strategy {self.strategy!r}; use one of {names}"
            ) from None
        msgspec.structs.force_setattr(self, "strategy", strategy)
        if not 0.0 < self.timeout < math.inf:
            raise ValueError(
                f"HealthCheckPolicy.timeout: must be a finite number of seconds > 0, "
                f"not {self.timeout!r}"
            )
        if not 0.0 <= self.healthy_threshold <= self.degraded_threshold < math.inf:
            raise ValueError(
                "HealthCheckPolicy.healthy_threshold: need 0 <= healthy_threshold <= "
                f"degraded_threshold < inf, got {self.healthy_threshold!r} and "
                f"{self.degraded_threshold!r}"
            )


class ProbeRequest(msgspec.Struct, frozen=True):
    """The probe to send: method, full URL, and the timeout for the whole probe."""

    method: _Method
    url: str
    timeout: float


def probe_request(policy: HealthCheckPolicy, base_url: str) -> ProbeRequest:
    """The probe for ``base_url`` under ``policy``.

    >>> probe_request(HealthCheckPolicy(strategy="lightweight_api"), "https://api.anthropic.com/")
    ProbeRequest(method='OPTIONS', url='https://api.anthropic.com/v1/messages', timeout=5.0)
    """
    base = base_url.strip().rstrip("/")
    if HealthCheckStrategy(policy.strategy) is HealthCheckStrategy.PING:
        return ProbeRequest("HEAD", base + "/", policy.timeout)
    return ProbeRequest("OPTIONS", base + "/v1/messages", policy.timeout)


def classify_probe(status: int | None, elapsed: float, policy: HealthCheckPolicy) -> EndpointHealth:
    """The verdict on one probe: its status (``None`` when it got none) and its elapsed seconds.

    >>> p = HealthCheckPolicy()
    >>> [classify_probe(200, t, p).value for t in (0.1, 0.5, 3.0)]
    ['healthy', 'degraded', 'unhealthy']
    >>> classify_probe(None, 0.0, p).value, classify_probe(503, 0.0, p).value
    ('unhealthy', 'unhealthy')
    """
    if status is None or status >= 500:
        return EndpointHealth.UNHEALTHY
    if elapsed <= policy.healthy_threshold:
        return EndpointHealth.HEALTHY
    if elapsed <= policy.degraded_threshold:
        return EndpointHealth.DEGRADED
    return EndpointHealth.UNHEALTHY  # also for NaN: a time we cannot read proves nothing good


class HealthReport(msgspec.Struct, frozen=True, kw_only=True):
    """One endpoint's probe: its verdict, the status (``None``: no answer) and the elapsed time."""

    url: str
    health: EndpointHealth
    status: int | None = None
    elapsed: float | None = None


class HealthMetrics(msgspec.Struct, frozen=True, kw_only=True):
    """Verdict counts over a set of endpoints, and each as a percentage (0-100) of ``total``."""

    total: int = 0
    healthy: int = 0
    degraded: int = 0
    unhealthy: int = 0
    unknown: int = 0
    healthy_pct: float = 0.0
    degraded_pct: float = 0.0
    unhealthy_pct: float = 0.0
    unknown_pct: float = 0.0


def aggregate(reports: Iterable[HealthReport]) -> HealthMetrics:
    """Count the verdicts of ``reports``; percentages are of all reports, 0 when there are none.

    >>> r = [HealthReport(url=u, health=EndpointHealth.HEALTHY) for u in ("a", "b", "c")]
    >>> m = aggregate([*r, HealthReport(url="d", health=EndpointHealth.UNHEALTHY)])
    >>> m.healthy, m.unhealthy, m.healthy_pct, m.unhealthy_pct
    (3, 1, 75.0, 25.0)
    >>> aggregate([]).healthy_pct
    0.0
    """
    counts = dict.fromkeys(EndpointHealth, 0)
    for report in reports:
        counts[report.health] += 1
    total = sum(counts.values())

    def pct(health: EndpointHealth) -> float:
        return 100.0 * counts[health] / total if total else 0.0

    return HealthMetrics(
        total=total,
        healthy=counts[EndpointHealth.HEALTHY],
        degraded=counts[EndpointHealth.DEGRADED],
        unhealthy=counts[EndpointHealth.UNHEALTHY],
        unknown=counts[EndpointHealth.UNKNOWN],
        healthy_pct=pct(EndpointHealth.HEALTHY),
        degraded_pct=pct(EndpointHealth.DEGRADED),
        unhealthy_pct=pct(EndpointHealth.UNHEALTHY),
        unknown_pct=pct(EndpointHealth.UNKNOWN),
    )
