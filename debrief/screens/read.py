"""Read one debrief: everything in it, laid out section by section, to scroll, export or copy.

The page and its export walk one document (``core.document``): the screen draws each section as
one text block in the theme's colours (a Markdown widget built a widget per paragraph and took a
second or more to open); Export and Copy save the Markdown of the same tree, which is exactly what
``debrief show`` prints. User text is drawn as plain content, never markup.
Keys jump to the live call or the wrap-up; coming back re-reads the debrief, so edits show at once.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from debrief.core.document import (
    DONE,
    MUTED,
    OVERDUE,
    STATE,
    STRONG,
    VERDICT,
    Block,
    Document,
    Section,
    Span,
    document,
    export_filename,
    markdown,
)
from debrief.core.facts import MATCH, MISS, NOT_CHECKED, status_label
from debrief.core.model import AnswerState, Debrief
from debrief.core.review import save_export
from debrief.core.store import StoreError
from debrief.core.text import one_line
from debrief.locations import exports_dir
from debrief.screens.base import DebriefScreen
from debrief.widgets.fit_footer import FitFooter
from debrief.widgets.keys import fill
from debrief.widgets.plain import assemble, join, notify, plain, plain_line

MUTED_STYLE = "$text-muted"
STATES = {
    AnswerState.ANSWERED.value: ("● answered", "$text-success"),
    AnswerState.CLARIFIED.value: ("● clarified", "$text-primary"),
    AnswerState.UNCLEAR.value: ("? still unclear", "bold $text-warning"),
    AnswerState.NOT_ASKED.value: ("○ not asked", MUTED_STYLE),
}
"""How an answer's state is drawn: the words of the document, with a mark and a colour."""
VERDICTS = {MATCH: "$text-success", MISS: "$text-error", NOT_CHECKED: MUTED_STYLE}
ROLES = {MUTED: MUTED_STYLE, STRONG: "bold", DONE: "$text-success", OVERDUE: "bold $text-warning"}

Page = tuple[str, str, Content]
"""Id, title and body of one section of the page."""


def _span(span: Span) -> Content:
    if span.role == VERDICT:
        return plain(span.text, VERDICTS.get(span.kind, ""))
    if span.role == STATE:
        mark, style = STATES.get(span.kind, (span.text, MUTED_STYLE))
        return plain(mark, style)
    return plain(span.text, ROLES.get(span.role, ""))


def _spans(spans: tuple[Span, ...]) -> Content:
    return assemble(*(_span(span) for span in spans))


def _block(block: Block) -> Content:
    if block.kind == "field":
        return assemble((f"{block.label}: ", MUTED_STYLE), _spans(block.spans) if block.text else ("—", MUTED_STYLE))
    if block.kind == "quote":
        return join(f"▌ {line}" if line else "▌" for line in block.text.splitlines())
    if block.kind == "item":
        if block.check is None:
            return assemble("  • ", _spans(block.spans))
        box = ("[x] ", "$text-success") if block.check else ("[ ] ", MUTED_STYLE)
        return assemble(box, _spans(block.spans))
    if block.kind == "heading":
        head, *rest = block.spans
        if block.level <= 3:
            return plain(one_line(head.text).upper(), "$text-secondary bold")
        return assemble((head.text, "bold"), *(assemble("  ", _span(span)) for span in rest))
    if block.kind == "note":
        return plain(block.text, MUTED_STYLE)
    return _spans(block.spans)


def _body(section: Section) -> Content:
    lines: list[Content] = []
    previous: Block | None = None
    for block in section.blocks:
        # A blank line before each phase and each question, but not between a phase and its first question.
        if block.kind == "heading" and previous is not None and previous.kind != "heading":
            lines.append(Content(""))
        lines.append(_block(block))
        previous = block
    return join(lines)


def page(doc: Document) -> list[Page]:
    """The sections of the document, drawn for the screen, in reading order."""
    return [(section.key, section.title, _body(section)) for section in doc.sections]


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
        self.doc: Document | None = None
        self.text = ""
        """The debrief as Markdown (the same document the page draws): what Export saves and Copy copies."""
        self._shown = False


    def _load(self) -> None:
        try:
            self.debrief = self.debrief_app.store.get(self.debrief_id)
        except StoreError as error:
            self.debrief, self.problem = None, str(error)
            return
        self.problem = None
        self.doc = document(self.debrief, self.debrief_app.today)
        self.text = markdown(self.doc)

    def compose(self) -> ComposeResult:
        self._load()
        yield Static(plain_line(self._title()), id="read-title")
        if self.debrief is None:
            back = fill(self, "Press {read.back} to go back.")
            yield Static(plain(f"Cannot open this debrief: {self.problem}\n\n{back}"),
                         id="read-problem")
        else:
            sections = page(self.doc) if self.doc is not None else []
            with Horizontal(id="read-main"):
                yield OptionList(*(Option(plain_line(title), id=key) for key, title, _ in sections),
                                 id="read-contents")
                with VerticalScroll(id="read-body", can_focus=True):
                    yield from self._widgets(sections)
        yield FitFooter()

    def _widgets(self, sections: list[Page]) -> list[Widget]:
        widgets: list[Widget] = []
        for key, title, body in sections:
            widgets.append(Static(plain_line(title), id=f"head-{key}", classes="read-heading"))
            widgets.append(Static(body, id=f"section-{key}", classes="read-section"))
        return widgets

    def on_mount(self) -> None:
        if self.debrief is None:
            notify(self, self.problem or "not found", title="Cannot open this debrief", severity="error")
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
        if self.debrief is None or self.doc is None or self.text == before:
            return
        self.query_one("#read-title", Static).update(plain_line(self._title()))
        sections = page(self.doc)
        contents = self.query_one("#read-contents", OptionList)
        contents.set_options(Option(plain_line(title), id=key) for key, title, _ in sections)
        body = self.query_one("#read-body", VerticalScroll)
        await body.remove_children()
        await body.mount_all(self._widgets(sections))

    def _title(self) -> str:
        if self.debrief is None:
            return f"Debrief {self.debrief_id}"
        debrief = self.debrief
        lost_to = f" to {one_line(debrief.lost_to)}" if debrief.lost_to.strip() else ""
        return (f"{one_line(debrief.company)} — lost{lost_to} on {debrief.lost_on.isoformat()} · "
                f"{status_label(debrief.status)} · id {debrief.id}")

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
            path = save_export(self.text, export_filename(self.debrief, "debrief"),
                               exports_dir(self.debrief_app.settings.exports))
        except (OSError, StoreError) as error:
            notify(self, f"Export failed: {error}", severity="error")
            return
        notify(self, path, title="Debrief saved to")

    def action_copy(self) -> None:
        """Copy the Markdown (OSC 52; where the terminal refuses, Export saves a file)."""
        if self.debrief is None:
            return
        self.app.copy_to_clipboard(self.text)
        notify(self, fill(self, "Debrief copied as Markdown. If your terminal does not allow it, "
                                "press {read.export} to save a file."), timeout=3)
