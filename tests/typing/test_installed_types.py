"""An installed ``claude`` is visible to a type checker in a user's own program outside the repo.

The program is written to a temporary directory, and mypy runs there in a subprocess with no
config file and no ``MYPYPATH``: it can only find ``claude`` the way a user's mypy would, through
the interpreter's site-packages (where the README's editable install leaves a path entry).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PROGRAM = """\
import claude
from claude import shell
from claude.errors import RateLimited

reveal_type(shell.send)
reveal_type(claude.Message)
reveal_type(RateLimited)
"""


def _installed() -> bool:
    """Whether this interpreter imports ``claude`` from outside the checkout, as a user's would."""
    probe = [sys.executable, "-c", "import claude"]
    found = subprocess.run(probe, check=False, cwd="/", env=_clean_env(), capture_output=True)
    return found.returncode == 0


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("MYPYPATH", "PYTHONPATH")}


@pytest.mark.skipif(
    not _installed(),
    reason="api-claude is not installed in this interpreter (run the README's install first)",
)
def test_a_user_program_outside_the_repo_sees_the_real_return_type_of_send(tmp_path: Path) -> None:
    """mypy --strict on a program in a temp dir resolves claude.shell.send to its Result type."""
    program = tmp_path / "user_program.py"
    program.write_text(PROGRAM)
    completed = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--config-file=", program.name],
        cwd=tmp_path,
        env=_clean_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    out = completed.stdout + completed.stderr
    assert "import-not-found" not in out and "import-untyped" not in out, out
    assert (
        "returns.result.Result[claude.pure.wire.Message, claude.pure.errors.ClaudeError]" in out
    ), out
    assert "def (*args: Any, **kwargs: Any) -> Any" not in out, out
    assert not str(tmp_path).startswith(str(ROOT))
