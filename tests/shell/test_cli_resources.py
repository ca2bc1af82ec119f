"""``count-tokens``, ``models``, ``batch`` and ``files`` as a user runs them, against a local server.

Every command runs in a child process, as a user runs it, against a ``LocalServer`` in this
process, so a test can inject faults and read what the CLI sent.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from claude.testing import Fault, LocalServer
from tests.shell.test_cli import run_cli


@pytest.fixture
def server() -> Iterator[LocalServer]:
    """A local server in this process whose batches end as soon as they are created."""
    with LocalServer(batch_processing="instant") as running:
        yield running


def cli(server: LocalServer, *args: str, stdin: str = "") -> tuple[int, str, str]:
    """Run the CLI against ``server``; (status, stdout, stderr)."""
    done = run_cli(
        *args,
        "--base-url",
        server.base_url,
        env={"ANTHROPIC_API_KEY": server.api_key},
        stdin=stdin,
    )
    return done.returncode, done.stdout, done.stderr


def _jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def _requests(count: int) -> list[dict[str, Any]]:
    return [
        {
            "custom_id": f"req-{n}",
            "params": {
                "model": "claude-haiku-4-5",
                "max_tokens": 32,
                "messages": [{"role": "user", "content": f"question {n}"}],
            },
        }
        for n in range(count)
    ]


# --- refused before anything is sent --------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b'{"custom_id": "a", "params": {}}\nnot json\n', ":2: is not JSON"),
        (b"[1, 2]\n", ":1: expected an object"),
    ],
)
def test_batch_create_names_the_bad_line(tmp_path: Path, content: bytes, needle: str) -> None:
    """A JSONL line that is not a JSON object exits 2 naming the file and the line number."""
    path = tmp_path / "in.jsonl"
    path.write_bytes(content)
    done = run_cli("--local", "batch", "create", str(path))
    assert done.returncode == 2
    assert f"{path}{needle}" in done.stderr
    assert done.stderr.count("\n") == 1 and done.stdout == ""


def test_batch_create_of_a_missing_file_is_one_line(tmp_path: Path) -> None:
    """A JSONL file that cannot be read exits 2 naming it."""
    path = tmp_path / "absent.jsonl"
    done = run_cli("--local", "batch", "create", str(path))
    assert done.returncode == 2
    assert str(path) in done.stderr and "cannot be read" in done.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("models", "get"),
        ("batch", "status"),
        ("batch", "frobnicate", "x"),
        ("files", "upload"),
        ("files",),
    ],
)
def test_a_subcommand_missing_its_words_is_one_line(args: tuple[str, ...]) -> None:
    """A subcommand without its action or id exits 2 with one line."""
    done = run_cli(*args)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("error: ")


# --- count-tokens and models ------------------------------------------------------------------


def test_count_tokens_prints_the_input_tokens(server: LocalServer) -> None:
    """``count-tokens`` prints the number the API counted, as a bare integer."""
    status, out, err = cli(server, "count-tokens", "one two three")
    assert status == 0, err
    assert int(out) > 0
    body = server.requests[-1].json
    assert server.requests[-1].path.startswith("/v1/messages/count_tokens")
    assert isinstance(body, dict) and "max_tokens" not in body


def test_count_tokens_reads_stdin_and_prints_json(server: LocalServer) -> None:
    """``count-tokens --json`` with the prompt on stdin prints the whole count object."""
    status, out, err = cli(server, "count-tokens", "--json", stdin="from stdin\n")
    assert status == 0, err
    assert isinstance(json.loads(out)["input_tokens"], int)


def test_models_lists_every_model_one_per_line(server: LocalServer) -> None:
    """``models`` (and ``models list``) print one line per model, its id first."""
    status, out, err = cli(server, "models")
    assert status == 0, err
    ids = [line.split("\t")[0] for line in out.splitlines()]
    assert len(ids) > 1 and all(model.startswith("claude-") for model in ids)
    assert cli(server, "models", "list")[1] == out


def test_models_list_with_a_limit_is_one_page(server: LocalServer) -> None:
    """``--limit 1`` prints one model and says how to get the next page."""
    status, out, err = cli(server, "models", "list", "--limit", "1", "--json")
    assert status == 0, err
    assert len(out.splitlines()) == 1 and "id" in json.loads(out)
    assert "--after-id" in err


def test_models_get_prints_one_model(server: LocalServer) -> None:
    """``models get ID`` prints that model; an unknown id is one line and exit 1."""
    first = cli(server, "models")[1].split("\t")[0]
    status, out, _err = cli(server, "models", "get", first, "--json")
    assert status == 0
    assert json.loads(out)["id"] == first
    status, out, err = cli(server, "models", "get", "no-such-model")
    assert status == 1 and out == "" and err.count("\n") == 1 and "not found" in err


# --- batches ------------------------------------------------------------------------------


def test_the_batch_lifecycle(server: LocalServer, tmp_path: Path) -> None:
    """create, status, wait, results (to a file), list and cancel, each through the CLI."""
    source = _jsonl(tmp_path / "in.jsonl", _requests(3))
    status, out, err = cli(server, "batch", "create", str(source), "--json")
    assert status == 0, err
    batch_id = json.loads(out)["id"]

    status, out, err = cli(server, "batch", "status", batch_id)
    assert status == 0, err
    assert out.split("\t")[0] == batch_id

    status, out, err = cli(server, "batch", "wait", batch_id, "--poll-every", "0.01")
    assert status == 0, err
    assert "ended" in out and err == ""  # no bar: stderr is a pipe

    target = tmp_path / "out.jsonl"
    status, out, err = cli(server, "batch", "results", batch_id, "-o", str(target))
    assert status == 0, err
    lines = [json.loads(line) for line in target.read_text().splitlines()]
    assert sorted(line["custom_id"] for line in lines) == ["req-0", "req-1", "req-2"]
    assert all(line["result"]["type"] == "succeeded" for line in lines)

    status, out, err = cli(server, "batch", "results", batch_id)
    assert status == 0 and len(out.splitlines()) == 3

    status, out, err = cli(server, "batch", "list")
    assert status == 0, err
    assert batch_id in out

    status, out, err = cli(server, "batch", "delete", batch_id)
    assert status == 0, err
    assert out.strip() == batch_id
    status, out, err = cli(server, "batch", "status", batch_id)
    assert status == 1 and "not found" in err


def test_batch_cancel_of_an_unfinished_batch(server: LocalServer, tmp_path: Path) -> None:
    """``batch cancel`` prints the batch as the API now has it: canceling (or ended)."""
    server.batch_processing = "manual"
    source = _jsonl(tmp_path / "in.jsonl", _requests(2))
    batch_id = json.loads(cli(server, "batch", "create", str(source), "--json")[1])["id"]
    status, out, err = cli(server, "batch", "cancel", batch_id)
    assert status == 0, err
    assert out.split("\t")[:2] in ([batch_id, "canceling"], [batch_id, "ended"])


def test_batch_cancel_of_an_ended_batch_is_one_line(server: LocalServer, tmp_path: Path) -> None:
    """Canceling a batch that has ended is the API's refusal, one line, exit 1."""
    source = _jsonl(tmp_path / "in.jsonl", _requests(1))
    batch_id = json.loads(cli(server, "batch", "create", str(source), "--json")[1])["id"]
    cli(server, "batch", "wait", batch_id, "--poll-every", "0.01")
    status, out, err = cli(server, "batch", "cancel", batch_id)
    assert status == 1 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err


