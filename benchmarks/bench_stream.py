"""The streaming benchmark: client CPU to read and fold a stream, side by side in one run.

Run it from the repository root::

    .venv/bin/python benchmarks/bench_stream.py [--events 100000] [--parts 1000,5000,10000]
                                                [--json out.json] [--profile]

Theory of operation
-------------------
The replies come from the bundled loopback server (``claude.testing.LocalServer``), steered by
its faults: ``Fault(text_events=N)`` makes the text block arrive as exactly N ``text_delta``
events, ``Fault(tool_json_parts=N)`` adds a ``tool_use`` block whose input
(``{"query": ..., "numbers": [0, ..., N-1]}``) arrives as exactly N ``input_json_delta`` parts.
A request cannot ask for those itself, and a fault cannot be injected into
``python -m claude.testing`` from outside, so this script starts a copy of itself as the server
(``bench_stream.py --serve 0 --events ... --parts ...``): one child process holding one
``LocalServer`` per scenario, each with its fault queued for every request it will ever get.
The server's CPU is spent in that child, so ``time.process_time()`` here counts the client's
CPU only (every contender is synchronous: no thread of ours runs outside the one measured).

Every contender reads the same server, with the same request body, in the same run:

* **floor**: raw urllib3 (``preload_content=False``, a ``read1(65536)`` loop), SSE events split
  on ``\\n\\n``, each ``data:`` line decoded by one msgspec tagged-union decoder, text pieces
  appended to a list and joined at ``content_block_stop``, tool-JSON pieces joined and decoded
  once there. No validation, no error handling: the least honest work a client can do.
* **claude**: ``with Client.stream(request) as events: events.final_message().unwrap()``.
* **anthropic**: ``with Anthropic(max_retries=0).messages.stream(**request) as s:
  s.get_final_message()``.

Each contender first reads one stream from each server (the warm-up: it opens the connection,
and its result is checked against the other contenders': same text, same tool input, same stop
reason). A sample is then ``k`` streams in a row, ``k`` chosen from the warm-up so that a sample
lasts about ``--sample-seconds`` of CPU; the figure is client CPU per stream, the best (min) of
``--repeats`` samples, taken in rotating contender order. A contender whose warm-up stream alone
costs more than ``--slow`` CPU seconds is not repeated: its warm-up is its one (cold) sample,
and the table says so (``runs`` = 1).

``--profile`` then runs cProfile over ``claude``'s stream on the text scenario and on the largest
tool scenario and prints the functions with the most own time, in µs per event (cProfile inflates
every Python call: read these as relative weights, the table above as the absolute numbers).

The server is always stopped at the end, on errors and Ctrl-C too.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import datetime
import gc
import importlib.metadata
import io
import math
import os
import platform
import pstats
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anthropic
import common
import msgspec
import urllib3

FOREVER = 10**9  # how many requests a server's fault is queued for

CONTENDERS = ("floor", "claude", "anthropic")
LABELS = {
    "floor": "floor (urllib3 + msgspec)",
    "claude": "claude Client.stream",
    "anthropic": "anthropic messages.stream",
}

# name -> (op, bound); the tool linearity bound is 1.2x the parts ratio (12x for 10x the parts).
TARGETS: dict[str, tuple[str, float]] = {
    "text_rate_vs_sdk": (">=", 10.0),
    "text_cpu_vs_floor": ("<=", 1.5),
    "tool_cpu_vs_floor": ("<=", 2.0),  # at every parts count
}
LINEARITY_SLACK = 1.2


@dataclass(frozen=True)
class Scenario:
    """One server's reply: ``kind`` is ``text`` (N text deltas) or ``tool`` (N JSON parts)."""

    kind: str
    n: int

    @property
    def name(self) -> str:
        return f"{self.kind}:{self.n}"


# --- the server (this script run with --serve) ---------------------------------------------------


