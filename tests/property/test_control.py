"""The stream-control machine and its buffer rule."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from returns.result import Success

from claude.pure.control import Command, StreamPhase, buffer_push, overflow, transition


def test_every_phase_and_command_gives_a_phase_or_a_clear_refusal() -> None:
    """The table is total: each (phase, command) is a valid phase or a Failure naming the stream."""
    for phase in StreamPhase:
        for command in Command:
            result = transition(phase, command)
            if isinstance(result, Success):
                assert isinstance(result.unwrap(), StreamPhase)
            else:
                assert phase is StreamPhase.CANCELLED
                assert "cancelled" in str(result.failure())


@given(st.lists(st.sampled_from(list(Command))))
def test_cancelled_is_absorbing(commands: list[Command]) -> None:
    """Once cancelled, no sequence of commands leaves CANCELLED."""
    phase = StreamPhase.CANCELLED
    for command in commands:
        phase = transition(phase, command).value_or(phase)
        assert phase is StreamPhase.CANCELLED


@given(st.lists(st.sampled_from(list(Command))))
def test_the_phase_is_the_last_effective_command(commands: list[Command]) -> None:
    """Without cancel, the phase is PAUSED after a pause and RUNNING after a resume."""
    phase = StreamPhase.RUNNING
    for command in commands:
        phase = transition(phase, command).value_or(phase)
    if Command.CANCEL in commands:
        assert phase is StreamPhase.CANCELLED
    elif commands:
        expected = StreamPhase.PAUSED if commands[-1] is Command.PAUSE else StreamPhase.RUNNING
        assert phase is expected


@given(st.lists(st.integers()), st.integers(min_value=0, max_value=10))
def test_the_buffer_keeps_the_newest_and_counts_the_rest(items: list[int], limit: int) -> None:
    """The buffer never exceeds its limit, keeps the newest, and kept + dropped == pushed."""
    buffer: tuple[int, ...] = ()
    dropped = 0
    for item in items:
        buffer, lost = buffer_push(buffer, item, limit=limit)
        dropped += lost
        assert len(buffer) <= limit
    assert list(buffer) == items[len(items) - len(buffer) :]
    assert len(buffer) + dropped == len(items)


@given(st.integers(min_value=0, max_value=50), st.integers(min_value=0, max_value=10))
def test_overflow_is_the_rule_buffer_push_applies(size: int, limit: int) -> None:
    """``overflow`` (what the shell runs) drops exactly what ``buffer_push`` drops."""
    _, dropped = buffer_push(tuple(range(size)), -1, limit=limit)
    assert overflow(size, limit=limit) == dropped
