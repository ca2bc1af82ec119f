"""Properties of claude.pure.structured: round trips, typed outcomes, and the SDK's request shape."""

from __future__ import annotations

import doctest
import json
import warnings
from collections.abc import Iterator
from typing import Any

import anthropic
import httpx2
import msgspec
import pydantic
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from returns.pipeline import is_successful

from claude.pure import structured as structured_module
from claude.pure.errors import InvalidArgument
from claude.pure.schema import SchemaUnsupported
from claude.pure.structured import (
    OutputIncomplete,
    OutputMismatch,
    OutputRefused,
    Parsed,
    decode_output,
    decode_text,
    output_config,
    strict_tool,
    with_output_type,
)
from claude.pure.wire import (
    Message,
    MessageParam,
    MessageRequest,
    OutputConfig,
    TextBlock,
    ToolUseBlock,
    Usage,
)
from tests.property import schema_strategies as gen

many = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_doctests() -> None:
    """The module's examples run as written."""
    assert doctest.testmod(structured_module).failed == 0


typed_values = (
    gen.specs()
    .flatmap(lambda spec: st.tuples(st.just(gen.python_type(spec)), st.just(spec)))
    .flatmap(lambda pair: st.tuples(st.just(pair[0]), gen.values(pair[1], pair[0])))
)


@many
@given(typed_values)
def test_decode_of_encode_is_the_value(pair: tuple[Any, Any]) -> None:
    """For generated types and values, decoding the encoded value gives the value back."""
    type_, value = pair
    assert decode_text(msgspec.json.encode(value), type_).unwrap() == value


@many
@given(typed_values)
def test_a_reply_of_the_encoded_value_parses_into_it(pair: tuple[Any, Any]) -> None:
    """A reply whose text is the value's JSON parses into Parsed(message, value)."""
    type_, value = pair
    message = reply(msgspec.json.encode(value).decode())
    parsed = decode_output(message, type_).unwrap()
    assert parsed == Parsed(message=message, value=value)


class Weather(msgspec.Struct):
    """The issue's example type."""

    city: str
    celsius: float


class Forecast(msgspec.Struct):
    """A nested type, for paths."""

    days: list[Weather]


def reply(text: str | None, stop_reason: str = "end_turn") -> Message:
    """A reply with one text block (or none) and the given stop reason."""
    content: list[Any] = [] if text is None else [TextBlock(text=text)]
    return Message(
        id="msg_1",
        model="m",
        content=content,
        stop_reason=stop_reason,
        usage=Usage(input_tokens=1, output_tokens=1),
    )


def test_a_mismatch_names_the_field_path() -> None:
    """A wrong type deep in the reply names its path, e.g. ``$.days[1].celsius``."""
    text = '{"days": [{"city": "Oslo", "celsius": 1}, {"city": "Rome", "celsius": "hot"}]}'
    error = decode_output(reply(text), Forecast).failure()
    assert isinstance(error, OutputMismatch)
    assert error.path == "$.days[1].celsius"
    assert "float" in error.problem
    assert error.reply == reply(text)
    assert "$.days[1].celsius" in str(error)


def test_a_missing_field_names_its_parent_path() -> None:
    """A missing required field says which object lacks it."""
    error = decode_text('{"days": [{"city": "Oslo"}]}', Forecast).failure()
    assert error.path == "$.days[0]"
    assert "celsius" in error.problem


def test_text_that_is_not_json_is_a_mismatch_at_the_root() -> None:
    """Prose instead of JSON is a mismatch at ``$`` saying it is not JSON."""
    error = decode_output(reply("Sure! Here it is."), Weather).failure()
    assert isinstance(error, OutputMismatch)
    assert error.path == "$"
    assert "not JSON" in error.problem


def test_a_refusal_is_its_own_outcome() -> None:
    """A refusal is OutputRefused carrying the model's explanation, not a decode error."""
    message = reply("I can't help with that.", stop_reason="refusal")
    error = decode_output(message, Weather).failure()
    assert isinstance(error, OutputRefused)
    assert not isinstance(error, OutputMismatch)
    assert error.explanation == "I can't help with that."
    assert error.reply == message


@pytest.mark.parametrize("stop", ["max_tokens", "model_context_window_exceeded"])
def test_a_cut_off_reply_is_incomplete_not_a_mismatch(stop: str) -> None:
    """A reply stopped by max_tokens (or the context window) is OutputIncomplete with the reason."""
    error = decode_output(reply('{"city": "Os', stop_reason=stop), Weather).failure()
    assert isinstance(error, OutputIncomplete)
    assert error.stop_reason == stop
    assert ("raise max_tokens" in str(error)) == (stop == "max_tokens")


def test_a_reply_without_text_is_a_mismatch_saying_so() -> None:
    """A reply holding only a tool call has nothing to decode, and says its stop reason."""
    message = Message(
        id="m",
        model="m",
        content=[ToolUseBlock(id="t", name="x", input={})],
        stop_reason="tool_use",
        usage=Usage(input_tokens=1, output_tokens=1),
    )
    error = decode_output(message, Weather).failure()
    assert isinstance(error, OutputMismatch)
    assert "no text" in error.problem
    assert "tool_use" in error.problem


@many
@given(st.binary(max_size=40) | st.text(max_size=40).map(str.encode))
def test_decoding_is_total(data: bytes) -> None:
    """Any bytes decode to a Weather or an OutputMismatch, never an exception."""
    result = decode_text(data, Weather)
    assert is_successful(result) or isinstance(result.failure(), OutputMismatch)