def test_batch_results_deliver_the_good_lines_around_a_malformed_one(
    server: LocalServer, tmp_path: Path
) -> None:
    """A malformed results line is one error line and exit 1; the other lines are still written."""
    source = _jsonl(tmp_path / "in.jsonl", _requests(2))
    batch_id = json.loads(cli(server, "batch", "create", str(source), "--json")[1])["id"]
    good = '{"custom_id": "req-0", "result": {"type": "canceled"}}'
    server.inject(Fault(status=200, body=f"{good}\nnot json\n{good}\n"))
    status, out, err = cli(server, "batch", "results", batch_id)
    assert status == 1
    assert len(out.splitlines()) == 2 and err.count("\n") == 1


def test_batch_status_of_an_unknown_id_is_one_line(server: LocalServer) -> None:
    """An id the server does not know exits 1 with one line."""
    status, out, err = cli(server, "batch", "status", "msgbatch_nope")
    assert status == 1 and out == "" and err.count("\n") == 1


# --- files --------------------------------------------------------------------------------


def test_the_files_lifecycle(server: LocalServer, tmp_path: Path) -> None:
    """upload, list, get, download (the same bytes back) and delete, each through the CLI."""
    source = tmp_path / "notes.txt"
    source.write_bytes(b"some notes\n" * 1000)
    status, out, err = cli(server, "files", "upload", str(source), "--json")
    assert status == 0, err
    file_id = json.loads(out)["id"]

    status, out, err = cli(server, "files", "list")
    assert status == 0, err
    assert file_id in out

    status, out, err = cli(server, "files", "get", file_id)
    assert status == 0, err
    assert out.split("\t")[:3] == [file_id, "notes.txt", str(source.stat().st_size)]

    target = tmp_path / "copy.txt"
    status, out, err = cli(server, "files", "download", file_id, "-o", str(target))
    assert status == 0, err
    assert target.read_bytes() == source.read_bytes() and err == ""

    status, out, err = cli(server, "files", "delete", file_id)
    assert status == 0, err
    status, out, err = cli(server, "files", "get", file_id)
    assert status == 1 and err.count("\n") == 1


