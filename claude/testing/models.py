"""The model catalogue served by `GET /v1/models` and `GET /v1/models/{id}` (api-reference §8, §13).

A handful of real ids, newest first, with their aliases; `find` resolves an alias to its snapshot
like the real endpoint does, and `page` implements `limit` / `after_id` / `before_id`. Each
ModelInfo has the fields SDK 2.14 requires (`lifecycle`, and a complete `capabilities` object).
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["MODELS", "find", "page"]


def _supported(value: bool) -> dict[str, bool]:
    return {"supported": value}


def _capabilities(*, effort: bool) -> dict[str, object]:
    """A `capabilities` object: every key the API sends, the `{supported: bool}` leaves."""
    yes = _supported(True)
    return {
        "batch": yes,
        "citations": yes,
        "code_execution": yes,
        "context_management": {"supported": True, "clear_tool_uses_20250919": yes},
        "effort": {
            "supported": effort,
            **{level: _supported(effort) for level in ("low", "medium", "high", "max")},
        },
        "image_input": yes,
        "pdf_input": yes,
        "server_tools": {"supported": True, "code_execution": yes, "web_search": yes},
        "structured_outputs": yes,
        "thinking": {
            "supported": True,
            "types": {
                "adaptive": _supported(False),
                "between_tools": yes,
                "disabled": yes,
                "enabled": yes,
            },
        },
    }


#: ModelInfo objects, newest first (the order the API lists them in).
MODELS: tuple[Mapping[str, object], ...] = tuple(
    {
        "type": "model",
        "id": model_id,
        "display_name": name,
        "created_at": created,
        "max_input_tokens": 200_000,
        "max_tokens": max_tokens,
        "lifecycle": "active",
        "deprecated_at": None,
        "retires_at": None,
        "line": model_id.split("-")[1],
        "capabilities": _capabilities(effort=model_id.startswith("claude-opus-4-5")),
    }
    for model_id, name, created, max_tokens in (
        ("claude-opus-4-5-20251101", "Claude Opus 4.5", "2025-11-24T00:00:00Z", 64_000),
        ("claude-haiku-4-5-20251001", "Claude Haiku 4.5", "2025-10-15T00:00:00Z", 64_000),
        ("claude-sonnet-4-5-20250929", "Claude Sonnet 4.5", "2025-09-29T00:00:00Z", 64_000),
        ("claude-opus-4-1-20250805", "Claude Opus 4.1", "2025-08-05T00:00:00Z", 32_000),
        ("claude-sonnet-4-20250514", "Claude Sonnet 4", "2025-05-22T00:00:00Z", 64_000),
    )
)

_ALIASES = {
    "claude-opus-4-5": "claude-opus-4-5-20251101",
    "claude-haiku-4-5": "claude-haiku-4-5-20251001",
    "claude-sonnet-4-5": "claude-sonnet-4-5-20250929",
    "claude-opus-4-1": "claude-opus-4-1-20250805",
    "claude-sonnet-4-0": "claude-sonnet-4-20250514",
}

_BY_ID = {str(m["id"]): m for m in MODELS}
_ORDER = [str(m["id"]) for m in MODELS]


def find(model_id: str) -> Mapping[str, object] | None:
    """The ModelInfo for an id or alias, or None if unknown."""
    return _BY_ID.get(_ALIASES.get(model_id, model_id))


def page(query: Mapping[str, str]) -> dict[str, object] | str:
    """One list page for the query parameters, or an error message naming the bad parameter.

    `after_id` pages forward from an id, `before_id` backward; an unknown cursor: an empty page.
    """
    raw_limit = query.get("limit", "20")
    if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= 1000:
        return f"limit: Input should be an integer between 1 and 1000, got {raw_limit!r}"
    limit = int(raw_limit)
    after, before = query.get("after_id"), query.get("before_id")
    if after is not None and before is not None:
        return "after_id, before_id: Only one of after_id or before_id may be given"
    if after is not None:
        start = _ORDER.index(after) + 1 if after in _ORDER else len(_ORDER)
        ids = _ORDER[start : start + limit]
        has_more = start + limit < len(_ORDER)
    elif before is not None:
        end = _ORDER.index(before) if before in _ORDER else 0
        ids = _ORDER[max(0, end - limit) : end]
        has_more = end - limit > 0
    else:
        ids = _ORDER[:limit]
        has_more = limit < len(_ORDER)
    return {
        "data": [_BY_ID[i] for i in ids],
        "has_more": has_more,
        "first_id": ids[0] if ids else None,
        "last_id": ids[-1] if ids else None,
    }
