"""Properties of response decoding, claude.pure.response: every status class, garbage included."""

from __future__ import annotations

import email.utils
from datetime import UTC, datetime

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from returns.pipeline import is_successful
from returns.result import Failure, Success

from claude.pure.accumulate import fold, start
from claude.pure.errors import (
    ApiError,
    ClaudeException,
    MalformedResponse,
    Overloaded,
    RateLimited,
    ServerError,
    unwrap,
)
from claude.pure.events import decode_event
from claude.pure.headers import RateLimit
from claude.pure.response import (
    BODY_START,
    decode_error,
    decode_json_reply,
    decode_response,
    error_event,
)
from claude.pure.sse import SseEvent
from claude.pure.wire import Message, TokenCount
from tests.property import strategies as gen

many = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


error_statuses = st.sampled_from(
    [400, 401, 402, 403, 404, 408, 409, 413, 429, 500, 502, 503, 504, 529]
) | (st.integers(400, 599))
one_line = st.text(st.characters(codec="utf-8", exclude_categories=["Cc", "Zl", "Zp"]), max_size=40)
error_types = gen.error_types.filter(lambda t: "\n" not in t and "\r" not in t)
"""Known and unknown ``error.type`` values (line breaks in them: tested separately below)."""
request_ids = gen.names.map("req_".__add__)


def envelope(error_type: str, message: str, request_id: str | None = None) -> bytes:
    """An error body of the documented shape."""
    body: gen.JsonDict = {"type": "error", "error": {"type": error_type, "message": message}}
    if request_id is not None:
        body["request_id"] = request_id
    return msgspec.json.encode(body)


@many
@given(error_statuses, error_types, one_line, st.none() | request_ids, st.none() | request_ids)
def test_errors_are_classified_by_type_then_status(
    status: int, error_type: str, message: str, header_id: str | None, body_id: str | None
) -> None:
    """Each error is the kind of its ``error.type``, else of its status; the request id comes from
    the header, else the body; the message is kept."""
    headers = {} if header_id is None else {"request-id": header_id}
    error = decode_error(status, headers, envelope(error_type, message, body_id))
    assert type(error) is gen.expected_kind(status, error_type)
    assert isinstance(error, ApiError)
    assert (error.status, error.error_type, error.message) == (status, error_type, message)
    assert error.request_id == (header_id or body_id)


@many
@given(error_statuses, error_types, one_line, st.none() | request_ids)
def test_an_error_prints_as_one_line(
    status: int, error_type: str, message: str, rid: str | None
) -> None:
    """``str(error)`` is one line naming the kind, status, type, message and request id."""
    error = decode_error(
        status, {} if rid is None else {"request-id": rid}, envelope(error_type, message)
    )
    text = str(error)
    assert "\n" not in text
    assert f"HTTP {status} {error_type}" in text
    assert message in text
    assert rid is None or f"(request-id {rid})" in text


@pytest.mark.parametrize(
    ("error_type", "message"), [("invalid_request_error", "a\nb"), ("x\ny", "m")]
)
def test_an_error_prints_as_one_line_even_when_the_server_sends_line_breaks(
    error_type: str, message: str
) -> None:
    """A server error type or message with line breaks still prints as one line."""
    assert "\n" not in str(decode_error(400, {}, envelope(error_type, message)))


