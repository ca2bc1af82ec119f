"""The local server's batch, file, model and token-count routes over real sockets, with http.client.

The client library is not used on purpose (its side of these endpoints is tested against this
server): these tests pin down the server, checking shapes against the official SDK's types.
"""

from __future__ import annotations

import contextlib
import datetime
import http.client
import json
import os
import signal
import subprocess
import sys
import urllib.parse
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from anthropic.types import FileMetadata, ModelInfo
from anthropic.types.messages import (
    DeletedMessageBatch,
    MessageBatch,
    MessageBatchIndividualResponse,
)

from claude.testing import Fault, LocalServer

FILES_BETA = {"anthropic-beta": "files-api-2025-04-14"}
Json = Any  # decoded JSON: tests index into it freely


@pytest.fixture
def server() -> Iterator[LocalServer]:
    """A server holding batches until released; it must close cleanly with no handler errors."""
    with LocalServer(batch_processing="manual") as running:
        yield running
    assert running.open_connections == 0
    assert running.errors == []


@contextlib.contextmanager
def connect(server: LocalServer) -> Iterator[http.client.HTTPConnection]:
    """A keep-alive connection to the server, closed afterwards."""
    conn = http.client.HTTPConnection(server.host, server.port, timeout=10.0)
    try:
        yield conn
    finally:
        conn.close()


def headers(server: LocalServer, version: str = "2023-06-01", **extra: str) -> dict[str, str]:
    """Auth and version headers (the Files beta too: 2023-06-01 needs it)."""
    return {"x-api-key": server.api_key, "anthropic-version": version, **FILES_BETA, **extra}


