"""claude.testing.LocalServer over real sockets, driven with http.client and raw sockets only.

The client library is not used here on purpose: these tests pin down the server the client's own
tests rely on, so they must not share its bugs.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import re
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from claude.testing import API_VERSIONS, DEFAULT_API_KEY, Fault, LocalServer, RecordedRequest

REPO_ROOT = Path(__file__).resolve().parents[2]
REQUEST_ID = re.compile(r"^req_[A-Za-z0-9]{24}$")
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
HELLO = {
    "model": "claude-sonnet-4-5",
    "max_tokens": 100,
    "messages": [{"role": "user", "content": "hi there"}],
}

Event = tuple[str, dict[str, Any]]  # decoded JSON: tests index into it freely


# -- helpers -------------------------------------------------------------------------------------


@pytest.fixture
def server() -> Iterator[LocalServer]:
    """A running server; after the test it must close cleanly and have logged no handler errors."""
    with LocalServer() as running:
        yield running
    assert running.open_connections == 0
    assert running.errors == []


@contextlib.contextmanager
def connect(server: LocalServer, timeout: float = 10.0) -> Iterator[http.client.HTTPConnection]:
    """A keep-alive HTTP/1.1 connection to the server, closed afterwards."""
    conn = http.client.HTTPConnection(server.host, server.port, timeout=timeout)
    try:
        yield conn
    finally:
        conn.close()


def auth(server: LocalServer, version: str = "2023-06-01") -> dict[str, str]:
    return {
        "x-api-key": server.api_key,
        "anthropic-version": version,
        "content-type": "application/json",
    }


def call(
    conn: http.client.HTTPConnection,
    method: str,
    path: str,
    body: object = None,
    headers: Mapping[str, str] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    """One request on `conn`; the response is read completely so the connection can be reused."""
    payload = None if body is None else body if isinstance(body, bytes) else json.dumps(body)
    conn.request(method, path, body=payload, headers=dict(headers or {}))
    with conn.getresponse() as response:
        data = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data


def request(
    server: LocalServer,
    method: str,
    path: str,
    body: object = None,
    headers: Mapping[str, str] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    """One request on a fresh connection."""
    with connect(server) as conn:
        return call(conn, method, path, body, headers)


def post_message(
    server: LocalServer, body: Mapping[str, object], version: str = "2023-06-01"
) -> tuple[int, dict[str, str], bytes]:
    return request(server, "POST", "/v1/messages", dict(body), auth(server, version))


def message(server: LocalServer, **fields: object) -> dict[str, Any]:
    """A successful non-streaming reply to HELLO updated with `fields`, decoded."""
    status, _, data = post_message(server, {**HELLO, **fields})
    assert status == 200, data
    decoded: dict[str, Any] = json.loads(data)
    return decoded


def parse_sse(data: bytes) -> list[Event]:
    """(event name, decoded data) pairs; the server frames events as `event:` + one `data:` line."""
    events: list[Event] = []
    for block in data.decode().split("\n\n"):
        if not block:
            continue
        name_line, data_line = block.split("\n")
        assert name_line.startswith("event: ") and data_line.startswith("data: "), block
        events.append((name_line[7:], json.loads(data_line[6:])))
    return events


def stream(server: LocalServer, **fields: object) -> tuple[dict[str, str], list[Event]]:
    """A complete streaming reply to HELLO updated with `fields`: headers and events."""
    status, headers, data = post_message(server, {**HELLO, "stream": True, **fields})
    assert status == 200, data
    return headers, parse_sse(data)


def error_of(data: bytes) -> dict[str, Any]:
    """The `error` object of an API error body, checking the envelope on the way."""
    body = json.loads(data)
    assert body["type"] == "error"
    assert REQUEST_ID.match(body["request_id"])
    error: dict[str, Any] = body["error"]
    assert isinstance(error["message"], str)
    return error


def text_of(events: list[Event]) -> str:
    return "".join(
        str(delta["text"])
        for name, data in events
        if name == "content_block_delta"
        and isinstance(delta := data["delta"], dict)
        and delta["type"] == "text_delta"
    )


def raw_exchange(server: LocalServer, payload: bytes, *, shut_write: bool = False) -> bytes:
    """Send raw bytes on a new socket and read until the server closes it."""
    with socket.create_connection((server.host, server.port), timeout=10) as sock:
        sock.sendall(payload)
        if shut_write:
            sock.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
        return b"".join(chunks)


# -- normal replies ------------------------------------------------------------------------------


def test_message_reply_has_the_api_shape(server: LocalServer) -> None:
    """A valid request gets a Message echoing the model, a request-id and rate-limit headers."""
    status, headers, data = post_message(server, HELLO)
    assert status == 200
    assert headers["content-type"] == "application/json"
    assert int(headers["content-length"]) == len(data)
    assert REQUEST_ID.match(headers["request-id"])
    for family in ("requests", "tokens", "input-tokens", "output-tokens"):
        assert int(headers[f"anthropic-ratelimit-{family}-limit"]) > 0
        assert int(headers[f"anthropic-ratelimit-{family}-remaining"]) >= 0
        assert RFC3339.match(headers[f"anthropic-ratelimit-{family}-reset"])
    body = json.loads(data)
    assert re.match(r"^msg_[A-Za-z0-9]{24}$", body["id"])
    assert body["type"] == "message"
    assert body["role"] == "assistant"
    assert body["model"] == "claude-sonnet-4-5"
    assert body["content"] == [{"type": "text", "text": "Hello! You said: hi there"}]
    assert body["stop_reason"] == "end_turn"
    assert body["stop_sequence"] is None
    usage = body["usage"]
    assert usage["input_tokens"] >= 1
    assert usage["output_tokens"] == 5
    assert usage["cache_creation_input_tokens"] == 0
    assert usage["cache_read_input_tokens"] == 0
    assert usage["service_tier"] == "standard"


def test_reply_echoes_the_text_blocks_of_the_last_user_message(server: LocalServer) -> None:
    """The reply repeats the last user turn, joining its text blocks and skipping other blocks."""
    body = message(
        server,
        messages=[
            {"role": "user", "content": "first"},
            {"role": "assistant", "content": "ok"},
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "second "},
                    {"type": "image", "source": {"type": "url", "url": "http://x"}},
                    {"type": "text", "text": "part"},
                ],
            },
        ],
    )
    assert body["content"] == [{"type": "text", "text": "Hello! You said: second part"}]


def test_stop_sequence_cuts_the_text(server: LocalServer) -> None:
    """The text stops before the earliest stop sequence, which is reported."""
    body = message(server, stop_sequences=["there", "said"])
    assert body["content"] == [{"type": "text", "text": "Hello! You "}]
    assert body["stop_reason"] == "stop_sequence"
    assert body["stop_sequence"] == "said"


def test_max_tokens_truncates_by_words(server: LocalServer) -> None:
    """With one token per word, max_tokens=2 keeps two words and reports max_tokens."""
    body = message(server, max_tokens=2)
    assert body["content"] == [{"type": "text", "text": "Hello! You"}]
    assert body["stop_reason"] == "max_tokens"
    assert body["usage"]["output_tokens"] == 2


@pytest.mark.parametrize(
    ("tool_choice", "text", "name"),
    [
        ({"type": "any"}, "hi", "search"),
        ({"type": "tool", "name": "lookup"}, "hi", "lookup"),
        (None, "use tool please", "search"),
    ],
)
def test_tool_use_reply(server: LocalServer, tool_choice: object, text: str, name: str) -> None:
    """A forced tool choice (or a "use tool" prompt) gives text then a tool_use block."""
    tools = [
        {"name": "search", "input_schema": {"type": "object"}},
        {"name": "lookup", "input_schema": {}},
    ]
    fields: dict[str, object] = {"tools": tools, "messages": [{"role": "user", "content": text}]}
    if tool_choice is not None:
        fields["tool_choice"] = tool_choice
    body = message(server, **fields)
    content = body["content"]
    assert isinstance(content, list)
    assert content[0]["type"] == "text"
    assert content[1]["type"] == "tool_use"
    assert re.match(r"^toolu_[A-Za-z0-9]{24}$", content[1]["id"])
    assert content[1]["name"] == name
    assert content[1]["input"] == {"query": text}
    assert body["stop_reason"] == "tool_use"


def test_tool_choice_none_wins_over_a_use_tool_prompt(server: LocalServer) -> None:
    """tool_choice none keeps the reply text-only even when the prompt asks for a tool."""
    body = message(
        server,
        tools=[{"name": "search", "input_schema": {}}],
        tool_choice={"type": "none"},
        messages=[{"role": "user", "content": "use tool now"}],
    )
    assert body["stop_reason"] == "end_turn"
    assert body["content"] == [{"type": "text", "text": "Hello! You said: use tool now"}]


def test_thinking_block_comes_first(server: LocalServer) -> None:
    """Enabled thinking prepends a thinking block with a base64 signature."""
    body = message(server, max_tokens=2000, thinking={"type": "enabled", "budget_tokens": 1024})
    content = body["content"]
    assert isinstance(content, list)
    assert content[0]["type"] == "thinking"
    assert content[0]["thinking"]
    assert re.match(r"^[A-Za-z0-9+/]+=*$", content[0]["signature"])
    assert content[1] == {"type": "text", "text": "Hello! You said: hi there"}


# -- streaming -----------------------------------------------------------------------------------


def test_stream_follows_the_api_event_sequence(server: LocalServer) -> None:
    """A stream is chunked SSE: start, one ping after the first block start, deltas, delta, stop."""
    headers, events = stream(server)
    assert headers["content-type"] == "text/event-stream; charset=utf-8"
    assert headers["transfer-encoding"] == "chunked"
    assert REQUEST_ID.match(headers["request-id"])
    names = [name for name, _ in events]
    assert names[:3] == ["message_start", "content_block_start", "ping"]
    assert names[-4:] == [
        "content_block_delta",
        "content_block_stop",
        "message_delta",
        "message_stop",
    ]
    assert names.count("content_block_delta") >= 2
    start = events[0][1]["message"]
    assert isinstance(start, dict)
    assert start["content"] == [] and start["stop_reason"] is None
    assert start["usage"]["output_tokens"] == 1
    assert text_of(events) == "Hello! You said: hi there"
    for name, data in events:
        assert data["type"] == name
    assert events[-2][1]["delta"] == {"stop_reason": "end_turn", "stop_sequence": None}
    assert events[-2][1]["usage"] == {"output_tokens": 5}


def test_stream_of_tool_use_splits_the_input_json(server: LocalServer) -> None:
    """Tool input streams as input_json_delta parts, the first empty, joining to the input JSON."""
    _, events = stream(
        server, tools=[{"name": "search", "input_schema": {}}], tool_choice={"type": "any"}
    )
    starts = [data for name, data in events if name == "content_block_start"]
    tool_block = starts[1]["content_block"]
    assert isinstance(tool_block, dict)
    assert tool_block["type"] == "tool_use" and tool_block["input"] == {}
    parts = [
        str(data["delta"]["partial_json"])
        for name, data in events
        if name == "content_block_delta" and data["index"] == 1
    ]
    assert parts[0] == "" and len(parts) > 2
    assert json.loads("".join(parts)) == {"query": "hi there"}
    assert events[-2][1]["delta"] == {"stop_reason": "tool_use", "stop_sequence": None}


def test_stream_of_thinking_ends_the_block_with_one_signature(server: LocalServer) -> None:
    """Thinking streams thinking_deltas, then exactly one signature_delta right before its stop."""
    _, events = stream(server, max_tokens=2000, thinking={"type": "enabled", "budget_tokens": 1024})
    block = [(name, data) for name, data in events if data.get("index") == 0]
    kinds = [data["delta"]["type"] for name, data in block if name == "content_block_delta"]
    assert kinds[-1] == "signature_delta" and kinds.count("signature_delta") == 1
    assert set(kinds[:-1]) == {"thinking_delta"}
    assert block[-1][0] == "content_block_stop"


# -- auth, version, routing, validation ----------------------------------------------------------


def test_bearer_token_is_accepted(server: LocalServer) -> None:
    """`Authorization: Bearer <key>` authenticates like x-api-key."""
    headers = {"authorization": f"Bearer {server.api_key}", "anthropic-version": "2026-10-21"}
    status, _, _ = request(server, "POST", "/v1/messages", HELLO, headers)
    assert status == 200


@pytest.mark.parametrize(
    "credentials",
    [
        {},
        {"x-api-key": "sk-wrong"},
        {"authorization": "Bearer sk-wrong"},
        {"authorization": "Basic xyz"},
    ],
)
def test_missing_or_wrong_key_is_401(server: LocalServer, credentials: dict[str, str]) -> None:
    """Without the right key every API route answers 401 authentication_error."""
    status, _, data = request(
        server, "POST", "/v1/messages", HELLO, {"anthropic-version": "2023-06-01", **credentials}
    )
    assert status == 401
    error = error_of(data)
    assert error["type"] == "authentication_error"
    assert "x-api-key" in str(error["message"])


@pytest.mark.parametrize("version", [None, "2020-01-01"])
def test_missing_or_unknown_version_is_400(server: LocalServer, version: str | None) -> None:
    """The anthropic-version header is required and must be a supported version."""
    headers = {"x-api-key": server.api_key}
    if version is not None:
        headers["anthropic-version"] = version
    status, _, data = request(server, "GET", "/v1/models", headers=headers)
    assert status == 400
    error = error_of(data)
    assert error["type"] == "invalid_request_error"
    assert "anthropic-version" in str(error["message"])


def test_both_api_versions_are_accepted(server: LocalServer) -> None:
    """Every advertised version is accepted."""
    for version in API_VERSIONS:
        assert post_message(server, HELLO, version)[0] == 200


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"{not json", "parsing the body"),
        (b"[1, 2]", "JSON object"),
        ({"max_tokens": 5, "messages": HELLO["messages"]}, "model: Field required"),
        ({**HELLO, "model": ""}, "model: String should have at least 1 character"),
        ({"model": "m", "messages": HELLO["messages"]}, "max_tokens: Field required"),
        ({**HELLO, "max_tokens": -1}, "max_tokens: Input should be greater than or equal to 0"),
        ({**HELLO, "max_tokens": True}, "max_tokens: Input should be a valid integer"),
        ({**HELLO, "messages": []}, "messages: at least one message is required"),
        ({**HELLO, "messages": [{"role": "tool", "content": "x"}]}, "messages.0.role"),
        (
            {**HELLO, "messages": [{"role": "user", "content": [{"text": "x"}]}]},
            "messages.0.content.0.type",
        ),
        ({**HELLO, "foo": 1}, "foo: Extra inputs are not permitted"),
        ({**HELLO, "stream": "yes"}, "stream: Input should be a valid boolean"),
    ],
)
def test_invalid_bodies_are_400(server: LocalServer, body: object, expected: str) -> None:
    """Malformed bodies get 400 invalid_request_error naming the field like the API does."""
    status, _, data = request(server, "POST", "/v1/messages", body, auth(server))
    assert status == 400
    error = error_of(data)
    assert error["type"] == "invalid_request_error"
    assert expected in str(error["message"])


def test_sampling_parameters_are_refused_under_the_2026_version(server: LocalServer) -> None:
    """temperature works under 2023-06-01 and is a 400 naming it under 2026-10-21."""
    assert post_message(server, {**HELLO, "temperature": 0.5}, "2023-06-01")[0] == 200
    status, _, data = post_message(server, {**HELLO, "top_k": 5}, "2026-10-21")
    assert status == 400
    assert "top_k" in str(error_of(data)["message"])


def test_unknown_path_is_404_and_wrong_method_is_405(server: LocalServer) -> None:
    """Unknown paths are not_found_error; a known path with the wrong method is 405 with Allow."""
    status, _, data = request(server, "GET", "/v1/nothing", headers=auth(server))
    assert status == 404
    assert error_of(data)["type"] == "not_found_error"
    status, headers, data = request(server, "GET", "/v1/messages", headers=auth(server))
    assert status == 405
    assert headers["allow"] == "POST"
    assert error_of(data)["type"] == "invalid_request_error"


@pytest.mark.parametrize("method", ["HEAD", "OPTIONS"])
def test_health_probes_get_an_empty_200_without_auth(server: LocalServer, method: str) -> None:
    """HEAD and OPTIONS on any path answer 200 with no body and need no credentials."""
    status, headers, data = request(server, method, "/anything/at/all")
    assert status == 200
    assert data == b""
    assert REQUEST_ID.match(headers["request-id"])


# -- other endpoints -----------------------------------------------------------------------------


def test_count_tokens_matches_the_message_usage(server: LocalServer) -> None:
    """count_tokens returns the same input_tokens the message usage reports for that prompt."""
    prompt = {
        "model": "m",
        "system": "be brief " * 20,
        "messages": [{"role": "user", "content": "x" * 400}],
    }
    status, _, data = request(server, "POST", "/v1/messages/count_tokens", prompt, auth(server))
    assert status == 200
    counted = json.loads(data)
    assert set(counted) == {"input_tokens"}
    usage = message(server, **prompt)["usage"]
    assert isinstance(usage, dict)
    assert counted["input_tokens"] == usage["input_tokens"] > 100


def test_count_tokens_rejects_max_tokens(server: LocalServer) -> None:
    """count_tokens takes no max_tokens, like the API."""
    status, _, data = request(server, "POST", "/v1/messages/count_tokens", HELLO, auth(server))
    assert status == 400
    assert "max_tokens: Extra inputs are not permitted" in str(error_of(data)["message"])


def test_models_list_pages_newest_first(server: LocalServer) -> None:
    """GET /v1/models pages with limit and after_id, and has_more says when to stop."""
    status, _, data = request(server, "GET", "/v1/models?limit=2", headers=auth(server))
    assert status == 200
    first = json.loads(data)
    assert [m["type"] for m in first["data"]] == ["model", "model"]
    assert first["has_more"] is True
    assert first["first_id"] == first["data"][0]["id"] == "claude-opus-4-5-20251101"
    seen = [m["id"] for m in first["data"]]
    cursor = first["last_id"]
    while True:
        _, _, data = request(
            server, "GET", f"/v1/models?limit=2&after_id={cursor}", headers=auth(server)
        )
        page = json.loads(data)
        seen += [m["id"] for m in page["data"]]
        cursor = page["last_id"]
        if not page["has_more"]:
            break
    _, _, data = request(server, "GET", "/v1/models?limit=1000", headers=auth(server))
    assert seen == [m["id"] for m in json.loads(data)["data"]]
    assert "claude-haiku-4-5-20251001" in seen


def test_model_lookup_resolves_aliases_and_404s_unknown_ids(server: LocalServer) -> None:
    """GET /v1/models/{id} accepts snapshot ids and aliases; unknown ids are not_found_error."""
    status, _, data = request(server, "GET", "/v1/models/claude-sonnet-4-5", headers=auth(server))
    assert status == 200
    info = json.loads(data)
    assert info["id"] == "claude-sonnet-4-5-20250929"
    assert info["display_name"] == "Claude Sonnet 4.5"
    assert RFC3339.match(info["created_at"])
    status, _, data = request(server, "GET", "/v1/models/claude-nope", headers=auth(server))
    assert status == 404
    assert error_of(data)["type"] == "not_found_error"


# -- whole-response faults -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (400, "invalid_request_error"),
        (401, "authentication_error"),
        (402, "billing_error"),
        (403, "permission_error"),
        (404, "not_found_error"),
        (409, "conflict_error"),
        (413, "request_too_large"),
        (418, "invalid_request_error"),
        (429, "rate_limit_error"),
        (500, "api_error"),
        (503, "api_error"),
        (504, "timeout_error"),
        (529, "overloaded_error"),
    ],
)
def test_status_fault_uses_the_api_error_shape(server: LocalServer, status: int, kind: str) -> None:
    """A status fault without a body answers with the error type the API pairs with that status."""
    server.inject(Fault(status=status))
    got, headers, data = post_message(server, HELLO)
    assert got == status
    error = json.loads(data)
    assert error["error"]["type"] == kind
    assert error["request_id"] == headers["request-id"]


def test_fault_headers_are_added_and_override(server: LocalServer) -> None:
    """Fault headers are added to the response and replace same-named defaults."""
    server.inject(
        Fault(
            status=429,
            headers={"Retry-After": "0.05", "anthropic-ratelimit-requests-remaining": "0"},
        )
    )
    status, headers, _ = post_message(server, HELLO)
    assert status == 429
    assert headers["retry-after"] == "0.05"
    assert headers["anthropic-ratelimit-requests-remaining"] == "0"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"\x00\xffnot json", b"\x00\xffnot json"),
        ("plain text", b"plain text"),
        ({"type": "message", "surprise": [1, 2]}, b'{"type":"message","surprise":[1,2]}'),
    ],
)
def test_body_fault_is_served_verbatim(
    server: LocalServer, body: bytes | str | dict[str, object], expected: bytes
) -> None:
    """A body fault (status 200 by default) is sent exactly, whatever it contains."""
    server.inject(Fault(body=body))
    status, headers, data = post_message(server, HELLO)
    assert status == 200
    assert data == expected
    assert headers["content-length"] == str(len(expected))


def test_fault_can_declare_a_longer_body_than_it_sends(server: LocalServer) -> None:
    """A content-length fault header larger than the body simulates a truncated response."""
    server.inject(Fault(body=b'{"type":', headers={"content-length": "100"}))
    with connect(server) as conn:
        conn.request("POST", "/v1/messages", json.dumps(HELLO), auth(server))
        with conn.getresponse() as response, pytest.raises(http.client.IncompleteRead) as caught:
            response.read()
    assert caught.value.partial == b'{"type":'


def test_success_status_fault_keeps_the_normal_reply(server: LocalServer) -> None:
    """A 2xx status without a body only changes the status of the normal reply."""
    server.inject(Fault(status=201))
    status, _, data = post_message(server, HELLO)
    assert status == 201
    assert json.loads(data)["type"] == "message"


def test_faults_are_consumed_in_order(server: LocalServer) -> None:
    """Queued faults apply FIFO, each to `times` requests, then the server behaves normally."""
    server.inject(Fault(status=529), times=2)
    server.inject(Fault(status=500))
    assert server.pending_faults == 3
    with connect(server) as conn:
        statuses = [call(conn, "POST", "/v1/messages", HELLO, auth(server))[0] for _ in range(4)]
    assert statuses == [529, 529, 500, 200]
    assert server.pending_faults == 0


def test_delay_fault_trips_a_short_read_timeout(server: LocalServer) -> None:
    """A delay longer than the client's read timeout makes the client time out."""
    server.inject(Fault(delay=30.0))
    with connect(server, timeout=0.05) as conn:
        conn.request("POST", "/v1/messages", json.dumps(HELLO), auth(server))
        with pytest.raises(TimeoutError):
            conn.getresponse()


