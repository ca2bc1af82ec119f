"""Shell holders for policy state that lives across calls: breaker, rate limiter, failover.

Each holder keeps one immutable state value behind a lock and swaps in what the pure transition
function returns. They read no clock themselves: every method takes ``now`` (the shell passes its
clock's reading), so tests drive them with a fake clock. One holder may be shared by many
threads and tasks at once.
"""

from __future__ import annotations

import threading

from returns.result import Failure, Result, Success

from claude.pure import breaker, failover, ratelimit
from claude.pure.breaker import BreakerPolicy, BreakerState
from claude.pure.errors import (
    CircuitOpen,
    ClaudeError,
    InvalidArgument,
    NoEndpointAvailable,
    Throttled,
)
from claude.pure.failover import (
    AttemptContext,
    Endpoint,
    EndpointHealth,
    FailoverPolicy,
    FailoverState,
)
from claude.pure.ratelimit import (
    EndpointClass,
    LimitPolicy,
    RateLimitPolicy,
    RateLimitState,
    SlidingWindowPolicy,
    TokenBucketPolicy,
)

__all__ = ["CircuitBreaker", "Failover", "RateLimiter"]


class CircuitBreaker:
    """A circuit breaker shared by every call given it: Closed -> Open -> HalfOpen -> Closed."""

    def __init__(self, policy: BreakerPolicy | None = None) -> None:
        self.policy = policy if policy is not None else BreakerPolicy()
        self._state = BreakerState()
        self._lock = threading.Lock()

    @property
    def state(self) -> BreakerState:
        """The breaker's current state value."""
        return self._state

    def admit(self, *, now: float) -> Result[int, CircuitOpen]:
        """Take a slot for one call and its ticket, or refuse with when the breaker will
        half-open. Report the call with that ticket, so a late report cannot count twice."""
        with self._lock:
            decided = breaker.admit(self._state, self.policy, now=now)
            if isinstance(decided, Failure):
                return Failure(decided.failure())
            self._state = decided.unwrap()
            return Success(breaker.ticket(self._state))

    def record(self, error: ClaudeError | None, *, now: float, ticket: int | None = None) -> None:
        """Report an admitted call's outcome (``None`` for success); a stale ticket is ignored."""
        with self._lock:
            self._state = breaker.record(self._state, self.policy, error, now=now, ticket=ticket)

    def release(self, *, now: float, ticket: int | None = None) -> None:
        """An admitted call ended without a verdict (cancelled): free its probe slot."""
        with self._lock:
            self._state = breaker.release(self._state, self.policy, now=now, ticket=ticket)

    def __repr__(self) -> str:
        return f"CircuitBreaker({self._state.phase.value}, failures={self._state.failures})"


class RateLimiter:
    """A client-side rate limiter: one policy for all calls, or one per endpoint class."""

    def __init__(self, policy: LimitPolicy | RateLimitPolicy) -> None:
        if isinstance(policy, TokenBucketPolicy | SlidingWindowPolicy):
            # One limit for every call: all endpoint classes share the MESSAGES bucket.
            self.policy = RateLimitPolicy(per_class={EndpointClass.MESSAGES: policy})
            self._shared = True
        else:
            self.policy = policy
            self._shared = False
        self._state = RateLimitState()
        self._lock = threading.Lock()

    def _class(self, endpoint: EndpointClass) -> EndpointClass:
        return EndpointClass.MESSAGES if self._shared else endpoint

    def acquire(
        self,
        *,
        now: float,
        cost: float = 1.0,
        endpoint: EndpointClass = EndpointClass.MESSAGES,
    ) -> Result[float, InvalidArgument]:
        """Admit ``cost`` now (``0.0``), or the seconds to wait before asking again."""
        with self._lock:
            decided = ratelimit.acquire_for(
                self._state, self.policy, self._class(endpoint), now=now, cost=cost
            )
            if isinstance(decided, Failure):
                return Failure(decided.failure())
            self._state, wait = decided.unwrap()
        return Success(wait)

    def try_acquire(
        self,
        *,
        now: float,
        cost: float = 1.0,
        endpoint: EndpointClass = EndpointClass.MESSAGES,
    ) -> Result[None, Throttled | InvalidArgument]:
        """Admit ``cost`` now or fail with ``Throttled(wait)``; never waits."""
        asked = self.acquire(now=now, cost=cost, endpoint=endpoint)
        if isinstance(asked, Failure):
            return Failure(asked.failure())
        wait = asked.unwrap()
        return Success(None) if wait == 0.0 else Failure(Throttled(wait=wait))

    @property
    def state(self) -> RateLimitState:
        """The limiter's current state value."""
        return self._state


class Failover:
    """Endpoint health that lives across calls, for ``execute_with_failover``."""

    def __init__(self, policy: FailoverPolicy) -> None:
        self.policy = policy
        self._state = FailoverState()
        self._lock = threading.Lock()

    @property
    def state(self) -> FailoverState:
        """The current health and strategy state."""
        return self._state

    def select(
        self, context: AttemptContext, *, u: float
    ) -> Result[tuple[Endpoint, AttemptContext], NoEndpointAvailable]:
        """The endpoint for the next attempt of a call, never one the call already tried."""
        with self._lock:
            chosen = failover.select(self._state, context, policy=self.policy, u=u)
            if isinstance(chosen, Failure):
                return Failure(chosen.failure())
            endpoint, context, self._state = chosen.unwrap()
        return Success((endpoint, context))

    def record_outcome(self, url: str, *, ok: bool) -> None:
        """Update an endpoint's health from a call's outcome."""
        with self._lock:
            self._state = failover.record_outcome(self._state, url, ok, policy=self.policy)

    def mark(self, url: str, health: EndpointHealth) -> None:
        """Set an endpoint's health from a health check."""
        with self._lock:
            self._state = failover.mark(self._state, url, health, policy=self.policy)

    def endpoints(self) -> tuple[Endpoint, ...]:
        """The endpoints with their current health."""
        return failover.current(self._state, policy=self.policy)
