"""The core benchmark: client CPU per request, 64-way throughput and import cost, side by side.

Run it from the repository root::

    .venv/bin/python benchmarks/bench_core.py [--requests 3000] [--inflight 64] [--json out.json]

Theory of operation
-------------------
One bundled loopback server (``python -m claude.testing``) runs in its own process, so
``time.process_time()`` in this process counts the client's CPU only (all of its threads: the
anyio worker threads of ``asend`` included). Every contender talks to that same server, with the
same request body, in the same run:

* **floor**: a raw ``urllib3.PoolManager`` plus ``msgspec.json`` (encode the request dict, decode
  the reply into a minimal Struct, check the status). Nothing a real client can skip.
* **claude send / asend**: ``claude.shell.Client``; ``asend`` hops to an anyio worker thread.
* **anthropic sync / async**: the official SDK, ``max_retries=0``.

Sequential CPU: each contender makes ``--requests`` calls one after another, split into
``--rounds`` rounds whose order rotates (each after a short warm-up); a round's figure is client
CPU seconds divided by its calls, and the result is the median round (the mean is in the JSON). Throughput: ``--inflight`` calls in flight (threads for the floor, anyio
or asyncio tasks for the async clients), req/s over ``--tp-requests`` calls after a warm-up that
opens every connection; the median of ``--tp-rounds`` rounds, again in rotating order. The server
and the client share the machine's cores, so throughput is only meaningful as a ratio between
contenders of the same run.

Import cost: fresh interpreters time ``import ...`` with ``perf_counter`` (interpreter start-up
excluded) and read ``VmRSS`` right after; the median of ``--import-runs`` runs, interleaved.

The server is always stopped at the end, on errors and Ctrl-C too.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import gc
import importlib.metadata
import itertools
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anthropic
import anyio
import common
import msgspec
import urllib3

TARGETS = {
    "send_cpu_vs_floor": ("<=", 1.25),
    "asend_cpu_vs_floor": ("<=", 1.50),
    "asend_throughput_vs_sdk_async": (">=", 2.00),
    "asend_trio_cpu_vs_asyncio": ("<=", 1.20),
    "import_wall_vs_anthropic": ("<=", 0.12),
    "import_rss_vs_anthropic": ("<=", 0.50),
}

IMPORTS = {
    "claude": "import claude, claude.shell",
    "anthropic": "import anthropic",
    "deps floor": "import urllib3, msgspec, returns.result, anyio",
}


# --- the server ---------------------------------------------------------------------------------


@contextlib.contextmanager
def local_server(start_timeout: float = 30.0) -> Iterator[tuple[str, str]]:
    """Run ``python -m claude.testing`` in a child process; yield (base_url, api_key)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "claude.testing", "--port", "0"],
        cwd=common.SOURCE,
        env=common.child_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    # readline() blocks; a server that never prints is killed, which ends the read.
    watchdog = threading.Timer(start_timeout, proc.kill)
    watchdog.start()
    try:
        found: dict[str, str] = {}
        assert proc.stdout is not None
        while not {"ANTHROPIC_BASE_URL", "ANTHROPIC_API_KEY"} <= found.keys():
            line = proc.stdout.readline()
            if not line:
                raise RuntimeError(f"the local server exited early (code {proc.poll()})")
            name, sep, value = line.strip().partition("=")
            if sep:
                found[name] = value
        watchdog.cancel()
        yield found["ANTHROPIC_BASE_URL"], found["ANTHROPIC_API_KEY"]
    finally:
        watchdog.cancel()
        common.stop(proc, signal.SIGINT)  # the server's clean stop (KeyboardInterrupt)


# --- the floor: urllib3 + msgspec, nothing else ---------------------------------------------------


class _Block(msgspec.Struct):
    type: str
    text: str = ""


class _Usage(msgspec.Struct):
    input_tokens: int
    output_tokens: int


