"""`LocalServer`: the loopback HTTP server, its connection threads and its wire-level I/O.

Theory of operation. One accept thread waits on the listening socket and on a wake-up socket pair;
each accepted connection gets its own daemon thread running an `http.server` request handler in an
HTTP/1.1 keep-alive loop. For each request the handler reads the body, records the request, takes
the next queued fault, and asks `routes.respond` what to answer; it then owns only timing (the
`delay`, `close` and streaming faults, see `streaming`) and bytes on the wire. Every connection is
tracked, so `close()` can wake the accept thread, shut down each open socket (which ends idle
keep-alive reads and blocked writes), set the stop event (which ends delays and stalls) and join
every thread it started. Client disconnects are normal events here and are swallowed; anything
else that goes wrong in a handler is kept in `LocalServer.errors` rather than printed.
"""

from __future__ import annotations

import contextlib
import gzip
import selectors
import socket
import socketserver
import sys
import threading
import time
import traceback
import types
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler
from typing import Self

import msgspec

from claude.testing import ids, routes, streaming
from claude.testing.batches import BatchStore, Processing
from claude.testing.caching import PromptCache
from claude.testing.errors import error_body
from claude.testing.faults import Fault, FaultQueue
from claude.testing.files import FileStore
from claude.testing.ratelimit import rate_limit_headers
from claude.testing.recording import RecordedRequest, RequestLog
from claude.testing.resources import Resources

__all__ = ["DEFAULT_API_KEY", "MAX_BODY_BYTES", "LocalServer"]

#: The key a `LocalServer` accepts unless told otherwise.
DEFAULT_API_KEY = "sk-ant-local-0000000000000000"

#: Bodies above this are refused with 413 `request_too_large`, like the API's 32 MB cap.
MAX_BODY_BYTES = 32 * 1024 * 1024

_MAX_LINE = 65536
_JOIN_TIMEOUT = 5.0
_REASONS = {529: "Overloaded"}


class _State:
    """What the handlers share: the key, the faults, the log, the stop event and any errors."""

    def __init__(self, api_key: str, resources: Resources | None = None) -> None:
        self.api_key = api_key
        self.resources = Resources() if resources is None else resources
        self.faults = FaultQueue()
        self.log = RequestLog()
        self.cache = PromptCache()
        self.stopping = threading.Event()
        self._errors_lock = threading.Lock()
        self._errors: list[str] = []

    def add_error(self, text: str) -> None:
        with self._errors_lock:
            self._errors.append(text)

    def errors(self) -> list[str]:
        with self._errors_lock:
            return list(self._errors)


