"""Properties of the local server's scripted replies: the JSON it makes fits, and it is total."""

from __future__ import annotations

from typing import Any

import msgspec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claude.pure.schema import schema_for
from claude.pure.structured import decode_text
from claude.testing import replies, scripted
from tests.property import schema_strategies as gen

many = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=4),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=16,
)

_block = st.fixed_dictionaries(
    {"type": st.sampled_from(["text", "tool_use", "tool_result", "image"])},
    optional={
        "text": json_values,
        "name": st.sampled_from(["a", "b"]) | json_values,
        "content": json_values,
        "is_error": json_values,
        "tool_use_id": json_values,
    },
)
_message = st.fixed_dictionaries(
    {
        "role": st.sampled_from(["user", "assistant"]),
        "content": st.text(max_size=12) | st.lists(_block | json_values, max_size=3),
    }
)
bodies = st.fixed_dictionaries(
    {"model": st.just("m"), "max_tokens": st.integers(0, 40)},
    optional={
        "messages": st.lists(_message | json_values, max_size=4),
        "tools": st.lists(
            st.fixed_dictionaries(
                {"name": st.sampled_from(["a", "b"])},
                optional={"input_schema": json_values, "strict": st.booleans()},
            )
            | json_values,
            max_size=3,
        ),
        "tool_choice": json_values
        | st.fixed_dictionaries({"type": st.sampled_from(["auto", "any", "none", "tool"])}),
        "output_config": json_values
        | st.fixed_dictionaries(
            {
                "format": st.fixed_dictionaries(
                    {"type": st.just("json_schema"), "schema": json_values}
                )
            }
        ),
    },
)


@many
@given(gen.specs())
def test_the_json_answer_fits_the_schema_and_decodes_into_the_type(spec: gen.Spec) -> None:
    """For generated Structs, dataclasses and TypedDicts the scripted JSON decodes into the type."""
    type_ = gen.python_type(spec)
    schema: Any = schema_for(type_).unwrap()
    value = scripted.example(schema)
    assert gen.conforms(value, schema)
    assert decode_text(msgspec.json.encode(value), type_).unwrap() is not None


@many
@given(bodies)
def test_check_and_script_are_total(body: dict[str, Any]) -> None:
    """Any request body gets a 400 message or a reply; a rewritten reply keeps its id and model."""
    problem = scripted.check(body)
    assert problem is None or isinstance(problem, str)
    composed = replies.compose(body, message_id="msg_1", tool_use_id="toolu_1")
    made = scripted.script(body, composed, new_id=lambda: "toolu_2")
    assert made.id == composed.id and made.model == composed.model
    message = msgspec.json.decode(replies.encode_message(made))
    assert message["stop_reason"] in {"end_turn", "max_tokens", "stop_sequence", "tool_use"}
    if message["stop_reason"] == "tool_use":
        assert any(block["type"] == "tool_use" for block in message["content"])
