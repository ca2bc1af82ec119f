"""Module-level calls for the rest of the API: count tokens, models, message batches, files.

Each is a one-line call of the ``Client`` method of the same name, on ``client`` or, without one,
the default client made once from the environment (``ANTHROPIC_API_KEY``). Each plain call makes
exactly one HTTP request; the ``iter_*`` walkers one per page, ``wait_for_batch`` one per poll.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from typing import IO

from returns.result import Result

from claude.pure.errors import ClaudeError
from claude.pure.resources import (
    BatchPage,
    BatchResultLine,
    DeletedFile,
    DeletedMessageBatch,
    FileObject,
    FilePage,
    MessageBatch,
    ModelInfo,
    ModelPage,
)
from claude.pure.wire import TokenCount
from claude.shell.batches import Progress, read_batch_input, write_batch_results
from claude.shell.client import Client, MessageParams, default_client
from claude.shell.execute import Observer, Policies
from claude.shell.files import FileSource, PathLike, UploadProgress

__all__ = [
    "abatch_results",
    "acancel_batch",
    "acount_tokens",
    "acreate_batch",
    "adelete_batch",
    "adelete_file",
    "adownload_file",
    "aget_batch",
    "aget_file",
    "aget_model",
    "aiter_batches",
    "aiter_files",
    "aiter_models",
    "alist_batches",
    "alist_files",
    "alist_models",
    "aupload_file",
    "await_for_batch",
    "batch_results",
    "cancel_batch",
    "count_tokens",
    "create_batch",
    "delete_batch",
    "delete_file",
    "download_file",
    "get_batch",
    "get_file",
    "get_model",
    "iter_batches",
    "iter_files",
    "iter_models",
    "list_batches",
    "list_files",
    "list_models",
    "read_batch_input",
    "upload_file",
    "wait_for_batch",
    "write_batch_results",
]


def count_tokens(
    request: MessageParams,
    *,
    client: Client | None = None,
    policies: Policies | None = None,
    observe: Observer | None = None,
    timeout: float | None = None,
    extra_body: Mapping[str, object] | None = None,
    extra_headers: Mapping[str, str] | None = None,
    extra_query: Mapping[str, str] | None = None,
) -> Result[TokenCount, ClaudeError]:
    """Count the input tokens of a Messages request (``POST /v1/messages/count_tokens``). Without ``client``, the default client."""
    return (client or default_client()).count_tokens(
        request,
        policies=policies,
        observe=observe,
        timeout=timeout,
        extra_body=extra_body,
        extra_headers=extra_headers,
        extra_query=extra_query,
    )


async def acount_tokens(
    request: MessageParams,
    *,
    client: Client | None = None,
    policies: Policies | None = None,
    observe: Observer | None = None,
    timeout: float | None = None,
    extra_body: Mapping[str, object] | None = None,
    extra_headers: Mapping[str, str] | None = None,
    extra_query: Mapping[str, str] | None = None,
) -> Result[TokenCount, ClaudeError]:
    """The async twin of ``count_tokens``."""
    return await (client or default_client()).acount_tokens(
        request,
        policies=policies,
        observe=observe,
        timeout=timeout,
        extra_body=extra_body,
        extra_headers=extra_headers,
        extra_query=extra_query,
    )


def list_models(
    *,
    client: Client | None = None,
    limit: int | None = None,
    before_id: str | None = None,
    after_id: str | None = None,
    policies: Policies | None = None,
    observe: Observer | None = None,
    timeout: float | None = None,
    extra_body: Mapping[str, object] | None = None,
    extra_headers: Mapping[str, str] | None = None,
    extra_query: Mapping[str, str] | None = None,
) -> Result[ModelPage, ClaudeError]:
    """One page of models, newest first (``GET /v1/models``). Without ``client``, the default client."""
    return (client or default_client()).list_models(
        limit=limit,
        before_id=before_id,
        after_id=after_id,
        policies=policies,
        observe=observe,
        timeout=timeout,
        extra_body=extra_body,
        extra_headers=extra_headers,
        extra_query=extra_query,
    )


async def alist_models(
    *,
    client: Client | None = None,
    limit: int | None = None,
    before_id: str | None = None,
    after_id: str | None = None,
    policies: Policies | None = None,
    observe: Observer | None = None,
    timeout: float | None = None,
    extra_body: Mapping[str, object] | None = None,
    extra_headers: Mapping[str, str] | None = None,
    extra_query: Mapping[str, str] | None = None,
) -> Result[ModelPage, ClaudeError]:
    """The async twin of ``list_models``."""
    return await (client or default_client()).alist_models(
        limit=limit,
        before_id=before_id,
        after_id=after_id,
        policies=policies,
        observe=observe,
        timeout=timeout,
        extra_body=extra_body,
        extra_headers=extra_headers,
        extra_query=extra_query,
    )


def iter_models(
    *,
    client: Client | None = None,
    limit: int | None = None,
    policies: Policies | None = None,
    observe: Observer | None = None,
    timeout: float | None = None,
    extra_body: Mapping[str, object] | None = None,
    extra_headers: Mapping[str, str] | None = None,
    extra_query: Mapping[str, str] | None = None,
) -> Iterator[Result[ModelInfo, ClaudeError]]:
    """Every model: one request per page, made as you walk. Without ``client``, the default client."""
    return (client or default_client()).iter_models(
        limit=limit,
        policies=policies,
        observe=observe,
        timeout=timeout,
        extra_body=extra_body,
        extra_headers=extra_headers,
        extra_query=extra_query,
    )


def aiter_models(
    *,
    client: Client | None = None,
    limit: int | None = None,
    policies: Policies | None = None,
    observe: Observer | None = None,
    timeout: float | None = None,
    extra_body: Mapping[str, object] | None = None,
    extra_headers: Mapping[str, str] | None = None,
    extra_query: Mapping[str, str] | None = None,
) -> AsyncIterator[Result[ModelInfo, ClaudeError]]:
    """The async twin of ``iter_models``."""
    return (client or default_client()).aiter_models(
        limit=limit,
        policies=policies,
        observe=observe,
        timeout=timeout,
        extra_body=extra_body,
        extra_headers=extra_headers,
        extra_query=extra_query,
    )


def get_model(
    model_id: str,
    *,
    client: Client | None = None,
    policies: Policies | None = None,
    observe: Observer | None = None,
    timeout: float | None = None,
    extra_body: Mapping[str, object] | None = None,
    extra_headers: Mapping[str, str] | None = None,
    extra_query: Mapping[str, str] | None = None,
) -> Result[ModelInfo, ClaudeError]:
    """One model by id or alias (``GET /v1/models/{id}``). Without ``client``, the default client."""
    return (client or default_client()).get_model(
        model_id,
        policies=policies,
        observe=observe,
        timeout=timeout,
        extra_body=extra_body,
        extra_headers=extra_headers,
        extra_query=extra_query,
    )


async def aget_model(
    model_id: str,
    *,
    client: Client | None = None,
    policies: Policies | None = None,
    observe: Observer | None = None,
    timeout: float | None = None,
    extra_body: Mapping[str, object] | None = None,
    extra_headers: Mapping[str, str] | None = None,
    extra_query: Mapping[str, str] | None = None,
) -> Result[ModelInfo, ClaudeError]:
    """The async twin of ``get_model``."""
    return await (client or default_client()).aget_model(
        model_id,
        policies=policies,
        observe=observe,
        timeout=timeout,
        extra_body=extra_body,
        extra_headers=extra_headers,
        extra_query=extra_query,
    )


def create_batch(
    requests: Sequence[Mapping[str, object]],
    *,
    client: Client | None = None,
    checks: bool = True,
    policies: Policies | None = None,
    observe: Observer | None = None,
    timeout: float | None = None,
    extra_body: Mapping[str, object] | None = None,
    extra_headers: Mapping[str, str] | None = None,
    extra_query: Mapping[str, str] | None = None,
) -> Result[MessageBatch, ClaudeError]:
    """Create a message batch, every request checked first (``POST /v1/messages/batches``). Without ``client``, the default client."""
    return (client or default_client()).create_batch(
        requests,
        checks=checks,
        policies=policies,
        observe=observe,
        timeout=timeout,
        extra_body=extra_body,
        extra_headers=extra_headers,
        extra_query=extra_query,
    )


async def acreate_batch(
    requests: Sequence[Mapping[str, object]],
    *,
    client: Client | None = None,
    checks: bool = True,
    policies: Policies | None = None,
    observe: Observer | None = None,
    timeout: float | None = None,
    extra_body: Mapping[str, object] | None = None,
    extra_headers: Mapping[str, str] | None = None,
    extra_query: Mapping[str, str] | None = None,
) -> Result[MessageBatch, ClaudeError]:
    """The async twin of ``create_batch``."""
    return await (client or default_client()).acreate_batch(
        requests,
        checks=checks,
        policies=policies,
        observe=observe,
        timeout=timeout,
        extra_body=extra_body,
        extra_headers=extra_headers,
        extra_query=extra_query,
    )


def get_batch(
    batch_id: str,
    *,
    client: Client | None = None,
    policies: Policies | None = None,
    observe: Observer | None = None,
    timeout: float | None = None,
    extra_body: Mapping[str, object] | None = None,
    extra_headers: Mapping[str, str] | None = None,
    extra_query: Mapping[str, str] | None = None,
) -> Result[MessageBatch, ClaudeError]:
    """A batch's current state (``GET /v1/messages/batches/{id}``). Without ``client``, the default client."""
    return (client or default_client()).get_batch(
        batch_id,
        policies=policies,
        observe=observe,
        timeout=timeout,
        extra_body=extra_body,
        extra_headers=extra_headers,
        extra_query=extra_query,
    )


