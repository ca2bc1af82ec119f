"""Generators of the wire JSON of models, batches, batch result lines and files."""

from __future__ import annotations

from hypothesis import strategies as st

JsonDict = dict[str, object]

ids = st.text("abcdefghijklmnopqrstuvwxyz0123456789_-", min_size=1, max_size=24)
times = st.datetimes(timezones=st.just(__import__("datetime").timezone.utc)).map(
    lambda t: t.replace(microsecond=0).isoformat().replace("+00:00", "Z")
)
counts = st.integers(min_value=0, max_value=100_000)
texts = st.text(max_size=20)
extras = st.dictionaries(
    st.text("abcdefghijklmnopqrstuvwxyz_", min_size=3, max_size=10).map("new_".__add__),
    st.one_of(st.integers(), texts, st.booleans(), st.none(), st.lists(st.integers(), max_size=3)),
    max_size=2,
)


@st.composite
def optional(draw: st.DrawFn, fields: dict[str, st.SearchStrategy[object]]) -> JsonDict:
    """Each field absent, null or a value."""
    out: JsonDict = {}
    for name, values in fields.items():
        choice = draw(st.sampled_from(["absent", "null", "value"]))
        if choice == "null":
            out[name] = None
        elif choice == "value":
            out[name] = draw(values)
    return out


def with_extras(base: st.SearchStrategy[JsonDict], *, unknown: bool) -> st.SearchStrategy[JsonDict]:
    """``base`` plus fields a newer API might add (when ``unknown``)."""
    if not unknown:
        return base
    return st.tuples(base, extras).map(lambda pair: {**pair[1], **pair[0]})


capability = st.fixed_dictionaries({"supported": st.booleans()})


def model_infos(*, unknown: bool = True) -> st.SearchStrategy[JsonDict]:
    """``ModelInfo`` objects (``capabilities`` only with ``unknown``: the SDK requires every
    capability it knows, this library keeps whatever object comes)."""
    caps: st.SearchStrategy[object] = (
        st.fixed_dictionaries({"batch": capability, "citations": capability})
        if unknown
        else st.none()
    )
    base = st.tuples(
        st.fixed_dictionaries(
            {"type": st.just("model"), "id": ids, "display_name": texts, "created_at": times}
        ),
        optional(
            {
                "max_input_tokens": counts,
                "max_tokens": counts,
                "capabilities": caps,
                "deprecated_at": times,
                "retires_at": times,
            }
        ),
        st.fixed_dictionaries({"lifecycle": st.sampled_from(["active", "deprecated", "retired"])}),
    ).map(lambda parts: {**parts[0], **parts[1], **parts[2]})
    return with_extras(base, unknown=unknown)


request_counts = st.fixed_dictionaries(
    {
        "processing": counts,
        "succeeded": counts,
        "errored": counts,
        "canceled": counts,
        "expired": counts,
    }
)


def message_batches(*, unknown: bool = True) -> st.SearchStrategy[JsonDict]:
    """``MessageBatch`` objects."""
    base = st.tuples(
        st.fixed_dictionaries(
            {
                "id": ids.map("msgbatch_".__add__),
                "type": st.just("message_batch"),
                "processing_status": st.sampled_from(["in_progress", "canceling", "ended"]),
                "request_counts": request_counts,
                "created_at": times,
                "expires_at": times,
            }
        ),
        optional(
            {
                "ended_at": times,
                "cancel_initiated_at": times,
                "archived_at": times,
                "results_url": ids.map(
                    "https://api.anthropic.com/v1/messages/batches/{}/results".format
                ),
            }
        ),
    ).map(lambda parts: {**parts[0], **parts[1]})
    return with_extras(base, unknown=unknown)


def messages() -> st.SearchStrategy[JsonDict]:
    """Small replies of the Messages API, every field the SDK dumps present."""
    return st.fixed_dictionaries(
        {
            "id": ids.map("msg_".__add__),
            "type": st.just("message"),
            "role": st.just("assistant"),
            "model": ids,
            "content": st.lists(
                st.fixed_dictionaries(
                    {"type": st.just("text"), "text": texts, "citations": st.none()}
                ),
                max_size=2,
            ),
            "stop_reason": st.sampled_from(["end_turn", "max_tokens"]),
            "stop_sequence": st.none(),
            "usage": st.fixed_dictionaries({"input_tokens": counts, "output_tokens": counts}),
        }
    )


error_envelopes = st.fixed_dictionaries(
    {
        "type": st.just("error"),
        "error": st.fixed_dictionaries(
            {
                "type": st.sampled_from(["invalid_request_error", "api_error", "overloaded_error"]),
                "message": texts,
            }
        ),
        "request_id": ids.map("req_".__add__),
    }
)


def results(*, unknown: bool = True) -> st.SearchStrategy[JsonDict]:
    """The ``result`` of a batch result line, of each type (an unknown one when ``unknown``)."""
    known: list[st.SearchStrategy[JsonDict]] = [
        messages().map(lambda m: {"type": "succeeded", "message": m}),
        error_envelopes.map(lambda e: {"type": "errored", "error": e}),
        st.just({"type": "canceled"}),
        st.just({"type": "expired"}),
    ]
    if unknown:
        known.append(
            st.tuples(ids.map("new_".__add__), extras).map(lambda p: {**p[1], "type": p[0]})
        )
    return st.one_of(known)


custom_ids = st.text(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-", min_size=1, max_size=64
)


def result_lines(*, unknown: bool = True) -> st.SearchStrategy[JsonDict]:
    """Lines of a batch's results JSONL."""
    return st.fixed_dictionaries({"custom_id": custom_ids, "result": results(unknown=unknown)})


def file_objects(*, unknown: bool = True) -> st.SearchStrategy[JsonDict]:
    """``FileMetadata`` objects."""
    base = st.tuples(
        st.fixed_dictionaries(
            {
                "id": ids.map("file_".__add__),
                "type": st.just("file"),
                "filename": st.text(min_size=1, max_size=20),
                "mime_type": st.sampled_from(["application/pdf", "text/plain", "image/png"]),
                "size_bytes": counts,
                "created_at": times,
            }
        ),
        optional({"downloadable": st.booleans(), "expires_at": times}),
    ).map(lambda parts: {**parts[0], **parts[1]})
    return with_extras(base, unknown=unknown)


def pages(items: st.SearchStrategy[JsonDict]) -> st.SearchStrategy[JsonDict]:
    """A list page of ``items`` with its cursors."""
    return st.fixed_dictionaries(
        {
            "data": st.lists(items, max_size=3),
            "has_more": st.booleans(),
            "first_id": st.one_of(st.none(), ids),
            "last_id": st.one_of(st.none(), ids),
        }
    )
