"""Structured output in the shell: send a request asking for the caller's type, decode the reply.

``parse`` is one HTTP call, like ``send``: the request gets ``output_config.format`` exactly as
the SDK 2.14's ``messages.parse`` sends it (built purely by ``claude.pure.structured``, the
schema once per type), and the reply is decoded into the type: ``Success(Parsed)``, or one of
``OutputRefused`` / ``OutputIncomplete`` / ``OutputMismatch`` (each carrying the reply), or the
call's own failure. ``ParsedMessageStream`` is a ``MessageStream`` whose ``final_parsed()`` gives
the same outcome once the stream has ended; iterating it is unchanged.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from returns.result import Failure, Result, Success

from claude.pure.codec import plain
from claude.pure.errors import ClaudeError, InvalidArgument
from claude.pure.options import CallOptions
from claude.pure.request import HttpRequest, Unchecked, unchecked
from claude.pure.structured import Parsed, decode_output, output_config, with_output_type
from claude.pure.wire import Message, MessageRequest
from claude.shell.session import NO_OPTIONS, MessageParams, Session
from claude.shell.streaming import AsyncMessageStream, MessageStream

__all__ = [
    "AsyncParsedMessageStream",
    "ParsedMessageStream",
    "aparse",
    "decoded",
    "parse",
    "with_output",
]

_T = TypeVar("_T")


def with_output(request: MessageParams, output_type: object) -> Result[MessageParams, ClaudeError]:
    """``request`` asking for replies of ``output_type``: its ``output_config.format`` set.

    A typed request stays typed; a dict stays a dict (checked when built); an ``unchecked``
    request stays unchecked. Other ``output_config`` keys (``effort``) are kept.
    """
    if isinstance(request, MessageRequest):
        return with_output_type(request, output_type).alt(_as_error)
    try:
        data = plain(request.params if isinstance(request, Unchecked) else request)
    except Exception as exc:  # a hostile mapping must not escape as a traceback
        problem = f"could not be read: it raised {type(exc).__name__}; pass a plain dict"
        return Failure(InvalidArgument(path="request", problem=problem))
    if isinstance(data, Failure):
        error = data.failure()
        return Failure(InvalidArgument(path=error.path or "request", problem=error.problem))
    fields = data.unwrap()
    if not isinstance(fields, dict):
        return Failure(InvalidArgument(path="request", problem="must be a dict of field names"))
    config = output_config(output_type, base=fields.get("output_config"))
    if isinstance(config, Failure):
        return Failure(config.failure())
    asked: dict[str, object] = {**fields, "output_config": config.unwrap()}
    return Success(unchecked(asked) if isinstance(request, Unchecked) else asked)


def decoded(
    sent: Result[Message, ClaudeError], output_type: type[_T]
) -> Result[Parsed[_T], ClaudeError]:
    """A call's outcome with its reply decoded into ``output_type`` (the call's failure kept)."""
    if isinstance(sent, Failure):
        return Failure(sent.failure())
    result: Result[Parsed[_T], ClaudeError] = decode_output(sent.unwrap(), output_type).alt(
        _as_error
    )
    return result


def parse(
    session: Session,
    request: MessageParams,
    output_type: type[_T],
    *,
    options: CallOptions = NO_OPTIONS,
) -> Result[Parsed[_T], ClaudeError]:
    """Send ``request`` asking for ``output_type`` and decode the reply: exactly one HTTP call."""
    built = _built(session, request, output_type, stream=False, options=options)
    if isinstance(built, Failure):
        return Failure(built.failure())
    return decoded(session.perform(built.unwrap(), timeout=options.timeout), output_type)


async def aparse(
    session: Session,
    request: MessageParams,
    output_type: type[_T],
    *,
    options: CallOptions = NO_OPTIONS,
) -> Result[Parsed[_T], ClaudeError]:
    """The async twin of ``parse``: the exchange runs in a worker thread."""
    built = _built(session, request, output_type, stream=False, options=options)
    if isinstance(built, Failure):
        return Failure(built.failure())
    sent = await session.aperform(built.unwrap(), timeout=options.timeout)
    return decoded(sent, output_type)


def _built(
    session: Session,
    request: MessageParams,
    output_type: object,
    *,
    stream: bool,
    options: CallOptions,
) -> Result[HttpRequest, ClaudeError]:
    return with_output(request, output_type).bind(
        lambda asked: session.build(asked, stream=stream, options=options)
    )


class ParsedMessageStream(MessageStream, Generic[_T]):
    """A ``MessageStream`` asking for ``output_type``: ``final_parsed()`` decodes the reply."""

    def __init__(
        self,
        session: Session,
        request: Result[HttpRequest, ClaudeError],
        *,
        output_type: type[_T],
        timeout: float | None = None,
    ) -> None:
        super().__init__(session, request, timeout=timeout)
        self.output_type: type[_T] = output_type

    def final_parsed(self) -> Result[Parsed[_T], ClaudeError]:
        """Read whatever is left, then the reply decoded into ``output_type`` (or why not)."""
        return decoded(self.final_message(), self.output_type)


class AsyncParsedMessageStream(AsyncMessageStream, Generic[_T]):
    """The async twin of ``ParsedMessageStream``."""

    def __init__(
        self,
        session: Session,
        request: Result[HttpRequest, ClaudeError],
        *,
        output_type: type[_T],
        timeout: float | None = None,
    ) -> None:
        super().__init__(session, request, timeout=timeout)
        self.output_type: type[_T] = output_type

    async def final_parsed(self) -> Result[Parsed[_T], ClaudeError]:
        """Read whatever is left, then the reply decoded into ``output_type`` (or why not)."""
        return decoded(await self.final_message(), self.output_type)


def _as_error(error: ClaudeError) -> ClaudeError:
    return error
