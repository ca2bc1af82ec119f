"""``execute_with_*`` against the bundled server with injected faults; time from a FakeClock."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Awaitable, Callable

import anyio
import pytest
from returns.result import Failure, Result, Success

import claude
from claude.pure import retry
from claude.pure.breaker import Phase
from claude.pure.errors import (
    ApiError,
    CircuitOpen,
    ClaudeError,
    InvalidArgument,
    NoEndpointAvailable,
    RateLimited,
    ServerError,
    Throttled,
)
from claude.pure.record import CallRecord
from claude.pure.wire import Message
from claude.shell import CircuitBreaker, Client, Failover, FakeClock, RateLimiter
from claude.testing import Fault, LocalServer
from tests.shell.conftest import HELLO, Mode, free_port

POLICY = claude.RetryPolicy(max_attempts=4, base_delay=0.5, max_delay=8.0, max_total=60.0)


def fake_client(server: LocalServer, clock: FakeClock | None = None) -> Client:
    """A client whose clock only moves when slept on."""
    return Client(api_key=server.api_key, base_url=server.base_url, clock=clock or FakeClock())


def run(
    mode: Mode,
    sync: Callable[[], Result[Message, ClaudeError]],
    asynchronous: Callable[[], Awaitable[Result[Message, ClaudeError]]],
) -> Result[Message, ClaudeError]:
    """The sync call, or its async twin on the given backend."""
    if mode == "sync":
        return sync()

    async def main() -> Result[Message, ClaudeError]:
        return await asynchronous()

    return anyio.run(main, backend=mode)


def test_a_529_then_200_succeeds_after_one_retry_with_the_expected_wait(
    server: LocalServer, mode: Mode
) -> None:
    """One overloaded reply, then success: exactly one sleep of the backoff formula's length."""
    clock = FakeClock(samples=[0.3])
    client = fake_client(server, clock)
    server.inject(Fault(status=529))
    records: list[CallRecord] = []
    result = run(
        mode,
        lambda: client.execute_with_retries(HELLO, POLICY, observe=records.append),
        lambda: client.aexecute_with_retries(HELLO, POLICY, observe=records.append),
    )
    assert result.unwrap().text == "Hello! You said: hi"
    assert clock.sleeps == [retry.delay(1, policy=POLICY, u=0.3)]
    assert server.request_count == 2
    (record,) = records
    assert [a.error is None for a in record.attempts] == [False, True]
    assert record.failed_by is None


def test_a_429_with_retry_after_waits_that_long(server: LocalServer, mode: Mode) -> None:
    """The server's retry-after is honoured over the backoff."""
    clock = FakeClock()
    client = fake_client(server, clock)
    server.inject(Fault(status=429, headers={"retry-after": "0.05"}))
    result = run(
        mode,
        lambda: client.execute_with_retries(HELLO, POLICY),
        lambda: client.aexecute_with_retries(HELLO, POLICY),
    )
    assert isinstance(result, Success)
    assert clock.sleeps == [0.05]


def test_a_400_is_not_retried(server: LocalServer, mode: Mode) -> None:
    """A caller error comes back at once after one request."""
    clock = FakeClock()
    client = fake_client(server, clock)
    server.inject(Fault(status=400), times=5)
    records: list[CallRecord] = []
    result = run(
        mode,
        lambda: client.execute_with_retries(HELLO, POLICY, observe=records.append),
        lambda: client.aexecute_with_retries(HELLO, POLICY, observe=records.append),
    )
    error = result.failure()
    assert isinstance(error, ApiError) and error.status == 400
    assert server.request_count == 1 and clock.sleeps == []
    assert records[0].failed_by == "request"


def test_a_retry_after_beyond_the_cap_returns_the_rate_limit_error_at_once(
    server: LocalServer, mode: Mode
) -> None:
    """An hour's retry-after is not slept: the 429 comes back immediately."""
    clock = FakeClock()
    client = fake_client(server, clock)
    server.inject(Fault(status=429, headers={"retry-after": "3600"}))
    result = run(
        mode,
        lambda: client.execute_with_retries(HELLO, POLICY),
        lambda: client.aexecute_with_retries(HELLO, POLICY),
    )
    assert isinstance(result.failure(), RateLimited)
    assert server.request_count == 1 and clock.sleeps == []


def test_retries_stop_at_the_attempt_budget(server: LocalServer, mode: Mode) -> None:
    """A server that keeps failing sees exactly max_attempts requests."""
    clock = FakeClock()
    client = fake_client(server, clock)
    server.inject(Fault(status=503), times=10)
    result = run(
        mode,
        lambda: client.execute_with_retries(HELLO, POLICY),
        lambda: client.aexecute_with_retries(HELLO, POLICY),
    )
    assert isinstance(result.failure(), ServerError)
    assert server.request_count == POLICY.max_attempts
    assert len(clock.sleeps) == POLICY.max_attempts - 1


