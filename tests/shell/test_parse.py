"""``parse`` and ``stream(output_type=)`` over real sockets against the bundled server."""

from __future__ import annotations

import warnings
from typing import Any

import anthropic
import anyio
import msgspec
import pydantic
import pytest
from returns.result import Result

from claude import OutputIncomplete, OutputMismatch, OutputRefused, Parsed
from claude.pure.errors import ApiError, ClaudeError, InvalidArgument
from claude.pure.events import StreamEvent
from claude.pure.request import unchecked
from claude.pure.schema import check_schema, schema_for
from claude.pure.wire import MessageParam, MessageRequest
from claude.shell.client import Client, MessageParams
from claude.testing import Fault, LocalServer
from tests.shell.conftest import HELLO, Mode


class Weather(msgspec.Struct):
    """The answer asked for."""

    city: str
    celsius: float


class WeatherModel(pydantic.BaseModel):
    """The Pydantic twin of Weather, for the SDK."""

    city: str
    celsius: float


def parse(
    client: Client, mode: Mode, request: MessageParams
) -> Result[Parsed[Weather], ClaudeError]:
    """``client.parse``, or ``client.aparse`` run on the given backend."""
    if mode == "sync":
        return client.parse(request, Weather)
    return anyio.run(client.aparse, request, Weather, backend=mode)


def reply(text: str, stop_reason: str, **extra: object) -> dict[str, object]:
    """A whole Message body for a Fault to serve."""
    return {
        "id": "msg_scripted",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-5",
        "content": [{"type": "text", "text": text}] if text else [],
        "stop_reason": stop_reason,
        "stop_sequence": None,
        "usage": {"input_tokens": 5, "output_tokens": 2},
        **extra,
    }


def test_parse_round_trip(server: LocalServer, client: Client, mode: Mode) -> None:
    """One request carrying output_config.format with the type's schema; the reply decodes into it."""
    parsed = parse(client, mode, HELLO).unwrap()
    assert parsed.value == Weather(city="city", celsius=1.5)
    assert parsed.message.text == '{"city":"city","celsius":1.5}'
    (recorded,) = server.requests
    assert isinstance(recorded.json, dict)
    assert recorded.json["output_config"] == {
        "format": {"type": "json_schema", "schema": schema_for(Weather).unwrap()}
    }
    assert {k: v for k, v in recorded.json.items() if k != "output_config"} == HELLO


def test_parse_keeps_other_output_config_keys_and_request_kinds(
    server: LocalServer, client: Client
) -> None:
    """effort stays beside the format; typed and unchecked requests are sent with the format too."""
    typed = MessageRequest(
        model="claude-sonnet-4-5",
        max_tokens=64,
        messages=[MessageParam(role="user", content="hi")],
    )
    for request in ({**HELLO, "output_config": {"effort": "low"}}, typed, unchecked(HELLO)):
        assert client.parse(request, Weather).unwrap().value.city == "city"
    configs = [r.json["output_config"] for r in server.requests if isinstance(r.json, dict)]
    assert configs[0]["effort"] == "low"
    assert all(c["format"]["type"] == "json_schema" for c in configs) and len(configs) == 3


def test_a_refusal_is_its_own_outcome(server: LocalServer, client: Client, mode: Mode) -> None:
    """stop_reason refusal gives OutputRefused with the explanation, not a decode error."""
    server.inject(Fault(body=reply("I can't help with that.", "refusal")))
    error = parse(client, mode, HELLO).failure()
    assert isinstance(error, OutputRefused)
    assert error.explanation == "I can't help with that."
    assert error.reply is not None and error.reply.stop_reason == "refusal"


def test_a_reply_cut_by_max_tokens_is_incomplete(client: Client, mode: Mode) -> None:
    """Too few tokens leave half the JSON: OutputIncomplete, with the reply kept."""
    error = parse(client, mode, {**HELLO, "max_tokens": 2}).failure()
    assert isinstance(error, OutputIncomplete) and error.stop_reason == "max_tokens"
    assert error.reply is not None and error.reply.text == '{"city":"city"'


def test_text_of_another_shape_is_a_mismatch_naming_the_field(
    server: LocalServer, client: Client
) -> None:
    """A reply whose JSON does not fit the type names the field path."""
    server.inject(Fault(body=reply('{"city": "Oslo", "celsius": "warm"}', "end_turn")))
    error = client.parse(HELLO, Weather).failure()
    assert isinstance(error, OutputMismatch) and error.path == "$.celsius"


def test_an_unsupported_type_fails_before_any_request(server: LocalServer, client: Client) -> None:
    """A type outside the structured-output subset is a Failure naming it; nothing is sent."""
    error = client.parse(HELLO, dict[str, int]).failure()
    assert isinstance(error, InvalidArgument)
    assert server.request_count == 0


