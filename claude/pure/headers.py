"""Response headers that steer a client: request id, rate limits and retry hints.

Every value is parsed defensively: a header that is missing or malformed (proxies strip and
mangle them) is ``None``, never an error. Families this library does not know yet
(``anthropic-ratelimit-unified-*`` and whatever comes next) are kept raw in ``RateLimits.other``.

``headers`` arguments are mappings with lower-case names, or case-insensitive mappings such as
urllib3's ``HTTPHeaderDict``; only ``.get`` and iteration are used.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

import msgspec

__all__ = [
    "Headers",
    "RateLimit",
    "RateLimits",
    "RetryHint",
    "parse_rate_limits",
    "parse_retry_hint",
    "request_id",
]

Headers = Mapping[str, str]

_FAMILIES = (
    ("requests", "anthropic-ratelimit-requests-"),
    ("tokens", "anthropic-ratelimit-tokens-"),
    ("input_tokens", "anthropic-ratelimit-input-tokens-"),
    ("output_tokens", "anthropic-ratelimit-output-tokens-"),
    ("priority_input_tokens", "anthropic-priority-input-tokens-"),
    ("priority_output_tokens", "anthropic-priority-output-tokens-"),
)
_KNOWN = frozenset(
    prefix + part for _, prefix in _FAMILIES for part in ("limit", "remaining", "reset")
)


class RateLimit(msgspec.Struct, frozen=True, kw_only=True):
    """One limit family: its size, what is left, and when it is full again (epoch seconds)."""

    limit: int | None = None
    remaining: int | None = None
    reset: float | None = None


class RateLimits(msgspec.Struct, frozen=True, kw_only=True):
    """The ``anthropic-ratelimit-*`` / ``anthropic-priority-*`` headers of one response."""

    requests: RateLimit | None = None
    tokens: RateLimit | None = None
    input_tokens: RateLimit | None = None
    output_tokens: RateLimit | None = None
    priority_input_tokens: RateLimit | None = None
    priority_output_tokens: RateLimit | None = None
    other: tuple[tuple[str, str], ...] = ()


class RetryHint(msgspec.Struct, frozen=True, kw_only=True):
    """What the server said about retrying.

    ``after`` is seconds from ``retry-after-ms`` (preferred) or a numeric ``retry-after``;
    ``at`` is the epoch time of an HTTP-date ``retry-after`` (turn it into a wait with the
    caller's wall clock); ``should_retry`` is ``x-should-retry`` when it was ``true``/``false``.
    """

    after: float | None = None
    at: float | None = None
    should_retry: bool | None = None

    def wait(self, *, wall_now: float) -> float | None:
        """Seconds to wait from ``wall_now`` (epoch), or ``None`` when the server gave no time.

        >>> RetryHint(after=1.5).wait(wall_now=0.0)
        1.5
        >>> RetryHint(at=100.0).wait(wall_now=98.0)
        2.0
        """
        if self.after is not None:
            return self.after
        if self.at is not None:
            return max(0.0, self.at - wall_now)
        return None


def request_id(headers: Headers) -> str | None:
    """The ``request-id`` header, the id Anthropic support asks for."""
    value = (headers.get("request-id") or "").strip()
    return value or None


def _int(text: str | None) -> int | None:
    if text is None:
        return None
    try:
        return int(text.strip())
    except ValueError:
        return None


def _seconds(text: str | None) -> float | None:
    """A non-negative finite number of seconds, or None."""
    if text is None:
        return None
    try:
        value = float(text.strip())
    except ValueError:
        return None
    return value if 0.0 <= value < float("inf") else None


def _epoch(when: datetime) -> float:
    """Epoch seconds; a time without a zone is UTC, never the machine's local time."""
    return (when if when.tzinfo is not None else when.replace(tzinfo=UTC)).timestamp()


def _rfc3339(text: str | None) -> float | None:
    if not text:
        return None
    try:
        return _epoch(datetime.fromisoformat(text.strip()))
    except (ValueError, OverflowError, OSError):
        return None


def _http_date(text: str) -> float | None:
    import email.utils  # only HTTP-date retry-after needs it; it costs ~10 ms at import

    try:
        return _epoch(email.utils.parsedate_to_datetime(text.strip()))
    except (TypeError, ValueError, IndexError, OverflowError, OSError):
        return None


def parse_rate_limits(headers: Headers) -> RateLimits:
    """Parse every rate-limit family present in ``headers``; unknown families go to ``other``.

    >>> parse_rate_limits({"anthropic-ratelimit-requests-remaining": "49"}).requests
    RateLimit(limit=None, remaining=49, reset=None)
    """
    families: dict[str, RateLimit | None] = {}
    for name, prefix in _FAMILIES:
        limit = headers.get(prefix + "limit")
        remaining = headers.get(prefix + "remaining")
        reset = headers.get(prefix + "reset")
        if limit is None and remaining is None and reset is None:
            families[name] = None
        else:
            families[name] = RateLimit(
                limit=_int(limit), remaining=_int(remaining), reset=_rfc3339(reset)
            )
    other = tuple(
        (key.lower(), headers[key])
        for key in headers
        if key.lower().startswith(("anthropic-ratelimit-", "anthropic-priority-"))
        and key.lower() not in _KNOWN
    )
    return RateLimits(
        requests=families["requests"],
        tokens=families["tokens"],
        input_tokens=families["input_tokens"],
        output_tokens=families["output_tokens"],
        priority_input_tokens=families["priority_input_tokens"],
        priority_output_tokens=families["priority_output_tokens"],
        other=other,
    )


def parse_retry_hint(headers: Headers) -> RetryHint:
    """Parse ``retry-after-ms``, ``retry-after`` (seconds or HTTP-date) and ``x-should-retry``.

    >>> parse_retry_hint({"retry-after-ms": "250", "retry-after": "9"}).after
    0.25
    """
    after: float | None = None
    at: float | None = None
    millis = _seconds(headers.get("retry-after-ms"))
    if millis is not None:
        after = millis / 1000.0
    raw = headers.get("retry-after")
    if after is None and raw is not None:
        after = _seconds(raw)
        if after is None:
            at = _http_date(raw)
    flag = (headers.get("x-should-retry") or "").strip().lower()
    should = True if flag == "true" else False if flag == "false" else None
    return RetryHint(after=after, at=at, should_retry=should)
