"""JSON <-> wire types, at msgspec speed, without losing what a newer API added.

Theory of operation
-------------------
``decode`` and ``convert`` first try msgspec's native typed decode. The wire Structs forbid
unknown fields and every union's fall-back member has a tag no server sends, so the native path
succeeds exactly when the input has the shape this library knows, which is the common case.

When it fails, the input is decoded untyped and walked against the same types (via
``msgspec.inspect``) by a small interpreter that:

* keeps unknown fields: the Struct is built from a subclass that declares them (made once per
  set of names and cached), so ``msgspec.to_builtins`` gives them back where they were;
* keeps unknown tags: a block, citation or source of an unknown ``type`` becomes the union's
  ``Unknown*`` member, subclassed with that tag and the value's keys as fields;
* reports real mismatches as a ``CodecError`` naming the path
  (``messages[2].content[0].text: expected a string, got an integer``).

Both paths give equal values for inputs without unknowns (a property test checks it).
The two caches are memo tables of deterministic functions of types and names, not state.
"""

from __future__ import annotations

import contextlib
import keyword
from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast

import msgspec
import msgspec.inspect as mi
from msgspec import UNSET
from returns.result import Failure, Result, Success

from claude.pure.wire import Unknown

__all__ = [
    "CodecError",
    "convert",
    "decode",
    "decode_work",
    "encode",
    "extra_fields",
    "from_plain",
    "plain",
]

_T = TypeVar("_T")

_encoder = msgspec.json.Encoder()
encode: Callable[[object], bytes] = _encoder.encode
"""Encode a wire value (or plain JSON data) to compact JSON bytes."""


class CodecError(msgspec.Struct, frozen=True, kw_only=True):
    """Input that does not fit the wire schema: where (``path``) and what is wrong."""

    path: str
    problem: str

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}" if self.path else self.problem


class _Mismatch(Exception):
    def __init__(self, path: str, problem: str) -> None:
        super().__init__(path, problem)
        self.path = path
        self.problem = problem


_TOO_DEEP = CodecError(path="", problem="input nested too deeply")

_decoders: dict[object, msgspec.json.Decoder[Any]] = {}
_infos: dict[object, mi.Type] = {}
_extended: dict[tuple[type, tuple[str, ...], str | None], type] = {}
_MAX_EXTENDED = 1024


def decode(data: bytes, type_: type[_T]) -> Result[_T, CodecError]:
    """Decode JSON bytes into ``type_``, keeping unknown fields and types; never raises."""
    decoder = _decoders.get(type_)
    if decoder is None:
        decoder = _decoders[type_] = msgspec.json.Decoder(type_)
    try:
        return Success(cast(_T, decoder.decode(data)))
    except msgspec.ValidationError:
        pass
    except msgspec.DecodeError as exc:
        return Failure(CodecError(path="", problem=f"not valid JSON ({exc})"))
    except RecursionError:
        return Failure(_TOO_DEEP)
    except Exception as exc:  # the promise is "never raises", by construction
        return Failure(_unreadable(exc))
    try:
        raw = msgspec.json.decode(data)
    except msgspec.DecodeError as exc:  # pragma: no cover - the typed decode already parsed it
        return Failure(CodecError(path="", problem=f"not valid JSON ({exc})"))
    except RecursionError:
        return Failure(_TOO_DEEP)
    return _walk_top(raw, type_)


def convert(value: object, type_: type[_T]) -> Result[_T, CodecError]:
    """Convert plain JSON-shaped data (dicts, lists, ...) into ``type_``; never raises.

    A typed value is checked too (msgspec constructors do not check types): it is converted
    from its wire form, so the result is always a value whose fields have their declared types.
    """
    data = _plain(value)
    return Failure(data) if isinstance(data, CodecError) else from_plain(data, type_)


def from_plain(value: object, type_: type[_T]) -> Result[_T, CodecError]:
    """``convert`` for data that is already exact JSON builtins (what ``plain`` gives): skips
    reading it again; never raises."""
    try:
        return Success(msgspec.convert(value, type_))
    except msgspec.ValidationError:
        return _walk_top(value, type_)
    except RecursionError:
        return Failure(_TOO_DEEP)
    except Exception as exc:  # the promise is "never raises", by construction
        return Failure(_unreadable(exc))


