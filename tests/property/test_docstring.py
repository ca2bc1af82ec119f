"""Properties of claude.pure.docstring: Google and NumPy parameters, descriptions, totality."""

from __future__ import annotations

import doctest

from hypothesis import given, settings
from hypothesis import strategies as st

from claude.pure import docstring as docstring_module
from claude.pure.docstring import Docstring, parse_docstring


def test_doctests() -> None:
    """The module's examples run as written."""
    assert doctest.testmod(docstring_module).failed == 0


GOOGLE = """Look up the weather.

    Uses the public forecast, refreshed hourly.

    Args:
        city: The city name,
            in English.
        unit (Literal["c", "f"]): The scale.
        *extra: Ignored.

    Returns:
        A sentence.

    Raises:
        KeyError: never.
    """

NUMPY = """Look up the weather.

    Uses the public forecast, refreshed hourly.

    Parameters
    ----------
    city : str
        The city name,
        in English.
    unit : {"c", "f"}, optional
        The scale.
    lat, lon : float
        Coordinates.

    Returns
    -------
    str
        A sentence.
    """


def test_google_style_gives_description_and_parameters() -> None:
    """A Google docstring gives the paragraphs before ``Args:`` and each argument's joined text."""
    doc = parse_docstring(GOOGLE)
    assert doc.description == "Look up the weather.\n\nUses the public forecast, refreshed hourly."
    assert doc.params == {
        "city": "The city name, in English.",
        "unit": "The scale.",
        "extra": "Ignored.",
    }


def test_numpy_style_gives_description_and_parameters() -> None:
    """A NumPy docstring gives the same, and ``a, b : type`` describes both names."""
    doc = parse_docstring(NUMPY)
    assert doc.description == "Look up the weather.\n\nUses the public forecast, refreshed hourly."
    assert doc.params == {
        "city": "The city name, in English.",
        "unit": "The scale.",
        "lat": "Coordinates.",
        "lon": "Coordinates.",
    }


def test_a_plain_docstring_is_all_description() -> None:
    """Without sections, every line is description; a colon inside a sentence is not a header."""
    doc = parse_docstring("Add two numbers.\n\nNote: both must be ints.\n")
    assert doc == Docstring(description="Add two numbers.\n\nNote: both must be ints.")


def test_no_docstring_is_empty() -> None:
    """None and the empty string give an empty description and no parameters."""
    assert parse_docstring(None) == Docstring()
    assert parse_docstring("") == Docstring()


def test_sections_other_than_parameters_end_the_description() -> None:
    """A ``Returns:`` section before ``Args:`` is skipped and still ends the description."""
    doc = parse_docstring("Do it.\n\nReturns:\n    Nothing.\n\nArgs:\n    x: The x.\n")
    assert doc == Docstring(description="Do it.", params={"x": "The x."})


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Args:",
                "Parameters",
                "----------",
                "Returns:",
                "x : int",
                "  y: why",
                "    z",
                "",
                "text",
            ]
        )
        | st.text(max_size=12),
        max_size=12,
    ).map("\n".join)
)
def test_parsing_is_total(doc: str) -> None:
    """Any text parses to a Docstring: a docstring can never fail a tool."""
    parsed = parse_docstring(doc)
    assert isinstance(parsed, Docstring)
    assert all(isinstance(v, str) for v in parsed.params.values())


def test_a_docstring_that_is_not_text_is_empty() -> None:
    """A ``__doc__`` that is not a str (a callable object may set anything) reads as no docstring."""
    assert parse_docstring(42) == Docstring()  # type: ignore[arg-type]
    assert parse_docstring(b"Get the weather.") == Docstring()  # type: ignore[arg-type]
