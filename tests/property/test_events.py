"""Properties of stream event decoding, claude.pure.events: round trips, unknowns kept, no raise."""

from __future__ import annotations

import json
from unittest import mock

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from returns.pipeline import is_successful
from returns.result import Failure, Result, Success

from claude.pure import events
from claude.pure.errors import MalformedStream
from claude.pure.events import (
    ContentBlockDeltaEvent,
    ContentBlockStartEvent,
    ContentBlockStopEvent,
    ErrorDetail,
    ErrorEvent,
    InputJsonDelta,
    MessageDeltaEvent,
    MessageStartEvent,
    PingEvent,
    StreamEvent,
    TextDelta,
    UnknownDelta,
    UnknownEvent,
    decode_event,
    decode_events,
)
from claude.pure.sse import SseEvent
from claude.pure.wire import TextBlock
from tests.property.stream_strategies import (
    Frame,
    JsonDict,
    json_values,
    render,
    streams,
    text,
    text_delta,
)

KNOWN = (
    "message_start",
    "content_block_start",
    "content_block_delta",
    "content_block_stop",
    "message_delta",
    "message_stop",
    "ping",
    "error",
)

error_events = st.builds(
    lambda kind, message, rid: {
        "type": "error",
        "error": {"type": kind, "message": message},
        **({} if rid is None else {"request_id": rid}),
    },
    st.sampled_from(["overloaded_error", "api_error", "future_error"]),
    text,
    st.none() | text,
)


@st.composite
def known_frames(draw: st.DrawFn) -> Frame:
    """One frame of a well-formed stream (unknown events aside), or an error event."""
    if draw(st.integers(0, 5)) == 0:
        body = draw(error_events)
        return "error", render(body)
    frames = [f for f in draw(streams(max_blocks=3)) if f[0] != "future_event"]
    return draw(st.sampled_from(frames))


def decoded(name: str, data: str) -> StreamEvent:
    result = decode_event(SseEvent(name, data))
    assert is_successful(result), result
    return result.unwrap()


@settings(max_examples=300)
@given(known_frames())
def test_known_events_round_trip(frame: Frame) -> None:
    """Every known event decodes to a value whose builtins are exactly its JSON data."""
    name, data = frame
    event = decoded(name, data)
    assert not isinstance(event, UnknownEvent)
    assert event.type == name
    assert msgspec.to_builtins(event) == json.loads(data)


@settings(max_examples=200)
@given(known_frames(), json_values, st.sampled_from(["top", "nested"]))
def test_unknown_fields_are_kept(frame: Frame, value: object, where: str) -> None:
    """A field a newer API adds, at the top or inside the event, survives the round trip."""
    name, data = frame
    body = json.loads(data)
    inner = [v for v in body.values() if isinstance(v, dict)]
    target = inner[0] if where == "nested" and inner else body
    target["future_field"] = value
    event = decoded(name, render(body))
    assert msgspec.to_builtins(event) == body


@given(text, json_values)
def test_unknown_delta_types_are_kept(key: str, value: object) -> None:
    """A delta type newer than this library decodes to an UnknownDelta holding what it carried."""
    body: JsonDict = {
        "type": "content_block_delta",
        "index": 2,
        "delta": {"type": "future_delta", "x": value, "y": key},
    }
    event = decoded("content_block_delta", render(body))
    assert isinstance(event, ContentBlockDeltaEvent) and event.index == 2
    assert isinstance(event.delta, UnknownDelta)
    assert event.delta.type == "future_delta"
    assert event.delta.fields == {"x": value, "y": key}
    assert msgspec.to_builtins(event) == body


@given(text.filter(lambda name: name not in KNOWN), text)
def test_unknown_event_names_are_kept_with_any_data(name: str, data: str) -> None:
    """An unknown event name gives UnknownEvent with its raw data, whatever the data is."""
    event = decoded(name, data)
    assert event == UnknownEvent(event=name, data=data)
    assert event.type == name


def test_a_known_name_with_an_unknown_json_type_is_unknown() -> None:
    """The JSON ``type`` decides: a future type under a known name is an UnknownEvent."""
    data = '{"type": "future_event", "x": 1}'
    assert decoded("content_block_delta", data) == UnknownEvent(
        event="content_block_delta", data=data
    )


