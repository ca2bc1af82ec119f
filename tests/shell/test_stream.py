"""``stream`` and ``astream`` over real sockets against the bundled server, faults included."""

from __future__ import annotations

import threading
from pathlib import Path

import anyio
import msgspec
import pytest
from returns.result import Failure, Result

from claude.pure.errors import (
    ClaudeError,
    NetworkError,
    Overloaded,
    RateLimited,
    StreamTruncated,
    Timeout,
)
from claude.pure.events import ContentBlockDeltaEvent, MessageStopEvent, StreamEvent
from claude.pure.settings import Timeouts
from claude.pure.wire import Message, TextBlock, ThinkingBlock, ToolUseBlock
from claude.shell.client import Client
from claude.shell.control import AsyncControlledStream, ControlledStream
from claude.testing import Fault, LocalServer
from tests.shell.conftest import HELLO, Mode

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "sse-examples"
LONG: dict[str, object] = {
    **HELLO,
    "messages": [{"role": "user", "content": "tell me a fairly long story about streams " * 3}],
}


def collect(
    client: Client, request: dict[str, object], mode: Mode
) -> tuple[list[StreamEvent], Result[Message, ClaudeError]]:
    """All events and the final message, read sync or async on the given backend."""
    if mode == "sync":
        with client.stream(request) as events:
            seen = list(events)
            return seen, events.final_message()

    async def main() -> tuple[list[StreamEvent], Result[Message, ClaudeError]]:
        async with client.astream(request) as events:
            seen = [event async for event in events]
            return seen, await events.final_message()

    return anyio.run(main, backend=mode)


def test_a_streamed_reply_folds_to_the_same_message_as_send(client: Client, mode: Mode) -> None:
    """The folded stream has the content, stop reason and usage of the plain reply."""
    events, final = collect(client, LONG, mode)
    streamed = final.unwrap()
    sent = client.send(LONG).unwrap()
    assert streamed.content == sent.content
    assert streamed.stop_reason == sent.stop_reason == "end_turn"
    assert streamed.usage.output_tokens == sent.usage.output_tokens
    assert isinstance(events[-1], MessageStopEvent)
    assert streamed.request_id is not None


def test_text_stream_yields_the_text_as_it_arrives(client: Client) -> None:
    """text_stream gives several pieces that join to the final text."""
    with client.stream(LONG) as events:
        pieces = list(events.text_stream())
        final = events.final_message().unwrap()
    assert len(pieces) > 1
    assert "".join(pieces) == final.text


def test_tool_use_and_thinking_streams_fold_to_typed_blocks(client: Client, mode: Mode) -> None:
    """Tool input JSON split across deltas and thinking with a signature fold like the SDK's."""
    request: dict[str, object] = {
        **HELLO,
        "max_tokens": 4096,
        "thinking": {"type": "enabled", "budget_tokens": 1024},
        "tools": [{"name": "search", "input_schema": {"type": "object"}}],
        "tool_choice": {"type": "auto"},
        "messages": [{"role": "user", "content": "use tool please"}],
    }
    _, final = collect(client, request, mode)
    message = final.unwrap()
    kinds = [type(block) for block in message.content]
    assert kinds[0] is ThinkingBlock and ToolUseBlock in kinds
    thinking = message.content[0]
    assert isinstance(thinking, ThinkingBlock) and thinking.signature
    tool = next(b for b in message.content if isinstance(b, ToolUseBlock))
    assert tool.input == {"query": "use tool please"}
    assert message.stop_reason == "tool_use"


def test_tiny_chunks_give_the_same_message(server: LocalServer, client: Client, mode: Mode) -> None:
    """A stream written a few bytes at a time folds to the same message."""
    _, whole = collect(client, LONG, mode)
    server.inject(Fault(chunk_size=3))
    _, chunked = collect(client, LONG, mode)
    assert chunked.unwrap().content == whole.unwrap().content


def test_an_error_event_mid_stream_is_typed_and_keeps_the_partial(
    server: LocalServer, client: Client, mode: Mode
) -> None:
    """An overloaded_error event becomes Overloaded with the text received so far."""
    server.inject(Fault(error_after=4))
    events, final = collect(client, LONG, mode)
    error = final.failure()
    assert isinstance(error, Overloaded)
    assert error.partial is not None and error.partial.text
    assert error.request_id is not None
    assert len(events) >= 4


