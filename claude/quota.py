"""Spending and usage caps, under their short path: ``from claude import quota``.

The home is :mod:`claude.pure.quota` (a pure machine: the day and month are passed in); the
thread-safe holder that swaps its state is ``claude.shell.QuotaTracker``.
"""

from claude.pure import quota as _home
from claude.pure.quota import *  # noqa: F403  (the home module's __all__ is the contract)

__all__ = list(_home.__all__)
