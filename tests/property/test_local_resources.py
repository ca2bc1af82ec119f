"""The local server's pure helpers for its resource routes: list pages and the upload parser.

Pages (``claude.testing.pages``): walking forward with ``after_id=<last_id>`` while ``has_more``
visits every id exactly once in list order, and so does walking back with ``before_id=<first_id>``.
Uploads (``claude.testing.files.parse_upload``): any body answers an Upload or a message, never an
exception, and an upload built by hand comes back byte for byte with its filename.
"""

from __future__ import annotations

import urllib.parse

from hypothesis import given
from hypothesis import strategies as st

from claude.testing import pages
from claude.testing.files import Upload, parse_upload

ORDERS = st.lists(st.text("abcdefgh", min_size=1, max_size=3), unique=True, max_size=30)
LIMITS = st.integers(min_value=1, max_value=1000) | st.integers(min_value=1, max_value=7)


@given(ORDERS, LIMITS)
def test_walking_forward_visits_every_id_once(order: list[str], limit: int) -> None:
    """after_id=<last_id> while has_more lists the whole order, in order, pages of at most limit."""
    seen: list[str] = []
    query = {"limit": str(limit)}
    for _ in range(len(order) + 2):
        window = pages.page(order, query)
        assert isinstance(window, pages.Window)
        assert len(window.ids) <= limit
        seen += window.ids
        if not window.has_more:
            break
        query = {"limit": str(limit), "after_id": window.ids[-1]}
    assert seen == order


@given(ORDERS, LIMITS)
def test_walking_back_visits_every_id_once(order: list[str], limit: int) -> None:
    """before_id=<first_id> from the end, while has_more, lists the whole order backwards."""
    if not order:
        return
    seen = [order[-1]]
    query = {"limit": str(limit), "before_id": order[-1]}
    for _ in range(len(order) + 2):
        window = pages.page(order, query)
        assert isinstance(window, pages.Window)
        seen = list(window.ids) + seen
        if not window.has_more:
            break
        query = {"limit": str(limit), "before_id": window.ids[0]}
    assert seen == order


@given(ORDERS, LIMITS)
def test_the_cursor_walk_equals_the_after_id_walk(order: list[str], limit: int) -> None:
    """Following next_page cursors gives the same pages as following after_id."""
    query: dict[str, str] = {"limit": str(limit)}
    for _ in range(len(order) + 2):
        by_cursor = pages.cursor_page(order, query)
        by_after = pages.page(
            order,
            {k: v for k, v in query.items() if k != "page"}
            | ({"after_id": query["page"][len("page_") :]} if "page" in query else {}),
        )
        assert by_cursor == by_after
        assert isinstance(by_cursor, pages.Window)
        cursor = pages.cursor_for(by_cursor)
        if cursor is None:
            assert not by_cursor.has_more or not by_cursor.ids
            break
        query = {"limit": str(limit), "page": cursor}


@given(ORDERS, st.text(max_size=6), st.sampled_from(["limit", "after_id", "before_id", "page"]))
def test_any_query_is_a_window_or_a_message(order: list[str], value: str, key: str) -> None:
    """Arbitrary parameter values never raise: a Window, or a message naming the parameter."""
    answer = pages.cursor_page(order, {key: value})
    assert isinstance(answer, pages.Window) or answer.split(":")[0] in (key, "limit", "page")


@given(st.binary(max_size=300), st.sampled_from(["multipart/form-data; boundary=b", "", "x/y"]))
def test_any_body_is_an_upload_or_a_message(body: bytes, content_type: str) -> None:
    """parse_upload answers every body with an Upload or a message, never an exception."""
    assert isinstance(parse_upload(content_type, body), Upload | str)


FILENAMES = st.text(
    st.characters(exclude_characters='<>:"|?*\\/', exclude_categories=["Cc", "Cs", "Zl", "Zp"]),
    min_size=1,
    max_size=40,
).filter(lambda name: name == name.strip())  # the email parser strips a name's outer spaces


@given(st.binary(max_size=2000), FILENAMES, st.booleans())
def test_an_upload_parses_back(content: bytes, filename: str, rfc2231: bool) -> None:
    """A multipart upload (raw UTF-8 or RFC 2231 filename) gives back its bytes and its name."""
    boundary = "XyZ-boundary"
    if rfc2231:
        name = f"filename*=UTF-8''{urllib.parse.quote(filename)}"
    else:
        name = f'filename="{filename}"'
    body = b"".join(
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nx\r\n'.encode(),
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; {name}\r\n'.encode(),
            b"Content-Type: application/pdf\r\n\r\n",
            content,
            f"\r\n--{boundary}--\r\n".encode(),
        )
    )
    upload = parse_upload(f'multipart/form-data; boundary="{boundary}"', body)
    assert isinstance(upload, Upload), upload
    assert (bytes(upload.content), upload.filename, upload.mime_type) == (
        content,
        filename,
        "application/pdf",
    )
