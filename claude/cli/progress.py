"""A one-line progress bar on stderr, drawn only when stderr is a terminal.

Piped or redirected output gets nothing from it, so logs and scripts see only the result lines.
The bar redraws in place (carriage return, then erase to the end of the line) and ends with a
newline, so whatever prints next starts on a line of its own.
"""

from __future__ import annotations

from typing import TextIO

__all__ = ["ProgressBar", "bar_line", "size_text"]

_WIDTH = 30


def bar_line(label: str, done: float, total: float | None, *, detail: str = "") -> str:
    """The bar as text: ``label [#####-----]  50% detail``; without a total, no bar.

    >>> bar_line("batch", 1, 4)
    'batch [########----------------------]  25%'
    >>> bar_line("upload", 3, None, detail="3 B")
    'upload 3 B'
    """
    tail = f" {detail}" if detail else ""
    if not total or total <= 0:
        return f"{label}{tail}"
    fraction = min(1.0, max(0.0, done / total))
    filled = round(fraction * _WIDTH)
    return f"{label} [{'#' * filled}{'-' * (_WIDTH - filled)}] {fraction:4.0%}{tail}"


class ProgressBar:
    """Redraws ``bar_line`` on ``stream`` when it is a terminal; does nothing otherwise."""

    def __init__(self, stream: TextIO, label: str) -> None:
        self._stream = stream
        self._label = label
        self._drawn = False
        self._last = ""
        try:
            self.enabled = stream.isatty()
        except (OSError, ValueError):  # a closed or odd stream: no bar, never a crash
            self.enabled = False

    def update(self, done: float, total: float | None, *, detail: str = "") -> None:
        """Draw the bar at ``done`` of ``total``."""
        if not self.enabled:
            return
        line = bar_line(self._label, done, total, detail=detail)
        if line == self._last:  # many small writes of a download redraw only when it shows
            return
        self._last = line
        self._stream.write(f"\r{line}\x1b[K")
        self._stream.flush()
        self._drawn = True

    def finish(self) -> None:
        """End the bar's line, if one was drawn."""
        if self._drawn:
            self._stream.write("\n")
            self._stream.flush()
            self._drawn = False
            self._last = ""


def size_text(size: float) -> str:
    """A byte count for people: ``1.5 MB``.

    >>> size_text(512), size_text(1_500_000)
    ('512 B', '1.5 MB')
    """
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size:.0f} B"