def test_short_delay_fault_still_answers(server: LocalServer) -> None:
    """After a delay the normal reply follows."""
    server.inject(Fault(delay=0.01))
    assert post_message(server, HELLO)[0] == 200


def test_close_fault_drops_the_connection_without_answering(server: LocalServer) -> None:
    """A close fault reads the request, records it, and closes the socket without a response."""
    server.inject(Fault(close=True))
    with connect(server) as conn:
        conn.request("POST", "/v1/messages", json.dumps(HELLO), auth(server))
        with pytest.raises(http.client.RemoteDisconnected):
            conn.getresponse()
    assert server.request_count == 1
    assert post_message(server, HELLO)[0] == 200


# -- streaming faults ----------------------------------------------------------------------------


def test_error_after_ends_the_stream_with_an_error_event(server: LocalServer) -> None:
    """error_after=N sends N events, then an error event with the request id; no message_stop."""
    server.inject(Fault(error_after=4, error_type="api_error"))
    headers, events = stream(server)
    assert len(events) == 5
    name, data = events[-1]
    assert name == "error"
    assert data["error"] == {"type": "api_error", "message": "Internal server error"}
    assert data["request_id"] == headers["request-id"]
    assert "message_stop" not in [name for name, _ in events]


def test_error_after_leaves_the_connection_reusable(server: LocalServer) -> None:
    """The error event ends the chunked body cleanly, so keep-alive goes on."""
    server.inject(Fault(error_after=1))
    with connect(server) as conn:
        status, _, data = call(
            conn, "POST", "/v1/messages", {**HELLO, "stream": True}, auth(server)
        )
        assert status == 200 and parse_sse(data)[-1][0] == "error"
        assert call(conn, "POST", "/v1/messages", HELLO, auth(server))[0] == 200
    assert server.connections_opened == 1


