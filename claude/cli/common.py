"""What every command shares: the connection flags, the client they ask for, one-line errors.

Exit status is 0 on success, 1 when the API or the network failed, 2 when the request or the
settings were wrong (``USAGE``); every failure is one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from collections.abc import Iterator
from typing import NoReturn

from claude.pure.errors import ApiError, ClaudeError, InvalidArgument, MissingCredentials
from claude.pure.wire import Message
from claude.shell.client import Client

__all__ = [
    "DEFAULT_MODEL",
    "FAILED",
    "USAGE",
    "Parser",
    "add_connection_flags",
    "add_message_flags",
    "check_connection",
    "client_for",
    "error_line",
    "fail",
    "note_stop",
    "program_name",
    "usage_error",
]

FAILED = 1
"""Exit status when the API or the network failed."""
USAGE = 2
"""Exit status when the request, the flags or the settings were wrong."""

DEFAULT_MODEL = "claude-haiku-4-5"  # active; claude-sonnet-4-5 retires on 2026-11-30


class Parser(argparse.ArgumentParser):
    """An argument parser whose refusals are one line (``error: ...``) with exit status 2,
    like every other failure of the command line, instead of a usage block."""

    def error(self, message: str) -> NoReturn:
        self.exit(USAGE, f"error: {message} (see {self.prog} --help)\n")


def add_connection_flags(parser: argparse.ArgumentParser, *, suppress: bool = False) -> None:
    """The flags that say where to send: on the top parser, and again (``suppress``) after a
    subcommand, so ``--local models`` and ``models --local`` both work without one copy's default
    overwriting the other's value."""

    def default(value: object) -> object:
        return argparse.SUPPRESS if suppress else value

    parser.add_argument(
        "--base-url",
        default=default(None),
        help="API base URL (default $ANTHROPIC_BASE_URL or the real API)",
    )
    parser.add_argument(
        "--api-version",
        default=default(None),
        help="anthropic-version header (2023-06-01 or 2026-10-21)",
    )
    parser.add_argument(
        "--local",
        action="store_true",
        default=default(False),
        help="start the bundled local server in this process and send to it (no key, no network)",
    )
    parser.add_argument(
        "--json", action="store_true", default=default(False), help="print JSON, as the API sent it"
    )


def usage_error(problem: str) -> int:
    """Print a usage problem as one line and return the usage exit status."""
    print(f"error: {problem}", file=sys.stderr)
    return USAGE


def check_connection(args: argparse.Namespace) -> int | None:
    """``USAGE`` with a line when the connection flags contradict each other, else ``None``."""
    if args.local and args.base_url:
        return usage_error(
            "--local and --base-url both say where to send: give one (--local starts the"
            " bundled server, --base-url names another)"
        )
    return None


@contextlib.contextmanager
def client_for(args: argparse.Namespace, *, placeholder_key: bool = False) -> Iterator[Client]:
    """The client the flags ask for; with ``--local`` also the server it talks to.

    ``placeholder_key`` lets a command that sends nothing (``--curl``) run without a key.
    """
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
    if placeholder_key and not env.get("ANTHROPIC_API_KEY") and not env.get("ANTHROPIC_AUTH_TOKEN"):
        env["ANTHROPIC_API_KEY"] = "placeholder-the-curl-line-reads-it-from-the-environment"
    with Client.from_env(env, **version) as client:
        yield client


def error_line(error: ClaudeError, *, wall_now: float) -> str:
    """The error as the one line the CLI prints; an API error's ``retry-after`` is added to it."""
    line = f"error: {error}"
    if isinstance(error, ApiError):
        wait = error.retry.wait(wall_now=wall_now)
        if wait is not None:
            line = f"{line} (retry-after {wait:g}s)"
    return line


def fail(error: ClaudeError) -> int:
    """Print the error as one line; the exit status says whose fault it was."""
    print(error_line(error, wall_now=time.time()), file=sys.stderr)
    return USAGE if isinstance(error, InvalidArgument | MissingCredentials) else FAILED


def note_stop(message: Message, *, max_tokens: int) -> None:
    """Say on stderr when a reply was cut at ``max_tokens``, so a short answer is not mistaken
    for a whole one."""
    if message.stop_reason == "max_tokens":
        print(
            f"note: the reply stopped at max_tokens ({max_tokens}); raise --max-tokens for more",
            file=sys.stderr,
        )


def add_message_flags(parser: argparse.ArgumentParser, *, suppress: bool = False) -> None:
    """The flags that shape a message request (model, length, system, sampling, attachments);
    ``suppress`` as in ``add_connection_flags``."""

    def default(value: object) -> object:
        return argparse.SUPPRESS if suppress else value

    parser.add_argument(
        "--model", default=default(DEFAULT_MODEL), help=f"model id (default {DEFAULT_MODEL})"
    )
    parser.add_argument(
        "--max-tokens", type=int, default=default(1024), help="reply length cap (default 1024)"
    )
    parser.add_argument("--system", default=default(None), help="system prompt")
    parser.add_argument(
        "--temperature", type=float, default=default(None), help="sampling temperature, 0 to 1"
    )
    parser.add_argument(
        "--file",
        action="append",
        default=default([]),
        metavar="PATH",
        help="attach an image (JPEG, PNG, GIF, WebP) or a PDF; repeat for more",
    )


def program_name() -> str:
    """``api-claude`` when run as the console script, else ``python -m claude``."""
    return (
        "api-claude"
        if os.path.basename(sys.argv[0]).startswith("api-claude")
        else "python -m claude"
    )
