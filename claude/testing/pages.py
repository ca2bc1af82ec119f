"""One page of a newest-first list, as `GET /v1/messages/batches` and `GET /v1/files` page it.

The API's list pagination (api-reference §2): `limit` (1..1000, default 20), and at most one of
`after_id` (the page after that id) or `before_id` (the page before it). A page answers `data`,
`has_more`, `first_id` and `last_id`; clients go on with `after_id=<last_id>` (or, paging back,
`before_id=<first_id>`) while `has_more` is true. An id that is not in the list gives an empty
page. The GA Files list's opaque cursor (`page=page_…`, answered as `next_page`) is the same
walk with the id inside the cursor; `cursor_page` adds it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

__all__ = ["Window", "cursor_for", "cursor_page", "page"]

_DEFAULT_LIMIT = "20"
_MAX_LIMIT = 1000
_CURSOR_PREFIX = "page_"


@dataclass(frozen=True, slots=True)
class Window:
    """The ids on one page, in list order, and whether more lie beyond it in paging direction."""

    ids: tuple[str, ...]
    has_more: bool

    def envelope(self, data: list[object]) -> dict[str, object]:
        """The list response around `data` (the objects for `ids`, in the same order)."""
        return {
            "data": data,
            "has_more": self.has_more,
            "first_id": self.ids[0] if self.ids else None,
            "last_id": self.ids[-1] if self.ids else None,
        }


def page(order: Sequence[str], query: Mapping[str, str]) -> Window | str:
    """The page of `order` (newest first) the query asks for, or a message naming the bad parameter.

    >>> page(["c", "b", "a"], {"limit": "2"})
    Window(ids=('c', 'b'), has_more=True)
    >>> page(["c", "b", "a"], {"after_id": "b"})
    Window(ids=('a',), has_more=False)
    >>> page(["c", "b", "a"], {"before_id": "a", "limit": "1"})
    Window(ids=('b',), has_more=True)
    """
    raw_limit = query.get("limit", _DEFAULT_LIMIT)
    if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= _MAX_LIMIT:
        return f"limit: Input should be an integer between 1 and {_MAX_LIMIT}, got {raw_limit!r}"
    limit = int(raw_limit)
    after, before = query.get("after_id"), query.get("before_id")
    if after is not None and before is not None:
        return "after_id, before_id: Only one of after_id or before_id may be given"
    ids = list(order)
    if after is not None:
        start = ids.index(after) + 1 if after in ids else len(ids)
        return Window(tuple(ids[start : start + limit]), start + limit < len(ids))
    if before is not None:
        end = ids.index(before) if before in ids else 0
        return Window(tuple(ids[max(0, end - limit) : end]), end - limit > 0)
    return Window(tuple(ids[:limit]), limit < len(ids))


def cursor_for(window: Window) -> str | None:
    """The opaque `next_page` cursor after `window`, or None on the last page."""
    if not window.has_more or not window.ids:
        return None
    return _CURSOR_PREFIX + window.ids[-1]


def cursor_page(order: Sequence[str], query: Mapping[str, str]) -> Window | str:
    """`page`, also taking the GA Files cursor `page=page_<id>` (the same as `after_id=<id>`)."""
    cursor = query.get("page")
    if cursor is None:
        return page(order, query)
    if "after_id" in query or "before_id" in query:
        return "page: Only one of page, after_id or before_id may be given"
    if not cursor.startswith(_CURSOR_PREFIX) or len(cursor) == len(_CURSOR_PREFIX):
        return f"page: {cursor!r} is not a page cursor; pass the next_page of the previous page"
    return page(order, {**query, "after_id": cursor[len(_CURSOR_PREFIX) :]})
