"""Error values: one frozen Struct per kind of failure, all under ``ClaudeError``.

Failures are data. Functions return ``Failure(error)``; nothing here is raised unless the caller
asks (``error.raise_()`` or ``unwrap(result)``), for code that prefers exceptions.

The names keep two worlds apart:

* **You called us wrongly** (nothing was sent): ``InvalidArgument``, ``MissingCredentials``.
* **The API or the network misbehaved**: ``ApiError`` and its kinds (``AuthenticationError``,
  ``PermissionDenied``, ``NotFound``, ``RequestTooLarge``, ``RateLimited``, ``Overloaded``,
  ``ServerError``), ``MalformedResponse``, ``NetworkError``, ``Timeout``, ``StreamTruncated``,
  ``MalformedStream``.
* **A policy said no** (nothing was sent): ``CircuitOpen``, ``Throttled``, ``NoEndpointAvailable``.

Every error prints as one line (``str(error)``), carries the server's ``request_id`` when there
was one, and ``partial``: whatever part of a reply had arrived before a stream failed, so nothing
received is lost.
"""

from __future__ import annotations

from typing import ClassVar, NoReturn, TypeVar

import msgspec
from returns.result import Failure, Result

from claude.pure.headers import RateLimits, RetryHint
from claude.pure.wire import Message

__all__ = [
    "ApiError",
    "AuthenticationError",
    "CircuitOpen",
    "ClaudeError",
    "ClaudeException",
    "InvalidArgument",
    "MalformedResponse",
    "MalformedStream",
    "MissingCredentials",
    "NetworkError",
    "NoEndpointAvailable",
    "NotFound",
    "Overloaded",
    "PermissionDenied",
    "RateLimited",
    "RequestTooLarge",
    "ResponseTooLarge",
    "ServerError",
    "StreamTruncated",
    "Throttled",
    "Timeout",
    "api_error_class",
    "unwrap",
]

_T = TypeVar("_T")


class ClaudeException(Exception):
    """The exception form of an error value, for callers who prefer ``try``/``except``.

    ``exc.error`` is the value itself, so nothing is lost in the conversion.
    """

    def __init__(self, error: ClaudeError) -> None:
        super().__init__(str(error))
        self.error = error


class ClaudeError(msgspec.Struct, frozen=True, kw_only=True, repr_omit_defaults=True):
    """Base of every error value."""

    request_id: str | None = None
    partial: Message | None = None

    kind: ClassVar[str] = "error"

    def line(self) -> str:
        """This error in one line, naming the cause and, where there is one, the fix."""
        return self.kind

    def __str__(self) -> str:
        # One line whatever the server put in its type or message: line breaks become spaces.
        text = self.line().replace("\r\n", " ").replace("\r", " ").replace("\n", " ")
        if self.request_id:
            text = f"{text} (request-id {self.request_id})"
        if self.partial is not None:
            text = f"{text} [partial reply kept: {len(self.partial.content)} block(s)]"
        return text

    def exception(self) -> ClaudeException:
        """This error as an exception, ready to ``raise``."""
        return ClaudeException(self)

    def raise_(self) -> NoReturn:
        """Raise this error as a ``ClaudeException``."""
        raise self.exception()


def unwrap(result: Result[_T, ClaudeError]) -> _T:
    """The success value, or raise the failure as a ``ClaudeException``: Result to exceptions in one call."""
    if isinstance(result, Failure):
        result.failure().raise_()
    return result.unwrap()


# --- you called us wrongly ---------------------------------------------------------------


class InvalidArgument(ClaudeError, frozen=True, kw_only=True):
    """A request or setting is invalid; ``path`` names the field, ``problem`` says what and how to fix it."""

    path: str
    problem: str
    kind: ClassVar[str] = "invalid argument"

    def line(self) -> str:
        return f"{self.path}: {self.problem}" if self.path else self.problem


class MissingCredentials(ClaudeError, frozen=True, kw_only=True):
    """No usable API key or token: nothing was sent."""

    problem: str
    kind: ClassVar[str] = "missing credentials"

    def line(self) -> str:
        return self.problem


# --- the API or the network misbehaved ----------------------------------------------------


class ApiError(ClaudeError, frozen=True, kw_only=True):
    """The API answered with an error: its HTTP status, ``error.type`` and message."""

    status: int
    error_type: str
    message: str
    rate_limits: RateLimits = msgspec.field(default_factory=RateLimits)
    retry: RetryHint = msgspec.field(default_factory=RetryHint)
    details: dict[str, object] | None = None
    """The body's ``error.details`` when the API sent one (``details["error_code"]`` names the
    cause; branch on it, not on ``message``)."""
    kind: ClassVar[str] = "API error"

    @property
    def error_code(self) -> str | None:
        """``error.details.error_code``: the stable name of the cause, when the API gave one."""
        code = (self.details or {}).get("error_code")
        return code if isinstance(code, str) else None

    def line(self) -> str:
        where = f"HTTP {self.status}" if self.status != 200 else "mid-stream"
        return f"{self.kind} ({where} {self.error_type}): {self.message}"


class AuthenticationError(ApiError, frozen=True, kw_only=True):
    """401: the key is missing, wrong, expired or revoked."""

    kind: ClassVar[str] = "authentication failed"


class PermissionDenied(ApiError, frozen=True, kw_only=True):
    """403: the key may not use this resource."""

    kind: ClassVar[str] = "permission denied"


class NotFound(ApiError, frozen=True, kw_only=True):
    """404: unknown path, model or id."""

    kind: ClassVar[str] = "not found"


class RequestTooLarge(ApiError, frozen=True, kw_only=True):
    """413: the body is over the endpoint's size cap (32 MB for messages)."""

    kind: ClassVar[str] = "request too large"


