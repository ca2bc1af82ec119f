"""Message Batches kept in memory: create, poll, list, cancel, delete, and the JSONL results.

Theory of operation. `BatchStore.create` checks the body like the API does (1..100,000 requests,
each `custom_id` matching ``^[a-zA-Z0-9_-]{1,64}$`` and unique, each `params` a valid
non-streaming messages body) and stores the batch `in_progress`. Processing turns every request
into one results line from the same deterministic replies `POST /v1/messages` gives
(`claude.testing.replies`); it happens all at once per batch, and only then does the batch become
`ended` with its `request_counts`, `ended_at` and `results_url` set (items leave `processing` only
when the whole batch ends, as the API documents). When it happens is the store's `processing`:

- ``"background"`` (the default): a worker thread processes batches in creation order; a test
  calls `wait_until_ended` (a condition wait, not a sleep) before reading the results;
- ``"instant"``: processed before the create call answers (the create response still shows the
  new batch `in_progress`, like the API's; every later request sees it ended);
- ``"manual"``: a batch stays `in_progress` (or `canceling`) until the test calls `release`, so a
  client's polling and cancel paths can be driven step by step.

Cancel moves an unfinished batch to `canceling`; when it is processed, its requests end
`canceled`. Delete works only on an ended batch. A `Fault(batch_results={custom_id: outcome})` on
the create request forces chosen requests to end `errored`, `expired` or `canceled`, or makes
their results line malformed JSON (counted as succeeded, as a damaged download would be).
"""

from __future__ import annotations

import datetime
import re
import threading
import traceback
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import msgspec

from claude.testing import ids, pages, replies, validation

__all__ = ["MAX_REQUESTS", "BatchStore", "Processing"]

#: The most requests one batch may hold (api-reference §9.1).
MAX_REQUESTS = 100_000

Processing = Literal["background", "instant", "manual"]

_CUSTOM_ID = re.compile(r"[a-zA-Z0-9_-]{1,64}")
_EXPIRY = datetime.timedelta(hours=24)
_REQUEST_FIELDS = frozenset({"custom_id", "params"})


def _timestamp(moment: datetime.datetime) -> str:
    """RFC 3339 in UTC with a ``Z``, as the API writes its timestamps."""
    return moment.isoformat().replace("+00:00", "Z")


@dataclass(slots=True, kw_only=True)
class _Batch:
    """One batch's mutable record; only touched under the store's lock."""

    id: str
    requests: tuple[tuple[str, Mapping[str, object]], ...]
    forced: Mapping[str, str]
    created_at: datetime.datetime
    status: Literal["in_progress", "canceling", "ended"] = "in_progress"
    cancel_initiated_at: datetime.datetime | None = None
    ended_at: datetime.datetime | None = None
    counts: dict[str, int] = field(default_factory=dict)
    lines: tuple[bytes, ...] = ()
    results_url: str | None = None

    def view(self) -> dict[str, object]:
        """The `MessageBatch` object (api-reference §9.2)."""
        counts = self.counts or {"processing": len(self.requests)}
        return {
            "id": self.id,
            "type": "message_batch",
            "processing_status": self.status,
            "request_counts": {
                key: counts.get(key, 0)
                for key in ("processing", "succeeded", "errored", "canceled", "expired")
            },
            "created_at": _timestamp(self.created_at),
            "expires_at": _timestamp(self.created_at + _EXPIRY),
            "ended_at": None if self.ended_at is None else _timestamp(self.ended_at),
            "cancel_initiated_at": None
            if self.cancel_initiated_at is None
            else _timestamp(self.cancel_initiated_at),
            "archived_at": None,
            "results_url": self.results_url,
        }


def check_create(body: object, *, version: str) -> str | None:
    """Why `POST /v1/messages/batches` refuses `body` (the failing index and custom_id named)."""
    if not isinstance(body, Mapping):
        return "Request body must be a JSON object"
    for key in body:
        if key != "requests":
            return f"{key}: Extra inputs are not permitted"
    requests = body.get("requests")
    if requests is None:
        return "requests: Field required"
    if not isinstance(requests, list):
        return "requests: Input should be a valid list"
    if not 1 <= len(requests) <= MAX_REQUESTS:
        return (
            f"requests: a batch holds 1 to {MAX_REQUESTS:,} requests, got {len(requests):,}; "
            "split it into several batches"
        )
    seen: dict[str, int] = {}
    for i, item in enumerate(requests):
        problem = _check_item(i, item, seen, version=version)
        if problem is not None:
            return problem
    return None


