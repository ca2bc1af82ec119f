"""The Files API on a ``Session``: upload (streamed from disk), list, metadata, download
(streamed to a path or a writable), delete.

Under ``anthropic-version: 2023-06-01`` every call carries ``anthropic-beta:
files-api-2025-04-14`` (``claude.pure.endpoints.files_beta``). An upload reads the file in
chunks as the socket takes them (the multipart framing from ``claude.pure.multipart``, its
length known up front), so a 500 MB file never sits in memory; each attempt under a retry
policy reads the file afresh. A download writes each chunk as it arrives; a download that
fails part-way leaves what came and returns the error.
"""

from __future__ import annotations

import functools
import os
import secrets
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from pathlib import Path
from typing import IO

from returns.result import Failure, Result, Success

from claude.pure import multipart
from claude.pure.endpoints import FILES_BETA, FILES_PATH, files_beta, list_query, resource_id
from claude.pure.errors import ClaudeError, InvalidArgument
from claude.pure.options import CallOptions
from claude.pure.request import Headers, HttpRequest
from claude.pure.resources import DeletedFile, FileObject, FilePage
from claude.shell.downloads import achunks, aopen_body, chunks, limit_of, open_body
from claude.shell.execute import Observer, Policies
from claude.shell.resources import acall, awalk, call, decoder, get_request, walk
from claude.shell.session import Session

__all__ = [
    "UploadProgress",
    "adelete_file",
    "adownload_file",
    "aget_file",
    "aiter_files",
    "alist_files",
    "aupload_file",
    "delete_file",
    "download_file",
    "get_file",
    "iter_files",
    "list_files",
    "upload_file",
]

PathLike = str | os.PathLike[str]
FileSource = PathLike | bytes
_NO = CallOptions()
_CHUNK = 256 * 1024
_SNIFF = 512


def _beta(session: Session) -> dict[str, str]:
    target = session.target
    version = target.unwrap().api_version if not isinstance(target, Failure) else ""
    return {"anthropic-beta": FILES_BETA} if files_beta(version) else {}


def _file_path(file_id: object, suffix: str = "") -> Result[str, InvalidArgument]:
    return resource_id(file_id, path="file_id").map(lambda i: f"{FILES_PATH}/{i}{suffix}")


# --- upload ---------------------------------------------------------------------------------


def _plain(text: object) -> str:
    """The plain value of a string (a subclass's own methods never run); a non-string is
    refused later by the file-name check, as its ``repr``-free type name."""
    return str.__str__(text) if isinstance(text, str) else f"<{type(text).__name__}>"


UploadProgress = Callable[[int, int], None]
"""``upload_file``'s ``on_progress``: told ``(bytes of the file sent so far, its size)``."""


class _Source:
    """What to upload: a file on disk (read in chunks, per attempt) or bytes in memory."""

    def __init__(self, source: FileSource, filename: str | None) -> None:
        self.data: bytes | None = None
        self.path: Path | None = None
        if isinstance(source, bytes | bytearray | memoryview):
            self.data = bytes(source)
            self.name = _plain(filename) if filename is not None else "upload.bin"
            self.size = len(self.data)
            self.head = self.data[:_SNIFF]
        else:
            self.path = Path(source)
            self.name = _plain(filename) if filename is not None else self.path.name
            self.size = self.path.stat().st_size
            with self.path.open("rb") as f:
                self.head = f.read(_SNIFF)

    def chunks(self, on_progress: UploadProgress | None = None) -> Iterator[bytes]:
        """The content in chunks, from the start (each attempt reads it again); after each chunk
        is handed on, ``on_progress(bytes so far, total size)`` is told."""
        sent = 0
        for chunk in self._raw_chunks():
            yield chunk
            sent += len(chunk)
            if on_progress is not None:
                on_progress(sent, self.size)

    def _raw_chunks(self) -> Iterator[bytes]:
        if self.data is not None:
            for at in range(0, len(self.data), _CHUNK):
                yield self.data[at : at + _CHUNK]
            return
        assert self.path is not None
        with self.path.open("rb") as f:
            while chunk := f.read(_CHUNK):
                yield chunk


