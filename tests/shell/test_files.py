"""The Files API against the local server: upload (streamed, media type sniffed), metadata, list
across pages, download to a path or a stream, delete, the beta header under 2023-06-01, and a
50 MB round trip whose peak RSS growth, measured in a subprocess, stays under 10 MB."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import TypeVar

import anyio
import pytest

from claude.pure.errors import ApiError, InvalidArgument
from claude.shell.client import Client
from claude.testing import LocalServer
from tests.shell.conftest import Mode

_T = TypeVar("_T")
ROOT = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.4\n" + b"0" * 1000


def run(mode: Mode, sync: Callable[[], _T], make: Callable[[], Awaitable[_T]]) -> _T:
    if mode == "sync":
        return sync()

    async def main() -> _T:
        return await make()

    return anyio.run(main, backend=mode)


@pytest.fixture
def old(server: LocalServer) -> Iterator[Client]:
    """A client speaking ``anthropic-version: 2023-06-01`` (Files is a beta there)."""
    with Client(api_key=server.api_key, base_url=server.base_url, api_version="2023-06-01") as made:
        yield made


def test_upload_get_download_delete(
    client: Client, server: LocalServer, tmp_path: Path, mode: Mode
) -> None:
    """A file uploaded from disk comes back byte for byte, its metadata right, then is deleted."""
    source = tmp_path / "paper.pdf"
    source.write_bytes(PDF)
    uploaded = run(
        mode, lambda: client.upload_file(source), lambda: client.aupload_file(source)
    ).unwrap()
    assert uploaded.filename == "paper.pdf" and uploaded.mime_type == "application/pdf"
    assert uploaded.size_bytes == len(PDF)
    sent = server.requests[-1]
    assert sent.headers["content-type"].startswith("multipart/form-data; boundary=")
    meta = run(mode, lambda: client.get_file(uploaded.id), lambda: client.aget_file(uploaded.id))
    assert meta.unwrap().id == uploaded.id
    target = tmp_path / "copy.pdf"
    size = run(
        mode,
        lambda: client.download_file(uploaded.id, target),
        lambda: client.adownload_file(uploaded.id, target),
    )
    assert size.unwrap() == len(PDF) and target.read_bytes() == PDF
    deleted = run(
        mode, lambda: client.delete_file(uploaded.id), lambda: client.adelete_file(uploaded.id)
    )
    assert deleted.unwrap().id == uploaded.id
    error = client.get_file(uploaded.id).failure()
    assert isinstance(error, ApiError) and error.status == 404


def test_bytes_upload_with_a_given_type_and_download_to_a_stream(client: Client) -> None:
    """Bytes upload under the given name and type; a download writes into a binary stream."""
    uploaded = client.upload_file(b"hello", media_type="text/plain", filename="a.txt").unwrap()
    assert uploaded.mime_type == "text/plain" and uploaded.filename == "a.txt"
    buffer = io.BytesIO()
    assert client.download_file(uploaded.id, buffer).unwrap() == 5
    assert buffer.getvalue() == b"hello"


def test_listing_files_walks_three_pages(client: Client) -> None:
    """Five files with ``limit=2`` come in three pages, newest first (GA ``next_page``)."""
    made = [
        client.upload_file(f"file {i}".encode(), filename=f"f{i}.txt").unwrap().id for i in range(5)
    ]
    assert [f.unwrap().id for f in client.iter_files(limit=2)] == made[::-1]
    page = client.list_files(limit=2).unwrap()
    assert len(page.data) == 2 and isinstance(page.next_page, str)


def test_under_2023_06_01_files_calls_carry_the_beta(old: Client, server: LocalServer) -> None:
    """The old API version needs ``files-api-2025-04-14``: every files call sends it."""
    uploaded = old.upload_file(b"x", filename="x.txt").unwrap()
    assert [f.unwrap().id for f in old.iter_files(limit=1)] == [uploaded.id]
    assert old.delete_file(uploaded.id).unwrap().id == uploaded.id
    files_calls = [r for r in server.requests if r.path.startswith("/v1/files")]
    assert files_calls and all(
        "files-api-2025-04-14" in r.headers.get("anthropic-beta", "") for r in files_calls
    )


def test_bad_inputs_are_failures_without_a_request(
    client: Client, server: LocalServer, tmp_path: Path
) -> None:
    """A missing file, a bad name or type, or a bad destination fail locally, naming the input."""
    missing = client.upload_file(tmp_path / "nope.pdf").failure()
    assert isinstance(missing, InvalidArgument) and "nope.pdf" in missing.path
    bad_name = client.upload_file(b"x", filename="a/b").failure()
    assert isinstance(bad_name, InvalidArgument) and bad_name.path == "filename"
    bad_type = client.upload_file(b"x", media_type="pdf").failure()
    assert isinstance(bad_type, InvalidArgument) and bad_type.path == "media_type"
    empty_id = client.get_file("").failure()
    assert isinstance(empty_id, InvalidArgument) and empty_id.path == "file_id"
    assert server.requests == []


def test_a_download_of_an_unknown_file_is_the_apis_404(client: Client, tmp_path: Path) -> None:
    """Downloading a file that does not exist gives the server's error; nothing is written."""
    error = client.download_file("file_nope", tmp_path / "out").failure()
    assert isinstance(error, ApiError) and error.status == 404


