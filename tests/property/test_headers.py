"""Properties of response-header parsing, claude.pure.headers: defensive, total, and exact."""

from __future__ import annotations

import contextlib
import email.utils
import math
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st
from urllib3 import HTTPHeaderDict

from claude.pure.headers import (
    RateLimit,
    RetryHint,
    parse_rate_limits,
    parse_retry_hint,
    request_id,
)

many = settings(max_examples=100, deadline=None)

FAMILIES = {
    "requests": "anthropic-ratelimit-requests-",
    "tokens": "anthropic-ratelimit-tokens-",
    "input_tokens": "anthropic-ratelimit-input-tokens-",
    "output_tokens": "anthropic-ratelimit-output-tokens-",
    "priority_input_tokens": "anthropic-priority-input-tokens-",
    "priority_output_tokens": "anthropic-priority-output-tokens-",
}
KNOWN = [prefix + part for prefix in FAMILIES.values() for part in ("limit", "remaining", "reset")]
NAMES = [*KNOWN, "retry-after", "retry-after-ms", "x-should-retry", "request-id"]

header_values = st.text(max_size=30)
header_maps = st.dictionaries(
    st.sampled_from(NAMES) | st.text(max_size=30), header_values, max_size=8
)
space = st.sampled_from(["", " ", "\t", "  "])
moments = st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2200, 1, 1))
offsets = st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))


@many
@given(header_maps)
def test_parsing_never_raises(headers: dict[str, str]) -> None:
    """Any header names and values parse to well-typed values, never an exception."""
    limits = parse_rate_limits(headers)
    hint = parse_retry_hint(headers)
    for family in FAMILIES:
        value = getattr(limits, family)
        assert value is None or isinstance(value, RateLimit)
    assert hint.after is None or (hint.after >= 0 and math.isfinite(hint.after))
    assert hint.at is None or math.isfinite(hint.at)
    assert hint.should_retry in (None, True, False)
    rid = request_id(headers)
    assert rid is None or isinstance(rid, str)


@many
@given(
    st.sampled_from(list(FAMILIES)),
    st.integers(-(2**70), 2**70),
    st.integers(0, 10**9),
    space,
    space,
)
def test_well_formed_numbers_are_parsed(
    family: str, limit: int, remaining: int, before: str, after: str
) -> None:
    """Integer limits and remainders are read, whatever whitespace surrounds them."""
    prefix = FAMILIES[family]
    headers = {prefix + "limit": f"{before}{limit}{after}", prefix + "remaining": str(remaining)}
    assert getattr(parse_rate_limits(headers), family) == RateLimit(
        limit=limit, remaining=remaining
    )


@many
@given(
    st.sampled_from(list(FAMILIES)),
    st.text(max_size=10).filter(lambda t: not t.strip().lstrip("+-").replace("_", "").isdecimal()),
)
def test_malformed_numbers_are_none(family: str, text: str) -> None:
    """A limit that is not an integer is None; the family is still reported as present."""
    prefix = FAMILIES[family]
    assert getattr(parse_rate_limits({prefix + "limit": text}), family) == RateLimit()


@many
@given(st.sampled_from(list(FAMILIES)), moments, offsets, st.booleans())
def test_rfc3339_resets_are_epoch_seconds(
    family: str, moment: datetime, offset: timezone, zulu: bool
) -> None:
    """A reset time with a zone (``Z`` or an offset) is the epoch time of that instant."""
    when = moment.replace(tzinfo=UTC if zulu else offset)
    text = when.isoformat().replace("+00:00", "Z") if zulu else when.isoformat()
    limits = parse_rate_limits({FAMILIES[family] + "reset": text})
    assert getattr(limits, family) == RateLimit(reset=when.timestamp())


@contextlib.contextmanager
def local_time_zone(tz: str) -> Iterator[None]:
    """Run with the process's local time zone set to ``tz`` (a POSIX TZ string), then restore it."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = tz
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        time.tzset()


@many
@given(moments, st.sampled_from(["UTC0", "XST+5", "YST-9:30"]))
def test_a_reset_without_a_zone_is_utc(moment: datetime, tz: str) -> None:
    """A reset time without a zone is read as UTC, whatever the machine's local time zone."""
    headers = {"anthropic-ratelimit-requests-reset": moment.isoformat()}
    with local_time_zone(tz):
        limits = parse_rate_limits(headers)
    assert limits.requests == RateLimit(reset=moment.replace(tzinfo=UTC).timestamp())


