"""Structured-output overhead: ``parse`` next to ``send``, and the SDK's ``messages.parse`` next to
its ``messages.create``, on the same loopback server, in the same run.

Run it from the repository root::

    .venv/bin/python benchmarks/bench_parse.py [--requests 2000] [--rounds 5] [--json out.json]

Theory of operation
-------------------
One bundled server (``python -m claude.testing``, see ``bench_core.local_server``) runs in its own
process and answers a request carrying ``output_config.format`` with JSON text that fits the
schema (``claude.testing.scripted``), so every contender gets a reply to decode. Client CPU per
call (``time.process_time()``: the server's CPU is in the child) is measured for:

* **claude send** / **claude parse**: ``Client.send(request)`` and ``Client.parse(request, Weather)``
  (a ``msgspec.Struct``); the difference is the parse overhead: the schema, built once per type and
  cached, put into the request, and the reply's text decoded into the type on every call;
* **anthropic create** / **anthropic parse**: ``messages.create`` with the same ``output_config``,
  and ``messages.parse(output_format=WeatherModel)`` (the Pydantic twin).

Each contender makes ``--requests`` calls split into ``--rounds`` rounds in rotating order, after
a warm-up; the figure is the median round's CPU per call. Two pure figures isolate the pieces:
``with_output_type`` per call (the cached schema copied into a request) and ``decode_output`` per
reply. There are no targets: the report is the overhead in microseconds and as a ratio.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anthropic
import bench_core
import common
import msgspec
import pydantic


class Weather(msgspec.Struct):
    """The answer asked for."""

    city: str
    celsius: float


class WeatherModel(pydantic.BaseModel):
    """The same answer as a Pydantic model, for the SDK."""

    city: str
    celsius: float


@dataclass
class Results:
    """Every figure of one run (CPU µs per call, median of rounds)."""

    meta: dict[str, Any] = field(default_factory=dict)
    cpu_us: dict[str, float] = field(default_factory=dict)
    pure_us: dict[str, float] = field(default_factory=dict)
    ratios: dict[str, dict[str, Any]] = field(default_factory=dict)


def _per_call(call: Callable[[], object], n: int) -> float:
    """CPU microseconds per call over ``n`` calls."""
    gc.collect()
    start = time.process_time()
    for _ in range(n):
        call()
    return (time.process_time() - start) / n * 1e6


def run(args: argparse.Namespace) -> Results:
    """Start the server, measure every contender in rotating rounds, and the pure pieces."""
    from claude.pure.structured import decode_output, with_output_type
    from claude.pure.wire import Message, MessageRequest
    from claude.shell import Client

    res = Results(meta={"requests": args.requests, "rounds": args.rounds})
    sdk_config = {"format": {"type": "json_schema", "schema": _sdk_schema()}}
    create_args: dict[str, Any] = {**common.REQUEST, "output_config": sdk_config}
    with bench_core.local_server() as (base_url, api_key):
        client = Client(api_key=api_key, base_url=base_url)
        sdk = anthropic.Anthropic(api_key=api_key, base_url=base_url, max_retries=0)
        calls: dict[str, Callable[[], object]] = {
            "claude send": lambda: client.send(common.REQUEST).unwrap(),
            "claude parse": lambda: client.parse(common.REQUEST, Weather).unwrap(),
            "anthropic create": lambda: sdk.messages.create(**create_args),
            "anthropic parse": lambda: (
                sdk.messages.parse(**common.REQUEST, output_format=WeatherModel).parsed_output
            ),
        }
        per_round = max(1, args.requests // args.rounds)
        samples: dict[str, list[float]] = {name: [] for name in calls}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            for name, call in calls.items():
                common.log(f"warm-up: {name}")
                _per_call(call, args.warmup)
            for r in range(args.rounds):
                for name in common.rotate(list(calls), r):
                    samples[name].append(_per_call(calls[name], per_round))
        reply = client.parse(common.REQUEST, Weather).unwrap().message
        client.close()
        sdk.close()
    res.cpu_us = {name: statistics.median(s) for name, s in samples.items()}
    request = MessageRequest(**common.REQUEST)
    res.pure_us = {
        "with_output_type (schema cached)": _per_call(
            lambda: with_output_type(request, Weather).unwrap(), args.pure_calls
        ),
        "decode_output": _per_call(lambda: decode_output(reply, Weather).unwrap(), args.pure_calls),
    }
    assert isinstance(reply, Message)
    ours = res.cpu_us["claude parse"] - res.cpu_us["claude send"]
    theirs = res.cpu_us["anthropic parse"] - res.cpu_us["anthropic create"]
    res.ratios = {
        "parse_cpu_vs_sdk_parse": {
            "value": res.cpu_us["claude parse"] / res.cpu_us["anthropic parse"]
        },
        "parse_overhead_us": {"value": ours},
        "sdk_parse_overhead_us": {"value": theirs},
    }
    return res


def _sdk_schema() -> dict[str, Any]:
    """The schema the SDK sends for WeatherModel (its own transform), for ``create``."""
    from anthropic.lib._parse._transform import transform_schema

    return transform_schema(WeatherModel.model_json_schema())


def report(res: Results) -> str:
    """The figures as a small table."""
    lines = ["client CPU per call (µs, median round)", ""]
    lines += [f"  {name:<34} {us:8.1f}" for name, us in res.cpu_us.items()]
    lines += ["", "pure pieces (µs per call)", ""]
    lines += [f"  {name:<34} {us:8.2f}" for name, us in res.pure_us.items()]
    lines += ["", "overhead of parsing", ""]
    lines += [f"  {name:<34} {r['value']:8.2f}" for name, r in res.ratios.items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000, help="calls per contender")
    parser.add_argument("--rounds", type=int, default=5, help="rounds, in rotating order")
    parser.add_argument("--warmup", type=int, default=50, help="warm-up calls per contender")
    parser.add_argument("--pure-calls", type=int, default=20000, help="calls per pure figure")
    parser.add_argument(
        "--source",
        type=Path,
        default=common.REPO,
        help="the directory whose claude/ is measured (default: this working tree)",
    )
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument("--fail-on-miss", action="store_true", help="(no targets here)")
    args = parser.parse_args(argv)
    common.use_source(args.source)
    return common.run_and_report(args, run, report)


if __name__ == "__main__":
    raise SystemExit(main())
