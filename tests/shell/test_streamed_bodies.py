"""Streamed bodies (batch results, file downloads) under faults the local server injects: lines
served verbatim, an error status, a body dribbled past the call's deadline; sync and async."""

from __future__ import annotations

import io

import anyio
from returns.result import Result

from claude.pure.batches import MalformedResultLine
from claude.pure.errors import ApiError, ClaudeError, Timeout
from claude.pure.resources import BatchCanceled, BatchExpired, BatchResultLine
from claude.shell.client import Client
from claude.testing import Fault, LocalServer
from tests.shell.conftest import Mode

JSONL = (
    b'{"custom_id":"a","result":{"type":"canceled"}}\n'
    b"not a result\n"
    b'\r\n{"custom_id":"b","result":{"type":"expired"}}'
)


def results(
    client: Client, mode: Mode, batch_id: str, timeout: float | None = None
) -> list[Result[BatchResultLine, ClaudeError]]:
    if mode == "sync":
        return list(client.batch_results(batch_id, timeout=timeout))

    async def main() -> list[Result[BatchResultLine, ClaudeError]]:
        return [line async for line in client.abatch_results(batch_id, timeout=timeout)]

    return anyio.run(main, backend=mode)


def test_each_line_is_one_result_and_a_bad_line_does_not_stop_the_rest(
    client: Client, server: LocalServer, mode: Mode
) -> None:
    """Two results around a malformed line: both delivered, the bad one a Failure of its own."""
    server.inject(Fault(status=200, body=JSONL), times=1)
    got = results(client, mode, "msgbatch_1")
    assert len(got) == 3
    first, bad, last = got
    assert isinstance(first.unwrap().result, BatchCanceled)
    error = bad.failure()
    assert isinstance(error, MalformedResultLine) and error.line_number == 2
    assert isinstance(last.unwrap().result, BatchExpired)
    assert server.requests[-1].path == "/v1/messages/batches/msgbatch_1/results"


def test_an_error_status_is_one_failure_with_the_apis_error(
    client: Client, server: LocalServer, mode: Mode
) -> None:
    """A 404 on the results URL is a single Failure carrying the API's error."""
    server.inject(Fault(status=404), times=1)
    got = results(client, mode, "msgbatch_1")
    assert len(got) == 1
    error = got[0].failure()
    assert isinstance(error, ApiError) and error.status == 404


def test_a_dribbled_results_body_ends_at_the_calls_deadline(
    client: Client, server: LocalServer, mode: Mode
) -> None:
    """A body that keeps coming too slowly ends with ``Timeout(total)`` after the lines so far."""
    server.inject(Fault(status=200, body=JSONL * 20, dribble=0.01), times=1)
    got = results(client, mode, "msgbatch_1", timeout=0.3)
    error = got[-1].failure()
    assert isinstance(error, Timeout) and error.phase == "total" and error.seconds == 0.3


def test_a_download_streams_the_body_into_a_writable(client: Client, server: LocalServer) -> None:
    """The body's bytes are written as they come; the count is returned."""
    body = bytes(range(256)) * 1000
    server.inject(Fault(status=200, body=body, chunk_size=4096), times=1)
    out = io.BytesIO()
    assert client.download_file("file_1", out).unwrap() == len(body)
    assert out.getvalue() == body
    assert server.requests[-1].path == "/v1/files/file_1/content"


def test_a_dribbled_download_ends_at_the_calls_deadline(
    client: Client, server: LocalServer, mode: Mode
) -> None:
    """A download that never finishes in time ends with ``Timeout(total)``."""
    server.inject(Fault(status=200, body=b"x" * 10_000, dribble=0.01), times=1)
    out = io.BytesIO()
    if mode == "sync":
        done = client.download_file("file_1", out, timeout=0.3)
    else:
        done = anyio.run(lambda: client.adownload_file("file_1", out, timeout=0.3), backend=mode)
    error = done.failure()
    assert isinstance(error, Timeout) and error.phase == "total" and error.seconds == 0.3
