"""Properties of health checks, claude.pure.health: probe verdicts and their aggregate."""

from __future__ import annotations

import doctest
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claude.pure import health as health_module
from claude.pure.failover import EndpointHealth
from claude.pure.health import (
    HealthCheckPolicy,
    HealthCheckStrategy,
    HealthReport,
    ProbeRequest,
    aggregate,
    classify_probe,
    probe_request,
)

# Better first: the order in which a verdict can only get worse as a probe gets slower.
ORDER = [EndpointHealth.HEALTHY, EndpointHealth.DEGRADED, EndpointHealth.UNHEALTHY]

policies = st.tuples(st.floats(0.0, 10.0), st.floats(0.0, 10.0), st.floats(0.01, 30.0)).map(
    lambda t: HealthCheckPolicy(
        healthy_threshold=min(t[0], t[1]), degraded_threshold=max(t[0], t[1]), timeout=t[2]
    )
)
answered = st.integers(100, 499)
elapsed = st.floats(0.0, 100.0)


@given(policies, answered, elapsed, elapsed)
def test_a_slower_probe_is_never_healthier(
    policy: HealthCheckPolicy, status: int, a: float, b: float
) -> None:
    """More elapsed time never gives a healthier verdict."""
    fast, slow = sorted((a, b))
    assert ORDER.index(classify_probe(status, fast, policy)) <= ORDER.index(
        classify_probe(status, slow, policy)
    )


@given(policies, answered, elapsed)
def test_the_verdict_follows_the_thresholds(
    policy: HealthCheckPolicy, status: int, seconds: float
) -> None:
    """<= healthy_threshold is Healthy, <= degraded_threshold Degraded, beyond that Unhealthy."""
    verdict = classify_probe(status, seconds, policy)
    if seconds <= policy.healthy_threshold:
        assert verdict is EndpointHealth.HEALTHY
    elif seconds <= policy.degraded_threshold:
        assert verdict is EndpointHealth.DEGRADED
    else:
        assert verdict is EndpointHealth.UNHEALTHY


@given(policies, st.none() | st.integers(500, 599), st.floats())
def test_no_answer_or_a_5xx_is_unhealthy(
    policy: HealthCheckPolicy, status: int | None, seconds: float
) -> None:
    """A failed connection or a server error is Unhealthy, however fast."""
    assert classify_probe(status, seconds, policy) is EndpointHealth.UNHEALTHY


@given(policies, answered)
def test_an_unreadable_time_is_unhealthy(policy: HealthCheckPolicy, status: int) -> None:
    """A NaN elapsed time proves nothing good."""
    assert classify_probe(status, math.nan, policy) is EndpointHealth.UNHEALTHY


reports = st.builds(
    HealthReport,
    url=st.sampled_from(["https://a", "https://b"]),
    health=st.sampled_from(EndpointHealth),
)


@given(st.lists(reports, max_size=30))
def test_aggregate_counts_every_report_once(batch: list[HealthReport]) -> None:
    """Counts sum to the number of reports; percentages sum to 100, or are all 0 for none."""
    m = aggregate(batch)
    assert m.total == len(batch) == m.healthy + m.degraded + m.unhealthy + m.unknown
    pcts = (m.healthy_pct, m.degraded_pct, m.unhealthy_pct, m.unknown_pct)
    if batch:
        assert sum(pcts) == pytest.approx(100.0)
        assert m.healthy_pct == pytest.approx(100.0 * m.healthy / len(batch))
    else:
        assert pcts == (0.0, 0.0, 0.0, 0.0)


@pytest.mark.parametrize(
    ("strategy", "method", "url"),
    [
        ("ping", "HEAD", "https://api.example/"),
        (HealthCheckStrategy.PING, "HEAD", "https://api.example/"),
        ("lightweight_api", "OPTIONS", "https://api.example/v1/messages"),
        ("lightweight-api", "OPTIONS", "https://api.example/v1/messages"),
    ],
)
def test_the_strategy_picks_the_probe(strategy: str, method: str, url: str) -> None:
    """Ping sends HEAD to the base URL; LightweightApi sends OPTIONS to /v1/messages."""
    policy = HealthCheckPolicy(strategy=strategy)  # type: ignore[arg-type]
    assert isinstance(policy.strategy, HealthCheckStrategy)
    assert probe_request(policy, "https://api.example/") == ProbeRequest(method, url, 5.0)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"strategy": "icmp"}, "strategy"),
        ({"timeout": 0.0}, "timeout"),
        ({"healthy_threshold": 2.0, "degraded_threshold": 1.0}, "healthy_threshold"),
        ({"healthy_threshold": -1.0}, "healthy_threshold"),
    ],
)
def test_a_bad_policy_names_its_field(kwargs: dict[str, object], field: str) -> None:
    """A bad strategy name or threshold raises ValueError naming the field."""
    with pytest.raises(ValueError, match=f"HealthCheckPolicy.{field}"):
        HealthCheckPolicy(**kwargs)  # type: ignore[arg-type]


def test_the_docstring_examples_hold() -> None:
    """Every example in the module's docstrings runs as written."""
    assert doctest.testmod(health_module).failed == 0
