"""Generated user types for the structured-output tests: one spec, rendered four ways.

A ``Spec`` is a small tree (string, integer, number, boolean, a literal, an enum, a list, an
optional, a record of named fields). ``python_type`` renders it as msgspec Structs, dataclasses
or TypedDicts (the record's ``flavor``); ``pydantic_type`` renders the same tree as Pydantic
models, for comparing with the SDK. ``values`` draws instances of the rendered type.
``conforms`` checks a JSON value against a schema of the subset, so a test can say that the
schema describes exactly what the type encodes to.
"""

from __future__ import annotations

import dataclasses
import enum
import itertools
from typing import Any, Literal, TypedDict, cast

import msgspec
import pydantic
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

_names = itertools.count()


def fresh(prefix: str) -> str:
    """A class name no other generated class has, so ``$defs`` names never collide."""
    return f"{prefix}{next(_names)}"


class Spec(msgspec.Struct, frozen=True):
    """One node of a generated type: ``kind`` and, for containers, what they hold."""

    kind: str
    values: tuple[Any, ...] = ()
    inner: tuple[Spec, ...] = ()
    fields: tuple[tuple[str, Spec, bool], ...] = ()
    flavor: str = "struct"
    name: str = ""


_leaf = st.sampled_from([Spec("str"), Spec("int"), Spec("float"), Spec("bool")])
_literal = st.lists(st.text(min_size=1, max_size=5), min_size=1, max_size=4, unique=True).map(
    lambda vs: Spec("literal", values=tuple(vs))
)
_enum = (
    st.lists(st.text(min_size=1, max_size=5), min_size=1, max_size=4, unique=True)
    | st.lists(st.integers(-5, 5), min_size=1, max_size=4, unique=True)
).map(lambda vs: Spec("enum", values=tuple(vs), name=fresh("Choice")))
_field_name = st.from_regex(r"f_[a-z0-9]{1,6}", fullmatch=True)


def _record(children: SearchStrategy[Spec], flavors: tuple[str, ...]) -> SearchStrategy[Spec]:
    @st.composite
    def build(draw: st.DrawFn) -> Spec:
        flavor = draw(st.sampled_from(flavors))
        names = draw(st.lists(_field_name, max_size=5, unique=True))
        fields = []
        for fname in names:
            child = draw(children)
            # Optional fields of Structs and dataclasses sometimes default to None.
            default = child.kind == "optional" and flavor != "typeddict" and draw(st.booleans())
            fields.append((fname, child, default))
        return Spec("record", fields=tuple(fields), flavor=flavor, name=fresh("Rec"))

    return build()


def specs(flavors: tuple[str, ...] = ("struct", "dataclass", "typeddict")) -> SearchStrategy[Spec]:
    """Record specs whose fields nest leaves, literals, enums, lists, optionals and records."""

    def extend(children: SearchStrategy[Spec]) -> SearchStrategy[Spec]:
        return (
            children.map(lambda s: Spec("list", inner=(s,)))
            | children.filter(lambda s: s.kind != "optional").map(
                lambda s: Spec("optional", inner=(s,))
            )
            | _record(children, flavors)
        )

    fields = st.recursive(_leaf | _literal | _enum, extend, max_leaves=8)
    return _record(fields, flavors)


class _Render:
    """Renders specs to Python types, memoised so one spec is one class."""

    def __init__(self, *, pydantic_models: bool) -> None:
        self.pydantic_models = pydantic_models
        self.made: dict[str, Any] = {}
        self.enums: dict[str, type[enum.Enum]] = {}

    def enum_type(self, spec: Spec) -> type[enum.Enum]:
        if spec.name not in self.enums:
            members = [(f"M{i}", v) for i, v in enumerate(spec.values)]
            self.enums[spec.name] = cast(type[enum.Enum], enum.Enum(spec.name, members))
        return self.enums[spec.name]

    def type_of(self, spec: Spec) -> Any:
        match spec.kind:
            case "str":
                return str
            case "int":
                return int
            case "float":
                return float
            case "bool":
                return bool
            case "literal":
                return Literal.__getitem__(spec.values)
            case "enum":
                return self.enum_type(spec)
            case "list":
                return list[self.type_of(spec.inner[0])]  # type: ignore[misc]
            case "optional":
                return self.type_of(spec.inner[0]) | None
            case _:
                return self.record(spec)

    def record(self, spec: Spec) -> Any:
        if spec.name in self.made:
            return self.made[spec.name]
        hints = [(n, self.type_of(s), default) for n, s, default in spec.fields]
        made: Any
        if self.pydantic_models:
            made = pydantic.create_model(
                spec.name,
                **{n: (t, None if d else ...) for n, t, d in hints},  # type: ignore[call-overload]
            )
        elif spec.flavor == "struct":
            made = msgspec.defstruct(
                spec.name, [(n, t, None) if d else (n, t) for n, t, d in hints], kw_only=True
            )
        elif spec.flavor == "dataclass":
            made = dataclasses.make_dataclass(
                spec.name,
                [(n, t, dataclasses.field(default=None)) if d else (n, t) for n, t, d in hints],
                kw_only=True,
            )
        else:
            make_typeddict: Any = TypedDict  # the functional form, with a computed name
            made = make_typeddict(spec.name, {n: t for n, t, _ in hints})
        self.made[spec.name] = made
        return made


