"""Book the debrief call: a suggested slot, the cool-off rules, the invitation and the .ics.

The rep types a time as they would say it ("next tuesday 10am"); the screen reads it as they
type and says what practice says about it: too soon after the rejection, too late for the
buyer to remember, a weekend. The invitation re-renders with the time and length; booking saves
the schedule and copies the invitation to the clipboard. The invitation and the calendar event are
written to the exports folder only when the rep asks for them (the export key).
"""

from __future__ import annotations

from datetime import datetime, time

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Input, Label, Static, TextArea

from debrief.core.dates import Tense, format_datetime, parse_datetime
from debrief.core.model import Debrief
from debrief.core.schedule import (
    SlotNote,
    book,
    check_booking,
    days_after_loss,
    describe_slot,
    display_path,
    is_sent,
    mark_sent,
    render_invitation,
    save_invitation_files,
    suggest_slot,
    window_verdict,
)
from debrief.core.settings import Settings, rep_zone, with_setting
from debrief.core.status import schedule_confirmation
from debrief.core.text import one_line
from debrief.locations import exports_dir
from debrief.screens.base import DebriefScreen
from debrief.screens.confirm import ConfirmDialog
from debrief.widgets.fit_footer import FitFooter
from debrief.widgets.keys import fill, follow
from debrief.widgets.plain import assemble, notify, plain, plain_line

ICONS = {"error": "✗", "warning": "⚠", "note": "·"}

NAME_HINT = ("Signs this invitation and every one after it; change it later in Settings (key {home.settings} "
             "on home). Empty: unsigned, and asked again at the next booking.")


