"""Scripted replies for tool loops and structured output, so both run offline.

Theory of operation: the route composes its usual reply (`replies.compose`), then `script`
rewrites it from what the request asks for, so thinking, usage, streaming and faults all keep
working as before. `check` runs first and answers the 400 the API gives for a schema outside the
structured-output subset (checked with `claude.pure.schema.check_schema`).

The rules, deterministic so tests can predict every turn:

- a tool call's input is generated from the tool's ``input_schema`` (`example`); a schema that
  declares no properties keeps the composed ``{"query": <last user text>}``;
- a last user text starting with "use all tools" calls every tool at once, in order (parallel
  tool use), each with its own ``toolu_`` id;
- a last user message holding ``tool_result`` blocks (``tool_choice`` absent or ``auto``) gets
  the next tool this conversation has not called yet, or, once every tool was called, the text
  ``"Tool results: <each result's text, or 'error: ...'>"`` and ``end_turn``;
- ``output_config.format`` of type ``json_schema``: a text answer becomes JSON text that fits
  the schema; a reply cut by ``max_tokens`` keeps only the first half of that JSON.

A request that asks for none of this gets the composed reply unchanged.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence

import msgspec
from returns.result import Failure

from claude.pure.schema import check_schema
from claude.testing.replies import Part, Reply, TextPart, ToolUsePart, last_user_text

__all__ = ["check", "example", "script"]

_MAX_DEPTH = 24
_JSON_PART = 9


def check(body: Mapping[str, object]) -> str | None:
    """The API's 400 message for a structured-output or strict tool schema outside the subset."""
    schema = _output_schema(body)
    if schema is not None:
        checked = check_schema(schema)
        if isinstance(checked, Failure):
            return f"output_config.format.schema: {checked.failure()}"
    for i, tool in enumerate(_tools(body)):
        if tool.get("strict") is True:
            checked = check_schema(tool.get("input_schema"))
            if isinstance(checked, Failure):
                return f"tools.{i}.custom.input_schema: {checked.failure()}"
    return None


