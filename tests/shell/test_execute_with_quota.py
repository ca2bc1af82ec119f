"""execute_with_quota against claude.testing: refusals send nothing, replies settle their usage."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import anyio
import pytest
from anthropic.types import MessageTokensCount
from returns.result import Failure, Result, Success

import claude
from claude import cost, shell
from claude.pure.errors import ClaudeError, InvalidArgument
from claude.pure.quota import QuotaExceeded, QuotaPolicy
from claude.pure.wire import Message
from claude.shell import Client, FakeClock, QuotaTracker
from claude.shell.metered import Estimate
from claude.testing import Fault, LocalServer
from tests.shell.conftest import HELLO, Mode

DAY = datetime.date(2026, 12, 1)
MODEL = "claude-sonnet-4-5"


def tracker(policy: QuotaPolicy) -> QuotaTracker:
    """A tracker whose date is fixed."""
    return QuotaTracker(policy, today=lambda: DAY)


def refusal(result: Result[Message, ClaudeError]) -> QuotaExceeded:
    """The quota refusal ``result`` holds (the test fails if it holds anything else)."""
    assert isinstance(result, Failure)
    error = result.failure()
    assert isinstance(error, QuotaExceeded), error
    return error


def run(
    mode: Mode, client: Client, request: dict[str, object], held: QuotaTracker, **kw: object
) -> Result[Message, ClaudeError]:
    """``client.execute_with_quota``, or its async twin run on the given backend."""
    estimate: Estimate | None = kw.get("estimate")  # type: ignore[assignment]
    if mode == "sync":
        return client.execute_with_quota(request, held, estimate=estimate)

    async def main() -> Result[Message, ClaudeError]:
        return await client.aexecute_with_quota(request, held, estimate=estimate)

    return anyio.run(main, backend=mode)


def test_a_call_that_would_cross_the_daily_cost_limit_is_stopped_before_any_request(
    server: LocalServer, client: Client, mode: Mode
) -> None:
    """With $0.0005 a day, a 64-token call at Sonnet prices ($0.00096) is refused, nothing sent."""
    held = tracker(QuotaPolicy(daily_cost=0.0005))
    error = refusal(run(mode, client, HELLO, held))
    assert error.limit == "daily_cost"
    assert error.over_by == pytest.approx(64 * 15 / 1_000_000 - 0.0005)
    assert "daily_cost" in str(error)
    assert server.request_count == 0
    assert held.totals()[0].requests == 0


def test_a_call_within_the_limits_is_settled_with_its_real_usage(
    server: LocalServer, client: Client, mode: Mode
) -> None:
    """The reply's usage, priced by cost.of, replaces the estimate; the next call sees it."""
    held = tracker(QuotaPolicy(daily_cost=1.0, daily_requests=1))
    reply = run(mode, client, HELLO, held).unwrap()
    day, month = held.totals(model=MODEL)
    counted = cost.tokens(reply.usage).unwrap()
    assert (day.requests, day.tokens) == (1, counted.total)
    assert day.cost == pytest.approx(cost.of(reply.usage, model=MODEL).unwrap().total)
    assert month == day
    assert refusal(run(mode, client, HELLO, held)).limit == "daily_requests"
    assert server.request_count == 1


@pytest.mark.parametrize(
    "estimate",
    [
        5_000,
        lambda _: Success(5_000),
        lambda _: Success(MessageTokensCount(input_tokens=5_000)),
    ],
)
def test_an_input_estimate_counts_before_the_call(
    server: LocalServer, client: Client, mode: Mode, estimate: Estimate
) -> None:
    """Input tokens (a number, or a count_tokens-style callable's Result) join max_tokens."""
    held = tracker(QuotaPolicy(daily_tokens=1_000))
    error = refusal(run(mode, client, HELLO, held, estimate=estimate))
    assert (error.limit, error.would_be) == ("daily_tokens", 5_064)
    assert server.request_count == 0


