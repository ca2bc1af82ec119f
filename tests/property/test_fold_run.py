"""The stream core's run (``accumulate.run_target`` + ``with_run``) against ``fold``: gathering
the deltas that only extend the open block and folding them at once changes nothing."""

from __future__ import annotations

from collections.abc import Sequence
from operator import attrgetter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from returns.result import Failure, Result, Success

from claude.pure import accumulate
from claude.pure.accumulate import MessageFold, start
from claude.pure.errors import ClaudeError
from claude.pure.events import (
    ContentBlockDeltaEvent,
    InputJsonDelta,
    StreamEvent,
    TextDelta,
    ThinkingDelta,
)
from tests.property.stream_strategies import streams
from tests.property.test_accumulate import (
    MESSAGE_STOP,
    TEXT_START,
    X,
    assert_same,
    block_stop,
    decode_all,
    delta,
    fold_each,
    frame,
)

PIECE = {
    TextDelta: attrgetter("text"),
    InputJsonDelta: attrgetter("partial_json"),
    ThinkingDelta: attrgetter("thinking"),
}


def fold_with_runs(events: Sequence[StreamEvent]) -> tuple[Result[MessageFold, ClaudeError], int]:
    """Fold as the stream core does: a delta ``run_target`` names is a list append, anything
    else folds the run in first; and how many deltas went to the run."""
    state = start()
    run: list[str] = []
    index, kind = accumulate.run_target(state)
    gathered = 0
    for event in events:
        if (
            type(event) is ContentBlockDeltaEvent
            and event.index == index
            and type(event.delta) is kind
        ):
            run.append(PIECE[kind](event.delta))
            gathered += 1
            continue
        state = accumulate.with_run(state, run)
        run = []
        folded = accumulate.fold_all(state, [event])
        if isinstance(folded, Failure):
            return folded, gathered
        state = folded.unwrap()
        index, kind = accumulate.run_target(state)
    return Success(accumulate.with_run(state, run)), gathered


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_folding_with_runs_is_fold(data: st.DataObject) -> None:
    """Generated streams with noise, misplaced deltas and error events, cut anywhere: the run
    gives fold's messages, work and failure (with its partial)."""
    frames = data.draw(streams())
    at = data.draw(st.integers(0, len(frames)))
    extra = data.draw(
        st.lists(
            st.sampled_from(
                [
                    frame({"type": "ping"}),
                    frame({"type": "error", "error": {"type": "overloaded_error", "message": "o"}}),
                    delta(0, X),
                    delta(1, X),
                    block_stop(0),
                    MESSAGE_STOP,
                    TEXT_START,
                ]
            ),
            max_size=3,
        )
    )
    events = decode_all([*frames[:at], *extra, *frames[at:]])
    events = events[: data.draw(st.integers(0, len(events)))]
    got, _ = fold_with_runs(events)
    assert_same(got, fold_each(start(), events))


def test_a_text_stream_goes_to_the_run() -> None:
    """Every text delta of a plain text block is gathered, none folded one by one."""
    frames = [
        frame(
            {
                "type": "message_start",
                "message": {
                    "id": "m",
                    "type": "message",
                    "role": "assistant",
                    "model": "x",
                    "content": [],
                    "stop_reason": None,
                    "stop_sequence": None,
                    "usage": {"input_tokens": 1, "output_tokens": 1},
                },
            }
        ),
        TEXT_START,
        *[delta(0, X)] * 50,
        block_stop(0),
        MESSAGE_STOP,
    ]
    events = decode_all(frames)
    got, gathered = fold_with_runs(events)
    assert gathered == 50
    assert_same(got, fold_each(start(), events))


@given(
    st.lists(st.sampled_from(["a-2025-01-01", "fine-grained-tool-streaming", " x "]), max_size=4)
)
def test_start_for_keeps_cut_strings_only_under_the_fine_grained_beta(others: list[str]) -> None:
    """``start_for`` turns ``partial_strings`` on exactly when the beta is one of the list's."""
    plain = ",".join(others)
    assert not accumulate.start_for({"anthropic-beta": plain}).partial_strings
    assert not accumulate.start_for({}).partial_strings
    listed = ", ".join([*others, accumulate.FINE_GRAINED_TOOL_STREAMING])
    assert accumulate.start_for({"anthropic-beta": listed}).partial_strings
