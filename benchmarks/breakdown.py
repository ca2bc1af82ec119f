"""Where ``Client.send`` / ``asend`` spend client CPU per request, stage by stage, next to the floor.

    .venv/bin/python benchmarks/breakdown.py [--calls 5000] [--source DIR] [--profile]

Each stage is timed alone with ``time.process_time()`` over ``--calls`` repetitions (the pure
stages need no server; the transport stages use the loopback server in a child process, whose CPU
is not counted). The sum of our stages minus the floor's is the overhead to chase. ``--profile``
also runs cProfile over sequential ``send`` and ``asend`` calls and prints the top functions by
own time, in µs per request (cProfile inflates every Python call, so read those numbers as
relative weights, the stage timings as the absolute ones).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio
import anyio.to_thread

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_core
import common
from bench_core import Floor, local_server
from common import REQUEST


def per_call(fn: Callable[[], object], calls: int) -> float:
    """Client CPU µs per call of ``fn`` (after a warm-up of a tenth of the calls)."""
    for _ in range(max(calls // 10, 10)):
        fn()
    gc.collect()
    t0 = time.process_time()
    for _ in range(calls):
        fn()
    return (time.process_time() - t0) / calls * 1e6


def aper_call(fn: Callable[[], Any], calls: int) -> float:
    async def main() -> float:
        for _ in range(max(calls // 10, 10)):
            await fn()
        gc.collect()
        t0 = time.process_time()
        for _ in range(calls):
            await fn()
        return (time.process_time() - t0) / calls * 1e6

    return anyio.run(main)


def stages(base_url: str, api_key: str, calls: int) -> list[tuple[str, float]]:
    from claude.pure import codec, request, response, validate
    from claude.pure.wire import Message, MessageRequest
    from claude.shell import Client, transport

    client = Client(api_key=api_key, base_url=base_url)
    target = client._target.unwrap()
    built = client.build(REQUEST).unwrap()
    typed = request.parse_message_request(REQUEST).unwrap()
    raw = transport.perform(client._pool, built, client.settings.timeouts).unwrap()
    plain_headers = dict(raw.headers)
    floor = Floor(base_url, api_key)
    floor_body = bench_core._floor_encoder.encode(REQUEST)
    timeout = floor.timeout
    out: list[tuple[str, float]] = []

    def add(name: str, us: float) -> None:
        out.append((name, us))
        print(f"  {name:64} {us:8.1f} µs", file=sys.stderr, flush=True)

    # the floor, piece by piece
    add(
        "floor: msgspec encode(dict)",
        per_call(lambda: bench_core._floor_encoder.encode(REQUEST), calls),
    )
    add(
        "floor: pool.urlopen (loopback round trip, client side)",
        per_call(
            lambda: floor.pool.urlopen(
                "POST",
                floor.url,
                body=floor_body,
                headers=floor.headers,
                retries=False,
                redirect=False,
                timeout=timeout,
                preload_content=True,
            ),
            calls,
        ),
    )
    add(
        "floor: decode minimal Struct",
        per_call(lambda: bench_core._floor_decoder.decode(raw.body), calls),
    )
    add("floor: whole call", per_call(lambda: floor.call(REQUEST), calls))

    # ours, piece by piece
    add(
        "ours: Client.build (all of the pure request side)",
        per_call(lambda: client.build(REQUEST), calls),
    )
    add(
        "  request.parse_message_request (unknown-key scan + convert)",
        per_call(lambda: request.parse_message_request(REQUEST), calls),
    )
    add(
        "    codec.convert(dict, MessageRequest)",
        per_call(lambda: codec.convert(REQUEST, MessageRequest), calls),
    )
    add(
        "  validate.validate",
        per_call(lambda: validate.validate(typed, api_version="2023-06-01"), calls),
    )
    add("  codec.encode(MessageRequest)", per_call(lambda: codec.encode(typed), calls))
    add(
        "  request.build_message_request (parse+validate+encode+Result chain)",
        per_call(lambda: request.build_message_request(REQUEST, target=target), calls),
    )
    add(
        "ours: transport.perform (urlopen + Timeout + RawResponse)",
        per_call(lambda: transport.perform(client._pool, built, client.settings.timeouts), calls),
    )
    add(
        "  urllib3.Timeout(...) construction",
        per_call(lambda: transport._timeout(client.settings.timeouts), calls),
    )
    add(
        "ours: response.decode_response (HTTPHeaderDict headers)",
        per_call(lambda: response.decode_response(200, raw.headers, raw.body), calls),
    )
    add(
        "  decode_response with a plain dict of headers",
        per_call(lambda: response.decode_response(200, plain_headers, raw.body), calls),
    )
    add(
        "    codec.decode(body, Message) (full typed Message)",
        per_call(lambda: codec.decode(raw.body, Message), calls),
    )
    add("ours: Client.send (whole)", per_call(lambda: client.send(REQUEST), calls))

    # the async hop
    def noop() -> None:
        return None

    async def hop() -> None:
        await anyio.to_thread.run_sync(noop, limiter=client.limiter())

    async def hop_default() -> None:
        await anyio.to_thread.run_sync(noop)

    async def asend() -> object:
        return await client.asend(REQUEST)

    add("anyio.to_thread.run_sync(noop, limiter=client limiter)", aper_call(hop, calls))
    add("anyio.to_thread.run_sync(noop) (default limiter)", aper_call(hop_default, calls))

    import asyncio

    async def aio_hop() -> None:
        await asyncio.get_running_loop().run_in_executor(None, noop)

    add(
        "asyncio loop.run_in_executor(None, noop) (for comparison)",
        asyncio_per_call(aio_hop, calls),
    )
    add("ours: Client.asend (whole)", aper_call(asend, calls))
    floor.close()
    client.close()
    return out


def asyncio_per_call(fn: Callable[[], Any], calls: int) -> float:
    import asyncio

    async def main() -> float:
        for _ in range(max(calls // 10, 10)):
            await fn()
        gc.collect()
        t0 = time.process_time()
        for _ in range(calls):
            await fn()
        return (time.process_time() - t0) / calls * 1e6

    return asyncio.run(main())


def profile(base_url: str, api_key: str, calls: int, top: int) -> None:
    from claude.shell import Client

    client = Client(api_key=api_key, base_url=base_url)
    for _ in range(200):
        client.send(REQUEST)

    def report(prof: cProfile.Profile, title: str) -> None:
        stats = pstats.Stats(prof)
        rows = []
        for (file, line, name), (_cc, nc, tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
            rows.append((tt, ct, nc, f"{Path(file).name}:{line}({name})"))
        rows.sort(reverse=True)
        print(f"\ncProfile, {title}: top {top} by own time, µs per request (calls per request)")
        print(f"  {'own µs':>8} {'cum µs':>8} {'calls':>6}  function")
        for tt, ct, nc, where in rows[:top]:
            print(f"  {tt / calls * 1e6:8.1f} {ct / calls * 1e6:8.1f} {nc / calls:6.1f}  {where}")

    prof = cProfile.Profile()
    prof.enable()
    for _ in range(calls):
        client.send(REQUEST)
    prof.disable()
    report(prof, f"{calls} x Client.send")

    # asend: the profiler only sees the thread it was enabled in, so profile both sides: the
    # event loop's thread here and the worker's via threading.setprofile-free wrapping of send.
    worker_prof = cProfile.Profile()
    send = client.send

    def profiled_send(*args: Any, **kwargs: Any) -> Any:
        worker_prof.enable()
        try:
            return send(*args, **kwargs)
        finally:
            worker_prof.disable()

    loop_prof = cProfile.Profile()

    async def main() -> None:
        for _ in range(200):
            await client.asend(REQUEST)
        client.send = profiled_send  # type: ignore[method-assign]
        loop_prof.enable()
        for _ in range(calls):
            await client.asend(REQUEST)
        loop_prof.disable()

    anyio.run(main)
    report(loop_prof, f"{calls} x Client.asend, event-loop thread")
    del client.send
    client.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=5000)
    parser.add_argument("--source", type=Path, default=common.REPO)
    parser.add_argument("--profile", action="store_true", help="also run cProfile")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    common.use_source(args.source)
    with local_server() as (base_url, api_key):
        rows = stages(base_url, api_key, args.calls)
        print(f"\nClient CPU per call, {args.calls} calls each")
        for name, us in rows:
            print(f"  {name:68} {us:8.1f} µs")
        if args.profile:
            profile(base_url, api_key, args.calls, args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