def plain(value: object) -> Result[object, CodecError]:
    """``value`` as exact JSON builtins (dict, list, str, int, float, bool, None); never raises.

    Structs are unpacked to their wire form. Subclasses of ``str``, ``int``, ``float``, ``list``
    and ``dict`` become the exact builtin (read with the builtin's own methods, so an override
    that raises or lies is never called), and any other ``Mapping`` or sequence is read once,
    here: a container whose methods raise is a ``CodecError`` naming its path, and nothing read
    later can run the caller's code again.

    >>> class Loud(str):
    ...     def __str__(self) -> str:
    ...         raise RuntimeError("boom")
    >>> plain({"model": Loud("m")}).unwrap()
    {'model': 'm'}
    """
    data = _plain(value)
    return Failure(data) if isinstance(data, CodecError) else Success(data)


def _plain(value: object) -> object:
    """``plain`` without the ``Result``: the data, or the ``CodecError``."""
    try:
        # The common case in one C call: msgspec reads dicts, lists and Structs through the C
        # API (no overridden method runs) and refuses subclasses of str, int and float.
        return msgspec.to_builtins(value)
    except RecursionError:
        return _TOO_DEEP
    except Exception:  # the caller's objects may raise anything: read them slowly
        pass
    try:
        return _exact(value, "", 0)
    except _Mismatch as mismatch:
        return CodecError(path=mismatch.path, problem=mismatch.problem)
    except RecursionError:
        return _TOO_DEEP
    except Exception as exc:  # e.g. an object whose ``__class__`` raises, met by isinstance
        return _unreadable(exc)


_MAX_DEPTH = 1000


def _exact(value: object, path: str, depth: int) -> object:
    """``value`` as exact builtins (see ``plain``); raise _Mismatch naming the path."""
    if depth > _MAX_DEPTH:
        raise RecursionError
    kind = type(value)
    if value is None or kind is bool:
        return value
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int):
        return int.__int__(value)
    if isinstance(value, float):
        return float.__float__(value)
    if isinstance(value, msgspec.Struct):
        return _exact(_struct_fields(value), path, depth + 1)
    if isinstance(value, dict):
        items: object = list(dict.items(value))
    elif isinstance(value, Mapping):
        items = _read(lambda: [(k, value[k]) for k in list(value.keys())], path)
    elif isinstance(value, list | tuple):
        seq = list.copy(value) if isinstance(value, list) else list(tuple.__iter__(value))
        return [_exact(item, f"{path}[{i}]", depth + 1) for i, item in enumerate(seq)]
    else:
        raise _Mismatch(path, f"{_kind(value)} cannot be sent as JSON")
    out: dict[str, object] = {}
    for key, item in cast(list[tuple[object, object]], items):
        if not isinstance(key, str):
            raise _Mismatch(path, f"field names must be strings, got {_kind(key)}")
        name = str.__str__(key)
        out[name] = _exact(item, _at(path, name), depth + 1)
    return out


def _struct_fields(value: msgspec.Struct) -> dict[str, object]:
    """A Struct's set fields by wire name, extras included (``msgspec.to_builtins`` refused it)."""
    fields = {f.encode_name: getattr(value, f.name, UNSET) for f in msgspec.structs.fields(value)}
    fields.update(extra_fields(value))
    return {name: item for name, item in fields.items() if item is not UNSET}


def _read(read: Callable[[], _T], path: str) -> _T:
    """Run the caller's container method ``read``; whatever it raises becomes a _Mismatch."""
    try:
        return read()
    except RecursionError:
        raise
    except Exception as exc:
        raise _Mismatch(
            path, f"could not be read ({_type_name(exc)} from its own methods)"
        ) from None


def _type_name(value: object) -> str:
    """The name of ``value``'s type, without calling anything ``value`` defines."""
    name = type.__dict__["__name__"].__get__(type(value))
    return name if type(name) is str else "object"


