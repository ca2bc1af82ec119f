"""The local server (claude.testing) accepts every request the client's own checks accept.

The local server stands in for the API in the shell tests, so it must not refuse what the API
accepts: ``max_tokens: 0``, ``system`` turns, the SDK 2.14 beta fields. Its checks are pure
functions (``claude.testing.validation``), tested here against the client's rules.
"""

from __future__ import annotations

import msgspec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claude.pure.credentials import Credentials, Secret
from claude.pure.request import build_message_request, make_target
from claude.pure.settings import Settings
from claude.pure.validate import API_VERSIONS
from claude.testing.validation import check_message
from tests.property import strategies as gen

JsonDict = gen.JsonDict


@st.composite
def accepted(draw: st.DrawFn) -> tuple[str, JsonDict]:
    """A version and a request the client sends under it: valid, widened by what the API allows."""
    version = draw(st.sampled_from(API_VERSIONS))
    request = draw(gen.valid_requests(version))
    if draw(st.booleans()):
        request["max_tokens"] = 0
        request.pop("thinking", None)
    if draw(st.booleans()):
        turns = request["messages"]
        assert isinstance(turns, list)
        turns.insert(0, {"role": "system", "content": "Be brief."})
    request |= draw(gen.obj({}, gen.request_options))
    return version, request


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(accepted())
def test_the_local_server_accepts_what_the_client_sends(case: tuple[str, JsonDict]) -> None:
    """Whatever body the client builds from a valid request, the local server's checks pass."""
    version, request = case
    target = make_target(Settings(api_version=version), Credentials(api_key=Secret("k"))).unwrap()
    body = build_message_request(request, target=target).unwrap().body
    assert check_message(msgspec.json.decode(body or b""), version=version) is None
