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

from claude.testing import ids, models, replies, scripted, transcript, validation
from claude.testing.errors import error_body
from claude.testing.faults import Fault
from claude.testing.recording import RecordedRequest

__all__ = ["JSON", "SSE", "Response", "respond"]

JSON = "application/json"
SSE = "text/event-stream; charset=utf-8"


@dataclass(frozen=True, slots=True, kw_only=True)
class Response:
    """A response to write: a status, headers, and either a body or an SSE event list."""

    status: int
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    events: Sequence[bytes] | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class _Call:
    """A request that passed routing, auth and the version check, as a route handler sees it."""

    request: RecordedRequest
    path: str
    query: dict[str, str]
    version: str
    request_id: str
    fault: Fault | None


_Handler = Callable[[_Call], Response]


def respond(
    request: RecordedRequest, *, fault: Fault | None, api_key: str, request_id: str
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
    response = _route(request, fault=fault, api_key=api_key, request_id=request_id)
    if fault is not None and fault.status is not None:
        response = dataclasses.replace(response, status=fault.status)
    return response


def _route(
    request: RecordedRequest, *, fault: Fault | None, api_key: str, request_id: str
) -> Response:
    method = request.method
    if method == "HEAD":
        return Response(status=200)
    if method == "OPTIONS":
        return Response(status=200, headers=(("allow", "GET, POST, HEAD, OPTIONS"),))
    path, _, query = request.path.partition("?")
    route = _ROUTES.get(path)
    if route is None and path.startswith("/v1/models/") and len(path) > len("/v1/models/"):
        route = ("GET", _get_model)
    if route is None:
        return _error(404, f"Not found: {path}", request_id)
    allowed, handler = route
    if method != allowed:
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
