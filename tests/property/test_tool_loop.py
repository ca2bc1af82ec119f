"""Properties of claude.pure.tool_loop: a reference model, totality, and every call answered in order."""

from __future__ import annotations

import doctest
import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from returns.pipeline import is_successful

from claude.pure import tool_loop as loop_module
from claude.pure.tool_loop import (
    _TRANSITIONS,
    Done,
    Phase,
    Reply,
    RunTools,
    Send,
    Step,
    ToolLoopMisuse,
    ToolLoopPolicy,
    ToolLoopState,
    ToolResults,
    _Signal,
    advance,
    start,
)
from claude.pure.tools import result_block
from claude.pure.wire import (
    Message,
    MessageParam,
    MessageRequest,
    TextBlock,
    ToolResultBlock,
    ToolUseBlock,
    Usage,
)

REQUEST = MessageRequest(
    model="claude-haiku-4-5",
    max_tokens=256,
    messages=[MessageParam(role="user", content="What is the weather in Oslo and Rome?")],
)
_ids = itertools.count()


def reply(stop: str | None, *, tools: int = 0, text: str = "ok") -> Message:
    """A reply with ``text`` and ``tools`` tool_use blocks (fresh ids), stopped with ``stop``."""
    content: list[Any] = [TextBlock(text=text)]
    content += [
        ToolUseBlock(id=f"toolu_{next(_ids)}", name="get_weather", input={"city": "Oslo"})
        for _ in range(tools)
    ]
    return Message(
        id=f"msg_{next(_ids)}",
        model="m",
        content=content,
        stop_reason=stop,
        usage=Usage(input_tokens=1, output_tokens=1),
    )


def answers(calls: tuple[ToolUseBlock, ...]) -> ToolResults:
    """One result per call, as the shell would report them."""
    return ToolResults(results=tuple(result_block(c.id, f"sunny {c.id}") for c in calls))


def step(
    state: ToolLoopState, event: Reply | ToolResults, policy: ToolLoopPolicy
) -> tuple[ToolLoopState, Step]:
    """Advance and insist that the report fitted."""
    return advance(state, event, policy=policy).unwrap()


def test_doctests() -> None:
    """The module's examples run as written."""
    assert doctest.testmod(loop_module).failed == 0


def test_every_phase_and_signal_has_a_transition() -> None:
    """The table names what happens for every (phase, signal) pair."""
    assert set(_TRANSITIONS) == set(itertools.product(Phase, _Signal))


def test_a_three_turn_tool_conversation() -> None:
    """Tools twice, then end_turn: three sends, two tool runs, results in the transcript in order."""
    policy = ToolLoopPolicy(max_turns=8)
    state, first = start(REQUEST, policy)
    assert first == Send(request=REQUEST, turn=1)
    r1 = reply("tool_use", tools=2)
    state, run1 = step(state, Reply(message=r1), policy)
    assert isinstance(run1, RunTools)
    assert run1.calls == tuple(b for b in r1.content if isinstance(b, ToolUseBlock))
    state, send2 = step(state, answers(run1.calls), policy)
    assert isinstance(send2, Send)
    assert send2.turn == 2
    assert send2.request.messages == list(state.transcript)
    r2 = reply("tool_use", tools=1)
    state, run2 = step(state, Reply(message=r2), policy)
    assert isinstance(run2, RunTools)
    state, send3 = step(state, answers(run2.calls), policy)
    assert isinstance(send3, Send)
    assert send3.turn == 3
    r3 = reply("end_turn", text="Sunny in both.")
    state, done = step(state, Reply(message=r3), policy)
    assert done == Done(reason="end_turn", message=r3)
    assert state.phase is Phase.DONE
    assert state.turns == 3
    assert state.replies == (r1, r2, r3)
    roles = [m.role for m in state.transcript]
    assert roles == ["user", "assistant", "user", "assistant", "user", "assistant"]
    results = state.transcript[2].content
    assert isinstance(results, list)
    assert [r.tool_use_id for r in results if isinstance(r, ToolResultBlock)] == [
        c.id for c in run1.calls
    ]


def test_results_reported_out_of_order_are_put_back_in_order() -> None:
    """Concurrent tools finish in any order; the transcript answers in the model's order."""
    policy = ToolLoopPolicy()
    state, _ = start(REQUEST, policy)
    state, run = step(state, Reply(message=reply("tool_use", tools=3)), policy)
    assert isinstance(run, RunTools)
    shuffled = ToolResults(results=tuple(reversed(answers(run.calls).results)))
    state, _ = step(state, shuffled, policy)
    content = state.transcript[-1].content
    assert isinstance(content, list)
    assert [b.tool_use_id for b in content if isinstance(b, ToolResultBlock)] == [
        c.id for c in run.calls
    ]


