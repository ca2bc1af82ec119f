"""The tool loop's shell driver: send each turn, run the tools the model asks for, repeat.

Theory of operation
-------------------
Every decision is the pure loop machine's (``claude.pure.tool_loop``): when to send, which
calls to answer, when to stop (``end_turn``, ``max_turns``, the caller's ``stop_when``, a
``pause_turn`` the caller does not continue). ``_drive`` is its one driver, written once for
sync and async: a generator that yields the two things that take time, ``Send`` (one request)
and ``RunTools`` (the calls of one reply), and gets back their outcomes. ``run_tools`` performs
them on the caller's thread, ``arun_tools`` on the event loop; those two trampolines are the
only code that differs.

* **A turn** is one request: a plain call (exactly one HTTP exchange), a call under
  ``policies`` (the ``execute_with_*`` plan: retries, breaker, limiter, failover), or, with
  ``stream=True``, a stream (its events go to ``on_event``) folded into the reply.
* **Tools**: a call is bound to its tool (``claude.pure.tools.bind_call``; bad input becomes an
  ``is_error`` result telling the model what to fix), run, and its value or the exception it
  raised becomes the ``tool_result`` block. A tool that raises never ends the loop. In
  ``run_tools`` sync tools run in order on the caller's thread, and the async ones of a reply
  together on a short-lived event loop; in ``arun_tools`` every call of a reply runs at once in
  an anyio task group, async tools as tasks, sync tools in worker threads. Results go back in
  the order the model asked, whatever order they finish in.
* **Observable**: ``on_turn`` gets a ``Turn`` (its number, request, reply and the results that
  answered it) after each turn; the returned ``ToolRun`` holds the whole transcript.

A failed send ends the loop with that failure; the turns before it were reported to
``on_turn``, so the conversation so far is not lost.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Generator, Sequence
from typing import TypeAlias, cast

import anyio
import anyio.to_thread
import msgspec
from returns.result import Failure, Result, Success

from claude.pure.errors import ClaudeError, InvalidArgument
from claude.pure.events import StreamEvent
from claude.pure.options import CallOptions
from claude.pure.request import parse_message_request
from claude.pure.tool_loop import (
    Done,
    Reply,
    RunTools,
    Send,
    ToolLoopPolicy,
    ToolLoopState,
    ToolResults,
    advance,
    start,
)
from claude.pure.tools import (
    FunctionTool,
    ToolCall,
    bind_call,
    error_block,
    result_block,
    tool,
    with_tools,
)
from claude.pure.wire import Message, MessageParam, MessageRequest, ToolResultBlock, ToolUseBlock
from claude.shell.execute import Observer, Policies, aexecute, execute
from claude.shell.session import NO_OPTIONS, MessageParams, Session
from claude.shell.streaming import (
    AsyncMessageStream,
    MessageStream,
    planned_astream,
    planned_stream,
)

__all__ = [
    "EventHandler",
    "ToolLike",
    "ToolRun",
    "Turn",
    "TurnHandler",
    "arun_tools",
    "run_tools",
]


class Turn(msgspec.Struct, frozen=True, kw_only=True):
    """One turn of the loop: the request sent, the reply, and the results that answered it."""

    number: int
    request: MessageRequest
    reply: Message
    results: tuple[ToolResultBlock, ...] = ()


class ToolRun(msgspec.Struct, frozen=True, kw_only=True):
    """A finished loop: why it stopped, the whole conversation, and every reply.

    ``reason`` is ``end_turn``, ``max_turns``, ``predicate``, ``pause_turn`` or the last reply's
    own stop reason. ``transcript`` is the request's messages, then every reply and tool-result
    message, ready to send again to continue. ``unanswered`` lists tool calls of the last reply
    the loop did not run (a ``stop_when`` stop), which a continued conversation must answer.
    """

    reason: str
    transcript: tuple[MessageParam, ...]
    replies: tuple[Message, ...]
    turns: int
    unanswered: tuple[ToolUseBlock, ...] = ()

    @property
    def message(self) -> Message | None:
        """The last reply (``None`` only if no reply came)."""
        return self.replies[-1] if self.replies else None

    @property
    def text(self) -> str:
        """The text of the last reply."""
        return self.replies[-1].text if self.replies else ""


ToolLike: TypeAlias = FunctionTool[..., object] | Callable[..., object]
"""A ``@tool`` function, or a plain function (made a tool as if decorated)."""

TurnHandler: TypeAlias = Callable[[Turn], None]
"""Receives each turn as it completes."""

EventHandler: TypeAlias = Callable[[StreamEvent], None]
"""Receives each stream event of a streamed turn as it arrives."""

_Outcome = Result[Message, ClaudeError] | tuple[ToolResultBlock, ...]
_Steps = Generator[Send | RunTools, _Outcome, Result[ToolRun, ClaudeError]]


def _prepared(
    request: MessageParams,
    tools: Sequence[ToolLike],
    *,
    max_turns: int,
    stop_when: Callable[[Message], bool] | None,
    continue_paused: bool,
) -> Result[
    tuple[MessageRequest, tuple[FunctionTool[..., object], ...], ToolLoopPolicy], ClaudeError
]:
    """The first request (tools offered), the tools, and the loop's policy; or the first problem."""
    try:
        policy = ToolLoopPolicy(
            max_turns=max_turns, stop_when=stop_when, continue_paused=continue_paused
        )
    except ValueError as exc:
        return Failure(InvalidArgument(path="max_turns", problem=str(exc).partition(": ")[2]))
    made = tuple(t if isinstance(t, FunctionTool) else tool(t) for t in tools)
    typed: Result[MessageRequest, ClaudeError] = parse_message_request(request).alt(_as_error)
    return typed.bind(lambda r: _offer(r, made)).map(lambda r: (r, made, policy))


