"""Two lists for building a call script: the bank's questions to pick from, and the chosen order.

Both are option lists that hold no state of their own: the screen owns the selection and tells
them what to show, they report what the rep asked for as messages. So the keys, the footer and
the saved data all follow one source of truth.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from debrief.widgets.plain import markup


@dataclass(frozen=True)
class QuestionRow:
    """One question as the lists show it."""

    id: str
    text: str
    minutes: float
    phase_title: str = ""
    flagged: bool = False
    custom: bool = False
    reworded: bool = False


def _minutes(value: float) -> str:
    return f"{value:g}m".rjust(4)


def _question_prompt(row: QuestionRow, mark: str, mark_style: str) -> Content:
    # The question's text is a template variable: Textual fills it in after reading the tags.
    flag = " [$warning]⚠ tone[/]" if row.flagged else ""
    return markup(
        f"[{mark_style}]$mark[/] [$text-muted]$minutes[/] $text{flag}",
        mark=mark,
        minutes=_minutes(row.minutes),
        text=row.text,
    )


class QuestionPicker(OptionList):
    """The bank's questions grouped by phase; space (or enter) picks or drops one."""

    BINDINGS = [
        Binding("space", "pick", "Pick/drop", id="prepare.pick",
                tooltip="Add the highlighted question to the script, or drop it"),
    ]

    @dataclass
    class Toggled(Message):
        """The rep wants this question in the script, or out of it."""

        question_id: str

    @dataclass
    class Shown(Message):
        """The highlighted question changed (the screen shows its details)."""

        question_id: str | None

    def show(self, phases: list[tuple[str, list[QuestionRow]]], chosen: set[str]) -> None:
        """Show ``phases`` (title, rows), marking the chosen questions; keeps the highlight."""
        highlighted = self.highlighted_option.id if self.highlighted_option else None
        options: list[Option] = []
        for title, rows in phases:
            options.append(Option(markup("[b $text-accent]$title[/]", title=title),
                                  disabled=True))
            options += [Option(self._prompt(row, row.id in chosen), id=row.id) for row in rows]
        self.set_options(options)
        self._rows = {row.id: row for _, rows in phases for row in rows}
        if highlighted is not None and highlighted in self._rows:
            self.highlighted = self.get_option_index(highlighted)
        else:
            self.highlighted = next((i for i, option in enumerate(self.options) if not option.disabled), None)

    def mark(self, chosen: set[str]) -> None:
        """Update the pick marks without rebuilding the list (keeps scroll and highlight)."""
        for question_id, row in getattr(self, "_rows", {}).items():
            self.replace_option_prompt(question_id, self._prompt(row, question_id in chosen))

    @staticmethod
    def _prompt(row: QuestionRow, chosen: bool) -> Content:
        return _question_prompt(row, "✓" if chosen else "·", "$success" if chosen else "$text-muted")

    def action_pick(self) -> None:
        option = self.highlighted_option
        if option is not None and option.id is not None and not option.disabled:
            self.post_message(self.Toggled(option.id))

    def _on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.Toggled(event.option.id))

    def _on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self.post_message(self.Shown(event.option.id))


class ScriptList(OptionList):
    """The chosen questions in the order they will be asked; drop and reorder with keys."""

    BINDINGS = [
        Binding("space,delete", "drop", "Drop", id="prepare.drop",
                tooltip="Take the highlighted question out of the script"),
        Binding("left_square_bracket,shift+up,ctrl+up", "move(-1)", "Move up", id="prepare.move_up",
                tooltip="Ask the highlighted question earlier", key_display="["),
        Binding("right_square_bracket,shift+down,ctrl+down", "move(1)", "Move down",
                id="prepare.move_down", key_display="]",
                tooltip="Ask the highlighted question later"),
    ]

    @dataclass
    class Dropped(Message):
        """The rep took this question out of the script."""

        question_id: str

    @dataclass
    class Moved(Message):
        """The rep moved this question ``delta`` places (negative: earlier)."""

        question_id: str
        delta: int

    @dataclass
    class Shown(Message):
        """The highlighted question changed (the screen shows its details)."""

        question_id: str | None

    def show(self, rows: list[QuestionRow], highlight: str | None = None) -> None:
        """Show the script's questions, numbered; highlight ``highlight`` (or keep the current)."""
        if highlight is None and self.highlighted_option is not None:
            highlight = self.highlighted_option.id
        index = self.highlighted or 0
        options = [Option(self._prompt(number, row), id=row.id) for number, row in enumerate(rows, 1)]
        self.set_options(options)
        ids = [row.id for row in rows]
        if highlight in ids:
            self.highlighted = ids.index(highlight)
        elif ids:
            self.highlighted = min(index, len(ids) - 1)

    @staticmethod
    def _prompt(number: int, row: QuestionRow) -> Content:
        mark = f"{number:>2}."
        prompt = _question_prompt(row, mark, "$text-accent")
        if row.custom:
            prompt = prompt + markup(" [$text-muted](yours)[/]")
        elif row.reworded:
            prompt = prompt + markup(" [$text-muted](reworded)[/]")
        return prompt

    def action_drop(self) -> None:
        option = self.highlighted_option
        if option is not None and option.id is not None:
            self.post_message(self.Dropped(option.id))

    def action_move(self, delta: int) -> None:
        option = self.highlighted_option
        if option is not None and option.id is not None:
            self.post_message(self.Moved(option.id, delta))

    def _on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self.post_message(self.Shown(event.option.id))

    def _on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
