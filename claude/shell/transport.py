"""The only module that touches urllib3: performs an ``HttpRequest`` and maps urllib3's
exceptions to error values, in exactly one place (``_map_exception``).

urllib3's own retries and redirects are off (``retries=False``, ``redirect=False``): a 529 comes
back as a response, and retrying is a policy the caller asks for by name.
"""

from __future__ import annotations

import ssl
from collections.abc import Mapping

import msgspec
import urllib3
from returns.result import Failure, Result, Success
from urllib3 import exceptions as u3

from claude.pure.errors import ClaudeError, InvalidArgument, NetworkError, Timeout
from claude.pure.request import HttpRequest
from claude.pure.settings import Timeouts

__all__ = ["RawResponse", "make_pool", "map_exception", "open_stream", "perform"]


class RawResponse(msgspec.Struct, frozen=True, kw_only=True):
    """Status, headers and the whole body of a finished exchange."""

    status: int
    headers: Mapping[str, str]
    body: bytes


def make_pool(*, max_connections: int) -> urllib3.PoolManager:
    """A verified-TLS pool manager sized to the caller's concurrency."""
    context = ssl.create_default_context()
    return urllib3.PoolManager(
        num_pools=8,
        maxsize=max_connections,
        block=False,
        retries=False,
        ssl_context=context,
        cert_reqs="CERT_REQUIRED",
    )


def _timeout(timeouts: Timeouts) -> urllib3.Timeout:
    return urllib3.Timeout(connect=timeouts.connect, read=timeouts.read)


def perform(
    pool: urllib3.PoolManager, request: HttpRequest, timeouts: Timeouts
) -> Result[RawResponse, ClaudeError]:
    """One HTTP exchange, the body read whole; transport failures as error values."""
    try:
        response = pool.urlopen(
            request.method,
            request.url,
            body=request.body,
            headers=request.headers,
            retries=False,
            redirect=False,
            timeout=_timeout(timeouts),
            preload_content=True,
        )
    except Exception as exc:
        return Failure(map_exception(exc, timeouts))
    return Success(
        RawResponse(status=response.status, headers=response.headers, body=response.data)
    )


def open_stream(
    pool: urllib3.PoolManager, request: HttpRequest, timeouts: Timeouts
) -> Result[urllib3.BaseHTTPResponse, ClaudeError]:
    """Send a request and return the response with its body still on the socket."""
    try:
        response = pool.urlopen(
            request.method,
            request.url,
            body=request.body,
            headers=request.headers,
            retries=False,
            redirect=False,
            timeout=_timeout(timeouts),
            preload_content=False,
            decode_content=True,
        )
    except Exception as exc:
        return Failure(map_exception(exc, timeouts))
    return Success(response)


def map_exception(exc: BaseException, timeouts: Timeouts) -> ClaudeError:
    """The error value for an exception raised by urllib3 or the socket under it."""
    # NewConnectionError subclasses ConnectTimeoutError: test it first.
    if isinstance(exc, u3.NameResolutionError):
        return NetworkError(problem=f"cannot resolve the host ({_reason(exc)})")
    if isinstance(exc, u3.NewConnectionError):
        return NetworkError(problem=f"cannot connect ({_reason(exc)})")
    if isinstance(exc, u3.ConnectTimeoutError):
        return Timeout(phase="connect", seconds=timeouts.connect)
    if isinstance(exc, u3.ReadTimeoutError | TimeoutError):
        return Timeout(phase="read", seconds=timeouts.read)
    if isinstance(exc, u3.SSLError | ssl.SSLError):
        return NetworkError(problem=f"TLS failed ({_reason(exc)})")
    if isinstance(exc, u3.ProtocolError):
        return NetworkError(problem=f"the connection broke ({_reason(exc)})")
    if isinstance(exc, u3.LocationValueError | u3.LocationParseError):
        return InvalidArgument(path="base_url", problem=f"is not a usable URL ({exc})")
    if isinstance(exc, u3.HTTPError | OSError):
        return NetworkError(problem=_reason(exc))
    return NetworkError(problem=f"unexpected {type(exc).__name__}: {exc}")


def _reason(exc: BaseException) -> str:
    """The innermost cause's message, without urllib3's object reprs."""
    inner: BaseException = exc
    while True:
        nxt = inner.args[1] if isinstance(inner, u3.ProtocolError) and len(inner.args) > 1 else None
        if isinstance(nxt, BaseException):
            inner = nxt
            continue
        break
    text = str(inner)
    if ": " in text and "HTTPConnection" in text:
        text = text.split(": ", 1)[1]
    return text or type(inner).__name__