def call(
    server: LocalServer,
    method: str,
    path: str,
    body: object = None,
    *,
    head: Mapping[str, str] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    """One request; JSON-encodes a non-bytes body. Returns status, lower-cased headers and body."""
    sent = head if head is not None else headers(server)
    raw = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    if raw is not None and "content-type" not in sent:
        sent = {**sent, "content-type": "application/json"}
    with connect(server) as conn:
        conn.request(method, path, body=raw, headers=dict(sent))
        response = conn.getresponse()
        data = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data


def ok(server: LocalServer, method: str, path: str, body: object = None) -> Json:
    """The decoded JSON of a request that must answer 200."""
    status, _, data = call(server, method, path, body)
    assert status == 200, data
    return json.loads(data)


def error_of(data: bytes) -> tuple[str, str]:
    """The error type and message of an API error body."""
    envelope = json.loads(data)
    assert envelope["type"] == "error" and envelope["request_id"].startswith("req_")
    return envelope["error"]["type"], envelope["error"]["message"]


def params(text: str = "hi there") -> dict[str, object]:
    """A valid non-streaming messages body."""
    return {
        "model": "claude-haiku-4-5",
        "max_tokens": 50,
        "messages": [{"role": "user", "content": text}],
    }


def batch_body(*custom_ids: str) -> dict[str, object]:
    """A create body with one request per custom_id."""
    return {"requests": [{"custom_id": c, "params": params(f"say {c}")} for c in custom_ids]}


def multipart(
    content: bytes, *, filename: str = "notes.txt", media: str | None = "text/plain"
) -> tuple[bytes, str]:
    """A multipart/form-data upload body with one ``file`` part, and its content-type."""
    boundary = "----claude-test-boundary-7d2f"
    head = f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
    if media is not None:
        head += f"Content-Type: {media}\r\n"
    body = head.encode() + b"\r\n" + content + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def upload(server: LocalServer, content: bytes, **kw: Any) -> Json:
    """Upload `content` and return the FileMetadata JSON."""
    body, kind = multipart(content, **kw)
    status, _, data = call(
        server, "POST", "/v1/files", body, head=headers(server, **{"content-type": kind})
    )
    assert status == 200, data
    return json.loads(data)


def results(server: LocalServer, batch: Json) -> tuple[dict[str, str], list[bytes]]:
    """GET the batch's results_url verbatim; the response headers and the JSONL lines."""
    with connect(server) as conn:
        conn.request("GET", batch["results_url"], headers=headers(server))
        response = conn.getresponse()
        data = response.read()
        assert response.status == 200, data
        return {k.lower(): v for k, v in response.getheaders()}, data.splitlines()


# -- message batches -----------------------------------------------------------------------------


def test_batch_lifecycle_with_an_errored_and_a_malformed_line(server: LocalServer) -> None:
    """A batch is created in_progress, ends on release with counts, serves JSONL results (one line
    errored, one malformed as injected) at its results_url, and is deleted afterwards."""
    server.inject(Fault(batch_results={"b": "errored", "c": "malformed"}))
    created = ok(server, "POST", "/v1/messages/batches", batch_body("a", "b", "c", "d"))
    MessageBatch.model_validate(created)
    assert created["processing_status"] == "in_progress"
    assert created["request_counts"] == {
        "processing": 4,
        "succeeded": 0,
        "errored": 0,
        "canceled": 0,
        "expired": 0,
    }
    assert created["results_url"] is None and created["ended_at"] is None
    made = datetime.datetime.fromisoformat(created["created_at"])
    assert datetime.datetime.fromisoformat(created["expires_at"]) - made == datetime.timedelta(
        hours=24
    )

    path = f"/v1/messages/batches/{created['id']}"
    status, _, data = call(server, "GET", path + "/results")
    assert status == 400 and error_of(data)[0] == "invalid_request_error"
    assert ok(server, "GET", path)["processing_status"] == "in_progress"

    assert server.release_batches() == 1
    ended = ok(server, "GET", path)
    MessageBatch.model_validate(ended)
    assert ended["processing_status"] == "ended" and ended["ended_at"] is not None
    assert ended["request_counts"] == {
        "processing": 0,
        "succeeded": 3,
        "errored": 1,
        "canceled": 0,
        "expired": 0,
    }
    url = urllib.parse.urlsplit(ended["results_url"])
    assert (url.hostname, url.port, url.path) == (server.host, server.port, path + "/results")

    head, lines = results(server, ended)
    assert head.get("transfer-encoding") == "chunked"
    by_id: dict[str, Json] = {}
    malformed = []
    for line in lines:
        try:
            decoded = json.loads(line)
        except json.JSONDecodeError:
            malformed.append(line)
            continue
        MessageBatchIndividualResponse.model_validate(decoded)
        by_id[decoded["custom_id"]] = decoded["result"]
    assert len(malformed) == 1 and malformed[0].startswith(b'{"custom_id":"c"')
    assert sorted(by_id) == ["a", "b", "d"]
    assert by_id["a"]["type"] == "succeeded" and by_id["a"]["message"]["type"] == "message"
    assert by_id["b"]["type"] == "errored"
    assert by_id["b"]["error"]["error"]["type"] == "invalid_request_error"

    deleted = ok(server, "DELETE", path)
    DeletedMessageBatch.model_validate(deleted)
    assert deleted == {"id": created["id"], "type": "message_batch_deleted"}
    status, _, data = call(server, "GET", path)
    assert status == 404 and error_of(data)[0] == "not_found_error"


def test_succeeded_results_are_the_messages_route_replies(server: LocalServer) -> None:
    """A succeeded line carries the same deterministic content POST /v1/messages gives."""
    created = ok(server, "POST", "/v1/messages/batches", batch_body("x"))
    server.release_batches(created["id"])
    _, lines = results(server, ok(server, "GET", f"/v1/messages/batches/{created['id']}"))
    message = json.loads(lines[0])["result"]["message"]
    direct = ok(server, "POST", "/v1/messages", params("say x"))
    assert message["content"] == direct["content"]
    assert message["usage"]["service_tier"] == "batch"


def test_expired_and_canceled_outcomes_can_be_forced(server: LocalServer) -> None:
    """Fault.batch_results also forces expired and canceled results, counted as such."""
    server.inject(Fault(batch_results={"e": "expired", "k": "canceled"}))
    created = ok(server, "POST", "/v1/messages/batches", batch_body("e", "k", "s"))
    server.release_batches()
    ended = ok(server, "GET", f"/v1/messages/batches/{created['id']}")
    assert ended["request_counts"] == {
        "processing": 0,
        "succeeded": 1,
        "errored": 0,
        "canceled": 1,
        "expired": 1,
    }
    _, lines = results(server, ended)
    types = {json.loads(x)["custom_id"]: json.loads(x)["result"]["type"] for x in lines}
    assert types == {"e": "expired", "k": "canceled", "s": "succeeded"}


def test_cancel_then_end_then_delete(server: LocalServer) -> None:
    """Cancel moves a batch to canceling, delete is refused until it ends, and every request of a
    batch canceled before processing ends canceled; an ended batch cannot be canceled."""
    created = ok(server, "POST", "/v1/messages/batches", batch_body("a", "b"))
    path = f"/v1/messages/batches/{created['id']}"
    canceling = ok(server, "POST", path + "/cancel")
    MessageBatch.model_validate(canceling)
    assert canceling["processing_status"] == "canceling"
    assert canceling["cancel_initiated_at"] is not None
    status, _, data = call(server, "DELETE", path)
    assert status == 400 and error_of(data)[0] == "invalid_request_error"
    assert server.release_batches() == 1
    ended = ok(server, "GET", path)
    assert ended["processing_status"] == "ended"
    assert ended["request_counts"]["canceled"] == 2
    _, lines = results(server, ended)
    assert [json.loads(x)["result"] for x in lines] == [{"type": "canceled"}] * 2
    status, _, data = call(server, "POST", path + "/cancel")
    assert status == 400 and "ended" in error_of(data)[1]
    assert ok(server, "DELETE", path)["type"] == "message_batch_deleted"


def test_background_processing_ends_a_batch_without_release() -> None:
    """In the default background mode a worker thread ends the batch; wait_for_batch waits for it."""
    with LocalServer() as running:
        created = ok(running, "POST", "/v1/messages/batches", batch_body("a"))
        assert running.wait_for_batch(created["id"], timeout=10.0)
        assert (
            ok(running, "GET", f"/v1/messages/batches/{created['id']}")["processing_status"]
            == "ended"
        )
    assert running.errors == []


def test_instant_processing_ends_a_batch_before_the_next_request() -> None:
    """In instant mode the create answer shows in_progress, like the API's, and the next poll ended."""
    with LocalServer(batch_processing="instant") as running:
        created = ok(running, "POST", "/v1/messages/batches", batch_body("a", "b"))
        assert created["processing_status"] == "in_progress"
        polled = ok(running, "GET", f"/v1/messages/batches/{created['id']}")
        assert polled["processing_status"] == "ended"
        assert polled["request_counts"]["succeeded"] == 2


def test_wait_for_batch_is_false_for_a_held_or_unknown_batch(server: LocalServer) -> None:
    """wait_for_batch reports False when the batch has not ended or does not exist."""
    created = ok(server, "POST", "/v1/messages/batches", batch_body("a"))
    assert not server.wait_for_batch(created["id"], timeout=0.0)
    assert not server.wait_for_batch("msgbatch_nope", timeout=0.0)


def test_batch_processing_can_be_switched_and_rejects_unknown_modes(server: LocalServer) -> None:
    """The batch_processing setter takes the three modes and refuses anything else."""
    server.batch_processing = "instant"
    created = ok(server, "POST", "/v1/messages/batches", batch_body("a"))
    assert (
        ok(server, "GET", f"/v1/messages/batches/{created['id']}")["processing_status"] == "ended"
    )
    with pytest.raises(ValueError, match="batch_processing"):
        server.batch_processing = "later"  # type: ignore[assignment]


def test_unknown_batch_outcome_in_a_fault_is_a_test_mistake() -> None:
    """Fault.batch_results with an unknown outcome raises ValueError naming the custom_id."""
    with pytest.raises(ValueError, match="'a'"):
        Fault(batch_results={"a": "vanished"})


def _many(n: int) -> dict[str, object]:
    return {"requests": [{"custom_id": f"r{i}", "params": params()} for i in range(n)]}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({}, "requests: Field required"),
        ({"requests": []}, "requests: a batch holds 1 to 100,000 requests"),
        ({"requests": "x"}, "requests: Input should be a valid list"),
        ({"requests": [], "extra": 1}, "extra: Extra inputs are not permitted"),
        ({"requests": [1]}, "requests.0: Input should be a valid dictionary"),
        ({"requests": [{"params": params()}]}, "requests.0.custom_id: Field required"),
        (
            {"requests": [{"custom_id": "has space", "params": params()}]},
            "requests.0.custom_id: 'has space'",
        ),
        ({"requests": [{"custom_id": "x" * 65, "params": params()}]}, "1 to 64 characters"),
        ({"requests": [{"custom_id": "ok\n", "params": params()}]}, "requests.0.custom_id"),
        (
            {
                "requests": [
                    {"custom_id": "a", "params": params()},
                    {"custom_id": "a", "params": params()},
                ]
            },
            "requests.1.custom_id: 'a' is already used by requests.0",
        ),
        ({"requests": [{"custom_id": "a"}]}, "requests.0.params: Field required (custom_id 'a')"),
        (
            {"requests": [{"custom_id": "a", "params": [1]}]},
            "requests.0.params: Input should be a valid dictionary",
        ),
        (
            {
                "requests": [
                    {"custom_id": "a", "params": params()},
                    {"custom_id": "b", "params": {"model": "m", "messages": []}},
                ]
            },
            "requests.1.params.max_tokens: Field required (custom_id 'b')",
        ),
        (
            {"requests": [{"custom_id": "a", "params": {**params(), "stream": True}}]},
            "requests.0.params.stream",
        ),
        (
            {"requests": [{"custom_id": "a", "params": params(), "x": 1}]},
            "requests.0.x: Extra inputs",
        ),
    ],
)
def test_create_refuses_what_the_api_refuses(
    server: LocalServer, body: object, expected: str
) -> None:
    """A bad create body is a 400 invalid_request_error naming the field, index and custom_id."""
    status, _, data = call(server, "POST", "/v1/messages/batches", body)
    kind, message = error_of(data)
    assert (status, kind) == (400, "invalid_request_error")
    assert expected in message


