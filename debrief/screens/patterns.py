"""Patterns across all debriefs: why we lose, to whom, where, when, and how well we guess.

The facts cache counts them in a worker (a fraction of a second at 10,000); only debriefs whose
cached row is stale are read from their files, with a progress hint, and written back. Counts read
best as bars, quarters as columns, co-occurrence and lists as tables.
"""

from __future__ import annotations

import dataclasses
import threading
from functools import partial
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, ProgressBar, Static
from textual.worker import get_current_worker

from debrief.core.review import Stats, save_export, stats_markdown
from debrief.core.review.cached_stats import read_tally
from debrief.core.review.library import claim_after_write_back, write_back
from debrief.core.review.stats import actions_line, check_ins_line, finish, pct
from debrief.core.store import StoreError
from debrief.core.text import one_line
from debrief.locations import exports_dir
from debrief.screens.base import DebriefScreen
from debrief.widgets.bar_chart import Bar, BarChart, Column, ColumnChart
from debrief.widgets.fit_footer import FitFooter
from debrief.widgets.keys import fill
from debrief.widgets.plain import notify, plain, plain_line, rich_text

if TYPE_CHECKING:
    from datetime import date

    from debrief.core.review.stats import Tally
    from debrief.core.store import Store

BARS = 10
"""Rows per bar chart: the long tail of reasons or competitors reads better in the export."""
QUARTERS = 8
"""Quarters in the time charts: two years."""
PHASED = 500
"""Follow-up candidates past which the counts paint before the due rule judges them (fewer take
less time to judge than a second paint)."""
PAINT_WAIT_S = 0.5
"""Longest the follow-ups wait for the counts to be painted before they are worked out."""


_pct = pct


def _short(quarter: str) -> str:
    """``2026-Q3`` as ``Q3'26``: eight of them fit under a half-width chart."""
    return f"{quarter[-2:]}'{quarter[2:4]}"


class Panel(Vertical):
    """A titled box on the patterns page."""


