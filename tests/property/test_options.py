"""Properties of per-call options, claude.pure.options: header fields per RFC 9110, the query."""

from __future__ import annotations

import doctest
from urllib.parse import parse_qsl

from hypothesis import given
from hypothesis import strategies as st
from returns.pipeline import is_successful

from claude.pure import options as options_module
from claude.pure.errors import InvalidArgument
from claude.pure.options import (
    FRAMING_HEADERS,
    check_header_fields,
    check_query,
    check_timeout,
    with_query,
)

TCHAR = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
names = st.text(alphabet=TCHAR, min_size=1, max_size=20)
values = st.text(
    alphabet=st.characters(codec="latin-1").filter(
        lambda c: c == "\t" or (c >= " " and c != "\x7f")
    ),
    max_size=30,
)
anything = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text() | st.binary(),
    lambda inner: st.lists(inner) | st.dictionaries(st.text() | st.integers(), inner),
    max_leaves=8,
)


@given(anything)
def test_header_checks_are_total(value: object) -> None:
    """Any object gives Success or an InvalidArgument naming the field."""
    result = check_header_fields(value, path="extra_headers")
    if not is_successful(result):
        error: object = result.failure()
        assert isinstance(error, InvalidArgument)
        assert error.path.startswith("extra_headers")


@given(st.dictionaries(names, values))
def test_token_names_and_visible_values_pass_lower_cased(headers: dict[str, str]) -> None:
    """Every RFC 9110 token name with a visible latin-1 value passes, its name lower-cased,
    unless it is a framing header."""
    result = check_header_fields(headers, path="h")
    framing = any(name.lower() in FRAMING_HEADERS for name in headers)
    assert is_successful(result) is not framing
    if not framing:
        assert result.unwrap() == {name.lower(): value for name, value in headers.items()}


@given(st.sampled_from(sorted(FRAMING_HEADERS)), st.booleans())
def test_framing_headers_are_refused_in_any_case(name: str, upper: bool) -> None:
    """``content-length``, ``transfer-encoding``, ``host``, ... are refused, however spelt."""
    spelt = name.upper() if upper else name.title()
    error = check_header_fields({spelt: "1"}, path="extra_headers").failure()
    assert spelt in error.path and "remove it" in error.problem


@given(
    names, values, st.sampled_from(["\r", "\n", "\x00", "\x7f", "\x1b", "\u2028", "\u20ac"]), values
)
def test_a_control_character_or_non_latin1_in_a_value_is_refused(
    name: str, head: str, bad: str, tail: str
) -> None:
    """No CTL (but tab) and nothing beyond latin-1 can be in a value."""
    result = check_header_fields({"x-" + name: head + bad + tail}, path="h")
    assert not is_successful(result)


@given(st.dictionaries(st.text(max_size=10), st.text(max_size=10)))
def test_the_query_round_trips(query: dict[str, str]) -> None:
    """What ``check_query`` encodes decodes to the same pairs."""
    encoded = check_query(query).unwrap()
    assert dict(parse_qsl(encoded, keep_blank_values=True)) == query or not query


def test_a_query_is_appended_after_an_existing_one() -> None:
    """``with_query`` adds ``?`` or ``&`` as needed."""
    assert with_query("https://x/v1/messages", {"a": "1"}).unwrap() == "https://x/v1/messages?a=1"
    assert with_query("https://x/m?b=2", {"a": "1"}).unwrap() == "https://x/m?b=2&a=1"
    assert with_query("https://x/m", {}).unwrap() == "https://x/m"


@given(anything)
def test_query_and_timeout_checks_are_total(value: object) -> None:
    """Any object gives Success or an InvalidArgument."""
    for result in (check_query(value), check_timeout(value)):
        if not is_successful(result):
            assert isinstance(result.failure(), InvalidArgument)


def test_the_docstring_examples_hold() -> None:
    """The examples in the module's docstrings are true."""
    assert doctest.testmod(options_module, raise_on_error=False).failed == 0
