"""Type-level tests: content blocks and stream events narrow under mypy, with names from ``claude``.

A snippet is checked with mypy and the project config; each ``reveal_type`` must show the
narrowed type, and the snippet must have no error (a wrong attribute after narrowing would be
one).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from mypy import api

ROOT = Path(__file__).parents[2]

SNIPPET = """\
from claude import ContentBlock, Message, TextBlock, ThinkingBlock, ToolUseBlock, UnknownBlock
from claude.pure.events import ContentBlockDeltaEvent, StreamEvent, UnknownDelta, UnknownEvent


def handle(block: ContentBlock) -> None:
    match block:
        case ToolUseBlock(name=n, input=i):
            reveal_type(n)
            reveal_type(i)
            reveal_type(block)
        case TextBlock(text=t):
            reveal_type(t)
        case ThinkingBlock() as thinking:
            reveal_type(thinking.signature)
        case _:
            pass
    if isinstance(block, UnknownBlock):
        reveal_type(block.type)
    elif block.type == "tool_use":
        reveal_type(block)
        reveal_type(block.input)
    if isinstance(block, ToolUseBlock):
        reveal_type(block.id)


def events(event: StreamEvent) -> None:
    if not isinstance(event, UnknownEvent) and event.type == "content_block_delta":
        reveal_type(event)
        if not isinstance(event.delta, UnknownDelta) and event.delta.type == "text_delta":
            reveal_type(event.delta.text)


def reply(message: Message) -> None:
    for block in message.content:
        if not isinstance(block, UnknownBlock) and block.type == "text":
            reveal_type(block)
"""

EXPECTED = [
    ("n", "str"),
    ("i", "dict[str, object]"),
    ("block", "claude.pure.wire.ToolUseBlock"),
    ("t", "str"),
    ("thinking.signature", "str"),
    # A value of a type this library predates carries its real tag: any string.
    ("block.type", "str"),
    # Once that is ruled out, ``==`` on the Literal ``type`` narrows to the one known kind.
    ("block", "claude.pure.wire.ToolUseBlock"),
    ("block.input", "dict[str, object]"),
    ("block.id", "str"),
    ("event", "claude.pure.events.ContentBlockDeltaEvent"),
    ("event.delta.text", "str"),
    ("block", "claude.pure.wire.TextBlock"),
]
"""Each ``reveal_type`` of SNIPPET in order: its argument and the type mypy must reveal."""


@pytest.fixture(scope="module")
def revealed(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str]]:
    """Each revealed expression of SNIPPET and its type, in order, from one mypy run."""
    where = tmp_path_factory.mktemp("narrow")
    snippet = where / "snippet.py"
    snippet.write_text(SNIPPET)
    stdout, stderr, _ = api.run(
        [
            "--config-file",
            str(ROOT / "mypy.ini"),
            "--cache-dir",
            str(where / "cache"),
            "--no-error-summary",
            "--hide-error-context",
            str(snippet),
        ]
    )
    assert stderr == ""
    lines = SNIPPET.splitlines()
    found: list[tuple[str, str]] = []
    for line in stdout.splitlines():
        assert not re.match(r".*snippet\.py:\d+: error:", line), stdout
        match = re.match(r".*snippet\.py:(\d+): note: Revealed type is \"(.*)\"$", line)
        if match:
            source = lines[int(match.group(1)) - 1].strip()
            found.append((source.removeprefix("reveal_type(").removesuffix(")"), match.group(2)))
    return found


def test_blocks_and_events_narrow(revealed: list[tuple[str, str]]) -> None:
    """``match``/``isinstance`` narrow a block to its class with names imported from ``claude``,
    and ``x.type == "..."`` narrows to the one known class once the Unknown member is ruled out
    (its ``type`` is the real tag, any string, so it is no Literal)."""
    assert revealed == EXPECTED
