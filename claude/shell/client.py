"""``Client``: the front over a ``Session`` (settings, credentials, one pool, the clock).

A plain ``send`` makes exactly one HTTP call: build (pure) -> perform (transport) -> decode
(pure). ``asend`` runs the same sync path in a worker thread, after taking one of the client's
``max_connections`` slots on the event loop, so the event loop never blocks and the number of
threads and sockets never exceeds ``max_connections`` (see ``claude.shell.session``).

Every call takes per-call options: ``timeout`` (seconds for the whole call), ``extra_headers``,
``extra_query`` and ``extra_body``. The client takes default headers, a CA bundle (a path or an
``ssl.SSLContext``) and an HTTP(S) proxy; ``Client.from_env(trust_env=True)`` also reads
``HTTPS_PROXY`` / ``NO_PROXY``.

The async methods are hand-written twins of the sync ones, each a one-line call of the same
driver (``execute``/``aexecute``, the stream core); ``tests/shell/test_hardening.py`` checks that
every twin keeps its sync method's exact signature, so they cannot drift.

A client made from bad input is still a client: it holds the problem and answers every call
with ``Failure(problem)`` before any I/O. ``Client.from_env()`` therefore never raises, and
``client.ready`` tells up front whether it can send.
"""

from __future__ import annotations

import os
import ssl
import threading
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping, Sequence
from types import TracebackType
from typing import IO, Self, TypeVar, cast, overload
from urllib.parse import urlsplit

import anyio
from returns.result import Failure, Result, Success

from claude.pure.credentials import Credentials, check_secret, credentials_from_env
from claude.pure.errors import ClaudeError, InvalidArgument
from claude.pure.failover import FailoverPolicy
from claude.pure.health import HealthCheckPolicy, HealthMetrics, HealthReport
from claude.pure.options import CallOptions, check_header_fields, check_timeout
from claude.pure.request import HttpRequest, Target, make_target
from claude.pure.resources import (
    BatchPage,
    BatchResultLine,
    DeletedFile,
    DeletedMessageBatch,
    FileObject,
    FilePage,
    MessageBatch,
    ModelInfo,
    ModelPage,
)
from claude.pure.retry import RetryPolicy
from claude.pure.settings import (
    DEFAULT_API_VERSION,
    DEFAULT_BASE_URL,
    MAX_RESPONSE_BYTES,
    Settings,
    Timeouts,
    check_base_url,
    check_settings,
)
from claude.pure.structured import Parsed
from claude.pure.wire import Message, TokenCount
from claude.shell import batches as _batches
from claude.shell import files as _files
from claude.shell import health, parsing, tool_runner, transport
from claude.shell import resources as _resources
from claude.shell.batches import Progress
from claude.shell.clock import SYSTEM_CLOCK, Clock
from claude.shell.execute import Observer, Policies, aexecute, execute
from claude.shell.files import FileSource, PathLike, UploadProgress
from claude.shell.holders import CircuitBreaker, Failover, RateLimiter
from claude.shell.metered import Estimate, ametered, metered
from claude.shell.parsing import AsyncParsedMessageStream, ParsedMessageStream, with_output
from claude.shell.quota import QuotaTracker
from claude.shell.session import MessageParams, Session, merged_target
from claude.shell.streaming import (
    AsyncMessageStream,
    MessageStream,
    planned_astream,
    planned_stream,
)
from claude.shell.tool_runner import EventHandler, ToolLike, ToolRun, TurnHandler

__all__ = ["Client", "MessageParams", "default_client"]

CaBundle = str | os.PathLike[str] | ssl.SSLContext

