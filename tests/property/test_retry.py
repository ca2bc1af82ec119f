"""Properties of the retry policy, claude.pure.retry: classification, backoff, budgets, decisions."""

from __future__ import annotations

import doctest
import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from claude.pure import record as record_module
from claude.pure import retry as retry_module
from claude.pure.errors import (
    ApiError,
    AuthenticationError,
    CircuitOpen,
    ClaudeError,
    MalformedResponse,
    MalformedStream,
    NetworkError,
    NoEndpointAvailable,
    NotFound,
    Overloaded,
    PermissionDenied,
    RateLimited,
    RequestTooLarge,
    ServerError,
    StreamTruncated,
    Throttled,
    Timeout,
    api_error_class,
)
from claude.pure.headers import RetryHint
from claude.pure.record import AttemptRecord, CallRecord, add_attempt, add_wait, blame, fail
from claude.pure.retry import (
    GiveUp,
    GiveUpReason,
    RetryAfter,
    RetryPolicy,
    RetryState,
    backoff,
    classify,
    decide,
    delay,
    start,
    time_left,
)
from tests.property.policy_strategies import (
    api_errors,
    caller_errors,
    errors,
    no_hint,
    policy_errors,
    statuses,
    transport_errors,
    with_partial,
)

policies = st.builds(
    RetryPolicy,
    max_attempts=st.integers(1, 8),
    base_delay=st.floats(0.0, 5.0),
    max_delay=st.floats(0.0, 30.0),
    max_total=st.floats(0.0, 120.0) | st.just(math.inf),
    multiplier=st.floats(1.0, 4.0),
    jitter=st.floats(0.0, 1.0),
)
samples = st.floats(0.0, 1.0, exclude_max=True)
attempts = st.integers(1, 10_000)

# Errors a retry can fix, with no server wait (so backoff decides).
retryable = st.one_of(
    api_errors(st.sampled_from((408, 409, 429, 500, 502, 503, 504, 529)), no_hint),
    st.builds(NetworkError, problem=st.just("reset")),
    st.builds(Timeout, phase=st.sampled_from(("connect", "read", "idle"))),
    st.builds(StreamTruncated),
).filter(classify)


# --- classification ----------------------------------------------------------------------

# api-reference §11.2, read as (status, error.type) -> retry?; status 200 is the same error
# arriving mid-stream, where only the type tells.
TABLE_11_2 = [
    (400, "invalid_request_error", False),
    (401, "authentication_error", False),
    (402, "billing_error", False),
    (403, "permission_error", False),
    (404, "not_found_error", False),
    (408, "", True),
    (409, "conflict_error", True),
    (413, "request_too_large", False),
    (429, "rate_limit_error", True),
    (500, "api_error", True),
    (502, "", True),
    (503, "", True),
    (504, "timeout_error", True),
    (529, "overloaded_error", True),
]


@pytest.mark.parametrize(("status", "error_type", "expected"), TABLE_11_2)
@pytest.mark.parametrize("mid_stream", [False, True])
def test_classification_follows_the_status_table(
    status: int, error_type: str, expected: bool, mid_stream: bool
) -> None:
    """Every documented status (and its type, mid-stream) is retried exactly as §11.2 says."""
    if mid_stream and not error_type:
        return  # an error event always has a type; these rows exist only as HTTP statuses
    code = 200 if mid_stream else status
    error = api_error_class(code, error_type)(status=code, error_type=error_type, message="m")
    assert classify(error) is expected


def _expected(error: ApiError) -> bool:
    """The status rule, written plainly: the kind decides, else the status, else the type."""
    if isinstance(error, (RateLimited, Overloaded, ServerError)):
        return True
    if isinstance(error, (AuthenticationError, PermissionDenied, NotFound, RequestTooLarge)):
        return False
    if error.status == 200:
        return error.error_type == "conflict_error"
    return error.status in (408, 409, 429) or error.status >= 500


@given(api_errors(retry=no_hint))
def test_api_errors_follow_the_status_rule(error: ApiError) -> None:
    """Without x-should-retry, 408/409/429/5xx are retried and every other status is not."""
    assert classify(error) is _expected(error)


@given(api_errors(), st.booleans())
def test_x_should_retry_overrides_the_status_rule(error: ApiError, flag: bool) -> None:
    """x-should-retry, when sent, decides whatever the status or kind."""
    hinted = type(error)(
        status=error.status,
        error_type=error.error_type,
        message=error.message,
        retry=RetryHint(should_retry=flag),
    )
    assert classify(hinted) is flag


