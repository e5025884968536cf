"""Prepare the call script: pick a bank, choose and order questions to fit the slot, preview.

The bank is suggested by how the deal was lost; its questions are shown by phase with their
minutes and what the tone check says of the rendered wording. The rep picks, drops and reorders
with keys, adds questions of their own (tone-checked as they type), watches the running total
against the call's minutes, and saves: the script is stored on the debrief as rendered text, so
the live call asks exactly what was prepared here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Input, Markdown, Select, Static
from textual.widgets._select import SelectOverlay

from debrief.core.facts import reason_label
from debrief.core.model import Debrief, Script, ScriptQuestion, Status
from debrief.core.text import one_line
from debrief.screens.base import DebriefScreen
from debrief.widgets.fit_footer import FitFooter
from debrief.widgets.keys import fill, follow, key
from debrief.widgets.plain import markup, notify, plain, rich_text
from debrief.widgets.question_picker import QuestionPicker, QuestionRow, ScriptList

if TYPE_CHECKING:
    from debrief.core.banks import Bank, BankError, BankSet
    from debrief.core.tone import Finding, ToneChecker

MINUTES_STEP = 5
"""How much the call's length changes per key press."""

_TYPED_KEY_ACTIONS = frozenset({"bank", "add", "defaults", "minutes", "export", "copy", "preview", "reword",
                                "bank_wording"})
"""Actions on printable keys: while the rep types a question, those keys are text."""


BROKEN_PREFIX = "!broken:"
"""Values of the bank list's rows for files that could not be loaded (never a bank id: ids are slugs)."""


class BankSelect(Select[str]):
    """The bank list: loaded banks to choose, and below them each bank file that could not be
    loaded, with its one-line reason, greyed and not selectable: a broken bank of the rep's own
    stays in sight instead of vanishing."""

    def _setup_options_renderables(self) -> None:
        super()._setup_options_renderables()
        overlay = self.query_one(SelectOverlay)
        for index, (_, value) in enumerate(self._options):
            if isinstance(value, str) and value.startswith(BROKEN_PREFIX):
                overlay.disable_option_at_index(index)


def broken_bank_rows(errors: list[BankError]) -> list[tuple[Text, str]]:
    """One greyed row per bank file that could not be loaded: its file name, line and reason."""
    from pathlib import PurePath

    rows = []
    for index, error in enumerate(errors):
        name = PurePath(error.path).name or error.path
        where = f"{name}:{error.line}" if error.line > 1 else name
        text = one_line(f"⚠ {where} could not be loaded: {error.field}: {error.reason}", 160)
        rows.append((rich_text(text, "dim"), f"{BROKEN_PREFIX}{index}"))
    return rows


class _NoToneCheck:
    """Stands in when the tone rules cannot be read: no findings, and the rep is told why."""

    def check(self, text: str) -> list[Finding]:
        return []


