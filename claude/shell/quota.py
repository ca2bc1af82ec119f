"""The shell holder of quota state: one ``QuotaState`` behind a lock, saved to and loaded from a file.

The holder reads the date (UTC, or the ``today`` callable it was given) and swaps in the state
that ``claude.pure.quota`` returns; the decisions are the pure module's. One tracker may be
shared by many threads and tasks.

A call under a quota goes: ``reserve(estimate)`` (check and count the estimate in one step, so
two threads cannot both take the last of a limit), which returns a ``Reservation`` carrying the
period it was counted in; the HTTP call; then ``settle(reservation, actual)`` with the real
usage, or ``release(reservation)`` when the call failed and nothing was billed. Settling counts
against the reservation's period, so a call that straddles midnight cannot take its estimate
off the new day's total.
"""

from __future__ import annotations

import datetime
import os
import threading
from collections.abc import Callable
from pathlib import Path

from returns.result import Failure, Result, Success

from claude.pure import cost, quota
from claude.pure.errors import ClaudeError, InvalidArgument
from claude.pure.quota import (
    Counters,
    QuotaExceeded,
    QuotaPolicy,
    QuotaState,
    Reservation,
    Spend,
)

__all__ = ["QuotaTracker"]


def _utc_today() -> datetime.date:
    return datetime.datetime.now(datetime.UTC).date()


class QuotaTracker:
    """Daily and monthly quotas shared by every call given this tracker.

    >>> tracker = QuotaTracker(QuotaPolicy(daily_requests=1), today=lambda: datetime.date(2026, 12, 1))
    >>> held = tracker.reserve(Spend(), model="claude-haiku-4-5").unwrap()
    >>> held.at.day
    '2026-12-01'
    >>> print(tracker.reserve(Spend(), model="claude-haiku-4-5").failure().limit)
    daily_requests
    """

    def __init__(
        self,
        policy: QuotaPolicy,
        state: QuotaState | None = None,
        *,
        today: Callable[[], datetime.date] = _utc_today,
        prices: cost.PriceTable = cost.PRICES,
    ) -> None:
        self.policy = policy
        self.prices = prices
        """The price table calls under this tracker are costed with (prices change)."""
        self._state = state if state is not None else QuotaState()
        self._today = today
        self._lock = threading.Lock()

    @property
    def state(self) -> QuotaState:
        """The current state value (immutable; safe to keep)."""
        return self._state

    def _period(self) -> quota.Period:
        return quota.period(self._today())

    def check(self, use: Spend, *, model: str) -> Result[None, QuotaExceeded]:
        """Whether ``use`` fits every limit now, without counting it."""
        return quota.check(self._state, self.policy, use, model=model, at=self._period())

    def reserve(self, use: Spend, *, model: str) -> Result[Reservation, QuotaExceeded]:
        """Count ``use`` if it fits (the pre-call estimate), or refuse and count nothing.

        The ``Reservation`` goes to ``settle`` (or ``release``) once the call is over.
        """
        at = self._period()
        with self._lock:
            decided = quota.reserve(self._state, self.policy, use, model=model, at=at)
            if isinstance(decided, Failure):
                return Failure(decided.failure())
            self._state, held = decided.unwrap()
        return Success(held)

    def settle(self, reservation: Reservation, actual: Spend) -> None:
        """Replace a reservation's estimate by the call's real usage, in the reservation's period."""
        with self._lock:
            self._state = quota.settle(self._state, reservation, actual)

    def release(self, reservation: Reservation) -> None:
        """Take back a reservation whose call failed: nothing was billed, no request counted."""
        self.settle(reservation, Spend(requests=0))

    def add(self, use: Spend, *, model: str) -> None:
        """Count usage that already happened, whatever the limits."""
        at = self._period()
        with self._lock:
            self._state = quota.add(self._state, use, model=model, at=at)

    def totals(self, *, model: str | None = None) -> tuple[Counters, Counters]:
        """(today's, this month's) totals, for ``model`` or for all models."""
        return quota.totals(self._state, at=self._period(), model=model)

    def to_json(self) -> bytes:
        """The state as JSON (``claude.pure.quota.export_json``)."""
        return quota.export_json(self._state)

    def save(self, path: str | os.PathLike[str]) -> Result[None, ClaudeError]:
        """Write the state to ``path`` atomically (a temporary file, then a rename)."""
        target = Path(path)
        temporary = target.with_name(target.name + ".tmp")
        try:
            temporary.write_bytes(self.to_json())
            temporary.replace(target)
        except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the path
            return Failure(_unreadable(target, "cannot be written", exc))
        return Success(None)

    @classmethod
    def load(
        cls,
        path: str | os.PathLike[str],
        policy: QuotaPolicy,
        *,
        missing_ok: bool = True,
        today: Callable[[], datetime.date] = _utc_today,
        prices: cost.PriceTable = cost.PRICES,
    ) -> Result[QuotaTracker, ClaudeError]:
        """A tracker with the state saved at ``path``; a missing file is a fresh state if ``missing_ok``."""
        source = Path(path)
        try:
            data = source.read_bytes()
        except FileNotFoundError as exc:
            if missing_ok:
                return Success(cls(policy, today=today, prices=prices))
            return Failure(_unreadable(source, "cannot be read", exc))
        except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the path
            return Failure(_unreadable(source, "cannot be read", exc))
        loaded: Result[QuotaState, ClaudeError] = quota.import_json(data).alt(
            lambda e: InvalidArgument(path=str(source), problem=e.line())
        )
        return loaded.map(lambda state: cls(policy, state, today=today, prices=prices))

    def __repr__(self) -> str:
        day, month = self.totals()
        return (
            f"QuotaTracker(today {day.requests} requests / {day.tokens} tokens / ${day.cost:.4f}, "
            f"month {month.requests} / {month.tokens} / ${month.cost:.4f})"
        )


def _unreadable(path: Path, what: str, exc: OSError | ValueError) -> InvalidArgument:
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return InvalidArgument(path=str(path), problem=f"{what} ({reason})")
