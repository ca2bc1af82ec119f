"""``chat``: a multi-turn conversation on the terminal, each reply streamed as it arrives.

Every line read is one user turn; the whole history goes with each request, so Claude sees the
conversation. End-of-file (Ctrl-D) or a line ``/exit`` (or ``/quit``) ends it. A turn that fails
prints its one error line and is dropped from the history, so the next line starts afresh; the
exit status is the worst turn's (0 when every turn succeeded).
"""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from returns.result import Failure, Result

from claude.cli.common import fail, note_stop
from claude.cli.prompt import attachments
from claude.pure.accumulate import text_of
from claude.pure.content import Block, assistant_turn
from claude.pure.errors import ClaudeError
from claude.pure.wire import Message
from claude.shell.client import Client

__all__ = ["run_chat"]

_ENDINGS = frozenset({"/exit", "/quit"})


def _ask(stdin: TextIO) -> str | None:
    """The next line the user typed (prompting on a terminal), or ``None`` at the end."""
    if stdin.isatty():
        print("you> ", end="", file=sys.stderr, flush=True)
    line = stdin.readline()
    if not line:
        return None
    text = line.rstrip("\r\n")
    return None if text.strip() in _ENDINGS else text


def _reply(client: Client, request: dict[str, object]) -> Result[Message, ClaudeError]:
    with client.stream(request) as events:
        for event in events:
            text = text_of(event)
            if text:
                print(text, end="", flush=True)
        print(flush=True)
        return events.final_message()


def run_chat(args: argparse.Namespace, client: Client, stdin: TextIO) -> int:
    """Talk until the input ends; return the exit status."""
    files = attachments(args.file)
    if isinstance(files, Failure):
        return fail(files.failure())
    pending: list[Block] = files.unwrap()  # attached to the first turn only
    history: list[object] = []
    status = 0
    while (text := _ask(stdin)) is not None:
        if not text.strip():
            continue
        content: object = [*pending, {"type": "text", "text": text}] if pending else text
        request: dict[str, object] = {
            "model": args.model,
            "max_tokens": args.max_tokens,
            "messages": [*history, {"role": "user", "content": content}],
        }
        if args.system is not None:
            request["system"] = args.system
        if args.temperature is not None:
            request["temperature"] = args.temperature
        reply = _reply(client, request)
        if isinstance(reply, Failure):
            status = max(status, fail(reply.failure()))
            continue
        message = reply.unwrap()
        note_stop(message, max_tokens=args.max_tokens)
        history.append({"role": "user", "content": content})
        if message.content:  # an empty reply cannot be passed back; two user turns in a row can
            history.append(assistant_turn(message).unwrap())
        pending = []
    return status
