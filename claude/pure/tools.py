"""Tools from typed Python functions: the definition from the signature, typed arguments in, results out.

Theory of operation
-------------------
``@tool`` wraps a function in a ``FunctionTool`` that stays callable exactly as before (the
wrapper is generic in the function's ``ParamSpec`` and return type, so type checkers keep the
signature) and adds what a tool loop needs, all pure:

* ``definition``: the ``wire.Tool`` to send. The input schema comes from the parameters (their
  annotations and defaults: ``Literal``, ``Enum``, Structs, dataclasses, TypedDicts, ``Optional``,
  anything msgspec describes) through msgspec; descriptions come from the docstring (Google or
  NumPy style). ``strict=True`` builds the schema in the structured-output subset and sends
  ``strict: true``; the tool checks of :mod:`claude.pure.validate` (name, description) apply.
  A function that cannot be described (``*args``, a missing annotation) gives a ``Failure``
  here, not an exception at decoration time.
* ``bind(block)``: the model's ``tool_use`` input decoded into the declared types, as a
  ``ToolCall`` holding the positional and keyword arguments to call the function with. A
  parameter the model left out is not passed, so the function's own default applies. Bad input
  is a ``ToolInputRejected`` whose ``result_block()`` tells the model what to fix.
* ``result_block(id, value)`` / ``error_block(id, exc)``: the function's return value (a
  string, content blocks, or any msgspec-encodable value, sent as JSON text) or the exception
  it raised, as the ``tool_result`` block that answers the call. Neither ever raises: a value
  that cannot be encoded becomes an ``is_error`` result saying so.

Calling the function is the shell's job (sync, or awaited when ``is_async``); the shell does
``call.tool.fn(*call.args, **call.kwargs)`` and hands the value or the exception back here.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable, Sequence
from typing import Annotated, Any, ClassVar, Generic, ParamSpec, TypeVar, overload

import msgspec
from msgspec import UNSET, UnsetType
from returns.result import Failure, Result, Success

from claude.pure.docstring import parse_docstring
from claude.pure.errors import ClaudeError, InvalidArgument
from claude.pure.schema import schema_for
from claude.pure.validate import problems
from claude.pure.wire import (
    DocumentBlock,
    ImageBlock,
    JsonObject,
    MessageParam,
    MessageRequest,
    SearchResultBlock,
    TextBlock,
    Tool,
    ToolResultBlock,
    ToolUseBlock,
)

__all__ = [
    "FunctionTool",
    "ToolCall",
    "ToolInputRejected",
    "bind_call",
    "error_block",
    "result_block",
    "tool",
    "with_tools",
]

_P = ParamSpec("_P")
_R = TypeVar("_R")
_R_co = TypeVar("_R_co", covariant=True)

_ResultBlock = TextBlock | ImageBlock | SearchResultBlock | DocumentBlock
_RESULT_BLOCKS = (TextBlock, ImageBlock, SearchResultBlock, DocumentBlock)


class ToolInputRejected(ClaudeError, frozen=True, kw_only=True):
    """The model's input for a tool call does not fit the tool: unknown tool, or bad arguments.

    This is sent back to the model (``result_block()``) so it can correct itself; it is not a
    failure of the conversation.
    """

    tool_use_id: str
    tool_name: str
    path: str = "$"
    problem: str
    kind: ClassVar[str] = "tool input rejected"

    def line(self) -> str:
        where = "" if self.path == "$" else f" at {self.path}"
        return f"invalid input for tool {self.tool_name!r}{where}: {self.problem}"

    def result_block(self) -> ToolResultBlock:
        """This rejection as the ``is_error`` tool result that answers the call."""
        return error_text(self.tool_use_id, self.line())


class ToolCall(msgspec.Struct, frozen=True, kw_only=True):
    """One decided call: run ``tool.fn(*args, **kwargs)`` and answer ``tool_use_id`` with it."""

    tool_use_id: str
    tool: FunctionTool[..., object]
    args: tuple[object, ...] = ()
    kwargs: dict[str, object] = msgspec.field(default_factory=dict)


class _Signature(msgspec.Struct, frozen=True, kw_only=True):
    """What ``bind`` needs of a signature: the argument Struct and how each field is passed."""

    args_type: type[msgspec.Struct]
    decoder: msgspec.json.Decoder[Any]
    positional: tuple[tuple[str, object], ...]
    """Positional-only parameters in order, with their defaults (``UNSET``: none)."""
    keyword: tuple[str, ...]


class FunctionTool(Generic[_P, _R_co]):
    """A function the model may call: callable as the function itself, plus its tool definition."""

    def __init__(
        self,
        fn: Callable[_P, _R_co],
        *,
        name: str | None = None,
        description: str | None = None,
        strict: bool = False,
    ) -> None:
        self._fn = fn
        self.name: str = name if name is not None else getattr(fn, "__name__", "tool")
        doc = parse_docstring(getattr(fn, "__doc__", None))
        self.description: str = description if description is not None else doc.description
        self.strict: bool = strict
        self._signature = _signature(fn, self.name, doc.params)
        self._definition = self._signature.bind(self._define)
        # Keep the function's name and docstring visible on the wrapper (help(), repr).
        self.__doc__ = getattr(fn, "__doc__", None)
        self.__name__ = getattr(fn, "__name__", self.name)
        self.__wrapped__ = fn

    def __call__(self, *args: _P.args, **kwargs: _P.kwargs) -> _R_co:
        """Call the function as if it were not decorated."""
        return self._fn(*args, **kwargs)

    def __repr__(self) -> str:
        return f"FunctionTool({self.name!r}, strict={self.strict})"

    @property
    def fn(self) -> Callable[_P, _R_co]:
        """The decorated function, unchanged."""
        return self._fn

    @property
    def is_async(self) -> bool:
        """Whether calling the function gives an awaitable the shell must await."""
        fn: object = self._fn
        # A callable object counts too when its class defines ``async def __call__``.
        return inspect.iscoroutinefunction(fn) or inspect.iscoroutinefunction(
            getattr(type(fn), "__call__", None)  # noqa: B004 - reads the method, not callability
        )

    @property
    def definition(self) -> Result[Tool, InvalidArgument]:
        """The tool definition to send, or why this function cannot be offered as a tool."""
        return self._definition

    def bind(self, block: ToolUseBlock) -> Result[ToolCall, ToolInputRejected]:
        """The call the model asked for, with its input decoded into the parameter types."""
        return bind_call([self], block)

    def _define(self, sig: _Signature) -> Result[Tool, InvalidArgument]:
        made: Result[JsonObject, InvalidArgument]
        if self.strict:
            made = schema_for(sig.args_type, root_object=True).map(_untitled)
        else:
            made = _plain_schema(sig.args_type)
        return made.bind(
            lambda schema: _checked(
                Tool(
                    name=self.name,
                    description=self.description if self.description else UNSET,
                    input_schema=schema,
                    strict=True if self.strict else UNSET,
                )
            )
        )


@overload
def tool(fn: Callable[_P, _R], /) -> FunctionTool[_P, _R]: ...
@overload
def tool(
    *, name: str | None = None, description: str | None = None, strict: bool = False
) -> Callable[[Callable[_P, _R]], FunctionTool[_P, _R]]: ...
def tool(
    fn: Callable[_P, _R] | None = None,
    /,
    *,
    name: str | None = None,
    description: str | None = None,
    strict: bool = False,
) -> FunctionTool[_P, _R] | Callable[[Callable[_P, _R]], FunctionTool[_P, _R]]:
    """Make ``fn`` a tool: ``@tool`` or ``@tool(name=..., description=..., strict=True)``.

    >>> from typing import Literal
    >>> @tool
    ... def get_weather(city: str, unit: Literal["c", "f"] = "c") -> str:
    ...     '''Get the current weather.
    ...
    ...     Args:
    ...         city: The city name.
    ...     '''
    ...     return f"3 degrees {unit} in {city}"
    >>> get_weather("Oslo")
    '3 degrees c in Oslo'
    >>> schema = get_weather.definition.unwrap().input_schema
    >>> schema["properties"]["city"], schema["required"]
    ({'description': 'The city name.', 'type': 'string'}, ['city'])
    """

    def wrap(f: Callable[_P, _R]) -> FunctionTool[_P, _R]:
        return FunctionTool(f, name=name, description=description, strict=strict)

    return wrap if fn is None else wrap(fn)


def bind_call(
    tools: Sequence[FunctionTool[..., object]], block: ToolUseBlock
) -> Result[ToolCall, ToolInputRejected]:
    """The call ``block`` asks for among ``tools``: the tool found by name, its input decoded."""
    found = next((t for t in tools if t.name == block.name), None)
    if found is None:
        names = ", ".join(repr(t.name) for t in tools) or "none"
        return Failure(
            ToolInputRejected(
                tool_use_id=block.id,
                tool_name=block.name,
                problem=f"there is no tool of that name; the tools are: {names}",
            )
        )
    sig = found._signature
    if not isinstance(sig, Success):
        return Failure(
            ToolInputRejected(
                tool_use_id=block.id, tool_name=block.name, problem=str(sig.failure())
            )
        )
    return _decode_args(found, sig.unwrap(), block)


def _decode_args(
    found: FunctionTool[..., object], sig: _Signature, block: ToolUseBlock
) -> Result[ToolCall, ToolInputRejected]:
    try:
        data = msgspec.json.encode(block.input)
        decoded = sig.decoder.decode(data)
    except msgspec.ValidationError as exc:
        text = str(exc)
        problem, _, where = text.partition(" - at `")
        return Failure(
            ToolInputRejected(
                tool_use_id=block.id,
                tool_name=block.name,
                path=where.rstrip("`") if where else "$",
                problem=problem,
            )
        )
    except (msgspec.DecodeError, TypeError, ValueError, OverflowError, RecursionError) as exc:
        return Failure(
            ToolInputRejected(tool_use_id=block.id, tool_name=block.name, problem=str(exc))
        )
    args: list[object] = []
    for field, default in sig.positional:
        value = getattr(decoded, field)
        args.append(default if value is UNSET else value)
    kwargs = {
        field: getattr(decoded, field)
        for field in sig.keyword
        if getattr(decoded, field) is not UNSET
    }
    return Success(ToolCall(tool_use_id=block.id, tool=found, args=tuple(args), kwargs=kwargs))


def with_tools(
    request: MessageRequest, tools: Sequence[FunctionTool[..., object]]
) -> Result[MessageRequest, InvalidArgument]:
    """``request`` offering ``tools`` too (after any tools it already has), or the first problem.

    Each tool's definition must be sound, and the request's tool checks (unique names, at
    most 64 tools) must hold for the whole list.
    """
    definitions: list[Tool] = list(request.tools) if request.tools is not UNSET else []
    for candidate in tools:
        made = candidate.definition
        if not isinstance(made, Success):
            return Failure(made.failure())
        definitions.append(made.unwrap())
    offered = msgspec.structs.replace(request, tools=definitions)
    for problem in problems(offered, api_version="2023-06-01"):
        if problem.path.startswith("tools"):
            return Failure(problem)
    return Success(offered)


def result_block(tool_use_id: str, value: object) -> ToolResultBlock:
    """The ``tool_result`` answering ``tool_use_id`` with a tool's return value; never raises.

    A string is sent as it is; a content block (text, image, document, search result) or a
    list of them as blocks; ``None`` as an empty result; anything else as its JSON text.

    >>> result_block("t1", {"celsius": 3}).content
    '{"celsius":3}'
    >>> result_block("t1", object()).is_error
    True
    """
    if isinstance(value, str):
        return ToolResultBlock(tool_use_id=tool_use_id, content=value)
    if value is None:
        return ToolResultBlock(tool_use_id=tool_use_id)
    if isinstance(value, _RESULT_BLOCKS):
        return ToolResultBlock(tool_use_id=tool_use_id, content=[value])
    if (
        isinstance(value, list | tuple)
        and value
        and all(isinstance(v, _RESULT_BLOCKS) for v in value)
    ):
        blocks: list[_ResultBlock] = [v for v in value if isinstance(v, _RESULT_BLOCKS)]
        return ToolResultBlock(tool_use_id=tool_use_id, content=list(blocks))
    try:
        text = msgspec.json.encode(value).decode()
    except (TypeError, ValueError, OverflowError, RecursionError) as exc:
        return error_text(
            tool_use_id,
            f"the tool returned a {type(value).__name__}, which cannot be sent as JSON ({exc}); "
            "return a string, content blocks, or a msgspec-encodable value",
        )
    return ToolResultBlock(tool_use_id=tool_use_id, content=text)


def error_block(tool_use_id: str, error: BaseException) -> ToolResultBlock:
    """The ``is_error`` result for a tool that raised: the exception's type and message."""
    message = str(error)
    return error_text(
        tool_use_id, f"{type(error).__name__}: {message}" if message else type(error).__name__
    )


