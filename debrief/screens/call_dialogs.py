"""The small dialogs of the live call: go to a question, clarify, probe, tag, mark, ask, end.

Each is a modal over the call that returns what the rep chose (or None on Escape) and saves
nothing itself: the call screen owns the data and the saving. Enter confirms, Escape cancels.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.events import Key
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, OptionList, SelectionList, Static
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from debrief.core.call import format_clock, phrasing_from
from debrief.core.model import AnswerState
from debrief.core.text import one_line
from debrief.widgets.keys import follow, follow_keymap, key
from debrief.widgets.plain import clean, join, notify, plain, plain_line
from debrief.widgets.question_list import STATE_GLYPHS

_CANCEL = Binding("escape", "back", "Cancel", id="call-dialog.cancel", tooltip="Close without changes")


T = TypeVar("T")


class _Dialog(ModalScreen[T | None], Generic[T]):
    """A centred box over the call; Escape closes it with None."""

    CSS_PATH = "call_dialogs.tcss"
    BINDINGS = [_CANCEL]
    DEFAULT_CLASSES = "call-dialog-screen"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    """As the call's: a toast over a dialog is placed and sized as one over the call."""

    def action_back(self) -> None:
        """Close without changes."""
        self.dismiss(None)

    def on_mount(self) -> None:
        """Hints that name keys follow the bindings (after the dialog's own ``on_mount``)."""
        follow_keymap(self)


class _Picker(_Dialog[int]):
    """An option list: Enter or a digit picks."""

    def pick_digit(self, event: Key, options: OptionList) -> None:
        if event.character and event.character.isdigit() and event.character != "0":
            index = int(event.character) - 1
            if index < options.option_count:
                event.stop()
                options.highlighted = index
                options.action_select()


# -- go to a question ---------------------------------------------------------------------------