class ScheduleScreen(DebriefScreen):
    """Book (or move) the debrief call of one debrief."""

    CSS_PATH = "schedule.tcss"
    AUTO_FOCUS = "#when"
    TITLE = "Schedule the call"

    BINDINGS = [
        Binding("ctrl+s", "save", "Book", id="schedule.book",
                tooltip="Book the call: save it and copy the invitation to the clipboard"),
        Binding("ctrl+e", "export", "Save files", id="schedule.save_files", priority=True,
                tooltip="Save the invitation (.txt) and the calendar event (.ics) in the exports folder, "
                        "and copy the invitation"),
        Binding("ctrl+y", "email_draft", "Email draft", id="schedule.eml", priority=True,
                tooltip="Save an email draft (.eml) to the contact in the exports folder: the invitation "
                        "with the calendar request, to open and send from your mail program"),
        Binding("ctrl+g", "use_suggestion", "Suggested", id="schedule.suggest",
                tooltip="Go back to the suggested slot"),
        Binding("escape", "back", "Back", id="schedule.leave", tooltip="Back without booking"),
    ]

    def __init__(self, debrief_id: str) -> None:
        super().__init__()
        self.debrief_id = debrief_id
        self.debrief: Debrief | None = None
        self.at: datetime | None = None
        self.minutes: int | None = None
        self.notes: list[SlotNote] = []
        self.invitation = ""
        self.suggested: datetime | None = None
        self._could_book: bool | None = None
        self.confirmed = False
        """The rep said yes to booking another call of a debrief whose call was held."""
        self.when_error = ""
        """Why the time typed cannot be booked, in the parser's words ('' when it can be read)."""
        self.name_error = ""
        """Why the name typed cannot sign the invitation ('' when it can, or none is asked)."""
        self._sent_preview: tuple[datetime, int, str] | None = None
        """The slot and text last saved to a file before that slot was booked."""


    def now(self) -> datetime:
        """The current time; on a fixed "today" (tests, snapshots) the morning of that day."""
        app = self.debrief_app
        if app.today_override is not None:
            return datetime.combine(app.today, time(8, 0))
        return datetime.now().replace(second=0, microsecond=0)

    def compose(self) -> ComposeResult:
        yield Static(self.TITLE, id="schedule-title")
        with VerticalScroll(id="schedule-body"):
            yield Static("", id="schedule-deal")
            with Horizontal(classes="field-row"):
                yield Label("When", classes="field-label")
                with Vertical(classes="field-body"):
                    yield Input(id="when", placeholder="e.g. next tuesday 10:00, 2026-12-01 14:30", compact=True)
                    yield Static("", id="when-hint", classes="field-hint")
            with Horizontal(classes="field-row"):
                yield Label("Length", classes="field-label")
                with Vertical(classes="field-body"):
                    yield Input(id="minutes", restrict=r"\d{0,3}", compact=True, classes="short")
                    yield Static("minutes — ask for 15-20: about ten questions fit", id="minutes-hint",
                                 classes="field-hint")
            from debrief.screens.settings import reread_settings

            if not reread_settings(self.debrief_app).rep_name.strip():
                # Asked here, where the name is first needed, and only while none is set.
                with Horizontal(classes="field-row", id="name-row"):
                    yield Label("Your name", classes="field-label")
                    with Vertical(classes="field-body"):
                        yield Input(id="rep-name", placeholder="Your name, to sign invitations", compact=True)
                        yield Static("", id="name-hint", classes="field-hint")
            yield Static("", id="schedule-notes")
            yield Static("Invitation", classes="section-title")
            yield TextArea(id="invitation", read_only=True, soft_wrap=True, show_line_numbers=False)
            yield Static("", id="schedule-status")
            with Horizontal(id="schedule-buttons"):
                yield follow(Button("", id="book", variant="primary", compact=True), "Book  {schedule.book}")
                yield Button("Copy", id="copy", compact=True)
                yield follow(Button("", id="save-files", compact=True), "Save files  {schedule.save_files}")
                yield follow(Button("", id="back", compact=True), "Back  {schedule.leave}")
        yield FitFooter(compact=True)

    def on_mount(self) -> None:
        from debrief.core.store import StoreError

        app = self.debrief_app
        try:
            self.debrief = app.store.get(self.debrief_id)
        except StoreError as error:
            notify(self, error, severity="error")
            self.dismiss()
            return
        debrief = self.debrief
        self.query_one("#schedule-title", Static).update(plain_line(f"Schedule the call — {debrief.company}"))
        contact = debrief.contact.name + (f", {debrief.contact.role}" if debrief.contact.role else "")
        lost = f"lost {debrief.lost_on.isoformat()}" + (f" to {debrief.lost_to}" if debrief.lost_to else "")
        age = (app.today - debrief.lost_on).days
        ago = "today" if age == 0 else ("yesterday" if age == 1 else f"{age} days ago")
        email = debrief.contact.email or fill(self, "no email on file (add one with {home.edit} on home)")
        self.query_one("#schedule-deal", Static).update(
            assemble((one_line(contact), "bold"), f" · {one_line(email)}\n", f"{one_line(lost)} ({ago})")
        )
        self.suggested = suggest_slot(debrief.lost_on, self.now(), app.settings)
        if debrief.schedule is not None and debrief.schedule.at >= self.now():
            at, minutes = debrief.schedule.at, debrief.schedule.minutes
            sent = " The invitation below is the copy you sent." if is_sent(debrief) else ""
            self.query_one("#schedule-status", Static).update(
                plain(f"Booked for {describe_slot(at)}. Change the time and book again to move it.{sent}")
            )
        elif debrief.schedule is not None:  # that time has passed: offer the next good slot
            at, minutes = self.suggested, debrief.schedule.minutes
            self.query_one("#schedule-status", Static).update(
                plain(f"The last call was booked for {describe_slot(debrief.schedule.at)}.")
            )
        else:
            at, minutes = self.suggested, app.settings.call_minutes
        self.query_one("#when", Input).value = format_datetime(at)
        self.query_one("#minutes", Input).value = str(minutes)
        self._update()
        confirmation = schedule_confirmation(debrief)
        if confirmation is not None:
            self.app.push_screen(ConfirmDialog(confirmation, yes="Book another"), self._answered)

    def _answered(self, yes: bool | None) -> None:
        """Booking another call of a held debrief goes on only on a yes; no leaves at once."""
        if not yes:
            self.dismiss()
            return
        self.confirmed = True
        self._update()

    # -- reading the form ----------------------------------------------------------------------

    @on(Input.Changed)
    def _changed(self) -> None:
        if self.debrief is not None:
            self._update()

    def _update(self) -> None:
        """Read the time and length, check them, re-render the invitation."""
        assert self.debrief is not None
        settings = self.debrief_app.settings
        when_text = self.query_one("#when", Input).value
        minutes_text = self.query_one("#minutes", Input).value
        hint = self.query_one("#when-hint", Static)
        self.at, self.notes, self.when_error = None, [], ""
        try:
            at = parse_datetime(when_text, self.now(), tense=Tense.FUTURE) if when_text.strip() else None
        except ValueError as error:
            at = None
            reason = str(error)  # the command line's words for --at: it quotes what was typed
            self.when_error = reason[:1].upper() + reason[1:]
            hint.update(plain(self.when_error, "$text-error"))
        if at is not None:
            self.at = at
            days = days_after_loss(self.debrief.lost_on, at)
            suggested = "  (the suggested slot)" if at == self.suggested else ""
            hint.update(plain(f"{describe_slot(at)} — {days} day{'s' if days != 1 else ''} after the loss{suggested}"))
            self.notes = check_booking(self.debrief, at, self.now(), settings, confirmed=self.confirmed)
        elif not when_text.strip():
            hint.update(plain(fill(self, "When? e.g. 'next tuesday 10:00' ({schedule.suggest}: the suggested slot)"),
                              "$text-error"))
        try:
            minutes = int(minutes_text)
        except ValueError:
            minutes = 0
        self.minutes = minutes if 5 <= minutes <= 120 else None
        minutes_hint = self.query_one("#minutes-hint", Static)
        if self.minutes is None:
            minutes_hint.update(Content.styled("Between 5 and 120 minutes (15-20 is typical)", "$text-error"))
        else:
            note = " — long for a debrief: ask for 15-20" if self.minutes > 30 else ""
            minutes_hint.update(f"minutes — ask for 15-20: about ten questions fit{note}")
        self.signing()
        for name_hint in self.query("#name-hint").results(Static):
            name_hint.update(plain(self.name_error, "$text-error") if self.name_error
                             else plain(fill(self, NAME_HINT)))
        self._show_notes()
        self._render_invitation()
        can_book = not self._problem()
        if can_book != self._could_book:  # a footer refresh rebuilds it: only when it changes
            self._could_book = can_book
            self.refresh_bindings()

    def _show_notes(self) -> None:
        notes = self.query_one("#schedule-notes", Static)
        if self.at is None:
            notes.update("")
            notes.set_classes("")
            return
        lines: list[Content] = []
        for note in self.notes:
            style = {"error": "$text-error", "warning": "bold $text-warning", "note": "$text-muted"}[note.level]
            lines.append(plain(f"{ICONS[note.level]} {note.message}", style))
        verdict = window_verdict(self.debrief.lost_on, self.at, self.debrief_app.settings) \
            if self.debrief is not None else None
        if verdict is not None and not any(note.level == "error" for note in self.notes):
            lines.insert(0, Content.styled(f"✓ {verdict}", "$text-success"))
        notes.update(Content("\n").join(lines))
        levels = {note.level for note in self.notes}
        notes.set_class("error" in levels, "-error")
        notes.set_class("warning" in levels, "-warning")

    def _render_invitation(self) -> None:
        assert self.debrief is not None
        area = self.query_one("#invitation", TextArea)
        if self.at is None or self.minutes is None:
            return
        schedule = self.debrief.schedule
        if schedule is not None and is_sent(self.debrief) and (schedule.at, schedule.minutes) == (
                self.at, self.minutes):
            self.invitation = schedule.invitation  # the booked call's copy that went out: as sent
            if area.text != self.invitation:
                area.load_text(self.invitation)
            return
        try:
            self.invitation = render_invitation(self.debrief, self.at, self.minutes, self.signing())
        except ValueError as error:
            self.invitation = ""
            area.load_text(f"The invitation template cannot render: {error}")
            return
        if area.text != self.invitation:
            area.load_text(self.invitation)

    def signing(self) -> Settings:
        """The settings the invitation renders with: the name typed on this form, when one is."""
        settings = self.debrief_app.settings
        self.name_error = ""
        for field in self.query("#rep-name").results(Input):
            try:
                return with_setting(settings, "rep-name", field.value)
            except ValueError as error:
                self.name_error = str(error)[:1].upper() + str(error)[1:]
        return settings

    def _keep_name(self) -> None:
        """Remember the name typed on this form for every invitation after this one."""
        for field in self.query("#rep-name").results(Input):
            if field.value.strip():
                from debrief.screens.settings import set_rep_name

                problem = set_rep_name(self.debrief_app, field.value)
                if problem:
                    notify(self, problem, title="Name not saved", severity="warning")

    def _problem(self) -> str:
        """Why booking cannot happen now ('' when it can)."""
        if self.name_error:
            return self.name_error
        if self.at is None:
            return self.when_error or "Type a time I can read, e.g. 'next tuesday 10:00'."
        if self.minutes is None:
            return "The length must be between 5 and 120 minutes."
        errors = [note.message for note in self.notes if note.level == "error"]
        if errors:
            return errors[0][0].upper() + errors[0][1:] + "."
        if not self.invitation:
            return "The invitation template cannot render; fix it first."
        return ""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("save", "export") and self.is_mounted and self.debrief is not None:
            return None if self._problem() else True
        return True

    # -- actions -------------------------------------------------------------------------------

    def _preview(self) -> Debrief:
        """The debrief as it would be once booked at the time on screen (not stored)."""
        assert self.debrief is not None and self.at is not None and self.minutes is not None
        preview = self.debrief.model_copy(deep=True)
        book(preview, self.at, self.minutes, booked_at=self.now())
        return preview

    def action_save(self) -> None:
        """Book the call: store it and copy the invitation; files are written only on export."""
        problem = self._problem()
        if problem:
            notify(self, problem, title="Not booked", severity="error")
            return
        self._keep_name()
        from debrief.core.store import StoreError

        assert self.debrief is not None and self.at is not None and self.minutes is not None
        at, minutes, invitation = self.at, self.minutes, self.invitation
        try:
            self.debrief_app.store.update(self.debrief_id, lambda d: self._book_and_keep(d, at, minutes))
        except StoreError as error:
            notify(self, error, title="Not booked", severity="error")
            return
        self.app.copy_to_clipboard(invitation)
        warnings = [note.message for note in self.notes if note.level == "warning"]
        message = f"{describe_slot(at)}, {minutes} minutes. Invitation copied to the clipboard."
        if warnings:
            message += "\nMind: " + warnings[0]
        notify(self, message, title="Call booked", timeout=12)
        self.dismiss()

    def _write_files(self, debrief: Debrief) -> list[str]:
        try:
            folder = exports_dir(self.debrief_app.settings.exports)
            paths = save_invitation_files(debrief, self.invitation, folder, now=datetime.now(),
                                          zone=rep_zone(self.debrief_app.settings))
        except ValueError as error:
            notify(self, f"Could not save the files: {error}", severity="warning")
            return []
        return [display_path(path) for path in paths]

    def action_copy(self) -> None:
        if self._problem():
            notify(self, self._problem(), severity="error")
            return
        self.app.copy_to_clipboard(self.invitation)
        notify(self, fill(self, "Copied the invitation. If your terminal does not pass it on, "
                                "{schedule.save_files} saves it to a file."), title="Copied")

    def action_export(self) -> None:
        """Save the invitation and the event in the exports folder (and copy the invitation)."""
        if self._problem():
            notify(self, self._problem(), severity="error")
            return
        self.app.copy_to_clipboard(self.invitation)
        saved = self._write_files(self._preview())
        self._keep_sent_copy(bool(saved))
        if saved:
            self._keep_name()
            self.query_one("#schedule-status", Static).update(plain("Saved " + " and ".join(saved)))
            notify(self, "\n".join(saved), title="Saved", timeout=10)

    def action_email_draft(self) -> None:
        """Save the invitation as an email draft (.eml) in the exports folder."""
        if self._problem():
            notify(self, self._problem(), severity="error")
            return
        from debrief.core.email_draft import save_draft
        from debrief.core.schedule import display_path

        settings = self.debrief_app.settings
        try:
            path, draft = save_draft(self._preview(), self.invitation, exports_dir(settings.exports),
                                     zone=rep_zone(settings), rep_name=self.signing().rep_name)
        except ValueError as error:
            notify(self, f"Could not save the email draft: {error}", severity="warning")
            return
        self._keep_sent_copy(True)
        self._keep_name()
        shown = display_path(path)
        self.query_one("#schedule-status", Static).update(plain("Saved the email draft " + shown))
        notify(self, "\n".join([shown, *draft.notes[:1]]), title="Email draft saved", timeout=10)

    def _keep_sent_copy(self, written: bool) -> None:
        """Once the booked call's invitation is in a file, keep that copy: it is the one sent.

        Files for a time not booked yet are remembered: booking that very time and text next keeps
        them as sent; any other booking renders its invitation afresh.
        """
        schedule = self.debrief.schedule if self.debrief is not None else None
        if not written or self.at is None or self.minutes is None:
            return
        if schedule is None or (schedule.at, schedule.minutes) != (self.at, self.minutes):
            self._sent_preview = (self.at, self.minutes, self.invitation)
            return
        from debrief.core.store import StoreError

        invitation, when = self.invitation, self.now()
        try:
            self.debrief = self.debrief_app.store.update(self.debrief_id, lambda d: mark_sent(d, invitation, when))
        except StoreError as error:
            notify(self, error, severity="warning")

    def _book_and_keep(self, debrief: Debrief, at: datetime, minutes: int) -> None:
        """Book, and keep the invitation as sent when it was already saved for this slot."""
        book(debrief, at, minutes)
        if self._sent_preview is not None and self._sent_preview == (at, minutes, self.invitation):
            mark_sent(debrief, self.invitation, self.now())

    def action_use_suggestion(self) -> None:
        if self.suggested is not None:
            self.query_one("#when", Input).value = format_datetime(self.suggested)

    def action_back(self) -> None:
        self.dismiss()

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
        actions = {"book": self.action_save, "copy": self.action_copy, "save-files": self.action_export,
                   "back": self.action_back}
        if event.button.id in actions:
            actions[event.button.id]()

