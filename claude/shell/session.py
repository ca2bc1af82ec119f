"""The session every driver uses: settings, target, clock, pool, the connection bound and the
one thread hop. ``Client`` is a front over it; the drivers (``execute``, ``streaming``,
``health``) take a ``Session``, never the ``Client``, so nothing imports in a circle.

Theory of operation
-------------------
* **Build** (pure, guarded): the request value, with the call's extra headers, query and body.
  Nothing a caller passes can raise out of it: a hostile ``Mapping`` or ``str`` subclass that
  raises becomes ``InvalidArgument`` naming only the exception's type (never its text or frame,
  which could show the key).
* **Bound**: every exchange holds one of ``max_connections`` slots (``claude.shell.slots``) from
  before it touches the pool until its connection is released, sync or async, so the client never
  holds more sockets than that.
* **Hop**: async calls run blocking work in a worker thread through ``hop`` and nothing else: on
  asyncio the client's own bounded executor (``loop.run_in_executor``, a third of
  ``anyio.to_thread``'s CPU per call), on any other backend ``anyio.to_thread`` under a
  per-loop limiter of the same size. A slot is taken on the event loop before the hop, so at most
  ``max_connections`` threads work for a client at once and a waiting call never blocks a thread.
* **Deadline**: a call's deadline is ``now + timeout`` (per call) or ``now + Timeouts.total``;
  ``transport`` enforces it on connect and on every read.
"""

from __future__ import annotations

import functools
import logging
import sys
import threading
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, TypeVar, cast

import anyio
import anyio.lowlevel
import anyio.to_thread
import msgspec
from returns.result import Failure, Result, Success

from claude.pure import lifecycle
from claude.pure.errors import ClaudeError, InvalidArgument, Timeout
from claude.pure.options import CallOptions, with_query
from claude.pure.request import Headers, HttpRequest, Target, build_message_request
from claude.pure.response import decode_response
from claude.pure.settings import Settings, Timeouts
from claude.pure.wire import Message, MessageRequest
from claude.shell import transport
from claude.shell.clock import Clock
from claude.shell.slots import Lease, Slots

if TYPE_CHECKING:
    from asyncio import AbstractEventLoop

__all__ = ["NO_OPTIONS", "MessageParams", "Session"]

log = logging.getLogger("claude")

_T = TypeVar("_T")

MessageParams = MessageRequest | Mapping[str, object]
"""What ``send`` accepts: the typed request or a plain dict of the wire shape."""

NO_OPTIONS = CallOptions()