def test_a_cut_connection_is_a_network_error_with_the_partial(
    server: LocalServer, client: Client, mode: Mode
) -> None:
    """The server hanging up mid-body gives a NetworkError (or truncation) keeping the partial."""
    server.inject(Fault(cut_after=4))
    _, final = collect(client, LONG, mode)
    error = final.failure()
    assert isinstance(error, NetworkError | StreamTruncated)
    assert error.partial is not None


def test_a_stream_that_only_pings_hits_the_idle_timeout(server: LocalServer, mode: Mode) -> None:
    """Pings do not count as progress: a stalled stream ends with an idle Timeout."""
    server.inject(Fault(stall_after=4, stall_for=5.0, ping_every=0.02))
    with Client(
        api_key=server.api_key,
        base_url=server.base_url,
        timeouts=Timeouts(read=5.0, idle=0.3),
    ) as client:
        _, final = collect(client, LONG, mode)
    error = final.failure()
    assert isinstance(error, Timeout) and error.phase == "idle"
    assert error.partial is not None


def test_a_silent_stall_hits_the_idle_timeout_before_the_read_timeout(server: LocalServer) -> None:
    """With no bytes at all, the idle limit still ends the stream, not the longer read limit."""
    server.inject(Fault(stall_after=4, stall_for=5.0))
    with Client(
        api_key=server.api_key, base_url=server.base_url, timeouts=Timeouts(read=30.0, idle=0.3)
    ) as client:
        _, final = collect(client, LONG, "sync")
    error = final.failure()
    assert isinstance(error, Timeout) and error.phase == "idle"


def test_an_error_status_before_the_stream_is_the_same_error_as_send(
    server: LocalServer, client: Client, mode: Mode
) -> None:
    """A 429 before any event gives the RateLimited value send would give."""
    server.inject(Fault(status=429, headers={"retry-after": "3"}))
    events, final = collect(client, LONG, mode)
    error = final.failure()
    assert events == []
    assert isinstance(error, RateLimited) and error.retry.after == 3.0


def test_early_break_closes_the_connection_and_the_pool_recovers(server: LocalServer) -> None:
    """Breaking out of many streams leaves no open connection and the client keeps working."""
    with Client(api_key=server.api_key, base_url=server.base_url, max_connections=4) as client:
        for _ in range(10):
            with client.stream(LONG) as events:
                for _event in events:
                    break
        assert server.wait_until_idle(timeout=5.0)
        assert server.open_connections == 0
        assert client.send(HELLO).unwrap().text == "Hello! You said: hi"


def test_early_break_in_async_closes_the_connection(server: LocalServer) -> None:
    """An async stream left early releases its connection too."""

    async def main(client: Client) -> None:
        for _ in range(5):
            async with client.astream(LONG) as events:
                async for _event in events:
                    break

    with Client(api_key=server.api_key, base_url=server.base_url) as client:
        anyio.run(main, client)
    assert server.wait_until_idle(timeout=5.0)
    assert server.open_connections == 0


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_100_concurrent_async_streams_lose_no_events(server: LocalServer, backend: str) -> None:
    """100 streams at once each fold to their own complete reply."""
    texts: dict[int, str] = {}

    async def one(client: Client, i: int) -> None:
        request = {**HELLO, "messages": [{"role": "user", "content": f"stream number {i}"}]}
        async with client.astream(request) as events:
            pieces = [text async for text in events.text_stream()]
            final = await events.final_message()
        assert "".join(pieces) == final.unwrap().text
        texts[i] = final.unwrap().text

    async def main(client: Client) -> None:
        async with anyio.create_task_group() as tg:
            for i in range(100):
                tg.start_soon(one, client, i)

    with Client(api_key=server.api_key, base_url=server.base_url, max_connections=32) as client:
        anyio.run(main, client, backend=backend)
    assert texts == {i: f"Hello! You said: stream number {i}" for i in range(100)}


def test_pause_resume_and_cancel_from_another_thread(server: LocalServer, client: Client) -> None:
    """A controller thread pauses (events buffer), resumes (all delivered in order), cancels."""
    server.inject(Fault(text_events=200))
    paused = threading.Event()
    resumed = threading.Event()
    delivered: list[StreamEvent] = []
    with client.stream(LONG) as events:
        controlled = ControlledStream(events, buffer_limit=10_000)

        def controller() -> None:
            controlled.pause()
            paused.set()
            resumed.wait(timeout=10)

        for event in controlled:
            delivered.append(event)
            if len(delivered) == 3:
                worker = threading.Thread(target=controller)
                worker.start()
                paused.wait(timeout=10)
                assert controlled.is_paused()
                resumed.set()
                worker.join()
                controlled.resume()
        final = events.final_message().unwrap()
    deltas = [e for e in delivered if isinstance(e, ContentBlockDeltaEvent)]
    assert len(deltas) == 200
    assert isinstance(delivered[-1], MessageStopEvent)
    assert final.text