def test_a_plain_send_never_retries(server: LocalServer) -> None:
    """Without a policy nothing happens implicitly: one 529, one request, the error."""
    server.inject(Fault(status=529))
    client = fake_client(server)
    assert isinstance(client.send(HELLO), Failure)
    assert server.request_count == 1


def test_the_breaker_opens_after_n_failures_and_then_sends_nothing(
    server: LocalServer, mode: Mode
) -> None:
    """After threshold failures the next call fails fast; the server log shows no request."""
    clock = FakeClock()
    client = fake_client(server, clock)
    breaker = CircuitBreaker(claude.BreakerPolicy(failure_threshold=3, open_for=30.0))
    server.inject(Fault(status=500), times=3)
    for _ in range(3):
        result = run(
            mode,
            lambda: client.execute_with_circuit_breaker(HELLO, breaker),
            lambda: client.aexecute_with_circuit_breaker(HELLO, breaker),
        )
        assert isinstance(result.failure(), ServerError)
    assert breaker.state.phase == Phase.OPEN
    before = server.request_count
    refused = run(
        mode,
        lambda: client.execute_with_circuit_breaker(HELLO, breaker),
        lambda: client.aexecute_with_circuit_breaker(HELLO, breaker),
    ).failure()
    assert isinstance(refused, CircuitOpen) and refused.retry_in == pytest.approx(30.0)
    assert server.request_count == before
    clock.advance(30.0)
    recovered = run(
        mode,
        lambda: client.execute_with_circuit_breaker(HELLO, breaker),
        lambda: client.aexecute_with_circuit_breaker(HELLO, breaker),
    )
    assert isinstance(recovered, Success)
    assert server.request_count == before + 1
    assert breaker.state.phase.value == "closed"


def test_rate_limiting_spaces_20_calls_at_the_configured_rate(
    server: LocalServer, mode: Mode
) -> None:
    """With rate 5/s and burst 1, twenty calls start 0.2 s apart on the clock."""
    clock = FakeClock()
    client = fake_client(server, clock)
    limiter = RateLimiter(claude.TokenBucketPolicy(rate=5.0, burst=1.0))
    records: list[CallRecord] = []
    for _ in range(20):
        result = run(
            mode,
            lambda: client.execute_with_rate_limiting(HELLO, limiter, observe=records.append),
            lambda: client.aexecute_with_rate_limiting(HELLO, limiter, observe=records.append),
        )
        assert isinstance(result, Success)
    starts = [record.attempts[0].started_at for record in records]
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert all(gap == pytest.approx(0.2) for gap in gaps)
    assert sum(clock.sleeps) == pytest.approx(19 * 0.2)
    assert server.request_count == 20


def test_nowait_rate_limiting_fails_with_the_wait_needed(server: LocalServer) -> None:
    """With nowait an empty bucket is Throttled(wait), and nothing is sent."""
    client = fake_client(server)
    limiter = RateLimiter(claude.TokenBucketPolicy(rate=2.0, burst=1.0))
    assert isinstance(client.execute_with_rate_limiting(HELLO, limiter, nowait=True), Success)
    error = client.execute_with_rate_limiting(HELLO, limiter, nowait=True).failure()
    assert isinstance(error, Throttled) and error.wait == pytest.approx(0.5)
    assert server.request_count == 1


def test_failover_moves_to_the_second_endpoint_when_the_first_refuses(
    server: LocalServer, mode: Mode
) -> None:
    """A refused connection on the primary sends the call to the secondary."""
    client = fake_client(server)
    dead = f"http://127.0.0.1:{free_port()}"
    policy = claude.FailoverPolicy(endpoints=[dead, server.base_url], strategy="priority")
    records: list[CallRecord] = []
    result = run(
        mode,
        lambda: client.execute_with_failover(HELLO, policy, observe=records.append),
        lambda: client.aexecute_with_failover(HELLO, policy, observe=records.append),
    )
    assert result.unwrap().text == "Hello! You said: hi"
    assert [a.endpoint for a in records[0].attempts] == [dead, server.base_url]


def test_failover_with_every_endpoint_down_says_so(mode: Mode) -> None:
    """When no endpoint answers, the call ends with NoEndpointAvailable naming the last error."""
    dead = [f"http://127.0.0.1:{free_port()}" for _ in range(2)]
    client = Client(api_key="sk-ant-x", base_url=dead[0], clock=FakeClock())
    holder = Failover(claude.FailoverPolicy(endpoints=dead))
    result = run(
        mode,
        lambda: client.execute_with_failover(HELLO, holder),
        lambda: client.aexecute_with_failover(HELLO, holder),
    )
    error = result.failure()
    assert isinstance(error, NoEndpointAvailable) and error.last is not None


