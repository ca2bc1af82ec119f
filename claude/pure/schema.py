"""JSON schemas in the subset the API's structured outputs accept: built from a type, and checked.

Theory of operation
-------------------
Structured outputs (``output_config.format``) and strict tools (``tools[].strict``) take a JSON
schema, but only a subset of JSON Schema. ``schema_for(type_)`` asks msgspec for the schema of
the caller's type (a Struct, dataclass, TypedDict, or anything msgspec describes) and rewrites
it into that subset:

* the root ``$ref`` msgspec emits is inlined, so the root is the type's own schema;
* every object is strict: ``additionalProperties: false``;
* ``oneOf`` becomes ``anyOf``, nested bare ``anyOf`` lists are flattened, a tagged union's
  ``discriminator`` is dropped (each member's tag property already pins it);
* advisory keywords the API does not enforce (``default``, ``minimum``, ``pattern``,
  ``maxItems``, a string ``format`` outside the supported set, ...) move into the
  ``description`` as text, so the model still sees them; the decoder still enforces them;
* a construct the subset cannot express (a ``dict[str, X]`` map, a free-form object, a tuple,
  "any value", a recursive type) is a ``SchemaUnsupported`` failure naming the construct and
  its JSON path (``#/properties/tags``), never a silently weaker schema.

``check_schema`` is the subset itself, as a checker: the transform's output always passes it
(the transform ends by calling it), the tests run it over generated types and over the SDK's
output for the equivalent Pydantic models, and the local server can use it to reject what the
API would reject. Rules:

* a schema is an object with ``type`` (one of ``object``, ``array``, ``string``, ``integer``,
  ``number``, ``boolean``, ``null``), ``anyOf``, ``allOf``, ``$ref``, ``enum`` or ``const``;
* ``enum`` is a non-empty list of strings, numbers, booleans or ``null``; ``const`` is one;
* an object has ``properties``, ``additionalProperties: false``, and ``required`` (if given)
  names declared properties once each;
* an array has ``items``, and ``minItems`` (if given) is 0 or 1;
* a string ``format`` is one of ``OUTPUT_STRING_FORMATS``;
* ``$ref`` stands alone and points at ``#/$defs/<name>``; ``$defs`` only at the root; no
  definition refers back to itself, directly or not;
* ``description`` and ``title`` are strings; nothing else is allowed.

The schema of each type is built once and kept in a bounded memo table (a deterministic function
of the type, not state): a type seen again costs a dictionary lookup and a copy.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import Any, ClassVar, Final, cast

import msgspec
from returns.result import Failure, Result, Success

from claude.pure.errors import InvalidArgument
from claude.pure.wire import JsonObject

__all__ = [
    "OUTPUT_STRING_FORMATS",
    "SCHEMA_TYPES",
    "SchemaUnsupported",
    "check_schema",
    "schema_for",
    "transform_schema",
]

SCHEMA_TYPES: Final = ("object", "array", "string", "integer", "number", "boolean", "null")
"""The JSON types a structured-output schema may name."""

OUTPUT_STRING_FORMATS: Final = frozenset(
    {"date-time", "time", "date", "duration", "email", "hostname", "uri", "ipv4", "ipv6", "uuid"}
)
"""String ``format`` values structured outputs enforce; others become description text."""

_ADVISORY: Final = frozenset(
    {
        "default",
        "examples",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "minLength",
        "maxLength",
        "pattern",
        "maxItems",
        "uniqueItems",
        "minProperties",
        "maxProperties",
        "contentEncoding",
        "contentMediaType",
        "$comment",
        "readOnly",
        "writeOnly",
        "deprecated",
    }
)
"""Keywords the API does not enforce: kept for the model as description text."""

_STRUCTURAL: Final = {
    "prefixItems": "a fixed-length tuple is not supported; use a Struct or a list",
    "patternProperties": "pattern-keyed properties are not supported; use a Struct",
    "propertyNames": "constrained property names are not supported; use a Struct",
    "not": "'not' is not supported",
    "if": "'if'/'then'/'else' is not supported",
    "then": "'if'/'then'/'else' is not supported",
    "else": "'if'/'then'/'else' is not supported",
    "dependentSchemas": "'dependentSchemas' is not supported",
    "dependentRequired": "'dependentRequired' is not supported",
    "contains": "'contains' is not supported",
    "unevaluatedProperties": "'unevaluatedProperties' is not supported",
    "unevaluatedItems": "'unevaluatedItems' is not supported",
}
"""Keywords whose meaning the subset cannot express: each one is a failure."""

_COMMON: Final = frozenset({"description", "title"})
_KEYWORDS: Final = {
    None: frozenset({"anyOf", "allOf", "enum", "const"}) | _COMMON,
    "object": frozenset({"type", "properties", "required", "additionalProperties"}) | _COMMON,
    "array": frozenset({"type", "items", "minItems"}) | _COMMON,
    "string": frozenset({"type", "format", "enum", "const"}) | _COMMON,
    "integer": frozenset({"type", "enum", "const"}) | _COMMON,
    "number": frozenset({"type", "enum", "const"}) | _COMMON,
    "boolean": frozenset({"type", "enum", "const"}) | _COMMON,
    "null": frozenset({"type", "enum", "const"}) | _COMMON,
}
"""Keywords allowed next to each ``type`` (``None``: no ``type``), in the checked subset."""

_REF = re.compile(r"#/\$defs/([^/]+)")
_MAX_DEPTH: Final = 64
_MAX_CACHED: Final = 512
_cache: dict[object, Result[JsonObject, SchemaUnsupported]] = {}


class SchemaUnsupported(InvalidArgument, frozen=True, kw_only=True):
    """A type or schema holds a construct structured outputs cannot take; ``path`` is its JSON path."""

    kind: ClassVar[str] = "unsupported schema"

    def line(self) -> str:
        return f"{self.kind} at {self.path or '#'}: {self.problem}"


class _Unsupported(Exception):
    def __init__(self, path: str, problem: str) -> None:
        super().__init__(path, problem)
        self.path = path
        self.problem = problem


def schema_for(
    type_: object, *, root_object: bool = False
) -> Result[JsonObject, SchemaUnsupported]:
    """The structured-output schema of ``type_`` (a fresh copy), or what keeps it out of the subset.

    ``root_object=True`` also requires the root to be an object, as a tool's ``input_schema`` is.

    >>> import msgspec
    >>> class Weather(msgspec.Struct):
    ...     city: str
    ...     celsius: float
    >>> schema_for(Weather).unwrap()["additionalProperties"]
    False
    >>> print(schema_for(dict[str, int]).failure())
    unsupported schema at #: a map with free keys (dict[str, ...]) is not supported; use a Struct with named fields
    """
    key = (type_, root_object)
    try:
        found = _cache.get(key)
    except TypeError:  # an unhashable annotation: build it every time
        return _build(type_, root_object)
    if found is None:
        found = _build(type_, root_object)
        if len(_cache) >= _MAX_CACHED:
            # Types made on the fly (defstruct in a loop) must not grow memory without bound.
            with contextlib.suppress(KeyError, RuntimeError, StopIteration):
                _cache.pop(next(iter(_cache)))
        _cache[key] = found
    return found.map(_copy)


def _copy(schema: JsonObject) -> JsonObject:
    # Cached values are shared; callers get their own copy to extend or send.
    return cast(JsonObject, msgspec.json.decode(msgspec.json.encode(schema)))


def _build(type_: object, root_object: bool) -> Result[JsonObject, SchemaUnsupported]:
    try:
        raw = msgspec.json.schema(type_)
    except (TypeError, ValueError) as exc:
        return Failure(
            SchemaUnsupported(
                path="#",
                problem=f"msgspec cannot describe {_type_name(type_)} as JSON ({exc}); "
                "use a Struct, dataclass, TypedDict or a builtin type",
            )
        )
    return transform_schema(raw).bind(lambda schema: _check_root(schema, root_object))


def _check_root(schema: JsonObject, root_object: bool) -> Result[JsonObject, SchemaUnsupported]:
    if root_object and schema.get("type") != "object":
        return Failure(
            SchemaUnsupported(
                path="#",
                problem="a tool's input must be an object; use a Struct, dataclass or TypedDict",
            )
        )
    return Success(schema)


def _type_name(type_: object) -> str:
    name = getattr(type_, "__qualname__", None)
    return name if isinstance(name, str) else repr(type_)


def transform_schema(schema: JsonObject) -> Result[JsonObject, SchemaUnsupported]:
    """Rewrite a JSON schema as msgspec emits it into the structured-output subset (see the module)."""
    defs_in = schema.get("$defs", {})
    if not isinstance(defs_in, dict):
        return Failure(SchemaUnsupported(path="#/$defs", problem="must be an object of schemas"))
    root = {k: v for k, v in schema.items() if k != "$defs"}
    inlined: str | None = None
    ref = root.get("$ref")
    if set(root) == {"$ref"} and isinstance(ref, str):
        match = _REF.fullmatch(ref)
        if match is not None and isinstance(defs_in.get(match.group(1)), dict):
            inlined = match.group(1)
            root = dict(defs_in[inlined])
    try:
        out = _node(root, "#", 0)
        defs: JsonObject = {}
        for name, sub in defs_in.items():
            if name == inlined:
                continue
            defs[name] = _node(sub, f"#/$defs/{name}", 0)
    except _Unsupported as exc:
        return Failure(SchemaUnsupported(path=exc.path, problem=exc.problem))
    if inlined is not None:
        # References to the inlined root (a recursive root type) still need their target.
        target = f"#/$defs/{inlined}"
        if any(r == target for r in _refs(out)) or any(
            r == target for d in defs.values() for r in _refs(d)
        ):
            defs[inlined] = out
    out = _used_defs(out, defs)
    return check_schema(out)


def _used_defs(root: JsonObject, defs: JsonObject) -> JsonObject:
    used: list[str] = []
    pending = list(_refs(root))
    while pending:
        match = _REF.fullmatch(pending.pop())
        if match is None or match.group(1) in used or match.group(1) not in defs:
            continue
        used.append(match.group(1))
        pending.extend(_refs(defs[match.group(1)]))
    if used:
        return {**root, "$defs": {name: defs[name] for name in defs if name in used}}
    return root


def _refs(node: object) -> Iterator[str]:
    # Walks schema positions only: a property may be named "$ref" or "enum".
    if not isinstance(node, dict):
        return
    ref = node.get("$ref")
    if isinstance(ref, str):
        yield ref
    for key in ("anyOf", "allOf", "oneOf"):
        variants = node.get(key)
        if isinstance(variants, list):
            for variant in variants:
                yield from _refs(variant)
    for key in ("properties", "$defs"):
        children = node.get(key)
        if isinstance(children, dict):
            for child in children.values():
                yield from _refs(child)
    yield from _refs(node.get("items"))


def _node(schema: object, path: str, depth: int) -> JsonObject:
    if depth > _MAX_DEPTH:
        raise _Unsupported(path, f"nested more than {_MAX_DEPTH} levels deep")
    if not isinstance(schema, dict):
        if schema is True or schema == {}:
            raise _Unsupported(path, "'any value' is not supported; give the field a concrete type")
        raise _Unsupported(path, "must be a schema object")
    rest = dict(schema)
    for key in rest:
        if key in _STRUCTURAL:
            raise _Unsupported(path, _STRUCTURAL[key])
    out: JsonObject = {}
    notes: list[tuple[str, object]] = []

    ref = rest.pop("$ref", None)
    if ref is not None:
        if not isinstance(ref, str) or _REF.fullmatch(ref) is None:
            raise _Unsupported(path, f"$ref {ref!r} is not a local '#/$defs/<name>' reference")
        # A $ref stands alone in the subset; siblings (a default, a description) are dropped.
        return {"$ref": ref}

    type_ = rest.pop("type", None)
    if type_ is not None and (not isinstance(type_, str) or type_ not in SCHEMA_TYPES):
        raise _Unsupported(path, f"type {type_!r} is not supported; use one JSON type per schema")
    for variants_key in ("anyOf", "oneOf", "allOf"):
        variants = rest.pop(variants_key, None)
        if variants is None:
            continue
        if not isinstance(variants, list) or not variants:
            raise _Unsupported(f"{path}/{variants_key}", "must be a non-empty list of schemas")
        key = "allOf" if variants_key == "allOf" else "anyOf"
        flat: list[object] = []
        for i, variant in enumerate(variants):
            sub = _node(variant, f"{path}/{variants_key}/{i}", depth + 1)
            if key == "anyOf" and set(sub) == {"anyOf"}:
                flat.extend(cast(list[object], sub["anyOf"]))
            else:
                flat.append(sub)
        if key in out:
            raise _Unsupported(path, "both 'anyOf' and 'oneOf' given; merge them into one 'anyOf'")
        out[key] = flat
    rest.pop("discriminator", None)

    if "enum" in rest:
        enum = rest.pop("enum")
        if not isinstance(enum, list) or not enum or not all(_primitive(v) for v in enum):
            raise _Unsupported(
                f"{path}/enum", "must be a non-empty list of strings, numbers, booleans or null"
            )
        out["enum"] = list(enum)
    if "const" in rest:
        const = rest.pop("const")
        if not _primitive(const):
            raise _Unsupported(f"{path}/const", "must be a string, number, boolean or null")
        out["const"] = const

    for key in ("description", "title"):
        value = rest.pop(key, None)
        if isinstance(value, str):
            out[key] = value
        elif value is not None:
            raise _Unsupported(f"{path}/{key}", "must be a string")

    if type_ is not None:
        out["type"] = type_
    if type_ == "object":
        _object(rest, out, path, depth)
    elif type_ == "array":
        _array(rest, out, notes, path, depth)
    elif type_ == "string":
        fmt = rest.pop("format", None)
        if isinstance(fmt, str) and fmt in OUTPUT_STRING_FORMATS:
            out["format"] = fmt
        elif fmt is not None:
            notes.append(("format", fmt))
    if not {"type", "anyOf", "allOf", "enum", "const"} & set(out):
        raise _Unsupported(path, "'any value' is not supported; give the field a concrete type")

    for key, value in rest.items():
        if key in _ADVISORY or key == "format":
            notes.append((key, value))
        else:
            raise _Unsupported(
                f"{path}/{key}", f"keyword {key!r} is not supported by structured outputs"
            )
    if notes:
        text = ", ".join(f"{key}: {msgspec.json.encode(value).decode()}" for key, value in notes)
        prior = out.get("description")
        out["description"] = f"{prior}\n\n({text})" if isinstance(prior, str) else f"({text})"
    return out


def _object(rest: dict[str, Any], out: JsonObject, path: str, depth: int) -> None:
    extra = rest.pop("additionalProperties", None)
    properties = rest.pop("properties", None)
    if extra not in (None, False):
        raise _Unsupported(
            path,
            "a map with free keys (dict[str, ...]) is not supported; use a Struct with named fields",
        )
    if properties is None:
        raise _Unsupported(
            path,
            "a free-form object (dict, object) is not supported; use a Struct with named fields",
        )
    if not isinstance(properties, dict):
        raise _Unsupported(f"{path}/properties", "must be an object of schemas")
    out["properties"] = {
        name: _node(sub, f"{path}/properties/{name}", depth + 1) for name, sub in properties.items()
    }
    required = rest.pop("required", None)
    if required is not None:
        out["required"] = required
    out["additionalProperties"] = False


def _array(
    rest: dict[str, Any], out: JsonObject, notes: list[tuple[str, object]], path: str, depth: int
) -> None:
    items = rest.pop("items", None)
    if items is None or items is False:
        raise _Unsupported(path, "an array needs an item type; use list[T]")
    out["items"] = _node(items, f"{path}/items", depth + 1)
    min_items = rest.pop("minItems", None)
    if min_items in (0, 1) and type(min_items) is int:
        out["minItems"] = min_items
    elif min_items is not None:
        notes.append(("minItems", min_items))


def _primitive(value: object) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


# --- the checker ---------------------------------------------------------------------------


def check_schema(schema: object) -> Result[JsonObject, SchemaUnsupported]:
    """``schema`` unchanged if it lies in the structured-output subset, else the first violation.

    >>> check_schema({"type": "object", "properties": {}, "additionalProperties": False}).unwrap()
    {'type': 'object', 'properties': {}, 'additionalProperties': False}
    >>> print(check_schema({"type": "object", "properties": {}}).failure())
    unsupported schema at #: an object needs 'additionalProperties': false
    """
    if not isinstance(schema, dict):
        return Failure(SchemaUnsupported(path="#", problem="a schema must be a JSON object"))
    try:
        defs = schema.get("$defs", {})
        if not isinstance(defs, dict):
            raise _Unsupported("#/$defs", "must be an object of schemas")
        names = frozenset(defs)
        _check(schema, "#", 0, names, root=True)
        for name, sub in defs.items():
            _check(sub, f"#/$defs/{name}", 0, names, root=False)
        _acyclic(schema, defs)
    except _Unsupported as exc:
        return Failure(SchemaUnsupported(path=exc.path, problem=exc.problem))
    return Success(cast(JsonObject, schema))


def _check(node: object, path: str, depth: int, names: frozenset[str], *, root: bool) -> None:
    if depth > _MAX_DEPTH:
        raise _Unsupported(path, f"nested more than {_MAX_DEPTH} levels deep")
    if not isinstance(node, dict):
        raise _Unsupported(path, "a schema must be a JSON object")
    keys = set(node) - ({"$defs"} if root else set())
    if "$defs" in keys:
        raise _Unsupported(f"{path}/$defs", "'$defs' is allowed only at the root")
    if "$ref" in node:
        ref = node["$ref"]
        match = _REF.fullmatch(ref) if isinstance(ref, str) else None
        if match is None or match.group(1) not in names:
            raise _Unsupported(
                f"{path}/$ref", f"{ref!r} does not name a definition under '#/$defs'"
            )
        if keys != {"$ref"}:
            raise _Unsupported(path, "'$ref' must stand alone")
        return
    type_ = node.get("type")
    if type_ is not None and (not isinstance(type_, str) or type_ not in SCHEMA_TYPES):
        raise _Unsupported(f"{path}/type", f"{type_!r} is not one of {', '.join(SCHEMA_TYPES)}")
    allowed = _KEYWORDS[type_] | {"anyOf", "allOf"}
    extra = sorted(keys - allowed)
    if extra:
        raise _Unsupported(f"{path}/{extra[0]}", f"keyword {extra[0]!r} is not allowed here")
    if not {"type", "anyOf", "allOf", "enum", "const"} & keys:
        raise _Unsupported(path, "needs 'type', 'anyOf', 'allOf', '$ref', 'enum' or 'const'")
    for key in ("description", "title"):
        if key in node and not isinstance(node[key], str):
            raise _Unsupported(f"{path}/{key}", "must be a string")
    if "enum" in node:
        enum = node["enum"]
        if not isinstance(enum, list) or not enum or not all(_primitive(v) for v in enum):
            raise _Unsupported(
                f"{path}/enum", "must be a non-empty list of strings, numbers, booleans or null"
            )
    if "const" in node and not _primitive(node["const"]):
        raise _Unsupported(f"{path}/const", "must be a string, number, boolean or null")
    for key in ("anyOf", "allOf"):
        if key in node:
            variants = node[key]
            if not isinstance(variants, list) or not variants:
                raise _Unsupported(f"{path}/{key}", "must be a non-empty list of schemas")
            for i, variant in enumerate(variants):
                _check(variant, f"{path}/{key}/{i}", depth + 1, names, root=False)
    if type_ == "object":
        if node.get("additionalProperties") is not False:
            raise _Unsupported(path, "an object needs 'additionalProperties': false")
        properties = node.get("properties")
        if not isinstance(properties, dict):
            raise _Unsupported(path, "an object needs 'properties'")
        for name, sub in properties.items():
            _check(sub, f"{path}/properties/{name}", depth + 1, names, root=False)
        required = node.get("required", [])
        if (
            not isinstance(required, list)
            or not all(isinstance(r, str) and r in properties for r in required)
            or len(set(required)) != len(required)
        ):
            raise _Unsupported(f"{path}/required", "must list declared properties, each once")
    elif type_ == "array":
        if "items" not in node:
            raise _Unsupported(path, "an array needs 'items'")
        _check(node["items"], f"{path}/items", depth + 1, names, root=False)
        if "minItems" in node and (
            type(node["minItems"]) is not int or node["minItems"] not in (0, 1)
        ):
            raise _Unsupported(f"{path}/minItems", "must be 0 or 1")
    elif type_ == "string" and "format" in node:
        fmt = node["format"]
        if not isinstance(fmt, str) or fmt not in OUTPUT_STRING_FORMATS:
            raise _Unsupported(
                f"{path}/format",
                f"{fmt!r} is not one of {', '.join(sorted(OUTPUT_STRING_FORMATS))}",
            )


def _acyclic(root: JsonObject, defs: dict[str, object]) -> None:
    edges = {name: _targets(sub) for name, sub in defs.items()}
    done: set[str] = set()

    def visit(name: str, trail: tuple[str, ...]) -> None:
        if name in trail:
            loop = " -> ".join((*trail[trail.index(name) :], name))
            raise _Unsupported(f"#/$defs/{name}", f"a recursive type is not supported ({loop})")
        if name in done:
            return
        for target in edges.get(name, ()):
            visit(target, (*trail, name))
        done.add(name)

    for name in (*_targets({k: v for k, v in root.items() if k != "$defs"}), *defs):
        visit(name, ())


def _targets(node: object) -> tuple[str, ...]:
    found: list[str] = []
    for ref in _refs(node):
        match = _REF.fullmatch(ref)
        if match is not None:
            found.append(match.group(1))
    return tuple(found)
