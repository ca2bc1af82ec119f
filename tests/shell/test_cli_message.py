"""The message command's newer features: stdin prompts, ``--file``, ``--version``, notes, errors."""

from __future__ import annotations

import json
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from claude._version import __version__
from claude.testing import Fault, LocalServer
from tests.shell.test_cli import run_cli


def _png() -> bytes:
    """A valid 1x1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def server() -> Iterator[LocalServer]:
    """A local server in this process, so the test can read what the CLI sent it."""
    with LocalServer() as running:
        yield running


def _at(server: LocalServer) -> tuple[list[str], dict[str, str]]:
    return ["--base-url", server.base_url], {"ANTHROPIC_API_KEY": server.api_key}


def _sent(server: LocalServer) -> list[object]:
    """The ``messages`` of the last request the server received."""
    body = server.requests[-1].json
    assert isinstance(body, dict)
    messages = body["messages"]
    assert isinstance(messages, list)
    return messages


def test_version_prints_the_package_version() -> None:
    """``--version`` prints ``api-claude X.Y.Z`` and exits 0."""
    done = run_cli("--version")
    assert done.returncode == 0
    assert done.stdout.strip() == f"api-claude {__version__}"


@pytest.mark.parametrize("args", [(), ("-",)])
def test_the_prompt_comes_from_stdin_when_absent_or_dash(args: tuple[str, ...]) -> None:
    """With no prompt (stdin a pipe) or ``-``, the piped text is the prompt, final newline dropped."""
    done = run_cli("--local", *args, stdin="from a pipe\n")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "Hello! You said: from a pipe\n"


def test_an_empty_stdin_is_a_usage_error() -> None:
    """Nothing on stdin and no prompt exits 2 with one line naming the prompt."""
    done = run_cli("--local", stdin="")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "prompt" in done.stderr


def test_a_prompt_argument_wins_over_stdin() -> None:
    """A prompt given as an argument is sent; stdin is not read."""
    done = run_cli("--local", "the argument", stdin="the pipe")
    assert done.stdout == "Hello! You said: the argument\n"


def test_files_are_attached_before_the_text(server: LocalServer, tmp_path: Path) -> None:
    """``--file`` twice sends an image block and a PDF document block, then the prompt text."""
    image, pdf = tmp_path / "a.png", tmp_path / "b.bin"
    image.write_bytes(_png())
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    flags, env = _at(server)
    done = run_cli(*flags, "--file", str(image), "--file", str(pdf), "describe", env=env)
    assert done.returncode == 0, done.stderr
    [turn] = _sent(server)
    assert isinstance(turn, dict)
    kinds = [(block["type"], block["source"].get("media_type")) for block in turn["content"][:2]]
    assert kinds == [("image", "image/png"), ("document", "application/pdf")]
    assert turn["content"][2] == {"type": "text", "text": "describe"}


@pytest.mark.parametrize(
    ("content", "needle"),
    [(None, "cannot be read"), (b"plain words", "image")],
)
def test_a_bad_file_is_one_line_naming_its_path(
    tmp_path: Path, content: bytes | None, needle: str
) -> None:
    """A missing file, or one that is neither image nor PDF, exits 2 naming the path; nothing is sent."""
    path = tmp_path / "thing.dat"
    if content is not None:
        path.write_bytes(content)
    done = run_cli("--local", "--file", str(path), "hi")
    assert done.returncode == 2
    assert str(path) in done.stderr and needle in done.stderr
    assert done.stderr.count("\n") == 1 and done.stdout == ""


@pytest.mark.parametrize("stream", [False, True])
def test_a_reply_cut_at_max_tokens_gets_a_note_on_stderr(stream: bool) -> None:
    """A reply that stopped at ``max_tokens`` prints a note on stderr and still exits 0."""
    flags = ["--stream"] if stream else []
    done = run_cli("--local", *flags, "--max-tokens", "2", "one two three four five")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "Hello! You\n"
    assert done.stderr == (
        "note: the reply stopped at max_tokens (2); raise --max-tokens for more\n"
    )


def test_a_whole_reply_has_no_note() -> None:
    """A reply that ended by itself prints nothing on stderr."""
    done = run_cli("--local", "--max-tokens", "100", "hi")
    assert done.returncode == 0 and done.stderr == ""


@pytest.mark.parametrize("header", ["retry-after", "retry-after-ms"])
def test_a_429_line_says_when_to_retry(server: LocalServer, header: str) -> None:
    """A 429's one error line carries the server's retry-after value; exit status 1."""
    value = "7" if header == "retry-after" else "7000"
    server.inject(Fault(status=429, headers={header: value}))
    flags, env = _at(server)
    done = run_cli(*flags, "hi", env=env)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1
    assert "rate limited" in done.stderr and "retry-after 7s" in done.stderr


def test_a_429_without_the_header_says_nothing_about_retrying(server: LocalServer) -> None:
    """Without a retry-after header the line makes up no wait."""
    server.inject(Fault(status=429))
    flags, env = _at(server)
    done = run_cli(*flags, "hi", env=env)
    assert done.returncode == 1 and "retry-after" not in done.stderr


@pytest.mark.parametrize("command", [("hi",), ("chat",), ("models",), ("count-tokens", "hi")])
def test_local_with_base_url_is_a_usage_error(command: tuple[str, ...]) -> None:
    """``--local`` with ``--base-url`` exits 2 with one line naming both; nothing is sent."""
    done = run_cli("--local", "--base-url", "http://127.0.0.1:9", *command, stdin="")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert "--local" in done.stderr and "--base-url" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_prompt_that_is_a_command_word_is_sent_after_double_dash() -> None:
    """``-- models`` sends the word as the prompt instead of running the subcommand."""
    done = run_cli("--local", "--json", "--", "models")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["content"][0]["text"] == "Hello! You said: models"


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("--max-tokens", "lots", "hi"), "--max-tokens"),
        (("--no-such-flag", "hi"), "--no-such-flag"),
        (("batch",), "ACTION"),
        (("files", "download", "file_1"), "--output"),
    ],
)
def test_a_flag_argparse_refuses_is_one_line(args: tuple[str, ...], needle: str) -> None:
    """A malformed command line exits 2 with one line naming the flag, not a usage block."""
    done = run_cli(*args)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and needle in done.stderr
    assert done.stderr.startswith("error: ") and "--help" in done.stderr
