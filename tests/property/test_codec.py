"""Properties of the forward-compatible codec, claude.pure.codec."""

from __future__ import annotations

from typing import TypeVar

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy
from returns.pipeline import is_successful
from returns.result import Failure, Result

from claude.pure import codec, wire
from claude.pure.codec import CodecError
from tests.property import strategies as gen

T = TypeVar("T")
many = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
each = settings(many, max_examples=15)

TOP: list[tuple[type[msgspec.Struct], SearchStrategy[gen.JsonDict]]] = [
    (wire.MessageRequest, gen.message_requests(newer=True)),
    (wire.Message, gen.messages(newer=True)),
    (wire.TokenCount, gen.token_counts),
]
"""The three types a body decodes to, with their "newer API" values."""
KNOWN = gen.by_type(with_server_tools=False)
"""Values without a single unknown field or type."""


def ok(result: Result[T, CodecError]) -> T:
    """The value of a result that must be a Success."""
    assert is_successful(result), result
    return result.unwrap()


def depth(n: int) -> bytes:
    """A JSON array nested ``n`` deep."""
    return b"[" * n + b"]" * n


@pytest.mark.parametrize(("type_", "values"), TOP, ids=lambda x: getattr(x, "__name__", ""))
@many
@given(data=st.data())
def test_a_newer_api_still_decodes_and_round_trips_exactly(
    type_: type[msgspec.Struct], values: SearchStrategy[gen.JsonDict], data: st.DataObject
) -> None:
    """Unknown fields at any depth, unknown block/citation/source/tool-choice/thinking types and
    unknown stop reasons still decode, and encode back to exactly the JSON that came in."""
    value = data.draw(gen.newer_api(values))
    typed = ok(codec.decode(msgspec.json.encode(value), type_))
    assert msgspec.to_builtins(typed) == value
    assert msgspec.json.decode(codec.encode(typed)) == value
    assert ok(codec.decode(codec.encode(typed), type_)) == typed


@pytest.mark.parametrize(("type_", "values"), TOP, ids=lambda x: getattr(x, "__name__", ""))
@many
@given(data=st.data())
def test_convert_of_plain_data_equals_decode_of_its_json(
    type_: type[msgspec.Struct], values: SearchStrategy[gen.JsonDict], data: st.DataObject
) -> None:
    """Converting dicts and lists gives the same value as decoding the same data as JSON bytes."""
    value = data.draw(gen.newer_api(values))
    assert ok(codec.convert(value, type_)) == ok(codec.decode(msgspec.json.encode(value), type_))


@pytest.mark.parametrize("type_", list(KNOWN), ids=lambda t: t.__name__)
@each
@given(data=st.data())
def test_fast_path_and_lenient_walker_agree_without_unknowns(
    type_: type[msgspec.Struct], data: st.DataObject
) -> None:
    """On inputs of known shape the native decode succeeds and the walker builds an equal value."""
    value = data.draw(KNOWN[type_])
    fast = msgspec.json.decode(msgspec.json.encode(value), type=type_)
    slow = ok(codec._walk_top(value, type_))
    assert type(slow) is type(fast)
    assert slow == fast
    assert msgspec.to_builtins(slow) == msgspec.to_builtins(fast) == value


@many
@given(gen.messages(newer=True), gen.json_objects, gen.json_objects)
def test_extra_fields_are_exactly_the_unknown_keys(
    message: gen.JsonDict, top: gen.JsonDict, usage: gen.JsonDict
) -> None:
    """``extra_fields`` of a value gives back the keys its type does not declare, with values."""
    top = {k: v for k, v in top.items() if k not in gen.KNOWN_FIELD_NAMES and gen.keepable(k)}
    usage = {k: v for k, v in usage.items() if k not in gen.KNOWN_FIELD_NAMES and gen.keepable(k)}
    base_usage = message["usage"]
    assert isinstance(base_usage, dict)
    value = {**message, **top, "usage": {**base_usage, **usage}}
    typed = ok(codec.convert(value, wire.Message))
    assert codec.extra_fields(typed) == top
    assert codec.extra_fields(typed.usage) == usage


