"""``run_tools`` / ``arun_tools`` over real sockets against the bundled server's scripted replies."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Literal

import anyio
import pytest
from returns.result import Result

import claude
from claude.pure.errors import ClaudeError, InvalidArgument, Overloaded
from claude.pure.events import StreamEvent
from claude.pure.record import CallRecord
from claude.pure.retry import RetryPolicy
from claude.pure.wire import ToolResultBlock, ToolUseBlock
from claude.shell import Policies, ToolRun, Turn
from claude.shell.client import Client
from claude.shell.tool_runner import ToolLike
from claude.testing import Fault, LocalServer
from tests.shell.conftest import Mode


def ask(text: str, **fields: object) -> dict[str, object]:
    """A request whose last user message is ``text``."""
    return {
        "model": "claude-sonnet-4-5",
        "max_tokens": 256,
        "messages": [{"role": "user", "content": text}],
        **fields,
    }


@claude.tool
def get_weather(city: str, unit: Literal["c", "f"] = "c") -> str:
    """Get the current weather in a city.

    Args:
        city: The city name.
        unit: Celsius or Fahrenheit.
    """
    return f"3 degrees {unit} in {city}"


@claude.tool
def get_time(zone: str) -> str:
    """The local time in a time zone.

    Args:
        zone: An IANA zone name.
    """
    return f"noon in {zone}"


@claude.tool
def broken(city: str) -> str:
    """A tool that always fails.

    Args:
        city: Ignored.
    """
    raise ValueError(f"no station in {city}")


def run(
    client: Client, mode: Mode, request: dict[str, object], tools: Sequence[ToolLike], **kw: object
) -> Result[ToolRun, ClaudeError]:
    """``client.run_tools``, or ``client.arun_tools`` run on the given backend."""
    if mode == "sync":
        return client.run_tools(request, tools=tools, **kw)  # type: ignore[arg-type]

    async def main() -> Result[ToolRun, ClaudeError]:
        return await client.arun_tools(request, tools=tools, **kw)  # type: ignore[arg-type]

    return anyio.run(main, backend=mode)


def results_of(outcome: ToolRun) -> list[ToolResultBlock]:
    """Every tool_result block the loop sent back, in order."""
    return [
        block
        for message in outcome.transcript
        if message.role == "user" and isinstance(message.content, list)
        for block in message.content
        if isinstance(block, ToolResultBlock)
    ]


def test_a_three_turn_tool_conversation(server: LocalServer, client: Client, mode: Mode) -> None:
    """Two tool turns then an answer: three requests, each turn reported, results in the transcript."""
    turns: list[Turn] = []
    outcome = run(
        client, mode, ask("use tool please"), [get_weather, get_time], on_turn=turns.append
    ).unwrap()
    assert outcome.reason == "end_turn" and outcome.turns == 3
    assert server.request_count == 3
    assert [t.number for t in turns] == [1, 2, 3]
    assert [m.role for m in outcome.transcript] == ["user", "assistant"] * 3
    assert [r.content for r in results_of(outcome)] == ["3 degrees c in city", "noon in zone"]
    assert [len(t.results) for t in turns] == [1, 1, 0]
    asked = [b for t in turns for b in t.reply.content if isinstance(b, ToolUseBlock)]
    assert [b.name for b in asked] == ["get_weather", "get_time"]
    assert outcome.text == "Tool results: noon in zone"
    last = server.requests[-1].json
    assert isinstance(last, dict) and len(last["messages"]) == 5
    assert [t["name"] for t in last["tools"]] == ["get_weather", "get_time"]


def test_a_tool_that_raises_becomes_an_is_error_result(client: Client, mode: Mode) -> None:
    """The exception's type and message go back to the model as is_error; the loop goes on."""
    outcome = run(client, mode, ask("use tool please"), [broken]).unwrap()
    (result,) = results_of(outcome)
    assert result.is_error is True
    assert result.content == "ValueError: no station in city"
    assert outcome.reason == "end_turn"
    assert outcome.text == "Tool results: error: ValueError: no station in city"


def test_async_tools_of_one_reply_run_concurrently(client: Client, mode: Mode) -> None:
    """Each tool waits until both are running: run one after the other, both would time out."""
    arrived = 0
    both: list[anyio.Event] = []

    async def meet() -> None:
        nonlocal arrived
        if not both:
            both.append(anyio.Event())
        arrived += 1
        if arrived == 2:
            both[0].set()
        with anyio.fail_after(5):  # a guard against a hang, never reached when concurrent
            await both[0].wait()

    @claude.tool
    async def first(city: str) -> str:
        """Meet the other tool."""
        await meet()
        return f"first in {city}"

    @claude.tool
    async def second(city: str) -> str:
        """Meet the other tool."""
        await meet()
        return f"second in {city}"

    outcome = run(client, mode, ask("use all tools"), [first, second]).unwrap()
    results = results_of(outcome)
    assert [r.content for r in results] == ["first in city", "second in city"]
    assert not any(r.is_error is True for r in results)
    assert outcome.turns == 2


def test_sync_tools_run_in_worker_threads_at_once_in_arun_tools(client: Client) -> None:
    """In the async loop sync tools run in threads together: a two-party barrier passes."""
    barrier = threading.Barrier(2, timeout=5)

    @claude.tool
    def left(city: str) -> str:
        """Wait for the other tool."""
        barrier.wait()
        return "left"

    @claude.tool
    def right(city: str) -> str:
        """Wait for the other tool."""
        barrier.wait()
        return "right"

    outcome = run(client, "asyncio", ask("use all tools"), [left, right]).unwrap()
    assert [r.content for r in results_of(outcome)] == ["left", "right"]