def test_cut_after_closes_mid_body(server: LocalServer) -> None:
    """cut_after=N delivers N whole events, then the connection ends before the body does."""
    server.inject(Fault(cut_after=3))
    with connect(server) as conn:
        conn.request("POST", "/v1/messages", json.dumps({**HELLO, "stream": True}), auth(server))
        with conn.getresponse() as response:
            assert response.status == 200
            with pytest.raises(http.client.IncompleteRead) as caught:
                response.read()
    names = [name for name, _ in parse_sse(caught.value.partial)]
    assert names == ["message_start", "content_block_start", "ping"]


def test_stall_with_pings_then_continues(server: LocalServer) -> None:
    """During a stall only pings arrive; afterwards the stream completes normally."""
    _, normal = stream(server)
    server.inject(Fault(stall_after=3, stall_for=0.2, ping_every=0.01))
    _, stalled = stream(server)
    assert [n for n, _ in stalled if n != "ping"] == [n for n, _ in normal if n != "ping"]
    assert text_of(stalled) == text_of(normal)
    assert stalled[-1][0] == "message_stop"


def test_silent_stall_trips_a_read_timeout(server: LocalServer) -> None:
    """A stall without pings starves a client whose read timeout is shorter than the stall."""
    server.inject(Fault(stall_after=1, stall_for=30.0))
    with connect(server, timeout=0.05) as conn:
        conn.request("POST", "/v1/messages", json.dumps({**HELLO, "stream": True}), auth(server))
        with conn.getresponse() as response, pytest.raises(TimeoutError):
            response.read()