def serve(port: int, scenarios: list[Scenario]) -> int:
    """Start one LocalServer per scenario, its fault queued for every request; serve until stopped.

    Prints ``SERVER <scenario> <base_url>`` per server, ``ANTHROPIC_API_KEY=...`` and ``READY``.
    With a non-zero ``port`` the servers take consecutive ports from it.
    """
    from claude.testing import Fault, LocalServer

    # Stop cleanly on SIGTERM (what the benchmark sends) and on Ctrl-C, even where SIGINT came in
    # ignored (a background job of a non-interactive shell): both run the `finally` below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGINT, signal.default_int_handler)
    servers: list[LocalServer] = []
    try:
        for i, scenario in enumerate(scenarios):
            server = LocalServer(port=port + i if port else 0).start()
            servers.append(server)
            if scenario.kind == "text":
                fault = Fault(text_events=scenario.n)
            else:
                fault = Fault(tool_json_parts=scenario.n)
            server.inject(fault, times=FOREVER)
            print(f"SERVER {scenario.name} {server.base_url}", flush=True)
        print(f"ANTHROPIC_API_KEY={servers[0].api_key if servers else ''}", flush=True)
        print("READY", flush=True)
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        for server in servers:
            server.close()
    return 0


@contextlib.contextmanager
def fault_servers(
    scenarios: list[Scenario], start_timeout: float = 30.0
) -> Iterator[tuple[dict[str, str], str]]:
    """Run this script with ``--serve`` in a child process; yield ({scenario: url}, api_key)."""
    events = ",".join(str(s.n) for s in scenarios if s.kind == "text")
    parts = ",".join(str(s.n) for s in scenarios if s.kind == "tool")
    proc = subprocess.Popen(
        [
            sys.executable,
            str(Path(__file__).resolve()),
            "--serve",
            "0",
            "--events",
            events or "0",
            "--parts",
            parts or "0",
        ],
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
        urls: dict[str, str] = {}
        key = ""
        assert proc.stdout is not None
        while True:
            line = proc.stdout.readline()
            if not line:
                raise RuntimeError(f"the fault server exited early (code {proc.poll()})")
            words = line.split()
            if words == ["READY"]:
                break
            if len(words) == 3 and words[0] == "SERVER":
                urls[words[1]] = words[2]
            elif line.startswith("ANTHROPIC_API_KEY="):
                key = line.strip().partition("=")[2]
        watchdog.cancel()
        yield urls, key
    finally:
        watchdog.cancel()
        common.stop(proc, signal.SIGTERM)  # the server's clean stop (see `serve`)


# --- the floor: urllib3 + msgspec, nothing else ---------------------------------------------------


class _Usage(msgspec.Struct):
    input_tokens: int
    output_tokens: int


class _MessageHead(msgspec.Struct):
    id: str
    model: str
    usage: _Usage


class _BlockHead(msgspec.Struct):
    type: str
    text: str = ""
    id: str = ""
    name: str = ""


class _TextDelta(msgspec.Struct, tag="text_delta", gc=False):
    text: str


class _JsonDelta(msgspec.Struct, tag="input_json_delta", gc=False):
    partial_json: str


class _MessageStart(msgspec.Struct, tag="message_start"):
    message: _MessageHead


class _BlockStart(msgspec.Struct, tag="content_block_start"):
    index: int
    content_block: _BlockHead


class _BlockDelta(msgspec.Struct, tag="content_block_delta", gc=False):
    index: int
    delta: _TextDelta | _JsonDelta


class _BlockStop(msgspec.Struct, tag="content_block_stop"):
    index: int


class _StopFields(msgspec.Struct):
    stop_reason: str | None = None


class _DeltaUsage(msgspec.Struct):
    output_tokens: int


class _MessageDelta(msgspec.Struct, tag="message_delta"):
    delta: _StopFields
    usage: _DeltaUsage


class _MessageStop(msgspec.Struct, tag="message_stop"):
    pass


class _Ping(msgspec.Struct, tag="ping"):
    pass


_FloorEvent = (
    _MessageStart | _BlockStart | _BlockDelta | _BlockStop | _MessageDelta | _MessageStop | _Ping
)


@dataclass
class FloorMessage:
    """What the floor folds a stream into: the blocks, the stop reason and the output tokens."""

    id: str
    content: list[tuple[Any, ...]]  # ("text", text) or ("tool_use", name, input)
    stop_reason: str | None
    output_tokens: int


class Floor:
    """The least a streaming client can do: one pooled urlopen, split, decode, append, join."""

    def __init__(self, base_url: str, api_key: str) -> None:
        self.pool = urllib3.PoolManager(maxsize=1, block=False, retries=False)
        self.url = base_url + "/v1/messages"
        self.headers = {
            "x-api-key": api_key,
            "anthropic-version": common.API_VERSION,
            "content-type": "application/json",
            "accept": "text/event-stream",
        }
        self.timeout = urllib3.Timeout(connect=10.0, read=600.0)
        self.encoder = msgspec.json.Encoder()
        self.decoder = msgspec.json.Decoder(_FloorEvent)

    def stream(self, request: dict[str, Any]) -> FloorMessage:
        response = self.pool.urlopen(
            "POST",
            self.url,
            body=self.encoder.encode({**request, "stream": True}),
            headers=self.headers,
            retries=False,
            redirect=False,
            timeout=self.timeout,
            preload_content=False,
        )
        if response.status != 200:
            raise RuntimeError(f"floor: HTTP {response.status}: {response.read()[:200]!r}")
        decode = self.decoder.decode
        read1 = response.read1
        content: list[tuple[Any, ...]] = []
        pieces: list[str] = []
        append = pieces.append
        block = _BlockHead(type="")
        head: _MessageHead | None = None
        stop_reason: str | None = None
        output_tokens = 0
        stopped = False
        buffer = b""
        while chunk := read1(65536):
            events = (buffer + chunk).split(b"\n\n")
            buffer = events.pop()
            for raw in events:
                event = decode(raw[raw.index(b"data:") + 5 :])
                if type(event) is _BlockDelta:
                    delta = event.delta
                    append(delta.text if isinstance(delta, _TextDelta) else delta.partial_json)
                elif type(event) is _BlockStart:
                    block = event.content_block
                    pieces = []
                    append = pieces.append
                elif type(event) is _BlockStop:
                    if block.type == "tool_use":
                        joined = "".join(pieces)
                        content.append(
                            ("tool_use", block.name, msgspec.json.decode(joined) if joined else {})
                        )
                    else:
                        content.append((block.type, block.text + "".join(pieces)))
                elif type(event) is _MessageStart:
                    head = event.message
                    output_tokens = head.usage.output_tokens
                elif type(event) is _MessageDelta:
                    stop_reason = event.delta.stop_reason
                    output_tokens = event.usage.output_tokens
                elif type(event) is _MessageStop:
                    stopped = True
        response.release_conn()
        if head is None or not stopped:
            raise RuntimeError("floor: the stream ended before message_stop")
        return FloorMessage(head.id, content, stop_reason, output_tokens)

    def close(self) -> None:
        self.pool.clear()


# --- the contenders ------------------------------------------------------------------------------


def _summary(message: Any) -> tuple[Any, ...]:
    """What every contender must agree on: the blocks, the stop reason, the output tokens."""
    if isinstance(message, FloorMessage):
        return (tuple(message.content), message.stop_reason, message.output_tokens)
    blocks: list[tuple[Any, ...]] = []
    for block in message.content:
        if block.type == "tool_use":
            blocks.append(("tool_use", block.name, block.input))
        else:
            blocks.append((block.type, block.text))
    return (tuple(blocks), message.stop_reason, message.usage.output_tokens)


class Contenders:
    """The three streaming clients for one server."""

    def __init__(self, base_url: str, api_key: str) -> None:
        from claude.shell import Client  # after --source has chosen which claude

        self.floor = Floor(base_url, api_key)
        self.claude = Client(api_key=api_key, base_url=base_url)
        self.sdk = anthropic.Anthropic(api_key=api_key, base_url=base_url, max_retries=0)

    def close(self) -> None:
        self.floor.close()
        self.claude.close()
        self.sdk.close()

    def calls(self) -> dict[str, Callable[[], Any]]:
        return {"floor": self.run_floor, "claude": self.run_claude, "anthropic": self.run_sdk}

    def run_floor(self) -> FloorMessage:
        return self.floor.stream(common.REQUEST)

    def run_claude(self) -> Any:
        with self.claude.stream(common.REQUEST) as events:
            return events.final_message().unwrap()

    def run_sdk(self) -> Any:
        with self.sdk.messages.stream(**common.REQUEST) as stream:
            return stream.get_final_message()


# --- measuring -----------------------------------------------------------------------------------


@dataclass
class Sample:
    """Client CPU and wall seconds over ``n`` streams."""

    n: int
    cpu: float
    wall: float


def _timed(call: Callable[[], object], n: int) -> Sample:
    gc.collect()
    c0, w0 = time.process_time(), time.perf_counter()
    for _ in range(n):
        call()
    return Sample(n, time.process_time() - c0, time.perf_counter() - w0)


def measure(
    calls: dict[str, Callable[[], Any]], *, repeats: int, sample_seconds: float, slow: float
) -> tuple[dict[str, list[Sample]], dict[str, bool]]:
    """Warm up (and cross-check) every contender, then take ``repeats`` rotating samples each.

    Returns the samples and, per contender, whether it was measured by its cold warm-up alone.
    """
    samples: dict[str, list[Sample]] = {name: [] for name in calls}
    cold: dict[str, bool] = {}
    inner: dict[str, int] = {}
    summaries: dict[str, tuple[Any, ...]] = {}
    for name, call in calls.items():
        gc.collect()
        c0, w0 = time.process_time(), time.perf_counter()
        result = call()
        warm = Sample(1, time.process_time() - c0, time.perf_counter() - w0)
        summaries[name] = _summary(result)
        cold[name] = warm.cpu > slow
        if cold[name]:
            samples[name].append(warm)
            common.log(f"    {name:10} warm-up {warm.cpu:8.3f} s CPU > --slow {slow:g}: 1 cold run")
        inner[name] = max(1, min(10_000, math.ceil(sample_seconds / max(warm.cpu, 1e-6))))
    reference = summaries["floor"]
    for name, got in summaries.items():
        if got != reference:
            raise RuntimeError(f"{name} folded a different message than the floor")
    for r in range(repeats):
        for name in common.rotate(list(calls), r):
            if cold[name]:
                continue
            s = _timed(calls[name], inner[name])
            samples[name].append(s)
            common.log(
                f"    round {r + 1}/{repeats} {name:10} {s.cpu / s.n:10.5f} s CPU/stream (x{s.n})"
            )
    return samples, cold


# --- the run -------------------------------------------------------------------------------------


@dataclass
class Results:
    meta: dict[str, Any] = field(default_factory=dict)
    text: dict[str, dict[str, Any]] = field(default_factory=dict)
    tool: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)  # parts -> name
    ratios: dict[str, dict[str, Any]] = field(default_factory=dict)
    profile: dict[str, str] = field(default_factory=dict)


