"""The stream fold: typed stream events in, the ``Message`` they describe out.

Theory of operation
-------------------
``start()`` gives an empty ``MessageFold``; ``fold(state, event)`` returns the next state, or the
failure that ends the stream; ``final_message(state)`` is the message once ``message_stop`` has
arrived, and ``StreamTruncated`` with the message so far otherwise; ``partial_message(state)`` is
the message so far at any point. The result equals the official SDK's *beta* accumulator
(``anthropic.lib.streaming._beta_messages.accumulate_event``, a superset of the non-beta one) on
every stream it accepts:

* blocks are addressed by ``index``: ``content_block_start`` must bring the next index; a
  ``fallback`` block relabels the message's ``model`` to its ``to.model``;
* ``text_delta`` / ``thinking_delta`` append; ``signature_delta`` replaces the signature;
  ``citations_delta`` appends to the text block's ``citations`` (starting a list if it had none);
  ``compaction_delta`` replaces a ``compaction`` block's ``content`` and ``encrypted_content``
  (absent is ``null``);
* ``input_json_delta`` pieces (on ``tool_use``, ``server_tool_use`` and ``mcp_tool_use``) are
  kept and parsed once, at ``content_block_stop``: the input becomes the parsed object; when every
  piece was ``""`` the input stays as it started (``{}``);
* tool input cut off inside its JSON (a ``max_tokens``, ``pause_turn`` or ``refusal`` stop) is
  not an error, whatever the stop reason: the block keeps its id and name, its ``input`` is the
  object the prefix stands for, read as the SDK's partial parse reads it
  (:mod:`claude.pure.partial_json`: complete members kept, a cut one dropped; a cut string
  kept as far as it came with ``start(partial_strings=True)``, the SDK's reading under the
  ``fine-grained-tool-streaming`` beta), and the raw text
  stays reachable as ``block.partial_json`` (``None`` for whole input). Open tool blocks of
  ``partial_message`` show their input the same way, as the SDK's snapshot does;
* a delta of a kind that does not fit its block (``text_delta`` on a tool block) and a delta of
  an unknown type on a known block change nothing, as in the SDK; a delta of an unknown type on
  a block of an unknown type is kept on it (``UnknownBlock.deltas``), never encoded;
* ``message_delta`` sets ``stop_reason``, ``stop_sequence`` and ``stop_details`` (to ``null``
  when absent, as the SDK does), ``container``, ``context_management`` and
  ``input_transformations`` when given, and the usage counts it carries: cumulative totals that
  replace, never add to, the earlier ones. ``output_tokens`` always; ``input_tokens``,
  ``cache_creation_input_tokens``, ``cache_read_input_tokens``, ``server_tool_use``,
  ``output_tokens_details``, ``iterations`` and ``fallback_credit`` only when present and not
  ``null``, so the ``message_start`` values survive otherwise; other usage keys are ignored;
* ``ping`` and unknown events change nothing;
* an ``error`` event is ``Failure`` of the error its ``error.type`` names (``Overloaded`` for
  ``overloaded_error``), with the event's ``request_id`` and the message so far as ``partial``.

Where the SDK would carry on with a broken stream, the fold stops with ``MalformedStream`` (its
``partial`` is the message so far): any event but ``message_start``, ``ping``, ``error`` and
unknown ones before ``message_start`` (the SDK skips them); a second ``message_start`` (the SDK
ignores it); a ``content_block_start`` whose index is not the next one (the SDK appends it
anyway); a delta or stop for a block that never started, or that already stopped (the SDK raises
``IndexError``, or applies it); any event but ``ping``, ``error`` and unknown ones after
``message_stop`` (the SDK applies them); tool input that is neither a JSON object nor a prefix of
one, at ``content_block_stop`` (the SDK raises on invalid JSON too; it also takes a complete
non-object such as ``[1]``, which a tool's ``input`` cannot hold). These are deliberate
differences: a broken order is reported, with the partial, rather than guessed at.
``message_stop`` closes blocks still open, as their ``content_block_stop`` would.

``fold_all(state, events)`` is ``fold`` over a batch (one read's worth) with the same answer and
one ``Result``: a run of deltas for the open block appends to a list that is joined into one
piece when the run ends, instead of building a new state per delta.

Linear time, stated as the invariant the property tests check: each ``fold`` does O(1) work plus
the length of the piece it brings, except ``content_block_stop``, which joins (and for tool
input parses) the block's pieces exactly once. Pieces are persistent cons chains
``(older, piece)``, so adding one never copies the others, and the state is a small record: the
block being streamed sits apart from the earlier ones, so a delta for it (the API's order) is
O(1); the earlier blocks live in a persistent vector (:mod:`claude.pure.pvector`), so a delta or
stop for one of them, and filing a block when the next starts, copy ``height + 1`` nodes of at
most 32 slots (height ``log32(blocks)``: 1 up to 32 blocks, 3 up to 32,768), never the blocks
before it. ``MessageFold.work`` counts that work (one per event, the nodes copied, characters
added, characters joined), so tests check ``work <= c * (events + characters)`` by counting, not
by timing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final, TypeAlias, TypeVar

import msgspec
from msgspec import UNSET, UnsetType
from returns.pipeline import is_successful
from returns.result import Failure, Result, Success

from claude.pure import pvector
from claude.pure.errors import ClaudeError, MalformedStream, StreamTruncated
from claude.pure.events import (
    CitationsDelta,
    CompactionDelta,
    ContentBlockDeltaEvent,
    ContentBlockStartEvent,
    ContentBlockStopEvent,
    ErrorEvent,
    InputJsonDelta,
    MessageDeltaEvent,
    MessageStartEvent,
    MessageStopEvent,
    PingEvent,
    SignatureDelta,
    StreamEvent,
    TextDelta,
    ThinkingDelta,
    UnknownDelta,
)
from claude.pure.partial_json import parse_prefix
from claude.pure.pvector import PVector
from claude.pure.response import error_event
from claude.pure.wire import (
    Citation,
    CompactionBlock,
    ContentBlock,
    FallbackBlock,
    JsonObject,
    McpToolUseBlock,
    Message,
    ServerToolUseBlock,
    TextBlock,
    ThinkingBlock,
    ToolUseBlock,
    UnknownBlock,
    Usage,
)

__all__ = [
    "FINE_GRAINED_TOOL_STREAMING",
    "MessageFold",
    "final_message",
    "fold",
    "fold_all",
    "partial_message",
    "run_target",
    "start",
    "start_for",
    "text_of",
    "with_run",
]

_T = TypeVar("_T")
_U = TypeVar("_U")

# A persistent append-only sequence: ``None`` is empty, ``(older, last)`` adds ``last``.
_Chain: TypeAlias = "tuple[_Chain[_T], _T] | None"

# How much of unparsable tool input a MalformedStream quotes.
_QUOTE: Final = 80

_input_decoder: msgspec.json.Decoder[JsonObject] = msgspec.json.Decoder(JsonObject)

_NO_BLOCKS: Final[PVector[_Block]] = PVector()

# The blocks whose input ``input_json_delta`` pieces build (the SDK's TRACKS_TOOL_INPUT).
_TOOL_INPUT: Final = (ToolUseBlock, ServerToolUseBlock, McpToolUseBlock)
_ToolInputBlock: TypeAlias = ToolUseBlock | ServerToolUseBlock | McpToolUseBlock

# The events that move the fold; ``ping`` and unknown events do not.
_STEPS: Final = (
    MessageStartEvent,
    ContentBlockStartEvent,
    ContentBlockStopEvent,
    MessageDeltaEvent,
    MessageStopEvent,
)


class _Block(msgspec.Struct, frozen=True, gc=False):
    """One content block: as it started (once stopped: as it ended) and its deltas so far.

    ``pieces`` holds text for a text block, thinking for a thinking block and partial JSON for
    a tool block (``size`` characters in all); deltas of other kinds are not kept.
    """

    block: ContentBlock
    pieces: _Chain[str] = None
    size: int = 0
    citations: _Chain[Citation] = None
    signature: str | None = None
    stopped: bool = False
    compaction: CompactionDelta | None = None  # the last compaction_delta (it replaces)
    unknown: _Chain[UnknownDelta] = None  # deltas of unknown types, for a block of unknown type


class MessageFold(msgspec.Struct, frozen=True, eq=False, gc=False):
    """The fold between two events; ``start()`` (or ``MessageFold()``) begins a stream.

    Opaque except for ``work``, the operation count the linearity tests read, and ``stopped``
    (``message_stop`` has arrived). Equality is identity, as for ``SseState``: states hold chains
    of pieces, so compare what ``partial_message`` or ``final_message`` give instead; this also
    keeps ``==``, ``hash`` and ``repr`` from recursing down a long chain.
    """

    message: Message | None = None  # message_start's message, message_delta applied
    earlier: PVector[_Block] = _NO_BLOCKS  # blocks 0 .. count-2
    last: _Block | None = None  # block count-1, the one the API is streaming
    count: int = 0  # blocks started (message_start's own content included)
    stopped: bool = False  # message_stop has arrived
    work: int = 0  # events + characters added + characters joined
    partial_strings: bool = False  # cut tool input keeps cut strings (see ``start``)

    def __repr__(self) -> str:
        started = self.message is not None
        return (
            f"MessageFold(started={started}, blocks={self.count}, "
            f"stopped={self.stopped}, work={self.work})"
        )


def start(*, partial_strings: bool = False) -> MessageFold:
    """The fold before the first event.

    ``partial_strings`` reads tool input cut off inside a string value as the SDK does under the
    ``fine-grained-tool-streaming-2025-05-14`` beta: the string kept as far as it came (without
    the beta, the SDK and this fold leave a cut string out). Pass it when the request sent that
    beta.
    """
    return MessageFold(partial_strings=partial_strings)


FINE_GRAINED_TOOL_STREAMING: Final = "fine-grained-tool-streaming-2025-05-14"
"""The beta under which the API streams tool input unbuffered, so it may be cut in a string."""


def start_for(headers: Mapping[str, str]) -> MessageFold:
    """The fold for a stream sent with these request headers: ``partial_strings`` exactly when
    ``anthropic-beta`` (a comma-separated list, where ``betas=`` and the client's betas end up)
    names the ``fine-grained-tool-streaming`` beta, so a cut string is kept as the SDK keeps it."""
    betas = headers.get("anthropic-beta", "")
    wanted = FINE_GRAINED_TOOL_STREAMING in betas and any(
        beta.strip() == FINE_GRAINED_TOOL_STREAMING for beta in betas.split(",")
    )
    return MessageFold(partial_strings=wanted)


def fold(state: MessageFold, event: StreamEvent) -> Result[MessageFold, ClaudeError]:
    """The state after ``event``, or the error that ends the stream (rules: module docstring)."""
    if isinstance(event, ContentBlockDeltaEvent):  # the hot path: almost every event
        return _delta(state, event)
    if isinstance(event, ErrorEvent):
        rid = event.request_id
        details = event.error.details
        return Failure(
            error_event(
                event.error.type,
                event.error.message,
                request_id=rid if isinstance(rid, str) else None,
                partial=partial_message(state),
                details=details if isinstance(details, dict) else None,
            )
        )
    if not isinstance(event, _STEPS):
        return Success(state)  # ping and unknown events
    message = state.message
    if message is None:
        if isinstance(event, MessageStartEvent):
            return Success(_started(event.message, state.partial_strings))
        return _malformed(state, f"{event.type} before message_start")
    if state.stopped:
        return _malformed(state, f"{event.type} after message_stop")
    if isinstance(event, ContentBlockStartEvent):
        if event.index != state.count:
            return _malformed(
                state,
                f"content_block_start for block {event.index}, but the next block is {state.count}",
            )
        earlier, work = state.earlier, state.work + 1
        if state.last is not None:
            earlier, work = pvector.push(earlier, state.last), work + pvector.cost(earlier)
        return Success(
            MessageFold(
                _relabelled(message, event.content_block),
                earlier,
                _Block(event.content_block),
                state.count + 1,
                False,
                work,
                state.partial_strings,
            )
        )
    if isinstance(event, ContentBlockStopEvent):
        return _stop(state, event.index)
    if isinstance(event, MessageDeltaEvent):
        return Success(
            MessageFold(
                _message_delta(message, event),
                state.earlier,
                state.last,
                state.count,
                False,
                state.work + 1,
                state.partial_strings,
            )
        )
    if isinstance(event, MessageStopEvent):
        return _message_stop(state, message)
    return _malformed(state, "a second message_start")  # the SDK ignores it


def fold_all(state: MessageFold, events: Iterable[StreamEvent]) -> Result[MessageFold, ClaudeError]:
    """``fold`` over ``events`` in order, with one ``Result`` per batch instead of one per event.

    The answer is the one ``fold`` gives event by event: the same final message, ``work`` and
    ``stopped``, or the same first failure (its ``partial`` the message as of the failing event).
    A run of deltas for the open block (a stream is mostly that) is gathered in a list and joined
    into one piece of the block when the run ends (at an event other than such a delta or a ping,
    or at the end of the batch), so a delta costs an append, not a new ``_Block``,
    ``MessageFold`` and ``Result``. Each
    character is then copied once by that join and once at ``content_block_stop``: the "added"
    and "joined" units that ``fold`` already counts in ``work``, so the count is the same too.
    """
    pieces: list[str] = []
    append = pieces.append
    index, kind = _open_block(state)
    for event in events:
        if type(event) is ContentBlockDeltaEvent and event.index == index:
            delta = event.delta
            if type(delta) is TextDelta:
                if kind is TextDelta:
                    append(delta.text)
                    continue
            elif type(delta) is InputJsonDelta:
                if kind is InputJsonDelta:
                    append(delta.partial_json)
                    continue
            elif type(delta) is ThinkingDelta and kind is ThinkingDelta:
                append(delta.thinking)
                continue
        elif type(event) is PingEvent:
            continue  # ``fold`` gives back the very same state
        if pieces:
            state = _with_run(state, pieces)
            pieces.clear()
        folded = fold(state, event)
        if not is_successful(folded):
            return folded
        state = folded.unwrap()
        index, kind = _open_block(state)
    if pieces:
        state = _with_run(state, pieces)
    return Success(state)


def final_message(state: MessageFold) -> Result[Message, ClaudeError]:
    """The complete message after ``message_stop``; else ``StreamTruncated`` with the partial one."""
    if state.message is None:
        return Failure(StreamTruncated(problem="the stream ended before message_start"))
    message = _build(state, state.message)
    if not state.stopped:
        return Failure(StreamTruncated(partial=message))
    return Success(message)


def partial_message(state: MessageFold) -> Message | None:
    """The message as folded so far (``None`` before ``message_start``).

    Open text and thinking blocks show what has arrived; an open tool block shows the input its
    JSON so far stands for (as the SDK's snapshot does), with the raw text in ``partial_json``.
    Costs O(size of the message): call it when needed, not per event.
    """
    return None if state.message is None else _build(state, state.message)


def text_of(event: StreamEvent) -> str | None:
    """The text an event adds to the reply: a ``text_delta``'s text, else ``None``.

    >>> text_of(ContentBlockDeltaEvent(index=0, delta=TextDelta(text="Hi")))
    'Hi'
    >>> text_of(ContentBlockStopEvent(index=0)) is None
    True
    """
    if isinstance(event, ContentBlockDeltaEvent) and isinstance(event.delta, TextDelta):
        return event.delta.text
    return None


# --- the steps -----------------------------------------------------------------------------


def _started(message: Message, partial_strings: bool) -> MessageFold:
    """The state after ``message_start``: its own content (normally none) counts as stopped blocks."""
    earlier: PVector[_Block] = _NO_BLOCKS
    last: _Block | None = None
    for block in message.content:
        if last is not None:
            earlier = pvector.push(earlier, last)
        last = _Block(block, stopped=True)
    return MessageFold(message, earlier, last, len(message.content), False, 1, partial_strings)


def _delta(state: MessageFold, event: ContentBlockDeltaEvent) -> Result[MessageFold, ClaudeError]:
    """Add one delta to its block: O(1) plus the piece for the newest block."""
    index = event.index
    last = state.last
    acc = last if last is not None and index == state.count - 1 else _find(state, index)
    if acc is None or acc.stopped or state.stopped:
        return _misplaced(state, "content_block_delta", index)
    block = acc.block
    delta = event.delta
    if isinstance(delta, TextDelta):
        if not isinstance(block, TextBlock):
            return Success(state)
        piece = delta.text
    elif isinstance(delta, InputJsonDelta):
        if not isinstance(block, _TOOL_INPUT):
            return Success(state)
        piece = delta.partial_json
    elif isinstance(delta, ThinkingDelta):
        if not isinstance(block, ThinkingBlock):
            return Success(state)
        piece = delta.thinking
    elif isinstance(delta, SignatureDelta):
        if not isinstance(block, ThinkingBlock):
            return Success(state)
        new = _Block(block, acc.pieces, acc.size, acc.citations, delta.signature)
        return Success(_put(state, index, new, 1))
    elif isinstance(delta, CitationsDelta):
        if not isinstance(block, TextBlock):
            return Success(state)
        new = _Block(block, acc.pieces, acc.size, (acc.citations, delta.citation), acc.signature)
        return Success(_put(state, index, new, 1))
    elif isinstance(delta, CompactionDelta):
        if not isinstance(block, CompactionBlock):
            return Success(state)
        return Success(_put(state, index, _Block(block, compaction=delta), 1))
    else:  # a delta type newer than this library: kept on a block of a type newer too
        if not isinstance(block, UnknownBlock):
            return Success(state)
        return Success(_put(state, index, _Block(block, unknown=(acc.unknown, delta)), 1))
    size = len(piece)
    new = _Block(block, (acc.pieces, piece), acc.size + size, acc.citations, acc.signature)
    return Success(_put(state, index, new, 1 + size))


def _open_block(
    state: MessageFold,
) -> tuple[int, type[TextDelta | InputJsonDelta | ThinkingDelta]] | tuple[None, None]:
    """The index of the block a delta can extend in ``fold_all``'s fast path, and the delta type
    that extends it; ``(None, None)`` when no block is open (``_delta`` would refuse or ignore)."""
    last = state.last
    if last is None or last.stopped or state.stopped:
        return None, None
    block = last.block
    if isinstance(block, TextBlock):
        return state.count - 1, TextDelta
    if isinstance(block, _TOOL_INPUT):
        return state.count - 1, InputJsonDelta
    if isinstance(block, ThinkingBlock):
        return state.count - 1, ThinkingDelta
    return None, None


def run_target(
    state: MessageFold,
) -> tuple[int, type[TextDelta | InputJsonDelta | ThinkingDelta]] | tuple[None, None]:
    """Which deltas only extend the open block: its index and the delta type that does, or
    ``(None, None)``. A caller may gather the pieces of a run of such deltas itself (a list
    append each) and fold them in one ``with_run``: the state is then the one ``fold`` gives
    event by event (the same messages, failures, ``work`` and ``stopped``), as ``fold_all`` does
    within a batch. The answer only changes with an event other than such a delta.
    """
    return _open_block(state)


def with_run(state: MessageFold, pieces: list[str]) -> MessageFold:
    """``state`` after a run of deltas whose pieces (``text``, ``partial_json`` or ``thinking``)
    are ``pieces``, each of the type ``run_target(state)`` named for its index; an empty run
    changes nothing. Plain value: this is the per-read path of the stream core."""
    if not pieces:
        return state
    return _with_run(state, pieces)


def _with_run(state: MessageFold, pieces: list[str]) -> MessageFold:
    """``state`` after a run of deltas (``pieces``) for its open block, as one joined piece.

    ``work`` grows as ``_delta`` would have made it grow: one per delta plus its characters.
    """
    acc = state.last
    assert acc is not None  # _open_block found it open
    joined = "".join(pieces)
    size = len(joined)
    block = _Block(acc.block, (acc.pieces, joined), acc.size + size, acc.citations, acc.signature)
    work = state.work + len(pieces) + size
    return MessageFold(
        state.message,
        state.earlier,
        block,
        state.count,
        state.stopped,
        work,
        state.partial_strings,
    )


def _stop(state: MessageFold, index: int) -> Result[MessageFold, ClaudeError]:
    """Finish block ``index``: join its pieces and parse tool input, once."""
    acc = _find(state, index)
    if acc is None or acc.stopped:
        return _misplaced(state, "content_block_stop", index)
    finished = _finish(acc, state.partial_strings)
    if isinstance(finished, str):
        return _malformed(state, _input_problem(acc.block, index, finished))
    return Success(_put(state, index, _Block(finished, stopped=True), 1 + acc.size))


def _message_stop(state: MessageFold, message: Message) -> Result[MessageFold, ClaudeError]:
    """The end: close the blocks still open (normally none), then mark the message complete."""
    closed = MessageFold(
        message,
        state.earlier,
        state.last,
        state.count,
        False,
        state.work + 1,
        state.partial_strings,
    )
    for index, acc in enumerate(_blocks(state)):
        if acc.stopped:
            continue
        finished = _finish(acc, state.partial_strings)
        if isinstance(finished, str):
            return _malformed(state, _input_problem(acc.block, index, finished))
        closed = _put(closed, index, _Block(finished, stopped=True), acc.size)
    return Success(
        MessageFold(
            message,
            closed.earlier,
            closed.last,
            state.count,
            True,
            closed.work,
            state.partial_strings,
        )
    )


def _message_delta(message: Message, event: MessageDeltaEvent) -> Message:
    """``message`` with a ``message_delta`` applied, field by field as the SDK does."""
    fields = event.delta
    counts = event.usage
    old = message.usage
    usage: Usage = msgspec.structs.replace(
        old,
        output_tokens=counts.output_tokens,
        input_tokens=_given(counts.input_tokens, old.input_tokens),
        cache_creation_input_tokens=_given(
            counts.cache_creation_input_tokens, old.cache_creation_input_tokens
        ),
        cache_read_input_tokens=_given(counts.cache_read_input_tokens, old.cache_read_input_tokens),
        server_tool_use=_given(counts.server_tool_use, old.server_tool_use),
        output_tokens_details=_given(counts.output_tokens_details, old.output_tokens_details),
        iterations=_given(counts.iterations, old.iterations),
        fallback_credit=_given(counts.fallback_credit, old.fallback_credit),
    )
    # msgspec.structs.replace rather than Message(...): it keeps the class, so the extra fields
    # of a message the lenient decoder extended (a newer API's keys) survive the fold.
    updated: Message = msgspec.structs.replace(
        message,
        stop_reason=_or_none(fields.stop_reason),
        stop_sequence=_or_none(fields.stop_sequence),
        stop_details=_or_none(fields.stop_details),
        container=_given(fields.container, message.container),
        context_management=_given(event.context_management, message.context_management),
        input_transformations=_given(event.input_transformations, message.input_transformations),
        usage=usage,
    )
    return updated


def _relabelled(message: Message, block: ContentBlock) -> Message:
    """``message`` with the model a ``fallback`` block moved the reply to (as the SDK relabels)."""
    if not isinstance(block, FallbackBlock):
        return message
    model = block.to.get("model")
    if not isinstance(model, str):
        return message
    relabelled: Message = msgspec.structs.replace(message, model=model)
    return relabelled


# --- blocks --------------------------------------------------------------------------------


def _finish(acc: _Block, partial_strings: bool) -> ContentBlock | str:
    """The block with its deltas applied, or why its tool input does not parse."""
    block = acc.block
    if isinstance(block, TextBlock):
        if acc.pieces is None and acc.citations is None:
            return block
        text = block.text + _join(acc.pieces) if acc.pieces is not None else block.text
        if acc.citations is None:
            citations = block.citations
        else:
            before = block.citations if isinstance(block.citations, list) else []
            citations = [*before, *_items(acc.citations)]
        text_block: TextBlock = msgspec.structs.replace(block, text=text, citations=citations)
        return text_block
    if isinstance(block, ThinkingBlock):
        if acc.pieces is None and acc.signature is None:
            return block
        thinking = block.thinking + _join(acc.pieces) if acc.pieces is not None else block.thinking
        signature = block.signature if acc.signature is None else acc.signature
        thinking_block: ThinkingBlock = msgspec.structs.replace(
            block, thinking=thinking, signature=signature
        )
        return thinking_block
    if isinstance(block, _TOOL_INPUT) and acc.size:
        text = _join(acc.pieces)
        parsed = _parse_input(text, partial_strings)
        if isinstance(parsed, str):
            return parsed
        complete, value = parsed
        tool_block: _ToolInputBlock = msgspec.structs.replace(block, input=value)
        if not complete:
            tool_block.__dict__["_partial_json"] = text
        return tool_block
    if isinstance(block, CompactionBlock) and acc.compaction is not None:
        compaction: CompactionBlock = msgspec.structs.replace(
            block,
            content=_or_none(acc.compaction.content),
            encrypted_content=_or_none(acc.compaction.encrypted_content),
        )
        return compaction
    if isinstance(block, UnknownBlock) and acc.unknown is not None:
        kept: UnknownBlock = msgspec.structs.replace(block)
        kept.__dict__["_deltas"] = tuple(_items(acc.unknown))
        return kept
    return block


def _parse_input(text: str, partial_strings: bool = False) -> tuple[bool, JsonObject] | str:
    """Tool input JSON as ``(complete, object)``, or what is wrong with it. Once per tool block.

    A cut object (the stream stopped inside it) is ``(False, what of it parses)``, as the SDK's
    partial parse reads it; text that is no prefix of a JSON object is a problem, where the SDK
    raises.
    """
    try:
        return True, _input_decoder.decode(text)
    except msgspec.ValidationError as exc:
        problem = f"is not a JSON object ({exc})"
    except msgspec.DecodeError as exc:
        problem = f"is not valid JSON ({exc})"
    except RecursionError:  # msgspec's depth guard
        problem = "is nested too deeply"
    partial = parse_prefix(text, partial_strings=partial_strings)
    if partial is not None:
        return False, partial
    return f"the tool input {problem}; it starts {text[:_QUOTE]!r}"


def _input_problem(block: ContentBlock, index: int, problem: str) -> str:
    name = getattr(block, "name", "?")
    return f"content block {index} ({block.type} {name!r}): {problem}"


def _build(state: MessageFold, message: Message) -> Message:
    """``message`` with the blocks folded so far as its content; open blocks shown leniently."""
    content: list[ContentBlock] = []
    for acc in _blocks(state):
        if acc.stopped:
            content.append(acc.block)
            continue
        finished = _finish(acc, state.partial_strings)
        content.append(acc.block if isinstance(finished, str) else finished)
    built: Message = msgspec.structs.replace(message, content=content)
    return built


def _find(state: MessageFold, index: int) -> _Block | None:
    """Block ``index``, or ``None`` if it never started: O(1) for the newest block, else
    O(log32 count) (see ``pvector``)."""
    if not 0 <= index < state.count:
        return None
    if index == state.count - 1:
        return state.last
    return pvector.get(state.earlier, index)


def _put(state: MessageFold, index: int, acc: _Block, work: int) -> MessageFold:
    """``state`` with block ``index`` replaced by ``acc``: O(1) for the newest block, else the
    ``pvector.cost`` nodes of one replace (counted in ``work``)."""
    if index == state.count - 1:
        return MessageFold(
            state.message,
            state.earlier,
            acc,
            state.count,
            state.stopped,
            state.work + work,
            state.partial_strings,
        )
    earlier = pvector.put(state.earlier, index, acc)
    work += pvector.cost(state.earlier)
    return MessageFold(
        state.message,
        earlier,
        state.last,
        state.count,
        state.stopped,
        state.work + work,
        state.partial_strings,
    )


def _blocks(state: MessageFold) -> list[_Block]:
    """Every block, by index."""
    blocks = pvector.items(state.earlier)
    if state.last is not None:
        blocks.append(state.last)
    return blocks


def _items(chain: _Chain[_T]) -> list[_T]:
    """The pieces of ``chain``, oldest first."""
    out: list[_T] = []
    while chain is not None:
        chain, piece = chain
        out.append(piece)
    out.reverse()
    return out


def _join(chain: _Chain[str]) -> str:
    return "".join(_items(chain))


def _given(new: _T | UnsetType | None, old: _U) -> _T | _U:
    """A ``message_delta`` value when it carries one (present and not ``null``), else ``old``."""
    return old if new is None or new is UNSET else new


def _or_none(value: _T | UnsetType) -> _T | None:
    """A ``message_delta`` field as the SDK reads it: absent is ``null``."""
    return None if isinstance(value, UnsetType) else value


def _misplaced(state: MessageFold, what: str, index: int) -> Result[MessageFold, ClaudeError]:
    """A delta or stop that has no open block to go to."""
    if state.message is None:
        return _malformed(state, f"{what} before message_start")
    if state.stopped:
        return _malformed(state, f"{what} after message_stop")
    if 0 <= index < state.count:
        return _malformed(state, f"{what} for block {index}, which has already stopped")
    return _malformed(state, f"{what} for block {index}, which never started")


def _malformed(state: MessageFold, problem: str) -> Result[MessageFold, ClaudeError]:
    return Failure(MalformedStream(problem=problem, partial=partial_message(state)))
