"""Content helpers under one short path: ``from claude import content``.

The block, turn, tool, cache and thinking builders are pure (:mod:`claude.pure.content` and
:mod:`claude.pure.caching`: bytes in, wire-shaped values out). The three ``*_file`` helpers are the
only ones that touch the disk: they live in :mod:`claude.shell.content_files`, read the file and
hand its bytes to the pure builders, and answer a missing or unreadable file with a ``Failure``
naming the path.
"""

from claude.pure import content as _pure
from claude.pure.caching import breakpoints
from claude.pure.content import *  # noqa: F403  (the pure module's __all__ is the contract)
from claude.shell.content_files import image_file, pdf_file, text_file

__all__ = list(_pure.__all__)
__all__ += ["breakpoints", "image_file", "pdf_file", "text_file"]
