"""The fault-injection defects of issue 10, each over real sockets against the bundled server."""

from __future__ import annotations

import ssl
import threading
from collections.abc import Iterator, Mapping

import anyio
import pytest
from returns.result import Failure, Result, Success

import claude
from claude.pure import retry
from claude.pure.breaker import BreakerPolicy, Phase
from claude.pure.errors import (
    CircuitOpen,
    ClaudeError,
    ClaudeException,
    InvalidArgument,
    MalformedResponse,
    NetworkError,
    Overloaded,
    ResponseTooLarge,
    ServerError,
    Timeout,
)
from claude.pure.events import StreamEvent
from claude.pure.record import CallRecord
from claude.pure.settings import Timeouts
from claude.pure.wire import Message
from claude.shell import CircuitBreaker, Client, FakeClock, RateLimiter, StreamEnded
from claude.testing import Fault, LocalServer
from tests.shell.conftest import HELLO, Mode, free_port, sender

POLICY = claude.RetryPolicy(max_attempts=3, base_delay=0.5)


def local(server: LocalServer, **kwargs: object) -> Client:
    """A client for ``server``; keyword arguments go to ``Client``."""
    return Client(api_key=server.api_key, base_url=server.base_url, **kwargs)  # type: ignore[arg-type]


def streamed(
    client: Client, mode: Mode, request: Mapping[str, object] = HELLO, **kwargs: object
) -> tuple[list[StreamEvent], Result[Message, ClaudeError]]:
    """The events and final message of one stream, sync or async."""
    if mode == "sync":
        with client.stream(request, **kwargs) as events:  # type: ignore[call-overload]
            seen = list(events)
            return seen, events.final_message()

    async def main() -> tuple[list[StreamEvent], Result[Message, ClaudeError]]:
        async with client.astream(request, **kwargs) as events:  # type: ignore[call-overload]
            seen = [event async for event in events]
            return seen, await events.final_message()

    return anyio.run(main, backend=mode)


# --- a total deadline per call ------------------------------------------------------------


def test_a_dribbling_body_ends_at_the_total_deadline(server: LocalServer, mode: Mode) -> None:
    """A reply written a byte per 50 ms, each read succeeding, still ends at ``Timeouts.total``."""
    server.inject(Fault(dribble=0.05))
    with local(server, timeouts=Timeouts(read=5.0, total=0.4)) as client:
        error = sender(mode)(client, HELLO).failure()
    assert isinstance(error, Timeout) and error.phase == "total"
    assert not retry.classify(error)


def test_a_per_call_timeout_bounds_a_dribbling_send(server: LocalServer) -> None:
    """``send(timeout=...)`` bounds that one call, whatever the client's total."""
    server.inject(Fault(dribble=0.05))
    with local(server, timeouts=Timeouts(read=5.0, total=None)) as client:
        error = client.send(HELLO, timeout=0.3).failure()
    assert isinstance(error, Timeout) and error.phase == "total"


def test_a_dribbling_answer_that_is_not_a_stream_ends_at_the_total_deadline(
    server: LocalServer, mode: Mode
) -> None:
    """A stream request answered by a dribbled JSON body is bounded by ``Timeouts.total``."""
    server.inject(Fault(body={"type": "message", "padding": "x" * 400}, dribble=0.05))
    with local(server, timeouts=Timeouts(read=5.0, total=0.4)) as client:
        _, final = streamed(client, mode)
    error = final.failure()
    assert isinstance(error, Timeout) and error.phase == "total"


def test_a_per_call_timeout_bounds_a_dribbling_event_stream(
    server: LocalServer, mode: Mode
) -> None:
    """``stream(timeout=...)`` bounds the whole stream, keeping the partial reply."""
    server.inject(Fault(dribble=0.01))
    with local(server, timeouts=Timeouts(read=5.0)) as client:
        _, final = streamed(client, mode, timeout=0.5)
    error = final.failure()
    assert isinstance(error, Timeout) and error.phase == "total"


