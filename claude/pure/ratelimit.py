"""Client-side rate limiting: a token bucket or a sliding window, per class of endpoint.

Theory of operation
-------------------
A limit is a frozen policy plus a frozen state; ``acquire(state, policy, now=..., cost=...)``
answers ``Success((state, 0.0))`` when the call may go now (keep the new state) and
``Success((state, wait))`` with ``wait > 0`` when it may not: come back in ``wait`` seconds. A
refusal **reserves nothing** and the returned state is the one passed in, so the shell sleeps
exactly ``wait`` and asks again, or, told not to wait, fails with ``Throttled(wait)``
(``try_acquire`` does that in one step). Without a reservation a waiting caller can be overtaken by
one that arrives later; in exchange the state never holds debt and a cancelled waiter leaves no
trace. ``state=None`` means "never used": a full bucket, an empty window.

``cost`` is in the policy's ``unit``: 1 per request for ``"requests"``, an estimate for
``"tokens"``. A cost the limit could never admit (above ``burst`` or ``limit``), a negative cost or
NaN is ``Failure(InvalidArgument)``, not an endless wait.

**Token bucket** (``TokenBucketPolicy(rate, burst)``, as Anthropic enforces its own limits,
api-reference §12): the level refills continuously, ``level(t) = min(burst, level + (t - at) *
rate)``; a call of cost ``c`` goes when ``c <= level(now)`` and takes ``c``; otherwise
``wait = (c - level(now)) / rate``.

**Sliding window** (``SlidingWindowPolicy(limit, window)``): the state logs ``(time, cost)`` of
admitted calls; an entry stops counting once ``time + window <= now``; a call goes when the live
costs plus its own stay ``<= limit``; otherwise ``wait`` runs until enough of the oldest entries
expire.

Waits are nudged up by a few ulps so that coming back at exactly ``now + wait`` is admitted: float
rounding can never leave a caller spinning on waits too small to move the clock.

**Per endpoint class**: ``RateLimitPolicy(per_class={EndpointClass.MESSAGES: ...}, default=...)``
holds one limit per class (``endpoint_class(path)`` names the class of a request path) and
``acquire_for``/``try_acquire_for`` keep one state per class in a ``RateLimitState``. A class with
no limit and no default is unlimited.

Invariants (checked by ``tests/property/test_ratelimit.py``):

* a bucket's level stays within ``[0, burst]``;
* over any run from a fresh bucket, the admitted cost up to time ``T`` is at most
  ``rate * T + burst``;
* a window never admits more than ``limit`` within any ``window`` seconds;
* coming back after the wait it was given, an otherwise idle caller is admitted;
* a refusal leaves the state unchanged; a cost above capacity is an error value.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Literal, TypeAlias, overload

import msgspec
from returns.result import Failure, Result, Success

from claude.pure.errors import InvalidArgument, Throttled
from claude.pure.headers import RateLimit, RateLimits

__all__ = [
    "BucketState",
    "EndpointClass",
    "LimitFamily",
    "LimitPolicy",
    "LimitState",
    "RateLimitPolicy",
    "RateLimitState",
    "SlidingWindowPolicy",
    "TokenBucketPolicy",
    "Unit",
    "WindowState",
    "acquire",
    "acquire_for",
    "endpoint_class",
    "fresh",
    "suggest_policy",
    "try_acquire",
    "try_acquire_for",
]

Unit: TypeAlias = Literal["requests", "tokens"]


def _positive(owner: str, field: str, value: float) -> None:
    number: object = value
    if (
        not isinstance(number, int | float)
        or isinstance(number, bool)
        or not 0.0 < value < math.inf
    ):
        raise ValueError(f"{owner}.{field}: must be a finite number > 0, not {value!r}")


class TokenBucketPolicy(msgspec.Struct, frozen=True, kw_only=True):
    """A bucket of ``burst`` units refilled at ``rate`` units per second (default: 50 per minute).

    A bad value raises ``ValueError`` naming the field.
    """

    rate: float = 50 / 60
    burst: float = 10.0
    unit: Unit = "requests"

    def __post_init__(self) -> None:
        _positive("TokenBucketPolicy", "rate", self.rate)
        _positive("TokenBucketPolicy", "burst", self.burst)


class SlidingWindowPolicy(msgspec.Struct, frozen=True, kw_only=True):
    """At most ``limit`` units within any ``window`` seconds.

    A bad value raises ``ValueError`` naming the field.
    """

    limit: float = 50.0
    window: float = 60.0
    unit: Unit = "requests"

    def __post_init__(self) -> None:
        _positive("SlidingWindowPolicy", "limit", self.limit)
        _positive("SlidingWindowPolicy", "window", self.window)


LimitPolicy: TypeAlias = TokenBucketPolicy | SlidingWindowPolicy


class BucketState(msgspec.Struct, frozen=True):
    """A bucket's ``level`` as of time ``at`` (the caller's monotonic seconds)."""

    level: float
    at: float


class WindowState(msgspec.Struct, frozen=True):
    """The ``(time, cost)`` of each call admitted that may still count, oldest first."""

    admitted: tuple[tuple[float, float], ...] = ()


LimitState: TypeAlias = BucketState | WindowState


@overload
def fresh(policy: TokenBucketPolicy, *, now: float) -> BucketState: ...
@overload
def fresh(policy: SlidingWindowPolicy, *, now: float) -> WindowState: ...
def fresh(policy: LimitPolicy, *, now: float) -> LimitState:
    """The state of a limit never used: a full bucket, or an empty window.

    >>> fresh(TokenBucketPolicy(rate=1.0, burst=5.0), now=3.0)
    BucketState(level=5.0, at=3.0)
    """
    match policy:
        case TokenBucketPolicy(burst=burst):
            return BucketState(burst, now)
        case SlidingWindowPolicy():
            return WindowState()


def _nudged(admits: Callable[[float], bool], now: float, wait: float) -> float:
    """``wait``, raised by the fewest ulps that make ``admits(now + wait)`` true.

    The first guess is exact in real numbers; rounding may leave it a hair short.
    """
    wait = max(0.0, wait)
    for _ in range(64):
        if admits(now + wait):
            break
        wait = max(math.nextafter(wait, math.inf), math.nextafter(now + wait, math.inf) - now)
    return wait


def _level(state: BucketState, policy: TokenBucketPolicy, now: float) -> float:
    return min(policy.burst, state.level + max(0.0, now - state.at) * policy.rate)


def _bucket(
    state: BucketState, policy: TokenBucketPolicy, now: float, cost: float
) -> tuple[BucketState, float]:
    level = _level(state, policy, now)
    if cost <= level:
        return BucketState(level - cost, max(now, state.at)), 0.0
    wait = _nudged(lambda t: cost <= _level(state, policy, t), now, (cost - level) / policy.rate)
    return state, wait


def _live(
    state: WindowState, policy: SlidingWindowPolicy, now: float
) -> tuple[tuple[float, float], ...]:
    return tuple(entry for entry in state.admitted if entry[0] + policy.window > now)


def _used(state: WindowState, policy: SlidingWindowPolicy, now: float) -> float:
    return sum(cost for _, cost in _live(state, policy, now))


def _window(
    state: WindowState, policy: SlidingWindowPolicy, now: float, cost: float
) -> tuple[WindowState, float]:
    live = _live(state, policy, now)
    used = sum(c for _, c in live)
    if used + cost <= policy.limit:
        if cost == 0.0:
            return WindowState(live), 0.0
        # Stamps never go backwards, so the log stays oldest first even if the clock does.
        stamp = max(now, live[-1][0]) if live else now
        return WindowState((*live, (stamp, cost))), 0.0
    # The entry whose expiry makes room: drop the oldest until the rest plus ``cost`` fit.
    freed = 0.0
    target = now
    for at, spent in live:
        freed += spent
        target = at + policy.window
        if used - freed + cost <= policy.limit:
            break
    wait = _nudged(lambda t: _used(state, policy, t) + cost <= policy.limit, now, target - now)
    return state, wait


def _bad_cost(policy: LimitPolicy, cost: float) -> InvalidArgument | None:
    capacity, name = (
        (policy.burst, "burst")
        if isinstance(policy, TokenBucketPolicy)
        else (policy.limit, "limit")
    )
    if not 0.0 <= cost < math.inf:
        return InvalidArgument(path="cost", problem=f"must be a finite number >= 0, not {cost!r}")
    if cost > capacity:
        return InvalidArgument(
            path="cost",
            problem=(
                f"{cost:g} {policy.unit} is more than this limit ever admits at once "
                f"({name} {capacity:g}); raise {name} or split the call"
            ),
        )
    return None


@overload
def acquire(
    state: BucketState | None, policy: TokenBucketPolicy, *, now: float, cost: float = 1.0
) -> Result[tuple[BucketState, float], InvalidArgument]: ...
@overload
def acquire(
    state: WindowState | None, policy: SlidingWindowPolicy, *, now: float, cost: float = 1.0
) -> Result[tuple[WindowState, float], InvalidArgument]: ...
@overload
def acquire(
    state: LimitState | None, policy: LimitPolicy, *, now: float, cost: float = 1.0
) -> Result[tuple[LimitState, float], InvalidArgument]: ...
def acquire(
    state: LimitState | None, policy: LimitPolicy, *, now: float, cost: float = 1.0
) -> Result[tuple[LimitState, float], InvalidArgument]:
    """Ask to spend ``cost`` at ``now``: ``(new state, 0.0)`` to go now, ``(same state, wait)`` to
    come back in ``wait`` seconds, or an error for a cost the limit can never admit.

    A state of the other kind than the policy (the policy changed) counts as never used.

    >>> p = TokenBucketPolicy(rate=2.0, burst=1.0)
    >>> state, wait = acquire(None, p, now=0.0).unwrap()
    >>> state, wait
    (BucketState(level=0.0, at=0.0), 0.0)
    >>> acquire(state, p, now=0.0).unwrap()[1]
    0.5
    """
    problem = _bad_cost(policy, cost)
    if problem is not None:
        return Failure(problem)
    match policy, state:
        case TokenBucketPolicy(), BucketState():
            return Success(_bucket(state, policy, now, cost))
        case TokenBucketPolicy(), _:
            return Success(_bucket(fresh(policy, now=now), policy, now, cost))
        case SlidingWindowPolicy(), WindowState():
            return Success(_window(state, policy, now, cost))
        case SlidingWindowPolicy(), _:
            return Success(_window(WindowState(), policy, now, cost))


def _throttled(
    decided: Result[tuple[LimitState, float], InvalidArgument],
) -> Result[LimitState, Throttled | InvalidArgument]:
    if isinstance(decided, Failure):
        return Failure(decided.failure())
    state, wait = decided.unwrap()
    return Success(state) if wait == 0.0 else Failure(Throttled(wait=wait))


@overload
def try_acquire(
    state: BucketState | None, policy: TokenBucketPolicy, *, now: float, cost: float = 1.0
) -> Result[BucketState, Throttled | InvalidArgument]: ...
@overload
def try_acquire(
    state: WindowState | None, policy: SlidingWindowPolicy, *, now: float, cost: float = 1.0
) -> Result[WindowState, Throttled | InvalidArgument]: ...
@overload
def try_acquire(
    state: LimitState | None, policy: LimitPolicy, *, now: float, cost: float = 1.0
) -> Result[LimitState, Throttled | InvalidArgument]: ...
def try_acquire(
    state: LimitState | None, policy: LimitPolicy, *, now: float, cost: float = 1.0
) -> Result[LimitState, Throttled | InvalidArgument]:
    """``acquire`` for a caller that will not wait: the new state, or ``Throttled(wait)``.

    >>> p = TokenBucketPolicy(rate=2.0, burst=1.0)
    >>> try_acquire(BucketState(0.0, 0.0), p, now=0.0)
    <Failure: throttled: the rate limiter admits this call in 0.5 s>
    """
    return _throttled(acquire(state, policy, now=now, cost=cost))


# --- per endpoint class ------------------------------------------------------------------


class EndpointClass(StrEnum):
    """The families of endpoints that carry separate limits."""

    MESSAGES = "messages"
    COUNT_TOKENS = "count_tokens"
    MODELS = "models"
    BATCHES = "batches"
    FILES = "files"
    OTHER = "other"


def endpoint_class(path: str) -> EndpointClass:
    """The class of a request path such as ``/v1/messages/batches/abc``.

    >>> endpoint_class("/v1/messages/count_tokens"), endpoint_class("/v1/messages?beta=true")
    (<EndpointClass.COUNT_TOKENS: 'count_tokens'>, <EndpointClass.MESSAGES: 'messages'>)
    """
    parts = [p for p in path.split("?", 1)[0].split("/") if p]
    if parts and parts[0] == "v1":
        parts = parts[1:]
    match parts:
        case ["messages", "count_tokens", *_]:
            return EndpointClass.COUNT_TOKENS
        case ["messages", "batches", *_]:
            return EndpointClass.BATCHES
        case ["messages"]:
            return EndpointClass.MESSAGES
        case ["models", *_]:
            return EndpointClass.MODELS
        case ["files", *_]:
            return EndpointClass.FILES
        case _:
            return EndpointClass.OTHER


class RateLimitPolicy(msgspec.Struct, frozen=True, kw_only=True):
    """One limit per endpoint class; ``default`` for the classes not named (``None``: unlimited).

    ``per_class`` keys may be ``EndpointClass`` members or their names (``"messages"``); the
    mapping is copied, so changing the dict passed in later changes nothing.
    """

    per_class: Mapping[EndpointClass, LimitPolicy] = msgspec.field(default_factory=dict)
    default: LimitPolicy | None = None

    def __post_init__(self) -> None:
        copied: dict[EndpointClass, LimitPolicy] = {}
        for key, limit in self.per_class.items():
            try:
                copied[EndpointClass(key)] = limit
            except ValueError:
                names = ", ".join(repr(c.value) for c in EndpointClass)
                raise ValueError(
                    f"RateLimitPolicy.per_class: unknown endpoint class {key!r}; use one of {names}"
                ) from None
        msgspec.structs.force_setattr(self, "per_class", MappingProxyType(copied))

    def limit_for(self, endpoint: EndpointClass) -> LimitPolicy | None:
        """The limit that applies to ``endpoint``, or ``None`` for none."""
        return self.per_class.get(endpoint, self.default)


class RateLimitState(msgspec.Struct, frozen=True):
    """One limit state per endpoint class used so far."""

    states: tuple[tuple[EndpointClass, LimitState], ...] = ()

    def get(self, endpoint: EndpointClass) -> LimitState | None:
        """The state of ``endpoint``'s limit, or ``None`` if never used."""
        return next((s for c, s in self.states if c == endpoint), None)

    def put(self, endpoint: EndpointClass, state: LimitState) -> RateLimitState:
        """A copy with ``endpoint``'s state replaced."""
        return RateLimitState(
            ((endpoint, state), *((c, s) for c, s in self.states if c != endpoint))
        )


