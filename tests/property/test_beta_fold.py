"""The stream fold equals the official SDK's *beta* accumulator on beta streams.

The oracle is ``client.beta.messages.stream`` of the real ``anthropic`` client (2.14) reading the
same SSE bytes from a mock transport: its event filter and ``accumulate_event`` of
``lib/streaming/_beta_messages.py``, which folds ``compaction_delta``, ``input_json_delta`` on
``mcp_tool_use``, ``message_delta.context_management`` and ``input_transformations``, the
``iterations`` and ``fallback_credit`` usage, and relabels the model after a ``fallback`` block.
Our side reads the bytes in random chunks (``sse.feed``), decodes each batch and folds it with
``fold_all``. The snapshot is compared as ``to_dict(mode="json")`` (``exclude_unset``) against
``msgspec.to_builtins`` of our message, as in ``test_accumulate``.
"""

from __future__ import annotations

import functools
import itertools
import json
import warnings
from collections.abc import Sequence

import anthropic
import httpx2
import msgspec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from returns.pipeline import is_successful

from claude.pure import sse
from claude.pure.accumulate import final_message, fold_all, start
from claude.pure.events import decode_events
from claude.pure.wire import (
    CompactionBlock,
    FallbackBlock,
    McpToolResultBlock,
    McpToolUseBlock,
    Message,
    ServerToolUseBlock,
    ToolUseBlock,
)
from tests.property.beta_stream_strategies import beta_streams
from tests.property.stream_strategies import Frame, JsonDict, to_sse


@functools.cache
def _sdk() -> tuple[anthropic.Anthropic, list[bytes]]:
    """One SDK client whose transport answers every request with the body in the returned list."""
    body: list[bytes] = [b""]

    def respond(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, headers={"content-type": "text/event-stream"}, content=body[0])

    client = anthropic.Anthropic(
        api_key="sk-test",
        http_client=httpx2.Client(transport=httpx2.MockTransport(respond)),
        max_retries=0,
    )
    return client, body


FINE_GRAINED = "fine-grained-tool-streaming-2025-05-14"


def sdk_beta_fold(frames: Sequence[Frame], *, fine_grained: bool = False) -> JsonDict:
    """The SDK's beta accumulator's final snapshot of ``frames`` (for a request that sent the
    fine-grained tool streaming beta when ``fine_grained``)."""
    client, body = _sdk()
    body[0] = to_sse(frames)
    with (
        warnings.catch_warnings(),
        client.beta.messages.stream(
            model="claude-haiku-4-5",
            max_tokens=64,
            messages=[{"role": "user", "content": "hi"}],
            betas=[FINE_GRAINED] if fine_grained else [],
        ) as stream,
    ):
        warnings.simplefilter("ignore", UserWarning)  # the SDK's to_dict on blocks it does not know
        snapshot: JsonDict = stream.get_final_message().to_dict(mode="json", warnings=False)
    return snapshot


def our_fold(data: bytes, cuts: Sequence[int], *, fine_grained: bool = False) -> Message:
    """``data`` fed to the SSE parser in the chunks ``cuts`` makes, decoded and folded by batch."""
    bounds = [0, *sorted(cuts), len(data)]
    state, fold = sse.SseState(), start(partial_strings=fine_grained)
    for a, b in itertools.pairwise(bounds):
        state, events = sse.feed(state, data[a:b])
        decoded = decode_events(events)
        assert is_successful(decoded), decoded
        folded = fold_all(fold, decoded.unwrap())
        assert is_successful(folded), folded
        fold = folded.unwrap()
    return final_message(fold).unwrap()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(beta_streams(), st.booleans(), st.data())
def test_fold_equals_the_sdks_beta_accumulator(
    frames: list[Frame], fine_grained: bool, data: st.DataObject
) -> None:
    """Any beta stream, in any chunking, folds to exactly the SDK's beta snapshot, with and
    without the fine-grained tool streaming beta (which keeps cut strings in tool input)."""
    body = to_sse(frames)
    cuts = data.draw(st.lists(st.integers(0, len(body)), max_size=8))
    ours = our_fold(body, cuts, fine_grained=fine_grained)
    assert msgspec.to_builtins(ours) == sdk_beta_fold(frames, fine_grained=fine_grained)


TYPED = {
    "compaction": CompactionBlock,
    "mcp_tool_use": McpToolUseBlock,
    "mcp_tool_result": McpToolResultBlock,
    "fallback": FallbackBlock,
    "tool_use": ToolUseBlock,
    "server_tool_use": ServerToolUseBlock,
}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(beta_streams())
def test_beta_blocks_fold_to_their_typed_structs(frames: list[Frame]) -> None:
    """Beta blocks come back as their typed Structs (never Unknown), the model is the last
    fallback's, and exactly a tool input cut short keeps its raw text in ``partial_json``."""
    message = our_fold(to_sse(frames), [])
    starts = [json.loads(d) for name, d in frames if name == "content_block_start"]
    relabels = [
        s["content_block"]["to"]["model"]
        for s in starts
        if s["content_block"]["type"] == "fallback"
    ]
    assert message.model == (relabels[-1] if relabels else "claude-sonnet-4-5-20250929")
    for start_, block in zip(starts, message.content, strict=True):
        kind = start_["content_block"]["type"]
        if kind in TYPED:
            assert type(block) is TYPED[kind]
        if isinstance(block, ToolUseBlock | ServerToolUseBlock | McpToolUseBlock):
            pieces = "".join(
                json.loads(d)["delta"]["partial_json"]
                for name, d in frames
                if name == "content_block_delta"
                and json.loads(d)["index"] == start_["index"]
                and json.loads(d)["delta"]["type"] == "input_json_delta"
            )
            cut = block.id == "toolu_02"
            assert block.partial_json == (pieces if cut else None)


def test_fine_grained_tool_streaming_keeps_a_cut_string() -> None:
    """Under the fine-grained tool streaming beta a tool input cut inside a string keeps the
    string so far, as the SDK does; without it the cut member is left out, as the SDK does."""
    frames: list[Frame] = [
        ("message_start", json.dumps({"type": "message_start", "message": MESSAGE})),
        (
            "content_block_start",
            json.dumps(
                {
                    "type": "content_block_start",
                    "index": 0,
                    "content_block": {"type": "tool_use", "id": "t", "name": "f", "input": {}},
                }
            ),
        ),
        (
            "content_block_delta",
            json.dumps(
                {
                    "type": "content_block_delta",
                    "index": 0,
                    "delta": {"type": "input_json_delta", "partial_json": '{"city": "Os'},
                }
            ),
        ),
        ("content_block_stop", '{"type": "content_block_stop", "index": 0}'),
        (
            "message_delta",
            '{"type": "message_delta", "delta": {"stop_reason": "max_tokens"}, '
            '"usage": {"output_tokens": 5}}',
        ),
        ("message_stop", '{"type": "message_stop"}'),
    ]
    for fine_grained, expected in ((True, {"city": "Os"}), (False, {})):
        ours = our_fold(to_sse(frames), [], fine_grained=fine_grained)
        tool = ours.content[0]
        assert isinstance(tool, ToolUseBlock) and tool.input == expected
        assert tool.partial_json == '{"city": "Os'
        assert msgspec.to_builtins(ours) == sdk_beta_fold(frames, fine_grained=fine_grained)


MESSAGE: JsonDict = {
    "id": "msg_1",
    "type": "message",
    "role": "assistant",
    "model": "claude-haiku-4-5",
    "content": [],
    "stop_reason": None,
    "stop_sequence": None,
    "usage": {"input_tokens": 3, "output_tokens": 1},
}