class _Message(msgspec.Struct):
    id: str
    content: list[_Block]
    stop_reason: str | None
    usage: _Usage


_floor_encoder = msgspec.json.Encoder()
_floor_decoder = msgspec.json.Decoder(_Message)


class Floor:
    """The least a client can do: encode, one pooled urlopen, check the status, decode."""

    def __init__(self, base_url: str, api_key: str, *, maxsize: int = 1) -> None:
        self.pool = urllib3.PoolManager(maxsize=maxsize, block=False, retries=False)
        self.url = base_url + "/v1/messages"
        self.headers = {
            "x-api-key": api_key,
            "anthropic-version": common.API_VERSION,
            "content-type": "application/json",
            "accept": "application/json",
        }
        self.timeout = urllib3.Timeout(connect=10.0, read=600.0)

    def call(self, request: dict[str, Any]) -> _Message:
        response = self.pool.urlopen(
            "POST",
            self.url,
            body=_floor_encoder.encode(request),
            headers=self.headers,
            retries=False,
            redirect=False,
            timeout=self.timeout,
            preload_content=True,
        )
        if response.status != 200:
            raise RuntimeError(f"floor: HTTP {response.status}: {response.data[:200]!r}")
        return _floor_decoder.decode(response.data)

    def close(self) -> None:
        self.pool.clear()


# --- sequential CPU per request -----------------------------------------------------------------


@dataclass
class Sample:
    """Client CPU and wall seconds over ``n`` calls."""

    n: int
    cpu: float
    wall: float


def _timed_sync(call: Callable[[], object], n: int, warmup: int) -> Sample:
    for _ in range(warmup):
        call()
    gc.collect()
    c0, w0 = time.process_time(), time.perf_counter()
    for _ in range(n):
        call()
    return Sample(n, time.process_time() - c0, time.perf_counter() - w0)


async def _timed_async(call: Callable[[], Any], n: int, warmup: int) -> Sample:
    for _ in range(warmup):
        await call()
    gc.collect()
    c0, w0 = time.process_time(), time.perf_counter()
    for _ in range(n):
        await call()
    return Sample(n, time.process_time() - c0, time.perf_counter() - w0)


class Contenders:
    """The five clients, built once against one server (async SDK clients per event loop)."""

    def __init__(self, base_url: str, api_key: str) -> None:
        self.base_url, self.api_key = base_url, api_key
        from claude.shell import Client  # after --source has chosen which claude

        self.floor = Floor(base_url, api_key)
        self.claude = Client(api_key=api_key, base_url=base_url)
        self.sdk = anthropic.Anthropic(api_key=api_key, base_url=base_url, max_retries=0)

    def close(self) -> None:
        self.floor.close()
        self.claude.close()
        self.sdk.close()

    def _sdk_async(self) -> anthropic.AsyncAnthropic:
        return anthropic.AsyncAnthropic(api_key=self.api_key, base_url=self.base_url, max_retries=0)

    # sequential ------------------------------------------------------------------------------

    def seq_floor(self, n: int, warmup: int) -> Sample:
        return _timed_sync(lambda: self.floor.call(common.REQUEST), n, warmup)

    def seq_send(self, n: int, warmup: int) -> Sample:
        return _timed_sync(lambda: self.claude.send(common.REQUEST).unwrap(), n, warmup)

    def seq_asend(self, n: int, warmup: int) -> Sample:
        async def one() -> object:
            return (await self.claude.asend(common.REQUEST)).unwrap()

        return anyio.run(_timed_async, one, n, warmup)

    def seq_asend_trio(self, n: int, warmup: int) -> Sample:
        async def one() -> object:
            return (await self.claude.asend(common.REQUEST)).unwrap()

        return anyio.run(_timed_async, one, n, warmup, backend="trio")

    def seq_sdk_sync(self, n: int, warmup: int) -> Sample:
        return _timed_sync(lambda: self.sdk.messages.create(**common.REQUEST), n, warmup)

    def seq_sdk_async(self, n: int, warmup: int) -> Sample:
        async def main() -> Sample:
            async with self._sdk_async() as sdk:
                return await _timed_async(lambda: sdk.messages.create(**common.REQUEST), n, warmup)

        return anyio.run(main)

    # throughput ------------------------------------------------------------------------------

    def tp_floor_threads(self, n: int, warmup: int, inflight: int) -> Sample:
        floor = Floor(self.base_url, self.api_key, maxsize=inflight)
        try:
            return _threads(lambda: floor.call(common.REQUEST), n, warmup, inflight)
        finally:
            floor.close()

    def tp_send_threads(self, n: int, warmup: int, inflight: int) -> Sample:
        return _threads(lambda: self.claude.send(common.REQUEST).unwrap(), n, warmup, inflight)

    def tp_asend(self, n: int, warmup: int, inflight: int) -> Sample:
        async def one() -> object:
            return (await self.claude.asend(common.REQUEST)).unwrap()

        return anyio.run(_tasks, one, n, warmup, inflight)

    def tp_asend_trio(self, n: int, warmup: int, inflight: int) -> Sample:
        async def one() -> object:
            return (await self.claude.asend(common.REQUEST)).unwrap()

        return anyio.run(_tasks, one, n, warmup, inflight, backend="trio")

    def tp_sdk_async(self, n: int, warmup: int, inflight: int) -> Sample:
        async def main() -> Sample:
            async with self._sdk_async() as sdk:
                return await _tasks(
                    lambda: sdk.messages.create(**common.REQUEST), n, warmup, inflight
                )

        return anyio.run(main)


