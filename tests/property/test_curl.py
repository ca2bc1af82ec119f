"""Properties of the curl rendering, claude.pure.curl: pasteable, faithful, and without the key."""

from __future__ import annotations

import json
import shlex
import string

from hypothesis import given, settings
from hypothesis import strategies as st

from claude.pure.credentials import Credentials, Secret
from claude.pure.curl import render_curl
from claude.pure.request import HttpRequest, build_message_request, make_target
from claude.pure.settings import Settings
from tests.property import strategies as gen

many = settings(max_examples=60, deadline=None)

SECRET_HEADERS = {
    "x-api-key": "x-api-key: ${ANTHROPIC_API_KEY}",
    "authorization": "authorization: Bearer ${ANTHROPIC_AUTH_TOKEN}",
}
header_names = st.text(string.ascii_letters + string.digits + "-", min_size=1, max_size=16).filter(
    lambda n: n.lower() not in SECRET_HEADERS
)
header_values = st.text(st.characters(codec="utf-8", exclude_categories=["Cc"]), max_size=20)
http_requests = st.builds(
    HttpRequest,
    method=st.sampled_from(["GET", "POST", "DELETE"]),
    url=st.text(st.characters(codec="utf-8", exclude_categories=["Cc"]), min_size=1, max_size=30),
    headers=st.dictionaries(header_names, header_values, max_size=4),
    body=st.none() | st.text(max_size=40).map(str.encode) | st.binary(max_size=20),
)


def parse(command: str) -> tuple[str, str, list[str], str | None]:
    """Method, URL, ``-H`` values and body of a rendered command, read the way a shell would."""
    words = shlex.split(command.replace(" \\\n  ", " "))  # join the continued lines first
    assert words[:2] == ["curl", "-X"]
    method, url, rest = words[2], words[3], words[4:]
    headers: list[str] = []
    body: str | None = None
    while rest:
        flag, value, *rest = rest
        if flag == "-H":
            headers.append(value)
        else:
            assert flag == "--data-binary"
            body = value
    return method, url, headers, body


@many
@given(http_requests, gen.api_keys, st.sampled_from(["x-api-key", "Authorization", "X-API-KEY"]))
def test_curl_says_what_the_request_says_except_the_secret(
    request: HttpRequest, secret: str, secret_name: str
) -> None:
    """Read back by a shell, the command has the request's method, URL, headers and body, with the
    credential replaced by a reference to its environment variable."""
    headers = {**request.headers, secret_name: secret}
    command = render_curl(
        HttpRequest(method=request.method, url=request.url, headers=headers, body=request.body)
    )
    assert secret not in command
    method, url, shown, body = parse(command)
    assert (method, url) == (request.method, request.url)
    assert shown == [
        SECRET_HEADERS.get(name.lower(), f"{name}: {value}") for name, value in headers.items()
    ]
    assert body == (None if request.body is None else request.body.decode("utf-8", "replace"))


@many
@given(gen.valid_requests(), gen.api_keys, st.booleans())
def test_a_built_request_renders_to_its_json(
    request: gen.JsonDict, secret: str, token: bool
) -> None:
    """The curl command for a built Messages request carries the request JSON and no secret."""
    key = Secret(secret)
    credentials = Credentials(auth_token=key) if token else Credentials(api_key=key)
    target = make_target(Settings(), credentials).unwrap()
    command = render_curl(build_message_request(request, target=target).unwrap())
    assert secret not in command
    _, url, headers, body = parse(command)
    assert url == "https://api.anthropic.com/v1/messages"
    assert body is not None
    assert json.loads(body) == request
    expected = SECRET_HEADERS["authorization" if token else "x-api-key"]
    assert expected in headers
