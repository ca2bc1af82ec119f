"""The content helpers end to end against claude.testing: a tool round trip, files, prompt caching."""

from __future__ import annotations

import base64
from pathlib import Path

from claude import content, cost
from claude.pure.wire import Message, ToolUseBlock
from claude.shell import stream
from claude.shell.client import Client
from claude.testing import LocalServer
from tests.property.media_strategies import png
from tests.shell.conftest import Mode, sender

MODEL = "claude-sonnet-4-5"
RULES = "You are a careful assistant. " * 40  # a long system prompt, worth caching


def ask(*turns: object, **extra: object) -> dict[str, object]:
    """A request with ``turns`` as its messages."""
    return {"model": MODEL, "max_tokens": 256, "messages": list(turns), **extra}


def test_a_tool_round_trip_is_built_only_with_the_helpers(
    server: LocalServer, client: Client, mode: Mode
) -> None:
    """content.tool defines the tool, tool_results answers the reply's tool_use, follow_up sends it."""
    send = sender(mode)
    lookup = content.tool(
        "lookup", "Look a thing up", properties={"query": {"type": "string"}}, required=["query"]
    ).unwrap()
    first = ask(content.user("use tool lookup for the weather").unwrap(), tools=[lookup])
    reply = send(client, first).unwrap()
    assert reply.stop_reason == "tool_use"
    call = next(b for b in reply.content if isinstance(b, ToolUseBlock))
    assert call.name == "lookup"
    answer = content.tool_results(reply, {call.id: "18 C, clear"})
    second = content.follow_up(first, reply, answer).unwrap()
    final = send(client, second).unwrap()
    assert final.stop_reason == "end_turn"
    sent = server.requests[-1].json
    assert isinstance(sent, dict)
    assert sent["messages"][-1]["content"] == [
        {"type": "tool_result", "tool_use_id": call.id, "content": "18 C, clear"}
    ]
    assert sent["messages"][-2]["content"][-1]["id"] == call.id


def test_an_image_and_a_pdf_from_files_are_sent(
    server: LocalServer, client: Client, tmp_path: Path, mode: Mode
) -> None:
    """image_file and pdf_file read real PNG and PDF bytes, and the server receives them intact."""
    picture, paper = tmp_path / "chart.png", tmp_path / "paper.pdf"
    picture.write_bytes(png(4, 3))
    paper.write_bytes(b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
    turn = content.user(
        "What is in these?", content.image_file(picture), content.pdf_file(paper, title="Paper")
    ).unwrap()
    reply = sender(mode)(client, ask(turn)).unwrap()
    assert reply.stop_reason == "end_turn"
    sent = server.requests[-1].json
    assert isinstance(sent, dict)
    blocks = sent["messages"][0]["content"]
    assert [b["type"] for b in blocks] == ["text", "image", "document"]
    assert blocks[1]["source"]["media_type"] == "image/png"
    assert base64.b64decode(blocks[1]["source"]["data"]) == picture.read_bytes()
    assert blocks[2]["source"]["media_type"] == "application/pdf"
    assert base64.b64decode(blocks[2]["source"]["data"]) == paper.read_bytes()
    assert blocks[2]["title"] == "Paper"


def counts(reply: Message) -> cost.Tokens:
    """The reply's usage as plain ints (``cost.tokens``)."""
    return cost.tokens(reply.usage).unwrap()


def test_a_cached_system_prompt_is_read_from_the_cache_on_the_second_call(
    client: Client, mode: Mode
) -> None:
    """The first call writes the system prompt to the cache; the same prefix next time reads it."""
    send = sender(mode)
    request = content.with_cache(
        ask({"role": "user", "content": "hi"}, system=RULES), system=True
    ).unwrap()
    first = counts(send(client, request).unwrap())
    assert first.cache_write_5m > 0
    assert (first.cache_write_1h, first.cache_read) == (0, 0)
    again = ask({"role": "user", "content": "and again"}, system=request["system"])
    reply = send(client, again).unwrap()
    second = counts(reply)
    assert second.cache_read == first.cache_write_5m
    assert second.cache_write == 0
    assert 0 < second.input < first.prompt
    assert cost.of(reply.usage, model=MODEL).unwrap().savings > 0


def test_a_different_prefix_or_another_server_misses_the_cache(client: Client) -> None:
    """Another system prompt writes a new entry, and a fresh server has an empty cache."""
    request = content.with_cache(
        ask({"role": "user", "content": "hi"}, system=RULES), system=True
    ).unwrap()
    assert counts(client.send(request).unwrap()).cache_write > 0
    other = content.with_cache(
        ask({"role": "user", "content": "hi"}, system=RULES + "Be brief."), system=True
    ).unwrap()
    assert counts(client.send(other).unwrap()).cache_read == 0
    with LocalServer() as fresh, Client(api_key=fresh.api_key, base_url=fresh.base_url) as there:
        assert counts(there.send(request).unwrap()).cache_read == 0


def test_a_1h_and_a_5m_breakpoint_split_the_writes_and_a_stream_reads_them(
    client: Client,
) -> None:
    """Writes count under the ttl of the breakpoint that ends them; a stream reports the reads."""
    lookup = content.tool("lookup", "Look a thing up. " * 30, properties={"q": {"type": "string"}})
    request = (
        content.with_cache(
            ask({"role": "user", "content": "hi"}, system=RULES, tools=[lookup.unwrap()]),
            tools=True,
            ttl="1h",
        )
        .bind(lambda r: content.with_cache(r, system=True, ttl="5m"))
        .unwrap()
    )
    written = counts(client.send(request).unwrap())
    assert written.cache_write_1h > 0
    assert written.cache_write_5m > 0
    assert written.cache_read == 0
    with stream(request, client=client) as events:
        for _ in events:
            pass
    streamed = counts(events.final_message().unwrap())
    assert streamed.cache_read == written.cache_write
    assert streamed.cache_write == 0
