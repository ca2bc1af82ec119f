"""Streamed response bodies (batch results, file downloads): open, read chunk by chunk within
the call's deadline, close. Memory is one chunk, whatever the size of the body.

``open_body`` sends the request and gives the open body on a 2xx; any other status is read
(within the body cap) and becomes the API's error value, exactly as for ``send``. ``chunks``
then yields the body's bytes, ending with the error that stopped it (deadline, cut connection)
if it did not end cleanly. Both have async twins that hop to a worker thread per read.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncGenerator, Generator

from returns.result import Failure, Result, Success

from claude.pure import lifecycle
from claude.pure.errors import ClaudeError, Timeout
from claude.pure.request import HttpRequest
from claude.shell import transport
from claude.shell.session import Session

__all__ = ["achunks", "aopen_body", "chunks", "limit_of", "open_body"]


def limit_of(session: Session, timeout: float | None) -> float | None:
    """The seconds a call's deadline stands for: its ``timeout``, else ``Timeouts.total``."""
    return timeout if timeout is not None else session.timeouts.total


def _error_of(
    session: Session, body: transport.Body, deadline: float | None, limit: float | None
) -> ClaudeError:
    data, error = transport.read_all(
        body,
        deadline=deadline,
        now=session.clock.monotonic,
        read_timeout=session.timeouts.read,
        max_bytes=session.settings.max_response_bytes,
    )
    return lifecycle.body_error(lifecycle.Body(body.status, body.headers, data, error), limit=limit)


def open_body(
    session: Session, request: HttpRequest, *, deadline: float | None, limit: float | None = None
) -> Result[transport.Body, ClaudeError]:
    """The open body of a 2xx reply to ``request``, or the error value of any other answer."""
    opened = session.open_stream(request, deadline=deadline)
    if isinstance(opened, Failure):
        return opened
    body = opened.unwrap()
    if 200 <= body.status < 300:
        return Success(body)
    return Failure(_error_of(session, body, deadline, limit))


async def aopen_body(
    session: Session, request: HttpRequest, *, deadline: float | None, limit: float | None = None
) -> Result[transport.Body, ClaudeError]:
    """The async twin of ``open_body``."""
    opened = await session.aopen_stream(request, deadline=deadline)
    if isinstance(opened, Failure):
        return opened
    body = opened.unwrap()
    if 200 <= body.status < 300:
        return Success(body)
    return Failure(await session.hop(functools.partial(_error_of, session, body, deadline, limit)))


def _wait(session: Session, deadline: float | None, limit: float | None) -> float | ClaudeError:
    """How long the next read may wait, or the deadline's error once it passed."""
    wait = session.timeouts.read
    if deadline is None:
        return wait
    left = deadline - session.clock.monotonic()
    if left <= 0.0:
        return Timeout(phase="total", seconds=limit)
    return min(wait, left)


def _named(
    session: Session, error: ClaudeError, deadline: float | None, limit: float | None
) -> ClaudeError:
    """A read's timeout past the call's deadline is the call's ``Timeout(total)``."""
    if (
        isinstance(error, Timeout)
        and deadline is not None
        and session.clock.monotonic() >= deadline
    ):
        return Timeout(phase="total", seconds=limit)
    return error


def chunks(
    session: Session, body: transport.Body, *, deadline: float | None, limit: float | None = None
) -> Generator[bytes | ClaudeError, None, None]:
    """The body's bytes as they arrive, then, if it did not end cleanly, why; always closed."""
    try:
        while True:
            wait = _wait(session, deadline, limit)
            if isinstance(wait, ClaudeError):
                yield wait
                return
            chunk = body.read(transport.READ_SIZE, timeout=wait)
            if isinstance(chunk, ClaudeError):
                yield _named(session, chunk, deadline, limit)
                return
            if not chunk:
                return
            yield chunk
    finally:
        body.close()


async def achunks(
    session: Session, body: transport.Body, *, deadline: float | None, limit: float | None = None
) -> AsyncGenerator[bytes | ClaudeError, None]:
    """The async twin of ``chunks``: each read in a worker thread; cancelling aborts the read."""
    try:
        while True:
            wait = _wait(session, deadline, limit)
            if isinstance(wait, ClaudeError):
                yield wait
                return
            try:
                chunk = await session.hop(
                    functools.partial(body.read, transport.READ_SIZE, timeout=wait)
                )
            except BaseException:
                body.abort()
                raise
            if isinstance(chunk, ClaudeError):
                yield _named(session, chunk, deadline, limit)
                return
            if not chunk:
                return
            yield chunk
    finally:
        body.close()
