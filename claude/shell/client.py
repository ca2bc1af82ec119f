"""``Client``: frozen settings and credentials, one urllib3 pool, and the calls that use them.

A plain ``send`` makes exactly one HTTP call: build (pure) -> perform (transport) -> decode
(pure). ``asend`` runs the same sync path in an anyio worker thread, bounded by a per-client
capacity limiter (one per event loop), so the event loop never blocks and the number of threads
and sockets never exceeds ``max_connections``.

A client made from bad input is still a client: it holds the problem and answers every call
with ``Failure(problem)`` before any I/O. ``Client.from_env()`` therefore never raises, and
``client.ready`` tells up front whether it can send.
"""

from __future__ import annotations

import functools
import logging
import os
import sys
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from types import TracebackType
from typing import TYPE_CHECKING, Self, TypeVar, cast

import anyio
import anyio.lowlevel
import anyio.to_thread
from returns.result import Failure, Result, Success

from claude.pure.credentials import Credentials, check_secret, credentials_from_env
from claude.pure.errors import ClaudeError, InvalidArgument
from claude.pure.failover import FailoverPolicy
from claude.pure.health import HealthCheckPolicy, HealthMetrics, HealthReport
from claude.pure.request import HttpRequest, Target, build_message_request, make_target
from claude.pure.response import decode_response
from claude.pure.retry import RetryPolicy
from claude.pure.settings import (
    DEFAULT_API_VERSION,
    DEFAULT_BASE_URL,
    Settings,
    Timeouts,
    check_settings,
)
from claude.pure.wire import Message, MessageRequest
from claude.shell import health, transport
from claude.shell.clock import SYSTEM_CLOCK, Clock
from claude.shell.execute import Observer, Policies, aexecute, execute
from claude.shell.holders import CircuitBreaker, Failover, RateLimiter
from claude.shell.streaming import AsyncMessageStream, MessageStream

__all__ = ["Client", "MessageParams", "default_client"]

if TYPE_CHECKING:
    from asyncio import AbstractEventLoop

log = logging.getLogger("claude")

_T = TypeVar("_T")

MessageParams = MessageRequest | Mapping[str, object]
"""What ``send`` accepts: the typed request or a plain dict of the wire shape."""


