"""Dates typed the way a rep says them ("next friday", "in 2 weeks"), checked as they type.

A bad date is marked on the field and explained beside it; it never raises and never replaces
the last good date, so a half-typed "next fri" cannot erase a saved check-in. Each field says
which side of today it belongs on (a follow-up happened, a check-in is ahead) and the core's one
date parser applies that rule to what is typed; a stored date shown again is kept as it is, so an
overdue check-in is still a check-in, not an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.validation import ValidationResult, Validator
from textual.widgets import Input, Static

from debrief.core.dates import Tense, format_date, parse_date
from debrief.widgets.keys import fill

DATE_HINT = "YYYY-MM-DD, today, in 2 weeks, in 3 months, next friday"


class _DateValidator(Validator):
    """Lets Textual mark the field invalid with the parser's own one-line reason."""

    def __init__(self, field: DateInput) -> None:
        super().__init__()
        self.field = field

    def validate(self, value: str) -> ValidationResult:
        _, error = self.field.read(value)
        return self.success() if error is None else self.failure(error)


class DateInput(Input):
    """A one-line date field; ``date_value`` is the last date it could read (or None when cleared)."""

    def __init__(
        self,
        value: date | None = None,
        *,
        today: date,
        required: bool = False,
        tense: Tense = Tense.ANY,
        placeholder: str = "YYYY-MM-DD",
        id: str | None = None,
        classes: str | None = None,
        tooltip: str | None = None,
    ) -> None:
        self.today = today
        self.required = required
        self.tense = tense
        self.initial = value
        """The stored date: shown again unchanged, it is accepted whichever side of today it is."""
        self.date_value: date | None = value
        super().__init__(
            format_date(value),
            placeholder=placeholder,
            validators=[_DateValidator(self)],
            valid_empty=not required,
            compact=True,
            id=id,
            classes=classes,
        )
        self.tooltip = tooltip or f"A date: {DATE_HINT}"

    def read(self, text: str | None = None) -> tuple[date | None, str | None]:
        """The date in ``text`` (default: the field) and the reason it cannot be read, if any."""
        words = (self.value if text is None else text).strip()
        if not words:
            return None, ("a date is needed" if self.required else None)
        if self.initial is not None and words == format_date(self.initial):
            return self.initial, None
        try:
            return parse_date(words, self.today, tense=self.tense), None
        except ValueError as error:
            return None, str(error)

    @property
    def error(self) -> str | None:
        """Why the current text is not a date (None when it is, or is an allowed blank)."""
        return self.read()[1]

    @on(Input.Changed)
    def _remember(self, event: Input.Changed) -> None:
        value, error = self.read(event.value)
        if error is None:
            self.date_value = value

    @on(Input.Blurred)
    def _normalise(self) -> None:
        """Show what was understood: "next friday" becomes the ISO date when the rep moves on."""
        value, error = self.read()
        if error is None and value is not None and self.value.strip() != format_date(value):
            self.value = format_date(value)


def describe(value: date, today: date) -> str:
    """``Fri 2026-12-04 · in 11 days``: the date as understood, relative to today."""
    delta = (value - today).days
    relative = {0: "today", 1: "tomorrow", -1: "yesterday"}.get(delta)
    if relative is None:
        relative = f"in {delta} days" if delta > 0 else f"{-delta} days ago"
    return f"{value.strftime('%a')} {format_date(value)} · {relative}"


class DateField(Horizontal):
    """A date input with, beside it, the date as understood or why it cannot be read.

    Empty, it shows ``empty_hint`` beside the input, so an unset date reads as unset rather than
    as a dim value in the box; the hint may name keys (``{wrapup.suggest_move_on}``), read from the
    bindings each time it is drawn.
    """

    DEFAULT_CSS = """
    DateField {
        height: 1;
        width: 1fr;
        & > DateInput { width: 16; }
        & > .date-hint { width: 1fr; padding: 0 1; color: $text-muted; }
        & > .date-hint.-unset { color: $foreground; text-style: italic; }
        & > .date-hint.-error { color: $text-error; }
    }
    """

    @dataclass
    class Changed(Message):
        """The field now reads a new date (or was cleared); invalid text posts nothing."""

        field: DateField
        value: date | None

    def __init__(
        self,
        value: date | None = None,
        *,
        today: date,
        tense: Tense = Tense.ANY,
        placeholder: str = "YYYY-MM-DD",
        empty_hint: str = "",
        id: str | None = None,
        tooltip: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.today = today
        self.empty_hint = empty_hint
        self.input = DateInput(value, today=today, tense=tense, placeholder=placeholder, tooltip=tooltip)
        self.hint = Static("", classes="date-hint", markup=False)

    def compose(self) -> ComposeResult:
        yield self.input
        yield self.hint

    def on_mount(self) -> None:
        self._show()
        if "{" in self.empty_hint:  # a key named in the hint follows a keymap change
            self.screen.bindings_updated_signal.subscribe(self, lambda _screen: self._show())

    @property
    def value(self) -> date | None:
        """The last date read (None when cleared)."""
        return self.input.date_value

    @property
    def error(self) -> str | None:
        """Why the typed text is not a date, or None."""
        return self.input.error

    def set_value(self, value: date | None) -> None:
        """Put a date in the field (a suggestion the rep accepted)."""
        self.input.value = format_date(value)
        self.input.date_value = value
        self._show()

    def _show(self) -> None:
        value, error = self.input.read()
        if error is not None:
            self.hint.update(error)
        elif value is not None:
            self.hint.update(describe(value, self.today))
        else:
            self.hint.update(fill(self, self.empty_hint) if "{" in self.empty_hint else self.empty_hint)
        self.hint.set_class(error is not None, "-error")
        self.hint.set_class(error is None and value is None, "-unset")

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        _, error = self.input.read(event.value)
        self._show()
        if error is None:
            self.post_message(self.Changed(self, self.input.date_value))
