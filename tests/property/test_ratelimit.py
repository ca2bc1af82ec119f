"""Properties of client-side rate limiting, claude.pure.ratelimit: bucket, window, classes."""

from __future__ import annotations

import doctest
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from returns.pipeline import is_successful
from returns.result import Failure

from claude.pure import ratelimit as ratelimit_module
from claude.pure.errors import InvalidArgument, Throttled
from claude.pure.headers import RateLimit, RateLimits
from claude.pure.ratelimit import (
    BucketState,
    EndpointClass,
    LimitPolicy,
    RateLimitPolicy,
    RateLimitState,
    SlidingWindowPolicy,
    TokenBucketPolicy,
    WindowState,
    acquire,
    acquire_for,
    endpoint_class,
    fresh,
    suggest_policy,
    try_acquire,
    try_acquire_for,
)

buckets = st.builds(TokenBucketPolicy, rate=st.floats(0.01, 100.0), burst=st.floats(0.5, 50.0))
windows = st.builds(SlidingWindowPolicy, limit=st.floats(0.5, 50.0), window=st.floats(0.01, 100.0))
starts = st.floats(-1e6, 1e6)


def _cost(policy: LimitPolicy, share: float) -> float:
    capacity = policy.burst if isinstance(policy, TokenBucketPolicy) else policy.limit
    return capacity * share


def _not_sooner(
    state: BucketState | WindowState, policy: LimitPolicy, now: float, cost: float, wait: float
) -> None:
    """A wait is no longer than needed: coming back a little before it is still refused."""
    if wait > 1e-6:
        early = now + wait - min(wait / 2, 1e-4)
        assert acquire(state, policy, now=early, cost=cost).unwrap()[1] > 0.0


class BucketMachine(RuleBasedStateMachine):
    """Greedy and idle callers against one token bucket, on a clock that only moves forward."""

    policy: TokenBucketPolicy
    state: BucketState
    t0: float
    now: float
    admitted: float

    @initialize(policy=buckets, t0=starts)
    def setup(self, policy: TokenBucketPolicy, t0: float) -> None:
        self.policy, self.t0, self.now, self.admitted = policy, t0, t0, 0.0
        self.state = fresh(policy, now=t0)

    @rule(dt=st.floats(0.0, 10.0))
    def wait(self, dt: float) -> None:
        self.now += dt

    @rule(share=st.floats(0.0, 1.0))
    def call(self, share: float) -> None:
        cost = _cost(self.policy, share)
        state, wait = acquire(self.state, self.policy, now=self.now, cost=cost).unwrap()
        if wait == 0.0:
            self.state, self.admitted = state, self.admitted + cost
            return
        assert wait > 0.0
        assert state == self.state  # a refusal reserves nothing
        thrown = try_acquire(self.state, self.policy, now=self.now, cost=cost)
        assert isinstance(thrown, Failure)
        assert thrown.failure() == Throttled(wait=wait)
        _not_sooner(self.state, self.policy, self.now, cost, wait)
        # Coming back exactly when told, with nobody else in between, is admitted.
        self.now += wait
        state, again = acquire(self.state, self.policy, now=self.now, cost=cost).unwrap()
        assert again == 0.0
        self.state, self.admitted = state, self.admitted + cost

    @invariant()
    def level_stays_within_the_bucket(self) -> None:
        assert 0.0 <= self.state.level <= self.policy.burst

    @invariant()
    def admitted_never_exceeds_rate_times_time_plus_burst(self) -> None:
        bound = self.policy.rate * (self.now - self.t0) + self.policy.burst
        assert self.admitted <= bound * (1 + 1e-9) + 1e-6


BucketMachine.TestCase.settings = settings(max_examples=80, stateful_step_count=30)
TestBucketMachine = BucketMachine.TestCase
TestBucketMachine.__doc__ = (
    "A bucket stays in [0, burst], admits <= rate*T + burst; waits are exact."
)