async def aget_batch(
    batch_id: str,
    *,
    client: Client | None = None,
    policies: Policies | None = None,
    observe: Observer | None = None,
    timeout: float | None = None,
    extra_body: Mapping[str, object] | None = None,
    extra_headers: Mapping[str, str] | None = None,
    extra_query: Mapping[str, str] | None = None,
) -> Result[MessageBatch, ClaudeError]:
    """The async twin of ``get_batch``."""
    return await (client or default_client()).aget_batch(
        batch_id,
        policies=policies,
        observe=observe,
        timeout=timeout,
        extra_body=extra_body,
        extra_headers=extra_headers,
        extra_query=extra_query,
    )


def list_batches(
    *,
    client: Client | None = None,
    limit: int | None = None,
    before_id: str | None = None,
    after_id: str | None = None,
    policies: Policies | None = None,
    observe: Observer | None = None,
    timeout: float | None = None,
    extra_body: Mapping[str, object] | None = None,
    extra_headers: Mapping[str, str] | None = None,
    extra_query: Mapping[str, str] | None = None,
) -> Result[BatchPage, ClaudeError]:
    """One page of batches, newest first. Without ``client``, the default client."""
    return (client or default_client()).list_batches(
        limit=limit,
        before_id=before_id,
        after_id=after_id,
        policies=policies,
        observe=observe,
        timeout=timeout,
        extra_body=extra_body,
        extra_headers=extra_headers,
        extra_query=extra_query,
    )


