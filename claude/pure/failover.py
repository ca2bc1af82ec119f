"""Failover: pick the endpoint for each attempt among several base URLs, by health and strategy.

Theory of operation
-------------------
``FailoverPolicy(endpoints=[...], strategy=...)`` lists the endpoints (base URLs in priority order,
or ``Endpoint`` values with explicit priorities, lower first) and how to choose among them.
``FailoverState`` is what the shell keeps between calls: each endpoint's health and run of
failures, the round-robin cursor and the sticky choice. ``AttemptContext`` belongs to one call: the
endpoints it has tried, so that a call never visits an endpoint twice.

``select(state, ctx, policy=..., u=...)`` picks in two steps:

1. **Health tier.** Among the endpoints this call has not tried, keep only those of the best health
   present, in the order Healthy > Unknown > Degraded > Unhealthy. So an Unhealthy endpoint is
   never chosen while any other untried endpoint remains; but when every untried endpoint is
   Unhealthy one is still tried, because a health verdict is a guess and failing outright would
   turn it into a certainty.
2. **Strategy** within that tier: ``priority`` takes the first by priority; ``round_robin`` takes
   the first at or after the cursor (in priority order, wrapping) and moves the cursor past it;
   ``random`` takes the one the sample ``u`` in ``[0, 1)`` lands on; ``sticky`` keeps the previous
   choice while it is in the tier, else takes the first by priority and sticks to it.

It fails with ``NoEndpointAvailable`` when the call has used ``max_attempts`` (default: one per
endpoint) or tried every endpoint; ``last`` is the error the context was told of last.

Health moves with outcomes (``record_outcome``), by the literal table ``_HEALTH``: a success makes
an endpoint Healthy; a failure makes it Degraded, and Unhealthy once ``unhealthy_after`` failures
run in a row; a failure never makes an endpoint healthier. ``mark`` sets a health-check verdict
directly. An Unhealthy endpoint is tried again only when nothing better is left, or once a health
check (``mark``) or a success clears it.

Invariants (checked by ``tests/property/test_failover.py``):

* no call visits an endpoint twice, nor makes more than ``max_attempts`` attempts;
* an endpoint is never chosen while an untried one of strictly better health remains;
* with every endpoint healthy, round robin spreads selections evenly (counts differ by at most 1);
* every (health, outcome) pair has an entry in the health table, and no failure improves health;
* ``FailoverPolicy.create`` turns any input into a policy or an ``InvalidArgument`` naming the field.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from enum import Enum, StrEnum
from typing import Final, Literal, TypeAlias, TypeVar

import msgspec
from returns.result import Failure, Result, Success

from claude.pure.errors import ClaudeError, InvalidArgument, NoEndpointAvailable

__all__ = [
    "AttemptContext",
    "Endpoint",
    "EndpointHealth",
    "FailoverPolicy",
    "FailoverState",
    "FailoverStrategy",
    "StrategyName",
    "current",
    "mark",
    "record_outcome",
    "select",
]


class EndpointHealth(StrEnum):
    """What we believe about an endpoint."""

    HEALTHY = "healthy"
    DEGRADED = "degraded"
    UNHEALTHY = "unhealthy"
    UNKNOWN = "unknown"


# Preference within a selection: lower is better.
_RANK: Final[Mapping[EndpointHealth, int]] = {
    EndpointHealth.HEALTHY: 0,
    EndpointHealth.UNKNOWN: 1,
    EndpointHealth.DEGRADED: 2,
    EndpointHealth.UNHEALTHY: 3,
}


class FailoverStrategy(StrEnum):
    """How to choose among endpoints of equal health."""

    PRIORITY = "priority"
    ROUND_ROBIN = "round_robin"
    RANDOM = "random"
    STICKY = "sticky"


StrategyName: TypeAlias = Literal["priority", "round_robin", "random", "sticky"]

_V = TypeVar("_V")


class Endpoint(msgspec.Struct, frozen=True):
    """A base URL, its priority (lower is tried first) and its health as first assumed."""

    url: str
    priority: int = 0
    health: EndpointHealth = EndpointHealth.UNKNOWN


def _key(url: str) -> str:
    return url.strip().rstrip("/")


def _bad(field: str, problem: str) -> Failure[InvalidArgument]:
    return Failure(InvalidArgument(path=f"FailoverPolicy.{field}", problem=problem))


def _endpoints(endpoints: Sequence[object]) -> Result[tuple[Endpoint, ...], InvalidArgument]:
    if isinstance(endpoints, str):
        return _bad("endpoints", "give a list of base URLs such as ['https://a', 'https://b']")
    found: list[Endpoint] = []
    seen: set[str] = set()
    for i, item in enumerate(endpoints):
        match item:
            case str():
                endpoint = Endpoint(_key(item), i)
            case Endpoint(url=url, priority=priority, health=health):
                endpoint = Endpoint(_key(url), priority, EndpointHealth(health))
            case _:
                return _bad(f"endpoints[{i}]", f"must be a URL string or an Endpoint, not {item!r}")
        scheme, _, rest = endpoint.url.partition("://")
        if scheme not in ("http", "https") or not rest:
            return _bad(f"endpoints[{i}]", f"{endpoint.url!r} is not an http(s) base URL")
        if endpoint.url in seen:
            return _bad(f"endpoints[{i}]", f"{endpoint.url!r} is listed twice")
        seen.add(endpoint.url)
        found.append(endpoint)
    if not found:
        return _bad("endpoints", "must list at least one base URL")
    return Success(tuple(sorted(found, key=lambda e: e.priority)))  # stable: ties keep their order


def _strategy(strategy: object) -> Result[FailoverStrategy, InvalidArgument]:
    name = str(strategy).strip().lower().replace("-", "_").replace(" ", "_")
    try:
        return Success(FailoverStrategy(name))
    except ValueError:
        names = ", ".join(repr(s.value) for s in FailoverStrategy)
        return _bad("strategy", f"unknown strategy {strategy!r}; use one of {names}")


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _counts(max_attempts: int | None, unhealthy_after: int) -> Result[None, InvalidArgument]:
    if max_attempts is not None and not _whole(max_attempts):
        return _bad("max_attempts", f"must be a whole number >= 1 or None, not {max_attempts!r}")
    if not _whole(unhealthy_after):
        return _bad("unhealthy_after", f"must be a whole number >= 1, not {unhealthy_after!r}")
    return Success(None)


class FailoverPolicy(msgspec.Struct, frozen=True, kw_only=True):
    """The endpoints to fail over among, and how to choose.

    ``endpoints`` takes base URLs in priority order or ``Endpoint`` values; ``strategy`` a
    ``FailoverStrategy`` or its name. Both are normalised on construction: afterwards
    ``endpoints`` is a tuple of ``Endpoint`` sorted by priority (``by_priority`` gives it typed) and
    ``strategy`` a ``FailoverStrategy``. ``max_attempts`` (default: one per endpoint) bounds the
    endpoints one call may try; ``unhealthy_after`` failures in a row make an endpoint Unhealthy.
    Bad input raises ``ValueError`` naming the field; ``FailoverPolicy.create`` returns it as a
    value instead.
    """

    endpoints: Sequence[str | Endpoint]
    strategy: FailoverStrategy | StrategyName = FailoverStrategy.PRIORITY
    max_attempts: int | None = None
    unhealthy_after: int = 3

    def __post_init__(self) -> None:
        checked = _counts(self.max_attempts, self.unhealthy_after).bind(
            lambda _: _endpoints(self.endpoints)
        )
        strategy = _strategy(self.strategy)
        for problem in (checked, strategy):
            if isinstance(problem, Failure):
                raise ValueError(problem.failure().line())
        msgspec.structs.force_setattr(self, "endpoints", checked.unwrap())
        msgspec.structs.force_setattr(self, "strategy", strategy.unwrap())

    @classmethod
    def create(
        cls,
        endpoints: Sequence[str | Endpoint],
        strategy: FailoverStrategy | str = FailoverStrategy.PRIORITY,
        *,
        max_attempts: int | None = None,
        unhealthy_after: int = 3,
    ) -> Result[FailoverPolicy, InvalidArgument]:
        """The policy, or an ``InvalidArgument`` naming the field that is wrong and how.

        >>> FailoverPolicy.create(["https://a.example", "ftp://b"]).failure().line()
        "FailoverPolicy.endpoints[1]: 'ftp://b' is not an http(s) base URL"
        """
        return (
            _counts(max_attempts, unhealthy_after)
            .bind(lambda _: _endpoints(endpoints))
            .bind(
                lambda found: _strategy(strategy).map(
                    lambda how: cls(
                        endpoints=found,
                        strategy=how,
                        max_attempts=max_attempts,
                        unhealthy_after=unhealthy_after,
                    )
                )
            )
        )

    @property
    def by_priority(self) -> tuple[Endpoint, ...]:
        """The endpoints as normalised: ``Endpoint`` values, sorted by priority."""
        return tuple(e for e in self.endpoints if isinstance(e, Endpoint))

    @property
    def attempt_limit(self) -> int:
        """The most endpoints one call may try."""
        count = len(self.endpoints)
        return count if self.max_attempts is None else min(count, self.max_attempts)


class FailoverState(msgspec.Struct, frozen=True, kw_only=True):
    """What outlives a call: health and failure run per URL, round-robin cursor, sticky choice."""

    health: tuple[tuple[str, EndpointHealth], ...] = ()
    failures: tuple[tuple[str, int], ...] = ()
    cursor: int = 0
    sticky: str | None = None

    def health_of(self, endpoint: Endpoint) -> EndpointHealth:
        """The endpoint's health as last learnt, else as it was declared."""
        return next((h for url, h in self.health if url == endpoint.url), endpoint.health)

    def failures_of(self, url: str) -> int:
        """The failures in a row last seen at ``url``."""
        return next((n for u, n in self.failures if u == _key(url)), 0)


