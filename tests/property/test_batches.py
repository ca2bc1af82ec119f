"""The pure batch helpers: create checks, the results JSONL parser and the polling schedule."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from claude.pure import batches
from claude.pure.codec import decode, encode
from claude.pure.errors import InvalidArgument
from claude.pure.resources import BatchResultLine, MessageBatch
from tests.property import resource_strategies as gen

JsonDict = gen.JsonDict
VERSION = "2026-10-21"

params = st.fixed_dictionaries(
    {
        "model": st.sampled_from(["claude-haiku-4-5", "claude-sonnet-4-5"]),
        "max_tokens": st.integers(min_value=1, max_value=4096),
        "messages": st.lists(
            st.fixed_dictionaries({"role": st.just("user"), "content": st.text(min_size=1)}),
            min_size=1,
            max_size=2,
        ),
    }
)
valid_batches = st.lists(
    st.tuples(gen.custom_ids, params), min_size=1, max_size=8, unique_by=lambda p: p[0]
).map(lambda pairs: [{"custom_id": c, "params": p} for c, p in pairs])


@given(valid_batches)
def test_a_valid_batch_becomes_its_requests_as_json(requests: list[JsonDict]) -> None:
    """Valid requests pass and the body is ``{"requests": [...]}`` with them unchanged."""
    body = batches.batch_body(requests, api_version=VERSION).unwrap()
    assert json.loads(body) == {"requests": requests}


bad_ids = st.one_of(
    st.just(""),
    st.text(min_size=65, max_size=70, alphabet="ab"),
    st.text(min_size=1, max_size=10).filter(lambda t: not batches.CUSTOM_ID.fullmatch(t)),
    st.integers(),
    st.none(),
)


@given(valid_batches, st.data())
def test_a_bad_custom_id_is_refused_naming_its_index(
    requests: list[JsonDict], data: st.DataObject
) -> None:
    """A custom_id outside ``[a-zA-Z0-9_-]{1,64}`` fails, the path naming the request's index."""
    index = data.draw(st.integers(min_value=0, max_value=len(requests) - 1))
    requests[index] = {**requests[index], "custom_id": data.draw(bad_ids)}
    error = batches.batch_body(requests, api_version=VERSION).failure()
    assert isinstance(error, InvalidArgument)
    assert error.path.startswith(f"requests[{index}]") and error.path.endswith(".custom_id")


@given(valid_batches.filter(lambda r: len(r) >= 2), st.data())
def test_a_repeated_custom_id_is_refused_naming_the_second_one(
    requests: list[JsonDict], data: st.DataObject
) -> None:
    """Two requests with one custom_id fail at the later one, naming it."""
    later = data.draw(st.integers(min_value=1, max_value=len(requests) - 1))
    earlier = data.draw(st.integers(min_value=0, max_value=later - 1))
    same = requests[earlier]["custom_id"]
    requests[later] = {**requests[later], "custom_id": same}
    error = batches.batch_body(requests, api_version=VERSION).failure()
    assert error.path == f"requests[{later}] (custom_id {same!r}).custom_id"
    assert "unique" in error.problem


bad_params = st.sampled_from(
    [
        ({"max_tokens": -1}, "max_tokens"),
        ({"stream": True}, "stream"),
        ({"model": 3}, "model"),
        ({"max_tokn": 3}, "max_tokn"),
    ]
)


@given(valid_batches, st.data(), bad_params)
def test_bad_params_are_refused_naming_the_request_and_field(
    requests: list[JsonDict], data: st.DataObject, bad: tuple[JsonDict, str]
) -> None:
    """Params that fail the Messages checks fail the batch, naming index, custom_id and field."""
    index = data.draw(st.integers(min_value=0, max_value=len(requests) - 1))
    change, field = bad
    item = requests[index]
    requests[index] = {**item, "params": {**item["params"], **change}}  # type: ignore[dict-item]
    error = batches.batch_body(requests, api_version=VERSION).failure()
    assert error.path.startswith(f"requests[{index}] (custom_id {item['custom_id']!r}).params.")
    assert field in error.path


@given(
    st.one_of(
        st.just([]), st.none(), st.text(), st.integers(), st.dictionaries(st.text(), st.text())
    )
)
def test_not_a_list_of_one_or_more_is_refused(value: object) -> None:
    """No requests, or not a list of them, is a Failure on ``requests``."""
    assert batches.batch_body(value, api_version=VERSION).failure().path == "requests"


def test_more_than_100000_requests_are_refused() -> None:
    """The API's 100,000-request cap is checked before anything else is read."""
    error = batches.batch_body([{}] * 100_001, api_version=VERSION).failure()
    assert "100,000" in error.problem


@given(valid_batches)
def test_a_body_over_the_size_cap_is_refused_and_one_at_it_passes(requests: list[JsonDict]) -> None:
    """A batch whose JSON exceeds the byte cap (the API's 256 MB by default) is refused."""
    size = len(batches.batch_body(requests, api_version=VERSION).unwrap())
    assert batches.batch_body(requests, api_version=VERSION, max_bytes=size).unwrap()
    error = batches.batch_body(requests, api_version=VERSION, max_bytes=size - 1).failure()
    assert "256 MB" in error.problem and error.path == "requests"


