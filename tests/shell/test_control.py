"""ControlledStream on plain iterables: the buffer rule, errors first, cancel, across threads."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Iterator

import anyio
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claude.pure.control import buffer_push
from claude.pure.events import ErrorDetail, ErrorEvent
from claude.shell.control import AsyncControlledStream, ControlledStream


def source(n: int, done: threading.Event) -> Iterator[int]:
    """0..n-1, then signal that the source is exhausted."""
    yield from range(n)
    done.set()


@settings(max_examples=50, deadline=None)
@given(n=st.integers(min_value=1, max_value=60), limit=st.integers(min_value=1, max_value=20))
def test_paused_reading_keeps_the_newest_events_like_the_pure_rule(n: int, limit: int) -> None:
    """Everything read while paused is buffered by buffer_push's rule; resume delivers it in order."""
    done = threading.Event()
    stream = ControlledStream(source(n, done), buffer_limit=limit)
    first = next(stream)
    stream.pause()
    out: list[int] = []
    worker = threading.Thread(target=lambda: out.extend(stream))
    worker.start()
    assert done.wait(timeout=10)
    stream.resume()
    worker.join(timeout=10)
    model: tuple[int, ...] = ()
    dropped = 0
    for item in range(1, n):
        model, lost = buffer_push(model, item, limit=limit)
        dropped += lost
    assert first == 0
    assert out == list(model)
    assert stream.dropped == dropped


def test_errors_bypass_the_buffer_while_paused() -> None:
    """An error event is delivered at once even when paused; the rest waits for resume."""
    error = ErrorEvent(error=ErrorDetail(type="overloaded_error", message="busy"))
    items: list[object] = [1, 2, error, 3]
    stream = ControlledStream(iter(items), buffer_limit=10)
    stream.pause()
    assert next(stream) is error
    assert stream.buffer_size() == 2
    stream.resume()
    assert list(stream) == [1, 2, 3]


def test_cancel_clears_the_buffer_and_is_final() -> None:
    """After cancel nothing more is delivered and pause/resume are refused."""
    stream = ControlledStream(iter(range(10)), buffer_limit=10)
    assert next(stream) == 0
    stream.cancel()
    assert list(stream) == []
    assert stream.is_cancelled() and stream.buffer_size() == 0
    assert stream.resume().failure() is not None


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_async_resume_from_another_thread_wakes_the_consumer(backend: str) -> None:
    """An async stream paused at its end is resumed from a plain thread."""

    async def numbers() -> AsyncIterator[int]:
        for i in range(5):
            yield i

    async def main() -> list[int]:
        stream = AsyncControlledStream(numbers(), buffer_limit=10)
        out = [await anext(stream)]
        stream.pause()

        def later() -> None:
            stream.resume()

        async with anyio.create_task_group() as tg:

            async def consume() -> None:
                out.extend([i async for i in stream])

            tg.start_soon(consume)
            await anyio.wait_all_tasks_blocked()
            await anyio.to_thread.run_sync(later)
        return out

    assert anyio.run(main, backend=backend) == [0, 1, 2, 3, 4]