def test_failover_refuses_plain_http_to_a_remote_endpoint(server: LocalServer) -> None:
    """Endpoints obey the same TLS rule as base URLs, before any request."""
    client = fake_client(server)
    policy = claude.FailoverPolicy(endpoints=["http://api.example.com", server.base_url])
    error = client.execute_with_failover(HELLO, policy).failure()
    assert isinstance(error, InvalidArgument) and error.path.startswith("failover.endpoints")
    assert server.request_count == 0


def test_enterprise_features_compose_in_order_and_blame_the_right_policy(
    server: LocalServer, mode: Mode
) -> None:
    """Retry + breaker + limiter + failover together succeed past faults; an open breaker is blamed."""
    clock = FakeClock()
    client = fake_client(server, clock)
    breaker = CircuitBreaker(claude.BreakerPolicy(failure_threshold=2, open_for=10.0))
    limiter = RateLimiter(claude.TokenBucketPolicy(rate=10.0, burst=2.0))
    failover = Failover(claude.FailoverPolicy(endpoints=[server.base_url]))
    server.inject(Fault(status=529))
    records: list[CallRecord] = []

    def sync() -> Result[Message, ClaudeError]:
        return client.execute_with_enterprise_features(
            HELLO, retry=POLICY, breaker=breaker, limiter=limiter, observe=records.append
        )

    async def asynchronous() -> Result[Message, ClaudeError]:
        return await client.aexecute_with_enterprise_features(
            HELLO, retry=POLICY, breaker=breaker, limiter=limiter, observe=records.append
        )

    assert isinstance(run(mode, sync, asynchronous), Success)
    server.inject(Fault(status=500), times=2)
    one_shot = claude.RetryPolicy(max_attempts=1)
    for _ in range(2):
        client.execute_with_enterprise_features(HELLO, retry=one_shot, breaker=breaker)
    refused = client.execute_with_enterprise_features(
        HELLO, breaker=breaker, failover=failover, observe=records.append
    )
    assert isinstance(refused.failure(), CircuitOpen)
    assert records[-1].failed_by == "breaker"