async def alist_batches(
    *,
    client: Client | None = None,
    limit: int | None = None,
    before_id: str | None = None,
    after_id: str | None = None,
    policies: Policies | None = None,
    observe: Observer | None = None,
    timeout: float | None = None,
    extra_body: Mapping[str, object] | None = None,
    extra_headers: Mapping[str, str] | None = None,
    extra_query: Mapping[str, str] | None = None,
) -> Result[BatchPage, ClaudeError]:
    """The async twin of ``list_batches``."""
    return await (client or default_client()).alist_batches(
        limit=limit,
        before_id=before_id,
        after_id=after_id,
        policies=policies,
        observe=observe,
        timeout=timeout,
        extra_body=extra_body,
        extra_headers=extra_headers,
        extra_query=extra_query,
    )


def iter_batches(
    *,
    client: Client | None = None,
    limit: int | None = None,
    policies: Policies | None = None,
    observe: Observer | None = None,
    timeout: float | None = None,
    extra_body: Mapping[str, object] | None = None,
    extra_headers: Mapping[str, str] | None = None,
    extra_query: Mapping[str, str] | None = None,
) -> Iterator[Result[MessageBatch, ClaudeError]]:
    """Every batch: one request per page, made as you walk. Without ``client``, the default client."""
    return (client or default_client()).iter_batches(
        limit=limit,
        policies=policies,
        observe=observe,
        timeout=timeout,
        extra_body=extra_body,
        extra_headers=extra_headers,
        extra_query=extra_query,
    )


