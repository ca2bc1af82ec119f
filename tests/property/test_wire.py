"""Properties of the wire types, claude.pure.wire: every type's encoding is its wire JSON."""

from __future__ import annotations

import typing
from typing import TypeVar

import msgspec
import pytest
from anthropic import types as sdk
from anthropic.types import beta as sdk_beta
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy
from returns.pipeline import is_successful

from claude.pure import codec, wire
from tests.property import strategies as gen

# The first decode of each type compiles its decoder: no per-example deadline.
many = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
each = settings(many, max_examples=15)

T = TypeVar("T")
TYPES = gen.by_type()
Union = tuple[type[wire.Unknown], type[msgspec.Struct], str, SearchStrategy[gen.JsonDict]]
UNIONS: list[Union] = [
    # (fallback member, a Struct holding the union, the field, a valid holder to put it in)
    (wire.UnknownBlock, wire.MessageParam, "content", gen.message_params()),
    (wire.UnknownCitation, wire.TextBlock, "citations", gen.text_blocks()),
    (wire.UnknownSource, wire.ImageBlock, "source", gen.image_blocks()),
    (wire.UnknownSource, wire.DocumentBlock, "source", gen.document_blocks()),
    (wire.UnknownToolChoice, wire.MessageRequest, "tool_choice", gen.message_requests()),
    (wire.UnknownThinkingConfig, wire.MessageRequest, "thinking", gen.message_requests()),
]


def decoded(data: gen.JsonDict, type_: type[T]) -> T:
    """``data`` sent as JSON bytes and decoded as ``type_`` (which must succeed)."""
    result = codec.decode(msgspec.json.encode(data), type_)
    assert is_successful(result), result
    return result.unwrap()


def test_every_wire_struct_has_a_strategy() -> None:
    """The shared strategies cover every concrete wire Struct, so a new type cannot go untested."""
    concrete = {
        cls
        for cls in vars(wire).values()
        if isinstance(cls, type)
        and issubclass(cls, msgspec.Struct)
        and cls.__module__ == wire.__name__
        and cls not in (wire.Wire, wire.Tagged)
        and not cls.__name__.startswith("_")
        and not issubclass(cls, wire.Unknown)
    }
    assert concrete == set(TYPES)


@pytest.mark.parametrize("type_", list(TYPES), ids=lambda t: t.__name__)
@each
@given(data=st.data())
def test_every_wire_type_round_trips_exactly(
    type_: type[msgspec.Struct], data: st.DataObject
) -> None:
    """JSON of each wire type decodes to that type, encodes back to the same JSON, and decoding
    that encoding gives an equal value."""
    value = data.draw(TYPES[type_])
    typed = decoded(value, type_)
    assert isinstance(typed, type_)
    assert msgspec.to_builtins(typed) == value
    assert msgspec.json.decode(codec.encode(typed)) == value
    assert codec.decode(codec.encode(typed), type_).unwrap() == typed


@many
@given(gen.text_blocks(), st.data())
def test_absent_stays_absent_and_null_stays_null(block: gen.JsonDict, data: st.DataObject) -> None:
    """An optional field left out is UNSET and omitted; an explicit null is None and sent as null."""
    field = data.draw(st.sampled_from(["citations", "cache_control"]))
    typed = decoded({k: v for k, v in block.items() if k != field}, wire.TextBlock)
    assert getattr(typed, field) is wire.UNSET
    assert field not in msgspec.to_builtins(typed)
    typed = decoded({**block, field: None}, wire.TextBlock)
    assert getattr(typed, field) is None
    assert msgspec.to_builtins(typed)[field] is None


@many
@given(gen.content_blocks(newer=True))
def test_a_blocks_type_reads_back_its_wire_tag(block: gen.JsonDict) -> None:
    """``block.type`` is the JSON ``type``, for known blocks and for blocks of unknown types."""
    content = decoded({"role": "user", "content": [block]}, wire.MessageParam).content
    assert isinstance(content, list)
    assert content[0].type == block["type"]


@pytest.mark.parametrize("case", UNIONS, ids=lambda c: f"{c[1].__name__}.{c[2]}")
@each
@given(unknown=gen.unknown_objects(), data=st.data())
def test_unknown_types_become_the_unions_unknown_member(
    case: Union, unknown: gen.JsonDict, data: st.DataObject
) -> None:
    """A value of an unknown ``type`` is the union's Unknown member with that tag and its fields."""
    fallback, holder_type, field, holder = case
    in_list = field in ("content", "citations")
    value = {**data.draw(holder), field: [unknown] if in_list else unknown}
    typed = decoded(value, holder_type)
    got = getattr(typed, field)
    member = got[0] if in_list else got
    assert isinstance(member, fallback)
    assert member.type == unknown["type"]
    assert member.fields == {k: v for k, v in unknown.items() if k != "type"}
    assert msgspec.to_builtins(typed) == value


@many
@given(gen.messages(newer=True))
def test_message_text_joins_the_text_blocks_in_order(message: gen.JsonDict) -> None:
    """``Message.text`` is the text of every text block, in order, and nothing else."""
    blocks = message["content"]
    assert isinstance(blocks, list)
    expected = "".join(b["text"] for b in blocks if b["type"] == "text")
    assert decoded(message, wire.Message).text == expected


@many
@given(gen.newer_api(gen.messages(newer=True)))
def test_response_metadata_is_absent_without_headers_and_never_encoded(
    message: gen.JsonDict,
) -> None:
    """A Message decoded from bytes alone has no request id or rate limits, and they never encode."""
    typed = decoded(message, wire.Message)
    assert (typed.request_id, typed.rate_limits) == (None, None)
    msgspec.structs.force_setattr(typed, "_request_id", "req_1")
    assert typed.request_id == "req_1"
    assert msgspec.to_builtins(typed) == message


@many
@given(gen.messages(newer=True))
def test_stop_reasons_are_strings_known_or_not(message: gen.JsonDict) -> None:
    """Any stop_reason string, of today's set or a newer one, is kept as the same string."""
    assert decoded(message, wire.Message).stop_reason == message.get("stop_reason", wire.UNSET)


def test_known_stop_reasons_are_the_sdks() -> None:
    """The stop reasons the library names are exactly those of the SDK's StopReason and
    BetaStopReason (``compaction`` included)."""
    sdk_reasons = {*typing.get_args(sdk.StopReason), *typing.get_args(sdk_beta.BetaStopReason)}
    assert "compaction" in sdk_reasons
    assert set(wire.STOP_REASONS) == sdk_reasons


@many
@given(st.text(max_size=20), gen.nullable(gen.texts))
def test_values_built_in_python_encode_to_wire_json(text: str, title: object) -> None:
    """Keyword-built values encode with their tag and without the fields left unset."""
    assert msgspec.to_builtins(wire.TextBlock(text=text)) == {"type": "text", "text": text}
    assert isinstance(title, str | None)
    doc = wire.DocumentBlock(source=wire.UrlSource(url=text), title=title)
    assert msgspec.to_builtins(doc) == {
        "type": "document",
        "source": {"type": "url", "url": text},
        "title": title,
    }


@pytest.mark.parametrize("type_", list(TYPES), ids=lambda t: t.__name__)
def test_wire_values_are_immutable(type_: type[msgspec.Struct]) -> None:
    """Every wire Struct is frozen: a decoded value cannot be changed behind the caller's back."""
    assert type_.__struct_config__.frozen
