"""Text hygiene: the one boundary every text crosses on its way into the model or out to a terminal.

Two kinds of text, both cleaned the same way whatever door they came in by (typed, command line,
import, bank, CRM file, team sync):

- multi-line text (notes, impressions, takeaways, templates): :func:`clean_text`;
- single-line text (names, company, tags, ids, titles, labels, findings): :func:`clean_line`, where
  every run of line breaks and tabs is folded to one space.

Cleaning removes terminal escape sequences (CSI, OSC, DCS, SOS, PM, APC, and two-byte ESC
sequences, in their 7-bit and 8-bit forms), then every remaining C0 control (NUL included; tab and
newline are kept in multi-line text), DEL and C1 control. Carriage returns become newlines.
Characters that are invisible but change how text reads (bidi overrides and isolates, marks,
zero-width spaces, the byte-order mark, invisible operators, tag characters) are not dropped but
shown visibly as ``⟨U+202E⟩``, so a name that would print reversed reads as what it holds. Joiners
(U+200C, U+200D) stay: emoji and several scripts need them. A lone surrogate (undecodable bytes
from the command line) becomes U+FFFD. Cleaning is idempotent: cleaned text comes back unchanged,
and already-clean text costs one scan.
"""

from __future__ import annotations

import re
import unicodedata

MAX_TEXT = 100_000
"""Longest free text accepted in one field: far beyond any real note, small enough to stay fast."""

MAX_LINE = 2_000
"""Longest single-line text (a tag, a title, a finding) unless a field sets a tighter bound."""

# Invisible characters that change how the text around them reads: shown as their code, e.g. ⟨U+202E⟩.
INVISIBLE = (
    "\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\U000e0001\U000e0020-\U000e007f"
)
"""Bidi controls and other invisible format characters, as the inside of a regex class."""
_FORMAT_CHARS = re.compile(f"[{INVISIBLE}]")
_SURROGATE = re.compile("[\ud800-\udfff]")

# Anything cleaning would change; text without any of these is returned as it is (the fast path).
_NEEDS_CLEANING = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029{INVISIBLE}\ud800-\udfff]")

_SEQUENCE = re.compile(
    "\x1b\\[[0-?]*[ -/]*[@-~]"  # CSI (colours, cursor moves, ...)
    "|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
    # OSC (window title, clipboard), DCS, SOS, PM, APC: the string up to its terminator.
    "|(?:\x1b[\\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\\\|\x9c)"
    "|\x1b[ -/]*[0-~]"  # any other escape sequence (an unterminated string loses its introducer)
)
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LINE_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_BREAKS = re.compile("\r\n?|[\x85\u2028\u2029]")
_FOLD = re.compile("[\t\n\x0b\x0c\r\x85\u2028\u2029]+")


needs_cleaning = _NEEDS_CLEANING.search
"""Whether multi-line text holds anything :func:`clean_text` would change (truthy if so)."""


def _visible(match: re.Match[str]) -> str:
    return f"⟨U+{ord(match.group()):04X}⟩"


def _clean(text: str, single_line: bool) -> str:
    text = _FOLD.sub(" ", text) if single_line else _BREAKS.sub("\n", text)
    text = _SEQUENCE.sub("", text)
    text = _FORMAT_CHARS.sub(_visible, text)
    text = _SURROGATE.sub("\ufffd", text)
    return (_LINE_CONTROL if single_line else _CONTROL).sub("", text)


def clean_text(text: str) -> str:
    """Multi-line text made safe to store and print: tabs and newlines kept, see the module doc."""
    if not needs_cleaning(text):
        return text
    return _clean(text, single_line=False)


def clean_line(text: str) -> str:
    """Single-line text made safe to store and print: line breaks and tabs folded to a space."""
    if text.isprintable() or not (_NEEDS_CLEANING.search(text) or "\n" in text or "\t" in text):
        return text
    return _clean(text, single_line=True)


def strip_control(text: str) -> str:
    """Remove terminal escape sequences and control characters, keeping tabs and newlines.

    The same as :func:`clean_text`; kept under this name for the renderers that call it.
    """
    return clean_text(text)


