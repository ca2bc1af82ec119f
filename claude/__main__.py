"""``python -m claude "Say hello"`` (or ``api-claude``): one message through the whole stack, printed.

The first word that is not a flag picks a subcommand (``chat``, ``count-tokens``, ``models``,
``batch``, ``files``: see ``claude.cli``); anything else is the prompt of one message. Put ``--``
before a prompt that is one of those words.

Exit status 0 on success, 1 when the API or the network failed, 2 when the request or the
settings were wrong; every failure is one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import msgspec
from returns.result import Failure, Result

from claude._version import __version__
from claude.cli.common import (
    DEFAULT_MODEL,
    Parser,
    add_connection_flags,
    add_message_flags,
    check_connection,
    client_for,
    fail,
    note_stop,
    program_name,
)
from claude.cli.prompt import prompt_text, user_content
from claude.pure.accumulate import text_of
from claude.pure.curl import render_curl
from claude.pure.errors import ClaudeError
from claude.pure.wire import Message
from claude.shell.client import Client

__all__ = ["DEFAULT_MODEL", "main"]

COMMANDS = ("chat", "count-tokens", "models", "batch", "files")


def _parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog=program_name(),
        description="Send one message to Claude and print the reply. Subcommands: "
        + ", ".join(COMMANDS)
        + f" (`{program_name()} COMMAND --help`).",
    )
    parser.add_argument(
        "prompt",
        nargs="?",
        help="the user message; '-' or absent (with a pipe on stdin) reads it from stdin",
    )
    add_message_flags(parser)
    add_connection_flags(parser)
    parser.add_argument(
        "--curl", action="store_true", help="print the equivalent curl command instead of sending"
    )
    parser.add_argument(
        "--stream", action="store_true", help="print the reply as it arrives (server-sent events)"
    )
    parser.add_argument("--version", action="version", version=f"api-claude {__version__}")
    return parser


def _command_of(argv: Sequence[str], parser: argparse.ArgumentParser) -> str | None:
    """The subcommand named by the first word that is neither a flag nor a flag's value."""
    takes_value = {
        name for action in parser._actions if action.nargs != 0 for name in action.option_strings
    }
    skip = False
    for token in argv:
        if skip:
            skip = False
        elif token == "--":
            return None
        elif token.startswith("-") and token != "-":
            skip = "=" not in token and token in takes_value
        else:
            return token if token in COMMANDS else None
    return None


def _request(args: argparse.Namespace, content: object) -> dict[str, object]:
    request: dict[str, object] = {
        "model": args.model,
        "max_tokens": args.max_tokens,
        "messages": [{"role": "user", "content": content}],
    }
    if args.system is not None:
        request["system"] = args.system
    if args.temperature is not None:
        request["temperature"] = args.temperature
    return request


def _fail(error: ClaudeError) -> int:
    return fail(error)


def _print_message(
    result: Result[Message, ClaudeError], *, as_json: bool, max_tokens: int | None = None
) -> int:
    if isinstance(result, Failure):
        return _fail(result.failure())
    message = result.unwrap()
    if as_json:
        print(msgspec.json.format(msgspec.json.encode(message).decode()))
    else:
        print(message.text)
    if max_tokens is not None:
        note_stop(message, max_tokens=max_tokens)
    return 0


def _run(args: argparse.Namespace) -> int:
    refused = check_connection(args)
    if refused is not None:
        return refused
    text = prompt_text(args.prompt, sys.stdin)
    if isinstance(text, Failure):
        return _fail(text.failure())
    content = user_content(text.unwrap(), args.file)
    if isinstance(content, Failure):
        return _fail(content.failure())
    with client_for(args, placeholder_key=args.curl) as client:
        request = _request(args, content.unwrap())
        if args.curl:
            built = client.build(request, stream=args.stream)
            if isinstance(built, Failure):
                return _fail(built.failure())
            print(render_curl(built.unwrap()))
            return 0
        if args.stream:
            return _stream(client, request, as_json=args.json)
        return _print_message(client.send(request), as_json=args.json, max_tokens=args.max_tokens)


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
    max_tokens = request.get("max_tokens")
    cap = max_tokens if isinstance(max_tokens, int) else None
    if as_json or isinstance(final, Failure):
        return _print_message(final, as_json=True, max_tokens=cap)
    if cap is not None:
        note_stop(final.unwrap(), max_tokens=cap)
    return 0


def _dispatch(argv: Sequence[str]) -> int:
    parser = _parser()
    command = _command_of(argv, parser)
    if command is not None:
        from claude.cli.commands import run_command

        return run_command(argv)
    return _run(parser.parse_args(argv))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    try:
        return _dispatch(sys.argv[1:] if argv is None else list(argv))
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