def aiter_batches(
    *,
    client: Client | None = None,
    limit: int | None = None,
    policies: Policies | None = None,
    observe: Observer | None = None,
    timeout: float | None = None,
    extra_body: Mapping[str, object] | None = None,
    extra_headers: Mapping[str, str] | None = None,
    extra_query: Mapping[str, str] | None = None,
) -> AsyncIterator[Result[MessageBatch, ClaudeError]]:
    """The async twin of ``iter_batches``."""
    return (client or default_client()).aiter_batches(
        limit=limit,
        policies=policies,
        observe=observe,
        timeout=timeout,
        extra_body=extra_body,
        extra_headers=extra_headers,
        extra_query=extra_query,
    )


def cancel_batch(
    batch_id: str,
    *,
    client: Client | None = None,
    policies: Policies | None = None,
    observe: Observer | None = None,
    timeout: float | None = None,
    extra_body: Mapping[str, object] | None = None,
    extra_headers: Mapping[str, str] | None = None,
    extra_query: Mapping[str, str] | None = None,
) -> Result[MessageBatch, ClaudeError]:
    """Cancel a batch (it goes ``canceling``, then ``ended``). Without ``client``, the default client."""
    return (client or default_client()).cancel_batch(
        batch_id,
        policies=policies,
        observe=observe,
        timeout=timeout,
        extra_body=extra_body,
        extra_headers=extra_headers,
        extra_query=extra_query,
    )


async def acancel_batch(
    batch_id: str,
    *,
    client: Client | None = None,
    policies: Policies | None = None,
    observe: Observer | None = None,
    timeout: float | None = None,
    extra_body: Mapping[str, object] | None = None,
    extra_headers: Mapping[str, str] | None = None,
    extra_query: Mapping[str, str] | None = None,
) -> Result[MessageBatch, ClaudeError]:
    """The async twin of ``cancel_batch``."""
    return await (client or default_client()).acancel_batch(
        batch_id,
        policies=policies,
        observe=observe,
        timeout=timeout,
        extra_body=extra_body,
        extra_headers=extra_headers,
        extra_query=extra_query,
    )


def delete_batch(
    batch_id: str,
    *,
    client: Client | None = None,
    policies: Policies | None = None,
    observe: Observer | None = None,
    timeout: float | None = None,
    extra_body: Mapping[str, object] | None = None,
    extra_headers: Mapping[str, str] | None = None,
    extra_query: Mapping[str, str] | None = None,
) -> Result[DeletedMessageBatch, ClaudeError]:
    """Delete an ended batch. Without ``client``, the default client."""
    return (client or default_client()).delete_batch(
        batch_id,
        policies=policies,
        observe=observe,
        timeout=timeout,
        extra_body=extra_body,
        extra_headers=extra_headers,
        extra_query=extra_query,
    )


async def adelete_batch(
    batch_id: str,
    *,
    client: Client | None = None,
    policies: Policies | None = None,
    observe: Observer | None = None,
    timeout: float | None = None,
    extra_body: Mapping[str, object] | None = None,
    extra_headers: Mapping[str, str] | None = None,
    extra_query: Mapping[str, str] | None = None,
) -> Result[DeletedMessageBatch, ClaudeError]:
    """The async twin of ``delete_batch``."""
    return await (client or default_client()).adelete_batch(
        batch_id,
        policies=policies,
        observe=observe,
        timeout=timeout,
        extra_body=extra_body,
        extra_headers=extra_headers,
        extra_query=extra_query,
    )


