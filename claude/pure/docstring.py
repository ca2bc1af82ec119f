"""A tiny docstring reader: the description and per-parameter text, Google or NumPy style.

A tool's description and its parameters' descriptions come from the function's docstring, so
the model reads what the author wrote for humans. Only what a tool needs is read:

* the description: every line before the first section header, paragraphs kept;
* the parameters: the entries of an ``Args:`` / ``Arguments:`` / ``Parameters:`` section
  (Google: ``name (type): text`` indented under the header, continuation lines indented
  further) or of a ``Parameters`` section underlined with dashes (NumPy: ``name : type`` then
  the text indented below; ``a, b : int`` describes both).

Other sections (``Returns``, ``Raises``, ``Examples``, ...) end the description and are skipped.
Anything unrecognised is description text, never an error: a docstring cannot fail a tool.
"""

from __future__ import annotations

import inspect
import re
from typing import Final

import msgspec

__all__ = ["Docstring", "parse_docstring"]

_GOOGLE_HEADER = re.compile(r"^([A-Z][A-Za-z ]*):\s*$")
_NUMPY_RULE = re.compile(r"^\s*-{3,}\s*$")
_PARAM_SECTIONS: Final = frozenset(
    {
        "args",
        "arguments",
        "parameters",
        "params",
        "keyword args",
        "keyword arguments",
        "other parameters",
    }
)
_KNOWN_SECTIONS: Final = _PARAM_SECTIONS | frozenset(
    {
        "returns",
        "return",
        "yields",
        "yield",
        "raises",
        "raise",
        "examples",
        "example",
        "notes",
        "note",
        "attributes",
        "see also",
        "warnings",
        "warning",
        "warns",
        "todo",
        "references",
        "methods",
    }
)
_GOOGLE_ENTRY = re.compile(r"^\*{0,2}(?P<name>\w+)\s*(?:\([^)]*\))?\s*:\s*(?P<text>.*)$")
_NUMPY_ENTRY = re.compile(r"^(?P<names>\*{0,2}\w+(?:\s*,\s*\*{0,2}\w+)*)\s*(?::.*)?$")


class Docstring(msgspec.Struct, frozen=True, kw_only=True):
    """What a docstring says: the ``description`` and each parameter's text in ``params``."""

    description: str = ""
    params: dict[str, str] = msgspec.field(default_factory=dict)


def parse_docstring(doc: str | None) -> Docstring:
    """Read a Google- or NumPy-style docstring; anything else is all description.

    >>> d = parse_docstring('''Get the weather.
    ...
    ...     Args:
    ...         city: The city, e.g. "Oslo".
    ...         unit (str): Degrees: "c" or
    ...             "f".
    ...     ''')
    >>> d.description
    'Get the weather.'
    >>> d.params
    {'city': 'The city, e.g. "Oslo".', 'unit': 'Degrees: "c" or "f".'}
    >>> parse_docstring('''Add.
    ...
    ...     Parameters
    ...     ----------
    ...     a, b : int
    ...         The numbers.
    ...     ''').params
    {'a': 'The numbers.', 'b': 'The numbers.'}
    """
    given: object = doc
    if not given or not isinstance(given, str):  # a __doc__ may be anything on odd callables
        return Docstring()
    lines = inspect.cleandoc(given).splitlines()
    description: list[str] = []
    params: dict[str, str] = {}
    i = 0
    in_description = True
    while i < len(lines):
        line = lines[i]
        numpy = (
            i + 1 < len(lines)
            and _NUMPY_RULE.match(lines[i + 1]) is not None
            and line.strip().lower() in _KNOWN_SECTIONS
            and not line.startswith(" ")
        )
        google = _GOOGLE_HEADER.match(line)
        if numpy:
            body, i = _section(lines, i + 2, numpy=True)
            if line.strip().lower() in _PARAM_SECTIONS:
                params.update(_numpy_params(body))
            in_description = False
        elif google is not None and google.group(1).strip().lower() in _KNOWN_SECTIONS:
            body, i = _section(lines, i + 1, numpy=False)
            if google.group(1).strip().lower() in _PARAM_SECTIONS:
                params.update(_google_params(body))
            in_description = False
        else:
            if in_description:
                description.append(line)
            i += 1
    return Docstring(description=_paragraphs(description), params=params)


def _section(lines: list[str], start: int, *, numpy: bool) -> tuple[list[str], int]:
    """The body of a section starting at ``start`` and the index just after it."""
    end = start
    while end < len(lines):
        line = lines[end]
        if numpy:
            if (
                end + 1 < len(lines)
                and _NUMPY_RULE.match(lines[end + 1])
                and not line.startswith(" ")
            ):
                break
        else:
            header = _GOOGLE_HEADER.match(line)
            if line.strip() and not line.startswith((" ", "\t")):
                break
            if header is not None and header.group(1).strip().lower() in _KNOWN_SECTIONS:
                break
        end += 1
    return lines[start:end], end


def _google_params(body: list[str]) -> dict[str, str]:
    indents = [len(line) - len(line.lstrip()) for line in body if line.strip()]
    if not indents:
        return {}
    base = min(indents)
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in body:
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        entry = _GOOGLE_ENTRY.match(line.strip()) if indent == base else None
        if entry is not None:
            current = found[entry["name"]] = (
                [entry["text"].strip()] if entry["text"].strip() else []
            )
        elif current is not None:
            current.append(line.strip())
    return {name: " ".join(text) for name, text in found.items()}


def _numpy_params(body: list[str]) -> dict[str, str]:
    found: dict[str, list[str]] = {}
    current: list[list[str]] = []
    for line in body:
        if not line.strip():
            continue
        entry = _NUMPY_ENTRY.match(line) if not line.startswith((" ", "\t")) else None
        if entry is not None:
            text: list[str] = []
            current = []
            for name in entry["names"].split(","):
                found[name.strip().lstrip("*")] = text
                current.append(text)
        elif current:
            # Several names on one line share one description list.
            current[0].append(line.strip())
    return {name: " ".join(text) for name, text in found.items()}


def _paragraphs(lines: list[str]) -> str:
    text = "\n".join(lines).strip()
    return re.sub(r"\n{3,}", "\n\n", text)
