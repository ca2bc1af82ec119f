"""Properties of the stream fold, claude.pure.accumulate: it equals the official SDK's accumulator.

The oracle is the real ``anthropic`` client reading the same SSE bytes from a mock transport, so
its SSE parsing, its event filter (pings skipped, ``error`` raised, events before
``message_start`` passed over) and ``accumulate_event`` all take part. Its snapshot is compared
as ``snapshot.to_dict(mode="json")``, i.e. ``model_dump(mode="json", by_alias=True,
exclude_unset=True)``: ``exclude_unset`` leaves out exactly the keys the server never sent, which
is what ``UNSET`` does on our side (a ``null`` that was sent stays ``null`` in both, and so does
a field the SDK's accumulator assigns, such as ``stop_details``), and JSON mode turns the SDK's
parsed ``datetime`` of ``container.expires_at`` back into the wire string. The comparison is then
plain ``==`` against ``msgspec.to_builtins`` of our message.
"""

from __future__ import annotations

import functools
import itertools
import json
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from random import Random
from types import FrameType
from typing import Any, NamedTuple

import anthropic
import httpx2
import msgspec
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from returns.result import Failure, Result, Success

from claude.pure import accumulate
from claude.pure.accumulate import (
    MessageFold,
    final_message,
    fold,
    fold_all,
    partial_message,
    start,
    text_of,
)
from claude.pure.errors import (
    ApiError,
    ClaudeError,
    MalformedStream,
    Overloaded,
    StreamTruncated,
    api_error_class,
)
from claude.pure.events import (
    CitationsDelta,
    ContentBlockDeltaEvent,
    ContentBlockStartEvent,
    ContentBlockStopEvent,
    ErrorDetail,
    ErrorEvent,
    InputJsonDelta,
    MessageDeltaEvent,
    MessageDeltaFields,
    MessageDeltaUsage,
    MessageStartEvent,
    MessageStopEvent,
    PingEvent,
    SignatureDelta,
    StreamEvent,
    TextDelta,
    ThinkingDelta,
    UnknownDelta,
    UnknownEvent,
    decode_event,
)
from claude.pure.sse import SseEvent, parse
from claude.pure.wire import (
    CharLocation,
    ContentBlock,
    Message,
    RedactedThinkingBlock,
    ServerToolUsage,
    ServerToolUseBlock,
    TextBlock,
    ThinkingBlock,
    ToolUseBlock,
    UnknownBlock,
    Usage,
)
from tests.property.stream_strategies import Frame, JsonDict, render, streams, text, to_sse

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "sse-examples"

# --- the oracle: the official SDK reading the same bytes ----------------------------------------


class SdkResult(NamedTuple):
    """What the SDK made of a stream: its message snapshot, its text stream, the error it raised."""

    snapshot: JsonDict | None
    text: str
    error: anthropic.APIStatusError | None


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


def sdk_fold(frames: Sequence[Frame]) -> SdkResult:
    """Stream ``frames`` through ``client.messages.stream`` and read what it accumulated."""
    client, body = _sdk()
    body[0] = to_sse(frames)
    pieces: list[str] = []
    error: anthropic.APIStatusError | None = None
    snapshot: JsonDict | None = None
    with (
        warnings.catch_warnings(),
        client.messages.stream(
            model="claude-haiku-4-5", max_tokens=64, messages=[{"role": "user", "content": "hi"}]
        ) as stream,
    ):
        # The SDK's accumulator calls pydantic's to_dict on each started block, which warns
        # (UserWarning) when a block carries a citation type the SDK does not know. Its warning,
        # not ours: silence it here only, so that pytest's warnings-as-errors sees ours.
        warnings.simplefilter("ignore", UserWarning)
        try:
            pieces.extend(stream.text_stream)
        except anthropic.APIStatusError as exc:
            error = exc
        if any(name == "message_start" for name, _ in frames):
            snapshot = stream.current_message_snapshot.to_dict(mode="json", warnings=False)
    return SdkResult(snapshot, "".join(pieces), error)


# --- our side: the same bytes through sse.parse, decode_event and fold ---------------------------


class Folded(NamedTuple):
    """What we made of a stream: the last state, the events folded, and the failure if any."""

    state: MessageFold
    events: list[StreamEvent]
    error: ClaudeError | None


def our_fold(frames: Sequence[Frame]) -> Folded:
    """Parse, decode and fold ``frames``, stopping at the first failure."""
    raw, incomplete = parse(to_sse(frames))
    assert incomplete is None
    state = start()
    events: list[StreamEvent] = []
    for sse_event in raw:
        decoded = decode_event(sse_event)
        if isinstance(decoded, Failure):
            return Folded(state, events, decoded.failure())
        event = decoded.unwrap()
        events.append(event)
        folded = fold(state, event)
        if isinstance(folded, Failure):
            return Folded(state, events, folded.failure())
        state = folded.unwrap()
    return Folded(state, events, None)


def builtins(message: Message | None) -> JsonDict | None:
    """``message`` as plain JSON data, for comparing with the SDK's ``to_dict``."""
    if message is None:
        return None
    data = msgspec.to_builtins(message)
    assert isinstance(data, dict)
    return data


