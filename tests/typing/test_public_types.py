"""Type-level tests of the public API: ``reveal_type`` through mypy, asserting no ``Any`` leaks."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.typing import reveal

ROOT = Path(__file__).parents[2]

SNIPPET = """\
from claude.shell import Client, asend, send
from claude.pure.codec import convert, decode
from claude.pure.request import build_message_request, parse_message_request
from claude.pure.response import decode_response
from claude.pure.wire import Message, MessageRequest, TokenCount

client = Client(api_key="k")
reveal_type(send)
reveal_type(asend)
reveal_type(Client.send)
reveal_type(client.send({}))
reveal_type(decode)
reveal_type(decode(b"{}", Message))
reveal_type(decode(b"{}", TokenCount))
reveal_type(convert({}, MessageRequest))
reveal_type(build_message_request)
reveal_type(parse_message_request)
reveal_type(decode_response)
reveal_type(decode_response(200, {}, b"").map(lambda m: m.content))
"""

MESSAGE_RESULT = "returns.result.Result[claude.pure.wire.Message, claude.pure.errors.ClaudeError]"
EXPECTED = {
    "send": "-> " + MESSAGE_RESULT,
    "asend": "Coroutine[Any, Any, " + MESSAGE_RESULT + "]",
    "Client.send": "-> " + MESSAGE_RESULT,
    "client.send({})": MESSAGE_RESULT,
    "decode": "def [_T] (data: bytes, type_: type[_T]) -> returns.result.Result[_T, "
    "claude.pure.codec.CodecError]",
    'decode(b"{}", Message)': "Result[claude.pure.wire.Message, claude.pure.codec.CodecError]",
    'decode(b"{}", TokenCount)': "Result[claude.pure.wire.TokenCount, claude.pure.codec.CodecError]",
    "convert({}, MessageRequest)": "Result[claude.pure.wire.MessageRequest, claude.pure.codec.CodecError]",
    "build_message_request": (
        "-> returns.result.Result[claude.pure.request.HttpRequest, claude.pure.errors.InvalidArgument]"
    ),
    "parse_message_request": (
        "-> returns.result.Result[claude.pure.wire.MessageRequest, claude.pure.errors.InvalidArgument]"
    ),
    "decode_response": "-> " + MESSAGE_RESULT,
    'decode_response(200, {}, b"").map(lambda m: m.content)': "Result[list[claude.pure.wire.TextBlock | ",
}
"""What each revealed expression must show (a part of its revealed type)."""


@pytest.fixture(scope="module")
def revealed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Each revealed expression of SNIPPET and its type, from one mypy run with the project config."""
    where = tmp_path_factory.mktemp("reveal")
    return reveal.revealed(SNIPPET, reveal.check(SNIPPET, where))


@pytest.mark.parametrize("expression", list(EXPECTED))
def test_public_signatures_reveal_their_types_without_any(
    revealed: dict[str, str], expression: str
) -> None:
    """Each public call reveals the documented Result type, and no Any beyond asyncio's own."""
    shown = revealed[expression]
    assert EXPECTED[expression] in shown
    assert "Any" not in shown.replace("Coroutine[Any, Any, ", "Coroutine["), shown
