"""Properties of claude.pure.partial_json: every prefix of JSON text reads as the SDK's partial
parser (``jiter`` in partial mode, which the SDK's stream fold uses) reads it."""

from __future__ import annotations

import json

import jiter
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from claude.pure.partial_json import parse_prefix

many = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=10,
)
objects = st.dictionaries(st.text(max_size=6), values, max_size=4)


@st.composite
def spaced(draw: st.DrawFn) -> str:
    """A JSON object's text, compact, spaced or with whitespace between tokens."""
    value = draw(objects)
    separators = draw(st.sampled_from([(",", ":"), (", ", ": "), (" ,\n", " :\t")]))
    return json.dumps(
        value,
        ensure_ascii=draw(st.booleans()),
        indent=draw(st.sampled_from([None, 1])),
        separators=separators,
    )


@many
@given(spaced(), st.data())
@example('{"a": 1.5e3', None)
@example('{"a": [1, {"c":', None)
def test_every_prefix_reads_as_the_sdks_partial_parser(
    text: str, data: st.DataObject | None
) -> None:
    """A prefix of an object's JSON text gives the object jiter's partial mode gives."""
    cut = len(text) if data is None else data.draw(st.integers(1, len(text)))
    prefix = text[:cut]
    ours = parse_prefix(prefix)
    theirs = jiter.from_json(prefix.encode(), partial_mode=True)
    assert ours == theirs
    assert json.dumps(ours) == json.dumps(theirs)  # same key order, same int/float kinds


@many
@given(spaced(), st.data())
@example('{"a": "hel\\', None)
@example('{"a": "\\u00', None)
def test_every_prefix_reads_as_the_sdks_fine_grained_parser(
    text: str, data: st.DataObject | None
) -> None:
    """With ``partial_strings`` a prefix gives what jiter's ``trailing-strings`` mode gives (the
    SDK's parse under the fine-grained tool streaming beta): cut string values kept."""
    cut = len(text) if data is None else data.draw(st.integers(1, len(text)))
    prefix = text[:cut]
    ours = parse_prefix(prefix, partial_strings=True)
    theirs = jiter.from_json(prefix.encode(), partial_mode="trailing-strings")
    assert ours == theirs
    assert json.dumps(ours) == json.dumps(theirs)


@given(
    st.sampled_from(
        [
            '{"a" 1}',
            '{"a": x',
            "{,",
            '{"a": 01',
            '{"a": "\\q"',
            "[1, 2",
            '"x"',
            "",
            "  ",
            '{"a": 1} x',
            '{"a": 1,}',
        ]
    )
)
def test_text_that_is_no_prefix_of_an_object_is_none(text: str) -> None:
    """Syntax errors, trailing text and values other than objects give ``None``."""
    assert parse_prefix(text) is None
