"""Properties of claude.pure.quota: equal to a reference model over random usage and rollovers."""

from __future__ import annotations

import datetime
import doctest
from dataclasses import dataclass, field

import pytest
from hypothesis import given
from hypothesis import strategies as st
from returns.pipeline import is_successful
from returns.result import Failure

from claude.pure import quota as quota_module
from claude.pure.errors import ClaudeError, InvalidArgument
from claude.pure.quota import (
    Limits,
    Period,
    QuotaExceeded,
    QuotaPolicy,
    QuotaState,
    Reservation,
    Spend,
    add,
    check,
    estimate,
    export_json,
    import_json,
    period,
    record,
    reserve,
    settle,
    spend,
    totals,
)

MODELS = ("a", "b")
START = datetime.date(2026, 1, 27)
ORDER = (
    "daily_requests",
    "daily_tokens",
    "daily_cost",
    "monthly_requests",
    "monthly_tokens",
    "monthly_cost",
)

# Costs are multiples of 1/8, so every sum is exact in binary floating point and the
# reference and the implementation cannot disagree by rounding at a limit.
costs = st.integers(min_value=0, max_value=40).map(lambda k: k / 8)
spends = st.builds(
    Spend,
    requests=st.integers(min_value=0, max_value=2),
    tokens=st.integers(min_value=0, max_value=500),
    cost=costs,
)
limits = st.builds(
    Limits,
    daily_requests=st.none() | st.integers(min_value=0, max_value=8),
    daily_tokens=st.none() | st.integers(min_value=0, max_value=2000),
    daily_cost=st.none() | st.integers(min_value=0, max_value=40).map(lambda k: k / 4),
    monthly_requests=st.none() | st.integers(min_value=0, max_value=30),
    monthly_tokens=st.none() | st.integers(min_value=0, max_value=8000),
    monthly_cost=st.none() | st.integers(min_value=0, max_value=120).map(lambda k: k / 4),
)
policies = st.builds(
    lambda top, own: QuotaPolicy(
        **{name: getattr(top, name) for name in ORDER},
        per_model={"a": own} if own is not None else {},
    ),
    limits,
    st.none() | limits,
)
ops = st.lists(
    st.tuples(
        st.sampled_from(("record", "add", "reserve")),
        st.sampled_from(MODELS),
        spends,
        spends,
        st.integers(min_value=0, max_value=9),
        st.integers(min_value=0, max_value=2),
    ),
    max_size=40,
)


@dataclass
class Reference:
    """The quota machine written the plain way: totals per (period key, model), never reset."""

    policy: QuotaPolicy
    counts: dict[tuple[str, str], list[float]] = field(default_factory=dict)

    def total(self, key: str, model: str | None) -> list[float]:
        """Requests, tokens and cost of a day or month, for a model or for all."""
        rows = [v for (k, m), v in self.counts.items() if k == key and model in (None, m)]
        return [sum(r[i] for r in rows) for i in range(3)]

    def refusal(self, use: Spend, model: str, at: Period) -> str | None:
        """The first limit ``use`` would cross, in the documented order, or None."""
        scopes: list[tuple[Limits, str | None]] = [(self.policy, None)]
        if model in self.policy.per_model:
            scopes.append((self.policy.per_model[model], model))
        for lim, scope in scopes:
            for name in ORDER:
                allowed = getattr(lim, name)
                if allowed is None:
                    continue
                span, what = name.split("_")
                key = at.day if span == "daily" else at.month
                index = ("requests", "tokens", "cost").index(what)
                if self.total(key, scope)[index] + getattr(use, what) > allowed:
                    return name
        return None

    def bump(self, key: str, model: str, delta: tuple[float, float, float]) -> None:
        """Add ``delta`` to one counter, never below zero."""
        row = self.counts.setdefault((key, model), [0, 0, 0.0])
        for i in range(3):
            row[i] = max(row[i] + delta[i], 0)

    def add(self, use: Spend, model: str, at: Period) -> None:
        """Count ``use`` for the day and the month."""
        for key in (at.day, at.month):
            self.bump(key, model, (use.requests, use.tokens, use.cost))


def as_tuple(s: Spend) -> tuple[float, float, float]:
    """A spend as (requests, tokens, cost)."""
    return (s.requests, s.tokens, s.cost)


def test_doctests() -> None:
    """The module's examples hold."""
    assert doctest.testmod(quota_module).failed == 0


