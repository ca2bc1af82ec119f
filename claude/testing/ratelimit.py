"""The `anthropic-ratelimit-*` response headers (api-reference §12).

The server does not rate-limit: the values stay near their limits so that a client which throttles
itself on `-remaining` never slows a benchmark down. Tests that need a near-empty bucket inject the
headers they want through `Fault(headers=...)`, which override these.
"""

from __future__ import annotations

import time

__all__ = ["rate_limit_headers"]

_REQUESTS_LIMIT = 4_000
_INPUT_LIMIT = 2_000_000
_OUTPUT_LIMIT = 400_000

_cache: tuple[int, tuple[tuple[str, str], ...]] = (-1, ())


def _rfc3339(epoch_seconds: int) -> str:
    """`2026-11-26T10:00:00Z`-style UTC timestamp."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch_seconds))


def rate_limit_headers() -> tuple[tuple[str, str], ...]:
    """Header pairs for the current second; the reset is one second ahead, as for a full bucket.

    Rebuilt at most once per wall-clock second, since formatting timestamps per request would cost
    more than the rest of a small reply.
    """
    global _cache  # noqa: PLW0603  (a per-second memo; a race only rebuilds the same value)
    now = int(time.time())
    stamp, headers = _cache
    if stamp == now:
        return headers
    reset = _rfc3339(now + 1)
    headers = (
        ("anthropic-ratelimit-requests-limit", str(_REQUESTS_LIMIT)),
        ("anthropic-ratelimit-requests-remaining", str(_REQUESTS_LIMIT - 1)),
        ("anthropic-ratelimit-requests-reset", reset),
        ("anthropic-ratelimit-tokens-limit", str(_OUTPUT_LIMIT)),
        ("anthropic-ratelimit-tokens-remaining", str(_OUTPUT_LIMIT)),
        ("anthropic-ratelimit-tokens-reset", reset),
        ("anthropic-ratelimit-input-tokens-limit", str(_INPUT_LIMIT)),
        ("anthropic-ratelimit-input-tokens-remaining", str(_INPUT_LIMIT)),
        ("anthropic-ratelimit-input-tokens-reset", reset),
        ("anthropic-ratelimit-output-tokens-limit", str(_OUTPUT_LIMIT)),
        ("anthropic-ratelimit-output-tokens-remaining", str(_OUTPUT_LIMIT)),
        ("anthropic-ratelimit-output-tokens-reset", reset),
    )
    _cache = (now, headers)
    return headers
