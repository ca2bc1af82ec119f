"""Shared fixtures: a fresh local server per test and a client pointed at it."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from typing import Literal

import anyio
import pytest
from returns.result import Result

from claude.pure.errors import ClaudeError
from claude.pure.settings import Timeouts
from claude.pure.wire import Message
from claude.shell.client import Client, MessageParams
from claude.testing import LocalServer

Mode = Literal["sync", "asyncio", "trio"]
MODES: tuple[Mode, ...] = ("sync", "asyncio", "trio")

HELLO: dict[str, object] = {
    "model": "claude-sonnet-4-5",
    "max_tokens": 64,
    "messages": [{"role": "user", "content": "hi"}],
}


@pytest.fixture
def server() -> Iterator[LocalServer]:
    """A local Anthropic-compatible server on a random loopback port."""
    with LocalServer() as running:
        yield running


@pytest.fixture
def client(server: LocalServer) -> Iterator[Client]:
    """A client for ``server`` with short timeouts."""
    with Client(
        api_key=server.api_key,
        base_url=server.base_url,
        timeouts=Timeouts(connect=2.0, read=5.0),
    ) as made:
        yield made


@pytest.fixture(params=MODES)
def mode(request: pytest.FixtureRequest) -> Mode:
    """Each scenario runs sync, and async on asyncio and on trio."""
    value: Mode = request.param
    return value


def sender(mode: Mode) -> Callable[[Client, MessageParams], Result[Message, ClaudeError]]:
    """``client.send``, or ``client.asend`` run to completion on the given backend."""

    def send(client: Client, request: MessageParams) -> Result[Message, ClaudeError]:
        if mode == "sync":
            return client.send(request)
        return anyio.run(client.asend, request, backend=mode)

    return send


def free_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port
