"""Count tokens and models against the local server, sync and async (asyncio, trio)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import TypeVar

import anyio
import pytest
from returns.result import Result

from claude import shell
from claude.pure.errors import ApiError, ClaudeError, InvalidArgument
from claude.pure.failover import FailoverPolicy
from claude.pure.ratelimit import EndpointClass, RateLimitPolicy, TokenBucketPolicy
from claude.pure.record import CallRecord
from claude.pure.resources import ModelInfo
from claude.pure.retry import RetryPolicy
from claude.shell.client import Client
from claude.testing import Fault, LocalServer
from tests.shell.conftest import HELLO, Mode, free_port

_T = TypeVar("_T")

COUNT = {"model": "claude-sonnet-4-5", "messages": [{"role": "user", "content": "hello there"}]}


def run(mode: Mode, sync: Callable[[], _T], make: Callable[[], Awaitable[_T]]) -> _T:
    """``sync()`` in sync mode, else ``make()`` awaited on the backend."""
    if mode == "sync":
        return sync()

    async def main() -> _T:
        return await make()

    return anyio.run(main, backend=mode)


def collect(
    mode: Mode, sync: Callable[[], Iterator[_T]], make: Callable[[], AsyncIterator[_T]]
) -> list[_T]:
    """Every item of a walker, sync or ``async for`` on the backend."""
    if mode == "sync":
        return list(sync())

    async def main() -> list[_T]:
        return [item async for item in make()]

    return anyio.run(main, backend=mode)


def test_count_tokens_returns_the_servers_count(
    client: Client, server: LocalServer, mode: Mode
) -> None:
    """``count_tokens`` posts to /v1/messages/count_tokens without ``max_tokens``."""
    counted = run(mode, lambda: client.count_tokens(COUNT), lambda: client.acount_tokens(COUNT))
    assert counted.unwrap().input_tokens > 0
    sent = server.requests[-1]
    assert sent.path == "/v1/messages/count_tokens" and sent.method == "POST"
    assert isinstance(sent.json, dict) and "max_tokens" not in sent.json


def test_count_tokens_checks_the_request_like_send(client: Client, server: LocalServer) -> None:
    """A bad request fails locally, naming the field, and nothing is sent."""
    error = client.count_tokens({**COUNT, "max_tokn": 5}).failure()
    assert isinstance(error, InvalidArgument) and error.path == "max_tokn"
    assert server.requests == []


def test_the_module_level_call_uses_the_given_client(client: Client) -> None:
    """``shell.count_tokens(request, client=...)`` is the client's method."""
    assert shell.count_tokens(COUNT, client=client).unwrap().input_tokens > 0


def test_get_model_resolves_an_alias(client: Client, mode: Mode) -> None:
    """``get_model`` of an alias gives the snapshot's ``ModelInfo``."""
    got = run(
        mode,
        lambda: client.get_model("claude-haiku-4-5"),
        lambda: client.aget_model("claude-haiku-4-5"),
    )
    model = got.unwrap()
    assert model.id.startswith("claude-haiku-4-5-")


def test_an_unknown_model_is_the_apis_404(client: Client) -> None:
    """A model the server does not know is its ``not_found_error``."""
    error = client.get_model("claude-nothing").failure()
    assert isinstance(error, ApiError) and error.status == 404


def test_an_empty_model_id_is_refused_before_any_request(
    client: Client, server: LocalServer
) -> None:
    """An empty id cannot reach the list route: it is a Failure naming ``model_id``."""
    error = client.get_model("").failure()
    assert isinstance(error, InvalidArgument) and error.path == "model_id"
    assert server.requests == []


def test_iterating_models_walks_three_pages_one_request_each(
    client: Client, server: LocalServer, mode: Mode
) -> None:
    """With ``limit=2`` the five models come in three pages, following ``after_id``."""
    models = collect(
        mode, lambda: client.iter_models(limit=2), lambda: client.aiter_models(limit=2)
    )
    ids = [m.unwrap().id for m in models]
    whole = client.list_models(limit=100).unwrap()
    assert ids == [m.id for m in whole.data] and len(ids) == 5
    pages = [r for r in server.requests if r.path.startswith("/v1/models?")]
    assert len(pages) == 3 + 1
    assert "after_id" not in pages[0].path and f"after_id={ids[1]}" in pages[1].path