def test_a_bad_per_call_timeout_is_refused_before_sending(server: LocalServer) -> None:
    """A zero or negative per-call timeout names the field; nothing is sent."""
    with local(server) as client:
        error = client.send(HELLO, timeout=0).failure()
    assert isinstance(error, InvalidArgument) and error.path == "timeout"
    assert server.request_count == 0


# --- a cap on decoded size ----------------------------------------------------------------


def test_a_gzip_body_is_decoded(server: LocalServer, mode: Mode) -> None:
    """A gzip-encoded reply decodes to the same message."""
    server.inject(Fault(gzip=True))
    with local(server) as client:
        message = sender(mode)(client, HELLO).unwrap()
    assert message.text == "Hello! You said: hi"


def test_a_gzip_bomb_is_refused_at_the_cap(server: LocalServer, mode: Mode) -> None:
    """8 MB of zeros, a few kB on the wire, exceed a 1 MB cap: ``ResponseTooLarge``."""
    server.inject(Fault(body=bytes(8 << 20), gzip=True))
    with local(server, max_response_bytes=1 << 20) as client:
        error = sender(mode)(client, HELLO).failure()
    assert isinstance(error, ResponseTooLarge) and error.limit == 1 << 20
    assert "max_response_bytes" in str(error)


def test_a_gzip_bomb_error_body_on_a_stream_is_refused_at_the_cap(server: LocalServer) -> None:
    """An error body that inflates past the cap is refused on a stream too."""
    server.inject(Fault(status=529, body=bytes(8 << 20), gzip=True))
    with local(server, max_response_bytes=1 << 20) as client:
        _, final = streamed(client, "sync")
    assert isinstance(final.failure(), ResponseTooLarge)


def test_a_bad_cap_makes_the_client_unusable() -> None:
    """``max_response_bytes`` must be a whole number of bytes."""
    client = Client(api_key="sk-ant-x", max_response_bytes=0)
    error = client.ready.failure()
    assert isinstance(error, InvalidArgument) and error.path == "max_response_bytes"


# --- the breaker's probe limit under stale reports -----------------------------------------


def _phase(breaker: CircuitBreaker) -> Phase:
    """The breaker's phase now (a call, so the type checker does not carry a narrowing over)."""
    return breaker.state.phase


@pytest.mark.parametrize("through", ["breaker", "enterprise", "stream"])
def test_a_report_from_before_the_trip_neither_frees_a_probe_nor_closes(
    server: LocalServer, through: str
) -> None:
    """A call admitted while closed that answers after the trip is stale: the breaker stays
    half-open with its one probe in flight, refusing a second probe."""
    clock = FakeClock()
    client = local(server, clock=clock)
    breaker = CircuitBreaker(BreakerPolicy(failure_threshold=1, open_for=5.0))
    release_old, release_probe = threading.Event(), threading.Event()
    results: dict[str, object] = {}

    def call(name: str) -> None:
        if through == "breaker":
            results[name] = client.execute_with_circuit_breaker(HELLO, breaker)
        elif through == "enterprise":
            results[name] = client.execute_with_enterprise_features(HELLO, breaker=breaker)
        else:
            policy = claude.RetryPolicy(max_attempts=1)
            with client.stream_with_retries(HELLO, policy, breaker=breaker) as events:
                results[name] = events.final_message()

    server.inject(Fault(hold=release_old))
    old = threading.Thread(target=call, args=("old",))
    old.start()
    assert server.wait_for_requests(1)
    server.inject(Fault(status=500))
    call("trip")
    assert _phase(breaker) is Phase.OPEN
    clock.advance(5.0)
    server.inject(Fault(hold=release_probe))
    probe = threading.Thread(target=call, args=("probe",))
    probe.start()
    assert server.wait_for_requests(3)
    release_old.set()
    old.join()
    assert isinstance(results["old"], Success)
    assert _phase(breaker) is Phase.HALF_OPEN and breaker.state.probes == 1
    refused = client.execute_with_circuit_breaker(HELLO, breaker).failure()
    assert isinstance(refused, CircuitOpen)
    release_probe.set()
    probe.join()
    assert _phase(breaker) is Phase.CLOSED
    assert server.request_count == 3


# --- stream errors as send reports them ----------------------------------------------------


