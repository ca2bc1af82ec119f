"""How a resource prints: one tab-separated line per object for people, JSON for programs.

Everything is read through ``msgspec.to_builtins``, so the lines hold whatever the API sent,
fields a newer API adds included (they show in ``--json``).
"""

from __future__ import annotations

from collections.abc import Mapping

import msgspec

__all__ = ["as_record", "batch_line", "counts_of", "file_line", "json_line", "model_line", "pretty"]


def as_record(value: object) -> dict[str, object]:
    """The value as the API's JSON object (a dict; a non-object is wrapped as ``{"value": v}``)."""
    data: object = msgspec.to_builtins(value)
    if isinstance(data, dict):
        return {str(key): item for key, item in data.items()}
    return {"value": data}


def json_line(value: object) -> str:
    """The value as one compact JSON line (for JSONL output)."""
    return msgspec.json.encode(msgspec.to_builtins(value)).decode()


def pretty(value: object) -> str:
    """The value as indented JSON (for one object)."""
    return msgspec.json.format(json_line(value))


def _field(record: Mapping[str, object], name: str) -> str:
    """One column: line breaks and tabs in a value become spaces, so a row stays one row."""
    value = record.get(name)
    text = "" if value is None else str(value)
    return " ".join(text.replace("\t", " ").splitlines()) if text else text


def model_line(value: object) -> str:
    """``id  display name  created``."""
    record = as_record(value)
    return "\t".join(_field(record, name) for name in ("id", "display_name", "created_at"))


def counts_of(value: object) -> dict[str, int]:
    """A batch's request counts (from a batch, or from a counts object itself)."""
    record = as_record(value)
    counts = record.get("request_counts", record)
    if not isinstance(counts, Mapping):
        return {}
    return {
        str(name): number
        for name, number in counts.items()
        if isinstance(number, int) and not isinstance(number, bool)
    }


def batch_line(value: object) -> str:
    """``id  status  processing=N succeeded=N errored=N canceled=N expired=N``."""
    record = as_record(value)
    counts = " ".join(f"{name}={number}" for name, number in counts_of(value).items())
    return "\t".join([_field(record, "id"), _field(record, "processing_status"), counts])


def file_line(value: object) -> str:
    """``id  filename  size  media type  created``."""
    record = as_record(value)
    names = ("id", "filename", "size_bytes", "mime_type", "created_at")
    return "\t".join(_field(record, name) for name in names)