class AttemptContext(msgspec.Struct, frozen=True, kw_only=True):
    """One call's failover memory: the URLs tried, in order, and the last error seen."""

    tried: tuple[str, ...] = ()
    last: ClaudeError | None = None

    @property
    def attempts(self) -> int:
        """Attempts made so far: one per endpoint tried."""
        return len(self.tried)

    def failed(self, error: ClaudeError) -> AttemptContext:
        """This context, told that its latest attempt failed with ``error``."""
        return AttemptContext(tried=self.tried, last=error)


def _put(pairs: tuple[tuple[str, _V], ...], key: str, value: _V) -> tuple[tuple[str, _V], ...]:
    return (*((k, v) for k, v in pairs if k != key), (key, value))


def _pick(
    pool: Sequence[tuple[int, Endpoint]],
    state: FailoverState,
    strategy: FailoverStrategy,
    total: int,
    u: float,
) -> tuple[int, Endpoint, FailoverState]:
    """The strategy's choice among ``pool`` (index in priority order, endpoint), best health only."""
    match strategy:
        case FailoverStrategy.PRIORITY:
            index, chosen = pool[0]
        case FailoverStrategy.ROUND_ROBIN:
            index, chosen = min(pool, key=lambda pair: (pair[0] - state.cursor) % total)
            return (
                index,
                chosen,
                FailoverState(
                    health=state.health,
                    failures=state.failures,
                    cursor=(index + 1) % total,
                    sticky=state.sticky,
                ),
            )
        case FailoverStrategy.RANDOM:
            sample = 0.0 if math.isnan(u) else min(1.0, max(0.0, u))
            index, chosen = pool[min(len(pool) - 1, int(sample * len(pool)))]
        case FailoverStrategy.STICKY:
            index, chosen = next((pair for pair in pool if pair[1].url == state.sticky), pool[0])
            return (
                index,
                chosen,
                FailoverState(
                    health=state.health,
                    failures=state.failures,
                    cursor=state.cursor,
                    sticky=chosen.url,
                ),
            )
    return index, chosen, state


