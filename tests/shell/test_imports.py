"""The import graph, read from the source with ``ast``: no circle, urllib3 only in transport.py,
and the pure core never importing the shell."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "claude"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports, ``TYPE_CHECKING`` blocks included (a circle hidden from the
    interpreter is still one for a reader and for the type checker)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()

    def visit(nodes: list[ast.stmt]) -> None:
        for node in nodes:
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module)
                found.update(f"{node.module}.{alias.name}" for alias in node.names)
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.stmt):
                    visit([child])

    visit(tree.body)
    return found


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    return {
        name: {imported for imported in _imports(path) if imported in modules}
        for name, path in modules.items()
    }


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle among ``graph``'s modules (package ``__init__`` re-exports aside)."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def edges(name: str) -> set[str]:
        # A package's __init__ importing its own submodules is a re-export, not a circle.
        return {m for m in graph[name] if m != name and not m.startswith(name + ".")}

    def walk(name: str) -> list[str] | None:
        state[name] = 1
        stack.append(name)
        for nxt in sorted(edges(name)):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := walk(nxt)) is not None:
                return found
        stack.pop()
        state[name] = 2
        return None

    for name in sorted(graph):
        if name not in state and (found := walk(name)) is not None:
            return found
    return None


def test_the_import_graph_has_no_circle() -> None:
    """No module of ``claude`` imports, directly or through others, a module importing it."""
    assert _cycle(_graph()) is None


def test_only_transport_imports_urllib3() -> None:
    """``claude/shell/transport.py`` is the one module that imports urllib3."""
    importers = sorted(
        _module_name(path)
        for path in PACKAGE.rglob("*.py")
        if any(name == "urllib3" or name.startswith("urllib3.") for name in _imports(path))
    )
    assert importers == ["claude.shell.transport"]


def test_the_pure_core_never_imports_the_shell() -> None:
    """Nothing under ``claude/pure`` imports ``claude.shell`` or the bundled server."""
    for path in (PACKAGE / "pure").rglob("*.py"):
        bad = {n for n in _imports(path) if n.startswith(("claude.shell", "claude.testing"))}
        assert not bad, f"{path.name} imports {bad}"


@pytest.mark.parametrize(
    ("graph", "circle"),
    [
        ({"a": {"b"}, "b": {"a"}}, True),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, True),
        ({"a": {"b"}, "b": set()}, False),
        ({"p": {"p.x"}, "p.x": {"p"}}, False),
    ],
)
def test_the_circle_finder_finds_circles(graph: dict[str, set[str]], circle: bool) -> None:
    """The check itself can fail: a planted circle is found, a re-export is not one."""
    assert (_cycle(graph) is not None) is circle