def test_50_threads_share_one_breaker_and_limiter_and_keep_their_invariants(
    server: LocalServer,
) -> None:
    """Concurrent calls never exceed the bucket and every failure is counted by the breaker."""
    clock = FakeClock()
    client = fake_client(server, clock)
    limiter = RateLimiter(claude.TokenBucketPolicy(rate=100.0, burst=5.0))
    breaker = CircuitBreaker(claude.BreakerPolicy(failure_threshold=1000, open_for=1.0))
    records: list[CallRecord] = []
    lock = threading.Lock()

    def one() -> None:
        result = client.execute_with_enterprise_features(
            HELLO, limiter=limiter, breaker=breaker, observe=records.append
        )
        with lock:
            assert isinstance(result, Success)

    threads = [threading.Thread(target=one) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert server.request_count == 50 and len(records) == 50
    starts = sorted(record.attempts[0].started_at for record in records)
    for i, at in enumerate(starts):
        assert i + 1 <= 5 + 100.0 * (at - starts[0]) + 1e-6
    assert breaker.state.phase is Phase.CLOSED and breaker.state.failures == 0


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_50_tasks_share_one_breaker_and_the_breaker_opens_once(
    server: LocalServer, backend: str
) -> None:
    """Concurrent failing tasks open the shared breaker; each outcome is a server error or a refusal."""
    client = fake_client(server)
    breaker = CircuitBreaker(claude.BreakerPolicy(failure_threshold=5, open_for=60.0))
    server.inject(Fault(status=500), times=100)
    outcomes: list[ClaudeError] = []

    async def one() -> None:
        result = await client.aexecute_with_circuit_breaker(HELLO, breaker)
        outcomes.append(result.failure())

    async def main() -> None:
        async with anyio.create_task_group() as tg:
            for _ in range(50):
                tg.start_soon(one)

    anyio.run(main, backend=backend)
    assert len(outcomes) == 50
    assert all(isinstance(e, ServerError | CircuitOpen) for e in outcomes)
    assert sum(isinstance(e, ServerError) for e in outcomes) == server.request_count
    assert breaker.state.phase is Phase.OPEN


def test_health_checks_classify_each_endpoint(server: LocalServer, mode: Mode) -> None:
    """A live endpoint is healthy, a dead one unhealthy, and the metrics are percentages."""
    client = fake_client(server)
    endpoints = [server.base_url, f"http://127.0.0.1:{free_port()}"]
    if mode == "sync":
        reports, metrics = client.check_health(endpoints)
    else:
        reports, metrics = anyio.run(client.acheck_health, endpoints, backend=mode)
    assert [r.health for r in reports] == [
        claude.EndpointHealth.HEALTHY,
        claude.EndpointHealth.UNHEALTHY,
    ]
    assert metrics.healthy_pct == 50.0 and metrics.unhealthy_pct == 50.0
    assert server.requests[0].method == "HEAD"


def test_a_stream_is_retried_when_it_fails_before_its_first_event(
    server: LocalServer, mode: Mode
) -> None:
    """A 529 before the stream starts is retried; the second attempt streams the reply."""
    clock = FakeClock()
    client = fake_client(server, clock)
    server.inject(Fault(status=529))
    if mode == "sync":
        with client.stream_with_retries(HELLO, POLICY) as events:
            final = events.final_message()
    else:

        async def main() -> Result[Message, ClaudeError]:
            async with client.astream_with_retries(HELLO, POLICY) as events:
                return await events.final_message()

        final = anyio.run(main, backend=mode)
    assert final.unwrap().text == "Hello! You said: hi"
    assert len(clock.sleeps) == 1 and server.request_count == 2


def test_a_stream_that_failed_after_content_is_not_retried(server: LocalServer) -> None:
    """An error event after content gives the error with the partial, and no second request."""
    clock = FakeClock()
    client = fake_client(server, clock)
    server.inject(Fault(error_after=4))
    long = {**HELLO, "messages": [{"role": "user", "content": "a b c d e f g h i j k l"}]}
    with client.stream_with_retries(long, POLICY) as events:
        final = events.final_message()
    error = final.failure()
    assert error.partial is not None
    assert server.request_count == 1 and clock.sleeps == []


def test_retry_with_failover_makes_new_passes_over_the_endpoints(
    server: LocalServer, mode: Mode
) -> None:
    """With one endpoint, retry is not capped by failover: a 529 then a 200 succeeds."""
    client = fake_client(server)
    server.inject(Fault(status=529))
    failover = claude.FailoverPolicy(endpoints=[server.base_url])

    def sync() -> Result[Message, ClaudeError]:
        return client.execute_with_enterprise_features(HELLO, retry=POLICY, failover=failover)

    async def asynchronous() -> Result[Message, ClaudeError]:
        return await client.aexecute_with_enterprise_features(
            HELLO, retry=POLICY, failover=failover
        )

    assert isinstance(run(mode, sync, asynchronous), Success)
    assert server.request_count == 2


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_a_cancelled_half_open_probe_frees_the_breaker(server: LocalServer, backend: str) -> None:
    """Cancelling the call that holds the half-open probe slot does not wedge the breaker."""
    clock = FakeClock()
    client = fake_client(server, clock)
    breaker = CircuitBreaker(claude.BreakerPolicy(failure_threshold=1, open_for=5.0))
    server.inject(Fault(status=500))
    assert isinstance(client.execute_with_circuit_breaker(HELLO, breaker).failure(), ServerError)
    clock.advance(5.0)
    server.inject(Fault(delay=3.0))

    async def main() -> None:
        with anyio.move_on_after(0.2):
            await client.aexecute_with_circuit_breaker(HELLO, breaker)

    anyio.run(main, backend=backend)
    assert breaker.state.probes == 0
    assert isinstance(breaker.admit(now=clock.monotonic()), Success)


@pytest.mark.parametrize("fault", [Fault(error_after=0), Fault(cut_after=0)])
def test_a_stream_that_fails_in_its_body_before_any_content_is_retried(
    server: LocalServer, mode: Mode, fault: Fault
) -> None:
    """An HTTP 200 whose body is an error event or nothing at all counts as "before the first
    event": the stream is opened again and the second attempt streams the reply."""
    clock = FakeClock()
    client = fake_client(server, clock)
    server.inject(fault)
    if mode == "sync":
        with client.stream_with_retries(HELLO, POLICY) as events:
            texts = list(events.text_stream())
            final = events.final_message()
    else:

        async def main() -> tuple[list[str], Result[Message, ClaudeError]]:
            async with client.astream_with_retries(HELLO, POLICY) as events:
                texts = [text async for text in events.text_stream()]
                return texts, await events.final_message()

        texts, final = anyio.run(main, backend=mode)
    assert final.unwrap().text == "Hello! You said: hi" == "".join(texts)
    assert server.request_count == 2 and len(clock.sleeps) == 1