@many
@given(gen.tool_use_blocks, st.text(min_size=1, max_size=6), st.sampled_from(gen.UNKEEPABLE))
def test_a_field_name_msgspec_cannot_declare_is_a_failure_not_a_crash(
    block: gen.JsonDict, name: str, bad: str
) -> None:
    """An unknown field whose name holds a quote, backslash or control character fails cleanly."""
    message = {"role": "assistant", "content": [{**block, name + bad: 1}]}
    result = codec.convert(message, wire.MessageParam)
    assert isinstance(result, Failure)
    assert result.failure().path == "content[0]"


@pytest.mark.parametrize("type_", [wire.MessageRequest, wire.Message, wire.TokenCount])
@many
@given(body=st.binary(max_size=64) | gen.garbage.map(msgspec.json.encode))
def test_decode_never_raises(type_: type[msgspec.Struct], body: bytes) -> None:
    """Arbitrary bytes or arbitrary JSON decode to a Success or a CodecError, never an exception."""
    result = codec.decode(body, type_)
    assert is_successful(result) or isinstance(result.failure(), CodecError)


@pytest.mark.parametrize("type_", [wire.MessageRequest, wire.Message])
@many
@given(
    body=st.dictionaries(
        st.sampled_from(sorted(gen.KNOWN_FIELD_NAMES)) | gen.texts, gen.garbage, max_size=8
    )
)
def test_decode_never_raises_on_objects_with_known_keys(
    type_: type[msgspec.Struct], body: gen.JsonDict
) -> None:
    """Objects with the right keys and garbage values decode to a Success or a CodecError."""
    result = codec.decode(msgspec.json.encode(body), type_)
    assert is_successful(result) or isinstance(result.failure(), CodecError)
    assert is_successful(codec.convert(body, type_)) == is_successful(result)


@given(st.integers(min_value=900, max_value=20_000))
@settings(max_examples=8, deadline=None)
def test_absurd_nesting_is_a_failure_not_a_crash(n: int) -> None:
    """JSON nested deeper than the interpreter can follow is a Failure, never a RecursionError."""
    body = (
        b'{"id":"m","type":"message","role":"assistant","model":"x","content":[],'
        b'"usage":{"input_tokens":1,"output_tokens":1},"x":' + depth(n) + b"}"
    )
    result = codec.decode(body, wire.Message)
    if is_successful(result):  # shallow enough for this interpreter: then it round-trips
        assert msgspec.json.decode(codec.encode(result.unwrap())) == msgspec.json.decode(body)
    else:
        assert result.failure() == CodecError(path="", problem="input nested too deeply")
    assert isinstance(codec.decode(depth(n), wire.Message), Failure)


@many
@given(gen.messages(), st.integers(min_value=1))
def test_invalid_json_is_a_failure_at_the_root(message: gen.JsonDict, cut: int) -> None:
    """Truncated JSON is a Failure with an empty path that says the bytes are not JSON."""
    body = msgspec.json.encode(message)
    result = codec.decode(body[: max(0, len(body) - cut)], wire.Message)
    assert isinstance(result, Failure)
    assert result.failure().path == ""
    assert result.failure().problem.startswith("not valid JSON")


@pytest.mark.parametrize(
    ("type_", "values"),
    [
        (wire.Message, gen.messages()),
        (wire.MessageRequest, gen.message_requests()),
        (wire.Usage, gen.usages),
    ],
    ids=lambda x: getattr(x, "__name__", ""),
)
@many
@given(data=st.data())
def test_a_wrong_json_type_is_a_failure_naming_its_path(
    type_: type[msgspec.Struct], values: SearchStrategy[gen.JsonDict], data: st.DataObject
) -> None:
    """A value of the wrong JSON kind anywhere the schema is typed fails, naming that exact path."""
    broken, path = data.draw(gen.wrong_type_at(values, type_))
    for result in (codec.decode(msgspec.json.encode(broken), type_), codec.convert(broken, type_)):
        assert isinstance(result, Failure)
        error = result.failure()
        assert error.path == path
        assert str(error) == f"{path}: {error.problem}"