def acquire_for(
    state: RateLimitState,
    policy: RateLimitPolicy,
    endpoint: EndpointClass,
    *,
    now: float,
    cost: float = 1.0,
) -> Result[tuple[RateLimitState, float], InvalidArgument]:
    """``acquire`` against the limit of ``endpoint``'s class; an unlimited class always goes.

    >>> p = RateLimitPolicy(per_class={"messages": TokenBucketPolicy(rate=1.0, burst=1.0)})
    >>> s, wait = acquire_for(RateLimitState(), p, EndpointClass.MESSAGES, now=0.0).unwrap()
    >>> acquire_for(s, p, EndpointClass.MESSAGES, now=0.0).unwrap()[1]
    1.0
    >>> acquire_for(s, p, EndpointClass.MODELS, now=0.0).unwrap()[1]
    0.0
    """
    limit = policy.limit_for(endpoint)
    if limit is None:
        return Success((state, 0.0))

    def keep(decided: tuple[LimitState, float]) -> tuple[RateLimitState, float]:
        new, wait = decided
        return (state.put(endpoint, new) if wait == 0.0 else state), wait

    return acquire(state.get(endpoint), limit, now=now, cost=cost).map(keep)


def try_acquire_for(
    state: RateLimitState,
    policy: RateLimitPolicy,
    endpoint: EndpointClass,
    *,
    now: float,
    cost: float = 1.0,
) -> Result[RateLimitState, Throttled | InvalidArgument]:
    """``acquire_for`` for a caller that will not wait: the new state, or ``Throttled(wait)``."""
    decided = acquire_for(state, policy, endpoint, now=now, cost=cost)
    if isinstance(decided, Failure):
        return Failure(decided.failure())
    new, wait = decided.unwrap()
    return Success(new) if wait == 0.0 else Failure(Throttled(wait=wait))


