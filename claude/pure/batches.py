"""Message batches, pure: the create checks, the results JSONL parser and the polling schedule.

Create checks (api-reference §9.1): 1..100,000 requests; each ``custom_id`` matches
``^[a-zA-Z0-9_-]{1,64}$`` and is unique; each ``params`` passes the Messages checks
(``parse_message_request`` + ``validate``) and does not ask to stream; the whole body is at most
256 MiB. Every failure names the request's index and ``custom_id``:
``requests[3] (custom_id 'q-3').params.max_tokens: must be 0 or more, got -1``.

Results parser (§9.3), in the style of ``claude.pure.sse``: a ``ResultsState`` holds only the
bytes of the line not yet ended, and ``feed(state, chunk) -> (state, results)`` gives one
``Result`` per complete non-blank line: ``Success(BatchResultLine)``, or ``Failure`` for a line
that is not a result (naming its line number), the lines after it still delivered. ``finish``
ends the stream (a last line without ``\\n`` counts). The output is the same however the bytes
are split (a property test splits at every position), and memory is one line.

Polling schedule: ``poll_delay(polls, ...)`` is ``min(cap, poll_every * factor ** polls)``;
``next_poll`` says whether to stop (ended, past the deadline) or how long to sleep.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Final, TypeAlias

import msgspec
from returns.pipeline import is_successful
from returns.result import Failure, Result, Success

from claude.pure.codec import decode, encode, plain
from claude.pure.errors import InvalidArgument, MalformedResponse, Timeout
from claude.pure.request import parse_message_request
from claude.pure.resources import BatchResultLine, MessageBatch
from claude.pure.response import body_start
from claude.pure.validate import validate

__all__ = [
    "CUSTOM_ID",
    "MAX_BATCH_BYTES",
    "MAX_BATCH_REQUESTS",
    "MalformedResultLine",
    "PollAfter",
    "PollDone",
    "PollStep",
    "ResultsState",
    "batch_body",
    "feed",
    "finish",
    "next_poll",
    "parse_batch_input",
    "poll_delay",
    "result_lines",
]

MAX_BATCH_REQUESTS: Final = 100_000
MAX_BATCH_BYTES: Final = 256 * 1024 * 1024
"""The API's cap on a batch create body (256 MB, taken as MiB: never refuse what it accepts)."""
CUSTOM_ID: Final = re.compile(r"[a-zA-Z0-9_-]{1,64}")


def _at(index: int, custom_id: object) -> str:
    named = f" (custom_id {custom_id!r})" if isinstance(custom_id, str) else ""
    return f"requests[{index}]{named}"


def _check_one(
    index: int, item: object, seen: set[str], *, api_version: str, checks: bool
) -> Result[dict[str, object], InvalidArgument]:
    if not isinstance(item, Mapping):
        return Failure(
            InvalidArgument(
                path=_at(index, None),
                problem='must be a dict {"custom_id": ..., "params": {...}}',
            )
        )
    read = plain(item)
    if not is_successful(read) or not isinstance(read.unwrap(), dict):
        return Failure(InvalidArgument(path=_at(index, None), problem="could not be read as JSON"))
    data = read.unwrap()
    assert isinstance(data, dict)
    custom_id = data.get("custom_id")
    where = _at(index, custom_id)
    if not isinstance(custom_id, str) or not CUSTOM_ID.fullmatch(custom_id):
        return Failure(
            InvalidArgument(
                path=f"{where}.custom_id",
                problem="must be 1 to 64 letters, digits, '_' or '-'",
            )
        )
    if custom_id in seen:
        return Failure(
            InvalidArgument(
                path=f"{where}.custom_id", problem="is used twice; each must be unique in a batch"
            )
        )
    seen.add(custom_id)
    params = data.get("params")
    if not isinstance(params, dict):
        return Failure(
            InvalidArgument(path=f"{where}.params", problem="must be a Messages request dict")
        )
    if params.get("stream") is True:
        return Failure(
            InvalidArgument(
                path=f"{where}.params.stream", problem="must be absent or false in a batch"
            )
        )
    if checks:
        checked = parse_message_request(params).bind(
            lambda request: validate(request, api_version=api_version)
        )
        if not is_successful(checked):
            error = checked.failure()
            return Failure(
                InvalidArgument(path=f"{where}.params.{error.path}", problem=error.problem)
            )
    return Success(data)


def batch_body(
    requests: object, *, api_version: str, checks: bool = True, max_bytes: int = MAX_BATCH_BYTES
) -> Result[bytes, InvalidArgument]:
    """The JSON body of ``POST /v1/messages/batches`` for ``requests``, or the first problem.

    >>> ok = [{"custom_id": "a", "params": {"model": "m", "max_tokens": 1, "messages": [
    ...     {"role": "user", "content": "hi"}]}}]
    >>> batch_body(ok, api_version="2023-06-01").map(len)
    <Success: 114>
    >>> batch_body([{"custom_id": "a b", "params": {}}], api_version="2023-06-01").failure().path
    "requests[0] (custom_id 'a b').custom_id"
    """
    if isinstance(requests, str | bytes | Mapping) or not isinstance(requests, Sequence):
        return Failure(
            InvalidArgument(path="requests", problem="must be a list of {custom_id, params} dicts")
        )
    count = len(requests)
    if not 1 <= count <= MAX_BATCH_REQUESTS:
        return Failure(
            InvalidArgument(
                path="requests", problem=f"must hold 1 to 100,000 requests, got {count:,}"
            )
        )
    seen: set[str] = set()
    items: list[dict[str, object]] = []
    for index, item in enumerate(requests):
        checked = _check_one(index, item, seen, api_version=api_version, checks=checks)
        if not is_successful(checked):
            return Failure(checked.failure())
        items.append(checked.unwrap())
    try:
        body = encode({"requests": items})
    except (TypeError, ValueError, RecursionError) as exc:
        return Failure(InvalidArgument(path="requests", problem=f"cannot be sent as JSON ({exc})"))
    if len(body) > max_bytes:
        return Failure(
            InvalidArgument(
                path="requests",
                problem=f"is {len(body):,} bytes as JSON, over the {max_bytes:,} bytes (the API's "
                "256 MB) a batch may hold; "
                "split it into several batches",
            )
        )
    return Success(body)