class Client:
    """A connection pool plus the settings and credentials every request of it carries."""

    def __init__(
        self,
        *,
        api_key: str | None = None,
        auth_token: str | None = None,
        base_url: str = DEFAULT_BASE_URL,
        api_version: str = DEFAULT_API_VERSION,
        betas: Sequence[str] = (),
        timeouts: Timeouts | None = None,
        max_connections: int = 64,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self.clock = clock
        raw = Settings(
            base_url=base_url,
            api_version=api_version,
            betas=_betas(betas),
            timeouts=timeouts if timeouts is not None else Timeouts(),
            max_connections=max_connections,
        )
        checked: Result[Settings, ClaudeError] = check_settings(raw)
        # An unusable client still needs sane sizes for its (idle) pool; it never sends.
        self.settings: Settings = checked.value_or(Settings())
        self._target: Result[Target, ClaudeError] = checked.bind(
            lambda settings: _credentials(api_key, auth_token).bind(
                lambda credentials: make_target(settings, credentials)
            )
        )
        self._pool = transport.Pool(max_connections=max(1, self.settings.max_connections))
        self._limiters: anyio.lowlevel.RunVar[anyio.CapacityLimiter] = anyio.lowlevel.RunVar(
            f"claude-limiter-{id(self)}"
        )
        self._closed = False
        self._lock = threading.Lock()
        self._executor: ThreadPoolExecutor | None = None

    @classmethod
    def from_env(
        cls,
        env: Mapping[str, str] | None = None,
        *,
        api_version: str = DEFAULT_API_VERSION,
        betas: Sequence[str] = (),
        timeouts: Timeouts | None = None,
        max_connections: int = 64,
        clock: Clock = SYSTEM_CLOCK,
    ) -> Client:
        """A client from ``ANTHROPIC_API_KEY`` (or ``ANTHROPIC_AUTH_TOKEN``) and ``ANTHROPIC_BASE_URL``.

        A missing or malformed key is not raised: the client answers every call with that
        Failure, whose message says how to set a key or use ``--local``.
        """
        source: object = os.environ if env is None else env

        def read(name: str) -> str | None:
            value = source.get(name) if isinstance(source, Mapping) else None
            return value.strip() or None if isinstance(value, str) else None

        api_key = read("ANTHROPIC_API_KEY")
        return cls(
            api_key=api_key,
            auth_token=None if api_key else read("ANTHROPIC_AUTH_TOKEN"),
            base_url=read("ANTHROPIC_BASE_URL") or DEFAULT_BASE_URL,
            api_version=api_version,
            betas=betas,
            timeouts=timeouts,
            max_connections=max_connections,
            clock=clock,
        )

    @property
    def ready(self) -> Result[Self, ClaudeError]:
        """This client if it can send, else the configuration problem every call would report."""
        return self._target.map(lambda _: self)

    # --- one exchange ------------------------------------------------------------------

    def build(
        self,
        request: MessageParams,
        *,
        stream: bool = False,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> Result[HttpRequest, ClaudeError]:
        """The exact HTTP request ``send`` would perform (for ``--curl`` and inspection)."""
        if self._closed:
            return Failure(InvalidArgument(path="client", problem="is closed; make a new Client"))
        return self._target.bind(
            lambda target: build_message_request(
                request,
                target=target,
                stream=stream,
                extra_body=extra_body,
                extra_headers=extra_headers,
            )
        )

    def send(
        self,
        request: MessageParams,
        *,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> Result[Message, ClaudeError]:
        """Send one Messages request and wait for the whole reply: exactly one HTTP call."""
        built = self.build(request, extra_body=extra_body, extra_headers=extra_headers)
        if isinstance(built, Failure):
            return built
        return self.perform(built.unwrap())

    def perform(self, request: HttpRequest) -> Result[Message, ClaudeError]:
        """Perform an already-built request and decode the reply."""
        if log.isEnabledFor(logging.DEBUG):
            log.debug("%s %s", request.method, request.url)
        raw = transport.perform(self._pool, request, self.settings.timeouts)
        if isinstance(raw, Failure):
            log.info("%s %s failed: %s", request.method, request.url, raw.failure())
            return raw
        response = raw.unwrap()
        result = decode_response(response.status, response.headers, response.body)
        if log.isEnabledFor(logging.DEBUG):
            log.debug(
                "-> HTTP %d request-id %s", response.status, response.headers.get("request-id")
            )
        return result

    async def asend(
        self,
        request: MessageParams,
        *,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> Result[Message, ClaudeError]:
        """``send`` in a worker thread: the event loop stays free (asyncio and trio).

        At most ``max_connections`` calls run at once; the rest wait their turn. On asyncio
        the hop goes through the client's own bounded thread pool (``loop.run_in_executor``),
        which costs a third of ``anyio.to_thread``'s CPU per call; on trio (and any other
        backend) through ``anyio.to_thread`` with the client's capacity limiter. A cancelled
        call's worker still finishes its exchange, so the connection goes back to the pool
        in a clean state.
        """
        built = self.build(request, extra_body=extra_body, extra_headers=extra_headers)
        if isinstance(built, Failure):
            return built
        return await self._in_worker(functools.partial(self.perform, built.unwrap()))

    async def _in_worker(self, call: Callable[[], _T]) -> _T:
        """Run a blocking call in one of this client's worker threads."""
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

    def stream(
        self,
        request: MessageParams,
        *,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> MessageStream:
        """Send with ``"stream": true``; use as ``with client.stream(r) as events: ...``."""
        built = self.build(request, stream=True, extra_body=extra_body, extra_headers=extra_headers)
        return MessageStream(self, built)

    def astream(
        self,
        request: MessageParams,
        *,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> AsyncMessageStream:
        """The async twin of ``stream``: ``async with client.astream(r) as events: ...``."""
        built = self.build(request, stream=True, extra_body=extra_body, extra_headers=extra_headers)
        return AsyncMessageStream(self, built)

    # --- with policies (nothing happens unless asked for by name) -------------------------

    def stream_with_retries(self, request: MessageParams, policy: RetryPolicy) -> MessageStream:
        """``stream``, reopened under ``policy`` while it fails before its first event.

        Once content has arrived a failure is final: the caller gets it with the partial message.
        """
        built = self.build(request, stream=True)
        return MessageStream(self, built, retry=policy)

    def astream_with_retries(
        self, request: MessageParams, policy: RetryPolicy
    ) -> AsyncMessageStream:
        """The async twin of ``stream_with_retries``."""
        built = self.build(request, stream=True)
        return AsyncMessageStream(self, built, retry=policy)

    def execute_with_retries(
        self, request: MessageParams, policy: RetryPolicy, *, observe: Observer | None = None
    ) -> Result[Message, ClaudeError]:
        """Send, retrying retryable failures as ``policy`` decides (backoff, server waits, budgets)."""
        return execute(self, request, Policies(retry=policy), observe=observe)

    def execute_with_circuit_breaker(
        self, request: MessageParams, breaker: CircuitBreaker, *, observe: Observer | None = None
    ) -> Result[Message, ClaudeError]:
        """Send through ``breaker``: fails fast with ``CircuitOpen`` while it is open."""
        return execute(self, request, Policies(breaker=breaker), observe=observe)

    def execute_with_rate_limiting(
        self,
        request: MessageParams,
        limiter: RateLimiter,
        *,
        nowait: bool = False,
        observe: Observer | None = None,
    ) -> Result[Message, ClaudeError]:
        """Send once ``limiter`` admits it (waiting as long as it says, or ``Throttled`` with nowait)."""
        return execute(self, request, Policies(limiter=limiter, nowait=nowait), observe=observe)

    def execute_with_failover(
        self,
        request: MessageParams,
        failover: FailoverPolicy | Failover,
        *,
        observe: Observer | None = None,
    ) -> Result[Message, ClaudeError]:
        """Send to the policy's endpoints in strategy order, moving on after retryable failures.

        Pass a ``shell.Failover(policy)`` to keep endpoint health across calls.
        """
        return execute(self, request, Policies(failover=failover), observe=observe)

    def execute_with_enterprise_features(
        self,
        request: MessageParams,
        *,
        retry: RetryPolicy | None = None,
        breaker: CircuitBreaker | None = None,
        limiter: RateLimiter | None = None,
        failover: FailoverPolicy | Failover | None = None,
        nowait: bool = False,
        observe: Observer | None = None,
    ) -> Result[Message, ClaudeError]:
        """Send under every policy given, in the order rate limit -> breaker -> failover ->
        send -> classify -> retry (see ``claude.shell.execute``)."""
        return execute(
            self,
            request,
            Policies(
                retry=retry, breaker=breaker, limiter=limiter, failover=failover, nowait=nowait
            ),
            observe=observe,
        )

    async def aexecute_with_retries(
        self, request: MessageParams, policy: RetryPolicy, *, observe: Observer | None = None
    ) -> Result[Message, ClaudeError]:
        """The async twin of ``execute_with_retries``."""
        return await aexecute(self, request, Policies(retry=policy), observe=observe)

    async def aexecute_with_circuit_breaker(
        self, request: MessageParams, breaker: CircuitBreaker, *, observe: Observer | None = None
    ) -> Result[Message, ClaudeError]:
        """The async twin of ``execute_with_circuit_breaker``."""
        return await aexecute(self, request, Policies(breaker=breaker), observe=observe)

    async def aexecute_with_rate_limiting(
        self,
        request: MessageParams,
        limiter: RateLimiter,
        *,
        nowait: bool = False,
        observe: Observer | None = None,
    ) -> Result[Message, ClaudeError]:
        """The async twin of ``execute_with_rate_limiting``."""
        return await aexecute(
            self, request, Policies(limiter=limiter, nowait=nowait), observe=observe
        )

    async def aexecute_with_failover(
        self,
        request: MessageParams,
        failover: FailoverPolicy | Failover,
        *,
        observe: Observer | None = None,
    ) -> Result[Message, ClaudeError]:
        """The async twin of ``execute_with_failover``."""
        return await aexecute(self, request, Policies(failover=failover), observe=observe)

    async def aexecute_with_enterprise_features(
        self,
        request: MessageParams,
        *,
        retry: RetryPolicy | None = None,
        breaker: CircuitBreaker | None = None,
        limiter: RateLimiter | None = None,
        failover: FailoverPolicy | Failover | None = None,
        nowait: bool = False,
        observe: Observer | None = None,
    ) -> Result[Message, ClaudeError]:
        """The async twin of ``execute_with_enterprise_features``."""
        return await aexecute(
            self,
            request,
            Policies(
                retry=retry, breaker=breaker, limiter=limiter, failover=failover, nowait=nowait
            ),
            observe=observe,
        )

    def check_health(
        self, endpoints: Sequence[str], policy: HealthCheckPolicy | None = None
    ) -> tuple[tuple[HealthReport, ...], HealthMetrics]:
        """Probe each base URL once (HEAD or OPTIONS, concurrently); reports and percentages."""
        return health.check_health(
            self._pool.manager, endpoints, policy or HealthCheckPolicy(), self.clock
        )

    async def acheck_health(
        self, endpoints: Sequence[str], policy: HealthCheckPolicy | None = None
    ) -> tuple[tuple[HealthReport, ...], HealthMetrics]:
        """The async twin of ``check_health``."""
        return await health.acheck_health(
            self._pool.manager,
            endpoints,
            policy or HealthCheckPolicy(),
            self.clock,
            limiter=self.limiter(),
        )

    def limiter(self) -> anyio.CapacityLimiter:
        """This client's thread limiter for the running event loop (made on first use)."""
        try:
            return self._limiters.get()
        except LookupError:
            limiter = anyio.CapacityLimiter(self.settings.max_connections)
            self._limiters.set(limiter)
            return limiter

    # --- lifetime ------------------------------------------------------------------------

    def close(self) -> None:
        """Close every pooled connection; later calls fail with a clear error."""
        self._closed = True
        self._pool.clear()
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=False)

    @property
    def closed(self) -> bool:
        """Whether ``close`` was called."""
        return self._closed

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        state = (
            "closed"
            if self._closed
            else "ready"
            if isinstance(self._target, Success)
            else "unusable"
        )
        return (
            f"Client({self.settings.base_url}, anthropic-version {self.settings.api_version}, "
            f"{state})"
        )


def _betas(value: object) -> tuple[str, ...]:
    """The beta names as a tuple; one name given as a plain string is one name, not letters.

    Anything else that is not an iterable of strings is passed on for ``check_settings`` to
    name (its items are then not strings).
    """
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, Iterable):
        return cast("tuple[str, ...]", tuple(value))
    return cast("tuple[str, ...]", (value,))


def _credentials(api_key: str | None, auth_token: str | None) -> Result[Credentials, ClaudeError]:
    if api_key is not None:
        return check_secret(api_key, name="api key (ANTHROPIC_API_KEY)").map(
            lambda s: Credentials(api_key=s)
        )
    if auth_token is not None:
        return check_secret(auth_token, name="auth token (ANTHROPIC_AUTH_TOKEN)").map(
            lambda s: Credentials(auth_token=s)
        )
    return credentials_from_env({})


_default: Client | None = None
_default_lock = threading.Lock()


def default_client() -> Client:
    """The lazily made client from the environment that ``send()`` uses when given none."""
    global _default  # noqa: PLW0603 - the shell owns this one piece of process state
    with _default_lock:
        # Rebuilt while unusable, so setting ANTHROPIC_API_KEY later takes effect.
        if _default is None or _default.closed or isinstance(_default.ready, Failure):
            _default = Client.from_env()
        return _default