def transcript(name: str) -> list[Frame]:
    """A shared example transcript as frames (read with our SSE parser)."""
    events, incomplete = parse((EXAMPLES / name).read_bytes())
    assert incomplete is None
    return [(e.event, e.data) for e in events]


# --- frames by hand -----------------------------------------------------------------------------


def frame(data: JsonDict) -> Frame:
    return str(data["type"]), render(data)


def message_start(usage: JsonDict) -> Frame:
    message: JsonDict = {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-5",
        "content": [],
        "stop_reason": None,
        "stop_sequence": None,
        "usage": usage,
    }
    return frame({"type": "message_start", "message": message})


def block_start(index: int, block: JsonDict) -> Frame:
    return frame({"type": "content_block_start", "index": index, "content_block": block})


def delta(index: int, d: JsonDict) -> Frame:
    return frame({"type": "content_block_delta", "index": index, "delta": d})


def block_stop(index: int) -> Frame:
    return frame({"type": "content_block_stop", "index": index})


def message_delta(d: JsonDict, usage: JsonDict) -> Frame:
    return frame({"type": "message_delta", "delta": d, "usage": usage})


START = message_start({"input_tokens": 10, "output_tokens": 1})
TEXT_START = block_start(0, {"type": "text", "text": ""})
HELLO = delta(0, {"type": "text_delta", "text": "Hello"})
STOP0 = block_stop(0)
MESSAGE_STOP = frame({"type": "message_stop"})
X: JsonDict = {"type": "text_delta", "text": "x"}


def tool_stream(pieces: Sequence[str], *, stop_tool: bool = True) -> list[Frame]:
    """Text, then a get_forecast call whose input JSON arrives as ``pieces``."""
    tool: JsonDict = {"type": "tool_use", "id": "toolu_1", "name": "get_forecast", "input": {}}
    return [
        START,
        TEXT_START,
        delta(0, {"type": "text_delta", "text": "Let me check."}),
        STOP0,
        block_start(1, tool),
        *(delta(1, {"type": "input_json_delta", "partial_json": p}) for p in pieces),
        *([block_stop(1)] if stop_tool else []),
        message_delta({"stop_reason": "tool_use"}, {"output_tokens": 9}),
        MESSAGE_STOP,
    ]


# --- equality with the SDK ----------------------------------------------------------------------


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(streams())
def test_fold_equals_sdk(frames: list[Frame]) -> None:
    """A well-formed stream folds to exactly the SDK's final message and streams the same text."""
    ours = our_fold(frames)
    sdk = sdk_fold(frames)
    assert ours.error is None and sdk.error is None
    final = final_message(ours.state)
    assert isinstance(final, Success)
    assert builtins(final.unwrap()) == sdk.snapshot
    assert "".join(t for e in ours.events if (t := text_of(e)) is not None) == sdk.text


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_truncated_stream_keeps_the_partial_message(data: st.DataObject) -> None:
    """A stream cut before message_stop is StreamTruncated whose partial is the SDK's snapshot,
    open tool blocks included (their input parsed as far as their JSON goes)."""
    frames = data.draw(streams())
    stop = next(i for i, (name, _) in enumerate(frames) if name == "message_stop")
    cut = frames[: data.draw(st.integers(0, stop))]
    ours = our_fold(cut)
    assert ours.error is None
    final = final_message(ours.state)
    assert isinstance(final, Failure)
    error = final.failure()
    assert isinstance(error, StreamTruncated)
    assert error.partial == partial_message(ours.state)
    assert builtins(error.partial) == sdk_fold(cut).snapshot


error_types = st.sampled_from(
    ["overloaded_error", "api_error", "rate_limit_error", "timeout_error", "invalid_request_error"]
)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_error_event_fails_with_the_partial_message(data: st.DataObject) -> None:
    """An ``error`` event anywhere after message_start is the error its type names, with the
    SDK's snapshot as ``partial`` and the event's request id."""
    frames = data.draw(streams())
    first = next(i for i, (name, _) in enumerate(frames) if name == "message_start")
    at = data.draw(st.integers(first + 1, len(frames)))
    error_type, message = data.draw(error_types), data.draw(text)
    rid = data.draw(st.none() | st.just("req_01Ex4mple"))
    body: JsonDict = {"type": "error", "error": {"type": error_type, "message": message}}
    if rid is not None:
        body["request_id"] = rid
    cut = [*frames[:at], frame(body)]
    sdk = sdk_fold(cut)
    assert sdk.error is not None and sdk.error.body == body
    error = our_fold(cut).error
    assert isinstance(error, ApiError)
    assert type(error) is api_error_class(200, error_type)
    assert (error.status, error.error_type, error.message) == (200, error_type, message)
    assert error.request_id == rid
    assert builtins(error.partial) == sdk.snapshot


# --- the shared transcripts ---------------------------------------------------------------------


def test_text_only_transcript() -> None:
    """text-only.sse: one text block, end_turn, usage 21 in / 31 out, standard tier."""
    frames = transcript("text-only.sse")
    message = final_message(our_fold(frames).state).unwrap()
    assert [b.type for b in message.content] == ["text"]
    assert message.text == (
        "Tides are driven mostly by the Moon's gravity \u2014 about twice as strongly as the "
        'Sun\'s.\n\nSpring tides: "new" & full moon.'
    )
    assert message.stop_reason == "end_turn"
    assert (message.usage.input_tokens, message.usage.output_tokens) == (21, 31)
    assert message.usage.service_tier == "standard"
    assert builtins(message) == sdk_fold(frames).snapshot


