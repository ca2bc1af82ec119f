"""What a call cost, under its short path: ``from claude import cost``; ``cost.of(usage, model)``.

The home is :mod:`claude.pure.cost` (pure math over a dated, replaceable price table); this module
re-exports the same objects.
"""

from claude.pure import cost as _home
from claude.pure.cost import *  # noqa: F403  (the home module's __all__ is the contract)

__all__ = list(_home.__all__)