def test_create_refuses_a_body_that_is_not_json(server: LocalServer) -> None:
    """A create body that does not parse is a 400 invalid_request_error."""
    status, _, data = call(server, "POST", "/v1/messages/batches", b"{nope")
    assert status == 400 and error_of(data)[0] == "invalid_request_error"


def test_create_checks_params_under_the_request_version(server: LocalServer) -> None:
    """Sampling parameters in a batch request are refused under anthropic-version 2026-10-21."""
    body = {"requests": [{"custom_id": "a", "params": {**params(), "temperature": 0.5}}]}
    status, _, data = call(
        server, "POST", "/v1/messages/batches", body, head=headers(server, "2026-10-21")
    )
    assert status == 400 and "requests.0.params.temperature" in error_of(data)[1]


def test_create_refuses_100001_requests(server: LocalServer) -> None:
    """One request over the API's 100,000 is a 400 saying how many were sent."""
    status, _, data = call(server, "POST", "/v1/messages/batches", _many(100_001))
    assert status == 400 and "got 100,001" in error_of(data)[1]


def test_create_takes_100000_requests(server: LocalServer) -> None:
    """The largest batch the API allows is accepted and counted."""
    created = ok(server, "POST", "/v1/messages/batches", _many(100_000))
    assert created["request_counts"]["processing"] == 100_000


