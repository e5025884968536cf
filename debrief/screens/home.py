"""Home: every debrief in one table, what is due today, and a key for every next step.

Start-up matters (the first screen in under 0.6 s at 10,000 debriefs), so the screen composes
empty and reads the store's index in a thread; the table draws only the rows in view. It reads
summaries, never full debriefs, and reloads them whenever it becomes the active screen again, so
changes made on other screens (or by the command line) show up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Input, Static

from debrief.core.facts import call_time
from debrief.core.progress import Due, due, next_step, status_label
from debrief.core.settings import Settings
from debrief.core.text import one_line
from debrief.screens.base import DebriefScreen
from debrief.widgets.debrief_table import Column, DebriefTable, Row
from debrief.widgets.due_panel import DuePanel
from debrief.widgets.fit_footer import FitFooter
from debrief.widgets.keys import fill, follow, key
from debrief.widgets.plain import markup, notify

COLUMNS = [
    Column("company", "Company", 10, weight=4, max_width=30),
    Column("contact", "Contact", 10, weight=3, max_width=24),
    Column("lost_on", "Lost on", 10, newest_first=True),
    Column("lost_to", "Lost to", 8, weight=2, max_width=20),
    Column("status", "Status", 9),
    Column("call", "Call", 16, newest_first=True),
    Column("next", "Next step", 14, weight=5),
]
"""The home table; the filter also searches the stage, which is not shown."""

SEARCH_KEYS = ["company", "contact", "lost_to", "status", "stage"]

WELCOME = """\
[b]Welcome to debrief.[/b]

Lost a deal? That is the moment to learn from it. debrief walks you through it: \
capture the loss while it is fresh, cool off, book a short call with the buyer, \
ask good questions, and keep the lesson.

  [b $text-accent]$new[/]    log a loss: the deal, first impressions, red flags, your guess at why
  [b $text-accent]$help[/]   every key on any screen ([b]$palette[/] searches them all)

Want to look around first? Fill the database with realistic examples:

  [b]debrief demo[/]   (in a shell; then open debrief again)
