"""What the benchmark scripts share: the request, where the code under test lives, and small helpers.

``SOURCE`` is the directory whose ``claude`` package is measured: the working tree, unless a script's
``--source DIR`` calls ``use_source`` (before anything imports ``claude``).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, TypeVar

REPO = Path(__file__).resolve().parent.parent
SOURCE = REPO
"""The directory holding the ``claude`` package under test (``--source``); the working tree."""

MODEL = "claude-haiku-4-5"  # not on the SDK's deprecation list: no warning machinery per call
REQUEST: dict[str, Any] = {
    "model": MODEL,
    "max_tokens": 64,
    "messages": [{"role": "user", "content": "Hello"}],
}
API_VERSION = "2023-06-01"


def log(text: str) -> None:
    """Progress goes to stderr, so stdout stays the report."""
    print(text, file=sys.stderr, flush=True)


def use_source(source: Path) -> None:
    """Make ``import claude`` here and in child processes load the package from ``source``."""
    global SOURCE  # noqa: PLW0603 - set once, from the command line, before anything imports claude
    SOURCE = source.resolve()
    if not (SOURCE / "claude" / "__init__.py").is_file():
        raise SystemExit(f"--source {source}: no claude/__init__.py there")
    sys.path.insert(0, str(SOURCE))  # sys.path wins over the editable install's finder


def child_env() -> dict[str, str]:
    """The environment for a child process that must import the same ``claude``."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SOURCE), env.get("PYTHONPATH")]))
    return env


def commit(path: Path) -> str | None:
    """The short commit of ``path`` (and whether ``claude/`` has uncommitted changes)."""
    try:
        out = subprocess.run(
            ["git", "-C", str(path), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        )
        dirty = subprocess.run(
            ["git", "-C", str(path), "status", "--porcelain", "--", "claude"],
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None  # not a git checkout (a snapshot made with `git archive`, say)
    return out.stdout.strip() + (" + uncommitted changes" if dirty.stdout.strip() else "")


def rotate(items: list[str], r: int) -> list[str]:
    """``items`` started at position ``r``: the contenders take turns at going first."""
    r %= len(items)
    return items[r:] + items[:r]


class _Results(Protocol):
    meta: dict[str, Any]
    ratios: dict[str, dict[str, Any]]


_R = TypeVar("_R", bound=_Results)


def run_and_report(
    args: argparse.Namespace, run: Callable[[argparse.Namespace], _R], report: Callable[[_R], str]
) -> int:
    """Run a benchmark, print its report (and JSON with ``--json``); exit status 1 only when a
    target was missed and ``--fail-on-miss`` was given."""
    # A SIGTERM should stop the server too: turn it into SystemExit so `finally` blocks run.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.perf_counter()
    res = run(args)
    res.meta["seconds"] = time.perf_counter() - started
    print(report(res))
    print(f"\n(took {res.meta['seconds']:.0f} s)")
    if args.json is not None:
        args.json.write_text(json.dumps(dataclasses.asdict(res), indent=2) + "\n")  # type: ignore[call-overload]
    missed = [n for n, r in res.ratios.items() if r.get("pass") is False]
    return 1 if (missed and args.fail_on_miss) else 0


def stop(proc: subprocess.Popen[str], sig: int) -> None:
    """Stop a server process cleanly with ``sig`` (killed after 10 s), and close its stdout."""
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if proc.stdout is not None:
        proc.stdout.close()
