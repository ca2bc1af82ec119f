"""Client settings as one immutable value, checked once when a client is made.

Transport security lives here as a rule, not a flag: ``https`` everywhere, plain ``http`` only to
a loopback host (the bundled local server, a developer's proxy on 127.0.0.1).
"""

from __future__ import annotations

import ipaddress
from typing import Final
from urllib.parse import urlsplit

import msgspec
from returns.result import Failure, Result, Success

from claude._version import __version__
from claude.pure.errors import InvalidArgument
from claude.pure.validate import API_VERSIONS

__all__ = [
    "DEFAULT_API_VERSION",
    "DEFAULT_BASE_URL",
    "DEFAULT_TOTAL",
    "MAX_CONNECTIONS",
    "MAX_RESPONSE_BYTES",
    "USER_AGENT",
    "Settings",
    "Timeouts",
    "check_base_url",
    "check_settings",
    "is_loopback",
]

DEFAULT_BASE_URL: Final = "https://api.anthropic.com"
DEFAULT_API_VERSION: Final = "2026-10-21"
USER_AGENT: Final = f"api-claude/{__version__}"
MAX_CONNECTIONS: Final = 10_000
"""Most connections one client may pool (urllib3 allocates its queue up front)."""


DEFAULT_TOTAL: Final = 600.0
"""Seconds one ``send`` may take in all, connect and every read included (the SDK's default)."""

MAX_RESPONSE_BYTES: Final = 32 * 1024 * 1024
"""Decoded bytes one answer read whole may carry by default (a reply, an error body)."""


class Timeouts(msgspec.Struct, frozen=True, kw_only=True):
    """Seconds: ``connect`` to open a connection, ``read`` for any one socket read, ``idle``
    for a stream to send something other than pings (``None`` = no idle limit), and ``total``
    for one whole exchange (``None`` = no deadline).

    ``total`` (default 600 s) bounds a ``send`` from the first connect to the last byte, so a
    body that dribbles in cannot keep a call alive. A stream counts it until its events start
    (and for an error body or an answer that is not an event stream); its events are then bounded
    by ``read`` and ``idle``, as a long generation may stream for longer. A per-call ``timeout=``
    bounds the whole call, stream included.
    """

    connect: float = 5.0
    read: float = 600.0
    idle: float | None = None
    total: float | None = DEFAULT_TOTAL


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    """Everything about where and how a client talks, except the credentials."""

    base_url: str = DEFAULT_BASE_URL
    api_version: str = DEFAULT_API_VERSION
    betas: tuple[str, ...] = ()
    timeouts: Timeouts = msgspec.field(default_factory=Timeouts)
    max_connections: int = 64
    user_agent: str = USER_AGENT
    max_response_bytes: int = MAX_RESPONSE_BYTES


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine: ``localhost``, 127.0.0.0/8 or ::1.

    ``localhost.`` (with the root dot) is an ordinary DNS name: resolvers may send it anywhere,
    so it is not loopback by name.

    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("localhost.")
    (True, True, False)
    """
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_base_url(url: str) -> Result[str, InvalidArgument]:
    """The base URL without a trailing slash, if it is https, or http to loopback."""
    given: object = url
    if not isinstance(given, str):
        return Failure(
            InvalidArgument(
                path="base_url",
                problem=f"must be a URL string like {DEFAULT_BASE_URL!r}, got {type(given).__name__}",
            )
        )
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in url):
        # urlsplit silently drops CR, LF and TAB; a URL that carries them is refused, and the
        # message never echoes it raw.
        return Failure(
            InvalidArgument(
                path="base_url",
                problem="contains a control character (CR, LF, TAB, NUL, ...); "
                f"give a plain URL like {DEFAULT_BASE_URL!r}",
            )
        )
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname or ""
        _ = parts.port
    except ValueError as exc:
        return Failure(InvalidArgument(path="base_url", problem=f"{url!r} is not a URL ({exc})"))
    if parts.username is not None or parts.password is not None:
        return Failure(
            InvalidArgument(
                path="base_url",
                problem="must not carry user:password@ (it would be printed and is never "
                "sent); authenticate with the API key",
            )
        )
    if parts.scheme not in ("https", "http") or not host:
        return Failure(
            InvalidArgument(
                path="base_url",
                problem=f"{url!r} is not an http(s) URL; use e.g. {DEFAULT_BASE_URL}",
            )
        )
    if parts.scheme == "http" and not is_loopback(host):
        return Failure(
            InvalidArgument(
                path="base_url",
                problem=f"{url!r} is plain http to a remote host; the key would travel "
                "unencrypted. Use https (plain http is allowed only to 127.0.0.1/localhost)",
            )
        )
    if parts.query or parts.fragment:
        return Failure(
            InvalidArgument(path="base_url", problem=f"{url!r} must not have a query or fragment")
        )
    return Success(url.strip().rstrip("/"))


def check_settings(settings: Settings) -> Result[Settings, InvalidArgument]:
    """The settings with a normalised base URL, or the first field that is wrong."""
    # Settings are built from caller input without type checks (msgspec constructors do none).
    betas: object = settings.betas
    timeouts: object = settings.timeouts
    if not isinstance(betas, tuple) or not all(isinstance(b, str) for b in betas):
        return Failure(
            InvalidArgument(path="betas", problem="must be a list of beta names (strings)")
        )
    if not isinstance(timeouts, Timeouts):
        return Failure(
            InvalidArgument(
                path="timeouts", problem="must be claude.Timeouts(connect=..., read=...)"
            )
        )
    if settings.api_version not in API_VERSIONS:
        return Failure(
            InvalidArgument(
                path="api_version",
                problem=f"{settings.api_version!r} is not one of {', '.join(API_VERSIONS)}",
            )
        )
    for i, beta in enumerate(settings.betas):
        if not beta or "," in beta or not beta.isprintable() or any(c.isspace() for c in beta):
            return Failure(
                InvalidArgument(
                    path=f"betas[{i}]",
                    problem=f"{beta!r} is not a beta name like 'files-api-2025-04-14'",
                )
            )
    t = settings.timeouts
    limits = (("connect", t.connect), ("read", t.read), ("idle", t.idle), ("total", t.total))
    for name, value in limits:
        if value is None and name in ("idle", "total"):
            continue
        if not isinstance(value, int | float) or isinstance(value, bool) or not 0 < value < 1e9:
            return Failure(
                InvalidArgument(
                    path=f"timeouts.{name}",
                    problem=f"must be a finite number of seconds > 0, got {value!r}",
                )
            )
    count: object = settings.max_connections
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MAX_CONNECTIONS:
        return Failure(
            InvalidArgument(
                path="max_connections",
                problem=f"must be a whole number from 1 to {MAX_CONNECTIONS}, got {count!r}",
            )
        )
    cap: object = settings.max_response_bytes
    if not isinstance(cap, int) or isinstance(cap, bool) or cap < 1:
        return Failure(
            InvalidArgument(
                path="max_response_bytes",
                problem=f"must be a whole number of bytes >= 1, got {cap!r}",
            )
        )
    return check_base_url(settings.base_url).map(
        lambda url: msgspec.structs.replace(settings, base_url=url)
    )