@given(transport_errors)
def test_transport_errors_are_retried_unless_final(error: ClaudeError) -> None:
    """Network errors, cut streams and timeouts are retried; the caller's deadline and protocol
    violations are not; a malformed answer follows its status."""
    match error:
        case NetworkError() | StreamTruncated():
            assert classify(error)
        case Timeout(phase=phase):
            assert classify(error) is (phase != "total")
        case MalformedStream():
            assert not classify(error)
        case MalformedResponse(status=status):
            assert classify(error) is (status in (408, 409, 429) or status >= 500)


@given(caller_errors | policy_errors)
def test_caller_and_policy_errors_are_never_retried(error: ClaudeError) -> None:
    """Errors in how we were called and refusals by a policy are final."""
    assert not classify(error)


# --- backoff -----------------------------------------------------------------------------


@given(policies, attempts, attempts)
def test_backoff_never_decreases_and_stays_under_the_cap(
    policy: RetryPolicy, a: int, b: int
) -> None:
    """Before jitter, a later attempt never waits less, and no wait exceeds max_delay."""
    low, high = sorted((a, b))
    assert 0.0 <= backoff(low, policy=policy) <= backoff(high, policy=policy) <= policy.max_delay


@given(policies, st.integers(1, 40))
def test_backoff_is_the_documented_formula(policy: RetryPolicy, attempt: int) -> None:
    """backoff(a) = min(max_delay, base_delay * multiplier ** (a - 1))."""
    expected = min(policy.max_delay, policy.base_delay * policy.multiplier ** (attempt - 1))
    assert backoff(attempt, policy=policy) == pytest.approx(expected, rel=1e-9, abs=0.0)


@given(policies, attempts, samples)
def test_jitter_shortens_by_at_most_the_jitter_share(
    policy: RetryPolicy, attempt: int, u: float
) -> None:
    """delay = backoff * (1 - jitter * u): within [backoff * (1 - jitter), backoff]."""
    full = backoff(attempt, policy=policy)
    assert full * (1.0 - policy.jitter) - 1e-12 <= delay(attempt, policy=policy, u=u) <= full


def test_default_backoff_matches_the_official_sdk() -> None:
    """The defaults give the SDK's min(0.5 * 2^n, 8) s, shortened by at most a quarter."""
    policy = RetryPolicy()
    assert [delay(a, policy=policy, u=0.0) for a in range(1, 7)] == [0.5, 1, 2, 4, 8, 8]
    assert delay(1, policy=policy, u=0.999999) == pytest.approx(0.375, abs=1e-6)


# --- decisions ---------------------------------------------------------------------------


@given(
    policies,
    st.lists(st.tuples(retryable, st.floats(0.0, 20.0), samples), min_size=1, max_size=12),
    st.floats(-1e6, 1e6),
)
def test_a_call_stays_within_its_budgets(
    policy: RetryPolicy,
    failures: list[tuple[ClaudeError, float, float]],
    t0: float,
) -> None:
    """However attempts fail, a call makes at most max_attempts attempts and sleeps at most
    max_total seconds, and its state adds up its sleeps."""
    state = start(now=t0)
    now = t0
    made = 0
    for error, duration, u in failures:
        made += 1
        now += duration
        decision = decide(state, error, policy=policy, now=now, wall_now=0.0, u=u)
        assert decision.state.attempts == made
        if isinstance(decision, GiveUp):
            assert decision.error is error
            break
        state = decision.state
        assert 0.0 <= decision.delay <= policy.max_delay
        now += decision.delay
        assert now - t0 <= policy.max_total + 1e-6
    assert made <= policy.max_attempts
    assert state.waited <= policy.max_total
    assert len(state.history) == state.attempts
    assert state.waited == pytest.approx(sum(step.delay for step in state.history))


@given(policies, retryable, samples)
def test_max_attempts_counts_the_first_attempt(
    policy: RetryPolicy, error: ClaudeError, u: float
) -> None:
    """With time to spare, a call is retried until its max_attempts-th attempt fails, then ends."""
    policy = RetryPolicy(
        max_attempts=policy.max_attempts,
        base_delay=policy.base_delay,
        max_delay=policy.max_delay,
        max_total=math.inf,
    )
    state = start(now=0.0)
    for _ in range(policy.max_attempts - 1):
        decision = decide(state, error, policy=policy, now=0.0, wall_now=0.0, u=u)
        assert isinstance(decision, RetryAfter)
        state = decision.state
    last = decide(state, error, policy=policy, now=0.0, wall_now=0.0, u=u)
    assert isinstance(last, GiveUp)
    assert last.reason is GiveUpReason.ATTEMPTS_EXHAUSTED
    assert last.state.attempts == policy.max_attempts