def test_a_204_on_a_stream_is_a_malformed_response_like_send(
    server: LocalServer, mode: Mode
) -> None:
    """A 204 answer is ``MalformedResponse`` for a stream, as it is for send."""
    server.inject(Fault(status=204), times=2)
    with local(server) as client:
        _, final = streamed(client, mode)
        sent = client.send(HELLO).failure()
    assert isinstance(final.failure(), MalformedResponse)
    assert isinstance(sent, MalformedResponse)


def test_a_broken_error_body_keeps_the_bytes_that_arrived(server: LocalServer, mode: Mode) -> None:
    """A 529 whose body breaks off keeps its kind and the bytes that came, streamed or sent."""
    broken = Fault(
        status=529,
        body=b'{"type":"error","error":{"type":"over',
        headers={"content-length": "400"},
    )
    server.inject(broken, times=2)
    with local(server) as client:
        _, final = streamed(client, mode)
        sent = sender(mode)(client, HELLO)
    for error in (final.failure(), sent.failure()):
        assert isinstance(error, Overloaded)
        assert "empty error body" not in str(error) and "over" in error.message


def test_an_error_body_that_never_comes_says_the_read_failed(server: LocalServer) -> None:
    """A 529 whose body does not arrive at all says the read failed, not "empty error body"."""
    server.inject(Fault(status=529, body=b"", headers={"content-length": "100"}))
    with local(server) as client:
        _, final = streamed(client, "sync")
    error = final.failure()
    assert isinstance(error, Overloaded)
    assert "empty error body" not in str(error) and "could not be read" in error.message


# --- base URLs, headers and loopback names ----------------------------------------------------


@pytest.mark.parametrize("bad", ["\r\n", "\n", "\t", "\x00", "\r\nX-Evil: 1"])
def test_a_base_url_with_a_control_character_is_refused_and_never_printed_raw(
    server: LocalServer, bad: str
) -> None:
    """CR, LF, TAB and NUL in a base URL make the client unusable; nothing raw is printed."""
    client = Client(api_key=server.api_key, base_url=f"{server.base_url}{bad}/x")
    error = client.ready.failure()
    assert isinstance(error, InvalidArgument) and error.path == "base_url"
    for text in (repr(client), str(error), str(client.send(HELLO).failure())):
        assert bad not in text
    assert server.request_count == 0


def test_a_failover_endpoint_with_a_line_break_is_refused(server: LocalServer) -> None:
    """A failover endpoint carrying CR/LF is refused before anything is sent."""
    failover = claude.FailoverPolicy(endpoints=[server.base_url + "/a\r\nb"])
    with local(server) as client:
        error = client.execute_with_failover(HELLO, failover).failure()
    assert isinstance(error, InvalidArgument)
    assert server.request_count == 0


@pytest.mark.parametrize(
    "headers",
    [
        {"content-length": "1"},
        {"Transfer-Encoding": "chunked"},
        {"host": "evil.example"},
        {"Connection": "close"},
        {"x-ok": "a\x00b"},
        {"x-ok": "a\x7fb"},
        {"x-ok": "a\rb"},
        {"x-ok": "caf\u00e9\u2603"},
        {"bad name": "v"},
        {"": "v"},
    ],
)
def test_extra_headers_that_would_break_framing_are_refused(
    server: LocalServer, mode: Mode, headers: dict[str, str]
) -> None:
    """Framing headers, control characters and non-token names never reach the wire."""
    with local(server) as client:
        if mode == "sync":
            error = client.send(HELLO, extra_headers=headers).failure()
        else:
            error = anyio.run(
                lambda: client.asend(HELLO, extra_headers=headers), backend=mode
            ).failure()
        _, streamed_final = streamed(client, "sync", extra_headers=headers)
    assert isinstance(error, InvalidArgument) and error.path.startswith("extra_headers")
    assert isinstance(streamed_final.failure(), InvalidArgument)
    assert server.request_count == 0


