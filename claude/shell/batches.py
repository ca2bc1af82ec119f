"""Message batches on a ``Session``: create, retrieve, list, cancel, delete, the results stream,
the explicit wait helper and the JSONL file helpers.

Every call but ``wait_for_batch`` and ``iter_batches`` is one request. ``batch_results`` streams
the results JSONL through the pure parser (``claude.pure.batches.feed``): one ``Result`` per
line as it arrives, memory flat for a file of any size. ``wait_for_batch`` polls with the pure
schedule (``next_poll``: backoff from ``poll_every`` up to ``max_poll_every``), sleeping on the
session's clock, and stops when the batch ends, at its deadline, or when ``cancel()`` says so.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from pathlib import Path
from typing import IO

from returns.pipeline import is_successful
from returns.result import Failure, Result, Success

from claude.pure import batches as pure
from claude.pure.codec import encode
from claude.pure.endpoints import BATCHES_PATH, batch_path, batch_results_request, list_query
from claude.pure.errors import ClaudeError, InvalidArgument
from claude.pure.options import CallOptions
from claude.pure.request import HttpRequest
from claude.pure.resources import (
    BatchPage,
    BatchResultLine,
    DeletedMessageBatch,
    MessageBatch,
)
from claude.shell.downloads import achunks, aopen_body, chunks, limit_of, open_body
from claude.shell.execute import Observer, Policies
from claude.shell.resources import (
    acall,
    awalk,
    call,
    decoder,
    get_request,
    next_after,
    target_of,
    walk,
)
from claude.shell.session import Session

__all__ = [
    "Progress",
    "abatch_results",
    "acancel_batch",
    "acreate_batch",
    "adelete_batch",
    "aget_batch",
    "aiter_batches",
    "alist_batches",
    "await_for_batch",
    "batch_results",
    "cancel_batch",
    "create_batch",
    "delete_batch",
    "get_batch",
    "iter_batches",
    "list_batches",
    "read_batch_input",
    "wait_for_batch",
    "write_batch_results",
]

Progress = Callable[[MessageBatch], None]
"""Told each polled state of a batch (its ``request_counts`` say how far it got)."""

PathLike = str | os.PathLike[str]
_NO = CallOptions()


def _create_request(
    session: Session, requests: object, options: Result[CallOptions, ClaudeError], *, checks: bool
) -> Result[HttpRequest, ClaudeError]:
    target = target_of(session)
    if isinstance(target, Failure):
        return Failure(target.failure())
    try:
        body = pure.batch_body(requests, api_version=target.unwrap().api_version, checks=checks)
    except Exception as exc:  # a hostile input must not escape as a traceback
        body = Failure(
            InvalidArgument(path="requests", problem=f"reading it raised {type(exc).__name__}")
        )
    if isinstance(body, Failure):
        return Failure(body.failure())
    return get_request(session, Success(BATCHES_PATH), options, method="POST", raw=body.unwrap())


def create_batch(
    session: Session,
    requests: object,
    options: Result[CallOptions, ClaudeError],
    *,
    checks: bool = True,
    policies: Policies | None = None,
    observe: Observer | None = None,
) -> Result[MessageBatch, ClaudeError]:
    """``POST /v1/messages/batches``: the requests checked first (see ``claude.pure.batches``)."""
    built = _create_request(session, requests, options, checks=checks)
    return call(
        session,
        built,
        decoder(MessageBatch),
        options.value_or(_NO),
        policies=policies,
        observe=observe,
    )


async def acreate_batch(
    session: Session,
    requests: object,
    options: Result[CallOptions, ClaudeError],
    *,
    checks: bool = True,
    policies: Policies | None = None,
    observe: Observer | None = None,
) -> Result[MessageBatch, ClaudeError]:
    """The async twin of ``create_batch``."""
    built = _create_request(session, requests, options, checks=checks)
    return await acall(
        session,
        built,
        decoder(MessageBatch),
        options.value_or(_NO),
        policies=policies,
        observe=observe,
    )


def get_batch(
    session: Session,
    batch_id: str,
    options: Result[CallOptions, ClaudeError],
    *,
    policies: Policies | None = None,
    observe: Observer | None = None,
) -> Result[MessageBatch, ClaudeError]:
    """``GET /v1/messages/batches/{id}``: the batch's current state (poll with it)."""
    built = get_request(session, batch_path(batch_id), options)
    return call(
        session,
        built,
        decoder(MessageBatch),
        options.value_or(_NO),
        policies=policies,
        observe=observe,
    )