@given(errors.filter(lambda e: not classify(e)), policies)
def test_a_final_error_gives_up_at_once(error: ClaudeError, policy: RetryPolicy) -> None:
    """An error no retry can fix ends the call on its first attempt."""
    decision = decide(start(now=0.0), error, policy=policy, now=0.0, wall_now=0.0, u=0.5)
    assert isinstance(decision, GiveUp)
    assert decision.reason is GiveUpReason.NOT_RETRYABLE


@given(retryable, policies)
def test_a_stream_that_delivered_content_is_not_retried(
    error: ClaudeError, policy: RetryPolicy
) -> None:
    """Once part of a reply arrived, a retryable failure still ends the call."""
    decision = decide(
        start(now=0.0), with_partial(error), policy=policy, now=0.0, wall_now=0.0, u=0.5
    )
    assert isinstance(decision, GiveUp)
    assert decision.reason is GiveUpReason.CONTENT_ARRIVED


def _hinted(status: int, hint: RetryHint) -> ApiError:
    error_type = "rate_limit_error" if status == 429 else "overloaded_error"
    return api_error_class(status, error_type)(
        status=status, error_type=error_type, message="m", retry=hint
    )


@given(st.sampled_from((429, 529)), st.floats(0.0, 8.0), samples)
def test_a_server_wait_within_the_cap_is_honoured_exactly(
    status: int, after: float, u: float
) -> None:
    """retry-after(-ms) within max_delay is the sleep, without jitter."""
    error = _hinted(status, RetryHint(after=after))
    decision = decide(start(now=0.0), error, policy=RetryPolicy(), now=0.0, wall_now=0.0, u=u)
    assert isinstance(decision, RetryAfter)
    assert decision.delay == after
    assert decision.state.history[-1].source == "server"


@given(st.floats(0.0, 8.0), st.floats(0.0, 2e9))
def test_an_http_date_is_read_against_the_wall_clock(ahead: float, wall_now: float) -> None:
    """retry-after as an HTTP date waits from wall_now until that date."""
    error = _hinted(529, RetryHint(at=wall_now + ahead))
    decision = decide(
        start(now=0.0), error, policy=RetryPolicy(), now=0.0, wall_now=wall_now, u=0.0
    )
    assert isinstance(decision, RetryAfter)
    assert decision.delay == pytest.approx(ahead, abs=1e-6)


@given(policies, st.floats(0.0, 1e6), st.sampled_from((429, 503, 529)))
def test_a_server_wait_beyond_the_cap_gives_up(
    policy: RetryPolicy, extra: float, status: int
) -> None:
    """A server asking for more than max_delay ends the call rather than sleeping unasked."""
    assume(policy.max_attempts > 1)
    after = policy.max_delay + extra
    assume(after > policy.max_delay)
    decision = decide(
        start(now=0.0),
        _hinted(status, RetryHint(after=after)),
        policy=policy,
        now=0.0,
        wall_now=0.0,
        u=0.0,
    )
    assert isinstance(decision, GiveUp)
    assert decision.reason is GiveUpReason.SERVER_WAIT_BEYOND_CAP


@given(st.floats(0.0, 100.0), st.floats(0.0, 8.0))
def test_a_sleep_that_would_cross_the_time_budget_gives_up(spent: float, after: float) -> None:
    """The sleep must end within max_total of start; otherwise the call ends now."""
    policy = RetryPolicy(max_total=60.0)
    decision = decide(
        start(now=0.0),
        _hinted(529, RetryHint(after=after)),
        policy=policy,
        now=spent,
        wall_now=0.0,
        u=0.0,
    )
    if spent + after > 60.0:
        assert isinstance(decision, GiveUp)
        assert decision.reason is GiveUpReason.TIME_BUDGET
    else:
        assert isinstance(decision, RetryAfter)
    assert time_left(start(now=0.0), policy=policy, now=spent) == max(0.0, 60.0 - spent)


@given(
    st.builds(
        RetryState,
        started_at=st.floats(allow_nan=False, allow_infinity=False),
        attempts=st.integers(0, 100),
        waited=st.floats(0.0, 1e9),
    ),
    errors | errors.map(with_partial),
    policies,
    st.tuples(st.floats(), st.floats(), st.floats()),
)
def test_decide_is_total(
    state: RetryState,
    error: ClaudeError,
    policy: RetryPolicy,
    readings: tuple[float, float, float],
) -> None:
    """Any state, error, clock readings and sample (NaN included) give a decision, not an
    exception, and a retry never sleeps a negative or NaN time."""
    now, wall_now, u = readings
    decision = decide(state, error, policy=policy, now=now, wall_now=wall_now, u=u)
    if isinstance(decision, RetryAfter):
        assert 0.0 <= decision.delay <= policy.max_delay


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("max_attempts", 0),
        ("base_delay", -1.0),
        ("max_delay", math.inf),
        ("max_total", math.nan),
        ("multiplier", 0.5),
        ("jitter", 1.5),
    ],
)
def test_a_bad_policy_names_its_field(field: str, value: float) -> None:
    """A policy value out of range raises ValueError naming the field."""
    with pytest.raises(ValueError, match=f"RetryPolicy.{field}"):
        RetryPolicy(**{field: value})  # type: ignore[arg-type]


