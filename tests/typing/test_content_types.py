"""Type-level tests of the content, cost and quota helpers: ``reveal_type`` through mypy, no ``Any``."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.typing import reveal

ROOT = Path(__file__).parents[2]

SNIPPET = """\
from claude.pure import caching, content, cost, quota
from claude.pure.wire import MessageRequest
from claude.shell.content_files import image_file
from claude.shell.quota import QuotaTracker
from claude import shell
from claude.shell import Client

request = MessageRequest(model="m", max_tokens=1, messages=[])
reveal_type(content.user("hi", content.image(b"")))
reveal_type(content.tool("t"))
reveal_type(content.tool_results({}, {}))
reveal_type(content.web_search())
reveal_type(caching.with_cache(request, system=True))
reveal_type(caching.with_cache({"model": "m"}, system=True))
reveal_type(cost.of({}, "m"))
reveal_type(cost.of({}, "m").map(lambda c: c.total))
reveal_type(quota.record)
reveal_type(quota.estimate({}))
reveal_type(image_file("a.png"))
reveal_type(QuotaTracker.reserve)
reveal_type(quota.reserve)
reveal_type(Client.execute_with_quota)
reveal_type(shell.execute_with_quota)
"""

EXPECTED = {
    'content.user("hi", content.image(b""))': "Result[dict[str, object], claude.pure.errors.ClaudeError]",
    'content.tool("t")': "Result[dict[str, object], claude.pure.errors.InvalidArgument]",
    "content.tool_results({}, {})": "Result[dict[str, object], claude.pure.errors.InvalidArgument]",
    "content.web_search()": "dict[str, object]",
    "caching.with_cache(request, system=True)": "Result[claude.pure.wire.MessageRequest, claude.pure.errors.InvalidArgument]",
    'caching.with_cache({"model": "m"}, system=True)': "Result[dict[str, object], claude.pure.errors.InvalidArgument]",
    'cost.of({}, "m")': "Result[claude.pure.cost.Cost, claude.pure.errors.InvalidArgument]",
    'cost.of({}, "m").map(lambda c: c.total)': "Result[float, claude.pure.errors.InvalidArgument]",
    "quota.record": "-> returns.result.Result[claude.pure.quota.QuotaState, claude.pure.quota.QuotaExceeded]",
    "quota.estimate({})": "Result[claude.pure.quota.Spend, claude.pure.errors.ClaudeError]",
    'image_file("a.png")': "Result[dict[str, object], claude.pure.errors.ClaudeError]",
    "QuotaTracker.reserve": "-> returns.result.Result[claude.pure.quota.Reservation, claude.pure.quota.QuotaExceeded]",
    "quota.reserve": "-> returns.result.Result[tuple[claude.pure.quota.QuotaState, claude.pure.quota.Reservation], claude.pure.quota.QuotaExceeded]",
    "Client.execute_with_quota": "-> returns.result.Result[claude.pure.wire.Message, claude.pure.errors.ClaudeError]",
    "shell.execute_with_quota": "-> returns.result.Result[claude.pure.wire.Message, claude.pure.errors.ClaudeError]",
}
"""What each revealed expression must show (a part of its revealed type)."""


@pytest.fixture(scope="module")
def revealed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Each revealed expression of SNIPPET and its type, from one mypy run with the project config."""
    where = tmp_path_factory.mktemp("reveal")
    return reveal.revealed(SNIPPET, reveal.check(SNIPPET, where))


@pytest.mark.parametrize("expression", list(EXPECTED))
def test_helpers_reveal_their_types_without_any(revealed: dict[str, str], expression: str) -> None:
    """Each helper reveals the documented type, and no Any."""
    shown = revealed[expression]
    assert EXPECTED[expression] in shown, shown
    assert "Any" not in shown, shown