# --- the results parser ---------------------------------------------------------------------


documents = st.lists(
    st.one_of(
        gen.result_lines().map(encode),
        st.sampled_from([b"", b"   ", b"not json", b'{"custom_id": 1}', b"[1,2]"]),
    ),
    max_size=6,
).map(b"\n".join)


def parse(chunks: list[bytes]) -> list[object]:
    state = batches.ResultsState()
    out: list[object] = []
    for chunk in chunks:
        state, results = batches.feed(state, chunk)
        out.extend(results)
    out.extend(batches.finish(state))
    return out


@given(documents)
def test_every_split_position_gives_the_same_results(document: bytes) -> None:
    """Split into two at any byte, the parser gives what it gives for the whole document."""
    whole = parse([document])
    for at in range(len(document) + 1):
        assert parse([document[:at], document[at:]]) == whole


@given(documents, st.lists(st.integers(min_value=0, max_value=400), max_size=8))
def test_any_chunking_gives_the_same_results(document: bytes, cuts: list[int]) -> None:
    """Cut into any number of pieces, the results are those of the whole document."""
    points = sorted({min(c, len(document)) for c in cuts})
    pieces = [document[a:b] for a, b in zip([0, *points], [*points, len(document)], strict=True)]
    assert parse(pieces) == parse([document])


@given(st.lists(gen.result_lines(), min_size=1, max_size=5), st.data())
def test_a_malformed_line_is_one_failure_and_the_rest_still_come(
    lines: list[JsonDict], data: st.DataObject
) -> None:
    """One broken line gives one Failure naming its line number; every other line is a result."""
    at = data.draw(st.integers(min_value=0, max_value=len(lines)))
    raw = [encode(line) for line in lines]
    raw.insert(at, b'{"custom_id": "x", "result": ')
    results = batches.result_lines(b"\n".join(raw) + b"\n")
    failures = [r for r in results if not hasattr(r.value_or(None), "custom_id")]
    assert len(results) == len(lines) + 1 and len(failures) == 1
    error = failures[0].failure()
    assert error.line_number == at + 1
    good = [r.unwrap() for r in results if r not in failures]
    assert [json.loads(encode(g)) for g in good] == lines


@given(gen.result_lines())
def test_crlf_endings_and_blank_lines_are_tolerated(line: JsonDict) -> None:
    """``\\r\\n`` line ends and blank lines give the same single result."""
    results = batches.result_lines(b"\r\n\r\n" + encode(line) + b"\r\n\n")
    assert len(results) == 1 and isinstance(results[0].unwrap(), BatchResultLine)


def test_the_parser_holds_only_the_unfinished_line() -> None:
    """After a chunk that ends lines, the state keeps only the bytes after the last newline."""
    line = encode({"custom_id": "a", "result": {"type": "canceled"}})
    state, results = batches.feed(batches.ResultsState(), (line + b"\n") * 50 + b'{"cu')
    assert len(results) == 50 and b"".join(state.pending) == b'{"cu'


def test_batch_input_lines_that_are_not_json_name_their_line() -> None:
    """A JSONL input line that is not an object fails naming its line number."""
    error = batches.parse_batch_input(b'{"custom_id": "a", "params": {}}\nnope\n').failure()
    assert error.path == "line 2"


# --- polling --------------------------------------------------------------------------------


@given(
    st.integers(min_value=0, max_value=10_000),
    st.floats(min_value=0.01, max_value=1000),
    st.floats(min_value=0.01, max_value=10_000),
)
def test_the_poll_delay_grows_and_stays_under_its_cap(polls: int, every: float, cap: float) -> None:
    """``poll_delay`` is non-decreasing in the poll count and never above ``cap``."""
    now = batches.poll_delay(polls, poll_every=every, cap=cap)
    later = batches.poll_delay(polls + 1, poll_every=every, cap=cap)
    assert 0 < now <= later <= cap


@given(gen.message_batches(), st.data())
def test_next_poll_stops_at_ended_and_at_the_deadline(batch: JsonDict, data: st.DataObject) -> None:
    """Ended batches stop the wait; past the deadline it stops with a timeout; else it sleeps
    no longer than the time left."""
    value = decode(encode(batch), MessageBatch).unwrap()
    now = data.draw(st.floats(min_value=0, max_value=1e6))
    deadline = data.draw(st.one_of(st.none(), st.floats(min_value=0, max_value=2e6)))
    step = batches.next_poll(value, polls=3, now=now, deadline=deadline, poll_every=5.0, cap=60.0)
    if value.ended:
        assert step == batches.PollDone(value)
    elif deadline is not None and now >= deadline:
        assert isinstance(step, batches.PollDone) and step.error is not None
    else:
        assert isinstance(step, batches.PollAfter)
        assert 0 <= step.seconds <= 60.0
        assert deadline is None or now + step.seconds <= deadline + 1e-6
