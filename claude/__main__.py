"""``python -m claude "Say hello"``: one message through the whole stack, printed.

Exit status 0 on success, 1 when the API or the network failed, 2 when the request or the
settings were wrong; every failure is one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator, Sequence

import msgspec
from returns.result import Failure, Result

from claude.pure.accumulate import text_of
from claude.pure.curl import render_curl
from claude.pure.errors import ClaudeError, InvalidArgument, MissingCredentials
from claude.pure.wire import Message
from claude.shell.client import Client

__all__ = ["main"]

DEFAULT_MODEL = "claude-haiku-4-5"  # active; claude-sonnet-4-5 retires on 2026-11-30


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m claude",
        description="Send one message to Claude and print the reply.",
    )
    parser.add_argument("prompt", help="the user message")
    parser.add_argument(
        "--model", default=DEFAULT_MODEL, help=f"model id (default {DEFAULT_MODEL})"
    )
    parser.add_argument(
        "--max-tokens", type=int, default=1024, help="reply length cap (default 1024)"
    )
    parser.add_argument("--system", help="system prompt")
    parser.add_argument("--temperature", type=float, help="sampling temperature, 0 to 1")
    parser.add_argument(
        "--base-url", help="API base URL (default $ANTHROPIC_BASE_URL or the real API)"
    )
    parser.add_argument(
        "--api-version", default=None, help="anthropic-version header (2023-06-01 or 2026-10-21)"
    )
    parser.add_argument("--json", action="store_true", help="print the whole message as JSON")
    parser.add_argument(
        "--curl", action="store_true", help="print the equivalent curl command instead of sending"
    )
    parser.add_argument(
        "--stream", action="store_true", help="print the reply as it arrives (server-sent events)"
    )
    parser.add_argument(
        "--local",
        action="store_true",
        help="start the bundled local server in this process and send to it (no key, no network)",
    )
    return parser


def _request(args: argparse.Namespace) -> dict[str, object]:
    request: dict[str, object] = {
        "model": args.model,
        "max_tokens": args.max_tokens,
        "messages": [{"role": "user", "content": args.prompt}],
    }
    if args.system is not None:
        request["system"] = args.system
    if args.temperature is not None:
        request["temperature"] = args.temperature
    return request


@contextlib.contextmanager
def _client(args: argparse.Namespace) -> Iterator[Client]:
    """The client the flags ask for; with ``--local`` also the server it talks to."""
    version = {"api_version": args.api_version} if args.api_version else {}
    if args.local:
        from claude.testing import LocalServer

        with (
            LocalServer() as server,
            Client(api_key=server.api_key, base_url=server.base_url, **version) as client,
        ):
            yield client
        return
    env = dict(os.environ)
    if args.base_url:
        env["ANTHROPIC_BASE_URL"] = args.base_url
    if args.curl and not env.get("ANTHROPIC_API_KEY") and not env.get("ANTHROPIC_AUTH_TOKEN"):
        env["ANTHROPIC_API_KEY"] = "placeholder-the-curl-line-reads-it-from-the-environment"
    with Client.from_env(env, **version) as client:
        yield client


def _fail(error: ClaudeError) -> int:
    print(f"error: {error}", file=sys.stderr)
    return 2 if isinstance(error, InvalidArgument | MissingCredentials) else 1


def _print_message(result: Result[Message, ClaudeError], *, as_json: bool) -> int:
    if isinstance(result, Failure):
        return _fail(result.failure())
    message = result.unwrap()
    if as_json:
        print(msgspec.json.format(msgspec.json.encode(message).decode()))
    else:
        print(message.text)
    return 0


def _run(args: argparse.Namespace) -> int:
    with _client(args) as client:
        request = _request(args)
        if args.curl:
            built = client.build(request, stream=args.stream)
            if isinstance(built, Failure):
                return _fail(built.failure())
            print(render_curl(built.unwrap()))
            return 0
        if args.stream:
            return _stream(client, request, as_json=args.json)
        return _print_message(client.send(request), as_json=args.json)


def _stream(client: Client, request: dict[str, object], *, as_json: bool) -> int:
    with client.stream(request) as events:
        if not as_json:
            # Events, not text_stream(): a failure is printed below as one line, not raised.
            for event in events:
                text = text_of(event)
                if text:
                    print(text, end="", flush=True)
            print()
        final: Result[Message, ClaudeError] = events.final_message()
    if as_json or isinstance(final, Failure):
        return _print_message(final, as_json=True)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
    except Exception as exc:
        print(f"error: internal error ({type(exc).__name__}: {exc})", file=sys.stderr)
        return 70


if __name__ == "__main__":
    sys.exit(main())
