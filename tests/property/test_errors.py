"""Properties of the error values, claude.pure.errors: data first, exceptions on request."""

from __future__ import annotations

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy
from returns.result import Failure, Success

from claude.pure import errors
from claude.pure.errors import (
    ApiError,
    ClaudeError,
    ClaudeException,
    InvalidArgument,
    MissingCredentials,
    api_error_class,
    unwrap,
)
from claude.pure.wire import Message
from tests.property import strategies as gen

many = settings(max_examples=100, deadline=None)

one_line = st.text(st.characters(exclude_categories=["Cc", "Zl", "Zp"]), max_size=30)
request_ids = st.none() | gen.names.map("req_".__add__)
partials: SearchStrategy[Message | None] = st.none() | gen.messages().map(
    lambda m: msgspec.convert(m, Message)
)
seconds = st.floats(min_value=0, max_value=1e6)
API_KINDS = [
    errors.ApiError,
    errors.AuthenticationError,
    errors.PermissionDenied,
    errors.NotFound,
    errors.RequestTooLarge,
    errors.RateLimited,
    errors.Overloaded,
    errors.ServerError,
]


def _common() -> dict[str, SearchStrategy[object]]:
    return {"request_id": request_ids, "partial": partials}


error_values: SearchStrategy[ClaudeError] = st.one_of(
    st.builds(InvalidArgument, path=one_line, problem=one_line, **_common()),
    st.builds(MissingCredentials, problem=one_line, **_common()),
    *(
        st.builds(
            kind,
            status=st.integers(200, 599),
            error_type=one_line,
            message=one_line,
            **_common(),
        )
        for kind in API_KINDS
    ),
    st.builds(
        errors.MalformedResponse,
        status=st.integers(100, 599),
        problem=one_line,
        body_start=st.text(max_size=30),
        **_common(),
    ),
    st.builds(errors.NetworkError, problem=one_line, **_common()),
    st.builds(
        errors.Timeout,
        phase=st.sampled_from(["connect", "read", "idle", "total"]),
        seconds=st.none() | seconds,
        **_common(),
    ),
    st.builds(errors.StreamTruncated, **_common()),
    st.builds(errors.MalformedStream, problem=one_line, **_common()),
    st.builds(errors.CircuitOpen, retry_in=seconds, **_common()),
    st.builds(errors.Throttled, wait=seconds, **_common()),
    st.builds(
        errors.NoEndpointAvailable,
        problem=one_line,
        last=st.none() | st.builds(errors.NetworkError, problem=one_line),
        **_common(),
    ),
)
"""Every kind of error value, with one-line texts."""


@many
@given(error_values)
def test_every_error_prints_as_one_line(error: ClaudeError) -> None:
    """``str(error)`` is one line with the request id and the size of any partial reply."""
    text = str(error)
    assert "\n" not in text
    assert text.startswith(error.line())
    assert (error.request_id is not None and error.request_id in text) == bool(error.request_id)
    assert ("partial reply kept" in text) == (error.partial is not None)


@many
@given(error_values)
def test_raise_gives_an_exception_carrying_the_value(error: ClaudeError) -> None:
    """``raise_()`` raises a ClaudeException whose ``error`` is the very value and whose text is its one line."""
    with pytest.raises(ClaudeException) as raised:
        error.raise_()
    assert raised.value.error is error
    assert str(raised.value) == str(error)
    assert error.exception().error is error


@many
@given(error_values, gen.json_values)
def test_unwrap_returns_the_value_or_raises_the_error(error: ClaudeError, value: object) -> None:
    """``unwrap`` gives a Success's value and raises a Failure's error as a ClaudeException."""
    assert unwrap(Success(value)) == value
    with pytest.raises(ClaudeException) as raised:
        unwrap(Failure(error))
    assert raised.value.error is error


@many
@given(error_values)
def test_errors_are_immutable_values(error: ClaudeError) -> None:
    """An error is a frozen value equal to a copy of itself."""
    assert type(error).__struct_config__.frozen
    assert msgspec.structs.replace(error) == error


def test_the_two_worlds_are_kept_apart() -> None:
    """Errors of calling us wrongly are not API errors, and every API error kind is an ApiError."""
    assert not issubclass(InvalidArgument, ApiError)
    assert not issubclass(MissingCredentials, ApiError)
    assert all(issubclass(kind, ApiError) for kind in API_KINDS)


@settings(max_examples=300, deadline=None)
@given(st.integers(100, 599) | st.sampled_from([401, 403, 404, 413, 429, 529]), gen.error_types)
def test_the_error_type_decides_before_the_status(status: int, error_type: str) -> None:
    """``api_error_class`` picks by ``error.type`` when it knows it, else by status (>= 500: server)."""
    assert api_error_class(status, error_type) is gen.expected_kind(status, error_type)
