"""The request log: what the server received, for tests to assert on.

Each parsed request is recorded before it is answered (faulted ones too, including `close`), so
once a client has its response, or its error, the request is already in the log.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

__all__ = ["RecordedRequest", "RequestLog"]


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordedRequest:
    """One request as the server saw it.

    `path` is the raw request target, query string included; `headers` has lower-cased names
    (repeated headers joined with ", "); `json` is the parsed body, or None when the body is
    empty or not JSON; `received_at` is `time.monotonic()` when the body had been read.
    """

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    json: object | None
    received_at: float


class RequestLog:
    """Thread-safe append-only list of requests, with a counter that `clear` also resets."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._grew = threading.Condition(self._lock)
        self._requests: list[RecordedRequest] = []

    def append(self, request: RecordedRequest) -> None:
        """Record one request."""
        with self._grew:
            self._requests.append(request)
            self._grew.notify_all()

    def wait_for(self, count: int, timeout: float) -> bool:
        """Block until at least ``count`` requests are recorded (or ``timeout`` passes)."""
        with self._grew:
            return self._grew.wait_for(lambda: len(self._requests) >= count, timeout)

    def snapshot(self) -> list[RecordedRequest]:
        """A copy of the log, safe to keep while the server goes on recording."""
        with self._lock:
            return list(self._requests)

    def __len__(self) -> int:
        with self._lock:
            return len(self._requests)

    def clear(self) -> None:
        """Forget every recorded request."""
        with self._lock:
            self._requests.clear()
