"""The call's questions at a glance: number, state and text, the current one highlighted.

Never takes focus (the notes keep it); long lists scroll so the current question stays in view.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.widget import Widget

from debrief.core.model import AnswerState
from debrief.widgets.plain import clean_line

STATE_GLYPHS: dict[AnswerState, str] = {
    AnswerState.NOT_ASKED: "○",
    AnswerState.ANSWERED: "●",
    AnswerState.UNCLEAR: "?",
    AnswerState.CLARIFIED: "✓",
}
"""One character per answer state; the legend sits at the bottom of the list."""

STATE_WORDS: dict[AnswerState, str] = {
    AnswerState.NOT_ASKED: "not asked",
    AnswerState.ANSWERED: "answered",
    AnswerState.UNCLEAR: "unclear",
    AnswerState.CLARIFIED: "clarified",
}


@dataclass(frozen=True)
class QuestionRow:
    """What the list shows of one question."""

    text: str
    state: AnswerState
    adhoc: bool = False


class QuestionList(Widget, can_focus=False):
    """Every question of the script with its state; ``current`` is highlighted."""

    DEFAULT_CSS = """
    QuestionList {
        height: 1fr;
        padding: 0 1 0 0;
        & > .question-list--current { background: $primary 40%; text-style: bold; }
        & > .question-list--number { color: $text-muted; }
        & > .question-list--not_asked { color: $text-muted; }
        & > .question-list--answered { color: $text-success; }
        & > .question-list--unclear { color: $text-warning; text-style: bold; }
        & > .question-list--clarified { color: $text-accent; }
        & > .question-list--legend { color: $text-muted; }
    }
    """

    COMPONENT_CLASSES = {
        "question-list--current",
        "question-list--number",
        "question-list--not_asked",
        "question-list--answered",
        "question-list--unclear",
        "question-list--clarified",
        "question-list--legend",
    }

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.rows: list[QuestionRow] = []
        self.current = 0

    def show(self, rows: list[QuestionRow], current: int) -> None:
        """Replace what the list shows."""
        self.rows = rows
        self.current = current
        self.refresh()

    def _window(self, height: int) -> range:
        """The rows that fit, scrolled so the current question is visible with one row of context."""
        count = len(self.rows)
        if count <= height:
            return range(count)
        start = min(max(self.current - height // 3, 0), count - height)
        return range(start, start + height)

    def render(self) -> Text:
        width = max(self.size.width, 8)
        height = max(self.size.height - 2, 1)  # the two-line legend at the bottom
        if not self.rows:
            return Text("No questions yet", style=self.get_component_rich_style("question-list--legend"))
        number_width = len(str(len(self.rows)))
        lines: list[Text] = []
        for index in self._window(height):
            row = self.rows[index]
            line = Text(no_wrap=True, overflow="ellipsis")
            number = f"{index + 1:>{number_width}}"
            line.append(number, self.get_component_rich_style("question-list--number"))
            line.append(" ")
            line.append(STATE_GLYPHS[row.state], self.get_component_rich_style(f"question-list--{row.state.value}"))
            line.append(" ")
            room = width - number_width - 3
            label = ("+ " if row.adhoc else "") + clean_line(row.text)
            line.append(clean_line(label, room))
            if index == self.current:
                line.stylize(self.get_component_rich_style("question-list--current"))
                line.pad_right(max(width - line.cell_len, 0))
            lines.append(line)
        while len(lines) < height:
            lines.append(Text(""))
        legend_style = self.get_component_rich_style("question-list--legend")
        states = list(STATE_GLYPHS)
        for pair in (states[:2], states[2:]):
            lines.append(Text("  ".join(f"{STATE_GLYPHS[state]} {STATE_WORDS[state]}" for state in pair),
                              style=legend_style, no_wrap=True, overflow="ellipsis"))
        return Text("\n").join(lines)
