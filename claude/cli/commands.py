"""The subcommands: ``chat``, ``count-tokens``, ``models``, ``batch`` and ``files``.

Each parses its words, makes the client calls they name and prints the answer: a line per
object (tab-separated) for people, ``--json`` for programs (one object indented, a listing as
JSON lines). A listing walks every page (one request per page) unless ``--limit``, ``--after-id``
or ``--before-id`` asks for one page.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO, BinaryIO, cast

import msgspec
from returns.result import Failure, Result, Success

from claude.cli.chat import run_chat
from claude.cli.common import (
    Parser,
    add_connection_flags,
    add_message_flags,
    check_connection,
    client_for,
    fail,
    program_name,
)
from claude.cli.progress import ProgressBar, size_text
from claude.cli.prompt import prompt_text, user_content
from claude.cli.render import (
    as_record,
    batch_line,
    counts_of,
    file_line,
    json_line,
    model_line,
    pretty,
)
from claude.pure.errors import ClaudeError, InvalidArgument
from claude.shell.client import Client

__all__ = ["run_command"]

# --- parsing ------------------------------------------------------------------------------


def _leaf(group: argparse._SubParsersAction[Parser], name: str, text: str) -> Parser:
    parser = group.add_parser(name, help=text, description=text)
    add_connection_flags(parser, suppress=True)
    return parser


def _paging(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--limit", type=int, help="one page of at most this many")
    parser.add_argument("--after-id", help="one page: the objects after this id")
    parser.add_argument("--before-id", help="one page: the objects before this id")


def _parser() -> argparse.ArgumentParser:
    parser = Parser(prog=program_name())
    add_message_flags(parser)
    add_connection_flags(parser)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    chat = _leaf(
        commands, "chat", "talk: each line is a turn, replies stream; Ctrl-D or /exit ends"
    )
    add_message_flags(chat, suppress=True)
    count = _leaf(commands, "count-tokens", "count a message's input tokens (no reply is made)")
    add_message_flags(count, suppress=True)
    count.add_argument("prompt", nargs="?", help="the user message; '-' or absent reads stdin")

    models = _leaf(commands, "models", "the models the key can use")
    model_actions = models.add_subparsers(dest="action", metavar="ACTION")
    _paging(_leaf(model_actions, "list", "list the models (the default)"))
    _leaf(model_actions, "get", "one model's details").add_argument("id")

    batch = _leaf(commands, "batch", "message batches")
    batch_actions = batch.add_subparsers(dest="action", required=True, metavar="ACTION")
    _leaf(
        batch_actions, "create", "create a batch from a JSONL file of {custom_id, params}"
    ).add_argument("file", metavar="FILE.jsonl")
    _leaf(batch_actions, "status", "a batch's status and counts").add_argument("id")
    wait = _leaf(
        batch_actions, "wait", "poll until the batch has ended (a progress bar on a terminal)"
    )
    wait.add_argument("id")
    wait.add_argument(
        "--poll-every", type=float, default=30.0, help="seconds between polls (default 30)"
    )
    wait.add_argument("--deadline", type=float, help="give up after this many seconds")
    results = _leaf(batch_actions, "results", "the results, one JSON line per request")
    results.add_argument("id")
    results.add_argument("-o", "--output", metavar="OUT.jsonl", help="write them here, not stdout")
    _leaf(batch_actions, "cancel", "ask the API to cancel a batch").add_argument("id")
    _leaf(batch_actions, "delete", "delete an ended batch").add_argument("id")
    _paging(_leaf(batch_actions, "list", "list the batches"))

    files = _leaf(commands, "files", "uploaded files (the Files API)")
    file_actions = files.add_subparsers(dest="action", required=True, metavar="ACTION")
    upload = _leaf(file_actions, "upload", "upload a file")
    upload.add_argument("path")
    upload.add_argument("--media-type", help="its media type (default: taken from its content)")
    _paging(_leaf(file_actions, "list", "list the files"))
    _leaf(file_actions, "get", "one file's metadata").add_argument("id")
    download = _leaf(file_actions, "download", "download a file's content")
    download.add_argument("id")
    download.add_argument("-o", "--output", required=True, metavar="PATH", help="write it here")
    _leaf(file_actions, "delete", "delete a file").add_argument("id")
    return parser


# --- printing -----------------------------------------------------------------------------


def _items(answer: object) -> Iterator[Result[object, ClaudeError]]:
    """Each object of an answer: a Result of one object, of a page, or an iterator of Results."""
    if isinstance(answer, Result):
        if isinstance(answer, Failure):
            yield answer
            return
        value: object = answer.unwrap()
        data = getattr(value, "data", None)
        if isinstance(data, list | tuple):
            yield from (Success(item) for item in data)
            if getattr(value, "has_more", False):
                print(
                    f"note: more on the next page: --after-id {getattr(value, 'last_id', '')}",
                    file=sys.stderr,
                )
        else:
            yield Success(value)
        return
    if isinstance(answer, Iterator):
        for item in answer:
            yield item if isinstance(item, Result) else Success(item)


def _print_all(answer: object, line: Callable[[object], str], *, as_json: bool) -> int:
    status = 0
    for item in _items(answer):
        if isinstance(item, Failure):
            status = max(status, fail(item.failure()))
        else:
            print(json_line(item.unwrap()) if as_json else line(item.unwrap()), flush=True)
    return status


def _print_one(answer: object, line: Callable[[object], str], *, as_json: bool) -> int:
    if isinstance(answer, Result) and isinstance(answer, Failure):
        return fail(answer.failure())
    value: object = answer.unwrap() if isinstance(answer, Result) else answer
    print(pretty(value) if as_json else line(value))
    return 0


def _listing(
    args: argparse.Namespace,
    walk: Callable[[], object],
    page: Callable[..., object],
) -> object:
    """Every page (``walk``: one request per page), or the one page the flags ask for."""
    wanted = {
        "limit": args.limit,
        "after_id": args.after_id,
        "before_id": args.before_id,
    }
    if all(value is None for value in wanted.values()):
        return walk()
    return page(**{name: value for name, value in wanted.items() if value is not None})


# --- the commands -------------------------------------------------------------------------


def _count_tokens(args: argparse.Namespace, client: Client) -> int:
    text = prompt_text(args.prompt, sys.stdin)
    content = text.bind(lambda prompt: user_content(prompt, args.file))
    if isinstance(content, Failure):
        return fail(content.failure())
    request: dict[str, object] = {
        "model": args.model,
        "messages": [{"role": "user", "content": content.unwrap()}],
    }
    if args.system is not None:
        request["system"] = args.system
    answer = client.count_tokens(request)
    return _print_one(answer, lambda v: _field(v, "input_tokens"), as_json=args.json)


def _field(value: object, name: str) -> str:
    return str(as_record(value).get(name, ""))


def _models(args: argparse.Namespace, client: Client) -> int:
    if args.action == "get":
        return _print_one(client.get_model(args.id), model_line, as_json=args.json)
    if args.action is None:
        args.limit = args.after_id = args.before_id = None
    return _print_all(
        _listing(args, client.iter_models, client.list_models), model_line, as_json=args.json
    )


def _batch_requests(path: str) -> Result[list[dict[str, object]], ClaudeError]:
    """The requests of a JSONL file, one JSON object per line; a bad line names its number."""
    requests: list[dict[str, object]] = []
    try:
        with open(path, "rb") as handle:
            for number, raw in enumerate(handle, start=1):
                if not raw.strip():
                    continue
                try:
                    item: object = msgspec.json.decode(raw)
                except msgspec.DecodeError as exc:
                    return Failure(
                        InvalidArgument(path=f"{path}:{number}", problem=f"is not JSON ({exc})")
                    )
                if not isinstance(item, dict):
                    return Failure(
                        InvalidArgument(
                            path=f"{path}:{number}",
                            problem='expected an object {"custom_id": ..., "params": {...}}',
                        )
                    )
                requests.append(item)
    except (OSError, ValueError) as exc:
        problem = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return Failure(InvalidArgument(path=path, problem=f"cannot be read ({problem})"))
    return Success(requests)


def _batch_wait(args: argparse.Namespace, client: Client) -> int:
    bar = ProgressBar(sys.stderr, f"batch {args.id}")

    def show(update: object) -> None:
        counts = counts_of(update)
        total = sum(counts.values())
        detail = " ".join(f"{name}={number}" for name, number in counts.items())
        bar.update(total - counts.get("processing", 0), total, detail=detail)

    try:
        answer = client.wait_for_batch(
            args.id, poll_every=args.poll_every, on_progress=show, deadline=args.deadline
        )
        if not isinstance(answer, Failure):
            show(answer.unwrap())  # the bar ends at the final counts however few polls there were
    finally:
        bar.finish()
    return _print_one(answer, batch_line, as_json=args.json)


def _batch_results(args: argparse.Namespace, client: Client) -> int:
    answer = client.batch_results(args.id)
    out = sys.stdout if args.output is None else open(args.output, "w", encoding="utf-8")  # noqa: SIM115
    status = 0
    try:
        for item in _items(answer):
            if isinstance(item, Failure):
                status = max(status, fail(item.failure()))
            else:
                out.write(json_line(item.unwrap()) + "\n")
    finally:
        if out is not sys.stdout:
            out.close()
    return status


def _batch(args: argparse.Namespace, client: Client) -> int:
    match args.action:
        case "create":
            requests = _batch_requests(args.file)
            if isinstance(requests, Failure):
                return fail(requests.failure())
            answer = client.create_batch(requests.unwrap())
            return _print_one(answer, batch_line, as_json=args.json)
        case "status":
            return _print_one(client.get_batch(args.id), batch_line, as_json=args.json)
        case "wait":
            return _batch_wait(args, client)
        case "results":
            return _batch_results(args, client)
        case "cancel":
            return _print_one(client.cancel_batch(args.id), batch_line, as_json=args.json)
        case "delete":
            deleted = client.delete_batch(args.id)
            return _print_one(deleted, lambda v: _field(v, "id"), as_json=args.json)
        case _:
            return _print_all(
                _listing(args, client.iter_batches, client.list_batches),
                batch_line,
                as_json=args.json,
            )


class _CountingWriter(io.RawIOBase):
    """A writable file that moves a progress bar as bytes go through it."""

    def __init__(self, target: BinaryIO, bar: ProgressBar, total: int | None) -> None:
        super().__init__()
        self._target = target
        self._bar = bar
        self._total = total
        self.written = 0

    def writable(self) -> bool:
        return True

    def write(self, data: object) -> int:
        view = memoryview(data)  # type: ignore[arg-type]  # bytes-like by the io contract
        count = self._target.write(view)
        self.written += count
        self._bar.update(self.written, self._total, detail=size_text(self.written))
        return count


def _download(args: argparse.Namespace, client: Client) -> int:
    bar = ProgressBar(sys.stderr, f"download {args.id}")
    total: int | None = None
    if bar.enabled:  # the size is asked for only when there is a bar to show it
        meta = client.get_file(args.id)
        if not isinstance(meta, Failure):
            size = as_record(meta.unwrap()).get("size_bytes")
            total = size if isinstance(size, int) else None
    target = Path(args.output)
    try:
        with open(target, "wb") as handle:
            writer = _CountingWriter(handle, bar, total)
            # A duck-typed binary writable: all download_file does with it is write().
            answer = client.download_file(args.id, to=cast(IO[bytes], writer))
    except OSError as exc:
        bar.finish()
        return fail(
            InvalidArgument(path=str(target), problem=f"cannot be written ({exc.strerror})")
        )
    bar.finish()
    if isinstance(answer, Failure):
        target.unlink(missing_ok=True)  # no half-written file is left looking like a download
        return fail(answer.failure())
    written = {"path": str(target), "size_bytes": answer.unwrap()}
    print(pretty(written) if args.json else f"{target}\t{written['size_bytes']}")
    return 0


def _upload(args: argparse.Namespace, client: Client) -> int:
    bar = ProgressBar(sys.stderr, f"upload {os.path.basename(args.path)}")
    try:
        size: int | None = os.path.getsize(args.path)
    except OSError:
        size = None  # the upload reports why the file cannot be read
    bar.update(0, size, detail=size_text(size or 0))

    def sent(done: int, total: int) -> None:
        bar.update(done, total, detail=size_text(done))

    try:
        answer = client.upload_file(args.path, media_type=args.media_type, on_progress=sent)
    finally:
        bar.finish()
    return _print_one(answer, file_line, as_json=args.json)


def _files(args: argparse.Namespace, client: Client) -> int:
    match args.action:
        case "upload":
            return _upload(args, client)
        case "get":
            return _print_one(client.get_file(args.id), file_line, as_json=args.json)
        case "download":
            return _download(args, client)
        case "delete":
            answer = client.delete_file(args.id)
            return _print_one(answer, lambda v: _field(v, "id"), as_json=args.json)
        case _:
            return _print_all(
                _listing(args, client.iter_files, client.list_files), file_line, as_json=args.json
            )


_HANDLERS: dict[str, Callable[[argparse.Namespace, Client], int]] = {
    "count-tokens": _count_tokens,
    "models": _models,
    "batch": _batch,
    "files": _files,
}


def run_command(argv: Sequence[str]) -> int:
    """Parse a subcommand's words and run it; return the exit status."""
    args = _parser().parse_args(argv)
    refused = check_connection(args)
    if refused is not None:
        return refused
    with client_for(args) as client:
        if args.command == "chat":
            return run_chat(args, client, sys.stdin)
        return _HANDLERS[args.command](args, client)