class WindowMachine(RuleBasedStateMachine):
    """Callers against one sliding window, with a log of what it admitted and when."""

    policy: SlidingWindowPolicy
    state: WindowState
    now: float
    log: list[tuple[float, float]]

    @initialize(policy=windows, t0=starts)
    def setup(self, policy: SlidingWindowPolicy, t0: float) -> None:
        self.policy, self.now, self.log = policy, t0, []
        self.state = fresh(policy, now=t0)

    @rule(dt=st.floats(0.0, 10.0))
    def wait(self, dt: float) -> None:
        self.now += dt

    @rule()
    def wait_a_whole_window(self) -> None:
        self.now += self.policy.window

    @rule(share=st.floats(0.0, 1.0), come_back=st.booleans())
    def call(self, share: float, come_back: bool) -> None:
        cost = _cost(self.policy, share)
        state, wait = acquire(self.state, self.policy, now=self.now, cost=cost).unwrap()
        if wait > 0.0:
            assert state == self.state
            _not_sooner(self.state, self.policy, self.now, cost, wait)
            if not come_back:
                return
            self.now += wait
            state, again = acquire(self.state, self.policy, now=self.now, cost=cost).unwrap()
            assert again == 0.0
        self.state = state
        self.log.append((self.now, cost))

    @invariant()
    def no_window_admits_more_than_the_limit(self) -> None:
        # The busiest window ends at an admission, so checking those windows checks them all.
        for end, _ in self.log:
            inside = sum(c for t, c in self.log if t <= end < t + self.policy.window)
            assert inside <= self.policy.limit * (1 + 1e-9)


WindowMachine.TestCase.settings = settings(max_examples=80, stateful_step_count=30)
TestWindowMachine = WindowMachine.TestCase
TestWindowMachine.__doc__ = "No `window` seconds ever admit more than `limit`; waits are exact."


@given(buckets | windows, st.floats(1.0001, 100.0), starts)
def test_a_cost_above_capacity_is_an_error_not_a_wait(
    policy: LimitPolicy, factor: float, now: float
) -> None:
    """A cost the limit can never admit fails at once with an InvalidArgument naming cost."""
    decided = acquire(None, policy, now=now, cost=_cost(policy, factor))
    assert isinstance(decided, Failure)
    assert isinstance(decided.failure(), InvalidArgument)
    assert decided.failure().path == "cost"
    assert "split the call" in decided.failure().line()


@given(buckets | windows, st.sampled_from([-1.0, math.nan, math.inf]))
def test_a_nonsense_cost_is_an_error(policy: LimitPolicy, cost: float) -> None:
    """A negative, NaN or infinite cost is an InvalidArgument, from acquire and try_acquire."""
    assert isinstance(acquire(None, policy, now=0.0, cost=cost), Failure)
    refused = try_acquire(None, policy, now=0.0, cost=cost)
    assert isinstance(refused, Failure)
    assert isinstance(refused.failure(), InvalidArgument)


@given(buckets | windows, starts)
def test_a_fresh_limit_admits_its_whole_capacity_at_once(policy: LimitPolicy, now: float) -> None:
    """Never used, a bucket is full and a window empty: the full capacity goes now."""
    state, wait = acquire(None, policy, now=now, cost=_cost(policy, 1.0)).unwrap()
    assert wait == 0.0
    assert _cost(policy, 1.0) > 0.0
    assert (
        state
        == acquire(fresh(policy, now=now), policy, now=now, cost=_cost(policy, 1.0)).unwrap()[0]
    )


@given(buckets, windows, starts)
def test_a_state_of_the_other_kind_counts_as_fresh(
    bucket: TokenBucketPolicy, window: SlidingWindowPolicy, now: float
) -> None:
    """After the policy changes kind, its old state is ignored rather than misread."""
    old: BucketState | WindowState = fresh(window, now=now)
    state, wait = acquire(old, bucket, now=now, cost=bucket.burst).unwrap()
    assert (state, wait) == (BucketState(0.0, now), 0.0)


@given(buckets, st.floats(0.0, 1.0), st.floats(0.0, 100.0))
def test_the_bucket_wait_is_the_refill_time(
    policy: TokenBucketPolicy, share: float, later: float
) -> None:
    """An empty bucket asks a caller of cost c to wait c / rate (to rounding), never less."""
    empty = BucketState(0.0, 0.0)
    cost = policy.burst * share
    _, wait = acquire(empty, policy, now=0.0, cost=cost).unwrap()
    assert wait == pytest.approx(cost / policy.rate, rel=1e-9, abs=1e-12)
    assert wait >= cost / policy.rate * (1 - 1e-12)