@given(statuses)
def test_give_up_explains_itself(status: int) -> None:
    """A GiveUp says in one line how many attempts were made and why it stopped."""
    error = _hinted(status, RetryHint())
    decision = decide(
        start(now=0.0), error, policy=RetryPolicy(max_attempts=1), now=0.0, wall_now=0.0, u=0.0
    )
    assert isinstance(decision, GiveUp)
    assert decision.line().startswith("gave up after 1 attempt:")


def test_the_docstring_examples_hold() -> None:
    """Every example in the module's docstrings runs as written."""
    assert doctest.testmod(retry_module).failed == 0


# --- the call record (claude.pure.record), which names the layer from the retry reason -----


@given(
    st.lists(st.tuples(st.floats(0.0, 100.0), st.floats(0.0, 10.0)), max_size=8),
    st.floats(0.0, 10.0),
)
def test_a_call_record_adds_up_its_waits(
    attempts: list[tuple[float, float]], before: float
) -> None:
    """total_wait is the sum of every wait added, before attempts and between them."""
    call = add_wait(CallRecord(), before)
    for n, (elapsed, wait) in enumerate(attempts, start=1):
        call = add_attempt(
            call,
            AttemptRecord(attempt=n, endpoint=None, started_at=0.0, elapsed=elapsed, wait=wait),
        )
    assert call.total_wait == pytest.approx(before + sum(w for _, w in attempts))
    assert [a.attempt for a in call.attempts] == list(range(1, len(attempts) + 1))
    assert fail(call, "retry").failed_by == "retry"


_BUDGETS = (
    GiveUpReason.ATTEMPTS_EXHAUSTED,
    GiveUpReason.TIME_BUDGET,
    GiveUpReason.SERVER_WAIT_BEYOND_CAP,
)


@given(errors, st.none() | st.sampled_from(GiveUpReason))
def test_blame_names_the_layer_that_said_no(
    error: ClaudeError, reason: GiveUpReason | None
) -> None:
    """Policy refusals blame their policy; a spent budget blames retry; the rest the request."""
    expected = {
        Throttled: "rate_limit",
        CircuitOpen: "breaker",
        NoEndpointAvailable: "failover",
    }.get(type(error)) or ("retry" if reason in _BUDGETS else "request")
    assert blame(error, reason=reason) == expected


def test_the_record_docstring_examples_hold() -> None:
    """Every example in claude.pure.record's docstrings runs as written."""
    assert doctest.testmod(record_module).failed == 0


@given(errors)
def test_sent_is_false_only_for_connect_failures(error: ClaudeError) -> None:
    """``sent`` is False for connect/pool failures and non-transport errors, True for the rest of
    network errors, timeouts and cut streams."""
    expected = (
        isinstance(error, NetworkError | Timeout) and error.phase not in ("connect", "pool")
    ) or isinstance(error, StreamTruncated)
    assert retry_module.sent(error) is expected


@given(errors, st.booleans())
def test_retry_after_sent_false_never_retries_a_sent_request(
    error: ClaudeError, retry_after_sent: bool
) -> None:
    """With ``retry_after_sent=False`` a failure after sending gives up with REQUEST_SENT; with
    True the decision is what it was without the flag."""
    policy = RetryPolicy(retry_after_sent=retry_after_sent)
    decision = retry_module.decide(
        retry_module.start(now=0.0), error, policy=policy, now=0.0, wall_now=0.0, u=0.0
    )
    plain = retry_module.decide(
        retry_module.start(now=0.0), error, policy=RetryPolicy(), now=0.0, wall_now=0.0, u=0.0
    )
    if not retry_after_sent and retry_module.classify(error) and retry_module.sent(error):
        assert isinstance(decision, GiveUp) and decision.reason is GiveUpReason.REQUEST_SENT
    elif retry_after_sent:
        assert decision == plain


def test_a_refused_connection_is_retried_even_when_sent_requests_are_not() -> None:
    """A connect failure never reached the server, so it is retried under either setting."""
    policy = RetryPolicy(retry_after_sent=False)
    decision = retry_module.decide(
        retry_module.start(now=0.0),
        NetworkError(problem="refused", phase="connect"),
        policy=policy,
        now=0.0,
        wall_now=0.0,
        u=0.0,
    )
    assert isinstance(decision, RetryAfter)
