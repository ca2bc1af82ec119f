"""From (status, headers, body bytes) to ``Result[Message, ClaudeError]``; never raises.

Errors are classified by ``error.type`` first and HTTP status second (the API documents the type
as the stable part). A body that is not the documented error shape still yields the error kind of
its status (a proxy's HTML 502 is a ``ServerError``), with the body's first bytes in the message.
A 2xx body that is not a message is a ``MalformedResponse`` keeping its first bytes.
"""

from __future__ import annotations

from typing import Final, TypeVar

import msgspec
from returns.result import Failure, Result

from claude.pure.codec import decode
from claude.pure.errors import ApiError, ClaudeError, MalformedResponse, api_error_class
from claude.pure.headers import Headers, parse_rate_limits, parse_retry_hint, request_id
from claude.pure.wire import Message

__all__ = [
    "BODY_START",
    "body_start",
    "decode_error",
    "decode_json_reply",
    "decode_response",
    "error_event",
]

BODY_START: Final = 200
"""How many bytes of an unreadable body an error keeps."""

_T = TypeVar("_T")


class _ErrorDetail(msgspec.Struct):
    type: str = ""
    message: str = ""
    details: object = None


class _ErrorEnvelope(msgspec.Struct):
    error: _ErrorDetail
    request_id: str | None = None


_envelope = msgspec.json.Decoder(_ErrorEnvelope)


def body_start(body: bytes) -> str:
    """The first bytes of a body, decoded leniently, for error messages."""
    return body[:BODY_START].decode("utf-8", "replace")


def decode_response(status: int, headers: Headers, body: bytes) -> Result[Message, ClaudeError]:
    """A Messages API reply, with ``request_id`` and rate limits attached to the message."""
    return decode_json_reply(status, headers, body, Message).map(
        lambda message: _attach(message, headers)
    )


def decode_json_reply(
    status: int, headers: Headers, body: bytes, type_: type[_T]
) -> Result[_T, ClaudeError]:
    """Any JSON endpoint's reply: ``type_`` on 2xx, the error value otherwise."""
    if not 200 <= status < 300:
        return Failure(decode_error(status, headers, body))
    rid = request_id(headers)
    return decode(body, type_).alt(
        lambda problem: MalformedResponse(
            status=status,
            problem=f"the reply is not a {type_.__name__} ({problem})",
            body_start=body_start(body),
            request_id=rid,
        )
    )


def _attach(message: Message, headers: Headers) -> Message:
    msgspec.structs.force_setattr(message, "_request_id", request_id(headers))
    msgspec.structs.force_setattr(message, "_headers", headers)
    return message


def decode_error(status: int, headers: Headers, body: bytes) -> ClaudeError:
    """The error value for a non-2xx response."""
    rid = request_id(headers)
    if status < 200 or 300 <= status < 400:
        return MalformedResponse(
            status=status,
            problem=f"unexpected HTTP {status} (redirects are not followed)",
            body_start=body_start(body),
            request_id=rid,
        )
    try:
        envelope = _envelope.decode(body)
        error_type, message = envelope.error.type, envelope.error.message
        details = envelope.error.details if isinstance(envelope.error.details, dict) else None
        rid = rid or envelope.request_id
    except (msgspec.MsgspecError, RecursionError):
        details = None
        error_type = ""
        message = (
            f"the error body is not the API's error JSON: {body_start(body)!r}"
            if body
            else "empty error body"
        )
    return api_error_class(status, error_type)(
        status=status,
        error_type=error_type,
        message=message,
        request_id=rid,
        rate_limits=parse_rate_limits(headers),
        retry=parse_retry_hint(headers),
        details=details,
    )


def error_event(
    error_type: str,
    message: str,
    *,
    request_id: str | None,
    partial: Message | None,
    details: dict[str, object] | None = None,
) -> ApiError:
    """The error value for an ``event: error`` inside an HTTP 200 stream, typed by ``error.type``."""
    return api_error_class(200, error_type)(
        status=200,
        error_type=error_type,
        message=message,
        request_id=request_id,
        partial=partial,
        details=details,
    )