class PatternsScreen(DebriefScreen):
    """Loss reasons, competitors, stages, quarters, red flags, guess accuracy, follow-ups, unclear questions."""

    CSS_PATH = "patterns.tcss"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    BINDINGS = [
        Binding("escape", "back", "Back", id="patterns.back", tooltip="Back to where you came from"),
        Binding("r", "refresh", "Refresh", id="patterns.refresh",
                tooltip="Count again (re-reads only the debriefs that changed)"),
        Binding("s", "search", "Search", id="patterns.search", tooltip="Search all notes and takeaways"),
        Binding("e", "export", "Export", id="patterns.export", tooltip="Save the patterns as a Markdown report"),
        Binding("y", "copy", "Copy", id="patterns.copy", tooltip="Copy the patterns as Markdown to the clipboard"),
        Binding("t", "team", "Team", id="patterns.team",
                tooltip="Pool your teammates' shared debriefs with yours, or show yours alone"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.stats: Stats | None = None
        self.team = False
        """Whether teammates' shared debriefs are pooled in (the team toggle)."""
        self._pool = ""
        self.counted: Stats | None = None
        """What the screen shows: the counts first (follow-ups not yet judged), then ``stats``."""
        self.painted = False
        """Whether the counts have been on the screen once (its first paint)."""


    def compose(self) -> ComposeResult:
        yield Static("Patterns across your lost deals", id="patterns-title")
        with Horizontal(id="patterns-loading"):
            yield Static("Reading your debriefs…", id="patterns-status", markup=False)
            yield ProgressBar(id="patterns-progress", show_eta=False)
        with VerticalScroll(id="patterns-body"):
            yield Static("", id="patterns-summary", markup=False)
            with Horizontal(id="patterns-columns"):
                with Vertical(classes="patterns-column"):
                    with Panel(id="panel-reasons") as panel:
                        panel.border_title = "Why we lose"
                        panel.border_subtitle = "share of debriefs"
                        yield BarChart(id="chart-reasons", legend=("buyer said", "I guessed"))
                    with Panel(id="panel-competitors") as panel:
                        panel.border_title = "Who we lose to"
                        yield BarChart(id="chart-competitors")
                    with Panel(id="panel-stages") as panel:
                        panel.border_title = "Where in the deal"
                        yield BarChart(id="chart-stages")
                with Vertical(classes="patterns-column"):
                    with Panel(id="panel-quarters") as panel:
                        panel.border_title = "Losses by quarter"
                        yield ColumnChart(id="chart-quarters")
                    with Panel(id="panel-accuracy") as panel:
                        panel.border_title = "My guesses, confirmed by the buyer"
                        panel.border_subtitle = "per quarter"
                        yield Static("", id="accuracy-summary", markup=False)
                        yield ColumnChart(id="chart-accuracy", top=100, classes="-accent", empty="")
                    with Panel(id="panel-follow-ups") as panel:
                        panel.border_title = "Follow-ups"
                        yield Static("", id="follow-ups-summary", markup=False)
                        yield DataTable(id="table-due", cursor_type="row", zebra_stripes=True)
            with Panel(id="panel-flags") as panel:
                panel.border_title = "Red flags before losses"
                panel.border_subtitle = "which reasons followed each red flag, and how much more often than usual"
                yield DataTable(id="table-flags", cursor_type="row", zebra_stripes=True)
            with Panel(id="panel-unclear") as panel:
                panel.border_title = "Questions most often left unclear"
                yield DataTable(id="table-unclear", cursor_type="row", zebra_stripes=True)
        yield FitFooter()

    def on_mount(self) -> None:
        self.query_one("#patterns-body").display = False
        self.query_one("#table-flags", DataTable).add_columns("Red flag", "Seen",
                                                               "Then the buyer said (share, × usual)")
        self.query_one("#table-due", DataTable).add_columns("Check in", "Company", "Overdue")
        self.query_one("#table-unclear", DataTable).add_columns("Question", "Unclear", "Asked", "Share")
        self.load()

    def on_screen_resume(self) -> None:
        """Back from a debrief: count again (only changed debriefs are re-read)."""
        if self.stats is not None:
            self.load()

    # -- loading -------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="patterns")
    def load(self) -> None:
        """Read what changed since the last look, then count; off the UI thread."""
        worker = get_current_worker()
        store = self.debrief_app.store
        today = self.debrief_app.today
        try:
            # Counted by the facts cache; only debriefs whose row is stale are read from files
            # (with a progress hint) and written back, so the next look is quick too.
            tally, unreadable = read_tally(
                store, store.facts_cache(), today,
                progress=lambda done, todo: self.app.call_from_thread(self._progress, done, todo),
                write_back=partial(write_back, store), complete=partial(claim_after_write_back, store))
            if self.team:
                self._pool = _add_team(store, tally, today)
            if self.stats is None and not worker.is_cancelled and \
                    len(tally.summaries) + len(tally.open_actions) + len(tally.check_ins) > PHASED:
                # The counts paint first; judging thousands of follow-ups by the due rule comes after.
                counts = dataclasses.replace(tally, summaries=[], open_actions=[], check_ins=[])
                painted = threading.Event()
                self.app.call_from_thread(self._show_counts, finish(counts, today, self.debrief_app.settings,
                                                                    unreadable), painted)
                painted.wait(PAINT_WAIT_S)  # the rule's work would slow the counts' paint down
            stats = finish(tally, today, self.debrief_app.settings, unreadable)
        except (StoreError, OSError) as error:
            if not worker.is_cancelled:
                self.app.call_from_thread(self._failed, str(error))
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show, stats)

    def _progress(self, done: int, todo: int) -> None:
        self.query_one("#patterns-loading").display = True
        self.query_one("#patterns-status", Static).update(f"Reading {todo:,} debriefs…")
        self.query_one("#patterns-progress", ProgressBar).update(total=todo, progress=done)

    def _failed(self, message: str) -> None:
        self.query_one("#patterns-loading").display = False
        self.query_one("#patterns-title", Static).update(
            plain_line(f"Patterns: cannot read the database ({one_line(message)})"))
        notify(self, message, title="Patterns", severity="error")

    def _show_counts(self, stats: Stats, painted: threading.Event) -> None:
        """The counts, before the follow-ups are judged (``_show`` then fills in everything);
        ``painted`` is set once they are on the screen."""
        if self.stats is not None:
            painted.set()
            return
        self.call_after_refresh(self._painted, painted)
        self.counted = stats
        self._fill_body(stats)
        self.query_one("#follow-ups-summary", Static).update("Finding what is due…")

    def _painted(self, painted: threading.Event | None = None) -> None:
        self.painted = True
        if painted is not None:
            painted.set()

    def _show(self, stats: Stats) -> None:
        self.stats = self.counted = stats
        if not self.painted:
            self.call_after_refresh(self._painted)
        if stats.unreadable:
            notify(self, f"{len(stats.unreadable)} debrief file(s) could not be read and are not counted: "
                   f"{', '.join(stats.unreadable[:5])}", title="Patterns", severity="warning")
        self._fill_body(stats)

    def _fill_body(self, stats: Stats) -> None:
        """Show the patterns of ``stats`` in place of the loading line (the counts first, or all)."""
        self.query_one("#patterns-loading").display = False
        body = self.query_one("#patterns-body", VerticalScroll)
        body.display = True
        self.query_one("#patterns-summary", Static).update(plain(self._summary(stats)))
        self._fill_bars(stats)
        self._fill_time(stats)
        self._fill_tables(stats)
        if self.focused is None:
            body.focus()

    # -- filling -------------------------------------------------------------------------------

    def _summary(self, stats: Stats) -> str:
        total = stats.total
        unreadable = stats.unreadable
        if not total and not unreadable:
            return "No debriefs yet: patterns appear once you have logged a few losses."
        accuracy = stats.guess_accuracy.accuracy
        parts = [f"{total:,} lost deals from {stats.period.start} to {stats.period.end}, "
                 f"{stats.value_lost:,.0f} in value.",
                 f"The buyer's reasons are known for {stats.heard:,}; "
                 f"my guesses were confirmed {_pct(accuracy)} of the time."]
        if unreadable:
            parts.append(f"{len(unreadable)} debrief file(s) could not be read: {', '.join(unreadable[:5])}.")
        if self.team and self._pool:
            parts.insert(0, f"{self._pool}.")
        return " ".join(parts)

    def _fill_bars(self, stats: Stats) -> None:
        reasons = stats.reasons[:BARS]
        width = max([len(f"{n:,}") for r in reasons for n in (r.count, r.guessed)] + [1])
        self.query_one("#chart-reasons", BarChart).bars = tuple(
            Bar(label=r.label, value=r.count, note=f"{r.count:>{width},} · {_pct(r.share):>4}",
                alt=r.guessed, alt_note=f"{r.guessed:>{width},} · {_pct(r.guessed_share):>4}")
            for r in reasons)
        for key, groups in (("competitors", stats.competitors), ("stages", stats.stages)):
            rows = groups[:BARS]
            width = max([len(f"{r.count:,}") for r in rows] + [1])
            self.query_one(f"#chart-{key}", BarChart).bars = tuple(
                Bar(label=r.label, value=r.count, note=f"{r.count:>{width},} · {_pct(r.share):>4}")
                for r in rows)

    def _fill_tables(self, stats: Stats) -> None:
        flags = self.query_one("#table-flags", DataTable)
        flags.clear()
        for flag in stats.red_flags:
            said = ", ".join(f"{r.label} {_pct(r.share)}" + (f" ×{r.lift:.1f}" if r.lift else "")
                             for r in flag.reasons[:2]) or "—"
            flags.add_row(rich_text(one_line(flag.label, 46)), f"{flag.count:,}", rich_text(said), key=flag.flag)
        follow = stats.follow_ups
        hint = "\nEnter on a row opens the debrief." if follow.due else ""
        self.query_one("#follow-ups-summary", Static).update(
            f"{actions_line(stats)}\n{check_ins_line(stats)}{hint}")
        due = self.query_one("#table-due", DataTable)
        due.clear()
        for row in follow.due[:BARS]:
            due.add_row(rich_text(row.next_check_in), rich_text(one_line(row.company, 26)),
                        f"{row.days_overdue:,} days", key=row.id)
        due.display = bool(follow.due)
        unclear = self.query_one("#table-unclear", DataTable)
        unclear.clear()
        for question in stats.unclear_questions[:BARS]:
            unclear.add_row(rich_text(one_line(question.text, 70)), f"{question.unclear:,}", f"{question.asked:,}",
                            _pct(question.share), key=question.question_id)
        flags.display = bool(stats.red_flags)
        unclear.display = bool(stats.unclear_questions)

    def _fill_time(self, stats: Stats) -> None:
        """Losses per quarter, and the share of guesses the buyer confirmed per quarter."""
        quarters = stats.quarters[-QUARTERS:]
        self.query_one("#chart-quarters", ColumnChart).columns = tuple(
            Column(label=_short(q.quarter), value=q.count, note=f"{q.count:,}") for q in quarters)
        accuracy = stats.guess_accuracy
        self.query_one("#accuracy-summary", Static).update(
            f"{_pct(accuracy.accuracy)} of {accuracy.guessed:,} guessed reasons were confirmed "
            f"({accuracy.debriefs:,} debriefs where the buyer gave reasons)."
            if accuracy.guessed else "No guess could be checked yet: write your guess before the call.")
        rows = accuracy.quarters[-QUARTERS:]
        self.query_one("#chart-accuracy", ColumnChart).columns = tuple(
            Column(label=_short(q.quarter), value=None if q.accuracy is None else q.accuracy * 100,
                   note=_pct(q.accuracy)) for q in rows)

    # -- actions -------------------------------------------------------------------------------

    @on(DataTable.RowSelected, "#table-due")
    def open_due(self, event: DataTable.RowSelected) -> None:
        """Enter on a due check-in opens that debrief."""
        if event.row_key.value:
            self.debrief_app.open_read(event.row_key.value)

    def action_back(self) -> None:
        """Back to where the rep came from."""
        self.dismiss()

    def action_refresh(self) -> None:
        """Count again."""
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "team":  # offered once the database joined a team
            from debrief.locations import team_dir

            return (team_dir(self.debrief_app.store.root) / ".git").is_dir()
        return True

    def action_team(self) -> None:
        """Pool the team's shared debriefs in, or take them out again."""
        self.team = not self.team
        notify(self, "Patterns of the whole team (yours and your teammates' shared debriefs)" if self.team
               else "Patterns of your own debriefs", timeout=3)
        self.load()

    def action_search(self) -> None:
        """Search all notes and takeaways."""
        self.debrief_app.open_search()

    def action_export(self) -> None:
        """Save the patterns as a Markdown report and say where."""
        if self.stats is None:
            self.notify("Still reading your debriefs…", timeout=2)
            return
        try:
            path = save_export(stats_markdown(self.stats), f"patterns-{self.stats.today}.md",
                               exports_dir(self.debrief_app.settings.exports))
        except (OSError, StoreError) as error:
            notify(self, f"Export failed: {error}", severity="error")
            return
        notify(self, path, title="Patterns saved to")

    def action_copy(self) -> None:
        """Copy the patterns as Markdown (OSC 52; where the terminal refuses, Export saves a file)."""
        if self.stats is None:
            self.notify("Still reading your debriefs…", timeout=2)
            return
        self.app.copy_to_clipboard(stats_markdown(self.stats))
        notify(self, fill(self, "Patterns copied as Markdown. If your terminal does not allow it, "
                                "press {patterns.export} to save a file."), timeout=3)


def _add_team(store: Store, tally: Tally, today: date) -> str:
    """Count teammates' shared debriefs into ``tally``; returns the pool's one-line summary.

    Through the teammates' facts cache (stale rows written back); a teammate's file that cannot be
    read is left out (``team list`` names it).
    """
    from debrief.core.team.pool import read_team
    from debrief.core.team.repo import Team, TeamError

    team = Team(store.root)
    try:
        state = team.load()
    except TeamError:
        return ""
    theirs = read_team(store.root, team.clone, state.folder, today, write=True)
    counts = theirs.counts(state.rep, state.folder, tally.total)
    tally.merge(theirs.tally)
    return "Team pool: " + ", ".join(f"{'you' if row.own else row.rep} {row.debriefs:,}" for row in counts)
