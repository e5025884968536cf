"""Search every note, impression and takeaway as you type; Enter reads the debrief.

The text of every debrief is loaded once in a worker into the review library, from the facts
cache (only debriefs whose cached row is stale are read from their files, with a progress hint);
after that each keystroke searches in memory, in a few milliseconds even at 10,000 debriefs, off
the UI thread so typing never waits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Input, OptionList, ProgressBar, Static
from textual.worker import get_current_worker

from debrief.core.review import SearchResults, library_for, search
from debrief.core.store import StoreError
from debrief.core.text import one_line
from debrief.screens.base import DebriefScreen
from debrief.widgets.fit_footer import FitFooter
from debrief.widgets.plain import notify, plain, plain_line
from debrief.widgets.search_results import SearchResultList

if TYPE_CHECKING:
    pass

LIMIT = 50
"""Debriefs listed at most: a query that matches more wants another word (and fewer entries keep
each keystroke's redraw quick)."""


class SearchBox(Input):
    """The search box: Down moves into the results (a plain Input would swallow it)."""

    BINDINGS = [
        Binding("down", "screen.results", "Results", id="search.results", key_display="↓",
                tooltip="Move from the search box to the results"),
    ]


class SearchScreen(DebriefScreen):
    """A search box over all debriefs' free text, results below with the matches styled."""

    CSS_PATH = "search.tcss"
    AUTO_FOCUS = "#search-input"
    BINDINGS = [
        Binding("escape", "back", "Back", id="search.back", tooltip="Back to where you came from"),
        Binding("ctrl+f", "filter", "Search box", id="search.box",
                tooltip="Back to the search box to change the words"),
    ]

    def __init__(self, query: str = "") -> None:
        super().__init__()
        self.initial_query = query
        self.ready = False
        self.results: SearchResults | None = None
        self.count = 0


    def compose(self) -> ComposeResult:
        yield Static("Search notes, impressions and takeaways", id="search-title")
        yield SearchBox(self.initial_query, placeholder='Words to find (all must match; "quote a phrase")',
                        id="search-input", select_on_focus=False)
        with Horizontal(id="search-loading"):
            yield Static("Reading your debriefs…", id="search-progress-label", markup=False)
            yield ProgressBar(id="search-progress", show_eta=False)
        yield Static("", id="search-status", markup=False)
        yield SearchResultList(id="search-results")
        yield FitFooter()

    def on_mount(self) -> None:
        self.query_one("#search-status").display = False
        self.load()

    def on_screen_resume(self) -> None:
        """Back from a debrief: pick up edits (only changed debriefs are re-read)."""
        if self.ready:
            self.load()

    # -- loading and searching -----------------------------------------------------------------

    @work(thread=True, exclusive=True, group="search-load")
    def load(self) -> None:
        """Read the text of every debrief that changed since the last look; off the UI thread."""
        worker = get_current_worker()
        library = library_for(self.debrief_app.store)
        try:
            library.refresh(lambda done, todo: self.app.call_from_thread(self._progress, done, todo))
        except (StoreError, OSError) as error:
            if not worker.is_cancelled:
                self.app.call_from_thread(self._failed, str(error))
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._loaded, len(library), list(library.unreadable))

    def _progress(self, done: int, todo: int) -> None:
        self.query_one("#search-progress-label", Static).update(f"Reading {todo:,} debriefs…")
        self.query_one("#search-progress", ProgressBar).update(total=todo, progress=done)

    def _failed(self, message: str) -> None:
        self.query_one("#search-loading").display = False
        status = self.query_one("#search-status", Static)
        status.display = True
        status.update(plain_line(f"Cannot read the database: {one_line(message)}"))
        notify(self, message, title="Search", severity="error")

    def _loaded(self, count: int, unreadable: list[str] | None = None) -> None:
        if unreadable:  # one damaged file is left out; every other debrief is still searched
            notify(self, f"{len(unreadable)} debrief file(s) could not be read and are not searched: "
                   f"{', '.join(unreadable[:5])}", title="Search", severity="warning")
        self.ready = True
        self.count = count
        self.query_one("#search-loading").display = False
        self.query_one("#search-status").display = True
        self.run_search(self.query_one("#search-input", Input).value)

    @on(Input.Changed, "#search-input")
    def _typed(self, event: Input.Changed) -> None:
        if self.ready:
            self.run_search(event.value)

    @work(thread=True, exclusive=True, group="search")
    def run_search(self, query: str) -> None:
        """Search in memory; a newer keystroke's search replaces this one's results."""
        worker = get_current_worker()
        results = search(library_for(self.debrief_app.store).docs(), query, limit=LIMIT)
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show, results)

    def _show(self, results: SearchResults) -> None:
        if results.query != self.query_one("#search-input", Input).value:
            return  # typed on since: a newer search is on its way
        self.results = results
        self.query_one("#search-status", Static).update(plain(self._status(results)))
        self.query_one(SearchResultList).show(results)

    def _status(self, results: SearchResults) -> str:
        if not results.terms:
            return f"Type to search the notes, impressions and takeaways of {self.count:,} debriefs."
        if not results.total:
            return f"No debrief mentions {' and '.join(repr(t) for t in results.terms)}."
        shown = len(results.hits)
        more = f"; the best {shown} are shown, add a word to narrow down" if shown < results.total else ""
        plural = "debriefs match" if results.total != 1 else "debrief matches"
        return f"{results.total:,} {plural}{more}. Enter reads the highlighted one."

    # -- keys ----------------------------------------------------------------------------------

    @on(Input.Submitted, "#search-input")
    def _submitted(self) -> None:
        """Enter in the box reads the highlighted (best) result."""
        results = self.query_one(SearchResultList)
        option = results.highlighted_option
        if option is not None and option.id:
            self.debrief_app.open_read(option.id)

    @on(OptionList.OptionSelected, "#search-results")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.debrief_app.open_read(event.option.id)

    def on_key(self, event: events.Key) -> None:
        """Typing while in the results goes to the search box, so the rep never has to switch."""
        if event.is_printable and event.character and isinstance(self.focused, SearchResultList):
            box = self.query_one("#search-input", Input)
            box.focus()
            box.insert_text_at_cursor(event.character)
            event.stop()
            event.prevent_default()

    def action_back(self) -> None:
        """Back to where the rep came from."""
        self.dismiss()

    def action_results(self) -> None:
        """Move into the results list."""
        results = self.query_one(SearchResultList)
        if results.option_count:
            results.focus()

    def action_filter(self) -> None:
        """Back to the search box."""
        self.query_one("#search-input", Input).focus()
