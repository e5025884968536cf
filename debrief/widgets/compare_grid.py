"""The side-by-side grid: one row per question across two to four debriefs, in one scroll.

A single scrolling widget holds every column, so all columns scroll together by construction.
Cells are wrapped here once per width and only the lines in view are drawn (the Line API), so
four debriefs of 40 long answers are laid out and drawn in a few tens of milliseconds (a
DataTable measuring every cell took a third of a second). Rows where the debriefs differ are
marked ≠ in the first column; answer states carry their own colours, and reasons only some of
the debriefs gave stand out.
"""

from __future__ import annotations

import textwrap
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size, Spacing
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from debrief.core.facts import reason_label
from debrief.core.model import Answer, AnswerState
from debrief.core.review import Comparison, QuestionRow
from debrief.widgets.plain import clean, clean_line

DIFFERS = "≠"
STATE_STYLES = {
    AnswerState.ANSWERED: "answered",
    AnswerState.CLARIFIED: "clarified",
    AnswerState.UNCLEAR: "unclear",
    AnswerState.NOT_ASKED: "muted",
}
STATE_MARKS = {
    AnswerState.ANSWERED: "● answered",
    AnswerState.CLARIFIED: "● clarified",
    AnswerState.UNCLEAR: "? unclear",
    AnswerState.NOT_ASKED: "○ not asked",
}
PADDING = 1
HEADER_HEIGHT = 2

Piece = tuple[str, str | None]
"""Some words and the name of their style (a component class without its prefix)."""
Paragraph = list[Piece]
"""Pieces that flow together, words separated by single spaces."""
Cell = list[Paragraph]
"""A cell's paragraphs, each starting on a new line."""
Line = list[Piece]
"""One drawn line of a cell."""


def paragraphs(text: str, style: str | None = None) -> Cell:
    """Free text as paragraphs, one per non-blank line."""
    return [[(line, style)] for line in clean(text).splitlines() if line.strip()]


def _chop(word: str, width: int) -> list[str]:
    pieces, current = [], ""
    for char in word:
        if cell_len(current + char) > width:
            pieces.append(current)
            current = ""
        current += char
    return [*pieces, current] if current else pieces


def wrap_cell(cell: Cell, width: int) -> list[Line]:
    """The cell's words wrapped to ``width`` cells, each word keeping its style."""
    width = max(1, width)
    lines: list[Line] = []
    for paragraph in cell:
        if len(paragraph) == 1 and paragraph[0][0].isascii():  # the common case, done fast
            text, style = paragraph[0]
            text = clean(text)  # cells are drawn as segments, straight to the terminal
            lines += [[(line, style)] for line in textwrap.wrap(text, width, break_on_hyphens=False)] or [[]]
            continue
        line: Line = []
        column = 0
        for chunk, style in paragraph:
            for word in clean(chunk).split():
                for piece in _chop(word, width) if cell_len(word) > width else [word]:
                    size = cell_len(piece)
                    if column and column + 1 + size > width:
                        lines.append(line)
                        line, column = [], 0
                    elif column:
                        line.append((" ", None))
                        column += 1
                    line.append((piece, style))
                    column += size
        lines.append(line)
    return lines or [[]]


def line_text(line: Line) -> str:
    """The plain text of a drawn line."""
    return "".join(text for text, _ in line)


@dataclass
class GridRow:
    """One row: its name, its cells (label first) and how they wrap at the current widths."""

    name: str
    cells: list[Cell]
    differs: bool = False
    section: bool = False
    lines: list[list[Line]] = field(default_factory=list)
    height: int = 1