def test_tool_use_transcript() -> None:
    """tool-use.sse: text, then get_forecast with its JSON reassembled from split pieces."""
    frames = transcript("tool-use.sse")
    message = final_message(our_fold(frames).state).unwrap()
    text_block, tool = message.content
    assert isinstance(text_block, TextBlock)
    assert text_block.text == "I'll look up the forecast for Oslo."
    assert isinstance(tool, ToolUseBlock)
    assert tool.name == "get_forecast"
    assert tool.input == {"city": "Oslo", "days": 14, "units": "metric"}
    assert message.stop_reason == "tool_use"
    assert message.usage.output_tokens == 71
    assert builtins(message) == sdk_fold(frames).snapshot


def test_thinking_transcript() -> None:
    """thinking.sse: the concatenated thinking with its signature, then the text answer."""
    frames = transcript("thinking.sse")
    message = final_message(our_fold(frames).state).unwrap()
    thinking, answer = message.content
    assert isinstance(thinking, ThinkingBlock)
    assert thinking.thinking == (
        "The user wants 38 * 27.\n38 * 27 = 38 * 20 + 38 * 7 = 760 + 266 = 1026."
    )
    assert thinking.signature == "RXhhbXBsZVNpZ25hdHVyZU5vdEZyb21UaGVBUEkvT3BhcXVlQmFzZTY0QmxvYg=="
    assert isinstance(answer, TextBlock) and answer.text == "38 \u00d7 27 = **1026**"
    assert message.stop_reason == "end_turn"
    assert message.usage.output_tokens == 96
    assert builtins(message) == sdk_fold(frames).snapshot


def test_error_mid_stream_transcript() -> None:
    """error-mid-stream.sse: Overloaded with its request id, and the partial text kept."""
    frames = transcript("error-mid-stream.sse")
    error = our_fold(frames).error
    assert isinstance(error, Overloaded)
    assert (error.error_type, error.message) == ("overloaded_error", "Overloaded")
    assert error.request_id == "req_01Ex4mpleOverloadedReq01"
    partial = error.partial
    assert partial is not None
    assert partial.text == "Here is the first part of the summary:"
    assert partial.usage.output_tokens == 1
    assert partial.stop_reason is None
    sdk = sdk_fold(frames)
    assert sdk.error is not None
    assert builtins(partial) == sdk.snapshot


# --- failures with a clear cause ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("pieces", "problem"),
    [
        (['{"city": "Oslo"}', "}"], "not valid JSON"),
        (['{"city" ', '"Oslo"'], "not valid JSON"),
        (["[1, ", "2]"], "not a JSON object"),
        (['{"n": 1e999}'], "Number out of range"),
        (['{"a": ' + "[" * 100_000, "]" * 100_000 + "}"], "nested too deeply"),
    ],
)
def test_invalid_tool_json_is_a_malformed_stream(pieces: list[str], problem: str) -> None:
    """Tool input that is not one JSON object, nor a cut-off prefix of one, fails at its block's
    stop, naming the block and tool, and keeps the message so far with the tool's input as it
    started."""
    error = our_fold(tool_stream(pieces)).error
    assert isinstance(error, MalformedStream)
    assert "content block 1 (tool_use 'get_forecast')" in error.problem
    assert problem in error.problem
    assert error.partial is not None
    text_block, tool = error.partial.content
    assert isinstance(text_block, TextBlock) and text_block.text == "Let me check."
    assert isinstance(tool, ToolUseBlock) and tool.input == {}


def test_empty_json_pieces_leave_the_input_empty() -> None:
    """A tool block whose pieces are all ``""`` keeps ``input`` ``{}``, as the SDK does."""
    frames = tool_stream(["", ""])
    message = final_message(our_fold(frames).state).unwrap()
    assert isinstance(message.content[1], ToolUseBlock) and message.content[1].input == {}
    assert builtins(message) == sdk_fold(frames).snapshot


@pytest.mark.parametrize(
    ("frames", "problem"),
    [
        ([TEXT_START], "content_block_start before message_start"),
        ([HELLO], "content_block_delta before message_start"),
        ([START, START], "a second message_start"),
        ([START, HELLO], "content_block_delta for block 0, which never started"),
        ([START, TEXT_START, delta(-1, X)], "content_block_delta for block -1, which never"),
        ([START, TEXT_START, delta(3, X)], "content_block_delta for block 3, which never started"),
        ([START, TEXT_START, STOP0, HELLO], "block 0, which has already stopped"),
        ([START, TEXT_START, STOP0, STOP0], "content_block_stop for block 0, which has already"),
        ([START, STOP0], "content_block_stop for block 0, which never started"),
        ([START, block_start(1, {"type": "text", "text": ""})], "block 1, but the next block is 0"),
        ([START, TEXT_START, STOP0, MESSAGE_STOP, HELLO], "content_block_delta after message_stop"),
        ([START, MESSAGE_STOP, MESSAGE_STOP], "message_stop after message_stop"),
        ([START, MESSAGE_STOP, TEXT_START], "content_block_start after message_stop"),
    ],
)
def test_broken_order_is_a_malformed_stream(frames: list[Frame], problem: str) -> None:
    """Events out of protocol order stop the fold with a MalformedStream saying which."""
    error = our_fold(frames).error
    assert isinstance(error, MalformedStream)
    assert problem in error.problem


