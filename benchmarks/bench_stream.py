"""The streaming benchmark: client CPU to read and fold a stream, and peak memory, side by side.

Run it from the repository root::

    .venv/bin/python benchmarks/bench_stream.py [--events 20000] [--parts 1000,10000]
        [--framings event,bulk] [--line-ends lf,crlf,cr] [--memory-events 1000000]
        [--no-sdk] [--json out.json] [--profile]

Theory of operation
-------------------
The replies come from the bundled loopback server (``claude.testing.LocalServer``), steered by
its faults: ``Fault(text_events=N)`` makes the text block arrive as exactly N ``text_delta``
events, ``Fault(tool_json_parts=N)`` adds a ``tool_use`` block whose input
(``{"query": ..., "numbers": [0, ..., N-1]}``) arrives as exactly N ``input_json_delta`` parts.
Each reply is served under every framing asked for: ``event`` (``per_event_chunks``: one HTTP
chunk per SSE event, as the API sends, so a ``read1`` returns about one event) and ``bulk``
(256 KiB pieces, about 500 events per read), with ``lf``, ``crlf`` or ``cr`` line ends
(``Fault.line_end``). This script starts a copy of itself as the server (``--serve 0
--scenarios ...``): one child process holding one ``LocalServer`` per scenario, each with its
fault queued for every request it will ever get. The server's CPU is spent in that child, so
``time.process_time()`` here counts the client's CPU only.

Every contender reads the same server, with the same request body, in the same run:

* **floor**: raw urllib3 (``preload_content=False``, a ``read1(65536)`` loop) and msgspec, but as
  correct as we are: CR, CRLF and LF line ends with any chunking (a CR ending a read is held
  back in case an LF follows), a BOM, the API's frame cut by three C calls and anything else by
  the general field rules, one msgspec tagged-union decode per event, events of unknown types
  kept, an ``error`` event or a stream without ``message_stop`` refused. Text pieces appended to
  a list and joined at ``content_block_stop``; tool JSON joined and decoded once there.
* **claude**: ``with Client.stream(request) as events: events.final_message().unwrap()``.
* **anthropic**: ``with Anthropic(max_retries=0).messages.stream(**request) as s:
  s.get_final_message()`` (``--no-sdk`` leaves it out).

Each contender first reads one stream from each server (the warm-up: it opens the connection,
and its result is checked against the other contenders': same text, same tool input, same stop
reason). A sample is then ``k`` streams in a row, ``k`` chosen from the warm-up so that a sample
lasts about ``--sample-seconds`` of CPU; the figure is client CPU per stream, the best (min) of
``--repeats`` samples, taken in rotating contender order. A contender whose warm-up stream alone
costs more than ``--slow`` CPU seconds is not repeated: its warm-up is its one (cold) sample.

Peak memory: one ``--memory-events`` text stream (per-event framing, LF) is folded by the floor
and by claude, each in a fresh process (``--fold-once``), ``--memory-repeats`` times in
alternating order. The figure is the ``tracemalloc`` peak of that stream (tracing starts just
before it, imports done and clients built): what the read and the fold allocated at most, the
final message included. Not ``ru_maxrss``: that high-water mark is already raised by imports and
start-up, so a stream that reuses freed memory would show as almost nothing. Best of the runs.

``--profile`` runs cProfile over ``claude``'s stream on the ``event/lf`` scenarios and prints the
functions with the most own time, in µs per event (cProfile inflates every Python call: read
these as relative weights, the table as the absolute numbers).

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

STREAM_TARGET = 1.2  # claude CPU per stream / the correct floor's, at every framing and line end
MEMORY_TARGET = 1.1  # claude peak memory folding the memory test's stream / the floor's


FRAMINGS = ("event", "bulk")
LINE_ENDS = {"lf": "\n", "crlf": "\r\n", "cr": "\r"}


@dataclass(frozen=True)
class Scenario:
    """One server's reply: ``kind`` is ``text`` (N text deltas) or ``tool`` (N JSON parts),
    framed ``event`` (one HTTP chunk per SSE event, as the API sends) or ``bulk`` (256 KiB
    pieces, about 500 events per read), with ``lf``, ``crlf`` or ``cr`` line ends."""

    kind: str
    n: int
    framing: str = "event"
    line_end: str = "lf"

    @property
    def name(self) -> str:
        return f"{self.kind}:{self.n}:{self.framing}:{self.line_end}"

    @property
    def condition(self) -> str:
        return f"{self.framing}/{self.line_end}"

    @staticmethod
    def parse(name: str) -> Scenario:
        kind, n, framing, line_end = name.split(":")
        return Scenario(kind, int(n), framing, line_end)

    def fault(self) -> Any:
        from claude.testing import Fault

        shape = {"text_events": self.n} if self.kind == "text" else {"tool_json_parts": self.n}
        return Fault(
            **shape,  # type: ignore[arg-type]
            per_event_chunks=self.framing == "event",
            line_end=LINE_ENDS[self.line_end],
        )


# --- the server (this script run with --serve) ---------------------------------------------------


def serve(port: int, scenarios: list[Scenario]) -> int:
    """Start one LocalServer per scenario, its fault queued for every request; serve until stopped.

    Prints ``SERVER <scenario> <base_url>`` per server, ``ANTHROPIC_API_KEY=...`` and ``READY``.
    With a non-zero ``port`` the servers take consecutive ports from it.
    """
    from claude.testing import LocalServer

    # Stop cleanly on SIGTERM (what the benchmark sends) and on Ctrl-C, even where SIGINT came in
    # ignored (a background job of a non-interactive shell): both run the `finally` below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGINT, signal.default_int_handler)
    servers: list[LocalServer] = []
    try:
        for i, scenario in enumerate(scenarios):
            server = LocalServer(port=port + i if port else 0).start()
            servers.append(server)
            server.inject(scenario.fault(), times=FOREVER)
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
    proc = subprocess.Popen(
        [
            sys.executable,
            str(Path(__file__).resolve()),
            "--serve",
            "0",
            "--scenarios",
            ",".join(s.name for s in scenarios),
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
    unknown: list[bytes] = field(default_factory=list)  # events of types the floor does not know


_BOM = b"\xef\xbb\xbf"


class _FloorFold:
    """The floor's fold, one SSE event (its lines, LF-separated, the blank line cut off) at a time.

    The API's frame (``event: NAME`` then one ``data:`` line) is cut by three C calls; anything
    else goes through the general field rules (comments, several data lines, no space after the
    colon, ``id`` and ``retry`` lines ignored). An event of a type the decoder does not know is
    kept as its raw data; an ``error`` event is recorded and makes the stream a failure.
    """

    def __init__(self, decode: Callable[[bytes], Any]) -> None:
        self.decode = decode
        self.content: list[tuple[Any, ...]] = []
        self.pieces: list[str] = []
        self.append = self.pieces.append
        self.block = _BlockHead(type="")
        self.head: _MessageHead | None = None
        self.stop_reason: str | None = None
        self.output_tokens = 0
        self.stopped = False
        self.error: bytes | None = None
        self.unknown: list[bytes] = []

    def handle(self, raw: bytes) -> None:
        i = raw.find(b"\n")
        if (
            raw.startswith(b"event: ")
            and raw.startswith(b"data: ", i + 1)
            and raw.find(b"\n", i + 1) < 0
        ):
            data = raw[i + 7 :]
        else:
            lines = []
            for line in raw.split(b"\n"):
                if not line or line[0] == 0x3A:  # empty (a leading blank line) or a comment
                    continue
                name, _, value = line.partition(b":")
                if name == b"data":
                    lines.append(value[1:] if value[:1] == b" " else value)
            if not lines:
                return  # no data line: nothing is dispatched
            data = b"\n".join(lines)
        try:
            event = self.decode(data)
        except msgspec.ValidationError:
            if b'"error"' in data:
                self.error = data
            else:
                self.unknown.append(data)
            return
        if type(event) is _BlockDelta:
            delta = event.delta
            self.append(delta.text if isinstance(delta, _TextDelta) else delta.partial_json)
        elif type(event) is _BlockStart:
            self.block = event.content_block
            self.pieces = []
            self.append = self.pieces.append
        elif type(event) is _BlockStop:
            block = self.block
            if block.type == "tool_use":
                joined = "".join(self.pieces)
                self.content.append(
                    ("tool_use", block.name, msgspec.json.decode(joined) if joined else {})
                )
            else:
                self.content.append((block.type, block.text + "".join(self.pieces)))
        elif type(event) is _MessageStart:
            self.head = event.message
            self.output_tokens = self.head.usage.output_tokens
        elif type(event) is _MessageDelta:
            self.stop_reason = event.delta.stop_reason
            self.output_tokens = event.usage.output_tokens
        elif type(event) is _MessageStop:
            self.stopped = True


class Floor:
    """The least a correct streaming client can do: one pooled urlopen, split, decode, append,
    join; CR, CRLF and LF line ends, any chunking, a BOM, unknown events kept, a stream without
    ``message_stop`` (or with an ``error`` event) refused."""

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
        read1 = response.read1
        folder = _FloorFold(self.decoder.decode)
        handle = folder.handle
        buffer = b""
        at_start = True
        while chunk := read1(65536):
            if buffer:
                chunk = buffer + chunk
            if at_start:
                if len(chunk) < 3 and _BOM.startswith(chunk):
                    buffer = chunk
                    continue
                at_start = False
                if chunk.startswith(_BOM):
                    chunk = chunk[3:]
            held = b""
            if b"\r" in chunk:
                # A CR at the end may be the first half of a CRLF: hold it for the next read.
                if chunk.endswith(b"\r"):
                    chunk, held = chunk[:-1], b"\r"
                chunk = chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
            events = chunk.split(b"\n\n")
            buffer = events.pop() + held
            for raw in events:
                handle(raw)
        if buffer:  # a final lone CR is a line end after all
            events = buffer.replace(b"\r", b"\n").split(b"\n\n")
            events.pop()
            for raw in events:
                handle(raw)
        response.release_conn()
        if folder.error is not None:
            raise RuntimeError(f"floor: the stream failed: {folder.error!r}")
        if folder.head is None or not folder.stopped:
            raise RuntimeError("floor: the stream ended before message_stop")
        return FloorMessage(
            folder.head.id, folder.content, folder.stop_reason, folder.output_tokens, folder.unknown
        )

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

    def __init__(self, base_url: str, api_key: str, *, sdk: bool = True) -> None:
        from claude.shell import Client  # after --source has chosen which claude

        self.floor = Floor(base_url, api_key)
        self.claude = Client(api_key=api_key, base_url=base_url)
        self.sdk = (
            anthropic.Anthropic(api_key=api_key, base_url=base_url, max_retries=0) if sdk else None
        )

    def close(self) -> None:
        self.floor.close()
        self.claude.close()
        if self.sdk is not None:
            self.sdk.close()

    def calls(self) -> dict[str, Callable[[], Any]]:
        calls: dict[str, Callable[[], Any]] = {"floor": self.run_floor, "claude": self.run_claude}
        if self.sdk is not None:
            calls["anthropic"] = self.run_sdk
        return calls

    def run_floor(self) -> FloorMessage:
        return self.floor.stream(common.REQUEST)

    def run_claude(self) -> Any:
        with self.claude.stream(common.REQUEST) as events:
            return events.final_message().unwrap()

    def run_sdk(self) -> Any:
        assert self.sdk is not None
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
    # scenario kind ("text" or "tool:N") -> condition ("event/lf", ...) -> contender -> entry
    cpu: dict[str, dict[str, dict[str, dict[str, Any]]]] = field(default_factory=dict)
    memory: dict[str, Any] = field(default_factory=dict)
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


def _kind(scenario: Scenario) -> str:
    return "text" if scenario.kind == "text" else f"tool:{scenario.n}"


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
    shapes = ([("text", args.events)] if args.events else []) + [("tool", n) for n in args.parts]
    scenarios = [
        Scenario(kind, n, framing, line_end)
        for kind, n in shapes
        for framing in args.framings
        for line_end in args.line_ends
    ]
    if args.events or args.parts:
        with fault_servers(scenarios) as (urls, key):
            for scenario in scenarios:
                common.log(f"{scenario.name} at {urls[scenario.name]}")
                c = Contenders(urls[scenario.name], key, sdk=not args.no_sdk)
                try:
                    samples, cold = measure(
                        c.calls(),
                        repeats=args.repeats,
                        sample_seconds=args.sample_seconds,
                        slow=args.slow,
                    )
                    if args.profile and scenario.condition == "event/lf":
                        res.profile[scenario.name] = profile(c.run_claude, scenario.n, args.top)
                finally:
                    c.close()
                res.cpu.setdefault(_kind(scenario), {})[scenario.condition] = {
                    name: _entry(got, cold[name], scenario.n) for name, got in samples.items()
                }
    if args.memory_events:
        res.memory = memory(args.memory_events, args.memory_repeats)
    res.ratios = ratios(res)
    return res


def ratios(res: Results) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for kind, conditions in res.cpu.items():
        for condition, got in conditions.items():
            floor = got["floor"]["cpu_s"]
            out[f"{kind}@{condition} claude/floor"] = {
                "value": got["claude"]["cpu_s"] / floor,
                "target": f"<= {STREAM_TARGET:.2f}",
                "pass": got["claude"]["cpu_s"] / floor <= STREAM_TARGET,
            }
            if "anthropic" in got:
                out[f"{kind}@{condition} anthropic/claude"] = {
                    "value": got["anthropic"]["cpu_s"] / got["claude"]["cpu_s"]
                }
    if res.memory:
        value = res.memory["claude"]["peak_kib"] / max(1, res.memory["floor"]["peak_kib"])
        out["memory claude/floor"] = {
            "value": value,
            "target": f"<= {MEMORY_TARGET:.2f}",
            "pass": value <= MEMORY_TARGET,
        }
    return out


# --- peak memory (each fold in a fresh process) --------------------------------------------------


def memory(events: int, repeats: int) -> dict[str, Any]:
    """Peak memory of folding one ``events``-event text stream, floor and claude, each in a fresh
    process (this script with ``--fold-once``), ``repeats`` times in alternating order; the
    figure is the ``tracemalloc`` peak of the stream (see ``fold_once``): the memory the read and
    the fold needed, the final message included."""
    scenario = Scenario("text", events, "event", "lf")
    got: dict[str, list[int]] = {"floor": [], "claude": []}
    with fault_servers([scenario], start_timeout=120.0) as (urls, key):
        for r in range(repeats):
            for name in common.rotate(list(got), r):
                out = subprocess.run(
                    [
                        sys.executable,
                        str(Path(__file__).resolve()),
                        "--fold-once",
                        name,
                        urls[scenario.name],
                        key,
                        "--source",
                        str(common.SOURCE),
                    ],
                    cwd=common.SOURCE,
                    env=common.child_env(),
                    capture_output=True,
                    text=True,
                    check=True,
                )
                kib = int(out.stdout.split()[-1])
                got[name].append(kib)
                common.log(f"    memory round {r + 1}/{repeats} {name:8} +{kib / 1024:8.1f} MiB")
    return {
        name: {"peak_kib": min(values), "peak_kib_per_run": values, "events": events}
        for name, values in got.items()
    }


def fold_once(name: str, base_url: str, api_key: str) -> int:
    """(child of ``memory``) Read one stream and print the peak of the memory Python allocated
    for it, in KiB (``tracemalloc``, started just before the stream: exact, and blind to what
    was allocated and freed before, unlike ``ru_maxrss``, a high-water mark that imports and
    start-up have already raised). No warm-up stream: the connection is opened in the stream,
    a few KiB at most."""
    import tracemalloc

    c = Contenders(base_url, api_key, sdk=False)
    call = c.calls()[name]
    gc.collect()
    tracemalloc.start()
    result = call()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del result
    print(peak // 1024)
    return 0


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
        f"msgspec {m['versions']['msgspec']}  source {m['source_commit']}",
        "",
        "Client CPU per stream, best of the runs, folded to the final message. Framing: event = one",
        "HTTP chunk per SSE event (the API's), bulk = 256 KiB pieces; line ends LF, CRLF or CR.",
    ]
    for kind, conditions in res.cpu.items():
        first = next(iter(next(iter(conditions.values())).values()))
        what = "text_delta events" if kind == "text" else "input_json_delta parts"
        lines.append("")
        lines.append(f"{kind}: {first['units']} {what}")
        lines.append(
            f"  {'framing':11} {'floor µs/u':>10} {'claude µs/u':>11} {'claude/floor':>12} "
            f"{'sdk µs/u':>9} {'sdk/claude':>10}  runs (floor, claude, sdk)"
        )
        for condition, got in conditions.items():
            f, c = got["floor"], got["claude"]
            sdk = got.get("anthropic")
            sdk_cols = (
                f"{sdk['cpu_us_per_unit']:9.2f} {sdk['cpu_s'] / c['cpu_s']:10.1f}"
                if sdk
                else f"{'-':>9} {'-':>10}"
            )
            runs = ", ".join(_runs(e) for e in got.values())
            lines.append(
                f"  {condition:11} {f['cpu_us_per_unit']:10.2f} {c['cpu_us_per_unit']:11.2f} "
                f"{c['cpu_s'] / f['cpu_s']:12.2f} {sdk_cols}  {runs}"
            )
    if res.memory:
        n = res.memory["floor"]["events"]
        lines.append("")
        lines.append(
            f"Peak memory folding {n:,} text events (event/lf), fresh process each, "
            "tracemalloc peak of the stream, best of the runs"
        )
        for name in ("floor", "claude"):
            e = res.memory[name]
            runs = ", ".join(f"{k / 1024:.1f}" for k in e["peak_kib_per_run"])
            lines.append(f"  {name:8} {e['peak_kib'] / 1024:8.1f} MiB   (runs: {runs})")
    lines.append("")
    lines.append("Ratios")
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


def _choices(allowed: tuple[str, ...]) -> Callable[[str], list[str]]:
    def parse(text: str) -> list[str]:
        out = [x.strip() for x in text.split(",") if x.strip()]
        bad = [x for x in out if x not in allowed]
        if bad or not out:
            raise argparse.ArgumentTypeError(f"choose from {','.join(allowed)}: {text!r}")
        return out

    return parse


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--events", type=int, default=20_000, help="text_delta events (0: none)")
    parser.add_argument(
        "--parts",
        type=_counts,
        default=[1000, 10000],
        help="comma-separated input_json_delta part counts (empty: none)",
    )
    parser.add_argument(
        "--framings",
        type=_choices(FRAMINGS),
        default=list(FRAMINGS),
        help="event (one chunk per SSE event, the API's) and/or bulk (256 KiB pieces)",
    )
    parser.add_argument(
        "--line-ends",
        type=_choices(tuple(LINE_ENDS)),
        default=list(LINE_ENDS),
        help="lf, crlf and/or cr",
    )
    parser.add_argument("--no-sdk", action="store_true", help="leave the anthropic SDK out")
    parser.add_argument(
        "--memory-events",
        type=int,
        default=1_000_000,
        help="text events for the peak memory test (0: skip it)",
    )
    parser.add_argument("--memory-repeats", type=int, default=2, help="fresh processes each")
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
        default=5.0,
        help="a contender whose warm-up stream costs more CPU seconds than this is run once",
    )
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--profile", action="store_true", help="cProfile claude's stream (event/lf scenarios)"
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
        help="(internal) be the fault server for --scenarios; 0 picks free ports",
    )
    parser.add_argument("--scenarios", default="", help="(internal) the servers --serve runs")
    parser.add_argument(
        "--fold-once", nargs=3, metavar=("WHO", "URL", "KEY"), help="(internal) memory probe"
    )
    args = parser.parse_args(argv)

    if args.serve is not None:
        return serve(args.serve, [Scenario.parse(x) for x in args.scenarios.split(",") if x])
    if args.fold_once is not None:
        common.use_source(args.source)
        return fold_once(*args.fold_once)

    if args.events < 0 or min(args.parts, default=1) < 1:
        parser.error("--events must be >= 0 and every --parts count >= 1")
    args.parts = sorted(set(args.parts))
    common.use_source(args.source)
    return common.run_and_report(args, run, report)


if __name__ == "__main__":
    sys.exit(main())
