"""The tool loop as a pure state machine: send, run the tools the model asks for, repeat, stop.

Theory of operation
-------------------
The shell drives; the machine decides. ``start(request, policy)`` gives the first state and the
first ``Step``; then the shell does what the step says and reports back with ``advance``:

* ``Send(request)``: send this request (one call, under whatever ``execute_with_*`` policy the
  shell uses, streamed or not) and report the reply as ``Reply(message)``;
* ``RunTools(calls)``: run these ``tool_use`` calls (in any order, concurrently if it likes;
  :mod:`claude.pure.tools` binds and encodes them) and report ``ToolResults(blocks)``, one
  ``tool_result`` per call;
* ``Done(reason, ...)``: stop; the state's ``transcript`` holds the whole conversation.

A *turn* is one request. ``turns`` counts the requests the machine has asked for, and it never
asks for more than ``policy.max_turns``. Each reply is classified into a *signal*, and a literal
table ``_TRANSITIONS[(phase, signal)] -> (effect, next phase)`` says what happens for every pair,
so no input is "impossible": a report that does not fit the phase (results while a reply is
awaited, anything after ``Done``, results that do not answer the pending calls) is a
``ToolLoopMisuse`` failure and the state is unchanged.

How a reply is read, first rule first:

1. ``policy.stop_when(reply)`` is true: done, reason ``"predicate"``;
2. ``stop_reason`` is ``"tool_use"`` and the reply holds ``tool_use`` blocks: run them, unless
   the reply used the last turn, in which case they are still run and answered, and then the
   loop is done with reason ``"max_turns"`` (so the transcript can be resumed as it is);
3. ``"pause_turn"``: the API paused a long server-side turn. With ``policy.continue_paused``
   the reply is sent back as it is to let the model go on (a new turn); otherwise, or when no
   turn is left, done with ``"pause_turn"`` (or ``"max_turns"``);
4. anything else (``end_turn``, ``max_tokens``, ``stop_sequence``, ``refusal``, a newer reason,
   none): done, with that stop reason as the reason.

Invariants (checked by ``tests/property/test_tool_loop.py``):

* ``turns <= policy.max_turns``, and every ``Send`` raises ``turns`` by exactly one;
* every ``tool_use`` the loop runs is answered exactly once, in the order the model asked, by
  the ``tool_result`` blocks of the next user message (results reported out of order are put
  back in order); calls left unanswered by a stop are listed in ``Done.unanswered``;
* the transcript is the request's messages, then each reply (as an assistant message, blocks
  unchanged) and each tool-results user message, in the order they happened; a continued
  ``pause_turn`` is followed directly by the next reply (the API joins consecutive turns);
* every (phase, signal) pair has a table entry, and ``advance`` is total over its inputs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import Enum, StrEnum
from typing import ClassVar, Final, TypeAlias

import msgspec
from returns.result import Failure, Result, Success

from claude.pure.errors import InvalidArgument
from claude.pure.wire import (
    ContentBlock,
    Message,
    MessageParam,
    MessageRequest,
    ToolResultBlock,
    ToolUseBlock,
)

__all__ = [
    "DONE_REASONS",
    "Done",
    "Event",
    "Phase",
    "Reply",
    "RunTools",
    "Send",
    "Step",
    "ToolLoopMisuse",
    "ToolLoopPolicy",
    "ToolLoopState",
    "ToolResults",
    "advance",
    "start",
]

DONE_REASONS: Final = ("end_turn", "max_turns", "predicate", "pause_turn")
"""Reasons the loop itself names; any other reason is the reply's own ``stop_reason``."""


class ToolLoopPolicy(msgspec.Struct, frozen=True, kw_only=True):
    """How long the loop may run and when it stops early.

    ``max_turns`` caps the requests sent (a whole number >= 1). ``stop_when`` is called with each
    reply; true stops the loop there. ``continue_paused`` sends a ``pause_turn`` reply back to
    let the model continue; by default the loop stops and the caller chooses. A bad value raises
    ``ValueError`` naming the field.
    """

    max_turns: int = 8
    stop_when: Callable[[Message], bool] | None = None
    continue_paused: bool = False

    def __post_init__(self) -> None:
        turns: object = self.max_turns  # callers may pass anything; msgspec checks no types here
        if not isinstance(turns, int) or isinstance(turns, bool) or turns < 1:
            raise ValueError(
                f"ToolLoopPolicy.max_turns: must be a whole number >= 1, not {self.max_turns!r}"
            )


