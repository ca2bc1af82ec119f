"""From the caller's parameters to a complete HTTP request value that the shell only performs.

``build_message_request`` accepts the typed ``MessageRequest`` or a plain dict of the wire shape.
It reads the parameters once into exact JSON data (``codec.plain``: a caller's object whose
methods raise is a Failure naming the field, never an exception), moves the parameters the SDK
sends as headers (``user_profile_id``, ``workspace_id``, ``betas``) into headers, converts the rest
(keeping fields from newer APIs, top level included: the API is the authority), validates it for
the API version in use and renders method, URL, headers and body bytes.

Local checks exist to catch a caller's mistake early with the fix; they never refuse what the API
accepts. Two of them are ours alone: a top-level name that is a near miss of a known field
(``max_tokn``) is refused with "did you mean", and the rules of ``claude.pure.validate``. Both are
skipped with ``checks=False`` or ``unchecked(params)``, for a field the API added yesterday.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Final
from urllib.parse import urlsplit

import msgspec
from returns.pipeline import is_successful
from returns.result import Failure, Result, Success

from claude.pure.codec import encode, from_plain, plain
from claude.pure.credentials import Credentials
from claude.pure.errors import ClaudeError, InvalidArgument, MissingCredentials
from claude.pure.options import check_header_fields
from claude.pure.settings import Settings
from claude.pure.validate import validate
from claude.pure.wire import MessageRequest

__all__ = [
    "HEADER_PARAMS",
    "MESSAGES_PATH",
    "SECRET_HEADERS",
    "Headers",
    "HttpRequest",
    "Target",
    "Unchecked",
    "build_message_request",
    "make_target",
    "parse_message_request",
    "redacted",
    "unchecked",
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


class Unchecked(Mapping[str, object]):
    """Request parameters to send as given, with every local check turned off (see ``unchecked``)."""

    __slots__ = ("params",)

    def __init__(self, params: MessageRequest | Mapping[str, object]) -> None:
        self.params = params

    def __getitem__(self, name: str) -> object:
        data = plain(self.params).value_or({})
        if not isinstance(data, dict):
            raise KeyError(name)
        return data[name]

    def __iter__(self) -> Iterator[str]:
        data = plain(self.params).value_or({})
        return iter(data if isinstance(data, dict) else ())

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __repr__(self) -> str:
        return f"unchecked({self.params!r})"


def unchecked(params: MessageRequest | Mapping[str, object]) -> Unchecked:
    """``params`` marked to be sent as given: no local rule, no typo check, no type check.

    For a field or value the API accepts before this library knows it. The body is still JSON,
    header parameters (``user_profile_id``, ``workspace_id``, ``betas``) still go as headers, and
    the API still has the last word::

        client.send(unchecked({"model": m, "max_tokens": 1, "messages": msgs, "brand_new": {}}))
    """
    return Unchecked(params)


HEADER_PARAMS: Final[Mapping[str, str]] = MappingProxyType(
    {
        # The SDK (2.14, messages.create and beta.messages.create) sends these as headers.
        "user_profile_id": "anthropic-user-profile-id",
        "workspace_id": "anthropic-workspace-id",
        "betas": "anthropic-beta",
    }
)
"""Request parameters that travel as headers: parameter name -> header name."""

# A name this close to a known one is a typo (``max_tokn``), not a field newer than us.
_NEAR_MISS: Final = 0.85


def parse_message_request(
    params: MessageRequest | Mapping[str, object],
) -> Result[MessageRequest, InvalidArgument]:
    """The typed request for ``params``, or the field that does not fit and how to fix it.

    A top-level field this library does not know is kept and sent as given, unless it is a near
    miss of a known one (``max_tokn``), which is a Failure with "did you mean".
    """
    return _plain_params(params).bind(_typed)


def _plain_params(params: object) -> Result[dict[str, object], InvalidArgument]:
    """The caller's parameters as exact JSON data, read once; never runs their code again."""
    try:
        return _read_params(params)
    except Exception:  # an object whose very type check raises: unreadable
        return Failure(InvalidArgument(path="request", problem="could not be read as a dict"))


