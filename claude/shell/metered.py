"""One logical call under a ``QuotaTracker``: estimate, reserve, call, settle (sync and async).

Theory of operation
-------------------
``metered`` / ``ametered`` wrap any call that returns ``Result[Message, ClaudeError]`` (a plain
send, or a whole ``execute_with_*`` plan with its retries)::

    estimate -> tracker.reserve -> the call -> tracker.settle(real usage) | tracker.release

* **estimate**: ``claude.pure.quota.estimate``: the request's ``max_tokens`` of output, plus the
  input tokens when the caller gives them (``estimate=`` a number, or a callable such as one
  around ``count_tokens``); priced with ``tracker.prices``. A bad estimate ends the call before
  any request.
* **reserve**: checks and counts the estimate in one step under the tracker's lock. A refusal is
  ``Failure(QuotaExceeded)`` naming the limit and by how much it would be crossed, and *no
  request is made*.
* **settle**: a reply's ``usage`` (priced for the request's model) replaces the estimate, in the
  period the reservation was made. A failed call is released: nothing counted. An interrupted
  call (Ctrl-C, cancellation) keeps its estimate: it may have been billed, and a spending cap
  errs on the side of counting.

Why a wrapper and not a step of the call plan (``claude.pure.plan``): the plan decides per
*attempt* (rate limit, breaker, endpoint, retry) and never sees the reply, while a quota is
per *logical call*: one reservation before the first attempt, settled once with the usage of
the reply the plan finally kept. Around the plan that is three lines; inside it, it would add
two steps and a reply-carrying input to every call that has no quota. In
``execute_with_enterprise_features`` the quota therefore comes first::

    quota (reserve) -> [rate limit -> breaker -> failover -> send -> classify -> retry] -> settle
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping
from typing import Protocol, TypeAlias

from returns.result import Failure, Result, Success

from claude.pure import quota
from claude.pure.errors import ClaudeError, InvalidArgument
from claude.pure.quota import Reservation, Spend
from claude.pure.wire import Message, MessageRequest
from claude.shell.quota import QuotaTracker

__all__ = ["Counted", "Estimate", "TokenCount", "ametered", "metered"]


class TokenCount(Protocol):
    """What ``count_tokens`` answers: an object with ``input_tokens``."""

    @property
    def input_tokens(self) -> int: ...


Counted: TypeAlias = int | Result[int, ClaudeError] | Result[TokenCount, ClaudeError]
"""An input-token count: a number, or a ``count_tokens``-style ``Result``."""

Estimate: TypeAlias = (
    int | Callable[[MessageRequest | Mapping[str, object]], Counted | Awaitable[Counted]]
)
"""The input tokens of a request before it is sent: a number, or a callable that counts them
(for example ``lambda r: client.count_tokens(r)``; the async twin also awaits an awaitable)."""

_Call: TypeAlias = Callable[[], Result[Message, ClaudeError]]


def _input_tokens(counted: object) -> Result[int | None, ClaudeError]:
    """The token count in what an ``estimate`` gave (checked: it comes from the caller)."""
    value = counted
    if isinstance(value, Result):
        if isinstance(value, Failure):
            return Failure(value.failure())
        value = value.unwrap()
    tokens = getattr(value, "input_tokens", value)
    if isinstance(tokens, bool) or not isinstance(tokens, int) or tokens < 0:
        return Failure(
            InvalidArgument(
                path="estimate",
                problem=(
                    f"gave {counted!r}; give the input tokens as an int >= 0, a callable returning "
                    "one, or count_tokens' result"
                ),
            )
        )
    return Success(tokens)


def _reserve(
    tracker: QuotaTracker,
    request: MessageRequest | Mapping[str, object],
    counted: Result[int | None, ClaudeError],
) -> Result[Reservation, ClaudeError]:
    """The estimate priced and reserved: the reservation, or why the call must not be made."""
    model = request.model if isinstance(request, MessageRequest) else request.get("model")
    spend: Result[Spend, ClaudeError] = counted.bind(
        lambda tokens: quota.estimate(
            request, input_tokens=tokens, table=tracker.prices, policy=tracker.policy
        )
    )
    return spend.bind(
        lambda use: tracker.reserve(use, model=str(model)).alt(lambda refused: refused)
    )


def _settle(
    tracker: QuotaTracker, held: Reservation, outcome: Result[Message, ClaudeError]
) -> Result[Message, ClaudeError]:
    """Settle ``held`` with the reply's real usage, or release it when the call failed."""
    if isinstance(outcome, Failure):
        tracker.release(held)
        return outcome
    used = quota.spend(
        outcome.unwrap().usage, held.model, table=tracker.prices, policy=tracker.policy
    )
    if isinstance(used, Success):
        tracker.settle(held, used.unwrap())
    # An unpriceable usage keeps the estimate counted: the call happened, and the estimate is
    # the best figure there is.
    return outcome


def _counted_now(
    estimate: Estimate | None, request: MessageRequest | Mapping[str, object]
) -> Result[int | None, ClaudeError] | Awaitable[Counted]:
    if estimate is None:
        return Success(None)
    if callable(estimate):
        given = estimate(request)
        if inspect.isawaitable(given):
            return given
        return _input_tokens(given)
    return _input_tokens(estimate)


def metered(
    tracker: QuotaTracker,
    request: MessageRequest | Mapping[str, object],
    call: _Call,
    *,
    estimate: Estimate | None = None,
) -> Result[Message, ClaudeError]:
    """Run ``call`` under ``tracker``: reserve the estimate, call, settle with the real usage."""
    counted = _counted_now(estimate, request)
    if not isinstance(counted, Result):
        if inspect.iscoroutine(counted):
            counted.close()  # never awaited: close it so no warning escapes
        return Failure(
            InvalidArgument(
                path="estimate",
                problem="returned an awaitable; use aexecute_with_quota, or count synchronously",
            )
        )
    reserved = _reserve(tracker, request, counted)
    if isinstance(reserved, Failure):
        return Failure(reserved.failure())
    held = reserved.unwrap()
    return _settle(tracker, held, call())


async def ametered(
    tracker: QuotaTracker,
    request: MessageRequest | Mapping[str, object],
    call: Callable[[], Awaitable[Result[Message, ClaudeError]]],
    *,
    estimate: Estimate | None = None,
) -> Result[Message, ClaudeError]:
    """The async twin of ``metered``; an awaitable estimate is awaited."""
    given = _counted_now(estimate, request)
    counted = given if isinstance(given, Result) else _input_tokens(await given)
    reserved = _reserve(tracker, request, counted)
    if isinstance(reserved, Failure):
        return Failure(reserved.failure())
    held = reserved.unwrap()
    return _settle(tracker, held, await call())