class Phase(StrEnum):
    """Where the loop stands."""

    AWAITING_REPLY = "awaiting_reply"
    AWAITING_RESULTS = "awaiting_results"
    DONE = "done"


class ToolLoopState(msgspec.Struct, frozen=True, kw_only=True):
    """The loop's memory: the conversation so far, the calls awaiting results, the turns used.

    ``request`` is the caller's request (model, tools, system, ...); each turn sends it with
    ``messages`` replaced by the ``transcript``. ``replies`` holds every reply received, in order,
    so each turn is observable from the state alone.
    """

    phase: Phase
    request: MessageRequest
    transcript: tuple[MessageParam, ...]
    pending: tuple[ToolUseBlock, ...] = ()
    turns: int = 0
    replies: tuple[Message, ...] = ()


class Send(msgspec.Struct, frozen=True, kw_only=True):
    """Send ``request`` (turn number ``turn``) and report the reply."""

    request: MessageRequest
    turn: int


class RunTools(msgspec.Struct, frozen=True, kw_only=True):
    """Run ``calls`` and report one ``tool_result`` per call."""

    calls: tuple[ToolUseBlock, ...]


class Done(msgspec.Struct, frozen=True, kw_only=True):
    """The loop is over: ``reason`` is one of ``DONE_REASONS`` or the last reply's stop reason.

    ``message`` is the last reply; ``unanswered`` lists the tool calls of that reply the loop
    did not run (a predicate stop, a reply cut off mid-call), which a resumed conversation must
    answer first.
    """

    reason: str
    message: Message | None = None
    unanswered: tuple[ToolUseBlock, ...] = ()


Step: TypeAlias = Send | RunTools | Done
"""What the shell should do next."""


class Reply(msgspec.Struct, frozen=True, kw_only=True):
    """The reply to the last ``Send``."""

    message: Message


class ToolResults(msgspec.Struct, frozen=True, kw_only=True):
    """The results of the last ``RunTools``: one block per call, in any order."""

    results: tuple[ToolResultBlock, ...]


Event: TypeAlias = Reply | ToolResults
"""What the shell reports."""


class ToolLoopMisuse(InvalidArgument, frozen=True, kw_only=True):
    """The shell reported something the loop did not ask for; the state is unchanged."""

    kind: ClassVar[str] = "tool loop misuse"


class _Signal(Enum):
    STOP = "a reply that ends the loop"
    PREDICATE = "a reply the caller's stop_when accepts"
    TOOLS = "a reply asking for tools, with turns left"
    TOOLS_LAST = "a reply asking for tools on the last turn"
    CONTINUE = "a paused reply to send back, with turns left"
    CONTINUE_LAST = "a paused reply to send back, but no turn left"
    RESULTS = "results answering every pending call, with turns left"
    RESULTS_LAST = "results answering every pending call, on the last turn"
    RESULTS_MISMATCH = "results that do not answer the pending calls exactly"


class _Effect(Enum):
    FINISH = "done with the reply's reason"
    FINISH_PREDICATE = "done: the caller's predicate"
    FINISH_MAX_TURNS = "done: no turn left"
    RUN = "record the reply, run its tools"
    RESEND = "record the reply, send the conversation again"
    ANSWER_AND_SEND = "record the results, send the conversation"
    ANSWER_AND_FINISH = "record the results, done: no turn left"
    MISUSE = "refuse the report"


_P, _S, _E = Phase, _Signal, _Effect