def _check_item(i: int, item: object, seen: dict[str, int], *, version: str) -> str | None:
    where = f"requests.{i}"
    if not isinstance(item, Mapping):
        return f"{where}: Input should be a valid dictionary"
    custom_id = item.get("custom_id")
    if custom_id is None:
        return f"{where}.custom_id: Field required"
    if not isinstance(custom_id, str) or _CUSTOM_ID.fullmatch(custom_id) is None:
        return (
            f"{where}.custom_id: {custom_id!r} should be 1 to 64 characters of "
            "letters, digits, '_' and '-'"
        )
    if custom_id in seen:
        return (
            f"{where}.custom_id: {custom_id!r} is already used by requests.{seen[custom_id]}; "
            "custom_id must be unique within a batch"
        )
    seen[custom_id] = i
    for key in item:
        if key not in _REQUEST_FIELDS:
            return f"{where}.{key}: Extra inputs are not permitted (custom_id {custom_id!r})"
    params = item.get("params")
    if params is None:
        return f"{where}.params: Field required (custom_id {custom_id!r})"
    if not isinstance(params, Mapping):
        return f"{where}.params: Input should be a valid dictionary (custom_id {custom_id!r})"
    if params.get("stream") is True:
        return f"{where}.params.stream: batch requests cannot stream (custom_id {custom_id!r})"
    problem = validation.check_message(params, version=version)
    if problem is not None:
        return f"{where}.params.{problem} (custom_id {custom_id!r})"
    return None


def _line(custom_id: str, result: Mapping[str, object]) -> bytes:
    return msgspec.json.encode({"custom_id": custom_id, "result": result}) + b"\n"


def _succeeded(custom_id: str, params: Mapping[str, object]) -> bytes:
    """The `succeeded` line: the reply the messages route would give, billed as a batch."""
    reply = replies.compose(params, message_id=ids.message_id(), tool_use_id=ids.tool_use_id())
    message = msgspec.json.decode(replies.encode_message(reply))
    message["usage"]["service_tier"] = "batch"
    return _line(custom_id, {"type": "succeeded", "message": message})