def _offer(
    request: MessageRequest, tools: tuple[FunctionTool[..., object], ...]
) -> Result[MessageRequest, ClaudeError]:
    return with_tools(request, tools).alt(_as_error)


def _drive(request: MessageRequest, policy: ToolLoopPolicy, on_turn: TurnHandler | None) -> _Steps:
    """The one driver of the loop machine, for sync and async: yields what to do, gets outcomes.

    Each reply is reported to ``on_turn`` once: with its results when its tools ran, otherwise
    when the machine moves on (a paused reply sent back, or the end).
    """
    state, step = start(request, policy)
    sent: list[MessageRequest] = []
    reported = 0
    while True:
        event: Reply | ToolResults
        if not isinstance(step, RunTools) and len(state.replies) > reported:
            reported = _report(on_turn, state, sent, ())
        match step:
            case Send(request=next_request):
                sent.append(next_request)
                outcome = yield step
                if not isinstance(outcome, Success | Failure):
                    raise TypeError("a Send is answered with the reply's Result")
                if isinstance(outcome, Failure):
                    return Failure(outcome.failure())
                event = Reply(message=outcome.unwrap())
            case RunTools():
                results = yield step
                if not isinstance(results, tuple):
                    raise TypeError("RunTools is answered with the result blocks")
                reported = _report(on_turn, state, sent, results)
                event = ToolResults(results=results)
            case Done():
                return Success(_finished(state, step))
        advanced = advance(state, event, policy=policy)
        if isinstance(advanced, Failure):  # the driver reports only what was asked: a bug here
            return Failure(advanced.failure())
        state, step = advanced.unwrap()


def _report(
    on_turn: TurnHandler | None,
    state: ToolLoopState,
    sent: list[MessageRequest],
    results: tuple[ToolResultBlock, ...],
) -> int:
    """Tell ``on_turn`` of the last reply; the number of replies reported so far."""
    number = len(state.replies)
    if on_turn is not None:
        turn = Turn(
            number=number, request=sent[number - 1], reply=state.replies[-1], results=results
        )
        on_turn(turn)
    return number