TRANSCRIPT = (
    b"event: message_start\r\n"
    b'data: {"type":"message_start","message":{"id":"msg_x","content":[]}}\r\n\r\n'
    b": a comment\r\n"
    b'event: mystery\r\ndata: {"type":"mystery"}\r\n\r\n'
    b'event: message_stop\r\ndata: {"type":"message_stop"}\r\n\r\n'
)


def test_transcript_fault_is_served_verbatim(server: LocalServer) -> None:
    """A transcript fault is the exact SSE body, with status 200 and an event-stream type."""
    server.inject(Fault(transcript=TRANSCRIPT))
    status, headers, data = request(
        server, "POST", "/v1/messages", {**HELLO, "stream": True}, auth(server)
    )
    assert status == 200
    assert headers["content-type"].startswith("text/event-stream")
    assert data == TRANSCRIPT


def test_event_faults_count_transcript_events(server: LocalServer) -> None:
    """cut_after counts a transcript's blank-line-separated events."""
    server.inject(Fault(transcript=TRANSCRIPT, cut_after=1))
    with connect(server) as conn:
        conn.request("POST", "/v1/messages", json.dumps({**HELLO, "stream": True}), auth(server))
        with conn.getresponse() as response, pytest.raises(http.client.IncompleteRead) as caught:
            response.read()
    assert caught.value.partial == TRANSCRIPT.split(b"\r\n\r\n")[0] + b"\r\n\r\n"


