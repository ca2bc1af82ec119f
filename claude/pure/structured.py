"""Structured output: ask for a reply shaped as the caller's type, and decode it into that type.

Theory of operation
-------------------
The request side adds ``output_config.format`` as the official SDK sends it::

    {"output_config": {"format": {"type": "json_schema", "schema": <schema of the type>}}}

keeping any other ``output_config`` keys (``effort``) the request already had; the schema comes
from :func:`claude.pure.schema.schema_for`, built once per type. A strict tool is the same
schema as a tool's ``input_schema`` with ``strict: true``.

The reply side turns a ``Message`` into exactly one of:

* ``Success(Parsed(message, value))``: the reply's text decoded into the type;
* ``Failure(OutputRefused)``: the model declined (``stop_reason: "refusal"``); its text is an
  explanation, not JSON, and is not decoded;
* ``Failure(OutputIncomplete)``: the reply was cut off (``max_tokens``, or the context window
  ran out) before the JSON could be complete: raise ``max_tokens`` and ask again;
* ``Failure(OutputMismatch)``: the text is not JSON of the type; ``path`` names the field
  (``$.forecast[2].celsius``).

Each failure carries the reply, so nothing the API returned (usage, text) is lost.
"""

from __future__ import annotations

import contextlib
import re
from typing import Any, ClassVar, Final, Generic, TypeVar, cast

import msgspec
from returns.result import Failure, Result, Success

from claude.pure.errors import ClaudeError, InvalidArgument
from claude.pure.schema import SchemaUnsupported, schema_for
from claude.pure.wire import UNSET, JsonObject, Message, MessageRequest, OutputConfig, Tool

__all__ = [
    "INCOMPLETE_STOP_REASONS",
    "OutputError",
    "OutputIncomplete",
    "OutputMismatch",
    "OutputRefused",
    "Parsed",
    "decode_output",
    "decode_text",
    "output_config",
    "output_format",
    "strict_tool",
    "with_output_type",
]

_T = TypeVar("_T")

INCOMPLETE_STOP_REASONS: Final = frozenset({"max_tokens", "model_context_window_exceeded"})
"""Stop reasons that cut a reply off mid-answer: its JSON cannot be whole."""

_AT = re.compile(r"^(?P<problem>.*?) - at `(?P<path>[^`]*)`$", re.DOTALL)
_MAX_DECODERS: Final = 512
_decoders: dict[object, msgspec.json.Decoder[Any]] = {}


class Parsed(msgspec.Struct, Generic[_T], frozen=True, kw_only=True):
    """A reply and its text decoded into the caller's type: ``parsed.value`` is the answer."""

    message: Message
    value: _T


class OutputError(ClaudeError, frozen=True, kw_only=True):
    """Base of the reasons a reply gave no value of the type; ``reply`` is the message as received."""

    reply: Message | None = None
    kind: ClassVar[str] = "no structured output"


class OutputRefused(OutputError, frozen=True, kw_only=True):
    """The model declined the request (``stop_reason: "refusal"``).

    ``explanation`` is the reply's text, or the ``stop_details.explanation`` the API sends when
    the text is empty; ``category`` is ``stop_details.category`` (``cyber``, ``bio``, ...) if given.
    """

    explanation: str = ""
    category: str | None = None
    kind: ClassVar[str] = "refused"

    def line(self) -> str:
        said = f": {self.explanation}" if self.explanation else ""
        return f"{self.kind}: the model declined to answer{said}"


class OutputIncomplete(OutputError, frozen=True, kw_only=True):
    """The reply stopped early (``stop_reason``) before its JSON was complete."""

    stop_reason: str
    kind: ClassVar[str] = "incomplete output"

    def line(self) -> str:
        fix = "raise max_tokens" if self.stop_reason == "max_tokens" else "shorten the conversation"
        return f"{self.kind}: the reply stopped with {self.stop_reason!r} before its JSON was complete; {fix}"


class OutputMismatch(OutputError, frozen=True, kw_only=True):
    """The reply's text is not JSON of the requested type; ``path`` names the field (``$`` the root)."""

    path: str
    problem: str
    kind: ClassVar[str] = "output mismatch"

    def line(self) -> str:
        return f"{self.kind} at {self.path}: {self.problem}"


def output_format(type_: object) -> Result[JsonObject, SchemaUnsupported]:
    """The ``output_config.format`` value asking for replies of ``type_``.

    >>> import msgspec
    >>> class Weather(msgspec.Struct):
    ...     city: str
    >>> fmt = output_format(Weather).unwrap()
    >>> fmt["type"], sorted(fmt["schema"]["properties"])
    ('json_schema', ['city'])
    """
    return schema_for(type_).map(lambda schema: {"type": "json_schema", "schema": schema})


