"""Text hygiene shared by every renderer and every input path."""

from __future__ import annotations

import re

# C0 and C1 control characters except tab and newline: a note pasted from a terminal may carry
# escape sequences, and printing them would let a note repaint the rep's terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")

MAX_TEXT = 100_000
"""Longest free text accepted in one field: far beyond any real note, small enough to stay fast."""


def strip_control(text: str) -> str:
    """Remove terminal escape sequences and control characters, keeping tabs and newlines."""
    if not _CONTROL.search(text):
        return text  # the common case: stored text was cleaned when it was first saved
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", _ANSI.sub("", text))


def check_text(text: str, field: str, limit: int = MAX_TEXT) -> str:
    """Return ``text`` cleaned for storage, or raise ValueError with a one-line reason."""
    if "\x00" in text:
        raise ValueError(f"{field} contains binary data (NUL bytes)")
    if len(text) > limit:
        raise ValueError(f"{field} is too long ({len(text):,} characters, at most {limit:,})")
    return strip_control(text)


def one_line(text: str, width: int = 0) -> str:
    """Collapse whitespace to one line, cut to ``width`` characters when given."""
    flat = " ".join(strip_control(text).split())
    if width and len(flat) > width:
        return flat[: max(width - 1, 0)] + "…"
    return flat