def _finished(state: ToolLoopState, done: Done) -> ToolRun:
    return ToolRun(
        reason=done.reason,
        transcript=state.transcript,
        replies=state.replies,
        turns=state.turns,
        unanswered=done.unanswered,
    )


def _ordered(
    results: list[ToolResultBlock | None], calls: tuple[ToolUseBlock, ...]
) -> tuple[ToolResultBlock, ...]:
    return tuple(
        r if r is not None else error_block(call.id, RuntimeError("the tool did not finish"))
        for r, call in zip(results, calls, strict=True)
    )


def _bound(
    tools: Sequence[FunctionTool[..., object]], calls: tuple[ToolUseBlock, ...]
) -> list[ToolCall | ToolResultBlock]:
    """Each call bound to its tool, or the ``is_error`` result that rejects its input."""
    bound: list[ToolCall | ToolResultBlock] = []
    for block in calls:
        made = bind_call(tools, block)
        bound.append(made.unwrap() if isinstance(made, Success) else made.failure().result_block())
    return bound


def _call_sync(call: ToolCall) -> ToolResultBlock:
    """Run a sync tool; its value or the exception it raised is the result."""
    try:
        value = call.tool.fn(*call.args, **call.kwargs)
    except Exception as exc:  # a failing tool answers the model, it never ends the loop
        return error_block(call.tool_use_id, exc)
    return result_block(call.tool_use_id, value)


async def _call_async(call: ToolCall) -> ToolResultBlock:
    """Run an async tool (awaited) or a sync one (in a worker thread)."""
    try:
        if call.tool.is_async:
            awaitable = cast(Awaitable[object], call.tool.fn(*call.args, **call.kwargs))
            value = await awaitable
        else:
            value = await anyio.to_thread.run_sync(
                functools.partial(call.tool.fn, *call.args, **call.kwargs)
            )
    except Exception as exc:  # a failing tool answers the model, it never ends the loop
        return error_block(call.tool_use_id, exc)
    return result_block(call.tool_use_id, value)


async def _run_together(bound: list[ToolCall | ToolResultBlock]) -> list[ToolResultBlock | None]:
    """Run every bound call at once in a task group; results by index."""
    results: list[ToolResultBlock | None] = [
        b if isinstance(b, ToolResultBlock) else None for b in bound
    ]

    async def one(index: int, call: ToolCall) -> None:
        results[index] = await _call_async(call)

    async with anyio.create_task_group() as group:
        for index, item in enumerate(bound):
            if isinstance(item, ToolCall):
                group.start_soon(one, index, item)
    return results


def _run_sync(
    tools: Sequence[FunctionTool[..., object]], calls: tuple[ToolUseBlock, ...]
) -> tuple[ToolResultBlock, ...]:
    """Sync tools in order on this thread; the async ones together on a short-lived loop."""
    bound = _bound(tools, calls)
    results: list[ToolResultBlock | None] = [None] * len(bound)
    waiting: list[ToolCall | ToolResultBlock] = []
    for index, item in enumerate(bound):
        if isinstance(item, ToolResultBlock):
            results[index] = item
        elif item.tool.is_async:
            waiting.append(item)
        else:
            results[index] = _call_sync(item)
    if waiting:
        try:
            ran = anyio.run(_run_together, waiting)
        except RuntimeError as exc:  # already inside an event loop: use arun_tools there
            ran = [
                error_block(c.tool_use_id, exc) if isinstance(c, ToolCall) else c for c in waiting
            ]
        slots = iter(ran)
        for index, item in enumerate(bound):
            if isinstance(item, ToolCall) and item.tool.is_async:
                results[index] = next(slots)
    return _ordered(results, calls)


async def _run_async(
    tools: Sequence[FunctionTool[..., object]], calls: tuple[ToolUseBlock, ...]
) -> tuple[ToolResultBlock, ...]:
    return _ordered(await _run_together(_bound(tools, calls)), calls)


