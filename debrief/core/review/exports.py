"""Where the review's exports go: a private file in the exports folder."""

from __future__ import annotations

from pathlib import Path

from debrief.core.text import strip_control
from debrief.locations import slug

__all__ = ["save_export", "slug"]


def save_export(text: str, filename: str, folder: Path | None = None) -> Path:
    """Write a Markdown export into the exports folder (the one writer: 0600, never over a file)."""
    from debrief.locations import save_export as write

    return write(filename, strip_control(text), folder)
