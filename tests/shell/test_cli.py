"""``python -m claude`` as a user runs it: a real process, real sockets, one line on failure."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from tests.shell.conftest import free_port


def run_cli(
    *args: str, env: dict[str, str] | None = None, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    """Run the CLI in a child process with a clean key environment, ``stdin`` piped to it."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_")}
    return subprocess.run(
        [sys.executable, "-m", "claude", *args],
        capture_output=True,
        text=True,
        input=stdin,
        env={**base, **(env or {})},
        timeout=60,
        check=False,
    )


@pytest.fixture
def server_process() -> Iterator[tuple[str, str]]:
    """``python -m claude.testing --port N`` in its own process; yields (base URL, key)."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "claude.testing", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    try:  # the server is stopped even when its first lines are not what we expect
        printed = dict(
            line.strip().split("=", 1) for line in (process.stdout.readline() for _ in range(2))
        )
        yield f"http://127.0.0.1:{port}", printed["ANTHROPIC_API_KEY"]
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


def test_local_prints_the_reply_with_nothing_else_running() -> None:
    """``--local`` starts the bundled server in-process and prints Claude's reply."""
    done = run_cli("--local", "Say hello")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Hello! You said: Say hello"
    assert done.stderr == ""


def test_base_url_reaches_a_separately_started_server(server_process: tuple[str, str]) -> None:
    """The CLI talks to ``python -m claude.testing`` given its URL and key."""
    url, key = server_process
    done = run_cli("hi", "--base-url", url, env={"ANTHROPIC_API_KEY": key})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Hello! You said: hi"


def test_stream_prints_the_text_as_it_arrives() -> None:
    """``--stream`` prints the reply from the text deltas, then a newline."""
    done = run_cli("--local", "--stream", "Write a haiku")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "Hello! You said: Write a haiku\n"


def test_json_prints_the_whole_message() -> None:
    """``--json`` prints the message as the API sent it."""
    done = run_cli("--local", "--json", "hi")
    message = json.loads(done.stdout)
    assert message["type"] == "message"
    assert message["content"][0]["text"] == "Hello! You said: hi"


def test_curl_prints_a_command_without_the_key() -> None:
    """``--curl`` prints the request instead of sending, the key as an env reference."""
    secret = "sk-ant-api03-" + "s3cr3t" * 6
    done = run_cli("--curl", "hi", "--system", "be brief", env={"ANTHROPIC_API_KEY": secret})
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("curl -X POST https://api.anthropic.com/v1/messages")
    assert secret not in done.stdout + done.stderr
    assert "${ANTHROPIC_API_KEY}" in done.stdout
    assert '"system":"be brief"' in done.stdout


def test_no_key_says_how_to_set_one_or_use_local() -> None:
    """Without a key the CLI exits non-zero with one line naming the fix."""
    done = run_cli("hi")
    assert done.returncode != 0
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert "ANTHROPIC_API_KEY" in done.stderr and "--local" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("--local", "--max-tokens=-1", "hi"), "max_tokens"),
        (("--local", "--temperature", "3", "hi"), "temperature"),
        (("--local", "--api-version", "2026-10-21", "--temperature", "0.5", "hi"), "2026-10-21"),
        (("--base-url", "http://example.com", "hi"), "base_url"),
    ],
)
def test_bad_input_is_one_line_and_no_traceback(args: tuple[str, ...], needle: str) -> None:
    """Invalid flags give exit status 2 and one error line naming the field."""
    done = run_cli(*args, env={"ANTHROPIC_API_KEY": "sk-ant-x"})
    assert done.returncode == 2
    assert needle in done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


def test_an_unreachable_server_is_one_line() -> None:
    """A refused connection exits 1 with one line."""
    done = run_cli(
        "hi", "--base-url", f"http://127.0.0.1:{free_port()}", env={"ANTHROPIC_API_KEY": "sk-ant-x"}
    )
    assert done.returncode == 1
    assert done.stderr.startswith("error: network error")
    assert "Traceback" not in done.stderr


def test_a_stream_that_fails_mid_way_is_one_line_and_exit_1(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``--stream`` prints the text that came, then the failure as one line, exit status 1."""
    from claude.__main__ import _stream
    from claude.shell import Client
    from claude.testing import Fault, LocalServer

    request = {
        "model": "claude-haiku-4-5",
        "max_tokens": 64,
        "messages": [{"role": "user", "content": "a b c d e f g h"}],
    }
    with LocalServer() as server, Client(api_key=server.api_key, base_url=server.base_url) as c:
        server.inject(Fault(error_after=4))
        status = _stream(c, request, as_json=False)
    _out, err = capsys.readouterr()
    assert status == 1
    assert "overloaded" in err and "internal error" not in err
