"""Our request equals the SDK's request for the same arguments, under both API versions.

The oracle is the installed ``anthropic`` SDK (2.14): ``messages.create`` and
``beta.messages.create`` of a real client whose httpx transport records the request it would
send (nothing of ours is mocked; the SDK never reaches the network). The client speaks the
``anthropic-version`` under test through its default headers. Arguments the SDK has no keyword
for under that version (the sampling parameters of 2023-06-01) go through its ``extra_body``,
as the SDK documents for fields it does not type. The JSON bodies must be equal, and so must the
headers the parameters become (``anthropic-beta``, ``anthropic-user-profile-id``,
``anthropic-workspace-id``) and ``anthropic-version``.

The requests cover every block type (the assistant turn echoes blocks of every reply kind,
server-tool results and beta blocks included; the user turn carries tool results and documents),
every top-level parameter of the beta API and the header parameters.
"""

from __future__ import annotations

import inspect
import json
import warnings
from collections.abc import Iterator
from typing import NamedTuple

import anthropic
import httpx2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claude.pure.credentials import Credentials, Secret
from claude.pure.request import build_message_request, make_target
from claude.pure.settings import Settings
from claude.pure.validate import API_VERSIONS
from tests.property import strategies as gen

JsonDict = gen.JsonDict


class Sent(NamedTuple):
    """What went on the wire: the JSON body and the headers (lower-case names)."""

    body: object
    headers: dict[str, str]


class Recorder:
    """SDK clients, one per API version, whose transport records the request instead of sending."""

    def __init__(self) -> None:
        self.requests: list[httpx2.Request] = []
        transport = httpx2.MockTransport(self._answer)
        self.clients = {
            version: anthropic.Anthropic(
                api_key="sk-test",
                http_client=httpx2.Client(transport=transport),
                max_retries=0,
                default_headers={"anthropic-version": version},
            )
            for version in API_VERSIONS
        }

    def _answer(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        reply: JsonDict = {
            "id": "msg_1",
            "type": "message",
            "role": "assistant",
            "model": "m",
            "content": [],
            "stop_reason": "end_turn",
            "stop_sequence": None,
            "usage": {"input_tokens": 1, "output_tokens": 1},
        }
        return httpx2.Response(200, json=reply)

    def sent(self, version: str, request: JsonDict, *, use_beta: bool) -> Sent:
        """What the SDK sends for ``request`` (keywords it lacks go in ``extra_body``)."""
        messages = (
            self.clients[version].beta.messages if use_beta else self.clients[version].messages
        )
        accepted = set(inspect.signature(messages.create).parameters)
        kwargs = {k: v for k, v in request.items() if k in accepted}
        extra = {k: v for k, v in request.items() if k not in accepted}
        with warnings.catch_warnings():  # the SDK warns about models and modes it deprecates
            warnings.simplefilter("ignore")
            messages.create(**kwargs, extra_body=extra or None, timeout=5)  # type: ignore[call-overload]
        last = self.requests[-1]
        return Sent(json.loads(last.content), {k.lower(): v for k, v in last.headers.items()})


@pytest.fixture(scope="module")
def recorder() -> Iterator[Recorder]:
    """One recorder for the module, its clients closed at the end."""
    made = Recorder()
    yield made
    for client in made.clients.values():
        client.close()


def ours(version: str, request: JsonDict) -> Sent:
    """What we send for ``request`` under ``version``."""
    target = make_target(Settings(api_version=version), Credentials(api_key=Secret("k"))).unwrap()
    http = build_message_request(request, target=target).unwrap()
    return Sent(json.loads(http.body or b""), {k.lower(): v for k, v in http.headers.items()})


echoed = st.one_of(
    gen.response_blocks(),
    gen.beta_blocks,
    gen.server_tool_result_blocks,
).map(gen._strip_cache_control)  # no cache breakpoints: their count is a rule
user_blocks = st.one_of(
    gen.valid_tool_results, gen.valid_document_blocks, gen.valid_image_blocks, gen.plain_text_blocks
)
beta_params: dict[str, gen.Strategy] = {
    **gen.request_options,
    "inference_geo": gen.texts,
    "speed": st.sampled_from(["standard", "fast"]),
}
header_params: dict[str, gen.Strategy] = {
    "user_profile_id": gen.names,
    "workspace_id": gen.names.map("wrkspc_".__add__),
    "betas": st.lists(gen.names, min_size=1, max_size=3, unique=True),
}


@st.composite
def requests(draw: st.DrawFn, version: str, *, use_beta: bool) -> JsonDict:
    """A request valid under ``version`` echoing every kind of block, with beta and header
    parameters when ``use_beta``."""
    request = draw(gen.valid_requests(version))
    turns = request["messages"]
    assert isinstance(turns, list)
    turns.append({"role": "assistant", "content": draw(st.lists(echoed, min_size=1, max_size=3))})
    turns.append({"role": "user", "content": draw(st.lists(user_blocks, min_size=1, max_size=2))})
    if use_beta:
        request |= draw(gen.obj({}, beta_params | header_params))
    else:
        request |= draw(gen.obj({}, {k: v for k, v in header_params.items() if k != "betas"}))
    return request


HEADERS = (
    "anthropic-version",
    "anthropic-beta",
    "anthropic-user-profile-id",
    "anthropic-workspace-id",
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(API_VERSIONS), st.booleans(), st.data())
def test_our_request_is_the_sdks(
    recorder: Recorder, version: str, use_beta: bool, data: st.DataObject
) -> None:
    """For the same arguments we send the SDK's JSON body and the SDK's parameter headers, under
    2023-06-01 and 2026-10-21, through ``messages.create`` and ``beta.messages.create``."""
    request = data.draw(requests(version, use_beta=use_beta))
    theirs = recorder.sent(version, request, use_beta=use_beta)
    mine = ours(version, request)
    assert mine.body == theirs.body
    for name in HEADERS:
        assert mine.headers.get(name) == theirs.headers.get(name), name
