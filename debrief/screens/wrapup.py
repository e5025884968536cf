"""The wrap-up: after the call, the lesson.

What the buyer said, phase by phase (unclear answers stand out); the rep's guess at the reasons
beside the buyer's; the takeaways in three parts, with the "own it" check flagging excuses as the
rep types; action items; how the door stays open; the follow-up log; and the move-on date, the
reset button after which home stops nagging. Everything saves as it is typed (off the UI thread,
newest edit wins) and once more on the way out, so nothing typed is lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from debrief.core.autosave import AutoSaver, SaveKind, SaveState
from debrief.core.dates import Tense, format_date
from debrief.core.document import export_filename, summary_markdown
from debrief.core.errors import error_line
from debrief.core.facts import answers_by_phase, guess_check, reason_label, status_label
from debrief.core.model import AnswerState, Debrief, Status, StayInTouch, Takeaways
from debrief.core.status import Confirmation
from debrief.core.store import StoreError
from debrief.core.text import one_line, plural
from debrief.core.wrapup import (
    MOVE_ON_DAYS,
    TAKEAWAY_PARTS,
    WrapUpDraft,
    call_day,
    ownit_findings,
    suggest_move_on,
)
from debrief.locations import exports_dir
from debrief.screens.base import DebriefScreen
from debrief.screens.confirm import ConfirmDialog
from debrief.widgets.date_input import DateField
from debrief.widgets.key_bar import KeyBar
from debrief.widgets.keys import fill, follow
from debrief.widgets.plain import join, notify, plain, plain_line
from debrief.widgets.wrapup_rows import ActionItemRow, EditableRow, FollowUpRow

if TYPE_CHECKING:
    from pathlib import Path


STATE_MARKS = {
    AnswerState.ANSWERED: "✓",
    AnswerState.CLARIFIED: "✓",
    AnswerState.UNCLEAR: "?",
    AnswerState.NOT_ASKED: "·",
}
MENTION_OPTIONS: list[tuple[str, str]] = [("Not asked yet", "unknown"), ("Yes", "yes"), ("No", "no")]
MENTION_VALUES: dict[bool | None, str] = {None: "unknown", True: "yes", False: "no"}


class Column(VerticalScroll):
    """A scrolling column that takes focus (for keyboard scrolling) only when it can scroll.

    Narrow terminals scroll the whole wrap-up as one column; wide ones show what the buyer said
    beside the lesson, each scrolling on its own.
    """

    def allow_focus(self) -> bool:
        return self.max_scroll_y > 0


class WrapUpScreen(DebriefScreen):
    """Takeaways, action items, stay-in-touch plan, follow-ups and move-on date of one debrief."""

    CSS_PATH = "wrapup.tcss"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (130, "-wide")]
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="wrapup.save",
                tooltip="Save now (edits also save as you type)"),
        Binding("f10", "end", "Finish", id="wrapup.finish",
                tooltip="Mark the debrief wrapped up; you can still edit it afterwards"),
        Binding("ctrl+n", "add_action", "Action item", id="wrapup.add_action",
                tooltip="Add an action item"),
        Binding("ctrl+l", "add_follow_up", "Follow-up", id="wrapup.add_follow_up",
                tooltip="Log a contact attempt (date, channel, outcome)"),
        Binding("ctrl+d", "toggle_done", "Done", id="wrapup.toggle_done", priority=True,
                tooltip="Mark the action item under the cursor done, or open again"),
        Binding("ctrl+r", "remove_row", "Remove", id="wrapup.remove_row",
                tooltip="Remove the action item or follow-up under the cursor"),
        Binding("ctrl+e", "export", "Export", id="wrapup.export", priority=True,
                tooltip="Save the Markdown summary in the exports folder and copy it to the clipboard "
                        "(for a CRM note or your manager)"),
        Binding("escape", "back", "Back", id="wrapup.back", tooltip="Save and go back"),
        Binding("ctrl+g", "use_suggestion", "Move-on date", id="wrapup.suggest_move_on",
                tooltip=f"Set the move-on date to {MOVE_ON_DAYS} days after the call"),
    ]

    def __init__(self, debrief_id: str) -> None:
        super().__init__()
        self.debrief_id = debrief_id
        self.debrief: Debrief | None = None
        self.load_error: str | None = None
        self.takeaway_areas: dict[str, TextArea] = {}
        self.ownit_lines: dict[str, Static] = {}
        self.action_rows: list[ActionItemRow] = []
        self.follow_rows: list[FollowUpRow] = []
        self._loading = True
        self.saver: AutoSaver | None = None
        self._leave_anyway = False
        self._ownit_broken = False
        self._last_draft: WrapUpDraft | None = None
        self.last_export: Path | None = None

    # -- helpers -------------------------------------------------------------------------------


    @property
    def today(self) -> date:
        """Today as the app sees it (fixed in tests)."""
        return self.debrief_app.today

    # -- layout --------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        try:
            self.debrief = self.debrief_app.store.get(self.debrief_id)
        except StoreError as error:
            self.load_error = str(error)
            yield Static(plain(f"Cannot open this debrief: {self.load_error}"), id="wrapup-title")
            yield KeyBar()
            return
        debrief = self.debrief
        self.title = f"Wrap-up — {one_line(debrief.company)}"
        yield Static(plain(self._title_text(debrief)), id="wrapup-title")
        with Column(id="wrapup-body"):
            with Column(id="wrapup-review", classes="column"):
                yield from self._compose_answers(debrief)
                yield from self._compose_guess(debrief)
            with Column(id="wrapup-lesson", classes="column"):
                yield from self._compose_takeaways(debrief)
                yield from self._compose_actions(debrief)
                yield from self._compose_plan(debrief)
                yield from self._compose_follow_ups(debrief)
                yield from self._compose_move_on(debrief)
        yield Static("Edits save as you type.", id="wrapup-status", markup=False)
        yield KeyBar()  # every key, wrapped: a footer line cut the last ones off

    def _title_text(self, debrief: Debrief) -> str:
        who = one_line(debrief.contact.name) + (f", {one_line(debrief.contact.role)}" if debrief.contact.role else "")
        lost = f"lost to {one_line(debrief.lost_to)}" if debrief.lost_to.strip() else "lost"
        return (f"Wrap-up · {one_line(debrief.company)} · {who} · {lost} on {format_date(debrief.lost_on)}"
                f" · {status_label(debrief.status)}")

    def _compose_answers(self, debrief: Debrief) -> ComposeResult:
        phases = answers_by_phase(debrief)
        unclear = sum(phase.unclear_count for phase in phases)
        heading = "What the buyer said"
        if unclear:
            heading += f" · {unclear} unclear"
        yield Static(heading, classes="section-title", markup=False)
        if not phases:
            yield Static("No answers were captured: there was no call script. The takeaways still matter.",
                         classes="empty", markup=False)
            return
        for phase in phases:
            counts = f"{phase.asked_count} of {len(phase.answers)} asked"
            if phase.unclear_count:
                counts += f", {phase.unclear_count} unclear"
            yield Static(plain_line(f"{phase.title} ({counts})"), classes="phase-title")
            for line in phase.answers:
                head = f"{STATE_MARKS[line.state]} {one_line(line.text)}"
                if line.state is AnswerState.UNCLEAR:
                    head += " — still unclear"
                elif line.state is AnswerState.CLARIFIED:
                    head += " — clarified"
                details: list[str] = []
                if line.notes.strip():
                    details.append(one_line(line.notes, 160))
                if line.clarified.strip():
                    details.append("Clarified: " + one_line(line.clarified, 120))
                if line.tags:
                    details.append("Reasons: " + ", ".join(reason_label(tag) for tag in line.tags))
                if not details and not line.asked:
                    details.append("not asked")
                classes = "answer"
                if line.unclear:
                    classes += " -unclear"
                elif not line.asked:
                    classes += " -not-asked"
                with Vertical(classes=classes):
                    yield Static(plain(head), classes="answer-head")
                    yield Static(join(details), classes="answer-detail")

    def _compose_guess(self, debrief: Debrief) -> ComposeResult:
        comparison = guess_check(debrief)
        yield Static("Your guess versus the buyer", classes="section-title", markup=False)
        yield Static(plain(comparison.sentence()), classes="guess-sentence")
        for row in comparison.rows:
            said = (f"the buyer said it {row.said}×" if row.said else
                    "the buyer never said it" if row.checked else "tag the answers to check it")
            css = "-" + row.verdict.replace(" ", "-")
            with Horizontal(classes=f"reason-row {css}"):
                yield Label(row.verdict, classes="reason-verdict")
                yield Label(plain_line(row.label), classes="reason-label")
                yield Label(plain(said), classes="reason-detail")

    def _compose_takeaways(self, debrief: Debrief) -> ComposeResult:
        yield Static("Takeaways, in your own words", classes="section-title", markup=False)
        yield Static("Own it: no excuses, the point is the lesson.", classes="hint", markup=False)
        for name, title, prompt in TAKEAWAY_PARTS:
            area = TextArea(getattr(debrief.takeaways, name), id=f"takeaway-{name.replace('_', '-')}",
                            classes="takeaway", soft_wrap=True, tab_behavior="focus", placeholder=prompt)
            area.border_title = title
            self.takeaway_areas[name] = area
            yield area
            line = Static("", classes="ownit", markup=False, id=f"ownit-{name.replace('_', '-')}")
            self.ownit_lines[name] = line
            yield line

    def _compose_actions(self, debrief: Debrief) -> ComposeResult:
        yield Static("", id="actions-title", classes="section-title", markup=False)
        with Vertical(id="actions"):
            for item in debrief.action_items:
                row = ActionItemRow(item, today=self.today)
                self.action_rows.append(row)
                yield row
        yield follow(Button("", id="add-action", compact=True), "Add action item ({wrapup.add_action})")

    def _compose_plan(self, debrief: Debrief) -> ComposeResult:
        plan = debrief.stay_in_touch
        yield Static("Staying in touch · no often means not now", classes="section-title", markup=False)
        with Horizontal(classes="field-row"):
            yield Label("Channel", classes="field-label")
            self.plan_channel = Input(plan.channel, id="plan-channel", compact=True,
                                      placeholder="e.g. email, phone, LinkedIn")
            yield self.plan_channel
        with Horizontal(classes="field-row"):
            yield Label("Next check-in", classes="field-label")
            self.plan_check_in = DateField(plan.next_check_in, today=self.today, tense=Tense.FUTURE, id="plan-check-in",
                                           placeholder="e.g. in 12 weeks",
                                           empty_hint="not set · when will you reach out again?")
            yield self.plan_check_in
        with Horizontal(classes="field-row"):
            yield Label("May mention us", classes="field-label")
            self.plan_mention: Select[str] = Select(
                MENTION_OPTIONS, value=MENTION_VALUES[plan.may_mention], allow_blank=False, id="plan-mention",
                compact=True, tooltip="Would they mention you to others who need what you sell?")
            yield self.plan_mention
        with Horizontal(classes="field-row"):
            yield Label("Referral", classes="field-label")
            self.plan_referral = Input(plan.referral, id="plan-referral", compact=True,
                                       placeholder="someone they would introduce you to")
            yield self.plan_referral
        with Horizontal(classes="field-row"):
            yield Label("They'd revisit if", classes="field-label")
            self.plan_revisit = Input(plan.revisit_trigger, id="plan-revisit", compact=True,
                                      placeholder="e.g. renewal, new budget, a missing feature ships")
            yield self.plan_revisit

    def _compose_follow_ups(self, debrief: Debrief) -> ComposeResult:
        yield Static("", id="follow-title", classes="section-title", markup=False)
        with Vertical(id="follow-ups"):
            for entry in debrief.follow_ups:
                row = FollowUpRow(entry, today=self.today)
                self.follow_rows.append(row)
                yield row
        yield follow(Button("", id="add-follow-up", compact=True), "Log a follow-up ({wrapup.add_follow_up})")

    def _compose_move_on(self, debrief: Debrief) -> ComposeResult:
        suggestion = suggest_move_on(debrief, self.today)
        if suggestion == call_day(debrief) + timedelta(days=MOVE_ON_DAYS):
            why = f"{MOVE_ON_DAYS} days after the call"
        else:
            why = f"today: {MOVE_ON_DAYS} days after the call have passed"
        yield Static("Move on · the reset button", classes="section-title", markup=False)
        with Horizontal(classes="field-row"):
            yield Label("Move on after", classes="field-label")
            # Unset reads as unset: the suggestion is beside the box, never a dim date inside it.
            self.move_on_field = DateField(
                debrief.move_on, today=self.today, tense=Tense.FUTURE, id="move-on", placeholder="type a date",
                empty_hint=f"not set · suggested {format_date(suggestion)} ({{wrapup.suggest_move_on}})")
            yield self.move_on_field
        yield follow(Static(classes="hint", markup=False),
                     f"The suggestion is {why}; {{wrapup.suggest_move_on}} uses it, and finishing sets it if the "
                     "date is still empty. After this date home stops reminding you of this deal.")

    def on_mount(self) -> None:
        if self.load_error is not None:
            notify(self, f"Cannot open the wrap-up: {self.load_error}", severity="error")
            self.app.pop_screen()
            return
        self.saver = AutoSaver(self.debrief_app.store, self.debrief_id,
                               on_state=self._post_state, on_saved=self._post_saved)
        self._refresh_counts()
        for name, area in self.takeaway_areas.items():
            self._check_ownit(name, area.text)
        self._warn_rules_problems()
        first = self.takeaway_areas["what_happened"]
        first.move_cursor(first.document.end)
        first.focus()
        self.call_after_refresh(self._loaded)

    def _loaded(self) -> None:
        """From now on an edit is the rep's (not the fields filling in)."""
        try:
            self._last_draft = self.collect()
        except ValueError:
            self._last_draft = None
        self._loading = False

    # -- live feedback ---------------------------------------------------------------------------

    def _check_ownit(self, name: str, text: str) -> None:
        line = self.ownit_lines[name]
        try:
            findings = ownit_findings(text)
        except ValueError as error:  # the shipped rules file itself is broken: say so, once
            if not self._ownit_broken:
                self._ownit_broken = True
                notify(self, f"The own-it check is off: {one_line(str(error), 200)}", severity="warning")
            return
        if not findings:
            line.update("")
            line.remove_class("-shown")
            return
        shown = [f"⚠ {finding.message}\n  → {finding.suggestion}" for finding in findings[:3]]
        if len(findings) > 3:
            shown.append(f"… and {len(findings) - 3} more")
        line.update(join(shown))
        line.add_class("-shown")

    def _warn_rules_problems(self) -> None:
        """A broken ``ownit_rules.yaml`` of the user's: the shipped rules run, the rep is told why."""
        try:
            from debrief.core.tone import ownit_checker

            problems = ownit_checker().problems
        except ValueError:
            return
        for problem in problems:
            notify(self, f"Your own-it rules were skipped: {one_line(problem, 200)}", severity="warning")

    def _refresh_counts(self) -> None:
        items = [row for row in self.action_rows if row.text_input.value.strip()]
        open_count = sum(1 for row in items if not row.done_box.value)
        title = "Action items"
        if items:
            title += f" · {open_count} open, {len(items) - open_count} done"
        self.query_one("#actions-title", Static).update(title)
        count = sum(1 for row in self.follow_rows if row.date_input.date_value is not None)
        self.query_one("#follow-title", Static).update(
            f"Follow-up log · {count} attempt{'s' if count != 1 else ''}")

    # -- edits -----------------------------------------------------------------------------------

    @on(TextArea.Changed, ".takeaway")
    def _takeaway_changed(self, event: TextArea.Changed) -> None:
        for name, area in self.takeaway_areas.items():
            if area is event.text_area:
                self._check_ownit(name, area.text)
        self._changed()

    @on(Input.Changed, ".field-row Input")
    @on(Select.Changed, "#plan-mention")
    def _plan_changed(self) -> None:
        self._changed()

    @on(DateField.Changed)
    def _date_changed(self) -> None:
        self._changed()

    @on(EditableRow.Changed)
    def _row_changed(self) -> None:
        self._refresh_counts()
        self._changed()

    @on(EditableRow.RemoveRequested)
    def _row_remove(self, event: EditableRow.RemoveRequested) -> None:
        self._remove_row(event.row)

    @on(Button.Pressed, "#add-action")
    async def _add_action_pressed(self) -> None:
        await self.action_add_action()

    @on(Button.Pressed, "#add-follow-up")
    async def _add_follow_pressed(self) -> None:
        await self.action_add_follow_up()

    # -- saving ----------------------------------------------------------------------------------

    @dataclass
    class SaveStateChanged(Message):
        """The background writer's state (posted from its thread)."""

        state: SaveState

    @dataclass
    class Saved(Message):
        """The background writer stored the debrief (posted from its thread)."""

        debrief: Debrief

    def collect(self) -> WrapUpDraft:
        """What the screen shows now, as the edit to store (raises ValueError on bad text)."""
        plan = StayInTouch(
            channel=self.plan_channel.value.strip(),
            next_check_in=self.plan_check_in.value,
            may_mention={"yes": True, "no": False}.get(str(self.plan_mention.value)),
            referral=self.plan_referral.value.strip(),
            revisit_trigger=self.plan_revisit.value.strip(),
        )
        takeaways = Takeaways(**{name: area.text for name, area in self.takeaway_areas.items()})
        return WrapUpDraft(
            takeaways=takeaways,
            action_items=[item for row in self.action_rows if (item := row.to_item()) is not None],
            stay_in_touch=plan,
            follow_ups=[entry for row in self.follow_rows if (entry := row.to_entry()) is not None],
            move_on=self.move_on_field.value,
        )

    def _changed(self) -> None:
        """Something was edited: hand the whole wrap-up to the background writer (newest wins)."""
        if self._loading or self.saver is None:
            return
        try:
            draft = self.collect()
        except ValueError as error:  # pydantic's ValidationError is a ValueError
            self._report_failure(_one_line_error(error))
            return
        if draft == self._last_draft:
            return  # focus moved, a date was normalised: nothing new to write
        try:
            self.saver.submit("wrapup", draft.apply)
        except StoreError as error:
            self._report_failure(str(error))
            return
        self._last_draft = draft

    def save_now(self, finish: bool = False) -> Debrief | None:
        """Store what the screen shows and wait for it (leaving, finishing, exporting)."""
        if self.saver is None:
            return None
        try:
            draft = self.collect()
            self.saver.submit("wrapup", draft.apply, urgent=True)
            self._last_draft = draft
            if finish:
                self.saver.submit("finish", lambda debrief: debrief.advance(Status.WRAPPED), urgent=True)
        except (ValueError, StoreError) as error:
            self._report_failure(_one_line_error(error))
            return None
        if not self.saver.flush():
            self._report_failure(self.saver.state.message or "the database did not answer")
            return None
        try:
            saved = self.debrief_app.store.get(self.debrief_id)
        except StoreError as error:
            self._report_failure(str(error))
            return None
        self._show_saved(saved)
        return saved

    def _post_state(self, state: SaveState) -> None:
        self.post_message(self.SaveStateChanged(state))

    def _post_saved(self, debrief: Debrief) -> None:
        self.post_message(self.Saved(debrief))

    @on(SaveStateChanged)
    def _state_changed(self, event: SaveStateChanged) -> None:
        if event.state.kind is SaveKind.FAILED:
            self._report_failure(event.state.message)
            return
        self._show_status("Saving…" if event.state.kind is SaveKind.SAVING else "All changes saved.")

    def _show_status(self, text: str) -> None:
        """The save state, and where the last export went (kept: the rep may need the path)."""
        if self.last_export is not None:
            text += f" Summary: {self.last_export}"
        status = self.query_one("#wrapup-status", Static)
        status.update(plain(text))
        status.remove_class("-error")

    @on(Saved)
    def _saved(self, event: Saved) -> None:
        self._show_saved(event.debrief)

    def _show_saved(self, debrief: Debrief) -> None:
        self.debrief = debrief
        self.query_one("#wrapup-title", Static).update(plain(self._title_text(debrief)))

    def _report_failure(self, message: str) -> None:
        status = self.query_one("#wrapup-status", Static)
        status.update(plain(f"Not saved: {message}"))
        status.add_class("-error")
        notify(self, f"Not saved: {message}", severity="error")

    def on_unmount(self) -> None:
        """Leaving by any way (quit included): what the fields hold is queued, then written."""
        if self.saver is None:
            return
        if not self._loading:
            try:
                draft = self.collect()
                if draft != self._last_draft:
                    self.saver.submit("wrapup", draft.apply, urgent=True)
            except (ValueError, StoreError):
                pass  # the last good save stays on disk; there is no screen left to tell
        self.saver.close()

    # -- rows --------------------------------------------------------------------------------------

    def _focused_row(self) -> EditableRow | None:
        node: Widget | None = self.focused
        while node is not None:
            if isinstance(node, EditableRow):
                return node
            parent = node.parent
            node = parent if isinstance(parent, Widget) else None
        return None

    def _remove_row(self, row: EditableRow) -> None:
        rows: list[ActionItemRow] | list[FollowUpRow]
        if isinstance(row, ActionItemRow):
            rows, fallback = self.action_rows, "#add-action"
            position = rows.index(row)
            rows.remove(row)
        elif isinstance(row, FollowUpRow):
            rows, fallback = self.follow_rows, "#add-follow-up"
            position = rows.index(row)
            rows.remove(row)
        else:
            return
        row.remove()
        if rows:
            rows[min(position, len(rows) - 1)].focus_first()
        else:
            self.query_one(fallback, Button).focus()
        self._refresh_counts()
        self._changed()

    # -- actions -----------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Row keys only where they apply: done on an action item, remove on any row."""
        if self.debrief is None:
            return action == "back"
        if action == "toggle_done":
            return isinstance(self._focused_row(), ActionItemRow)
        if action == "remove_row":
            return self._focused_row() is not None
        return True

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def action_save(self) -> None:
        """Save now."""
        if self.save_now() is not None:
            self.notify("Saved.")

    def _flagged_parts(self) -> list[tuple[str, int]]:
        """The takeaway parts the own-it check still flags, with how many excuses each."""
        flagged: list[tuple[str, int]] = []
        for name, area in self.takeaway_areas.items():
            try:
                count = len(ownit_findings(area.text))
            except ValueError:  # the rules file is broken: the check is off (the rep was told)
                return []
            if count:
                flagged.append((name, count))
        return flagged

    def action_end(self) -> None:
        """Mark wrapped; while the own-it check still flags an excuse, ask first (once a Finish)."""
        if self.debrief is None:
            return
        flagged = self._flagged_parts()
        if not flagged:
            self._finish()
            return
        titles = {name: title for name, title, _ in TAKEAWAY_PARTS}
        where = ", ".join(f"“{titles[name]}”" for name, _ in flagged)
        count = sum(n for _, n in flagged)
        confirmation = Confirmation(
            reason=f"the own-it check still flags {plural(count, 'excuse')} in {where}",
            question="Finish with the takeaways as they are? No takes you back to the text.")

        def answered(yes: bool | None) -> None:
            if yes:
                self._finish()
                return
            area = self.takeaway_areas[flagged[0][0]]
            area.focus()
            area.scroll_visible()

        self.app.push_screen(ConfirmDialog(confirmation, yes="Finish anyway"), answered)

    def _finish(self) -> None:
        """Mark wrapped (the reset button is set too, if the rep left it empty)."""
        if self.debrief is None:
            return
        move_on = self.move_on_field
        suggested = ""
        if move_on.value is None:
            move_on.set_value(suggest_move_on(self.debrief, self.today))
            suggested = f" Move-on date set to {format_date(move_on.value)}."
        saved = self.save_now(finish=True)
        if saved is None:
            return
        check_in = saved.stay_in_touch.next_check_in
        nudge = f" Next check-in: {format_date(check_in)}." if check_in else " Tip: set a next check-in date."
        if not any((saved.takeaways.what_happened, saved.takeaways.differently, saved.takeaways.next_time)):
            nudge += " The takeaways are still empty."
        notify(self, f"Wrapped up.{suggested}{nudge} You can keep editing.", title="Wrap-up")

    async def action_add_action(self) -> None:
        """A new, empty action item; the cursor goes to its text."""
        row = ActionItemRow(None, today=self.today)
        self.action_rows.append(row)
        await self.query_one("#actions", Vertical).mount(row)
        row.focus_first()
        row.scroll_visible()

    async def action_add_follow_up(self) -> None:
        """A new follow-up dated today; the cursor goes to its channel."""
        row = FollowUpRow(None, today=self.today)
        self.follow_rows.append(row)
        await self.query_one("#follow-ups", Vertical).mount(row)
        row.focus_first()
        row.scroll_visible()
        self._refresh_counts()
        self._changed()

    def action_toggle_done(self) -> None:
        """Done, or open again."""
        row = self._focused_row()
        if isinstance(row, ActionItemRow):
            row.toggle_done()

    def action_remove_row(self) -> None:
        """Remove the row under the cursor."""
        row = self._focused_row()
        if row is not None:
            self._remove_row(row)

    def action_use_suggestion(self) -> None:
        """The default reset button: a month after the call."""
        if self.debrief is None:
            return
        field = self.move_on_field
        field.set_value(suggest_move_on(self.debrief, self.today))
        field.input.focus()
        field.scroll_visible()
        self._changed()

    def _summary(self) -> str | None:
        saved = self.save_now()
        if saved is None:
            return None
        return summary_markdown(saved, self.today)

    def action_export(self) -> None:
        """Write the summary to a private file in the exports folder, copy it, and say where."""
        from debrief.core.review import save_export

        text = self._summary()
        if text is None or self.debrief is None:
            return
        try:
            path = save_export(text, export_filename(self.debrief, "summary"),
                               exports_dir(self.debrief_app.settings.exports))
        except (OSError, StoreError) as error:
            self._report_failure(f"export failed: {_one_line_error(error)}")
            return
        # The clipboard too (OSC 52 works in most terminals; the file is there where it does not).
        self.app.copy_to_clipboard(text)
        self.last_export = path
        self._show_status("All changes saved.")
        notify(self, f"{path} (and copied to the clipboard)", title="Summary saved to")

    def action_back(self) -> None:
        """Save and go back to where the rep came from."""
        unsaved = self.saver is not None and self.saver.dirty and not self._leave_anyway
        if unsaved and self.save_now() is None:
            self._leave_anyway = True
            notify(self, fill(self, "Could not save; press {wrapup.back} again to leave anyway."), severity="warning")
            return
        self.dismiss()


def _one_line_error(error: Exception) -> str:
    return error_line(error, width=200)