def test_allowed_extra_and_default_headers_and_query_reach_the_server(server: LocalServer) -> None:
    """Tabs and latin-1 are fine in a value; default headers, extra query and body arrive."""
    with local(server, default_headers={"X-Team": "core"}) as client:
        client.send(
            HELLO,
            extra_headers={"X-Trace": "a\tb \u00e9"},
            extra_query={"beta": "true"},
        ).unwrap()
    (recorded,) = server.requests
    assert recorded.headers["x-trace"] == "a\tb \u00e9"
    assert recorded.headers["x-team"] == "core"
    assert recorded.path == "/v1/messages?beta=true"


def test_default_headers_are_checked_like_extra_headers() -> None:
    """A framing header among the client's defaults makes the client unusable."""
    client = Client(api_key="sk-ant-x", default_headers={"Content-Length": "5"})
    error = client.ready.failure()
    assert isinstance(error, InvalidArgument) and error.path.startswith("default_headers")


def test_localhost_with_a_root_dot_is_not_loopback() -> None:
    """``http://localhost.`` is a DNS name like any other: plain http to it is refused."""
    error = Client(api_key="sk-ant-x", base_url="http://localhost.:8080").ready.failure()
    assert isinstance(error, InvalidArgument) and "plain http" in error.problem


class _Exploding(Mapping[str, object]):
    """A mapping whose every read raises, carrying a secret in the message."""

    def __getitem__(self, key: str) -> object:
        raise RuntimeError("sk-ant-secret")

    def __iter__(self) -> Iterator[str]:
        raise RuntimeError("sk-ant-secret")

    def __len__(self) -> int:
        return 1


def test_a_hostile_mapping_never_raises_out_of_build(server: LocalServer, mode: Mode) -> None:
    """A request whose reads raise becomes ``InvalidArgument`` without the exception's text."""
    with local(server) as client:
        built = client.build(_Exploding())
        error = sender(mode)(client, _Exploding()).failure()
        headers = client.send(HELLO, extra_headers=_Exploding()).failure()  # type: ignore[arg-type]
    for failure in (built.failure(), error, headers):
        assert isinstance(failure, InvalidArgument)
        assert "sk-ant-secret" not in str(failure)
    assert server.request_count == 0


def test_a_server_that_sends_too_many_headers_is_a_failure_not_a_crash(
    server: LocalServer,
) -> None:
    """A reply with hundreds of headers is a malformed response value."""
    server.inject(Fault(headers={f"x-h{i}": "v" for i in range(200)}))
    with local(server) as client:
        error = client.send(HELLO).failure()
    assert isinstance(error, MalformedResponse | NetworkError)


# --- connect and read failures told apart ---------------------------------------------------


def test_a_refused_connection_is_a_connect_failure_and_is_retried() -> None:
    """Nothing reached a closed port: ``phase == "connect"``, retried even with
    ``retry_after_sent=False``."""
    clock = FakeClock()
    client = Client(api_key="sk-ant-x", base_url=f"http://127.0.0.1:{free_port()}", clock=clock)
    policy = claude.RetryPolicy(max_attempts=3, retry_after_sent=False)
    error = client.execute_with_retries(HELLO, policy).failure()
    assert isinstance(error, NetworkError) and error.phase == "connect"
    assert len(clock.sleeps) == 2


def test_a_connection_cut_after_sending_is_a_read_failure_not_retried_when_asked(
    server: LocalServer, mode: Mode
) -> None:
    """The server read the request and hung up: ``phase == "read"``; with
    ``retry_after_sent=False`` the request is not sent twice."""
    clock = FakeClock()
    server.inject(Fault(close=True), times=2)
    policy = claude.RetryPolicy(max_attempts=3, retry_after_sent=False)
    with local(server, clock=clock) as client:
        if mode == "sync":
            error = client.execute_with_retries(HELLO, policy).failure()
        else:
            error = anyio.run(
                lambda: client.aexecute_with_retries(HELLO, policy), backend=mode
            ).failure()
    assert isinstance(error, NetworkError) and error.phase == "read"
    assert server.request_count == 1 and clock.sleeps == []


def test_a_read_failure_is_retried_by_default(server: LocalServer) -> None:
    """By default a failure after sending is retried, as before."""
    clock = FakeClock()
    server.inject(Fault(close=True))
    with local(server, clock=clock) as client:
        assert isinstance(client.execute_with_retries(HELLO, POLICY), Success)
    assert server.request_count == 2


