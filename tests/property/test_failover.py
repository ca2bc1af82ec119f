"""Properties of failover, claude.pure.failover: health tiers, no revisits, fairness, validation."""

from __future__ import annotations

import doctest
import itertools
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from returns.pipeline import is_successful
from returns.result import Failure

from claude.pure import failover as failover_module
from claude.pure.errors import InvalidArgument, NetworkError, NoEndpointAvailable
from claude.pure.failover import (
    _HEALTH,
    _RANK,
    AttemptContext,
    Endpoint,
    EndpointHealth,
    FailoverPolicy,
    FailoverState,
    FailoverStrategy,
    _Outcome,
    current,
    mark,
    record_outcome,
    select,
)

URLS = [f"https://e{i}.example" for i in range(6)]

policies = st.builds(
    lambda n, strategy, max_attempts, unhealthy_after: FailoverPolicy(
        endpoints=URLS[:n],
        strategy=strategy,
        max_attempts=max_attempts,
        unhealthy_after=unhealthy_after,
    ),
    st.integers(1, 6),
    st.sampled_from(FailoverStrategy),
    st.none() | st.integers(1, 7),
    st.integers(1, 4),
)
samples = st.floats(0.0, 1.0, exclude_max=True)


class FailoverMachine(RuleBasedStateMachine):
    """Calls that select endpoints, outcomes that change health, and health checks, interleaved."""

    policy: FailoverPolicy
    state: FailoverState
    ctx: AttemptContext

    @initialize(policy=policies)
    def setup(self, policy: FailoverPolicy) -> None:
        self.policy, self.state, self.ctx = policy, FailoverState(), AttemptContext()

    @rule()
    def new_call(self) -> None:
        self.ctx = AttemptContext()

    @rule(u=samples)
    def pick(self, u: float) -> None:
        before = self.state
        untried = [e for e in current(before, policy=self.policy) if e.url not in self.ctx.tried]
        decided = select(before, self.ctx, policy=self.policy, u=u)
        if not is_successful(decided):
            assert isinstance(decided, Failure)
            assert isinstance(decided.failure(), NoEndpointAvailable)
            assert not untried or self.ctx.attempts >= self.policy.attempt_limit
            return
        endpoint, ctx, state = decided.unwrap()
        assert endpoint.url not in self.ctx.tried
        assert endpoint in untried
        # Never a worse health tier than the best untried one.
        assert _RANK[endpoint.health] == min(_RANK[e.health] for e in untried)
        assert ctx.tried == (*self.ctx.tried, endpoint.url)
        self.ctx, self.state = ctx, state

    @precondition(lambda self: self.ctx.tried)
    @rule(ok=st.booleans())
    def outcome(self, ok: bool) -> None:
        url = self.ctx.tried[-1]
        before = self.state.failures_of(url)
        self.state = record_outcome(self.state, url, ok, policy=self.policy)
        if not ok:
            self.ctx = self.ctx.failed(NetworkError(problem="reset"))
        after = self.state.failures_of(url)
        assert after == (0 if ok else before + 1)

    @rule(index=st.integers(0, 5), health=st.sampled_from(EndpointHealth))
    def health_check(self, index: int, health: EndpointHealth) -> None:
        self.state = mark(self.state, URLS[index], health, policy=self.policy)

    @invariant()
    def never_revisits_nor_overruns(self) -> None:
        assert len(set(self.ctx.tried)) == len(self.ctx.tried)
        assert self.ctx.attempts <= self.policy.attempt_limit

    @invariant()
    def knows_only_listed_endpoints(self) -> None:
        listed = {e.url for e in self.policy.by_priority}
        assert {url for url, _ in self.state.health} <= listed


FailoverMachine.TestCase.settings = settings(max_examples=100, stateful_step_count=40)
TestFailoverMachine = FailoverMachine.TestCase
TestFailoverMachine.__doc__ = "No call revisits an endpoint or picks one of worse health."


@given(st.integers(1, 6), st.integers(1, 60))
def test_round_robin_is_fair(n: int, calls: int) -> None:
    """With every endpoint healthy, round robin's counts differ by at most one."""
    policy = FailoverPolicy(endpoints=URLS[:n], strategy="round_robin")
    state = FailoverState()
    for url in URLS[:n]:
        state = record_outcome(state, url, True, policy=policy)
    counts: Counter[str] = Counter()
    for _ in range(calls):
        endpoint, _, state = select(state, AttemptContext(), policy=policy, u=0.0).unwrap()
        counts[endpoint.url] += 1
    spread = [counts[url] for url in URLS[:n]]
    assert max(spread) - min(spread) <= 1


