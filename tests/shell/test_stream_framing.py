"""The local server's API framing faults (one chunk per event, CRLF and CR line ends), read raw
and through ``Client.stream``."""

from __future__ import annotations

import socket

import msgspec
import pytest

from claude.shell.client import Client
from claude.testing import Fault, LocalServer
from tests.shell.conftest import HELLO


def strip_id(block: object) -> object:
    """A block as plain data without its (random) tool-use id."""
    plain = msgspec.to_builtins(block)
    if isinstance(plain, dict):
        plain.pop("id", None)
    return plain


def raw_chunks(server: LocalServer, fault: Fault) -> list[bytes]:
    """The HTTP chunks of one streamed reply under ``fault``, read off a plain socket."""
    server.inject(fault)
    body = msgspec.json.encode({**HELLO, "stream": True})
    host, port = server.base_url.removeprefix("http://").split(":")
    head = (
        f"POST /v1/messages HTTP/1.1\r\nhost: {host}\r\nx-api-key: {server.api_key}\r\n"
        f"anthropic-version: 2023-06-01\r\ncontent-type: application/json\r\n"
        f"connection: close\r\ncontent-length: {len(body)}\r\n\r\n"
    ).encode()
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(head + body)
        data = b""
        while piece := sock.recv(65536):
            data += piece
    rest = data.partition(b"\r\n\r\n")[2]
    chunks: list[bytes] = []
    while True:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line, 16)
        if size == 0:
            return chunks
        chunks.append(rest[:size])
        rest = rest[size + 2 :]


def test_per_event_chunks_send_each_event_as_its_own_chunk(server: LocalServer) -> None:
    """Under ``per_event_chunks`` every chunk is exactly one event; by default they are joined."""
    chunks = raw_chunks(server, Fault(text_events=20, per_event_chunks=True))
    assert len(chunks) > 20
    assert all(chunk.endswith(b"\n\n") and chunk.count(b"\n\n") == 1 for chunk in chunks)
    assert len(raw_chunks(server, Fault(text_events=20))) == 1


@pytest.mark.parametrize("line_end", ["\r\n", "\r"])
def test_line_end_rewrites_every_line_end(server: LocalServer, line_end: str) -> None:
    """``line_end`` leaves no LF-only line end: each event ends in two of the chosen ends."""
    chunks = raw_chunks(server, Fault(text_events=5, per_event_chunks=True, line_end=line_end))
    for chunk in chunks:
        assert chunk.endswith(line_end.encode() * 2)
        assert b"\n" not in chunk.replace(b"\r\n", b"") or line_end == "\r\n"
        if line_end == "\r":
            assert b"\n" not in chunk


@pytest.mark.parametrize("per_event", [False, True])
@pytest.mark.parametrize("line_end", ["\n", "\r\n", "\r"])
def test_every_framing_folds_to_the_same_message(
    server: LocalServer, client: Client, per_event: bool, line_end: str
) -> None:
    """Text and tool JSON fold to the same message under every framing and line end."""
    for shape in ({"text_events": 50}, {"tool_json_parts": 40}):
        server.inject(Fault(**shape))  # type: ignore[arg-type]
        with client.stream(HELLO) as events:
            expected = events.final_message().unwrap()
        server.inject(Fault(**shape, per_event_chunks=per_event, line_end=line_end))  # type: ignore[arg-type]
        with client.stream(HELLO) as events:
            got = events.final_message().unwrap()
        assert [strip_id(b) for b in got.content] == [strip_id(b) for b in expected.content]
        assert got.stop_reason == expected.stop_reason


def test_a_bad_line_end_is_refused() -> None:
    """A line end SSE does not know is a mistake in the test: ValueError."""
    with pytest.raises(ValueError, match="line_end"):
        Fault(line_end="\n\r")
