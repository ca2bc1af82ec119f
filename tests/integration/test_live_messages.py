"""Live calls to the real Anthropic API. Opt in with ``pytest --integration``.

Policy: real API only. No fake keys, no stand-in servers, no canned replies. When enabled these
tests fail loudly if ANTHROPIC_API_KEY is missing or the API answers with an error.
"""

from __future__ import annotations

import os

import anyio
import pytest
from returns.result import Failure

from claude import shell
from claude.pure.errors import AuthenticationError

pytestmark = pytest.mark.integration

MODEL = os.environ.get("CLAUDE_TEST_MODEL", "claude-haiku-4-5")
REQUEST: dict[str, object] = {
    "model": MODEL,
    "max_tokens": 32,
    "messages": [{"role": "user", "content": "Reply with the single word: pong"}],
}


@pytest.fixture
def client() -> shell.Client:
    """A client from the environment; a missing key is a failure, not a skip."""
    if not os.environ.get("ANTHROPIC_API_KEY"):
        pytest.fail("ANTHROPIC_API_KEY is not set: integration tests need a real key")
    return shell.Client.from_env()


def test_send_gets_a_reply(client: shell.Client) -> None:
    """A real send returns a message with text, usage and a request id."""
    result = client.send(REQUEST)
    if isinstance(result, Failure):
        pytest.fail(f"the API failed: {result.failure()}")
    message = result.unwrap()
    assert message.text.strip()
    assert message.usage.output_tokens > 0
    assert message.request_id


def test_asend_gets_a_reply(client: shell.Client) -> None:
    """The async twin reaches the real API too."""
    result = anyio.run(client.asend, REQUEST)
    if isinstance(result, Failure):
        pytest.fail(f"the API failed: {result.failure()}")
    assert result.unwrap().text.strip()


def test_a_wrong_key_is_an_authentication_error() -> None:
    """The real API rejects a well-formed but revoked-looking key with a 401 value."""
    bad = shell.Client(api_key="sk-ant-api03-" + "x" * 40)
    failure = bad.send(REQUEST).failure()
    assert isinstance(failure, AuthenticationError)
    assert failure.request_id


def test_stream_folds_to_a_final_message(client: shell.Client) -> None:
    """A real stream yields text deltas that join to the folded message's text."""
    with client.stream(REQUEST) as events:
        pieces = list(events.text_stream())
        final = events.final_message()
    if isinstance(final, Failure):
        pytest.fail(f"the stream failed: {final.failure()}")
    message = final.unwrap()
    assert "".join(pieces) == message.text
    assert message.stop_reason is not None
    assert events.request_id


def test_count_of_a_retried_call_is_recorded(client: shell.Client) -> None:
    """execute_with_retries against the real API succeeds and records its attempts."""
    import claude

    records: list[claude.CallRecord] = []
    result = client.execute_with_retries(
        REQUEST, claude.RetryPolicy(max_attempts=3), observe=records.append
    )
    if isinstance(result, Failure):
        pytest.fail(f"the API failed: {result.failure()}")
    assert records and records[0].attempts[-1].error is None
