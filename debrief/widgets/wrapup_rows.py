"""Editable rows of the wrap-up: one action item, one follow-up attempt.

Each row edits in place (no edit mode to enter and leave): whatever the rep types is what gets
saved. A row says when it changed or asks to be removed; the screen decides what to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Checkbox, Input, Static

from debrief.core.dates import Tense
from debrief.core.model import ActionItem, FollowUp
from debrief.widgets.date_input import DateInput
from debrief.widgets.plain import plain


class EditableRow(Vertical):
    """A row of fields with, under it, a line that appears only to explain a bad date."""

    DEFAULT_CSS = """
    EditableRow {
        height: auto;
        & > Horizontal { height: 1; }
        & Input { margin: 0 1 0 0; }
        & Checkbox { margin: 0 1 0 0; }
        & Button { min-width: 3; width: 3; }
        & > .row-error { display: none; color: $text-error; padding: 0 0 0 2; }
        & > .row-error.-shown { display: block; }
    }
    """

    @dataclass
    class Changed(Message):
        """Something in the row was edited."""

        row: EditableRow

    @dataclass
    class RemoveRequested(Message):
        """The rep asked to remove this row."""

        row: EditableRow

    def __init__(self, *, classes: str | None = None) -> None:
        super().__init__(classes=classes)
        self.error_line = Static("", classes="row-error", markup=False)

    def date_inputs(self) -> list[DateInput]:
        """The row's date fields (to explain which one is wrong)."""
        return list(self.query(DateInput))

    def _show_error(self) -> None:
        errors = [error for field in self.date_inputs() if (error := field.error)]
        self.error_line.update(plain("; ".join(errors)))  # a date error quotes what was typed
        self.error_line.set_class(bool(errors), "-shown")

    @on(Input.Changed)
    @on(Checkbox.Changed)
    def _edited(self, event: Input.Changed | Checkbox.Changed) -> None:
        event.stop()
        self._show_error()
        self.post_message(self.Changed(self))

    @on(Button.Pressed, ".remove")
    def _remove(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.RemoveRequested(self))

    def focus_first(self) -> None:
        """Put the cursor where the rep starts typing in this row."""
        self.query(Input).first().focus()


class ActionItemRow(EditableRow):
    """One action item: done, what, who, by when."""

    DEFAULT_CSS = """
    ActionItemRow {
        & .item-done { width: 5; }
        & .item-text { width: 1fr; }
        & .item-owner { width: 14; }
        & .item-due { width: 12; }
        &.-done .item-text { text-style: strike; color: $text-muted; }
    }
    """

    def __init__(self, item: ActionItem | None, *, today: date) -> None:
        super().__init__(classes="action-row")
        self.done_box = Checkbox("", item.done if item else False, compact=True, classes="item-done",
                             tooltip="Done (the footer shows the key)")
        self.text_input = Input(item.text if item else "", placeholder="What will you do?", compact=True,
                          classes="item-text")
        self.owner_input = Input(item.owner if item else "", placeholder="Owner", compact=True, classes="item-owner")
        self.due_input = DateInput(item.due if item else None, today=today, tense=Tense.FUTURE, placeholder="Due",
                                   classes="item-due")

    def on_mount(self) -> None:
        self.set_class(self.done_box.value, "-done")

    @on(Checkbox.Changed)
    def _done_changed(self, event: Checkbox.Changed) -> None:
        self.set_class(event.value, "-done")

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield self.done_box
            yield self.text_input
            yield self.owner_input
            yield self.due_input
            yield Button("✕", compact=True, classes="remove", tooltip="Remove this action item")
        yield self.error_line

    def focus_first(self) -> None:
        self.text_input.focus()

    def to_item(self) -> ActionItem | None:
        """The action item as typed; None while it has no text (nothing to do yet)."""
        if not self.text_input.value.strip():
            return None
        return ActionItem(text=self.text_input.value.strip(), owner=self.owner_input.value.strip(),
                          due=self.due_input.date_value, done=self.done_box.value)

    def toggle_done(self) -> None:
        """Mark done, or open again."""
        self.done_box.value = not self.done_box.value


class FollowUpRow(EditableRow):
    """One contact attempt after the call: when, how, what came of it."""

    DEFAULT_CSS = """
    FollowUpRow {
        & .follow-on { width: 12; }
        & .follow-channel { width: 14; }
        & .follow-outcome { width: 1fr; }
    }
    """

    def __init__(self, entry: FollowUp | None, *, today: date) -> None:
        super().__init__(classes="follow-row")
        self.date_input = DateInput(entry.on if entry else today, today=today, required=True, tense=Tense.PAST,
                                 placeholder="Date", classes="follow-on")
        self.channel_input = Input(entry.channel if entry else "", placeholder="Channel", compact=True,
                             classes="follow-channel")
        self.outcome_input = Input(entry.outcome if entry else "", placeholder="What came of it?", compact=True,
                             classes="follow-outcome")

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield self.date_input
            yield self.channel_input
            yield self.outcome_input
            yield Button("✕", compact=True, classes="remove", tooltip="Remove this entry")
        yield self.error_line

    def focus_first(self) -> None:
        self.channel_input.focus()

    def to_entry(self) -> FollowUp | None:
        """The attempt as typed; None while its date was never readable."""
        if self.date_input.date_value is None:
            return None
        return FollowUp(on=self.date_input.date_value, channel=self.channel_input.value.strip(),
                        outcome=self.outcome_input.value.strip())
