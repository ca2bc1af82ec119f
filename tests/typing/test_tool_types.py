"""Type-level tests of tools and structured output: ``@tool`` keeps the signature, no ``Any`` leaks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.typing import reveal

ROOT = Path(__file__).parents[2]

SNIPPET = """\
from typing import Literal
import msgspec
from claude.pure.structured import decode_output, decode_text
from claude.pure.tools import tool
from claude.pure.wire import Message

class Weather(msgspec.Struct):
    city: str

@tool
def get_weather(city: str, unit: Literal["c", "f"] = "c") -> str:
    return city

@tool(strict=True)
async def fetch(url: str, *, retries: int = 0) -> bytes:
    return b""

def reply() -> Message:
    raise NotImplementedError

reveal_type(get_weather)
reveal_type(get_weather("Oslo"))
reveal_type(fetch)
reveal_type(fetch.fn)
reveal_type(get_weather.definition)
reveal_type(decode_text("{}", Weather))
reveal_type(decode_output(reply(), Weather))
get_weather(3)
_ = fetch("u", retries="x")
"""

EXPECTED = {
    "get_weather": "FunctionTool[[city: str, unit: Literal['c'] | Literal['f'] =], str]",
    'get_weather("Oslo")': "str",
    "fetch": "FunctionTool[[url: str, *, retries: int =], typing.Coroutine[Any, Any, bytes]]",
    "fetch.fn": "def (url: str, *, retries: int =) -> typing.Coroutine[Any, Any, bytes]",
    "get_weather.definition": "Result[claude.pure.wire.Tool, claude.pure.errors.InvalidArgument]",
    'decode_text("{}", Weather)': "Result[snippet.Weather, claude.pure.structured.OutputMismatch]",
    "decode_output(reply(), Weather)": "Result[claude.pure.structured.Parsed[snippet.Weather], "
    "claude.pure.structured.OutputError]",
}
"""What each revealed expression must show (a part of its revealed type)."""


@pytest.fixture(scope="module")
def mypy_output(tmp_path_factory: pytest.TempPathFactory) -> str:
    """mypy's report on SNIPPET, run once with the project config."""
    return reveal.check(SNIPPET, tmp_path_factory.mktemp("reveal_tools"))


def revealed(stdout: str) -> dict[str, str]:
    """Each revealed expression of SNIPPET and its type."""
    return reveal.revealed(SNIPPET, stdout, errors_allowed=True)


@pytest.mark.parametrize("expression", list(EXPECTED))
def test_tools_and_parsing_reveal_their_types(mypy_output: str, expression: str) -> None:
    """The decorated function keeps its parameters and return type; results are precisely typed."""
    shown = revealed(mypy_output)[expression]
    assert EXPECTED[expression] in shown, shown
    assert "Any" not in shown.replace("Coroutine[Any, Any, ", "Coroutine["), shown


def test_calling_a_tool_with_wrong_arguments_is_a_type_error(mypy_output: str) -> None:
    """mypy rejects a call of a decorated function with arguments its signature does not take."""
    lines = SNIPPET.splitlines()
    errors = {
        lines[int(m.group(1)) - 1] for m in re.finditer(r"snippet\.py:(\d+): error:", mypy_output)
    }
    assert errors == {"get_weather(3)", '_ = fetch("u", retries="x")'}, mypy_output
