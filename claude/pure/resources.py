"""The typed replies of the endpoints besides Messages: models, message batches and files.

The schema of api-reference §7-§10, checked against the official SDK 2.14's types. Like every
wire Struct these forbid unknown fields on the fast path, and ``claude.pure.codec.decode`` keeps
the fields (and result types) an API newer than this library sends, so re-encoding a decoded
value gives the object back: a field absent stays absent (``UNSET``), a ``null`` stays ``null``.
Timestamps are kept as the RFC 3339 strings the API sent, byte for byte.

``TokenCount`` (the count-tokens reply) lives in ``claude.pure.wire`` with the Messages types.
"""

from __future__ import annotations

from typing import TypeAlias

from msgspec import UNSET, UnsetType

from claude.pure.wire import UNKNOWN_TAG, JsonObject, Message, Tagged, TokenCount, Unknown, Wire

__all__ = [
    "BatchCanceled",
    "BatchErrored",
    "BatchExpired",
    "BatchPage",
    "BatchRequestCounts",
    "BatchResult",
    "BatchResultLine",
    "BatchSucceeded",
    "DeletedFile",
    "DeletedMessageBatch",
    "FileObject",
    "FilePage",
    "MessageBatch",
    "ModelInfo",
    "ModelPage",
    "TokenCount",
    "UnknownBatchResult",
]


class ModelInfo(Wire, frozen=True, kw_only=True, dict=True):
    """One model of ``GET /v1/models``: id, name, release time, and whatever else the API says
    about it (context window, capabilities, lifecycle), kept as sent."""

    id: str
    type: str = "model"
    display_name: str
    created_at: str
    max_input_tokens: int | UnsetType | None = UNSET
    max_tokens: int | UnsetType | None = UNSET
    capabilities: JsonObject | UnsetType | None = UNSET
    lifecycle: str | UnsetType | None = UNSET
    deprecated_at: str | UnsetType | None = UNSET
    retires_at: str | UnsetType | None = UNSET
    line: str | UnsetType | None = UNSET


class _Page(Wire, frozen=True, kw_only=True, dict=True):
    """A list page: ``data`` plus the cursors (``after_id=last_id`` goes forward)."""

    has_more: bool = False
    first_id: str | UnsetType | None = UNSET
    last_id: str | UnsetType | None = UNSET


class ModelPage(_Page, frozen=True, kw_only=True, dict=True):
    """One page of ``GET /v1/models``, newest first."""

    data: list[ModelInfo]


class BatchRequestCounts(Wire, frozen=True, kw_only=True, dict=True):
    """How many of a batch's requests are in each state; they sum to the batch's size."""

    processing: int = 0
    succeeded: int = 0
    errored: int = 0
    canceled: int = 0
    expired: int = 0


class MessageBatch(Wire, frozen=True, kw_only=True, dict=True):
    """A message batch: its processing status, counts, times and, once ended, ``results_url``."""

    id: str
    type: str = "message_batch"
    processing_status: str
    request_counts: BatchRequestCounts
    created_at: str
    expires_at: str | UnsetType | None = UNSET
    ended_at: str | UnsetType | None = UNSET
    cancel_initiated_at: str | UnsetType | None = UNSET
    archived_at: str | UnsetType | None = UNSET
    results_url: str | UnsetType | None = UNSET

    @property
    def ended(self) -> bool:
        """Whether processing is over (results can be fetched)."""
        return self.processing_status == "ended"


class BatchPage(_Page, frozen=True, kw_only=True, dict=True):
    """One page of ``GET /v1/messages/batches``, newest first."""

    data: list[MessageBatch]


class DeletedMessageBatch(Wire, frozen=True, kw_only=True, dict=True):
    """The reply of ``DELETE /v1/messages/batches/{id}``."""

    id: str
    type: str = "message_batch_deleted"


class BatchSucceeded(Tagged, frozen=True, kw_only=True, dict=True, tag="succeeded"):
    """The request ran: its ``Message``."""

    message: Message


class BatchErrored(Tagged, frozen=True, kw_only=True, dict=True, tag="errored"):
    """The request failed: the API's error envelope (``type``, ``error{type, message}``,
    ``request_id``), kept as sent."""

    error: JsonObject

    @property
    def error_type(self) -> str:
        """The error's ``type`` (``invalid_request_error``, ...), empty if the envelope has none."""
        inner = self.error.get("error")
        kind = inner.get("type") if isinstance(inner, dict) else None
        return kind if isinstance(kind, str) else ""

    @property
    def message(self) -> str:
        """The error's human-readable message, empty if the envelope has none."""
        inner = self.error.get("error")
        text = inner.get("message") if isinstance(inner, dict) else None
        return text if isinstance(text, str) else ""


class BatchCanceled(Tagged, frozen=True, kw_only=True, dict=True, tag="canceled"):
    """The batch was canceled before this request ran."""


class BatchExpired(Tagged, frozen=True, kw_only=True, dict=True, tag="expired"):
    """The batch's 24 hours ran out before this request ran."""


class UnknownBatchResult(Unknown, frozen=True, kw_only=True, tag=UNKNOWN_TAG):
    """A result type newer than this library, kept as sent."""


BatchResult: TypeAlias = (
    BatchSucceeded | BatchErrored | BatchCanceled | BatchExpired | UnknownBatchResult
)


class BatchResultLine(Wire, frozen=True, kw_only=True, dict=True):
    """One line of a batch's results JSONL: which request (``custom_id``) and how it went."""

    custom_id: str
    result: BatchResult


class FileObject(Wire, frozen=True, kw_only=True, dict=True):
    """A file's metadata (``FileMetadata`` in the API's words)."""

    id: str
    type: str = "file"
    filename: str
    mime_type: str
    size_bytes: int
    created_at: str
    downloadable: bool | UnsetType | None = UNSET
    expires_at: str | UnsetType | None = UNSET


class FilePage(_Page, frozen=True, kw_only=True, dict=True):
    """One page of ``GET /v1/files``: the GA cursor ``next_page`` (``page=`` goes forward), or
    under the beta shapes (``anthropic-version: 2023-06-01``) ``has_more``/``first_id``/``last_id``."""

    data: list[FileObject]
    next_page: str | UnsetType | None = UNSET


class DeletedFile(Wire, frozen=True, kw_only=True, dict=True):
    """The reply of ``DELETE /v1/files/{id}``."""

    id: str
    type: str = "file_deleted"