# -- files ---------------------------------------------------------------------------------------


def test_upload_download_round_trip_of_a_large_file(server: LocalServer) -> None:
    """A 50 MB upload (over the 32 MB messages cap) comes back byte for byte, streamed in chunks."""
    content = os.urandom(1024) * (50 * 1024)
    meta = upload(server, content, filename="blob.bin", media=None)
    FileMetadata.model_validate(meta)
    assert meta["size_bytes"] == len(content) and meta["filename"] == "blob.bin"
    assert meta["mime_type"] == "application/octet-stream" and meta["downloadable"] is True
    status, head, data = call(server, "GET", f"/v1/files/{meta['id']}/content")
    assert status == 200 and head.get("transfer-encoding") == "chunked"
    assert data == content


def test_file_metadata_get_and_delete(server: LocalServer) -> None:
    """Metadata is served by id; after delete the id is a 404 for metadata and content."""
    meta = upload(server, b"%PDF-1.4 tiny", filename="report.pdf", media="application/pdf")
    assert meta["id"].startswith("file_") and meta["mime_type"] == "application/pdf"
    assert ok(server, "GET", f"/v1/files/{meta['id']}") == meta
    assert ok(server, "DELETE", f"/v1/files/{meta['id']}") == {
        "id": meta["id"],
        "type": "file_deleted",
    }
    for path in (f"/v1/files/{meta['id']}", f"/v1/files/{meta['id']}/content"):
        status, _, data = call(server, "GET", path)
        assert status == 404 and error_of(data)[0] == "not_found_error"
    status, _, data = call(server, "DELETE", f"/v1/files/{meta['id']}")
    assert status == 404 and error_of(data)[0] == "not_found_error"


