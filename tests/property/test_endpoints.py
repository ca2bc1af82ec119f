"""Our request for each endpoint is the SDK 2.14's for the same arguments: method, path, query and
JSON body, captured from a real SDK client whose httpx transport records instead of sending."""

from __future__ import annotations

import json
import urllib.parse
import warnings
from collections.abc import Callable, Iterator
from typing import NamedTuple

import anthropic
import httpx2
import pytest
from hypothesis import given
from hypothesis import strategies as st
from returns.result import Result

from claude.pure import endpoints
from claude.pure.batches import batch_body
from claude.pure.credentials import Credentials, Secret
from claude.pure.errors import ClaudeError, InvalidArgument
from claude.pure.options import CallOptions
from claude.pure.request import HttpRequest, Target, make_target
from claude.pure.settings import Settings
from tests.property import resource_strategies as gen

VERSION = "2026-10-21"
NO = CallOptions()


class Wire(NamedTuple):
    """A request as the server sees it: method, path, query and JSON body."""

    method: str
    path: str
    query: dict[str, list[str]]
    body: object


def _json(content: bytes) -> object:
    return json.loads(content) if content else None


class Recorder:
    """An SDK client whose transport records each request and answers a plausible object."""

    def __init__(self) -> None:
        self.seen: list[httpx2.Request] = []
        self.client = anthropic.Anthropic(
            api_key="sk-test",
            base_url="http://sdk.test",
            http_client=httpx2.Client(transport=httpx2.MockTransport(self._answer)),
            max_retries=0,
        )

    def _answer(self, request: httpx2.Request) -> httpx2.Response:
        self.seen.append(request)
        path = request.url.path
        batch = {
            "id": "msgbatch_1",
            "type": "message_batch",
            "processing_status": "ended",
            "request_counts": dict.fromkeys(
                ("processing", "succeeded", "errored", "canceled", "expired"), 0
            ),
            "created_at": "2025-01-01T00:00:00Z",
            "expires_at": "2025-01-02T00:00:00Z",
            "results_url": "http://sdk.test/v1/messages/batches/msgbatch_1/results",
        }
        page = {"data": [], "has_more": False, "first_id": None, "last_id": None}
        if path.endswith("/count_tokens"):
            return httpx2.Response(200, json={"input_tokens": 1})
        if request.method == "DELETE":
            return httpx2.Response(200, json={"id": "x", "type": "file_deleted"})
        if path.endswith("/results") or path.endswith("/content"):
            return httpx2.Response(200, content=b"")
        if path in ("/v1/models", "/v1/messages/batches", "/v1/files"):
            return httpx2.Response(200, json=page)
        if path.startswith("/v1/models/"):
            return httpx2.Response(
                200,
                json={
                    "type": "model",
                    "id": "m",
                    "display_name": "M",
                    "created_at": "2025-01-01T00:00:00Z",
                    "lifecycle": "active",
                },
            )
        if path.startswith("/v1/files/"):
            return httpx2.Response(
                200,
                json={
                    "id": "file_1",
                    "type": "file",
                    "filename": "a",
                    "mime_type": "text/plain",
                    "size_bytes": 1,
                    "created_at": "2025-01-01T00:00:00Z",
                },
            )
        return httpx2.Response(200, json=batch)

    def run(self, make: Callable[[anthropic.Anthropic], object]) -> Wire:
        """What the SDK sent for ``make(client)`` (its last request)."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            make(self.client)
        sent = self.seen[-1]
        return Wire(
            sent.method,
            sent.url.path,
            urllib.parse.parse_qs(sent.url.query.decode()),
            _json(sent.content),
        )


@pytest.fixture(scope="module")
def sdk() -> Iterator[Recorder]:
    """One recording SDK client for the module."""
    made = Recorder()
    yield made
    made.client.close()


def target() -> Target:
    settings = Settings(api_version=VERSION, base_url="http://sdk.test")
    return make_target(settings, Credentials(api_key=Secret("k"))).unwrap()


def ours(built: Result[HttpRequest, ClaudeError]) -> Wire:
    request = built.unwrap()
    parts = urllib.parse.urlsplit(request.url)
    return Wire(
        request.method,
        parts.path,
        urllib.parse.parse_qs(parts.query),
        _json(request.body or b""),
    )


def get(path: str, **query: object) -> Result[HttpRequest, ClaudeError]:
    q = endpoints.list_query(**query).unwrap()
    return endpoints.json_request("GET", path, target=target(), options=NO, query=q)


limits = st.one_of(st.none(), st.integers(min_value=1, max_value=1000))
cursors = st.one_of(st.none(), gen.ids)


def given_only(**kwargs: object) -> dict[str, object]:
    return {k: v for k, v in kwargs.items() if v is not None}


@given(limit=limits, after_id=cursors)
def test_list_queries_are_the_sdks(sdk: Recorder, limit: int | None, after_id: str | None) -> None:
    """Listing models and batches sends the SDK's method, path and query for the same cursors."""
    args = given_only(limit=limit, after_id=after_id)
    assert ours(get("/v1/models", **args)) == sdk.run(lambda c: c.models.list(**args))  # type: ignore[arg-type]
    assert ours(get("/v1/messages/batches", **args)) == sdk.run(
        lambda c: c.messages.batches.list(**args)  # type: ignore[arg-type]
    )