class _Handler(BaseHTTPRequestHandler):
    """One connection: a keep-alive loop of requests, each answered through `routes.respond`."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: _HttpServer
    _slow_head: float | None = None  # the current request's `slow_head` fault

    # -- http.server hooks ---------------------------------------------------------------------

    def handle(self) -> None:
        """Serve requests until either side closes; a vanished client is not an error."""
        self.close_connection = True
        try:
            self.handle_one_request()
            while not self.close_connection and not self.server.state.stopping.is_set():
                self.handle_one_request()
        except (OSError, streaming.AbortError):
            self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        """Stay quiet: tests run with this server in-process and must not spam stderr."""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Answer an unparsable request (bad request line, huge headers) in the API's error JSON."""
        self.close_connection = True
        self._slow_head = None
        request_id = ids.request_id()
        body = error_body(code, request_id=request_id, message=message)
        self._write_head(
            code,
            [
                ("content-type", routes.JSON),
                ("content-length", str(len(body))),
                ("request-id", request_id),
                ("connection", "close"),
            ],
            body,
        )

    def _dispatch(self) -> None:
        state = self.server.state
        headers = self._header_dict()
        body = self._read_body(headers)
        if body is None:
            return
        request = RecordedRequest(
            method=self.command,
            path=self.path,
            headers=headers,
            body=body,
            json=_parse_json(body),
            received_at=time.monotonic(),
        )
        state.log.append(request)
        fault = state.faults.pop()
        if fault is not None and fault.hold is not None:
            while not fault.hold.wait(0.05):
                if state.stopping.is_set():
                    self.close_connection = True
                    return
        if fault is not None and fault.delay > 0 and state.stopping.wait(fault.delay):
            self.close_connection = True
            return
        if fault is not None and fault.close:
            self.close_connection = True
            return
        request_id = ids.request_id()
        try:
            response = routes.respond(
                request,
                fault=fault,
                api_key=state.api_key,
                request_id=request_id,
                resources=state.resources,
                cache=state.cache,
            )
        except Exception:
            state.add_error(traceback.format_exc())
            response = routes.Response(
                status=500,
                headers=(("content-type", routes.JSON),),
                body=error_body(500, request_id=request_id),
            )
        self._send(response, request_id=request_id, fault=fault)

    # http.server looks handlers up by these names; every method goes through the same router.
    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _dispatch  # noqa: N815

    # -- reading -------------------------------------------------------------------------------

    def _header_dict(self) -> dict[str, str]:
        """Lower-cased names; repeated headers joined with ", " as HTTP allows."""
        headers: dict[str, str] = {}
        for name, value in self.headers.items():
            key = name.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        return headers

    def _read_body(self, headers: Mapping[str, str]) -> bytes | None:
        """The request body, or None once the request was refused and the connection is closing."""
        if "chunked" in headers.get("transfer-encoding", "").lower():
            return self._read_chunked()
        raw = headers.get("content-length")
        if raw is None:
            return b""
        if not raw.strip().isdigit():
            self._refuse(400, f"Invalid Content-Length header: {raw!r}", headers)
            return None
        length = int(raw)
        if length > routes.body_cap(self.command, self.path, default=MAX_BODY_BYTES):
            self._refuse(413, None, headers)
            return None
        body = self.rfile.read(length)
        if len(body) < length:  # the client went away mid-body
            self.close_connection = True
            return None
        return body

    def _read_chunked(self) -> bytes | None:
        parts: list[bytes] = []
        total = 0
        while True:
            line = self.rfile.readline(_MAX_LINE)
            try:
                size = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                self._refuse(400, "Malformed chunked request body", {})
                return None
            if size == 0:
                while self.rfile.readline(_MAX_LINE) not in (b"\r\n", b"\n", b""):
                    pass  # trailer fields are ignored
                return b"".join(parts)
            total += size
            if total > routes.body_cap(self.command, self.path, default=MAX_BODY_BYTES):
                self._refuse(413, None, {})
                return None
            chunk = self.rfile.read(size)
            self.rfile.readline(_MAX_LINE)
            if len(chunk) < size:
                self.close_connection = True
                return None
            parts.append(chunk)

    def _refuse(self, status: int, message: str | None, headers: Mapping[str, str]) -> None:
        """Answer a request whose body cannot be read, record it, and close the connection."""
        self.server.state.log.append(
            RecordedRequest(
                method=self.command,
                path=self.path,
                headers=dict(headers),
                body=b"",
                json=None,
                received_at=time.monotonic(),
            )
        )
        self.send_error(status, message)

    # -- writing -------------------------------------------------------------------------------

    def _send(self, response: routes.Response, *, request_id: str, fault: Fault | None) -> None:
        """Write `response`: one write for a plain body, `streaming.play` for SSE events."""
        self._slow_head = fault.slow_head if fault is not None else None
        headers = dict(response.headers)
        headers["request-id"] = request_id
        headers.update(rate_limit_headers())
        head_only = self.command == "HEAD" or response.status in (204, 304) or response.status < 200
        body = b"" if response.events is not None else response.body
        if fault is not None and fault.gzip and response.events is None and not head_only:
            body = gzip.compress(body, compresslevel=6)
            headers["content-encoding"] = "gzip"
        if fault is not None and fault.headers is not None:
            headers.update((name.lower(), value) for name, value in fault.headers.items())

        if response.events is None or head_only:
            declared = headers.setdefault("content-length", str(len(body)))
            if declared != str(len(body)):
                self.close_connection = True  # a fault lied about the length: do not reuse
            if self.close_connection:
                headers["connection"] = "close"
            if fault is not None and fault.dribble is not None and not head_only:
                self._write_head(response.status, list(headers.items()), b"")
                self._dribble(body, fault.dribble)
                return
            self._write_head(response.status, list(headers.items()), b"" if head_only else body)
            return

        chunked = self.request_version != "HTTP/1.0"
        if chunked:
            headers["transfer-encoding"] = "chunked"
        else:  # HTTP/1.0 has no chunked encoding: the end of the body is the end of the connection
            self.close_connection = True
        if self.close_connection:
            headers["connection"] = "close"
        self._write_head(response.status, list(headers.items()), b"")
        writer = streaming.BodyWriter(
            self.wfile.write,
            chunked=chunked,
            chunk_size=1
            if fault is not None and fault.dribble is not None
            else (fault.chunk_size if fault is not None else None),
            stopping=self.server.state.stopping,
            pause=fault.dribble if fault is not None else None,
            per_event=fault is not None and fault.per_event_chunks,
        )
        try:
            streaming.play(
                response.events,
                writer,
                fault=fault,
                request_id=request_id,
                stopping=self.server.state.stopping,
            )
        except streaming.AbortError:
            self.close_connection = True

    def _dribble(self, body: bytes, pause: float) -> None:
        """Write ``body`` one byte at a time, ``pause`` seconds apart (ends on ``close()``)."""
        stopping = self.server.state.stopping
        for i in range(len(body)):
            self.wfile.write(body[i : i + 1])
            if stopping.wait(pause):
                self.close_connection = True
                return

    def _write_head(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        """Status line, headers and (small) body in a single write."""
        reason = _REASONS.get(status) or self.responses.get(status, ("",))[0]
        lines = [f"HTTP/1.1 {status} {reason}"]
        lines.extend(f"{name}: {value}" for name, value in headers)
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")
        pause = self._slow_head
        if pause is not None:
            self._dribble(head, pause)
            if self.close_connection:
                return
            head = b""
        self.wfile.write(head + body)


def _parse_json(body: bytes) -> object | None:
    if not body:
        return None
    try:
        parsed: object = msgspec.json.decode(body)
    except (msgspec.DecodeError, RecursionError):  # msgspec caps nesting at ~1000 levels
        return None
    return parsed


class _HttpServer(socketserver.TCPServer):
    """The listening socket, the accept loop, and one tracked thread per connection."""

    allow_reuse_address = True
    request_queue_size = 512

    def __init__(self, address: tuple[str, int], state: _State) -> None:
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.state = state
        self.connections_opened = 0
        self.peak_connections = 0
        self._connections: dict[socket.socket, threading.Thread] = {}
        self._changed = threading.Condition()
        self._wake_r, self._wake_w = socket.socketpair()
        super().__init__(address, _Handler)
        self.socket.setblocking(False)

    def serve(self) -> None:
        """Accept connections until `wake` is called (runs in the accept thread)."""
        with selectors.DefaultSelector() as selector:
            selector.register(self.socket, selectors.EVENT_READ)
            selector.register(self._wake_r, selectors.EVENT_READ)
            while True:
                for key, _ in selector.select():
                    if key.fileobj is self._wake_r:
                        return
                    try:
                        request, address = self.get_request()
                    except OSError:
                        continue  # the client gave up before we accepted; nothing to do
                    self.process_request(request, address)

    def wake(self) -> None:
        """Make `serve` return."""
        self._wake_w.send(b"x")

    def process_request(self, request: socketserver._RequestType, client_address: object) -> None:
        """Start a tracked daemon thread for the new connection."""
        assert isinstance(request, socket.socket)
        request.setblocking(True)
        with self._changed:
            self.connections_opened += 1
            thread = threading.Thread(
                target=self._serve_connection,
                args=(request, client_address),
                name=f"claude-local-server-conn-{self.connections_opened}",
                daemon=True,
            )
            self._connections[request] = thread
            self.peak_connections = max(self.peak_connections, len(self._connections))
        thread.start()

    def _serve_connection(self, request: socket.socket, client_address: object) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            with self._changed:
                # Closed under the lock so `shutdown_connections` never touches a closed socket.
                self.shutdown_request(request)
                del self._connections[request]
                self._changed.notify_all()

    def handle_error(self, request: socketserver._RequestType, client_address: object) -> None:
        """Swallow network errors (clients vanish; that is what tests do); keep anything else."""
        if isinstance(sys.exc_info()[1], OSError | streaming.AbortError):
            return
        self.state.add_error(traceback.format_exc())

    @property
    def open_connections(self) -> int:
        with self._changed:
            return len(self._connections)

    def wait_idle(self, timeout: float) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: not self._connections, timeout)

    def shutdown_connections(self) -> None:
        """Wake every connection thread: blocked reads return EOF, blocked writes fail."""
        with self._changed:
            for connection in self._connections:
                with contextlib.suppress(OSError):  # already reset by the peer
                    connection.shutdown(socket.SHUT_RDWR)

    def join_connections(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        with self._changed:
            threads = list(self._connections.values())
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))

    def server_close(self) -> None:
        super().server_close()
        self._wake_r.close()
        self._wake_w.close()


