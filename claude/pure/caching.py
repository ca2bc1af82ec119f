"""Prompt-cache breakpoints placed by a helper, with the API's rules kept.

A breakpoint (``cache_control: {"type": "ephemeral", "ttl": "5m" | "1h"}``) caches the prompt
prefix that ends at its block, in the order ``tools`` -> ``system`` -> ``messages``. The API
allows at most 4 per request, and every 1-hour breakpoint must come before any 5-minute one.
``with_cache`` puts one at the end of the parts asked for (the last tool, the end of the system
prompt, the last block of the last user turn) and refuses a result that breaks either rule, so
the request it returns is one the API takes.

Caching pays when the same prefix comes back: reads cost a tenth of the input price, writes a
quarter more (5m) or double (1h); ``claude.pure.cost`` computes the savings from ``usage``.
Prompts shorter than the model's minimum (1024 to 4096 tokens) are silently not cached.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Final, Literal, overload

import msgspec
from returns.result import Failure, Result, Success

from claude.pure.codec import convert
from claude.pure.errors import InvalidArgument
from claude.pure.wire import MessageRequest

__all__ = ["MAX_BREAKPOINTS", "Ttl", "breakpoints", "cache_control", "with_cache"]

Ttl = Literal["5m", "1h"]
MAX_BREAKPOINTS: Final = 4


def cache_control(ttl: Ttl = "5m") -> dict[str, object]:
    """A cache breakpoint marker.

    >>> cache_control("1h")
    {'type': 'ephemeral', 'ttl': '1h'}
    """
    return {"type": "ephemeral", "ttl": ttl}


def _marked(value: object) -> Iterator[tuple[str, str]]:
    """(path, ttl) of every breakpoint inside ``value``'s blocks, in prompt order."""
    if isinstance(value, list):
        for i, item in enumerate(value):
            for path, ttl in _marked(item):
                yield f"[{i}]{path}", ttl
    elif isinstance(value, dict):
        inner = value.get("content")
        if isinstance(inner, list):
            for path, ttl in _marked(inner):
                yield f".content{path}", ttl
        marker = value.get("cache_control")
        if isinstance(marker, dict):
            given = marker.get("ttl")
            yield "", given if isinstance(given, str) else "5m"


def breakpoints(request: Mapping[str, object]) -> list[tuple[str, str]]:
    """(path, ttl) of every cache breakpoint of a wire-shaped request, in prefix order.

    >>> breakpoints({"system": [{"type": "text", "text": "x", "cache_control": {"type": "ephemeral"}}]})
    [('system[0]', '5m')]
    """
    found: list[tuple[str, str]] = []
    for part in ("tools", "system", "messages"):
        found.extend((part + path, ttl) for path, ttl in _marked(request.get(part)))
    top = request.get("cache_control")
    if isinstance(top, dict):
        ttl = top.get("ttl")
        found.append(("cache_control", ttl if isinstance(ttl, str) else "5m"))
    return found


def _check(data: dict[str, object]) -> Result[dict[str, object], InvalidArgument]:
    marks = breakpoints(data)
    if len(marks) > MAX_BREAKPOINTS:
        where = ", ".join(path for path, _ in marks)
        return Failure(
            InvalidArgument(
                path="cache_control",
                problem=f"{len(marks)} cache breakpoints would be set ({where}); the API allows "
                f"at most {MAX_BREAKPOINTS}: drop some, keeping those that end the longest "
                "stable prefixes",
            )
        )
    seen_short: str | None = None
    for path, ttl in marks:
        if ttl == "5m" and seen_short is None:
            seen_short = path
        elif ttl == "1h" and seen_short is not None:
            return Failure(
                InvalidArgument(
                    path=path,
                    problem=f"a 1h breakpoint comes after the 5m one at {seen_short}; every 1h "
                    "breakpoint must come before any 5m one (tools, then system, then messages)",
                )
            )
    return Success(data)


