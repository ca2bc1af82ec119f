"""``python -m claude.testing``: run the local server in the foreground until Ctrl-C.

Prints the base URL and key as ``ANTHROPIC_BASE_URL=…`` / ``ANTHROPIC_API_KEY=…`` lines on stdout
(so a shell can ``eval`` or a script can read them), then serves until interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
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
    args = parser.parse_args(argv)
    try:
        server = LocalServer(api_key=args.api_key, host=args.host, port=args.port).start()
    except OSError as error:
        print(f"cannot listen on {args.host}:{args.port}: {error}", file=sys.stderr)
        return 2
    # Ctrl-C is expected from the first line printed on, so the suppress wraps the prints too.
    with server, contextlib.suppress(KeyboardInterrupt):
        print(f"ANTHROPIC_BASE_URL={server.base_url}", flush=True)
        print(f"ANTHROPIC_API_KEY={server.api_key}", flush=True)
        print("Serving; press Ctrl-C to stop.", file=sys.stderr, flush=True)
        threading.Event().wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
