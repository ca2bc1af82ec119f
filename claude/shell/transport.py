"""The only module that touches urllib3: it performs an ``HttpRequest`` and maps urllib3's
exceptions to error values, in exactly one place (``map_exception``).

Theory of operation
-------------------
``Pool`` is one urllib3 ``PoolManager`` (or ``ProxyManager``) per client, TLS verified against
the system store or the caller's CA bundle, through the caller's proxy if one is given. The
bound on sockets is the session's (``claude.shell.slots``): the pool keeps up to
``max_connections`` idle connections per host for reuse. urllib3's own retries and redirects are off: a 529 comes back as a response, and
retrying is a policy the caller asks for by name.

Three entry points, all returning values:

* ``open_stream`` sends a request and gives back a ``Body``: status, headers, and ``read(n,
  timeout=...)``, which waits at most ``timeout`` seconds for whatever bytes have arrived and
  answers with them (``b""`` at the end), or with the error value of the failure. No read ever
  waits longer than it is told, so a body that dribbles a byte at a time cannot outlive its
  deadline; bytes are decoded (gzip, deflate) as they are read, a bounded amount at a time.
* ``perform`` is one whole exchange: ``open_stream`` plus ``read_all`` under the call's total
  deadline and the cap on decoded bytes.
* ``probe`` is a health check: one ``HEAD``/``OPTIONS``, answered with its status.

Errors say whether the request may have reached the server: ``Timeout(phase="connect")`` and
``NetworkError(phase="connect")`` mean it did not (DNS, refused, TLS handshake), ``phase="read"``
that it did or may have, which ``RetryPolicy.retry_after_sent`` reads.
"""

from __future__ import annotations

import contextlib
import functools
import heapq
import http.client
import math
import os
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Final

import msgspec
import urllib3
import urllib3.connection
import urllib3.response
from returns.result import Failure, Result, Success
from urllib3 import exceptions as u3

from claude.pure.errors import (
    ClaudeError,
    InvalidArgument,
    MalformedResponse,
    NetworkError,
    ResponseTooLarge,
    Timeout,
)
from claude.pure.request import HttpRequest
from claude.pure.settings import Timeouts

__all__ = [
    "READ_SIZE",
    "Body",
    "Pool",
    "RawResponse",
    "TlsConfig",
    "load_ca",
    "map_exception",
    "open_stream",
    "perform",
    "probe",
    "read_all",
]

READ_SIZE: Final = 65536
"""The most decoded bytes one ``Body.read`` returns."""

Now = Callable[[], float]


class RawResponse(msgspec.Struct, frozen=True, kw_only=True):
    """Status, headers and the body of an answered exchange; ``error`` says why the body stopped
    short (it broke off, ran past the deadline or the size cap), ``None`` when it came whole."""

    status: int
    headers: Mapping[str, str]
    body: bytes
    error: ClaudeError | None = None


class TlsConfig(msgspec.Struct, frozen=True, kw_only=True):
    """How the pool verifies servers and where it connects through.

    ``ca`` is a CA bundle (a file or directory path) or a ready ``ssl.SSLContext``; ``None`` uses
    the system store. ``proxy`` is an ``http(s)://`` proxy URL for every request, ``None`` for
    none.
    """

    ca: str | os.PathLike[str] | ssl.SSLContext | None = None
    proxy: str | None = None


def load_ca(ca: str | os.PathLike[str] | ssl.SSLContext | None) -> ssl.SSLContext:
    """The TLS context verifying servers against ``ca`` (the system store for ``None``); raises
    ``OSError``/``ssl.SSLError`` for a bundle that cannot be loaded (the client checks first)."""
    if isinstance(ca, ssl.SSLContext):
        return ca
    if ca is None:
        return ssl.create_default_context()
    path = os.fspath(ca)
    if os.path.isdir(path):
        return ssl.create_default_context(capath=path)
    return ssl.create_default_context(cafile=path)