def extra_fields(value: msgspec.Struct) -> dict[str, object]:
    """The fields a value carries beyond its declared schema, by wire name (``{}`` if none)."""
    names: tuple[tuple[str, str], ...] = getattr(type(value), "__wire_extras__", ())
    return {wire: getattr(value, attr) for attr, wire in names}


class _Work:
    """The lenient walk's work count (see ``decode_work``)."""

    __slots__ = ("n",)

    def __init__(self) -> None:
        self.n = 0


def decode_work(data: bytes, type_: type[object]) -> int:
    """The work ``decode`` does on the lenient path for ``data``, in units of its cost model.

    One unit per value visited, plus, per Struct built, its keyword arguments times its field
    count (msgspec's cost of matching keywords) and one per field it has. For the property tests,
    which check that the work is linear in the input (as ``SseState.work`` is for SSE); ``0``
    when the fast native decode applies or the bytes are no JSON.
    """
    try:
        msgspec.json.Decoder(type_).decode(data)
        return 0
    except msgspec.ValidationError:
        raw = msgspec.json.decode(data)
    except (msgspec.DecodeError, RecursionError):
        return 0
    w = _Work()
    _walk_top(raw, type_, w)
    return w.n


def _walk_top(raw: object, type_: type[_T], w: _Work | None = None) -> Result[_T, CodecError]:
    info = _infos.get(type_)
    if info is None:
        info = _infos[type_] = mi.type_info(type_)
    try:
        return Success(cast(_T, _walk(raw, info, "", w if w is not None else _Work())))
    except _Mismatch as mismatch:
        return Failure(CodecError(path=mismatch.path, problem=mismatch.problem))
    except RecursionError:
        return Failure(_TOO_DEEP)
    except Exception as exc:  # the promise is "never raises", by construction
        return Failure(_unreadable(exc))


def _unreadable(exc: Exception) -> CodecError:
    # Only the type's name: an exception's own ``__str__`` is the caller's code and may raise.
    return CodecError(path="", problem=f"unreadable input ({_type_name(exc)})")