garbage = st.one_of(
    text,
    st.binary(max_size=30).map(lambda b: b.decode("utf-8", "replace")),
    json_values.map(json.dumps),
    known_frames().map(lambda f: f[1][: len(f[1]) // 2]),
    st.integers(1, 50_000).map(lambda n: '{"type": "content_block_stop", "x": ' + "[" * n),
    st.integers(1, 50_000).map(lambda n: "[" * n + "]" * n),
)


@settings(max_examples=300)
@given(st.sampled_from([*KNOWN, "future_event", "message"]), garbage)
def test_garbage_never_raises(name: str, data: str) -> None:
    """Any data under any name decodes to an event or a MalformedStream; never an exception."""
    result = decode_event(SseEvent(name, data))
    if isinstance(result, Failure):
        assert isinstance(result.failure(), MalformedStream)
        assert name != "error"  # an error event is always an error, never a protocol failure
        assert (name in KNOWN and name != "ping") or json_type(data) in KNOWN
    else:
        assert isinstance(result.unwrap().type, str)


def json_type(data: str) -> object:
    """The JSON ``type`` of ``data``, if it is an object that has one."""
    try:
        value = json.loads(data)
    except (ValueError, RecursionError):
        return None
    return value.get("type") if isinstance(value, dict) else None


@pytest.mark.parametrize("name", [n for n in KNOWN if n not in ("ping", "error")])
@pytest.mark.parametrize("data", ["", "{", "not json", '{"type": "message_stop"'])
def test_invalid_json_in_a_known_event_names_the_event(name: str, data: str) -> None:
    """A known event whose data is not JSON is a MalformedStream naming the event."""
    result = decode_event(SseEvent(name, data))
    assert isinstance(result, Failure)
    error = result.failure()
    assert isinstance(error, MalformedStream)
    assert error.problem.startswith(f"{name} event: data is not valid JSON")


@pytest.mark.parametrize("name", ["content_block_delta", "content_block_start", "error", "other"])
def test_deep_nesting_is_refused_not_raised(name: str) -> None:
    """Data nested past msgspec's depth guard is malformed (or kept, if unknown), never raised."""
    deep = "[" * 100_000 + "]" * 100_000
    data = f'{{"type": "{name}", "index": 0, "delta": {{"type": "x", "v": {deep}}}}}'
    result = decode_event(SseEvent(name, data))
    if name in ("error", "other"):
        assert is_successful(result)
    else:
        assert isinstance(result, Failure)
        assert "nested too deeply" in result.failure().problem


def test_a_wrong_shape_names_the_event_and_the_field() -> None:
    """A known event whose fields have the wrong types names the event and the field."""
    data = '{"type":"content_block_delta","index":"0","delta":{"type":"text_delta","text":"x"}}'
    result = decode_event(SseEvent("content_block_delta", data))
    assert isinstance(result, Failure)
    problem = result.failure().problem
    assert problem == "content_block_delta event: index: expected an integer, got a string"
    other = '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":7}}'
    result = decode_event(SseEvent("content_block_delta", other))
    assert isinstance(result, Failure)
    assert "delta.text: expected a string" in result.failure().problem


@pytest.mark.parametrize("data", ["[1, 2]", "3", '"text"', "null"])
def test_json_that_is_no_object(data: str) -> None:
    """JSON that is not an object is malformed under a known name and unknown otherwise."""
    result = decode_event(SseEvent("content_block_stop", data))
    assert isinstance(result, Failure)
    assert "not a JSON object" in result.failure().problem
    assert decoded("future_event", data) == UnknownEvent(event="future_event", data=data)


def test_a_missing_type_falls_back_to_the_event_name() -> None:
    """Data without a ``type`` is read as the event its SSE name says."""
    assert decoded("content_block_stop", '{"index": 4}') == ContentBlockStopEvent(index=4)
    assert decoded("future_event", '{"index": 4}') == UnknownEvent(
        event="future_event", data='{"index": 4}'
    )


@pytest.mark.parametrize("data", ["", "garbage", "[]", '{"type": "content_block_stop"}'])
def test_a_ping_is_a_ping_whatever_its_data(data: str) -> None:
    """An event named ping with data that is no known event is still a ping."""
    if data.startswith('{"type": "content_block_stop"'):
        assert isinstance(decode_event(SseEvent("ping", data)), Failure)  # the type decides
    else:
        assert decoded("ping", data) == PingEvent()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},'
            '"request_id":"req_1"}',
            ErrorEvent(
                error=ErrorDetail(type="overloaded_error", message="Overloaded"),
                request_id="req_1",
            ),
        ),
        ("", ErrorEvent(error=ErrorDetail(type="", message="an error event without data"))),
        (
            "Internal Server Error",
            ErrorEvent(error=ErrorDetail(type="", message="Internal Server Error")),
        ),
        (
            '{"type":"error","error":{"type":"overloaded_error"},"request_id":"req_2"}',
            ErrorEvent(
                error=ErrorDetail(
                    type="overloaded_error",
                    message='{"type":"error","error":{"type":"overloaded_error"},"request_id":"req_2"}',
                ),
                request_id="req_2",
            ),
        ),
        (
            '{"type":"ping"}',
            ErrorEvent(error=ErrorDetail(type="", message='{"type":"ping"}')),
        ),
    ],
)
def test_an_error_event_is_always_an_error(data: str, expected: ErrorEvent) -> None:
    """The name ``error`` always gives an ErrorEvent, keeping what its data lets us read."""
    assert decoded("error", data) == expected