def test_chunk_size_fault_writes_small_chunks(server: LocalServer) -> None:
    """chunk_size=N frames the SSE body as N-byte chunks (the last may be shorter)."""
    server.inject(Fault(chunk_size=7))
    body = json.dumps({**HELLO, "stream": True}).encode()
    head = (
        f"POST /v1/messages HTTP/1.1\r\nhost: x\r\nx-api-key: {server.api_key}\r\n"
        f"anthropic-version: 2023-06-01\r\ncontent-length: {len(body)}\r\nconnection: close\r\n\r\n"
    ).encode()
    raw = raw_exchange(server, head + body)
    _, _, chunked = raw.partition(b"\r\n\r\n")
    sizes, payload = [], b""
    while True:
        size_line, _, chunked = chunked.partition(b"\r\n")
        size = int(size_line, 16)
        if size == 0:
            break
        payload += chunked[:size]
        sizes.append(size)
        chunked = chunked[size + 2 :]
    assert set(sizes[:-1]) == {7} and 1 <= sizes[-1] <= 7
    assert text_of(parse_sse(payload)) == "Hello! You said: hi there"


def test_text_events_fault_sets_the_number_of_text_deltas(server: LocalServer) -> None:
    """text_events=N makes the text arrive in exactly N text_delta events."""
    server.inject(Fault(text_events=1000))
    _, events = stream(server)
    deltas = [data for name, data in events if name == "content_block_delta"]
    assert len(deltas) == 1000
    assert events[-2][1]["usage"] == {"output_tokens": 1000}