def error_text(tool_use_id: str, message: str) -> ToolResultBlock:
    """An ``is_error`` tool result carrying ``message``."""
    return ToolResultBlock(tool_use_id=tool_use_id, content=message, is_error=True)


# --- from a signature to an argument Struct ------------------------------------------------


def _signature(
    fn: Callable[..., object], name: str, param_docs: dict[str, str]
) -> Result[_Signature, InvalidArgument]:
    where = f"tool {name!r}"
    try:
        signature = inspect.signature(fn)
        # A callable object's parameters are those of its class's __call__.
        source = fn if inspect.isroutine(fn) else getattr(type(fn), "__call__", fn)  # noqa: B004
        hints = typing.get_type_hints(source, include_extras=True)
    except (TypeError, ValueError, NameError, AttributeError) as exc:
        return Failure(
            InvalidArgument(
                path=where,
                problem=f"its signature cannot be read ({exc}); annotate every parameter",
            )
        )
    fields: list[tuple[str, object, object]] = []
    positional: list[tuple[str, object]] = []
    keyword: list[str] = []
    for param in signature.parameters.values():
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            return Failure(
                InvalidArgument(
                    path=f"{where}.{param.name}",
                    problem="*args and **kwargs cannot be described to the model; name each parameter",
                )
            )
        if param.name not in hints:
            return Failure(
                InvalidArgument(
                    path=f"{where}.{param.name}",
                    problem="has no type annotation; annotate it, e.g. 'city: str'",
                )
            )
        hint = hints[param.name]
        has_default = param.default is not param.empty
        text = param_docs.get(param.name) or None
        extra: dict[str, Any] | None = None
        annotated: Any = hint
        if has_default:
            try:
                extra = {"default": msgspec.to_builtins(param.default)}
            except (TypeError, ValueError, OverflowError):
                extra = None  # an unencodable default is simply not shown to the model
            # Absent input stays UNSET and is not passed, so the function's default applies.
            annotated = _or_unset(hint)
        if text is not None or extra is not None:
            annotated = Annotated[
                annotated, msgspec.Meta(description=text, extra_json_schema=extra)
            ]
        fields.append(
            (param.name, annotated, UNSET)
            if has_default
            else (param.name, annotated, msgspec.NODEFAULT)
        )
        if param.kind is param.POSITIONAL_ONLY:
            positional.append((param.name, param.default if has_default else UNSET))
        else:
            keyword.append(param.name)
    try:
        args_type = msgspec.defstruct(
            name,
            [(n, t) if d is msgspec.NODEFAULT else (n, t, d) for n, t, d in fields],
            kw_only=True,
            forbid_unknown_fields=True,
        )
        decoder = msgspec.json.Decoder(args_type)  # an unusable type fails here, not at a call
    except (TypeError, ValueError) as exc:
        return Failure(
            InvalidArgument(
                path=where, problem=f"its parameters cannot be decoded from JSON ({exc})"
            )
        )
    return Success(
        _Signature(
            args_type=args_type,
            decoder=decoder,
            positional=tuple(positional),
            keyword=tuple(keyword),
        )
    )


