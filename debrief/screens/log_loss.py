"""Log a loss: the deal, first impressions while they are fresh, red flags, the rep's own guess.

Nothing typed is lost: the form keeps a draft file (written atomically, 0600) a moment after
every change and when it is left; reopening the form restores it, saving removes it. Validation
is inline, field by field, with a sentence that says what to fix.
"""

from __future__ import annotations

import contextlib
from datetime import date
from pathlib import Path
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.suggester import SuggestFromList
from textual.timer import Timer
from textual.widgets import Button, Input, Label, Select, SelectionList, Static, TextArea
from textual.widgets.selection_list import Selection

from debrief.core.dates import Tense, parse_date
from debrief.core.drafts import draft_path, read_draft, remove_draft, write_draft
from debrief.core.errors import error_line
from debrief.core.inputs import (
    MAX_REASONS,
    STAGES,
    format_money,
    parse_company,
    parse_contact,
    parse_email,
    parse_line,
    parse_money,
    parse_stage,
)
from debrief.core.model import RED_FLAGS, Contact, Debrief
from debrief.core.reasons import is_reason_id, taxonomy
from debrief.core.status import Confirmation
from debrief.core.store import StoreError
from debrief.screens.base import DebriefScreen
from debrief.screens.confirm import ConfirmDialog
from debrief.widgets.fit_footer import FitFooter
from debrief.widgets.keys import fill, follow
from debrief.widgets.notes_area import SoftWrapArea
from debrief.widgets.plain import notify, plain, plain_line

FORM = "log-loss"
"""This form's name in the drafts folder."""
OTHER = "other"
"""The stage choice that opens a field for the rep's own stage."""
DRAFT_DELAY = 0.4
"""Seconds of quiet before the draft is written: typing never waits on the disk."""

IMPRESSIONS_PROMPT = (
    "Write them now, while they are fresh: what did they say when they told you? What did you "
    "feel? What surprised you? Memory edits itself within days."
)


def _sentence(message: str) -> str:
    """A parser's reason as the form shows it: the same words, starting with a capital."""
    return message[:1].upper() + message[1:]