def test_tool_json_parts_fault_sets_the_number_of_input_parts(server: LocalServer) -> None:
    """tool_json_parts=N gives a tool_use block whose input arrives in exactly N parts."""
    server.inject(Fault(tool_json_parts=500))
    _, events = stream(server)
    starts = [data["content_block"] for name, data in events if name == "content_block_start"]
    index = next(
        i
        for i, block in enumerate(starts)
        if isinstance(block, dict) and block["type"] == "tool_use"
    )
    parts = [
        str(data["delta"]["partial_json"])
        for name, data in events
        if name == "content_block_delta" and data["index"] == index
    ]
    assert len(parts) == 500 and parts[0] == ""
    assert json.loads("".join(parts))["query"] == "hi there"


def test_fault_values_are_checked() -> None:
    """Nonsense fault values are a test bug and raise ValueError at construction."""
    for bad in (
        {"delay": -1.0},
        {"cut_after": -1},
        {"chunk_size": 0},
        {"status": 99},
        {"ping_every": 0.0},
    ):
        with pytest.raises(ValueError, match="Fault"):
            Fault(**bad)


# -- connections, log, lifecycle -----------------------------------------------------------------


def test_keep_alive_serves_many_requests_on_one_connection(server: LocalServer) -> None:
    """Two requests (one streamed) on one HTTP/1.1 connection open exactly one TCP connection."""
    with connect(server) as conn:
        assert call(conn, "POST", "/v1/messages", HELLO, auth(server))[0] == 200
        assert call(conn, "POST", "/v1/messages", {**HELLO, "stream": True}, auth(server))[0] == 200
        assert call(conn, "GET", "/v1/models", headers=auth(server))[0] == 200
    assert server.connections_opened == 1
    assert server.request_count == 3


