"""Hypothesis generators of beta Messages API streams, on top of ``stream_strategies``.

``beta_streams()`` draws well-formed streams that use every block and delta kind the SDK's beta
accumulator folds: the non-beta ones, ``compaction`` blocks built by ``compaction_delta``,
``mcp_tool_use`` blocks built by ``input_json_delta``, complete ``mcp_tool_result`` blocks,
``fallback`` blocks that relabel the message's model, tool input cut off by a ``max_tokens``
(``pause_turn``, ``refusal``) stop, and ``message_delta``s carrying ``context_management``,
``input_transformations`` and the ``iterations`` and ``fallback_credit`` usage.
"""

from __future__ import annotations

from hypothesis import strategies as st

from tests.property.stream_strategies import (
    Block,
    Frame,
    JsonDict,
    blocks,
    counts,
    json_delta,
    message_deltas,
    message_starts,
    noise,
    render,
    split,
    text,
    tool_inputs,
    with_optional,
)


@st.composite
def compaction_blocks(draw: st.DrawFn) -> Block:
    """A compaction block and its deltas (each replaces the content, absent fields are null)."""
    start: JsonDict = {"type": "compaction", "content": None}
    deltas = [
        with_optional(
            draw, {"type": "compaction_delta"}, {"content": text, "encrypted_content": text}
        )
        for _ in range(draw(st.integers(0, 2)))
    ]
    return start, deltas


@st.composite
def mcp_tool_blocks(draw: st.DrawFn) -> Block:
    """An MCP tool call whose input JSON arrives in pieces."""
    start: JsonDict = {
        "type": "mcp_tool_use",
        "id": "mcptoolu_01",
        "name": "search_issues",
        "server_name": "github",
        "input": {},
    }
    whole = render(draw(tool_inputs))
    return start, [
        json_delta(p) for p in split(whole, draw(st.lists(st.integers(0, len(whole)), max_size=4)))
    ]


mcp_results: st.SearchStrategy[Block] = st.builds(
    lambda content, is_error: (
        {
            "type": "mcp_tool_result",
            "tool_use_id": "mcptoolu_01",
            "content": content,
            "is_error": is_error,
        },
        [],
    ),
    text | st.lists(st.builds(lambda t: {"type": "text", "text": t}, text), max_size=2),
    st.booleans(),
)
models = st.sampled_from(["claude-opus-4-5", "claude-haiku-4-5", "claude-sonnet-4-5-20250929"])
fallbacks: st.SearchStrategy[Block] = st.builds(
    lambda a, b: (
        {
            "type": "fallback",
            "from": {"model": a},
            "to": {"model": b},
            "trigger": {"type": "refusal", "category": "cyber"},
        },
        [],
    ),
    models,
    models,
)


@st.composite
def cut_tool_blocks(draw: st.DrawFn) -> Block:
    """A tool call whose input JSON stops part way (the stream then ends with max_tokens)."""
    kind = draw(st.sampled_from(["tool_use", "server_tool_use"]))
    start: JsonDict = {"type": kind, "id": "toolu_02", "name": "get_forecast", "input": {}}
    whole = render(draw(tool_inputs.filter(bool)))
    cut = draw(st.integers(1, len(whole) - 1))
    return start, [
        json_delta(p) for p in split(whole[:cut], draw(st.lists(st.integers(0, cut), max_size=3)))
    ]


iterations = st.lists(
    st.builds(
        lambda i, o: {
            "type": "message",
            "input_tokens": i,
            "output_tokens": o,
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0,
        },
        counts,
        counts,
    ),
    max_size=2,
)
fallback_credits = st.sampled_from(
    [
        {"status": {"type": "redeemed"}},
        {"status": {"type": "not_applied", "reason": "model_mismatch"}},
    ]
)
context_managements = st.builds(
    lambda n: {
        "applied_edits": [
            {"type": "clear_tool_uses_20250919", "cleared_input_tokens": n, "cleared_tool_uses": 1}
        ]
    },
    counts,
)
input_transformations = st.lists(
    st.builds(
        lambda p: {"type": "thinking_dropped", "path": p, "reason": "model_binding_mismatch"}, text
    ),
    max_size=2,
)


@st.composite
def beta_message_deltas(draw: st.DrawFn, *, stop_reason: str | None = None) -> JsonDict:
    """A ``message_delta`` with the beta fields randomly absent, null or present."""
    event = draw(message_deltas())
    if stop_reason is not None:
        event["delta"] = {**event["delta"], "stop_reason": stop_reason}  # type: ignore[dict-item]
    usage = event["usage"]
    assert isinstance(usage, dict)
    event["usage"] = with_optional(
        draw, usage, {"iterations": iterations, "fallback_credit": fallback_credits}
    )
    return with_optional(
        draw,
        event,
        {"context_management": context_managements, "input_transformations": input_transformations},
    )


@st.composite
def beta_streams(draw: st.DrawFn, *, max_blocks: int = 4) -> list[Frame]:
    """A well-formed beta stream (see the module docstring), with noise anywhere."""
    compact = draw(st.booleans())

    def frame(data: JsonDict) -> Frame:
        return str(data["type"]), render(data, compact=compact)

    beta_blocks = st.one_of(
        blocks(), compaction_blocks(), mcp_tool_blocks(), mcp_results, fallbacks
    )
    drawn = draw(st.lists(beta_blocks, max_size=max_blocks))
    cut = draw(st.booleans())
    if cut:
        drawn.append(draw(cut_tool_blocks()))
    frames = [frame(draw(message_starts()))]
    for index, (start, deltas) in enumerate(drawn):
        frames.append(
            frame({"type": "content_block_start", "index": index, "content_block": start})
        )
        frames.extend(
            frame({"type": "content_block_delta", "index": index, "delta": d}) for d in deltas
        )
        frames.append(frame({"type": "content_block_stop", "index": index}))
    reason = draw(st.sampled_from(["max_tokens", "pause_turn", "refusal"])) if cut else None
    frames.extend(
        frame(d)
        for d in draw(st.lists(beta_message_deltas(stop_reason=reason), min_size=1, max_size=2))
    )
    frames.append(frame({"type": "message_stop"}))
    for _ in range(draw(st.integers(0, 3))):
        frames.insert(draw(st.integers(0, len(frames))), frame(draw(noise)))
    return frames
