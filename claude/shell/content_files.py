"""Content blocks from files: read the bytes, hand them to ``claude.pure.content``.

The only I/O is the read. A file that cannot be read, or whose bytes the pure helper refuses, is
a ``Failure`` whose message starts with the path, so a caller sending many files knows which one.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from returns.result import Failure, Result, Success

from claude.pure import content
from claude.pure.caching import Ttl
from claude.pure.content import Block
from claude.pure.errors import ClaudeError, InvalidArgument

__all__ = ["image_file", "pdf_file", "text_file"]

PathLike = str | os.PathLike[str]


def _read(
    path: PathLike, build: Callable[[bytes], Result[Block, InvalidArgument]]
) -> Result[Block, ClaudeError]:
    try:
        where = Path(path)
    except TypeError:
        return Failure(
            InvalidArgument(
                path=repr(path), problem=f"is not a path (a {type(path).__name__}); pass a str"
            )
        )
    try:
        data = where.read_bytes()
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the path
        problem = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return Failure(InvalidArgument(path=str(where), problem=f"cannot be read ({problem})"))
    made = build(data)
    if isinstance(made, Failure):
        error = made.failure()
        return Failure(InvalidArgument(path=str(where), problem=error.problem))
    return Success(made.unwrap())


def image_file(
    path: PathLike, *, media_type: str | None = None, cache: Ttl | None = None
) -> Result[Block, ClaudeError]:
    """An image block from a JPEG, PNG, GIF or WebP file (type from its bytes, not its name)."""
    return _read(path, lambda data: content.image(data, media_type=media_type, cache=cache))


def pdf_file(
    path: PathLike,
    *,
    title: str | None = None,
    context: str | None = None,
    citations: bool | None = None,
    cache: Ttl | None = None,
) -> Result[Block, ClaudeError]:
    """A PDF document block from a file."""
    return _read(
        path,
        lambda data: content.pdf(
            data, title=title, context=context, citations=citations, cache=cache
        ),
    )


def text_file(
    path: PathLike,
    *,
    title: str | None = None,
    context: str | None = None,
    citations: bool | None = None,
    cache: Ttl | None = None,
) -> Result[Block, ClaudeError]:
    """A plain-text document block from a UTF-8 file."""
    return _read(
        path,
        lambda data: content.text_document(
            data, title=title, context=context, citations=citations, cache=cache
        ),
    )