@pytest.mark.parametrize(
    ("estimate", "named"),
    [
        (-1, "estimate"),
        ("many", "estimate"),
        (lambda _: Failure(InvalidArgument(path="count", problem="cannot count")), "count"),
    ],
)
def test_a_bad_estimate_ends_the_call_before_any_request(
    server: LocalServer, client: Client, estimate: Estimate, named: str
) -> None:
    """A negative or non-numeric estimate, or a failed count, is a Failure and sends nothing."""
    held = tracker(QuotaPolicy(daily_tokens=1_000))
    result = client.execute_with_quota(HELLO, held, estimate=estimate)
    assert isinstance(result, Failure)
    assert str(result.failure()).startswith(named)
    assert server.request_count == 0
    assert held.totals()[0].requests == 0


def test_an_async_estimate_is_awaited_and_refused_by_the_sync_call(
    server: LocalServer, client: Client
) -> None:
    """aexecute_with_quota awaits a coroutine estimate; the sync call refuses it, naming estimate."""

    async def count(_: object) -> Result[int, ClaudeError]:
        return Success(5_000)

    held = tracker(QuotaPolicy(daily_tokens=1_000))
    refused = anyio.run(lambda: client.aexecute_with_quota(HELLO, held, estimate=count))
    assert refusal(refused).limit == "daily_tokens"
    sync = client.execute_with_quota(HELLO, held, estimate=count)
    assert isinstance(sync, Failure)
    assert "estimate" in str(sync.failure())
    assert server.request_count == 0


def test_a_failed_call_releases_its_reservation(
    server: LocalServer, client: Client, mode: Mode
) -> None:
    """An API error counts nothing: the reservation is taken back."""
    server.inject(Fault(status=400))
    held = tracker(QuotaPolicy(daily_requests=1))
    assert isinstance(run(mode, client, HELLO, held), Failure)
    assert held.totals()[0] == held.totals()[1]
    assert held.totals()[0].requests == 0
    assert isinstance(run(mode, client, HELLO, held), Success)
    assert server.request_count == 2


def test_enterprise_features_reserve_once_per_call_not_per_retry(
    server: LocalServer, mode: Mode
) -> None:
    """Quota comes first: two attempts (a 529, then success) are one request against the quota."""
    server.inject(Fault(status=529))
    held = tracker(QuotaPolicy(daily_requests=1))
    policy = claude.RetryPolicy(max_attempts=3)
    with Client(api_key=server.api_key, base_url=server.base_url, clock=FakeClock()) as client:
        if mode == "sync":
            reply = client.execute_with_enterprise_features(HELLO, retry=policy, quota=held)
        else:
            reply = anyio.run(
                lambda: client.aexecute_with_enterprise_features(HELLO, retry=policy, quota=held),
                backend=mode,
            )
        assert isinstance(reply, Success)
        assert server.request_count == 2
        assert held.totals()[0].requests == 1
        refused = client.execute_with_enterprise_features(HELLO, retry=policy, quota=held)
    assert refusal(refused).limit == "daily_requests"
    assert server.request_count == 2


def test_the_module_level_calls_use_the_client_given(server: LocalServer, client: Client) -> None:
    """shell.execute_with_quota and its async twin run on ``client`` under the tracker."""
    held = tracker(QuotaPolicy(daily_requests=2))
    call: Callable[[], Result[Message, ClaudeError]] = lambda: shell.execute_with_quota(  # noqa: E731
        HELLO, held, client=client
    )
    assert isinstance(call(), Success)
    assert isinstance(
        anyio.run(lambda: shell.aexecute_with_quota(HELLO, held, client=client)), Success
    )
    assert held.totals()[0].requests == 2
    assert isinstance(call(), Failure)
    assert server.request_count == 2


def test_a_reply_settles_in_the_day_its_call_was_reserved(
    server: LocalServer, client: Client
) -> None:
    """A call reserved before midnight and answered after it does not touch the new day's total."""
    dates = iter([DAY])  # the reservation reads DAY; every later read is the next day

    def today() -> datetime.date:
        return next(dates, DAY + datetime.timedelta(days=1))

    held = QuotaTracker(QuotaPolicy(daily_requests=1), today=today)
    assert isinstance(client.execute_with_quota(HELLO, held), Success)
    day, month = held.totals()
    assert (day.requests, month.requests) == (0, 1)
    assert isinstance(client.execute_with_quota(HELLO, held), Success)
    assert held.totals()[0].requests == 1
    assert server.request_count == 2