def batch_results(
    batch: str | MessageBatch,
    *,
    client: Client | None = None,
    timeout: float | None = None,
    extra_body: Mapping[str, object] | None = None,
    extra_headers: Mapping[str, str] | None = None,
    extra_query: Mapping[str, str] | None = None,
) -> Iterator[Result[BatchResultLine, ClaudeError]]:
    """An ended batch's results, one ``Result`` per JSONL line, streamed (flat memory). Without ``client``, the default client."""
    return (client or default_client()).batch_results(
        batch,
        timeout=timeout,
        extra_body=extra_body,
        extra_headers=extra_headers,
        extra_query=extra_query,
    )


def abatch_results(
    batch: str | MessageBatch,
    *,
    client: Client | None = None,
    timeout: float | None = None,
    extra_body: Mapping[str, object] | None = None,
    extra_headers: Mapping[str, str] | None = None,
    extra_query: Mapping[str, str] | None = None,
) -> AsyncIterator[Result[BatchResultLine, ClaudeError]]:
    """The async twin of ``batch_results``."""
    return (client or default_client()).abatch_results(
        batch,
        timeout=timeout,
        extra_body=extra_body,
        extra_headers=extra_headers,
        extra_query=extra_query,
    )


def wait_for_batch(
    batch_id: str,
    *,
    client: Client | None = None,
    poll_every: float = 30.0,
    max_poll_every: float = 300.0,
    on_progress: Progress | None = None,
    deadline: float | None = None,
    cancel: Callable[[], bool] | None = None,
    policies: Policies | None = None,
    timeout: float | None = None,
    extra_body: Mapping[str, object] | None = None,
    extra_headers: Mapping[str, str] | None = None,
    extra_query: Mapping[str, str] | None = None,
) -> Result[MessageBatch, ClaudeError]:
    """Poll until the batch ends, with backoff, telling ``on_progress`` each state (explicit). Without ``client``, the default client."""
    return (client or default_client()).wait_for_batch(
        batch_id,
        poll_every=poll_every,
        max_poll_every=max_poll_every,
        on_progress=on_progress,
        deadline=deadline,
        cancel=cancel,
        policies=policies,
        timeout=timeout,
        extra_body=extra_body,
        extra_headers=extra_headers,
        extra_query=extra_query,
    )


async def await_for_batch(
    batch_id: str,
    *,
    client: Client | None = None,
    poll_every: float = 30.0,
    max_poll_every: float = 300.0,
    on_progress: Progress | None = None,
    deadline: float | None = None,
    cancel: Callable[[], bool] | None = None,
    policies: Policies | None = None,
    timeout: float | None = None,
    extra_body: Mapping[str, object] | None = None,
    extra_headers: Mapping[str, str] | None = None,
    extra_query: Mapping[str, str] | None = None,
) -> Result[MessageBatch, ClaudeError]:
    """The async twin of ``wait_for_batch``."""
    return await (client or default_client()).await_for_batch(
        batch_id,
        poll_every=poll_every,
        max_poll_every=max_poll_every,
        on_progress=on_progress,
        deadline=deadline,
        cancel=cancel,
        policies=policies,
        timeout=timeout,
        extra_body=extra_body,
        extra_headers=extra_headers,
        extra_query=extra_query,
    )


def upload_file(
    file: FileSource,
    *,
    client: Client | None = None,
    media_type: str | None = None,
    filename: str | None = None,
    policies: Policies | None = None,
    observe: Observer | None = None,
    on_progress: UploadProgress | None = None,
    timeout: float | None = None,
    extra_body: Mapping[str, object] | None = None,
    extra_headers: Mapping[str, str] | None = None,
    extra_query: Mapping[str, str] | None = None,
) -> Result[FileObject, ClaudeError]:
    """Upload a file (a path, streamed from disk, or bytes) to the Files API. Without ``client``, the default client."""
    return (client or default_client()).upload_file(
        file,
        media_type=media_type,
        filename=filename,
        policies=policies,
        observe=observe,
        on_progress=on_progress,
        timeout=timeout,
        extra_body=extra_body,
        extra_headers=extra_headers,
        extra_query=extra_query,
    )