class LocalServer:
    """An Anthropic-compatible HTTP server on a loopback port, with fault injection.

    >>> with LocalServer() as server:                      # doctest: +SKIP
    ...     server.inject(Fault(status=529), times=1)
    ...     ...  # point a client at server.base_url with server.api_key

    Thread-safe: tests may inject faults and read the log while requests are in flight.

    Message batches and files live in memory (`claude.testing.batches`, `claude.testing.files`).
    ``batch_processing`` says when a batch is processed: ``"background"`` (a worker thread;
    `wait_for_batch` waits for it), ``"instant"`` (before the create call answers) or
    ``"manual"`` (it stays unfinished until `release_batches`). ``files_downloadable=False``
    refuses downloads of uploaded files, as the real API does.
    """

    def __init__(
        self,
        api_key: str = DEFAULT_API_KEY,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        batch_processing: Processing = "background",
        files_downloadable: bool = True,
    ) -> None:
        self._state = _State(
            api_key,
            Resources(
                batches=BatchStore(processing=batch_processing),
                files=FileStore(downloadable=files_downloadable),
            ),
        )
        self._state.resources.batches.on_error = self._state.add_error
        self._host = host
        self._requested_port = port
        self._http: _HttpServer | None = None
        self._accept_thread: threading.Thread | None = None
        self._closed = False

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self) -> Self:
        """Bind and start serving; returns self. Raises OSError if the port is taken."""
        if self._closed:
            raise RuntimeError("a LocalServer cannot be restarted after close(); make a new one")
        if self._http is not None:
            return self
        self._http = _HttpServer((self._host, self._requested_port), self._state)
        self._accept_thread = threading.Thread(
            target=self._http.serve, name=f"claude-local-server-{self.port}", daemon=True
        )
        self._state.resources.batches.base_url = self.base_url
        self._accept_thread.start()
        return self

    def close(self) -> None:
        """Stop accepting, drop every connection, end stalls and delays, join all threads.

        Idempotent. When it returns, `open_connections` is 0 and no server thread is left running.
        """
        if self._closed:
            return
        self._closed = True
        self._state.stopping.set()
        self._state.resources.batches.close(_JOIN_TIMEOUT)
        if self._http is None or self._accept_thread is None:
            return
        self._http.wake()
        self._accept_thread.join()
        self._http.shutdown_connections()
        self._http.join_connections(_JOIN_TIMEOUT)
        self._http.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: types.TracebackType | None,
    ) -> None:
        self.close()

    # -- where it listens ----------------------------------------------------------------------

    @property
    def api_key(self) -> str:
        """The key the server accepts, as `x-api-key` or `Authorization: Bearer`."""
        return self._state.api_key

    @property
    def host(self) -> str:
        return self._host

    @property
    def port(self) -> int:
        """The bound port (the requested one until `start`, which resolves port 0)."""
        if self._http is None:
            return self._requested_port
        return int(self._http.server_address[1])

    @property
    def base_url(self) -> str:
        """``http://HOST:PORT``, the value for a client's base URL (no trailing slash)."""
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{self.port}"

    # -- faults and observations ---------------------------------------------------------------

    def inject(self, fault: Fault, times: int = 1) -> None:
        """Queue `fault` for the next `times` requests, after any faults already queued."""
        self._state.faults.push(fault, times=times)

    @property
    def pending_faults(self) -> int:
        """How many requests the queued faults will still be applied to."""
        return self._state.faults.pending()

    @property
    def requests(self) -> list[RecordedRequest]:
        """A snapshot of every request received since start (or the last `clear`)."""
        return self._state.log.snapshot()

    @property
    def request_count(self) -> int:
        return len(self._state.log)

    @property
    def connections_opened(self) -> int:
        """TCP connections accepted so far (one, when keep-alive reused a single connection)."""
        return 0 if self._http is None else self._http.connections_opened

    @property
    def peak_connections(self) -> int:
        """The most client connections that were open at once (the server may learn of a close
        a little late, so this can only overcount)."""
        return 0 if self._http is None else self._http.peak_connections

    def wait_for_requests(self, count: int, timeout: float = 5.0) -> bool:
        """Block until ``count`` requests have been received (or ``timeout`` passes); True if
        they were. Tests call this instead of sleeping until a request is in flight."""
        return self._state.log.wait_for(count, timeout)

    @property
    def open_connections(self) -> int:
        """Client connections currently open on the server side."""
        return 0 if self._http is None else self._http.open_connections

    def wait_until_idle(self, timeout: float = 5.0) -> bool:
        """Block until no client connection is open (or `timeout` passes); True if idle.

        The server learns of a client's close asynchronously; leak tests call this instead of
        sleeping before asserting `open_connections == 0`.
        """
        return True if self._http is None else self._http.wait_idle(timeout)

    @property
    def errors(self) -> list[str]:
        """Tracebacks of unexpected handler errors (server bugs; client disconnects are not)."""
        return self._state.errors()

    def clear(self) -> None:
        """Drop queued faults and the request log."""
        self._state.faults.clear()
        self._state.log.clear()

    # -- message batches -----------------------------------------------------------------------

    @property
    def batch_processing(self) -> Processing:
        """When batches are processed: ``"background"``, ``"instant"`` or ``"manual"``."""
        return self._state.resources.batches.processing

    @batch_processing.setter
    def batch_processing(self, processing: Processing) -> None:
        if processing not in ("background", "instant", "manual"):
            raise ValueError(
                f"batch_processing must be 'background', 'instant' or 'manual', got {processing!r}"
            )
        self._state.resources.batches.processing = processing

    def release_batches(self, batch_id: str | None = None) -> int:
        """End the given unfinished batch (or every one) now, in this thread; how many ended.

        With ``batch_processing="manual"`` this is the only way a batch ends, so a test decides
        exactly when a poller sees ``ended``; a batch being canceled ends with every request
        ``canceled``.
        """
        return self._state.resources.batches.release(batch_id)

    def wait_for_batch(self, batch_id: str, timeout: float = 5.0) -> bool:
        """Block until the batch has ended (or ``timeout`` passes); True if it has."""
        return self._state.resources.batches.wait_until_ended(batch_id, timeout)