def test_partial_of_a_malformed_stream_is_the_message_so_far() -> None:
    """The partial message of a protocol error holds what arrived before it."""
    error = our_fold([START, TEXT_START, HELLO, STOP0, HELLO]).error
    assert isinstance(error, MalformedStream)
    assert error.partial is not None and error.partial.text == "Hello"


def test_noise_after_message_stop_is_ignored_and_an_error_still_fails() -> None:
    """After message_stop pings and unknown events change nothing; an error event still fails
    (the SDK raises too), with the complete message as partial."""
    frames = [START, TEXT_START, HELLO, STOP0, MESSAGE_STOP]
    ours = our_fold([*frames, frame({"type": "ping"}), frame({"type": "future_event"})])
    assert ours.error is None
    assert final_message(ours.state).unwrap().text == "Hello"
    overloaded: JsonDict = {
        "type": "error",
        "error": {"type": "overloaded_error", "message": "Overloaded"},
    }
    error = our_fold([*frames, frame(overloaded)]).error
    assert isinstance(error, Overloaded)
    assert error.partial is not None and error.partial.text == "Hello"


def test_message_stop_closes_open_blocks() -> None:
    """A block still open at message_stop is finished as its content_block_stop would be."""
    message = final_message(our_fold(tool_stream(['{"city": "Oslo"}'], stop_tool=False)).state)
    tool = message.unwrap().content[1]
    assert isinstance(tool, ToolUseBlock) and tool.input == {"city": "Oslo"}
    error = our_fold(tool_stream(['{"city" 1'], stop_tool=False)).error
    assert isinstance(error, MalformedStream) and "content block 1" in error.problem


def test_open_tool_block_shows_what_its_json_holds_so_far() -> None:
    """In a partial message an open tool block shows its input as the SDK's snapshot does: the
    members complete so far (a cut string is left out), with the raw text reachable."""
    complete = our_fold(tool_stream(['{"city": "Oslo"}'])[:-3]).state
    tool = partial_message(complete).content[1]  # type: ignore[union-attr]
    assert isinstance(tool, ToolUseBlock) and tool.input == {"city": "Oslo"}
    assert tool.partial_json is None
    incomplete = our_fold(tool_stream(['{"city": "Oslo", "da', 'ys": 3, "unit": "cel'])[:-3]).state
    tool = partial_message(incomplete).content[1]  # type: ignore[union-attr]
    assert isinstance(tool, ToolUseBlock) and tool.input == {"city": "Oslo", "days": 3}
    assert tool.partial_json == '{"city": "Oslo", "days": 3, "unit": "cel'


@pytest.mark.parametrize("reason", ["max_tokens", "pause_turn", "refusal"])
@pytest.mark.parametrize(
    ("pieces", "parsed"),
    [
        (['{"city": ', '"Oslo"'], {"city": "Oslo"}),
        (['{"city": "Os'], {}),
        (['{"city": "Oslo", "days": [1, 2'], {"city": "Oslo", "days": [1, 2]}),
        (['{"a": {"b": tr'], {"a": {}}),
    ],
)
def test_a_stop_inside_tool_json_keeps_the_message(
    reason: str, pieces: list[str], parsed: JsonDict
) -> None:
    """A stream cut by max_tokens (or pause_turn, refusal) inside a tool's JSON is a Success:
    the message has that stop reason and the tool block its id, name, the input parsed as far as
    the JSON allows (as the SDK's partial parse) and the raw text in ``partial_json``."""
    frames = tool_stream(pieces)
    frames[-2] = message_delta({"stop_reason": reason}, {"output_tokens": 9})
    message = final_message(our_fold(frames).state).unwrap()
    assert message.stop_reason == reason
    tool = message.content[1]
    assert isinstance(tool, ToolUseBlock)
    assert (tool.id, tool.name, tool.input) == ("toolu_1", "get_forecast", parsed)
    assert tool.partial_json == "".join(pieces)
    assert builtins(message) == sdk_fold(frames).snapshot


def test_stream_without_message_start_is_truncated_without_partial() -> None:
    """A stream that never started is StreamTruncated with no partial message."""
    final = final_message(our_fold([frame({"type": "ping"})]).state)
    assert isinstance(final, Failure)
    error = final.failure()
    assert isinstance(error, StreamTruncated) and error.partial is None
    assert "before message_start" in error.problem


# --- single rules, spelled out ------------------------------------------------------------------


def usage_after(start_usage: JsonDict, *deltas: JsonDict) -> Usage:
    """The usage after ``message_start`` with ``start_usage`` and message deltas carrying
    ``deltas``, checked against the SDK on the way."""
    frames = [message_start(start_usage), *(message_delta({}, u) for u in deltas), MESSAGE_STOP]
    final = final_message(our_fold(frames).state).unwrap()
    assert builtins(final) == sdk_fold(frames).snapshot
    return final.usage