@given(limit=limits, page=cursors)
def test_the_files_list_query_is_the_sdks(
    sdk: Recorder, limit: int | None, page: str | None
) -> None:
    """Listing files (GA) sends the SDK's ``limit`` and ``page``."""
    args = given_only(limit=limit, page=page)
    assert ours(get("/v1/files", **args)) == sdk.run(lambda c: c.files.list(**args))  # type: ignore[arg-type]


@given(gen.ids)
def test_retrieve_cancel_delete_and_download_are_the_sdks(sdk: Recorder, some_id: str) -> None:
    """The id calls go to the SDK's method and path."""
    t, q = target(), endpoints.resource_id(some_id, path="id").unwrap()
    cases: list[
        tuple[Result[HttpRequest, ClaudeError], Callable[[anthropic.Anthropic], object]]
    ] = [
        (get(f"/v1/models/{q}"), lambda c: c.models.retrieve(some_id)),
        (get(f"/v1/messages/batches/{q}"), lambda c: c.messages.batches.retrieve(some_id)),
        (
            endpoints.json_request(
                "POST", f"/v1/messages/batches/{q}/cancel", target=t, options=NO
            ),
            lambda c: c.messages.batches.cancel(some_id),
        ),
        (
            endpoints.json_request("DELETE", f"/v1/messages/batches/{q}", target=t, options=NO),
            lambda c: c.messages.batches.delete(some_id),
        ),
        (get(f"/v1/files/{q}"), lambda c: c.files.retrieve_metadata(some_id)),
        (
            endpoints.json_request("DELETE", f"/v1/files/{q}", target=t, options=NO),
            lambda c: c.files.delete(some_id),
        ),
        (get(f"/v1/files/{q}/content"), lambda c: c.files.download(some_id)),
    ]
    for built, theirs in cases:
        assert ours(built) == sdk.run(theirs)


messages = st.lists(
    st.fixed_dictionaries({"role": st.just("user"), "content": st.text(min_size=1, max_size=20)}),
    min_size=1,
    max_size=3,
)
models = st.sampled_from(["claude-haiku-4-5", "claude-sonnet-4-5"])


@given(models, messages, st.one_of(st.none(), st.text(min_size=1, max_size=20)))
def test_the_count_tokens_body_is_the_sdks(
    sdk: Recorder, model: str, msgs: list[dict[str, object]], system: str | None
) -> None:
    """Count tokens sends the SDK's body: the Messages fields given, no ``max_tokens``."""
    params = given_only(model=model, messages=msgs, system=system)
    built = endpoints.count_tokens_request(params, target=target(), options=NO)
    assert ours(built) == sdk.run(lambda c: c.messages.count_tokens(**params))  # type: ignore[arg-type]


