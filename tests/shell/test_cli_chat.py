"""``chat``: a REPL on stdin that keeps the conversation and streams each reply."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from claude.testing import Fault, LocalServer
from tests.shell.test_cli import run_cli


@pytest.fixture
def server() -> Iterator[LocalServer]:
    """A local server in this process, so the test can read what the chat sent."""
    with LocalServer() as running:
        yield running


def _chat(server: LocalServer, stdin: str, *flags: str) -> tuple[int, str, str]:
    done = run_cli(
        "chat",
        "--base-url",
        server.base_url,
        *flags,
        env={"ANTHROPIC_API_KEY": server.api_key},
        stdin=stdin,
    )
    return done.returncode, done.stdout, done.stderr


def _roles_and_texts(server: LocalServer, index: int) -> list[tuple[str, str]]:
    body = server.requests[index].json
    assert isinstance(body, dict)
    turns = []
    for message in body["messages"]:
        content = message["content"]
        text = content if isinstance(content, str) else content[-1]["text"]
        turns.append((message["role"], text))
    return turns


def test_each_line_is_a_turn_and_the_history_is_sent(server: LocalServer) -> None:
    """The second request carries the first question and answer before the second question."""
    status, out, err = _chat(server, "first\nsecond\n")
    assert status == 0, err
    assert out == "Hello! You said: first\nHello! You said: second\n"
    assert _roles_and_texts(server, 1) == [
        ("user", "first"),
        ("assistant", "Hello! You said: first"),
        ("user", "second"),
    ]


def test_replies_are_streamed(server: LocalServer) -> None:
    """Every chat request asks for server-sent events."""
    _chat(server, "hi\n")
    body = server.requests[0].json
    assert isinstance(body, dict) and body["stream"] is True


def test_exit_ends_the_chat_and_blank_lines_are_skipped(server: LocalServer) -> None:
    """``/exit`` stops reading; blank lines send nothing."""
    status, out, _err = _chat(server, "\n  \nonly\n/exit\nnever\n")
    assert status == 0
    assert out == "Hello! You said: only\n"
    assert server.request_count == 1


def test_a_failed_turn_is_one_line_and_left_out_of_the_history(server: LocalServer) -> None:
    """A turn that fails prints one error line, the chat goes on, and the exit status is 1."""
    server.inject(Fault(status=529))
    status, out, err = _chat(server, "lost\nkept\n")
    assert status == 1
    assert err.count("\n") == 1 and "overloaded" in err
    assert out.endswith("Hello! You said: kept\n")
    assert _roles_and_texts(server, 1) == [("user", "kept")]


def test_system_and_max_tokens_flags_apply_to_every_turn(server: LocalServer) -> None:
    """``--system`` and ``--max-tokens`` go with each request; a cut reply gets the note."""
    status, _out, err = _chat(server, "a b c d\n", "--system", "be brief", "--max-tokens", "2")
    assert status == 0
    body = server.requests[0].json
    assert isinstance(body, dict)
    assert body["system"] == "be brief" and body["max_tokens"] == 2
    assert "max_tokens (2)" in err


def test_flags_before_the_command_word_count_too(server: LocalServer) -> None:
    """``--model X chat`` uses that model."""
    done = run_cli(
        "--model",
        "claude-opus-4-1",
        "--base-url",
        server.base_url,
        "chat",
        env={"ANTHROPIC_API_KEY": server.api_key},
        stdin="hi\n",
    )
    assert done.returncode == 0, done.stderr
    body = server.requests[0].json
    assert isinstance(body, dict) and body["model"] == "claude-opus-4-1"


def test_files_go_with_the_first_turn_only(server: LocalServer, tmp_path: Path) -> None:
    """``chat --file`` attaches the file to the first question; later turns are text."""
    from tests.shell.test_cli_message import _png

    image = tmp_path / "a.png"
    image.write_bytes(_png())
    status, _out, err = _chat(server, "look\nand then\n", "--file", str(image))
    assert status == 0, err
    body = server.requests[1].json
    assert isinstance(body, dict)
    first, _answer, second = body["messages"]
    assert [block["type"] for block in first["content"]] == ["image", "text"]
    assert second["content"] == "and then"
