"""Properties of request building, claude.pure.request (with the settings and credentials it uses)."""

from __future__ import annotations

import json
import string

import msgspec
from anthropic._constants import ANTHROPIC_API_VERSION
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy
from returns.pipeline import is_successful
from returns.result import Failure

import claude
from claude.pure.credentials import Credentials, Secret, check_secret, credentials_from_env
from claude.pure.curl import render_curl
from claude.pure.errors import MissingCredentials
from claude.pure.request import (
    HttpRequest,
    Target,
    build_message_request,
    make_target,
    parse_message_request,
)
from claude.pure.settings import DEFAULT_API_VERSION, Settings, check_settings
from claude.pure.validate import API_VERSIONS, validate
from claude.shell.client import Client
from tests.property import strategies as gen

many = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
JsonDict = gen.JsonDict

betas = st.lists(
    st.sampled_from(["files-api-2025-04-14", "context-1m-2025-08-07", "skills-2025-10-02"])
    | st.text(string.ascii_lowercase + string.digits + "-", min_size=1, max_size=20),
    max_size=3,
)
base_urls = st.sampled_from(
    ["https://api.anthropic.com", "https://gateway.example", "http://127.0.0.1:8080"]
)


class Setup(msgspec.Struct, frozen=True):
    """A client's settings, its credential and which header carries it."""

    settings: Settings
    secret: str
    as_token: bool

    @property
    def credentials(self) -> Credentials:
        """The credentials this setup authenticates with."""
        key = Secret(self.secret)
        return Credentials(auth_token=key) if self.as_token else Credentials(api_key=key)

    @property
    def target(self) -> Target:
        """The precomputed target (which must build)."""
        return make_target(self.settings, self.credentials).unwrap()


setups: SearchStrategy[Setup] = st.builds(
    Setup,
    settings=st.builds(
        Settings,
        base_url=base_urls,
        api_version=st.sampled_from(API_VERSIONS),
        betas=betas.map(tuple),
    ),
    secret=gen.api_keys,
    as_token=st.booleans(),
)


def requests_for(version: str) -> SearchStrategy[JsonDict]:
    """Valid requests under ``version``, some with unknown fields below the top level."""
    valid = gen.valid_requests(version)
    return valid | gen.newer_api(valid, top_level=False)


@st.composite
def cases(draw: st.DrawFn) -> tuple[Setup, JsonDict]:
    """A setup and a request valid under its API version."""
    setup = draw(setups)
    return setup, draw(requests_for(setup.settings.api_version))


def built(setup: Setup, request: JsonDict, *, stream: bool = False) -> HttpRequest:
    """The HTTP request for a valid ``request`` (which must build)."""
    result = build_message_request(request, target=setup.target, stream=stream)
    assert is_successful(result), result
    return result.unwrap()


@many
@given(cases(), st.booleans())
def test_the_body_is_the_request_json(case: tuple[Setup, JsonDict], stream: bool) -> None:
    """The body decodes to exactly the request given, plus ``"stream": true`` when streaming."""
    setup, request = case
    body = built(setup, request, stream=stream).body
    assert body is not None
    assert json.loads(body) == ({**request, "stream": True} if stream else request)


@many
@given(cases(), st.booleans())
def test_the_method_url_and_headers(case: tuple[Setup, JsonDict], stream: bool) -> None:
    """POST to <base>/v1/messages with auth, version, betas, content type, accept and user agent."""
    setup, request = case
    http = built(setup, request, stream=stream)
    assert (http.method, http.url) == ("POST", setup.settings.base_url + "/v1/messages")
    expected = {
        "anthropic-version": setup.settings.api_version,
        "content-type": "application/json",
        "accept": "text/event-stream" if stream else "application/json",
        "user-agent": f"api-claude/{claude.__version__}",
    }
    if setup.as_token:
        expected["authorization"] = "Bearer " + setup.secret
    else:
        expected["x-api-key"] = setup.secret
    if setup.settings.betas:
        expected["anthropic-beta"] = ",".join(setup.settings.betas)
    assert dict(http.headers) == expected


def test_the_default_api_version_is_the_sdks() -> None:
    """Without a choice the client speaks the SDK's default anthropic-version (2026-10-21)."""
    assert Settings().api_version == DEFAULT_API_VERSION == ANTHROPIC_API_VERSION == "2026-10-21"
    target = make_target(Settings(), Credentials(api_key=Secret("k"))).unwrap()
    assert target.headers["anthropic-version"] == "2026-10-21"


def test_2023_06_01_stays_selectable_with_its_rules() -> None:
    """Under 2023-06-01 the sampling parameters are sent (and range-checked); under the default
    version they are refused."""
    old = make_target(Settings(api_version="2023-06-01"), Credentials(api_key=Secret("k")))
    new = make_target(Settings(), Credentials(api_key=Secret("k")))
    request = {"model": "m", "max_tokens": 1, "messages": [{"role": "user", "content": "hi"}]}
    sent = build_message_request({**request, "temperature": 0.5}, target=old.unwrap()).unwrap()
    assert sent.headers["anthropic-version"] == "2023-06-01"
    assert json.loads(sent.body or b"")["temperature"] == 0.5
    too_hot = build_message_request({**request, "temperature": 2.0}, target=old.unwrap())
    assert too_hot.failure().path == "temperature"
    assert build_message_request({**request, "top_k": 1}, target=new.unwrap()).failure().path == (
        "top_k"
    )


