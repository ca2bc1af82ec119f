"""What ``import claude, claude.shell`` spends its time on, from ``python -X importtime``.

    .venv/bin/python benchmarks/import_profile.py [--runs 7] [--top 15] [--source DIR]

Runs ``-X importtime`` ``--runs`` times for our import and for the dependency floor
(``import urllib3, msgspec, returns.result, anyio``), each in a fresh interpreter reading bytecode
from one warmed cache, and prints median times: the heaviest imports by cumulative time, and the
modules that only our import loads (the part of the cost that is ours to cut).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_core
import common

OURS = "import claude, claude.shell"
DEPS = bench_core.IMPORTS["deps floor"]


def importtime(statement: str, pycache: str) -> dict[str, tuple[int, int]]:
    """Module name -> (self µs, cumulative µs) for one fresh interpreter."""
    env = common.child_env()
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = pycache
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", statement],
        cwd=common.SOURCE,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    got: dict[str, tuple[int, int]] = {}
    for line in out.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, cumulative, name = line[len("import time:") :].split("|")
        name = name.strip()
        if not name.startswith("__editable__"):  # the editable install's finder, not an import
            got[name] = (int(own), int(cumulative))
    return got


def medians(runs: list[dict[str, tuple[int, int]]]) -> dict[str, tuple[float, float]]:
    names = set().union(*runs)
    return {
        n: (
            statistics.median(r[n][0] for r in runs if n in r),
            statistics.median(r[n][1] for r in runs if n in r),
        )
        for n in names
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--source", type=Path, default=common.REPO)
    args = parser.parse_args()
    common.use_source(args.source)
    with tempfile.TemporaryDirectory(prefix="bench-pycache-") as pycache:
        importtime(OURS, pycache)
        importtime(DEPS, pycache)
        startup = set(importtime("pass", pycache))  # site and friends: loaded before any import
        ours_runs, deps_runs = [], []
        for _ in range(args.runs):
            ours_runs.append(importtime(OURS, pycache))
            deps_runs.append(importtime(DEPS, pycache))
    ours = {n: v for n, v in medians(ours_runs).items() if n not in startup}
    deps = {n: v for n, v in medians(deps_runs).items() if n not in startup}
    total_ours = sum(s for s, _ in ours.values())
    total_deps = sum(s for s, _ in deps.values())
    print(
        f"{OURS!r}: {total_ours / 1e3:.1f} ms of module bodies (sum of self times, median of {args.runs})"
    )
    print(f"{DEPS!r}: {total_deps / 1e3:.1f} ms")
    print(
        "  (-X importtime inflates every import; compare these with each other, not with bench_core)"
    )

    print(f"\nHeaviest imports under {OURS!r}, by cumulative ms (self ms)")
    for name, (own, cum) in sorted(ours.items(), key=lambda kv: -kv[1][1])[: args.top]:
        print(f"  {cum / 1e3:7.1f} ({own / 1e3:5.1f})  {name}")

    only = {n: v for n, v in ours.items() if n not in deps}
    print(
        f"\nModules only our import loads: {len(only)}, "
        f"{sum(s for s, _ in only.values()) / 1e3:.1f} ms self in all; the heaviest:"
    )
    for name, (own, _cum) in sorted(only.items(), key=lambda kv: -kv[1][0])[: args.top]:
        print(f"  {own / 1e3:7.2f}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