def test_message_delta_usage_replaces_and_keeps() -> None:
    """Usage in message_delta is a cumulative total: present values replace, absent or null ones
    keep the message_start value, nothing is summed."""
    usage = usage_after(
        {
            "input_tokens": 10,
            "output_tokens": 1,
            "cache_read_input_tokens": 7,
            "server_tool_use": {"web_search_requests": 1, "web_fetch_requests": 0},
        },
        {"output_tokens": 5, "input_tokens": 12},
        {"output_tokens": 9, "input_tokens": None, "cache_creation_input_tokens": 3},
    )
    assert usage.output_tokens == 9
    assert usage.input_tokens == 12
    assert usage.cache_read_input_tokens == 7
    assert usage.cache_creation_input_tokens == 3
    assert usage.server_tool_use == ServerToolUsage(web_search_requests=1, web_fetch_requests=0)


def test_message_delta_sets_absent_stop_fields_to_null() -> None:
    """Like the SDK, a message_delta without stop_reason/stop_sequence/stop_details sets them to
    null, and keeps the container when it carries none."""
    container: JsonDict = {"id": "c", "expires_at": "2025-11-24T12:00:00Z"}
    frames = [
        START,
        message_delta({"stop_reason": "end_turn", "container": container}, {"output_tokens": 2}),
        message_delta({}, {"output_tokens": 3}),
        MESSAGE_STOP,
    ]
    message = final_message(our_fold(frames).state).unwrap()
    assert (message.stop_reason, message.stop_sequence, message.stop_details) == (None, None, None)
    assert message.container == container
    assert builtins(message) == sdk_fold(frames).snapshot


def test_signature_is_replaced_and_citations_appended() -> None:
    """signature_delta replaces the signature; citations_delta appends to the text's citations."""
    citation: JsonDict = {
        "type": "char_location",
        "cited_text": "c",
        "document_index": 0,
        "start_char_index": 0,
        "end_char_index": 1,
    }
    frames = [
        START,
        block_start(0, {"type": "thinking", "thinking": "", "signature": "old"}),
        delta(0, {"type": "signature_delta", "signature": "first"}),
        delta(0, {"type": "signature_delta", "signature": "second"}),
        STOP0,
        block_start(1, {"type": "text", "text": "", "citations": None}),
        delta(1, {"type": "citations_delta", "citation": citation}),
        delta(1, {"type": "text_delta", "text": "cited"}),
        delta(1, {"type": "citations_delta", "citation": citation}),
        block_stop(1),
        MESSAGE_STOP,
    ]
    message = final_message(our_fold(frames).state).unwrap()
    thinking, cited = message.content
    assert isinstance(thinking, ThinkingBlock) and thinking.signature == "second"
    assert isinstance(cited, TextBlock) and isinstance(cited.citations, list)
    assert [type(c) for c in cited.citations] == [CharLocation, CharLocation]
    assert builtins(message) == sdk_fold(frames).snapshot


def test_text_of_reads_text_deltas_only() -> None:
    """text_of gives a text_delta's text and None for every other event."""
    assert text_of(ContentBlockDeltaEvent(index=0, delta=TextDelta(text="Hi"))) == "Hi"
    assert text_of(ContentBlockDeltaEvent(index=0, delta=ThinkingDelta(thinking="Hm"))) is None
    assert text_of(PingEvent()) is None


# --- totality and unchanged states --------------------------------------------------------------

MESSAGE = Message(
    id="msg_1",
    model="claude-sonnet-4-5",
    content=[],
    stop_reason=None,
    usage=Usage(input_tokens=3, output_tokens=1),
)
CITATION = CharLocation(cited_text="c", document_index=0, start_char_index=0, end_char_index=1)
indexes = st.integers(-1, 3)
typed_blocks = st.sampled_from(
    [
        TextBlock(text=""),
        ThinkingBlock(thinking="", signature=""),
        ToolUseBlock(id="toolu_1", name="f", input={}),
        ServerToolUseBlock(id="srvtoolu_1", name="web_search", input={}),
        RedactedThinkingBlock(data="x"),
    ]
)
typed_deltas = st.one_of(
    st.builds(TextDelta, text=text),
    st.builds(InputJsonDelta, partial_json=st.sampled_from(["", "{", '"a"', ":", "1", "}"])),
    st.builds(ThinkingDelta, thinking=text),
    st.builds(SignatureDelta, signature=text),
    st.just(CitationsDelta(citation=CITATION)),
)
any_events: st.SearchStrategy[StreamEvent] = st.one_of(
    st.just(MessageStartEvent(message=MESSAGE)),
    st.builds(ContentBlockStartEvent, index=indexes, content_block=typed_blocks),
    st.builds(ContentBlockDeltaEvent, index=indexes, delta=typed_deltas),
    st.builds(ContentBlockStopEvent, index=indexes),
    st.builds(
        MessageDeltaEvent,
        delta=st.builds(MessageDeltaFields, stop_reason=st.sampled_from(["end_turn", None])),
        usage=st.builds(
            MessageDeltaUsage,
            output_tokens=st.integers(0, 9),
            input_tokens=st.none() | st.integers(0, 9),
        ),
    ),
    st.just(MessageStopEvent()),
    st.just(PingEvent()),
    st.builds(
        ErrorEvent,
        error=st.builds(
            ErrorDetail, type=st.sampled_from(["overloaded_error", "other"]), message=text
        ),
    ),
    st.builds(UnknownEvent, event=st.just("future_event"), data=text),
)