# --- one bound on connections ------------------------------------------------------------


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_200_concurrent_streams_never_hold_more_than_max_connections_sockets(
    server: LocalServer, backend: str
) -> None:
    """200 ``astream`` calls at once on a client of 8 connections open at most 8 sockets."""
    done: list[str] = []

    async def one(client: Client, i: int) -> None:
        request = {**HELLO, "messages": [{"role": "user", "content": f"n{i}"}]}
        async with client.astream(request) as events:
            done.append((await events.final_message()).unwrap().text)

    async def main(client: Client) -> None:
        async with anyio.create_task_group() as group:
            for i in range(200):
                group.start_soon(one, client, i)

    with local(server, max_connections=8) as client:
        anyio.run(main, client, backend=backend)
        assert client.session.slots.in_use == 0
    assert len(done) == 200
    assert server.peak_connections <= 8
    assert server.connections_opened <= 8


def test_sync_and_async_calls_share_one_bound(server: LocalServer) -> None:
    """A sync stream held open takes one of the slots that async calls then wait for."""
    with local(server, max_connections=1) as client:
        with client.stream(HELLO) as events:
            assert client.session.slots.in_use == 1
            events.final_message().unwrap()
        assert client.session.slots.in_use == 0
        assert anyio.run(client.asend, HELLO).unwrap().text == "Hello! You said: hi"


# --- streams under the call plan ------------------------------------------------------------


def test_stream_retries_are_observed_and_rate_limited(server: LocalServer, mode: Mode) -> None:
    """``stream_with_retries`` reports its record to ``observe`` and asks the limiter per attempt."""
    clock = FakeClock()
    records: list[CallRecord] = []
    limiter = RateLimiter(claude.TokenBucketPolicy(rate=1.0, burst=1.0))
    server.inject(Fault(status=529))
    with local(server, clock=clock) as client:
        if mode == "sync":
            with client.stream_with_retries(
                HELLO, POLICY, limiter=limiter, observe=records.append
            ) as events:
                final = events.final_message()
        else:

            async def main() -> Result[Message, ClaudeError]:
                async with client.astream_with_retries(
                    HELLO, POLICY, limiter=limiter, observe=records.append
                ) as events:
                    return await events.final_message()

            final = anyio.run(main, backend=mode)
    assert final.unwrap().text == "Hello! You said: hi"
    (record,) = records
    assert len(record.attempts) == 2 and record.total_wait > 0
    assert server.request_count == 2


def test_an_open_breaker_refuses_a_stream_without_sending(server: LocalServer) -> None:
    """A stream through an open breaker fails with ``CircuitOpen`` and sends nothing."""
    breaker = CircuitBreaker(BreakerPolicy(failure_threshold=1))
    server.inject(Fault(status=500))
    with local(server, clock=FakeClock()) as client:
        assert isinstance(
            client.execute_with_circuit_breaker(HELLO, breaker).failure(), ServerError
        )
        with client.stream_with_retries(HELLO, POLICY, breaker=breaker) as events:
            assert list(events) == []
            assert isinstance(events.final_message().failure(), CircuitOpen)
    assert server.request_count == 1


# --- a failed stream cannot pass unnoticed ---------------------------------------------------


def test_text_stream_raises_when_the_stream_fails(server: LocalServer, mode: Mode) -> None:
    """A mid-stream overloaded error ends ``text_stream()`` with ``ClaudeException``."""
    server.inject(Fault(error_after=4))
    long = {**HELLO, "messages": [{"role": "user", "content": "a b c d e f g h i j k l"}]}
    with local(server) as client:
        if mode == "sync":
            with pytest.raises(ClaudeException) as raised, client.stream(long) as events:
                for _ in events.text_stream():
                    pass
        else:

            async def main() -> None:
                async with client.astream(long) as events:
                    async for _ in events.text_stream():
                        pass

            with pytest.raises(ClaudeException) as raised:
                anyio.run(main, backend=mode)
    assert isinstance(raised.value.error, Overloaded)
    assert raised.value.error.partial is not None