@many
@given(
    status=st.sampled_from([429, 529, 503]),
    error_type=st.sampled_from(["rate_limit_error", "overloaded_error", ""]),
    millis=st.integers(0, 10**6),
    seconds=st.integers(0, 3600),
    when=st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    ),
    form=st.sampled_from(["ms", "seconds", "date", "none"]),
    remaining=st.integers(0, 10**6),
)
def test_retry_hints_and_rate_limits_ride_on_the_error(
    *,
    status: int,
    error_type: str,
    millis: int,
    seconds: int,
    when: datetime,
    form: str,
    remaining: int,
) -> None:
    """retry-after-ms, retry-after seconds or HTTP-date, and anthropic-ratelimit-* are parsed."""
    headers = {
        "anthropic-ratelimit-requests-limit": "50",
        "anthropic-ratelimit-requests-remaining": str(remaining),
        "anthropic-ratelimit-requests-reset": "2025-02-24T22:25:30Z",
        "anthropic-ratelimit-tokens-remaining": " 1000 ",
    }
    if form == "ms":
        headers |= {"retry-after-ms": str(millis), "retry-after": "999"}
    elif form == "seconds":
        headers["retry-after"] = str(seconds)
    elif form == "date":
        headers["retry-after"] = email.utils.format_datetime(
            when.replace(microsecond=0), usegmt=True
        )
    error = decode_error(status, headers, envelope(error_type, "slow down"))
    assert isinstance(error, RateLimited | Overloaded | ServerError)
    reset = datetime(2025, 2, 24, 22, 25, 30, tzinfo=UTC).timestamp()
    assert error.rate_limits.requests == RateLimit(limit=50, remaining=remaining, reset=reset)
    assert error.rate_limits.tokens == RateLimit(remaining=1000)
    assert error.rate_limits.input_tokens is None
    hint = error.retry
    expected = {
        "ms": (millis / 1000, None),
        "seconds": (float(seconds), None),
        "date": (None, when.replace(microsecond=0).timestamp()),
        "none": (None, None),
    }[form]
    assert (hint.after, hint.at) == expected


@settings(max_examples=150, deadline=None)
@given(st.integers(100, 599), st.binary(max_size=300), st.none() | request_ids)
def test_garbage_bodies_never_raise_and_keep_their_first_bytes(
    status: int, body: bytes, rid: str | None
) -> None:
    """Any bytes with any status decode to a value; an unreadable body's start is in the error."""
    headers = {} if rid is None else {"request-id": rid}
    result = decode_response(status, headers, body)
    assert isinstance(result, Failure) or 200 <= status < 300
    if is_successful(result):
        return
    error = result.failure()
    start = body[:BODY_START].decode("utf-8", "replace")
    assert error.request_id == rid
    if 200 <= status < 300 or status < 200 or 300 <= status < 400:
        assert isinstance(error, MalformedResponse)
        assert (error.status, error.body_start) == (status, start)
        assert "\n" not in str(error)
    else:
        assert isinstance(error, ApiError)
        assert type(error) is gen.expected_kind(status, error.error_type)
        if not error.error_type:
            assert error.message == (
                f"the error body is not the API's error JSON: {start!r}"
                if body
                else "empty error body"
            )


@pytest.mark.parametrize("status", [100, 101, 204, 301, 302, 304, 307, 308])
def test_informational_and_redirect_statuses_are_malformed_responses(status: int) -> None:
    """1xx and 3xx answers are not followed or read: they are malformed responses naming the status."""
    error = decode_response(status, {"request-id": "req_1"}, b"").failure()
    assert isinstance(error, MalformedResponse)
    assert (error.status, error.request_id) == (status, "req_1")


@given(st.integers(min_value=1_000, max_value=20_000), st.sampled_from([200, 400, 529]))
@settings(max_examples=5, deadline=None)
def test_absurdly_nested_bodies_never_raise(n: int, status: int) -> None:
    """A body nested deeper than the interpreter can follow is an error value, not a crash."""
    body = b'{"error":{"type":"x","message":"m"},"x":' + b"[" * n + b"]" * n + b"}"
    assert isinstance(decode_response(status, {}, body), Failure)


@many
@given(gen.newer_api(gen.messages(newer=True)), st.sampled_from([200, 201]), request_ids)
def test_a_2xx_message_decodes_with_its_request_id_and_rate_limits(
    message: gen.JsonDict, status: int, rid: str
) -> None:
    """A 2xx reply decodes to the Message sent, with the request id and rate limits attached."""
    headers = {"request-id": f" {rid} ", "anthropic-ratelimit-tokens-remaining": "7"}
    result = decode_response(status, headers, msgspec.json.encode(message))
    assert isinstance(result, Success)
    got = result.unwrap()
    assert isinstance(got, Message)
    assert msgspec.to_builtins(got) == message
    assert got.request_id == rid
    assert got.rate_limits is not None
    assert got.rate_limits.tokens == RateLimit(remaining=7)