def check_text(text: str, field: str, limit: int = MAX_TEXT) -> str:
    """Return ``text`` cleaned for storage, or raise ValueError with a one-line reason."""
    cleaned = clean_text(text)
    if len(cleaned) > limit:
        raise ValueError(f"{field} is too long ({len(cleaned):,} characters, at most {limit:,})")
    return cleaned


def one_line(text: str, width: int = 0) -> str:
    """Collapse whitespace to one line, cut to ``width`` characters when given."""
    flat = " ".join(clean_line(text).split())
    if width and len(flat) > width:
        return flat[: max(width - 1, 0)] + "…"
    return flat


def plural(count: float, one: str, many: str = "") -> str:
    """``1 question``, ``2 questions``, ``1,204 debriefs``, ``1.5 minutes``: a count and its noun agreeing.

    ``many`` is for nouns whose plural is not ``one + "s"`` (``1 day``/``2 days`` needs none,
    ``1 match``/``2 matches`` does).
    """
    number = f"{count:,}" if isinstance(count, int) else f"{count:,g}"
    return f"{number} {one if count == 1 else many or one + 's'}"


def cells(text: str) -> int:
    """How many terminal cells ``text`` takes: an emoji or a CJK character takes two."""
    from rich.cells import cell_len

    return cell_len(text)


def fit(text: str, width: int) -> str:
    """``text`` on one line, cut to ``width`` cells with an ellipsis when longer, else padded to it.

    Columns of a plain-text table line up only if cut and padded by display width, not by the
    number of characters.
    """
    from rich.cells import set_cell_size

    flat = one_line(text)
    if cells(flat) > width:
        return set_cell_size(flat, max(width - 1, 0)) + "…"
    return set_cell_size(flat, width)


def pad(text: str, width: int, right: bool = False) -> str:
    """``text`` padded with spaces to ``width`` cells (on the left when ``right``); never cut."""
    gap = " " * max(width - cells(text), 0)
    return gap + text if right else text + gap


_FOLD_EXTRA = {"ß": "ss", "ẞ": "ss", "æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l",
               "đ": "d", "Đ": "d", "œ": "oe", "Œ": "oe"}
"""Letters NFKD leaves whole, though a reader takes them for their base letters."""
_FOLD_SEPARATORS = frozenset("-_\u2010\u2011\u2012\u2013\u2014\u2015\u2212")
_ASCII_SEPARATORS = str.maketrans("-_", "  ")


def _fold_char(char: str) -> str:
    if char in _FOLD_SEPARATORS:
        return " "
    extra = _FOLD_EXTRA.get(char)
    if extra is not None:
        return extra
    decomposed = unicodedata.normalize("NFKD", char)
    return "".join(part for part in decomposed if not unicodedata.combining(part)).casefold()


def fold_map(text: str) -> tuple[str, list[int], list[int]]:
    """``text`` folded as :func:`fold` does, with where each folded character came from.

    ``starts[i]``/``ends[i]`` are the span of ``text`` that folded character ``i`` stands for, so a
    match found in the folded text can be highlighted on the original (accents and all).
    """
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    group = 0  # where the output of the last letter begins, to stretch it over trailing marks
    for index, char in enumerate(text):
        folded = _fold_char(char)
        if not folded:
            if out and out[-1] != " ":
                for position in range(group, len(ends)):
                    ends[position] = index + 1
            continue
        group = len(out)
        for part in folded:
            if part.isspace():
                if not out or out[-1] == " ":
                    continue
                part = " "
            out.append(part)
            starts.append(index)
            ends.append(index + 1)
    while out and out[-1] == " ":
        out.pop()
        starts.pop()
        ends.pop()
    return "".join(out), starts, ends


def fold(text: str) -> str:
    """Text as search compares it: accents dropped, case folded, hyphens and underscores read as
    spaces, whitespace collapsed, so ``tradgard`` finds ``Trädgård`` and "cost of delay" finds
    ``cost-of-delay``."""
    if text.isascii():
        return " ".join(text.translate(_ASCII_SEPARATORS).lower().split())
    return fold_map(text)[0]