def test_media_type_falls_back_to_the_filename(server: LocalServer) -> None:
    """A part without its own Content-Type gets the media type its filename suggests."""
    assert upload(server, b"\x89PNG", filename="pic.png", media=None)["mime_type"] == "image/png"


def test_downloads_can_be_refused_like_the_api() -> None:
    """With files_downloadable=False uploads are marked so and their content is a 400."""
    with LocalServer(files_downloadable=False) as running:
        meta = upload(running, b"data")
        assert meta["downloadable"] is False
        status, _, data = call(running, "GET", f"/v1/files/{meta['id']}/content")
        assert status == 400 and "not downloadable" in error_of(data)[1]


def test_files_need_the_beta_header_only_under_2023_06_01(server: LocalServer) -> None:
    """Under 2023-06-01 the Files API needs the files beta; under 2026-10-21 it does not."""
    plain = {"x-api-key": server.api_key, "anthropic-version": "2023-06-01"}
    status, _, data = call(server, "GET", "/v1/files", head=plain)
    assert status == 400 and "files-api-2025-04-14" in error_of(data)[1]
    ga = {"x-api-key": server.api_key, "anthropic-version": "2026-10-21"}
    status, _, data = call(server, "GET", "/v1/files", head=ga)
    assert status == 200, data


@pytest.mark.parametrize(
    ("body", "kind", "expected"),
    [
        (b"{}", "application/json", "not multipart/form-data"),
        (b"--b\r\n\r\n", "multipart/form-data", "no boundary"),
        (b"--b--\r\n", "multipart/form-data; boundary=b", "file: Field required"),
        (
            b'--b\r\nContent-Disposition: form-data; name="other"\r\n\r\nx\r\n--b--\r\n',
            "multipart/form-data; boundary=b",
            "file: Field required",
        ),
        (
            b'--b\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\nx',
            "multipart/form-data; boundary=b",
            "closing boundary",
        ),
        (b"nothing here", "multipart/form-data; boundary=b", "no part"),
    ],
)
def test_bad_uploads_are_400s(server: LocalServer, body: bytes, kind: str, expected: str) -> None:
    """A malformed multipart upload is a 400 invalid_request_error saying what is wrong."""
    status, _, data = call(
        server, "POST", "/v1/files", body, head=headers(server, **{"content-type": kind})
    )
    error, message = error_of(data)
    assert (status, error) == (400, "invalid_request_error")
    assert expected in message


@pytest.mark.parametrize("filename", ["a/b.txt", "a:b", 'x"y', "tab\there", "x" * 256])
def test_filenames_the_api_refuses_are_400s(server: LocalServer, filename: str) -> None:
    """Filenames with reserved or control characters, or over 255 characters, are refused."""
    body, kind = multipart(b"x", filename=filename)
    status, _, data = call(
        server, "POST", "/v1/files", body, head=headers(server, **{"content-type": kind})
    )
    assert status == 400 and error_of(data)[1].startswith("file.filename")


# -- pagination ----------------------------------------------------------------------------------


def walk(server: LocalServer, path: str, **query: str) -> list[Json]:
    """Every page of a list, forward with after_id=<last_id> while has_more."""
    pages = []
    while True:
        page = ok(server, "GET", f"{path}?{urllib.parse.urlencode(query)}")
        pages.append(page)
        if not page["has_more"]:
            return pages
        query["after_id"] = page["last_id"]


def check_three_pages(pages: list[Json], newest_first: list[str]) -> None:
    """Three pages of 2, 2 and 1 that together list every id once, newest first."""
    assert [len(p["data"]) for p in pages] == [2, 2, 1]
    assert [p["has_more"] for p in pages] == [True, True, False]
    assert [item["id"] for p in pages for item in p["data"]] == newest_first
    for page in pages:
        assert (page["first_id"], page["last_id"]) == (
            page["data"][0]["id"],
            page["data"][-1]["id"],
        )