def _read_params(params: object) -> Result[dict[str, object], InvalidArgument]:
    if type(params) is Unchecked:
        params = params.params
    # ``type(...) is dict`` first: the common case skips the slower ABC check.
    if type(params) is not dict and not isinstance(params, MessageRequest | Mapping):
        return Failure(
            InvalidArgument(
                path="request",
                problem=f"expected a dict or MessageRequest, got {type(params).__name__}",
            )
        )
    data = plain(params)
    if not is_successful(data):
        error = data.failure()
        return Failure(InvalidArgument(path=error.path or "request", problem=error.problem))
    value = data.unwrap()
    if not isinstance(value, dict):  # a Mapping whose items are not string keys
        return Failure(InvalidArgument(path="request", problem="must be a dict of field names"))
    return Success(value)


def _typed(data: dict[str, object]) -> Result[MessageRequest, InvalidArgument]:
    for key in data:
        if key not in _FIELD_SET:
            near = _near_miss(key)
            if near is not None:
                return Failure(near)
    return from_plain(data, MessageRequest).alt(
        lambda e: InvalidArgument(path=e.path or "request", problem=e.problem)
    )


def _near_miss(name: str) -> InvalidArgument | None:
    close = difflib.get_close_matches(name.lower(), _FIELDS, n=1, cutoff=_NEAR_MISS)
    if not close:
        return None
    return InvalidArgument(
        path=name,
        problem=f"is not a Messages API field; did you mean {close[0]!r}? (to send it as "
        "given anyway, put it in extra_body={...} or wrap the request in unchecked(...))",
    )


def build_message_request(
    params: MessageRequest | Mapping[str, object],
    *,
    target: Target,
    stream: bool = False,
    extra_body: Mapping[str, object] | None = None,
    extra_headers: Mapping[str, str] | None = None,
    checks: bool = True,
) -> Result[HttpRequest, InvalidArgument]:
    """A validated ``POST /v1/messages`` for ``params``; ``stream`` asks for SSE.

    ``checks=False`` (or ``params`` wrapped in ``unchecked``) sends the parameters as given, with
    no local rule applied: for what the API accepts before this library knows it.
    """
    check = checks and type(params) is not Unchecked  # type(): never runs the caller's code
    # Early returns rather than a chain of binds: this runs once per request, on the hot path.
    extras = _check_extras(extra_body, extra_headers)
    if isinstance(extras, Failure):
        return extras
    read = _plain_params(params)
    if isinstance(read, Failure):
        return read
    data = read.unwrap()
    if check:
        checked = _checked(data, target)
        if isinstance(checked, Failure):
            return checked
    split = _split_headers(data)
    if isinstance(split, Failure):
        return split
    rest, header_params = split.unwrap()
    sent = _stream_flag_plain(rest, stream=stream)
    if isinstance(sent, Failure):
        return sent
    body = _body(sent.unwrap(), extra_body)
    if isinstance(body, Failure):
        return body
    return Success(
        HttpRequest(
            method="POST",
            url=target.base_url + MESSAGES_PATH,
            headers=_headers(target, stream=stream, params=header_params, extra=extra_headers),
            body=body.unwrap(),
            origin=target.origin,
        )
    )


def _checked(data: dict[str, object], target: Target) -> Result[dict[str, object], InvalidArgument]:
    """``data`` itself once its typed form passes every rule.

    What is sent is the caller's own data, not the typed value re-encoded: its keys in the
    order given, ``1`` staying ``1`` where the schema says float, so a recorded request goes
    out as it was recorded.
    """
    typed = _typed(data)
    if isinstance(typed, Failure):
        return typed
    valid = validate(typed.unwrap(), api_version=target.api_version)
    return valid if isinstance(valid, Failure) else Success(data)


_STREAM_WITHOUT_STREAMING: Final = InvalidArgument(
    path="stream",
    problem="is true, but send() waits for the whole message; use stream() "
    "(or astream()) to read events as they arrive",
)