def test_tools_asked_for_on_the_last_turn_are_answered_then_the_loop_stops() -> None:
    """At max_turns the tools still run and are answered, and no further request is sent."""
    policy = ToolLoopPolicy(max_turns=1)
    state, _ = start(REQUEST, policy)
    last = reply("tool_use", tools=1)
    state, run = step(state, Reply(message=last), policy)
    assert isinstance(run, RunTools)
    state, done = step(state, answers(run.calls), policy)
    assert done == Done(reason="max_turns", message=last)
    assert state.turns == 1
    assert state.transcript[-1].role == "user"


def test_a_predicate_stops_the_loop_and_lists_unanswered_calls() -> None:
    """stop_when true on a reply ends the loop there, naming the calls it did not run."""
    policy = ToolLoopPolicy(stop_when=lambda m: "FINAL" in m.text)
    state, _ = start(REQUEST, policy)
    final = reply("tool_use", tools=1, text="FINAL")
    state, done = step(state, Reply(message=final), policy)
    assert isinstance(done, Done)
    assert done.reason == "predicate"
    assert done.unanswered == tuple(b for b in final.content if isinstance(b, ToolUseBlock))


def test_pause_turn_stops_unless_the_caller_chooses_to_continue() -> None:
    """By default pause_turn ends the loop; with continue_paused the reply is sent back as it is."""
    paused = reply("pause_turn")
    state, _ = start(REQUEST, ToolLoopPolicy())
    _, done = step(state, Reply(message=paused), ToolLoopPolicy())
    assert done == Done(reason="pause_turn", message=paused)

    going = ToolLoopPolicy(continue_paused=True, max_turns=2)
    state, _ = start(REQUEST, going)
    state, again = step(state, Reply(message=paused), going)
    assert isinstance(again, Send)
    assert again.turn == 2
    assert again.request.messages[-1] == MessageParam(role="assistant", content=paused.content)
    state, done = step(state, Reply(message=reply("pause_turn")), going)
    assert isinstance(done, Done)
    assert done.reason == "max_turns"
    assert state.turns == 2


@pytest.mark.parametrize(
    "stop", ["max_tokens", "stop_sequence", "refusal", "model_context_window_exceeded", "newer"]
)
def test_other_stop_reasons_end_the_loop_with_that_reason(stop: str) -> None:
    """Any other stop reason ends the loop and is the reason; cut-off calls are not run."""
    policy = ToolLoopPolicy()
    state, _ = start(REQUEST, policy)
    cut = reply(stop, tools=1)
    _, done = step(state, Reply(message=cut), policy)
    assert isinstance(done, Done)
    assert done.reason == stop
    assert len(done.unanswered) == 1


def test_a_reply_without_a_stop_reason_ends_the_loop() -> None:
    """A reply with no stop reason (null) ends the loop with reason 'none'."""
    state, _ = start(REQUEST, ToolLoopPolicy())
    _, done = step(state, Reply(message=reply(None)), ToolLoopPolicy())
    assert isinstance(done, Done)
    assert done.reason == "none"


def test_tool_use_without_tool_blocks_ends_the_loop() -> None:
    """stop_reason tool_use with no client tool_use block has nothing to run: the loop ends."""
    state, _ = start(REQUEST, ToolLoopPolicy())
    _, done = step(state, Reply(message=reply("tool_use")), ToolLoopPolicy())
    assert isinstance(done, Done)
    assert done.reason == "tool_use"


def misuse_of(result: Any) -> str:
    """The problem of a ToolLoopMisuse failure."""
    error = result.failure()
    assert isinstance(error, ToolLoopMisuse)
    return str(error.problem)


def test_reports_that_do_not_fit_the_phase_are_refused() -> None:
    """Results with nothing pending, a reply while tools run, anything after Done: each refused."""
    policy = ToolLoopPolicy()
    waiting, _ = start(REQUEST, policy)
    assert "no tool calls are pending" in misuse_of(
        advance(waiting, ToolResults(results=()), policy=policy)
    )
    running, run = step(waiting, Reply(message=reply("tool_use", tools=1)), policy)
    assert isinstance(run, RunTools)
    assert "results are pending" in misuse_of(
        advance(running, Reply(message=reply("end_turn")), policy=policy)
    )
    done, _ = step(waiting, Reply(message=reply("end_turn")), policy)
    assert "the loop is done" in misuse_of(advance(done, answers(run.calls), policy=policy))