def test_cancel_from_another_thread_stops_delivery(server: LocalServer, client: Client) -> None:
    """Cancelling from a second thread ends iteration early and closes the connection."""
    server.inject(Fault(text_events=2000, chunk_size=64))
    delivered = 0
    with client.stream(LONG) as events:
        controlled = ControlledStream(events, buffer_limit=16)
        for _ in controlled:
            delivered += 1
            if delivered == 5:
                worker = threading.Thread(target=controlled.cancel)
                worker.start()
                worker.join()
        assert controlled.is_cancelled()
        assert controlled.buffer_size() == 0
        assert controlled.pause().failure() is not None
        final = events.final_message()
    assert delivered == 5
    assert isinstance(final.failure(), StreamTruncated)
    assert server.wait_until_idle(timeout=5.0)


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_async_pause_resume_cancel_from_another_task(server: LocalServer, backend: str) -> None:
    """A second task pauses and resumes an async stream; then one is cancelled mid-way."""
    server.inject(Fault(text_events=100))
    server.inject(Fault(text_events=2000, chunk_size=64))

    async def main(client: Client) -> tuple[int, int]:
        async with client.astream(LONG) as events:
            controlled = AsyncControlledStream(events, buffer_limit=10_000)
            seen = 0
            async for _ in controlled:
                seen += 1
                if seen == 2:
                    controlled.pause()

                    async def later() -> None:
                        await anyio.lowlevel.checkpoint()
                        controlled.resume()

                    async with anyio.create_task_group() as tg:
                        tg.start_soon(later)
            complete = seen
        async with client.astream(LONG) as events:
            cancelled = AsyncControlledStream(events)
            seen = 0
            async for _ in cancelled:
                seen += 1
                if seen == 3:
                    cancelled.cancel()
        return complete, seen

    with Client(api_key=server.api_key, base_url=server.base_url) as client:
        complete, cut = anyio.run(main, client, backend=backend)
    assert complete >= 100
    assert cut == 3


@pytest.mark.parametrize(
    ("name", "check"),
    [
        ("text-only.sse", "end_turn"),
        ("tool-use.sse", "tool_use"),
        ("thinking.sse", "end_turn"),
    ],
)
def test_the_shared_transcripts_fold_to_their_stated_results(
    server: LocalServer, client: Client, name: str, check: str
) -> None:
    """Each composed transcript served over a socket folds to the result its README states."""
    server.inject(Fault(transcript=(EXAMPLES / name).read_bytes(), chunk_size=7))
    with client.stream(LONG) as events:
        message = events.final_message().unwrap()
    assert message.stop_reason == check
    if name == "tool-use.sse":
        tool = next(b for b in message.content if isinstance(b, ToolUseBlock))
        assert tool.input == {"city": "Oslo", "days": 14, "units": "metric"}
        assert message.usage.output_tokens == 71
    if name == "thinking.sse":
        assert isinstance(message.content[0], ThinkingBlock)
        assert isinstance(message.content[1], TextBlock)
        assert message.content[1].text == "38 \u00d7 27 = **1026**"
        assert message.usage.output_tokens == 96
    if name == "text-only.sse":
        assert message.usage.input_tokens == 21 and message.usage.output_tokens == 31


def test_the_error_transcript_gives_overloaded_with_the_partial(
    server: LocalServer, client: Client
) -> None:
    """The mid-stream error transcript keeps the partial text and the error's request id."""
    transcript = (EXAMPLES / "error-mid-stream.sse").read_bytes()
    server.inject(Fault(transcript=transcript))
    with client.stream(LONG) as events:
        final = events.final_message()
    error = final.failure()
    assert isinstance(error, Overloaded)
    assert error.partial is not None
    assert error.partial.text == "Here is the first part of the summary:"
    assert error.partial.usage.output_tokens == 1
    assert error.request_id is not None
    assert not isinstance(final, Failure) or msgspec.to_builtins(error.partial)["content"]
