"""Properties of claude.pure.tools: definitions from signatures, argument decoding, result blocks."""

from __future__ import annotations

import asyncio
import dataclasses
import doctest
import enum
from typing import Any, Literal

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from returns.pipeline import is_successful

from claude.pure import tools as tools_module
from claude.pure.errors import InvalidArgument
from claude.pure.schema import check_schema
from claude.pure.tools import (
    FunctionTool,
    ToolCall,
    ToolInputRejected,
    bind_call,
    error_block,
    result_block,
    tool,
    with_tools,
)
from claude.pure.wire import (
    ImageBlock,
    MessageParam,
    MessageRequest,
    TextBlock,
    Tool,
    ToolResultBlock,
    ToolUseBlock,
    UrlSource,
)
from tests.property import schema_strategies as gen

many = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_doctests() -> None:
    """The module's examples run as written."""
    assert doctest.testmod(tools_module).failed == 0


class Unit(enum.Enum):
    """A temperature scale."""

    C = "c"
    F = "f"


class Place(msgspec.Struct):
    """A place."""

    city: str
    country: str = "NO"


@dataclasses.dataclass
class Window:
    """A time window."""

    days: int


@tool
def get_weather(
    city: str,
    unit: Literal["c", "f"] = "c",
    scale: Unit = Unit.C,
    *,
    near: Place | None = None,
    window: Window | None = None,
    limit: int | None = None,
) -> str:
    """Get the current weather.

    Args:
        city: The city name.
        unit: The unit letter.
        limit: At most this many readings.
    """
    return f"{city}:{unit}:{scale.value}:{near}:{window}:{limit}"


def schema_of(t: FunctionTool[..., object]) -> Any:
    """The input schema of a tool, typed loosely for indexing."""
    return t.definition.unwrap().input_schema


def use(input: dict[str, Any], name: str = "get_weather", id: str = "toolu_1") -> ToolUseBlock:
    """A tool_use block asking for ``name`` with ``input``."""
    return ToolUseBlock(id=id, name=name, input=input)


def run(call: ToolCall) -> object:
    """What the shell will do with a call: run the function with the decided arguments."""
    return call.tool.fn(*call.args, **call.kwargs)


def test_the_decorated_function_is_still_the_function() -> None:
    """Calling the tool calls the function with the same arguments and result."""
    assert get_weather("Oslo", unit="f") == "Oslo:f:c:None:None:None"
    assert get_weather.__name__ == "get_weather"
    assert get_weather.__doc__ is not None
    assert not get_weather.is_async


def test_the_definition_comes_from_the_signature_and_docstring() -> None:
    """Name, description, parameter types, defaults and descriptions all come from the function."""
    definition = get_weather.definition.unwrap()
    assert definition.name == "get_weather"
    assert definition.description == "Get the current weather."
    assert definition.strict is msgspec.UNSET
    schema = schema_of(get_weather)
    assert schema["type"] == "object"
    assert schema["required"] == ["city"]
    props = schema["properties"]
    assert props["city"] == {"description": "The city name.", "type": "string"}
    assert props["unit"] == {"description": "The unit letter.", "default": "c", "enum": ["c", "f"]}
    assert props["scale"]["$ref"] == "#/$defs/Unit"
    assert props["limit"]["anyOf"] == [{"type": "integer"}, {"type": "null"}]
    assert set(schema["$defs"]) == {"Unit", "Place", "Window"}
    assert "title" not in schema


def test_strict_tools_send_strict_and_a_schema_in_the_subset() -> None:
    """``strict=True`` sends ``strict: true`` with a schema the subset checker accepts."""

    @tool(strict=True, name="weather", description="Weather, strictly.")
    def strict_weather(city: str, unit: Literal["c", "f"] = "c") -> str:
        return city + unit

    definition = strict_weather.definition.unwrap()
    assert definition.strict is True
    assert definition.name == "weather"
    assert definition.description == "Weather, strictly."
    assert is_successful(check_schema(definition.input_schema))
    assert strict_weather("Oslo") == "Osloc"