# --- throughput with k in flight ----------------------------------------------------------------


def _threads(call: Callable[[], object], n: int, warmup: int, inflight: int) -> Sample:
    """``inflight`` threads, each calling until ``n`` calls were taken from a shared counter."""

    def batch(count: int) -> Sample:
        counter = itertools.count()  # next() on it is atomic under the GIL
        errors: list[BaseException] = []
        start = threading.Barrier(inflight + 1)

        def worker() -> None:
            start.wait()
            try:
                while next(counter) < count:
                    call()
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=worker, daemon=True) for _ in range(inflight)]
        for t in threads:
            t.start()
        gc.collect()
        c0, w0 = time.process_time(), time.perf_counter()
        start.wait()
        for t in threads:
            t.join()
        sample = Sample(count, time.process_time() - c0, time.perf_counter() - w0)
        if errors:
            raise errors[0]
        return sample

    batch(warmup)  # opens every connection of the pool
    return batch(n)


async def _tasks(call: Callable[[], Any], n: int, warmup: int, inflight: int) -> Sample:
    """``inflight`` tasks on one event loop, each awaiting calls until ``n`` were taken."""

    async def batch(count: int) -> Sample:
        taken = 0

        async def worker() -> None:
            nonlocal taken
            while taken < count:
                taken += 1
                await call()

        gc.collect()
        c0, w0 = time.process_time(), time.perf_counter()
        async with anyio.create_task_group() as tg:
            for _ in range(inflight):
                tg.start_soon(worker)
        return Sample(count, time.process_time() - c0, time.perf_counter() - w0)

    await batch(warmup)
    return await batch(n)


# --- import cost ---------------------------------------------------------------------------------

_IMPORT_PROBE = """
import time
t0 = time.perf_counter()
{statement}
wall = time.perf_counter() - t0
import json, resource
rss = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmRSS:"))
print(json.dumps({{"wall": wall, "rss_kib": rss,
                   "maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}}))
"""