def test_request_log_records_what_arrived(server: LocalServer) -> None:
    """The log keeps method, raw path, lower-cased headers, body and parsed JSON, in order."""
    request(
        server, "GET", "/v1/models?limit=1", headers={"X-Api-Key": "k", "Anthropic-Version": "v"}
    )
    post_message(server, HELLO)
    first, second = server.requests
    assert isinstance(first, RecordedRequest)
    assert (first.method, first.path, first.body, first.json) == (
        "GET",
        "/v1/models?limit=1",
        b"",
        None,
    )
    assert first.headers["x-api-key"] == "k" and first.headers["anthropic-version"] == "v"
    assert second.method == "POST" and second.path == "/v1/messages"
    assert second.json == HELLO and json.loads(second.body) == HELLO
    assert second.received_at >= first.received_at
    snapshot = server.requests
    snapshot.clear()
    assert server.request_count == 2


def test_clear_drops_faults_and_the_log(server: LocalServer) -> None:
    """clear() forgets queued faults and recorded requests."""
    server.inject(Fault(status=500), times=3)
    post_message(server, HELLO)
    server.clear()
    assert server.request_count == 0 and server.pending_faults == 0
    assert post_message(server, HELLO)[0] == 200


def test_chunked_request_bodies_are_read(server: LocalServer) -> None:
    """A request body sent with Transfer-Encoding: chunked is decoded like a sized one."""
    with connect(server) as conn:
        chunks = iter(
            [
                b'{"model": "m", "max_tokens": 9, ',
                b'"messages": [{"role": "user", "content": "yo"}]}',
            ]
        )
        conn.request("POST", "/v1/messages", body=chunks, headers=auth(server), encode_chunked=True)
        with conn.getresponse() as response:
            assert response.status == 200
            assert json.loads(response.read())["content"][0]["text"] == "Hello! You said: yo"


def test_oversized_body_is_413_without_reading_it(server: LocalServer) -> None:
    """A declared body over the 32 MiB cap is refused with request_too_large, unread."""
    head = (
        f"POST /v1/messages HTTP/1.1\r\nhost: x\r\nx-api-key: {server.api_key}\r\n"
        "anthropic-version: 2023-06-01\r\ncontent-length: 999999999\r\n\r\n"
    ).encode()
    raw = raw_exchange(server, head)
    assert raw.startswith(b"HTTP/1.1 413 ")
    assert b'"type":"request_too_large"' in raw


@pytest.mark.parametrize(
    "garbage",
    [
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(range(256)),
        b"GET / HTTP/9.9\r\n\r\n",
        b"POST /v1/messages HTTP/1.1\r\ncontent-length: nope\r\n\r\n",
        b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\n\r\n",
        b"\r\n\r\n",
        b"POST /v1/messages HTTP/1.1\r\ncontent-length: 100\r\n\r\nshort",
    ],
)
def test_garbage_on_the_socket_does_not_hurt_the_server(
    server: LocalServer, garbage: bytes
) -> None:
    """Garbage, bad framing and half-closed sockets get an error or a close, and serving goes on."""
    raw = raw_exchange(server, garbage, shut_write=True)
    assert raw == b"" or re.match(rb"^HTTP/1\.1 [45]\d\d ", raw)
    assert post_message(server, HELLO)[0] == 200


def test_half_closed_client_still_gets_its_answer(server: LocalServer) -> None:
    """A client that shuts down its sending side after the request still receives the reply."""
    body = json.dumps(HELLO).encode()
    head = (
        f"POST /v1/messages HTTP/1.1\r\nhost: x\r\nx-api-key: {server.api_key}\r\n"
        f"anthropic-version: 2023-06-01\r\ncontent-length: {len(body)}\r\n\r\n"
    ).encode()
    raw = raw_exchange(server, head + body, shut_write=True)
    assert raw.startswith(b"HTTP/1.1 200 OK\r\n")
    assert raw.endswith(b'"service_tier":"standard"}}')