def test_models_page_across_three_pages(server: LocalServer) -> None:
    """The five models list over three pages of two, and before_id walks back."""
    pages = walk(server, "/v1/models", limit="2")
    every = [m["id"] for m in ok(server, "GET", "/v1/models")["data"]]
    check_three_pages(pages, every)
    for page in pages:
        for model in page["data"]:
            ModelInfo.model_validate(model)
    back = ok(server, "GET", f"/v1/models?limit=2&before_id={pages[2]['first_id']}")
    assert [m["id"] for m in back["data"]] == every[2:4] and back["has_more"] is True


def test_batches_page_across_three_pages(server: LocalServer) -> None:
    """Five batches list newest first over three pages of two."""
    made = [ok(server, "POST", "/v1/messages/batches", batch_body("a"))["id"] for _ in range(5)]
    check_three_pages(walk(server, "/v1/messages/batches", limit="2"), made[::-1])
    back = ok(server, "GET", f"/v1/messages/batches?limit=2&before_id={made[0]}")
    assert [b["id"] for b in back["data"]] == made[2:0:-1]


def test_files_page_across_three_pages_with_either_cursor(server: LocalServer) -> None:
    """Five files list newest first over three pages, by after_id and by the next_page cursor."""
    made = [upload(server, f"file {i}".encode())["id"] for i in range(5)]
    check_three_pages(walk(server, "/v1/files", limit="2"), made[::-1])
    seen: list[str] = []
    query = "limit=2"
    for _ in range(3):
        page = ok(server, "GET", f"/v1/files?{query}")
        seen += [f["id"] for f in page["data"]]
        query = f"limit=2&page={page['next_page']}"
    assert seen == made[::-1] and page["next_page"] is None


@pytest.mark.parametrize("path", ["/v1/models", "/v1/messages/batches", "/v1/files"])
@pytest.mark.parametrize("query", ["limit=0", "limit=1001", "limit=x", "after_id=a&before_id=b"])
def test_bad_page_parameters_are_400s(server: LocalServer, path: str, query: str) -> None:
    """Out-of-range limits and both cursors at once are 400 invalid_request_error."""
    status, _, data = call(server, "GET", f"{path}?{query}")
    assert status == 400 and error_of(data)[0] == "invalid_request_error"


def test_bad_file_page_cursor_is_a_400(server: LocalServer) -> None:
    """A page cursor that is not one the server gave out is a 400 naming `page`."""
    status, _, data = call(server, "GET", "/v1/files?page=nope")
    assert status == 400 and error_of(data)[1].startswith("page:")


def test_an_unknown_cursor_gives_an_empty_page(server: LocalServer) -> None:
    """after_id naming no batch gives an empty last page, like the API."""
    page = ok(server, "GET", "/v1/messages/batches?after_id=msgbatch_gone")
    assert page == {"data": [], "has_more": False, "first_id": None, "last_id": None}


# -- models, count_tokens, routing ---------------------------------------------------------------


def test_model_by_alias_and_unknown_model(server: LocalServer) -> None:
    """GET /v1/models/{alias} resolves to the snapshot; an unknown id is a 404 not_found_error."""
    model = ok(server, "GET", "/v1/models/claude-haiku-4-5")
    ModelInfo.model_validate(model)
    assert model["id"] == "claude-haiku-4-5-20251001"
    status, _, data = call(server, "GET", "/v1/models/claude-nope")
    assert status == 404 and error_of(data)[0] == "not_found_error"