def test_results_must_answer_each_pending_call_exactly_once() -> None:
    """Missing, duplicated or foreign results are refused, naming what was wanted."""
    policy = ToolLoopPolicy()
    state, _ = start(REQUEST, policy)
    state, run = step(state, Reply(message=reply("tool_use", tools=2)), policy)
    assert isinstance(run, RunTools)
    good = answers(run.calls).results
    for bad in [good[:1], (*good, good[0]), (*good, result_block("toolu_x", "?")), ()]:
        problem = misuse_of(advance(state, ToolResults(results=bad), policy=policy))
        assert run.calls[0].id in problem


@pytest.mark.parametrize("turns", [0, -1, True, 1.5, "3"])
def test_a_bad_max_turns_is_refused_naming_the_field(turns: Any) -> None:
    """max_turns must be a whole number >= 1."""
    with pytest.raises(ValueError, match="max_turns"):
        ToolLoopPolicy(max_turns=turns)


# --- the reference model ------------------------------------------------------------------

STOPS = ["tool_use", "tool_use", "end_turn", "pause_turn", "max_tokens", "newer", None]


class LoopModel(RuleBasedStateMachine):
    """Drives the machine with random replies and reports and compares it to a plain model."""

    @initialize(
        max_turns=st.integers(1, 5),
        continue_paused=st.booleans(),
        use_predicate=st.booleans(),
    )
    def begin(self, max_turns: int, continue_paused: bool, use_predicate: bool) -> None:
        """A loop under a random policy, and the model's view of it."""
        self.policy = ToolLoopPolicy(
            max_turns=max_turns,
            continue_paused=continue_paused,
            stop_when=(lambda m: m.text == "STOP") if use_predicate else None,
        )
        self.state, first = start(REQUEST, self.policy)
        assert first == Send(request=REQUEST, turn=1)
        self.phase = Phase.AWAITING_REPLY
        self.turns = 1
        self.sends = 1
        self.pending: tuple[ToolUseBlock, ...] = ()
        self.ran: list[tuple[str, ...]] = []
        self.answered: list[tuple[str, ...]] = []

    @rule(stop=st.sampled_from(STOPS), tools=st.integers(0, 3), say_stop=st.booleans())
    def report_reply(self, stop: str | None, tools: int, say_stop: bool) -> None:
        """A reply arrives: the model predicts the step, or a refusal when none is awaited."""
        message = reply(stop, tools=tools, text="STOP" if say_stop else "ok")
        result = advance(self.state, Reply(message=message), policy=self.policy)
        if self.phase is not Phase.AWAITING_REPLY:
            assert isinstance(result.failure(), ToolLoopMisuse)
            return
        self.state, got = result.unwrap()
        calls = tuple(b for b in message.content if isinstance(b, ToolUseBlock))
        expected: Step
        if self.policy.stop_when is not None and say_stop:
            expected, self.phase = (
                Done(reason="predicate", message=message, unanswered=calls),
                Phase.DONE,
            )
        elif stop == "tool_use" and calls:
            expected, self.phase, self.pending = (
                RunTools(calls=calls),
                Phase.AWAITING_RESULTS,
                calls,
            )
            self.ran.append(tuple(c.id for c in calls))
        elif stop == "pause_turn" and self.policy.continue_paused:
            if self.turns < self.policy.max_turns:
                self.turns += 1
                self.sends += 1
                expected = Send(request=_request(self.state), turn=self.turns)
            else:
                expected, self.phase = (
                    Done(reason="max_turns", message=message, unanswered=calls),
                    Phase.DONE,
                )
        else:
            reason = stop if stop is not None else "none"
            expected, self.phase = (
                Done(reason=reason, message=message, unanswered=calls),
                Phase.DONE,
            )
        assert got == expected

    @rule(data=st.data())
    def report_results(self, data: st.DataObject) -> None:
        """Results arrive, in a random order: the model predicts the next send or the stop."""
        pending = self.pending if self.phase is Phase.AWAITING_RESULTS else ()
        order = data.draw(st.permutations(pending)) if pending else []
        blocks = answers(tuple(order))
        result = advance(self.state, blocks, policy=self.policy)
        if self.phase is not Phase.AWAITING_RESULTS:
            assert isinstance(result.failure(), ToolLoopMisuse)
            return
        self.state, got = result.unwrap()
        self.answered.append(tuple(c.id for c in self.pending))
        self.pending = ()
        if self.turns < self.policy.max_turns:
            self.turns += 1
            self.sends += 1
            self.phase = Phase.AWAITING_REPLY
            assert got == Send(request=_request(self.state), turn=self.turns)
        else:
            self.phase = Phase.DONE
            assert isinstance(got, Done)
            assert got.reason == "max_turns"

    @rule(drop=st.booleans())
    def report_wrong_results(self, drop: bool) -> None:
        """Results that do not answer the pending calls exactly are refused; nothing changes."""
        results = answers(self.pending).results
        bad = results[1:] if drop and results else (*results, result_block("toolu_foreign", "?"))
        before = self.state
        result = advance(self.state, ToolResults(results=bad), policy=self.policy)
        assert isinstance(result.failure(), ToolLoopMisuse)
        assert self.state == before

    @invariant()
    def agrees_with_the_model(self) -> None:
        """Phase and turns are the model's; turns never exceed max_turns; each Send was one turn."""
        assert self.state.phase is self.phase
        assert self.state.turns == self.turns == self.sends
        assert self.turns <= self.policy.max_turns
        assert self.state.pending == self.pending

    @invariant()
    def every_run_call_is_answered_once_in_order(self) -> None:
        """In the transcript, each tool-results message answers the preceding reply's calls, in order."""
        answered: list[tuple[str, ...]] = []
        transcript = self.state.transcript
        for before, after in itertools.pairwise(transcript):
            if after.role == "user" and isinstance(after.content, list):
                ids = tuple(b.tool_use_id for b in after.content if isinstance(b, ToolResultBlock))
                if ids:
                    assert before.role == "assistant"
                    assert isinstance(before.content, list)
                    asked = tuple(b.id for b in before.content if isinstance(b, ToolUseBlock))
                    assert ids == asked
                    answered.append(ids)
        assert answered == self.answered
        all_ids = [i for ids in answered for i in ids]
        assert len(all_ids) == len(set(all_ids))


