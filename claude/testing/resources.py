"""The in-memory state behind the resource routes: one server's batches and files.

`LocalServer` owns one `Resources` and hands it to `routes.respond` with every request; tests reach
it through `LocalServer.batches` and `LocalServer.files` to steer batch processing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from claude.testing.batches import BatchStore
from claude.testing.files import FileStore

__all__ = ["Resources"]


@dataclass(slots=True)
class Resources:
    """A server's batch store and file store."""

    batches: BatchStore = field(default_factory=BatchStore)
    files: FileStore = field(default_factory=FileStore)
