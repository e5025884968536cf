"""Side by side: two to four debriefs in columns, aligned question by question.

The same question sits on the same row; a question only some debriefs asked keeps its place and
is blank elsewhere. Then the reasons, the guess versus what the buyer said, and the takeaways.
Rows that differ are marked ≠ and ``n``/``p`` jump between them; one table, so every column
scrolls together.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from debrief.core.review import Comparison, check_compare_ids, compare, comparison_markdown, save_export
from debrief.core.store import StoreError
from debrief.locations import exports_dir
from debrief.screens.base import DebriefScreen
from debrief.widgets.compare_grid import CompareGrid
from debrief.widgets.fit_footer import FitFooter
from debrief.widgets.keys import fill, follow
from debrief.widgets.plain import notify, plain, plain_line

if TYPE_CHECKING:
    pass


class CompareScreen(DebriefScreen):
    """Two to four debriefs side by side."""

    CSS_PATH = "compare.tcss"
    AUTO_FOCUS = "#compare-grid"
    BINDINGS = [
        Binding("escape", "back", "Back", id="compare.back", tooltip="Back to where you came from"),
        Binding("n", "next_difference", "Next ≠", id="compare.next_difference",
                tooltip="Jump to the next row where the debriefs differ"),
        Binding("p", "previous_difference", "Prev ≠", id="compare.previous_difference",
                tooltip="Jump to the previous row where the debriefs differ"),
        Binding("d", "only_differences", "Only ≠", id="compare.only_differences",
                tooltip="Show only the rows where the debriefs differ (press again for all rows)"),
        Binding("e", "export", "Export", id="compare.export",
                tooltip="Save the side by side as a Markdown file"),
        Binding("y", "copy", "Copy", id="compare.copy",
                tooltip="Copy the side by side as Markdown to the clipboard"),
    ]

    def __init__(self, debrief_ids: list[str]) -> None:
        super().__init__()
        self.debrief_ids = list(debrief_ids)
        self.comparison: Comparison | None = None
        self.problem: str | None = None
        self._shown = False


    def compose(self) -> ComposeResult:
        try:
            ids = check_compare_ids(self.debrief_ids)
            self.comparison = compare(self.debrief_app.store.get_many(ids))
        except (ValueError, StoreError) as error:
            self.problem = str(error)
        yield Static(plain_line(self._title()), id="compare-title")
        if self.comparison is None:
            back = fill(self, "Press {compare.back} to go back.")
            yield Static(plain(f"Cannot put these side by side: {self.problem}\n\n{back}"),
                         id="compare-problem")
        else:
            yield follow(Static("", id="compare-summary", markup=False), self._summary(self.comparison))
            yield CompareGrid(id="compare-grid")
        yield FitFooter()

    def on_mount(self) -> None:
        if self.comparison is not None:
            self.query_one(CompareGrid).show(self.comparison)
        elif self.problem:
            notify(self, self.problem, title="Side by side", severity="error")

    def on_screen_resume(self) -> None:
        """Back from reading one (and maybe its wrap-up): show what changed there."""
        if not self._shown:  # Textual resumes a screen when it is first shown, too
            self._shown = True
            return
        if self.comparison is None:
            return
        try:
            fresh = compare(self.debrief_app.store.get_many([d.id for d in self.comparison.debriefs]))
        except StoreError as error:
            notify(self, error, title="Side by side", severity="error")
            return
        if fresh.to_json() != self.comparison.to_json():
            self.comparison = fresh
            grid = self.query_one(CompareGrid)
            grid.show(fresh, only_differences=grid.only_differences)
            summary = follow(self.query_one("#compare-summary", Static), self._summary(fresh))
            summary.update(plain(fill(self, self._summary(fresh))))

    def _title(self) -> str:
        if self.comparison is None:
            return "Side by side"
        names = " · ".join(debrief.company for debrief in self.comparison.debriefs)
        return f"Side by side — {names}"

    @staticmethod
    def _summary(comparison: Comparison) -> str:
        """The core's words for the marks, then the keys that move between them (read from the bindings)."""
        keys = ("{compare.next_difference} next ≠ · {compare.previous_difference} previous ≠ · "
                "{compare.read} read the debrief in the cursor's column")
        return f"{comparison.summary()}\n{keys}"

    # -- actions -------------------------------------------------------------------------------

    def action_back(self) -> None:
        """Back to where the rep came from (home, usually)."""
        self.dismiss()

    def action_next_difference(self) -> None:
        """Move to the next row that differs."""
        if self.comparison is not None and not self.query_one(CompareGrid).jump_difference(forward=True):
            self.notify("No more differences below.", timeout=2)

    def action_previous_difference(self) -> None:
        """Move to the previous row that differs."""
        if self.comparison is not None and not self.query_one(CompareGrid).jump_difference(forward=False):
            self.notify("No more differences above.", timeout=2)

    def action_only_differences(self) -> None:
        """Hide (or show again) the rows where the debriefs agree."""
        if self.comparison is None:
            return
        grid = self.query_one(CompareGrid)
        grid.show(self.comparison, only_differences=not grid.only_differences)
        self.sub_title = "only rows that differ" if grid.only_differences else ""
        self.notify("Showing only the rows that differ." if grid.only_differences else "Showing every row.",
                    timeout=2)

    @on(CompareGrid.CellSelected, "#compare-grid")
    def open_debrief(self, event: CompareGrid.CellSelected) -> None:
        """Enter on a debrief's column reads that debrief."""
        if self.comparison is None:
            return
        column = event.column
        if column == 0:
            self.notify("Move to a debrief's column (→) and press Enter to read it.", timeout=3)
            return
        self.debrief_app.open_read(self.comparison.debriefs[column - 1].id)

    def markdown(self) -> str | None:
        """The side by side as Markdown (None when there is nothing to compare)."""
        return comparison_markdown(self.comparison) if self.comparison is not None else None

    def action_export(self) -> None:
        """Save the Markdown where the rep can find it, and say where."""
        text = self.markdown()
        if text is None or self.comparison is None:
            return
        name = "compare-" + "-".join(debrief.id for debrief in self.comparison.debriefs) + ".md"
        try:
            path = save_export(text, name, exports_dir(self.debrief_app.settings.exports))
        except (OSError, StoreError) as error:
            notify(self, f"Export failed: {error}", severity="error")
            return
        notify(self, path, title="Side by side saved to")

    def action_copy(self) -> None:
        """Copy the Markdown (OSC 52; where the terminal refuses, Export saves a file)."""
        text = self.markdown()
        if text is None:
            return
        self.app.copy_to_clipboard(text)
        notify(self, fill(self, "Side by side copied as Markdown. If your terminal does not allow it, "
                                "press {compare.export} to save a file."), timeout=3)