# --- sizing from the server's headers ----------------------------------------------------

LimitFamily: TypeAlias = Literal["requests", "tokens", "input_tokens", "output_tokens"]


def suggest_policy(
    rate_limits: RateLimits,
    *,
    family: LimitFamily = "requests",
    period: float = 60.0,
    burst_share: float = 1.0,
) -> TokenBucketPolicy | None:
    """A bucket that mirrors the server's for one limit family, or ``None`` without its ``-limit``.

    Anthropic's limits are per minute and refill continuously up to the limit (api-reference §12),
    so for a family with ``limit`` L::

        rate  = L / period                        (units per second; period = 60 s)
        burst = max(1, min(L, L * burst_share))   (the whole allowance by default)

    The server may also enforce a limit over shorter intervals, so a burst of the whole minute can
    still draw a 429: pass ``burst_share < 1`` to spread calls out. ``remaining`` and ``reset`` are
    deliberately unused: they describe the bucket now, not its size. Token families give a bucket
    in ``"tokens"``.

    >>> from claude.pure.headers import RateLimit
    >>> suggest_policy(RateLimits(requests=RateLimit(limit=50, remaining=49)))
    TokenBucketPolicy(rate=0.8333333333333334, burst=50.0, unit='requests')
    """
    limit: RateLimit | None = {
        "requests": rate_limits.requests,
        "tokens": rate_limits.tokens,
        "input_tokens": rate_limits.input_tokens,
        "output_tokens": rate_limits.output_tokens,
    }[family]
    if limit is None or limit.limit is None or limit.limit <= 0:
        return None
    if not 0.0 < period < math.inf:
        raise ValueError(f"suggest_policy: period must be a finite number > 0, not {period!r}")
    if not 0.0 < burst_share <= 1.0:
        raise ValueError(f"suggest_policy: burst_share must be in (0, 1], not {burst_share!r}")
    size = float(limit.limit)
    return TokenBucketPolicy(
        rate=size / period,
        burst=max(1.0, min(size, size * burst_share)),
        unit="requests" if family == "requests" else "tokens",
    )