def _result_line(custom_id: str, params: Mapping[str, object], outcome: str) -> bytes:
    if outcome == "succeeded":
        return _succeeded(custom_id, params)
    if outcome == "malformed":
        whole = _succeeded(custom_id, params)
        return whole[: len(whole) // 2] + b"\n"
    if outcome == "errored":
        error = {
            "type": "error",
            "error": {
                "type": "invalid_request_error",
                "message": "This request errored (injected by Fault.batch_results)",
            },
            "request_id": ids.request_id(),
        }
        return _line(custom_id, {"type": "errored", "error": error})
    return _line(custom_id, {"type": outcome})


def _process(batch: _Batch) -> tuple[tuple[bytes, ...], dict[str, int]]:
    """Every request's results line and the final counts (a cancel turns the rest `canceled`)."""
    canceled = batch.status == "canceling"
    counts = {"processing": 0, "succeeded": 0, "errored": 0, "canceled": 0, "expired": 0}
    lines: list[bytes] = []
    for custom_id, params in batch.requests:
        outcome = "canceled" if canceled else batch.forced.get(custom_id, "succeeded")
        lines.append(_result_line(custom_id, params, outcome))
        counts["succeeded" if outcome == "malformed" else outcome] += 1
    return tuple(lines), counts


class BatchStore:
    """Every batch of one server, thread-safe; ids listed newest first.

    Answers are plain values: a `MessageBatch` dict, None for an unknown id, or a message string
    for a request the batch's state refuses (the routes turn those into 404 and 400 errors).
    """

    def __init__(self, *, processing: Processing = "background") -> None:
        self.processing: Processing = processing
        self.base_url = ""
        #: Where the worker thread reports a traceback (a server bug), instead of dying loudly.
        self.on_error: Callable[[str], None] = lambda text: None
        self._changed = threading.Condition()
        self._batches: dict[str, _Batch] = {}
        self._queue: deque[str] = deque()
        self._worker: threading.Thread | None = None
        self._closed = False

    # -- the API's operations ------------------------------------------------------------------

    def create(self, body: Mapping[str, object], *, forced: Mapping[str, str]) -> dict[str, object]:
        """Store a checked create body (see `check_create`) and start processing it."""
        raw = body["requests"]
        assert isinstance(raw, list)  # check_create passed
        requests = tuple((str(item["custom_id"]), item["params"]) for item in raw)
        batch = _Batch(
            id=ids.batch_id(),
            requests=requests,
            forced=dict(forced),
            created_at=datetime.datetime.now(datetime.UTC),
        )
        with self._changed:
            self._batches[batch.id] = batch
            created = batch.view()
            if self.processing == "background":
                self._queue.append(batch.id)
                self._ensure_worker()
                self._changed.notify_all()
        if self.processing == "instant":
            self._finish(batch.id)
        return created

    def get(self, batch_id: str) -> dict[str, object] | None:
        """The batch, or None when there is no such (undeleted) batch."""
        with self._changed:
            batch = self._batches.get(batch_id)
            return None if batch is None else batch.view()

    def list(self, query: Mapping[str, str]) -> dict[str, object] | str:
        """One page of batches, newest first (`pages.page`), or the bad parameter's message."""
        with self._changed:
            order = list(reversed(self._batches))
            window = pages.page(order, query)
            if isinstance(window, str):
                return window
            return window.envelope([self._batches[i].view() for i in window.ids])

    def cancel(self, batch_id: str) -> dict[str, object] | str | None:
        """Start canceling an unfinished batch; an ended one is refused with a message."""
        with self._changed:
            batch = self._batches.get(batch_id)
            if batch is None:
                return None
            if batch.status == "ended":
                return (
                    f"Batch {batch_id} has already ended; only an unfinished batch can be canceled"
                )
            if batch.status == "in_progress":
                batch.status = "canceling"
                batch.cancel_initiated_at = datetime.datetime.now(datetime.UTC)
            return batch.view()

    def delete(self, batch_id: str) -> dict[str, object] | str | None:
        """Forget an ended batch; an unfinished one is refused (cancel it first)."""
        with self._changed:
            batch = self._batches.get(batch_id)
            if batch is None:
                return None
            if batch.status != "ended":
                return (
                    f"Batch {batch_id} is still {batch.status}; only an ended batch can be "
                    "deleted, so cancel it and wait for processing_status ended first"
                )
            del self._batches[batch_id]
            return {"id": batch_id, "type": "message_batch_deleted"}

    def results(self, batch_id: str) -> Sequence[bytes] | str | None:
        """The JSONL lines of an ended batch; an unfinished one is refused with a message."""
        with self._changed:
            batch = self._batches.get(batch_id)
            if batch is None:
                return None
            if batch.status != "ended":
                return (
                    f"Batch {batch_id} is still {batch.status}; results are available once "
                    "processing_status is ended"
                )
            return batch.lines

    # -- steering, for tests -------------------------------------------------------------------

    def release(self, batch_id: str | None = None) -> int:
        """Process now (in this thread) the given unfinished batch, or all of them; how many."""
        with self._changed:
            todo = [
                b.id
                for b in self._batches.values()
                if b.status != "ended" and batch_id in (None, b.id)
            ]
        for each in todo:
            self._finish(each)
        return len(todo)

    def wait_until_ended(self, batch_id: str, timeout: float) -> bool:
        """Block until the batch has ended (or `timeout` passes); False for an unknown id too."""

        def ended() -> bool:
            batch = self._batches.get(batch_id)
            return batch is not None and batch.status == "ended"

        with self._changed:
            return self._changed.wait_for(ended, timeout)

    def close(self, timeout: float) -> None:
        """Stop the worker thread (an unprocessed batch stays unfinished) and join it."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()
            worker = self._worker
        if worker is not None:
            worker.join(timeout)

    # -- processing ----------------------------------------------------------------------------

    def _finish(self, batch_id: str) -> None:
        """Process one batch outside the lock, then end it (unless deleted or ended meanwhile)."""
        with self._changed:
            batch = self._batches.get(batch_id)
            if batch is None or batch.status == "ended":
                return
        lines, counts = _process(batch)
        with self._changed:
            if self._batches.get(batch_id) is not batch or batch.ended_at is not None:
                return  # deleted, or another thread's release ended it first
            batch.lines, batch.counts, batch.status = lines, counts, "ended"
            batch.ended_at = datetime.datetime.now(datetime.UTC)
            batch.results_url = f"{self.base_url}/v1/messages/batches/{batch_id}/results"
            self._changed.notify_all()

    def _ensure_worker(self) -> None:
        """Start the background worker on first use (called under the lock)."""
        if self._worker is None and not self._closed:
            self._worker = threading.Thread(
                target=self._work, name="claude-local-server-batches", daemon=True
            )
            self._worker.start()

    def _work(self) -> None:
        while True:
            with self._changed:
                self._changed.wait_for(lambda: self._closed or bool(self._queue))
                if self._closed:
                    return
                batch_id = self._queue.popleft()
            try:
                self._finish(batch_id)
            except Exception:
                self.on_error(traceback.format_exc())