def _request(state: ToolLoopState) -> MessageRequest:
    return MessageRequest(
        model=REQUEST.model, max_tokens=REQUEST.max_tokens, messages=list(state.transcript)
    )


TestLoopModel = LoopModel.TestCase
TestLoopModel.settings = settings(max_examples=150, stateful_step_count=25, deadline=None)


# --- totality -------------------------------------------------------------------------------


@st.composite
def states(draw: st.DrawFn) -> tuple[ToolLoopState, ToolLoopPolicy]:
    """A reachable state: a random policy and a random run of valid reports."""
    policy = ToolLoopPolicy(max_turns=draw(st.integers(1, 4)), continue_paused=draw(st.booleans()))
    state, current = start(REQUEST, policy)
    for _ in range(draw(st.integers(0, 6))):
        if isinstance(current, Done):
            break
        if isinstance(current, RunTools):
            state, current = step(state, answers(current.calls), policy)
        else:
            message = reply(draw(st.sampled_from(STOPS)), tools=draw(st.integers(0, 2)))
            state, current = step(state, Reply(message=message), policy)
    return state, policy


events = st.builds(
    lambda stop, tools: Reply(message=reply(stop, tools=tools)),
    st.sampled_from(STOPS),
    st.integers(0, 2),
) | st.lists(st.sampled_from(["toolu_a", "toolu_b"]), max_size=3).map(
    lambda ids: ToolResults(results=tuple(result_block(i, "x") for i in ids))
)


@settings(max_examples=300, deadline=None)
@given(states(), events)
def test_advance_is_total(state_policy: tuple[ToolLoopState, ToolLoopPolicy], event: Any) -> None:
    """Every (state, report) pair gives a valid next state and step, or a ToolLoopMisuse."""
    state, policy = state_policy
    result = advance(state, event, policy=policy)
    if is_successful(result):
        after, next_step = result.unwrap()
        assert after.phase in Phase
        assert after.turns <= policy.max_turns
        assert isinstance(next_step, Send | RunTools | Done)
        assert (after.phase is Phase.DONE) == isinstance(next_step, Done)
    else:
        assert isinstance(result.failure(), ToolLoopMisuse)