@many
@given(gen.token_counts, gen.messages())
def test_a_2xx_body_of_the_wrong_shape_is_malformed(
    count: gen.JsonDict, message: gen.JsonDict
) -> None:
    """A token count where a message was expected (and the reverse) is a MalformedResponse."""
    assert isinstance(
        decode_response(200, {}, msgspec.json.encode(count)).failure(), MalformedResponse
    )
    body = msgspec.json.encode(count)
    assert decode_json_reply(200, {}, body, TokenCount).unwrap() == msgspec.convert(
        count, TokenCount
    )
    error = decode_json_reply(200, {}, msgspec.json.encode(message), TokenCount).failure()
    assert isinstance(error, MalformedResponse)
    assert "not a TokenCount" in error.problem


@many
@given(error_types, one_line, st.none() | request_ids, st.none() | gen.messages())
def test_a_mid_stream_error_event_is_typed_by_its_type(
    error_type: str, message: str, rid: str | None, partial: gen.JsonDict | None
) -> None:
    """An ``event: error`` becomes the kind of its ``error.type`` at status 200, keeping the partial."""
    typed = None if partial is None else msgspec.convert(partial, Message)
    error = error_event(error_type, message, request_id=rid, partial=typed)
    assert type(error) is gen.expected_kind(200, error_type)
    assert (error.status, error.partial, error.request_id) == (200, typed, rid)
    assert "mid-stream" in str(error)
    assert (typed is None) == ("partial reply kept" not in str(error))


@many
@given(error_statuses, error_types, one_line)
def test_errors_raise_as_exceptions_carrying_the_value(
    status: int, error_type: str, message: str
) -> None:
    """``raise_()`` and ``unwrap`` raise a ClaudeException whose ``error`` is the value itself."""
    error = decode_error(status, {}, envelope(error_type, message))
    with pytest.raises(ClaudeException) as raised:
        error.raise_()
    assert raised.value.error is error
    assert str(raised.value) == error.line()
    with pytest.raises(ClaudeException) as raised:
        unwrap(decode_response(status, {}, envelope(error_type, message)))
    assert raised.value.error == error


details = st.fixed_dictionaries(
    {"error_code": st.sampled_from(["cmek_key_disabled", "thread_not_found"]) | gen.texts},
    optional={"key_id": gen.texts, "retry_after": gen.counts},
)


@settings(max_examples=40, deadline=None)
@given(st.sampled_from([400, 403, 404, 429, 500, 529]), details | st.none() | gen.texts)
def test_error_details_are_kept(status: int, detail: object) -> None:
    """The body's ``error.details`` object is kept on the error, ``error_code`` read from it; a
    details value that is no object is dropped without losing the message."""
    body = msgspec.json.encode(
        {
            "type": "error",
            "error": {"type": "invalid_request_error", "message": "no", "details": detail},
            "request_id": "req_1",
        }
    )
    error = decode_error(status, {}, body)
    assert isinstance(error, ApiError) and error.message == "no"
    if isinstance(detail, dict):
        assert error.details == detail
        assert error.error_code == (
            detail["error_code"] if isinstance(detail["error_code"], str) else None
        )
    else:
        assert error.details is None and error.error_code is None


def test_a_mid_stream_error_keeps_its_details() -> None:
    """An ``error`` event's ``error.details`` reaches the error value the fold fails with."""
    data = (
        '{"type":"error","error":{"type":"overloaded_error","message":"busy",'
        '"details":{"error_code":"ramp_limit_exceeded"}}}'
    )
    event = decode_event(SseEvent("error", data)).unwrap()
    error = fold(start(), event).failure()
    assert isinstance(error, ApiError)
    assert error.details == {"error_code": "ramp_limit_exceeded"}
    assert error.error_code == "ramp_limit_exceeded"