def script(body: Mapping[str, object], reply: Reply, *, new_id: Callable[[], str]) -> Reply:
    """`reply` rewritten by the rules of the module docstring; `new_id` makes tool_use ids."""
    tools = _tools(body)
    parts: list[Part] = list(reply.parts)
    stop_reason = reply.stop_reason
    choice = body.get("tool_choice")
    kind = choice.get("type") if isinstance(choice, Mapping) else "auto"
    messages = body.get("messages")
    results = _last_results(messages)
    if tools and results is not None and kind in ("auto", None):
        called = _called_tools(messages)
        waiting = [t for t in tools if t.get("name") not in called]
        kept: list[Part] = [p for p in parts if not isinstance(p, TextPart | ToolUsePart)]
        if waiting:
            name = str(waiting[0].get("name"))
            call = _call(waiting[0], "", new_id())
            parts, stop_reason = (
                [*kept, TextPart(f"I'll use the {name} tool.", []), call],
                "tool_use",
            )
        else:
            text = "Tool results: " + "; ".join(results)
            parts, stop_reason = [*kept, TextPart(text, [])], "end_turn"
    elif tools and last_user_text(messages).lower().startswith("use all tools"):
        kept = [p for p in parts if not isinstance(p, ToolUsePart)]
        calls = [_call(t, last_user_text(messages), new_id()) for t in tools]
        parts, stop_reason = [*kept, *calls], "tool_use"
    else:
        parts = [_typed_input(p, tools) for p in parts]
    schema = _output_schema(body)
    if schema is not None and stop_reason in ("end_turn", "max_tokens", "stop_sequence"):
        raw = msgspec.json.encode(example(schema)).decode()
        if stop_reason == "max_tokens":
            raw = raw[: len(raw) // 2]
        kept = [p for p in parts if not isinstance(p, TextPart)]
        parts = [*kept, TextPart(raw, _pieces(raw))]
        stop_reason = "max_tokens" if stop_reason == "max_tokens" else "end_turn"
    parts = [_streamable(p) for p in parts]
    if stop_reason != reply.stop_reason:
        return dataclasses.replace(
            reply, parts=tuple(parts), stop_reason=stop_reason, stop_sequence=None
        )
    return dataclasses.replace(reply, parts=tuple(parts))


def example(schema: object, *, name: str = "value") -> object:
    """A value that fits `schema` (a JSON schema), the same for the same schema.

    Strings are the property's name (``{"city": "city"}``), numbers 1.5, integers 1 (or the
    minimum), booleans true, arrays one item (or ``minItems``); ``enum`` / ``const`` / a
    ``default`` give that value; ``anyOf`` its first branch that is not ``null``; ``$ref`` is
    followed into ``$defs``. Objects hold their required properties (all of them when the schema
    lists none as required).

    >>> example({"type": "object", "properties": {"city": {"type": "string"}}})
    {'city': 'city'}
    """
    defs = schema.get("$defs", {}) if isinstance(schema, Mapping) else {}
    return _value(schema, name, defs if isinstance(defs, Mapping) else {}, 0)


def _value(schema: object, name: str, defs: Mapping[str, object], depth: int) -> object:
    if not isinstance(schema, Mapping) or depth > _MAX_DEPTH:
        return None
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        return _value(defs.get(ref.removeprefix("#/$defs/")), name, defs, depth + 1)
    if "const" in schema:
        return schema["const"]
    enum = schema.get("enum")
    if isinstance(enum, list) and enum:
        return enum[0]
    if "default" in schema:
        return schema["default"]
    for key in ("anyOf", "oneOf", "allOf"):
        branches = schema.get(key)
        if isinstance(branches, list) and branches:
            chosen = next((b for b in branches if not _is_null(b)), branches[0])
            return _value(chosen, name, defs, depth + 1)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object" or (kind is None and "properties" in schema):
        return _object(schema, defs, depth)
    if kind == "array":
        least = schema.get("minItems")
        count = least if isinstance(least, int) and least > 1 else 1
        return [_value(schema.get("items", {}), name, defs, depth + 1) for _ in range(count)]
    return _scalar(schema, kind, name)


def _object(schema: Mapping[str, object], defs: Mapping[str, object], depth: int) -> object:
    properties = schema.get("properties")
    if not isinstance(properties, Mapping):
        return {}
    required = schema.get("required")
    wanted = set(required) if isinstance(required, list) else set(properties)
    return {
        str(key): _value(sub, str(key), defs, depth + 1)
        for key, sub in properties.items()
        if key in wanted
    }


def _scalar(schema: Mapping[str, object], kind: object, name: str) -> object:
    if kind == "integer":
        least = schema.get("minimum")
        return least if isinstance(least, int) else 1
    if kind == "number":
        least = schema.get("minimum")
        return least if isinstance(least, int | float) and least > 1.5 else 1.5
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    formats = {"date-time": "2026-01-01T00:00:00Z", "date": "2026-01-01", "time": "00:00:00Z"}
    found = formats.get(str(schema.get("format")))
    return found if found is not None else name


def _is_null(schema: object) -> bool:
    return isinstance(schema, Mapping) and schema.get("type") == "null"


def _tools(body: Mapping[str, object]) -> list[Mapping[str, object]]:
    tools = body.get("tools")
    if not isinstance(tools, list):
        return []
    return [t for t in tools if isinstance(t, Mapping) and isinstance(t.get("name"), str)]


def _output_schema(body: Mapping[str, object]) -> object | None:
    config = body.get("output_config")
    fmt = config.get("format") if isinstance(config, Mapping) else None
    if isinstance(fmt, Mapping) and fmt.get("type") == "json_schema":
        return fmt.get("schema")
    return None


def _last_results(messages: object) -> list[str] | None:
    """The texts of the tool results in the last user message, or None if it holds none."""
    if not isinstance(messages, list) or not messages:
        return None
    last = messages[-1]
    content = last.get("content") if isinstance(last, Mapping) else None
    if not isinstance(content, list):
        return None
    results = [b for b in content if isinstance(b, Mapping) and b.get("type") == "tool_result"]
    if not results:
        return None
    return [_result_text(b) for b in results]


def _result_text(block: Mapping[str, object]) -> str:
    content = block.get("content")
    if isinstance(content, list):
        text = "".join(
            str(b.get("text", ""))
            for b in content
            if isinstance(b, Mapping) and b.get("type") == "text"
        )
    else:
        text = content if isinstance(content, str) else ""
    return f"error: {text}" if block.get("is_error") is True else text


def _called_tools(messages: object) -> set[object]:
    if not isinstance(messages, list):
        return set()
    return {
        block.get("name")
        for message in messages
        if isinstance(message, Mapping) and message.get("role") == "assistant"
        for block in _blocks(message.get("content"))
        if block.get("type") == "tool_use"
    }


def _blocks(content: object) -> Sequence[Mapping[str, object]]:
    if not isinstance(content, list):
        return []
    return [b for b in content if isinstance(b, Mapping)]


def _call(tool: Mapping[str, object], user_text: str, tool_use_id: str) -> ToolUsePart:
    schema = tool.get("input_schema")
    made = example(schema) if _has_properties(schema) else {"query": user_text}
    tool_input = made if isinstance(made, dict) else {}
    return ToolUsePart(tool_use_id, str(tool.get("name")), tool_input, [])


def _typed_input(part: Part, tools: list[Mapping[str, object]]) -> Part:
    if not isinstance(part, ToolUsePart):
        return part
    tool = next((t for t in tools if t.get("name") == part.name), None)
    if tool is None or not _has_properties(tool.get("input_schema")):
        return part
    return _call(tool, "", part.id)


def _has_properties(schema: object) -> bool:
    if not isinstance(schema, Mapping):
        return False
    properties = schema.get("properties")
    return isinstance(properties, Mapping) and bool(properties)


def _streamable(part: Part) -> Part:
    """Rewritten parts get their stream pieces here (composed ones keep theirs)."""
    if isinstance(part, TextPart) and not part.deltas and part.text:
        return TextPart(part.text, _pieces(part.text))
    if isinstance(part, ToolUsePart) and not part.json_parts:
        raw = msgspec.json.encode(part.input).decode()
        return ToolUsePart(part.id, part.name, part.input, ["", *_pieces(raw)])
    return part


def _pieces(text: str) -> list[str]:
    return [text[i : i + _JSON_PART] for i in range(0, len(text), _JSON_PART)] or [""]
