"""Batch results throughput: ``batch_results`` over 100,000 result lines, in lines per CPU-second,
with the peak RSS growth, side by side with the official SDK's ``messages.batches.results()``.

A script you run by hand (not a test). It starts the bundled local server, creates one batch of
``--lines`` requests that the server processes at once, then, in a fresh child process per
contender, streams the whole results JSONL and parses every line. Each child reports its CPU time
(user + system, ``time.process_time``) and its peak RSS growth over the walk (Linux's ``VmHWM``,
reset just before). The server runs in this process, so its CPU and memory are not counted.

    python benchmarks/bench_batch_results.py                 # 100,000 lines, both contenders
    python benchmarks/bench_batch_results.py --lines 10000   # a smoke run
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import textwrap
from pathlib import Path

from common import MODEL, REPO, child_env, log, use_source

_CHILD = textwrap.dedent(
    """
    import json, sys, time

    def peak_kib():
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        return 0

    def reset_peak():
        try:
            with open("/proc/self/clear_refs", "w") as clear:
                clear.write("5")
        except OSError:
            pass

    who, base_url, api_key, batch_id = sys.argv[1:5]
    if who == "claude":
        from claude.shell.client import Client
        client = Client(api_key=api_key, base_url=base_url)
        def walk():
            good = bad = 0
            for line in client.batch_results(batch_id):
                if hasattr(line.value_or(None), "custom_id"):
                    good += 1
                else:
                    bad += 1
            return good, bad
    else:
        import anthropic
        client = anthropic.Anthropic(api_key=api_key, base_url=base_url, max_retries=0)
        def walk():
            good = 0
            for line in client.messages.batches.results(batch_id):
                good += 1
            return good, 0
    reset_peak()
    before = peak_kib()
    started = time.process_time()
    good, bad = walk()
    cpu = time.process_time() - started
    print(json.dumps({"lines": good, "bad": bad, "cpu": cpu, "rss_kib": peak_kib() - before}))
    """
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--source", type=Path, default=REPO, help="the claude/ to measure")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args()
    use_source(args.source)
    from claude.shell.client import Client
    from claude.testing import LocalServer

    params = {"model": MODEL, "max_tokens": 16, "messages": [{"role": "user", "content": "hi"}]}
    requests = [{"custom_id": f"r{i}", "params": params} for i in range(args.lines)]
    with LocalServer(batch_processing="instant") as server:
        with Client(api_key=server.api_key, base_url=server.base_url) as client:
            log(f"creating a batch of {args.lines:,} requests ...")
            created = client.create_batch(requests, timeout=600.0)
            if not hasattr(created.value_or(None), "id"):
                raise SystemExit(f"cannot create the batch: {created}")
            batch_id = created.unwrap().id
        rows = []
        for who in ("claude", "sdk"):
            log(f"{who}: streaming the results ...")
            done = subprocess.run(
                [sys.executable, "-c", _CHILD, who, server.base_url, server.api_key, batch_id],
                capture_output=True,
                text=True,
                env=child_env(),
                check=False,
            )
            if done.returncode != 0:
                raise SystemExit(f"{who} failed:\n{done.stderr[-2000:]}")
            figures = json.loads(done.stdout)
            figures["who"] = who
            figures["lines_per_cpu_s"] = figures["lines"] / figures["cpu"] if figures["cpu"] else 0
            rows.append(figures)
    print(f"{'contender':<10} {'lines':>9} {'CPU s':>8} {'lines/CPU-s':>12} {'peak RSS +MiB':>14}")
    for row in rows:
        print(
            f"{row['who']:<10} {row['lines']:>9,} {row['cpu']:>8.2f} "
            f"{row['lines_per_cpu_s']:>12,.0f} {row['rss_kib'] / 1024:>14.1f}"
        )
    if args.json is not None:
        args.json.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