def test_count_tokens_answers_input_tokens(server: LocalServer) -> None:
    """POST /v1/messages/count_tokens answers a positive input_tokens and nothing else."""
    body = {k: v for k, v in params().items() if k != "max_tokens"}
    counted = ok(server, "POST", "/v1/messages/count_tokens", body)
    assert list(counted) == ["input_tokens"] and counted["input_tokens"] > 0


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/messages/batches/msgbatch_nope"),
        ("POST", "/v1/messages/batches/msgbatch_nope/cancel"),
        ("DELETE", "/v1/messages/batches/msgbatch_nope"),
        ("GET", "/v1/messages/batches/msgbatch_nope/results"),
        ("GET", "/v1/messages/batches/msgbatch_nope/other"),
        ("GET", "/v1/files/file_nope"),
        ("GET", "/v1/files/file_nope/content"),
        ("GET", "/v1/files/file_nope/content/more"),
    ],
)
def test_unknown_ids_and_paths_are_404s(server: LocalServer, method: str, path: str) -> None:
    """An unknown batch or file id, or an unknown sub-path, is a 404 not_found_error."""
    status, _, data = call(server, method, path)
    assert status == 404 and error_of(data)[0] == "not_found_error"


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("PUT", "/v1/messages/batches", "POST, GET"),
        ("POST", "/v1/messages/batches/msgbatch_x", "GET, DELETE"),
        ("GET", "/v1/messages/batches/msgbatch_x/cancel", "POST"),
        ("DELETE", "/v1/files", "POST, GET"),
        ("POST", "/v1/files/file_x/content", "GET"),
    ],
)
def test_wrong_methods_are_405s(server: LocalServer, method: str, path: str, allowed: str) -> None:
    """A method a route does not take is a 405 with an allow header listing the ones it does."""
    status, head, _ = call(server, method, path)
    assert (status, head["allow"]) == (405, allowed)


def test_requests_need_the_api_key(server: LocalServer) -> None:
    """The new routes check the key like the messages route: 401 authentication_error."""
    status, _, data = call(
        server, "GET", "/v1/messages/batches", head={"anthropic-version": "2023-06-01"}
    )
    assert status == 401 and error_of(data)[0] == "authentication_error"


# -- faults on every new route -------------------------------------------------------------------


def _routes(server: LocalServer) -> list[tuple[str, str, bytes | None, dict[str, str]]]:
    """One valid request per new route (an ended batch and a stored file set up first)."""
    created = ok(server, "POST", "/v1/messages/batches", batch_body("a"))
    server.release_batches()
    batch = f"/v1/messages/batches/{created['id']}"
    body, kind = multipart(b"payload")
    file_id = upload(server, b"payload")["id"]
    js = headers(server, **{"content-type": "application/json"})
    return [
        ("POST", "/v1/messages/batches", json.dumps(batch_body("z")).encode(), js),
        ("GET", "/v1/messages/batches", None, headers(server)),
        ("GET", batch, None, headers(server)),
        ("POST", batch + "/cancel", None, headers(server)),
        ("GET", batch + "/results", None, headers(server)),
        ("POST", "/v1/files", body, headers(server, **{"content-type": kind})),
        ("GET", "/v1/files", None, headers(server)),
        ("GET", f"/v1/files/{file_id}", None, headers(server)),
        ("GET", f"/v1/files/{file_id}/content", None, headers(server)),
        ("DELETE", f"/v1/files/{file_id}", None, headers(server)),
        ("DELETE", batch, None, headers(server)),
    ]


def test_a_fault_applies_on_every_new_route(server: LocalServer) -> None:
    """An injected 529 answers each new route with the API's overloaded_error body."""
    for method, path, body, head in _routes(server):
        server.inject(Fault(status=529, headers={"retry-after": "3"}))
        status, got, data = call(server, method, path, body, head=head)
        assert (status, got["retry-after"]) == (529, "3"), (method, path)
        assert error_of(data)[0] == "overloaded_error"


def test_a_cut_fault_breaks_a_results_download(server: LocalServer) -> None:
    """Fault(cut_after=1) drops the connection after the first JSONL line of the results."""
    created = ok(server, "POST", "/v1/messages/batches", batch_body("a", "b", "c"))
    server.release_batches()
    server.inject(Fault(cut_after=1))
    with connect(server) as conn:
        conn.request(
            "GET", f"/v1/messages/batches/{created['id']}/results", headers=headers(server)
        )
        response = conn.getresponse()
        with pytest.raises(http.client.IncompleteRead) as cut:
            response.read()
    assert cut.value.partial.count(b"\n") == 1


