"""What to answer: routing, auth, version and body checks, and the whole-response faults.

`respond` maps one recorded request (plus the fault it drew, if any) to a `Response` value; it
does no socket I/O, so the server module only has to deal with timing and bytes on the wire.
Order of checks, as the tests rely on it: fault overrides; HEAD/OPTIONS (always 200, no auth,
for health probes); unknown path → 404; wrong method → 405; auth → 401; `anthropic-version` → 400;
then the route's own body checks.
"""

from __future__ import annotations

import dataclasses
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import msgspec

from claude.testing import batches, files, ids, models, replies, scripted, transcript, validation
from claude.testing.caching import PromptCache
from claude.testing.errors import error_body
from claude.testing.faults import Fault
from claude.testing.recording import RecordedRequest
from claude.testing.resources import Resources

__all__ = ["JSON", "JSONL", "SSE", "Response", "body_cap", "respond"]

JSON = "application/json"
SSE = "text/event-stream; charset=utf-8"
JSONL = "application/x-jsonl"


@dataclass(frozen=True, slots=True, kw_only=True)
class Response:
    """A response to write: a status, headers, and either a body or a list of pieces streamed
    chunked (SSE events, JSONL lines, download chunks), the streaming faults counting pieces."""

    status: int
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    events: Sequence[bytes | memoryview] | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class _Call:
    """A request that passed routing, auth and the version check, as a route handler sees it."""

    request: RecordedRequest
    path: str
    query: dict[str, str]
    version: str
    request_id: str
    fault: Fault | None
    resources: Resources | None = None
    cache: PromptCache | None = None
    """The server's prompt cache (``claude.testing.caching``), for the usage cache fields."""


_Handler = Callable[[_Call], Response]


def respond(
    request: RecordedRequest,
    *,
    fault: Fault | None,
    api_key: str,
    request_id: str,
    resources: Resources | None = None,
    cache: PromptCache | None = None,
) -> Response:
    """The response to `request`, with the fault's status/body/transcript applied."""
    if fault is not None:
        if fault.transcript is not None:
            return Response(
                status=fault.status or 200,
                headers=(("content-type", SSE),),
                events=transcript.split_events(fault.transcript),
            )
        if fault.body is not None:
            return Response(
                status=fault.status or 200,
                headers=(("content-type", JSON),),
                body=_encode_body(fault.body),
            )
        if fault.status is not None and fault.status >= 400:
            return _error(fault.status, None, request_id)
    response = _route(
        request,
        fault=fault,
        api_key=api_key,
        request_id=request_id,
        resources=resources,
        cache=cache,
    )
    if fault is not None and fault.status is not None:
        response = dataclasses.replace(response, status=fault.status)
    return response


def _route(
    request: RecordedRequest,
    *,
    fault: Fault | None,
    api_key: str,
    request_id: str,
    resources: Resources | None = None,
    cache: PromptCache | None = None,
) -> Response:
    method = request.method
    if method == "HEAD":
        return Response(status=200)
    if method == "OPTIONS":
        return Response(status=200, headers=(("allow", "GET, POST, DELETE, HEAD, OPTIONS"),))
    path, _, query = request.path.partition("?")
    path = _origin_form(path)
    route = _ROUTES.get(path)
    if route is None and path.startswith("/v1/models/") and len(path) > len("/v1/models/"):
        route = ("GET", _get_model)
    if route is None and resources is not None:
        route = _resource_route(path)
    if route is None:
        return _error(404, f"Not found: {path}", request_id)
    allowed, handler = route
    if method not in allowed.split(", "):
        response = _error(
            405, f"Method {method} is not allowed for {path}; use {allowed}", request_id
        )
        return dataclasses.replace(response, headers=(*response.headers, ("allow", allowed)))
    auth_problem = _check_auth(request.headers, api_key)
    if auth_problem is not None:
        return _error(401, auth_problem, request_id)
    version = request.headers.get("anthropic-version")
    version_problem = validation.check_version(version)
    if version_problem is not None or version is None:
        return _error(400, version_problem, request_id)
    call = _Call(
        request=request,
        path=path,
        query=dict(urllib.parse.parse_qsl(query)),
        version=version,
        request_id=request_id,
        fault=fault,
        resources=resources,
        cache=cache,
    )
    return handler(call)


def _check_auth(headers: Mapping[str, str], api_key: str) -> str | None:
    """Why the credentials are refused, or None. `x-api-key` wins over `authorization`."""
    key = headers.get("x-api-key")
    if key is None:
        scheme, _, token = headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer":
            return "x-api-key header is required"
        key = token.strip()
    return None if key == api_key else "invalid x-api-key"