class Pool:
    """One urllib3 pool manager per client, with a fast path to each host it serves.

    A request that knows its ``origin`` goes straight to that host's connection pool (taken from
    the manager once, and again if the manager ever evicted it), which saves parsing the URL and
    looking the pool up on every call.
    """

    def __init__(self, *, max_connections: int, tls: TlsConfig | None = None) -> None:
        tls = tls if tls is not None else TlsConfig()
        options: dict[str, object] = {
            "num_pools": 8,
            "maxsize": max_connections,
            "block": False,
            "retries": False,
            "ssl_context": load_ca(tls.ca),
            "cert_reqs": "CERT_REQUIRED",
        }
        self.manager: urllib3.PoolManager = (
            urllib3.ProxyManager(tls.proxy, **options)  # type: ignore[arg-type]
            if tls.proxy is not None
            else urllib3.PoolManager(**options)  # type: ignore[arg-type]
        )
        self.manager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}
        self._proxied = tls.proxy is not None
        self._hosts: dict[str, urllib3.HTTPConnectionPool] = {}

    def urlopen(
        self,
        request: HttpRequest,
        timeout: urllib3.Timeout,
        *,
        pool_timeout: float | None,
        upload: Iterable[bytes] | None = None,
    ) -> urllib3.BaseHTTPResponse:
        """Send ``request`` (its body, or the chunks of ``upload`` as they come, under the
        request's ``content-length``); the response body stays on the socket. Raises what urllib3
        raises."""
        sent: bytes | Iterable[bytes] | None = request.body if upload is None else upload
        if request.origin and not self._proxied:
            host = self._hosts.get(request.origin)
            if host is None or host.pool is None:
                host = self.manager.connection_from_url(request.origin)
                self._hosts[request.origin] = host
            return host.urlopen(
                request.method,
                request.url[len(request.origin) :] or "/",
                body=sent,
                headers=request.headers,
                retries=False,
                redirect=False,
                timeout=timeout,
                pool_timeout=pool_timeout,  # type: ignore[arg-type]
                preload_content=False,
                decode_content=True,
            )
        return self.manager.urlopen(
            request.method,
            request.url,
            body=sent,
            headers=request.headers,
            retries=False,
            redirect=False,
            timeout=timeout,
            pool_timeout=pool_timeout,
            preload_content=False,
            decode_content=True,
        )

    def clear(self) -> None:
        """Close every pooled connection."""
        self._hosts.clear()
        self.manager.clear()


class _Watchdog:
    """One daemon thread that cuts a connection whose response head outlives its deadline.

    urllib3's timeouts are per socket read, so a server that sends its status line and headers
    a byte at a time would never time out. While a connection waits for its head it is
    registered here with the moment its call's deadline passes; if that comes first, its socket
    is shut down, the read fails at once, and ``open_stream`` reports ``Timeout("total")``.
    Registering and unregistering cost a heap push and a flag; the thread starts on first use.
    """

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._heap: list[tuple[float, int, _Watch]] = []
        self._count = 0
        self._sleeping_until = math.inf
        self._thread: threading.Thread | None = None

    def watch(self, sock: socket.socket, at: float) -> _Watch:
        entry = _Watch(sock)
        with self._lock:
            heap = self._heap
            while heap and heap[0][2].done:  # heads already read: forget them as we go
                heapq.heappop(heap)
            self._count += 1
            heapq.heappush(heap, (at, self._count, entry))
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="claude-deadline-watchdog", daemon=True
                )
                self._thread.start()
            if at < self._sleeping_until:
                self._lock.notify()  # the thread sleeps until a later moment: wake it earlier
        return entry

    def _run(self) -> None:
        with self._lock:
            while True:
                while self._heap and self._heap[0][2].done:
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._sleeping_until = math.inf
                    self._lock.wait()
                    continue
                at, _, entry = self._heap[0]
                left = at - time.monotonic()
                if left > 0:
                    self._sleeping_until = at
                    self._lock.wait(left)
                    continue
                heapq.heappop(self._heap)
                entry.cut()


class _Watch:
    """One registered connection; ``done`` once its head arrived (or it was cut)."""

    __slots__ = ("cut_off", "done", "sock")

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.done = False
        self.cut_off = False

    def cut(self) -> None:
        if self.done:
            return
        self.done = self.cut_off = True
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)


_WATCHDOG = _Watchdog()
_head_deadline = threading.local()
"""The real-time moment the current thread's request must have its response head by."""


