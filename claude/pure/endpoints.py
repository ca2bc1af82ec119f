"""Every endpoint besides ``POST /v1/messages`` as a request value: method, path, query, headers
and body, built from a ``Target`` and the call's options; the shell only performs it.

Theory of operation
-------------------
Each ``*_request`` function is total: any argument gives ``Success(HttpRequest)`` or an
``InvalidArgument`` naming the argument and the fix, before any I/O. Ids go into the path
percent-encoded (an id holding ``/`` or ``?`` cannot reach another route); list queries carry
only the cursors the caller gave, as the SDK sends them; ``extra_headers`` / ``extra_query`` /
``extra_body`` obey the same rules as for Messages (``claude.pure.options``).

Wire facts (api-reference §2, §7-§10): count tokens takes a Messages body without ``max_tokens``;
lists page with ``before_id`` / ``after_id`` / ``limit``; the Files API is GA under
``anthropic-version: 2026-10-21`` (list cursor ``page``) and a beta under ``2023-06-01``, where
every files call carries ``anthropic-beta: files-api-2025-04-14`` and lists page by ids.
A batch's ``results_url`` is used verbatim when it is on the client's own origin; the key is
never sent to another host.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final
from urllib.parse import quote, urlsplit

from returns.pipeline import is_successful
from returns.result import Failure, Result, Success

from claude.pure.codec import decode, encode
from claude.pure.errors import ClaudeError, InvalidArgument
from claude.pure.options import CallOptions, check_header_fields, check_query
from claude.pure.request import Headers, HttpRequest, Target, Unchecked, build_message_request
from claude.pure.wire import MessageRequest

__all__ = [
    "BATCHES_PATH",
    "COUNT_TOKENS_PATH",
    "FILES_BETA",
    "FILES_PATH",
    "MODELS_PATH",
    "batch_path",
    "batch_results_request",
    "count_tokens_request",
    "files_beta",
    "json_request",
    "list_query",
    "resource_id",
]

COUNT_TOKENS_PATH: Final = "/v1/messages/count_tokens"
MODELS_PATH: Final = "/v1/models"
BATCHES_PATH: Final = "/v1/messages/batches"
FILES_PATH: Final = "/v1/files"
FILES_BETA: Final = "files-api-2025-04-14"
"""The beta the Files API needs under ``anthropic-version: 2023-06-01``."""

_GA_FILES_VERSIONS: Final = frozenset({"2026-10-21"})
_MAX_LIMIT: Final = 1000


def files_beta(api_version: str) -> bool:
    """Whether the Files API is a beta (needs ``FILES_BETA``) under ``api_version``.

    >>> files_beta("2023-06-01"), files_beta("2026-10-21")
    (True, False)
    """
    return api_version not in _GA_FILES_VERSIONS


def resource_id(value: object, *, path: str) -> Result[str, InvalidArgument]:
    """``value`` as a path segment: a non-empty string, percent-encoded.

    >>> resource_id("msgbatch_01", path="batch_id")
    <Success: msgbatch_01>
    >>> resource_id("", path="file_id").failure().path
    'file_id'
    """
    if not isinstance(value, str) or not str.__str__(value).strip():
        return Failure(
            InvalidArgument(
                path=path,
                problem=f"must be a non-empty id string, got {type(value).__name__}"
                if not isinstance(value, str)
                else "must be a non-empty id string (as returned by the API)",
            )
        )
    return Success(quote(str.__str__(value), safe=""))


def batch_path(batch_id: object, suffix: str = "") -> Result[str, InvalidArgument]:
    """``/v1/messages/batches/{id}`` plus ``suffix`` (``/cancel``, ``/results``)."""
    return resource_id(batch_id, path="batch_id").map(lambda i: f"{BATCHES_PATH}/{i}{suffix}")


def list_query(
    *,
    limit: object = None,
    before_id: object = None,
    after_id: object = None,
    page: object = None,
) -> Result[dict[str, str], InvalidArgument]:
    """The query of a list call: only the cursors given, ``limit`` 1..1000.

    >>> list_query(limit=5, after_id="m_1")
    <Success: {'limit': '5', 'after_id': 'm_1'}>
    """
    query: dict[str, str] = {}
    if limit is not None:
        # int.__int__: the plain value of an int subclass, never its own (possibly raising) methods
        if (
            not isinstance(limit, int)
            or isinstance(limit, bool)
            or not 1 <= int.__int__(limit) <= _MAX_LIMIT
        ):
            return Failure(
                InvalidArgument(
                    path="limit", problem=f"must be an int from 1 to 1000, got {limit!r}"
                )
            )
        query["limit"] = str(int.__int__(limit))
    for name, value in (("before_id", before_id), ("after_id", after_id), ("page", page)):
        if value is None:
            continue
        if not isinstance(value, str) or not str.__str__(value):
            return Failure(
                InvalidArgument(
                    path=name, problem="must be an id string from a previous page, or None"
                )
            )
        query[name] = str.__str__(value)
    if before_id is not None and after_id is not None:
        return Failure(
            InvalidArgument(path="before_id", problem="cannot be given with after_id; pick one")
        )
    return Success(query)


def json_request(
    method: str,
    path: str,
    *,
    target: Target,
    options: CallOptions,
    query: Mapping[str, str] | None = None,
    body: Mapping[str, object] | None = None,
    headers: Mapping[str, str] | None = None,
    accept: str = "application/json",
    raw: bytes | None = None,
) -> Result[HttpRequest, ClaudeError]:
    """``method path?query`` with the target's headers, ``headers``, then the call's extras.

    ``body`` (or ``raw``, a JSON object already encoded, or ``extra_body`` alone) goes as
    JSON, ``extra_body``'s fields last; without any there is no body. Betas in ``headers`` join
    the client's own ``anthropic-beta`` list.
    """
    extra_body: object = options.extra_body
    if extra_body is not None and not isinstance(extra_body, Mapping):
        return Failure(InvalidArgument(path="extra_body", problem="must be a dict of field names"))
    data = (
        _raw_body(raw, options.extra_body)
        if raw is not None
        else _json_body(body, options.extra_body)
    )
    if isinstance(data, Failure):
        return Failure(data.failure())
    built = _headers(target, headers or {}, options.extra_headers, accept=accept)
    if isinstance(built, Failure):
        return Failure(built.failure())
    encoded = check_query({**(query or {}), **dict(options.extra_query or {})})
    if isinstance(encoded, Failure):
        return Failure(encoded.failure())
    payload, query_text, sent = data.unwrap(), encoded.unwrap(), built.unwrap()
    return Success(
        HttpRequest(
            method=method,
            url=target.base_url + path + (f"?{query_text}" if query_text else ""),
            headers=sent if payload is not None else _no_body(sent),
            body=payload,
            origin=target.origin,
        )
    )


def _raw_body(
    raw: bytes, extra: Mapping[str, object] | None
) -> Result[bytes | None, InvalidArgument]:
    if not extra:
        return Success(raw)
    merged = decode(raw, dict[str, object])
    if isinstance(merged, Failure):
        return Failure(InvalidArgument(path="request", problem=str(merged.failure())))
    return _json_body(merged.unwrap(), extra)


def _headers(
    target: Target,
    headers: Mapping[str, str],
    extra: Mapping[str, str] | None,
    *,
    accept: str,
) -> Result[Headers, ClaudeError]:
    merged = dict(target.headers)
    merged["accept"] = accept
    for name, value in headers.items():
        if name == "anthropic-beta" and name in merged:
            known = merged[name].split(",")
            value = ",".join([*known, *(b for b in value.split(",") if b not in known)])  # noqa: PLW2901
        merged[name] = value
    if extra is None:
        return Success(Headers(merged))
    checked = check_header_fields(extra, path="extra_headers")
    if not is_successful(checked):
        return Failure(checked.failure())
    merged.update(checked.unwrap())
    return Success(Headers(merged))


def _no_body(headers: Mapping[str, str]) -> Headers:
    """``headers`` without ``content-type``: a request with no body has no type."""
    return Headers({k: v for k, v in headers.items() if k != "content-type"})


def _json_body(
    body: Mapping[str, object] | None, extra: Mapping[str, object] | None
) -> Result[bytes | None, InvalidArgument]:
    if body is None and not extra:
        return Success(None)
    try:
        return Success(encode({**(body or {}), **dict(extra or {})}))
    except (TypeError, ValueError, RecursionError) as exc:
        return Failure(
            InvalidArgument(path="extra_body", problem=f"cannot be sent as JSON ({exc})")
        )


def count_tokens_request(
    params: Mapping[str, object] | object,
    *,
    target: Target,
    options: CallOptions,
) -> Result[HttpRequest, ClaudeError]:
    """A checked ``POST /v1/messages/count_tokens``: the Messages checks, minus ``max_tokens``.

    The parameters go through ``build_message_request`` (the same typo, type and rule checks,
    header parameters moved to headers); ``max_tokens``, which count tokens does not take, is
    only supplied for the checks and is not sent unless the caller's dict gave it (a typed
    ``MessageRequest`` must hold one: it is dropped). ``unchecked(params)`` skips the checks
    and is sent as given.
    """
    checked_params: object = params
    injected = False
    if isinstance(params, MessageRequest):
        injected = True
    elif (
        isinstance(params, Mapping) and type(params) is not Unchecked and "max_tokens" not in params
    ):
        checked_params, injected = {**params, "max_tokens": 1}, True
    built = build_message_request(
        checked_params,  # type: ignore[arg-type]  # a non-dict is refused by the builder itself
        target=target,
        extra_body=options.extra_body,
        extra_headers=options.extra_headers,
    )
    if not is_successful(built):
        return Failure(built.failure())
    request = built.unwrap()
    body = request.body or b"{}"
    if injected:
        data = decode(body, dict[str, object]).value_or({})
        data.pop("max_tokens", None)
        body = encode(data)
    encoded = check_query(options.extra_query)
    if not is_successful(encoded):
        return Failure(encoded.failure())
    query = encoded.unwrap()
    return Success(
        HttpRequest(
            method="POST",
            url=target.base_url + COUNT_TOKENS_PATH + (f"?{query}" if query else ""),
            headers=request.headers,
            body=body,
            origin=target.origin,
        )
    )


def batch_results_request(
    batch_id: object,
    results_url: str | None,
    *,
    target: Target,
    options: CallOptions,
) -> Result[HttpRequest, ClaudeError]:
    """``GET`` a batch's results JSONL: ``results_url`` if known (same origin only), else the
    documented ``/v1/messages/batches/{id}/results``."""
    if results_url is None:
        checked = batch_path(batch_id, "/results")
        if not is_successful(checked):
            return Failure(checked.failure())
        return json_request(
            "GET", checked.unwrap(), target=target, options=options, accept="application/binary"
        )
    parts = urlsplit(results_url)
    own = urlsplit(target.base_url)
    if parts.scheme and (parts.scheme, parts.netloc) != (own.scheme, own.netloc):
        return Failure(
            InvalidArgument(
                path="results_url",
                problem=f"is on {parts.scheme}://{parts.netloc}, not this client's "
                f"{own.scheme}://{own.netloc}; the API key is not sent to another host",
            )
        )
    if not parts.path.startswith("/"):
        return Failure(
            InvalidArgument(path="results_url", problem="is not a URL or an absolute path")
        )
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    base_path = own.path.rstrip("/")
    if base_path and path.startswith(base_path + "/"):
        path = path[len(base_path) :]
    return json_request(
        "GET", path, target=target, options=options, accept="application/binary"
    ).map(_query_join)


def _query_join(request: HttpRequest) -> HttpRequest:
    """A URL holding two ``?`` (the results URL's own query, then extras) joined with ``&``."""
    head, sep, tail = request.url.partition("?")
    if "?" not in tail:
        return request
    return HttpRequest(
        method=request.method,
        url=head + sep + tail.replace("?", "&"),
        headers=request.headers,
        body=request.body,
        origin=request.origin,
    )
