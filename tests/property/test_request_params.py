"""Properties of what request building sends, claude.pure.request: header parameters as headers,
local checks that can be turned off, and hostile caller objects that never raise."""

from __future__ import annotations

import json
import string
from collections.abc import Iterator, Mapping

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from returns.result import Failure

from claude.pure.credentials import Credentials, Secret
from claude.pure.errors import InvalidArgument
from claude.pure.request import Target, build_message_request, make_target, unchecked
from claude.pure.settings import Settings
from claude.pure.validate import API_VERSIONS
from tests.property import strategies as gen

many = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
JsonDict = gen.JsonDict
SECRET = "sk-ant-api03-" + "s" * 40
one_line = st.text(string.ascii_letters + string.digits + "_-.", min_size=1, max_size=20)


def target(version: str, betas: tuple[str, ...] = ()) -> Target:
    """A target speaking ``version`` with the client-level ``betas``."""
    settings_ = Settings(api_version=version, betas=betas)
    return make_target(settings_, Credentials(api_key=Secret(SECRET))).unwrap()


versioned = st.sampled_from(API_VERSIONS).flatmap(
    lambda v: st.tuples(st.just(v), gen.valid_requests(v))
)


@many
@given(versioned, one_line, one_line)
def test_user_profile_and_workspace_go_as_headers(
    case: tuple[str, JsonDict], profile: str, workspace: str
) -> None:
    """``user_profile_id`` and ``workspace_id`` are sent as the SDK sends them: as headers, never
    in the JSON body."""
    version, request = case
    params = {**request, "user_profile_id": profile, "workspace_id": workspace}
    http = build_message_request(params, target=target(version)).unwrap()
    assert json.loads(http.body or b"") == request
    assert http.headers["anthropic-user-profile-id"] == profile
    assert http.headers["anthropic-workspace-id"] == workspace


@many
@given(
    versioned,
    st.lists(one_line, max_size=3, unique=True).map(tuple),
    st.lists(one_line, min_size=1, max_size=3, unique=True),
)
def test_per_call_betas_join_the_clients(
    case: tuple[str, JsonDict], client_betas: tuple[str, ...], call_betas: list[str]
) -> None:
    """``betas`` given with a request join the client's ``anthropic-beta`` list, once each."""
    version, request = case
    http = build_message_request(
        {**request, "betas": call_betas}, target=target(version, client_betas)
    ).unwrap()
    assert json.loads(http.body or b"") == request
    sent = http.headers["anthropic-beta"].split(",")
    assert sent == list(dict.fromkeys([*client_betas, *call_betas]))


@many
@given(
    versioned,
    st.sampled_from(["user_profile_id", "workspace_id"]),
    st.sampled_from(["a\nb", "a\rb", 5, None]),
)
def test_a_header_parameter_must_be_one_line_text(
    case: tuple[str, JsonDict], name: str, value: object
) -> None:
    """A header parameter that is no one-line string is a Failure at that parameter."""
    version, request = case
    result = build_message_request({**request, name: value}, target=target(version))
    assert isinstance(result, Failure)
    assert result.failure().path == name


broken = st.sampled_from(
    [
        {"max_tokens": -5},
        {"messages": []},
        {"max_tokn": 5},
        {"temperature": 7},
        {"messages": [{"role": "narrator", "content": 5}]},
    ]
)


@many
@given(versioned, broken, st.booleans())
def test_checks_can_be_turned_off_per_call(
    case: tuple[str, JsonDict], change: JsonDict, wrap: bool
) -> None:
    """With ``checks=False`` or ``unchecked(params)``, a request the local rules (or the typo
    check) refuse is sent exactly as given."""
    version, request = case
    params = {**request, **change}
    assert isinstance(build_message_request(params, target=target(version)), Failure)
    http = (
        build_message_request(unchecked(params), target=target(version))
        if wrap
        else build_message_request(params, target=target(version), checks=False)
    ).unwrap()
    assert json.loads(http.body or b"") == params


# --- hostile objects --------------------------------------------------------------------------


class Boom(Exception):
    """An exception whose text is the secret and whose ``str`` raises."""

    def __str__(self) -> str:
        raise Boom


class HostileStr(str):
    """A string whose every overridable method raises."""

    def __str__(self) -> str:
        raise Boom

    def __eq__(self, other: object) -> bool:
        raise Boom

    def __hash__(self) -> int:
        raise Boom

    def __iter__(self) -> Iterator[str]:
        raise Boom

    def __len__(self) -> int:
        raise Boom

    def strip(self, chars: str | None = None) -> str:
        raise Boom


class HostileMapping(Mapping[str, object]):
    """A mapping whose methods raise, or succeed for ``ok`` calls and then raise."""

    def __init__(self, data: dict[str, object], fail: str) -> None:
        self.data = data
        self.fail = fail

    def __getitem__(self, key: str) -> object:
        if self.fail == "getitem":
            raise Boom
        return self.data[key]

    def __iter__(self) -> Iterator[str]:
        if self.fail == "iter":
            raise Boom
        return iter(self.data)

    def __len__(self) -> int:
        if self.fail == "len":
            raise Boom
        return len(self.data)

    def keys(self):  # type: ignore[no-untyped-def]
        if self.fail == "keys":
            raise Boom
        return self.data.keys()

    def __eq__(self, other: object) -> bool:
        raise Boom

    def __hash__(self) -> int:
        raise Boom


