"""Module-level ``parse`` and ``run_tools`` (and twins) on a client or the default one."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

from returns.result import Result

from claude.pure.errors import ClaudeError
from claude.pure.structured import Parsed
from claude.pure.wire import Message
from claude.shell.client import Client, MessageParams, default_client
from claude.shell.execute import Observer, Policies
from claude.shell.tool_runner import EventHandler, ToolLike, ToolRun, TurnHandler

__all__ = ["aparse", "arun_tools", "parse", "run_tools"]

_T = TypeVar("_T")


def parse(
    request: MessageParams,
    output_type: type[_T],
    *,
    client: Client | None = None,
    timeout: float | None = None,
    extra_body: Mapping[str, object] | None = None,
    extra_headers: Mapping[str, str] | None = None,
    extra_query: Mapping[str, str] | None = None,
) -> Result[Parsed[_T], ClaudeError]:
    """Send ``request`` asking for ``output_type``; the reply decoded into it (one HTTP call)."""
    return (client or default_client()).parse(
        request,
        output_type,
        timeout=timeout,
        extra_body=extra_body,
        extra_headers=extra_headers,
        extra_query=extra_query,
    )


async def aparse(
    request: MessageParams,
    output_type: type[_T],
    *,
    client: Client | None = None,
    timeout: float | None = None,
    extra_body: Mapping[str, object] | None = None,
    extra_headers: Mapping[str, str] | None = None,
    extra_query: Mapping[str, str] | None = None,
) -> Result[Parsed[_T], ClaudeError]:
    """The async twin of ``parse``."""
    return await (client or default_client()).aparse(
        request,
        output_type,
        timeout=timeout,
        extra_body=extra_body,
        extra_headers=extra_headers,
        extra_query=extra_query,
    )


def run_tools(
    request: MessageParams,
    *,
    tools: Sequence[ToolLike],
    client: Client | None = None,
    max_turns: int = 8,
    stop_when: Callable[[Message], bool] | None = None,
    continue_paused: bool = False,
    policies: Policies | None = None,
    observe: Observer | None = None,
    stream: bool = False,
    on_event: EventHandler | None = None,
    on_turn: TurnHandler | None = None,
    timeout: float | None = None,
    extra_body: Mapping[str, object] | None = None,
    extra_headers: Mapping[str, str] | None = None,
    extra_query: Mapping[str, str] | None = None,
) -> Result[ToolRun, ClaudeError]:
    """Run the tool loop (``Client.run_tools``) on ``client`` or the default one."""
    return (client or default_client()).run_tools(
        request,
        tools=tools,
        max_turns=max_turns,
        stop_when=stop_when,
        continue_paused=continue_paused,
        policies=policies,
        observe=observe,
        stream=stream,
        on_event=on_event,
        on_turn=on_turn,
        timeout=timeout,
        extra_body=extra_body,
        extra_headers=extra_headers,
        extra_query=extra_query,
    )


async def arun_tools(
    request: MessageParams,
    *,
    tools: Sequence[ToolLike],
    client: Client | None = None,
    max_turns: int = 8,
    stop_when: Callable[[Message], bool] | None = None,
    continue_paused: bool = False,
    policies: Policies | None = None,
    observe: Observer | None = None,
    stream: bool = False,
    on_event: EventHandler | None = None,
    on_turn: TurnHandler | None = None,
    timeout: float | None = None,
    extra_body: Mapping[str, object] | None = None,
    extra_headers: Mapping[str, str] | None = None,
    extra_query: Mapping[str, str] | None = None,
) -> Result[ToolRun, ClaudeError]:
    """The async twin of ``run_tools``: the tool calls of one reply run concurrently."""
    return await (client or default_client()).arun_tools(
        request,
        tools=tools,
        max_turns=max_turns,
        stop_when=stop_when,
        continue_paused=continue_paused,
        policies=policies,
        observe=observe,
        stream=stream,
        on_event=on_event,
        on_turn=on_turn,
        timeout=timeout,
        extra_body=extra_body,
        extra_headers=extra_headers,
        extra_query=extra_query,
    )
