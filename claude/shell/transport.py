"""The only module that touches urllib3: performs an ``HttpRequest`` and maps urllib3's
exceptions to error values, in exactly one place (``_map_exception``).

urllib3's own retries and redirects are off (``retries=False``, ``redirect=False``): a 529 comes
back as a response, and retrying is a policy the caller asks for by name.
"""

from __future__ import annotations

import functools
import ssl
from collections.abc import Mapping

import msgspec
import urllib3
from returns.result import Failure, Result, Success
from urllib3 import exceptions as u3

from claude.pure.errors import ClaudeError, InvalidArgument, NetworkError, Timeout
from claude.pure.request import HttpRequest
from claude.pure.settings import Timeouts

__all__ = ["Pool", "RawResponse", "map_exception", "open_stream", "perform"]


class RawResponse(msgspec.Struct, frozen=True, kw_only=True):
    """Status, headers and the whole body of a finished exchange."""

    status: int
    headers: Mapping[str, str]
    body: bytes


class Pool:
    """One urllib3 ``PoolManager`` per client, with a fast path to each host it serves.

    A request that knows its ``origin`` goes straight to that host's connection pool (taken from
    the manager once, and again if the manager ever evicted it), which saves parsing the URL and
    looking the pool up on every call.
    """

    def __init__(self, *, max_connections: int) -> None:
        self.manager = urllib3.PoolManager(
            num_pools=8,
            maxsize=max_connections,
            block=False,
            retries=False,
            ssl_context=ssl.create_default_context(),
            cert_reqs="CERT_REQUIRED",
        )
        self._hosts: dict[str, urllib3.HTTPConnectionPool] = {}

    def urlopen(
        self, request: HttpRequest, timeouts: Timeouts, *, preload_content: bool
    ) -> urllib3.BaseHTTPResponse:
        """Perform ``request``; raises what urllib3 raises (``perform`` maps it)."""
        timeout = _timeout(timeouts)
        if request.origin:
            host = self._hosts.get(request.origin)
            if host is None or host.pool is None:
                host = self.manager.connection_from_url(request.origin)
                self._hosts[request.origin] = host
            return host.urlopen(
                request.method,
                request.url[len(request.origin) :] or "/",
                body=request.body,
                headers=request.headers,
                retries=False,
                redirect=False,
                timeout=timeout,
                preload_content=preload_content,
                decode_content=True,
            )
        return self.manager.urlopen(
            request.method,
            request.url,
            body=request.body,
            headers=request.headers,
            retries=False,
            redirect=False,
            timeout=timeout,
            preload_content=preload_content,
            decode_content=True,
        )

    def clear(self) -> None:
        """Close every pooled connection."""
        self._hosts.clear()
        self.manager.clear()


@functools.lru_cache(maxsize=32)
def _timeout(timeouts: Timeouts) -> urllib3.Timeout:
    return urllib3.Timeout(connect=timeouts.connect, read=timeouts.read)


def perform(
    pool: Pool, request: HttpRequest, timeouts: Timeouts
) -> Result[RawResponse, ClaudeError]:
    """One HTTP exchange, the body read whole; transport failures as error values."""
    try:
        response = pool.urlopen(request, timeouts, preload_content=True)
    except Exception as exc:
        return Failure(map_exception(exc, timeouts))
    return Success(
        RawResponse(status=response.status, headers=response.headers, body=response.data)
    )


def open_stream(
    pool: Pool, request: HttpRequest, timeouts: Timeouts
) -> Result[urllib3.BaseHTTPResponse, ClaudeError]:
    """Send a request and return the response with its body still on the socket."""
    try:
        response = pool.urlopen(request, timeouts, preload_content=False)
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
    # Not a network failure: urllib3 refused what it was given. Not retryable, so say so plainly.
    return InvalidArgument(
        path="request", problem=f"could not be sent ({type(exc).__name__}: {exc})"
    )


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