def test_numpy_docstrings_describe_parameters_too() -> None:
    """A NumPy-style docstring gives the parameter descriptions as well."""

    @tool
    def add(a: int, b: int = 1) -> int:
        """Add two numbers.

        Parameters
        ----------
        a : int
            The first.
        b : int, optional
            The second.
        """
        return a + b

    props = schema_of(add)["properties"]
    assert props["a"]["description"] == "The first."
    assert props["b"]["description"] == "The second."


def test_binding_decodes_the_input_into_the_declared_types() -> None:
    """The model's JSON input becomes Enum, Struct and dataclass values, and the call runs."""
    call = get_weather.bind(
        use({"city": "Oslo", "scale": "f", "near": {"city": "Bergen"}, "window": {"days": 2}})
    ).unwrap()
    assert call.tool_use_id == "toolu_1"
    assert call.kwargs == {
        "city": "Oslo",
        "scale": Unit.F,
        "near": Place(city="Bergen"),
        "window": Window(days=2),
    }
    assert run(call) == "Oslo:c:f:Place(city='Bergen', country='NO'):Window(days=2):None"


def test_a_parameter_left_out_takes_the_functions_own_default() -> None:
    """Omitted parameters are not passed, so the function's defaults apply."""
    call = get_weather.bind(use({"city": "Rome"})).unwrap()
    assert call.kwargs == {"city": "Rome"}
    assert run(call) == "Rome:c:c:None:None:None"


def test_an_explicit_null_is_passed_as_none() -> None:
    """``null`` for an Optional parameter is passed as None, not dropped."""
    assert get_weather.bind(use({"city": "Rome", "limit": None})).unwrap().kwargs["limit"] is None


@pytest.mark.parametrize(
    ("input", "path", "words"),
    [
        ({"city": "Oslo", "unit": "k"}, "$.unit", "Invalid enum value 'k'"),
        ({"city": 3}, "$.city", "Expected `str`, got `int`"),
        ({}, "$", "missing required field `city`"),
        ({"city": "Oslo", "zone": 1}, "$", "unknown field `zone`"),
        ({"city": "Oslo", "near": {"country": "SE"}}, "$.near", "missing required field `city`"),
    ],
)
def test_bad_input_is_rejected_with_the_path_and_sent_back_as_an_error(
    input: dict[str, Any], path: str, words: str
) -> None:
    """Input that does not fit is a ToolInputRejected naming the field; its result is is_error."""
    error = get_weather.bind(use(input)).failure()
    assert isinstance(error, ToolInputRejected)
    assert error.path == path
    assert words in error.problem
    block = error.result_block()
    assert block.is_error is True
    assert block.tool_use_id == "toolu_1"
    assert isinstance(block.content, str)
    assert words in block.content


def test_an_unknown_tool_is_rejected_listing_the_tools() -> None:
    """A call of a tool nobody offered says which tools exist."""
    error = bind_call([get_weather], use({}, name="get_time")).failure()
    assert "get_time" in str(error)
    assert "'get_weather'" in error.problem


def test_calls_are_found_by_name_among_many_tools() -> None:
    """bind_call picks the tool the block names."""

    @tool
    def ping() -> str:
        return "pong"

    call = bind_call([get_weather, ping], use({}, name="ping")).unwrap()
    assert call.tool is ping
    assert run(call) == "pong"


def test_positional_only_parameters_are_passed_by_position() -> None:
    """Positional-only parameters are passed positionally, defaults filled in order."""

    @tool
    def scale(x: float, factor: float = 2.0, /, *, offset: float = 0.0) -> float:
        return x * factor + offset

    call = scale.bind(use({"x": 3, "offset": 1}, name="scale")).unwrap()
    assert call.args == (3.0, 2.0)
    assert call.kwargs == {"offset": 1.0}
    assert run(call) == 7.0


