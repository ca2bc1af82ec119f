"""The shell quota holder, claude.shell.quota: atomic reservations across threads, files."""

from __future__ import annotations

import datetime
import doctest
import threading
from pathlib import Path

from returns.pipeline import is_successful
from returns.result import Failure

from claude.pure.quota import Limits, QuotaPolicy, Spend
from claude.shell import quota as quota_module
from claude.shell.quota import QuotaTracker

DAY = datetime.date(2026, 12, 1)


def fixed(day: datetime.date = DAY) -> QuotaTracker:
    """A tracker with a daily limit of 25 requests whose date is ``day``."""
    return QuotaTracker(QuotaPolicy(daily_requests=25), today=lambda: day)


def test_doctests() -> None:
    """The module's examples hold."""
    assert doctest.testmod(quota_module).failed == 0


def test_threads_never_take_more_than_the_limit() -> None:
    """Eight threads reserving 10 calls each get exactly 25 between them."""
    tracker = fixed()
    granted: list[bool] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(10):
            ok = is_successful(tracker.reserve(Spend(tokens=1), model="m"))
            with lock:
                granted.append(ok)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert granted.count(True) == 25
    assert tracker.totals()[0].requests == 25


def test_settle_replaces_the_estimate_with_the_real_usage() -> None:
    """After settling, the totals hold the actual usage and not the estimate."""
    tracker = QuotaTracker(
        QuotaPolicy(per_model={"m": Limits(daily_tokens=1000)}), today=lambda: DAY
    )
    estimate = Spend(tokens=900, cost=0.5)
    held = tracker.reserve(estimate, model="m").unwrap()
    assert not is_successful(tracker.check(Spend(tokens=200), model="m"))
    tracker.settle(held, Spend(tokens=120, cost=0.125))
    day, month = tracker.totals(model="m")
    assert (day.requests, day.tokens, day.cost) == (1, 120, 0.125)
    assert month == day
    assert is_successful(tracker.check(Spend(tokens=200), model="m"))


def test_release_takes_back_the_whole_reservation() -> None:
    """A released reservation leaves the totals as they were before it."""
    tracker = fixed()
    held = tracker.reserve(Spend(tokens=300, cost=0.5), model="m").unwrap()
    assert tracker.totals()[0].requests == 1
    tracker.release(held)
    day, month = tracker.totals()
    assert (day.requests, day.tokens, day.cost) == (0, 0, 0.0)
    assert month == day


def test_a_call_across_midnight_settles_in_the_day_it_was_reserved() -> None:
    """A reservation made before midnight and settled after it leaves the new day's totals alone."""
    current = [DAY]
    tracker = QuotaTracker(QuotaPolicy(), today=lambda: current[0])
    held = tracker.reserve(Spend(tokens=900), model="m").unwrap()
    current[0] = DAY + datetime.timedelta(days=1)
    tracker.add(Spend(tokens=40), model="m")  # another call, after midnight
    tracker.settle(held, Spend(tokens=100))
    day, month = tracker.totals()
    assert (day.requests, day.tokens) == (1, 40)
    assert (month.requests, month.tokens) == (2, 140)


def test_state_survives_a_save_and_load(tmp_path: Path) -> None:
    """A saved tracker loads back with the same state."""
    tracker = fixed()
    tracker.add(Spend(tokens=42, cost=0.25), model="m")
    path = tmp_path / "quota.json"
    assert is_successful(tracker.save(path))
    loaded = QuotaTracker.load(path, tracker.policy, today=lambda: DAY).unwrap()
    assert loaded.state == tracker.state
    assert "42" in repr(loaded)


def test_a_missing_file_is_a_fresh_state_only_when_allowed(tmp_path: Path) -> None:
    """A missing state file gives a fresh tracker, or a Failure naming it with missing_ok=False."""
    path = tmp_path / "absent.json"
    assert QuotaTracker.load(path, QuotaPolicy()).unwrap().totals()[0].requests == 0
    refused = QuotaTracker.load(path, QuotaPolicy(), missing_ok=False)
    assert isinstance(refused, Failure)
    assert str(path) in str(refused.failure())


def test_a_damaged_file_or_unwritable_place_is_a_failure_naming_the_path(tmp_path: Path) -> None:
    """Garbage in the file, or a directory that does not exist, fails with the path in the message."""
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"{not json")
    loaded = QuotaTracker.load(bad, QuotaPolicy())
    assert isinstance(loaded, Failure)
    assert str(bad) in str(loaded.failure())
    nowhere = tmp_path / "no" / "such" / "dir" / "q.json"
    saved = fixed().save(nowhere)
    assert isinstance(saved, Failure)
    assert "q.json" in str(saved.failure())


def test_a_path_with_a_nul_byte_is_a_failure_not_an_exception(tmp_path: Path) -> None:
    """Saving to or loading from a path holding a NUL byte fails with the path, nothing raises."""
    path = tmp_path / "q\x00.json"
    saved = fixed().save(path)
    assert isinstance(saved, Failure)
    assert "cannot be written" in str(saved.failure())
    loaded = QuotaTracker.load(path, QuotaPolicy())
    assert isinstance(loaded, Failure)
    assert "cannot be read" in str(loaded.failure())