async def aupload_file(
    file: FileSource,
    *,
    client: Client | None = None,
    media_type: str | None = None,
    filename: str | None = None,
    policies: Policies | None = None,
    observe: Observer | None = None,
    on_progress: UploadProgress | None = None,
    timeout: float | None = None,
    extra_body: Mapping[str, object] | None = None,
    extra_headers: Mapping[str, str] | None = None,
    extra_query: Mapping[str, str] | None = None,
) -> Result[FileObject, ClaudeError]:
    """The async twin of ``upload_file``."""
    return await (client or default_client()).aupload_file(
        file,
        media_type=media_type,
        filename=filename,
        policies=policies,
        observe=observe,
        on_progress=on_progress,
        timeout=timeout,
        extra_body=extra_body,
        extra_headers=extra_headers,
        extra_query=extra_query,
    )


def list_files(
    *,
    client: Client | None = None,
    limit: int | None = None,
    before_id: str | None = None,
    after_id: str | None = None,
    page: str | None = None,
    policies: Policies | None = None,
    observe: Observer | None = None,
    timeout: float | None = None,
    extra_body: Mapping[str, object] | None = None,
    extra_headers: Mapping[str, str] | None = None,
    extra_query: Mapping[str, str] | None = None,
) -> Result[FilePage, ClaudeError]:
    """One page of uploaded files. Without ``client``, the default client."""
    return (client or default_client()).list_files(
        limit=limit,
        before_id=before_id,
        after_id=after_id,
        page=page,
        policies=policies,
        observe=observe,
        timeout=timeout,
        extra_body=extra_body,
        extra_headers=extra_headers,
        extra_query=extra_query,
    )


async def alist_files(
    *,
    client: Client | None = None,
    limit: int | None = None,
    before_id: str | None = None,
    after_id: str | None = None,
    page: str | None = None,
    policies: Policies | None = None,
    observe: Observer | None = None,
    timeout: float | None = None,
    extra_body: Mapping[str, object] | None = None,
    extra_headers: Mapping[str, str] | None = None,
    extra_query: Mapping[str, str] | None = None,
) -> Result[FilePage, ClaudeError]:
    """The async twin of ``list_files``."""
    return await (client or default_client()).alist_files(
        limit=limit,
        before_id=before_id,
        after_id=after_id,
        page=page,
        policies=policies,
        observe=observe,
        timeout=timeout,
        extra_body=extra_body,
        extra_headers=extra_headers,
        extra_query=extra_query,
    )


def iter_files(
    *,
    client: Client | None = None,
    limit: int | None = None,
    policies: Policies | None = None,
    observe: Observer | None = None,
    timeout: float | None = None,
    extra_body: Mapping[str, object] | None = None,
    extra_headers: Mapping[str, str] | None = None,
    extra_query: Mapping[str, str] | None = None,
) -> Iterator[Result[FileObject, ClaudeError]]:
    """Every file: one request per page, made as you walk. Without ``client``, the default client."""
    return (client or default_client()).iter_files(
        limit=limit,
        policies=policies,
        observe=observe,
        timeout=timeout,
        extra_body=extra_body,
        extra_headers=extra_headers,
        extra_query=extra_query,
    )


def aiter_files(
    *,
    client: Client | None = None,
    limit: int | None = None,
    policies: Policies | None = None,
    observe: Observer | None = None,
    timeout: float | None = None,
    extra_body: Mapping[str, object] | None = None,
    extra_headers: Mapping[str, str] | None = None,
    extra_query: Mapping[str, str] | None = None,
) -> AsyncIterator[Result[FileObject, ClaudeError]]:
    """The async twin of ``iter_files``."""
    return (client or default_client()).aiter_files(
        limit=limit,
        policies=policies,
        observe=observe,
        timeout=timeout,
        extra_body=extra_body,
        extra_headers=extra_headers,
        extra_query=extra_query,
    )


