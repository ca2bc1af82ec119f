"""Properties of claude.pure.schema: generated types land in the API's subset, the SDK's too."""

from __future__ import annotations

import dataclasses
import doctest
import enum
import uuid
from typing import Annotated, Any, Literal, TypedDict

import msgspec
import pydantic
import pytest
from anthropic.lib._parse._transform import transform_schema as sdk_transform_schema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from returns.pipeline import is_successful

from claude.pure import schema as schema_module
from claude.pure.errors import ClaudeError, InvalidArgument
from claude.pure.schema import SchemaUnsupported, check_schema, schema_for, transform_schema
from tests.property import schema_strategies as gen


def schema_of(type_: object) -> Any:
    """The schema of ``type_``, typed loosely so the tests can index into it."""
    return schema_for(type_).unwrap()


many = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_doctests() -> None:
    """The module's examples run as written."""
    assert doctest.testmod(schema_module).failed == 0


@many
@given(gen.specs())
def test_generated_types_give_schemas_the_checker_accepts(spec: gen.Spec) -> None:
    """For generated Structs, dataclasses and TypedDicts the schema is built and lies in the subset."""
    schema = schema_of(gen.python_type(spec))
    assert check_schema(schema).unwrap() == schema
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False


@many
@given(
    gen.specs()
    .flatmap(lambda s: st.tuples(st.just(s), st.just(gen.python_type(s))))
    .flatmap(lambda pair: st.tuples(st.just(pair[1]), gen.values(pair[0], pair[1])))
)
def test_encoded_values_conform_to_their_schema(pair: tuple[Any, Any]) -> None:
    """The JSON a value of the type encodes to matches the type's schema: the schema says the truth."""
    type_, value = pair
    schema = schema_of(type_)
    assert gen.conforms(msgspec.to_builtins(value), schema)


@many
@given(gen.specs(("struct",)))
def test_sdk_schema_of_the_equivalent_pydantic_model_passes_the_same_checker(
    spec: gen.Spec,
) -> None:
    """Ours and the SDK's schema (from the same fields as a Pydantic model) both pass the checker,
    and agree on the root's properties and required fields."""
    ours = schema_of(gen.python_type(spec))
    model = gen.pydantic_type(spec)
    theirs = sdk_transform_schema(model.model_json_schema())
    assert is_successful(check_schema(ours))
    assert check_schema(theirs).unwrap() == theirs
    assert set(ours["properties"]) == set(theirs["properties"])
    assert set(ours.get("required", [])) == set(theirs.get("required", []))


def test_schema_is_cached_per_type_and_each_caller_gets_a_copy() -> None:
    """A type's schema is built once; mutating the returned dict does not change the next answer."""

    class Cached(msgspec.Struct):
        city: str

    first = schema_of(Cached)
    first["properties"].clear()
    assert schema_for(Cached).unwrap()["properties"] == {"city": {"type": "string"}}
    assert (Cached, False) in schema_module._cache


def test_cache_stays_bounded() -> None:
    """Types made on the fly do not grow the memo table past its bound."""
    for i in range(schema_module._MAX_CACHED + 10):
        schema_for(msgspec.defstruct(f"Made{i}", [("x", int)]))
    assert len(schema_module._cache) <= schema_module._MAX_CACHED


class Color(enum.Enum):
    """An enum field."""

    RED = "red"
    BLUE = "blue"


class Inner(msgspec.Struct):
    """A nested record."""

    v: Annotated[int, msgspec.Meta(ge=0, description="a count")]


class Cat(msgspec.Struct, tag=True):
    """A tagged union member."""

    name: str


class Dog(msgspec.Struct, tag=True):
    """Another tagged union member."""

    loud: bool


class Everything(msgspec.Struct):
    """A record using every supported construct."""

    city: str
    unit: Literal["c", "f"] = "c"
    color: Color = Color.RED
    inner: Inner | None = None
    many: list[Inner] = []
    id: uuid.UUID | None = None
    pet: Cat | Dog | None = None
    tags: set[str] = set()
    code: Annotated[str, msgspec.Meta(pattern="^[A-Z]+$", min_length=2)] = "AB"


def test_supported_constructs_are_rewritten_into_the_subset() -> None:
    """Defaults and constraints move into descriptions, unions flatten, known formats stay, objects are strict."""
    schema = schema_of(Everything)
    props = schema["properties"]
    assert props["unit"] == {"enum": ["c", "f"], "description": '(default: "c")'}
    assert props["color"] == {"$ref": "#/$defs/Color"}
    assert props["pet"]["anyOf"] == [
        {"$ref": "#/$defs/Cat"},
        {"$ref": "#/$defs/Dog"},
        {"type": "null"},
    ]
    assert props["id"]["anyOf"][0] == {"type": "string", "format": "uuid"}
    assert props["tags"]["description"] == "(uniqueItems: true, default: [])"
    assert props["code"]["description"] == '(minLength: 2, pattern: "^[A-Z]+$", default: "AB")'
    assert schema["$defs"]["Inner"]["properties"]["v"]["description"] == "a count\n\n(minimum: 0)"
    assert schema["required"] == ["city"]
    assert set(schema["$defs"]) == {"Color", "Inner", "Cat", "Dog"}
    assert all(d.get("additionalProperties", False) is False for d in schema["$defs"].values())


@dataclasses.dataclass
class Point:
    """A dataclass record."""

    x: float
    y: float = 0.0


class Movie(TypedDict):
    """A TypedDict record."""

    title: str
    year: int