def _upload(
    session: Session,
    source: FileSource,
    options: Result[CallOptions, ClaudeError],
    *,
    media_type: str | None,
    filename: str | None,
) -> Result[tuple[HttpRequest, _Source, multipart.FilePart, str], ClaudeError]:
    given: object = source
    if not isinstance(given, bytes | bytearray | memoryview | str | os.PathLike):
        return Failure(
            InvalidArgument(
                path="file", problem=f"must be a path or bytes, got {type(given).__name__}"
            )
        )
    try:
        src = _Source(source, filename)
    except OSError as exc:
        return Failure(InvalidArgument(path=str(source), problem=f"cannot be read ({exc})"))
    except Exception as exc:  # a hostile path object must not escape as a traceback
        return Failure(
            InvalidArgument(path="file", problem=f"reading it raised {type(exc).__name__}")
        )
    given_name: object = src.name
    given_type: object = media_type
    if not isinstance(given_name, str) or not isinstance(given_type, str | None):
        return Failure(
            InvalidArgument(path="filename", problem="filename and media_type must be strings")
        )
    part = multipart.file_part(
        str.__str__(src.name),
        media_type=None if media_type is None else str.__str__(media_type),
        head=src.head,
    )
    if isinstance(part, Failure):
        return Failure(part.failure())
    boundary = secrets.token_hex(16)
    built = get_request(
        session, Success(FILES_PATH), options, method="POST", headers=_beta(session)
    )
    if isinstance(built, Failure):
        return Failure(built.failure())
    request = built.unwrap()
    if request.body is not None:
        return Failure(
            InvalidArgument(path="extra_body", problem="cannot be sent with a multipart upload")
        )
    headers = dict(request.headers)
    headers["content-type"] = multipart.content_type(boundary)
    headers["content-length"] = str(
        multipart.encoded_length(part.unwrap(), size=src.size, boundary=boundary)
    )
    sent = HttpRequest(
        method="POST",
        url=request.url,
        headers=Headers(headers),
        origin=request.origin,
    )
    return Success((sent, src, part.unwrap(), boundary))


def upload_file(
    session: Session,
    source: FileSource,
    options: Result[CallOptions, ClaudeError],
    *,
    media_type: str | None = None,
    filename: str | None = None,
    policies: Policies | None = None,
    observe: Observer | None = None,
    on_progress: UploadProgress | None = None,
) -> Result[FileObject, ClaudeError]:
    """``POST /v1/files``: ``source`` (a path, streamed from disk, or bytes) as one multipart
    part; its media type sniffed from its first bytes unless given."""
    prepared = _upload(session, source, options, media_type=media_type, filename=filename)
    if isinstance(prepared, Failure):
        return Failure(prepared.failure())
    request, src, part, boundary = prepared.unwrap()
    return call(
        session,
        Success(request),
        decoder(FileObject),
        options.value_or(_NO),
        policies=policies,
        observe=observe,
        upload=lambda: multipart.encode_parts(part, src.chunks(on_progress), boundary=boundary),
    )


async def aupload_file(
    session: Session,
    source: FileSource,
    options: Result[CallOptions, ClaudeError],
    *,
    media_type: str | None = None,
    filename: str | None = None,
    policies: Policies | None = None,
    observe: Observer | None = None,
    on_progress: UploadProgress | None = None,
) -> Result[FileObject, ClaudeError]:
    """The async twin of ``upload_file`` (the file read in the worker thread)."""
    prepared = await session.hop(
        functools.partial(
            _upload, session, source, options, media_type=media_type, filename=filename
        )
    )
    if isinstance(prepared, Failure):
        return Failure(prepared.failure())
    request, src, part, boundary = prepared.unwrap()
    return await acall(
        session,
        Success(request),
        decoder(FileObject),
        options.value_or(_NO),
        policies=policies,
        observe=observe,
        upload=lambda: multipart.encode_parts(part, src.chunks(on_progress), boundary=boundary),
    )


# --- metadata, list, delete -----------------------------------------------------------------


def get_file(
    session: Session,
    file_id: str,
    options: Result[CallOptions, ClaudeError],
    *,
    policies: Policies | None = None,
    observe: Observer | None = None,
) -> Result[FileObject, ClaudeError]:
    """``GET /v1/files/{id}``: the file's metadata."""
    built = get_request(session, _file_path(file_id), options, headers=_beta(session))
    return call(
        session,
        built,
        decoder(FileObject),
        options.value_or(_NO),
        policies=policies,
        observe=observe,
    )