def test_a_type_msgspec_cannot_decode_is_a_mismatch_not_a_crash() -> None:
    """Asking to decode into a union msgspec cannot tell apart gives a failure."""
    ambiguous: Any = Weather | Forecast  # two untagged Structs: msgspec refuses the union
    assert "cannot decode" in decode_text("{}", ambiguous).failure().problem


REQUEST = MessageRequest(
    model="claude-haiku-4-5",
    max_tokens=64,
    messages=[MessageParam(role="user", content="Weather in Oslo?")],
)


def test_with_output_type_sets_only_output_config_format() -> None:
    """The request gains output_config.format and keeps every other field and config key."""
    base = msgspec.structs.replace(REQUEST, output_config=OutputConfig(effort="low"))
    made = with_output_type(base, Weather).unwrap()
    config = made.output_config
    assert isinstance(config, OutputConfig)
    assert config.effort == "low"
    assert isinstance(config.format, dict)
    assert config.format["type"] == "json_schema"
    schema = config.format["schema"]
    assert isinstance(schema, dict)
    assert schema["required"] == ["city", "celsius"]
    assert msgspec.structs.replace(made, output_config=OutputConfig(effort="low")) == base


def test_output_config_replaces_an_earlier_format() -> None:
    """As the SDK's parse does, an existing format is replaced by the type's."""
    config: Any = output_config(Weather, base={"format": {"type": "json_schema", "schema": {}}})
    assert config.unwrap()["format"]["schema"]["title"] == "Weather"


def test_output_config_needs_an_object_base() -> None:
    """A non-object output_config is an InvalidArgument naming the field."""
    error = output_config(Weather, base="low").failure()
    assert isinstance(error, InvalidArgument)
    assert error.path == "output_config"


def test_an_unsupported_type_fails_the_request_before_anything_is_sent() -> None:
    """A type outside the subset makes with_output_type fail with SchemaUnsupported."""
    error = with_output_type(REQUEST, dict[str, int]).failure()
    assert isinstance(error, SchemaUnsupported)


def test_strict_tools_carry_strict_true_and_an_object_schema() -> None:
    """A strict tool from a type has strict: true and the type's schema as input_schema."""
    tool = strict_tool(Weather, name="report", description="Report the weather.").unwrap()
    assert tool.strict is True
    assert isinstance(tool.input_schema, dict)
    assert tool.input_schema["additionalProperties"] is False
    assert msgspec.to_builtins(tool)["name"] == "report"
    assert isinstance(strict_tool(int, name="n").failure(), SchemaUnsupported)


class WeatherModel(pydantic.BaseModel):
    """The Pydantic twin of Weather, for the SDK."""

    city: str
    celsius: float


@pytest.fixture(scope="module")
def sdk_body() -> Iterator[dict[str, Any]]:
    """The JSON body the SDK's ``messages.parse`` sends for WeatherModel, captured, not sent."""
    bodies: list[bytes] = []

    def answer(request: httpx2.Request) -> httpx2.Response:
        bodies.append(request.content)
        text = json.dumps({"city": "Oslo", "celsius": 3.5})
        return httpx2.Response(200, json=msgspec.to_builtins(reply(text)))

    client = anthropic.Anthropic(
        api_key="sk-test",
        http_client=httpx2.Client(transport=httpx2.MockTransport(answer)),
        max_retries=0,
    )
    with client, warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        client.messages.parse(
            model=REQUEST.model,
            max_tokens=REQUEST.max_tokens,
            messages=[{"role": "user", "content": "Weather in Oslo?"}],
            output_format=WeatherModel,
        )
    yield json.loads(bodies[-1])


def test_our_request_body_has_the_sdks_shape_for_parse(sdk_body: dict[str, Any]) -> None:
    """Our body and the SDK's parse body agree on every key and on output_config's shape."""
    ours = msgspec.to_builtins(with_output_type(REQUEST, Weather).unwrap())
    assert set(ours) == set(sdk_body)
    theirs_format = sdk_body["output_config"]["format"]
    ours_format = ours["output_config"]["format"]
    assert set(ours["output_config"]) == set(sdk_body["output_config"]) == {"format"}
    assert set(ours_format) == set(theirs_format) == {"type", "schema"}
    assert ours_format["type"] == theirs_format["type"] == "json_schema"
    for key in ("type", "required", "additionalProperties"):
        assert ours_format["schema"][key] == theirs_format["schema"][key]
    assert set(ours_format["schema"]["properties"]) == set(theirs_format["schema"]["properties"])


def test_json_nested_past_msgspecs_limit_is_a_mismatch_not_a_crash() -> None:
    """Text nested deeper than the decoder can go is an ``OutputMismatch`` at ``$``."""
    got = decode_text("[" * 100_000 + "]" * 100_000, list[object])
    assert not is_successful(got)
    assert got.failure().path == "$"


def test_a_refusal_without_text_carries_the_apis_stop_details() -> None:
    """A refusal whose text is empty takes its explanation and category from ``stop_details``."""
    details = {"type": "refusal", "category": "cyber", "explanation": "Could enable malware."}
    message = msgspec.structs.replace(reply(None, stop_reason="refusal"), stop_details=details)
    refused = decode_output(message, Weather).failure()
    assert isinstance(refused, OutputRefused)
    assert (refused.explanation, refused.category) == ("Could enable malware.", "cyber")
    bare = decode_output(reply(None, stop_reason="refusal"), Weather).failure()
    assert isinstance(bare, OutputRefused)
    assert (bare.explanation, bare.category) == ("", None)
