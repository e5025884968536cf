"""User text on screen: always plain content, never markup, never terminal control.

Textual reads a plain ``str`` given to ``Static``, ``Label``, ``Button``, a notification, an option
prompt or a palette command as content markup: a company called ``Acme [/b] Corp`` would crash the
screen, ``[EMEA]`` would vanish and ``[@click=app.quit]`` would become a live link. And Textual only
strips a handful of control codes, so an escape sequence left in a field would reach the terminal.

Every place where data (a debrief, a bank, a tone finding, a setting, a teammate's file, a file
name, an error message) meets the screen goes through this module:

- :func:`plain` turns text into ``Content`` that is never parsed (optionally with one style);
- :func:`assemble` joins static styled pieces with plain user pieces;
- :func:`markup` fills a static markup template with values that stay plain text;
- :func:`rich_text` is the same as a Rich ``Text`` (``DataTable`` cells);
- :func:`clean` is the cleaned ``str`` itself, for widgets that draw text directly (Rich ``Text``,
  ``Segment``, an ``Input`` placeholder);
- :func:`notify` shows a notification whose message is plain;
- :func:`escape` is the last resort for the few Textual APIs that accept nothing but a markup
  ``str`` (palette commands).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol

from rich.text import Text
from textual.content import Content
from textual.style import Style

from debrief.core.text import clean_text, one_line

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel

Part = str | Content | tuple[str, str | Style]
"""A piece of :func:`assemble`: user text, content built here, or (user text, static style)."""


def clean(text: object) -> str:
    """``text`` as a string that is safe to draw: no escape sequence, no control character, and
    invisible direction marks shown as ``⟨U+202E⟩`` instead of reordering what follows them.

    The model already holds cleaned text; this also covers what never passed through it (error
    messages, file names, an index written by an older version).
    """
    value = text if isinstance(text, str) else str(text)
    if value.isascii() and value.isprintable():
        return value  # the common case, and the cheapest check there is
    return clean_text(value)


def clean_line(text: object, width: int = 0) -> str:
    """:func:`clean` on one line (whitespace folded), cut to ``width`` characters when given."""
    return one_line(clean(text), width)


def plain(text: object, style: str | Style = "") -> Content:
    """User text as content that is never read as markup, with an optional static style."""
    cleaned = clean(text)
    return Content.styled(cleaned, style) if style else Content(cleaned)


def plain_line(text: object, width: int = 0, style: str | Style = "") -> Content:
    """:func:`plain` on one line, cut to ``width`` characters when given."""
    return plain(clean_line(text, width), style)


def rich_text(text: object, style: str = "") -> Text:
    """User text as a Rich ``Text`` (a ``DataTable`` cell reads a ``str`` as markup, never a ``Text``)."""
    return Text(clean(text), style=style, end="")


def assemble(*parts: Part) -> Content:
    """Join pieces into one content: a ``str`` is plain user text, a ``(text, style)`` pair is
    plain text in a static style, a ``Content`` is kept as it is (built here or from a template)."""
    pieces: list[str | Content | tuple[str, str | Style]] = []
    for part in parts:
        if isinstance(part, Content):
            pieces.append(part)
        elif isinstance(part, tuple):
            pieces.append((clean(part[0]), part[1]))
        else:
            pieces.append(clean(part))
    return Content.assemble(*pieces)


def join(lines: Iterable[Content | str], separator: str = "\n") -> Content:
    """Several lines (or pieces) as one content; ``str`` items are plain user text."""
    return Content(separator).join(item if isinstance(item, Content) else plain(item) for item in lines)


def markup(template: str, **values: object) -> Content:
    """A static markup ``template`` whose ``$name`` variables are filled with ``values`` as plain
    text: Textual substitutes variables after it has parsed the tags, so a value's brackets, dollars
    and backslashes are never read as markup. The template itself must be ours, never user text."""
    return Content.from_markup(template, **{name: clean(value) for name, value in values.items()})


def escape(text: object) -> str:
    """Markup source that reads back as exactly ``text``: for the Textual APIs that take nothing but
    markup (palette command titles and help). Every ``[`` is escaped, so no tag can open."""
    return clean(text).replace("[", "\\[")


class _Notifier(Protocol):
    """The app or any widget: both have ``notify``."""

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None: ...


def notify(node: _Notifier, message: object, *, title: object = "",
           severity: SeverityLevel = "information", timeout: float | None = None) -> None:
    """A notification whose message and title are plain text (errors often quote user input)."""
    node.notify(clean(message), title=clean(title), severity=severity, timeout=timeout, markup=False)