@given(st.sampled_from(API_VERSIONS) | gen.texts)
def test_settings_accept_exactly_the_supported_versions(version: str) -> None:
    """check_settings accepts 2023-06-01 and 2026-10-21 and names ``api_version`` otherwise."""
    result = check_settings(Settings(api_version=version))
    assert is_successful(result) == (version in ("2023-06-01", "2026-10-21"))
    if not is_successful(result):
        assert result.failure().path == "api_version"


@given(
    st.sampled_from(["https://", "http://"]),
    st.sampled_from(["api.anthropic.com", "127.0.0.1", "localhost", "[::1]", "example.com"]),
    st.sampled_from(["", "/", "/proxy", "/proxy/"]),
)
def test_base_urls_are_https_or_loopback_http(scheme: str, host: str, path: str) -> None:
    """https anywhere and plain http only to loopback; a trailing slash is dropped."""
    result = check_settings(Settings(base_url=scheme + host + path))
    loopback = host in ("127.0.0.1", "localhost", "[::1]")
    assert is_successful(result) == (scheme == "https://" or loopback)
    if is_successful(result):
        assert result.unwrap().base_url == (scheme + host + path).rstrip("/")


@many
@given(cases())
def test_a_streamed_request_must_be_sent_as_a_stream(case: tuple[Setup, JsonDict]) -> None:
    """``"stream": true`` is refused by send() (naming ``stream``) and kept by a streaming build."""
    setup, request = case
    request = {**request, "stream": True}
    result = build_message_request(request, target=setup.target)
    assert isinstance(result, Failure)
    assert result.failure().path == "stream"
    body = built(setup, request, stream=True).body
    assert body is not None
    assert json.loads(body) == request
    body = built(setup, {**request, "stream": False}, stream=True).body
    assert body is not None
    assert json.loads(body)["stream"] is True


@many
@given(
    cases(), gen.json_objects, st.dictionaries(st.sampled_from(["X-Trace", "Accept"]), gen.names)
)
def test_extra_body_and_headers_are_merged_last(
    case: tuple[Setup, JsonDict], extra_body: JsonDict, extra_headers: dict[str, str]
) -> None:
    """extra_body keys are added to (and override) the body; extra headers are lower-cased and win."""
    setup, request = case
    result = build_message_request(
        request, target=setup.target, extra_body=extra_body, extra_headers=extra_headers
    )
    http = result.unwrap()
    assert http.body is not None
    assert json.loads(http.body) == {**request, **extra_body}
    for name, value in extra_headers.items():
        assert http.headers[name.lower()] == value


@many
@given(setups, gen.message_requests(newer=True) | gen.json_objects)
def test_building_fails_exactly_when_parsing_or_validation_does(
    setup: Setup, request: JsonDict
) -> None:
    """Any request builds iff it parses and validates, and a failure is the first problem found."""
    request.pop("stream", None)
    expected = parse_message_request(request).bind(
        lambda r: validate(r, api_version=setup.settings.api_version)
    )
    result = build_message_request(request, target=setup.target)
    assert is_successful(result) == is_successful(expected)
    if not is_successful(result):
        assert result.failure() == expected.failure()


@many
@given(cases())
def test_a_value_json_cannot_hold_is_a_failure(case: tuple[Setup, JsonDict]) -> None:
    """A non-JSON value in a free-form field is an InvalidArgument naming it, not an exception."""
    setup, request = case
    result = build_message_request({**request, "container": object()}, target=setup.target)
    assert isinstance(result, Failure)
    assert result.failure().path == "container"


def test_no_credentials_is_a_missing_credentials_failure() -> None:
    """A target without key or token fails with MissingCredentials before any request is made."""
    assert isinstance(make_target(Settings(), Credentials()).failure(), MissingCredentials)


@many
@given(cases(), st.booleans())
def test_the_secret_never_shows(case: tuple[Setup, JsonDict], stream: bool) -> None:
    """No repr or str of a request, target, credentials or error, and no curl command, shows the
    key or token."""
    setup, request = case
    secret = setup.secret
    assume(secret not in json.dumps(request))
    http = built(setup, request, stream=stream)
    shown = [
        repr(http),
        str(http),
        repr(setup.target),
        str(setup.target),
        repr(setup.credentials),
        str(build_message_request({**request, "max_tokens": -1}, target=setup.target).failure()),
        render_curl(http),
        str(check_secret(secret + "\n", name="api_key").failure()),
        str(credentials_from_env({"ANTHROPIC_API_KEY": secret + " x"}).failure()),
        repr(credentials_from_env({"ANTHROPIC_API_KEY": secret}).unwrap()),
    ]
    for text in shown:
        assert secret not in text


@settings(max_examples=5, deadline=None)
@given(setups, gen.valid_requests("2026-10-21"))
def test_a_client_never_shows_its_secret(setup: Setup, request: JsonDict) -> None:
    """Neither a usable client, nor one refused for a malformed key, nor what it builds shows it."""
    secret = setup.secret
    assume(secret not in json.dumps(request))
    key, token = (None, secret) if setup.as_token else (secret, None)
    with Client(api_key=key, auth_token=token) as client, Client(api_key=secret + " x") as broken:
        shown = [
            repr(client),
            str(client),
            repr(broken),
            str(broken.ready),
            repr(client.build(request).unwrap()),
            str(broken.send(request)),
        ]
    for text in shown:
        assert secret not in text


@given(gen.api_keys, st.sampled_from(["X-Api-Key", "Authorization", "AUTHORIZATION"]))
def test_a_hand_made_request_redacts_secret_headers_in_any_case(secret: str, name: str) -> None:
    """HttpRequest's repr hides credential headers whatever the capitalisation of their names."""
    http = HttpRequest(method="GET", url="https://x.test", headers={name: secret})
    assert secret not in repr(http)
    assert secret not in render_curl(http)