_TRANSITIONS: Final[Mapping[tuple[Phase, _Signal], tuple[_Effect, Phase]]] = {
    # a request is out: its reply decides
    (_P.AWAITING_REPLY, _S.STOP): (_E.FINISH, _P.DONE),
    (_P.AWAITING_REPLY, _S.PREDICATE): (_E.FINISH_PREDICATE, _P.DONE),
    (_P.AWAITING_REPLY, _S.TOOLS): (_E.RUN, _P.AWAITING_RESULTS),
    (_P.AWAITING_REPLY, _S.TOOLS_LAST): (_E.RUN, _P.AWAITING_RESULTS),
    (_P.AWAITING_REPLY, _S.CONTINUE): (_E.RESEND, _P.AWAITING_REPLY),
    (_P.AWAITING_REPLY, _S.CONTINUE_LAST): (_E.FINISH_MAX_TURNS, _P.DONE),
    (_P.AWAITING_REPLY, _S.RESULTS): (_E.MISUSE, _P.AWAITING_REPLY),
    (_P.AWAITING_REPLY, _S.RESULTS_LAST): (_E.MISUSE, _P.AWAITING_REPLY),
    (_P.AWAITING_REPLY, _S.RESULTS_MISMATCH): (_E.MISUSE, _P.AWAITING_REPLY),
    # tools are running: only their results are expected
    (_P.AWAITING_RESULTS, _S.STOP): (_E.MISUSE, _P.AWAITING_RESULTS),
    (_P.AWAITING_RESULTS, _S.PREDICATE): (_E.MISUSE, _P.AWAITING_RESULTS),
    (_P.AWAITING_RESULTS, _S.TOOLS): (_E.MISUSE, _P.AWAITING_RESULTS),
    (_P.AWAITING_RESULTS, _S.TOOLS_LAST): (_E.MISUSE, _P.AWAITING_RESULTS),
    (_P.AWAITING_RESULTS, _S.CONTINUE): (_E.MISUSE, _P.AWAITING_RESULTS),
    (_P.AWAITING_RESULTS, _S.CONTINUE_LAST): (_E.MISUSE, _P.AWAITING_RESULTS),
    (_P.AWAITING_RESULTS, _S.RESULTS): (_E.ANSWER_AND_SEND, _P.AWAITING_REPLY),
    (_P.AWAITING_RESULTS, _S.RESULTS_LAST): (_E.ANSWER_AND_FINISH, _P.DONE),
    (_P.AWAITING_RESULTS, _S.RESULTS_MISMATCH): (_E.MISUSE, _P.AWAITING_RESULTS),
    # done: nothing more is expected
    (_P.DONE, _S.STOP): (_E.MISUSE, _P.DONE),
    (_P.DONE, _S.PREDICATE): (_E.MISUSE, _P.DONE),
    (_P.DONE, _S.TOOLS): (_E.MISUSE, _P.DONE),
    (_P.DONE, _S.TOOLS_LAST): (_E.MISUSE, _P.DONE),
    (_P.DONE, _S.CONTINUE): (_E.MISUSE, _P.DONE),
    (_P.DONE, _S.CONTINUE_LAST): (_E.MISUSE, _P.DONE),
    (_P.DONE, _S.RESULTS): (_E.MISUSE, _P.DONE),
    (_P.DONE, _S.RESULTS_LAST): (_E.MISUSE, _P.DONE),
    (_P.DONE, _S.RESULTS_MISMATCH): (_E.MISUSE, _P.DONE),
}


def start(request: MessageRequest, policy: ToolLoopPolicy) -> tuple[ToolLoopState, Step]:
    """The loop's first state and step: send ``request`` as turn 1.

    >>> from claude.pure.wire import MessageParam, MessageRequest
    >>> request = MessageRequest(model="m", max_tokens=8, messages=[MessageParam(role="user", content="hi")])
    >>> state, step = start(request, ToolLoopPolicy(max_turns=3))
    >>> state.phase, state.turns, type(step).__name__, step.turn
    (<Phase.AWAITING_REPLY: 'awaiting_reply'>, 1, 'Send', 1)
    """
    del policy  # every policy allows a first turn; the argument keeps start/advance alike
    state = ToolLoopState(
        phase=Phase.AWAITING_REPLY, request=request, transcript=tuple(request.messages), turns=1
    )
    return state, _send(state)


def advance(
    state: ToolLoopState, event: Event, *, policy: ToolLoopPolicy
) -> Result[tuple[ToolLoopState, Step], ToolLoopMisuse]:
    """The next state and step after the shell reports ``event``; a misfit report is a Failure."""
    signal, order = _signal(state, event, policy)
    effect, phase = _TRANSITIONS[(state.phase, signal)]
    if effect is _E.MISUSE:
        return Failure(_misuse(state, event, signal))
    if isinstance(event, Reply):
        return Success(_on_reply(state, event.message, effect, phase))
    return Success(_on_results(state, order, effect, phase))


