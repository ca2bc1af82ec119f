"""The local server's scripted replies for tool loops and structured output, seen on the wire."""

from __future__ import annotations

import doctest
import json
from collections.abc import Mapping
from typing import Any

import httpx2
import pytest

from claude.testing import LocalServer, scripted

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "city": {"type": "string"},
        "unit": {"enum": ["c", "f"]},
        "days": {"type": "integer", "minimum": 3},
        "place": {"$ref": "#/$defs/Place"},
        "tags": {"type": "array", "items": {"type": "string"}, "minItems": 2},
        "note": {"anyOf": [{"type": "null"}, {"type": "boolean"}]},
    },
    "required": ["city", "unit", "days", "place", "tags", "note"],
    "additionalProperties": False,
    "$defs": {
        "Place": {
            "type": "object",
            "properties": {"lat": {"type": "number"}},
            "required": ["lat"],
            "additionalProperties": False,
        }
    },
}


STRICT: dict[str, Any] = {
    **SCHEMA,
    "properties": {
        **SCHEMA["properties"],
        "days": {"type": "integer"},
        "tags": {"type": "array", "items": {"type": "string"}},
    },
}
"""SCHEMA inside the structured-output subset (no ``minimum``, ``minItems`` at most 1)."""


def post(server: LocalServer, **fields: object) -> httpx2.Response:
    """POST /v1/messages with ``fields`` over the default request."""
    body: dict[str, object] = {
        "model": "claude-sonnet-4-5",
        "max_tokens": 256,
        "messages": [{"role": "user", "content": "hi"}],
        **fields,
    }
    headers = {"x-api-key": server.api_key, "anthropic-version": "2023-06-01"}
    return httpx2.post(f"{server.base_url}/v1/messages", json=body, headers=headers)


def test_doctests() -> None:
    """The examples in the module's docstrings hold."""
    assert doctest.testmod(scripted).failed == 0


def test_example_values_fit_their_schema() -> None:
    """Refs followed, enums' first value, minimums and minItems respected, null branches skipped."""
    assert scripted.example(SCHEMA) == {
        "city": "city",
        "unit": "c",
        "days": 3,
        "place": {"lat": 1.5},
        "tags": ["tags", "tags"],
        "note": True,
    }


def test_optional_properties_are_left_out() -> None:
    """Only required properties are generated when the schema lists some."""
    schema = {"type": "object", "properties": {"a": {"type": "string"}, "b": {}}, "required": ["a"]}
    assert scripted.example(schema) == {"a": "a"}


def test_a_tool_call_input_is_generated_from_the_tool_schema(server: LocalServer) -> None:
    """A tool with properties gets input that fits them, not the plain query."""
    tools = [{"name": "forecast", "input_schema": SCHEMA}]
    body = post(server, tools=tools, tool_choice={"type": "any"}).json()
    (call,) = [b for b in body["content"] if b["type"] == "tool_use"]
    assert call["input"] == scripted.example(SCHEMA)
    assert body["stop_reason"] == "tool_use"


def test_use_all_tools_calls_every_tool_in_one_reply(server: LocalServer) -> None:
    """'use all tools' gives one tool_use per tool, in order, each with its own id."""
    tools = [{"name": n, "input_schema": {"type": "object"}} for n in ("a", "b", "c")]
    body = post(server, tools=tools, messages=[{"role": "user", "content": "use all tools"}]).json()
    calls = [b for b in body["content"] if b["type"] == "tool_use"]
    assert [c["name"] for c in calls] == ["a", "b", "c"]
    assert len({c["id"] for c in calls}) == 3


def conversation(*results: Mapping[str, object]) -> list[dict[str, object]]:
    """A conversation where tool ``a`` was called and answered with ``results``."""
    call = {"type": "tool_use", "id": "toolu_1", "name": "a", "input": {}}
    return [
        {"role": "user", "content": "use tool"},
        {"role": "assistant", "content": [call]},
        {"role": "user", "content": list(results)},
    ]


def test_tool_results_get_the_next_uncalled_tool_then_an_answer(server: LocalServer) -> None:
    """After a tool result the next tool not yet called is asked for; once all are, text."""
    result = {"type": "tool_result", "tool_use_id": "toolu_1", "content": "sunny"}
    both = [{"name": n, "input_schema": {"type": "object"}} for n in ("a", "b")]
    next_call = post(server, tools=both, messages=conversation(result)).json()
    assert [b["name"] for b in next_call["content"] if b["type"] == "tool_use"] == ["b"]
    answer = post(server, tools=both[:1], messages=conversation(result)).json()
    assert answer["content"] == [{"type": "text", "text": "Tool results: sunny"}]
    assert answer["stop_reason"] == "end_turn"


def test_an_error_result_is_mentioned_as_an_error(server: LocalServer) -> None:
    """An is_error result with text blocks shows as 'error: ...' in the answer."""
    failed = {
        "type": "tool_result",
        "tool_use_id": "toolu_1",
        "is_error": True,
        "content": [{"type": "text", "text": "boom"}],
    }
    tools = [{"name": "a", "input_schema": {}}]
    answer = post(server, tools=tools, messages=conversation(failed)).json()
    assert answer["content"][0]["text"] == "Tool results: error: boom"


def test_json_output_fits_the_schema_and_streams_the_same(server: LocalServer) -> None:
    """output_config json_schema gives JSON text of the schema; the stream's text is the same."""
    config = {"format": {"type": "json_schema", "schema": STRICT}}
    body = post(server, output_config=config).json()
    assert json.loads(body["content"][0]["text"]) == scripted.example(STRICT)
    streamed = post(server, output_config=config, stream=True).text
    deltas = [
        json.loads(line[len("data: ") :])
        for line in streamed.splitlines()
        if line.startswith("data: ") and "text_delta" in line
    ]
    assert "".join(d["delta"]["text"] for d in deltas) == body["content"][0]["text"]


@pytest.mark.parametrize(
    ("fields", "where"),
    [
        (
            {"output_config": {"format": {"type": "json_schema", "schema": {"type": "object"}}}},
            "output_config.format.schema",
        ),
        (
            {"tools": [{"name": "t", "strict": True, "input_schema": {"type": "object"}}]},
            "tools.0.custom.input_schema",
        ),
    ],
)
def test_a_schema_outside_the_subset_is_a_400(
    server: LocalServer, fields: dict[str, object], where: str
) -> None:
    """Structured-output and strict tool schemas are checked; a loose one is invalid_request_error."""
    response = post(server, **fields)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error" and error["message"].startswith(where)


def test_a_non_strict_tool_schema_is_not_checked(server: LocalServer) -> None:
    """Plain tools may use any JSON schema, as the API allows."""
    tools = [{"name": "t", "input_schema": {"type": "object", "properties": {}}}]
    assert post(server, tools=tools).status_code == 200
