"""Type-level tests of the shell's parse, typed streams and tool loop: precise types, no ``Any``."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.typing import reveal

ROOT = Path(__file__).parents[2]

SNIPPET = """\
import msgspec
from claude import shell, tool

class Weather(msgspec.Struct):
    city: str

@tool
def get_weather(city: str) -> str:
    return city

client = shell.Client(api_key="sk-test")
request = {"model": "m", "max_tokens": 8, "messages": []}
typed = client.stream(request, output_type=Weather)
plain = client.stream(request)
reveal_type(client.parse(request, Weather))
reveal_type(shell.parse(request, Weather))
reveal_type(typed)
reveal_type(typed.final_parsed())
reveal_type(plain)
reveal_type(client.astream(request, output_type=Weather))
reveal_type(shell.stream(request, output_type=Weather))
reveal_type(client.run_tools(request, tools=[get_weather]))
reveal_type(shell.run_tools(request, tools=[get_weather]))
"""

PARSED = "returns.result.Result[claude.pure.structured.Parsed[snippet.Weather], claude.pure.errors.ClaudeError]"
RUN = "returns.result.Result[claude.shell.tool_runner.ToolRun, claude.pure.errors.ClaudeError]"
EXPECTED = {
    "client.parse(request, Weather)": PARSED,
    "shell.parse(request, Weather)": PARSED,
    "typed": "claude.shell.parsing.ParsedMessageStream[snippet.Weather]",
    "typed.final_parsed()": PARSED,
    "plain": "claude.shell.streaming.MessageStream",
    "client.astream(request, output_type=Weather)": (
        "claude.shell.parsing.AsyncParsedMessageStream[snippet.Weather]"
    ),
    "shell.stream(request, output_type=Weather)": (
        "claude.shell.parsing.ParsedMessageStream[snippet.Weather]"
    ),
    "client.run_tools(request, tools=[get_weather])": RUN,
    "shell.run_tools(request, tools=[get_weather])": RUN,
}
"""What each revealed expression must show."""


@pytest.fixture(scope="module")
def mypy_output(tmp_path_factory: pytest.TempPathFactory) -> str:
    """mypy's report on SNIPPET, run once with the project config."""
    return reveal.check(SNIPPET, tmp_path_factory.mktemp("reveal_shell_tools"))


def revealed(stdout: str) -> dict[str, str]:
    """Each revealed expression of SNIPPET and its type."""
    return reveal.revealed(SNIPPET, stdout, errors_allowed=True)


@pytest.mark.parametrize("expression", list(EXPECTED))
def test_parse_streams_and_tool_runs_reveal_their_types(mypy_output: str, expression: str) -> None:
    """Each call's result is typed by the output type asked for; nothing is Any."""
    shown = revealed(mypy_output)[expression]
    assert shown == EXPECTED[expression], shown
    assert "Any" not in shown, shown


def test_the_snippet_type_checks(mypy_output: str) -> None:
    """The calls as a user writes them raise no type error."""
    assert " error: " not in mypy_output, mypy_output