_MEASURE = textwrap.dedent(
    """
    import json, sys
    from claude.shell.client import Client

    def peak_kib():
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        raise RuntimeError("no VmHWM")

    base_url, api_key, source, target = sys.argv[1:5]
    with Client(api_key=api_key, base_url=base_url) as client:
        warm = client.upload_file(b"warm up", filename="w.txt").unwrap()
        client.download_file(warm.id, target).unwrap()
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")  # the peak starts again from the current RSS
        before = peak_kib()
        uploaded = client.upload_file(SOURCE).unwrap()
        size = client.download_file(uploaded.id, target).unwrap()
        after = peak_kib()
    print(json.dumps({"growth_kib": after - before, "size": size, "stored": uploaded.size_bytes}))
    """
)


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


@pytest.mark.skipif(
    not Path("/proc/self/clear_refs").exists(), reason="needs Linux's resettable peak RSS"
)
def test_a_50_mb_round_trip_keeps_peak_rss_growth_under_10_mb(
    server: LocalServer, tmp_path: Path
) -> None:
    """Upload and download of 50 MB are streamed: the client process's peak RSS grows < 10 MB."""
    source, target = tmp_path / "big.bin", tmp_path / "back.bin"
    block = os.urandom(1 << 20)
    with source.open("wb") as f:
        for _ in range(50):
            f.write(block)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            _MEASURE.replace("SOURCE", "source"),
            server.base_url,
            server.api_key,
            str(source),
            str(target),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert report["size"] == report["stored"] == 50 << 20
    assert _digest(target) == _digest(source)
    assert report["growth_kib"] < 10 * 1024


class _Hostile(str):
    """A string whose methods raise, as a hostile caller's might."""

    def __len__(self) -> int:
        raise RuntimeError("boom")

    def __str__(self) -> str:
        raise RuntimeError("boom")


class _HostilePath:
    """A path object whose ``__fspath__`` raises."""

    def __fspath__(self) -> str:
        raise RuntimeError("boom")


def test_hostile_arguments_never_run_their_code(client: Client, server: LocalServer) -> None:
    """String subclasses are read by their plain value; a path object that raises is a Failure."""
    named = client.upload_file(b"x", filename=_Hostile("a.txt"), media_type=_Hostile("text/plain"))
    assert named.unwrap().filename == "a.txt" and named.unwrap().mime_type == "text/plain"
    assert client.get_file(_Hostile(named.unwrap().id)).unwrap().id == named.unwrap().id
    before = len(server.requests)
    error = client.upload_file(_HostilePath()).failure()
    assert isinstance(error, InvalidArgument) and error.path == "file"
    assert len(server.requests) == before


def test_an_upload_reports_its_progress_chunk_by_chunk(client: Client, tmp_path: Path) -> None:
    """on_progress hears the bytes sent after every chunk, rising to the file's size."""
    path = tmp_path / "big.bin"
    path.write_bytes(os.urandom(600 * 1024))  # three chunks of at most 256 KiB
    heard: list[tuple[int, int]] = []
    uploaded = client.upload_file(path, on_progress=lambda sent, size: heard.append((sent, size)))
    assert uploaded.unwrap().size_bytes == 600 * 1024
    assert [sent for sent, _ in heard] == [256 * 1024, 512 * 1024, 600 * 1024]
    assert {size for _, size in heard} == {600 * 1024}