@given(st.integers(1, 6), st.data())
def test_all_unhealthy_endpoints_are_still_tried(n: int, data: st.DataObject) -> None:
    """When every endpoint is Unhealthy, a call still tries each one before giving up."""
    policy = FailoverPolicy(
        endpoints=URLS[:n], strategy=data.draw(st.sampled_from(FailoverStrategy))
    )
    state = FailoverState()
    for url in URLS[:n]:
        state = mark(state, url, EndpointHealth.UNHEALTHY, policy=policy)
    ctx = AttemptContext()
    for _ in range(n):
        endpoint, ctx, state = select(state, ctx, policy=policy, u=data.draw(samples)).unwrap()
        assert endpoint.health is EndpointHealth.UNHEALTHY
    assert sorted(ctx.tried) == URLS[:n]
    exhausted = select(state, ctx.failed(NetworkError(problem="reset")), policy=policy, u=0.0)
    assert isinstance(exhausted, Failure)
    assert exhausted.failure().last == NetworkError(problem="reset")


@given(st.integers(2, 6), st.integers(1, 4))
def test_failures_degrade_then_make_unhealthy(n: int, unhealthy_after: int) -> None:
    """One failure makes an endpoint Degraded, unhealthy_after in a row Unhealthy, a success
    Healthy again."""
    policy = FailoverPolicy(endpoints=URLS[:n], unhealthy_after=unhealthy_after)
    first = policy.by_priority[0]
    state = FailoverState()
    for i in range(1, unhealthy_after + 1):
        state = record_outcome(state, first.url, False, policy=policy)
        expected = EndpointHealth.UNHEALTHY if i >= unhealthy_after else EndpointHealth.DEGRADED
        assert state.health_of(first) is expected
    chosen, _, _ = select(state, AttemptContext(), policy=policy, u=0.0).unwrap()
    assert chosen.url != first.url
    state = record_outcome(state, first.url, True, policy=policy)
    assert state.health_of(first) is EndpointHealth.HEALTHY
    assert state.failures_of(first.url) == 0


def test_the_health_table_is_total_and_failures_never_heal() -> None:
    """Every (health, outcome) pair has an entry; a failure never yields a healthier verdict."""
    for health, outcome in itertools.product(EndpointHealth, _Outcome):
        after = _HEALTH[(health, outcome)]
        if outcome is _Outcome.OK:
            assert after is EndpointHealth.HEALTHY
        elif health is not EndpointHealth.UNKNOWN:
            assert _RANK[after] >= _RANK[health]
    assert len(_HEALTH) == len(EndpointHealth) * len(_Outcome)


@given(st.integers(2, 6), st.integers(0, 5), st.integers(0, 20))
def test_sticky_stays_until_its_endpoint_fails(n: int, start: int, calls: int) -> None:
    """Sticky keeps choosing the same endpoint while it succeeds, and moves when it fails."""
    policy = FailoverPolicy(endpoints=URLS[:n], strategy=FailoverStrategy.STICKY)
    state = FailoverState()
    for url in URLS[:n]:
        state = record_outcome(state, url, True, policy=policy)
    state = FailoverState(health=state.health, failures=state.failures, sticky=URLS[start % n])
    for _ in range(calls):
        endpoint, _, state = select(state, AttemptContext(), policy=policy, u=0.5).unwrap()
        assert endpoint.url == URLS[start % n]
        state = record_outcome(state, endpoint.url, True, policy=policy)
    state = record_outcome(state, URLS[start % n], False, policy=policy)
    moved, _, state = select(state, AttemptContext(), policy=policy, u=0.5).unwrap()
    assert moved.url != URLS[start % n]
    assert state.sticky == moved.url


@given(st.integers(1, 6), samples)
def test_random_follows_the_sample(n: int, u: float) -> None:
    """Random picks the endpoint the sample lands on among equals."""
    policy = FailoverPolicy(endpoints=URLS[:n], strategy="random")
    endpoint, _, _ = select(FailoverState(), AttemptContext(), policy=policy, u=u).unwrap()
    assert endpoint.url == URLS[int(u * n)]


