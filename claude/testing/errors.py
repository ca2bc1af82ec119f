"""Error bodies in the API's shape (api-reference §11).

``{"type":"error","error":{"type":…,"message":…},"request_id":"req_…"}``, with the error type the
real API pairs with each HTTP status, so clients can be tested on both the status and the type.
"""

from __future__ import annotations

import msgspec

__all__ = ["default_message", "error_body", "error_type"]

_TYPES: dict[int, str] = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "billing_error",
    403: "permission_error",
    404: "not_found_error",
    409: "conflict_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    504: "timeout_error",
    529: "overloaded_error",
}

_MESSAGES: dict[str, str] = {
    "invalid_request_error": "Invalid request",
    "authentication_error": "invalid x-api-key",
    "billing_error": "Your credit balance is too low to access the Anthropic API.",
    "permission_error": "Your API key does not have permission to use the specified resource.",
    "not_found_error": "Not found",
    "conflict_error": "The request conflicts with the current state of the resource.",
    "request_too_large": "Request exceeds the maximum allowed number of bytes.",
    "rate_limit_error": "Number of request tokens has exceeded your per-minute rate limit.",
    "api_error": "Internal server error",
    "timeout_error": "Request timed out",
    "overloaded_error": "Overloaded",
}


def error_type(status: int) -> str:
    """The `error.type` the API sends with `status`: other 4xx invalid_request_error, 5xx api_error.

    >>> error_type(529), error_type(418), error_type(503)
    ('overloaded_error', 'invalid_request_error', 'api_error')
    """
    if status in _TYPES:
        return _TYPES[status]
    return "api_error" if status >= 500 else "invalid_request_error"


def default_message(kind: str) -> str:
    """A plausible message for an error type (the wording is not stable)."""
    return _MESSAGES.get(kind, "Error")


def error_body(status: int, *, request_id: str, message: str | None = None) -> bytes:
    """The JSON error body for `status`, with `message` or the type's default message."""
    kind = error_type(status)
    return msgspec.json.encode(
        {
            "type": "error",
            "error": {"type": kind, "message": message or default_message(kind)},
            "request_id": request_id,
        }
    )
