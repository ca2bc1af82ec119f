"""Under the ``fine-grained-tool-streaming`` beta a stream keeps a tool input string cut by the
end of the stream, as the SDK does; without it the cut string is left out."""

from __future__ import annotations

import pytest

from claude.pure.wire import ToolUseBlock
from claude.shell.client import Client
from claude.testing import Fault, LocalServer
from claude.testing.transcript import frame
from tests.shell.conftest import HELLO

BETA = "fine-grained-tool-streaming-2025-05-14"
MESSAGE: dict[str, object] = {
    "id": "msg_cut",
    "type": "message",
    "role": "assistant",
    "model": "claude-sonnet-4-5",
    "content": [],
    "stop_reason": None,
    "stop_sequence": None,
    "usage": {"input_tokens": 5, "output_tokens": 1},
}
CUT = b"".join(
    [
        frame("message_start", {"type": "message_start", "message": MESSAGE}),
        frame(
            "content_block_start",
            {
                "type": "content_block_start",
                "index": 0,
                "content_block": {"type": "tool_use", "id": "toolu_1", "name": "f", "input": {}},
            },
        ),
        frame(
            "content_block_delta",
            {
                "type": "content_block_delta",
                "index": 0,
                "delta": {"type": "input_json_delta", "partial_json": '{"n": 1, "query": "hel'},
            },
        ),
        frame("content_block_stop", {"type": "content_block_stop", "index": 0}),
        frame(
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": "max_tokens", "stop_sequence": None},
                "usage": {"output_tokens": 9},
            },
        ),
        frame("message_stop", {"type": "message_stop"}),
    ]
)


def cut_input(server: LocalServer, client: Client, request: dict[str, object]) -> object:
    """The tool input the stream of ``CUT`` folds to for ``request``."""
    server.inject(Fault(transcript=CUT))
    with client.stream(request) as events:
        block = events.final_message().unwrap().content[0]
    assert isinstance(block, ToolUseBlock)
    return block.input


def test_without_the_beta_a_cut_string_is_left_out(server: LocalServer, client: Client) -> None:
    """No beta: the complete member stays, the cut string goes (the SDK's plain reading)."""
    assert cut_input(server, client, HELLO) == {"n": 1}


@pytest.mark.parametrize(
    "how",
    [
        {"betas": [BETA]},
        {"betas": ["some-other-beta-2025-01-01", BETA]},
        {"extra_headers": {"anthropic-beta": f"other-2025-01-01, {BETA}"}},
    ],
)
def test_the_beta_keeps_a_cut_string(
    server: LocalServer, client: Client, how: dict[str, object]
) -> None:
    """With the beta in ``betas`` or an ``anthropic-beta`` header the cut string is kept."""
    if "extra_headers" in how:
        server.inject(Fault(transcript=CUT))
        headers = how["extra_headers"]
        assert isinstance(headers, dict)
        with client.stream(HELLO, extra_headers=headers) as events:
            block = events.final_message().unwrap().content[0]
        assert isinstance(block, ToolUseBlock)
        assert block.input == {"n": 1, "query": "hel"}
        return
    assert cut_input(server, client, {**HELLO, **how}) == {"n": 1, "query": "hel"}


def test_a_client_wide_beta_keeps_a_cut_string(server: LocalServer) -> None:
    """A client built with the beta keeps the cut string on every stream."""
    with Client(api_key=server.api_key, base_url=server.base_url, betas=[BETA]) as client:
        assert cut_input(server, client, HELLO) == {"n": 1, "query": "hel"}
