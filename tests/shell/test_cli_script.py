"""The ``api-claude`` console script: declared in pyproject.toml, named in its own help."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# What a console-script wrapper does: argv[0] is the script's path, then it calls the entry point.
_AS_SCRIPT = """
import sys
sys.argv[0] = "/usr/local/bin/api-claude"
from claude.__main__ import main
sys.exit(main())
"""


def test_the_script_is_api_claude_and_not_claude() -> None:
    """pyproject.toml installs ``api-claude`` pointing at ``claude.__main__:main``, never ``claude``."""
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["api-claude"] == "claude.__main__:main"
    assert "claude" not in scripts


def test_run_as_the_script_its_help_and_errors_say_api_claude() -> None:
    """Invoked as ``api-claude``, usage and error lines name ``api-claude``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_")}
    helped = subprocess.run(
        [sys.executable, "-c", _AS_SCRIPT, "--help"],
        capture_output=True,
        check=False,
        text=True,
        env=env,
        timeout=60,
    )
    assert helped.returncode == 0
    assert helped.stdout.startswith("usage: api-claude ")
    refused = subprocess.run(
        [sys.executable, "-c", _AS_SCRIPT, "--max-tokens", "x", "hi"],
        capture_output=True,
        check=False,
        text=True,
        env=env,
        timeout=60,
    )
    assert refused.returncode == 2
    assert "api-claude --help" in refused.stderr and refused.stderr.count("\n") == 1
