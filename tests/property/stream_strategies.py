"""Hypothesis generators of Messages API streams, as the server sends them.

A stream is a list of frames, ``(SSE event name, JSON data)``. ``streams()`` draws well-formed
ones: ``message_start``; blocks of every kind (text with citations, thinking with signatures,
tool and server-tool calls whose input JSON is cut at arbitrary points, complete server-tool
results, a block type from the future), each with its deltas, plus deltas of other kinds (which
the fold must ignore) and delta types from the future; ``message_delta``s whose usage leaves
fields out or sends ``null``; ``message_stop``; and pings and unknown events scattered anywhere.
``to_sse`` renders the frames as the server's bytes, so the official SDK and this library read
the very same input.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence

from hypothesis import strategies as st

Frame = tuple[str, str]
"""One SSE event: its name and its data (single-line JSON)."""

JsonDict = dict[str, object]

ABSENT = object()
"""A marker for "leave this key out", drawn alongside real values."""

text = st.text(st.characters(codec="utf-8"), max_size=10)
"""Short strings of any Unicode scalar values (JSON escapes included when dumped)."""

counts = st.integers(0, 100_000)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
    max_leaves=10,
)
tool_inputs = st.dictionaries(text, json_values, max_size=4)


def render(data: object, *, compact: bool = True, ascii_only: bool = False) -> str:
    """``data`` as one line of JSON, compact (as Anthropic sends it) or spaced (as its docs show)."""
    separators = (",", ":") if compact else (", ", ": ")
    return json.dumps(data, separators=separators, ensure_ascii=ascii_only)


def to_sse(frames: Sequence[Frame]) -> bytes:
    """The frames as an SSE body: ``event:`` line, one ``data:`` line, blank line."""
    return "".join(f"event: {name}\ndata: {data}\n\n" for name, data in frames).encode()


def split(whole: str, cuts: Sequence[int]) -> list[str]:
    """``whole`` cut at the given offsets (repeated offsets give empty pieces)."""
    bounds = [0, *sorted(cuts), len(whole)]
    return [whole[a:b] for a, b in itertools.pairwise(bounds)]


def with_optional(
    draw: st.DrawFn, base: JsonDict, options: dict[str, st.SearchStrategy[object]]
) -> JsonDict:
    """``base`` plus each optional key drawn as absent, ``null`` or a value."""
    out = dict(base)
    for key, values in options.items():
        value = draw(st.just(ABSENT) | st.none() | values)
        if value is not ABSENT:
            out[key] = value
    return out


# --- pieces of messages ----------------------------------------------------------------------

server_tool_usage = st.builds(
    lambda search, fetch: {"web_search_requests": search, "web_fetch_requests": fetch},
    counts,
    counts,
)

citations: st.SearchStrategy[JsonDict] = st.one_of(
    st.builds(
        lambda t, i, a, b: {
            "type": "char_location",
            "cited_text": t,
            "document_index": i,
            "document_title": None,
            "start_char_index": a,
            "end_char_index": b,
        },
        text,
        counts,
        counts,
        counts,
    ),
    st.builds(
        lambda t, i, title, a, b: {
            "type": "page_location",
            "cited_text": t,
            "document_index": i,
            "document_title": title,
            "start_page_number": a,
            "end_page_number": b,
        },
        text,
        counts,
        text,
        counts,
        counts,
    ),
    st.builds(
        lambda t, i, a, b: {
            "type": "content_block_location",
            "cited_text": t,
            "document_index": i,
            "start_block_index": a,
            "end_block_index": b,
        },
        text,
        counts,
        counts,
        counts,
    ),
    st.builds(
        lambda t, url, title: {
            "type": "web_search_result_location",
            "cited_text": t,
            "url": url,
            "title": title,
            "encrypted_index": "Eo8BCioIAhgB",
        },
        text,
        text,
        st.none() | text,
    ),
    st.builds(
        lambda t, n: {
            "type": "search_result_location",
            "cited_text": t,
            "source": "kb://doc",
            "title": "Doc",
            "search_result_index": n,
            "start_block_index": 0,
            "end_block_index": n,
        },
        text,
        counts,
    ),
    st.builds(lambda t: {"type": "future_location", "cited_text": t, "span": [1, 2]}, text),
)

future_deltas = st.builds(lambda v: {"type": "future_delta", "value": v}, json_values)


def text_delta(piece: str) -> JsonDict:
    return {"type": "text_delta", "text": piece}


def json_delta(piece: str) -> JsonDict:
    return {"type": "input_json_delta", "partial_json": piece}


def thinking_delta(piece: str) -> JsonDict:
    return {"type": "thinking_delta", "thinking": piece}


def signature_delta(signature: str) -> JsonDict:
    return {"type": "signature_delta", "signature": signature}


def citations_delta(citation: JsonDict) -> JsonDict:
    return {"type": "citations_delta", "citation": citation}


# Deltas of every kind: on a block of another kind the SDK ignores them, and so must we.
any_deltas = st.one_of(
    text.map(text_delta),
    text.map(json_delta),
    text.map(thinking_delta),
    text.map(signature_delta),
    citations.map(citations_delta),
)

Block = tuple[JsonDict, list[JsonDict]]
"""A block as ``content_block_start`` sends it, and the deltas that follow it."""


@st.composite
def text_blocks(draw: st.DrawFn) -> Block:
    start: JsonDict = {"type": "text", "text": draw(st.just("") | text)}
    # The API starts text with no citations; a list that is already there must be extended.
    cited = draw(st.sampled_from([ABSENT, None]) | st.lists(citations, max_size=1))
    if cited is not ABSENT:
        start["citations"] = cited
    if draw(st.integers(0, 9)) == 0:
        start["future_field"] = draw(json_values)  # a key a newer API added: kept
    deltas = draw(st.lists(text.map(text_delta) | citations.map(citations_delta), max_size=6))
    return start, deltas


@st.composite
def thinking_blocks(draw: st.DrawFn) -> Block:
    start: JsonDict = {"type": "thinking", "thinking": "", "signature": ""}
    deltas = draw(st.lists(text.map(thinking_delta), max_size=5))
    signatures = draw(st.lists(text.map(signature_delta), max_size=2))
    return start, deltas + signatures


@st.composite
def tool_blocks(draw: st.DrawFn) -> Block:
    """A client or server tool call whose input JSON arrives cut at arbitrary points."""
    kind, name = draw(
        st.sampled_from([("tool_use", "get_forecast"), ("server_tool_use", "web_search")])
    )
    start: JsonDict = {"type": kind, "id": "toolu_01", "name": name, "input": {}}
    if draw(st.integers(0, 5)) == 0:
        return start, []  # no delta: the input stays {}
    whole = render(draw(tool_inputs), compact=draw(st.booleans()), ascii_only=draw(st.booleans()))
    pieces = split(whole, draw(st.lists(st.integers(0, len(whole)), max_size=6)))
    if draw(st.booleans()):
        pieces.insert(0, "")  # the API's first piece is often empty
    return start, [json_delta(p) for p in pieces]


complete_blocks: st.SearchStrategy[Block] = st.sampled_from(
    [
        ({"type": "redacted_thinking", "data": "EmwKAhgBEgy3va3pzix"}, []),
        (
            {
                "type": "web_search_tool_result",
                "tool_use_id": "srvtoolu_01",
                "content": [
                    {
                        "type": "web_search_result",
                        "url": "https://example.com",
                        "title": "Example",
                        "encrypted_content": "EqgfCioIARgB",
                        "page_age": None,
                    }
                ],
            },
            [],
        ),
        ({"type": "future_block", "payload": {"a": [1, 2]}}, []),
    ]
)


@st.composite
def blocks(draw: st.DrawFn) -> Block:
    """A block of any kind, sometimes with deltas of other kinds or types mixed into its own."""
    start, drawn = draw(st.one_of(text_blocks(), thinking_blocks(), tool_blocks(), complete_blocks))
    deltas = list(drawn)  # a copy: sampled_from hands out the same list every time
    # Extra deltas of every kind, except JSON pieces for a tool block (they would not be noise).
    extra = (
        st.one_of(future_deltas, any_deltas)
        if start["type"] not in ("tool_use", "server_tool_use")
        else future_deltas | text.map(text_delta) | text.map(thinking_delta)
    )
    for _ in range(draw(st.integers(0, 2))):
        deltas.insert(draw(st.integers(0, len(deltas))), draw(extra))
    return start, deltas


@st.composite
def message_starts(draw: st.DrawFn) -> JsonDict:
    usage = with_optional(
        draw,
        {"input_tokens": draw(counts), "output_tokens": draw(st.integers(0, 10))},
        {
            "cache_creation_input_tokens": counts,
            "cache_read_input_tokens": counts,
            "cache_creation": st.builds(
                lambda a, b: {"ephemeral_5m_input_tokens": a, "ephemeral_1h_input_tokens": b},
                counts,
                counts,
            ),
            "server_tool_use": server_tool_usage,
            "service_tier": st.sampled_from(["standard", "priority"]),
        },
    )
    message: JsonDict = {
        "id": "msg_01Ex4mple",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-5-20250929",
        "content": [],
    }
    if draw(st.integers(0, 5)):  # normally sent as null; sometimes left out
        message["stop_reason"] = None
        message["stop_sequence"] = None
    message["usage"] = usage
    if draw(st.integers(0, 9)) == 0:
        message["future_field"] = draw(json_values)
    return {"type": "message_start", "message": message}


stop_details = st.builds(
    lambda category, explanation: {
        "type": "refusal",
        "category": category,
        "explanation": explanation,
    },
    st.none() | st.sampled_from(["cyber", "bio"]),
    st.none() | text,
)
containers = st.builds(
    lambda i: {"id": f"container_{i}", "expires_at": "2025-11-24T12:00:00Z"}, counts
)


@st.composite
def message_deltas(draw: st.DrawFn) -> JsonDict:
    """A ``message_delta`` leaving optional fields out, or sending ``null``, at random."""
    delta = with_optional(
        draw,
        {},
        {
            "stop_reason": st.sampled_from(["end_turn", "tool_use", "max_tokens", "refusal"]),
            "stop_sequence": text,
            "stop_details": stop_details,
            "container": containers,
        },
    )
    usage = with_optional(
        draw,
        {"output_tokens": draw(counts)},
        {
            "input_tokens": counts,
            "cache_creation_input_tokens": counts,
            "cache_read_input_tokens": counts,
            "server_tool_use": server_tool_usage,
            "output_tokens_details": st.builds(lambda n: {"thinking_tokens": n}, counts),
        },
    )
    return {"type": "message_delta", "delta": delta, "usage": usage}


noise: st.SearchStrategy[JsonDict] = st.one_of(
    st.just({"type": "ping"}),
    st.builds(lambda v: {"type": "future_event", "value": v}, json_values),
)
"""Events that must change nothing: keep-alives and event types from the future."""


@st.composite
def streams(draw: st.DrawFn, *, max_blocks: int = 4) -> list[Frame]:
    """A well-formed stream: start, blocks with their deltas, message deltas, stop, and noise."""
    compact = draw(st.booleans())
    ascii_only = draw(st.booleans())

    def frame(data: JsonDict) -> Frame:
        return str(data["type"]), render(data, compact=compact, ascii_only=ascii_only)

    frames = [frame(draw(message_starts()))]
    for index, (start, deltas) in enumerate(draw(st.lists(blocks(), max_size=max_blocks))):
        frames.append(
            frame({"type": "content_block_start", "index": index, "content_block": start})
        )
        frames.extend(
            frame({"type": "content_block_delta", "index": index, "delta": d}) for d in deltas
        )
        frames.append(frame({"type": "content_block_stop", "index": index}))
    frames.extend(frame(d) for d in draw(st.lists(message_deltas(), min_size=1, max_size=2)))
    frames.append(frame({"type": "message_stop"}))
    for _ in range(draw(st.integers(0, 4))):
        frames.insert(draw(st.integers(0, len(frames))), frame(draw(noise)))
    return frames
