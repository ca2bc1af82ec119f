"""A forgotten stream failure is a type error: ``with_outcome()`` is checked through mypy."""

from __future__ import annotations

from pathlib import Path

from mypy import api

ROOT = Path(__file__).parents[2]

FORGOT = """\
from claude.pure.events import StreamEvent
from claude.shell import Client

def events_only(client: Client) -> list[StreamEvent]:
    with client.stream({}) as events:
        return [item for item in events.with_outcome()]
"""

HANDLED = """\
from returns.result import Failure
from claude.pure.events import StreamEvent
from claude.shell import Client, StreamEnded

def handled(client: Client) -> list[StreamEvent]:
    seen: list[StreamEvent] = []
    with client.stream({}) as events:
        for item in events.with_outcome():
            if isinstance(item, StreamEnded):
                if isinstance(item.result, Failure):
                    item.result.failure().raise_()
                continue
            seen.append(item)
    return seen
"""


def _mypy(tmp_path: Path, source: str) -> str:
    snippet = tmp_path / "snippet.py"
    snippet.write_text(source, encoding="utf-8")
    out, _err, _status = api.run(
        ["--config-file", str(ROOT / "mypy.ini"), "--no-incremental", str(snippet)]
    )
    return out


def test_treating_outcomes_as_plain_events_is_a_type_error(tmp_path: Path) -> None:
    """Code that takes every item of ``with_outcome()`` for an event does not type-check."""
    out = _mypy(tmp_path, FORGOT)
    assert "error" in out and "StreamEnded" in out


def test_handling_the_outcome_type_checks(tmp_path: Path) -> None:
    """Code that handles ``StreamEnded`` type-checks cleanly."""
    out = _mypy(tmp_path, HANDLED)
    assert "Success: no issues found" in out, out
