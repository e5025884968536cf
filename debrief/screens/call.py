"""The live call: the rep is on the phone, so this screen never gets in the way and never loses a word.

The notes area has the focus from the first moment, so typing goes straight into the answer of
the question on screen. Every other action is an F-key or a ctrl chord (letters would type into the
notes), shown in the key bar (every key, in two lines at 80 columns), the command palette and on F1;
escape leaves the call without ending it. Notes are handed to a background saver
on every change; it writes them within about half a second, off the UI thread.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.events import Key
from textual.message import Message
from textual.widgets import Static, TextArea

from debrief.core.autosave import AutoSaver, SaveKind, SaveState
from debrief.core.call import (
    GENERIC_PROBES,
    NOTES_QUESTION_ID,
    CallSession,
    Change,
    add_adhoc,
    add_marker,
    clarify,
    end_call,
    format_clock,
    keep_script,
    set_notes,
    set_state,
    set_tags,
    start_call,
    toggled_unclear,
    use_probe,
)
from debrief.core.facts import reason_label
from debrief.core.model import (
    AdHocQuestion,
    Answer,
    AnswerState,
    Debrief,
    Marker,
    Script,
    ScriptQuestion,
)
from debrief.core.status import reopen_confirmation
from debrief.core.store import Claim, InUse, StoreError
from debrief.core.text import one_line
from debrief.screens.base import DebriefScreen
from debrief.screens.call_dialogs import (
    AdHocChoice,
    AdHocPrompt,
    CallSummary,
    EndCallPrompt,
    ProbePicker,
    QuestionPicker,
    TagPicker,
    clarify_prompt,
    marker_prompt,
)
from debrief.screens.confirm import ConfirmDialog
from debrief.widgets.call_timer import CallTimer
from debrief.widgets.key_bar import KeyBar
from debrief.widgets.keys import fill, key
from debrief.widgets.notes_area import NotesArea
from debrief.widgets.plain import join, markup, notify, plain, plain_line
from debrief.widgets.question_list import STATE_WORDS, QuestionList, QuestionRow
from debrief.widgets.talk_meter import TalkMeter

if TYPE_CHECKING:
    pass

TIMING_SAVE_EVERY = 5
"""While the timer runs, its figures are saved every this many seconds (and on every action)."""

PROBE_MARK = "» "
"""How an inserted probe reads in the notes: the rep's question, then the buyer's answer below."""


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


def _key(keys: str, action: str, description: str, tooltip: str, name: str = "") -> Binding:
    """A call key: an F-key or a ctrl chord the notes do not bind (letters would type into them).

    Not a priority binding on purpose: the key then travels through the notes' own queue, so
    every character typed before it is in the notes when the action runs (type, then next at once,
    and the words stay with the question they were typed for).
    """
    return Binding(keys, action, description, id=f"call.{name or action}", tooltip=tooltip)


def _begin_call(debrief: Debrief, *, script: Script, at: datetime) -> None:
    """The first thing the call records: its script (if none was saved) and that it started."""
    keep_script(debrief, script)
    start_call(debrief, at)



def _warm_tone_check() -> None:
    """Load the tone rules once; a broken rules file is reported by the dialog that needs them."""
    from debrief.core.tone import default_checker

    with contextlib.suppress(ValueError, OSError):
        default_checker()

class CallScreen(DebriefScreen):
    """Run the debrief call of one debrief: questions, notes, timer, talk meter."""

    CSS_PATH = "call.tcss"
    AUTO_FOCUS = "#call-notes"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (34, "-tall")]
    """On a short terminal the opening and the question beside it are capped: the notes keep their room."""
    BINDINGS = [
        _key("f2", "talk", "Talk", "Who is talking: you or the buyer (starts the timer)"),
        _key("f3", "previous", "Prev", "The previous question"),
        _key("f4", "next", "Next", "The next question"),
        _key("f5", "goto", "Go to", "Pick any question from the list"),
        _key("f6", "unclear", "Unclear", "Mark the answer unclear (again: take the mark off)"),
        _key("f7", "clarified", "Clarified", "Mark the answer clarified, in the buyer's words"),
        _key("f8", "probe", "Probe", "Insert a probe into the notes and mark it asked"),
        _key("f9", "tag", "Tag", "Tag the loss reasons this answer points to"),
        _key("ctrl+t", "timer", "Timer", "Start or pause the call timer"),
        _key("ctrl+b", "marker", "Marker", "Drop a timestamped marker (a bookmark), with an optional label"),
        _key("ctrl+o", "adhoc", "Ask own", "Add your own question, tone-checked before you ask it"),
        _key("f10", "end", "End", "End the call: record it, then go on to the wrap-up"),
        _key("escape", "back", "Leave", "Leave the call without ending it: notes saved, reopen to resume",
             "leave"),
    ]
    SHORT_LABELS = {"call.clarified": "Clear", "call.unclear": "Unclr", "call.adhoc": "Own",
                    "call.marker": "Mark", "call.goto": "GoTo", "app.palette": "Cmds"}
    """What the key bar shows when even two lines of full labels do not fit."""

    @dataclass
    class SaveStateChanged(Message):
        """Posted by the saver's thread: the quiet indicator follows it."""

        state: SaveState

    def __init__(self, debrief_id: str) -> None:
        super().__init__()
        self.debrief_id = debrief_id
        self.title = "Live call"
        self.debrief: Debrief | None = None
        self.script = Script(bank_id="none")
        self.session = CallSession(question_ids=[])
        self.saver: AutoSaver | None = None
        self._claim: Claim | None = None
        self.load_error: str | None = None
        self.script_note = ""
        self._fallback_script = self.script
        self._begun = False
        self._ticks = 0
        self._markers = 0
        self._nudge: str | None = None
        self._save_failed = False
        self._notes: TextArea | None = None
        self._leaving = False
        self._timer_touched = False
        """The rep started or paused the timer on this screen: typing then leaves it alone."""

    # -- set-up ----------------------------------------------------------------------------------


    def _load(self) -> None:
        """Read the debrief and the script it runs on (the saved one, else the default selection)."""
        app = self.debrief_app
        try:
            debrief = app.store.get(self.debrief_id)
            self._claim = app.store.claim(self.debrief_id)
        except InUse as error:
            self.load_error = f"{error}; close it there first"
            return
        except StoreError as error:
            self.load_error = str(error)
            return
        script = debrief.script
        if script is None:
            script = self._default_script(debrief)
        if not script.questions:
            script = script.model_copy(update={"questions": [ScriptQuestion(
                id=NOTES_QUESTION_ID, phase="notes", phase_title="Notes", text="Notes from the call",
                intent="Write down what the buyer says; add your own questions as they come up.",
                custom=True)]})
        self._fallback_script = script.model_copy(deep=True)
        debrief.script = script
        self.debrief = debrief
        self.script = script
        self.session = CallSession.resume(debrief, script.question_ids)

    def _default_script(self, debrief: Debrief) -> Script:
        """The default selection of "Prepare"; a notes-only call when no bank can give one."""
        app = self.debrief_app
        try:
            from debrief.core.banks import load_banks
            from debrief.core.script import script_for

            script = script_for(debrief, load_banks(), app.settings)
        except (ValueError, KeyError, OSError) as error:
            self.script_note = f"No script: {one_line(str(error), 120)}"
            return Script(bank_id="none", minutes=app.settings.call_minutes)
        self.script_note = f"Default script from the bank {script.bank_id!r} (none was prepared)"
        return script

    def compose(self) -> ComposeResult:
        self._load()
        with Horizontal(id="call-bar"):
            yield Static(self._deal_label(), id="call-deal")
            yield CallTimer(id="call-timer")
            yield Static("saved", id="call-saved")
        yield TalkMeter(target=self.debrief_app.settings.talk_share_target, id="call-talk")
        with Horizontal(id="call-body"):
            yield QuestionList(id="call-questions")
            with Vertical(id="call-main"):
                with Vertical(id="call-script"):
                    yield Static("", id="call-script-text")
                    yield Static("", id="call-reminders")
                with Horizontal(id="call-question-row"):
                    with Vertical(id="call-question-box"):
                        yield Static("", id="call-question")
                    yield Static("", id="call-probes")
                yield Static("", id="call-answer")
                yield NotesArea(id="call-notes", placeholder="Type what the buyer says…",
                               highlight_cursor_line=False)
        yield KeyBar(short=self.SHORT_LABELS, id="call-keys")

    def on_mount(self) -> None:
        if self.debrief is None:
            notify(self, f"Cannot open the call: {self.load_error}", severity="error")
            self.app.pop_screen()
            return
        self.saver = AutoSaver(self.debrief_app.store, self.debrief_id, on_state=self._post_state)
        self._show_question()
        if self.script_note:
            notify(self, self.script_note, timeout=6)
        self.set_interval(1.0, self._tick)
        # Compile the tone rules now, off the UI thread, not on the first key of an ad-hoc question.
        self.run_worker(_warm_tone_check, thread=True, exit_on_error=False, group="call-warm")
        confirmation = reopen_confirmation(self.debrief)
        if confirmation is not None:  # held or wrapped: a stray key must not edit the saved notes
            self.app.push_screen(ConfirmDialog(confirmation, yes="Reopen"), self._reopen_answered)

    def _reopen_answered(self, yes: bool | None) -> None:
        """No (the default) leaves the call as it was saved and goes back."""
        if not yes:
            self.app.pop_screen()

    def _post_state(self, state: SaveState) -> None:
        """Called on the saver's thread: hand the state over to the UI thread."""
        self.post_message(self.SaveStateChanged(state))

    def _deal_label(self) -> Content:
        debrief = self.debrief
        if debrief is None:
            return plain("Live call")
        contact = debrief.contact.name + (f", {debrief.contact.role}" if debrief.contact.role else "")
        return plain_line(f"{debrief.company} · {contact}")

    # -- what the screen shows ---------------------------------------------------------------------

    @property
    def notes(self) -> TextArea:
        """The notes of the question on screen (kept: it is read once more after unmounting)."""
        if self._notes is None:
            self._notes = self.query_one("#call-notes", TextArea)
        return self._notes

    @property
    def question(self) -> ScriptQuestion:
        """The question on screen."""
        return self.script.questions[self.session.current]

    def _answer(self, question_id: str) -> Answer:
        assert self.debrief is not None
        return self.debrief.answers.get(question_id) or Answer(question_id=question_id)

    def _planned_seconds(self) -> float:
        debrief = self.debrief
        if debrief is not None and debrief.schedule is not None:
            return debrief.schedule.minutes * 60.0
        return self.script.minutes * 60.0

    def _show_question(self) -> None:
        """Everything that changes when the rep moves to another question."""
        question = self.question
        index = self.session.current
        count = len(self.script.questions)
        meta = f"Q{index + 1}/{count}"
        if question.minutes:
            meta += f" · {question.minutes:g} min"
        if question.phase_title:
            meta += f" · {question.phase_title}"
        self.query_one("#call-question-box").border_title = plain_line(meta)
        self.query_one("#call-question", Static).update(plain(question.text))
        self._show_script_panel()
        self._show_probes()
        notes = self.notes
        text = self._answer(question.id).notes
        if notes.text != text:
            notes.load_text(text)
        notes.move_cursor(notes.document.end)
        notes.scroll_cursor_visible()
        self._show_answer()
        self._show_figures()
        self.refresh_bindings()

    def _show_script_panel(self) -> None:
        """The opening to read first on the first question; the closing on the last one."""
        from debrief.core.script import reminder_line

        panel = self.query_one("#call-script", Vertical)
        text = self.query_one("#call-script-text", Static)
        reminders = self.query_one("#call-reminders", Static)
        index, last = self.session.current, len(self.script.questions) - 1
        if index == 0 and self.script.opening:
            text.update(markup("[b]Open with[/b]  $text", text=self.script.opening.strip()))
            reminders.update(plain(reminder_line()))
            reminders.set_class(False, "-off")
            panel.display = True
        elif index == last and self.script.closing:
            text.update(markup("[b]Close with[/b]  $text", text=self.script.closing.strip()))
            reminders.set_class(True, "-off")
            panel.display = True
        else:
            panel.display = False
        self.set_class(panel.display, "-scripted")  # a short terminal then caps the question row

    def _show_probes(self) -> None:
        question = self.question
        used = self._answer(question.id).probes_used
        probes = question.probes or GENERIC_PROBES
        # The probes first: live they are what the rep reaches for, and a short terminal caps this panel.
        lines = [markup("[b]Probes[/b] ($key)", key=key(self, "call.probe"))]
        lines += [plain(f"{'✓' if probe in used else '·'} {probe}") for probe in probes]
        if question.intent:
            lines.append(plain(question.intent, "italic"))
        self.query_one("#call-probes", Static).update(join(lines))

    def _show_answer(self) -> None:
        """The one line under the question: state, clarified words, tags, probes asked."""
        answer = self._answer(self.question.id)
        parts = [plain(STATE_WORDS[answer.state], "bold")]
        if answer.state is AnswerState.UNCLEAR:
            parts.append(plain(fill(self, "ask for an example ({call.probe}), then {call.clarified} when it is clear")))
        if answer.tags:
            parts.append(plain_line("tags: " + ", ".join(reason_label(tag) for tag in answer.tags)))
        if answer.probes_used:
            parts.append(plain(_count(len(answer.probes_used), "probe") + " asked"))
        markers = self.debrief.call.markers if self.debrief is not None else []
        markers_here = sum(1 for marker in markers if marker.question_id == answer.question_id)
        if markers_here:
            parts.append(plain("⚑ " + _count(markers_here, "marker")))
        if answer.clarified:
            parts.append(plain(f"“{one_line(answer.clarified, 120)}”"))
        line = self.query_one("#call-answer", Static)
        line.update(join(parts, " · "))
        line.set_class(answer.state is AnswerState.UNCLEAR, "-unclear")
        self._show_list()

    def _show_list(self) -> None:
        rows = [
            QuestionRow(question.text, self._answer(question.id).state, question.custom)
            for question in self.script.questions
        ]
        self.query_one(QuestionList).show(rows, self.session.current)

    def _show_figures(self) -> None:
        """Timer and talk meter, from the session's figures."""
        session = self.session
        settings = self.debrief_app.settings
        question = self.question
        self.query_one(CallTimer).show(
            running=session.running,
            elapsed=session.elapsed,
            planned=self._planned_seconds(),
            question_elapsed=session.seconds_on(question.id),
            question_planned=question.minutes * 60.0,
        )
        nudge = session.nudge(settings.talk_share_target, settings.monologue_seconds)
        self.query_one(TalkMeter).show(session.rep_share, session.speaker, session.longest_monologue, nudge)
        if nudge is not None and self._nudge is None:
            notify(self, nudge, title="Listen more", severity="warning", timeout=5)
        self._nudge = nudge

    def _tick(self) -> None:
        if not self.session.running:
            return
        self.session.update(time.monotonic())
        self._ticks += 1
        if self._ticks % TIMING_SAVE_EVERY == 0:
            self._save_timing()
        self._show_figures()

    # -- saving ----------------------------------------------------------------------------------

    def _change(self, slot: object, change: Change, *, urgent: bool = False) -> bool:
        """Apply ``change`` here and hand it to the saver, which replays it on the stored debrief."""
        if self.debrief is None:
            return False
        try:
            change(self.debrief)
        except ValueError as error:
            notify(self, one_line(str(error), 200), severity="error")
            return False
        if self.saver is not None:
            try:
                self.saver.submit(slot, change, urgent=urgent)
            except StoreError as error:
                notify(self, error, severity="error")
                return False
        return True

    def _begin(self) -> None:
        """The first thing recorded marks the call as started (status in_call)."""
        if self._begun:
            return
        self._begun = True
        self._change("begin", partial(_begin_call, script=self._fallback_script.model_copy(deep=True),
                                      at=_now()), urgent=True)

    def _save_timing(self, *, urgent: bool = False) -> None:
        self._change("timing", self.session.timing_change(), urgent=urgent)

    def _capture_notes(self) -> None:
        """Hand the notes on screen to the saver when they differ from what it last got."""
        if self.debrief is None or (self._notes is None and not self.is_mounted):
            return
        question_id = self.question.id
        text = self.notes.text
        before = self._answer(question_id)
        if before.notes == text:
            return
        self._begin()
        self._autostart_timer()
        state = before.state
        self._change(("notes", question_id), partial(set_notes, question_id=question_id, notes=text, at=_now()))
        if self._answer(question_id).state is not state and not self._leaving:
            self._show_answer()

    def _autostart_timer(self) -> None:
        """The first note typed starts the timer (a forgotten start would time the call at 0:00)."""
        if (self._timer_touched or self._leaving or self.session.running
                or not self.debrief_app.settings.timer_autostart):
            return
        self._timer_touched = True
        self.session.toggle_timer(time.monotonic())
        self._save_timing()
        self._show_figures()

    @on(TextArea.Changed, "#call-notes")
    def _notes_changed(self) -> None:
        self._capture_notes()

    @on(SaveStateChanged)
    def _save_state_changed(self, message: SaveStateChanged) -> None:
        state = message.state
        label = self.query_one("#call-saved", Static)
        label.update(plain_line(state.label, 60))
        label.set_class(state.kind is SaveKind.SAVING, "-saving")
        label.set_class(state.kind is SaveKind.FAILED, "-failed")
        if state.kind is SaveKind.FAILED and not self._save_failed:
            notify(self, f"Notes {state.label}; they stay on screen and saving retries.",
                   severity="error", timeout=8)
        self._save_failed = state.kind is SaveKind.FAILED

    def on_key(self, event: Key) -> None:
        """A key typed before the notes had the focus (the first instant after opening) still counts."""
        if self.debrief is None or self.app.screen is not self:
            return
        notes = self.notes
        if event.is_printable and event.character and self.focused is not notes:
            event.stop()
            notes.focus()
            notes.insert(event.character)

    def on_unmount(self) -> None:
        self.close_call()

    def close_call(self) -> bool:
        """Save everything and stop the saver (leaving the screen, quitting the app)."""
        saver = self.saver
        if saver is None:
            self._release_claim()
            return True
        self._leaving = True
        self._capture_notes()
        if self.session.running:
            self.session.pause(time.monotonic())
        if self._begun:
            self._save_timing(urgent=True)
        self.saver = None
        saved = saver.close()
        self._release_claim()
        return saved

    def _release_claim(self) -> None:
        if self._claim is not None:
            self._claim.release()
            self._claim = None

    # -- actions -----------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Without a debrief nothing runs; at either end of the list, moving further is greyed."""
        if self.debrief is None:
            return False
        if action == "previous" and self.session.current == 0:
            return None
        if action == "next" and self.session.current >= len(self.script.questions) - 1:
            return None
        return True

    def _go(self, index: int) -> None:
        self._capture_notes()
        if self.session.go_to(index, time.monotonic()):
            self._show_question()
            self._save_timing()

    def action_next(self) -> None:
        """The next question."""
        self._go(self.session.current + 1)

    def action_previous(self) -> None:
        """The previous question."""
        self._go(self.session.current - 1)

    def action_goto(self) -> None:
        """Pick any question."""
        self._capture_notes()
        rows = [(question.text, self._answer(question.id).state) for question in self.script.questions]

        def chosen(index: int | None) -> None:
            if index is not None:
                self._go(index)

        self.app.push_screen(QuestionPicker(rows, self.session.current), chosen)

    def action_unclear(self) -> None:
        """Mark the answer unclear, or take the mark off."""
        self._capture_notes()
        question_id = self.question.id
        answer = self._answer(question_id)
        state = toggled_unclear(answer.state, answer.notes)
        self._begin()
        self._change(("state", question_id), partial(set_state, question_id=question_id, state=state, at=_now()),
                     urgent=True)
        self._show_answer()

    def action_clarified(self) -> None:
        """Mark the answer clarified, with the clarified answer in the buyer's words."""
        self._capture_notes()
        question = self.question

        def chosen(text: str | None) -> None:
            if text is None:
                return
            self._begin()
            self._change(("state", question.id),
                         partial(clarify, question_id=question.id, clarified=text, at=_now()), urgent=True)
            if question.id == self.question.id:
                self._show_answer()
            else:
                self._show_list()

        self.app.push_screen(clarify_prompt(question.text, self._answer(question.id).clarified), chosen)

    def action_probe(self) -> None:
        """Insert a probe into the notes and mark it asked."""
        self._capture_notes()
        question = self.question
        probes = question.probes or GENERIC_PROBES

        def chosen(probe: str | None) -> None:
            if probe is None or question.id != self.question.id:
                return
            notes = self.notes
            row, column = notes.cursor_location
            line = notes.document.get_line(row)
            prefix = "\n" if line[:column].strip() else ""
            notes.insert(f"{prefix}{PROBE_MARK}{probe}\n")
            self._capture_notes()
            self._change(("probe", question.id, probe),
                         partial(use_probe, question_id=question.id, probe=probe, at=_now()), urgent=True)
            self._show_probes()
            self._show_answer()

        self.app.push_screen(ProbePicker(question.text, probes, self._answer(question.id).probes_used), chosen)

    def action_tag(self) -> None:
        """Tag the loss reasons the answer points to."""
        self._capture_notes()
        question = self.question

        def chosen(tags: list[str] | None) -> None:
            if tags is None:
                return
            self._begin()
            self._change(("tags", question.id), partial(set_tags, question_id=question.id, tags=tags, at=_now()),
                         urgent=True)
            self._show_answer()

        offered = [tag for item in self.script.questions for tag in item.tags]  # the bank's own reasons
        self.app.push_screen(TagPicker(question.text, self._answer(question.id).tags, question.tags, offered),
                             chosen)

    def action_marker(self) -> None:
        """Drop a timestamped marker now; the label can be typed after."""
        self.session.update(time.monotonic())
        at, elapsed, question = _now(), round(self.session.elapsed, 1), self.question

        def chosen(label: str | None) -> None:
            if label is None:
                return
            self._begin()
            self._markers += 1
            marker = Marker(at=at, elapsed=elapsed, question_id=question.id, label=label)
            self._change(("marker", self._markers), partial(add_marker, marker=marker), urgent=True)
            if question.id == self.question.id:
                self._show_answer()
            notify(self, f"Marker at {format_clock(elapsed)}" + (f": {label}" if label else ""), timeout=3)

        self.app.push_screen(marker_prompt(elapsed, question.text), chosen)

    def action_adhoc(self) -> None:
        """Add a question of your own, tone-checked before you ask it."""
        self._capture_notes()

        def chosen(choice: AdHocChoice | None) -> None:
            if choice is None:
                return
            self._add_adhoc(choice)

        self.app.push_screen(AdHocPrompt(), chosen)

    def _add_adhoc(self, choice: AdHocChoice) -> None:
        from debrief.core.script import custom_question, next_custom_id

        question = custom_question(choice.text, next_custom_id(self.script.question_ids))
        question = question.model_copy(update={"phase_title": "Asked during the call"})
        adhoc = AdHocQuestion(text=question.text, asked_at=_now(), findings=choice.findings)
        after = self.question.id
        self._begin()
        if not self._change(("adhoc", question.id), partial(add_adhoc, question=question, adhoc=adhoc,
                                                            after=after, fallback=self._fallback_script),
                            urgent=True):
            return
        position = self.session.insert_question(question.id, self.session.current)
        self._go(position)

    def action_timer(self) -> None:
        """Start or pause the call timer."""
        self._timer_touched = True
        running = self.session.toggle_timer(time.monotonic())
        if running:
            self._begin()
        self._save_timing(urgent=not running)
        self._show_figures()
        self.notify("Timer running" if running else "Timer paused", timeout=2)

    def action_talk(self) -> None:
        """Hand the turn over: you ↔ the buyer."""
        was_running = self.session.running
        self.session.toggle_speaker(time.monotonic())
        if not was_running:
            self._begin()
        self._save_timing()
        self._show_figures()

    def action_back(self) -> None:
        """Leave the call without ending it: everything typed is saved, and reopening resumes."""
        self._capture_notes()
        if self.saver is not None and not self.saver.flush():
            notify(self, f"The notes are {self.saver.state.label}; still here, try again.", severity="error")
            return
        app = self.app
        app.pop_screen()
        notify(app, "Left the call; every note is saved. Open the call again to go on where you stopped.",
               timeout=4)

    def action_end(self) -> None:
        """End the call: a summary to confirm, then the wrap-up."""
        self._capture_notes()
        self.session.update(time.monotonic())
        assert self.debrief is not None
        unclear = [question.text for question in self.script.questions
                   if self._answer(question.id).state is AnswerState.UNCLEAR]
        not_asked = sum(1 for question in self.script.questions
                        if self._answer(question.id).state is AnswerState.NOT_ASKED)
        summary = CallSummary(
            elapsed=self.session.elapsed, planned=self._planned_seconds(), rep_share=self.session.rep_share,
            target=self.debrief_app.settings.talk_share_target, longest=self.session.longest_monologue,
            unclear=unclear, not_asked=not_asked,
        )
        self.app.push_screen(EndCallPrompt(summary), self._end_chosen)

    def _end_chosen(self, choice: str | None) -> None:
        if choice is None or self.saver is None:
            return
        self.session.pause(time.monotonic())
        self._begin()
        self._save_timing()
        self._change("end", partial(end_call, at=_now()), urgent=True)
        if not self.saver.flush():
            notify(self, f"The end of the call is {self.saver.state.label}; try again.", severity="error")
            return
        self.close_call()
        app = self.debrief_app
        app.pop_screen()
        if choice == "wrapup":
            app.open_wrapup(self.debrief_id)
        else:
            app.notify("Call ended and saved; wrap it up later from the home screen.", timeout=4)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
