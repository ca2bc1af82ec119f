"""From the caller's parameters to a complete HTTP request value that the shell only performs.

``build_message_request`` accepts the typed ``MessageRequest`` or a plain dict of the wire shape,
converts it (keeping fields from newer APIs in nested objects), rejects unknown top-level fields
(the API would too; it is almost always a typo, and we can suggest the right name), validates it
for the API version in use and renders method, URL, headers and body bytes.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from typing import Final
from urllib.parse import urlsplit

import msgspec
from returns.result import Failure, Result, Success

from claude.pure.codec import convert, encode, extra_fields
from claude.pure.credentials import Credentials
from claude.pure.errors import ClaudeError, InvalidArgument, MissingCredentials
from claude.pure.options import check_header_fields
from claude.pure.settings import Settings
from claude.pure.validate import validate
from claude.pure.wire import MessageRequest

__all__ = [
    "MESSAGES_PATH",
    "SECRET_HEADERS",
    "Headers",
    "HttpRequest",
    "Target",
    "build_message_request",
    "make_target",
    "parse_message_request",
    "redacted",
]

MESSAGES_PATH: Final = "/v1/messages"
SECRET_HEADERS: Final = frozenset({"x-api-key", "authorization"})
"""Header names (lower case) whose values are credentials."""


def redacted(headers: Mapping[str, str]) -> dict[str, str]:
    """``headers`` with every credential replaced by ``<redacted>``, for display."""
    return {k: ("<redacted>" if k.lower() in SECRET_HEADERS else v) for k, v in headers.items()}


_FIELDS: Final = tuple(f.encode_name for f in msgspec.structs.fields(MessageRequest))
_FIELD_SET: Final = frozenset(_FIELDS)
_TOKEN: Final = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
"""An HTTP header name (RFC 9110 token)."""


class Headers(Mapping[str, str]):
    """Request headers whose credentials never print: a read-only mapping whose repr masks
    ``x-api-key`` and ``authorization``, which pickle and msgspec refuse to serialise.

    Reading a header by name still gives its value: that is how the transport sends it.
    """

    __slots__ = ("_items",)

    def __init__(self, items: Mapping[str, str]) -> None:
        self._items = dict(items)

    def __getitem__(self, name: str) -> str:
        return self._items[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def copy(self) -> dict[str, str]:
        """A plain dict of the headers (urllib3 copies the headers it is given, then adds to them)."""
        return dict(self._items)

    def __repr__(self) -> str:
        return f"Headers({redacted(self)})"

    __str__ = __repr__

    def __reduce__(self) -> str:
        raise TypeError("request headers hold a credential and cannot be pickled")


class HttpRequest(msgspec.Struct, frozen=True, kw_only=True):
    """One HTTP exchange to perform: the whole of what goes on the wire."""

    method: str
    url: str
    headers: Mapping[str, str]
    body: bytes | None = None
    origin: str = ""
    """``scheme://host[:port]`` that ``url`` starts with, when known: lets the shell skip
    re-parsing the URL on every call. Empty means "parse ``url``"."""

    def __repr__(self) -> str:
        size = "no body" if self.body is None else f"{len(self.body)} bytes"
        return f"HttpRequest({self.method} {self.url}, headers={redacted(self.headers)}, {size})"

    __str__ = __repr__

    def __rich_repr__(self) -> list[tuple[str, object]]:
        """What rich prints: the redacted repr, never the fields (the key is in a header)."""
        return [("redacted", repr(self))]


class Target(msgspec.Struct, frozen=True, kw_only=True):
    """Where requests go and the headers every one of them carries; made once per client."""

    base_url: str
    api_version: str
    headers: Mapping[str, str]
    origin: str = ""

    def __repr__(self) -> str:
        return f"Target({self.base_url}, anthropic-version {self.api_version})"

    __str__ = __repr__

    def __rich_repr__(self) -> list[tuple[str, object]]:
        """What rich prints: the redacted repr, never the fields (the key is in a header)."""
        return [("redacted", repr(self))]


def make_target(settings: Settings, credentials: Credentials) -> Result[Target, ClaudeError]:
    """Precompute the per-client headers: auth, version, betas, user agent."""
    headers: dict[str, str] = {
        "anthropic-version": settings.api_version,
        "content-type": "application/json",
        "accept": "application/json",
        "user-agent": settings.user_agent,
    }
    if credentials.api_key is not None:
        headers["x-api-key"] = credentials.api_key.reveal()
    elif credentials.auth_token is not None:
        headers["authorization"] = "Bearer " + credentials.auth_token.reveal()
    else:
        return Failure(MissingCredentials(problem="no API key or auth token was given"))
    if settings.betas:
        headers["anthropic-beta"] = ",".join(settings.betas)
    return Success(
        Target(
            base_url=settings.base_url,
            api_version=settings.api_version,
            headers=Headers(headers),
            origin=_origin(settings.base_url),
        )
    )


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def parse_message_request(
    params: MessageRequest | Mapping[str, object],
) -> Result[MessageRequest, InvalidArgument]:
    """The typed request for ``params``, or the field that does not fit and how to fix it."""
    given: object = params  # callers without a type checker may pass anything
    if not isinstance(given, MessageRequest | Mapping):
        return Failure(
            InvalidArgument(
                path="request",
                problem=f"expected a dict or MessageRequest, got {type(given).__name__}",
            )
        )
    unknown = (
        next((key for key in params if key not in _FIELD_SET), None)
        if isinstance(params, Mapping)
        else next(iter(extra_fields(params)), None)
    )
    if unknown is not None:
        return Failure(_unknown_field(str(unknown)))
    return convert(params, MessageRequest).alt(
        lambda e: InvalidArgument(path=e.path or "request", problem=e.problem)
    )


def _unknown_field(name: str) -> InvalidArgument:
    close = difflib.get_close_matches(name, _FIELDS, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return InvalidArgument(
        path=name,
        problem=f"is not a Messages API field; {hint}(send fields newer than this "
        "library with extra_body={...})",
    )


def build_message_request(
    params: MessageRequest | Mapping[str, object],
    *,
    target: Target,
    stream: bool = False,
    extra_body: Mapping[str, object] | None = None,
    extra_headers: Mapping[str, str] | None = None,
) -> Result[HttpRequest, InvalidArgument]:
    """A validated ``POST /v1/messages`` for ``params``; ``stream`` asks for SSE."""
    return (
        _check_extras(extra_body, extra_headers)
        .bind(lambda _: parse_message_request(params))
        .bind(lambda request: _stream_flag(request, stream=stream))
        .bind(lambda request: validate(request, api_version=target.api_version))
        .bind(lambda request: _body(request, extra_body))
        .map(
            lambda body: HttpRequest(
                method="POST",
                url=target.base_url + MESSAGES_PATH,
                headers=_headers(target, stream=stream, extra=extra_headers),
                body=body,
                origin=target.origin,
            )
        )
    )


def _stream_flag(
    request: MessageRequest, *, stream: bool
) -> Result[MessageRequest, InvalidArgument]:
    if request.stream is True and not stream:
        return Failure(
            InvalidArgument(
                path="stream",
                problem="is true, but send() waits for the whole message; use stream() "
                "(or astream()) to read events as they arrive",
            )
        )
    if stream and request.stream is not True:
        return Success(msgspec.structs.replace(request, stream=True))
    return Success(request)


def _check_extras(
    body: Mapping[str, object] | None, headers: Mapping[str, str] | None
) -> Result[None, InvalidArgument]:
    """``extra_body`` is a dict with string keys; ``extra_headers`` maps header names to values,
    each allowed by RFC 9110 and none of them a framing header (see ``claude.pure.options``)."""
    given_body: object = body
    given_headers: object = headers
    if given_body is not None and not (
        isinstance(given_body, Mapping) and all(isinstance(k, str) for k in given_body)
    ):
        return Failure(InvalidArgument(path="extra_body", problem="must be a dict of field names"))
    if given_headers is None:
        return Success(None)
    return check_header_fields(given_headers, path="extra_headers").map(lambda _: None)


def _headers(target: Target, *, stream: bool, extra: Mapping[str, str] | None) -> Mapping[str, str]:
    if not stream and not extra:
        return target.headers
    headers = dict(target.headers)
    if stream:
        headers["accept"] = "text/event-stream"
    if extra:
        headers.update({k.lower(): v for k, v in extra.items()})
    return Headers(headers)


def _body(
    request: MessageRequest, extra: Mapping[str, object] | None
) -> Result[bytes, InvalidArgument]:
    """The JSON body; a value JSON cannot hold (an object, absurd nesting) is the caller's error."""
    try:
        if not extra:
            return Success(encode(request))
        data = msgspec.to_builtins(request)
        assert isinstance(data, dict)
        data.update(extra)
        return Success(encode(data))
    except (TypeError, ValueError, RecursionError) as exc:
        return Failure(InvalidArgument(path="request", problem=f"cannot be sent as JSON ({exc})"))