def _messages(call: _Call) -> Response:
    body = call.request.json
    problem = _unparsable(call.request) or validation.check_message(body, version=call.version)
    if problem is None and isinstance(body, Mapping):
        problem = scripted.check(body)  # a schema outside the structured-output subset
    if problem is not None or not isinstance(body, Mapping):
        return _error(400, problem, call.request_id)
    fault = call.fault
    reply = replies.compose(
        body,
        message_id=ids.message_id(),
        tool_use_id=ids.tool_use_id(),
        text_events=fault.text_events if fault else None,
        tool_json_parts=fault.tool_json_parts if fault else None,
    )
    reply = scripted.script(body, reply, new_id=ids.tool_use_id)  # tool loops, JSON output
    if call.cache is not None:
        reply = call.cache.apply(body, reply)
    if body.get("stream") is True:
        return Response(
            status=200,
            headers=(("content-type", SSE), ("cache-control", "no-cache")),
            events=transcript.render(reply),
        )
    return Response(
        status=200, headers=(("content-type", JSON),), body=replies.encode_message(reply)
    )


def _count_tokens(call: _Call) -> Response:
    body = call.request.json
    problem = _unparsable(call.request) or validation.check_count_tokens(body, version=call.version)
    if problem is not None or not isinstance(body, Mapping):
        return _error(400, problem, call.request_id)
    return _json({"input_tokens": replies.count_input_tokens(body)})


def _list_models(call: _Call) -> Response:
    page = models.page(call.query)
    if isinstance(page, str):
        return _error(400, page, call.request_id)
    return _json(page)


def _get_model(call: _Call) -> Response:
    model_id = urllib.parse.unquote(call.path[len("/v1/models/") :])
    info = models.find(model_id)
    if info is None:
        return _error(404, f"model: {model_id}", call.request_id)
    return _json(info)


_ROUTES: dict[str, tuple[str, _Handler]] = {
    "/v1/messages": ("POST", _messages),
    "/v1/messages/count_tokens": ("POST", _count_tokens),
    "/v1/models": ("GET", _list_models),
}


def _unparsable(request: RecordedRequest) -> str | None:
    """A parse-error message when the body is not JSON at all."""
    if request.json is None and request.body.strip() != b"null":
        return "There was an error parsing the body of your request: it is not valid JSON"
    return None


def _json(value: object) -> Response:
    return Response(status=200, headers=(("content-type", JSON),), body=msgspec.json.encode(value))


def _error(status: int, message: str | None, request_id: str) -> Response:
    return Response(
        status=status,
        headers=(("content-type", JSON),),
        body=error_body(status, request_id=request_id, message=message),
    )


def _encode_body(body: bytes | str | Mapping[str, object]) -> bytes:
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode()
    return msgspec.json.encode(dict(body))


# -- message batches and files (api-reference §9, §10) ------------------------------------------

_BATCHES = "/v1/messages/batches"
_FILES = "/v1/files"


def body_cap(method: str, path: str, *, default: int) -> int:
    """The largest request body the route takes: the API's 256 MB for a batch, 500 MB for a
    file upload, `default` (the server's 32 MB) otherwise; larger bodies get 413."""
    route = path.partition("?")[0]
    if method == "POST" and route == _BATCHES:
        return 256 * 1024 * 1024
    if method == "POST" and route == _FILES:
        return files.MAX_FILE_BYTES
    return default


def _resource_route(path: str) -> tuple[str, _Handler] | None:
    """The batch or file route for `path`; ids are single path segments."""
    for prefix, table in ((_BATCHES, _BATCH_ROUTES), (_FILES, _FILE_ROUTES)):
        if path == prefix:
            return table[""]
        if path.startswith(prefix + "/"):
            segments = path[len(prefix) + 1 :].split("/")
            if segments[0] and len(segments) <= 2:
                return table.get("/".join(("{id}", *segments[1:])))
    return None


def _origin_form(target: str) -> str:
    """The path of an absolute-form request target (``GET http://host/v1/…``, RFC 9112 §3.2.2),
    as a client sends when it requests a batch's absolute `results_url` verbatim."""
    if not target.startswith(("http://", "https://")):
        return target
    parts = target.split("/", 3)
    return "/" + parts[3] if len(parts) == 4 else "/"


def _resource_id(call: _Call, prefix: str) -> str:
    return urllib.parse.unquote(call.path[len(prefix) + 1 :].split("/")[0])


def _by_method(**handlers: _Handler) -> tuple[str, _Handler]:
    """One route answering several methods (the 405 check has already passed)."""

    def dispatch(call: _Call) -> Response:
        return handlers[call.request.method](call)

    return ", ".join(handlers), dispatch