def _entry(samples: list[Sample], cold: bool, units: int) -> dict[str, Any]:
    per = [s.cpu / s.n for s in samples]
    best = min(per)
    return {
        "cpu_s": best,
        "cpu_s_per_sample": per,
        "wall_s": min(s.wall / s.n for s in samples),
        "runs": len(samples),
        "streams_per_sample": samples[0].n,
        "cold": cold,
        "units": units,
        "units_per_cpu_s": units / best if best > 0 else math.inf,
        "cpu_us_per_unit": best / units * 1e6,
    }


def run(args: argparse.Namespace) -> Results:
    res = Results()
    res.meta = {
        "date": datetime.date.today().isoformat(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "versions": {
            p: importlib.metadata.version(p) for p in ("anthropic", "urllib3", "msgspec", "returns")
        },
        "request": common.REQUEST,
        "args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "source": str(common.SOURCE),
        "source_commit": common.commit(common.SOURCE),
    }
    scenarios = [Scenario("text", args.events)] + [Scenario("tool", n) for n in args.parts]
    with fault_servers(scenarios) as (urls, key):
        for scenario in scenarios:
            common.log(f"{scenario.name} at {urls[scenario.name]}")
            c = Contenders(urls[scenario.name], key)
            try:
                samples, cold = measure(
                    c.calls(),
                    repeats=args.repeats,
                    sample_seconds=args.sample_seconds,
                    slow=args.slow,
                )
                if args.profile and (scenario.kind == "text" or scenario.n == max(args.parts)):
                    res.profile[scenario.name] = profile(c.run_claude, scenario.n, args.top)
            finally:
                c.close()
            got = {name: _entry(samples[name], cold[name], scenario.n) for name in CONTENDERS}
            if scenario.kind == "text":
                res.text = got
            else:
                res.tool[str(scenario.n)] = got
    res.ratios = ratios(res, args.parts)
    return res


def ratios(res: Results, parts: list[int]) -> dict[str, dict[str, Any]]:
    text = res.text
    values: dict[str, tuple[float, str | None]] = {
        "text_rate_vs_sdk": (
            text["claude"]["units_per_cpu_s"] / text["anthropic"]["units_per_cpu_s"],
            None,
        ),
        "text_cpu_vs_floor": (text["claude"]["cpu_s"] / text["floor"]["cpu_s"], None),
        "text_sdk_cpu_vs_floor": (text["anthropic"]["cpu_s"] / text["floor"]["cpu_s"], "info"),
    }
    for n in parts:
        t = res.tool[str(n)]
        values[f"tool_cpu_vs_floor@{n}"] = (t["claude"]["cpu_s"] / t["floor"]["cpu_s"], None)
        values[f"tool_sdk_cpu_vs_claude@{n}"] = (
            t["anthropic"]["cpu_s"] / t["claude"]["cpu_s"],
            "info",
        )
    lo, hi = min(parts), max(parts)
    if hi > lo:
        bound = LINEARITY_SLACK * hi / lo
        for name in CONTENDERS:
            growth = res.tool[str(hi)][name]["cpu_s"] / res.tool[str(lo)][name]["cpu_s"]
            key = f"tool_growth_{lo}_to_{hi}" + ("" if name == "claude" else f"_{name}")
            values[key] = (growth, None if name == "claude" else "info")
    out: dict[str, dict[str, Any]] = {}
    for name, (value, info) in values.items():
        entry: dict[str, Any] = {"value": value}
        base = name.split("@")[0]
        if info is None and base in TARGETS:
            op, bound_ = TARGETS[base]
        elif info is None and name.startswith("tool_growth_"):
            op, bound_ = "<=", bound
        else:
            out[name] = entry
            continue
        entry["target"] = f"{op} {bound_:.2f}"
        entry["pass"] = value <= bound_ if op == "<=" else value >= bound_
        out[name] = entry
    return out


def profile(call: Callable[[], object], units: int, top: int) -> str:
    """cProfile over one ``claude`` stream: the top functions by own time, µs per event."""
    profiler = cProfile.Profile()
    gc.collect()
    profiler.enable()
    call()
    profiler.disable()
    stats = pstats.Stats(profiler, stream=io.StringIO())
    table: dict[tuple[str, int, str], tuple[Any, ...]] = stats.stats  # type: ignore[attr-defined]
    rows = []
    total = 0.0
    for (filename, line, func), (_cc, ncalls, tottime, cumtime, _callers) in table.items():
        total += tottime
        where = _short(filename, line)
        rows.append((tottime, cumtime, ncalls, f"{func} ({where})"))
    rows.sort(reverse=True)
    lines = [
        f"  total own time {total * 1e6 / units:.2f} µs/event under cProfile ({units} events)",
        f"  {'own µs/ev':>9} {'cum µs/ev':>9} {'calls/ev':>8}  function",
    ]
    for tottime, cumtime, ncalls, name in rows[:top]:
        lines.append(
            f"  {tottime * 1e6 / units:9.3f} {cumtime * 1e6 / units:9.3f} "
            f"{ncalls / units:8.3f}  {name}"
        )
    return "\n".join(lines)


def _short(filename: str, line: int) -> str:
    if filename == "~":
        return "builtin"
    path = Path(filename)
    for anchor in ("claude", "urllib3", "msgspec", "returns", "http", "socket"):
        if anchor in path.parts:
            i = len(path.parts) - 1 - path.parts[::-1].index(anchor)
            return "/".join(path.parts[i:]) + f":{line}"
    return f"{path.name}:{line}"


# --- the report ----------------------------------------------------------------------------------


def _runs(e: dict[str, Any]) -> str:
    return f"{e['runs']}{' cold' if e['cold'] else ''} x{e['streams_per_sample']}"


def report(res: Results) -> str:
    m = res.meta
    lines = [
        f"bench_stream  {m['date']}  Python {m['python']}  {m['cpus']} CPUs  "
        f"anthropic {m['versions']['anthropic']}  urllib3 {m['versions']['urllib3']}  "
        f"msgspec {m['versions']['msgspec']}",
        "",
    ]
    n = next(iter(res.text.values()))["units"]
    lines.append(
        f"(a) text: {n} text_delta events folded to the final message "
        "(client CPU per stream, best of the runs)"
    )
    lines.append(
        f"  {'contender':30} {'CPU s':>9} {'events/CPU-s':>13} {'µs/event':>9} "
        f"{'x floor':>8} {'wall s':>8}  runs"
    )
    floor = res.text["floor"]["cpu_s"]
    for name in CONTENDERS:
        e = res.text[name]
        lines.append(
            f"  {LABELS[name]:30} {e['cpu_s']:9.4f} {e['units_per_cpu_s']:13,.0f} "
            f"{e['cpu_us_per_unit']:9.2f} {e['cpu_s'] / floor:8.2f} {e['wall_s']:8.3f}  {_runs(e)}"
        )
    lines.append("")
    lines.append(
        "(b) tool JSON: one tool_use block whose input arrives as N input_json_delta parts "
        "(client CPU per stream, best of the runs)"
    )
    lines.append(
        f"  {'contender':30} {'parts':>6} {'CPU s':>10} {'µs/part':>9} {'x floor':>8} "
        f"{'wall s':>8}  runs"
    )
    for name in CONTENDERS:
        for parts, got in res.tool.items():
            e = got[name]
            lines.append(
                f"  {LABELS[name]:30} {int(parts):6} {e['cpu_s']:10.5f} {e['cpu_us_per_unit']:9.2f} "
                f"{e['cpu_s'] / got['floor']['cpu_s']:8.2f} {e['wall_s']:8.4f}  {_runs(e)}"
            )
    lines.append("")
    lines.append("Ratios (claude unless named)")
    lines.append(f"  {'ratio':40} {'value':>8} {'target':>8}  verdict")
    for name, r in res.ratios.items():
        verdict = ("PASS" if r["pass"] else "MISS") if "target" in r else "(info)"
        lines.append(f"  {name:40} {r['value']:8.2f} {r.get('target', ''):>8}  {verdict}")
    for name, text in res.profile.items():
        lines.append("")
        lines.append(f"cProfile of claude Client.stream, {name}")
        lines.append(text)
    return "\n".join(lines)


def _counts(text: str) -> list[int]:
    out = [int(x) for x in text.split(",") if x.strip()]
    if any(x < 0 for x in out):
        raise argparse.ArgumentTypeError(f"counts must be >= 0: {text!r}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100_000, help="text_delta events (a)")
    parser.add_argument(
        "--parts",
        type=_counts,
        default=[1000, 5000, 10000],
        help="comma-separated input_json_delta part counts (b)",
    )
    parser.add_argument("--repeats", type=int, default=3, help="samples per measurement (min)")
    parser.add_argument(
        "--sample-seconds",
        type=float,
        default=0.25,
        help="about this much CPU per sample: short streams are read several times in a row",
    )
    parser.add_argument(
        "--slow",
        type=float,
        default=20.0,
        help="a contender whose warm-up stream costs more CPU seconds than this is run once",
    )
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--profile", action="store_true", help="cProfile claude's stream (text, largest tool)"
    )
    parser.add_argument("--top", type=int, default=25, help="functions shown by --profile")
    parser.add_argument(
        "--source",
        type=Path,
        default=common.REPO,
        help="directory holding the claude package to measure (default: this working tree)",
    )
    parser.add_argument(
        "--fail-on-miss", action="store_true", help="exit 1 if any target is missed"
    )
    parser.add_argument(
        "--serve",
        type=int,
        metavar="PORT",
        help="(internal) be the fault server for --events/--parts; 0 picks free ports",
    )
    args = parser.parse_args(argv)

    if args.serve is not None:
        scenarios = [Scenario("text", args.events)] if args.events else []
        scenarios += [Scenario("tool", n) for n in args.parts if n]
        return serve(args.serve, scenarios)

    if args.events < 1 or not args.parts or min(args.parts) < 1:
        parser.error("--events and every --parts count must be >= 1")
    args.parts = sorted(set(args.parts))
    common.use_source(args.source)
    return common.run_and_report(args, run, report)


if __name__ == "__main__":
    sys.exit(main())
