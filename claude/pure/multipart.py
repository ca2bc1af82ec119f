"""A ``multipart/form-data`` encoder (RFC 7578) for file uploads, streaming the file's bytes.

The encoder never holds the file: ``encode_parts`` yields each part's head, then passes the
file's chunks through as the shell reads them from disk, then the closing boundary. Its length
is known up front (``encoded_length``) from the file's size, so the upload carries a
``content-length`` and no chunked framing. The boundary is an argument (random bytes are the
shell's to draw); it must not occur in the data, which a 32-hex-digit random boundary makes
vanishingly unlikely.

The media type, when not given, is read from the file's first bytes: an image (JPEG, PNG, GIF,
WebP) or PDF by their magic bytes (``claude.pure.media``), text when the head is UTF-8, else
``application/octet-stream``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Final

import msgspec
from returns.result import Failure, Result, Success

from claude.pure import media
from claude.pure.errors import InvalidArgument

__all__ = [
    "FilePart",
    "content_type",
    "encode_parts",
    "encoded_length",
    "file_part",
    "sniff_media_type",
]

_BOUNDARY: Final = re.compile(r"[0-9A-Za-z'()+_,./:=?-]{1,70}")
_BAD_NAME: Final = re.compile(r'[<>:"|?*\\/\x00-\x1f\x7f]')
_MEDIA_TYPE: Final = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+/[!#$%&'*+.^_`|~0-9A-Za-z-]+")


class FilePart(msgspec.Struct, frozen=True, kw_only=True):
    """The one ``file`` part of an upload: its form name, file name and media type."""

    filename: str
    media_type: str
    name: str = "file"


def sniff_media_type(head: bytes) -> str:
    """The media type the first bytes of a file say it has.

    >>> sniff_media_type(b"%PDF-1.7"), sniff_media_type(b"hello"), sniff_media_type(b"\\xff\\x00")
    ('application/pdf', 'text/plain', 'application/octet-stream')
    """
    image = media.sniff(head)
    if image is not None:
        return image
    if media.is_pdf(head):
        return "application/pdf"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:  # not merely a character cut at the end of the head
            return "application/octet-stream"
    return "text/plain" if b"\x00" not in head else "application/octet-stream"


def file_part(
    filename: str, *, media_type: str | None, head: bytes
) -> Result[FilePart, InvalidArgument]:
    """The part for ``filename``, its media type given or sniffed from ``head``.

    File names are 1 to 255 characters without ``< > : " | ? * \\ /`` or control characters
    (api-reference §10).
    """
    if not 1 <= len(filename) <= 255 or _BAD_NAME.search(filename):
        return Failure(
            InvalidArgument(
                path="filename",
                problem='must be 1 to 255 characters, none of < > : " | ? * \\ / or control '
                "characters",
            )
        )
    if media_type is None:
        return Success(FilePart(filename=filename, media_type=sniff_media_type(head)))
    if not _MEDIA_TYPE.fullmatch(media_type):
        return Failure(
            InvalidArgument(
                path="media_type", problem="must be a type/subtype such as 'application/pdf'"
            )
        )
    return Success(FilePart(filename=filename, media_type=media_type))


def content_type(boundary: str) -> str:
    """The request's ``content-type`` header for ``boundary``."""
    return f"multipart/form-data; boundary={boundary}"


def _head(part: FilePart, boundary: str) -> bytes:
    quoted = part.filename.replace("\\", "\\\\").replace('"', '\\"')
    return (
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="{part.name}"; filename="{quoted}"\r\n'
        f"Content-Type: {part.media_type}\r\n\r\n"
    ).encode()


def _tail(boundary: str) -> bytes:
    return f"\r\n--{boundary}--\r\n".encode()


def _check_boundary(boundary: str) -> None:
    if not _BOUNDARY.fullmatch(boundary):  # the shell's value: a programmer's mistake
        raise ValueError("a multipart boundary is 1 to 70 characters of RFC 2046's set")


def encoded_length(part: FilePart, *, size: int, boundary: str) -> int:
    """The byte length of the encoded form for a file of ``size`` bytes."""
    _check_boundary(boundary)
    return len(_head(part, boundary)) + size + len(_tail(boundary))


def encode_parts(part: FilePart, chunks: Iterable[bytes], *, boundary: str) -> Iterator[bytes]:
    """The encoded form, lazily: the part's head, each of ``chunks`` as it comes, the end.

    >>> p = FilePart(filename="a.txt", media_type="text/plain")
    >>> b"".join(encode_parts(p, [b"hi"], boundary="b0"))[:14]
    b'--b0\\r\\nContent-'
    """
    _check_boundary(boundary)
    yield _head(part, boundary)
    for chunk in chunks:
        if chunk:
            yield chunk
    yield _tail(boundary)