def _signal(
    state: ToolLoopState, event: Event, policy: ToolLoopPolicy
) -> tuple[_Signal, tuple[ToolResultBlock, ...]]:
    last = state.turns >= policy.max_turns
    if isinstance(event, ToolResults):
        order = _in_order(state.pending, event.results)
        if order is None:
            return _S.RESULTS_MISMATCH, ()
        return (_S.RESULTS_LAST if last else _S.RESULTS), order
    message = event.message
    if policy.stop_when is not None and policy.stop_when(message):
        return _S.PREDICATE, ()
    if message.stop_reason == "tool_use" and _tool_uses(message):
        return (_S.TOOLS_LAST if last else _S.TOOLS), ()
    if message.stop_reason == "pause_turn" and policy.continue_paused:
        return (_S.CONTINUE_LAST if last else _S.CONTINUE), ()
    return _S.STOP, ()


def _in_order(
    pending: tuple[ToolUseBlock, ...], results: tuple[ToolResultBlock, ...]
) -> tuple[ToolResultBlock, ...] | None:
    """``results`` in the order of ``pending``, or None unless they answer each call exactly once."""
    by_id: dict[str, ToolResultBlock] = {}
    for result in results:
        if result.tool_use_id in by_id:
            return None
        by_id[result.tool_use_id] = result
    if not pending or set(by_id) != {call.id for call in pending}:
        return None
    return tuple(by_id[call.id] for call in pending)


def _on_reply(
    state: ToolLoopState, message: Message, effect: _Effect, phase: Phase
) -> tuple[ToolLoopState, Step]:
    transcript = (*state.transcript, _as_param(message))
    replies = (*state.replies, message)
    if effect is _E.RUN:
        calls = _tool_uses(message)
        ran = ToolLoopState(
            phase=phase,
            request=state.request,
            transcript=transcript,
            pending=calls,
            turns=state.turns,
            replies=replies,
        )
        return ran, RunTools(calls=calls)
    if effect is _E.RESEND:
        resent = ToolLoopState(
            phase=phase,
            request=state.request,
            transcript=transcript,
            turns=state.turns + 1,
            replies=replies,
        )
        return resent, _send(resent)
    done = ToolLoopState(
        phase=phase,
        request=state.request,
        transcript=transcript,
        turns=state.turns,
        replies=replies,
    )
    reason = _FINISH_REASONS.get(effect) or _stop_reason(message)
    return done, Done(reason=reason, message=message, unanswered=_tool_uses(message))


def _on_results(
    state: ToolLoopState, results: tuple[ToolResultBlock, ...], effect: _Effect, phase: Phase
) -> tuple[ToolLoopState, Step]:
    answer = MessageParam(role="user", content=list[ContentBlock](results))
    last_turns = state.turns + 1 if effect is _E.ANSWER_AND_SEND else state.turns
    after = ToolLoopState(
        phase=phase,
        request=state.request,
        transcript=(*state.transcript, answer),
        turns=last_turns,
        replies=state.replies,
    )
    if effect is _E.ANSWER_AND_SEND:
        return after, _send(after)
    return after, Done(reason="max_turns", message=state.replies[-1] if state.replies else None)


_FINISH_REASONS: Final = {_E.FINISH_MAX_TURNS: "max_turns", _E.FINISH_PREDICATE: "predicate"}


def _stop_reason(message: Message) -> str:
    stop = message.stop_reason
    return stop if isinstance(stop, str) else "none"


def _send(state: ToolLoopState) -> Send:
    request = msgspec.structs.replace(state.request, messages=list(state.transcript))
    return Send(request=request, turn=state.turns)


def _tool_uses(message: Message) -> tuple[ToolUseBlock, ...]:
    return tuple(block for block in message.content if isinstance(block, ToolUseBlock))


def _as_param(message: Message) -> MessageParam:
    # A reply goes back into the conversation exactly as it came: blocks unchanged.
    return MessageParam(role=message.role, content=list(message.content))


def _misuse(state: ToolLoopState, event: Event, signal: _Signal) -> ToolLoopMisuse:
    if state.phase is Phase.DONE:
        problem = "the loop is done; start a new one to continue the conversation"
    elif isinstance(event, Reply):
        ids = ", ".join(call.id for call in state.pending)
        problem = f"a reply was reported while tool results are pending ({ids}); report ToolResults"
    elif signal is _S.RESULTS_MISMATCH and state.phase is Phase.AWAITING_RESULTS:
        wanted = ", ".join(call.id for call in state.pending)
        got = ", ".join(r.tool_use_id for r in event.results) or "none"
        problem = (
            f"the results must answer each pending call exactly once: wanted {wanted}; got {got}"
        )
    else:
        problem = "tool results were reported but no tool calls are pending; report the Reply"
    return ToolLoopMisuse(path="event", problem=problem)
