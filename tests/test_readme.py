"""Every import and every ``claude.…`` path the README shows exists, so its examples cannot rot."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
TEXT = README.read_text(encoding="utf-8")
BLOCKS = re.findall(r"```python\n(.*?)```", TEXT, flags=re.S)
FLAGS = ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT


def _imports() -> list[str]:
    """The import statements of the README's Python blocks, as source lines."""
    found: list[str] = []
    for block in BLOCKS:
        tree = compile(block, str(README), "exec", flags=FLAGS)
        found += [
            ast.unparse(node)
            for node in ast.walk(tree)
            if isinstance(node, ast.Import | ast.ImportFrom)
        ]
    return found


def _dotted_paths() -> list[str]:
    """Every ``claude.x.y`` written in backticks or code in the README."""
    return sorted(set(re.findall(r"\bclaude(?:\.[A-Za-z_]\w*)+", TEXT)))


def _resolve(path: str) -> object:
    """Import the longest module prefix of ``path``, then walk the rest as attributes."""
    parts = path.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            value: object = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for name in parts[cut:]:
            value = getattr(value, name)
        return value
    raise ModuleNotFoundError(path)


def test_the_readme_has_python_examples() -> None:
    """The README carries Python blocks with imports, so the tests below check something."""
    assert BLOCKS and _imports()


@pytest.mark.parametrize("statement", _imports())
def test_each_import_the_readme_shows_works(statement: str) -> None:
    """Each import statement in the README's examples runs."""
    exec(statement, {})


@pytest.mark.parametrize("path", _dotted_paths())
def test_each_claude_path_the_readme_names_exists(path: str) -> None:
    """Each dotted ``claude.…`` name in the README resolves to a module or an attribute."""
    assert _resolve(path) is not None
