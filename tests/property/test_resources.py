"""The wire types of models, batches, result lines and files: round trips, unknowns kept, and our
decode of what the SDK 2.14 builds equal to the SDK's own JSON."""

from __future__ import annotations

import warnings

import msgspec
import pydantic
import pytest
from anthropic import types as sdk
from anthropic.types import messages as sdk_batches
from hypothesis import given
from hypothesis import strategies as st

from claude.pure.codec import decode, encode
from claude.pure.resources import (
    BatchCanceled,
    BatchErrored,
    BatchExpired,
    BatchPage,
    BatchResultLine,
    BatchSucceeded,
    DeletedFile,
    DeletedMessageBatch,
    FileObject,
    FilePage,
    MessageBatch,
    ModelInfo,
    ModelPage,
    TokenCount,
    UnknownBatchResult,
)
from tests.property import resource_strategies as gen

JsonDict = gen.JsonDict

CASES: list[tuple[type, st.SearchStrategy[JsonDict]]] = [
    (ModelInfo, gen.model_infos()),
    (ModelPage, gen.pages(gen.model_infos())),
    (MessageBatch, gen.message_batches()),
    (BatchPage, gen.pages(gen.message_batches())),
    (BatchResultLine, gen.result_lines()),
    (FileObject, gen.file_objects()),
    (FilePage, gen.pages(gen.file_objects())),
    (TokenCount, st.fixed_dictionaries({"input_tokens": gen.counts})),
    (
        DeletedMessageBatch,
        st.fixed_dictionaries({"id": gen.ids, "type": st.just("message_batch_deleted")}),
    ),
    (DeletedFile, st.fixed_dictionaries({"id": gen.ids, "type": st.just("file_deleted")})),
]


@pytest.mark.parametrize(("type_", "values"), CASES, ids=[c[0].__name__ for c in CASES])
@given(data=st.data())
def test_decode_then_encode_gives_the_object_back(
    type_: type, values: st.SearchStrategy[JsonDict], data: st.DataObject
) -> None:
    """Every wire type round-trips its JSON exactly, fields a newer API added included."""
    value = data.draw(values)
    decoded: object = decode(encode(value), type_).unwrap()
    assert msgspec.json.decode(encode(decoded)) == value


@given(gen.result_lines())
def test_a_result_line_decodes_to_the_member_of_its_type(line: JsonDict) -> None:
    """``succeeded``/``errored``/``canceled``/``expired`` are typed; another type is kept as unknown."""
    result = decode(encode(line), BatchResultLine).unwrap().result
    kinds = {
        "succeeded": BatchSucceeded,
        "errored": BatchErrored,
        "canceled": BatchCanceled,
        "expired": BatchExpired,
    }
    result_type = line["result"]["type"]  # type: ignore[index]
    expected: type = kinds.get(result_type, UnknownBatchResult)
    assert isinstance(result, expected)
    assert result.type == result_type


@given(gen.error_envelopes)
def test_an_errored_result_reads_its_error_type_and_message(envelope: JsonDict) -> None:
    """``BatchErrored`` exposes the envelope's ``error.type`` and ``error.message``."""
    line = {"custom_id": "a", "result": {"type": "errored", "error": envelope}}
    result = decode(encode(line), BatchResultLine).unwrap().result
    assert isinstance(result, BatchErrored)
    assert result.error_type == envelope["error"]["type"]  # type: ignore[index]
    assert result.message == envelope["error"]["message"]  # type: ignore[index]


@pytest.mark.parametrize(
    "body",
    [b"", b"[]", b'{"id": 1}', b'{"custom_id": "a"}', b'{"custom_id": "a", "result": 3}', b"\xff"],
)
def test_a_malformed_object_is_a_failure_naming_the_problem(body: bytes) -> None:
    """Bytes that are not the shape are a ``Failure`` with a message, never an exception."""
    for type_ in (ModelInfo, MessageBatch, BatchResultLine, FileObject):
        failed = decode(body, type_)
        assert str(failed.failure())


SDK_CASES: list[tuple[type, type[pydantic.BaseModel], st.SearchStrategy[JsonDict]]] = [
    (ModelInfo, sdk.ModelInfo, gen.model_infos(unknown=False)),
    (MessageBatch, sdk_batches.MessageBatch, gen.message_batches(unknown=False)),
    (
        BatchResultLine,
        sdk_batches.MessageBatchIndividualResponse,
        gen.result_lines(unknown=False),
    ),
    (TokenCount, sdk.MessageTokensCount, st.fixed_dictionaries({"input_tokens": gen.counts})),
    (FileObject, sdk.FileMetadata, gen.file_objects(unknown=False)),
    (
        DeletedFile,
        sdk.DeletedFile,
        st.fixed_dictionaries({"id": gen.ids, "type": st.just("file_deleted")}),
    ),
    (
        DeletedMessageBatch,
        sdk_batches.DeletedMessageBatch,
        st.fixed_dictionaries({"id": gen.ids, "type": st.just("message_batch_deleted")}),
    ),
]


@pytest.mark.parametrize(
    ("ours", "theirs", "values"), SDK_CASES, ids=[c[0].__name__ for c in SDK_CASES]
)
@given(data=st.data())
def test_our_decode_of_an_sdk_built_object_equals_the_sdks_json(
    ours: type,
    theirs: type[pydantic.BaseModel],
    values: st.SearchStrategy[JsonDict],
    data: st.DataObject,
) -> None:
    """An SDK model instance dumped to JSON decodes here to a value whose JSON is the same."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        built = theirs.model_validate(data.draw(values))
        dumped = built.model_dump(mode="json")
    decoded: object = decode(encode(dumped), ours).unwrap()
    assert msgspec.json.decode(encode(decoded)) == dumped