class QuestionPicker(_Picker):
    """Every question with its state; Enter goes there."""

    def __init__(self, rows: list[tuple[str, AnswerState]], current: int) -> None:
        super().__init__()
        self.rows = rows
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="call-dialog", id="goto-dialog"):
            yield Static("Go to question", classes="call-dialog-title")
            width = len(str(len(self.rows)))
            options = [
                Option(plain_line(f"{index + 1:>{width}} {STATE_GLYPHS[state]} {one_line(text, 90)}"), id=str(index))
                for index, (text, state) in enumerate(self.rows)
            ]
            yield OptionList(*options, id="goto-list")
            yield follow(Static(classes="call-dialog-hint"),
                         "Enter go · 1-9 jump · {call-dialog.cancel} back to the notes")

    def on_mount(self) -> None:
        options = self.query_one("#goto-list", OptionList)
        options.highlighted = self.current
        options.focus()

    @on(OptionList.OptionSelected, "#goto-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0))

    def on_key(self, event: Key) -> None:
        self.pick_digit(event, self.query_one("#goto-list", OptionList))


# -- insert a probe -----------------------------------------------------------------------------


class ProbePicker(_Dialog[str]):
    """The question's clarifying follow-ups; the chosen one goes into the notes."""

    def __init__(self, question: str, probes: list[str], used: list[str]) -> None:
        super().__init__()
        self.question = question
        self.probes = probes
        self.used = used

    def compose(self) -> ComposeResult:
        with Vertical(classes="call-dialog", id="probe-dialog"):
            yield Static("Ask a probe", classes="call-dialog-title")
            yield Static(plain_line(self.question, 200), classes="call-dialog-question")
            options = [
                Option(plain(f"{index + 1} {'✓' if probe in self.used else ' '} {probe}"), id=str(index))
                for index, probe in enumerate(self.probes)
            ]
            yield OptionList(*options, id="probe-list")
            yield follow(Static(classes="call-dialog-hint"),
                         "Enter insert into the notes · 1-9 pick · ✓ asked already · {call-dialog.cancel} cancel")

    def on_mount(self) -> None:
        options = self.query_one("#probe-list", OptionList)
        unused = [index for index, probe in enumerate(self.probes) if probe not in self.used]
        options.highlighted = unused[0] if unused else 0
        options.focus()

    @on(OptionList.OptionSelected, "#probe-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.probes[int(event.option.id or 0)])

    def on_key(self, event: Key) -> None:
        if event.character and event.character.isdigit() and event.character != "0":
            index = int(event.character) - 1
            if index < len(self.probes):
                event.stop()
                self.dismiss(self.probes[index])


# -- tag loss reasons ---------------------------------------------------------------------------


class ReasonList(SelectionList[str]):
    """Space ticks, Enter asks to save: Enter is handled here, in the list's own queue, so a tick
    typed just before it is never overtaken."""

    BINDINGS = [Binding("enter", "confirm", "Save", id="call-tags.save", tooltip="Save the ticked reasons")]

    @dataclass
    class Confirmed(Message):
        """The rep pressed Enter."""

    def action_confirm(self) -> None:
        """Ask the dialog to save."""
        self.post_message(self.Confirmed())


class TagPicker(_Dialog[list[str]]):
    """Loss reasons, the question's own first; Space toggles, Enter saves."""

    def __init__(self, question: str, chosen: list[str], suggested: list[str], offered: Iterable[str] = ()) -> None:
        """``suggested``: the question's own tags; ``offered``: the other tags of the script's bank."""
        from debrief.core.reasons import taxonomy

        super().__init__()
        self.question = question
        self.chosen = chosen
        # The taxonomy, with the tags the bank introduces and any already on the answer.
        self.reasons = taxonomy(tags=[*suggested, *offered, *chosen])
        self.suggested = [tag for tag in dict.fromkeys(suggested) if self.reasons.known(tag)]

    def compose(self) -> ComposeResult:
        order = self.suggested + [tag for tag in self.reasons.ids() if tag not in self.suggested]
        selections = [
            Selection(plain_line(self.reasons.label(tag) + ("  (this question)" if tag in self.suggested else "")),
                      tag, tag in self.chosen, id=f"reason-{tag}")
            for tag in order
        ]
        with Vertical(classes="call-dialog", id="tag-dialog"):
            yield Static("Tag loss reasons", classes="call-dialog-title")
            yield Static(plain_line(self.question, 200), classes="call-dialog-question")
            yield ReasonList(*selections, id="tag-list")
            yield follow(Static(classes="call-dialog-hint"),
                         "Space tick/untick · {call-tags.save} save · {call-dialog.cancel} cancel")

    def on_mount(self) -> None:
        self.query_one("#tag-list", ReasonList).focus()

    @on(ReasonList.Confirmed)
    def _save(self) -> None:
        """Save the ticked reasons, in the order of the vocabulary."""
        ticked = set(self.query_one("#tag-list", ReasonList).selected)
        self.dismiss([tag for tag in self.reasons.ids() if tag in ticked])


# -- one line of text: clarified answer, marker label --------------------------------------------


class TextPrompt(_Dialog[str]):
    """A title, some context and one line to type; Enter saves."""

    def __init__(self, title: str, context: str, prompt: str, value: str = "", *,
                 required: bool = False, dialog_id: str = "text-dialog") -> None:
        super().__init__()
        self.title_text = title
        self.context_text = context
        self.prompt = prompt
        self.value = value
        self.required = required
        self.dialog_id = dialog_id

    def compose(self) -> ComposeResult:
        with Vertical(classes="call-dialog", id=self.dialog_id):
            yield Static(plain(self.title_text), classes="call-dialog-title")
            if self.context_text:
                yield Static(plain(self.context_text), classes="call-dialog-question")
            yield Input(self.value, placeholder=clean(self.prompt), id="prompt-input")
            yield Static("", id="prompt-error", classes="call-dialog-error")
            yield follow(Static(classes="call-dialog-hint"), "Enter save · {call-dialog.cancel} cancel")

    def on_mount(self) -> None:
        self.query_one("#prompt-input", Input).focus()

    @on(Input.Submitted, "#prompt-input")
    def _submitted(self, event: Input.Submitted) -> None:
        text = one_line(event.value)
        if self.required and not text:
            self.query_one("#prompt-error", Static).update(plain(f"{self.prompt}: please write a few words"))
            return
        self.dismiss(text)


def clarify_prompt(question: str, clarified: str) -> TextPrompt:
    """Ask for the clarified answer, in the buyer's words."""
    return TextPrompt("Clarified answer", one_line(question, 200),
                      "What they meant, in the buyer's words", clarified, required=True,
                      dialog_id="clarify-dialog")


def marker_prompt(elapsed: float, question: str) -> TextPrompt:
    """Label a marker dropped at ``elapsed`` (the label may stay empty)."""
    return TextPrompt(f"Marker at {format_clock(elapsed)}", f"During: {one_line(question, 160)}",
                      "Label (optional), e.g. key quote on pricing", dialog_id="marker-dialog")


# -- an ad-hoc question, tone-checked ------------------------------------------------------------


@dataclass(frozen=True)
class AdHocChoice:
    """The question the rep will ask and what the tone check said about it."""

    text: str
    findings: list[str] = field(default_factory=list)


class AdHocPrompt(_Dialog[AdHocChoice]):
    """Type a question; the tone check reads it as you type and offers a better phrasing."""

    BINDINGS = [
        _CANCEL,
        Binding("ctrl+g", "use_suggestion", "Use suggestion", id="call-adhoc.suggest",
                tooltip="Replace the question with the suggested phrasing"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._suggestion = ""
        self._warned_for: str | None = None
        self._findings: list[str] = []
        self._lines: list[str] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="call-dialog", id="adhoc-dialog"):
            yield Static("Ask your own question", classes="call-dialog-title")
            yield Input(placeholder="Your question, open and forward-looking", id="adhoc-input")
            yield Static("", id="adhoc-findings")
            yield follow(Static(classes="call-dialog-hint"),
                         "Enter ask · {call-adhoc.suggest} use the suggestion · {call-dialog.cancel} cancel")

    def on_mount(self) -> None:
        self.query_one("#adhoc-input", Input).focus()

    def _check(self, text: str) -> None:
        view = self.query_one("#adhoc-findings", Static)
        try:
            from debrief.core.tone import default_checker

            checker = default_checker()
            known = len(checker.problems)
            findings = checker.check(text) if text.strip() else []
            for problem in checker.problems[known:]:  # a rule switched off for being too slow: once
                notify(self, one_line(problem, 200), severity="warning", timeout=8)
        except (ValueError, OSError) as error:
            # The rules file is broken: say so, and let the rep ask anyway.
            self._findings, self._suggestion, self._lines = [], "", []
            view.update(plain_line(f"Tone check unavailable: {one_line(str(error), 160)}"))
            view.set_class(True, "-flagged")
            return
        self._findings = [f"{finding.category}: {finding.message}" for finding in findings]
        advice = next((finding.suggestion for finding in findings if finding.suggestion), "")
        self._suggestion = phrasing_from(advice) if advice else ""
        if not text.strip():
            view.update("")
            view.set_class(False, "-flagged")
            return
        if not findings:
            view.update("✓ Open and non-defensive: good to ask.")
            view.set_class(False, "-flagged")
            return
        lines = [f"⚠ {finding.category}: {finding.message}" for finding in findings]
        if advice:
            lines.append(f"Try: {advice}")
        if self._suggestion and self._suggestion != advice:
            lines.append(f"{key(self, 'call-adhoc.suggest')} puts in: {self._suggestion}")
        self._lines = lines
        view.update(join(lines))
        view.set_class(True, "-flagged")

    @on(Input.Changed, "#adhoc-input")
    def _changed(self, event: Input.Changed) -> None:
        self._check(event.value)

    @on(Input.Submitted, "#adhoc-input")
    def _submitted(self, event: Input.Submitted) -> None:
        text = one_line(event.value)
        if not text:
            return
        self._check(text)
        if self._findings and self._warned_for != text:
            self._warned_for = text
            self.query_one("#adhoc-findings", Static).update(
                join([*self._lines, "Enter again to ask it as written anyway."]))
            return
        self.dismiss(AdHocChoice(text, list(self._findings)))

    def action_use_suggestion(self) -> None:
        """Take the better phrasing the tone check offered."""
        if self._suggestion:
            field_ = self.query_one("#adhoc-input", Input)
            field_.value = self._suggestion
            field_.cursor_position = len(field_.value)


# -- ending the call ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CallSummary:
    """What the end-of-call dialog shows before the rep confirms."""

    elapsed: float
    planned: float
    rep_share: float | None
    target: float
    longest: float
    unclear: list[str]
    not_asked: int


class EndCallPrompt(_Dialog[str]):
    """Confirm the end of the call: ``"wrapup"``, ``"end"`` or None to keep going."""

    BINDINGS = [
        Binding("escape", "back", "Keep going", id="call-end.cancel", tooltip="Back to the call"),
        Binding("w", "choose('wrapup')", "End & wrap up", id="call-end.wrapup",
                tooltip="End the call and write the takeaways now"),
        Binding("e", "choose('end')", "End call", id="call-end.end", tooltip="End the call, wrap up later"),
    ]

    def __init__(self, summary: CallSummary) -> None:
        super().__init__()
        self.summary = summary

    def compose(self) -> ComposeResult:
        summary = self.summary
        share = "nobody timed" if summary.rep_share is None else (
            f"you {summary.rep_share:.0%} (aim under {summary.target:.0%})")
        rows = [
            ("Duration", f"{format_clock(summary.elapsed)} of {format_clock(summary.planned)} planned"),
            ("Talk share", share),
            ("Longest monologue", format_clock(summary.longest)),
            ("Not asked", str(summary.not_asked)),
            ("Still unclear", str(len(summary.unclear))),
        ]
        lines = [f"{label:<18} {value}" for label, value in rows]
        lines += [f"  ? {one_line(text, 70)}" for text in summary.unclear[:5]]
        if len(summary.unclear) > 5:
            lines.append(f"  … and {len(summary.unclear) - 5} more")
        with Vertical(classes="call-dialog", id="end-dialog"):
            yield Static("End the call?", classes="call-dialog-title")
            yield Static(join(lines), id="end-summary")
            with Horizontal(id="end-buttons"):
                yield follow(Button("", id="end-wrapup", variant="primary"), "End & wrap up ({call-end.wrapup})")
                yield follow(Button("", id="end-only"), "End call ({call-end.end})")
                yield follow(Button("", id="end-cancel"), "Keep going ({call-end.cancel})")

    def on_mount(self) -> None:
        self.query_one("#end-wrapup", Button).focus()

    def action_choose(self, choice: str) -> None:
        """Close with the rep's choice."""
        self.dismiss(choice)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        choice = {"end-wrapup": "wrapup", "end-only": "end"}.get(event.button.id or "")
        self.dismiss(choice)