def select(
    state: FailoverState, ctx: AttemptContext, *, policy: FailoverPolicy, u: float
) -> Result[tuple[Endpoint, AttemptContext, FailoverState], NoEndpointAvailable]:
    """The endpoint for this call's next attempt, with the context and state to keep.

    The endpoint carries its current health. See the module docstring for the rules.

    >>> p = FailoverPolicy(endpoints=["https://a.example", "https://b.example"])
    >>> s = record_outcome(FailoverState(), "https://a.example", False, policy=p)
    >>> select(s, AttemptContext(), policy=p, u=0.0).unwrap()[0]
    Endpoint(url='https://b.example', priority=1, health=<EndpointHealth.UNKNOWN: 'unknown'>)
    """
    ordered = policy.by_priority
    if ctx.attempts >= policy.attempt_limit:
        return Failure(
            NoEndpointAvailable(
                problem=f"this call made {ctx.attempts} attempt(s), all that max_attempts allows",
                last=ctx.last,
            )
        )
    untried = [(i, e) for i, e in enumerate(ordered) if e.url not in ctx.tried]
    if not untried:
        return Failure(
            NoEndpointAvailable(
                problem=f"this call tried all {len(ordered)} endpoint(s)", last=ctx.last
            )
        )
    ranks = [_RANK[state.health_of(e)] for _, e in untried]
    best = min(ranks)
    pool = [pair for pair, rank in zip(untried, ranks, strict=True) if rank == best]
    _, chosen, after = _pick(pool, state, FailoverStrategy(policy.strategy), len(ordered), u)
    return Success(
        (
            Endpoint(chosen.url, chosen.priority, state.health_of(chosen)),
            AttemptContext(tried=(*ctx.tried, chosen.url), last=ctx.last),
            after,
        )
    )