@given(st.lists(st.integers(-3, 3), min_size=1, max_size=6, unique=False))
def test_priority_picks_the_lowest_number_first(priorities: list[int]) -> None:
    """Explicit priorities order the endpoints (lower first; ties keep the order given)."""
    given_endpoints = [Endpoint(URLS[i], p) for i, p in enumerate(priorities)]
    policy = FailoverPolicy(endpoints=given_endpoints)
    ctx, state, order = AttemptContext(), FailoverState(), []
    for _ in priorities:
        endpoint, ctx, state = select(state, ctx, policy=policy, u=0.0).unwrap()
        order.append(endpoint.url)
    expected = [e.url for e in sorted(given_endpoints, key=lambda e: e.priority)]
    assert order == expected


@given(st.integers(1, 6), st.integers(1, 6))
def test_max_attempts_bounds_one_call(n: int, limit: int) -> None:
    """A call tries at most max_attempts endpoints, then NoEndpointAvailable says so."""
    policy = FailoverPolicy(endpoints=URLS[:n], max_attempts=limit)
    ctx, state = AttemptContext(), FailoverState()
    for _ in range(min(n, limit)):
        _, ctx, state = select(state, ctx, policy=policy, u=0.0).unwrap()
    refused = select(state, ctx, policy=policy, u=0.0)
    assert isinstance(refused, Failure)
    assert ctx.attempts == min(n, limit)


junk = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["https://a.example", "http://b.example/", "ftp://c", "https://", ""]),
    st.integers(),
    st.none(),
    st.builds(Endpoint, st.sampled_from(["https://d.example", "nope"]), st.integers(-2, 2)),
)


@given(
    st.lists(junk, max_size=5) | st.text(max_size=10),
    st.sampled_from([*FailoverStrategy, "round-robin", "STICKY", "fastest", ""]),
    st.none() | st.integers(-1, 3),
    st.integers(-1, 3),
)
def test_create_turns_any_input_into_a_policy_or_a_named_problem(
    endpoints: object, strategy: str, max_attempts: int | None, unhealthy_after: int
) -> None:
    """create never raises: a policy, or an InvalidArgument naming the FailoverPolicy field;
    the plain constructor raises ValueError with the same message."""
    made = FailoverPolicy.create(
        endpoints,  # type: ignore[arg-type]
        strategy,
        max_attempts=max_attempts,
        unhealthy_after=unhealthy_after,
    )
    if is_successful(made):
        policy = made.unwrap()
        assert all(isinstance(e, Endpoint) for e in policy.endpoints)
        assert isinstance(policy.strategy, FailoverStrategy)
        return
    assert isinstance(made, Failure)
    problem = made.failure()
    assert isinstance(problem, InvalidArgument)
    assert problem.path.startswith("FailoverPolicy.")
    with pytest.raises(ValueError, match=r"FailoverPolicy\."):
        FailoverPolicy(
            endpoints=endpoints,  # type: ignore[arg-type]
            strategy=strategy,  # type: ignore[arg-type]
            max_attempts=max_attempts,
            unhealthy_after=unhealthy_after,
        )


@pytest.mark.parametrize(
    "name", ["round_robin", "round-robin", "ROUND_ROBIN", FailoverStrategy.ROUND_ROBIN]
)
def test_a_strategy_may_be_named_or_given(name: str) -> None:
    """Strategy names, in any case and with hyphens, become the enum member."""
    policy = FailoverPolicy(endpoints=URLS[:2], strategy=name)  # type: ignore[arg-type]
    assert policy.strategy is FailoverStrategy.ROUND_ROBIN
    assert FailoverPolicy.create(URLS[:2], name).unwrap() == policy


def test_urls_are_normalised_and_unknown_urls_ignored() -> None:
    """A trailing slash names the same endpoint; outcomes for unlisted URLs change nothing."""
    policy = FailoverPolicy(endpoints=["https://a.example/", "https://b.example"])
    state = record_outcome(FailoverState(), "https://a.example", False, policy=policy)
    assert state.failures_of("https://a.example/") == 1
    assert record_outcome(state, "https://z.example", False, policy=policy) == state
    assert mark(state, "https://z.example", EndpointHealth.HEALTHY, policy=policy) == state


def test_the_docstring_examples_hold() -> None:
    """Every example in the module's docstrings runs as written."""
    assert doctest.testmod(failover_module).failed == 0