@many
@given(gen.text_blocks(), gen.unknown_tags, st.integers(min_value=0, max_value=2))
def test_a_tag_outside_a_union_must_be_its_own(block: gen.JsonDict, tag: str, index: int) -> None:
    """A system block of another type fails at its ``type``; it is never silently re-tagged."""
    system = [{"type": "text", "text": "x"}] * index + [{**block, "type": tag}]
    request = {"model": "m", "max_tokens": 1, "messages": [], "system": system}
    result = codec.convert(request, wire.MessageRequest)
    assert isinstance(result, Failure)
    assert result.failure().path == f"system[{index}].type"


@many
@given(gen.text_blocks(), gen.json_scalars.filter(lambda v: not isinstance(v, str)) | st.just(...))
def test_a_union_member_needs_a_string_type(block: gen.JsonDict, tag: object) -> None:
    """A block whose ``type`` is missing or not a string fails at ``content[i].type``."""
    broken = {k: v for k, v in block.items() if k != "type"}
    if tag is not ...:
        broken["type"] = tag
    result = codec.convert({"role": "user", "content": [block, broken]}, wire.MessageParam)
    assert isinstance(result, Failure)
    assert result.failure().path == "content[1].type"


@many
@given(gen.message_requests(with_server_tools=False), st.data())
def test_typed_values_may_be_mixed_into_plain_data(
    request: gen.JsonDict, data: st.DataObject
) -> None:
    """Converting a dict that already holds some typed turns gives the same value as all-plain."""
    turns = request["messages"]
    assert isinstance(turns, list)
    typed_turns = [
        ok(codec.convert(t, wire.MessageParam)) if data.draw(st.booleans()) else t for t in turns
    ]
    mixed = ok(codec.convert({**request, "messages": typed_turns}, wire.MessageRequest))
    assert mixed == ok(codec.convert(request, wire.MessageRequest))


@settings(max_examples=10, deadline=None)
@given(st.integers(min_value=309, max_value=2_000), st.sampled_from(["temperature", "top_p"]))
def test_a_number_too_large_for_a_float_is_a_failure(digits: int, field: str) -> None:
    """An integer beyond the float range in a number field fails at that field, never overflows."""
    request = {"model": "m", "max_tokens": 1, "messages": [], field: 10**digits}
    for result in (
        codec.convert(request, wire.MessageRequest),
        codec.decode(msgspec.json.encode(request), wire.MessageRequest),
    ):
        assert isinstance(result, Failure)
        assert result.failure().path == field


# --- linear time, by counting ---------------------------------------------------------------


def with_unknowns(value: gen.JsonDict, n: int, *, nested: bool) -> bytes:
    """``value`` with ``n`` unknown keys, at the top or on an unknown-typed block inside."""
    extra = {f"newer_{i}": i for i in range(n)}
    if nested:
        value = {**value, "content": [{"type": "future_block", **extra}]}
    else:
        value = {**value, **extra}
    return msgspec.json.encode(value)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(gen.messages(), st.integers(1, 4000), st.booleans())
def test_many_unknown_fields_decode_in_linear_work(
    message: gen.JsonDict, n: int, nested: bool
) -> None:
    """A reply with n unknown fields (top level or on an unknown block) decodes, keeps them all,
    and costs at most a constant per field more than with one (msgspec's keyword matching, which
    scans the fields per keyword, is only ever given the schema's own fields)."""
    body = with_unknowns(message, n, nested=nested)
    decoded = ok(codec.decode(body, wire.Message))
    assert msgspec.to_builtins(decoded) == msgspec.json.decode(body)
    base = codec.decode_work(with_unknowns(message, 1, nested=nested), wire.Message)
    per_field = len(msgspec.structs.fields(wire.Message)) + 2  # a constant of the schema
    assert 0 <= codec.decode_work(body, wire.Message) - base <= per_field * n
