"""API keys and tokens: checked before any I/O, and kept out of reprs, logs and errors.

A ``Secret`` has no ``__str__`` worth logging: its repr is redacted, msgspec and pickle refuse
it, and the only way to the value is ``reveal()``, called in exactly one place (header
building). From there the value lives in ``claude.pure.request.Headers``, which masks it the
same way; code that deliberately reads a header by name still gets it, as the transport must.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from typing import Final

import msgspec
from returns.result import Failure, Result, Success

from claude.pure.errors import InvalidArgument, MissingCredentials

__all__ = [
    "HOW_TO_SET_A_KEY",
    "Credentials",
    "Secret",
    "check_secret",
    "credentials_from_env",
]

HOW_TO_SET_A_KEY: Final = (
    "set ANTHROPIC_API_KEY (a key from console.anthropic.com, 'sk-ant-...'), pass "
    "api_key=... to Client, or try everything offline against the bundled server with --local"
)


class Secret:
    """A credential whose value never appears in a repr, a log line or an exception."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The secret itself; call it only where it goes on the wire."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('<redacted>')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and hmac.compare_digest(
            self._value.encode(), other._value.encode()
        )

    def __hash__(self) -> int:
        return hash(("Secret", len(self._value)))

    def __reduce__(self) -> str:
        raise TypeError("a Secret cannot be pickled")


class Credentials(msgspec.Struct, frozen=True, kw_only=True):
    """What authenticates a client: an API key (``x-api-key``) or a bearer token."""

    api_key: Secret | None = None
    auth_token: Secret | None = None


def check_secret(value: str, *, name: str) -> Result[Secret, InvalidArgument]:
    """A well-formed credential: non-empty printable ASCII without spaces (it goes in a header).

    The ``sk-ant-`` prefix is not required: gateways and proxies issue keys of their own.

    >>> check_secret("sk-ant-api03-abc", name="api_key").map(type).unwrap().__name__
    'Secret'
    >>> print(check_secret("sk ant", name="api_key").failure())
    api_key: contains whitespace or non-printable characters; copy the key again without spaces or line breaks
    """
    given: object = value
    if not isinstance(given, str):
        return Failure(
            InvalidArgument(path=name, problem=f"must be a string, got {type(given).__name__}")
        )
    if not value:
        return Failure(InvalidArgument(path=name, problem="is empty; " + HOW_TO_SET_A_KEY))
    if not (value.isascii() and value.isprintable()) or any(c.isspace() for c in value):
        return Failure(
            InvalidArgument(
                path=name,
                problem="contains whitespace or non-printable characters; copy the key again "
                "without spaces or line breaks",
            )
        )
    return Success(Secret(value))


def credentials_from_env(
    env: Mapping[str, str],
) -> Result[Credentials, InvalidArgument | MissingCredentials]:
    """Credentials from ``ANTHROPIC_API_KEY`` or ``ANTHROPIC_AUTH_TOKEN`` in ``env``."""
    key = env.get("ANTHROPIC_API_KEY", "").strip()
    token = env.get("ANTHROPIC_AUTH_TOKEN", "").strip()
    if key:
        return check_secret(key, name="ANTHROPIC_API_KEY").map(
            lambda secret: Credentials(api_key=secret)
        )
    if token:
        return check_secret(token, name="ANTHROPIC_AUTH_TOKEN").map(
            lambda secret: Credentials(auth_token=secret)
        )
    return Failure(MissingCredentials(problem="no API key: " + HOW_TO_SET_A_KEY))