@given(policies, ops)
def test_quota_machine_equals_the_reference_model(
    policy: QuotaPolicy, steps: list[tuple[str, str, Spend, Spend, int, int]]
) -> None:
    """Over random usage and day/month rollovers, decisions and totals match the reference."""
    state, ref, day = QuotaState(), Reference(policy), START
    for op, model, use, actual, advance, settle_after in steps:
        day += datetime.timedelta(days=advance)
        at = period(day)
        if op == "add":
            state = add(state, use, model=model, at=at)
            ref.add(use, model, at)
        else:
            result = record(state, policy, use, model=model, at=at)
            expected = ref.refusal(use, model, at)
            if expected is None:
                assert is_successful(result)
                state = result.unwrap()
                ref.add(use, model, at)
            else:
                assert isinstance(result, Failure)
                assert result.failure().limit == expected
            if op == "reserve" and expected is None:
                held = Reservation(use=use, model=model, at=at)
                day += datetime.timedelta(days=settle_after)
                at = period(day)
                if settle_after:
                    # Another call counted after midnight, before this one settles (the race).
                    state = add(state, actual, model=model, at=at)
                    ref.add(actual, model, at)
                state = settle(state, held, actual)
                difference = (
                    actual.requests - use.requests,
                    actual.tokens - use.tokens,
                    actual.cost - use.cost,
                )
                for key in (held.at.day, held.at.month):
                    ref.bump(key, model, difference)
        for scope in (None, *MODELS):
            today, month = totals(state, at=at, model=scope)
            assert [today.requests, today.tokens, today.cost] == ref.total(at.day, scope)
            assert [month.requests, month.tokens, month.cost] == ref.total(at.month, scope)


@given(policies, spends, st.sampled_from(MODELS), st.integers(min_value=0, max_value=60))
def test_reserve_is_record_plus_the_reservation(
    policy: QuotaPolicy, use: Spend, model: str, offset: int
) -> None:
    """reserve decides and counts as record does, and its reservation holds the estimate and period."""
    at = period(START + datetime.timedelta(days=offset))
    recorded = record(QuotaState(), policy, use, model=model, at=at)
    reserved = reserve(QuotaState(), policy, use, model=model, at=at)
    assert is_successful(recorded) == is_successful(reserved)
    if is_successful(reserved):
        state, held = reserved.unwrap()
        assert state == recorded.unwrap()
        assert held == Reservation(use=use, model=model, at=at)


def test_a_reservation_before_midnight_settles_in_its_own_day() -> None:
    """Settling after midnight, with a new-day call counted meanwhile, leaves the new day exact."""
    policy = QuotaPolicy()
    monday, tuesday = period(START), period(START + datetime.timedelta(days=1))
    state, held = reserve(QuotaState(), policy, Spend(tokens=900), model="a", at=monday).unwrap()
    state = add(state, Spend(tokens=50), model="a", at=tuesday)
    state = settle(state, held, Spend(tokens=100))
    today, month = totals(state, at=tuesday)
    assert (today.requests, today.tokens) == (1, 50)
    assert (month.requests, month.tokens) == (2, 150)


@given(policies, ops)
def test_record_never_takes_a_total_above_a_limit(
    policy: QuotaPolicy, steps: list[tuple[str, str, Spend, Spend, int, int]]
) -> None:
    """Only record is used: no total ever ends above a limit that was in place."""
    state, day = QuotaState(), START
    for _, model, use, _, advance, _ in steps:
        day += datetime.timedelta(days=advance)
        at = period(day)
        before = state
        result = record(state, policy, use, model=model, at=at)
        state = result.value_or(state)
        if not is_successful(result):
            assert state is before
        for scope, lim in ((None, policy), *policy.per_model.items()):
            today, month = totals(state, at=at, model=scope)
            for name in ORDER:
                allowed = getattr(lim, name)
                span, what = name.split("_")
                got = getattr(today if span == "daily" else month, what)
                assert allowed is None or got <= allowed


