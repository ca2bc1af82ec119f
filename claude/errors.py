"""The error values under their short path: ``from claude.errors import RateLimited``.

Their home is :mod:`claude.pure.errors` (error values are pure data); this module re-exports the
very same classes and functions, so ``claude.errors.RateLimited is claude.pure.errors.RateLimited``
and an ``isinstance`` check or a ``match`` works whichever path a program imported. A star import
keeps the two lists from drifting: every name the home module exports is exported here.
"""

from claude.pure import errors as _home
from claude.pure.errors import *  # noqa: F403  (the home module's __all__ is the contract)

__all__ = list(_home.__all__)