def _stores(call: _Call) -> Resources:
    assert call.resources is not None  # resource routes are only matched with resources
    return call.resources


def _create_batch(call: _Call) -> Response:
    body = call.request.json
    problem = _unparsable(call.request) or batches.check_create(body, version=call.version)
    if problem is not None or not isinstance(body, Mapping):
        return _error(400, problem, call.request_id)
    forced = (call.fault.batch_results if call.fault else None) or {}
    return _json(_stores(call).batches.create(body, forced=forced))


def _list_batches(call: _Call) -> Response:
    return _answer(_stores(call).batches.list(call.query), call, "")


def _get_batch(call: _Call) -> Response:
    batch_id = _resource_id(call, _BATCHES)
    return _answer(_stores(call).batches.get(batch_id), call, f"batch: {batch_id}")


def _cancel_batch(call: _Call) -> Response:
    batch_id = _resource_id(call, _BATCHES)
    return _answer(_stores(call).batches.cancel(batch_id), call, f"batch: {batch_id}")


def _delete_batch(call: _Call) -> Response:
    batch_id = _resource_id(call, _BATCHES)
    return _answer(_stores(call).batches.delete(batch_id), call, f"batch: {batch_id}")


def _batch_results(call: _Call) -> Response:
    batch_id = _resource_id(call, _BATCHES)
    lines = _stores(call).batches.results(batch_id)
    if lines is None:
        return _error(404, f"batch: {batch_id}", call.request_id)
    if isinstance(lines, str):
        return _error(400, lines, call.request_id)
    return Response(status=200, headers=(("content-type", JSONL),), events=lines)


def _upload_file(call: _Call) -> Response:
    problem = files.beta_problem(call.version, call.request.headers.get("anthropic-beta"))
    if problem is not None:
        return _error(400, problem, call.request_id)
    upload = files.parse_upload(call.request.headers.get("content-type"), call.request.body)
    if isinstance(upload, str):
        return _error(400, upload, call.request_id)
    return _json(_stores(call).files.add(upload))


def _list_files(call: _Call) -> Response:
    problem = files.beta_problem(call.version, call.request.headers.get("anthropic-beta"))
    if problem is not None:
        return _error(400, problem, call.request_id)
    return _answer(_stores(call).files.list(call.query), call, "")


def _get_file(call: _Call) -> Response:
    file_id = _resource_id(call, _FILES)
    problem = files.beta_problem(call.version, call.request.headers.get("anthropic-beta"))
    if problem is not None:
        return _error(400, problem, call.request_id)
    return _answer(_stores(call).files.get(file_id), call, f"file: {file_id}")


def _delete_file(call: _Call) -> Response:
    file_id = _resource_id(call, _FILES)
    problem = files.beta_problem(call.version, call.request.headers.get("anthropic-beta"))
    if problem is not None:
        return _error(400, problem, call.request_id)
    return _answer(_stores(call).files.delete(file_id), call, f"file: {file_id}")


def _file_content(call: _Call) -> Response:
    file_id = _resource_id(call, _FILES)
    problem = files.beta_problem(call.version, call.request.headers.get("anthropic-beta"))
    if problem is not None:
        return _error(400, problem, call.request_id)
    found = _stores(call).files.content(file_id)
    if found is None:
        return _error(404, f"file: {file_id}", call.request_id)
    if isinstance(found, str):
        return _error(400, found, call.request_id)
    upload, chunks = found
    quoted = urllib.parse.quote(upload.filename)
    headers = (
        ("content-type", upload.mime_type),
        ("content-disposition", f"attachment; filename*=UTF-8''{quoted}"),
    )
    return Response(status=200, headers=headers, events=chunks)


def _answer(found: object, call: _Call, missing: str) -> Response:
    """200 with the object, 404 naming `missing` for None, 400 with the message for a string."""
    if found is None:
        return _error(404, missing, call.request_id)
    if isinstance(found, str):
        return _error(400, found, call.request_id)
    return _json(found)


_BATCH_ROUTES: dict[str, tuple[str, _Handler]] = {
    "": _by_method(POST=_create_batch, GET=_list_batches),
    "{id}": _by_method(GET=_get_batch, DELETE=_delete_batch),
    "{id}/cancel": ("POST", _cancel_batch),
    "{id}/results": ("GET", _batch_results),
}

_FILE_ROUTES: dict[str, tuple[str, _Handler]] = {
    "": _by_method(POST=_upload_file, GET=_list_files),
    "{id}": _by_method(GET=_get_file, DELETE=_delete_file),
    "{id}/content": ("GET", _file_content),
}