"""


def _flat(text: object) -> str:
    if not text:
        return ""
    value = text if isinstance(text, str) else str(text)
    return one_line(value) if "\n" in value or "\t" in value else value


@dataclass(frozen=True)
class _RowContext:
    """What every row of one load shares."""

    today: date
    settings: Settings
    due_ids: frozenset[str]


@dataclass
class HomeData:
    """What one load of the index gives the screen."""

    rows: list[Row]
    due: Due
    summaries: list[dict[str, Any]]

    @cached_property
    def newest_created(self) -> dict[str, str]:
        """When each debrief was logged (to select a new arrival); needed after the first load only."""
        return {str(summary.get("id") or ""): str(summary.get("created_at") or "") for summary in self.summaries}


class HomeRow(dict[str, str]):
    """One table row over an index summary, its cells worked out on first use.

    The table draws a screenful and sorts by one column, so at 10,000 debriefs computing every
    cell of every row up front (next step, labels) only delays the first screen.
    """

    __slots__ = ("_context", "_summary")

    def __init__(self, summary: dict[str, Any], context: _RowContext) -> None:
        self._summary = summary
        self._context = context

    def __missing__(self, key: str) -> str:
        summary = self._summary
        if key == "id":
            value = str(summary.get("id") or "")
        elif key == "_due":
            value = "1" if summary.get("id") in self._context.due_ids else ""
        elif key == "status":
            value = status_label(summary.get("status"))
        elif key == "call":
            value = call_time(summary)
        elif key == "next":
            value = next_step(summary, self._context.today, self._context.settings)
        elif key == "lost_on":
            value = str(summary.get("lost_on") or "")
        elif key in ("company", "contact", "lost_to", "stage"):
            value = _flat(summary.get(key))
        else:
            raise KeyError(key)
        self[key] = value
        return value

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self[key]
        except KeyError:
            return default


def build_home(summaries: list[dict[str, Any]], today: date, settings: Settings) -> HomeData:
    """Table rows and due lists from the index (pure: runs in a worker thread)."""
    due_now = due(summaries, today, settings)
    context = _RowContext(today, settings, frozenset(due_now.ids))
    rows: list[Row] = [HomeRow(summary, context) for summary in summaries]
    return HomeData(rows, due_now, summaries)


SORT = Binding.Group("Sort", compact=True)


class HomeScreen(DebriefScreen):
    """The app's home: the list of debriefs and what is due."""

    TITLE = "Home"
    CSS_PATH = "home.tcss"
    AUTO_FOCUS = "#home-table"

    BINDINGS = [
        Binding("n", "new", "New", id="home.new", tooltip="Log a loss while it is fresh"),
        Binding("e", "edit", "Edit", id="home.edit", tooltip="Edit the deal and first impressions"),
        Binding("enter", "read", "Read", id="home.read", tooltip="Read the selected debrief"),
        Binding("s", "schedule", "Schedule", id="home.schedule", tooltip="Book the debrief call"),
        Binding("p", "prepare", "Prepare", id="home.prepare", tooltip="Choose the call's questions"),
        Binding("c", "call", "Call", id="home.call", tooltip="Open the live-call screen"),
        Binding("w", "wrapup", "Wrap-up", id="home.wrapup", tooltip="Takeaways, stay in touch, move on"),
        Binding("space", "mark", "Mark", id="home.mark", tooltip="Mark or unmark for comparison"),
        Binding("v", "compare", "Compare", id="home.compare", tooltip="Compare the 2-4 marked debriefs"),
        Binding("t", "patterns", "Patterns", id="home.patterns", tooltip="Patterns across all debriefs"),
        Binding("slash", "search", "Search", id="home.search", tooltip="Search all notes and takeaways"),
        Binding("i", "import_crm", "Import CRM file", id="home.import", show=False,
                tooltip="Closed-lost deals from a HubSpot, Salesforce or Pipedrive CSV export"),
        Binding("y", "sync", "Sync", id="home.sync",
                tooltip="Team sync: share your chosen debriefs and fetch your teammates'"),
        Binding("comma", "settings", "Settings", id="home.settings", show=False,
                tooltip="Your name, theme, exports folder, practice figures and keys"),
        Binding("f,ctrl+f", "filter", "Filter", id="home.filter", tooltip="Filter the list as you type"),
        Binding("o", "sort", "Sort", id="home.sort", tooltip="Sort by the next column", group=SORT),
        Binding("O", "reverse", "Reverse", id="home.reverse", tooltip="Reverse the sort order", group=SORT),
        Binding("d", "due_only", "Due", id="home.due", tooltip="Show only debriefs with something due"),
        Binding("escape", "back", "Clear filter", id="home.clear", tooltip="Clear the filter"),
        Binding("down", "to_table", "To list", show=False, id="home.to_table",
                tooltip="From the filter down to the list"),
    ]

    NEEDS_ROW = frozenset({"edit", "read", "schedule", "prepare", "call", "wrapup", "mark"})
    NEEDS_ROWS = frozenset({"filter", "sort", "reverse", "due_only", "compare"})

    def __init__(self) -> None:
        super().__init__()
        self.loaded = False
        """True once the index has been read and shown (the bench waits on it)."""
        self.due_only = False
        self._ids: set[str] = set()
        self._due = Due()
        self._binding_state: tuple[bool, ...] = ()
        self._team_line: str | None = None
        """The team's sync state (``team: 3 to share, last sync 10 min ago``); None without a team."""


    @property
    def table(self) -> DebriefTable:
        """The list of debriefs."""
        return self.query_one("#home-table", DebriefTable)

    def compose(self) -> ComposeResult:
        with Horizontal(id="home-bar"):
            yield Static(Content.assemble(("debrief", "bold"), " · lost deals, lessons learned"), id="home-name")
            yield Static("", id="home-stats")
        with Vertical(id="home-main"):
            yield follow(Input(id="home-filter", compact=True),
                         "Filter by company, contact, competitor, status or stage ({home.filter})")
            yield DuePanel(id="home-due")
            table = DebriefTable(COLUMNS, search_keys=SEARCH_KEYS, sort=("lost_on", True), id="home-table")
            table.empty_message = fill(self, "No debrief matches the filter — {home.clear} clears it.")
            yield table
        yield Static(markup(WELCOME, new=key(self, "home.new"), help=key(self, "app.help"),
                            palette=key(self, "app.palette")), id="home-welcome")

    # -- loading -------------------------------------------------------------------------------

    def on_screen_resume(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="home-load")
    def load(self) -> None:
        """Read the index and build the rows off the UI thread, then show them."""
        from debrief.core.store import StoreError

        app = self.debrief_app
        try:
            summaries = app.store.summaries()
        except StoreError as error:
            app.call_from_thread(notify, app, error, severity="error", timeout=10)
            return
        data = build_home(summaries, app.today, app.settings)
        self._team_line = _team_line(app.store)
        app.call_from_thread(self.show_data, data)

    def show_data(self, data: HomeData) -> None:
        """Put freshly loaded rows on screen, keeping the cursor, or selecting a new arrival."""
        table = self.table
        ids = {row["id"] for row in data.rows}
        keep = table.selected_id
        arrived = ids - self._ids if self.loaded else set()
        if arrived:
            keep = max(arrived, key=lambda debrief_id: data.newest_created.get(debrief_id, ""))
        self._ids = ids
        self._due = data.due
        table.set_rows(data.rows, keep=keep)
        if self.due_only:
            table.set_only(data.due.ids)
        if keep and arrived and table.selected_id != keep:
            self._show_everything()
            table.select(keep)
        self.query_one(DuePanel).show(data.due)
        if not self.loaded:
            self.call_later(self._mount_footer)
        empty = not data.rows
        self.set_class(empty, "-empty")
        self.loaded = True
        self._update_stats()
        self.sync_bindings()
        if empty:
            self.set_focus(None)
        elif self.focused is None:
            table.focus()

    async def _mount_footer(self) -> None:
        """The footer rebuilds itself on every change of focus or screen while the app starts
        (some 15 ms each); mounted once the list is in, it is built once."""
        await self.mount(FitFooter(compact=True))
        self.refresh_bindings()

    def sync_bindings(self) -> None:
        """Tell the footer and palette when what can run has changed (and only then).

        Each refresh rebuilds the footer (some 15 ms), so cursor moves within the list, which
        change nothing the keys depend on, do not pay for it.
        """
        table = self.table
        state = (self.loaded, table.selected_id is not None, bool(table.rows),
                 bool(table.filter_text or self.due_only))
        if state != self._binding_state:
            self._binding_state = state
            self.refresh_bindings()

    def _show_everything(self) -> None:
        self.query_one("#home-filter", Input).value = ""
        self.table.set_filter("")
        self.due_only = False
        self.table.set_only(None)

    def _update_stats(self) -> None:
        table = self.table
        total = len(table.rows)
        parts = [f"{total:,} debrief{'s' if total != 1 else ''}"]
        if table.visible_count != total:
            parts.append(f"{table.visible_count:,} shown")
        if len(self._due):
            parts.append(f"{len(self._due.ids):,} due")
        if table.marked:
            parts.append(f"{len(table.marked)} marked")
        if self._team_line:
            parts.append(self._team_line)
        self.query_one("#home-stats", Static).update(" · ".join(parts) if self.loaded else "loading…")

    # -- events --------------------------------------------------------------------------------

    @on(Input.Changed, "#home-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.table.set_filter(event.value)
        self._update_stats()
        self.sync_bindings()

    @on(Input.Submitted, "#home-filter")
    def _filter_submitted(self) -> None:
        self.table.focus()

    @on(DebriefTable.Highlighted)
    def _highlighted(self) -> None:
        self.sync_bindings()

    @on(DebriefTable.Selected)
    def _selected(self, event: DebriefTable.Selected) -> None:
        self.debrief_app.open_read(event.debrief_id)

    # -- actions -------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.is_mounted or not self.loaded:
            return None if action in self.NEEDS_ROW | self.NEEDS_ROWS else True
        table = self.table
        # With nothing to act on, row keys leave the footer rather than sit there doing nothing.
        if action in self.NEEDS_ROW:
            return bool(table.selected_id)
        if action in self.NEEDS_ROWS:
            return bool(table.rows)
        if action == "back":
            return bool(table.filter_text or self.due_only)
        if action == "to_table":
            return isinstance(self.focused, Input)
        if action == "sync":  # offered once the database has joined a team
            return self._team_line is not None
        return True

    def _selected_id(self) -> str | None:
        return self.table.selected_id

    def action_new(self) -> None:
        self.debrief_app.open_log_loss()

    @work(thread=True, exclusive=True, group="home-sync")
    def action_sync(self) -> None:
        """Team sync off the UI thread (git may wait on the network); one line says how it went."""
        from debrief.core.store import StoreError
        from debrief.core.team.git import GitError
        from debrief.core.team.repo import Team, TeamError

        app = self.debrief_app
        app.call_from_thread(notify, app, "Team sync…", timeout=3)
        try:
            report = Team(app.store.root).sync(app.store)
        except (TeamError, GitError, StoreError, OSError) as error:
            app.call_from_thread(notify, app, f"Team sync failed: {error}", severity="error", timeout=10)
            return
        if report.offline:
            message, severity = (f"Offline ({report.offline}): {report.waiting} to share wait; "
                                 "the next sync delivers them", "warning")
        elif not report.delivered:
            message, severity = "The team's remote kept changing; your shares wait: sync again", "warning"
        else:
            message, severity = (f"Team synced: {report.sent} of yours delivered, "
                                 f"{report.received} teammate files received", "information")
        app.call_from_thread(notify, app, message, severity=severity, timeout=6)
        self._team_line = _team_line(app.store)
        app.call_from_thread(self._update_stats)

    def action_edit(self) -> None:
        if (debrief_id := self._selected_id()) is not None:
            self.debrief_app.open_log_loss(debrief_id)

    def action_read(self) -> None:
        if (debrief_id := self._selected_id()) is not None:
            self.debrief_app.open_read(debrief_id)

    def action_schedule(self) -> None:
        if (debrief_id := self._selected_id()) is not None:
            self.debrief_app.open_schedule(debrief_id)

    def action_prepare(self) -> None:
        if (debrief_id := self._selected_id()) is not None:
            self.debrief_app.open_prepare(debrief_id)

    def action_call(self) -> None:
        if (debrief_id := self._selected_id()) is not None:
            self.debrief_app.open_call(debrief_id)

    def action_wrapup(self) -> None:
        if (debrief_id := self._selected_id()) is not None:
            self.debrief_app.open_wrapup(debrief_id)

    def action_mark(self) -> None:
        from debrief.core.review.compare import MAX_COMPARE  # the review package loads on demand

        table = self.table
        if (debrief_id := table.selected_id) is None:
            return
        if debrief_id not in table.marked and len(table.marked) >= MAX_COMPARE:
            self.notify(
                fill(self, f"Compare shows at most {MAX_COMPARE} debriefs side by side: unmark one with "
                     f"{{home.mark}} to mark this one ({len(table.marked)} marked)."),
                title="Compare", severity="warning",
            )
            return
        table.toggle_mark(debrief_id)
        table.cursor += 1  # mark the next one with the next press, as file managers do
        self._update_stats()

    def action_compare(self) -> None:
        from debrief.core.review.compare import MAX_COMPARE, MIN_COMPARE

        marked = list(self.table.marked)
        if not MIN_COMPARE <= len(marked) <= MAX_COMPARE:
            self.notify(
                fill(self, f"Mark {MIN_COMPARE} to {MAX_COMPARE} debriefs with {{home.mark}} to compare them "
                     f"({len(marked)} marked)."),
                title="Compare", severity="warning",
            )
            return
        self.debrief_app.open_compare(marked)

    def action_patterns(self) -> None:
        self.debrief_app.open_patterns()

    def action_search(self) -> None:
        self.debrief_app.open_search()

    def action_settings(self) -> None:
        self.debrief_app.open_settings()

    def action_import_crm(self) -> None:
        from debrief.screens.crm_import import CrmImportScreen

        self.app.push_screen(CrmImportScreen())

    def action_filter(self) -> None:
        self.query_one("#home-filter", Input).focus()

    def action_sort(self) -> None:
        self.table.cycle_sort()

    def action_reverse(self) -> None:
        self.table.reverse_sort()

    def action_due_only(self) -> None:
        self.due_only = not self.due_only
        self.table.set_only(self._due.ids if self.due_only else None)
        if self.due_only and not self._due.ids:
            self.notify("Nothing is due today.", title="Due")
        self._update_stats()
        self.sync_bindings()

    def action_back(self) -> None:
        """Back out of the filter: everything shows again."""
        self._show_everything()
        self.table.focus()
        self._update_stats()
        self.sync_bindings()

    def action_to_table(self) -> None:
        self.table.focus()

    def action_jump(self, debrief_id: str) -> None:
        """Move the cursor to ``debrief_id`` (the due panel's links)."""
        table = self.table
        if not table.select(debrief_id):
            self._show_everything()
            table.select(debrief_id)
        table.focus()
        self._update_stats()


def _team_line(store: Any) -> str | None:
    """The home line of the team's sync state, read from local files only (no network)."""
    from debrief.core.team.repo import sync_line

    try:
        return sync_line(store.root, store)
    except OSError:
        return None