def test_list_models_pages_backwards_with_before_id(client: Client) -> None:
    """``before_id`` gives the models listed before that one."""
    ids = [m.id for m in client.list_models(limit=100).unwrap().data]
    page = client.list_models(before_id=ids[3], limit=2).unwrap()
    assert [m.id for m in page.data] == ids[1:3]


def test_a_failed_page_ends_the_walk_with_its_error(client: Client, server: LocalServer) -> None:
    """A page that fails is one ``Failure``, and the walk stops there."""
    server.inject(Fault(status=500), times=1)
    walked: list[Result[ModelInfo, ClaudeError]] = list(client.iter_models(limit=2))
    assert len(walked) == 1 and isinstance(walked[0].failure(), ApiError)


def test_a_models_call_retries_under_a_policy(client: Client, server: LocalServer) -> None:
    """With ``policies``, a 529 is retried as the retry policy says."""
    server.inject(Fault(status=529), times=1)
    policies = shell.Policies(
        retry=RetryPolicy(max_attempts=3, base_delay=0.001, max_delay=0.001, jitter=0.0)
    )
    assert client.get_model("claude-haiku-4-5", policies=policies).unwrap().type == "model"
    assert len(server.requests) == 2


def test_the_rate_limiter_charges_the_endpoint_class_bucket(client: Client) -> None:
    """A limiter with a MODELS bucket throttles model calls, not messages or count tokens."""
    bucket = TokenBucketPolicy(rate=0.001, burst=1.0)
    limiter = shell.RateLimiter(RateLimitPolicy(per_class={EndpointClass.MODELS: bucket}))
    policies = shell.Policies(limiter=limiter, nowait=True)
    assert client.get_model("claude-haiku-4-5", policies=policies).unwrap().type == "model"
    assert client.get_model("claude-haiku-4-5", policies=policies).failure().kind == "throttled"
    assert client.count_tokens(COUNT, policies=policies).unwrap().input_tokens > 0
    assert client.execute_with_rate_limiting(HELLO, limiter).unwrap().type == "message"


def test_extra_headers_and_query_go_on_the_wire(client: Client, server: LocalServer) -> None:
    """The per-call options reach the request as ``send`` sends them."""
    client.list_models(limit=1, extra_headers={"x-trace": "t1"}, extra_query={"q": "a b"}).unwrap()
    sent = server.requests[-1]
    assert sent.headers.get("x-trace") == "t1" and "q=a%20b" in sent.path


def test_a_bad_timeout_is_a_failure_naming_it(client: Client) -> None:
    """``timeout=0`` is refused like for ``send``."""
    error = client.list_models(timeout=0).failure()
    assert isinstance(error, InvalidArgument) and error.path == "timeout"


@pytest.fixture
def closed(server: LocalServer) -> Iterator[Client]:
    """A client that was closed."""
    made = Client(api_key=server.api_key, base_url=server.base_url)
    made.close()
    yield made


def test_a_closed_client_refuses_every_new_call(closed: Client) -> None:
    """After ``close`` the new calls fail clearly, with no request."""
    for result in (closed.get_model("m"), closed.list_models(), closed.count_tokens(COUNT)):
        error = result.failure()
        assert isinstance(error, InvalidArgument) and error.path == "client"


def test_failover_keeps_the_endpoints_path_and_query(
    client: Client, server: LocalServer, mode: Mode
) -> None:
    """Under failover a models call goes to the next endpoint with its own path and query."""
    dead = f"http://127.0.0.1:{free_port()}"
    policies = shell.Policies(failover=FailoverPolicy(endpoints=[dead, server.base_url]))
    records: list[CallRecord] = []
    page = run(
        mode,
        lambda: client.list_models(limit=2, policies=policies, observe=records.append),
        lambda: client.alist_models(limit=2, policies=policies, observe=records.append),
    )
    assert len(page.unwrap().data) == 2
    assert server.requests[-1].path == "/v1/models?limit=2"
    assert [a.endpoint for a in records[0].attempts] == [dead, server.base_url]
