"""The JSON object a cut-off prefix of JSON text stands for, as the SDK's stream fold reads it.

A stream that stops inside a tool's input (``max_tokens``, ``pause_turn``, ``refusal``) leaves
that input as a prefix of a JSON object. The official SDK reads such a prefix with ``jiter`` in
partial mode; ``parse_prefix`` gives the same object for every prefix of valid JSON:

* containers still open are closed, keeping the members and elements that were complete;
* a member whose key, colon or value was cut is dropped, and so is a cut array element, except
  that a cut object or array is kept with what it holds so far;
* a cut string, literal (``tru``) or number that is not yet a number (``-``, ``1.``, ``1e``) is
  dropped; a number that reads as one at the end (``12``, cut from ``123`` or not) is kept;
* with ``partial_strings=True`` (the SDK's mode under the ``fine-grained-tool-streaming``
  beta) a cut string *value* is kept as far as it goes, a cut escape left out; a cut key still
  drops its member.

Text that is not a prefix of any JSON object (a syntax error, trailing text after the object,
another kind of value) is ``None``: the fold reports it, where the SDK raises. One pass over the
text, each character looked at a bounded number of times: linear time.

>>> parse_prefix('{"city": "Paris", "days": [1, 2')
{'city': 'Paris', 'days': [1, 2]}
>>> parse_prefix('{"city": "Par')
{}
>>> parse_prefix('{"city": "Paris"} trailing') is None
True
"""

from __future__ import annotations

import re
from typing import Final

import msgspec

__all__ = ["parse_prefix"]

_WS: Final = re.compile(r"[ \t\n\r]*")
_STRING: Final = re.compile(r'"(?:[^"\\\x00-\x1f]+|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"')
_STRING_CUT: Final = re.compile(
    r'"(?:[^"\\\x00-\x1f]+|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*(?:\\(?:u[0-9a-fA-F]{0,3})?)?\Z'
)
_CUT_ESCAPE: Final = re.compile(r"\\(?:u[0-9a-fA-F]{0,3})?\Z")
_LAST_ESCAPE: Final = re.compile(r"\\u[0-9a-fA-F]{4}\Z")
_NUMBER_RUN: Final = re.compile(r"[-+0-9.eE]+")
_NUMBER: Final = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?\Z")
_NUMBER_CUT: Final = re.compile(r"-?(?:(?:0|[1-9][0-9]*)(?:\.[0-9]*)?(?:[eE][+-]?[0-9]*)?)?\Z")
_LITERALS: Final = {"t": ("true", True), "f": ("false", False), "n": ("null", None)}
_MAX_DEPTH: Final = 500


class _Invalid(Exception):
    """The text is not a prefix of any JSON value."""


class _Cut:
    """The value ran into the end of the text before it was a value: drop it."""


_CUT: Final = _Cut()


def parse_prefix(text: str, *, partial_strings: bool = False) -> dict[str, object] | None:
    """The object the JSON prefix ``text`` stands for (rules: module docstring), else ``None``.

    >>> parse_prefix('{"city": "Par', partial_strings=True)
    {'city': 'Par'}
    """
    n = len(text)
    i = _skip(text, 0)
    if i == n or text[i] != "{":
        return None
    try:
        value, i = _value(text, i, 0, partial_strings)
    except (_Invalid, RecursionError, msgspec.DecodeError):  # e.g. a number out of range
        return None
    if _skip(text, i) != n:
        return None  # text after the object: not a prefix of one JSON value
    assert isinstance(value, dict)
    return value


def _skip(s: str, i: int) -> int:
    """The index of the first non-whitespace character at or after ``i``."""
    return _WS.match(s, i).end()  # type: ignore[union-attr]  # the pattern matches empty text


def _value(s: str, i: int, depth: int, partial: bool) -> tuple[object, int]:
    """The value at ``s[i]`` and the index after it; ``_CUT`` if the text ends inside it."""
    if depth > _MAX_DEPTH:
        raise _Invalid
    c = s[i]
    if c == "{":
        return _object(s, i + 1, depth, partial)
    if c == "[":
        return _array(s, i + 1, depth, partial)
    if c == '"':
        return _string(s, i, partial)
    if c in _LITERALS:
        word, value = _LITERALS[c]
        got = s[i : i + len(word)]
        if got == word:
            return value, i + len(word)
        if i + len(got) == len(s) and word.startswith(got):
            return _CUT, len(s)
        raise _Invalid
    run = _NUMBER_RUN.match(s, i)
    if run is None:
        raise _Invalid
    token = run.group()
    if _NUMBER.match(token):
        return msgspec.json.decode(token), run.end()
    if run.end() == len(s) and _NUMBER_CUT.match(token):
        return _CUT, len(s)
    raise _Invalid


def _string(s: str, i: int, partial: bool) -> tuple[object, int]:
    whole = _STRING.match(s, i)
    if whole is not None:
        return msgspec.json.decode(whole.group()), whole.end()
    if _STRING_CUT.match(s, i):
        if not partial:
            return _CUT, len(s)
        kept = _CUT_ESCAPE.sub("", s[i:])  # a cut ``\`` or ``\u12`` is left out
        return _cut_string(kept), len(s)
    raise _Invalid


def _cut_string(kept: str) -> str:
    """A cut string's text so far; a lone high surrogate at its end (half a pair) left out."""
    try:
        value: str = msgspec.json.decode(kept + '"')
    except msgspec.DecodeError:
        value = msgspec.json.decode(_LAST_ESCAPE.sub("", kept) + '"')
    return value


def _object(s: str, i: int, depth: int, partial: bool) -> tuple[object, int]:
    n = len(s)
    out: dict[str, object] = {}
    first = True
    while True:
        i = _skip(s, i)
        if i == n:
            return out, n
        if first and s[i] == "}":
            return out, i + 1
        if s[i] != '"':
            raise _Invalid
        key, i = _string(s, i, False)  # a cut key drops its member in either mode
        if key is _CUT:
            return out, n
        i = _skip(s, i)
        if i == n:
            return out, n
        if s[i] != ":":
            raise _Invalid
        i = _skip(s, i + 1)
        if i == n:
            return out, n
        value, i = _value(s, i, depth + 1, partial)
        if value is _CUT:
            return out, n
        assert isinstance(key, str)
        out[key] = value
        i = _skip(s, i)
        if i == n:
            return out, n
        if s[i] == "}":
            return out, i + 1
        if s[i] != ",":
            raise _Invalid
        i += 1
        first = False


def _array(s: str, i: int, depth: int, partial: bool) -> tuple[object, int]:
    n = len(s)
    out: list[object] = []
    first = True
    while True:
        i = _skip(s, i)
        if i == n:
            return out, n
        if first and s[i] == "]":
            return out, i + 1
        value, i = _value(s, i, depth + 1, partial)
        if value is _CUT:
            return out, n
        out.append(value)
        i = _skip(s, i)
        if i == n:
            return out, n
        if s[i] == "]":
            return out, i + 1
        if s[i] != ",":
            raise _Invalid
        i += 1
        first = False
