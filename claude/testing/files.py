"""Files kept in memory: the multipart upload parser and the store behind `/v1/files`.

An upload is one `multipart/form-data` body with a part named ``file`` (api-reference §10). The
server has the body in memory already (it is the request), so `parse_upload` only finds the
boundaries and keeps a `memoryview` of the part's bytes: a 50 MB upload costs 50 MB, once, and a
download writes that same memory out in 1 MiB chunks. Headers of each part are parsed with the
stdlib `email` parser (raw UTF-8 names and RFC 2231 `filename*` both understood). The API's filename rule: 1 to 255
characters, none of ``< > : " | ? * \\ /`` nor control characters.

Uploaded files are downloadable here unless the server says otherwise: the real API lets only
files made by skills or the code-execution tool be downloaded, but the point of a local server is
that a client's download path can be tested offline (``LocalServer(files_downloadable=False)``
answers like the API).
"""

from __future__ import annotations

import datetime
import email.message
import email.parser
import mimetypes
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from claude.testing import ids, pages

__all__ = [
    "CHUNK_BYTES",
    "FILES_BETA",
    "MAX_FILE_BYTES",
    "FileStore",
    "Upload",
    "beta_problem",
    "parse_upload",
]

#: Downloads are written in pieces of this size.
CHUNK_BYTES = 1024 * 1024

#: The largest upload body accepted (the API's 500 MB per file); larger ones get 413.
MAX_FILE_BYTES = 500 * 1024 * 1024

#: The beta the Files API needs under anthropic-version 2023-06-01 (GA under 2026-10-21).
FILES_BETA = "files-api-2025-04-14"

_BAD_FILENAME_CHARS = frozenset('<>:"|?*\\/')


@dataclass(frozen=True, slots=True)
class Upload:
    """The ``file`` part of an upload: its name, media type and bytes (a view of the body)."""

    filename: str
    mime_type: str
    content: memoryview


def beta_problem(version: str, betas: str | None) -> str | None:
    """Why a Files request lacks the beta header its API version needs, or None."""
    if version != "2023-06-01":
        return None
    names = {name.strip() for name in (betas or "").split(",")}
    if any(name.startswith("files-api-") for name in names):
        return None
    return (
        f"anthropic-beta: the Files API needs the {FILES_BETA!r} beta under anthropic-version "
        f"2023-06-01; add it to the anthropic-beta header (or send anthropic-version 2026-10-21)"
    )


def _params(header: str) -> email.message.Message:
    message = email.message.Message()
    message["content-type"] = header
    return message


def parse_upload(content_type: str | None, body: bytes) -> Upload | str:
    """The ``file`` part of a multipart body, or a message saying what is wrong with it."""
    header = _params(content_type or "")
    if header.get_content_type() != "multipart/form-data":
        return (
            f"content-type: {content_type!r} is not multipart/form-data; upload the file as "
            "a multipart form with a part named 'file'"
        )
    boundary = header.get_param("boundary")
    if not isinstance(boundary, str) or not boundary:
        return "content-type: the multipart/form-data header has no boundary parameter"
    delimiter = b"--" + boundary.encode("latin-1", "replace")
    view = memoryview(body)
    position = 0 if body.startswith(delimiter) else body.find(b"\r\n" + delimiter)
    if position < 0:
        return "file: the multipart body has no part; add a part named 'file'"
    if position > 0:
        position += 2
    while True:
        position += len(delimiter)
        if body.startswith(b"--", position):
            return "file: Field required (the multipart body has no part named 'file')"
        head_end = body.find(b"\r\n\r\n", position)
        if head_end < 0:
            return "file: a multipart part has no end of headers"
        raw_head = body[position:head_end].lstrip().decode("utf-8", "replace")
        part = email.parser.HeaderParser().parsestr(raw_head)  # raw UTF-8 names, as httpx sends
        start = head_end + 4
        end = body.find(b"\r\n" + delimiter, start)
        if end < 0:
            return "file: the multipart body ends without its closing boundary"
        if part.get_param("name", header="content-disposition") == "file":
            return _upload(part, view[start:end])
        position = end + 2


def _upload(part: email.message.Message, content: memoryview) -> Upload | str:
    raw_name = part.get_filename()
    filename = "upload" if raw_name is None else raw_name
    if not 1 <= len(filename) <= 255:
        return f"file.filename: should be 1 to 255 characters, got {len(filename)}"
    bad = sorted({c for c in filename if c in _BAD_FILENAME_CHARS or ord(c) < 32 or ord(c) == 127})
    if bad:
        return f"file.filename: {filename!r} may not contain {''.join(bad)!r}"
    declared = part.get_content_type() if "content-type" in part else None
    guessed = mimetypes.guess_type(filename)[0]
    mime_type = declared if declared not in (None, "application/octet-stream") else guessed
    return Upload(filename, mime_type or declared or "application/octet-stream", content)


@dataclass(frozen=True, slots=True)
class _Stored:
    id: str
    upload: Upload
    created_at: datetime.datetime
    downloadable: bool

    def view(self) -> dict[str, object]:
        """The `FileMetadata` object (api-reference §10)."""
        return {
            "id": self.id,
            "type": "file",
            "filename": self.upload.filename,
            "mime_type": self.upload.mime_type,
            "size_bytes": len(self.upload.content),
            "created_at": self.created_at.isoformat().replace("+00:00", "Z"),
            "downloadable": self.downloadable,
        }


class FileStore:
    """Every file of one server, thread-safe; ids listed newest first."""

    def __init__(self, *, downloadable: bool = True) -> None:
        self.downloadable = downloadable
        self._lock = threading.Lock()
        self._files: dict[str, _Stored] = {}

    def add(self, upload: Upload) -> dict[str, object]:
        """Store an upload; its metadata."""
        stored = _Stored(
            ids.file_id(), upload, datetime.datetime.now(datetime.UTC), self.downloadable
        )
        with self._lock:
            self._files[stored.id] = stored
        return stored.view()

    def get(self, file_id: str) -> dict[str, object] | None:
        """The metadata, or None for an unknown (or deleted) id."""
        with self._lock:
            stored = self._files.get(file_id)
        return None if stored is None else stored.view()

    def list(self, query: Mapping[str, str]) -> dict[str, object] | str:
        """One page, newest first, with both the beta (`has_more`, `first_id`, `last_id`) and the
        GA (`next_page`) cursors, so either kind of client can walk it."""
        with self._lock:
            order = list(reversed(self._files))
            window = pages.cursor_page(order, query)
            if isinstance(window, str):
                return window
            data: list[object] = [self._files[i].view() for i in window.ids]
        return {**window.envelope(data), "next_page": pages.cursor_for(window)}

    def content(self, file_id: str) -> tuple[Upload, Sequence[memoryview]] | str | None:
        """The upload and its bytes in `CHUNK_BYTES` pieces; a message if not downloadable."""
        with self._lock:
            stored = self._files.get(file_id)
        if stored is None:
            return None
        if not stored.downloadable:
            return (
                f"file_id: {file_id} is not downloadable; only files created by skills or the "
                "code execution tool can be downloaded"
            )
        data = stored.upload.content
        chunks = [data[i : i + CHUNK_BYTES] for i in range(0, len(data), CHUNK_BYTES)]
        return stored.upload, chunks

    def delete(self, file_id: str) -> dict[str, object] | None:
        """Forget a file; None for an unknown id."""
        with self._lock:
            stored = self._files.pop(file_id, None)
        return None if stored is None else {"id": file_id, "type": "file_deleted"}