async def aget_batch(
    session: Session,
    batch_id: str,
    options: Result[CallOptions, ClaudeError],
    *,
    policies: Policies | None = None,
    observe: Observer | None = None,
) -> Result[MessageBatch, ClaudeError]:
    """The async twin of ``get_batch``."""
    built = get_request(session, batch_path(batch_id), options)
    return await acall(
        session,
        built,
        decoder(MessageBatch),
        options.value_or(_NO),
        policies=policies,
        observe=observe,
    )


def list_batches(
    session: Session,
    options: Result[CallOptions, ClaudeError],
    *,
    limit: int | None = None,
    before_id: str | None = None,
    after_id: str | None = None,
    policies: Policies | None = None,
    observe: Observer | None = None,
) -> Result[BatchPage, ClaudeError]:
    """One page of ``GET /v1/messages/batches``, newest first."""
    query = list_query(limit=limit, before_id=before_id, after_id=after_id)
    built = get_request(session, Success(BATCHES_PATH), options, query=query)
    return call(
        session,
        built,
        decoder(BatchPage),
        options.value_or(_NO),
        policies=policies,
        observe=observe,
    )


async def alist_batches(
    session: Session,
    options: Result[CallOptions, ClaudeError],
    *,
    limit: int | None = None,
    before_id: str | None = None,
    after_id: str | None = None,
    policies: Policies | None = None,
    observe: Observer | None = None,
) -> Result[BatchPage, ClaudeError]:
    """The async twin of ``list_batches``."""
    query = list_query(limit=limit, before_id=before_id, after_id=after_id)
    built = get_request(session, Success(BATCHES_PATH), options, query=query)
    return await acall(
        session,
        built,
        decoder(BatchPage),
        options.value_or(_NO),
        policies=policies,
        observe=observe,
    )


def iter_batches(
    session: Session,
    options: Result[CallOptions, ClaudeError],
    *,
    limit: int | None = None,
    policies: Policies | None = None,
    observe: Observer | None = None,
) -> Iterator[Result[MessageBatch, ClaudeError]]:
    """Every batch, newest first: one request per page, made as the caller walks."""
    return walk(
        lambda after: list_batches(
            session, options, limit=limit, after_id=after, policies=policies, observe=observe
        ),
        lambda page: page.data,
        next_after,
    )


def aiter_batches(
    session: Session,
    options: Result[CallOptions, ClaudeError],
    *,
    limit: int | None = None,
    policies: Policies | None = None,
    observe: Observer | None = None,
) -> AsyncIterator[Result[MessageBatch, ClaudeError]]:
    """The async twin of ``iter_batches``."""
    return awalk(
        lambda after: alist_batches(
            session, options, limit=limit, after_id=after, policies=policies, observe=observe
        ),
        lambda page: page.data,
        next_after,
    )


def cancel_batch(
    session: Session,
    batch_id: str,
    options: Result[CallOptions, ClaudeError],
    *,
    policies: Policies | None = None,
    observe: Observer | None = None,
) -> Result[MessageBatch, ClaudeError]:
    """``POST /v1/messages/batches/{id}/cancel``: the batch, now ``canceling``."""
    built = get_request(session, batch_path(batch_id, "/cancel"), options, method="POST")
    return call(
        session,
        built,
        decoder(MessageBatch),
        options.value_or(_NO),
        policies=policies,
        observe=observe,
    )


async def acancel_batch(
    session: Session,
    batch_id: str,
    options: Result[CallOptions, ClaudeError],
    *,
    policies: Policies | None = None,
    observe: Observer | None = None,
) -> Result[MessageBatch, ClaudeError]:
    """The async twin of ``cancel_batch``."""
    built = get_request(session, batch_path(batch_id, "/cancel"), options, method="POST")
    return await acall(
        session,
        built,
        decoder(MessageBatch),
        options.value_or(_NO),
        policies=policies,
        observe=observe,
    )


def delete_batch(
    session: Session,
    batch_id: str,
    options: Result[CallOptions, ClaudeError],
    *,
    policies: Policies | None = None,
    observe: Observer | None = None,
) -> Result[DeletedMessageBatch, ClaudeError]:
    """``DELETE /v1/messages/batches/{id}`` (only once it ended; cancel first)."""
    built = get_request(session, batch_path(batch_id), options, method="DELETE")
    return call(
        session,
        built,
        decoder(DeletedMessageBatch),
        options.value_or(_NO),
        policies=policies,
        observe=observe,
    )


async def adelete_batch(
    session: Session,
    batch_id: str,
    options: Result[CallOptions, ClaudeError],
    *,
    policies: Policies | None = None,
    observe: Observer | None = None,
) -> Result[DeletedMessageBatch, ClaudeError]:
    """The async twin of ``delete_batch``."""
    built = get_request(session, batch_path(batch_id), options, method="DELETE")
    return await acall(
        session,
        built,
        decoder(DeletedMessageBatch),
        options.value_or(_NO),
        policies=policies,
        observe=observe,
    )


