"""Type-level tests of the calls for count tokens, models, batches and files: each reveals its
typed ``Result`` (or iterator of them) through mypy, and no ``Any`` leaks from a signature."""

from __future__ import annotations

from pathlib import Path

import pytest

from claude import shell
from tests.typing import reveal

ROOT = Path(__file__).parents[2]
NEW = [
    name
    for name in shell.__all__
    if name.removeprefix("a") in {"count_tokens", "wait_for_batch"}
    or any(word in name for word in ("model", "batch", "file"))
]
SNIPPET = "from claude import shell\nfrom claude.shell import Client\n" + "".join(
    f"reveal_type(shell.{name})\nreveal_type(Client.{name})\n"
    for name in NEW
    if name not in {"read_batch_input", "write_batch_results"}
)
EXPECTED = {
    "count_tokens": "Result[claude.pure.wire.TokenCount, claude.pure.errors.ClaudeError]",
    "get_model": "Result[claude.pure.resources.ModelInfo, claude.pure.errors.ClaudeError]",
    "iter_models": "Iterator[returns.result.Result[claude.pure.resources.ModelInfo,",
    "batch_results": "Iterator[returns.result.Result[claude.pure.resources.BatchResultLine,",
    "wait_for_batch": "Result[claude.pure.resources.MessageBatch, claude.pure.errors.ClaudeError]",
    "upload_file": "Result[claude.pure.resources.FileObject, claude.pure.errors.ClaudeError]",
    "download_file": "Result[int, claude.pure.errors.ClaudeError]",
}


@pytest.fixture(scope="module")
def revealed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Each revealed expression of SNIPPET and its type, from one mypy run."""
    where = tmp_path_factory.mktemp("reveal")
    return reveal.revealed(SNIPPET, reveal.check(SNIPPET, where))


def test_every_new_call_is_revealed(revealed: dict[str, str]) -> None:
    """All the new module-level calls and Client methods are in the snippet (at least 34 each)."""
    assert len([k for k in revealed if k.startswith("shell.")]) >= 34
    assert len(revealed) == 2 * len([k for k in revealed if k.startswith("shell.")])


def test_no_new_signature_leaks_any(revealed: dict[str, str]) -> None:
    """No revealed signature holds ``Any`` beyond a coroutine's own."""
    for expression, shown in revealed.items():
        assert "Any" not in shown.replace("Coroutine[Any, Any, ", "Coroutine["), (expression, shown)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_each_call_returns_its_typed_result(revealed: dict[str, str], name: str) -> None:
    """The sync call, its async twin and the Client method all show the documented type."""
    for expression in (f"shell.{name}", f"shell.a{name}", f"Client.{name}", f"Client.a{name}"):
        assert EXPECTED[name] in revealed[expression], (expression, revealed[expression])