def run_tools(
    session: Session,
    request: MessageParams,
    tools: Sequence[ToolLike],
    *,
    max_turns: int = 8,
    stop_when: Callable[[Message], bool] | None = None,
    continue_paused: bool = False,
    policies: Policies | None = None,
    observe: Observer | None = None,
    stream: bool = False,
    on_event: EventHandler | None = None,
    on_turn: TurnHandler | None = None,
    options: CallOptions = NO_OPTIONS,
) -> Result[ToolRun, ClaudeError]:
    """Run the tool loop on this thread (see the module docstring)."""
    prepared = _prepared(
        request, tools, max_turns=max_turns, stop_when=stop_when, continue_paused=continue_paused
    )
    if isinstance(prepared, Failure):
        return Failure(prepared.failure())
    first, made, policy = prepared.unwrap()

    def send(turn: MessageRequest) -> Result[Message, ClaudeError]:
        if stream:
            built = session.build(turn, stream=True, options=options)
            events = MessageStream(session, built, timeout=options.timeout)
            if policies is not None:
                events = planned_stream(events, policies, observe)
            with events:
                for event in events:
                    if on_event is not None:
                        on_event(event)
                return events.final_message()
        if policies is not None:
            return execute(session, turn, policies, observe=observe, options=options)
        return session.build(turn, stream=False, options=options).bind(
            lambda built: session.perform(built, timeout=options.timeout)
        )

    steps = _drive(first, policy, on_turn)
    try:
        action = next(steps)
        while True:
            if isinstance(action, Send):
                action = steps.send(send(action.request))
            else:
                action = steps.send(_run_sync(made, action.calls))
    except StopIteration as stop:
        return _result(stop)
    finally:
        steps.close()


async def arun_tools(
    session: Session,
    request: MessageParams,
    tools: Sequence[ToolLike],
    *,
    max_turns: int = 8,
    stop_when: Callable[[Message], bool] | None = None,
    continue_paused: bool = False,
    policies: Policies | None = None,
    observe: Observer | None = None,
    stream: bool = False,
    on_event: EventHandler | None = None,
    on_turn: TurnHandler | None = None,
    options: CallOptions = NO_OPTIONS,
) -> Result[ToolRun, ClaudeError]:
    """The async twin of ``run_tools``: the calls of one reply run concurrently."""
    prepared = _prepared(
        request, tools, max_turns=max_turns, stop_when=stop_when, continue_paused=continue_paused
    )
    if isinstance(prepared, Failure):
        return Failure(prepared.failure())
    first, made, policy = prepared.unwrap()

    async def send(turn: MessageRequest) -> Result[Message, ClaudeError]:
        if stream:
            built = session.build(turn, stream=True, options=options)
            events = AsyncMessageStream(session, built, timeout=options.timeout)
            if policies is not None:
                events = planned_astream(events, policies, observe)
            async with events:
                async for event in events:
                    if on_event is not None:
                        on_event(event)
                return await events.final_message()
        if policies is not None:
            return await aexecute(session, turn, policies, observe=observe, options=options)
        built = session.build(turn, stream=False, options=options)
        if isinstance(built, Failure):
            return Failure(built.failure())
        return await session.aperform(built.unwrap(), timeout=options.timeout)

    steps = _drive(first, policy, on_turn)
    try:
        action = next(steps)
        while True:
            if isinstance(action, Send):
                action = steps.send(await send(action.request))
            else:
                action = steps.send(await _run_async(made, action.calls))
    except StopIteration as stop:
        return _result(stop)
    finally:
        steps.close()


def _result(stop: StopIteration) -> Result[ToolRun, ClaudeError]:
    """The driver's return value (a generator's return travels in StopIteration, untyped)."""
    value = stop.value
    assert isinstance(value, Success | Failure)
    return cast(Result[ToolRun, ClaudeError], value)


def _as_error(error: ClaudeError) -> ClaudeError:
    return error