@given(
    st.lists(
        st.tuples(gen.custom_ids, models, messages, st.integers(1, 4096)),
        min_size=1,
        max_size=4,
        unique_by=lambda r: r[0],
    )
)
def test_the_batch_create_body_is_the_sdks(
    sdk: Recorder, rows: list[tuple[str, str, list[dict[str, object]], int]]
) -> None:
    """Creating a batch sends the SDK's ``{"requests": [...]}`` body."""
    requests = [
        {"custom_id": c, "params": {"model": m, "max_tokens": n, "messages": msgs}}
        for c, m, msgs, n in rows
    ]
    body = batch_body(requests, api_version=VERSION).unwrap()
    built = endpoints.json_request(
        "POST", "/v1/messages/batches", target=target(), options=NO, raw=body
    )
    assert ours(built) == sdk.run(lambda c: c.messages.batches.create(requests=requests))  # type: ignore[arg-type]


def test_batch_results_go_to_the_results_url(sdk: Recorder) -> None:
    """Results are fetched from the batch's ``results_url``, as the SDK does."""
    url = "http://sdk.test/v1/messages/batches/msgbatch_1/results"
    built = endpoints.batch_results_request("msgbatch_1", url, target=target(), options=NO)
    assert ours(built) == sdk.run(lambda c: list(c.messages.batches.results("msgbatch_1")))


def test_a_results_url_on_another_host_is_refused() -> None:
    """The key is never sent to a host other than the client's own."""
    built = endpoints.batch_results_request(
        "b", "https://evil.example/v1/x", target=target(), options=NO
    )
    error = built.failure()
    assert isinstance(error, InvalidArgument) and error.path == "results_url"


@given(st.text(max_size=5))
def test_an_id_cannot_reach_another_route(some_id: str) -> None:
    """Ids are percent-encoded into one path segment, and an empty id is refused."""
    result = endpoints.resource_id(some_id, path="batch_id")
    if some_id.strip():
        assert "/" not in result.unwrap() and "?" not in result.unwrap()
    else:
        assert result.failure().path == "batch_id"


def test_files_calls_carry_the_beta_only_under_the_old_version() -> None:
    """``files-api-2025-04-14`` is needed under 2023-06-01 and not under 2026-10-21."""
    assert endpoints.files_beta("2023-06-01") and not endpoints.files_beta("2026-10-21")


@given(st.one_of(st.integers(), st.text(), st.none(), st.booleans()))
def test_a_bad_limit_is_refused_naming_it(limit: object) -> None:
    """``limit`` must be an int from 1 to 1000."""
    result = endpoints.list_query(limit=limit)
    ok = isinstance(limit, int) and not isinstance(limit, bool) and 1 <= limit <= 1000
    if limit is None or ok:
        assert result.unwrap() == ({} if limit is None else {"limit": str(limit)})
    else:
        assert result.failure().path == "limit"


def test_count_tokens_drops_a_typed_requests_max_tokens_and_keeps_unchecked_as_given() -> None:
    """A ``MessageRequest`` (which must hold ``max_tokens``) is counted without it; an
    ``unchecked`` dict goes as given, unknown fields included."""
    from claude.pure.request import unchecked
    from claude.pure.wire import MessageRequest

    msgs = [{"role": "user", "content": "x"}]
    typed = MessageRequest(model="m", max_tokens=5, messages=msgs)  # type: ignore[arg-type]
    sent = ours(endpoints.count_tokens_request(typed, target=target(), options=NO))
    assert sent.body == {"model": "m", "messages": msgs}
    raw = unchecked({"model": "m", "messages": msgs, "brand_new": 1})
    sent = ours(endpoints.count_tokens_request(raw, target=target(), options=NO))
    assert sent.body == {"model": "m", "messages": msgs, "brand_new": 1}


class _Hostile(str):
    """A string whose own methods raise."""

    def __len__(self) -> int:
        raise RuntimeError("boom")

    def __bool__(self) -> bool:
        raise RuntimeError("boom")


class _HostileInt(int):
    """An int whose comparisons raise."""

    def __le__(self, other: object) -> bool:
        raise RuntimeError("boom")

    def __ge__(self, other: object) -> bool:
        raise RuntimeError("boom")


def test_cursor_and_limit_subclasses_are_read_by_their_plain_value() -> None:
    """A str or int subclass whose methods raise is read as its plain value, never called."""
    query = endpoints.list_query(limit=_HostileInt(5), after_id=_Hostile("m_1")).unwrap()
    assert query == {"limit": "5", "after_id": "m_1"}
    assert endpoints.resource_id(_Hostile("b/1"), path="batch_id").unwrap() == "b%2F1"
