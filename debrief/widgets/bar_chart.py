"""Horizontal bars with labels: a count reads better as a bar than as a number in a table.

Each bar can carry a second, thinner bar (e.g. the buyer's reasons beside the rep's guesses), so
two series compare at a glance. Colours come from component classes, so every theme works.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual.app import RenderResult
from textual.content import Content
from textual.reactive import reactive
from textual.style import Style
from textual.widget import Widget

from debrief.widgets.plain import clean, clean_line

_EIGHTHS = " ▏▎▍▌▋▊▉"
MAX_BAR = 48
"""Longest bar in cells: on a wide terminal the numbers stay near their bars."""


@dataclass(frozen=True)
class Bar:
    """One row of the chart: a label, a value (and an optional second value), notes after the bars."""

    label: str
    value: float
    note: str = ""
    alt: float | None = None
    alt_note: str = ""

    def __post_init__(self) -> None:
        # Labels are competitors, stages and reasons as the rep typed them: one clean line each,
        # measured as drawn.
        # Notes are numbers padded to line up: cleaned, but their spaces are kept.
        object.__setattr__(self, "label", clean_line(self.label))
        for name in ("note", "alt_note"):
            object.__setattr__(self, name, clean(getattr(self, name)))


def bar_text(value: float, top: float, width: int, block: str | None = None) -> str:
    """A bar ``width`` cells long at ``top``: in eighths of a cell so small differences show, or
    in whole cells of ``block`` (a second series drawn in another shape, for themes without colour)."""
    if top <= 0 or value <= 0 or width <= 0:
        return ""
    if block is not None:
        return block * max(1, round(value / top * width))
    whole, rest = divmod(max(1, round(value / top * width * 8)), 8)
    return "█" * whole + (_EIGHTHS[rest] if rest else "")


class BarChart(Widget):
    """Labelled horizontal bars, optionally in pairs, with a legend for the two series."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "bar-chart--bar",
        "bar-chart--alt",
        "bar-chart--label",
        "bar-chart--note",
        "bar-chart--legend",
    }

    DEFAULT_CSS = """
    BarChart {
        height: auto;
        width: 1fr;
    }
    BarChart > .bar-chart--bar {
        color: $primary;
    }
    BarChart > .bar-chart--alt {
        color: $accent;
    }
    BarChart > .bar-chart--label {
        color: $foreground;
    }
    BarChart > .bar-chart--note {
        color: $text-muted;
    }
    BarChart > .bar-chart--legend {
        color: $text-muted;
        text-style: italic;
    }
    """

    bars: reactive[tuple[Bar, ...]] = reactive((), layout=True)
    """The rows, top to bottom."""

    def __init__(
        self,
        bars: Sequence[Bar] = (),
        *,
        legend: tuple[str, str] | None = None,
        empty: str = "Nothing to show yet.",
        label_width: int = 26,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.legend = legend
        self.empty = empty
        self.max_label_width = label_width
        self.set_reactive(BarChart.bars, tuple(bars))

    def render(self) -> RenderResult:
        bars = self.bars
        if not bars:
            return Content.styled(self.empty, self.get_visual_style("bar-chart--note", partial=True))
        bar_style = self.get_visual_style("bar-chart--bar", partial=True)
        alt_style = self.get_visual_style("bar-chart--alt", partial=True)
        label_style = self.get_visual_style("bar-chart--label", partial=True)
        note_style = self.get_visual_style("bar-chart--note", partial=True)
        paired = any(bar.alt is not None for bar in bars)
        label_width = min(self.max_label_width, max(len(bar.label) for bar in bars))
        note_width = max(len(bar.note) for bar in bars)
        if paired:
            note_width = max(note_width, *(len(bar.alt_note) for bar in bars))
        width = max(4, min(MAX_BAR, self.size.width - label_width - note_width - 2))
        top = max(max(bar.value, bar.alt or 0) for bar in bars)
        lines: list[Content] = []
        if paired and self.legend:
            legend = Content.assemble(
                (" " * (label_width + 1), ""), ("██", bar_style), (f" {self.legend[0]}  ", note_style),
                ("▆▆", alt_style), (f" {self.legend[1]}", note_style),
            )
            lines.append(legend)
        for bar in bars:
            label = bar.label if len(bar.label) <= label_width else bar.label[: label_width - 1] + "…"
            drawn = bar_text(bar.value, top, width)
            lines.append(Content.assemble(
                (label.ljust(label_width) + " ", label_style), (drawn, bar_style),
                (" " * (width - len(drawn)) + " ", ""), (bar.note.ljust(note_width), note_style),
            ))
            if bar.alt is not None:
                alt = bar_text(bar.alt, top, width, block="▆")
                lines.append(Content.assemble(
                    (" " * (label_width + 1), ""), (alt, alt_style),
                    (" " * (width - len(alt)) + " ", ""), (bar.alt_note.ljust(note_width), note_style),
                ))
        return Content("\n").join(lines)


_RISING = " ▁▂▃▄▅▆▇█"


@dataclass(frozen=True)
class Column:
    """One column of a column chart: a label below, a value (None: no data), a note above."""

    label: str
    value: float | None
    note: str = ""

    def __post_init__(self) -> None:
        for name in ("label", "note"):
            object.__setattr__(self, name, clean_line(getattr(self, name)))


class ColumnChart(Widget):
    """Vertical columns over time (quarters): the height shows the trend, the note the number.

    Drawn here rather than by a plotting library so that it takes the theme's colours and looks the
    same on every run (snapshots).
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "column-chart--bar",
        "column-chart--label",
        "column-chart--note",
    }

    DEFAULT_CSS = """
    ColumnChart {
        height: auto;
        width: 1fr;
    }
    ColumnChart > .column-chart--bar {
        color: $primary;
    }
    ColumnChart.-accent > .column-chart--bar {
        color: $accent;
    }
    ColumnChart > .column-chart--label {
        color: $foreground;
    }
    ColumnChart > .column-chart--note {
        color: $text-muted;
    }
    """

    columns: reactive[tuple[Column, ...]] = reactive((), layout=True)
    """The columns, left to right."""

    def __init__(
        self,
        columns: Sequence[Column] = (),
        *,
        rows: int = 8,
        top: float | None = None,
        empty: str = "Nothing to show yet.",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.rows = rows
        self.top = top
        """The value of a full column (e.g. 100 for shares in percent); the largest value if None."""
        self.empty = empty
        self.set_reactive(ColumnChart.columns, tuple(columns))

    def render(self) -> RenderResult:
        columns = self.columns
        note_style = self.get_visual_style("column-chart--note", partial=True)
        if not columns:
            return Content.styled(self.empty, note_style)
        bar_style = self.get_visual_style("column-chart--bar", partial=True)
        label_style = self.get_visual_style("column-chart--label", partial=True)
        top = self.top or max([c.value or 0 for c in columns] + [1])
        widths = [max(len(c.label), len(c.note), 2) for c in columns]
        gap = 1 if sum(widths) + 2 * (len(widths) - 1) > self.size.width else 2
        shapes = []
        for column in columns:
            eighths = round(min(column.value or 0, top) / top * self.rows * 8) if top > 0 else 0
            full, rest = divmod(eighths, 8)
            shapes.append((full, rest, full + (1 if rest else 0)))  # the note sits just above the column
        lines: list[Content] = []
        for level in range(self.rows, -1, -1):  # top line first; the extra top line is for notes
            parts: list[str | tuple[str, str | Style]] = []
            for index, (column, width, (full, rest, note_level)) in enumerate(zip(columns, widths, shapes,
                                                                                   strict=True)):
                if index:
                    parts.append(" " * gap)
                if column.value is not None and level < full:
                    parts.append(("█" * width, bar_style))
                elif column.value is not None and level == full and rest:
                    parts.append((_RISING[rest] * width, bar_style))
                elif level == (note_level if column.value is not None else 0):
                    parts.append((column.note.center(width), note_style))
                else:
                    parts.append(" " * width)
            lines.append(Content.assemble(*parts))
        labels: list[str | tuple[str, str | Style]] = []
        for index, (column, width) in enumerate(zip(columns, widths, strict=True)):
            if index:
                labels.append(" " * gap)
            labels.append((column.label.center(width), label_style))
        lines.append(Content.assemble(*labels))
        return Content("\n").join(lines)
