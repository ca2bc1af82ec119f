"""The progress bar: drawn on a terminal, absent when piped, checked under a pseudo-terminal.

Each test runs a child process with a pty as its stderr and reads everything the child wrote to
it until the child closes it; nothing waits on a clock.
"""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from claude.testing import LocalServer
from tests.shell.test_cli_resources import _jsonl, _requests

_DRAW = """
import sys
from claude.cli.progress import ProgressBar
bar = ProgressBar(sys.stderr, "job")
for done in range(5):
    bar.update(done, 4, detail=f"{done}/4")
    bar.update(done, 4, detail=f"{done}/4")  # the same picture again is not redrawn
bar.finish()
print("result")
"""


def _env(extra: dict[str, str] | None = None) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_")}
    return {**base, **(extra or {})}


def _under_pty(args: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    """Run ``args`` with a pty as stderr; (status, stdout, what reached the terminal)."""
    leader, follower = pty.openpty()
    try:
        process = subprocess.Popen(
            args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=follower, env=env
        )
        os.close(follower)
        follower = -1
        seen = bytearray()
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: every copy of the follower is closed, the child is done
                break
            if not chunk:
                break
            seen += chunk
        out, _ = process.communicate(timeout=60)
    finally:
        os.close(leader)
        if follower >= 0:
            os.close(follower)
    return process.returncode, out.decode(), seen.decode()


def test_the_bar_is_drawn_in_place_on_a_terminal() -> None:
    """On a terminal the bar redraws with carriage returns, reaches 100% and ends its line."""
    status, out, terminal = _under_pty([sys.executable, "-c", _DRAW], _env())
    assert status == 0
    assert out == "result\n"
    assert terminal.count("\rjob [") == 5
    assert "job [" in terminal and " 100% 4/4" in terminal
    assert terminal.endswith("\x1b[K\r\n")  # the pty turns the final "\n" into "\r\n"


def test_no_bar_when_stderr_is_a_pipe() -> None:
    """Piped, the same program writes nothing to stderr."""
    done = subprocess.run(
        [sys.executable, "-c", _DRAW],
        capture_output=True,
        check=False,
        text=True,
        env=_env(),
        timeout=60,
    )
    assert done.returncode == 0
    assert done.stdout == "result\n" and done.stderr == ""


@pytest.fixture
def server() -> Iterator[LocalServer]:
    """A local server whose batches end as soon as they are created."""
    with LocalServer(batch_processing="instant") as running:
        yield running


def _cli(server: LocalServer, *args: str) -> list[str]:
    return [sys.executable, "-m", "claude", *args, "--base-url", server.base_url]


def test_batch_wait_draws_a_bar_on_a_terminal(server: LocalServer, tmp_path: Path) -> None:
    """``batch wait`` on a terminal shows the counts as a bar that ends at 100%."""
    env = _env({"ANTHROPIC_API_KEY": server.api_key})
    source = _jsonl(tmp_path / "in.jsonl", _requests(2))
    made = subprocess.run(
        _cli(server, "batch", "create", str(source), "--json"),
        capture_output=True,
        check=False,
        text=True,
        env=env,
        timeout=60,
    )
    batch_id = json.loads(made.stdout)["id"]
    status, out, terminal = _under_pty(
        _cli(server, "batch", "wait", batch_id, "--poll-every", "0.01"), env
    )
    assert status == 0, terminal
    assert batch_id in out
    assert f"batch {batch_id} [" in terminal and "100%" in terminal and "succeeded=2" in terminal


def test_files_download_draws_a_bar_on_a_terminal(server: LocalServer, tmp_path: Path) -> None:
    """``files download`` on a terminal shows the bytes as they arrive, ending at 100%."""
    env = _env({"ANTHROPIC_API_KEY": server.api_key})
    source = tmp_path / "big.bin"
    source.write_bytes(os.urandom(3 * 1024 * 1024))
    made = subprocess.run(
        _cli(server, "files", "upload", str(source), "--json"),
        capture_output=True,
        check=False,
        text=True,
        env=env,
        timeout=60,
    )
    file_id = json.loads(made.stdout)["id"]
    target = tmp_path / "copy.bin"
    status, _out, terminal = _under_pty(
        _cli(server, "files", "download", file_id, "-o", str(target)), env
    )
    assert status == 0, terminal
    assert target.read_bytes() == source.read_bytes()
    assert f"download {file_id} [" in terminal and "100%" in terminal
    assert terminal.count("\r") >= 2  # redrawn as the pieces came in


def test_files_upload_draws_a_bar_on_a_terminal(server: LocalServer, tmp_path: Path) -> None:
    """``files upload`` on a terminal shows the upload's bar, ending at 100%."""
    env = _env({"ANTHROPIC_API_KEY": server.api_key})
    source = tmp_path / "up.bin"
    source.write_bytes(b"x" * 100_000)
    status, out, terminal = _under_pty(_cli(server, "files", "upload", str(source)), env)
    assert status == 0, terminal
    assert out.startswith("file")
    assert "upload up.bin [" in terminal and "100%" in terminal