async def aget_file(
    session: Session,
    file_id: str,
    options: Result[CallOptions, ClaudeError],
    *,
    policies: Policies | None = None,
    observe: Observer | None = None,
) -> Result[FileObject, ClaudeError]:
    """The async twin of ``get_file``."""
    built = get_request(session, _file_path(file_id), options, headers=_beta(session))
    return await acall(
        session,
        built,
        decoder(FileObject),
        options.value_or(_NO),
        policies=policies,
        observe=observe,
    )


def _list_request(
    session: Session,
    options: Result[CallOptions, ClaudeError],
    *,
    limit: int | None,
    before_id: str | None,
    after_id: str | None,
    page: str | None,
) -> Result[HttpRequest, ClaudeError]:
    query = list_query(limit=limit, before_id=before_id, after_id=after_id, page=page)
    return get_request(session, Success(FILES_PATH), options, query=query, headers=_beta(session))


def list_files(
    session: Session,
    options: Result[CallOptions, ClaudeError],
    *,
    limit: int | None = None,
    before_id: str | None = None,
    after_id: str | None = None,
    page: str | None = None,
    policies: Policies | None = None,
    observe: Observer | None = None,
) -> Result[FilePage, ClaudeError]:
    """One page of ``GET /v1/files`` (GA: go on with ``page=next_page``; beta: ``after_id``)."""
    built = _list_request(
        session, options, limit=limit, before_id=before_id, after_id=after_id, page=page
    )
    return call(
        session, built, decoder(FilePage), options.value_or(_NO), policies=policies, observe=observe
    )


async def alist_files(
    session: Session,
    options: Result[CallOptions, ClaudeError],
    *,
    limit: int | None = None,
    before_id: str | None = None,
    after_id: str | None = None,
    page: str | None = None,
    policies: Policies | None = None,
    observe: Observer | None = None,
) -> Result[FilePage, ClaudeError]:
    """The async twin of ``list_files``."""
    built = _list_request(
        session, options, limit=limit, before_id=before_id, after_id=after_id, page=page
    )
    return await acall(
        session, built, decoder(FilePage), options.value_or(_NO), policies=policies, observe=observe
    )


def _next_files(page: FilePage) -> str | None:
    """The next page's cursor, encoded as ``p:<page>`` (GA) or ``a:<after_id>`` (beta)."""
    if isinstance(page.next_page, str) and page.next_page:
        return "p:" + page.next_page
    if page.has_more and isinstance(page.last_id, str) and page.last_id:
        return "a:" + page.last_id
    return None


def _cursor(cursor: str | None) -> tuple[str | None, str | None]:
    if cursor is None:
        return None, None
    kind, value = cursor[:2], cursor[2:]
    return (value, None) if kind == "p:" else (None, value)


def iter_files(
    session: Session,
    options: Result[CallOptions, ClaudeError],
    *,
    limit: int | None = None,
    policies: Policies | None = None,
    observe: Observer | None = None,
) -> Iterator[Result[FileObject, ClaudeError]]:
    """Every file: one request per page, made as the caller walks."""
    return walk(
        lambda cursor: list_files(
            session,
            options,
            limit=limit,
            page=_cursor(cursor)[0],
            after_id=_cursor(cursor)[1],
            policies=policies,
            observe=observe,
        ),
        lambda page: page.data,
        _next_files,
    )


def aiter_files(
    session: Session,
    options: Result[CallOptions, ClaudeError],
    *,
    limit: int | None = None,
    policies: Policies | None = None,
    observe: Observer | None = None,
) -> AsyncIterator[Result[FileObject, ClaudeError]]:
    """The async twin of ``iter_files``."""
    return awalk(
        lambda cursor: alist_files(
            session,
            options,
            limit=limit,
            page=_cursor(cursor)[0],
            after_id=_cursor(cursor)[1],
            policies=policies,
            observe=observe,
        ),
        lambda page: page.data,
        _next_files,
    )


def delete_file(
    session: Session,
    file_id: str,
    options: Result[CallOptions, ClaudeError],
    *,
    policies: Policies | None = None,
    observe: Observer | None = None,
) -> Result[DeletedFile, ClaudeError]:
    """``DELETE /v1/files/{id}``."""
    built = get_request(
        session, _file_path(file_id), options, method="DELETE", headers=_beta(session)
    )
    return call(
        session,
        built,
        decoder(DeletedFile),
        options.value_or(_NO),
        policies=policies,
        observe=observe,
    )


