"""Properties of credentials, claude.pure.credentials: checked early, never printed."""

from __future__ import annotations

import pickle
import string

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from returns.pipeline import is_successful
from returns.result import Failure

from claude.pure.credentials import (
    HOW_TO_SET_A_KEY,
    Credentials,
    Secret,
    check_secret,
    credentials_from_env,
)
from claude.pure.errors import InvalidArgument, MissingCredentials
from tests.property import strategies as gen

many = settings(max_examples=100, deadline=None)

well_formed = st.text(string.printable.strip(), min_size=1, max_size=40).filter(
    lambda s: not any(c.isspace() for c in s)
)
"""Non-empty printable ASCII without whitespace: what a header can carry."""
distinctive = st.text(string.ascii_letters + string.digits, min_size=16, max_size=40)
"""A run of 16+ letters and digits: it cannot occur in a fixed error message by accident."""
malformed = st.just("") | st.tuples(
    distinctive,
    st.sampled_from([" ", "\t", "\n", "\r\n", "\x00", "\x7f", "é", "—"])
    | st.text(min_size=1, max_size=20).filter(
        lambda s: not (s.isascii() and s.isprintable()) or any(c.isspace() for c in s)
    ),
).map("".join)
"""Empty, or a distinctive core spoiled by whitespace or a non-printable, non-ASCII character."""
blank = st.text(" \t\n", max_size=3)


@many
@given(well_formed, gen.names)
def test_well_formed_secrets_are_accepted_as_given(value: str, name: str) -> None:
    """Printable ASCII without spaces is a Secret revealing exactly that value (no prefix needed)."""
    secret = check_secret(value, name=name).unwrap()
    assert secret.reveal() == value


@many
@given(malformed, gen.names)
def test_malformed_secrets_fail_at_their_name_without_echoing_them(value: str, name: str) -> None:
    """Empty, spaced or non-printable values fail naming the setting, never quoting the value."""
    result = check_secret(value, name=name)
    assert isinstance(result, Failure)
    error = result.failure()
    assert isinstance(error, InvalidArgument)
    assert error.path == name
    # A value too short to be a key can occur in the fixed wording by chance (": ", "s "); a
    # value of key length never can, so only those are checked for an echo.
    if len(value.strip()) >= 12:
        assert value not in str(error)


@many
@given(gen.api_keys)
def test_a_secret_never_shows(value: str) -> None:
    """A Secret's repr and str are redacted, msgspec refuses to encode it, pickling is refused."""
    secret = Secret(value)
    for text in (repr(secret), str(secret), repr(Credentials(api_key=secret, auth_token=secret))):
        assert value not in text
    with pytest.raises(TypeError):
        msgspec.json.encode(secret)
    with pytest.raises(TypeError):
        pickle.dumps(secret)


@many
@given(gen.api_keys, gen.api_keys)
def test_secrets_compare_by_value(a: str, b: str) -> None:
    """Two secrets are equal exactly when their values are, and equal secrets hash alike."""
    assert (Secret(a) == Secret(b)) == (a == b)
    assert Secret(a) == Secret(a)
    assert hash(Secret(a)) == hash(Secret(a))
    assert Secret(a) != a


@many
@given(st.none() | well_formed, st.none() | well_formed, blank, blank)
def test_the_environment_prefers_the_key_then_the_token(
    key: str | None, token: str | None, pad_key: str, pad_token: str
) -> None:
    """ANTHROPIC_API_KEY wins over ANTHROPIC_AUTH_TOKEN; surrounding whitespace is ignored; with
    neither, the failure says how to set a key."""
    env = {}
    if key is not None:
        env["ANTHROPIC_API_KEY"] = pad_key + key + pad_key
    if token is not None:
        env["ANTHROPIC_AUTH_TOKEN"] = pad_token + token + pad_token
    result = credentials_from_env(env)
    if key is not None:
        assert result.unwrap() == Credentials(api_key=Secret(key))
    elif token is not None:
        assert result.unwrap() == Credentials(auth_token=Secret(token))
    else:
        error = result.failure()
        assert isinstance(error, MissingCredentials)
        assert HOW_TO_SET_A_KEY in str(error)


@many
@given(well_formed, st.sampled_from([" x", "\x00", "é"]), blank)
def test_a_malformed_key_in_the_environment_names_the_variable(
    key: str, junk: str, pad: str
) -> None:
    """A malformed ANTHROPIC_API_KEY fails at that name instead of falling back to the token."""
    result = credentials_from_env({"ANTHROPIC_API_KEY": key + junk, "ANTHROPIC_AUTH_TOKEN": "tok"})
    assert not is_successful(result)
    assert result.failure() == InvalidArgument(
        path="ANTHROPIC_API_KEY", problem=check_secret(key + junk, name="x").failure().problem
    )


@given(blank, blank)
def test_blank_variables_count_as_unset(key: str, token: str) -> None:
    """Whitespace-only variables are treated as absent."""
    env = {"ANTHROPIC_API_KEY": key, "ANTHROPIC_AUTH_TOKEN": token}
    assert isinstance(credentials_from_env(env).failure(), MissingCredentials)