@given(st.lists(any_events, max_size=30))
def test_fold_is_total(events: list[StreamEvent]) -> None:
    """Any sequence of events, in any order, gives a state or a clear error, never an exception;
    a failure carries the message so far, and final and partial answers exist at every point."""
    state = start()
    for event in events:
        folded = fold(state, event)
        if isinstance(folded, Failure):
            error = folded.failure()
            assert isinstance(error, MalformedStream | ApiError)
            assert error.partial == partial_message(state)
            break
        state = folded.unwrap()
        assert isinstance(state, MessageFold)
    final = final_message(state)
    if isinstance(final, Failure):
        assert isinstance(final.failure(), StreamTruncated)
    else:
        assert state.stopped
    partial = partial_message(state)
    assert partial is None or isinstance(partial, Message)


def _future_delta() -> UnknownDelta:
    raw = '{"type":"content_block_delta","index":0,"delta":{"type":"future_delta","x":1}}'
    event = decode_event(SseEvent("content_block_delta", raw)).unwrap()
    assert isinstance(event, ContentBlockDeltaEvent) and isinstance(event.delta, UnknownDelta)
    return event.delta


FUTURE_DELTA = _future_delta()


def prefixes(frames: list[Frame]) -> Iterator[tuple[MessageFold, int | None]]:
    """Each state along the stream, with the index of the block open there, if any."""
    state = start()
    open_: int | None = None
    yield state, open_
    for name, data in frames:
        event = decode_event(SseEvent(name, data)).unwrap()
        state = fold(state, event).unwrap()
        if isinstance(event, ContentBlockStartEvent):
            open_ = event.index
        elif isinstance(event, ContentBlockStopEvent):
            open_ = None
        yield state, open_


@settings(max_examples=40, deadline=None)
@given(streams(max_blocks=2))
def test_noise_leaves_the_state_unchanged(frames: list[Frame]) -> None:
    """Pings, unknown events and unknown delta types on known blocks return the very same
    state; an unknown delta on a block of an unknown type is kept on that block, unencoded."""
    for state, open_ in prefixes(frames):
        assert fold(state, PingEvent()).unwrap() is state
        assert fold(state, UnknownEvent(event="future_event", data="{}")).unwrap() is state
        if open_ is not None:
            future = ContentBlockDeltaEvent(index=open_, delta=FUTURE_DELTA)
            before = partial_message(state)
            assert before is not None
            if not isinstance(before.content[open_], UnknownBlock):
                assert fold(state, future).unwrap() is state
                continue
            after = partial_message(fold(state, future).unwrap())
            assert after is not None
            kept = after.content[open_]
            assert isinstance(kept, UnknownBlock)
            assert kept.deltas[-1] == FUTURE_DELTA
            assert builtins(after) == builtins(before)


# --- linear time, by counting -------------------------------------------------------------------


def payload(frames: Sequence[Frame]) -> int:
    """Characters of text, thinking, signatures and JSON the deltas of ``frames`` carry."""
    total = 0
    for name, data in frames:
        if name == "content_block_delta":
            d = json.loads(data)["delta"]
            total += sum(len(v) for k, v in d.items() if k != "type" and isinstance(v, str))
    return total


@settings(max_examples=50, deadline=None)
@given(streams())
def test_work_is_linear(frames: list[Frame]) -> None:
    """The fold's work is at most two per event (a block start also files the block before it)
    plus twice the characters the deltas bring."""
    assert our_fold(frames).state.work <= 2 * len(frames) + 2 * payload(frames)


def lines_run(action: Callable[[], object]) -> int:
    """How many lines of ``claude.pure`` run during ``action()``: interpreted work, counted."""
    count = 0

    def trace(frame: FrameType, event: str, arg: object) -> Any:
        nonlocal count
        if "claude/pure/" not in frame.f_code.co_filename:
            return None
        if event == "line":
            count += 1
        return trace

    sys.settrace(trace)
    try:
        action()
    finally:
        sys.settrace(None)
    return count


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 1500), st.randoms(use_true_random=False))
def test_deltas_for_earlier_blocks_are_linear(n: int, random: Random) -> None:
    """With n blocks open, a delta for each of them in any order costs a bounded number of steps
    each (a replace in the block trie, height <= 3 here), never the distance to the newest block:
    the work count and the lines run grow linearly with the events."""
    events: list[StreamEvent] = [MessageStartEvent(message=MESSAGE)]
    events += [ContentBlockStartEvent(index=i, content_block=TextBlock(text="")) for i in range(n)]
    order = list(range(n))
    random.shuffle(order)
    events += [ContentBlockDeltaEvent(index=i, delta=TextDelta(text="x")) for i in order]
    events += [ContentBlockStopEvent(index=i) for i in order]
    events.append(MessageStopEvent())
    result: list[MessageFold] = []
    lines = lines_run(lambda: result.append(fold_each(start(), events).unwrap()))
    state = result[0]
    assert [b.text for b in final_message(state).unwrap().content] == ["x"] * n  # type: ignore[union-attr]
    assert state.work <= 6 * len(events)
    assert lines <= 60 * len(events)


