"""Hypothesis generators shared by the reliability-policy tests: error values of every kind."""

from __future__ import annotations

import msgspec
from hypothesis import strategies as st

from claude.pure.errors import (
    ApiError,
    CircuitOpen,
    ClaudeError,
    InvalidArgument,
    MalformedResponse,
    MalformedStream,
    MissingCredentials,
    NetworkError,
    NoEndpointAvailable,
    StreamTruncated,
    Throttled,
    Timeout,
    api_error_class,
)
from claude.pure.headers import RetryHint
from claude.pure.wire import Message, TextBlock, Usage

# Every status class the API or a proxy in front of it sends, and a few it might.
STATUSES = (200, 400, 401, 402, 403, 404, 408, 409, 413, 422, 429, 500, 502, 503, 504, 529)
ERROR_TYPES = (
    "invalid_request_error",
    "authentication_error",
    "billing_error",
    "permission_error",
    "not_found_error",
    "conflict_error",
    "request_too_large",
    "rate_limit_error",
    "api_error",
    "timeout_error",
    "overloaded_error",
    "some_future_error",
    "",
)
PHASES = ("connect", "pool", "read", "idle", "total")

statuses = st.sampled_from(STATUSES) | st.integers(100, 599)
seconds = st.floats(0.0, 1e5, allow_nan=False)
hints = st.builds(
    RetryHint,
    after=st.none() | seconds,
    at=st.none() | st.floats(0.0, 2e9, allow_nan=False),
    should_retry=st.none() | st.booleans(),
)
no_hint = st.just(RetryHint())

PARTIAL = Message(
    id="msg_1",
    model="claude-test",
    content=[TextBlock(text="half a")],
    usage=Usage(input_tokens=1, output_tokens=1),
)


def api_errors(
    status: st.SearchStrategy[int] = statuses,
    retry: st.SearchStrategy[RetryHint] = hints,
) -> st.SearchStrategy[ApiError]:
    """API errors of the kind the decoder would build from a status and an ``error.type``."""

    def build(code: int, error_type: str, hint: RetryHint) -> ApiError:
        kind = api_error_class(code, error_type)
        return kind(status=code, error_type=error_type, message="m", retry=hint)

    return st.builds(build, status, st.sampled_from(ERROR_TYPES), retry)


transport_errors: st.SearchStrategy[ClaudeError] = st.one_of(
    st.builds(MalformedResponse, status=statuses, problem=st.just("not JSON")),
    st.builds(
        NetworkError,
        problem=st.just("connection reset"),
        phase=st.sampled_from(("connect", "read")),
    ),
    st.builds(Timeout, phase=st.sampled_from(PHASES)),
    st.builds(StreamTruncated),
    st.builds(MalformedStream, problem=st.just("bad JSON")),
)
caller_errors: st.SearchStrategy[ClaudeError] = st.one_of(
    st.builds(InvalidArgument, path=st.just("model"), problem=st.just("required")),
    st.builds(MissingCredentials, problem=st.just("no key")),
)
policy_errors: st.SearchStrategy[ClaudeError] = st.one_of(
    st.builds(CircuitOpen, retry_in=seconds),
    st.builds(Throttled, wait=seconds),
    st.builds(NoEndpointAvailable, problem=st.just("all tried")),
)
errors: st.SearchStrategy[ClaudeError] = st.one_of(
    api_errors(), transport_errors, caller_errors, policy_errors
)


def with_partial(error: ClaudeError) -> ClaudeError:
    """The same error, as if part of a reply had streamed in before it."""
    replaced: ClaudeError = msgspec.structs.replace(error, partial=PARTIAL)
    return replaced