def test_the_loop_stops_at_max_turns(server: LocalServer, client: Client, mode: Mode) -> None:
    """A model that always asks for a tool is stopped after max_turns requests, its calls answered."""
    outcome = run(
        client, mode, ask("hi", tool_choice={"type": "any"}), [get_weather], max_turns=2
    ).unwrap()
    assert outcome.reason == "max_turns" and outcome.turns == 2
    assert server.request_count == 2
    assert len(results_of(outcome)) == 2
    assert outcome.transcript[-1].role == "user"


def test_a_caller_predicate_stops_the_loop(server: LocalServer, client: Client, mode: Mode) -> None:
    """stop_when true on the first reply ends the loop there; its tool call is left unanswered."""
    outcome = run(
        client, mode, ask("use tool please"), [get_weather], stop_when=lambda m: True
    ).unwrap()
    assert outcome.reason == "predicate" and server.request_count == 1
    assert [call.name for call in outcome.unanswered] == ["get_weather"]
    assert results_of(outcome) == []


PAUSED: dict[str, object] = {
    "id": "msg_paused",
    "type": "message",
    "role": "assistant",
    "model": "claude-sonnet-4-5",
    "content": [{"type": "text", "text": "Still searching"}],
    "stop_reason": "pause_turn",
    "stop_sequence": None,
    "usage": {"input_tokens": 5, "output_tokens": 2},
}


def test_a_paused_turn_stops_unless_the_caller_continues(
    server: LocalServer, client: Client, mode: Mode
) -> None:
    """pause_turn ends the loop by default; with continue_paused the reply is sent back."""
    server.inject(Fault(body=PAUSED))
    stopped = run(client, mode, ask("hi"), [get_weather]).unwrap()
    assert stopped.reason == "pause_turn" and server.request_count == 1
    server.inject(Fault(body=PAUSED))
    turns: list[Turn] = []
    went_on = run(
        client, mode, ask("hi"), [get_weather], continue_paused=True, on_turn=turns.append
    ).unwrap()
    assert went_on.reason == "end_turn" and went_on.turns == 2
    assert server.request_count == 3
    resent = server.requests[-1].json
    assert isinstance(resent, dict)
    assert resent["messages"][-1]["content"] == [{"type": "text", "text": "Still searching"}]
    assert [t.reply.stop_reason for t in turns] == ["pause_turn", "end_turn"]


def test_each_turn_can_stream(client: Client, mode: Mode) -> None:
    """stream=True sends every turn as a stream; its events reach on_event as they arrive."""
    events: list[StreamEvent] = []
    outcome = run(
        client,
        mode,
        ask("use tool please"),
        [get_weather, get_time],
        stream=True,
        on_event=events.append,
    ).unwrap()
    assert outcome.reason == "end_turn" and outcome.turns == 3
    starts = [e for e in events if e.type == "message_start"]
    assert len(starts) == 3
    assert [r.content for r in results_of(outcome)] == ["3 degrees c in city", "noon in zone"]


@pytest.mark.parametrize("stream", [False, True])
def test_each_turn_runs_under_the_given_policies(
    server: LocalServer, client: Client, mode: Mode, stream: bool
) -> None:
    """With a retry policy an overloaded turn is retried; each turn is one call under it."""
    server.inject(Fault(status=529))
    records: list[CallRecord] = []
    policies = Policies(retry=RetryPolicy(max_attempts=3, base_delay=0.001, max_delay=0.002))
    outcome = run(
        client,
        mode,
        ask("use tool please"),
        [get_weather],
        policies=policies,
        observe=records.append,
        stream=stream,
    ).unwrap()
    assert outcome.reason == "end_turn" and outcome.turns == 2
    assert server.request_count == 3
    assert [len(r.attempts) for r in records] == [2, 1]
    assert isinstance(records[0].attempts[0].error, Overloaded)


def test_a_failed_turn_ends_the_loop_with_its_error(client: Client, server: LocalServer) -> None:
    """Without policies a failed send is the loop's failure; the turns before it were reported."""
    turns: list[Turn] = []
    server.inject(Fault(status=529), times=1)
    error = run(client, "sync", ask("use tool please"), [get_weather], on_turn=turns.append)
    assert isinstance(error.failure(), Overloaded) and turns == []


def test_bad_arguments_fail_before_any_request(server: LocalServer, client: Client) -> None:
    """A max_turns below 1 or a function that cannot be a tool is a Failure naming it; nothing is sent."""

    def spread(*cities: str) -> str:
        return ",".join(cities)

    too_few = run(client, "sync", ask("hi"), [get_weather], max_turns=0).failure()
    assert isinstance(too_few, InvalidArgument) and too_few.path == "max_turns"
    not_a_tool = run(client, "sync", ask("hi"), [spread]).failure()
    assert isinstance(not_a_tool, InvalidArgument) and "spread" in str(not_a_tool)
    assert server.request_count == 0


def test_a_plain_function_is_made_a_tool(client: Client) -> None:
    """An undecorated function is offered and called as if it had @tool."""

    def shout(word: str) -> str:
        """Say a word loudly."""
        return word.upper()

    outcome = client.run_tools(ask("use tool please"), tools=[shout]).unwrap()
    assert [r.content for r in results_of(outcome)] == ["WORD"]


def test_module_level_run_tools_uses_the_given_client(server: LocalServer, client: Client) -> None:
    """``claude.shell.run_tools`` with ``client=`` drives the same loop."""
    from claude import shell

    outcome = shell.run_tools(ask("use tool please"), tools=[get_weather], client=client).unwrap()
    assert outcome.reason == "end_turn" and server.request_count == 2