def _mark_last(blocks: object, marker: dict[str, object]) -> bool:
    if isinstance(blocks, list) and blocks and isinstance(blocks[-1], dict):
        blocks[-1]["cache_control"] = marker
        return True
    return False


@overload
def with_cache(
    request: MessageRequest,
    *,
    system: bool = ...,
    tools: bool = ...,
    last_user: bool = ...,
    ttl: Ttl = ...,
) -> Result[MessageRequest, InvalidArgument]: ...
@overload
def with_cache(
    request: Mapping[str, object],
    *,
    system: bool = ...,
    tools: bool = ...,
    last_user: bool = ...,
    ttl: Ttl = ...,
) -> Result[dict[str, object], InvalidArgument]: ...
def with_cache(
    request: MessageRequest | Mapping[str, object],
    *,
    system: bool = False,
    tools: bool = False,
    last_user: bool = False,
    ttl: Ttl = "5m",
) -> Result[MessageRequest, InvalidArgument] | Result[dict[str, object], InvalidArgument]:
    """``request`` with cache breakpoints at the end of the parts asked for; the input is not changed.

    A typed ``MessageRequest`` comes back typed, a dict as a new dict. Asking for a part the
    request lacks, a fifth breakpoint or a 1h breakpoint after a 5m one is a Failure.

    >>> req = {"model": "m", "max_tokens": 9, "system": "Long rules...",
    ...        "messages": [{"role": "user", "content": "Hi"}]}
    >>> with_cache(req, system=True).unwrap()["system"]
    [{'type': 'text', 'text': 'Long rules...', 'cache_control': {'type': 'ephemeral', 'ttl': '5m'}}]
    """
    if ttl not in ("5m", "1h"):
        return Failure(InvalidArgument(path="ttl", problem=f"{ttl!r} is not '5m' or '1h'"))
    given: object = request
    try:
        data: object = msgspec.to_builtins(
            dict(given) if isinstance(given, Mapping) and not isinstance(given, dict) else given
        )
    except (TypeError, ValueError) as exc:
        return Failure(InvalidArgument(path="request", problem=f"is not wire-shaped ({exc})"))
    if not isinstance(data, dict):
        return Failure(
            InvalidArgument(
                path="request",
                problem=f"expected a dict or MessageRequest, got {type(given).__name__}",
            )
        )
    marked = _place(data, system=system, tools=tools, last_user=last_user, ttl=ttl).bind(_check)
    if isinstance(request, MessageRequest):
        return marked.bind(
            lambda d: convert(d, MessageRequest).alt(
                lambda e: InvalidArgument(path=e.path or "request", problem=e.problem)
            )
        )
    return marked


def _place(
    data: dict[str, object], *, system: bool, tools: bool, last_user: bool, ttl: Ttl
) -> Result[dict[str, object], InvalidArgument]:
    marker = cache_control(ttl)
    if tools and not _mark_last(data.get("tools"), marker):
        return Failure(InvalidArgument(path="tools", problem="holds no tools to cache"))
    if system:
        prompt = data.get("system")
        if isinstance(prompt, str) and prompt:
            data["system"] = [{"type": "text", "text": prompt, "cache_control": marker}]
        elif not _mark_last(prompt, marker):
            return Failure(
                InvalidArgument(
                    path="system", problem="is not set; there is no system prompt to cache"
                )
            )
    if last_user:
        messages = data.get("messages")
        turns = messages if isinstance(messages, list) else []
        last = next(
            (m for m in reversed(turns) if isinstance(m, dict) and m.get("role") == "user"), None
        )
        if last is None:
            return Failure(InvalidArgument(path="messages", problem="holds no user turn to cache"))
        body = last.get("content")
        if isinstance(body, str) and body:
            last["content"] = [{"type": "text", "text": body, "cache_control": marker}]
        elif not _mark_last(body, marker):
            return Failure(
                InvalidArgument(
                    path="messages",
                    problem="the last user turn is empty; there is nothing to cache",
                )
            )
    return Success(data)