def test_an_error_event_keeps_unknown_fields() -> None:
    """An error event with fields a newer API added still round-trips."""
    body: JsonDict = {
        "type": "error",
        "error": {"type": "overloaded_error", "message": "Overloaded", "retry_in": 3},
        "request_id": "req_1",
        "future_field": [1],
    }
    event = decoded("error", render(body))
    assert isinstance(event, ErrorEvent)
    assert event.error.type == "overloaded_error"
    assert msgspec.to_builtins(event) == body


@given(text)
def test_text_deltas_take_the_native_path(piece: str) -> None:
    """A text_delta (the hot path) decodes in one native call, never through the lenient path."""
    body: JsonDict = {
        "type": "content_block_delta",
        "index": 0,
        "delta": {"type": "text_delta", "text": piece},
    }
    with mock.patch.object(events, "_lenient", side_effect=AssertionError("slow path")):
        event = decoded("content_block_delta", render(body, ascii_only=True))
    assert event == ContentBlockDeltaEvent(index=0, delta=TextDelta(text=piece))
    assert type(event) is ContentBlockDeltaEvent and type(event.delta) is TextDelta


def test_typed_events_carry_typed_parts() -> None:
    """Decoded events hold the wire types: a Message, content blocks, deltas and usage."""
    start = decoded(
        "message_start",
        '{"type":"message_start","message":{"id":"m","type":"message","role":"assistant",'
        '"model":"x","content":[],"stop_reason":null,"stop_sequence":null,'
        '"usage":{"input_tokens":1,"output_tokens":2}}}',
    )
    assert isinstance(start, MessageStartEvent) and start.message.usage.output_tokens == 2
    block = decoded(
        "content_block_start",
        '{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}',
    )
    assert isinstance(block, ContentBlockStartEvent)
    assert block.content_block == TextBlock(text="")
    piece = decoded(
        "content_block_delta",
        '{"type":"content_block_delta","index":1,'
        '"delta":{"type":"input_json_delta","partial_json":"{\\"a"}}',
    )
    assert isinstance(piece, ContentBlockDeltaEvent)
    assert piece.delta == InputJsonDelta(partial_json='{"a')
    end = decoded(
        "message_delta",
        '{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},'
        '"usage":{"output_tokens":9}}',
    )
    assert isinstance(end, MessageDeltaEvent)
    assert end.delta.stop_reason == "end_turn" and end.delta.stop_details is msgspec.UNSET
    assert end.usage.output_tokens == 9 and end.usage.input_tokens is msgspec.UNSET


# --- a batch at once ----------------------------------------------------------------------------

batch_events = st.one_of(
    known_frames().map(lambda f: SseEvent(*f)),
    known_frames().map(lambda f: SseEvent(*f)),
    known_frames().map(lambda f: SseEvent("error", f[1])),  # the name overrides the data
    st.builds(
        SseEvent,
        event=st.sampled_from([*KNOWN, "future_event", "message"]),
        data=st.one_of(text, json_values.map(json.dumps), st.just('{"type": "ping", "x": 1}')),
    ),
)


def one_by_one(batch: list[SseEvent]) -> Result[tuple[StreamEvent, ...], MalformedStream]:
    """``decode_event`` over ``batch``: every event, or the first failure."""
    out: list[StreamEvent] = []
    for sse in batch:
        result = decode_event(sse)
        if isinstance(result, Failure):
            return Failure(result.failure())
        out.append(result.unwrap())
    return Success(tuple(out))


@settings(max_examples=300)
@given(st.lists(batch_events, max_size=8))
def test_a_batch_decodes_as_its_events_one_by_one(batch: list[SseEvent]) -> None:
    """decode_events gives decode_event's events in order, or its first failure."""
    got, expected = decode_events(batch), one_by_one(batch)
    assert type(got) is type(expected)
    if isinstance(expected, Failure):
        assert got.failure() == expected.failure()
    else:
        assert got.unwrap() == expected.unwrap()
        assert list(map(type, got.unwrap())) == list(map(type, expected.unwrap()))


@given(st.lists(text, max_size=20))
def test_a_batch_of_deltas_takes_one_native_pass(pieces: list[str]) -> None:
    """A batch of text deltas decodes without calling decode_event or the lenient path."""
    batch = [
        SseEvent(
            "content_block_delta",
            render({"type": "content_block_delta", "index": 0, "delta": text_delta(p)}),
        )
        for p in pieces
    ]
    with (
        mock.patch.object(events, "decode_event", side_effect=AssertionError("one by one")),
        mock.patch.object(events, "_lenient", side_effect=AssertionError("slow path")),
    ):
        got = decode_events(batch).unwrap()
    assert got == tuple(ContentBlockDeltaEvent(index=0, delta=TextDelta(text=p)) for p in pieces)