class _Outcome(Enum):
    OK = "a success"
    FAIL = "a failure"
    FAIL_LIMIT = "a failure that makes unhealthy_after in a row"


_H = EndpointHealth

_HEALTH: Final[Mapping[tuple[EndpointHealth, _Outcome], EndpointHealth]] = {
    (_H.UNKNOWN, _Outcome.OK): _H.HEALTHY,
    (_H.HEALTHY, _Outcome.OK): _H.HEALTHY,
    (_H.DEGRADED, _Outcome.OK): _H.HEALTHY,
    (_H.UNHEALTHY, _Outcome.OK): _H.HEALTHY,
    (_H.UNKNOWN, _Outcome.FAIL): _H.DEGRADED,
    (_H.HEALTHY, _Outcome.FAIL): _H.DEGRADED,
    (_H.DEGRADED, _Outcome.FAIL): _H.DEGRADED,
    (_H.UNHEALTHY, _Outcome.FAIL): _H.UNHEALTHY,  # a failure never makes an endpoint healthier
    (_H.UNKNOWN, _Outcome.FAIL_LIMIT): _H.UNHEALTHY,
    (_H.HEALTHY, _Outcome.FAIL_LIMIT): _H.UNHEALTHY,
    (_H.DEGRADED, _Outcome.FAIL_LIMIT): _H.UNHEALTHY,
    (_H.UNHEALTHY, _Outcome.FAIL_LIMIT): _H.UNHEALTHY,
}


def _listed(policy: FailoverPolicy, url: str) -> Endpoint | None:
    key = _key(url)
    return next((e for e in policy.by_priority if e.url == key), None)


def record_outcome(
    state: FailoverState, url: str, ok: bool, *, policy: FailoverPolicy
) -> FailoverState:
    """Learn from an attempt at ``url``: success makes it Healthy, failures degrade it.

    Report as failures what says the endpoint is unwell (``breaker.default_counts`` is a good
    test); a URL the policy does not list is ignored.

    >>> p = FailoverPolicy(endpoints=["https://a.example"], unhealthy_after=2)
    >>> s = record_outcome(FailoverState(), "https://a.example", False, policy=p)
    >>> s = record_outcome(s, "https://a.example", False, policy=p)
    >>> s.health_of(p.by_priority[0])
    <EndpointHealth.UNHEALTHY: 'unhealthy'>
    """
    endpoint = _listed(policy, url)
    if endpoint is None:
        return state
    run = 0 if ok else state.failures_of(endpoint.url) + 1
    outcome = (
        _Outcome.OK
        if ok
        else _Outcome.FAIL_LIMIT
        if run >= policy.unhealthy_after
        else _Outcome.FAIL
    )
    health = _HEALTH[(state.health_of(endpoint), outcome)]
    return FailoverState(
        health=_put(state.health, endpoint.url, health),
        failures=_put(state.failures, endpoint.url, run),
        cursor=state.cursor,
        sticky=state.sticky,
    )


def mark(
    state: FailoverState, url: str, health: EndpointHealth, *, policy: FailoverPolicy
) -> FailoverState:
    """Set ``url``'s health from a health check; Healthy also clears its run of failures.

    A URL the policy does not list is ignored.
    """
    endpoint = _listed(policy, url)
    if endpoint is None:
        return state
    failures = state.failures
    if health is EndpointHealth.HEALTHY:
        failures = _put(failures, endpoint.url, 0)
    return FailoverState(
        health=_put(state.health, endpoint.url, health),
        failures=failures,
        cursor=state.cursor,
        sticky=state.sticky,
    )


def current(state: FailoverState, *, policy: FailoverPolicy) -> tuple[Endpoint, ...]:
    """The policy's endpoints in priority order, each with its current health."""
    return tuple(Endpoint(e.url, e.priority, state.health_of(e)) for e in policy.by_priority)