def output_config(type_: object, *, base: object = UNSET) -> Result[JsonObject, InvalidArgument]:
    """``base`` (a request's ``output_config``, or nothing) with its ``format`` set to ``type_``'s.

    As in the SDK's ``parse``, a ``format`` already in ``base`` is replaced; other keys stay.
    """
    if base is UNSET or base is None:
        kept: JsonObject = {}
    elif isinstance(base, msgspec.Struct):
        plain = msgspec.to_builtins(base)
        kept = {str(k): v for k, v in plain.items()} if isinstance(plain, dict) else {}
    elif isinstance(base, dict):
        kept = {str(k): v for k, v in base.items()}
    else:
        return Failure(
            InvalidArgument(
                path="output_config", problem="must be an object, e.g. {'effort': 'low'}"
            )
        )
    return output_format(type_).map(lambda fmt: {**kept, "format": fmt})


def with_output_type(
    request: MessageRequest, type_: object
) -> Result[MessageRequest, InvalidArgument]:
    """``request`` asking for a reply of ``type_``: its ``output_config.format`` set, nothing else changed."""
    return output_config(type_, base=request.output_config).map(
        lambda config: msgspec.structs.replace(
            request, output_config=msgspec.convert(config, OutputConfig)
        )
    )


def strict_tool(
    type_: object, *, name: str, description: str | None = None
) -> Result[Tool, SchemaUnsupported]:
    """A custom tool named ``name`` whose input is ``type_``, with ``strict: true`` so inputs match it."""
    return schema_for(type_, root_object=True).map(
        lambda schema: Tool(
            name=name,
            description=UNSET if description is None else description,
            input_schema=schema,
            strict=True,
        )
    )


def decode_text(text: str | bytes, type_: type[_T]) -> Result[_T, OutputMismatch]:
    """``text`` (JSON) decoded into ``type_``; a mismatch names the field path and the problem.

    >>> import msgspec
    >>> class Weather(msgspec.Struct):
    ...     city: str
    ...     celsius: float
    >>> decode_text('{"city": "Oslo", "celsius": 3}', Weather).unwrap()
    Weather(city='Oslo', celsius=3.0)
    >>> print(decode_text('{"city": "Oslo", "celsius": "3"}', Weather).failure())
    output mismatch at $.celsius: Expected `float`, got `str`
    """
    try:
        return Success(cast(_T, _decoder(type_).decode(text)))
    except msgspec.ValidationError as exc:
        match = _AT.match(str(exc))
        if match is None:
            return Failure(OutputMismatch(path="$", problem=str(exc)))
        return Failure(OutputMismatch(path=match["path"], problem=match["problem"]))
    except msgspec.DecodeError as exc:
        return Failure(OutputMismatch(path="$", problem=f"not JSON: {exc}"))
    except RecursionError:  # msgspec's own nesting limit, on hostile or runaway text
        return Failure(OutputMismatch(path="$", problem="the JSON is nested too deeply to decode"))
    except (TypeError, ValueError) as exc:  # msgspec cannot decode into this type at all
        return Failure(OutputMismatch(path="$", problem=f"cannot decode into {type_!r}: {exc}"))


def decode_output(message: Message, type_: type[_T]) -> Result[Parsed[_T], OutputError]:
    """The reply's value of ``type_``, or why there is none: refused, incomplete, or mismatched."""
    if message.stop_reason == "refusal":
        details = message.stop_details if isinstance(message.stop_details, dict) else {}
        told, category = details.get("explanation"), details.get("category")
        return Failure(
            OutputRefused(
                reply=message,
                explanation=message.text or (told if isinstance(told, str) else ""),
                category=category if isinstance(category, str) else None,
                request_id=message.request_id,
            )
        )
    if isinstance(message.stop_reason, str) and message.stop_reason in INCOMPLETE_STOP_REASONS:
        return Failure(
            OutputIncomplete(
                reply=message, stop_reason=message.stop_reason, request_id=message.request_id
            )
        )
    text = message.text
    if not text:
        return Failure(
            OutputMismatch(
                reply=message,
                request_id=message.request_id,
                path="$",
                problem=f"the reply has no text to decode (stop_reason {message.stop_reason!r})",
            )
        )
    result: Result[_T, OutputError] = decode_text(text, type_).alt(
        lambda e: OutputMismatch(
            reply=message, request_id=message.request_id, path=e.path, problem=e.problem
        )
    )
    return result.map(lambda value: Parsed(message=message, value=value))


def _decoder(type_: object) -> msgspec.json.Decoder[Any]:
    try:
        found = _decoders.get(type_)
    except TypeError:  # an unhashable annotation
        return msgspec.json.Decoder(type_)
    if found is None:
        found = msgspec.json.Decoder(type_)
        if len(_decoders) >= _MAX_DECODERS:
            with contextlib.suppress(KeyError, RuntimeError, StopIteration):
                _decoders.pop(next(iter(_decoders)))
        _decoders[type_] = found
    return found
