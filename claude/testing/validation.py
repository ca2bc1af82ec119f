"""Request checks that answer 400 `invalid_request_error` with the API's style of message.

Deliberately modest: the server rejects only what the real API rejects, in the ways a client
must handle (required fields, types of the fields the reply depends on, top-level fields the API
does not have, the sampling parameters that `anthropic-version: 2026-10-21` removed), and accepts
everything the API accepts (`max_tokens: 0`, `system` turns, the SDK 2.14 beta fields). Each
check returns an error message, or None when fine.
Messages follow the API's `"<field path>: <problem>"` form, e.g. ``max_tokens: Field required``.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = [
    "API_VERSIONS",
    "check_count_tokens",
    "check_message",
    "check_version",
]

#: `anthropic-version` values the server accepts (api-reference §1.2).
API_VERSIONS = ("2023-06-01", "2026-10-21")

_NO_SAMPLING_VERSION = "2026-10-21"
_SAMPLING = frozenset({"temperature", "top_p", "top_k"})

_MESSAGE_FIELDS = frozenset(
    {
        "model", "max_tokens", "messages", "system", "stream", "stop_sequences", "temperature",
        "top_p", "top_k", "metadata", "tools", "tool_choice", "thinking", "service_tier",
        "container", "mcp_servers", "context_management", "output_config", "cache_control",
        "inference_geo", "speed", "diagnostics", "billing_policy", "compaction", "fallbacks",
        "fallback_credit_token", "thread",
    }
)  # fmt: skip

_COUNT_TOKENS_FIELDS = frozenset(
    {
        "model", "messages", "system", "tools", "tool_choice", "thinking", "mcp_servers",
        "context_management", "output_config", "cache_control", "speed", "billing_policy",
        "compaction",
    }
)  # fmt: skip


def check_version(version: str | None) -> str | None:
    """Complain unless the `anthropic-version` header names a supported version."""
    if version is None:
        return "anthropic-version: header is required"
    if version not in API_VERSIONS:
        return (
            f"anthropic-version: {version!r} is not a valid version; "
            f"use one of {', '.join(API_VERSIONS)}"
        )
    return None


def check_message(body: object, *, version: str) -> str | None:
    """Check a `POST /v1/messages` body."""
    if not isinstance(body, Mapping):
        return "Request body must be a JSON object"
    return (
        _check_model(body)
        or _check_max_tokens(body)
        or _check_messages(body)
        or _check_optional_types(body)
        or _check_fields(body, allowed=_MESSAGE_FIELDS, version=version)
    )


def check_count_tokens(body: object, *, version: str) -> str | None:
    """Check a `POST /v1/messages/count_tokens` body (no max_tokens, stream or sampling fields)."""
    if not isinstance(body, Mapping):
        return "Request body must be a JSON object"
    return (
        _check_model(body)
        or _check_messages(body)
        or _check_fields(body, allowed=_COUNT_TOKENS_FIELDS, version=version)
    )


def _check_model(body: Mapping[str, object]) -> str | None:
    if "model" not in body:
        return "model: Field required"
    model = body["model"]
    if not isinstance(model, str):
        return "model: Input should be a valid string"
    if not model:
        return "model: String should have at least 1 character"
    return None


def _check_max_tokens(body: Mapping[str, object]) -> str | None:
    if "max_tokens" not in body:
        return "max_tokens: Field required"
    max_tokens = body["max_tokens"]
    if isinstance(max_tokens, bool) or not isinstance(max_tokens, int):
        return "max_tokens: Input should be a valid integer"
    if max_tokens < 0:  # 0 pre-warms the prompt cache (SDK 2.14 docs)
        return "max_tokens: Input should be greater than or equal to 0"
    return None


def _check_messages(body: Mapping[str, object]) -> str | None:
    if "messages" not in body:
        return "messages: Field required"
    messages = body["messages"]
    if not isinstance(messages, list):
        return "messages: Input should be a valid list"
    if not messages:
        return "messages: at least one message is required"
    for i, message in enumerate(messages):
        if not isinstance(message, Mapping):
            return f"messages.{i}: Input should be a valid dictionary"
        if "role" not in message:
            return f"messages.{i}.role: Field required"
        if message["role"] not in ("user", "assistant", "system"):
            return f"messages.{i}.role: Input should be 'user', 'assistant' or 'system'"
        if "content" not in message:
            return f"messages.{i}.content: Field required"
        content = message["content"]
        if isinstance(content, str):
            continue
        if not isinstance(content, list):
            return f"messages.{i}.content: Input should be a valid string or list of content blocks"
        for j, block in enumerate(content):
            if not isinstance(block, Mapping):
                return f"messages.{i}.content.{j}: Input should be a valid dictionary"
            if not isinstance(block.get("type"), str):
                return f"messages.{i}.content.{j}.type: Field required"
    return None


def _check_optional_types(body: Mapping[str, object]) -> str | None:
    """Types of the optional fields the reply is computed from."""
    if "stream" in body and not isinstance(body["stream"], bool):
        return "stream: Input should be a valid boolean"
    stops = body.get("stop_sequences")
    if stops is not None and (
        not isinstance(stops, list) or not all(isinstance(s, str) for s in stops)
    ):
        return "stop_sequences: Input should be a valid list of strings"
    system = body.get("system")
    if system is not None and not isinstance(system, str | list):
        return "system: Input should be a valid string or list of text blocks"
    tools = body.get("tools")
    if tools is not None and not isinstance(tools, list):
        return "tools: Input should be a valid list"
    return None


def _check_fields(
    body: Mapping[str, object], *, allowed: frozenset[str], version: str
) -> str | None:
    for key in body:
        if key in _SAMPLING and version == _NO_SAMPLING_VERSION:
            return (
                f"{key}: is not supported in anthropic-version {_NO_SAMPLING_VERSION}; "
                "remove temperature, top_p and top_k from the request"
            )
        if key not in allowed:
            return f"{key}: Extra inputs are not permitted"
    return None