class Session:
    """Pool, settings, target, clock, connection slots and the thread hop of one client."""

    def __init__(
        self,
        *,
        settings: Settings,
        target: Result[Target, ClaudeError],
        clock: Clock,
        tls: transport.TlsConfig | None = None,
    ) -> None:
        self.settings = settings
        self.target = target
        self.clock = clock
        self.pool = transport.Pool(max_connections=max(1, settings.max_connections), tls=tls)
        self.slots = Slots(max(1, settings.max_connections))
        self.closed = False
        self._lock = threading.Lock()
        self._executor: ThreadPoolExecutor | None = None
        self._limiters: anyio.lowlevel.RunVar[anyio.CapacityLimiter] = anyio.lowlevel.RunVar(
            f"claude-limiter-{id(self)}"
        )

    @property
    def timeouts(self) -> Timeouts:
        return self.settings.timeouts

    # --- building ------------------------------------------------------------------------

    def build(
        self, params: MessageParams, *, stream: bool, options: CallOptions = NO_OPTIONS
    ) -> Result[HttpRequest, ClaudeError]:
        """The request to perform, or why there is none; never raises."""
        if self.closed:
            return Failure(InvalidArgument(path="client", problem="is closed; make a new Client"))
        try:
            return self.target.bind(
                lambda target: build_message_request(
                    params,
                    target=target,
                    stream=stream,
                    extra_body=options.extra_body,
                    extra_headers=options.extra_headers,
                )
            ).bind(lambda request: _with_query(request, options.extra_query))
        except Exception as exc:  # a hostile input must not escape as a traceback
            return Failure(
                InvalidArgument(
                    path="request",
                    problem=f"could not be built: reading it raised {type(exc).__name__}; "
                    "pass plain dicts, lists, strings and numbers",
                )
            )

    # --- deadlines -----------------------------------------------------------------------

    def deadline(self, timeout: float | None, *, stream: bool = False) -> float | None:
        """When this call must end, on the session clock (``None``: no deadline)."""
        if timeout is not None:
            return self.clock.monotonic() + timeout
        total = self.timeouts.total
        if total is None:
            return None
        return self.clock.monotonic() + total

    def left(self, deadline: float | None) -> float | None:
        """Seconds left until ``deadline`` (never below a millisecond), ``None`` for no deadline."""
        if deadline is None:
            return None
        return max(0.001, deadline - self.clock.monotonic())

    # --- one exchange --------------------------------------------------------------------

    def perform(
        self, request: HttpRequest, *, timeout: float | None = None, lease: Lease | None = None
    ) -> Result[Message, ClaudeError]:
        """Perform a built request within its deadline and decode the reply (this thread)."""
        return self.perform_with(request, decode_response, timeout=timeout, lease=lease)

    def perform_with(
        self,
        request: HttpRequest,
        decode: Callable[[int, Mapping[str, str], bytes], Result[_T, ClaudeError]],
        *,
        timeout: float | None = None,
        lease: Lease | None = None,
        upload: Iterable[bytes] | None = None,
    ) -> Result[_T, ClaudeError]:
        """``perform`` for any endpoint: the reply decoded by ``decode``; ``upload`` streams the
        request body (a file upload) instead of ``request.body``."""
        total = timeout if timeout is not None else self.timeouts.total
        if lease is None:
            lease = self.slots.acquire(self.left(self.deadline(timeout)) or self.timeouts.read)
            if lease is None:
                return Failure(_no_slot(total))
        try:
            if log.isEnabledFor(logging.DEBUG):
                log.debug("%s %s", request.method, request.url)
            raw = transport.perform(
                self.pool,
                request,
                self.timeouts,
                now=self.clock.monotonic,
                total=total,
                max_bytes=self.settings.max_response_bytes,
                upload=upload,
            )
        finally:
            lease.release()
        if isinstance(raw, Failure):
            log.info("%s %s failed: %s", request.method, request.url, raw.failure())
            return Failure(raw.failure())
        response = raw.unwrap()
        if response.error is not None:
            # The same rule as a stream's error body: our limits first, then the status's kind
            # with the bytes that came (or word that the body broke off), then the read error.
            error = lifecycle.body_error(
                lifecycle.Body(response.status, response.headers, response.body, response.error),
                limit=total,
            )
            log.info("%s %s failed: %s", request.method, request.url, error)
            return Failure(error)
        result = decode(response.status, response.headers, response.body)
        if isinstance(result, Failure):
            log.info("%s %s failed: %s", request.method, request.url, result.failure())
        return result

    async def aperform(
        self, request: HttpRequest, *, timeout: float | None = None
    ) -> Result[Message, ClaudeError]:
        """``perform`` in a worker thread, its slot taken on the event loop first."""
        lease = await self.slots.aacquire()
        return await self.hop(
            functools.partial(self.perform, request, timeout=timeout, lease=lease), lease
        )

    def open_stream(
        self, request: HttpRequest, *, deadline: float | None, lease: Lease | None = None
    ) -> Result[transport.Body, ClaudeError]:
        """Send a streaming request; the body keeps its slot until it is closed."""
        if lease is None:
            lease = self.slots.acquire(self.left(deadline) or self.timeouts.read)
            if lease is None:
                return Failure(_no_slot(self.left(deadline)))
        opened = transport.open_stream(self.pool, request, self.timeouts, left=self.left(deadline))
        if isinstance(opened, Failure):
            lease.release()
            return opened
        body = opened.unwrap()
        body.on_close = lease.release
        return Success(body)

    async def aopen_stream(
        self, request: HttpRequest, *, deadline: float | None
    ) -> Result[transport.Body, ClaudeError]:
        """``open_stream`` in a worker thread, its slot taken on the event loop first."""
        lease = await self.slots.aacquire()
        return await self.hop(
            functools.partial(self.open_stream, request, deadline=deadline, lease=lease), lease
        )

    # --- the one thread hop --------------------------------------------------------------

    async def hop(self, call: Callable[[], _T], lease: Lease | None = None) -> _T:
        """Run a blocking call in one of this session's worker threads.

        ``lease`` is handed to the call; if the call never starts (cancelled before the hop) the
        lease is released here, and once started the call owns it.
        """
        started = False

        def run() -> _T:
            nonlocal started
            started = True
            return call()

        try:
            return await self._in_worker(run)
        except BaseException:
            if lease is not None and not started:
                lease.release()
            raise

    async def _in_worker(self, call: Callable[[], _T]) -> _T:
        # asyncio is only looked up, never imported here: importing it costs ~30 ms, and a
        # program that has not imported it is not running an asyncio loop.
        asyncio = sys.modules.get("asyncio")
        loop: AbstractEventLoop | None
        try:
            loop = cast("AbstractEventLoop", asyncio.get_running_loop()) if asyncio else None
        except RuntimeError:
            loop = None
        if loop is None:  # trio (or another anyio backend): anyio's threads under our limiter
            return await anyio.to_thread.run_sync(
                call, limiter=self.limiter(), abandon_on_cancel=True
            )
        return await loop.run_in_executor(self._workers(), call)

    def _workers(self) -> ThreadPoolExecutor:
        executor = self._executor
        if executor is None:
            with self._lock:
                if self._executor is None:
                    self._executor = ThreadPoolExecutor(
                        max_workers=self.settings.max_connections,
                        thread_name_prefix="claude-worker",
                    )
                executor = self._executor
        return executor

    def limiter(self) -> anyio.CapacityLimiter:
        """This session's thread limiter for the running event loop (made on first use)."""
        try:
            return self._limiters.get()
        except LookupError:
            limiter = anyio.CapacityLimiter(self.settings.max_connections)
            self._limiters.set(limiter)
            return limiter

    # --- lifetime ------------------------------------------------------------------------

    def close(self) -> None:
        """Close every pooled connection and the worker threads; later calls fail clearly."""
        self.closed = True
        self.pool.clear()
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=False)


def _with_query(
    request: HttpRequest, query: Mapping[str, str] | None
) -> Result[HttpRequest, ClaudeError]:
    if not query:
        return Success(request)
    return with_query(request.url, query).map(
        lambda url: msgspec.structs.replace(request, url=url, origin=request.origin)
    )


def _no_slot(seconds: float | None) -> ClaudeError:
    return Timeout(phase="pool", seconds=seconds)


def merged_target(target: Target, defaults: Mapping[str, str]) -> Target:
    """``target`` with the client's default headers over its own."""
    if not defaults:
        return target
    return Target(
        base_url=target.base_url,
        api_version=target.api_version,
        headers=Headers({**target.headers, **defaults}),
        origin=target.origin,
    )
