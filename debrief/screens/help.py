"""The help screen: every key of the screen it was opened from, with what it does."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static

from debrief.widgets.keys import fill
from debrief.widgets.plain import plain, rich_text


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
        with VerticalScroll(id="help-body"):
            name = self.target.title or self.target.__class__.__name__.removesuffix("Screen")
            yield Static(plain(f"Keys — {name}"), id="help-title")
            yield DataTable(id="help-keys", cursor_type="row", zebra_stripes=True)
            yield Static(plain(fill(self, "Every key is also in the command palette ({app.palette}). Rebind keys "
                                    "by id in settings.json ('debrief locate' shows where).")), id="help-hint")

    def action_back(self) -> None:
        """Close, back to the screen the keys are of."""
        self.dismiss()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Key", "Does", "Id")
        # One row per command: keys that run the same binding share it ("f / ctrl+f").
        rows: dict[str, tuple[list[str], str, str]] = {}
        for active in self.target.active_bindings.values():
            binding = active.binding
            if not binding.description:
                continue
            if binding.id is None and not binding.show and binding.action != "command_palette":
                continue  # the framework's own scrolling and focus keys: not commands
            key = binding.id or binding.action
            keys, does, binding_id = rows.setdefault(
                key, ([], binding.tooltip or binding.description, binding.id or ""))
            display = self.app.get_key_display(binding)
            if display not in keys:
                keys.append(display)
            if binding.action == "command_palette":
                rows[key] = (keys, "Search every command by name", binding_id)
        for keys, does, binding_id in rows.values():
            # Cells as Text: a key shown as "[" or a tooltip with brackets is not markup.
            table.add_row(rich_text(" / ".join(keys)), rich_text(does), rich_text(binding_id))
        table.focus()
