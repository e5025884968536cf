"""The help screen: every key of the screen it was opened from, with what it does."""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static

from debrief.widgets.keys import fill
from debrief.widgets.plain import plain, rich_text

MAX_ID_WIDTH = 24
"""The id column's widest (ids longer than that wrap)."""

MIN_DOES_WIDTH = 16
"""What a key does keeps at least this many columns, wrapped over several lines."""


class HelpScreen(ModalScreen[None]):
    """Lists the keys of ``target`` (and the app's), read from the bindings themselves."""

    BINDINGS = [
        Binding("escape", "back", "Close", id="help.close", tooltip="Close the list of keys"),
        Binding("q", "back", "Close", show=False, id="help.close_q", tooltip="Close the list of keys"),
    ]

    def __init__(self, target: Screen[object]) -> None:
        super().__init__()
        self.target = target

    def compose(self) -> ComposeResult:
        with Vertical(id="help-body"):
            name = self.target.title or self.target.__class__.__name__.removesuffix("Screen")
            yield Static(plain(f"Keys — {name}"), id="help-title")
            yield DataTable(id="help-keys", cursor_type="row", zebra_stripes=True)
            yield Static(plain(fill(self, "Every key is also in the command palette ({app.palette}). Rebind keys "
                                    "by id in settings.json ('debrief locate' shows where).")), id="help-hint")

    def action_back(self) -> None:
        """Close, back to the screen the keys are of."""
        self.dismiss()

    def on_mount(self) -> None:
        self._rows = self._key_rows()
        self._fill()
        self.query_one(DataTable).focus()

    def on_resize(self) -> None:
        self._fill()

    def _key_rows(self) -> list[tuple[str, str, str]]:
        """One row per command: keys that run the same binding share it ("f / ctrl+f")."""
        rows: dict[str, tuple[list[str], str, str]] = {}
        for active in self.target.active_bindings.values():
            binding = active.binding
            if not binding.description:
                continue
            if binding.id is None and not binding.show and binding.action != "command_palette":
                continue  # the framework's own scrolling and focus keys: not commands
            key = binding.id or binding.action
            keys, _, binding_id = rows.setdefault(
                key, ([], binding.tooltip or binding.description, binding.id or ""))
            display = self.app.get_key_display(binding)
            if display not in keys:
                keys.append(display)
            if binding.action == "command_palette":
                rows[key] = (keys, "Search every command by name", binding_id)
        return [(" / ".join(keys), does, binding_id) for keys, does, binding_id in rows.values()]

    def _fill(self) -> None:
        """Columns sized to the screen: the key and the id whole, what it does wrapped in between,
        so at 80 columns no column is cut off."""
        table = self.query_one(DataTable)
        width = self.query_one("#help-body").content_region.width or self.size.width
        key_width = max([3, *(cell_len(keys) for keys, _, _ in self._rows)])
        id_width = min(MAX_ID_WIDTH, max([2, *(cell_len(binding_id) for _, _, binding_id in self._rows)]))
        # Each column has a cell of padding either side; the scrollbar takes two more.
        does_width = max(MIN_DOES_WIDTH, width - key_width - id_width - 6 * table.cell_padding - 3)
        if (key_width, does_width, id_width) == getattr(self, "_widths", None):
            return
        self._widths = (key_width, does_width, id_width)
        cursor = table.cursor_row
        table.clear(columns=True)
        table.add_column("Key", width=key_width)
        table.add_column("Does", width=does_width)
        table.add_column("Id", width=id_width)
        for keys, does, binding_id in self._rows:
            # Cells as Text: a key shown as "[" or a tooltip with brackets is not markup.
            table.add_row(rich_text(keys), rich_text(does), rich_text(binding_id), height=None)
        if self._rows:
            table.move_cursor(row=min(cursor, len(self._rows) - 1))