async def adelete_file(
    session: Session,
    file_id: str,
    options: Result[CallOptions, ClaudeError],
    *,
    policies: Policies | None = None,
    observe: Observer | None = None,
) -> Result[DeletedFile, ClaudeError]:
    """The async twin of ``delete_file``."""
    built = get_request(
        session, _file_path(file_id), options, method="DELETE", headers=_beta(session)
    )
    return await acall(
        session,
        built,
        decoder(DeletedFile),
        options.value_or(_NO),
        policies=policies,
        observe=observe,
    )


# --- download -------------------------------------------------------------------------------


def _download_request(
    session: Session, file_id: str, options: Result[CallOptions, ClaudeError]
) -> Result[HttpRequest, ClaudeError]:
    return get_request(
        session,
        _file_path(file_id, "/content"),
        options,
        headers=_beta(session),
        accept="application/binary",
    )


def _sink(to: PathLike | IO[bytes]) -> Result[tuple[IO[bytes], bool], ClaudeError]:
    if isinstance(to, str | os.PathLike):
        try:
            return Success((Path(to).open("wb"), True))
        except OSError as exc:
            return Failure(InvalidArgument(path=str(to), problem=f"cannot be written ({exc})"))
    if not callable(getattr(to, "write", None)):
        return Failure(
            InvalidArgument(path="to", problem="must be a path or a binary stream with write()")
        )
    return Success((to, False))


def _write(
    pieces: Iterable[bytes | ClaudeError], out: IO[bytes], where: object
) -> Result[int, ClaudeError]:
    size = 0
    for piece in pieces:
        if isinstance(piece, ClaudeError):
            return Failure(piece)
        try:
            out.write(piece)
        except (OSError, ValueError, TypeError) as exc:
            return Failure(InvalidArgument(path=str(where), problem=f"write failed ({exc})"))
        size += len(piece)
    return Success(size)


def download_file(
    session: Session,
    file_id: str,
    to: PathLike | IO[bytes],
    options: Result[CallOptions, ClaudeError],
) -> Result[int, ClaudeError]:
    """``GET /v1/files/{id}/content`` streamed to ``to`` (a path or a binary writable); the
    number of bytes written. One request; memory is one chunk."""
    built = _download_request(session, file_id, options)
    if isinstance(built, Failure):
        return Failure(built.failure())
    timeout = options.value_or(_NO).timeout
    deadline, limit = session.deadline(timeout), limit_of(session, timeout)
    opened = open_body(session, built.unwrap(), deadline=deadline, limit=limit)
    if isinstance(opened, Failure):
        return Failure(opened.failure())
    sink = _sink(to)
    if isinstance(sink, Failure):
        opened.unwrap().close()
        return Failure(sink.failure())
    out, owned = sink.unwrap()
    pieces = chunks(session, opened.unwrap(), deadline=deadline, limit=limit)
    try:
        return _write(pieces, out, to)
    finally:
        pieces.close()
        if owned:
            out.close()


async def adownload_file(
    session: Session,
    file_id: str,
    to: PathLike | IO[bytes],
    options: Result[CallOptions, ClaudeError],
) -> Result[int, ClaudeError]:
    """The async twin of ``download_file`` (reads and writes in worker threads)."""
    built = _download_request(session, file_id, options)
    if isinstance(built, Failure):
        return Failure(built.failure())
    timeout = options.value_or(_NO).timeout
    deadline, limit = session.deadline(timeout), limit_of(session, timeout)
    opened = await aopen_body(session, built.unwrap(), deadline=deadline, limit=limit)
    if isinstance(opened, Failure):
        return Failure(opened.failure())
    sink = _sink(to)
    if isinstance(sink, Failure):
        opened.unwrap().close()
        return Failure(sink.failure())
    out, owned = sink.unwrap()
    size = 0
    pieces = achunks(session, opened.unwrap(), deadline=deadline, limit=limit)
    try:
        async for piece in pieces:
            if isinstance(piece, ClaudeError):
                return Failure(piece)
            written = await session.hop(functools.partial(_write, [piece], out, to))
            if isinstance(written, Failure):
                return written
            size += len(piece)
        return Success(size)
    finally:
        await pieces.aclose()
        if owned:
            out.close()