def _or_unset(hint: Any) -> Any:
    try:
        return hint | UnsetType
    except TypeError:  # an annotation that does not support "|": keep it; UNSET still decodes
        return typing.Union[hint, UnsetType]  # noqa: UP007 - the operator just failed


def _plain_schema(args_type: type[msgspec.Struct]) -> Result[JsonObject, InvalidArgument]:
    """The full JSON schema of the arguments (non-strict tools accept all of JSON Schema), root inlined."""
    try:
        raw: dict[str, Any] = msgspec.json.schema(args_type)
    except (TypeError, ValueError) as exc:
        return Failure(
            InvalidArgument(path="input_schema", problem=f"cannot be described as JSON ({exc})")
        )
    defs: dict[str, Any] = dict(raw.get("$defs", {}))
    ref = str(raw.get("$ref", ""))
    root = defs.pop(ref.rsplit("/", 1)[-1], None)
    if not isinstance(root, dict):
        return Failure(
            InvalidArgument(path="input_schema", problem="msgspec gave no object schema")
        )
    schema = _untitled(root)
    if defs:
        schema["$defs"] = defs
    return Success(schema)


def _untitled(schema: JsonObject) -> JsonObject:
    # The argument Struct's title is the tool's name again: noise for the model.
    return {k: v for k, v in schema.items() if k != "title"}


def _checked(definition: Tool) -> Result[Tool, InvalidArgument]:
    # The request checks of claude.pure.validate, run on a request holding just this tool.
    probe = MessageRequest(
        model="m",
        max_tokens=1,
        messages=[MessageParam(role="user", content="x")],
        tools=[definition],
    )
    for problem in problems(probe, api_version="2023-06-01"):
        return Failure(
            InvalidArgument(
                path=problem.path.replace("tools[0]", f"tool {definition.name!r}"),
                problem=problem.problem,
            )
        )
    return Success(definition)
