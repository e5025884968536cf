"""Read one debrief: everything in it, laid out section by section, to scroll, export or copy.

The screen draws the debrief itself (a dozen text blocks, in colours of the theme) rather than
rendering Markdown, which built a widget per paragraph and took a second or more to open. What
is exported and copied is the Markdown of ``debrief show``, the text a rep pastes into a CRM.
Keys jump to the live call or the wrap-up; coming back re-reads the debrief, so edits show at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from debrief.core.dates import format_date, format_datetime
from debrief.core.model import RED_FLAGS, AnswerState, Debrief
from debrief.core.report import debrief_markdown, reason_label
from debrief.core.review import GuessResult, save_export, slug
from debrief.core.store import StoreError
from debrief.core.text import one_line, strip_control
from debrief.screens.base import DebriefScreen

if TYPE_CHECKING:
    pass

MUTED = "$text-muted"
STATES = {
    AnswerState.ANSWERED: ("● answered", "$text-success"),
    AnswerState.CLARIFIED: ("● clarified", "$text-primary"),
    AnswerState.UNCLEAR: ("? still unclear", "bold $text-warning"),
    AnswerState.NOT_ASKED: ("○ not asked", MUTED),
}

Section = tuple[str, str, Content]
"""Id, title and body of one section of the page."""


def _clean(text: str) -> str:
    return strip_control(text).strip()


def _lines(*parts: Content | str | tuple[str, str]) -> Content:
    return Content.assemble(*parts)


def _field(label: str, value: str) -> Content:
    return Content.assemble((f"{label}: ", MUTED), value or ("—", MUTED))


def _quote(text: str) -> Content:
    return Content("\n".join(f"▌ {line}" if line else "▌" for line in _clean(text).splitlines()))


def _join(lines: list[Content]) -> Content:
    return Content("\n").join(lines)


def page(debrief: Debrief) -> list[Section]:
    """The sections of the page that the debrief has something for, in reading order."""
    sections: list[Section] = []
    role = f", {_clean(debrief.contact.role)}" if debrief.contact.role.strip() else ""
    sections.append(("deal", "The deal", _join([
        _field("Contact", _clean(debrief.contact.name) + role),
        _field("Lost on", format_date(debrief.lost_on)),
        _field("Lost to", _clean(debrief.lost_to)),
        _field("Stage", _clean(debrief.stage)),
        _field("Value", f"{debrief.value:,.0f}" if debrief.value is not None else ""),
        _field("Status", debrief.status.value.replace("_", " ")),
    ])))
    first: list[Content] = [_quote(debrief.impressions) if debrief.impressions.strip()
                            else Content.styled("No first impressions written.", MUTED)]
    if debrief.red_flags:
        first.append(Content.styled("Red flags in hindsight:", "bold"))
        first += [Content(f"  • {RED_FLAGS.get(flag, _clean(flag))}") for flag in debrief.red_flags]
    if debrief.guessed_reasons:
        first.append(_field("My guess at the reasons", ", ".join(reason_label(t) for t in debrief.guessed_reasons)))
    sections.append(("impressions", "First impressions", _join(first)))

    if debrief.schedule:
        call = [_field("When", f"{format_datetime(debrief.schedule.at)} ({debrief.schedule.minutes} minutes)")]
        if debrief.call.ended_at:
            call.append(_field("Held", f"{round(debrief.call.elapsed / 60)} minutes"))
            share = debrief.call.rep_share
            if share is not None:
                call.append(_field("I talked", f"{share:.0%} of the time; longest monologue "
                                               f"{debrief.call.longest_monologue:.0f} s"))
        sections.append(("call", "The call", _join(call)))

    if debrief.script and debrief.script.questions:
        blocks: list[Content] = []
        phase = None
        for question in debrief.script.questions:
            if question.phase_title and question.phase_title != phase:
                phase = question.phase_title
                blocks.append(Content.styled(one_line(phase).upper(), "$text-secondary bold"))
            answer = debrief.answers.get(question.id)
            state = answer.state if answer else AnswerState.NOT_ASKED
            mark, style = STATES[state]
            block = [_lines((_clean(question.text), "bold"), "  ", (mark, style))]
            if answer and answer.notes.strip():
                block.append(_quote(answer.notes))
            if answer and answer.clarified.strip():
                block.append(_lines(("Clarified: ", "$text-primary"), _clean(answer.clarified)))
            if answer and answer.tags:
                block.append(_lines(("Reasons: ", MUTED), ", ".join(reason_label(t) for t in answer.tags)))
            blocks.append(_join(block) + "\n")
        title = f"Answers (bank {debrief.script.bank_id} v{debrief.script.bank_version})"
        sections.append(("answers", title, _join(blocks).rstrip()))
    scripted = set(debrief.script.question_ids) if debrief.script else set()
    extra = [a for qid, a in debrief.answers.items() if qid not in scripted and (a.notes.strip() or a.tags)]
    if extra:
        sections.append(("other", "Other notes", _join([
            _join([Content.styled(_clean(a.question_id), "bold"), _quote(a.notes)]) for a in extra])))
    if debrief.call.markers:
        sections.append(("markers", "Markers", _join([
            Content.assemble((f"{int(m.elapsed // 60):02d}:{int(m.elapsed % 60):02d} ", MUTED), _clean(m.label))
            for m in debrief.call.markers])))

    guess = GuessResult(guessed=tuple(dict.fromkeys(debrief.guessed_reasons)), buyer=tuple(debrief.buyer_reasons()))
    if guess.guessed or guess.buyer:
        rows = [Content.assemble(f"  {reason_label(tag)}: ", ("match", "$text-success") if tag in guess.buyer
                                 else ("miss", "$text-error")) for tag in guess.guessed]
        if guess.unexpected:
            rows.append(_field("  Buyer also said", ", ".join(reason_label(t) for t in guess.unexpected)))
        rows.append(Content.styled(guess.sentence().capitalize(), MUTED))
        sections.append(("guess", "My guess versus what the buyer said", _join(rows)))

    takeaways = debrief.takeaways
    parts = [(title, text) for title, text in (("What happened", takeaways.what_happened),
                                               ("What I could have done differently", takeaways.differently),
                                               ("What I will do next time", takeaways.next_time)) if text.strip()]
    if parts:
        sections.append(("takeaways", "Takeaways", _join([
            _join([Content.styled(title, "bold"), _quote(text)]) for title, text in parts])))
    if debrief.action_items:
        sections.append(("actions", "Action items", _join([
            Content.assemble(("[x] " if item.done else "[ ] ", "$text-success" if item.done else MUTED),
                             _clean(item.text), (f" — {_clean(item.owner)}" if item.owner else "", MUTED),
                             (f" (due {format_date(item.due)})" if item.due else "", MUTED))
            for item in debrief.action_items])))
    plan = debrief.stay_in_touch
    touch = []
    if plan.channel:
        touch.append(_field("Channel", _clean(plan.channel)))
    if plan.next_check_in:
        touch.append(_field("Next check-in", format_date(plan.next_check_in)))
    if plan.may_mention is not None:
        touch.append(_field("May mention us to others", "yes" if plan.may_mention else "no"))
    if plan.referral:
        touch.append(_field("Referral", _clean(plan.referral)))
    if plan.revisit_trigger:
        touch.append(_field("What would make them revisit", _clean(plan.revisit_trigger)))
    if debrief.move_on:
        touch.append(_field("Move on after", format_date(debrief.move_on)))
    if touch:
        sections.append(("touch", "Staying in touch", _join(touch)))
    if debrief.follow_ups:
        sections.append(("follow-ups", f"Follow-ups ({len(debrief.follow_ups)})", _join([
            Content.assemble((f"{format_date(f.on)} ", MUTED), (f"{_clean(f.channel)}: " if f.channel else ""),
                             _clean(f.outcome)) for f in debrief.follow_ups])))
    return sections


class ReadScreen(DebriefScreen):
    """One debrief, read-only, section by section, with a table of contents to jump around."""

    CSS_PATH = "read.tcss"
    AUTO_FOCUS = "#read-body"
    BINDINGS = [
        Binding("escape", "back", "Back", id="read.back", tooltip="Back to where you came from"),
        Binding("c", "call", "Call", id="read.call", tooltip="Open the live-call screen of this debrief"),
        Binding("w", "wrapup", "Wrap-up", id="read.wrapup",
                tooltip="Open the wrap-up: takeaways, action items, staying in touch"),
        Binding("t", "contents", "Contents", id="read.contents",
                tooltip="Show or hide the list of sections, to jump to one"),
        Binding("e", "export", "Export", id="read.export", tooltip="Save this debrief as a Markdown file"),
        Binding("y", "copy", "Copy", id="read.copy", tooltip="Copy this debrief as Markdown to the clipboard"),
    ]

    def __init__(self, debrief_id: str) -> None:
        super().__init__()
        self.debrief_id = debrief_id
        self.debrief: Debrief | None = None
        self.problem: str | None = None
        self.text = ""
        """The debrief as Markdown: what Export saves and Copy copies."""
        self._shown = False


    def _load(self) -> None:
        try:
            self.debrief = self.debrief_app.store.get(self.debrief_id)
        except StoreError as error:
            self.debrief, self.problem = None, str(error)
            return
        self.problem = None
        self.text = debrief_markdown(self.debrief)

    def compose(self) -> ComposeResult:
        self._load()
        yield Static(self._title(), id="read-title", markup=False)
        if self.debrief is None:
            yield Static(f"Cannot open this debrief: {self.problem}\n\nPress Esc to go back.", id="read-problem",
                         markup=False)
        else:
            sections = page(self.debrief)
            with Horizontal(id="read-main"):
                yield OptionList(*(Option(title, id=key) for key, title, _ in sections), id="read-contents")
                with VerticalScroll(id="read-body", can_focus=True):
                    yield from self._widgets(sections)
        yield Footer()

    def _widgets(self, sections: list[Section]) -> list[Widget]:
        widgets: list[Widget] = []
        for key, title, body in sections:
            widgets.append(Static(title, id=f"head-{key}", classes="read-heading", markup=False))
            widgets.append(Static(body, id=f"section-{key}", classes="read-section"))
        return widgets

    def on_mount(self) -> None:
        if self.debrief is None:
            self.notify(self.problem or "not found", title="Cannot open this debrief", severity="error")
            return
        self.query_one("#read-contents").display = False

    async def on_screen_resume(self) -> None:
        """Coming back from the call or the wrap-up: show what changed there."""
        if not self._shown:  # Textual resumes a screen when it is first shown, too
            self._shown = True
            return
        if self.debrief is None:
            return
        before = self.text
        self._load()
        if self.debrief is None or self.text == before:
            return
        self.query_one("#read-title", Static).update(self._title())
        sections = page(self.debrief)
        contents = self.query_one("#read-contents", OptionList)
        contents.set_options(Option(title, id=key) for key, title, _ in sections)
        body = self.query_one("#read-body", VerticalScroll)
        await body.remove_children()
        await body.mount_all(self._widgets(sections))

    def _title(self) -> str:
        if self.debrief is None:
            return f"Debrief {self.debrief_id}"
        debrief = self.debrief
        lost_to = f" to {one_line(debrief.lost_to)}" if debrief.lost_to.strip() else ""
        return (f"{one_line(debrief.company)} — lost{lost_to} on {debrief.lost_on.isoformat()} · "
                f"{debrief.status.value.replace('_', ' ')} · id {debrief.id}")

    # -- actions -------------------------------------------------------------------------------

    def action_back(self) -> None:
        """Back to where the rep came from."""
        self.dismiss()

    def action_call(self) -> None:
        """The live call of this debrief (to resume it, or to look at the notes as they were taken)."""
        if self.debrief is not None:
            self.debrief_app.open_call(self.debrief.id)

    def action_wrapup(self) -> None:
        """The wrap-up of this debrief."""
        if self.debrief is not None:
            self.debrief_app.open_wrapup(self.debrief.id)

    def action_contents(self) -> None:
        """Show the list of sections (focused, to pick one), or hide it again."""
        if self.debrief is None:
            return
        contents = self.query_one("#read-contents", OptionList)
        contents.display = not contents.display
        if contents.display:
            contents.focus()
        else:
            self.query_one("#read-body").focus()

    @on(OptionList.OptionSelected, "#read-contents")
    def _jump(self, event: OptionList.OptionSelected) -> None:
        """Scroll the chosen section to the top."""
        heading = self.query_one(f"#head-{event.option.id}")
        self.query_one("#read-body", VerticalScroll).scroll_to_widget(heading, top=True, animate=False)

    def action_export(self) -> None:
        """Save the Markdown where the rep can find it, and say where."""
        if self.debrief is None:
            return
        try:
            path = save_export(self.text, f"{slug(self.debrief.company)}-{self.debrief.id}-debrief.md")
        except (OSError, StoreError) as error:
            self.notify(f"Export failed: {error}", severity="error")
            return
        self.notify(str(path), title="Debrief saved to")

    def action_copy(self) -> None:
        """Copy the Markdown (OSC 52; where the terminal refuses, Export saves a file)."""
        if self.debrief is None:
            return
        self.app.copy_to_clipboard(self.text)
        self.notify("Debrief copied as Markdown. If your terminal does not allow it, press e to save a file.",
                    timeout=3)