def _watched(
    sock: socket.socket | None, read_head: Callable[[], urllib3.response.HTTPResponse]
) -> urllib3.response.HTTPResponse:
    """Read the response head, cut off by the watchdog at this thread's deadline."""
    at: float | None = getattr(_head_deadline, "at", None)
    if at is None or sock is None:
        return read_head()
    watch = _WATCHDOG.watch(sock, at)
    try:
        return read_head()
    finally:
        watch.done = True


class _HTTPConnection(urllib3.connection.HTTPConnection):
    """urllib3's connection, its response head read under the call's deadline."""

    def getresponse(self) -> urllib3.response.HTTPResponse:  # type: ignore[override]
        return _watched(self.sock, super().getresponse)


class _HTTPSConnection(urllib3.connection.HTTPSConnection):
    """urllib3's TLS connection, its response head read under the call's deadline."""

    def getresponse(self) -> urllib3.response.HTTPResponse:  # type: ignore[override]
        return _watched(self.sock, super().getresponse)


class _HTTPPool(urllib3.HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


def _timeout(timeouts: Timeouts, left: float | None = None) -> urllib3.Timeout:
    """urllib3's per-phase timeouts, connecting taking no longer than what is ``left``.

    The response head is cut at the deadline by the watchdog and every body read is bounded by
    ``Body.read``, so only the connect timeout needs shortening; otherwise the value is cached.
    """
    if left is None or left >= timeouts.connect:
        return _static_timeout(timeouts)
    return urllib3.Timeout(connect=left, read=min(timeouts.read, left))


@functools.lru_cache(maxsize=32)
def _static_timeout(timeouts: Timeouts) -> urllib3.Timeout:
    return urllib3.Timeout(connect=timeouts.connect, read=timeouts.read)


class Body:
    """A response whose body is still on the socket; every read is bounded by its ``timeout``.

    ``read`` may be called from one thread at a time; ``abort`` from any thread (it wakes a read
    blocked on the socket). ``close`` hands the connection back to the pool when the body was read
    to its end, and closes it otherwise.
    """

    def __init__(self, response: urllib3.BaseHTTPResponse, timeouts: Timeouts) -> None:
        self._response: urllib3.BaseHTTPResponse | None = response
        self._timeouts = timeouts
        self._eof = False
        self.status: int = response.status
        self.headers: Mapping[str, str] = response.headers
        self._timeout: float | None = None  # the socket's, as last set
        self._read1 = response.read1
        # Whether a read can learn the end from the promised length (a plain Content-Length
        # body); a chunked or encoded body only ends on an empty read. Fixed for the response,
        # so a stream's per-read cost does not pay the header lookup each time.
        self._counted = (
            response.length_remaining is not None and "content-encoding" not in response.headers
        )
        self.on_close: Callable[[], None] | None = None
        """Called once when the body is closed (the session frees the connection's slot)."""

    @property
    def ended(self) -> bool:
        """Whether the body was read to its end."""
        return self._eof

    def read(self, size: int = READ_SIZE, *, timeout: float) -> bytes | ClaudeError:
        """The next decoded bytes (at most ``size``; ``b""`` at the end), or why there are none.

        Waits at most ``timeout`` seconds for the socket; a timeout is ``Timeout(phase="read")``
        with that many seconds, for the caller to rename after its own deadline.
        """
        response = self._response
        if response is None or self._eof:
            return b""
        if timeout != self._timeout:
            sock = _socket_of(response)
            if sock is not None:
                sock.settimeout(timeout if timeout > 0.001 else 0.001)
                self._timeout = timeout
        try:
            chunk = self._read1(size)
        except Exception as exc:  # mapped to a value, in the one place that does
            error = map_exception(exc, self._timeouts)
            if isinstance(error, Timeout):
                return Timeout(phase="read", seconds=timeout)
            return error
        if not chunk or (self._counted and response.length_remaining == 0):
            self._eof = True  # every byte the length promised has come: no read to learn it
        return chunk

    def abort(self) -> None:
        """Wake a read blocked on this body's socket (from any thread); the next read fails."""
        response = self._response
        if response is None:
            return
        # Already released, or never had a socket: nothing is blocked on it.
        with contextlib.suppress(ValueError, RuntimeError, OSError):
            response.shutdown()

    def close(self) -> None:
        """Release the connection: back to the pool if the body was read through, else closed."""
        response = self._response
        if response is None:
            return
        self._response = None
        try:
            if not self._eof:
                response.close()
            response.release_conn()
        except Exception:  # a socket that fails to close is closed enough
            pass
        finally:
            on_close, self.on_close = self.on_close, None
            if on_close is not None:
                on_close()


def _socket_of(response: urllib3.BaseHTTPResponse) -> socket.socket | None:
    connection = getattr(response, "connection", None)
    sock = getattr(connection, "sock", None)
    return sock if isinstance(sock, socket.socket) else None


def open_stream(
    pool: Pool,
    request: HttpRequest,
    timeouts: Timeouts,
    *,
    left: float | None = None,
    upload: Iterable[bytes] | None = None,
) -> Result[Body, ClaudeError]:
    """Send ``request`` and return its response with the body still on the socket.

    ``left`` is what remains of the call's deadline: connecting, waiting for a free connection
    and the response headers each get no more than that. ``upload`` streams a request body
    (a file upload) instead of ``request.body``.
    """
    pool_wait = left if left is not None else timeouts.read
    at = None if left is None else time.monotonic() + left
    _head_deadline.at = at
    try:
        response = pool.urlopen(
            request, _timeout(timeouts, left), pool_timeout=pool_wait, upload=upload
        )
    except Exception as exc:  # mapped to a value, in the one place that does
        error = map_exception(exc, timeouts)
        if isinstance(error, Timeout) and error.phase == "pool":
            error = Timeout(phase="pool", seconds=pool_wait)
        elif at is not None and time.monotonic() >= at and not isinstance(error, InvalidArgument):
            error = Timeout(phase="total", seconds=None)  # the watchdog cut a slow head
        return Failure(error)
    finally:
        _head_deadline.at = None
    return Success(Body(response, timeouts))


def read_all(
    body: Body,
    *,
    deadline: float | None,
    now: Now,
    read_timeout: float,
    max_bytes: int,
) -> tuple[bytes, ClaudeError | None]:
    """Read ``body`` to its end within ``deadline`` and ``max_bytes`` decoded bytes.

    Returns the bytes that arrived and, when the body did not end cleanly, why: the read error,
    ``Timeout(phase="total")`` past the deadline, or ``ResponseTooLarge`` past the cap. The body is
    closed either way.
    """
    parts: list[bytes] = []
    size = 0
    error: ClaudeError | None = None
    try:
        while True:
            wait = read_timeout
            if deadline is not None:
                left = deadline - now()
                if left <= 0.0:
                    error = Timeout(phase="total", seconds=None)
                    break
                wait = min(wait, left)
            chunk = body.read(min(READ_SIZE, max_bytes - size + 1), timeout=wait)
            if isinstance(chunk, ClaudeError):
                past = deadline is not None and isinstance(chunk, Timeout) and now() >= deadline
                error = Timeout(phase="total", seconds=None) if past else chunk
                break
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                error = ResponseTooLarge(status=body.status, limit=max_bytes)
                break
            parts.append(chunk)
    finally:
        body.close()
    return b"".join(parts), error


def perform(
    pool: Pool,
    request: HttpRequest,
    timeouts: Timeouts,
    *,
    now: Now | None = None,
    total: float | None = None,
    max_bytes: int = 32 * 1024 * 1024,
    upload: Iterable[bytes] | None = None,
) -> Result[RawResponse, ClaudeError]:
    """One HTTP exchange, the body read whole within ``total`` seconds (connect + every read)
    and ``max_bytes`` decoded bytes; ``upload`` streams the request body (see ``open_stream``).

    ``Failure`` when there was no answer (connect, send or the head failed); an answer whose
    body stopped short is a ``RawResponse`` carrying the bytes that came and the reason, so the
    caller can still tell a 529 from a cut connection.
    """
    deadline = None if total is None or now is None else now() + total
    left = None if deadline is None or now is None else max(0.001, deadline - now())
    opened = open_stream(pool, request, timeouts, left=left, upload=upload)
    if isinstance(opened, Failure):
        error = opened.failure()
        if isinstance(error, Timeout) and error.phase == "total":
            return Failure(Timeout(phase="total", seconds=total))
        return opened
    body = opened.unwrap()
    data, error = read_all(
        body,
        deadline=deadline,
        now=now or _never,
        read_timeout=timeouts.read,
        max_bytes=max_bytes,
    )
    if isinstance(error, Timeout) and error.phase == "total":
        error = Timeout(phase="total", seconds=total)
    return Success(RawResponse(status=body.status, headers=body.headers, body=data, error=error))


def _never() -> float:
    return 0.0


def probe(
    pool: Pool, method: str, url: str, *, timeout: float, timeouts: Timeouts
) -> Result[int, ClaudeError]:
    """One health probe: the status of ``method url`` within ``timeout`` seconds (body unread)."""
    request = HttpRequest(method=method, url=url, headers={})
    opened = open_stream(pool, request, timeouts, left=timeout)
    if isinstance(opened, Failure):
        return Failure(opened.failure())
    body = opened.unwrap()
    body.close()
    return Success(body.status)


def map_exception(exc: BaseException, timeouts: Timeouts) -> ClaudeError:
    """The error value for an exception raised by urllib3 or the socket under it."""
    # NewConnectionError subclasses ConnectTimeoutError: test it first.
    if isinstance(exc, u3.NameResolutionError):
        return NetworkError(problem=f"cannot resolve the host ({_reason(exc)})", phase="connect")
    if isinstance(exc, u3.NewConnectionError):
        return NetworkError(problem=f"cannot connect ({_reason(exc)})", phase="connect")
    if isinstance(exc, u3.ConnectTimeoutError):
        return Timeout(phase="connect", seconds=timeouts.connect)
    if isinstance(exc, u3.EmptyPoolError):
        return Timeout(phase="pool", seconds=None)
    if isinstance(exc, u3.ReadTimeoutError | TimeoutError):
        return Timeout(phase="read", seconds=timeouts.read)
    if isinstance(exc, u3.ProxyError):
        return NetworkError(problem=f"the proxy failed ({_reason(exc)})", phase="connect")
    if isinstance(exc, u3.SSLError | ssl.SSLError):
        return NetworkError(problem=f"TLS failed ({_reason(exc)})", phase="connect")
    if isinstance(exc, u3.ProtocolError):
        inner = _inner(exc)
        if isinstance(inner, http.client.HTTPException) and not isinstance(
            inner, http.client.RemoteDisconnected | http.client.IncompleteRead
        ):
            return MalformedResponse(status=0, problem=f"not a valid HTTP answer ({_reason(exc)})")
        return NetworkError(problem=f"the connection broke ({_reason(exc)})")
    if isinstance(exc, u3.DecodeError):
        return MalformedResponse(status=0, problem=f"the body could not be decoded ({exc})")
    if isinstance(exc, u3.LocationValueError | u3.LocationParseError):
        return InvalidArgument(path="base_url", problem="is not a usable URL")
    if isinstance(exc, http.client.HTTPException):
        return MalformedResponse(status=0, problem=f"not a valid HTTP answer ({_reason(exc)})")
    if isinstance(exc, u3.HTTPError | OSError):
        return NetworkError(problem=_reason(exc))
    # Not a network failure: urllib3 refused what it was given. Not retryable, so say so plainly.
    return InvalidArgument(path="request", problem=f"could not be sent ({type(exc).__name__})")


def _inner(exc: BaseException) -> BaseException:
    """The innermost cause urllib3 wrapped in a ``ProtocolError``."""
    inner: BaseException = exc
    while True:
        nxt = inner.args[1] if isinstance(inner, u3.ProtocolError) and len(inner.args) > 1 else None
        if isinstance(nxt, BaseException):
            inner = nxt
            continue
        return inner


def _reason(exc: BaseException) -> str:
    """The innermost cause's message, without urllib3's object reprs."""
    inner = _inner(exc)
    text = str(inner)
    if ": " in text and "HTTPConnection" in text:
        text = text.split(": ", 1)[1]
    return (text or type(inner).__name__)[:300]