def test_async_functions_stay_async() -> None:
    """An async tool is marked async and its call gives a coroutine the shell awaits."""

    @tool
    async def fetch(url: str) -> str:
        """Fetch a page."""
        return url.upper()

    assert fetch.is_async
    call = fetch.bind(use({"url": "a"}, name="fetch")).unwrap()
    coroutine = run(call)
    assert asyncio.iscoroutine(coroutine)
    assert asyncio.run(coroutine) == "A"


def test_a_callable_object_with_async_call_is_async() -> None:
    """An object whose class defines ``async def __call__`` counts as async."""

    class Fetcher:
        async def __call__(self, url: str) -> str:
            return url

    fetcher = FunctionTool(Fetcher(), name="fetcher")
    assert fetcher.is_async
    assert schema_of(fetcher)["required"] == ["url"]
    assert fetcher.bind(use({"url": "u"}, name="fetcher")).unwrap().kwargs == {"url": "u"}


REQUEST = MessageRequest(
    model="claude-haiku-4-5",
    max_tokens=64,
    messages=[MessageParam(role="user", content="Weather?")],
    tools=[Tool(name="search", input_schema={"type": "object", "properties": {}})],
)


def test_with_tools_appends_the_definitions_after_the_requests_own() -> None:
    """The request keeps its tools and gains the functions' definitions, in order."""

    @tool
    def ping() -> str:
        return "pong"

    offered = with_tools(REQUEST, [get_weather, ping]).unwrap()
    assert offered.tools is not msgspec.UNSET
    assert [t.name for t in offered.tools] == ["search", "get_weather", "ping"]
    assert offered.tools[1] == get_weather.definition.unwrap()
    assert msgspec.structs.replace(offered, tools=REQUEST.tools) == REQUEST


def test_with_tools_refuses_a_duplicate_name_or_an_undescribable_function() -> None:
    """Two tools of one name, or a tool whose definition failed, fail with the path."""

    @tool(name="search")
    def search(query: str) -> str:
        return query

    assert "already the name" in with_tools(REQUEST, [search]).failure().problem
    bad = FunctionTool(lambda *a: None, name="bad")
    assert with_tools(REQUEST, [bad]).failure().path == "tool 'bad'.a"


@pytest.mark.parametrize(
    ("fn", "path", "words"),
    [
        (lambda *names: None, "tool 'bad'.names", "*args"),
        (lambda **opts: None, "tool 'bad'.opts", "**kwargs"),
        (lambda city: None, "tool 'bad'.city", "no type annotation"),
    ],
)
def test_functions_that_cannot_be_described_fail_in_the_definition(
    fn: Any, path: str, words: str
) -> None:
    """*args, **kwargs and unannotated parameters give a Failure naming them, not an exception."""
    made = FunctionTool(fn, name="bad")
    error = made.definition.failure()
    assert isinstance(error, InvalidArgument)
    assert error.path == path
    assert words in error.problem
    assert isinstance(made.bind(use({}, name="bad")).failure(), ToolInputRejected)


def test_the_request_checks_apply_to_the_name() -> None:
    """A name the API refuses fails the definition with the fix; the description is not limited."""

    @tool(name="get weather")
    def spaced(city: str) -> str:
        return city

    @tool(description="x" * 1025)
    def wordy(city: str) -> str:
        return city

    assert spaced.definition.failure().path == "tool 'get weather'.name"
    assert "1-64 characters" in spaced.definition.failure().problem
    assert wordy.definition.unwrap().description == "x" * 1025


def test_a_strict_tool_with_a_free_form_parameter_fails_naming_it() -> None:
    """A dict parameter is fine for a plain tool, but strict says it leaves the subset."""

    def count(words: dict[str, int]) -> int:
        return sum(words.values())

    assert is_successful(FunctionTool(count).definition)
    error = FunctionTool(count, strict=True).definition.failure()
    assert error.path == "#/properties/words"


