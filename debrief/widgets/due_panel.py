"""What is due today, in four columns: calls to schedule, calls today, check-ins, move-on dates.

Each entry is a link: clicking it runs the screen's ``jump`` action with the debrief's id (the
home screen moves its cursor there). Long lists show their first few and how many more.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Static

from debrief.core.ids import is_valid_id
from debrief.core.progress import Due, DueItem
from debrief.widgets.keys import key
from debrief.widgets.plain import assemble, clean_line

SHOWN = 3
"""Entries shown per group; the rest are counted."""


def _entry(item: DueItem, width: int) -> Content:
    note = f" {item.note}"
    name = clean_line(item.company, max(width - len(note), 6))
    # The id goes into the link's action: only an id of the expected shape is ever put there.
    link = f"underline @click=screen.jump({item.id!r})" if is_valid_id(item.id) else ""
    return assemble((name, link), (note, "$text-muted"))


class DueGroup(Static):
    """One group: its title with a count, then its first entries (links to the debrief)."""

    DEFAULT_CSS = """
    DueGroup {
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def __init__(self, title: str, empty: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.title = title
        self.empty = empty
        self.items: list[DueItem] = []

    def show(self, items: list[DueItem]) -> None:
        """Redraw the group for ``items``."""
        self.items = items
        width = max(self.content_region.width, 16)
        count_style = "bold $text-accent" if items else "$text-muted"
        lines = [Content.assemble((self.title, "bold"), (f" {len(items):,}", count_style))]
        if not items:
            lines.append(Content.styled(self.empty, "$text-muted"))
        for item in items[:SHOWN]:
            lines.append(_entry(item, width))
        if len(items) > SHOWN:
            more = f"+{len(items) - SHOWN:,} more ({key(self, 'home.due')})"
            lines.append(Content.styled(more, "$text-muted italic"))
        self.update(Content("\n").join(lines))
        self.set_class(bool(items), "-has-items")

    def on_resize(self) -> None:
        self.show(self.items)


class DuePanel(Horizontal):
    """The four groups side by side."""

    DEFAULT_CSS = """
    DuePanel {
        height: auto;
        background: $boost;
        padding: 0 1;
        DueGroup {
            width: 1fr;
            height: 5;
            padding: 0 1 0 0;
        }
    }
    """

    EMPTY = {
        "To schedule": "none waiting",
        "Calls today": "no calls today",
        "Check-ins due": "none due",
        "Move on": "nothing to let go",
    }

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.due = Due()

    def compose(self) -> ComposeResult:
        for index, (title, _items) in enumerate(self.due.groups):
            yield DueGroup(title, self.EMPTY[title], id=f"due-{index}")

    def show(self, due: Due) -> None:
        """Show ``due``."""
        self.due = due
        for index, (_title, items) in enumerate(due.groups):
            self.query_one(f"#due-{index}", DueGroup).show(items)
