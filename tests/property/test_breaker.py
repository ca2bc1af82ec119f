"""Properties of the circuit breaker, claude.pure.breaker: a reference model, totality, refusals."""

from __future__ import annotations

import doctest
import itertools
from typing import Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)
from returns.pipeline import is_successful
from returns.result import Failure

from claude.pure import breaker as breaker_module
from claude.pure.breaker import (
    _TRANSITIONS,
    BreakerPolicy,
    BreakerState,
    Phase,
    _Signal,
    _step,
    admit,
    counting,
    default_counts,
    next_change,
    record,
    record_failure,
    record_success,
    release,
    tick,
)
from claude.pure.errors import (
    ApiError,
    ClaudeError,
    MalformedResponse,
    NetworkError,
    RateLimited,
    StreamTruncated,
    Timeout,
)
from tests.property.policy_strategies import api_errors, caller_errors, errors, policy_errors

policies = st.builds(
    BreakerPolicy,
    failure_threshold=st.integers(1, 5),
    open_for=st.floats(0.1, 60.0),
    half_open_probes=st.integers(1, 3),
    success_threshold=st.integers(1, 3),
    failure_rate=st.none() | st.floats(0.1, 1.0),
    window=st.integers(1, 6),
)

Outcome = Literal["success", "failure", "release"]


class Model:
    """The breaker as the issue describes it, written plainly with mutable fields."""

    def __init__(self, policy: BreakerPolicy) -> None:
        self.policy = policy
        self.phase = "closed"
        self.run = 0
        self.recent: list[bool] = []
        self.opened_at = 0.0
        self.probes = 0
        self.wins = 0

    def cool(self, now: float) -> None:
        if self.phase == "open" and now >= self.opened_at + self.policy.open_for:
            self.phase, self.probes, self.wins = "half_open", 0, 0

    def trip(self, now: float) -> None:
        self.phase, self.opened_at = "open", now
        self.run, self.recent, self.probes, self.wins = 0, [], 0, 0

    def admit(self, now: float) -> float | None:
        """None if the call may go, else the retry_in of the refusal."""
        self.cool(now)
        if self.phase == "closed":
            return None
        if self.phase == "open":
            return self.opened_at + self.policy.open_for - now
        if self.probes < self.policy.half_open_probes:
            self.probes += 1
            return None
        return self.policy.open_for

    def note(self, failed: bool) -> None:
        if self.policy.failure_rate is not None:
            self.recent = [*self.recent, failed][-self.policy.window :]

    def report(self, outcome: Outcome, now: float) -> None:
        self.cool(now)
        if self.phase == "closed":
            if outcome == "success":
                self.run = 0
                self.note(False)
            elif outcome == "failure":
                self.run += 1
                self.note(True)
                rate = self.policy.failure_rate
                by_rate = (
                    rate is not None
                    and len(self.recent) == self.policy.window
                    and self.recent.count(True) / len(self.recent) >= rate
                )
                if self.run >= self.policy.failure_threshold or by_rate:
                    self.trip(now)
        elif self.phase == "half_open":
            if outcome == "failure":
                self.trip(now)
                return
            self.probes = max(0, self.probes - 1)
            if outcome == "success":
                self.wins += 1
                if self.wins >= self.policy.success_threshold:
                    self.phase, self.probes, self.wins = "closed", 0, 0


class BreakerMachine(RuleBasedStateMachine):
    """Drives the breaker and the model with the same calls, reports and clock."""

    policy: BreakerPolicy
    state: BreakerState
    model: Model
    now: float
    in_flight: int

    @initialize(policy=policies)
    def setup(self, policy: BreakerPolicy) -> None:
        self.policy, self.state, self.model = policy, BreakerState(), Model(policy)
        self.now, self.in_flight = 0.0, 0

    @rule(dt=st.floats(0.0, 30.0))
    def wait(self, dt: float) -> None:
        self.now += dt

    @rule()
    def wait_out_the_open_phase(self) -> None:
        self.now += self.policy.open_for

    @rule()
    def call(self) -> None:
        decided = admit(self.state, self.policy, now=self.now)
        expected = self.model.admit(self.now)
        if expected is None:
            assert is_successful(decided)
            self.state = decided.unwrap()
            self.in_flight += 1
        else:
            assert isinstance(decided, Failure)
            refusal = decided.failure()
            assert refusal.retry_in == pytest.approx(expected)
            assert 0.0 < refusal.retry_in <= self.policy.open_for

    @precondition(lambda self: self.in_flight > 0)
    @rule(outcome=st.sampled_from(["success", "failure", "release"]))
    def report(self, outcome: Outcome) -> None:
        self.in_flight -= 1
        reporter = {"success": record_success, "failure": record_failure, "release": release}
        self.state = reporter[outcome](self.state, self.policy, now=self.now)
        self.model.report(outcome, self.now)

    @precondition(lambda self: self.in_flight > 0)
    @rule(error=st.none() | errors)
    def report_error(self, error: ClaudeError | None) -> None:
        self.in_flight -= 1
        self.state = record(self.state, self.policy, error, now=self.now)
        outcome: Outcome = (
            "success" if error is None else "failure" if default_counts(error) else "release"
        )
        self.model.report(outcome, self.now)

    @invariant()
    def agrees_with_the_model(self) -> None:
        current = tick(self.state, self.policy, now=self.now)
        self.model.cool(self.now)
        assert current.phase.value == self.model.phase
        assert current.probes == self.model.probes
        assert current.failures == self.model.run
        assert current.successes == self.model.wins

    @invariant()
    def counters_stay_in_range(self) -> None:
        assert 0 <= self.state.probes <= self.policy.half_open_probes
        if self.state.phase is Phase.CLOSED:
            assert 0 <= self.state.failures < self.policy.failure_threshold
        assert len(self.state.recent) <= self.policy.window