class PrepareScreen(DebriefScreen):
    """Choose and order the questions of one debrief's call script."""

    CSS_PATH = "prepare.tcss"
    AUTO_FOCUS = "#picker"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="prepare.save",
                tooltip="Save this script on the debrief (status becomes prepared)"),
        Binding("b", "bank", "Bank", id="prepare.bank",
                tooltip="Switch to another question bank"),
        Binding("a", "add", "Own question", id="prepare.add",
                tooltip="Write a question of your own (tone-checked as you type)"),
        Binding("r", "reword", "Reword", id="prepare.reword",
                tooltip="Reword the highlighted question for this deal (tone-checked; the bank is unchanged)"),
        Binding("R", "bank_wording", "Bank wording", id="prepare.bank_wording",
                tooltip="Put the bank's wording back on the highlighted reworded question"),
        Binding("ctrl+g", "use_suggestion", "Use suggestion", id="prepare.use_suggestion",
                tooltip="Replace your question with the phrasing the tone check suggests"),
        Binding("d", "defaults", "Refit", id="prepare.defaults",
                tooltip="Replace the bank questions with the default selection that fits the call"),
        Binding("minus", "minutes(-1)", "-5 min", id="prepare.shorter",
                tooltip="Plan a shorter call (5 minutes less)"),
        Binding("plus,equals_sign", "minutes(1)", "+5 min", id="prepare.longer", key_display="+",
                tooltip="Plan a longer call (5 minutes more)"),
        Binding("e", "export", "Export", id="prepare.export",
                tooltip="Save the script as a Markdown file and a plain-text file"),
        Binding("c", "copy", "Copy", id="prepare.copy",
                tooltip="Copy the script (plain text) to the clipboard"),
        Binding("p", "preview", "Preview", id="prepare.preview",
                tooltip="Show the preview alone, or beside the lists again"),
        Binding("escape", "back", "Back", id="prepare.back",
                tooltip="Leave (asks again when there are unsaved changes)"),
    ]

    def __init__(self, debrief_id: str) -> None:
        super().__init__()
        self.debrief_id = debrief_id
        self.chosen: list[ScriptQuestion] = []
        self.rendered: dict[str, ScriptQuestion] = {}
        self.findings: dict[str, list[Finding]] = {}
        self.custom_findings: list[Finding] = []
        self.custom_phrasing = ""
        self.dirty = False
        self._leave_armed = False
        self._preview_timer: Timer | None = None
        self._problem = ""
        self._tone_problem = ""
        self.rewordings: dict[str, str] = {}
        """The rep's own wording of bank questions, by id: kept when a question is dropped and picked again."""
        self._rewording: str | None = None
        """The question whose wording the input at the foot is editing now (None: a new question)."""
        self._highlighted: str | None = None

    # -- loading -----------------------------------------------------------------------------


    def _load(self) -> bool:
        from debrief.core.banks import load_banks
        from debrief.core.script import ScriptError, call_minutes, suggest_bank
        from debrief.core.store import StoreError
        from debrief.core.tone import default_checker

        try:
            self.debrief: Debrief = self.debrief_app.store.get(self.debrief_id)
        except StoreError as error:
            self._problem = str(error)
            return False
        self.banks: BankSet = load_banks()
        try:
            self.checker: ToneChecker | _NoToneCheck = default_checker()
        except ValueError as error:  # a broken rules file must not block preparing the call
            self.checker = _NoToneCheck()
            self._tone_problem = f"The tone check is off: {error}"
        self.minutes = call_minutes(self.debrief, self.debrief_app.settings)
        saved = self.debrief.script
        try:
            bank = self.banks.banks.get(saved.bank_id) if saved else None
            bank = bank or suggest_bank(self.debrief, self.banks)
        except ScriptError as error:
            first = f" ({self.banks.errors[0]})" if self.banks.errors else ""
            self._problem = f"{error}{first}"
            return False
        self.bank: Bank = bank
        if not self._render_bank(bank):
            return False
        if saved is not None:
            self.chosen = [question.model_copy() for question in saved.questions]
            self.bank_id, self.bank_version = saved.bank_id, saved.bank_version
            self.opening, self.closing = saved.opening, saved.closing
            self.rewordings = {question.id: question.text for question in self.chosen if question.reworded}
            for question in self.chosen:
                if question.id not in self.findings or question.reworded:
                    self.findings[question.id] = self.checker.check(question.text)
        else:
            self.chosen = self._default_choice()
        return True

    def _render_bank(self, bank: Bank) -> bool:
        """Render every question of ``bank`` for this deal and tone-check the wording."""
        from debrief.core.render import RenderError
        from debrief.core.script import ScriptError, build_script

        settings = self.debrief_app.settings
        ids = [question.id for _, question in bank.questions()]
        try:
            full = build_script(self.debrief, bank, ids, self.minutes, settings.rep_name)
        except (RenderError, ScriptError) as error:
            self._problem = str(error)
            return False
        self.bank = bank
        self.rendered = {question.id: question for question in full.questions}
        self.findings = {
            **{q.id: self.checker.check(q.text) for q in self.chosen if q.custom},
            **{qid: self.checker.check(q.text) for qid, q in self.rendered.items()},
        }
        self.bank_id, self.bank_version = bank.id, bank.version
        self.opening, self.closing = full.opening, full.closing
        return True

    def _default_choice(self) -> list[ScriptQuestion]:
        """The default selection, leaving out what renders empty or the tone check flags."""
        from debrief.core.script import default_selection

        avoid = {q.id for _, q in self.bank.questions() if q.id not in self.rendered}
        avoid |= {qid for qid, found in self.findings.items() if found}
        ids = default_selection(self.bank, self.minutes, self.debrief_app.settings.max_questions,
                                focus=self.debrief.guessed_reasons, avoid=avoid)
        return [self._bank_question(qid) for qid in ids if qid in self.rendered]

    def _bank_question(self, question_id: str) -> ScriptQuestion:
        """A bank question as rendered for this deal, in the rep's own wording when reworded."""
        rendered = self.rendered[question_id]
        wording = self.rewordings.get(question_id)
        if wording is None or wording == rendered.text:
            return rendered
        return rendered.model_copy(update={"text": wording, "reworded": True, "bank_text": rendered.text})

    # -- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        if not self._load():
            yield Static(plain(self._problem), id="prepare-problem")
            yield FitFooter()
            return
        self.title = f"Prepare — {self.debrief.company}"
        with Horizontal(id="prepare-head"):
            yield Static(self._deal_line(), id="prepare-deal")
            options: list[tuple[Text, str]] = [
                (rich_text(one_line(f"{bank.title} ({bank.question_count} q)")), bank.id)
                for bank in sorted(self.banks.banks.values(), key=lambda b: b.title.lower())]
            options += broken_bank_rows(self.banks.errors)
            yield BankSelect(options, value=self.bank.id, allow_blank=False, compact=True,
                             id="prepare-bank", tooltip=fill(self, "Question bank ({prepare.bank})"))
        with Horizontal(id="prepare-body"):
            with Vertical(id="prepare-left"):
                yield follow(Static(classes="pane-title"), "Bank questions · {prepare.pick} picks or drops")
                yield QuestionPicker(id="picker")
                yield follow(Static(classes="pane-title"),
                             "Your script · {prepare.move_up} {prepare.move_down} reorder · {prepare.drop} drops")
                yield ScriptList(id="script-list")
            with Vertical(id="prepare-right"):
                yield Static(id="detail")
                with VerticalScroll(id="preview-scroll"):
                    yield Markdown(id="preview")
        with Vertical(id="prepare-foot"):
            yield Static(id="total")
            yield Static(id="reword-note")
            yield follow(Input(id="custom-input", max_length=300, compact=True),
                         "Add your own question ({prepare.add} opens this, enter adds it)")
            yield Static(id="custom-tone")
        yield FitFooter()

    def on_mount(self) -> None:
        if self._problem:
            notify(self, self._problem, severity="error", timeout=8)
            self.app.pop_screen()
            return
        if self._tone_problem:
            notify(self, self._tone_problem, severity="warning", timeout=10)
        if self.banks.errors:
            notify(self, self._bank_errors_notice(), severity="warning", timeout=12)
        self._show_picker()
        self._show_script()
        self._show_custom_tone("")
        self._refresh_preview()

    def _bank_errors_notice(self) -> str:
        """Banks that could not be loaded, each with its one-line reason: a broken bank of the
        rep's own is said, never silently missing from the list."""
        errors = self.banks.errors
        count = len(errors)
        lines = [f"{count} bank{'s' if count != 1 else ''} could not be loaded (debrief banks lint):"]
        lines += [str(error) for error in errors[:3]]
        if count > 3:
            lines.append(f"and {count - 3} more")
        return "\n".join(lines)

    def _deal_line(self) -> Content:
        debrief = self.debrief
        parts = [debrief.company, debrief.contact.name + (f" ({debrief.contact.role})" if debrief.contact.role else "")]
        if debrief.lost_to:
            parts.append(f"lost to {debrief.lost_to}")
        if debrief.schedule is not None:
            at = debrief.schedule.at
            parts.append(f"call {at:%a} {at.day} {at:%b %H:%M}")
        return markup("[b]Prepare[/] · $facts", facts=one_line(" · ".join(parts)))

    # -- showing state -------------------------------------------------------------------------

    def _row(self, question: ScriptQuestion) -> QuestionRow:
        return QuestionRow(id=question.id, text=one_line(question.text), minutes=question.minutes,
                           phase_title=question.phase_title, flagged=bool(self.findings.get(question.id)),
                           custom=question.custom, reworded=question.reworded)

    def _chosen_ids(self) -> set[str]:
        return {question.id for question in self.chosen}

    def _show_picker(self) -> None:
        phases = []
        for phase in self.bank.phases:
            rows = [self._row(self._bank_question(q.id)) for q in phase.questions if q.id in self.rendered]
            if rows:
                phases.append((phase.title, rows))
        self.query_one(QuestionPicker).show(phases, self._chosen_ids())

    def _show_script(self, highlight: str | None = None) -> None:
        self.query_one(ScriptList).show([self._row(q) for q in self.chosen], highlight)
        self._show_total()

    def _show_total(self) -> None:
        from debrief.core.script import planned_minutes

        planned = planned_minutes(self.chosen)
        count = len(self.chosen)
        cap = self.debrief_app.settings.max_questions
        text = (f"Script: {count} question{'s' if count != 1 else ''} · about {planned:g} of "
                f"{self.minutes} minutes (opening and closing included)")
        warnings = []
        if planned > self.minutes:
            warnings.append(f"over the slot by {planned - self.minutes:g} min: drop a question or press "
                            + key(self, "prepare.defaults"))
        if count > cap:
            warnings.append(f"more than {cap} questions: guides cap at 10-12")
        total = self.query_one("#total", Static)
        if warnings:
            total.update(markup("$text [$warning]⚠ $warn[/]", text=text, warn="; ".join(warnings)))
        else:
            total.update(plain(text))
        total.set_class(bool(warnings), "-warning")

    def _show_detail(self, question_id: str | None) -> None:
        detail = self.query_one("#detail", Static)
        question = self._question(question_id)
        if question is None:
            detail.update("")
            return
        lines = [markup("[b]$text[/]", text=one_line(question.text))]
        facts = [f"{question.minutes:g} min"]
        if question.phase_title:
            facts.append(question.phase_title)
        if question.reworded:
            facts.append("reworded for this deal")
        if question.tags:
            facts.append("explores " + ", ".join(reason_label(tag).lower() for tag in question.tags))
        lines.append(markup("[$text-muted]$facts[/]", facts=" · ".join(facts)))
        if question.intent:
            lines.append(markup("[b]Why:[/] $intent", intent=one_line(question.intent)))
        for probe in question.probes:
            lines.append(markup("[$text-muted]probe:[/] $probe", probe=one_line(probe)))
        if question.reworded and question.bank_text:
            lines.append(markup("[$text-muted]bank wording ($key puts it back):[/] $text",
                                key=key(self, "prepare.bank_wording"), text=one_line(question.bank_text)))
        for finding in self.findings.get(question.id, []):
            lines.append(self._finding_line(finding))
        detail.update(Content("\n").join(lines))

    @staticmethod
    def _finding_line(finding: Finding) -> Content:
        suggestion = f" Try: {finding.suggestion}" if finding.suggestion else ""
        return markup(
            "[$warning]⚠ $category[/] “$matched”: $message$suggestion",
            category=finding.category, matched=finding.matched, message=finding.message,
            suggestion=suggestion,
        )

    def _question(self, question_id: str | None) -> ScriptQuestion | None:
        if question_id is None:
            return None
        for question in self.chosen:
            if question.id == question_id:
                return question
        return self._bank_question(question_id) if question_id in self.rendered else None

    def current_script(self) -> Script:
        """The script as it stands on screen (what saving stores and the preview shows)."""
        return Script(bank_id=self.bank_id, bank_version=self.bank_version, minutes=self.minutes,
                      opening=self.opening, closing=self.closing, questions=list(self.chosen))

    def _changed(self, highlight: str | None = None) -> None:
        self.dirty = True
        self._leave_armed = False
        self.query_one(QuestionPicker).mark(self._chosen_ids())
        self._show_script(highlight)
        self._schedule_preview()

    def _schedule_preview(self) -> None:
        if self._preview_timer is not None:
            self._preview_timer.stop()
        self._preview_timer = self.set_timer(0.12, self._refresh_preview)

    def _refresh_preview(self) -> None:
        from debrief.core.script import script_markdown

        self._preview_timer = None
        self.query_one("#preview", Markdown).update(script_markdown(self.current_script(), self.debrief))

    # -- picking, dropping, reordering ---------------------------------------------------------

    @on(QuestionPicker.Toggled)
    def _toggle(self, event: QuestionPicker.Toggled) -> None:
        ids = [question.id for question in self.chosen]
        if event.question_id in ids:
            self.chosen.pop(ids.index(event.question_id))
        elif event.question_id in self.rendered:
            self.chosen.insert(self._bank_position(event.question_id), self._bank_question(event.question_id))
        self._changed()

    def _bank_position(self, question_id: str) -> int:
        """Where a newly picked question goes: after the chosen ones that come before it in the bank."""
        order = list(self.rendered)
        rank = order.index(question_id)
        position = 0
        for index, question in enumerate(self.chosen):
            if question.id in self.rendered and order.index(question.id) < rank:
                position = index + 1
        return position

    @on(ScriptList.Dropped)
    def _drop(self, event: ScriptList.Dropped) -> None:
        self.chosen = [question for question in self.chosen if question.id != event.question_id]
        self._changed()

    @on(ScriptList.Moved)
    def _move(self, event: ScriptList.Moved) -> None:
        ids = [question.id for question in self.chosen]
        if event.question_id not in ids:
            return
        index = ids.index(event.question_id)
        target = max(0, min(len(ids) - 1, index + event.delta))
        if target != index:
            self.chosen.insert(target, self.chosen.pop(index))
            self._changed(highlight=event.question_id)

    @on(QuestionPicker.Shown)
    @on(ScriptList.Shown)
    def _shown(self, event: QuestionPicker.Shown | ScriptList.Shown) -> None:
        self._highlighted = event.question_id
        self._show_detail(event.question_id)
        self.refresh_bindings()  # "Bank wording" shows only on a reworded question

    # -- the bank ------------------------------------------------------------------------------

    def action_bank(self) -> None:
        select = self.query_one("#prepare-bank", Select)
        select.focus()
        select.action_show_overlay()

    @on(Select.Changed, "#prepare-bank")
    def _bank_changed(self, event: Select.Changed) -> None:
        bank_id = event.value
        if not isinstance(bank_id, str) or bank_id == self.bank.id or bank_id not in self.banks.banks:
            return
        previous = self.bank
        customs = [question for question in self.chosen if question.custom]
        rewordings, self.rewordings = self.rewordings, {}  # another bank words its questions its own way
        if not self._render_bank(self.banks.banks[bank_id]):  # changes nothing when it fails
            notify(self, self._problem, severity="error")
            self.rewordings = rewordings
            select: Select[str] = self.query_one("#prepare-bank", Select)
            select.value = previous.id
            return
        self.chosen = self._default_choice() + customs
        self._show_picker()
        self._changed()
        self.query_one(QuestionPicker).focus()
        notify(self, f"{self.bank.title}: the default selection for {self.minutes} minutes"
               + (", your own questions kept" if customs else ""))

    def action_defaults(self) -> None:
        customs = [question for question in self.chosen if question.custom]
        self.chosen = self._default_choice() + customs
        self._changed()
        self.notify(f"Default selection for {self.minutes} minutes")

    def action_minutes(self, steps: int) -> None:
        from debrief.core.script import clamp_minutes

        minutes = clamp_minutes(self.minutes + steps * MINUTES_STEP)
        if minutes != self.minutes:
            self.minutes = minutes
            self.dirty = True
            self._show_total()
            self._schedule_preview()

    # -- your own question ---------------------------------------------------------------------

    def action_add(self) -> None:
        self.query_one("#custom-input", Input).focus()

    @on(Input.Changed, "#custom-input")
    def _custom_typed(self, event: Input.Changed) -> None:
        self._show_custom_tone(event.value)

    def _show_custom_tone(self, text: str) -> None:
        from debrief.core.script import suggested_phrasing

        tone = self.query_one("#custom-tone", Static)
        could_use = bool(self.custom_phrasing)
        self.custom_findings = self.checker.check(text) if text.strip() else []
        self.custom_phrasing = next(
            (p for f in self.custom_findings if (p := suggested_phrasing(f.suggestion))), "")
        if not text.strip():
            tone.update(markup(
                "[$text-muted]Keep it open and forward-looking: “What…”, “How…”, "
                "“Could you walk me through…”[/]"))
        elif self.custom_findings:
            first = self.custom_findings[0]
            more = len(self.custom_findings) - 1
            head = markup(
                "[$warning]⚠ $category[/] “$matched”$more · $message", category=first.category,
                matched=first.matched, message=first.message,
                more=f" (+{more} more)" if more else "")
            lines = [head]
            if first.suggestion:
                hint = " [b]$key[/] uses it" if self.custom_phrasing else ""
                lines.insert(0, markup(f"[b]Try:[/] $suggestion{hint}", suggestion=first.suggestion,
                                       key=key(self, "prepare.use_suggestion")))
            tone.update(Content("\n").join(lines))
        else:
            then = "enter keeps this wording" if self._rewording else "enter adds it to the script"
            tone.update(markup("[$success]✓ Open and non-defensive[/] · $then", then=then))
        tone.set_class(bool(self.custom_findings), "-warning")
        if could_use != bool(self.custom_phrasing):
            self.refresh_bindings()  # the key appears in the footer only when it can act

    def action_use_suggestion(self) -> None:
        if self.custom_phrasing:
            field = self.query_one("#custom-input", Input)
            field.value = self.custom_phrasing
            gap = self.custom_phrasing.find("…")
            field.cursor_position = gap if gap >= 0 else len(self.custom_phrasing)
            field.focus()

    # -- rewording a question for this deal -----------------------------------------------------

    def action_reword(self) -> None:
        """Edit the highlighted question's wording in the input at the foot, tone-checked as typed."""
        question = self._question(self._highlighted)
        if question is None:
            self.notify("Highlight a question to reword it", severity="warning")
            return
        self._rewording = question.id
        number = next((n for n, q in enumerate(self.chosen, 1) if q.id == question.id), None)
        where = f"question {number}" if number else "this question (it joins the script)"
        note = self.query_one("#reword-note", Static)
        note.update(markup("[b]Rewording $where[/] for this deal · enter keeps it · $back cancels",
                           where=where, back=key(self, "prepare.back")))
        note.display = True
        field = self.query_one("#custom-input", Input)
        field.value = question.text
        field.cursor_position = len(question.text)
        field.focus()
        self._show_custom_tone(question.text)

    @on(Input.Blurred, "#custom-input")
    def _left_the_input(self, _event: Input.Blurred) -> None:
        """Leaving the input ends the rewording unsaved: a later new question never overwrites one."""
        if self._rewording is not None:
            self._stop_rewording()
            self._show_custom_tone("")

    def _stop_rewording(self) -> None:
        if self._rewording is not None:
            self._rewording = None
            self.query_one("#reword-note", Static).display = False
            self.query_one("#custom-input", Input).value = ""

    def _reworded(self, question_id: str, text: str) -> None:
        """Keep ``text`` as this deal's wording of the question (the bank's own when they agree)."""
        from debrief.core.text import strip_control

        wording = " ".join(strip_control(text).split())
        if not wording:
            notify(self, "a question needs some text", severity="warning")
            return
        current = self._question(question_id)
        if current is None:
            return
        if current.custom:
            updated = current.model_copy(update={"text": wording})
        else:
            self.rewordings[question_id] = wording
            updated = self._bank_question(question_id) if question_id in self.rendered else current.model_copy(
                update={"text": wording, "reworded": wording != (current.bank_text or current.text),
                        "bank_text": current.bank_text or current.text})
        self.findings[question_id] = self.checker.check(wording)
        ids = [question.id for question in self.chosen]
        if question_id in ids:
            self.chosen[ids.index(question_id)] = updated
        else:
            self.chosen.insert(self._bank_position(question_id), updated)
        self._stop_rewording()
        self.query_one(ScriptList).focus()
        self._after_wording(question_id)
        flagged = self.findings[question_id]
        if flagged:
            notify(self, f"Reworded; the tone check still flags it ({flagged[0].category})", severity="warning")
        elif updated.reworded:
            self.notify("Reworded for this deal (the bank is unchanged)")
        else:
            self.notify("The bank's wording again" if not current.custom else "Your question is reworded")

    def _after_wording(self, question_id: str) -> None:
        self._show_picker()
        self._changed(highlight=question_id)
        self._show_detail(question_id)
        self.refresh_bindings()

    def action_bank_wording(self) -> None:
        """Put the bank's wording back on the highlighted question."""
        question = self._question(self._highlighted)
        if question is None or not question.reworded:
            return
        self.rewordings.pop(question.id, None)
        if question.id in self.rendered:
            restored = self.rendered[question.id]
        else:  # a bank no longer there: the wording it had when the rep reworded it
            restored = question.model_copy(update={"text": question.bank_text, "reworded": False, "bank_text": ""})
        self.findings[question.id] = self.checker.check(restored.text)
        self.chosen = [restored if q.id == question.id else q for q in self.chosen]
        self._after_wording(question.id)
        self.notify("The bank's wording is back")

    @on(Input.Submitted, "#custom-input")
    def _custom_submitted(self, event: Input.Submitted) -> None:
        from debrief.core.script import ScriptError, custom_question, next_custom_id

        if self._rewording is not None:
            self._reworded(self._rewording, event.value)
            return

        taken = [question.id for question in self.chosen] + list(self.rendered)
        try:
            question = custom_question(event.value, next_custom_id(taken))
        except (ScriptError, ValueError) as error:
            notify(self, str(error).splitlines()[0], severity="warning")
            return
        flagged = list(self.custom_findings)
        self.findings[question.id] = flagged
        self.chosen.append(question)
        event.input.value = ""
        self._changed(highlight=question.id)
        if flagged:
            notify(self, f"Added as question {len(self.chosen)}; the tone check still flags it "
                   f"({flagged[0].category})", severity="warning")
        else:
            self.notify(f"Added as question {len(self.chosen)}")

    # -- saving and exporting ------------------------------------------------------------------

    def action_save(self) -> bool:
        """Store the script on the debrief and mark it prepared; True when it was saved."""
        from debrief.core.script import planned_minutes
        from debrief.core.store import StoreError

        script = self.current_script()

        def change(debrief: Debrief) -> None:
            debrief.script = script
            debrief.advance(Status.PREPARED)

        try:
            self.debrief = self.debrief_app.store.update(self.debrief_id, change)
        except StoreError as error:
            notify(self, error, severity="error", timeout=10)
            return False
        self.dirty = False
        self._leave_armed = False
        self.notify(f"Saved: {len(script.questions)} questions, about "
                    f"{planned_minutes(script.questions):g} of {script.minutes} minutes")
        return True

    def _export_paths(self) -> tuple[str, str]:
        from debrief.locations import slug

        stem = f"{slug(self.debrief.company)}-{self.debrief.id}-script"
        return f"{stem}.md", f"{stem}.txt"

    def action_export(self) -> None:
        from debrief.core.script import script_markdown, script_text
        from debrief.locations import exports_dir, save_export

        folder = exports_dir(self.debrief_app.settings.exports)
        script = self.current_script()
        md_name, text_name = self._export_paths()
        try:
            md_path = save_export(md_name, script_markdown(script, self.debrief), folder)
            text_path = save_export(text_name, script_text(script, self.debrief), folder)
        except OSError as error:
            notify(self, f"Export failed: {error.strerror or error}", severity="error", timeout=10)
            return
        notify(self, f"Exported to {folder}: {md_path.name} and {text_path.name}", title="Script exported",
               timeout=12)

    def action_copy(self) -> None:
        from debrief.core.script import script_text

        self.app.copy_to_clipboard(script_text(self.current_script(), self.debrief))
        self.notify("Script copied as plain text (if your terminal ignores it, export with e)")

    def action_preview(self) -> None:
        self.toggle_class("-preview-only")
        if self.has_class("-preview-only"):
            self.query_one("#preview-scroll").focus()
        else:
            self.query_one(QuestionPicker).focus()

    def action_back(self) -> None:
        if isinstance(self.focused, Input):
            self._stop_rewording()
            self.query_one(QuestionPicker).focus()
            return
        if self.dirty and not self._leave_armed:
            self._leave_armed = True
            self.notify(fill(self, "Unsaved changes: {prepare.save} saves them, {prepare.back} again leaves "
                             "without saving"), markup=False,
                        severity="warning")
            return
        self.dismiss()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide keys that cannot act now, so the footer lists only what works."""
        if action == "use_suggestion":
            return bool(self.custom_phrasing)
        if action == "bank_wording":
            question = self._question(self._highlighted)
            if question is None or not question.reworded or isinstance(self.focused, Input):
                return False
        # While the rep types a question, printable keys are text, not commands.
        return not (action in _TYPED_KEY_ACTIONS and isinstance(self.focused, Input))