@pytest.mark.parametrize("type_", [Point, Movie, list[Point], int, Literal["a", "b"], Color])
def test_dataclasses_typeddicts_and_non_objects_are_described(type_: object) -> None:
    """Dataclasses, TypedDicts, lists, scalars, literals and enums all give checked schemas."""
    assert is_successful(schema_for(type_).bind(check_schema))


class Tree(msgspec.Struct):
    """A recursive type."""

    children: list[Tree]


class Pair(msgspec.Struct):
    """A tuple field."""

    both: tuple[int, int]


class Mapping(msgspec.Struct):
    """A dict field."""

    counts: dict[str, int]


class Loose(msgspec.Struct):
    """A free-form field."""

    data: Any


class Blob(msgspec.Struct):
    """A free-form object field."""

    data: dict  # type: ignore[type-arg]


class Custom:
    """A class msgspec cannot describe."""


@pytest.mark.parametrize(
    ("type_", "path", "words"),
    [
        (Tree, "#/$defs/Tree", "recursive"),
        (Pair, "#/properties/both", "tuple"),
        (Mapping, "#/properties/counts", "dict[str, ...]"),
        (Loose, "#/properties/data", "any value"),
        (Blob, "#/properties/data", "free-form object"),
        (Custom, "#", "msgspec cannot describe Custom"),
    ],
)
def test_unsupported_constructs_fail_naming_the_construct_and_path(
    type_: object, path: str, words: str
) -> None:
    """A construct outside the subset is a SchemaUnsupported naming it and its JSON path."""
    error = schema_for(type_).failure()
    assert isinstance(error, SchemaUnsupported)
    assert isinstance(error, InvalidArgument)
    assert isinstance(error, ClaudeError)
    assert error.path == path
    assert words in error.problem
    assert path in str(error)


def test_tool_input_schemas_must_be_objects() -> None:
    """``root_object=True`` refuses a non-object root, as a tool's input must be an object."""
    assert "must be an object" in schema_for(list[int], root_object=True).failure().problem
    assert schema_for(Point, root_object=True).unwrap().get("type") == "object"


BAD_SCHEMAS: list[tuple[object, str, str]] = [
    ([], "#", "JSON object"),
    ({}, "#", "needs 'type'"),
    ({"type": "tuple"}, "#/type", "not one of"),
    ({"type": "object", "properties": {}}, "#", "additionalProperties"),
    ({"type": "object", "additionalProperties": False}, "#", "needs 'properties'"),
    (
        {"type": "object", "properties": {}, "additionalProperties": False, "required": ["x"]},
        "#/required",
        "declared properties",
    ),
    ({"type": "array"}, "#", "needs 'items'"),
    ({"type": "array", "items": {"type": "string"}, "minItems": 2}, "#/minItems", "0 or 1"),
    ({"type": "string", "format": "decimal"}, "#/format", "not one of"),
    ({"type": "integer", "minimum": 0}, "#/minimum", "not allowed"),
    ({"enum": []}, "#/enum", "non-empty"),
    ({"enum": [{"a": 1}]}, "#/enum", "non-empty list of strings"),
    ({"const": [1]}, "#/const", "string, number"),
    ({"anyOf": []}, "#/anyOf", "non-empty"),
    ({"$ref": "#/$defs/Nope"}, "#/$ref", "does not name"),
    ({"$ref": "http://x/y", "$defs": {}}, "#/$ref", "does not name"),
    ({"$ref": "#/$defs/A", "description": "d", "$defs": {"A": {"type": "null"}}}, "#", "alone"),
    (
        {"type": "array", "items": {"type": "null", "$defs": {}}},
        "#/items/$defs",
        "only at the root",
    ),
    (
        {
            "$ref": "#/$defs/A",
            "$defs": {"A": {"anyOf": [{"$ref": "#/$defs/B"}]}, "B": {"$ref": "#/$defs/A"}},
        },
        "#/$defs/A",
        "recursive",
    ),
    ({"type": "string", "title": 3}, "#/title", "must be a string"),
]


@pytest.mark.parametrize(("schema", "path", "words"), BAD_SCHEMAS)
def test_checker_rejects_what_the_subset_excludes(schema: object, path: str, words: str) -> None:
    """Each rule of the subset is enforced, and the failure names the JSON path."""
    error = check_schema(schema).failure()
    assert error.path == path
    assert words in error.problem


def test_checker_refuses_very_deep_nesting_instead_of_crashing() -> None:
    """A schema nested deeper than the limit is a failure, not a RecursionError."""
    deep: dict[str, object] = {"type": "null"}
    for _ in range(200):
        deep = {"anyOf": [deep]}
    assert "nested" in check_schema(deep).failure().problem
    assert "nested" in transform_schema(deep).failure().problem


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=4),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=12,
)


@many
@given(json_values)
def test_checker_and_transform_are_total(value: object) -> None:
    """Any JSON value given as a schema gives a Success or a SchemaUnsupported, never an exception."""
    checked = check_schema(value)
    assert is_successful(checked) or isinstance(checked.failure(), SchemaUnsupported)
    if isinstance(value, dict):
        made = transform_schema(value)
        assert is_successful(made) or isinstance(made.failure(), SchemaUnsupported)
        if is_successful(made):
            assert is_successful(check_schema(made.unwrap()))


def test_pydantic_enum_and_optional_shapes_pass_the_checker() -> None:
    """The SDK's output for a model with an enum, a literal, an optional and a nested model is accepted."""

    class Sub(pydantic.BaseModel):
        n: int

    class Model(pydantic.BaseModel):
        color: Color
        unit: Literal["c"]
        sub: Sub | None = None
        subs: list[Sub]

    assert is_successful(check_schema(sdk_transform_schema(Model)))