def python_type(spec: Spec) -> Any:
    """The msgspec-describable type of ``spec`` (Structs, dataclasses or TypedDicts)."""
    return _Render(pydantic_models=False).type_of(spec)


def pydantic_type(spec: Spec) -> Any:
    """The Pydantic model of ``spec``, field for field the same as ``python_type``'s."""
    return _Render(pydantic_models=True).type_of(spec)


def values(spec: Spec, type_: Any) -> SearchStrategy[Any]:
    """Instances of ``type_`` (rendered from ``spec``), drawn field by field."""
    return _values(spec, _Lookup(type_))


class _Lookup:
    """Finds the rendered class of each named record and enum below a rendered root type."""

    def __init__(self, root: Any) -> None:
        self.by_name: dict[str, Any] = {}
        self._walk(root)

    def _walk(self, type_: Any) -> None:
        name = getattr(type_, "__name__", None)
        if isinstance(type_, type) and name and name not in self.by_name:
            self.by_name[name] = type_
            hints = getattr(type_, "__annotations__", {})
            for hint in hints.values():
                self._walk(hint)
        for arg in getattr(type_, "__args__", ()) or ():
            self._walk(arg)


def _values(spec: Spec, lookup: _Lookup) -> SearchStrategy[Any]:
    match spec.kind:
        case "str":
            return st.text(max_size=8)
        case "int":
            return st.integers(-(2**63), 2**63 - 1)
        case "float":
            return st.floats(allow_nan=False, allow_infinity=False)
        case "bool":
            return st.booleans()
        case "literal":
            return st.sampled_from(spec.values)
        case "enum":
            return st.sampled_from(list(lookup.by_name[spec.name]))
        case "list":
            return st.lists(_values(spec.inner[0], lookup), max_size=3)
        case "optional":
            return st.none() | _values(spec.inner[0], lookup)
        case _:
            cls = lookup.by_name[spec.name]
            parts = {n: _values(s, lookup) for n, s, _ in spec.fields}
            return st.fixed_dictionaries(parts).map(lambda kw: cls(**kw))


def conforms(value: object, schema: dict[str, Any], root: dict[str, Any] | None = None) -> bool:
    """Whether the JSON ``value`` matches ``schema`` (of the structured-output subset)."""
    root = schema if root is None else root
    if "$ref" in schema:
        return conforms(value, root["$defs"][schema["$ref"].split("/")[-1]], root)
    if "enum" in schema and value not in schema["enum"]:
        return False
    if "const" in schema and value != schema["const"]:
        return False
    if "anyOf" in schema and not any(conforms(value, s, root) for s in schema["anyOf"]):
        return False
    if "allOf" in schema and not all(conforms(value, s, root) for s in schema["allOf"]):
        return False
    match schema.get("type"):
        case None:
            return True
        case "object":
            return (
                isinstance(value, dict)
                and set(schema.get("required", ())) <= set(value)
                and set(value) <= set(schema["properties"])
                and all(conforms(v, schema["properties"][k], root) for k, v in value.items())
            )
        case "array":
            return isinstance(value, list) and all(
                conforms(v, schema["items"], root) for v in value
            )
        case "string":
            return isinstance(value, str)
        case "integer":
            return isinstance(value, int) and not isinstance(value, bool)
        case "number":
            return isinstance(value, int | float) and not isinstance(value, bool)
        case "boolean":
            return isinstance(value, bool)
        case _:
            return value is None
