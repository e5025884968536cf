"""Bring closed-lost deals in from a CRM export: pick the file, see what comes in and what is
skipped (and why), then confirm.

The same reading as ``debrief import FILE --from CRM`` (``core.crm``): the preview is the plan
the import will write, worked out in a worker so a 10,000-row export never freezes the screen.
Bad rows are listed with their line and skipped on import, as ``--skip-bad`` does; nothing is
written before the rep says yes.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.validation import ValidationResult, Validator
from textual.widgets import DataTable, Input, Select, Static

from debrief.core.status import Confirmation
from debrief.screens.base import DebriefScreen
from debrief.widgets.fit_footer import FitFooter
from debrief.widgets.plain import notify, plain, plain_line, rich_text

if TYPE_CHECKING:
    from debrief.core.crm import CrmPlan

SOURCES = [("Detect from the headers", "auto"), ("HubSpot", "hubspot"), ("Salesforce", "salesforce"),
           ("Pipedrive", "pipedrive")]

MAX_PREVIEW = 1_000
"""Rows drawn in the preview at most; the counts above it always cover the whole file."""

OUTCOME_WORDS = {"open": "skipped: open deal", "won": "skipped: won", "other": "skipped: deleted"}


def file_problem(text: str) -> str | None:
    """Why ``text`` is not a file to import, or None when it is one."""
    if not text.strip():
        return "Type the path of the CSV file your CRM exported."
    path = Path(text.strip()).expanduser()
    if path.is_dir():
        return f"{text.strip()} is a folder: type the CSV file's path."
    if not path.is_file():
        return f"No file at {text.strip()}."
    return None


def _cut(text: str, width: int) -> str:
    """``text`` on one line, cut to ``width`` cells (0: whole) with an ellipsis."""
    from rich.cells import cell_len, set_cell_size

    from debrief.core.text import one_line

    flat = one_line(text)
    if width and cell_len(flat) > width:
        return set_cell_size(flat, max(width - 1, 0)).rstrip() + "…"
    return flat


class CsvFile(Validator):
    """The path field accepts an existing file only (its message says what is wrong)."""

    def validate(self, value: str) -> ValidationResult:
        problem = file_problem(value)
        return self.success() if problem is None else self.failure(problem)


class CrmImportScreen(DebriefScreen):
    """A path, a CRM (or detect it), the preview table, and Import."""

    TITLE = "Import CRM file"
    CSS_PATH = "crm_import.tcss"
    AUTO_FOCUS = "#crm-path"
    BINDINGS = [
        Binding("ctrl+s", "save", "Import", id="crm.import", priority=True,
                tooltip="Import the deals the preview lists as coming in"),
        Binding("escape", "back", "Back", id="crm.back", tooltip="Back without importing"),
    ]

    def __init__(self, path: str = "") -> None:
        super().__init__()
        self.initial_path = path
        self.plan: CrmPlan | None = None
        self._rows: list[tuple[int, tuple[str, str, str, str]]] = []
        self._more = 0

    def compose(self) -> ComposeResult:
        yield Static("Import closed-lost deals from a CRM export (CSV)", id="crm-title")
        with Horizontal(id="crm-form"):
            yield Input(self.initial_path, placeholder="Path of the CSV file, e.g. ~/Downloads/deals.csv",
                        id="crm-path", validators=[CsvFile()], validate_on=["submitted"])
            yield Select(SOURCES, value="auto", allow_blank=False, id="crm-source", compact=True)
        yield Static(plain("Type the file's path and press Enter to see what comes in."), id="crm-status")
        yield DataTable(id="crm-preview", cursor_type="row", zebra_stripes=True)
        yield FitFooter()

    def on_mount(self) -> None:
        table = self.query_one("#crm-preview", DataTable)
        table.add_columns("Line", "Company", "Contact", "Lost on", "Result")
        if self.initial_path:
            self.preview()

    # -- reading the file --------------------------------------------------------------------------

    @on(Input.Submitted, "#crm-path")
    def _submitted(self) -> None:
        self.preview()

    @on(Select.Changed, "#crm-source")
    def _source_changed(self) -> None:
        if file_problem(self.query_one("#crm-path", Input).value) is None:
            self.preview()

    def preview(self) -> None:
        """Read the chosen file in a worker and show its plan."""
        text = self.query_one("#crm-path", Input).value
        problem = file_problem(text)
        if problem is not None:
            self._show_error(problem)
            return
        source = self.query_one("#crm-source", Select).value
        self.plan = None
        self._status(plain("Reading the file…"))
        self._read(Path(text.strip()).expanduser(), str(source))

    @work(thread=True, exclusive=True, group="crm-preview")
    def _read(self, path: Path, source: str) -> None:
        from debrief.core.crm import CRM_NAMES, CrmError, decode, detect_table, plan_text
        from debrief.core.exchange import read_bounded

        app = self.debrief_app
        try:
            text = decode(read_bounded(path))
            if source == "auto":
                from debrief.core.crm import read_table

                found = detect_table(read_table(text))
                if found is None:
                    raise CrmError("the headers are not those of a HubSpot, Salesforce or Pipedrive export: "
                                   "choose the CRM above, or import with 'debrief import FILE --map MAP'")
                source = found
            result = plan_text(text, source, today=app.today)
            stored = {row.debrief.id for row in result.incoming if app.store.exists(row.debrief.id)}
        except (ValueError, OSError) as error:
            app.call_from_thread(self._show_error, f"{path.name}: {error}")
            return
        app.call_from_thread(self._show_plan, result, CRM_NAMES.get(source, source), stored)

    def _status(self, content: object) -> None:
        self.query_one("#crm-status", Static).update(content)  # type: ignore[arg-type]

    def _show_error(self, message: str) -> None:
        self.plan = None
        self._rows, self._more = [], 0
        self.query_one("#crm-preview", DataTable).clear()
        self._status(plain_line(message, 300, "$error"))

    def _show_plan(self, result: CrmPlan, crm: str, stored: set[str]) -> None:
        from debrief.core.crm import summary_line

        self.plan = result
        again = len(stored)
        line = f"{crm} export: {summary_line(result)}"
        if again:
            line += f" ({again} imported before: only their empty fields are filled)"
        self._status(plain_line(line, 300))
        rows: list[tuple[int, tuple[str, str, str, str]]] = []
        for row in result.incoming:
            debrief = row.debrief
            verdict = "imported before" if debrief.id in stored else "comes in"
            rows.append((row.line, (debrief.company, debrief.contact.name, debrief.lost_on.isoformat(), verdict)))
        for bad in result.bad:
            rows.append((bad.line, ("", "", "", f"skipped: {bad.reason}")))
        for line_number, label, kind in result.passed:
            rows.append((line_number, (label, "", "", OUTCOME_WORDS[kind])))
        rows.sort(key=lambda item: item[0])
        self._rows, self._more = rows[:MAX_PREVIEW], max(len(rows) - MAX_PREVIEW, 0)
        self._fill_table()

    def _fill_table(self) -> None:
        """The preview rows, company and contact cut to share what the other columns leave, so
        every column shows whole at 80 columns. The result (a bad row's reason) is never cut: a
        long one lets the table scroll sideways rather than lose its words."""
        from rich.cells import cell_len

        table = self.query_one("#crm-preview", DataTable)
        table.clear()
        if not self._rows:
            return
        width = (table.scrollable_content_region.width or self.app.size.width - 2) - 1  # a scrollbar's room
        line_width = max(4, *(len(str(number)) for number, _ in self._rows))
        result_width = max(len("Result"), *(len(cells[3]) for _, cells in self._rows))
        room = max(width - 2 * 5 - line_width - len("2026-11-23") - result_width, 24)
        company_need, contact_need = (max(cell_len(cells[column]) for _, cells in self._rows) for column in (0, 1))
        company_width = min(company_need, max(room - contact_need, room - room * 2 // 5))
        widths = (company_width, room - company_width, 0, 0)
        for line_number, cells in self._rows:
            style = "" if cells[3] == "comes in" else "dim"
            table.add_row(rich_text(str(line_number), style),
                          *(rich_text(_cut(cell, cut), style) for cell, cut in zip(cells, widths, strict=True)))
        if self._more:
            table.add_row("", rich_text(f"… and {self._more:,} more rows", "dim"), "", "", "")

    def on_resize(self) -> None:
        if self._rows:
            self._fill_table()

    # -- importing ---------------------------------------------------------------------------------

    def action_save(self) -> None:
        """Ask first (what comes in, what is skipped), then write."""
        from debrief.core.text import plural
        from debrief.screens.confirm import ConfirmDialog

        result = self.plan
        if result is None:
            notify(self, "Choose a file first: type its path and press Enter.", title="Import",
                   severity="warning")
            return
        if not result.incoming:
            notify(self, "No closed-lost deal in this file to import.", title="Import", severity="warning")
            return
        reason = f"{plural(len(result.incoming), 'closed-lost deal')} come in as logged debriefs"
        if result.bad:
            reason += f"; {plural(len(result.bad), 'bad row')} skipped (listed)"
        question = "Import them? Your CRM's lost reason becomes your first impression."

        def answered(yes: bool | None) -> None:
            if yes:
                self._import(result)

        self.app.push_screen(ConfirmDialog(Confirmation(reason, question), yes="Import"), answered)

    @work(thread=True, exclusive=True, group="crm-import")
    def _import(self, result: CrmPlan) -> None:
        from debrief.core.crm import apply, summary_line
        from debrief.core.store import StoreError

        app = self.debrief_app
        try:
            report = apply(app.store, result)
        except (StoreError, ValueError, OSError) as error:
            app.call_from_thread(notify, app, f"Nothing imported: {error}", title="Import", severity="error",
                                 timeout=10)
            return
        app.call_from_thread(self._done, summary_line(result, report))

    def _done(self, line: str) -> None:
        notify(self.app, line[:1].upper() + line[1:] + ".", title="Import")
        self.dismiss()

    def action_back(self) -> None:
        """Back to where the rep came from, nothing written."""
        self.dismiss()