@pytest.mark.parametrize(
    ("value", "content"),
    [
        ("sunny", "sunny"),
        ({"celsius": 3}, '{"celsius":3}'),
        ([1, 2], "[1,2]"),
        (Place(city="Oslo"), '{"city":"Oslo","country":"NO"}'),
        (3.5, "3.5"),
        (None, msgspec.UNSET),
        (TextBlock(text="hi"), [TextBlock(text="hi")]),
        (
            [TextBlock(text="a"), ImageBlock(source=UrlSource(url="https://x/y.png"))],
            [TextBlock(text="a"), ImageBlock(source=UrlSource(url="https://x/y.png"))],
        ),
    ],
)
def test_results_become_tool_result_content(value: object, content: object) -> None:
    """Strings go as they are, blocks as blocks, None as empty, anything else as JSON text."""
    block = result_block("t1", value)
    assert block == ToolResultBlock(tool_use_id="t1", content=content)  # type: ignore[arg-type]


def test_an_unencodable_result_is_an_error_result_not_a_crash() -> None:
    """A return value msgspec cannot encode becomes an is_error result naming its type."""
    block = result_block("t1", {1j})
    assert block.is_error is True
    assert isinstance(block.content, str)
    assert "set" in block.content


def test_a_raised_exception_becomes_an_error_result() -> None:
    """An exception is sent as an is_error result with its type and message."""
    assert error_block("t1", KeyError("nope")) == ToolResultBlock(
        tool_use_id="t1", content="KeyError: 'nope'", is_error=True
    )
    assert error_block("t1", RuntimeError()).content == "RuntimeError"


typed_values = (
    gen.specs(("struct", "dataclass"))
    .flatmap(lambda spec: st.tuples(st.just(gen.python_type(spec)), st.just(spec)))
    .flatmap(lambda pair: st.tuples(st.just(pair[0]), gen.values(pair[1], pair[0])))
)


@many
@given(typed_values)
def test_a_generated_type_round_trips_through_a_tool(pair: tuple[Any, Any]) -> None:
    """For a generated type T, a tool taking and returning T gets the value and sends its JSON."""
    type_, value = pair

    def echo(item: Any) -> Any:
        return item

    echo.__annotations__ = {"item": type_, "return": type_}
    echo_tool = FunctionTool(echo)
    assert is_successful(echo_tool.definition)
    assert is_successful(
        FunctionTool(echo, strict=True).definition.bind(lambda d: check_schema(d.input_schema))
    )
    call = echo_tool.bind(use({"item": msgspec.to_builtins(value)}, name="echo")).unwrap()
    assert run(call) == value
    assert result_block("t", run(call)).content == msgspec.json.encode(value).decode()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=4),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=10,
)


@many
@given(
    st.dictionaries(st.sampled_from(["city", "unit", "scale", "near", "limit", "x"]), json_values)
)
def test_binding_is_total(input: dict[str, Any]) -> None:
    """Any JSON input binds to a call or a rejection, never an exception."""
    bound = get_weather.bind(use(input))
    assert is_successful(bound) or isinstance(bound.failure(), ToolInputRejected)


@many
@given(json_values | st.builds(object) | st.sets(st.integers(), max_size=2))
def test_result_blocks_are_total(value: object) -> None:
    """Any return value gives a tool_result block answering the call."""
    assert result_block("t9", value).tool_use_id == "t9"


def _deep(levels: int) -> dict[str, object]:
    """A dict nested ``levels`` deep: {"a": {"a": ...}}."""
    root: dict[str, object] = {}
    node = root
    for _ in range(levels):
        inner: dict[str, object] = {}
        node["a"] = inner
        node = inner
    return root


def test_input_nested_past_msgspecs_limit_is_rejected_not_raised() -> None:
    """A tool_use input too deep to encode is a ``ToolInputRejected``, and so is a deep result."""

    @tool
    def take(a: object) -> str:
        """Take anything."""
        return ""

    deep = _deep(100_000)
    bound = take.bind(ToolUseBlock(id="toolu_1", name="take", input=deep))
    assert not is_successful(bound)
    assert bound.failure().tool_name == "take"
    assert result_block("toolu_1", deep).is_error
