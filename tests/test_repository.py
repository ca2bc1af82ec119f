"""The repository stands alone: no test or benchmark reads a file outside the clone."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUTSIDE = re.compile(r"""\.\./|["']shared["']|parents\[(\d+)\]""")


def _depth(path: Path) -> int:
    """The ``parents`` index of the repository root, seen from ``path``."""
    return len(path.relative_to(ROOT).parts) - 1


def test_no_test_or_benchmark_reaches_outside_the_repository() -> None:
    """No source under tests/ or benchmarks/ names ../, the reference folder, or a parent above the root."""
    offenders = []
    sources = sorted([*ROOT.glob("tests/**/*.py"), *ROOT.glob("benchmarks/**/*.py")])
    for path in (p for p in sources if p != Path(__file__).resolve()):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for match in OUTSIDE.finditer(line):
                steps = match.group(1)
                if steps is None or int(steps) > _depth(path):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_the_test_data_is_in_the_repository() -> None:
    """The SSE transcripts the stream tests fold live under tests/data."""
    assert sorted(p.name for p in (ROOT / "tests" / "data" / "sse-examples").glob("*.sse")) == [
        "error-mid-stream.sse",
        "text-only.sse",
        "thinking.sse",
        "tool-use.sse",
    ]