def test_with_outcome_ends_with_the_failure(server: LocalServer, mode: Mode) -> None:
    """``with_outcome()`` yields the events, then ``StreamEnded`` holding the failure."""
    server.inject(Fault(status=529))
    with local(server) as client:
        if mode == "sync":
            with client.stream(HELLO) as events:
                items = list(events.with_outcome())
        else:

            async def main() -> list[StreamEvent | StreamEnded]:
                async with client.astream(HELLO) as events:
                    return [item async for item in events.with_outcome()]

            items = anyio.run(main, backend=mode)
    (last,) = items
    assert isinstance(last, StreamEnded) and isinstance(last.result, Failure)
    assert isinstance(last.result.failure(), Overloaded)


def test_with_outcome_ends_with_the_message_on_success(server: LocalServer) -> None:
    """A good stream's last item is ``StreamEnded(Success(message))``."""
    with local(server) as client, client.stream(HELLO) as events:
        items = list(events.with_outcome())
    last = items[-1]
    assert isinstance(last, StreamEnded)
    assert last.result.unwrap().text == "Hello! You said: hi"
    assert not any(isinstance(item, StreamEnded) for item in items[:-1])


# --- CA bundle and proxy ----------------------------------------------------------------------


def test_a_missing_ca_bundle_makes_the_client_unusable(tmp_path: object) -> None:
    """A CA path that cannot be loaded names ``ca``; nothing raises."""
    error = Client(api_key="sk-ant-x", ca="/nonexistent/ca.pem").ready.failure()
    assert isinstance(error, InvalidArgument) and error.path == "ca"


def test_an_ssl_context_is_accepted_as_the_ca(server: LocalServer) -> None:
    """A ready ``ssl.SSLContext`` can be passed as ``ca``."""
    with local(server, ca=ssl.create_default_context()) as client:
        assert client.send(HELLO).unwrap().text == "Hello! You said: hi"


def test_a_proxy_receives_the_request_in_absolute_form(server: LocalServer) -> None:
    """With ``proxy=`` the request goes to the proxy, naming the target in absolute form."""
    target = f"http://127.0.0.1:{free_port()}"
    with Client(api_key=server.api_key, base_url=target, proxy=server.base_url) as client:
        client.send(HELLO)
    (recorded,) = server.requests
    assert recorded.path == f"{target}/v1/messages"


def test_proxy_variables_are_read_only_when_trusted(server: LocalServer) -> None:
    """``HTTPS_PROXY`` is used with ``trust_env=True`` unless ``NO_PROXY`` names the host."""
    target = f"http://127.0.0.1:{free_port()}"
    env = {"ANTHROPIC_API_KEY": server.api_key, "ANTHROPIC_BASE_URL": target}
    proxied = {**env, "HTTPS_PROXY": server.base_url}
    with Client.from_env(proxied) as client:
        assert isinstance(client.send(HELLO).failure(), NetworkError)
    assert server.request_count == 0
    with Client.from_env({**proxied, "NO_PROXY": "127.0.0.1"}, trust_env=True) as client:
        assert isinstance(client.send(HELLO).failure(), NetworkError)
    assert server.request_count == 0
    with Client.from_env(proxied, trust_env=True) as client:
        client.send(HELLO)
    assert server.request_count == 1


def test_a_bad_proxy_url_makes_the_client_unusable() -> None:
    """A proxy that is not an http(s) URL names ``proxy``."""
    error = Client(api_key="sk-ant-x", proxy="socks5://x:1").ready.failure()
    assert isinstance(error, InvalidArgument) and error.path == "proxy"


class _HostileStr(str):
    """A string whose methods raise, carrying a secret in the message."""

    def strip(self, chars: str | None = None) -> str:
        raise RuntimeError("sk-ant-secret")

    def __iter__(self) -> Iterator[str]:
        raise RuntimeError("sk-ant-secret")


def test_a_hostile_str_never_raises_out_of_the_client() -> None:
    """A base URL or key whose methods raise makes an unusable client, not a traceback."""
    for client in (
        Client(api_key="sk-ant-x", base_url=_HostileStr("https://api.anthropic.com")),
        Client(api_key=_HostileStr("sk-ant-secret-key")),
    ):
        error = client.ready.failure()
        assert isinstance(error, InvalidArgument)
        assert "sk-ant-secret" not in str(error) and "sk-ant-secret" not in repr(client)


