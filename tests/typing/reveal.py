"""One way to run mypy over a snippet for the typing tests, and to read its ``reveal_type`` notes.

Every typing test writes a snippet to a temporary folder and checks it with the project's own
``mypy.ini``, in-process (``mypy.api.run``), so what it sees is what ``mypy`` in CI sees.
"""

from __future__ import annotations

import re
from pathlib import Path

from mypy import api

ROOT = Path(__file__).resolve().parents[2]
_NOTE = re.compile(r".*snippet\.py:(\d+): note: Revealed type is \"(.*)\"$")
_ERROR = re.compile(r".*snippet\.py:\d+: error:")


def check(snippet: str, where: Path) -> str:
    """mypy's report on ``snippet`` (written to ``where``), with the project config."""
    path = where / "snippet.py"
    path.write_text(snippet)
    stdout, stderr, _ = api.run(
        [
            "--config-file",
            str(ROOT / "mypy.ini"),
            "--cache-dir",
            str(where / "cache"),
            "--no-error-summary",
            "--hide-error-context",
            str(path),
        ]
    )
    assert stderr == ""
    return stdout


def revealed(snippet: str, stdout: str, *, errors_allowed: bool = False) -> dict[str, str]:
    """Each ``reveal_type(expression)`` line of ``snippet`` and the type mypy showed for it.

    Unless ``errors_allowed``, an error reported inside the snippet fails the calling test (errors
    elsewhere in the library are the project-wide mypy run's business).
    """
    lines = snippet.splitlines()
    found: dict[str, str] = {}
    for line in stdout.splitlines():
        match = _NOTE.match(line)
        if match:
            source = lines[int(match.group(1)) - 1].strip()
            found[source.removeprefix("reveal_type(").removesuffix(")")] = match.group(2)
        elif not errors_allowed:
            assert not _ERROR.match(line), stdout
    return found