@given(policies, ops)
def test_json_export_and_import_round_trip(
    policy: QuotaPolicy, steps: list[tuple[str, str, Spend, Spend, int, int]]
) -> None:
    """A state saved as JSON reads back equal."""
    state, day = QuotaState(), START
    for _, model, use, _, advance, _ in steps:
        day += datetime.timedelta(days=advance)
        state = record(state, policy, use, model=model, at=period(day)).value_or(state)
    assert import_json(export_json(state)).unwrap() == state


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"[]",
        b'{"day": 3}',
        b'{"format": 2}',
        b'{"daily": [{"model": "m", "requests": -1}]}',
        b'{"daily": [{"model": "m", "cost": NaN}]}',
        b"\xff\xfe",
        b'{"daily": [{"model": "m", "requests": 1}, {"model": "m", "requests": 2}]}',
    ],
)
def test_import_of_bad_data_is_a_failure(data: bytes) -> None:
    """Garbage, a newer format or damaged totals fail with a message; nothing raises."""
    result = import_json(data)
    assert isinstance(result, Failure)
    assert str(result.failure()).startswith("quota state")


def test_refusal_names_the_limit_and_by_how_much() -> None:
    """Crossing the daily cost limit reports the limit, the scope and the excess."""
    policy = QuotaPolicy(daily_cost=50.0, per_model={"m": Limits(daily_tokens=100)})
    at = period(datetime.date(2026, 12, 1))
    state = add(QuotaState(), Spend(cost=49.5), model="m", at=at)
    result = check(state, policy, Spend(cost=1.0), model="m", at=at)
    assert isinstance(result, Failure)
    error = result.failure()
    assert isinstance(error, QuotaExceeded)
    assert isinstance(error, ClaudeError)
    assert (error.limit, error.model, error.over_by, error.period) == (
        "daily_cost",
        None,
        0.5,
        "2026-12-01",
    )
    assert "daily_cost" in str(error)
    assert "over by 0.5" in str(error)
    per_model = check(state, policy, Spend(tokens=101), model="m", at=at)
    assert isinstance(per_model, Failure)
    assert (per_model.failure().limit, per_model.failure().model) == ("daily_tokens", "m")
    assert "for m" in str(per_model.failure())


def test_the_next_day_and_month_start_from_zero() -> None:
    """A new day resets the daily totals only; a new month resets both."""
    state = add(QuotaState(), Spend(tokens=10), model="m", at=period(datetime.date(2026, 1, 31)))
    next_day = totals(state, at=period(datetime.date(2026, 2, 1)))
    assert (next_day[0].tokens, next_day[1].tokens) == (0, 0)
    state = add(QuotaState(), Spend(tokens=10), model="m", at=period(datetime.date(2026, 1, 30)))
    same_month = totals(state, at=period(datetime.date(2026, 1, 31)))
    assert (same_month[0].tokens, same_month[1].tokens) == (0, 10)


def test_estimate_uses_count_tokens_when_given_else_max_tokens() -> None:
    """An estimate counts input tokens only when the caller has them, plus max_tokens."""
    request = {"model": "claude-sonnet-4-5", "max_tokens": 1000, "messages": []}
    without = estimate(request).unwrap()
    assert (without.tokens, without.cost) == (1000, 0.015)
    with_count = estimate(request, input_tokens=10_000).unwrap()
    assert (with_count.tokens, with_count.cost) == (11_000, 0.045)
    bad = estimate(request, input_tokens=-1)
    assert isinstance(bad, Failure)
    assert "input_tokens" in str(bad.failure())
    assert isinstance(estimate({"max_tokens": 1}), Failure)
    assert isinstance(estimate("not a request"), Failure)  # type: ignore[arg-type]


def test_unknown_model_is_priced_only_when_a_cost_limit_needs_it() -> None:
    """A model the price table lacks fails under a cost cap and counts as $0 without one."""
    usage = {"input_tokens": 5, "output_tokens": 7}
    priced = spend(usage, "my-finetune", policy=QuotaPolicy(daily_cost=1.0))
    assert isinstance(priced, Failure)
    assert isinstance(priced.failure(), InvalidArgument)
    assert "my-finetune" in str(priced.failure())
    free = spend(usage, "my-finetune", policy=QuotaPolicy(daily_tokens=100)).unwrap()
    assert free == Spend(requests=1, tokens=12, cost=0.0)
    assert spend(usage, "claude-haiku-4-5").unwrap().cost == pytest.approx(5e-6 + 35e-6)


@given(st.one_of(st.binary(), st.text(), st.integers(), st.none(), st.lists(st.integers())))
def test_import_of_anything_never_raises(data: object) -> None:
    """Whatever is handed to ``import_json`` (bytes, text, or no bytes at all) gives a Result."""
    result = import_json(data)  # type: ignore[arg-type]  # a caller without a type checker
    assert isinstance(result, Failure) or result.unwrap().format == 1