class HostileDict(dict[str, object]):
    """A dict whose overridden methods raise (the data itself is fine)."""

    def __iter__(self) -> Iterator[str]:
        raise Boom

    def keys(self):  # type: ignore[no-untyped-def]
        raise Boom

    def items(self):  # type: ignore[no-untyped-def]
        raise Boom

    def __getitem__(self, key: str) -> object:
        raise Boom


@st.composite
def hostile_requests(draw: st.DrawFn) -> tuple[object, str]:
    """A valid request with one value swapped for a hostile object, and the path of that value."""
    request = draw(gen.valid_requests("2026-10-21"))
    where = draw(
        st.sampled_from(["model", "messages[0]", "messages[0].content", "top", "metadata"])
    )
    fail = draw(st.sampled_from(["getitem", "keys"]))
    turn = request["messages"][0]  # type: ignore[index]
    assert isinstance(turn, dict)
    if where == "model":
        request["model"] = HostileStr(request["model"])
        return request, ""  # readable as text: no failure needed, just no exception
    if where == "messages[0]":
        request["messages"][0] = HostileMapping(turn, fail)  # type: ignore[index]
        return request, "messages[0]"
    if where == "messages[0].content":
        turn["content"] = HostileStr("hi") if draw(st.booleans()) else [HostileDict(type="text")]
        return request, ""
    if where == "metadata":
        request["metadata"] = HostileMapping({"user_id": "u"}, fail)
        return request, "metadata"
    return HostileMapping(request, fail), "request"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_requests(), st.booleans())
def test_hostile_objects_never_raise(case: tuple[object, str], stream: bool) -> None:
    """A Mapping or str subclass whose methods raise gives a Success (what could be read, as
    plain JSON) or an InvalidArgument naming the field it sits at; no exception escapes and the
    key never shows."""
    params, path = case
    result = build_message_request(params, target=target("2026-10-21"), stream=stream)  # type: ignore[arg-type]
    if isinstance(result, Failure):
        error = result.failure()
        assert isinstance(error, InvalidArgument)
        if path:
            assert error.path == path
        assert SECRET not in str(error) and SECRET not in repr(error)
    else:  # everything the request is made of could be read: it is sent as plain JSON
        body = json.loads(result.unwrap().body or b"")
        assert isinstance(body, dict)


@pytest.mark.parametrize("fail", ["getitem", "keys"])
def test_a_hostile_extra_body_is_a_failure(fail: str) -> None:
    """An ``extra_body`` whose methods raise is an InvalidArgument at ``extra_body``."""
    request = {"model": "m", "max_tokens": 1, "messages": [{"role": "user", "content": "x"}]}
    result = build_message_request(
        request, target=target("2026-10-21"), extra_body=HostileMapping({"a": 1}, fail)
    )
    assert isinstance(result, Failure)
    assert result.failure().path == "extra_body"


class ArmedKey(str):
    """A string key whose hash and equality work while a dict is built, then raise."""

    armed = False

    def __hash__(self) -> int:
        if ArmedKey.armed:
            raise Boom
        return str.__hash__(self)

    def __eq__(self, other: object) -> bool:
        if ArmedKey.armed:
            raise Boom
        return str.__eq__(self, other)


class LyingClass:
    """An object whose ``__class__`` raises, so even an isinstance check runs its code."""

    @property  # type: ignore[misc]
    def __class__(self) -> type:
        raise Boom


@pytest.mark.parametrize("nested", [False, True])
def test_keys_whose_hash_raises_never_raise(nested: bool) -> None:
    """Field names of a str subclass whose ``__hash__``/``__eq__`` raise are read as plain names."""
    turn = {ArmedKey("role"): "user", ArmedKey("content"): "hi"}
    request: dict[str, object] = {ArmedKey("model"): "m", "max_tokens": 1, "messages": [turn]}
    if nested:
        request = {"model": "m", "max_tokens": 1, "messages": [turn]}
    ArmedKey.armed = True
    try:
        result = build_message_request(request, target=target("2026-10-21"))
    finally:
        ArmedKey.armed = False
    assert json.loads(result.unwrap().body or b"")["messages"] == [
        {"role": "user", "content": "hi"}
    ]


@pytest.mark.parametrize("where", ["request", "value"])
def test_an_object_whose_class_raises_is_a_failure(where: str) -> None:
    """Even an object whose ``__class__`` raises gives an InvalidArgument, not an exception."""
    request: object = LyingClass()
    if where == "value":
        request = {"model": "m", "max_tokens": 1, "messages": [], "metadata": LyingClass()}
    result = build_message_request(request, target=target("2026-10-21"))  # type: ignore[arg-type]
    assert isinstance(result, Failure)
    assert isinstance(result.failure(), InvalidArgument)
