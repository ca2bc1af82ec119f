"""``python -m claude.testing``: run the local server in the foreground until Ctrl-C.

Prints the base URL and key as ``ANTHROPIC_BASE_URL=…`` / ``ANTHROPIC_API_KEY=…`` lines on stdout
(so a shell can ``eval`` or a script can read them), then serves until interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import threading

from claude.testing.server import DEFAULT_API_KEY, LocalServer

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    """Serve until Ctrl-C; 0 on a clean stop, 2 when the address cannot be bound."""
    parser = argparse.ArgumentParser(
        prog="python -m claude.testing",
        description="Run a local Anthropic-compatible API server with fault injection.",
    )
    parser.add_argument("--port", type=int, default=0, help="port to listen on (0: any free port)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--api-key", default=DEFAULT_API_KEY, help="the key clients must send")
    parser.add_argument(
        "--batch-processing",
        choices=("background", "instant"),
        default="background",
        help="when message batches end: from a worker thread soon after creation (default), "
        "or before the create call answers",
    )
    args = parser.parse_args(argv)
    stop_signals, mask_before = _block_stop_signals()
    try:
        return _serve(args, stop_signals)
    finally:
        if stop_signals:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask_before)


def _serve(args: argparse.Namespace, stop_signals: set[signal.Signals]) -> int:
    try:
        server = LocalServer(
            api_key=args.api_key,
            host=args.host,
            port=args.port,
            batch_processing=args.batch_processing,
        ).start()
    except OSError as error:
        print(f"cannot listen on {args.host}:{args.port}: {error}", file=sys.stderr)
        return 2
    # Ctrl-C is expected from the first line printed on, so the suppress wraps the prints too.
    with server, contextlib.suppress(KeyboardInterrupt):
        print(f"ANTHROPIC_BASE_URL={server.base_url}", flush=True)
        print(f"ANTHROPIC_API_KEY={server.api_key}", flush=True)
        print("Serving; press Ctrl-C to stop.", file=sys.stderr, flush=True)
        if stop_signals:
            signal.sigwait(stop_signals)
        else:
            threading.Event().wait()
    return 0


def _block_stop_signals() -> tuple[set[signal.Signals], set[int | signal.Signals]]:
    """Block SIGINT/SIGTERM before any server thread starts, so only `sigwait` ever takes them.

    Then a Ctrl-C can never land as a KeyboardInterrupt inside a lock, a print or the server's own
    shutdown: it simply returns from `sigwait` and the server closes in order. Where the platform has
    no `sigwait` (Windows), nothing is blocked and Ctrl-C interrupts the wait as usual. Returns the
    signals blocked and the mask to restore.
    """
    if not hasattr(signal, "sigwait") or threading.current_thread() is not threading.main_thread():
        return set(), set()
    wanted = {signal.SIGINT, signal.SIGTERM}
    return wanted, signal.pthread_sigmask(signal.SIG_BLOCK, wanted)


if __name__ == "__main__":
    sys.exit(main())