def test_tool_json_is_parsed_once_per_block(monkeypatch: pytest.MonkeyPatch) -> None:
    """10,000 JSON pieces are joined and parsed once, at the block's stop, in linear work."""
    calls: list[int] = []
    real = accumulate._parse_input

    def counting(text: str, partial_strings: bool = False) -> object:
        calls.append(len(text))
        return real(text, partial_strings)

    monkeypatch.setattr(accumulate, "_parse_input", counting)
    pieces = ['{"items": [', *(['"abcdef", '] * 10_000), "1]}"]
    frames = tool_stream(pieces)
    ours = our_fold(frames)
    assert ours.error is None
    tool = final_message(ours.state).unwrap().content[1]
    assert isinstance(tool, ToolUseBlock)
    assert tool.input == {"items": [*(["abcdef"] * 10_000), 1]}
    assert calls == [len("".join(pieces))]
    assert ours.state.work <= 2 * len(frames) + 2 * payload(frames)


def test_long_text_is_linear() -> None:
    """100,000 text deltas cost one unit each plus their characters; the text is joined once."""
    n = 100_000
    state = fold(start(), MessageStartEvent(message=MESSAGE)).unwrap()
    state = fold(state, ContentBlockStartEvent(index=0, content_block=TextBlock(text=""))).unwrap()
    piece = ContentBlockDeltaEvent(index=0, delta=TextDelta(text="ab"))
    for _ in range(n):
        state = fold(state, piece).unwrap()
    state = fold(state, ContentBlockStopEvent(index=0)).unwrap()
    assert state.work <= (n + 3) + 2 * (2 * n)
    message = partial_message(state)
    assert message is not None and message.text == "ab" * n


# --- a batch at once: fold_all is fold event by event --------------------------------------------


def fold_each(
    state: MessageFold, events: Sequence[StreamEvent]
) -> Result[MessageFold, ClaudeError]:
    """``fold`` one event at a time: the last state, or the first failure."""
    for event in events:
        folded = fold(state, event)
        if isinstance(folded, Failure):
            return folded
        state = folded.unwrap()
    return Success(state)


def fold_batches(
    events: Sequence[StreamEvent], cuts: Sequence[int]
) -> Result[MessageFold, ClaudeError]:
    """``fold_all`` over ``events`` cut into batches at ``cuts``, stopping at the first failure."""
    state = start()
    bounds = [0, *sorted(min(c, len(events)) for c in cuts), len(events)]
    for a, b in itertools.pairwise(bounds):
        folded = fold_all(state, events[a:b])
        if isinstance(folded, Failure):
            return folded
        state = folded.unwrap()
    return Success(state)


def assert_same(
    got: Result[MessageFold, ClaudeError], expected: Result[MessageFold, ClaudeError]
) -> None:
    """Both the same failure, or states that give the same messages and counts."""
    if isinstance(expected, Failure):
        assert isinstance(got, Failure)
        assert got.failure() == expected.failure()
        return
    assert isinstance(got, Success)
    ours, theirs = got.unwrap(), expected.unwrap()
    assert partial_message(ours) == partial_message(theirs)
    assert final_message(ours) == final_message(theirs)
    assert (ours.work, ours.stopped, ours.count) == (theirs.work, theirs.stopped, theirs.count)


cut_lists = st.lists(st.integers(0, 40), max_size=6)


_OPENED: list[StreamEvent] = [
    MessageStartEvent(message=MESSAGE),
    ContentBlockStartEvent(index=0, content_block=TextBlock(text="")),
    ContentBlockDeltaEvent(index=0, delta=TextDelta(text="a")),
]
_LATE = ContentBlockDeltaEvent(index=0, delta=TextDelta(text="late"))


@given(st.lists(any_events, max_size=30), cut_lists)
@example([*_OPENED, ContentBlockStopEvent(index=0), _LATE], [])  # a delta after its block stopped
@example([*_OPENED, MessageStopEvent(), _LATE], [])  # a delta after message_stop
@example([*_OPENED, PingEvent(), _LATE, ContentBlockStopEvent(index=0)], [3])
def test_fold_all_is_fold_on_any_events(events: list[StreamEvent], cuts: list[int]) -> None:
    """In any order and any batches, fold_all reaches fold's state or fold's first failure."""
    assert_same(fold_batches(events, cuts), fold_each(start(), events))


def decode_all(frames: Sequence[Frame]) -> list[StreamEvent]:
    return [decode_event(SseEvent(name, data)).unwrap() for name, data in frames]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_fold_all_is_fold_on_streams(data: st.DataObject) -> None:
    """Generated streams, cut short or broken by an error event or noise, folded in any batches,
    end as fold ends them: the same message and work, or the same error with the same partial."""
    frames = data.draw(streams())
    at = data.draw(st.integers(0, len(frames)))
    extra = data.draw(
        st.lists(
            st.sampled_from(
                [
                    frame({"type": "ping"}),
                    frame({"type": "error", "error": {"type": "overloaded_error", "message": "o"}}),
                    delta(0, X),
                    block_stop(0),
                    MESSAGE_STOP,
                    TEXT_START,
                ]
            ),
            max_size=2,
        )
    )
    events = decode_all([*frames[:at], *extra, *frames[at:]])
    cut = data.draw(st.integers(0, len(events)))
    events = events[:cut]
    cuts = data.draw(st.lists(st.integers(0, len(events)), max_size=6))
    assert_same(fold_batches(events, cuts), fold_each(start(), events))


