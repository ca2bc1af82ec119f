"""A persistent vector: an immutable sequence whose append, read and replace touch few nodes.

The stream fold keeps its content blocks here, so that a delta for a block other than the newest
does not copy the blocks before it. The vector is a trie of tuples of at most 32 slots
(``WIDTH``); its height is ``log32(size)``, at most 4 below a million items. Each operation copies
one node per level (one tuple of at most 32 slots) and leaves every other node shared with the
vector it came from, so old versions stay valid and unchanged:

* ``push(v, x)``, ``put(v, i, x)``: a new vector, copying ``height + 1`` nodes;
* ``get(v, i)``: ``height + 1`` steps;
* ``items(v)``: every item in order, O(size).

``cost(v)`` is the number of nodes one ``push``/``put`` copies, for the fold's work count.

>>> v = push(push(PVector(), "a"), "b")
>>> items(put(v, 0, "A")), items(v), get(v, 1)
(['A', 'b'], ['a', 'b'], 'b')
"""

from __future__ import annotations

from typing import Final, Generic, TypeVar, cast

import msgspec

__all__ = ["WIDTH", "PVector", "cost", "get", "items", "push", "put"]

_T = TypeVar("_T")

_BITS: Final = 5
WIDTH: Final = 1 << _BITS
_MASK: Final = WIDTH - 1


class PVector(msgspec.Struct, Generic[_T], frozen=True, gc=False):
    """``size`` items in a trie of tuples; ``shift`` is 5 times the number of levels above the
    leaves. Compare with ``items``; equality is that of the tries' shape and items."""

    size: int = 0
    shift: int = 0
    root: tuple[object, ...] = ()


def cost(v: PVector[_T]) -> int:
    """The nodes one ``push`` or ``put`` of ``v`` copies: its height plus one."""
    return v.shift // _BITS + 1


def get(v: PVector[_T], i: int) -> _T:
    """Item ``i`` (0 <= i < size)."""
    node: object = v.root
    for shift in range(v.shift, 0, -_BITS):
        node = cast(tuple[object, ...], node)[(i >> shift) & _MASK]
    return cast(_T, cast(tuple[object, ...], node)[i & _MASK])


def push(v: PVector[_T], x: _T) -> PVector[_T]:
    """``v`` with ``x`` appended."""
    if v.size == 1 << (v.shift + _BITS):  # every slot of this height used: add a level
        return PVector(v.size + 1, v.shift + _BITS, (v.root, _path(v.shift, x)))
    return PVector(v.size + 1, v.shift, _push(v.root, v.shift, v.size, x))


def put(v: PVector[_T], i: int, x: _T) -> PVector[_T]:
    """``v`` with item ``i`` (0 <= i < size) replaced by ``x``."""
    return PVector(v.size, v.shift, _put(v.root, v.shift, i, x))


def items(v: PVector[_T]) -> list[_T]:
    """Every item, in order."""
    out: list[object] = []
    _collect(v.root, v.shift, out)
    return cast(list[_T], out)


def _path(shift: int, x: object) -> tuple[object, ...]:
    """A branch of ``shift // 5`` levels holding only ``x``."""
    node: tuple[object, ...] = (x,)
    for _ in range(shift // _BITS):
        node = (node,)
    return node


def _push(node: tuple[object, ...], shift: int, i: int, x: object) -> tuple[object, ...]:
    if shift == 0:
        return (*node, x)
    j = (i >> shift) & _MASK
    if j < len(node):
        child = _push(cast(tuple[object, ...], node[j]), shift - _BITS, i, x)
        return (*node[:j], child)
    return (*node, _path(shift - _BITS, x))


def _put(node: tuple[object, ...], shift: int, i: int, x: object) -> tuple[object, ...]:
    j = (i >> shift) & _MASK
    child = x if shift == 0 else _put(cast(tuple[object, ...], node[j]), shift - _BITS, i, x)
    return (*node[:j], child, *node[j + 1 :])


def _collect(node: tuple[object, ...], shift: int, out: list[object]) -> None:
    if shift == 0:
        out.extend(node)
        return
    for child in node:
        _collect(cast(tuple[object, ...], child), shift - _BITS, out)