def test_every_sync_call_has_an_async_twin_with_the_same_signature() -> None:
    """The hand-written twins cannot drift: same parameters, defaults and return value."""
    import inspect

    pairs = [
        (name, f"a{name}")
        for name in dir(Client)
        if not name.startswith("_")
        and hasattr(Client, f"a{name}")
        and callable(getattr(Client, name))
    ]
    assert len(pairs) >= 9
    for sync_name, async_name in pairs:
        sync, twin = getattr(Client, sync_name), getattr(Client, async_name)
        assert inspect.signature(sync).parameters == inspect.signature(twin).parameters, sync_name


def test_a_response_head_sent_a_byte_at_a_time_ends_at_the_total_deadline(
    server: LocalServer, mode: Mode
) -> None:
    """A status line and headers dribbled in never outlive ``Timeouts.total`` either."""
    server.inject(Fault(slow_head=0.05))
    with local(server, timeouts=Timeouts(read=5.0, total=0.4)) as client:
        error = sender(mode)(client, HELLO).failure()
    assert isinstance(error, Timeout) and error.phase == "total"


def test_a_stream_whose_head_is_dribbled_ends_at_the_total_deadline(server: LocalServer) -> None:
    """Opening a stream is bounded by ``Timeouts.total`` too."""
    server.inject(Fault(slow_head=0.05))
    with local(server, timeouts=Timeouts(read=5.0, total=0.4)) as client:
        _, final = streamed(client, "sync")
    error = final.failure()
    assert isinstance(error, Timeout) and error.phase == "total"


def test_health_checks_of_hostile_or_broken_urls_are_unhealthy_not_raised(
    server: LocalServer,
) -> None:
    """A URL with a line break, a hostile str or a non-string is reported unhealthy."""
    with local(server) as client:
        reports, metrics = client.check_health(
            [server.base_url + "\r\n", _HostileStr("https://x"), 7, server.base_url]  # type: ignore[list-item]
        )
    assert [r.health.value for r in reports][:3] == ["unhealthy"] * 3
    assert all("\r\n" not in r.url for r in reports)
    assert metrics.unhealthy_pct == 75.0


def test_a_stream_that_fails_after_content_counts_for_the_breaker(server: LocalServer) -> None:
    """A mid-stream overloaded error is reported to the breaker when the stream ends."""
    breaker = CircuitBreaker(BreakerPolicy(failure_threshold=1))
    server.inject(Fault(error_after=4))
    long = {**HELLO, "messages": [{"role": "user", "content": "a b c d e f g h i j k l"}]}
    with local(server, clock=FakeClock()) as client:
        with client.stream_with_retries(long, POLICY, breaker=breaker) as events:
            assert _phase(breaker) is Phase.CLOSED  # content arrived; the verdict waits
            assert isinstance(events.final_message().failure(), Overloaded)
        assert _phase(breaker) is Phase.OPEN


def test_a_stream_left_early_is_no_verdict_for_the_breaker(server: LocalServer) -> None:
    """Breaking out of a half-open probe's stream frees the probe without closing or opening."""
    clock = FakeClock()
    breaker = CircuitBreaker(BreakerPolicy(failure_threshold=1, open_for=5.0))
    server.inject(Fault(status=500))
    with local(server, clock=clock) as client:
        assert isinstance(
            client.execute_with_circuit_breaker(HELLO, breaker).failure(), ServerError
        )
        clock.advance(5.0)
        server.inject(Fault(text_events=200, chunk_size=40))  # far from done at the break
        with client.stream_with_retries(HELLO, POLICY, breaker=breaker) as events:
            for _ in events:
                break
        assert _phase(breaker) is Phase.HALF_OPEN and breaker.state.probes == 0
        with client.stream_with_retries(HELLO, POLICY, breaker=breaker) as events:
            events.final_message().unwrap()
        assert _phase(breaker) is Phase.CLOSED
