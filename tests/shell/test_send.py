"""``send`` and ``asend`` over real sockets against the bundled server, faults included."""

from __future__ import annotations

import threading

import anyio
import pytest
from returns.result import Failure, Success

from claude.pure.errors import (
    ApiError,
    AuthenticationError,
    InvalidArgument,
    MalformedResponse,
    MissingCredentials,
    NetworkError,
    NotFound,
    Overloaded,
    PermissionDenied,
    RateLimited,
    RequestTooLarge,
    ServerError,
    Timeout,
)
from claude.pure.settings import Timeouts
from claude.shell.client import Client
from claude.testing import Fault, LocalServer
from tests.shell.conftest import HELLO, Mode, free_port, sender


def test_a_reply_arrives_with_its_request_id_and_rate_limits(client: Client, mode: Mode) -> None:
    """A plain send returns the server's message, its request id and parsed rate limits."""
    message = sender(mode)(client, HELLO).unwrap()
    assert message.text == "Hello! You said: hi"
    assert message.request_id is not None and message.request_id.startswith("req_")
    limits = message.rate_limits
    assert limits is not None and limits.requests is not None
    assert limits.requests.remaining is not None


def test_send_makes_exactly_one_http_call(server: LocalServer, client: Client) -> None:
    """A plain send is one request on the wire, with the version, key and our user agent."""
    client.send(HELLO).unwrap()
    (recorded,) = server.requests
    assert recorded.method == "POST" and recorded.path == "/v1/messages"
    assert recorded.headers["anthropic-version"] == "2026-10-21"  # the default, as the SDK's
    assert recorded.headers["x-api-key"] == server.api_key
    assert recorded.headers["user-agent"].startswith("api-claude/")
    assert recorded.json == HELLO


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (400, ApiError),
        (401, AuthenticationError),
        (402, ApiError),
        (403, PermissionDenied),
        (404, NotFound),
        (409, ApiError),
        (413, RequestTooLarge),
        (429, RateLimited),
        (500, ServerError),
        (502, ServerError),
        (504, ServerError),
        (529, Overloaded),
    ],
)
def test_each_error_status_gives_its_error_kind(
    server: LocalServer, client: Client, mode: Mode, status: int, kind: type[ApiError]
) -> None:
    """An injected error status comes back as the matching error value with its request id."""
    server.inject(Fault(status=status, headers={"retry-after": "7"}))
    error = sender(mode)(client, HELLO).failure()
    assert type(error) is kind
    assert isinstance(error, ApiError)
    assert error.status == status
    assert error.request_id is not None
    assert error.retry.after == 7.0
    assert str(error).count("\n") == 0


def test_a_rate_limit_error_carries_the_servers_hints(server: LocalServer, client: Client) -> None:
    """A 429 exposes retry-after-ms before retry-after, and the rate-limit headers."""
    server.inject(
        Fault(
            status=429,
            headers={
                "retry-after": "9",
                "retry-after-ms": "1500",
                "anthropic-ratelimit-requests-remaining": "0",
            },
        )
    )
    error = client.send(HELLO).failure()
    assert isinstance(error, RateLimited)
    assert error.retry.after == 1.5
    assert error.rate_limits.requests is not None
    assert error.rate_limits.requests.remaining == 0


def test_a_garbage_success_body_is_a_malformed_response(
    server: LocalServer, client: Client, mode: Mode
) -> None:
    """A 200 whose body is not a message keeps its first bytes in the error."""
    server.inject(Fault(status=200, body=b"<html>oops</html>"))
    error = sender(mode)(client, HELLO).failure()
    assert isinstance(error, MalformedResponse)
    assert "<html>oops" in error.body_start


def test_an_html_error_page_still_gives_the_status_kind(
    server: LocalServer, client: Client
) -> None:
    """A proxy's HTML 502 is a ServerError whose message quotes the page."""
    server.inject(Fault(status=502, body=b"<html>Bad Gateway</html>"))
    error = client.send(HELLO).failure()
    assert isinstance(error, ServerError)
    assert "Bad Gateway" in error.message


def test_a_slow_server_hits_the_read_timeout(server: LocalServer, mode: Mode) -> None:
    """A reply slower than the read timeout is a read Timeout, not a hang."""
    server.inject(Fault(delay=2.0))
    with Client(
        api_key=server.api_key, base_url=server.base_url, timeouts=Timeouts(read=0.2)
    ) as client:
        error = sender(mode)(client, HELLO).failure()
    assert isinstance(error, Timeout)
    assert error.phase == "read"