def _stream_flag_plain(
    data: dict[str, object], *, stream: bool
) -> Result[dict[str, object], InvalidArgument]:
    """``data`` asking for SSE exactly when ``stream``; ``"stream": true`` without it is refused."""
    if data.get("stream") is True and not stream:
        return Failure(_STREAM_WITHOUT_STREAMING)
    if stream and data.get("stream") is not True:
        return Success({**data, "stream": True})
    return Success(data)


def _split_headers(
    data: dict[str, object],
) -> Result[tuple[dict[str, object], dict[str, str]], InvalidArgument]:
    """``data`` without its header parameters, and those as headers.

    Checked here too (``validate`` has the same rule), because this also runs with the checks
    off: a value that is no one-line string cannot be a header, whatever the API accepts.
    """
    if "user_profile_id" not in data and "workspace_id" not in data and "betas" not in data:
        return Success((data, {}))  # the common case, without a loop
    rest = dict(data)
    headers: dict[str, str] = {}
    for name, header in HEADER_PARAMS.items():
        if name not in rest:
            continue
        value = rest.pop(name)
        if name == "betas":
            if not isinstance(value, list) or not all(isinstance(b, str) for b in value):
                return Failure(
                    InvalidArgument(path=name, problem="must be a list of beta names (strings)")
                )
            value = ",".join(value)
        if not isinstance(value, str) or "\r" in value or "\n" in value:
            return Failure(
                InvalidArgument(
                    path=name, problem=f"must be a string on one line (it is sent as {header})"
                )
            )
        headers[header] = value
    return Success((rest, headers))


def _check_extras(
    body: Mapping[str, object] | None, headers: Mapping[str, str] | None
) -> Result[None, InvalidArgument]:
    """``extra_body`` is a dict with string keys; ``extra_headers`` maps header names to values,
    each allowed by RFC 9110 and none of them a framing header (see ``claude.pure.options``)."""
    given_body: object = body
    given_headers: object = headers
    # Only its kind here: its keys are read once, safely, with its values (``_body``).
    if given_body is not None and not isinstance(given_body, Mapping):
        return Failure(InvalidArgument(path="extra_body", problem="must be a dict of field names"))
    if given_headers is None:
        return Success(None)
    return check_header_fields(given_headers, path="extra_headers").map(lambda _: None)


def _headers(
    target: Target,
    *,
    stream: bool,
    params: Mapping[str, str],
    extra: Mapping[str, str] | None,
) -> Mapping[str, str]:
    """The target's headers, then the header parameters, then ``extra_headers`` (last wins).

    Betas given per call join the client's own (``anthropic-beta`` is one comma-separated list).
    """
    if not stream and not extra and not params:
        return target.headers
    headers = dict(target.headers)
    if stream:
        headers["accept"] = "text/event-stream"
    for name, value in params.items():
        if name == "anthropic-beta" and name in headers:
            known = headers[name].split(",")
            value = ",".join([*known, *(b for b in value.split(",") if b not in known)])  # noqa: PLW2901
        headers[name] = value
    if extra:
        headers.update({k.lower(): v for k, v in extra.items()})
    return Headers(headers)


def _body(
    request: dict[str, object], extra: Mapping[str, object] | None
) -> Result[bytes, InvalidArgument]:
    """The JSON body; a value JSON cannot hold (an object, absurd nesting) is the caller's error."""
    extra_data: object = {}
    if extra:
        read = plain(extra)
        if not is_successful(read):
            error = read.failure()
            path = f"extra_body.{error.path}" if error.path else "extra_body"
            return Failure(InvalidArgument(path=path, problem=error.problem))
        extra_data = read.unwrap()
    try:
        if not extra_data:
            return Success(encode(request))
        assert isinstance(extra_data, dict)
        return Success(encode({**request, **extra_data}))
    except (TypeError, ValueError, RecursionError) as exc:
        return Failure(InvalidArgument(path="request", problem=f"cannot be sent as JSON ({exc})"))
