"""Message batches against the local server: the full lifecycle, results streamed with a malformed
line, pagination, the wait helper on a fake clock, and the JSONL helpers; sync and async."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import TypeVar

import anyio
import pytest

from claude import shell
from claude.pure.errors import ApiError, InvalidArgument, Timeout
from claude.pure.resources import (
    BatchCanceled,
    BatchErrored,
    BatchExpired,
    BatchSucceeded,
    MessageBatch,
)
from claude.shell.client import Client
from claude.shell.clock import FakeClock
from claude.testing import Fault, LocalServer
from tests.shell.conftest import Mode

_T = TypeVar("_T")


def params(text: str) -> dict[str, object]:
    return {
        "model": "claude-haiku-4-5",
        "max_tokens": 32,
        "messages": [{"role": "user", "content": text}],
    }


REQUESTS = [{"custom_id": f"q-{i}", "params": params(f"question {i}")} for i in range(4)]


def run(mode: Mode, sync: Callable[[], _T], make: Callable[[], Awaitable[_T]]) -> _T:
    if mode == "sync":
        return sync()

    async def main() -> _T:
        return await make()

    return anyio.run(main, backend=mode)


def collect(
    mode: Mode, sync: Callable[[], Iterator[_T]], make: Callable[[], AsyncIterator[_T]]
) -> list[_T]:
    if mode == "sync":
        return list(sync())

    async def main() -> list[_T]:
        return [item async for item in make()]

    return anyio.run(main, backend=mode)


@pytest.fixture
def instant() -> Iterator[LocalServer]:
    """A local server that processes each batch before answering its create call."""
    with LocalServer(batch_processing="instant") as running:
        yield running


@pytest.fixture
def manual() -> Iterator[LocalServer]:
    """A local server whose batches end only when the test releases them."""
    with LocalServer(batch_processing="manual") as running:
        yield running


def client_for(server: LocalServer, clock: FakeClock | None = None) -> Client:
    if clock is None:
        return Client(api_key=server.api_key, base_url=server.base_url)
    return Client(api_key=server.api_key, base_url=server.base_url, clock=clock)


def test_the_full_lifecycle_with_every_outcome_and_a_malformed_line(
    instant: LocalServer, mode: Mode
) -> None:
    """Create, retrieve, stream results (one per line, a malformed line a Failure), delete."""
    instant.inject(
        Fault(batch_results={"q-1": "errored", "q-2": "expired", "q-3": "malformed"}), times=1
    )
    with client_for(instant) as client:
        created = run(
            mode, lambda: client.create_batch(REQUESTS), lambda: client.acreate_batch(REQUESTS)
        )
        batch = created.unwrap()
        got = run(
            mode, lambda: client.get_batch(batch.id), lambda: client.aget_batch(batch.id)
        ).unwrap()
        assert got.ended and isinstance(got.results_url, str)
        results = collect(
            mode, lambda: client.batch_results(got), lambda: client.abatch_results(got)
        )
        good = {
            r.unwrap().custom_id: r.unwrap().result
            for r in results
            if hasattr(r.value_or(None), "result")
        }
        bad = [r.failure() for r in results if not hasattr(r.value_or(None), "result")]
        assert isinstance(good["q-0"], BatchSucceeded) and good["q-0"].message.content
        assert isinstance(good["q-1"], BatchErrored) and good["q-1"].error_type
        assert isinstance(good["q-2"], BatchExpired)
        assert len(bad) == 1 and "results line" in bad[0].line()
        deleted = run(
            mode, lambda: client.delete_batch(batch.id), lambda: client.adelete_batch(batch.id)
        )
        assert deleted.unwrap().id == batch.id
        error = client.get_batch(batch.id).failure()
        assert isinstance(error, ApiError) and error.status == 404


def test_results_by_id_use_the_documented_path(instant: LocalServer) -> None:
    """``batch_results(id)`` is one request to /v1/messages/batches/{id}/results."""
    with client_for(instant) as client:
        batch = client.create_batch(REQUESTS).unwrap()
        before = len(instant.requests)
        lines = [r.unwrap() for r in client.batch_results(batch.id)]
        assert sorted(line.custom_id for line in lines) == [r["custom_id"] for r in REQUESTS]
        assert len(instant.requests) == before + 1


def test_results_of_an_unfinished_batch_object_are_refused_locally(manual: LocalServer) -> None:
    """A batch without ``results_url`` gives one Failure saying to wait, with no request."""
    with client_for(manual) as client:
        batch = client.create_batch(REQUESTS).unwrap()
        before = len(manual.requests)
        results = list(client.batch_results(batch))
        assert len(results) == 1 and isinstance(results[0].failure(), InvalidArgument)
        assert len(manual.requests) == before


def test_cancel_then_wait_ends_with_canceled_results(manual: LocalServer, mode: Mode) -> None:
    """A canceled batch goes ``canceling``; once released it ended with canceled requests."""
    with client_for(manual) as client:
        batch = client.create_batch(REQUESTS).unwrap()
        canceled = run(
            mode, lambda: client.cancel_batch(batch.id), lambda: client.acancel_batch(batch.id)
        )
        assert canceled.unwrap().processing_status == "canceling"
        manual.release_batches(batch.id)
        ended = client.get_batch(batch.id).unwrap()
        assert ended.ended and ended.request_counts.canceled == len(REQUESTS)
        assert all(
            isinstance(r.unwrap().result, BatchCanceled) for r in client.batch_results(ended)
        )


def test_wait_for_batch_polls_with_backoff_on_the_clock_and_reports_progress(
    manual: LocalServer, mode: Mode
) -> None:
    """The waiter sleeps the pure schedule on the session clock, tells each state, stops at ended."""
    clock = FakeClock()
    seen: list[MessageBatch] = []
    with client_for(manual, clock) as client:
        batch = client.create_batch(REQUESTS).unwrap()
        polls = 0

        def progress(state: MessageBatch) -> None:
            nonlocal polls
            seen.append(state)
            polls += 1
            if polls == 3:
                manual.release_batches(batch.id)

        kwargs = {"poll_every": 10.0, "max_poll_every": 20.0, "on_progress": progress}
        ended = run(
            mode,
            lambda: client.wait_for_batch(batch.id, **kwargs),  # type: ignore[arg-type]
            lambda: client.await_for_batch(batch.id, **kwargs),  # type: ignore[arg-type]
        ).unwrap()
    assert ended.ended and [s.ended for s in seen] == [False, False, False, True]
    assert clock.monotonic() == pytest.approx(10.0 + 15.0 + 20.0)


def test_wait_for_batch_stops_at_its_deadline(manual: LocalServer) -> None:
    """Past ``deadline`` seconds the waiter gives up with a total timeout."""
    clock = FakeClock()
    with client_for(manual, clock) as client:
        batch = client.create_batch(REQUESTS).unwrap()
        error = client.wait_for_batch(batch.id, poll_every=10.0, deadline=25.0).failure()
    assert isinstance(error, Timeout) and error.phase == "total"
    assert clock.monotonic() == pytest.approx(25.0)


def test_wait_for_batch_stops_when_cancelled(manual: LocalServer) -> None:
    """``cancel()`` true stops the wait with the last state seen."""
    clock = FakeClock()
    with client_for(manual, clock) as client:
        batch = client.create_batch(REQUESTS).unwrap()
        last = client.wait_for_batch(batch.id, poll_every=1.0, cancel=lambda: True).unwrap()
    assert last.id == batch.id and not last.ended


def test_listing_batches_walks_three_pages(instant: LocalServer, mode: Mode) -> None:
    """Five batches with ``limit=2`` come in three pages, newest first."""
    with client_for(instant) as client:
        made = [client.create_batch(REQUESTS[:1]).unwrap().id for _ in range(5)]
        walked = collect(
            mode, lambda: client.iter_batches(limit=2), lambda: client.aiter_batches(limit=2)
        )
        assert [b.unwrap().id for b in walked] == made[::-1]
        first = client.list_batches(limit=2).unwrap()
        assert first.has_more and len(first.data) == 2


def test_a_bad_batch_is_refused_before_any_request(instant: LocalServer) -> None:
    """A duplicate custom_id fails naming its index, and nothing is sent."""
    with client_for(instant) as client:
        error = client.create_batch([REQUESTS[0], REQUESTS[0]]).failure()
        assert isinstance(error, InvalidArgument) and error.path.startswith("requests[1]")
        assert instant.requests == []


def test_jsonl_in_and_out_are_one_call_each(instant: LocalServer, tmp_path: Path) -> None:
    """A JSONL file becomes a batch, and its results are written back as JSONL."""
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in REQUESTS))
    with client_for(instant) as client:
        batch = client.create_batch(shell.read_batch_input(source).unwrap()).unwrap()
        written = shell.write_batch_results(client.batch_results(batch.id), tmp_path / "out.jsonl")
        assert written.unwrap() == len(REQUESTS)
        buffer = io.BytesIO()
        assert shell.write_batch_results(client.batch_results(batch.id), buffer).unwrap() == 4
    lines = (tmp_path / "out.jsonl").read_text().splitlines()
    assert sorted(json.loads(line)["custom_id"] for line in lines) == [
        r["custom_id"] for r in REQUESTS
    ]