_T = TypeVar("_T")


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
        default_headers: Mapping[str, str] | None = None,
        ca: CaBundle | None = None,
        proxy: str | None = None,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
    ) -> None:
        self.clock = clock
        settings, target = _configure(
            api_key=api_key,
            auth_token=auth_token,
            base_url=base_url,
            api_version=api_version,
            betas=betas,
            timeouts=timeouts,
            max_connections=max_connections,
            max_response_bytes=max_response_bytes,
            default_headers=default_headers,
        )
        try:
            tls = _tls(ca, proxy)
        except Exception as exc:  # a hostile proxy or CA argument must not escape
            tls = Failure(
                InvalidArgument(
                    path="proxy" if proxy is not None else "ca",
                    problem=f"reading it raised {type(exc).__name__}",
                )
            )
        if isinstance(tls, Failure):
            target = Failure(tls.failure())
        self._session = Session(
            settings=settings,
            target=target,
            clock=clock,
            tls=tls.value_or(transport.TlsConfig()),
        )

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
        default_headers: Mapping[str, str] | None = None,
        ca: CaBundle | None = None,
        proxy: str | None = None,
        trust_env: bool = False,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
    ) -> Client:
        """A client from ``ANTHROPIC_API_KEY`` (or ``ANTHROPIC_AUTH_TOKEN``) and ``ANTHROPIC_BASE_URL``.

        With ``trust_env=True`` (and no ``proxy`` given) it also reads ``HTTPS_PROXY`` (or
        ``https_proxy``) and ``NO_PROXY``, as curl does; without it no proxy variable is read.
        A missing or malformed key is not raised: the client answers every call with that
        Failure, whose message says how to set a key or use ``--local``.
        """
        source: object = os.environ if env is None else env

        def read(name: str) -> str | None:
            value = source.get(name) if isinstance(source, Mapping) else None
            return value.strip() or None if isinstance(value, str) else None

        api_key = read("ANTHROPIC_API_KEY")
        base_url = read("ANTHROPIC_BASE_URL") or DEFAULT_BASE_URL
        if proxy is None and trust_env:
            proxy = read("HTTPS_PROXY") or read("https_proxy")
            no_proxy = read("NO_PROXY") or read("no_proxy") or ""
            if proxy is not None and _bypassed(base_url, no_proxy):
                proxy = None
        return cls(
            api_key=api_key,
            auth_token=None if api_key else read("ANTHROPIC_AUTH_TOKEN"),
            base_url=base_url,
            api_version=api_version,
            betas=betas,
            timeouts=timeouts,
            max_connections=max_connections,
            clock=clock,
            default_headers=default_headers,
            ca=ca,
            proxy=proxy,
            max_response_bytes=max_response_bytes,
        )

    @property
    def settings(self) -> Settings:
        """The checked settings (the defaults if the given ones were unusable)."""
        return self._session.settings

    @property
    def session(self) -> Session:
        """What the drivers use: pool, settings, clock, connection slots, the thread hop."""
        return self._session

    @property
    def _target(self) -> Result[Target, ClaudeError]:
        return self._session.target

    @property
    def _pool(self) -> transport.Pool:
        return self._session.pool

    @property
    def ready(self) -> Result[Self, ClaudeError]:
        """This client if it can send, else the configuration problem every call would report."""
        return self._session.target.map(lambda _: self)

    # --- one exchange ------------------------------------------------------------------

    def build(
        self,
        request: MessageParams,
        *,
        stream: bool = False,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> Result[HttpRequest, ClaudeError]:
        """The exact HTTP request ``send`` would perform (for ``--curl`` and inspection)."""
        options = CallOptions(
            extra_body=extra_body, extra_headers=extra_headers, extra_query=extra_query
        )
        return self._session.build(request, stream=stream, options=options)

    def send(
        self,
        request: MessageParams,
        *,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> Result[Message, ClaudeError]:
        """Send one Messages request and wait for the whole reply: exactly one HTTP call,
        ending within ``timeout`` seconds (default ``Timeouts.total``)."""
        options = _options(timeout, extra_body, extra_headers, extra_query)
        built = options.bind(lambda ok: self._session.build(request, stream=False, options=ok))
        if isinstance(built, Failure):
            return built
        return self._session.perform(built.unwrap(), timeout=timeout)

    def perform(
        self, request: HttpRequest, *, timeout: float | None = None
    ) -> Result[Message, ClaudeError]:
        """Perform an already-built request and decode the reply."""
        return self._session.perform(request, timeout=timeout)

    async def asend(
        self,
        request: MessageParams,
        *,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> Result[Message, ClaudeError]:
        """``send`` in a worker thread: the event loop stays free (asyncio and trio).

        At most ``max_connections`` calls run at once; the rest wait their turn on the event
        loop. A cancelled call's worker still finishes its exchange, so the connection goes back
        to the pool in a clean state.
        """
        options = _options(timeout, extra_body, extra_headers, extra_query)
        built = options.bind(lambda ok: self._session.build(request, stream=False, options=ok))
        if isinstance(built, Failure):
            return built
        return await self._session.aperform(built.unwrap(), timeout=timeout)

    @overload
    def stream(
        self,
        request: MessageParams,
        *,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        output_type: None = None,
    ) -> MessageStream: ...
    @overload
    def stream(
        self,
        request: MessageParams,
        *,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        output_type: type[_T],
    ) -> ParsedMessageStream[_T]: ...
    def stream(
        self,
        request: MessageParams,
        *,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        output_type: type[_T] | None = None,
    ) -> MessageStream | ParsedMessageStream[_T]:
        """Send with ``"stream": true``; use as ``with client.stream(r) as events: ...``.

        ``timeout`` bounds the whole stream; without it ``Timeouts.total`` bounds the opening
        and the stream's events are bounded by ``read`` and ``idle``. With ``output_type`` the
        request asks for that type (as ``parse`` does) and ``events.final_parsed()`` decodes the
        reply once the stream has ended."""
        if output_type is not None:
            asked = with_output(request, output_type).bind(
                lambda r: self._stream_request(r, timeout, extra_body, extra_headers, extra_query)
            )
            return ParsedMessageStream(
                self._session, asked, output_type=output_type, timeout=timeout
            )
        built = self._stream_request(request, timeout, extra_body, extra_headers, extra_query)
        return MessageStream(self._session, built, timeout=timeout)

    @overload
    def astream(
        self,
        request: MessageParams,
        *,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        output_type: None = None,
    ) -> AsyncMessageStream: ...
    @overload
    def astream(
        self,
        request: MessageParams,
        *,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        output_type: type[_T],
    ) -> AsyncParsedMessageStream[_T]: ...
    def astream(
        self,
        request: MessageParams,
        *,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        output_type: type[_T] | None = None,
    ) -> AsyncMessageStream | AsyncParsedMessageStream[_T]:
        """The async twin of ``stream``: ``async with client.astream(r) as events: ...``."""
        if output_type is not None:
            asked = with_output(request, output_type).bind(
                lambda r: self._stream_request(r, timeout, extra_body, extra_headers, extra_query)
            )
            return AsyncParsedMessageStream(
                self._session, asked, output_type=output_type, timeout=timeout
            )
        built = self._stream_request(request, timeout, extra_body, extra_headers, extra_query)
        return AsyncMessageStream(self._session, built, timeout=timeout)

    def _stream_request(
        self,
        request: MessageParams,
        timeout: float | None,
        extra_body: Mapping[str, object] | None,
        extra_headers: Mapping[str, str] | None,
        extra_query: Mapping[str, str] | None,
    ) -> Result[HttpRequest, ClaudeError]:
        return _options(timeout, extra_body, extra_headers, extra_query).bind(
            lambda ok: self._session.build(request, stream=True, options=ok)
        )

    # --- with policies (nothing happens unless asked for by name) -------------------------

    def stream_with_retries(
        self,
        request: MessageParams,
        policy: RetryPolicy,
        *,
        breaker: CircuitBreaker | None = None,
        limiter: RateLimiter | None = None,
        observe: Observer | None = None,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> MessageStream:
        """``stream``, reopened under ``policy`` while it fails before its first event.

        Once content has arrived a failure is final: the caller gets it with the partial message.
        The attempts go through the same plan as ``execute_with_*``: ``limiter`` and
        ``breaker`` apply to each, and ``observe`` gets the call's record.
        """
        built = self._stream_request(request, timeout, extra_body, extra_headers, extra_query)
        policies = Policies(retry=policy, breaker=breaker, limiter=limiter)
        return planned_stream(
            MessageStream(self._session, built, timeout=timeout), policies, observe
        )

    def astream_with_retries(
        self,
        request: MessageParams,
        policy: RetryPolicy,
        *,
        breaker: CircuitBreaker | None = None,
        limiter: RateLimiter | None = None,
        observe: Observer | None = None,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> AsyncMessageStream:
        """The async twin of ``stream_with_retries``."""
        built = self._stream_request(request, timeout, extra_body, extra_headers, extra_query)
        policies = Policies(retry=policy, breaker=breaker, limiter=limiter)
        return planned_astream(
            AsyncMessageStream(self._session, built, timeout=timeout), policies, observe
        )

    def execute_with_retries(
        self,
        request: MessageParams,
        policy: RetryPolicy,
        *,
        observe: Observer | None = None,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> Result[Message, ClaudeError]:
        """Send, retrying retryable failures as ``policy`` decides (backoff, server waits, budgets)."""
        return execute(
            self._session,
            request,
            Policies(retry=policy),
            observe=observe,
            options=CallOptions(
                timeout=timeout,
                extra_body=extra_body,
                extra_headers=extra_headers,
                extra_query=extra_query,
            ),
        )

    async def aexecute_with_retries(
        self,
        request: MessageParams,
        policy: RetryPolicy,
        *,
        observe: Observer | None = None,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> Result[Message, ClaudeError]:
        """The async twin of ``execute_with_retries``."""
        return await aexecute(
            self._session,
            request,
            Policies(retry=policy),
            observe=observe,
            options=CallOptions(
                timeout=timeout,
                extra_body=extra_body,
                extra_headers=extra_headers,
                extra_query=extra_query,
            ),
        )

    def execute_with_circuit_breaker(
        self,
        request: MessageParams,
        breaker: CircuitBreaker,
        *,
        observe: Observer | None = None,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> Result[Message, ClaudeError]:
        """Send through ``breaker``: fails fast with ``CircuitOpen`` while it is open."""
        return execute(
            self._session,
            request,
            Policies(breaker=breaker),
            observe=observe,
            options=CallOptions(
                timeout=timeout,
                extra_body=extra_body,
                extra_headers=extra_headers,
                extra_query=extra_query,
            ),
        )

    async def aexecute_with_circuit_breaker(
        self,
        request: MessageParams,
        breaker: CircuitBreaker,
        *,
        observe: Observer | None = None,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> Result[Message, ClaudeError]:
        """The async twin of ``execute_with_circuit_breaker``."""
        return await aexecute(
            self._session,
            request,
            Policies(breaker=breaker),
            observe=observe,
            options=CallOptions(
                timeout=timeout,
                extra_body=extra_body,
                extra_headers=extra_headers,
                extra_query=extra_query,
            ),
        )

    def execute_with_rate_limiting(
        self,
        request: MessageParams,
        limiter: RateLimiter,
        *,
        nowait: bool = False,
        observe: Observer | None = None,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> Result[Message, ClaudeError]:
        """Send once ``limiter`` admits it (waiting as long as it says, or ``Throttled`` with nowait)."""
        return execute(
            self._session,
            request,
            Policies(limiter=limiter, nowait=nowait),
            observe=observe,
            options=CallOptions(
                timeout=timeout,
                extra_body=extra_body,
                extra_headers=extra_headers,
                extra_query=extra_query,
            ),
        )

    async def aexecute_with_rate_limiting(
        self,
        request: MessageParams,
        limiter: RateLimiter,
        *,
        nowait: bool = False,
        observe: Observer | None = None,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> Result[Message, ClaudeError]:
        """The async twin of ``execute_with_rate_limiting``."""
        return await aexecute(
            self._session,
            request,
            Policies(limiter=limiter, nowait=nowait),
            observe=observe,
            options=CallOptions(
                timeout=timeout,
                extra_body=extra_body,
                extra_headers=extra_headers,
                extra_query=extra_query,
            ),
        )

    def execute_with_failover(
        self,
        request: MessageParams,
        failover: FailoverPolicy | Failover,
        *,
        observe: Observer | None = None,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> Result[Message, ClaudeError]:
        """Send to the policy's endpoints in strategy order, moving on after retryable failures.

        Pass a ``shell.Failover(policy)`` to keep endpoint health across calls.
        """
        return execute(
            self._session,
            request,
            Policies(failover=failover),
            observe=observe,
            options=CallOptions(
                timeout=timeout,
                extra_body=extra_body,
                extra_headers=extra_headers,
                extra_query=extra_query,
            ),
        )

    async def aexecute_with_failover(
        self,
        request: MessageParams,
        failover: FailoverPolicy | Failover,
        *,
        observe: Observer | None = None,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> Result[Message, ClaudeError]:
        """The async twin of ``execute_with_failover``."""
        return await aexecute(
            self._session,
            request,
            Policies(failover=failover),
            observe=observe,
            options=CallOptions(
                timeout=timeout,
                extra_body=extra_body,
                extra_headers=extra_headers,
                extra_query=extra_query,
            ),
        )

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
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        quota: QuotaTracker | None = None,
        estimate: Estimate | None = None,
    ) -> Result[Message, ClaudeError]:
        """Send under every policy given, in the order quota -> rate limit -> breaker ->
        failover -> send -> classify -> retry (see ``claude.shell.execute``).

        ``quota`` comes first and once per call, not per retry: the estimate is reserved
        before the first attempt (a refusal sends nothing) and settled with the usage of the
        reply finally kept (see ``claude.shell.metered``).
        """

        def run() -> Result[Message, ClaudeError]:
            return execute(
                self._session,
                request,
                Policies(
                    retry=retry, breaker=breaker, limiter=limiter, failover=failover, nowait=nowait
                ),
                observe=observe,
                options=CallOptions(
                    timeout=timeout,
                    extra_body=extra_body,
                    extra_headers=extra_headers,
                    extra_query=extra_query,
                ),
            )

        if quota is None:
            return run()
        return metered(quota, request, run, estimate=estimate)

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
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        quota: QuotaTracker | None = None,
        estimate: Estimate | None = None,
    ) -> Result[Message, ClaudeError]:
        """The async twin of ``execute_with_enterprise_features``."""

        async def run() -> Result[Message, ClaudeError]:
            return await aexecute(
                self._session,
                request,
                Policies(
                    retry=retry, breaker=breaker, limiter=limiter, failover=failover, nowait=nowait
                ),
                observe=observe,
                options=CallOptions(
                    timeout=timeout,
                    extra_body=extra_body,
                    extra_headers=extra_headers,
                    extra_query=extra_query,
                ),
            )

        if quota is None:
            return await run()
        return await ametered(quota, request, run, estimate=estimate)

    def execute_with_quota(
        self,
        request: MessageParams,
        tracker: QuotaTracker,
        *,
        estimate: Estimate | None = None,
        observe: Observer | None = None,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> Result[Message, ClaudeError]:
        """Send once ``tracker`` has reserved the call's estimate; settle with its real usage.

        The estimate is ``max_tokens`` of output plus ``estimate`` input tokens (a number, or a
        callable such as ``lambda r: client.count_tokens(r)``). A call that would cross a limit
        is ``Failure(QuotaExceeded)`` naming it and by how much, and sends nothing.
        """
        return metered(
            tracker,
            request,
            lambda: execute(
                self._session,
                request,
                Policies(),
                observe=observe,
                options=CallOptions(
                    timeout=timeout,
                    extra_body=extra_body,
                    extra_headers=extra_headers,
                    extra_query=extra_query,
                ),
            ),
            estimate=estimate,
        )

    async def aexecute_with_quota(
        self,
        request: MessageParams,
        tracker: QuotaTracker,
        *,
        estimate: Estimate | None = None,
        observe: Observer | None = None,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> Result[Message, ClaudeError]:
        """The async twin of ``execute_with_quota`` (an awaitable ``estimate`` is awaited)."""
        return await ametered(
            tracker,
            request,
            lambda: aexecute(
                self._session,
                request,
                Policies(),
                observe=observe,
                options=CallOptions(
                    timeout=timeout,
                    extra_body=extra_body,
                    extra_headers=extra_headers,
                    extra_query=extra_query,
                ),
            ),
            estimate=estimate,
        )

    # --- structured output and tools (issue 13) ----------------------------------------

    def parse(
        self,
        request: MessageParams,
        output_type: type[_T],
        *,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> Result[Parsed[_T], ClaudeError]:
        """Send ``request`` asking for a reply of ``output_type`` and decode it: one HTTP call.

        ``Success(Parsed)`` holds the message and the value; a refusal, a reply cut off by
        ``max_tokens`` and text that does not fit the type are failures of their own
        (``OutputRefused``, ``OutputIncomplete``, ``OutputMismatch``), each with the reply."""
        options = _options(timeout, extra_body, extra_headers, extra_query)
        return options.bind(
            lambda ok: parsing.parse(self._session, request, output_type, options=ok)
        )

    async def aparse(
        self,
        request: MessageParams,
        output_type: type[_T],
        *,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> Result[Parsed[_T], ClaudeError]:
        """The async twin of ``parse``."""
        options = _options(timeout, extra_body, extra_headers, extra_query)
        if isinstance(options, Failure):
            return Failure(options.failure())
        return await parsing.aparse(self._session, request, output_type, options=options.unwrap())

    def run_tools(
        self,
        request: MessageParams,
        *,
        tools: Sequence[ToolLike],
        max_turns: int = 8,
        stop_when: Callable[[Message], bool] | None = None,
        continue_paused: bool = False,
        policies: Policies | None = None,
        observe: Observer | None = None,
        stream: bool = False,
        on_event: EventHandler | None = None,
        on_turn: TurnHandler | None = None,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> Result[ToolRun, ClaudeError]:
        """Run the tool loop: send, run the tools the model asks for, repeat until it is done.

        Each turn is one request (under ``policies`` if given, streamed with ``stream=True``,
        its events to ``on_event``), ending within ``timeout``; it stops on ``end_turn``,
        after ``max_turns`` requests, when ``stop_when(reply)`` is true, or on ``pause_turn``
        unless ``continue_paused``. ``on_turn`` sees each turn; the ``ToolRun`` holds the
        transcript (see ``claude.shell.tool_runner``)."""
        return tool_runner.run_tools(
            self._session,
            request,
            tools,
            max_turns=max_turns,
            stop_when=stop_when,
            continue_paused=continue_paused,
            policies=policies,
            observe=observe,
            stream=stream,
            on_event=on_event,
            on_turn=on_turn,
            options=CallOptions(
                timeout=timeout,
                extra_body=extra_body,
                extra_headers=extra_headers,
                extra_query=extra_query,
            ),
        )

    async def arun_tools(
        self,
        request: MessageParams,
        *,
        tools: Sequence[ToolLike],
        max_turns: int = 8,
        stop_when: Callable[[Message], bool] | None = None,
        continue_paused: bool = False,
        policies: Policies | None = None,
        observe: Observer | None = None,
        stream: bool = False,
        on_event: EventHandler | None = None,
        on_turn: TurnHandler | None = None,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> Result[ToolRun, ClaudeError]:
        """The async twin of ``run_tools``: the tool calls of one reply run concurrently."""
        return await tool_runner.arun_tools(
            self._session,
            request,
            tools,
            max_turns=max_turns,
            stop_when=stop_when,
            continue_paused=continue_paused,
            policies=policies,
            observe=observe,
            stream=stream,
            on_event=on_event,
            on_turn=on_turn,
            options=CallOptions(
                timeout=timeout,
                extra_body=extra_body,
                extra_headers=extra_headers,
                extra_query=extra_query,
            ),
        )

    def check_health(
        self, endpoints: Sequence[str], policy: HealthCheckPolicy | None = None
    ) -> tuple[tuple[HealthReport, ...], HealthMetrics]:
        """Probe each base URL once (HEAD or OPTIONS, concurrently); reports and percentages."""
        return health.check_health(self._session, endpoints, policy or HealthCheckPolicy())

    async def acheck_health(
        self, endpoints: Sequence[str], policy: HealthCheckPolicy | None = None
    ) -> tuple[tuple[HealthReport, ...], HealthMetrics]:
        """The async twin of ``check_health``."""
        return await health.acheck_health(self._session, endpoints, policy or HealthCheckPolicy())

    def limiter(self) -> anyio.CapacityLimiter:
        """This client's thread limiter for the running event loop (made on first use)."""
        return self._session.limiter()

    # --- lifetime ------------------------------------------------------------------------

    def close(self) -> None:
        """Close every pooled connection; later calls fail with a clear error."""
        self._session.close()

    @property
    def closed(self) -> bool:
        """Whether ``close`` was called."""
        return self._session.closed

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
            if self.closed
            else "ready"
            if isinstance(self._session.target, Success)
            else "unusable"
        )
        return (
            f"Client({self.settings.base_url}, anthropic-version {self.settings.api_version}, "
            f"{state})"
        )

    # --- the rest of the API (issue 11): count tokens, models, batches, files ---------------

    def count_tokens(
        self,
        request: MessageParams,
        *,
        policies: Policies | None = None,
        observe: Observer | None = None,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> Result[TokenCount, ClaudeError]:
        """Count the input tokens of a Messages request (``POST /v1/messages/count_tokens``)."""
        return _resources.count_tokens(
            self._session,
            request,
            _options(timeout, extra_body, extra_headers, extra_query),
            policies=policies,
            observe=observe,
        )

    async def acount_tokens(
        self,
        request: MessageParams,
        *,
        policies: Policies | None = None,
        observe: Observer | None = None,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> Result[TokenCount, ClaudeError]:
        """The async twin of ``count_tokens``."""
        return await _resources.acount_tokens(
            self._session,
            request,
            _options(timeout, extra_body, extra_headers, extra_query),
            policies=policies,
            observe=observe,
        )

    def list_models(
        self,
        *,
        limit: int | None = None,
        before_id: str | None = None,
        after_id: str | None = None,
        policies: Policies | None = None,
        observe: Observer | None = None,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> Result[ModelPage, ClaudeError]:
        """One page of models, newest first (``GET /v1/models``)."""
        return _resources.list_models(
            self._session,
            _options(timeout, extra_body, extra_headers, extra_query),
            limit=limit,
            before_id=before_id,
            after_id=after_id,
            policies=policies,
            observe=observe,
        )

    async def alist_models(
        self,
        *,
        limit: int | None = None,
        before_id: str | None = None,
        after_id: str | None = None,
        policies: Policies | None = None,
        observe: Observer | None = None,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> Result[ModelPage, ClaudeError]:
        """The async twin of ``list_models``."""
        return await _resources.alist_models(
            self._session,
            _options(timeout, extra_body, extra_headers, extra_query),
            limit=limit,
            before_id=before_id,
            after_id=after_id,
            policies=policies,
            observe=observe,
        )

    def iter_models(
        self,
        *,
        limit: int | None = None,
        policies: Policies | None = None,
        observe: Observer | None = None,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> Iterator[Result[ModelInfo, ClaudeError]]:
        """Every model: one request per page, made as you walk."""
        return _resources.iter_models(
            self._session,
            _options(timeout, extra_body, extra_headers, extra_query),
            limit=limit,
            policies=policies,
            observe=observe,
        )

    def aiter_models(
        self,
        *,
        limit: int | None = None,
        policies: Policies | None = None,
        observe: Observer | None = None,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> AsyncIterator[Result[ModelInfo, ClaudeError]]:
        """The async twin of ``iter_models``."""
        return _resources.aiter_models(
            self._session,
            _options(timeout, extra_body, extra_headers, extra_query),
            limit=limit,
            policies=policies,
            observe=observe,
        )

    def get_model(
        self,
        model_id: str,
        *,
        policies: Policies | None = None,
        observe: Observer | None = None,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> Result[ModelInfo, ClaudeError]:
        """One model by id or alias (``GET /v1/models/{id}``)."""
        return _resources.get_model(
            self._session,
            model_id,
            _options(timeout, extra_body, extra_headers, extra_query),
            policies=policies,
            observe=observe,
        )

    async def aget_model(
        self,
        model_id: str,
        *,
        policies: Policies | None = None,
        observe: Observer | None = None,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> Result[ModelInfo, ClaudeError]:
        """The async twin of ``get_model``."""
        return await _resources.aget_model(
            self._session,
            model_id,
            _options(timeout, extra_body, extra_headers, extra_query),
            policies=policies,
            observe=observe,
        )

    def create_batch(
        self,
        requests: Sequence[Mapping[str, object]],
        *,
        checks: bool = True,
        policies: Policies | None = None,
        observe: Observer | None = None,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> Result[MessageBatch, ClaudeError]:
        """Create a message batch, every request checked first (``POST /v1/messages/batches``)."""
        return _batches.create_batch(
            self._session,
            requests,
            _options(timeout, extra_body, extra_headers, extra_query),
            checks=checks,
            policies=policies,
            observe=observe,
        )

    async def acreate_batch(
        self,
        requests: Sequence[Mapping[str, object]],
        *,
        checks: bool = True,
        policies: Policies | None = None,
        observe: Observer | None = None,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> Result[MessageBatch, ClaudeError]:
        """The async twin of ``create_batch``."""
        return await _batches.acreate_batch(
            self._session,
            requests,
            _options(timeout, extra_body, extra_headers, extra_query),
            checks=checks,
            policies=policies,
            observe=observe,
        )

    def get_batch(
        self,
        batch_id: str,
        *,
        policies: Policies | None = None,
        observe: Observer | None = None,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> Result[MessageBatch, ClaudeError]:
        """A batch's current state (``GET /v1/messages/batches/{id}``)."""
        return _batches.get_batch(
            self._session,
            batch_id,
            _options(timeout, extra_body, extra_headers, extra_query),
            policies=policies,
            observe=observe,
        )

    async def aget_batch(
        self,
        batch_id: str,
        *,
        policies: Policies | None = None,
        observe: Observer | None = None,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> Result[MessageBatch, ClaudeError]:
        """The async twin of ``get_batch``."""
        return await _batches.aget_batch(
            self._session,
            batch_id,
            _options(timeout, extra_body, extra_headers, extra_query),
            policies=policies,
            observe=observe,
        )

    def list_batches(
        self,
        *,
        limit: int | None = None,
        before_id: str | None = None,
        after_id: str | None = None,
        policies: Policies | None = None,
        observe: Observer | None = None,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> Result[BatchPage, ClaudeError]:
        """One page of batches, newest first."""
        return _batches.list_batches(
            self._session,
            _options(timeout, extra_body, extra_headers, extra_query),
            limit=limit,
            before_id=before_id,
            after_id=after_id,
            policies=policies,
            observe=observe,
        )

    async def alist_batches(
        self,
        *,
        limit: int | None = None,
        before_id: str | None = None,
        after_id: str | None = None,
        policies: Policies | None = None,
        observe: Observer | None = None,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> Result[BatchPage, ClaudeError]:
        """The async twin of ``list_batches``."""
        return await _batches.alist_batches(
            self._session,
            _options(timeout, extra_body, extra_headers, extra_query),
            limit=limit,
            before_id=before_id,
            after_id=after_id,
            policies=policies,
            observe=observe,
        )

    def iter_batches(
        self,
        *,
        limit: int | None = None,
        policies: Policies | None = None,
        observe: Observer | None = None,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> Iterator[Result[MessageBatch, ClaudeError]]:
        """Every batch: one request per page, made as you walk."""
        return _batches.iter_batches(
            self._session,
            _options(timeout, extra_body, extra_headers, extra_query),
            limit=limit,
            policies=policies,
            observe=observe,
        )

    def aiter_batches(
        self,
        *,
        limit: int | None = None,
        policies: Policies | None = None,
        observe: Observer | None = None,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> AsyncIterator[Result[MessageBatch, ClaudeError]]:
        """The async twin of ``iter_batches``."""
        return _batches.aiter_batches(
            self._session,
            _options(timeout, extra_body, extra_headers, extra_query),
            limit=limit,
            policies=policies,
            observe=observe,
        )

    def cancel_batch(
        self,
        batch_id: str,
        *,
        policies: Policies | None = None,
        observe: Observer | None = None,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> Result[MessageBatch, ClaudeError]:
        """Cancel a batch (it goes ``canceling``, then ``ended``)."""
        return _batches.cancel_batch(
            self._session,
            batch_id,
            _options(timeout, extra_body, extra_headers, extra_query),
            policies=policies,
            observe=observe,
        )

    async def acancel_batch(
        self,
        batch_id: str,
        *,
        policies: Policies | None = None,
        observe: Observer | None = None,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> Result[MessageBatch, ClaudeError]:
        """The async twin of ``cancel_batch``."""
        return await _batches.acancel_batch(
            self._session,
            batch_id,
            _options(timeout, extra_body, extra_headers, extra_query),
            policies=policies,
            observe=observe,
        )

    def delete_batch(
        self,
        batch_id: str,
        *,
        policies: Policies | None = None,
        observe: Observer | None = None,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> Result[DeletedMessageBatch, ClaudeError]:
        """Delete an ended batch."""
        return _batches.delete_batch(
            self._session,
            batch_id,
            _options(timeout, extra_body, extra_headers, extra_query),
            policies=policies,
            observe=observe,
        )

    async def adelete_batch(
        self,
        batch_id: str,
        *,
        policies: Policies | None = None,
        observe: Observer | None = None,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> Result[DeletedMessageBatch, ClaudeError]:
        """The async twin of ``delete_batch``."""
        return await _batches.adelete_batch(
            self._session,
            batch_id,
            _options(timeout, extra_body, extra_headers, extra_query),
            policies=policies,
            observe=observe,
        )

    def batch_results(
        self,
        batch: str | MessageBatch,
        *,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> Iterator[Result[BatchResultLine, ClaudeError]]:
        """An ended batch's results, one ``Result`` per JSONL line, streamed (flat memory)."""
        return _batches.batch_results(
            self._session, batch, _options(timeout, extra_body, extra_headers, extra_query)
        )

    def abatch_results(
        self,
        batch: str | MessageBatch,
        *,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> AsyncIterator[Result[BatchResultLine, ClaudeError]]:
        """The async twin of ``batch_results``."""
        return _batches.abatch_results(
            self._session, batch, _options(timeout, extra_body, extra_headers, extra_query)
        )

    def wait_for_batch(
        self,
        batch_id: str,
        *,
        poll_every: float = 30.0,
        max_poll_every: float = 300.0,
        on_progress: Progress | None = None,
        deadline: float | None = None,
        cancel: Callable[[], bool] | None = None,
        policies: Policies | None = None,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> Result[MessageBatch, ClaudeError]:
        """Poll until the batch ends, with backoff, telling ``on_progress`` each state (explicit)."""
        return _batches.wait_for_batch(
            self._session,
            batch_id,
            _options(timeout, extra_body, extra_headers, extra_query),
            poll_every=poll_every,
            max_poll_every=max_poll_every,
            on_progress=on_progress,
            deadline=deadline,
            cancel=cancel,
            policies=policies,
        )

    async def await_for_batch(
        self,
        batch_id: str,
        *,
        poll_every: float = 30.0,
        max_poll_every: float = 300.0,
        on_progress: Progress | None = None,
        deadline: float | None = None,
        cancel: Callable[[], bool] | None = None,
        policies: Policies | None = None,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> Result[MessageBatch, ClaudeError]:
        """The async twin of ``wait_for_batch``."""
        return await _batches.await_for_batch(
            self._session,
            batch_id,
            _options(timeout, extra_body, extra_headers, extra_query),
            poll_every=poll_every,
            max_poll_every=max_poll_every,
            on_progress=on_progress,
            deadline=deadline,
            cancel=cancel,
            policies=policies,
        )

    def upload_file(
        self,
        file: FileSource,
        *,
        media_type: str | None = None,
        filename: str | None = None,
        policies: Policies | None = None,
        observe: Observer | None = None,
        on_progress: UploadProgress | None = None,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> Result[FileObject, ClaudeError]:
        """Upload a file (a path, streamed from disk, or bytes) to the Files API;
        ``on_progress(bytes sent, size)`` is told after each chunk goes out."""
        return _files.upload_file(
            self._session,
            file,
            _options(timeout, extra_body, extra_headers, extra_query),
            media_type=media_type,
            filename=filename,
            policies=policies,
            observe=observe,
            on_progress=on_progress,
        )

    async def aupload_file(
        self,
        file: FileSource,
        *,
        media_type: str | None = None,
        filename: str | None = None,
        policies: Policies | None = None,
        observe: Observer | None = None,
        on_progress: UploadProgress | None = None,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> Result[FileObject, ClaudeError]:
        """The async twin of ``upload_file``."""
        return await _files.aupload_file(
            self._session,
            file,
            _options(timeout, extra_body, extra_headers, extra_query),
            media_type=media_type,
            filename=filename,
            policies=policies,
            observe=observe,
            on_progress=on_progress,
        )

    def list_files(
        self,
        *,
        limit: int | None = None,
        before_id: str | None = None,
        after_id: str | None = None,
        page: str | None = None,
        policies: Policies | None = None,
        observe: Observer | None = None,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> Result[FilePage, ClaudeError]:
        """One page of uploaded files."""
        return _files.list_files(
            self._session,
            _options(timeout, extra_body, extra_headers, extra_query),
            limit=limit,
            before_id=before_id,
            after_id=after_id,
            page=page,
            policies=policies,
            observe=observe,
        )

    async def alist_files(
        self,
        *,
        limit: int | None = None,
        before_id: str | None = None,
        after_id: str | None = None,
        page: str | None = None,
        policies: Policies | None = None,
        observe: Observer | None = None,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> Result[FilePage, ClaudeError]:
        """The async twin of ``list_files``."""
        return await _files.alist_files(
            self._session,
            _options(timeout, extra_body, extra_headers, extra_query),
            limit=limit,
            before_id=before_id,
            after_id=after_id,
            page=page,
            policies=policies,
            observe=observe,
        )

    def iter_files(
        self,
        *,
        limit: int | None = None,
        policies: Policies | None = None,
        observe: Observer | None = None,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> Iterator[Result[FileObject, ClaudeError]]:
        """Every file: one request per page, made as you walk."""
        return _files.iter_files(
            self._session,
            _options(timeout, extra_body, extra_headers, extra_query),
            limit=limit,
            policies=policies,
            observe=observe,
        )

    def aiter_files(
        self,
        *,
        limit: int | None = None,
        policies: Policies | None = None,
        observe: Observer | None = None,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> AsyncIterator[Result[FileObject, ClaudeError]]:
        """The async twin of ``iter_files``."""
        return _files.aiter_files(
            self._session,
            _options(timeout, extra_body, extra_headers, extra_query),
            limit=limit,
            policies=policies,
            observe=observe,
        )

    def get_file(
        self,
        file_id: str,
        *,
        policies: Policies | None = None,
        observe: Observer | None = None,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> Result[FileObject, ClaudeError]:
        """A file's metadata."""
        return _files.get_file(
            self._session,
            file_id,
            _options(timeout, extra_body, extra_headers, extra_query),
            policies=policies,
            observe=observe,
        )

    async def aget_file(
        self,
        file_id: str,
        *,
        policies: Policies | None = None,
        observe: Observer | None = None,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> Result[FileObject, ClaudeError]:
        """The async twin of ``get_file``."""
        return await _files.aget_file(
            self._session,
            file_id,
            _options(timeout, extra_body, extra_headers, extra_query),
            policies=policies,
            observe=observe,
        )

    def download_file(
        self,
        file_id: str,
        to: PathLike | IO[bytes],
        *,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> Result[int, ClaudeError]:
        """Stream a file's content to a path or binary writable; the bytes written."""
        return _files.download_file(
            self._session, file_id, to, _options(timeout, extra_body, extra_headers, extra_query)
        )

    async def adownload_file(
        self,
        file_id: str,
        to: PathLike | IO[bytes],
        *,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> Result[int, ClaudeError]:
        """The async twin of ``download_file``."""
        return await _files.adownload_file(
            self._session, file_id, to, _options(timeout, extra_body, extra_headers, extra_query)
        )

    def delete_file(
        self,
        file_id: str,
        *,
        policies: Policies | None = None,
        observe: Observer | None = None,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> Result[DeletedFile, ClaudeError]:
        """Delete a file."""
        return _files.delete_file(
            self._session,
            file_id,
            _options(timeout, extra_body, extra_headers, extra_query),
            policies=policies,
            observe=observe,
        )

    async def adelete_file(
        self,
        file_id: str,
        *,
        policies: Policies | None = None,
        observe: Observer | None = None,
        timeout: float | None = None,
        extra_body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> Result[DeletedFile, ClaudeError]:
        """The async twin of ``delete_file``."""
        return await _files.adelete_file(
            self._session,
            file_id,
            _options(timeout, extra_body, extra_headers, extra_query),
            policies=policies,
            observe=observe,
        )


def _configure(
    *,
    api_key: str | None,
    auth_token: str | None,
    base_url: str,
    api_version: str,
    betas: Sequence[str],
    timeouts: Timeouts | None,
    max_connections: int,
    max_response_bytes: int,
    default_headers: Mapping[str, str] | None,
) -> tuple[Settings, Result[Target, ClaudeError]]:
    """The checked settings (the defaults if unusable) and the target, or why there is none.

    Never raises: a hostile argument (a ``str`` subclass whose methods raise, say) makes the
    client unusable with ``InvalidArgument`` naming only the exception's type.
    """
    try:
        raw = Settings(
            base_url=base_url,
            api_version=api_version,
            betas=_betas(betas),
            timeouts=timeouts if timeouts is not None else Timeouts(),
            max_connections=max_connections,
            max_response_bytes=max_response_bytes,
        )
        checked: Result[Settings, ClaudeError] = check_settings(raw)
        defaults: Result[dict[str, str], ClaudeError] = (
            Success({})
            if default_headers is None
            else check_header_fields(default_headers, path="default_headers")
        )
        target: Result[Target, ClaudeError] = checked.bind(
            lambda ok: _credentials(api_key, auth_token).bind(
                lambda credentials: make_target(ok, credentials)
            )
        ).bind(lambda made: defaults.map(lambda extra: merged_target(made, extra)))
        # An unusable client still needs sane sizes for its (idle) pool; it never sends.
        return checked.value_or(Settings()), target
    except Exception as exc:  # a hostile input must not escape as a traceback
        problem = f"reading the settings raised {type(exc).__name__}; pass plain str and numbers"
        return Settings(), Failure(InvalidArgument(path="client", problem=problem))


def _options(
    timeout: float | None,
    extra_body: Mapping[str, object] | None,
    extra_headers: Mapping[str, str] | None,
    extra_query: Mapping[str, str] | None,
) -> Result[CallOptions, ClaudeError]:
    """The per-call options, the timeout checked (the extras are checked when building)."""
    try:
        checked = check_timeout(timeout)
    except Exception as exc:  # a hostile number must not escape as a traceback
        return Failure(
            InvalidArgument(path="timeout", problem=f"reading it raised {type(exc).__name__}")
        )
    return checked.map(
        lambda seconds: CallOptions(
            timeout=seconds,
            extra_body=extra_body,
            extra_headers=extra_headers,
            extra_query=extra_query,
        )
    )


def _tls(ca: CaBundle | None, proxy: str | None) -> Result[transport.TlsConfig, ClaudeError]:
    """The CA bundle and proxy, checked: the bundle must load, the proxy be an http(s) URL."""
    given_ca: object = ca
    if given_ca is not None and not isinstance(given_ca, str | os.PathLike | ssl.SSLContext):
        return Failure(
            InvalidArgument(path="ca", problem="must be a CA bundle path or an ssl.SSLContext")
        )
    if ca is not None and not isinstance(ca, ssl.SSLContext):
        try:
            transport.load_ca(ca)
        except (OSError, ssl.SSLError, ValueError) as exc:
            return Failure(
                InvalidArgument(
                    path="ca", problem=f"cannot be loaded as a CA bundle ({type(exc).__name__})"
                )
            )
    if proxy is not None:
        given_proxy: object = proxy
        if not isinstance(given_proxy, str):
            return Failure(InvalidArgument(path="proxy", problem="must be a URL string"))
        checked = _check_proxy(proxy)
        if isinstance(checked, Failure):
            return Failure(checked.failure())
    return Success(transport.TlsConfig(ca=ca, proxy=proxy))


def _check_proxy(proxy: str) -> Result[str, ClaudeError]:
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in proxy):
        return Failure(InvalidArgument(path="proxy", problem="contains a control character"))
    try:
        parts = urlsplit(proxy)
        _ = parts.port
    except ValueError:
        return Failure(InvalidArgument(path="proxy", problem="is not a URL"))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return Failure(
            InvalidArgument(path="proxy", problem="must be an http:// or https:// proxy URL")
        )
    return Success(proxy)


def _bypassed(base_url: str, no_proxy: str) -> bool:
    """Whether ``NO_PROXY`` names the base URL's host (``*``, the host, or a domain suffix)."""
    checked = check_base_url(base_url)
    if isinstance(checked, Failure):
        return False
    host = (urlsplit(checked.unwrap()).hostname or "").lower()
    for entry in no_proxy.split(","):
        name = entry.strip().lower().lstrip(".")
        if name == "*" or (name and (host == name or host.endswith("." + name))):
            return True
    return False


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