@many
@given(moments, st.booleans(), st.sampled_from(["UTC0", "XST+5", "YST-9:30"]))
def test_http_date_retry_after_is_an_absolute_time(moment: datetime, gmt: bool, tz: str) -> None:
    """``retry-after`` as an HTTP-date (``GMT`` or ``-0000``) gives ``at``, the epoch time of that
    instant whatever the machine's time zone, and no relative wait."""
    when = moment.replace(microsecond=0, tzinfo=UTC)
    text = email.utils.format_datetime(when if gmt else when.replace(tzinfo=None), usegmt=gmt)
    with local_time_zone(tz):
        hint = parse_retry_hint({"retry-after": text})
    assert hint == RetryHint(at=when.timestamp())


@many
@given(st.floats(min_value=0, max_value=1e12) | st.integers(0, 10**9), space)
def test_numeric_retry_after_is_seconds(seconds: float, pad: str) -> None:
    """A non-negative number in ``retry-after`` is the wait in seconds."""
    assert parse_retry_hint({"retry-after": f"{pad}{seconds}{pad}"}) == RetryHint(
        after=float(seconds)
    )


@many
@given(st.sampled_from(["-1", "-0.5", "nan", "inf", "-inf", "1e999", "", "soon"]))
def test_unusable_retry_after_is_none(text: str) -> None:
    """A negative, infinite, NaN or unreadable ``retry-after`` gives no hint at all."""
    assert parse_retry_hint({"retry-after": text, "retry-after-ms": text}) == RetryHint()


@many
@given(st.integers(0, 10**9), header_values)
def test_retry_after_ms_wins(millis: int, seconds: str) -> None:
    """``retry-after-ms`` is preferred to ``retry-after`` whatever the latter says."""
    hint = parse_retry_hint({"retry-after-ms": str(millis), "retry-after": seconds})
    assert hint == RetryHint(after=millis / 1000)


@many
@given(st.sampled_from(["true", "false", "TRUE", "False", " true "]) | st.text(max_size=6), space)
def test_x_should_retry_is_a_boolean_or_none(flag: str, pad: str) -> None:
    """``x-should-retry`` is True/False when it says so (any case), else None."""
    expected = {"true": True, "false": False}.get(flag.strip().lower())
    assert parse_retry_hint({"x-should-retry": pad + flag}).should_retry is expected


@many
@given(
    st.dictionaries(
        st.sampled_from(["anthropic-ratelimit-", "anthropic-priority-", "Anthropic-RateLimit-"])
        .flatmap(lambda p: st.text("abcdefghij-", min_size=1, max_size=20).map(p.__add__))
        .filter(lambda n: n.lower() not in KNOWN),
        header_values,
        max_size=4,
    ),
    st.dictionaries(
        st.sampled_from([*KNOWN, "content-type", "x-other"]), header_values, max_size=4
    ),
)
def test_unknown_families_are_kept_in_other(unknown: dict[str, str], known: dict[str, str]) -> None:
    """Rate-limit headers of families we do not know are kept (lower-cased) in ``other``; the known
    ones and unrelated headers are not."""
    limits = parse_rate_limits({**known, **unknown})
    assert dict(limits.other) == {k.lower(): v for k, v in unknown.items()}


@many
@given(header_maps)
def test_a_case_insensitive_mapping_reads_the_same(headers: dict[str, str]) -> None:
    """urllib3's case-insensitive headers with any capitalisation parse like the lower-case dict."""
    lower = {k.lower(): v for k, v in headers.items()}
    mixed = HTTPHeaderDict({k.upper(): v for k, v in lower.items()})
    assert parse_retry_hint(mixed) == parse_retry_hint(lower)
    assert request_id(mixed) == request_id(lower)
    assert parse_rate_limits(mixed).requests == parse_rate_limits(lower).requests


@many
@given(st.text(max_size=20), space)
def test_request_id_is_stripped_and_blank_is_none(rid: str, pad: str) -> None:
    """The ``request-id`` header is returned without surrounding whitespace; blank is None."""
    assert request_id({"request-id": pad + rid + pad}) == (rid.strip() or None)


@many
@given(
    st.none() | st.floats(min_value=0, max_value=1e6),
    st.none() | st.floats(min_value=0, max_value=2e9),
    st.floats(min_value=0, max_value=2e9),
)
def test_a_hint_turns_into_a_wait(after: float | None, at: float | None, now: float) -> None:
    """``wait`` is ``after`` if given, else the time until ``at`` (never negative), else None."""
    hint = RetryHint(after=after, at=at)
    expected = after if after is not None else None if at is None else max(0.0, at - now)
    assert hint.wait(wall_now=now) == expected