def _at(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


_KIND = {
    dict: "an object",
    list: "an array",
    tuple: "an array",
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "a boolean",
    type(None): "null",
}


def _kind(value: object) -> str:
    return _KIND.get(type(value)) or _type_name(value)


def _walk(value: object, t: mi.Type, path: str, w: _Work) -> object:
    """Check ``value`` against type info ``t`` and build the typed value; raise _Mismatch."""
    w.n += 1
    if isinstance(value, msgspec.Struct):
        # msgspec does not type-check constructors: re-check a caller's typed value from its
        # wire form, so MessageRequest(model=5, ...) is a Failure, not a crash later on.
        value = _builtins(value, path)
    match t:
        case _ if _is_any(t):
            return value
        case mi.StructType():
            return _struct(value, t, path, w)
        case mi.UnionType():
            return _union(value, t, path, w)
        case mi.StrType():
            if isinstance(value, str):
                return value
            raise _Mismatch(path, f"expected a string, got {_kind(value)}")
        case mi.IntType():
            if isinstance(value, int) and not isinstance(value, bool):
                return value
            raise _Mismatch(path, f"expected an integer, got {_kind(value)}")
        case mi.FloatType():
            if isinstance(value, int | float) and not isinstance(value, bool):
                try:
                    return float(value)
                except OverflowError:
                    raise _Mismatch(path, f"{value} is too large for a number") from None
            raise _Mismatch(path, f"expected a number, got {_kind(value)}")
        case mi.BoolType():
            if isinstance(value, bool):
                return value
            raise _Mismatch(path, f"expected true or false, got {_kind(value)}")
        case mi.NoneType():
            if value is None:
                return None
            raise _Mismatch(path, f"expected null, got {_kind(value)}")
        case mi.LiteralType():
            if value in t.values:
                return value
            allowed = ", ".join(repr(v) for v in t.values)
            raise _Mismatch(path, f"{value!r} is not one of {allowed}")
        case mi.ListType() | mi.VarTupleType():
            if not isinstance(value, list | tuple):
                raise _Mismatch(path, f"expected an array, got {_kind(value)}")
            items = [_walk(item, t.item_type, f"{path}[{i}]", w) for i, item in enumerate(value)]
            return items if isinstance(t, mi.ListType) else tuple(items)
        case mi.DictType():
            if not isinstance(value, dict):
                raise _Mismatch(path, f"expected an object, got {_kind(value)}")
            return {str(k): _walk(v, t.value_type, _at(path, str(k)), w) for k, v in value.items()}
        case _:
            raise _Mismatch(path, f"cannot check values of type {t!r}")


def _struct(value: object, t: mi.StructType, path: str, w: _Work) -> object:
    if not isinstance(value, dict):
        raise _Mismatch(path, f"expected an object, got {_kind(value)}")
    _string_keys(value, path)
    kwargs: dict[str, object] = {}
    known: set[str] = set()
    if t.tag_field is not None:
        known.add(t.tag_field)
        if t.tag_field in value and value[t.tag_field] != t.tag:
            raise _Mismatch(_at(path, t.tag_field), f"{value[t.tag_field]!r} is not {t.tag!r}")
    for field in t.fields:
        known.add(field.encode_name)
        if field.encode_name in value:
            kwargs[field.name] = _walk(
                value[field.encode_name], field.type, _at(path, field.encode_name), w
            )
        elif field.required:
            raise _Mismatch(_at(path, field.encode_name), "field required")
    cls: type = t.cls
    extras = tuple(key for key in value if key not in known)
    if extras:
        cls = _extend(cls, _keepable(tuple(str(k) for k in extras), path), None)
    return _build(cls, kwargs, value, w)


def _string_keys(value: dict[object, object], path: str) -> None:
    for key in value:
        if not isinstance(key, str):
            raise _Mismatch(path, f"field names must be strings, got {key!r}")


def _unknown(value: dict[str, object], base: type, tag_field: str, path: str, w: _Work) -> object:
    tag = value.get(tag_field)
    if not isinstance(tag, str):
        raise _Mismatch(_at(path, tag_field), f"expected a string, got {_kind(tag)}")
    names = _keepable(tuple(str(k) for k in value if k != tag_field), path)
    return _build(_extend(base, names, tag), {}, value, w)


def _build(cls: type, kwargs: dict[str, object], value: dict[str, object], w: _Work) -> object:
    """An instance of ``cls`` with the declared fields ``kwargs`` and its extra fields from
    ``value``, in time linear in the number of fields.

    msgspec matches keyword arguments by a scan of the fields, so a Struct built from k of
    them costs k times its field count: fine for the schema's own fields, quadratic for a
    value with thousands of unknown keys. Those are set one by one after construction instead
    (``force_setattr``, a constant-time slot write), which ``w`` counts as that cost model says.
    """
    fields = len(cls.__struct_fields__)  # type: ignore[attr-defined]
    made = cls(**kwargs)
    extras: tuple[tuple[str, str], ...] = getattr(cls, "__wire_extras__", ())
    for attr, wire in extras:
        msgspec.structs.force_setattr(made, attr, value[wire])
    w.n += len(kwargs) * fields + fields + len(extras)
    return made


def _union(value: object, t: mi.UnionType, path: str, w: _Work) -> object:
    members = t.types
    if isinstance(value, dict):
        tagged: dict[object, mi.StructType] = {}
        fallback: mi.StructType | None = None
        tag_field: str | None = None
        for m in members:
            if isinstance(m, mi.StructType):
                if m.tag_field is None:
                    return _struct(value, m, path, w)
                tag_field = m.tag_field
                if issubclass(m.cls, Unknown):
                    fallback = m
                else:
                    tagged[m.tag] = m
            elif isinstance(m, mi.DictType) or _is_any(m):
                return _walk(value, m, path, w)
        if tag_field is not None:
            tag = value.get(tag_field)
            if not isinstance(tag, str):
                raise _Mismatch(_at(path, tag_field), f"expected a string, got {_kind(tag)}")
            chosen = tagged.get(tag)
            if chosen is not None:
                return _struct(value, chosen, path, w)
            if fallback is not None:
                return _unknown(value, fallback.cls, tag_field, path, w)
            allowed = ", ".join(sorted(str(k) for k in tagged))
            raise _Mismatch(_at(path, tag_field), f"{tag!r} is not one of {allowed}")
    else:
        for m in members:
            if _fits(value, m):
                return _walk(value, m, path, w)
    raise _Mismatch(path, f"expected {_describe(members)}, got {_kind(value)}")


def _builtins(value: msgspec.Struct, path: str) -> object:
    try:
        return msgspec.to_builtins(value)
    except (TypeError, ValueError) as exc:
        raise _Mismatch(path, f"cannot be turned into JSON ({exc})") from None


def _is_any(t: mi.Type) -> bool:
    """Whether ``t`` admits any JSON value: ``Any``, or ``object`` (which inspect calls custom)."""
    return isinstance(t, mi.AnyType) or (isinstance(t, mi.CustomType) and t.cls is object)


def _fits(value: object, t: mi.Type) -> bool:
    """Whether ``value``'s JSON kind is the kind ``t`` describes (its contents are checked later)."""
    match t:
        case _ if _is_any(t):
            return True
        case mi.NoneType():
            return value is None
        case mi.StrType():
            return isinstance(value, str)
        case mi.BoolType():
            return isinstance(value, bool)
        case mi.IntType():
            return isinstance(value, int) and not isinstance(value, bool)
        case mi.FloatType():
            return isinstance(value, int | float) and not isinstance(value, bool)
        case mi.ListType() | mi.VarTupleType():
            return isinstance(value, list | tuple)
        case mi.LiteralType():
            return value in t.values
        case _:
            return False


def _describe(members: tuple[mi.Type, ...]) -> str:
    names: list[str] = []
    for m in members:
        match m:
            case mi.StructType() | mi.DictType():
                names.append("an object")
            case mi.ListType() | mi.VarTupleType():
                names.append("an array")
            case mi.StrType():
                names.append("a string")
            case mi.IntType():
                names.append("an integer")
            case mi.FloatType():
                names.append("a number")
            case mi.BoolType():
                names.append("a boolean")
            case mi.NoneType():
                names.append("null")
            case _:
                names.append(type(m).__name__)
    unique = list(dict.fromkeys(names))
    return " or ".join(unique)


def _keepable(names: tuple[str, ...], path: str) -> tuple[str, ...]:
    """``names`` if msgspec can declare them all as field names (no quote, backslash or control)."""
    for name in names:
        if any(c in '"\\' or c < " " for c in name):
            raise _Mismatch(
                path, f"field name {name!r} cannot be kept (quote, backslash or control)"
            )
    return names


def _extend(cls: type, names: tuple[str, ...], tag: str | None) -> type:
    """A subclass of ``cls`` that also declares ``names`` (wire names), with tag ``tag`` if given."""
    key = (cls, names, tag)
    made = _extended.get(key)
    if made is not None:
        return made
    taken = set(dir(cls))
    pairs: list[tuple[str, str]] = []
    fields: list[tuple[str, type, object]] = []
    for i, wire in enumerate(names):
        attr = wire
        if (
            not wire.isidentifier()
            or keyword.iskeyword(wire)
            or wire.startswith("_")
            or wire in taken
        ):
            attr = f"extra_{i}"
        while attr in taken:
            attr = f"{attr}_"
        taken.add(attr)
        pairs.append((attr, wire))
        fields.append((attr, object, msgspec.field(default=UNSET, name=wire)))
    options: dict[str, Any] = {"bases": (cls,), "frozen": True, "kw_only": True}
    if tag is not None:
        options["tag"] = tag
    made = msgspec.defstruct(
        cls.__name__,
        fields,
        module=cls.__module__,
        namespace={"__wire_extras__": tuple(pairs)},
        **options,
    )
    if len(_extended) >= _MAX_EXTENDED:
        # A server sending ever-new field names must not grow memory without bound.
        # Two threads may evict at once; losing that race only means evicting nothing.
        with contextlib.suppress(KeyError, RuntimeError, StopIteration):
            _extended.pop(next(iter(_extended)))
    _extended[key] = made
    return made