# --- results --------------------------------------------------------------------------------


def _results_request(
    session: Session, batch: str | MessageBatch, options: Result[CallOptions, ClaudeError]
) -> Result[HttpRequest, ClaudeError]:
    if isinstance(options, Failure):
        return Failure(options.failure())
    target = target_of(session)
    if isinstance(target, Failure):
        return Failure(target.failure())
    if isinstance(batch, MessageBatch):
        url = batch.results_url if isinstance(batch.results_url, str) else None
        batch_id: object = batch.id
        if url is None:
            return Failure(
                InvalidArgument(
                    path="batch.results_url",
                    problem=f"is not set: the batch is {batch.processing_status}; results "
                    "exist once it ended (wait_for_batch)",
                )
            )
    else:
        url, batch_id = None, batch
    return batch_results_request(batch_id, url, target=target.unwrap(), options=options.unwrap())


def batch_results(
    session: Session, batch: str | MessageBatch, options: Result[CallOptions, ClaudeError]
) -> Iterator[Result[BatchResultLine, ClaudeError]]:
    """The results of an ended batch, one ``Result`` per JSONL line, streamed as they arrive.

    Pass the ``MessageBatch`` to use its ``results_url``, or an id for the documented path. A
    malformed line is a ``Failure`` for that line and the next lines still come; a failed
    request or a broken stream is a last ``Failure``. One request; memory is one line.
    """
    built = _results_request(session, batch, options)
    if isinstance(built, Failure):
        yield Failure(built.failure())
        return
    timeout = options.value_or(_NO).timeout
    deadline, limit = session.deadline(timeout), limit_of(session, timeout)
    opened = open_body(session, built.unwrap(), deadline=deadline, limit=limit)
    if isinstance(opened, Failure):
        yield Failure(opened.failure())
        return
    state = pure.ResultsState()
    with contextlib.closing(
        chunks(session, opened.unwrap(), deadline=deadline, limit=limit)
    ) as pieces:
        for chunk in pieces:
            if isinstance(chunk, ClaudeError):
                yield Failure(chunk)
                return
            state, lines = pure.feed(state, chunk)
            yield from lines
    yield from pure.finish(state)


async def abatch_results(
    session: Session, batch: str | MessageBatch, options: Result[CallOptions, ClaudeError]
) -> AsyncIterator[Result[BatchResultLine, ClaudeError]]:
    """The async twin of ``batch_results`` (``async for``); the loop never blocks.

    Stopping early? Close it, ``async with contextlib.aclosing(client.abatch_results(b)) as
    lines:``, so the connection is freed at once rather than when the generator is collected.
    """
    built = _results_request(session, batch, options)
    if isinstance(built, Failure):
        yield Failure(built.failure())
        return
    timeout = options.value_or(_NO).timeout
    deadline, limit = session.deadline(timeout), limit_of(session, timeout)
    opened = await aopen_body(session, built.unwrap(), deadline=deadline, limit=limit)
    if isinstance(opened, Failure):
        yield Failure(opened.failure())
        return
    state = pure.ResultsState()
    async with contextlib.aclosing(
        achunks(session, opened.unwrap(), deadline=deadline, limit=limit)
    ) as pieces:
        async for chunk in pieces:
            if isinstance(chunk, ClaudeError):
                yield Failure(chunk)
                return
            state, lines = pure.feed(state, chunk)
            for line in lines:
                yield line
    for line in pure.finish(state):
        yield line


# --- waiting --------------------------------------------------------------------------------


def wait_for_batch(
    session: Session,
    batch_id: str,
    options: Result[CallOptions, ClaudeError],
    *,
    poll_every: float = 30.0,
    max_poll_every: float = 300.0,
    on_progress: Progress | None = None,
    deadline: float | None = None,
    cancel: Callable[[], bool] | None = None,
    policies: Policies | None = None,
) -> Result[MessageBatch, ClaudeError]:
    """Poll ``get_batch`` until the batch ends; explicit, one request per poll.

    Sleeps ``min(max_poll_every, poll_every * 1.5 ** n)`` between polls on the session's clock
    and tells ``on_progress`` every state seen. Stops with the ended batch; with
    ``Timeout(phase="total")`` after ``deadline`` seconds; or, when ``cancel()`` is true before a
    poll, with the last state seen (``Success``: the caller chose to stop). A failed poll ends
    it with that error (use ``policies`` to retry polls).
    """
    checked = _check_wait(poll_every, max_poll_every, deadline)
    if isinstance(checked, Failure):
        return Failure(checked.failure())
    clock = session.clock
    until = None if deadline is None else clock.monotonic() + deadline
    polls = 0
    last: MessageBatch | None = None
    while True:
        if cancel is not None and last is not None and cancel():
            return Success(last)
        got = get_batch(session, batch_id, options, policies=policies)
        if not is_successful(got):
            return got
        last = got.unwrap()
        if on_progress is not None:
            on_progress(last)
        step = pure.next_poll(
            last,
            polls=polls,
            now=clock.monotonic(),
            deadline=until,
            poll_every=poll_every,
            cap=max_poll_every,
        )
        if isinstance(step, pure.PollDone):
            return Failure(step.error) if step.error is not None else Success(step.batch)
        clock.sleep(step.seconds)
        polls += 1