@pytest.mark.parametrize(("depth", "status"), [(900, 200), (5000, 400)])
def test_deeply_nested_bodies_are_answered(server: LocalServer, depth: int, status: int) -> None:
    """Deep JSON is either handled or refused as unparsable, never a server error."""
    deep = "[" * depth + "]" * depth
    block = '{"type": "text", "text": "x", "extra": ' + deep + "}"
    body = (
        '{"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": ['
        + block
        + "]}]}"
    )
    assert request(server, "POST", "/v1/messages", body.encode(), auth(server))[0] == status


def test_http_1_0_streams_end_with_the_connection(server: LocalServer) -> None:
    """An HTTP/1.0 client gets the SSE body unchunked, delimited by the connection closing."""
    body = json.dumps({**HELLO, "stream": True}).encode()
    head = (
        f"POST /v1/messages HTTP/1.0\r\nx-api-key: {server.api_key}\r\n"
        f"anthropic-version: 2023-06-01\r\ncontent-length: {len(body)}\r\n\r\n"
    ).encode()
    head_part, _, payload = raw_exchange(server, head + body).partition(b"\r\n\r\n")
    assert b"transfer-encoding" not in head_part.lower()
    assert b"connection: close" in head_part.lower()
    assert text_of(parse_sse(payload)) == "Hello! You said: hi there"


def test_client_disconnect_mid_stream_is_harmless(server: LocalServer) -> None:
    """A client leaving in the middle of a big stream costs the server only that stream."""
    server.inject(Fault(text_events=100_000))
    with connect(server) as conn:
        conn.request("POST", "/v1/messages", json.dumps({**HELLO, "stream": True}), auth(server))
        with conn.getresponse() as response:
            assert response.read(100).startswith(b"event: message_start")
    assert server.wait_until_idle()
    assert server.open_connections == 0
    assert post_message(server, HELLO)[0] == 200


def test_big_stream_arrives_whole(server: LocalServer) -> None:
    """A 100,000-event stream is delivered completely and in order."""
    server.inject(Fault(text_events=100_000))
    _, events = stream(server)
    assert len(events) == 100_006
    assert events[-1][0] == "message_stop"


def test_close_leaves_no_connections_or_threads() -> None:
    """close() ends idle keep-alive connections and in-flight stalls, and joins every thread."""
    before = set(threading.enumerate())
    server = LocalServer().start()
    with connect(server) as idle, connect(server) as stalled:
        assert call(idle, "GET", "/v1/models", headers=auth(server))[0] == 200
        server.inject(Fault(stall_after=2, stall_for=600.0))
        stalled.request("POST", "/v1/messages", json.dumps({**HELLO, "stream": True}), auth(server))
        with stalled.getresponse() as response:
            assert response.status == 200
            assert server.open_connections == 2
            server.close()
            with pytest.raises(http.client.IncompleteRead):
                response.read()
    assert server.open_connections == 0
    assert set(threading.enumerate()) == before
    assert server.errors == []
    server.close()  # idempotent


def test_server_is_usable_without_with_and_binds_the_given_host() -> None:
    """start()/close() work without a with block, and the base URL names host and resolved port."""
    server = LocalServer(api_key="sk-custom", host="127.0.0.1", port=0)
    assert server.open_connections == 0 and server.connections_opened == 0
    server.start()
    try:
        assert server.port > 0
        assert server.base_url == f"http://127.0.0.1:{server.port}"
        assert server.api_key == "sk-custom"
        status, _, _ = request(server, "POST", "/v1/messages", HELLO, {**auth(server)})
        assert status == 200
    finally:
        server.close()
    with pytest.raises(RuntimeError):
        server.start()
    assert LocalServer().api_key == DEFAULT_API_KEY


# -- python -m claude.testing --------------------------------------------------------------------


def test_module_entry_point_serves_until_interrupted() -> None:
    """`python -m claude.testing` prints the URL and key, serves, and exits 0 on Ctrl-C."""
    command = [sys.executable, "-m", "claude.testing", "--port", "0", "--api-key", "sk-cli"]
    with subprocess.Popen(
        command, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        assert process.stdout is not None
        try:
            url = process.stdout.readline().strip().removeprefix("ANTHROPIC_BASE_URL=")
            key = process.stdout.readline().strip()
            assert key == "ANTHROPIC_API_KEY=sk-cli"
            host, port = url.removeprefix("http://").split(":")
            conn = http.client.HTTPConnection(host, int(port), timeout=10)
            try:
                assert call(conn, "HEAD", "/")[0] == 200
            finally:
                conn.close()
            process.send_signal(signal.SIGINT)
            # The child takes the signal in sigwait, so it exits as soon as it runs; the bound only
            # turns a regression into a failure instead of a hung suite.
            assert process.wait(timeout=120) == 0
        finally:
            if process.poll() is None:
                process.kill()


def test_module_entry_point_reports_a_busy_port() -> None:
    """main() returns 2 with a message when the port cannot be bound."""
    from claude.testing.__main__ import main

    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        assert main(["--port", str(blocker.getsockname()[1])]) == 2