def test_a_failed_download_leaves_no_file(server: LocalServer, tmp_path: Path) -> None:
    """Downloading an unknown id exits 1 with one line and does not leave an empty file."""
    target = tmp_path / "never.bin"
    status, _out, err = cli(server, "files", "download", "file_nope", "-o", str(target))
    assert status == 1 and err.count("\n") == 1
    assert not target.exists()


def test_connection_flags_work_after_the_subcommand() -> None:
    """``models list --local --json`` is the same as ``--local models list --json``."""
    after = run_cli("models", "list", "--local", "--json")
    before = run_cli("--local", "--json", "models", "list")
    assert after.returncode == before.returncode == 0, after.stderr + before.stderr
    ids = [json.loads(line)["id"] for line in after.stdout.splitlines()]
    assert ids and ids == [json.loads(line)["id"] for line in before.stdout.splitlines()]


def test_batch_wait_gives_up_at_its_deadline(server: LocalServer, tmp_path: Path) -> None:
    """``batch wait --deadline`` on a batch that never ends is one timeout line and exit 1."""
    server.batch_processing = "manual"
    source = _jsonl(tmp_path / "in.jsonl", _requests(1))
    batch_id = json.loads(cli(server, "batch", "create", str(source), "--json")[1])["id"]
    status, out, err = cli(
        server, "batch", "wait", batch_id, "--poll-every", "0.01", "--deadline", "0.05"
    )
    assert status == 1 and out == ""
    assert err.count("\n") == 1 and "time" in err.lower()


def test_files_download_json_names_the_path_and_size(server: LocalServer, tmp_path: Path) -> None:
    """``files download --json`` prints where the bytes went and how many there were."""
    source = tmp_path / "n.txt"
    source.write_bytes(b"abc" * 100)
    file_id = json.loads(cli(server, "files", "upload", str(source), "--json")[1])["id"]
    target = tmp_path / "out.txt"
    status, out, err = cli(server, "files", "download", file_id, "-o", str(target), "--json")
    assert status == 0, err
    assert json.loads(out) == {"path": str(target), "size_bytes": 300}