async def await_for_batch(
    session: Session,
    batch_id: str,
    options: Result[CallOptions, ClaudeError],
    *,
    poll_every: float = 30.0,
    max_poll_every: float = 300.0,
    on_progress: Progress | None = None,
    deadline: float | None = None,
    cancel: Callable[[], bool] | None = None,
    policies: Policies | None = None,
) -> Result[MessageBatch, ClaudeError]:
    """The async twin of ``wait_for_batch``: sleeps on the event loop (cancellable there too)."""
    checked = _check_wait(poll_every, max_poll_every, deadline)
    if isinstance(checked, Failure):
        return Failure(checked.failure())
    clock = session.clock
    until = None if deadline is None else clock.monotonic() + deadline
    polls = 0
    last: MessageBatch | None = None
    while True:
        if cancel is not None and last is not None and cancel():
            return Success(last)
        got = await aget_batch(session, batch_id, options, policies=policies)
        if not is_successful(got):
            return got
        last = got.unwrap()
        if on_progress is not None:
            on_progress(last)
        step = pure.next_poll(
            last,
            polls=polls,
            now=clock.monotonic(),
            deadline=until,
            poll_every=poll_every,
            cap=max_poll_every,
        )
        if isinstance(step, pure.PollDone):
            return Failure(step.error) if step.error is not None else Success(step.batch)
        await clock.asleep(step.seconds)
        polls += 1


def _check_wait(
    poll_every: object, max_poll_every: object, deadline: object
) -> Result[None, InvalidArgument]:
    for name, value in (("poll_every", poll_every), ("max_poll_every", max_poll_every)):
        if not isinstance(value, int | float) or isinstance(value, bool) or not 0 < value < 1e9:
            return Failure(
                InvalidArgument(path=name, problem=f"must be seconds > 0, got {value!r}")
            )
    if deadline is not None and (
        not isinstance(deadline, int | float) or isinstance(deadline, bool) or not deadline > 0
    ):
        return Failure(
            InvalidArgument(
                path="deadline", problem=f"must be seconds > 0 or None, got {deadline!r}"
            )
        )
    return Success(None)


# --- JSONL files ----------------------------------------------------------------------------


def read_batch_input(path: PathLike) -> Result[list[dict[str, object]], ClaudeError]:
    """The requests of a JSONL batch file (one ``{"custom_id", "params"}`` per line), ready
    for ``create_batch``; a line that is not JSON is a ``Failure`` naming the path and line."""
    try:
        data = Path(path).read_bytes()
    except (OSError, TypeError, ValueError) as exc:
        return Failure(InvalidArgument(path=str(path), problem=f"cannot be read ({exc})"))
    return pure.parse_batch_input(data).alt(
        lambda e: InvalidArgument(path=f"{path}: {e.path}", problem=e.problem)
    )


def write_batch_results(
    results: Iterable[Result[BatchResultLine, ClaudeError]], to: PathLike | IO[bytes]
) -> Result[int, ClaudeError]:
    """Write each successful line as JSONL to ``to`` (a path or a binary stream), streaming.

    Returns how many lines were written; the first ``Failure`` among ``results`` (a broken
    stream, say) stops the writing and is returned. Malformed lines are skipped and counted out.
    """
    try:
        if isinstance(to, str | os.PathLike):
            with Path(to).open("wb") as out:
                return _write_lines(results, out)
        return _write_lines(results, to)
    except OSError as exc:
        return Failure(InvalidArgument(path=str(to), problem=f"cannot be written ({exc})"))


def _write_lines(
    results: Iterable[Result[BatchResultLine, ClaudeError]], out: IO[bytes]
) -> Result[int, ClaudeError]:
    written = 0
    for result in results:
        if isinstance(result, Failure):
            error = result.failure()
            if isinstance(error, pure.MalformedResultLine):
                continue
            return Failure(error)
        out.write(encode(result.unwrap()) + b"\n")
        written += 1
    return Success(written)
