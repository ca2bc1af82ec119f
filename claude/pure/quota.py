"""Client-side quotas: daily and monthly limits on requests, tokens and cost, tracked per model.

Theory of operation
-------------------
A ``QuotaPolicy`` (frozen limits) and a ``QuotaState`` (frozen counters) plus functions that
return a new state. Nothing here reads a clock: every function takes the ``Period`` it is in
(``period(date)`` gives the calendar day and month; any other keys work, e.g. a billing cycle),
and counters whose period key differs from the one given start again from zero. Counters are
kept per model, for the day and for the month; a limit on the policy applies to the sum over
all models, and a limit under ``per_model[model]`` to that model alone.

A call's ``Spend`` is one request, its tokens (every billed token: input, cache writes, cache
reads and output) and its cost in USD (``claude.pure.cost``).

* ``check`` says whether ``Spend`` fits: ``Failure(QuotaExceeded)`` names the first limit that
  it would cross and by how much. A limit is crossed when the total would be *above* it.
* ``record`` is check-then-count in one step: ``Success(new state)`` or the refusal, state unchanged.
* ``add`` counts unconditionally (usage that already happened is never dropped).
* ``reserve`` is ``record`` that also returns a ``Reservation``: the estimate, the model and the
  period it was counted in.
* ``settle`` replaces a reservation's estimate by the real usage once the reply is in, in the
  period the reservation was made (a call that started before midnight belongs to that day: the
  new day is not charged for it, nor is the old day's estimate taken off the new day's total).

The pre-call estimate (``estimate``) takes the input tokens from ``count_tokens`` when the caller
has them and otherwise counts only the request's ``max_tokens`` (the most the reply can add).

Invariants (the property tests check them against a reference model): totals are the sums of
what was counted in the current period; ``record`` never lets a total above a limit; a refused
``record`` leaves the state as it was; ``import_json(export_json(s)) == s``.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import ClassVar, Final, Literal

import msgspec
from returns.result import Failure, Result, Success

from claude.pure import cost
from claude.pure.errors import ClaudeError, InvalidArgument
from claude.pure.wire import MessageRequest, Usage

__all__ = [
    "Counters",
    "Limits",
    "ModelUsage",
    "Period",
    "QuotaExceeded",
    "QuotaPolicy",
    "QuotaState",
    "Reservation",
    "Spend",
    "add",
    "check",
    "estimate",
    "export_json",
    "import_json",
    "period",
    "record",
    "reserve",
    "settle",
    "spend",
    "totals",
]

LimitName = Literal[
    "daily_requests",
    "daily_tokens",
    "daily_cost",
    "monthly_requests",
    "monthly_tokens",
    "monthly_cost",
]
_LIMITS: Final[tuple[LimitName, ...]] = (
    "daily_requests",
    "daily_tokens",
    "daily_cost",
    "monthly_requests",
    "monthly_tokens",
    "monthly_cost",
)
_UNITS: Final = {"requests": "requests", "tokens": "tokens", "cost": "USD"}


class Limits(msgspec.Struct, frozen=True, kw_only=True):
    """Daily and monthly caps; ``None`` means no cap."""

    daily_requests: int | None = None
    daily_tokens: int | None = None
    daily_cost: float | None = None
    monthly_requests: int | None = None
    monthly_tokens: int | None = None
    monthly_cost: float | None = None


class QuotaPolicy(Limits, frozen=True, kw_only=True):
    """Caps on all models together, and optionally per model (keyed by the model string used).

    >>> QuotaPolicy(daily_cost=50.0, monthly_cost=1500.0).daily_cost
    50.0
    """

    per_model: Mapping[str, Limits] = msgspec.field(default_factory=dict)

    @property
    def limits_cost(self) -> bool:
        """Whether any cap is on cost (then every call must be priced)."""
        scopes: list[Limits] = [self, *self.per_model.values()]
        return any(s.daily_cost is not None or s.monthly_cost is not None for s in scopes)


class Period(msgspec.Struct, frozen=True, kw_only=True):
    """The day and month a call falls in: counters with other keys start again from zero."""

    day: str
    month: str


def period(on: datetime.date) -> Period:
    """The calendar day and month of ``on`` (the shell passes today's date in UTC).

    >>> period(datetime.date(2026, 12, 1))
    Period(day='2026-12-01', month='2026-12')
    """
    return Period(day=on.isoformat(), month=f"{on.year:04d}-{on.month:02d}")


class Spend(msgspec.Struct, frozen=True, kw_only=True):
    """What one call uses (or is estimated to use): requests, billed tokens, USD."""

    requests: int = 1
    tokens: int = 0
    cost: float = 0.0


class Counters(msgspec.Struct, frozen=True, kw_only=True):
    """Totals of one scope and period."""

    requests: int = 0
    tokens: int = 0
    cost: float = 0.0


class ModelUsage(msgspec.Struct, frozen=True, kw_only=True):
    """One model's totals in one period."""

    model: str
    requests: int = 0
    tokens: int = 0
    cost: float = 0.0


class QuotaState(msgspec.Struct, frozen=True, kw_only=True):
    """Counters per model for the day ``day`` and the month ``month`` (sorted by model)."""

    day: str = ""
    month: str = ""
    daily: tuple[ModelUsage, ...] = ()
    monthly: tuple[ModelUsage, ...] = ()
    format: int = 1


class QuotaExceeded(ClaudeError, frozen=True, kw_only=True):
    """A call would take a total above a quota: ``limit`` names it, ``over_by`` says how far.

    Nothing was sent. ``model`` is the model the limit is for, ``None`` for all models together;
    ``period`` is the day or month whose total it is (the limit resets when that period ends).
    """

    limit: str
    model: str | None = None
    allowed: float
    would_be: float
    over_by: float
    period: str
    kind: ClassVar[str] = "quota exceeded"

    def line(self) -> str:
        unit = _UNITS.get(self.limit.rpartition("_")[2], "")
        scope = f"for {self.model}" if self.model is not None else "for all models"
        return (
            f"{self.kind}: {self.limit} {scope} is {self.allowed:g} {unit}; this call would bring "
            f"{self.period} to {self.would_be:g} (over by {self.over_by:g}); it resets when "
            f"{self.period} ends, or raise the limit in QuotaPolicy"
        )


def _rolled(state: QuotaState, at: Period) -> QuotaState:
    if state.day == at.day and state.month == at.month:
        return state
    return QuotaState(
        day=at.day,
        month=at.month,
        daily=state.daily if state.day == at.day else (),
        monthly=state.monthly if state.month == at.month else (),
    )


def _sum(rows: tuple[ModelUsage, ...], model: str | None) -> Counters:
    chosen = [r for r in rows if model is None or r.model == model]
    return Counters(
        requests=sum(r.requests for r in chosen),
        tokens=sum(r.tokens for r in chosen),
        cost=sum((r.cost for r in chosen), 0.0),
    )


def totals(state: QuotaState, *, at: Period, model: str | None = None) -> tuple[Counters, Counters]:
    """(today's, this month's) totals for ``model``, or for all models when ``None``."""
    now = _rolled(state, at)
    return _sum(now.daily, model), _sum(now.monthly, model)


def check(
    state: QuotaState, policy: QuotaPolicy, use: Spend, *, model: str, at: Period
) -> Result[None, QuotaExceeded]:
    """``Success`` if ``use`` fits every limit, else the first limit it would cross.

    >>> policy = QuotaPolicy(daily_requests=1)
    >>> day = period(datetime.date(2026, 12, 1))
    >>> state = record(QuotaState(), policy, Spend(), model="m", at=day).unwrap()
    >>> print(check(state, policy, Spend(), model="m", at=day).failure())
    quota exceeded: daily_requests for all models is 1 requests; this call would bring 2026-12-01 to 2 (over by 1); it resets when 2026-12-01 ends, or raise the limit in QuotaPolicy
    """
    now = _rolled(state, at)
    scopes: list[tuple[Limits, str | None]] = [(policy, None)]
    own = policy.per_model.get(model)
    if own is not None:
        scopes.append((own, model))
    for limits, scope in scopes:
        day, month = _sum(now.daily, scope), _sum(now.monthly, scope)
        for name in _LIMITS:
            allowed = getattr(limits, name)
            if allowed is None:
                continue
            span, what = name.split("_", 1)
            base = day if span == "daily" else month
            would_be = getattr(base, what) + getattr(use, what)
            if would_be > allowed:
                return Failure(
                    QuotaExceeded(
                        limit=name,
                        model=scope,
                        allowed=allowed,
                        would_be=would_be,
                        over_by=would_be - allowed,
                        period=at.day if span == "daily" else at.month,
                    )
                )
    return Success(None)


def _bump(rows: tuple[ModelUsage, ...], model: str, use: Spend) -> tuple[ModelUsage, ...]:
    old = next((r for r in rows if r.model == model), ModelUsage(model=model))
    new = ModelUsage(
        model=model,
        requests=max(old.requests + use.requests, 0),
        tokens=max(old.tokens + use.tokens, 0),
        cost=max(old.cost + use.cost, 0.0),
    )
    return tuple(sorted([*(r for r in rows if r.model != model), new], key=lambda r: r.model))


def add(state: QuotaState, use: Spend, *, model: str, at: Period) -> QuotaState:
    """``state`` with ``use`` counted for ``model``, whatever the limits (usage already spent)."""
    now = _rolled(state, at)
    return QuotaState(
        day=now.day,
        month=now.month,
        daily=_bump(now.daily, model, use),
        monthly=_bump(now.monthly, model, use),
    )


def record(
    state: QuotaState, policy: QuotaPolicy, use: Spend, *, model: str, at: Period
) -> Result[QuotaState, QuotaExceeded]:
    """Count ``use`` if it fits every limit: the new state, or the refusal (nothing counted)."""
    return check(state, policy, use, model=model, at=at).map(
        lambda _: add(state, use, model=model, at=at)
    )


class Reservation(msgspec.Struct, frozen=True, kw_only=True):
    """An estimate counted before a call: what, for which model, and in which period."""

    use: Spend
    model: str
    at: Period


def reserve(
    state: QuotaState, policy: QuotaPolicy, use: Spend, *, model: str, at: Period
) -> Result[tuple[QuotaState, Reservation], QuotaExceeded]:
    """``record`` that also hands back the ``Reservation`` to ``settle`` after the call.

    >>> day = period(datetime.date(2026, 12, 1))
    >>> state, held = reserve(QuotaState(), QuotaPolicy(), Spend(tokens=9), model="m", at=day).unwrap()
    >>> held.at.day, totals(state, at=day)[0].tokens
    ('2026-12-01', 9)
    """
    return record(state, policy, use, model=model, at=at).map(
        lambda new: (new, Reservation(use=use, model=model, at=at))
    )


def settle(state: QuotaState, reservation: Reservation, actual: Spend) -> QuotaState:
    """Replace a reservation's estimate by the call's real usage, in the reservation's period.

    The counters of the day (month) the reservation was made get ``actual - estimate``. When
    that day (month) is over and its counters were already dropped, nothing changes there: the
    call belonged to the old period, so the new one is not charged for it. Totals never go
    below zero.

    >>> day = period(datetime.date(2026, 12, 1))
    >>> state, held = reserve(QuotaState(), QuotaPolicy(), Spend(tokens=900), model="m", at=day).unwrap()
    >>> totals(settle(state, held, Spend(tokens=120)), at=day)[0].tokens
    120
    """
    use, at = reservation.use, reservation.at
    delta = Spend(
        requests=actual.requests - use.requests,
        tokens=actual.tokens - use.tokens,
        cost=actual.cost - use.cost,
    )
    same_day, same_month = state.day == at.day, state.month == at.month
    return QuotaState(
        day=state.day,
        month=state.month,
        daily=_bump(state.daily, reservation.model, delta) if same_day else state.daily,
        monthly=_bump(state.monthly, reservation.model, delta) if same_month else state.monthly,
    )


def _priced(
    usage: Mapping[str, object],
    model: str,
    *,
    table: cost.PriceTable,
    policy: QuotaPolicy | None,
    batch: bool,
) -> Result[float, ClaudeError]:
    bill: Result[cost.Cost, ClaudeError] = cost.of(usage, model, batch=batch, table=table)
    if isinstance(bill, Failure) and policy is not None and not policy.limits_cost:
        return Success(0.0)
    return bill.map(lambda c: c.total)


def spend(
    usage: Usage | Mapping[str, object],
    model: str,
    *,
    batch: bool = False,
    table: cost.PriceTable = cost.PRICES,
    policy: QuotaPolicy | None = None,
) -> Result[Spend, ClaudeError]:
    """The ``Spend`` of a finished call from its ``usage``.

    A model missing from the price table is a Failure, unless ``policy`` caps no cost (then the
    cost is counted as 0).
    """
    counted: Result[cost.Tokens, ClaudeError] = cost.tokens(usage)
    return counted.bind(
        lambda counts: _priced(
            _usage_dict(counts), model, table=table, policy=policy, batch=batch
        ).map(lambda usd: Spend(requests=1, tokens=counts.total, cost=usd))
    )


def _usage_dict(counts: cost.Tokens) -> dict[str, object]:
    return {
        "input_tokens": counts.input,
        "output_tokens": counts.output,
        "cache_creation_input_tokens": counts.cache_write,
        "cache_read_input_tokens": counts.cache_read,
        "cache_creation": {
            "ephemeral_5m_input_tokens": counts.cache_write_5m,
            "ephemeral_1h_input_tokens": counts.cache_write_1h,
        },
        "server_tool_use": {"web_search_requests": counts.web_search_requests},
    }


def estimate(
    request: MessageRequest | Mapping[str, object],
    *,
    input_tokens: int | None = None,
    batch: bool = False,
    table: cost.PriceTable = cost.PRICES,
    policy: QuotaPolicy | None = None,
) -> Result[Spend, ClaudeError]:
    """A pre-call estimate: ``input_tokens`` (from ``count_tokens``) plus ``max_tokens`` of output.

    Without ``input_tokens`` only ``max_tokens`` is counted: the input is not known before a call.
    The cost prices the input at the input price and ``max_tokens`` at the output price.

    >>> estimate({"model": "claude-haiku-4-5", "max_tokens": 1000}, input_tokens=2000).unwrap()
    Spend(requests=1, tokens=3000, cost=0.007)
    """
    given_request: object = request  # callers without a type checker may pass anything
    if isinstance(given_request, MessageRequest):
        model: object = given_request.model
        max_tokens: object = given_request.max_tokens
    elif isinstance(given_request, Mapping):
        model, max_tokens = given_request.get("model"), given_request.get("max_tokens")
    else:
        return Failure(
            InvalidArgument(
                path="request",
                problem=f"expected a dict or MessageRequest, got {type(given_request).__name__}",
            )
        )
    if not isinstance(model, str):
        return Failure(InvalidArgument(path="model", problem="must name a model"))
    if isinstance(max_tokens, bool) or not isinstance(max_tokens, int) or max_tokens < 0:
        return Failure(
            InvalidArgument(path="max_tokens", problem=f"must be an int >= 0, got {max_tokens!r}")
        )
    given: object = input_tokens
    if given is not None and (isinstance(given, bool) or not isinstance(given, int) or given < 0):
        return Failure(
            InvalidArgument(
                path="input_tokens",
                problem=f"must be a token count from count_tokens (an int >= 0), got {given!r}",
            )
        )
    counted = input_tokens or 0
    usage = {"input_tokens": counted, "output_tokens": max_tokens}
    return _priced(usage, model, table=table, policy=policy, batch=batch).map(
        lambda usd: Spend(requests=1, tokens=counted + max_tokens, cost=usd)
    )


_encoder: Final = msgspec.json.Encoder()
_decoder: Final[msgspec.json.Decoder[QuotaState]] = msgspec.json.Decoder(QuotaState)


def export_json(state: QuotaState) -> bytes:
    """The state as JSON, to keep across restarts or feed a monitoring system."""
    return _encoder.encode(state)


def import_json(data: bytes | str) -> Result[QuotaState, InvalidArgument]:
    """The state saved by ``export_json``, or a Failure saying what is wrong with the data."""
    try:
        state = _decoder.decode(data)
    except (msgspec.DecodeError, RecursionError, TypeError) as exc:  # TypeError: not bytes/str
        return Failure(
            InvalidArgument(path="quota state", problem=f"is not a saved quota state ({exc})")
        )
    if state.format != 1:
        return Failure(
            InvalidArgument(
                path="quota state.format",
                problem=f"is {state.format}; this library reads format 1",
            )
        )
    for span, rows in (("daily", state.daily), ("monthly", state.monthly)):
        models = [row.model for row in rows]
        twice = next((m for m in models if models.count(m) > 1), None)
        if twice is not None:
            return Failure(
                InvalidArgument(
                    path=f"quota state.{span}",
                    problem=f"holds {twice!r} twice; the file was edited or damaged",
                )
            )
    for row in (*state.daily, *state.monthly):
        if row.requests < 0 or row.tokens < 0 or not row.cost >= 0:
            return Failure(
                InvalidArgument(
                    path=f"quota state ({row.model})",
                    problem="holds a negative or NaN total; the file was edited or damaged",
                )
            )
    return Success(state)