def test_a_cut_fault_breaks_a_file_download(server: LocalServer) -> None:
    """Fault(cut_after=1) drops the connection after the first 1 MiB chunk of a download."""
    meta = upload(server, b"z" * (3 * 1024 * 1024))
    server.inject(Fault(cut_after=1))
    with connect(server) as conn:
        conn.request("GET", f"/v1/files/{meta['id']}/content", headers=headers(server))
        response = conn.getresponse()
        with pytest.raises(http.client.IncompleteRead) as cut:
            response.read()
    assert len(cut.value.partial) == 1024 * 1024


def test_a_chunk_size_fault_still_delivers_the_whole_download(server: LocalServer) -> None:
    """Fault(chunk_size=7) writes a download in tiny chunks that reassemble to the file."""
    content = os.urandom(5000)
    meta = upload(server, content)
    server.inject(Fault(chunk_size=7))
    status, _, data = call(server, "GET", f"/v1/files/{meta['id']}/content")
    assert status == 200 and data == content


def test_module_entry_point_takes_the_batch_processing_mode() -> None:
    """`python -m claude.testing --batch-processing instant` serves batches that end at once."""
    root = Path(__file__).resolve().parents[2]
    command = [sys.executable, "-m", "claude.testing", "--batch-processing", "instant"]
    with subprocess.Popen(
        command, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    ) as process:
        assert process.stdout is not None
        try:
            url = urllib.parse.urlsplit(
                process.stdout.readline().strip().removeprefix("ANTHROPIC_BASE_URL=")
            )
            key = process.stdout.readline().strip().removeprefix("ANTHROPIC_API_KEY=")
            # An unstarted LocalServer is only an address here, for `call`.
            remote = LocalServer(api_key=key, host=str(url.hostname), port=int(url.port or 0))
            head = {"x-api-key": key, "anthropic-version": "2026-10-21"}
            status, _, data = call(
                remote, "POST", "/v1/messages/batches", batch_body("a"), head=head
            )
            assert status == 200, data
            polled = ok_with(remote, f"/v1/messages/batches/{json.loads(data)['id']}", head)
            assert polled["processing_status"] == "ended"
            process.send_signal(signal.SIGINT)
            assert process.wait(timeout=120) == 0
        finally:
            if process.poll() is None:
                process.kill()


def ok_with(server: LocalServer, path: str, head: Mapping[str, str]) -> Json:
    """The decoded JSON of a GET with these headers that must answer 200."""
    status, _, data = call(server, "GET", path, head=head)
    assert status == 200, data
    return json.loads(data)


@pytest.mark.parametrize(
    ("path", "length", "status"),
    [
        ("/v1/files", 500 * 1024 * 1024 + 1, 413),
        ("/v1/messages/batches", 256 * 1024 * 1024 + 1, 413),
        ("/v1/messages", 32 * 1024 * 1024 + 1, 413),
    ],
)
def test_body_caps_follow_the_route(
    server: LocalServer, path: str, length: int, status: int
) -> None:
    """Each route refuses a body over its own API cap (files 500 MB, batches 256 MB, else 32 MB)."""
    with connect(server) as conn:
        conn.putrequest("POST", path)
        for name, value in headers(server).items():
            conn.putheader(name, value)
        conn.putheader("content-length", str(length))
        conn.endheaders()
        response = conn.getresponse()
        data = response.read()
    assert response.status == status and error_of(data)[0] == "request_too_large"


def test_a_batch_body_over_the_messages_cap_is_read(server: LocalServer) -> None:
    """A batch create body over 32 MB is taken (the batch cap is 256 MB)."""
    big = "x" * (33 * 1024 * 1024)
    created = ok(
        server,
        "POST",
        "/v1/messages/batches",
        {"requests": [{"custom_id": "a", "params": params(big)}]},
    )
    assert created["request_counts"]["processing"] == 1


def test_a_download_names_its_file_and_media_type(server: LocalServer) -> None:
    """The content response carries the file's media type and its name in content-disposition."""
    meta = upload(server, b"\x89PNG...", filename="zürich map.png", media="image/png")
    status, head, _ = call(server, "GET", f"/v1/files/{meta['id']}/content")
    assert status == 200 and head["content-type"] == "image/png"
    assert head["content-disposition"] == "attachment; filename*=UTF-8''z%C3%BCrich%20map.png"
    assert meta["filename"] == "zürich map.png"