class RateLimited(ApiError, frozen=True, kw_only=True):
    """429: a rate limit, acceleration limit or spend cap; ``retry`` says when to come back."""

    kind: ClassVar[str] = "rate limited"


class Overloaded(ApiError, frozen=True, kw_only=True):
    """529 (or an ``overloaded_error`` event mid-stream): the API is overloaded for everyone."""

    kind: ClassVar[str] = "overloaded"


class ServerError(ApiError, frozen=True, kw_only=True):
    """5xx: the API failed internally or timed out while processing."""

    kind: ClassVar[str] = "server error"


_BY_TYPE: dict[str, type[ApiError]] = {
    "authentication_error": AuthenticationError,
    "permission_error": PermissionDenied,
    "not_found_error": NotFound,
    "request_too_large": RequestTooLarge,
    "rate_limit_error": RateLimited,
    "overloaded_error": Overloaded,
    "api_error": ServerError,
    "timeout_error": ServerError,
}
_BY_STATUS: dict[int, type[ApiError]] = {
    401: AuthenticationError,
    403: PermissionDenied,
    404: NotFound,
    413: RequestTooLarge,
    429: RateLimited,
    529: Overloaded,
}


def api_error_class(status: int, error_type: str) -> type[ApiError]:
    """The error kind for a status and ``error.type``: the type decides first, the status second.

    >>> api_error_class(200, "overloaded_error").__name__
    'Overloaded'
    >>> api_error_class(503, "").__name__
    'ServerError'
    """
    by_type = _BY_TYPE.get(error_type)
    if by_type is not None:
        return by_type
    by_status = _BY_STATUS.get(status)
    if by_status is not None:
        return by_status
    return ServerError if status >= 500 else ApiError


class MalformedResponse(ClaudeError, frozen=True, kw_only=True):
    """The server's answer could not be understood; ``body_start`` keeps its first bytes."""

    status: int
    problem: str
    body_start: str = ""
    kind: ClassVar[str] = "malformed response"

    def line(self) -> str:
        tail = f"; body starts {self.body_start!r}" if self.body_start else "; empty body"
        return f"{self.kind} (HTTP {self.status}): {self.problem}{tail}"


class NetworkError(ClaudeError, frozen=True, kw_only=True):
    """The connection could not be made or broke (refused, reset, DNS, TLS).

    ``phase`` is ``connect`` when nothing reached the server (DNS, refused, TLS handshake, proxy)
    and ``read`` when the request was sent, or may have been, before the connection broke.
    """

    problem: str
    phase: str = "read"
    kind: ClassVar[str] = "network error"

    def line(self) -> str:
        return f"{self.kind}: {self.problem}"


class Timeout(ClaudeError, frozen=True, kw_only=True):
    """A time limit ran out: ``phase`` is ``connect``, ``pool`` (no free connection came),
    ``read`` (one socket read), ``idle`` (a stream sent nothing but pings) or ``total`` (the
    call's whole deadline). ``connect`` and ``pool`` mean nothing reached the server."""

    phase: str
    seconds: float | None = None
    kind: ClassVar[str] = "timeout"

    def line(self) -> str:
        limit = f" after {self.seconds:g} s" if self.seconds is not None else ""
        return f"{self.kind}: no {self.phase} progress{limit}"


class StreamTruncated(ClaudeError, frozen=True, kw_only=True):
    """A stream ended before ``message_stop``; ``partial`` holds what arrived."""

    problem: str = "the stream ended before message_stop"
    kind: ClassVar[str] = "stream truncated"

    def line(self) -> str:
        return f"{self.kind}: {self.problem}"


class MalformedStream(ClaudeError, frozen=True, kw_only=True):
    """A stream broke the event protocol (bad JSON, a delta for a block that never started, ...)."""

    problem: str
    kind: ClassVar[str] = "malformed stream"

    def line(self) -> str:
        return f"{self.kind}: {self.problem}"


# --- a policy said no --------------------------------------------------------------------


class CircuitOpen(ClaudeError, frozen=True, kw_only=True):
    """The circuit breaker is open: no request was sent. It half-opens after ``retry_in`` s."""

    retry_in: float
    kind: ClassVar[str] = "circuit open"

    def line(self) -> str:
        return f"{self.kind}: too many recent failures; calls resume in {self.retry_in:.3g} s"


class Throttled(ClaudeError, frozen=True, kw_only=True):
    """The client-side rate limiter would have to wait ``wait`` s and the caller said not to."""

    wait: float
    kind: ClassVar[str] = "throttled"

    def line(self) -> str:
        return f"{self.kind}: the rate limiter admits this call in {self.wait:.3g} s"


class NoEndpointAvailable(ClaudeError, frozen=True, kw_only=True):
    """Failover ran out of endpoints to try; ``last`` is the error of the last attempt, if any."""

    problem: str
    last: ClaudeError | None = None
    kind: ClassVar[str] = "no endpoint available"

    def line(self) -> str:
        tail = f"; last error: {self.last}" if self.last is not None else ""
        return f"{self.kind}: {self.problem}{tail}"


# --- added by the transport hardening ------------------------------------------------------


class ResponseTooLarge(ClaudeError, frozen=True, kw_only=True):
    """The answer decoded to more than ``limit`` bytes (a gzip bomb, a runaway proxy): it was
    dropped, not kept. Raise the client's ``max_response_bytes`` if such answers are expected."""

    status: int
    limit: int
    kind: ClassVar[str] = "response too large"

    def line(self) -> str:
        return (
            f"{self.kind} (HTTP {self.status}): the body decodes to more than {self.limit} "
            "bytes; raise max_response_bytes if that is expected"
        )