@given(buckets, windows, st.sampled_from(EndpointClass), st.sampled_from(EndpointClass), starts)
def test_each_endpoint_class_has_its_own_limit(
    bucket: TokenBucketPolicy,
    window: SlidingWindowPolicy,
    limited: EndpointClass,
    other: EndpointClass,
    now: float,
) -> None:
    """Spending one class's limit leaves other classes alone; an unlimited class always goes."""
    policy = RateLimitPolicy(per_class={limited: bucket})
    state, wait = acquire_for(
        RateLimitState(), policy, limited, now=now, cost=bucket.burst
    ).unwrap()
    assert wait == 0.0
    refused = try_acquire_for(state, policy, limited, now=now, cost=bucket.burst)
    assert isinstance(refused, Failure)
    assert isinstance(refused.failure(), Throttled)
    if other != limited:
        assert acquire_for(state, policy, other, now=now).unwrap() == (state, 0.0)
    with_default = RateLimitPolicy(per_class={limited: bucket}, default=window)
    assert with_default.limit_for(other) == (bucket if other == limited else window)


def test_per_class_keys_may_be_names_and_are_copied() -> None:
    """Class names work as keys, the mapping is copied, and an unknown name is a ValueError."""
    limits: dict[EndpointClass, LimitPolicy] = {EndpointClass("messages"): TokenBucketPolicy()}
    policy = RateLimitPolicy(per_class=limits)
    limits.clear()
    assert policy.limit_for(EndpointClass.MESSAGES) == TokenBucketPolicy()
    with pytest.raises(ValueError, match=r"RateLimitPolicy\.per_class"):
        RateLimitPolicy(per_class={"mesages": TokenBucketPolicy()})  # type: ignore[dict-item]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/v1/messages", EndpointClass.MESSAGES),
        ("/v1/messages?beta=true", EndpointClass.MESSAGES),
        ("/v1/messages/count_tokens", EndpointClass.COUNT_TOKENS),
        ("/v1/messages/batches", EndpointClass.BATCHES),
        ("/v1/messages/batches/msgbatch_1/results", EndpointClass.BATCHES),
        ("/v1/models", EndpointClass.MODELS),
        ("/v1/models/claude-sonnet-4-5", EndpointClass.MODELS),
        ("/v1/files/file_1/content", EndpointClass.FILES),
        ("/v1/complete", EndpointClass.OTHER),
        ("", EndpointClass.OTHER),
    ],
)
def test_endpoint_class_of_a_path(path: str, expected: EndpointClass) -> None:
    """Each API path falls in the class that carries its limit."""
    assert endpoint_class(path) is expected


@given(st.integers(1, 10**7), st.floats(0.01, 1.0))
def test_suggested_bucket_refills_the_limit_per_minute(limit: int, share: float) -> None:
    """From -limit L: rate L/60 per second, burst at most L and at least 1."""
    limits = RateLimits(requests=RateLimit(limit=limit), tokens=RateLimit(limit=limit))
    policy = suggest_policy(limits, burst_share=share)
    assert policy is not None
    assert policy.rate == pytest.approx(limit / 60.0)
    assert 1.0 <= policy.burst <= max(1.0, float(limit))
    assert policy.unit == "requests"
    tokens = suggest_policy(limits, family="tokens")
    assert tokens is not None
    assert tokens.unit == "tokens"
    assert tokens.burst == limit


@given(st.sampled_from([None, RateLimit(), RateLimit(limit=0), RateLimit(remaining=5)]))
def test_no_suggestion_without_a_limit(family: RateLimit | None) -> None:
    """Missing or useless headers give no bucket rather than a guess."""
    assert suggest_policy(RateLimits(requests=family)) is None


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: TokenBucketPolicy(rate=0.0), "TokenBucketPolicy.rate"),
        (lambda: TokenBucketPolicy(burst=math.inf), "TokenBucketPolicy.burst"),
        (lambda: SlidingWindowPolicy(limit=-1.0), "SlidingWindowPolicy.limit"),
        (lambda: SlidingWindowPolicy(window=math.nan), "SlidingWindowPolicy.window"),
    ],
)
def test_a_bad_policy_names_its_field(make: object, field: str) -> None:
    """A limit out of range raises ValueError naming the field."""
    assert callable(make)
    with pytest.raises(ValueError, match=field):
        make()


def test_a_throttled_caller_gets_the_state_back_on_success() -> None:
    """try_acquire returns the new state when the call may go now."""
    decided = try_acquire(None, TokenBucketPolicy(rate=1.0, burst=2.0), now=5.0)
    assert is_successful(decided)
    assert decided.unwrap() == BucketState(1.0, 5.0)


def test_the_docstring_examples_hold() -> None:
    """Every example in the module's docstrings runs as written."""
    assert doctest.testmod(ratelimit_module).failed == 0