BreakerMachine.TestCase.settings = settings(max_examples=150, stateful_step_count=40)
TestBreakerMachine = BreakerMachine.TestCase
TestBreakerMachine.__doc__ = "The breaker behaves as the plain reference model on every run."


def test_every_phase_and_signal_has_a_transition() -> None:
    """The table names an effect and a next phase for every (phase, signal) pair."""
    for phase, signal in itertools.product(Phase, _Signal):
        _, after = _TRANSITIONS[(phase, signal)]
        assert isinstance(after, Phase)
    assert len(_TRANSITIONS) == len(Phase) * len(_Signal)


states = st.builds(
    BreakerState,
    phase=st.sampled_from(Phase),
    failures=st.integers(0, 10),
    recent=st.lists(st.booleans(), max_size=6).map(tuple),
    opened_at=st.floats(-1e6, 1e6),
    probes=st.integers(0, 5),
    successes=st.integers(0, 5),
)


@given(states, policies, st.sampled_from(_Signal), st.floats(-1e6, 1e6))
def test_every_step_lands_in_the_tables_phase(
    state: BreakerState, policy: BreakerPolicy, signal: _Signal, now: float
) -> None:
    """From any state, any signal leads to a valid state in the phase the table names."""
    _, after = _step(state, policy, signal, now)
    assert after.phase is _TRANSITIONS[(state.phase, signal)][1]
    assert after.probes >= 0


@given(policies, st.floats(0.0, 1e6), st.floats(0.0, 1.0))
def test_an_open_breaker_says_when_it_half_opens(
    policy: BreakerPolicy, opened_at: float, share: float
) -> None:
    """While open, admit refuses with the time left; at opened_at + open_for it admits a probe."""
    state = BreakerState(phase=Phase.OPEN, opened_at=opened_at)
    change = next_change(state, policy)
    assert change == opened_at + policy.open_for
    now = opened_at + share * policy.open_for
    if now < change:
        refused = admit(state, policy, now=now)
        assert isinstance(refused, Failure)
        assert refused.failure().retry_in == pytest.approx(change - now)
    probe = admit(state, policy, now=change)
    assert is_successful(probe)
    assert probe.unwrap().phase is Phase.HALF_OPEN
    assert probe.unwrap().probes == 1
    assert next_change(probe.unwrap(), policy) is None


@given(policies)
def test_threshold_consecutive_failures_open_the_breaker(policy: BreakerPolicy) -> None:
    """failure_threshold counted failures in a row open a closed breaker, and not one fewer
    (when the failure rate alone would not)."""
    state = BreakerState()
    for _ in range(policy.failure_threshold - 1):
        state = record_failure(state, policy, now=0.0)
    if policy.failure_rate is None:
        assert state.phase is Phase.CLOSED
    state = record_failure(state, policy, now=0.0)
    assert state.phase is Phase.OPEN


@given(policies)
def test_a_success_ends_the_failure_run(policy: BreakerPolicy) -> None:
    """A success between failures resets the run, so only consecutive failures trip it."""
    plain = BreakerPolicy(
        failure_threshold=max(2, policy.failure_threshold), open_for=policy.open_for
    )
    state = BreakerState()
    for _ in range(3 * plain.failure_threshold):
        for _ in range(plain.failure_threshold - 1):
            state = record_failure(state, plain, now=0.0)
        state = record_success(state, plain, now=0.0)
    assert state.phase is Phase.CLOSED
    assert state.failures == 0


@given(api_errors())
def test_default_counting_is_the_services_health_only(error: ApiError) -> None:
    """By default 5xx and 529 count; 429 and every other 4xx do not."""
    expected = not isinstance(error, RateLimited) and (
        error.status >= 500
        or error.error_type in ("api_error", "timeout_error", "overloaded_error")
    )
    assert default_counts(error) is expected