class LogLossScreen(DebriefScreen):
    """The form for a new loss, or for the deal and first impressions of an existing one."""

    CSS_PATH = "log_loss.tcss"
    AUTO_FOCUS = "#company"

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="log_loss.save", tooltip="Save the loss and go back home"),
        Binding("escape", "back", "Back", id="log_loss.leave",
                tooltip="Back home; what you typed is kept as a draft"),
        # ctrl+r removes on every screen (a wrap-up row there); what this form can remove is its draft.
        Binding("ctrl+r", "remove_row", "Discard draft", id="log_loss.discard",
                tooltip="Forget what was typed since the form opened, after one question"),
    ]

    def __init__(self, debrief_id: str | None = None) -> None:
        super().__init__()
        self.debrief_id = debrief_id
        self.original: Debrief | None = None
        self.saved_id: str | None = None
        self._initial: dict[str, Any] = {}
        self._draft_timer: Timer | None = None
        self._tried_save = False
        self._restoring = False
        self._pending: dict[str, Any] | None = None
        self.title = "Edit the loss" if debrief_id else "Log a loss"


    @property
    def draft_file(self) -> Path:
        """This form's draft."""
        return draft_path(self.debrief_app.store.root, FORM, self.debrief_id)

    # -- layout --------------------------------------------------------------------------------

    def _field(self, label: str, widget: Input | Select[str] | Horizontal, key: str, hint: str = "") -> ComposeResult:
        with Horizontal(classes="field-row"):
            yield Label(label, classes="field-label")
            with Vertical(classes="field-body"):
                yield widget
                yield Static(hint, id=f"{key}-hint", classes="field-hint")
                yield Static("", id=f"{key}-error", classes="field-error")

    def compose(self) -> ComposeResult:
        yield Static(self.title or "", id="form-title")
        with VerticalScroll(id="form"):
            yield Static("The deal", classes="section-title")
            yield from self._field("Company *", Input(id="company", placeholder="Who chose someone else",
                                                      compact=True), "company")
            yield from self._field("Contact *", Input(id="contact", placeholder="Full name of your buyer",
                                                      compact=True), "contact")
            yield from self._field("Role", Input(id="role", placeholder="e.g. VP Operations", compact=True), "role")
            yield from self._field("Email", Input(id="email", placeholder="For the invitation (optional)",
                                                  compact=True), "email")
            yield from self._field("Value", Input(id="value", placeholder="e.g. 45,000 or 45k", compact=True),
                                   "value")
            stage_row = Horizontal(
                Select([(stage, stage) for stage in [*STAGES, OTHER]], id="stage", prompt="Stage lost at",
                       compact=True),
                Input(id="stage-other", placeholder="Which stage?", compact=True),
                id="stage-row",
            )
            yield from self._field("Stage", stage_row, "stage")
            yield from self._field("Lost on", Input(id="lost-on", placeholder="today, yesterday, 2026-11-02",
                                                    compact=True), "lost-on")
            yield from self._field("Lost to", Input(id="lost-to", placeholder="Who won: a competitor, or "
                                                    "'no decision'", compact=True), "lost-to")
            yield Static("First impressions", classes="section-title")
            yield Static(IMPRESSIONS_PROMPT, classes="section-prompt")
            yield SoftWrapArea(id="impressions", soft_wrap=True, show_line_numbers=False,
                           placeholder="They told me on the phone that…")
            yield Static("Red flags in hindsight", classes="section-title")
            yield Static("Tick what you can see now that you may have missed then.", classes="section-prompt")
            yield SelectionList[str](*[Selection(plain_line(label), key) for key, label in RED_FLAGS.items()],
                                     id="red-flags")
            yield Static(f"Your guess at the top reasons (up to {MAX_REASONS})", classes="section-title")
            yield Static("Before the call: after it, debrief sets your guess beside what the buyer said.",
                         classes="section-prompt")
            yield SelectionList[str](*[Selection(plain_line(label), key) for key, label in taxonomy().labels().items()],
                                     id="reasons")
            yield Static("", id="reasons-error", classes="field-error")
            with Horizontal(id="form-buttons"):
                yield follow(Button("", id="save", variant="primary", compact=True), "Save  {log_loss.save}")
                yield follow(Button("", id="back", compact=True), "Back  {log_loss.leave}")
        yield FitFooter(compact=True)

    # -- values --------------------------------------------------------------------------------

    def _input(self, widget_id: str) -> Input:
        return self.query_one(f"#{widget_id}", Input)

    def values(self) -> dict[str, Any]:
        """Everything in the form, as plain JSON values (what a draft stores)."""
        stage = self.query_one("#stage", Select)
        return {
            "company": self._input("company").value,
            "contact": self._input("contact").value,
            "role": self._input("role").value,
            "email": self._input("email").value,
            "value": self._input("value").value,
            "stage": stage.value if isinstance(stage.value, str) else "",
            "stage_other": self._input("stage-other").value,
            "lost_on": self._input("lost-on").value,
            "lost_to": self._input("lost-to").value,
            "impressions": self.query_one("#impressions", TextArea).text,
            "red_flags": list(self.query_one("#red-flags", SelectionList).selected),
            "reasons": list(self.query_one("#reasons", SelectionList).selected),
        }

    def _values_of(self, debrief: Debrief | None) -> dict[str, Any]:
        if debrief is None:
            return {"company": "", "contact": "", "role": "", "email": "", "value": "", "stage": "",
                    "stage_other": "", "lost_on": self.debrief_app.today.isoformat(), "lost_to": "",
                    "impressions": "", "red_flags": [], "reasons": []}
        known_stage = debrief.stage in STAGES
        return {
            "company": debrief.company, "contact": debrief.contact.name, "role": debrief.contact.role,
            "email": debrief.contact.email, "value": format_money(debrief.value),
            "stage": debrief.stage if known_stage else (OTHER if debrief.stage else ""),
            "stage_other": "" if known_stage else debrief.stage,
            "lost_on": debrief.lost_on.isoformat(), "lost_to": debrief.lost_to,
            "impressions": debrief.impressions, "red_flags": list(debrief.red_flags),
            "reasons": list(debrief.guessed_reasons),
        }

    def apply(self, values: dict[str, Any]) -> None:
        """Fill the form with ``values`` (from the stored debrief or a draft)."""
        self._restoring = True
        try:
            for key, widget_id in (("company", "company"), ("contact", "contact"), ("role", "role"),
                                   ("email", "email"), ("value", "value"), ("stage_other", "stage-other"),
                                   ("lost_on", "lost-on"), ("lost_to", "lost-to")):
                self._input(widget_id).value = str(values.get(key) or "")
            stage = self.query_one("#stage", Select)
            stage_value = values.get("stage")
            if isinstance(stage_value, str) and stage_value in [*STAGES, OTHER]:
                stage.value = stage_value
            else:
                stage.clear()
            self.query_one("#impressions", TextArea).load_text(str(values.get("impressions") or ""))
            for list_id, key in (("#red-flags", "red_flags"), ("#reasons", "reasons")):
                selection = self.query_one(list_id, SelectionList)
                selection.deselect_all()
                chosen = values.get(key)
                for value in chosen if isinstance(chosen, list) else []:
                    offered = {selection.get_option_at_index(n).value for n in range(selection.option_count)}
                    if key == "reasons" and is_reason_id(value) and value not in offered:
                        # A guess at a reason a bank introduced, or one no longer declared: kept.
                        selection.add_option(Selection(plain_line(taxonomy().label(value)), value))
                    with contextlib.suppress(Exception):
                        selection.select(str(value))
            self._sync_stage_other()
        finally:
            self._restoring = False

    def on_mount(self) -> None:
        app = self.debrief_app
        if self.debrief_id is not None:

            try:
                self.original = app.store.get(self.debrief_id)
            except StoreError as error:
                notify(self, error, severity="error")
                self.dismiss()
                return
            self.query_one("#form-title", Static).update(plain_line(f"Edit the loss — {self.original.company}"))
        self._initial = self._values_of(self.original)
        draft = read_draft(self.draft_file)
        self.apply(self._initial)
        if draft is not None and draft != self._initial:
            self.apply({**self._initial, **draft})
            self.notify("Your unsaved draft is back, just as you left it.", title="Draft restored")
        self._validate_all(required=False)
        self._suggest_competitors()
        self._offer_bank_reasons()
        self.refresh_bindings()

    def _suggest_competitors(self) -> None:
        """Offer competitors already seen, as the rep types (read in a thread: the index can be big)."""
        self.run_worker(self._load_competitors, thread=True, exclusive=True, group="competitors")

    def _load_competitors(self) -> None:

        try:
            summaries = self.debrief_app.store.summaries()
        except StoreError:
            return
        seen: dict[str, int] = {}
        for summary in summaries:
            name = str(summary.get("lost_to") or "").strip()
            if name:
                seen[name] = seen.get(name, 0) + 1
        names = sorted(seen, key=lambda name: -seen[name])[:200]
        if names:
            self.app.call_from_thread(self._set_suggester, names)

    def _set_suggester(self, names: list[str]) -> None:
        self._input("lost-to").suggester = SuggestFromList(names, case_sensitive=False)

    def _offer_bank_reasons(self) -> None:
        """The reasons the banks introduce are guesses too (as ``--guess`` takes them): the
        team's and the rep's banks are read in a thread, the shipped ones tag shipped reasons only."""
        from debrief.locations import active_team_dir, user_banks_dir

        folders = (user_banks_dir(), active_team_dir() / "banks")
        if any(folder.is_dir() and any(folder.glob("*.y*ml")) for folder in folders):
            self.run_worker(self._load_bank_reasons, thread=True, exclusive=True, group="reasons")

    def _load_bank_reasons(self) -> None:
        from debrief.core.banks import reasons_with_banks

        known = reasons_with_banks()
        extra = [(reason.id, reason.label) for reason in known if reason.source == "bank"]
        if extra:
            self.app.call_from_thread(self._offer_reasons, extra)

    def _offer_reasons(self, extra: list[tuple[str, str]]) -> None:
        selection = self.query_one("#reasons", SelectionList)
        offered = {selection.get_option_at_index(n).value for n in range(selection.option_count)}
        selection.add_options([Selection(plain_line(label), tag) for tag, label in extra if tag not in offered])

    # -- validation ----------------------------------------------------------------------------

    def _error(self, key: str, message: str) -> None:
        error = self.query_one(f"#{key}-error", Static)
        error.update(plain(message))  # errors quote what was typed
        error.set_class(bool(message), "-shown")

    def _hint(self, key: str, message: str) -> None:
        self.query_one(f"#{key}-hint", Static).update(plain(message))

    def _validate_field(self, key: str, values: dict[str, Any], required: bool) -> str:
        """The error of one field ('' when fine); also refreshes its hint.

        Every field is read by the same parser as the command line's option, so both accept and
        refuse the same text with the same reason.
        """
        message = ""
        text = str(values.get(key.replace("-", "_")) or "")
        try:
            if key in ("company", "contact"):
                if text.strip() or required:
                    (parse_company if key == "company" else parse_contact)(text)
            elif key in ("role", "lost-to"):
                parse_line(text, key.replace("-", " "))
            elif key == "email":
                parse_email(text)
            elif key == "value":
                self._hint("value", "")
                value = parse_money(text)
                shown = format_money(value)
                self._hint("value", f"= {shown}" if value is not None and text.strip() != shown else "")
            elif key == "stage" and values.get("stage") == OTHER:
                parse_stage(str(values.get("stage_other") or ""))
            elif key == "lost-on":
                self._hint("lost-on", "")
                lost = self._lost_on(text)
                self._hint("lost-on", f"{lost:%A} {lost.day} {lost:%B %Y}")
        except ValueError as error:
            message = _sentence(str(error))
        self._error(key, message)
        return message

    def _lost_on(self, text: str) -> date:
        """The loss date typed (empty: today); the stored one shown again stays, whatever it is."""
        if self.original is not None and text.strip() == self.original.lost_on.isoformat():
            return self.original.lost_on
        return parse_date(text.strip() or "today", self.debrief_app.today, tense=Tense.PAST)

    FIELDS = ("company", "contact", "role", "email", "value", "stage", "lost-on", "lost-to")

    def _validate_all(self, required: bool) -> list[str]:
        """Errors of every field, in form order (ids of the fields that are wrong)."""
        values = self.values()
        wrong = [key for key in self.FIELDS if self._validate_field(key, values, required)]
        reasons = values["reasons"]
        if len(reasons) > MAX_REASONS:
            wrong.append("reasons")
        return wrong

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        if self._restoring or event.input.id is None:
            return
        key = "stage" if event.input.id == "stage-other" else event.input.id
        if key in self.FIELDS:
            self._validate_field(key, self.values(), required=self._tried_save)
        self._changed()

    @on(Select.Changed, "#stage")
    def _stage_changed(self) -> None:
        self._sync_stage_other()
        if not self._restoring:
            self._changed()

    def _sync_stage_other(self) -> None:
        other = self.query_one("#stage", Select).value == OTHER
        self._input("stage-other").display = other

    @on(TextArea.Changed)
    def _text_changed(self) -> None:
        if not self._restoring:
            self._changed()

    @on(SelectionList.SelectedChanged, "#reasons")
    def _reasons_changed(self, event: SelectionList.SelectedChanged[str]) -> None:
        selection = event.selection_list
        chosen = list(selection.selected)
        if len(chosen) > MAX_REASONS:
            selection.deselect(chosen[-1])  # ``selected`` keeps the order of ticking: undo the newest
            self._error("reasons", f"Up to {MAX_REASONS}: your top reasons. Untick one to pick another.")
        elif len(chosen) < MAX_REASONS:
            self._error("reasons", "")
        if not self._restoring:
            self._changed()

    @on(SelectionList.SelectedChanged, "#red-flags")
    def _flags_changed(self) -> None:
        if not self._restoring:
            self._changed()

    # -- drafts --------------------------------------------------------------------------------

    def _changed(self) -> None:
        """Something was typed: write the draft once typing pauses."""
        if self.saved_id is not None:
            return
        self._pending = self.values()
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_DELAY, self.save_draft)
        self.refresh_bindings()

    def _has_draft(self) -> bool:
        """Something a discard would forget: changes on screen, or a draft waiting on disk."""
        return self.values() != self._initial or self.draft_file.exists()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Discard shows greyed out while there is nothing to discard."""
        if action == "remove_row" and self.is_mounted and not self._has_draft():
            return None
        return super().check_action(action, parameters)

    def save_draft(self) -> None:
        """Keep what is typed (or forget the draft when the form is as it was opened)."""
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None
        if self.saved_id is not None or self._pending is None:
            return
        values, self._pending = self._pending, None
        try:
            if values == self._initial:
                remove_draft(self.draft_file)
            else:
                write_draft(self.draft_file, values)
        except (OSError, StoreError) as error:
            notify(self, f"Could not keep a draft: {getattr(error, 'strerror', None) or error}", severity="warning")

    # -- actions -------------------------------------------------------------------------------

    def action_back(self) -> None:
        self._pending = self.values()
        self.save_draft()
        if self.values() != self._initial:
            self.notify("Kept as a draft: open the form again to pick up where you left off.", title="Draft")
        self.dismiss()

    def action_remove_row(self) -> None:
        """Discard the draft: ask once, then forget it and show the form as it was opened."""
        if not self._has_draft():
            return
        after = ("The form starts empty again." if self.original is None
                 else f"The form goes back to what is saved for {self.original.company}.")
        question = Confirmation("This form holds a draft that is not saved", f"Discard the draft? {after}")
        self.app.push_screen(ConfirmDialog(question, yes="Discard"), self._discard_answered)

    def _discard_answered(self, yes: bool | None) -> None:
        if not yes:
            return
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None
        self._pending = None
        try:
            remove_draft(self.draft_file)
        except OSError as error:
            notify(self, f"Could not remove the draft: {error.strerror or error}", severity="error")
            return
        self.apply(self._initial)
        self._tried_save = False
        self._error("reasons", "")
        self._validate_all(required=False)
        self.query_one("#company").focus()
        self.refresh_bindings()
        self.notify("The draft is gone; the form is as it was opened.", title="Draft discarded")

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#back")
    def _back_pressed(self) -> None:
        self.action_back()

    def action_save(self) -> None:
        self._tried_save = True
        wrong = self._validate_all(required=True)
        if wrong:
            first = wrong[0]
            target = {"lost-on": "#lost-on", "lost-to": "#lost-to", "stage": "#stage-other",
                      "reasons": "#reasons"}.get(first, f"#{first}")
            with contextlib.suppress(Exception):
                self.query_one(target).focus()
            self.notify("Please fix the highlighted field" + ("s" if len(wrong) > 1 else "") + ".",
                        title="Not saved yet", severity="warning")
            return
        values = self.values()
        try:
            debrief_id = self._store(values)
        except ValueError as error:
            notify(self, error, title="Not saved", severity="error")
            return
        self.saved_id = debrief_id
        if self._draft_timer is not None:
            self._draft_timer.stop()
        remove_draft(self.draft_file)
        self.dismiss()

    def _store(self, values: dict[str, Any]) -> str:
        """Write the form to the store; ValueError with a readable reason when it cannot."""
        from pydantic import ValidationError


        app = self.debrief_app
        stage = parse_stage(str(values["stage_other"]) if values["stage"] == OTHER else str(values["stage"] or ""))
        fields: dict[str, Any] = {
            "company": parse_company(str(values["company"])),
            "value": parse_money(str(values["value"])),
            "stage": stage,
            "lost_on": self._lost_on(str(values["lost_on"])),
            "lost_to": parse_line(str(values["lost_to"]), "lost to"),
            "impressions": str(values["impressions"]),
            "red_flags": [flag for flag in values["red_flags"] if flag in RED_FLAGS],
            "guessed_reasons": [reason for reason in values["reasons"] if is_reason_id(reason)][:MAX_REASONS],
        }
        contact = {"name": parse_contact(str(values["contact"])), "role": parse_line(str(values["role"]), "role"),
                   "email": parse_email(str(values["email"]))}
        try:
            if self.debrief_id is None:
                stored = app.store.add(Debrief(contact=Contact(**contact), **fields))
                notify(self, f"Logged the loss at {stored.company}. Next: cool off, then book the call "
                       + fill(self, "({home.schedule})."),
                       title="Saved")
                return stored.id

            def change(debrief: Debrief) -> None:
                debrief.contact = Contact(**contact)
                for key, value in fields.items():
                    setattr(debrief, key, value)

            stored = app.store.update(self.debrief_id, change)
            notify(self, f"Saved the changes to {stored.company}.", title="Saved")
            return stored.id
        except ValidationError as error:
            raise ValueError(error_line(error)) from None
        except StoreError as error:
            raise ValueError(str(error)) from None

    def on_unmount(self) -> None:
        # Leaving by any road (ctrl+q while typing, say) still keeps what was typed last.
        with contextlib.suppress(OSError, StoreError):
            self.save_draft()