@pytest.mark.parametrize(
    ("request_", "path"),
    [
        (42, "request"),
        ({**HELLO, "output_config": "low"}, "output_config"),
        ({**HELLO, "max_tokenz": 5}, "max_tokenz"),
    ],
)
def test_a_bad_request_is_a_failure_naming_the_field(
    server: LocalServer, client: Client, request_: Any, path: str
) -> None:
    """A request that is not a dict, or has a bad field, fails before anything is sent."""
    error = client.parse(request_, Weather).failure()
    assert isinstance(error, InvalidArgument) and error.path == path
    assert server.request_count == 0


def test_call_failures_pass_through(server: LocalServer, client: Client) -> None:
    """An API error is the parse's failure unchanged."""
    server.inject(Fault(status=529))
    error = client.parse(HELLO, Weather).failure()
    assert isinstance(error, ApiError) and not isinstance(error, OutputMismatch)


def test_the_server_refuses_a_schema_outside_the_subset(client: Client) -> None:
    """Like the API, the local server answers 400 for an object schema without additionalProperties."""
    loose = {"format": {"type": "json_schema", "schema": {"type": "object", "properties": {}}}}
    error = client.send({**HELLO, "output_config": loose}).failure()
    assert isinstance(error, ApiError) and error.status == 400
    assert "additionalProperties" in str(error)


def test_stream_with_output_type_gives_the_parsed_value_at_the_end(
    server: LocalServer, client: Client, mode: Mode
) -> None:
    """Events arrive as before; final_parsed() decodes the folded reply into the type."""
    if mode == "sync":
        with client.stream(HELLO, output_type=Weather) as events:
            seen: list[StreamEvent] = list(events)
            parsed = events.final_parsed()
    else:

        async def main() -> tuple[list[StreamEvent], Result[Parsed[Weather], ClaudeError]]:
            async with client.astream(HELLO, output_type=Weather) as events:
                got = [event async for event in events]
                return got, await events.final_parsed()

        seen, parsed = anyio.run(main, backend=mode)
    assert seen[0].type == "message_start" and seen[-1].type == "message_stop"
    assert parsed.unwrap().value == Weather(city="city", celsius=1.5)
    (recorded,) = server.requests
    assert isinstance(recorded.json, dict) and recorded.json["stream"] is True
    assert recorded.json["output_config"]["format"]["type"] == "json_schema"


def test_a_stream_with_an_unsupported_type_fails_without_a_request(
    server: LocalServer, client: Client
) -> None:
    """The stream ends with the schema's failure; final_parsed() says so; nothing is sent."""
    with client.stream(HELLO, output_type=dict[str, int]) as events:
        assert list(events) == []
        assert isinstance(events.final_parsed().failure(), InvalidArgument)
    assert server.request_count == 0


def test_module_level_parse_and_stream_use_the_given_client(client: Client) -> None:
    """``claude.shell.parse`` and ``claude.shell.stream(output_type=)`` on a given client."""
    from claude import shell

    assert shell.parse(HELLO, Weather, client=client).unwrap().value.celsius == 1.5
    with shell.stream(HELLO, client=client, output_type=Weather) as events:
        assert events.final_parsed().unwrap().value.city == "city"


@pytest.fixture
def sdk_body(server: LocalServer) -> dict[str, Any]:
    """The body the SDK's ``messages.parse`` sent to the local server (which accepted it)."""
    sdk = anthropic.Anthropic(api_key=server.api_key, base_url=server.base_url, max_retries=0)
    with sdk, warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        parsed = sdk.messages.parse(
            model="claude-sonnet-4-5",
            max_tokens=64,
            messages=[{"role": "user", "content": "hi"}],
            output_format=WeatherModel,
        )
    assert parsed.parsed_output == WeatherModel(city="city", celsius=1.5)
    body = server.requests[-1].json
    assert isinstance(body, dict)
    return body


def test_our_parse_body_has_the_sdks_shape(
    server: LocalServer, client: Client, sdk_body: dict[str, Any]
) -> None:
    """Against the same server, our parse body and the SDK's have the same keys and format shape,
    and both schemas pass the server's subset checker."""
    client.parse(HELLO, Weather).unwrap()
    ours = server.requests[-1].json
    assert isinstance(ours, dict)
    assert set(ours) == set(sdk_body)
    ours_format, theirs_format = (
        ours["output_config"]["format"],
        sdk_body["output_config"]["format"],
    )
    assert set(ours_format) == set(theirs_format) == {"type", "schema"}
    for schema in (ours_format["schema"], theirs_format["schema"]):
        assert check_schema(schema).unwrap() == schema
    assert set(ours_format["schema"]["properties"]) == set(theirs_format["schema"]["properties"])
