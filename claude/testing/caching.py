"""Prompt caching on the local server: the same prefix reads from the cache on the next call.

Theory of operation
-------------------
A request's cacheable prompt runs tools -> system -> messages, the API's order (api-reference
§4.7). Every top-level block there with ``cache_control`` is a *breakpoint*; the prompt up to
and including it is one cache entry, keyed by the model and the canonical JSON of that prefix
with the ``cache_control`` markers taken out (so re-timing a breakpoint does not change what
the prefix is).

For each call, with ``tokens(p)`` the server's usual estimate (a quarter of the characters of
the strings in ``p``, at least 1, as ``replies.count_input_tokens``):

* ``cache_read_input_tokens`` = ``tokens`` of the longest breakpoint prefix already cached;
* ``cache_creation_input_tokens`` = ``tokens`` of the last breakpoint prefix, minus the read;
  each new segment counts under the ttl of the breakpoint that ends it (``ephemeral_5m`` /
  ``ephemeral_1h``);
* ``input_tokens`` = every input token minus the read and the creation;
* then every breakpoint prefix of the call is cached.

Simplifications, on purpose: entries are kept for the server's lifetime (a ttl is recorded
only to split the creation tokens; it never expires, since tests have no clock to wait on),
and there is no minimum length (the API caches only prompts of 1,024+ tokens), so small test
prompts show the effect. The cache belongs to one ``LocalServer``; it is thread-safe.
"""

from __future__ import annotations

import dataclasses
import hashlib
import threading
from collections.abc import Mapping

import msgspec

from claude.testing.replies import Reply, count_input_tokens

__all__ = ["PromptCache"]


def _pieces(body: Mapping[str, object]) -> list[tuple[object, str | None]]:
    """The prompt's top-level pieces in cache order, each with its breakpoint's ttl (or None)."""
    pieces: list[tuple[object, str | None]] = []

    def add_blocks(value: object) -> None:
        if isinstance(value, list):
            for block in value:
                pieces.append(_stripped(block))
        elif value is not None:
            pieces.append((value, None))

    add_blocks(body.get("tools"))
    add_blocks(body.get("system"))
    messages = body.get("messages")
    if isinstance(messages, list):
        for message in messages:
            if not isinstance(message, Mapping):
                continue
            pieces.append((message.get("role"), None))
            add_blocks(message.get("content"))
    return pieces


def _stripped(block: object) -> tuple[object, str | None]:
    """``block`` without its ``cache_control``, and that marker's ttl (``"5m"`` by default)."""
    if not isinstance(block, Mapping) or "cache_control" not in block:
        return block, None
    marker = block["cache_control"]
    ttl = marker.get("ttl", "5m") if isinstance(marker, Mapping) else "5m"
    rest = {key: value for key, value in block.items() if key != "cache_control"}
    return rest, ttl if isinstance(ttl, str) else "5m"


def _tokens(prefix: list[object]) -> int:
    return count_input_tokens({"messages": prefix})


class PromptCache:
    """The cache entries one server has seen; ``apply`` gives a reply its cache usage."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: set[str] = set()

    def apply(self, body: Mapping[str, object], reply: Reply) -> Reply:
        """``reply`` with the cache fields of its usage, and this call's prefixes cached."""
        pieces = _pieces(body)
        ends = [i for i, (_, ttl) in enumerate(pieces) if ttl is not None]
        if not ends:
            return reply
        model = body.get("model")
        values = [value for value, _ in pieces]
        keys = [
            hashlib.sha256(
                msgspec.json.encode([model, values[: end + 1]], order="sorted")
            ).hexdigest()
            for end in ends
        ]
        sizes = [_tokens(values[: end + 1]) for end in ends]
        with self._lock:
            hit = max((i for i, key in enumerate(keys) if key in self._entries), default=-1)
            self._entries.update(keys)
        read = sizes[hit] if hit >= 0 else 0
        written = {"5m": 0, "1h": 0}
        before = read
        for i in range(hit + 1, len(ends)):
            ttl = pieces[ends[i]][1]
            written["1h" if ttl == "1h" else "5m"] += max(sizes[i] - before, 0)
            before = max(before, sizes[i])
        created = written["5m"] + written["1h"]
        return dataclasses.replace(
            reply,
            input_tokens=max(reply.input_tokens - read - created, 0),
            cache_read_input_tokens=read,
            cache_creation_input_tokens=created,
            cache_creation_5m=written["5m"],
            cache_creation_1h=written["1h"],
        )