def test_a_refused_connection_is_a_network_error(mode: Mode) -> None:
    """Nothing listening on the port gives a NetworkError naming the refusal."""
    with Client(api_key="sk-ant-x", base_url=f"http://127.0.0.1:{free_port()}") as client:
        error = sender(mode)(client, HELLO).failure()
    assert isinstance(error, NetworkError)
    assert "refused" in error.problem.lower()


def test_a_connection_closed_without_reply_is_a_network_error(
    server: LocalServer, client: Client
) -> None:
    """The server hanging up before answering is a NetworkError, not an exception."""
    server.inject(Fault(close=True))
    assert isinstance(client.send(HELLO).failure(), NetworkError)


def test_the_server_rejects_a_wrong_key(server: LocalServer, mode: Mode) -> None:
    """A wrong key reaches the server and comes back as an AuthenticationError."""
    with Client(api_key="sk-ant-wrong", base_url=server.base_url) as client:
        error = sender(mode)(client, HELLO).failure()
    assert isinstance(error, AuthenticationError)


def test_a_missing_key_fails_before_any_io(server: LocalServer) -> None:
    """A client from an environment without a key answers with a Failure and sends nothing."""
    client = Client.from_env({"ANTHROPIC_BASE_URL": server.base_url})
    error = client.send(HELLO).failure()
    assert isinstance(error, MissingCredentials)
    assert "ANTHROPIC_API_KEY" in str(error) and "--local" in str(error)
    assert server.request_count == 0


def test_invalid_requests_fail_before_any_io(server: LocalServer, client: Client) -> None:
    """A request that breaks a rule is a Failure naming the field; nothing is sent."""
    error = client.send({**HELLO, "max_tokens": -1}).failure()
    assert isinstance(error, InvalidArgument) and error.path == "max_tokens"
    assert server.request_count == 0


def test_plain_http_to_a_remote_host_is_refused() -> None:
    """The key never travels unencrypted: http is only for loopback hosts."""
    client = Client(api_key="sk-ant-x", base_url="http://api.example.com")
    error = client.send(HELLO).failure()
    assert isinstance(error, InvalidArgument) and error.path == "base_url"


def test_one_connection_serves_many_requests(server: LocalServer, client: Client) -> None:
    """Sequential sends reuse one keep-alive connection."""
    for _ in range(20):
        assert isinstance(client.send(HELLO), Success)
    assert server.connections_opened == 1


def test_a_closed_client_refuses_to_send(server: LocalServer) -> None:
    """After close, calls fail with a clear error instead of reopening connections."""
    client = Client(api_key=server.api_key, base_url=server.base_url)
    client.close()
    error = client.send(HELLO).failure()
    assert isinstance(error, InvalidArgument) and "closed" in str(error)
    assert server.request_count == 0


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_200_concurrent_asends_complete_without_leaks(server: LocalServer, backend: str) -> None:
    """200 concurrent asend calls all succeed with bounded threads and connections, none left open."""
    threads_before = threading.active_count()
    limit = 32
    results: list[bool] = []

    async def main(client: Client) -> None:
        async def one(i: int) -> None:
            request = {**HELLO, "messages": [{"role": "user", "content": f"n{i}"}]}
            result = await client.asend(request)
            results.append(result.map(lambda m: m.text == f"Hello! You said: n{i}").value_or(False))

        async with anyio.create_task_group() as tg:
            for i in range(200):
                tg.start_soon(one, i)

    with Client(api_key=server.api_key, base_url=server.base_url, max_connections=limit) as client:
        anyio.run(main, client, backend=backend)
        assert threading.active_count() - threads_before <= 2 * limit + 2
    assert results == [True] * 200
    assert server.connections_opened <= limit
    assert server.wait_until_idle(timeout=5.0)
    assert server.open_connections == 0


def test_the_local_server_saw_no_garbage_from_us(server: LocalServer, client: Client) -> None:
    """Everything the client sends is well-formed HTTP the server accepts."""
    for _ in range(3):
        client.send(HELLO).unwrap()
    assert server.errors == []
    assert not isinstance(client.send(HELLO), Failure)