def get_file(
    file_id: str,
    *,
    client: Client | None = None,
    policies: Policies | None = None,
    observe: Observer | None = None,
    timeout: float | None = None,
    extra_body: Mapping[str, object] | None = None,
    extra_headers: Mapping[str, str] | None = None,
    extra_query: Mapping[str, str] | None = None,
) -> Result[FileObject, ClaudeError]:
    """A file's metadata. Without ``client``, the default client."""
    return (client or default_client()).get_file(
        file_id,
        policies=policies,
        observe=observe,
        timeout=timeout,
        extra_body=extra_body,
        extra_headers=extra_headers,
        extra_query=extra_query,
    )


async def aget_file(
    file_id: str,
    *,
    client: Client | None = None,
    policies: Policies | None = None,
    observe: Observer | None = None,
    timeout: float | None = None,
    extra_body: Mapping[str, object] | None = None,
    extra_headers: Mapping[str, str] | None = None,
    extra_query: Mapping[str, str] | None = None,
) -> Result[FileObject, ClaudeError]:
    """The async twin of ``get_file``."""
    return await (client or default_client()).aget_file(
        file_id,
        policies=policies,
        observe=observe,
        timeout=timeout,
        extra_body=extra_body,
        extra_headers=extra_headers,
        extra_query=extra_query,
    )


def download_file(
    file_id: str,
    to: PathLike | IO[bytes],
    *,
    client: Client | None = None,
    timeout: float | None = None,
    extra_body: Mapping[str, object] | None = None,
    extra_headers: Mapping[str, str] | None = None,
    extra_query: Mapping[str, str] | None = None,
) -> Result[int, ClaudeError]:
    """Stream a file's content to a path or binary writable; the bytes written. Without ``client``, the default client."""
    return (client or default_client()).download_file(
        file_id,
        to,
        timeout=timeout,
        extra_body=extra_body,
        extra_headers=extra_headers,
        extra_query=extra_query,
    )


async def adownload_file(
    file_id: str,
    to: PathLike | IO[bytes],
    *,
    client: Client | None = None,
    timeout: float | None = None,
    extra_body: Mapping[str, object] | None = None,
    extra_headers: Mapping[str, str] | None = None,
    extra_query: Mapping[str, str] | None = None,
) -> Result[int, ClaudeError]:
    """The async twin of ``download_file``."""
    return await (client or default_client()).adownload_file(
        file_id,
        to,
        timeout=timeout,
        extra_body=extra_body,
        extra_headers=extra_headers,
        extra_query=extra_query,
    )


def delete_file(
    file_id: str,
    *,
    client: Client | None = None,
    policies: Policies | None = None,
    observe: Observer | None = None,
    timeout: float | None = None,
    extra_body: Mapping[str, object] | None = None,
    extra_headers: Mapping[str, str] | None = None,
    extra_query: Mapping[str, str] | None = None,
) -> Result[DeletedFile, ClaudeError]:
    """Delete a file. Without ``client``, the default client."""
    return (client or default_client()).delete_file(
        file_id,
        policies=policies,
        observe=observe,
        timeout=timeout,
        extra_body=extra_body,
        extra_headers=extra_headers,
        extra_query=extra_query,
    )


async def adelete_file(
    file_id: str,
    *,
    client: Client | None = None,
    policies: Policies | None = None,
    observe: Observer | None = None,
    timeout: float | None = None,
    extra_body: Mapping[str, object] | None = None,
    extra_headers: Mapping[str, str] | None = None,
    extra_query: Mapping[str, str] | None = None,
) -> Result[DeletedFile, ClaudeError]:
    """The async twin of ``delete_file``."""
    return await (client or default_client()).adelete_file(
        file_id,
        policies=policies,
        observe=observe,
        timeout=timeout,
        extra_body=extra_body,
        extra_headers=extra_headers,
        extra_query=extra_query,
    )
