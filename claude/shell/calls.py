"""Module-level calls for the common case: ``send(request)`` on a client or the default one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar, overload

from returns.result import Result

from claude.pure.errors import ClaudeError
from claude.pure.wire import Message
from claude.shell.client import Client, MessageParams, default_client
from claude.shell.metered import Estimate
from claude.shell.parsing import AsyncParsedMessageStream, ParsedMessageStream
from claude.shell.quota import QuotaTracker
from claude.shell.streaming import AsyncMessageStream, MessageStream

__all__ = ["aexecute_with_quota", "asend", "astream", "execute_with_quota", "send", "stream"]

_T = TypeVar("_T")


def send(
    request: MessageParams,
    *,
    client: Client | None = None,
    timeout: float | None = None,
    extra_body: Mapping[str, object] | None = None,
    extra_headers: Mapping[str, str] | None = None,
    extra_query: Mapping[str, str] | None = None,
) -> Result[Message, ClaudeError]:
    """Send one Messages request and wait for the reply: exactly one HTTP call.

    Without ``client`` it uses a client made once from the environment
    (``ANTHROPIC_API_KEY``, ``ANTHROPIC_BASE_URL``).
    """
    return (client or default_client()).send(
        request,
        timeout=timeout,
        extra_body=extra_body,
        extra_headers=extra_headers,
        extra_query=extra_query,
    )


async def asend(
    request: MessageParams,
    *,
    client: Client | None = None,
    timeout: float | None = None,
    extra_body: Mapping[str, object] | None = None,
    extra_headers: Mapping[str, str] | None = None,
    extra_query: Mapping[str, str] | None = None,
) -> Result[Message, ClaudeError]:
    """The async twin of ``send`` (asyncio or trio, via anyio); the loop never blocks."""
    return await (client or default_client()).asend(
        request,
        timeout=timeout,
        extra_body=extra_body,
        extra_headers=extra_headers,
        extra_query=extra_query,
    )


@overload
def stream(
    request: MessageParams,
    *,
    client: Client | None = None,
    timeout: float | None = None,
    extra_body: Mapping[str, object] | None = None,
    extra_headers: Mapping[str, str] | None = None,
    extra_query: Mapping[str, str] | None = None,
    output_type: None = None,
) -> MessageStream: ...
@overload
def stream(
    request: MessageParams,
    *,
    client: Client | None = None,
    timeout: float | None = None,
    extra_body: Mapping[str, object] | None = None,
    extra_headers: Mapping[str, str] | None = None,
    extra_query: Mapping[str, str] | None = None,
    output_type: type[_T],
) -> ParsedMessageStream[_T]: ...
def stream(
    request: MessageParams,
    *,
    client: Client | None = None,
    timeout: float | None = None,
    extra_body: Mapping[str, object] | None = None,
    extra_headers: Mapping[str, str] | None = None,
    extra_query: Mapping[str, str] | None = None,
    output_type: type[_T] | None = None,
) -> MessageStream | ParsedMessageStream[_T]:
    """Stream a reply: ``with stream(request) as events: for event in events: ...``.

    With ``output_type``, ``events.final_parsed()`` is the reply decoded into that type."""
    chosen = client or default_client()
    if output_type is None:
        return chosen.stream(
            request,
            timeout=timeout,
            extra_body=extra_body,
            extra_headers=extra_headers,
            extra_query=extra_query,
        )
    return chosen.stream(
        request,
        timeout=timeout,
        extra_body=extra_body,
        extra_headers=extra_headers,
        extra_query=extra_query,
        output_type=output_type,
    )


@overload
def astream(
    request: MessageParams,
    *,
    client: Client | None = None,
    timeout: float | None = None,
    extra_body: Mapping[str, object] | None = None,
    extra_headers: Mapping[str, str] | None = None,
    extra_query: Mapping[str, str] | None = None,
    output_type: None = None,
) -> AsyncMessageStream: ...
@overload
def astream(
    request: MessageParams,
    *,
    client: Client | None = None,
    timeout: float | None = None,
    extra_body: Mapping[str, object] | None = None,
    extra_headers: Mapping[str, str] | None = None,
    extra_query: Mapping[str, str] | None = None,
    output_type: type[_T],
) -> AsyncParsedMessageStream[_T]: ...
def astream(
    request: MessageParams,
    *,
    client: Client | None = None,
    timeout: float | None = None,
    extra_body: Mapping[str, object] | None = None,
    extra_headers: Mapping[str, str] | None = None,
    extra_query: Mapping[str, str] | None = None,
    output_type: type[_T] | None = None,
) -> AsyncMessageStream | AsyncParsedMessageStream[_T]:
    """The async twin of ``stream``: ``async with astream(request) as events: ...``."""
    chosen = client or default_client()
    if output_type is None:
        return chosen.astream(
            request,
            timeout=timeout,
            extra_body=extra_body,
            extra_headers=extra_headers,
            extra_query=extra_query,
        )
    return chosen.astream(
        request,
        timeout=timeout,
        extra_body=extra_body,
        extra_headers=extra_headers,
        extra_query=extra_query,
        output_type=output_type,
    )


def execute_with_quota(
    request: MessageParams,
    tracker: QuotaTracker,
    *,
    client: Client | None = None,
    estimate: Estimate | None = None,
    timeout: float | None = None,
    extra_body: Mapping[str, object] | None = None,
    extra_headers: Mapping[str, str] | None = None,
    extra_query: Mapping[str, str] | None = None,
) -> Result[Message, ClaudeError]:
    """``Client.execute_with_quota`` on ``client`` or the default one: one call under ``tracker``."""
    return (client or default_client()).execute_with_quota(
        request,
        tracker,
        estimate=estimate,
        timeout=timeout,
        extra_body=extra_body,
        extra_headers=extra_headers,
        extra_query=extra_query,
    )


async def aexecute_with_quota(
    request: MessageParams,
    tracker: QuotaTracker,
    *,
    client: Client | None = None,
    estimate: Estimate | None = None,
    timeout: float | None = None,
    extra_body: Mapping[str, object] | None = None,
    extra_headers: Mapping[str, str] | None = None,
    extra_query: Mapping[str, str] | None = None,
) -> Result[Message, ClaudeError]:
    """The async twin of ``execute_with_quota``."""
    return await (client or default_client()).aexecute_with_quota(
        request,
        tracker,
        estimate=estimate,
        timeout=timeout,
        extra_body=extra_body,
        extra_headers=extra_headers,
        extra_query=extra_query,
    )
