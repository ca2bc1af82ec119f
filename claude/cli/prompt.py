"""The user's turn from the command line: the prompt argument, or stdin, plus ``--file`` blocks.

The prompt is read from stdin when it is ``-``, or when it is absent and stdin is not a terminal
(``echo hi | api-claude``). Each ``--file`` becomes an image or a PDF document block, chosen by
the file's first bytes (not its name), placed before the text as the API's guide recommends.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from returns.result import Failure, Result, Success

from claude.pure import media
from claude.pure.content import Block
from claude.pure.errors import ClaudeError, InvalidArgument
from claude.shell.content_files import image_file, pdf_file

__all__ = ["attachments", "prompt_text", "user_content"]


def prompt_text(prompt: str | None, stdin: TextIO) -> Result[str, ClaudeError]:
    """The prompt argument, or stdin's text for ``-`` or a missing prompt on a pipe."""
    if prompt is not None and prompt != "-":
        return Success(prompt)
    if prompt is None and stdin.isatty():
        return Failure(
            InvalidArgument(
                path="prompt",
                problem="is missing: give it as an argument, or pipe it on stdin (or pass -)",
            )
        )
    text = stdin.read().rstrip("\r\n")
    if not text.strip():
        return Failure(InvalidArgument(path="prompt", problem="stdin was empty: pipe some text"))
    return Success(text)


def _attachment(path: str) -> Result[Block, ClaudeError]:
    try:
        with open(path, "rb") as handle:
            head = handle.read(1024)
    except (OSError, ValueError):
        head = b""  # image_file reports why the file cannot be read, naming the path
    return pdf_file(path) if media.is_pdf(head) else image_file(path)


def attachments(paths: Sequence[str]) -> Result[list[Block], ClaudeError]:
    """One block per ``--file``, in order; the first that fails is the Failure, naming its path."""
    blocks: list[Block] = []
    for path in paths:
        made = _attachment(path)
        if isinstance(made, Failure):
            return Failure(made.failure())
        blocks.append(made.unwrap())
    return Success(blocks)


def user_content(text: str, files: Sequence[str]) -> Result[str | list[Block], ClaudeError]:
    """The user turn's content: the plain text, or the file blocks followed by a text block."""
    if not files:
        return Success(text)
    return attachments(files).map(lambda blocks: [*blocks, {"type": "text", "text": text}])