@given(caller_errors | policy_errors)
def test_caller_and_policy_errors_never_count(error: ClaudeError) -> None:
    """Mistakes in how we were called and policy refusals say nothing about the service."""
    assert not default_counts(error)


@pytest.mark.parametrize(
    ("error", "counts"),
    [
        (NetworkError(problem="reset"), True),
        (Timeout(phase="read"), True),
        (StreamTruncated(), True),
        (MalformedResponse(status=502, problem="HTML"), True),
        (MalformedResponse(status=200, problem="bad JSON"), False),
    ],
)
def test_default_counting_of_transport_errors(error: ClaudeError, counts: bool) -> None:
    """Network errors, timeouts, cut streams and a gateway's 5xx page count; a garbled 200 not."""
    assert default_counts(error) is counts


def test_counting_builds_a_predicate_from_kinds() -> None:
    """counting(*kinds) counts exactly those kinds and their subkinds."""
    counts = counting(NetworkError, ApiError)
    assert counts(NetworkError(problem="x"))
    assert counts(RateLimited(status=429, error_type="rate_limit_error", message="m"))
    assert not counts(Timeout(phase="read"))


def test_a_report_that_does_not_count_frees_the_probe_slot() -> None:
    """In half-open, a 429 releases its probe slot without closing or re-opening."""
    policy = BreakerPolicy(failure_threshold=1, open_for=1.0)
    state = record_failure(BreakerState(), policy, now=0.0)
    probe = admit(state, policy, now=1.0).unwrap()
    assert isinstance(admit(probe, policy, now=1.0), Failure)
    limited = RateLimited(status=429, error_type="rate_limit_error", message="m")
    freed = record(probe, policy, limited, now=1.0)
    assert freed.phase is Phase.HALF_OPEN
    assert freed.probes == 0
    assert is_successful(admit(freed, policy, now=1.0))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("failure_threshold", 0),
        ("open_for", 0.0),
        ("half_open_probes", 0),
        ("success_threshold", 0),
        ("failure_rate", 1.5),
        ("window", 0),
    ],
)
def test_a_bad_policy_names_its_field(field: str, value: float) -> None:
    """A policy value out of range raises ValueError naming the field."""
    with pytest.raises(ValueError, match=f"BreakerPolicy.{field}"):
        BreakerPolicy(**{field: value})  # type: ignore[arg-type]


def test_the_docstring_examples_hold() -> None:
    """Every example in the module's docstrings runs as written."""
    assert doctest.testmod(breaker_module).failed == 0


@given(
    policies,
    st.lists(
        st.tuples(
            st.sampled_from(["admit", "success", "failure", "release", "wait"]),
            st.floats(0.0, 40.0),
        ),
        max_size=40,
    ),
)
def test_tickets_keep_the_probe_limit_under_stale_reports(
    policy: BreakerPolicy, script: list[tuple[str, float]]
) -> None:
    """With tickets, reports from any earlier generation never free a probe slot nor close the
    breaker: half-open never has more probes in flight than ``half_open_probes``, and a close
    happens only after a report of the current generation."""
    state = BreakerState()
    now = 0.0
    in_flight: list[int] = []  # tickets of admitted, unreported calls
    for step, value in script:
        if step == "wait":
            now += value
            continue
        if step == "admit":
            admitted = admit(state, policy, now=now)
            if is_successful(admitted):
                state = admitted.unwrap()
                in_flight.append(breaker_module.ticket(state))
            continue
        if not in_flight:
            continue
        ticket = in_flight.pop(0)  # the oldest call answers first: the stale case
        before = tick(state, policy, now=now)
        report = {"success": record_success, "failure": record_failure, "release": release}[step]
        state = report(state, policy, now=now, ticket=ticket)
        if ticket != before.generation:
            assert state == before  # stale news changes nothing
        live = sum(1 for t in in_flight if t == state.generation)
        if state.phase is Phase.HALF_OPEN:
            assert state.probes <= policy.half_open_probes
            assert state.probes <= live


def test_a_stale_success_does_not_close_a_half_open_breaker() -> None:
    """The measured defect: a call admitted before the trip answers while a probe is in flight."""
    policy = BreakerPolicy(failure_threshold=1, open_for=5.0)
    state = admit(BreakerState(), policy, now=0.0).unwrap()
    stale = breaker_module.ticket(state)
    state = record_failure(admit(state, policy, now=0.0).unwrap(), policy, now=0.0)
    state = admit(state, policy, now=5.0).unwrap()  # the probe
    assert state.phase is Phase.HALF_OPEN and state.probes == 1
    after = record_success(state, policy, now=6.0, ticket=stale)
    assert after == state
    assert isinstance(admit(after, policy, now=6.0), Failure)