def _probe(statement: str, pycache: str) -> dict[str, float]:
    env = common.child_env()
    # Every import reads bytecode from one fresh cache, written by the first (discarded) probe:
    # an installed package has its .pyc files, even where PYTHONDONTWRITEBYTECODE is set.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = pycache
    out = subprocess.run(
        [sys.executable, "-c", _IMPORT_PROBE.format(statement=statement)],
        cwd=common.SOURCE,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    got: dict[str, float] = json.loads(out.stdout)
    return got


def import_cost(runs: int) -> dict[str, dict[str, float]]:
    """Median wall seconds and RSS MiB after each import statement, in fresh interpreters."""
    statements = {"bare interpreter": "pass", **IMPORTS}
    samples: dict[str, list[dict[str, float]]] = {name: [] for name in statements}
    with tempfile.TemporaryDirectory(prefix="bench-pycache-") as pycache:
        for statement in statements.values():
            _probe(statement, pycache)  # writes the .pyc files, warms the page cache
        for _ in range(runs):
            for name, statement in statements.items():
                samples[name].append(_probe(statement, pycache))
    return {
        name: {
            "wall_s": statistics.median(s["wall"] for s in got),
            "rss_mib": statistics.median(s["rss_kib"] for s in got) / 1024,
            "maxrss_mib": statistics.median(s["maxrss_kib"] for s in got) / 1024,
            "runs": len(got),
        }
        for name, got in samples.items()
    }


# --- the run -------------------------------------------------------------------------------------


@dataclass
class Results:
    meta: dict[str, Any] = field(default_factory=dict)
    sequential: dict[str, dict[str, Any]] = field(default_factory=dict)
    throughput: dict[str, dict[str, Any]] = field(default_factory=dict)
    imports: dict[str, dict[str, float]] = field(default_factory=dict)
    ratios: dict[str, dict[str, Any]] = field(default_factory=dict)


SEQ_NAMES = {
    "floor": "floor (urllib3 + msgspec)",
    "claude send": "claude Client.send",
    "claude asend": "claude Client.asend (awaited one by one)",
    "claude asend trio": "claude Client.asend on trio (one by one)",
    "anthropic sync": "anthropic.Anthropic",
    "anthropic async": "anthropic.AsyncAnthropic",
}
TP_NAMES = {
    "floor": "floor, {k} threads (pool maxsize {k})",
    "claude asend": "claude asend, {k} anyio tasks",
    "claude asend trio": "claude asend, {k} anyio tasks on trio",
    "anthropic async": "anthropic async, {k} asyncio tasks",
    "claude send": "claude send, {k} threads (info)",
}


def run(args: argparse.Namespace) -> Results:
    res = Results()
    res.meta = {
        "date": datetime.date.today().isoformat(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "versions": {
            p: importlib.metadata.version(p)
            for p in ("anthropic", "urllib3", "msgspec", "anyio", "returns")
        },
        "request": common.REQUEST,
        "args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "source": str(common.SOURCE),
        "source_commit": common.commit(common.SOURCE),
    }
    with local_server() as (base_url, api_key):
        common.log(f"server at {base_url}")
        c = Contenders(base_url, api_key)
        try:
            seq: dict[str, Callable[[int, int], Sample]] = {
                "floor": c.seq_floor,
                "claude send": c.seq_send,
                "claude asend": c.seq_asend,
                "claude asend trio": c.seq_asend_trio,
                "anthropic sync": c.seq_sdk_sync,
                "anthropic async": c.seq_sdk_async,
            }
            per_round = -(-args.requests // args.rounds)
            got: dict[str, list[Sample]] = {name: [] for name in seq}
            for r in range(args.rounds):
                for name in common.rotate(list(seq), r):
                    got[name].append(seq[name](per_round, args.warmup))
                    s = got[name][-1]
                    common.log(
                        f"seq round {r + 1}/{args.rounds} {name:16} {s.cpu / s.n * 1e6:8.1f} µs CPU"
                    )
            for name, samples in got.items():
                n = sum(s.n for s in samples)
                res.sequential[name] = {
                    "label": SEQ_NAMES[name],
                    "n": n,
                    # The median round: other processes on a shared machine only ever add
                    # CPU (cache and frequency effects), in bursts; a burst lands in one round.
                    "cpu_us": statistics.median(s.cpu / s.n * 1e6 for s in samples),
                    "cpu_us_mean": sum(s.cpu for s in samples) / n * 1e6,
                    "wall_us": statistics.median(s.wall / s.n * 1e6 for s in samples),
                    "rounds_cpu_us": [s.cpu / s.n * 1e6 for s in samples],
                }

            k = args.inflight
            tp: dict[str, Callable[[int, int, int], Sample]] = {
                "floor": c.tp_floor_threads,
                "claude asend": c.tp_asend,
                "claude asend trio": c.tp_asend_trio,
                "anthropic async": c.tp_sdk_async,
            }
            if not args.no_send_threads:
                tp["claude send"] = c.tp_send_threads
            tp_got: dict[str, list[Sample]] = {name: [] for name in tp}
            warm = max(args.inflight * 4, 64)
            for r in range(args.tp_rounds):
                for name in common.rotate(list(tp), r):
                    s = tp[name](args.tp_requests, warm, k)
                    tp_got[name].append(s)
                    common.log(
                        f"tp  round {r + 1}/{args.tp_rounds} {name:16} {s.n / s.wall:8.0f} req/s"
                    )
            for name, samples in tp_got.items():
                rates = [s.n / s.wall for s in samples]
                res.throughput[name] = {
                    "label": TP_NAMES[name].format(k=k),
                    "n": samples[0].n,
                    "req_per_s": statistics.median(rates),
                    "rounds_req_per_s": rates,
                    "cpu_us": statistics.median(s.cpu / s.n * 1e6 for s in samples),
                }
        finally:
            c.close()

    common.log("import cost ...")
    res.imports = import_cost(args.import_runs)
    res.ratios = ratios(res)
    return res


def ratios(res: Results) -> dict[str, dict[str, Any]]:
    seq, tp, imp = res.sequential, res.throughput, res.imports
    values = {
        "send_cpu_vs_floor": seq["claude send"]["cpu_us"] / seq["floor"]["cpu_us"],
        "asend_cpu_vs_floor": seq["claude asend"]["cpu_us"] / seq["floor"]["cpu_us"],
        "asend_throughput_vs_sdk_async": tp["claude asend"]["req_per_s"]
        / tp["anthropic async"]["req_per_s"],
        "asend_trio_cpu_vs_asyncio": seq["claude asend trio"]["cpu_us"]
        / seq["claude asend"]["cpu_us"],
        "import_wall_vs_anthropic": imp["claude"]["wall_s"] / imp["anthropic"]["wall_s"],
        "import_rss_vs_anthropic": imp["claude"]["rss_mib"] / imp["anthropic"]["rss_mib"],
        # for information, no target
        "send_cpu_vs_sdk_sync": seq["claude send"]["cpu_us"] / seq["anthropic sync"]["cpu_us"],
        "asend_cpu_vs_sdk_async": seq["claude asend"]["cpu_us"] / seq["anthropic async"]["cpu_us"],
        "asend_throughput_vs_floor": tp["claude asend"]["req_per_s"] / tp["floor"]["req_per_s"],
        "sdk_async_throughput_vs_floor": tp["anthropic async"]["req_per_s"]
        / tp["floor"]["req_per_s"],
        "asend_trio_throughput_vs_asyncio": tp["claude asend trio"]["req_per_s"]
        / tp["claude asend"]["req_per_s"],
        "asend_trio_tp_cpu_vs_asyncio": tp["claude asend trio"]["cpu_us"]
        / tp["claude asend"]["cpu_us"],
    }
    out: dict[str, dict[str, Any]] = {}
    for name, value in values.items():
        entry: dict[str, Any] = {"value": value}
        if name in TARGETS:
            op, bound = TARGETS[name]
            entry["target"] = f"{op} {bound:.2f}"
            entry["pass"] = value <= bound if op == "<=" else value >= bound
        out[name] = entry
    return out


def report(res: Results) -> str:
    lines: list[str] = []
    m = res.meta
    lines.append(
        f"bench_core  {m['date']}  Python {m['python']}  {m['cpus']} CPUs  "
        f"anthropic {m['versions']['anthropic']}  urllib3 {m['versions']['urllib3']}  "
        f"msgspec {m['versions']['msgspec']}"
    )
    n = next(iter(res.sequential.values()))["n"]
    lines.append("")
    rounds = len(next(iter(res.sequential.values()))["rounds_cpu_us"])
    lines.append(
        f"Client CPU per request, {n} sequential calls "
        f"(median of {rounds} rounds; wall includes the server)"
    )
    lines.append(f"  {'contender':44} {'CPU µs/req':>11} {'x floor':>8} {'wall µs/req':>12}")
    floor_cpu = res.sequential["floor"]["cpu_us"]
    for s in res.sequential.values():
        lines.append(
            f"  {s['label']:44} {s['cpu_us']:11.0f} {s['cpu_us'] / floor_cpu:8.2f} "
            f"{s['wall_us']:12.0f}"
        )
    k = res.meta["args"]["inflight"]
    t0 = next(iter(res.throughput.values()))
    lines.append("")
    lines.append(
        f"Throughput, {k} in flight, {t0['n']} calls "
        f"(median of {len(t0['rounds_req_per_s'])} rounds)"
    )
    lines.append(f"  {'contender':44} {'req/s':>11} {'x floor':>8} {'CPU µs/req':>12}")
    floor_tp = res.throughput["floor"]["req_per_s"]
    for t in res.throughput.values():
        lines.append(
            f"  {t['label']:44} {t['req_per_s']:11.0f} {t['req_per_s'] / floor_tp:8.2f} "
            f"{t['cpu_us']:12.0f}"
        )
    lines.append("")
    runs = next(iter(res.imports.values()))["runs"]
    lines.append(f"Import cost, fresh interpreter (median of {runs})")
    lines.append(f"  {'statement':52} {'wall ms':>8} {'RSS MiB':>8}")
    for name, i in res.imports.items():
        stmt = IMPORTS.get(name, "(nothing: python -c pass)")
        lines.append(f"  {stmt:52} {i['wall_s'] * 1e3:8.1f} {i['rss_mib']:8.1f}")
    lines.append("")
    lines.append("Ratios")
    lines.append(f"  {'ratio':34} {'value':>7} {'target':>8}  verdict")
    for name, r in res.ratios.items():
        verdict = ("PASS" if r["pass"] else "MISS") if "target" in r else "(info)"
        lines.append(f"  {name:34} {r['value']:7.2f} {r.get('target', ''):>8}  {verdict}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=3000, help="sequential calls per contender")
    parser.add_argument(
        "--rounds", type=int, default=10, help="rounds the sequential calls split into"
    )
    parser.add_argument("--warmup", type=int, default=50, help="warm-up calls before each round")
    parser.add_argument("--inflight", type=int, default=64, help="calls in flight for throughput")
    parser.add_argument("--tp-requests", type=int, default=3000, help="calls per throughput round")
    parser.add_argument("--tp-rounds", type=int, default=5, help="throughput rounds (median)")
    parser.add_argument("--import-runs", type=int, default=5, help="fresh interpreters per import")
    parser.add_argument(
        "--no-send-threads", action="store_true", help="skip the informational send-in-threads row"
    )
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--source",
        type=Path,
        default=common.REPO,
        help="directory holding the claude package to measure (default: this working tree)",
    )
    parser.add_argument(
        "--fail-on-miss", action="store_true", help="exit 1 if any target is missed"
    )
    args = parser.parse_args(argv)
    common.use_source(args.source)

    return common.run_and_report(args, run, report)


if __name__ == "__main__":
    sys.exit(main())