# --- results JSONL ----------------------------------------------------------------------------


class ResultsState(msgspec.Struct, frozen=True):
    """The parser's memory: the pieces of the line not yet ended and how many lines ended."""

    pending: tuple[bytes, ...] = ()
    line: int = 0


class MalformedResultLine(MalformedResponse, frozen=True, kw_only=True):
    """One line of a results JSONL that is not a batch result; ``line_number`` counts from 1."""

    line_number: int


LineResult: TypeAlias = Result[BatchResultLine, MalformedResultLine]


def _parse_line(raw: bytes, number: int) -> LineResult | None:
    text = raw[:-1] if raw.endswith(b"\r") else raw
    if not text.strip():
        return None
    return decode(text, BatchResultLine).alt(
        lambda problem: MalformedResultLine(
            line_number=number,
            status=200,
            problem=f"results line {number} is not a batch result ({problem})",
            body_start=body_start(text),
        )
    )


def feed(state: ResultsState, chunk: bytes) -> tuple[ResultsState, tuple[LineResult, ...]]:
    """The state after ``chunk`` and a result for every line it completed (blank lines none)."""
    if b"\n" not in chunk:
        if not chunk:
            return state, ()
        return ResultsState((*state.pending, chunk), state.line), ()
    head, *middle, tail = chunk.split(b"\n")
    lines = [b"".join((*state.pending, head)), *middle]
    results: list[LineResult] = []
    number = state.line
    for raw in lines:
        number += 1
        parsed = _parse_line(raw, number)
        if parsed is not None:
            results.append(parsed)
    return ResultsState((tail,) if tail else (), number), tuple(results)


def finish(state: ResultsState) -> tuple[LineResult, ...]:
    """The result of a last line that did not end with ``\\n`` (if any)."""
    parsed = _parse_line(b"".join(state.pending), state.line + 1)
    return () if parsed is None else (parsed,)


def result_lines(data: bytes) -> tuple[LineResult, ...]:
    """Every result of a whole JSONL document (``feed`` then ``finish``)."""
    state, results = feed(ResultsState(), data)
    return (*results, *finish(state))


def parse_batch_input(data: bytes) -> Result[list[dict[str, object]], InvalidArgument]:
    """The requests of a JSONL batch input (one ``{"custom_id", "params"}`` per line).

    >>> parse_batch_input(b'{"custom_id": "a", "params": {}}\\n\\n').map(len)
    <Success: 1>
    """
    items: list[dict[str, object]] = []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        text = raw.strip()
        if not text:
            continue
        item = decode(text, dict[str, object])
        if not is_successful(item):
            return Failure(
                InvalidArgument(
                    path=f"line {number}",
                    problem=f"is not a JSON object ({item.failure()}); each line must be "
                    '{"custom_id": ..., "params": {...}}',
                )
            )
        items.append(item.unwrap())
    return Success(items)


# --- polling --------------------------------------------------------------------------------


class PollAfter(msgspec.Struct, frozen=True):
    """Not ended yet: ask again after ``seconds``."""

    seconds: float


class PollDone(msgspec.Struct, frozen=True):
    """Stop polling: the batch ended (``error`` is ``None``) or the deadline passed."""

    batch: MessageBatch
    error: Timeout | None = None


PollStep: TypeAlias = PollAfter | PollDone


def poll_delay(polls: int, *, poll_every: float, cap: float, factor: float = 1.5) -> float:
    """Seconds before the next poll: ``min(cap, poll_every * factor ** polls)``.

    >>> [poll_delay(n, poll_every=10.0, cap=30.0) for n in range(4)]
    [10.0, 15.0, 22.5, 30.0]
    """
    if polls <= 0:
        return min(cap, poll_every)
    exponent = min(polls, 64)  # beyond this the cap has long been reached
    return min(cap, poll_every * factor**exponent)


def next_poll(
    batch: MessageBatch,
    *,
    polls: int,
    now: float,
    deadline: float | None,
    poll_every: float,
    cap: float,
) -> PollStep:
    """What to do after seeing ``batch`` on poll number ``polls`` (0 for the first).

    Ended: done. Past ``deadline``: done with ``Timeout(phase="total")``. Else sleep the
    backoff delay, never past the deadline.
    """
    if batch.ended:
        return PollDone(batch)
    if deadline is not None and now >= deadline:
        return PollDone(batch, Timeout(phase="total", seconds=None))
    delay = poll_delay(polls, poll_every=poll_every, cap=cap)
    if deadline is not None:
        delay = min(delay, deadline - now)
    return PollAfter(max(0.0, delay))