class CompareGrid(ScrollView, can_focus=True):
    """Deal facts, answers question by question, reasons, guess versus buyer, takeaways."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Read", id="compare.read", tooltip="Read the debrief in the cursor's column"),
        Binding("up", "cursor(-1, 0)", "Up", show=False, id="compare.up", tooltip="Previous row"),
        Binding("down", "cursor(1, 0)", "Down", show=False, id="compare.down", tooltip="Next row"),
        Binding("left", "cursor(0, -1)", "Left", show=False, id="compare.left", tooltip="Column to the left"),
        Binding("right", "cursor(0, 1)", "Right", show=False, id="compare.right", tooltip="Column to the right"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="compare.page_up", tooltip="One screen up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="compare.page_down", tooltip="One screen down"),
        Binding("home,ctrl+home", "edge(-1)", "Top", show=False, id="compare.top", tooltip="First row"),
        Binding("end,ctrl+end", "edge(1)", "Bottom", show=False, id="compare.bottom", tooltip="Last row"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "compare-grid--header",
        "compare-grid--fixed",
        "compare-grid--cursor",
        "compare-grid--section",
        "compare-grid--differs",
        "compare-grid--muted",
        "compare-grid--answered",
        "compare-grid--clarified",
        "compare-grid--unclear",
        "compare-grid--unique",
        "compare-grid--match",
        "compare-grid--miss",
        "compare-grid--company",
        "compare-grid--asked",
    }

    DEFAULT_CSS = """
    CompareGrid {
        background: $surface;
        color: $foreground;
        height: 1fr;
        scrollbar-gutter: stable;
    }
    CompareGrid:focus {
        background-tint: $foreground 5%;
    }
    CompareGrid > .compare-grid--header {
        background: $panel;
        color: $foreground;
    }
    CompareGrid > .compare-grid--fixed {
        background: $panel 60%;
    }
    CompareGrid > .compare-grid--cursor {
        background: $block-cursor-blurred-background;
    }
    CompareGrid:focus > .compare-grid--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
    }
    CompareGrid > .compare-grid--section {
        color: $text-accent;
        text-style: bold;
    }
    CompareGrid > .compare-grid--differs {
        color: $text-warning;
        text-style: bold;
    }
    CompareGrid > .compare-grid--muted {
        color: $text-muted;
    }
    CompareGrid > .compare-grid--answered {
        color: $text-success;
    }
    CompareGrid > .compare-grid--clarified {
        color: $text-primary;
    }
    CompareGrid > .compare-grid--unclear {
        color: $text-warning;
        text-style: bold;
    }
    CompareGrid > .compare-grid--unique {
        color: $text-warning;
        text-style: bold underline;
    }
    CompareGrid > .compare-grid--match {
        color: $text-success;
    }
    CompareGrid > .compare-grid--miss {
        color: $text-error;
    }
    CompareGrid > .compare-grid--company {
        text-style: bold;
    }
    CompareGrid > .compare-grid--asked {
        color: $text-muted;
        text-style: italic;
    }
    """

    cursor_row: reactive[int] = reactive(0)
    cursor_column: reactive[int] = reactive(0)

    @dataclass
    class CellSelected(Message):
        """Enter (or a second click) on a cell: ``column`` 0 is the question, 1.. the debriefs."""

        grid: CompareGrid
        row_name: str
        column: int

        @property
        def control(self) -> CompareGrid:
            return self.grid

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.comparison: Comparison | None = None
        self.only_differences = False
        self.rows: list[GridRow] = []
        self.offsets: list[int] = []
        """Where each row starts, in lines below the header."""
        self.widths: list[int] = []
        """Content width of each column (label first), without the padding."""
        self._headers: list[list[Line]] = []
        self._laid_out_width = 0

    # -- what the rest of the screen and the tests read -----------------------------------------

    @property
    def row_names(self) -> list[str]:
        """A name per row (``q:<question id>``, ``reason:<tag>``, ``section:...``)."""
        return [row.name for row in self.rows]

    @property
    def differing_rows(self) -> list[int]:
        """Indexes of the rows where the debriefs differ, for next/previous difference."""
        return [index for index, row in enumerate(self.rows) if row.differs]

    def cell_text(self, row: int, column: int) -> str:
        """The plain text of a cell as drawn, lines joined by newlines."""
        return "\n".join(line_text(line) for line in self.rows[row].lines[column])

    # -- building ------------------------------------------------------------------------------

    def show(self, comparison: Comparison, only_differences: bool = False) -> None:
        """Fill the grid with ``comparison`` (again, e.g. to show only the rows that differ)."""
        keep = self.rows[self.cursor_row].name if self.rows else None
        self.comparison = comparison
        self.only_differences = only_differences
        self.rows = [row for row in self._rows(comparison) if row.section or row.differs or not only_differences]
        self._layout(force=True)
        names = self.row_names
        self.cursor_row = names.index(keep) if keep in names else 0
        self.scroll_to_cursor()

    def _rows(self, comparison: Comparison) -> list[GridRow]:
        rows: list[GridRow] = []
        count = len(comparison.debriefs)
        blank: Cell = [[("—", "muted")]]

        def section(name: str, title: str, style: str = "section") -> None:
            rows.append(GridRow(f"section:{name}", [[[(clean_line(title), style)]], *([] for _ in range(count))],
                                section=True))

        def label(text: str, differs: bool) -> Cell:
            mark: Paragraph = [(DIFFERS, "differs")] if differs else []
            return [[*mark, (clean(text).strip(), None)]]

        section("deal", "The deal")
        for title, values, differs in comparison.deal_rows():
            rows.append(GridRow(f"deal:{title}", [label(title, differs),
                                                  *(paragraphs(value) or blank for value in values)], differs))
        section("answers", "Answers, question by question")
        if not comparison.rows:
            section("no-answers", "No questions asked yet", "muted")
        phase = ""
        for row in comparison.rows:
            if row.phase_title and row.phase_title != phase:
                phase = row.phase_title
                section(f"phase:{phase}", phase, "muted")
            # The head names the topic; each column words the question as its own debrief asked it.
            asked = row.asked or tuple("" for _ in row.answers)
            rows.append(GridRow(f"q:{row.question_id}", [label(row.topic, row.differs),
                                                        *(self._answer(answer, row, words)
                                                          for answer, words in zip(row.answers, asked, strict=True))],
                                row.differs))
        section("reasons", "Loss reasons")
        for line in comparison.reasons:
            cells: list[Cell] = []
            for index in range(count):
                said, guessed = line.said[index], line.guessed[index]
                checked = not line.checked or line.checked[index]  # a guess is no miss before any tag
                style = ("match" if said and guessed else "unclear" if said else
                         "miss" if guessed and checked else "muted")
                cells.append([[(line.cell(index) or "—", style)]])
            rows.append(GridRow(f"reason:{line.tag}", [label(line.label, line.differs), *cells], line.differs))
        section("guess", "My guess versus the buyer")
        guesses = comparison.guesses
        for name, title, values, differs in comparison.guess_rows():
            rows.append(GridRow(f"guess:{name}", [label(title, differs),
                                                  *(paragraphs(value) or blank for value in values)], differs))
        results: list[Cell] = []
        for guess in guesses:
            accuracy = guess.accuracy
            results.append([[(guess.cell(), "muted" if accuracy is None else "match" if accuracy >= 0.5
                              else "miss")]])
        differs = comparison.results_differ
        rows.append(GridRow("guess:result", [label("Result", differs), *results], differs))
        section("takeaways", "Takeaways")
        for title, texts in comparison.takeaway_rows():
            rows.append(GridRow(f"take:{title}", [label(title, False), *(paragraphs(text) or blank for text in texts)]))
        return rows

    def _answer(self, answer: Answer | None, row: QuestionRow, asked: str = "") -> Cell:
        if answer is None:
            return [[("— not in this script", "muted")]]
        cell: Cell = [[(f"“{clean_line(asked)}”", "asked")]] if asked.strip() else []
        cell.append([(STATE_MARKS[answer.state], STATE_STYLES[answer.state])])
        cell += paragraphs(answer.notes)
        clarified = paragraphs(answer.clarified)
        if clarified:
            cell += [[("Clarified:", "clarified"), *clarified[0]], *clarified[1:]]
        if answer.tags:
            # A reason every debrief gave reads quietly; one only some gave stands out.
            shared = set.intersection(*(set(a.tags) if a is not None else set() for a in row.answers))
            tags: Paragraph = []
            for position, tag in enumerate(answer.tags):
                if position:
                    tags.append(("·", "muted"))
                tags.append((reason_label(tag), "muted" if tag in shared else "unique"))
            cell.append(tags)
        return cell

    def _widths_for(self, width: int, columns: int) -> list[int]:
        available = max(40, width - self.styles.scrollbar_size_vertical - 2 * PADDING * (columns + 1))
        first = max(14, min(40, available // 4 if columns > 2 else available // 3))
        rest = max(12, (available - first) // columns)
        return [first, *([rest] * columns)]

    def _layout(self, force: bool = False) -> None:
        """Wrap every cell at the column widths of the current size (again only when it changed)."""
        if self.comparison is None or not self.size.width or (not force and self.size.width == self._laid_out_width):
            return
        self._laid_out_width = self.size.width
        self.widths = self._widths_for(self.size.width, len(self.comparison.debriefs))
        self._headers = [[[("Question", "section")], []]]
        for debrief, width in zip(self.comparison.debriefs, self.widths[1:], strict=True):
            company = clean_line(debrief.company)
            if cell_len(company) > width:
                company = company[: max(1, width - 1)] + "…"
            self._headers.append([[(company, "company")], [(f"{debrief.id} · {debrief.lost_on.isoformat()}"[:width],
                                                            "muted")]])
        offsets, top = [], 0
        empty: list[Line] = [[]]
        for row in self.rows:
            if row.section:  # one line, the title in the first column
                row.lines = [[row.cells[0][0]], *(empty for _ in row.cells[1:])]
            else:
                row.lines = [wrap_cell(cell, width) for cell, width in zip(row.cells, self.widths, strict=True)]
            row.height = max(len(lines) for lines in row.lines)
            offsets.append(top)
            top += row.height
        self.offsets = offsets
        total_width = sum(width + 2 * PADDING for width in self.widths)
        self.virtual_size = Size(total_width, HEADER_HEIGHT + top)
        self.refresh()

    def on_resize(self, _event: events.Resize) -> None:
        self._layout()
        self.scroll_to_cursor()

    # -- drawing ---------------------------------------------------------------------------------

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"compare-grid--{name}", partial=True)

    def render_line(self, y: int) -> Strip:
        base = self.rich_style
        if y < HEADER_HEIGHT:
            header = base + self.get_component_rich_style("compare-grid--header", partial=True)
            return self._strip([self._headers[c][y] if c < len(self._headers) else []
                                for c in range(len(self.widths))], header, header, None)
        line = y + int(self.scroll_y) - HEADER_HEIGHT  # the header stays put; the rows scroll under it
        index = bisect_right(self.offsets, line) - 1
        if not self.rows or index < 0 or index >= len(self.rows):
            return Strip.blank(self.size.width, base)
        row = self.rows[index]
        within = line - self.offsets[index]
        if within >= row.height:
            return Strip.blank(self.size.width, base)
        fixed = base + self.get_component_rich_style("compare-grid--fixed", partial=True)
        cells = [lines[within] if within < len(lines) else [] for lines in row.lines]
        cursor_column = self.cursor_column if index == self.cursor_row else None
        return self._strip(cells, base, fixed, cursor_column)

    def _strip(self, cells: list[Line], base: Style, first: Style, cursor_column: int | None) -> Strip:
        cursor = self.get_component_rich_style("compare-grid--cursor", partial=True)
        segments: list[Segment] = []
        for column, (line, width) in enumerate(zip(cells, self.widths, strict=False)):
            style = first if column == 0 else base
            if column == cursor_column:
                style = style + cursor
            segments.append(Segment(" " * PADDING, style))
            used = 0
            for text, name in line:
                segments.append(Segment(text, style + self._style(name) if name else style))
                used += cell_len(text)
            segments.append(Segment(" " * (max(0, width - used) + PADDING), style))
        strip = Strip(segments)
        return strip.crop_extend(int(self.scroll_x), int(self.scroll_x) + self.size.width, base)

    # -- the cursor ------------------------------------------------------------------------------

    def watch_cursor_row(self) -> None:
        self.refresh()

    def watch_cursor_column(self) -> None:
        self.refresh()

    def validate_cursor_row(self, value: int) -> int:
        return max(0, min(value, len(self.rows) - 1)) if self.rows else 0

    def validate_cursor_column(self, value: int) -> int:
        return max(0, min(value, len(self.widths) - 1)) if self.widths else 0

    def move_cursor(self, row: int | None = None, column: int | None = None) -> None:
        """Put the cursor on a cell and bring its row into view."""
        if row is not None:
            self.cursor_row = row
        if column is not None:
            self.cursor_column = column
        self.scroll_to_cursor()

    def scroll_to_cursor(self) -> None:
        """Scroll so the cursor's row shows below the header."""
        if not self.rows or not self.offsets:
            return
        height = min(self.rows[self.cursor_row].height, max(1, self.size.height - HEADER_HEIGHT))
        region = Region(0, HEADER_HEIGHT + self.offsets[self.cursor_row], 1, height)
        self.scroll_to_region(region, spacing=Spacing(HEADER_HEIGHT, 0, 0, 0), animate=False, force=True,
                              x_axis=False, immediate=True)

    def action_cursor(self, rows: int, columns: int) -> None:
        self.move_cursor(self.cursor_row + rows, self.cursor_column + columns)

    def action_page(self, direction: int) -> None:
        """Move by a screenful: the first row whose top is a page away."""
        if not self.rows:
            return
        target = self.offsets[self.cursor_row] + direction * max(1, self.size.height - HEADER_HEIGHT - 1)
        self.move_cursor(max(0, bisect_right(self.offsets, max(0, target)) - 1 + (1 if direction > 0 else 0)))

    def action_edge(self, direction: int) -> None:
        self.move_cursor(0 if direction < 0 else len(self.rows) - 1)

    def action_select(self) -> None:
        if self.rows:
            self.post_message(self.CellSelected(self, self.rows[self.cursor_row].name, self.cursor_column))

    def on_click(self, event: events.Click) -> None:
        """A click puts the cursor on a cell; a second click on it selects it."""
        if event.y < HEADER_HEIGHT or not self.rows:
            return
        row = bisect_right(self.offsets, event.y + int(self.scroll_y) - HEADER_HEIGHT) - 1
        x, column = event.x + int(self.scroll_x), 0
        for index, width in enumerate(self.widths):
            if x < width + 2 * PADDING:
                column = index
                break
            x -= width + 2 * PADDING
        else:
            column = len(self.widths) - 1
        if (row, column) == (self.cursor_row, self.cursor_column):
            self.action_select()
        else:
            self.move_cursor(row, column)

    def jump_difference(self, forward: bool = True) -> bool:
        """Move the cursor to the next (or previous) row where the debriefs differ; False at the end."""
        current = self.cursor_row
        candidates = [i for i in self.differing_rows if (i > current if forward else i < current)]
        if not candidates:
            return False
        self.move_cursor(candidates[0] if forward else candidates[-1], max(1, self.cursor_column))
        return True
