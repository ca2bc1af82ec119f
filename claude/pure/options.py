"""Per-call options (timeout, extra headers, query and body) and the rules their values obey.

Header fields follow RFC 9110: a name is a ``token`` (``!#$%&'*+-.^_`|~``, digits, letters); a
value is visible ASCII, spaces, tabs and obs-text (``0x80``-``0xFF``), with no control character
(no CR, LF or NUL: a line break would start a header of the caller's choosing). The headers that
frame the message on the wire (``content-length``, ``transfer-encoding``, ``host``,
``connection``, ...) are ours to write: a wrong ``content-length`` would desynchronise the
connection, so they are refused, whatever their case.

Every check is total: any object in gives ``Success`` or an ``InvalidArgument`` that names the
field and the fix.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Final
from urllib.parse import quote

import msgspec
from returns.result import Failure, Result, Success

from claude.pure.errors import InvalidArgument

__all__ = [
    "FRAMING_HEADERS",
    "CallOptions",
    "check_header_fields",
    "check_query",
    "check_timeout",
    "with_query",
]

FRAMING_HEADERS: Final = frozenset(
    {
        "content-length",
        "transfer-encoding",
        "host",
        "connection",
        "keep-alive",
        "proxy-connection",
        "upgrade",
        "te",
        "trailer",
        "expect",
    }
)
"""Header names (lower case) that frame the message on the wire; never taken from a caller."""

_TOKEN: Final = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_VALUE: Final = re.compile(r"[\t\x20-\x7e\x80-\xff]*")


class CallOptions(msgspec.Struct, frozen=True, kw_only=True):
    """What one call may add to its request: a deadline in seconds for the whole call
    (``timeout``), headers, query parameters and body fields the library does not know."""

    timeout: float | None = None
    extra_headers: Mapping[str, str] | None = None
    extra_query: Mapping[str, str] | None = None
    extra_body: Mapping[str, object] | None = None


def check_header_fields(headers: object, *, path: str) -> Result[dict[str, str], InvalidArgument]:
    """``headers`` as a dict with lower-case names, if every field is allowed (RFC 9110).

    >>> check_header_fields({"X-Trace": "abc"}, path="extra_headers")
    <Success: {'x-trace': 'abc'}>
    >>> check_header_fields({"Content-Length": "1"}, path="extra_headers").failure().path
    "extra_headers['Content-Length']"
    """
    if not isinstance(headers, Mapping):
        return Failure(
            InvalidArgument(path=path, problem="must be a dict of header names to values")
        )
    checked: dict[str, str] = {}
    for given_name, given_value in list(headers.items()):
        if not isinstance(given_name, str):
            return Failure(InvalidArgument(path=path, problem="header names must be strings"))
        name = str.__str__(given_name)
        if not _TOKEN.fullmatch(name):
            return Failure(
                InvalidArgument(
                    path=path,
                    problem=f"{name!r} is not a header name (letters, digits and !#$%&'*+-.^_`|~)",
                )
            )
        if name.lower() in FRAMING_HEADERS:
            return Failure(
                InvalidArgument(
                    path=f"{path}[{name!r}]",
                    problem="frames the message on the wire and is set by the library; remove it",
                )
            )
        if not isinstance(given_value, str):
            return Failure(
                InvalidArgument(
                    path=f"{path}[{name!r}]",
                    problem=f"must be a string, got {type(given_value).__name__}",
                )
            )
        value = str.__str__(given_value)
        if not _VALUE.fullmatch(value):
            return Failure(
                InvalidArgument(
                    path=f"{path}[{name!r}]",
                    problem="must be one line of visible text (no CR, LF, NUL or other "
                    "control character, nothing beyond latin-1)",
                )
            )
        checked[name.lower()] = value
    return Success(checked)


def check_query(query: object) -> Result[str, InvalidArgument]:
    """``query`` percent-encoded as ``k=v&...`` (empty for ``None`` or ``{}``).

    >>> check_query({"beta": "true", "q": "a b"})
    <Success: beta=true&q=a%20b>
    """
    if query is None:
        return Success("")
    if not isinstance(query, Mapping):
        return Failure(
            InvalidArgument(
                path="extra_query", problem="must be a dict of parameter names to values"
            )
        )
    pairs: list[str] = []
    for name, value in list(query.items()):
        if not isinstance(name, str) or not isinstance(value, str | int | float | bool):
            return Failure(
                InvalidArgument(
                    path="extra_query",
                    problem="names must be strings and values strings or numbers",
                )
            )
        text = str(value).lower() if isinstance(value, bool) else str(value)
        pairs.append(f"{quote(str.__str__(name), safe='')}={quote(text, safe='')}")
    return Success("&".join(pairs))


def with_query(url: str, query: object) -> Result[str, InvalidArgument]:
    """``url`` with ``query`` appended (after ``&`` if it already has a query)."""
    return check_query(query).map(
        lambda encoded: url if not encoded else f"{url}{'&' if '?' in url else '?'}{encoded}"
    )


def check_timeout(timeout: object) -> Result[float | None, InvalidArgument]:
    """A per-call deadline: ``None`` (the client's ``Timeouts.total``) or seconds > 0.

    >>> check_timeout(0).failure().path
    'timeout'
    """
    if timeout is None:
        return Success(None)
    if (
        not isinstance(timeout, int | float)
        or isinstance(timeout, bool)
        or not 0.0 < float(timeout) < math.inf
    ):
        return Failure(
            InvalidArgument(
                path="timeout", problem=f"must be a finite number of seconds > 0, got {timeout!r}"
            )
        )
    return Success(float(timeout))