def test_fold_all_joins_a_run_of_deltas_once() -> None:
    """A batch of text deltas adds one piece to its block, with fold's work count."""
    opened = fold_each(
        start(),
        [
            MessageStartEvent(message=MESSAGE),
            ContentBlockStartEvent(index=0, content_block=TextBlock(text="")),
        ],
    ).unwrap()
    batch = [ContentBlockDeltaEvent(index=0, delta=TextDelta(text="ab"))] * 1000
    state = fold_all(fold_all(opened, batch).unwrap(), [PingEvent(), *batch]).unwrap()
    assert state.last is not None and state.last.pieces is not None
    assert state.last.pieces[0] is not None and state.last.pieces[0][0] is None  # two pieces
    assert state.work == fold_each(opened, batch * 2).unwrap().work
    message = partial_message(state)
    assert message is not None and message.text == "ab" * 2000


# --- a model-based check ------------------------------------------------------------------------


class FoldMachine(RuleBasedStateMachine):
    """Drives the fold with valid events while a plain model keeps what each block should hold.

    Tool blocks carry ``{"v": "<text>"}``: the opening ``{"v": "`` arrives with the block's first
    delta, each later piece is the JSON-escaped text, and the closing ``"}`` comes before the stop.
    """

    state: MessageFold
    kinds: list[str]
    texts: list[str]
    is_open: bool
    events: int
    sent: int

    @initialize()
    def begin(self) -> None:
        self.state = fold(start(), MessageStartEvent(message=MESSAGE)).unwrap()
        self.kinds, self.texts, self.is_open = [], [], False
        self.events, self.sent = 1, 0

    def step(self, event: StreamEvent) -> None:
        self.state = fold(self.state, event).unwrap()
        self.events += 1
        if isinstance(event, ContentBlockDeltaEvent):
            d = event.delta
            assert isinstance(d, TextDelta | ThinkingDelta | InputJsonDelta)
            self.sent += len(d.text if isinstance(d, TextDelta) else "")
            self.sent += len(d.thinking if isinstance(d, ThinkingDelta) else "")
            self.sent += len(d.partial_json if isinstance(d, InputJsonDelta) else "")

    def json_piece(self, piece: str) -> None:
        event = InputJsonDelta(partial_json=piece)
        self.step(ContentBlockDeltaEvent(index=len(self.texts) - 1, delta=event))

    @precondition(lambda self: not self.is_open)
    @rule(kind=st.sampled_from(["text", "thinking", "tool"]))
    def start_block(self, kind: str) -> None:
        blocks: dict[str, ContentBlock] = {
            "text": TextBlock(text=""),
            "thinking": ThinkingBlock(thinking="", signature=""),
            "tool": ToolUseBlock(id="toolu_1", name="f", input={}),
        }
        self.step(ContentBlockStartEvent(index=len(self.texts), content_block=blocks[kind]))
        self.kinds.append(kind)
        self.texts.append("")
        self.is_open = True
        if kind == "tool":
            self.json_piece('{"v": "')

    @precondition(lambda self: self.is_open)
    @rule(piece=text)
    def add(self, piece: str) -> None:
        index = len(self.texts) - 1
        kind = self.kinds[index]
        if kind == "tool":
            self.json_piece(json.dumps(piece)[1:-1])
        elif kind == "text":
            self.step(ContentBlockDeltaEvent(index=index, delta=TextDelta(text=piece)))
        else:
            self.step(ContentBlockDeltaEvent(index=index, delta=ThinkingDelta(thinking=piece)))
        self.texts[index] += piece

    @precondition(lambda self: self.is_open)
    @rule()
    def stop(self) -> None:
        if self.kinds[-1] == "tool":
            self.json_piece('"}')
        self.step(ContentBlockStopEvent(index=len(self.texts) - 1))
        self.is_open = False

    @rule()
    def ping(self) -> None:
        before = self.state
        self.step(PingEvent())
        assert self.state is before

    @invariant()
    def blocks_match_the_model(self) -> None:
        message = partial_message(self.state)
        assert message is not None
        assert len(message.content) == len(self.texts)
        for i, (block, kind, expected) in enumerate(
            zip(message.content, self.kinds, self.texts, strict=True)
        ):
            if kind == "text":
                assert isinstance(block, TextBlock) and block.text == expected
            elif kind == "thinking":
                assert isinstance(block, ThinkingBlock) and block.thinking == expected
            elif not self.is_open or i < len(self.texts) - 1:
                assert isinstance(block, ToolUseBlock) and block.input == {"v": expected}

    @invariant()
    def work_is_linear(self) -> None:
        assert self.state.work <= 2 * self.events + 2 * self.sent


TestFoldMachine = FoldMachine.TestCase
TestFoldMachine.settings = settings(max_examples=30, stateful_step_count=30, deadline=None)
