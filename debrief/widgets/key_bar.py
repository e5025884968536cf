"""A footer that never hides a key: every key of the screen, wrapped onto at most two lines.

Textual's footer is one line that scrolls: at 80 columns the live call's End, Tag, Timer and
Marker fell off its end. This bar reads the same active bindings (so a rebound key shows its new
key, and a greyed one shows greyed), lays them out in as many lines as it may use, and when even
that is too narrow it shortens the labels, then drops the app's own keys, before it lets any of
the screen's keys go.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text
from textual.binding import Binding
from textual.dom import DOMNode
from textual.events import Click
from textual.geometry import Size
from textual.widget import Widget


@dataclass(frozen=True)
class KeyEntry:
    """One key as the bar shows it."""

    key: str
    label: str
    short: str
    action: str
    node: DOMNode
    enabled: bool
    own: bool
    """A key of the screen (not of the app): kept when the bar runs out of room."""


class KeyBar(Widget, can_focus=False):
    """``f2 Talk  f3 Prev … f10 End  esc Leave`` over at most ``max_lines`` lines; a click runs the key."""

    DEFAULT_CSS = """
    KeyBar {
        height: auto;
        width: 1fr;
        padding: 0 1;
        background: $footer-background;
        color: $footer-description-foreground;
        & > .key-bar--key { color: $footer-key-foreground; text-style: bold; }
        & > .key-bar--disabled { color: $text-disabled; }
    }
    """

    COMPONENT_CLASSES = {"key-bar--key", "key-bar--disabled"}

    def __init__(self, *, max_lines: int = 2, short: dict[str, str] | None = None,
                 extra: tuple[str, ...] = ("app.palette",), id: str | None = None) -> None:
        """``short`` labels by binding id; ``extra`` binding ids to show although they are hidden."""
        super().__init__(id=id)
        self.max_lines = max_lines
        self.short = short or {}
        self.extra = extra
        self._spans: list[tuple[int, int, int, KeyEntry]] = []

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, lambda _screen: self.refresh(layout=True))

    def entries(self) -> list[KeyEntry]:
        """The keys to show, the screen's first (in the order they are declared), then the app's."""
        found: dict[str, KeyEntry] = {}
        screen = self.screen
        for active in screen.active_bindings.values():
            binding: Binding = active.binding
            if not binding.description or binding.system:
                continue
            if not binding.show and binding.id not in self.extra:
                continue
            key = f"{active.node.__class__.__name__}.{binding.action}"
            if key in found:
                continue
            found[key] = KeyEntry(
                key=self.app.get_key_display(binding), label=binding.description,
                short=self.short.get(binding.id or "", binding.description), action=binding.action,
                node=active.node, enabled=active.enabled, own=active.node is not self.app,
            )
        return sorted(found.values(), key=lambda entry: not entry.own)

    def _layout(self, width: int) -> list[list[_Placed]]:
        """Entries placed into lines: full labels, else short ones, else the screen's keys only."""
        entries = self.entries()
        roomy, tight = _wrap(entries, width, short=False, gap=2), _wrap(entries, width, short=False, gap=1)
        lines = tight if len(tight) < len(roomy) else roomy  # full labels in as few lines as they go
        if len(lines) <= self.max_lines:
            return lines
        for chosen in (entries, [entry for entry in entries if entry.own]):
            lines = _wrap(chosen, width, short=True, gap=1)
            if len(lines) <= self.max_lines:
                return lines
        return lines[: self.max_lines]

    def _text(self, width: int) -> Text:
        key_style = self.get_component_rich_style("key-bar--key")
        disabled = self.get_component_rich_style("key-bar--disabled")
        text = Text(no_wrap=True, overflow="crop", end="")
        self._spans = []
        for row, line in enumerate(self._layout(width)):
            if row:
                text.append("\n")
            column = 0
            for placed in line:
                entry = placed.entry
                text.append(" " * placed.gap)
                column += placed.gap
                text.append(entry.key, disabled if not entry.enabled else key_style)
                text.append(" " + placed.label, disabled if not entry.enabled else "")
                end = column + cell_len(entry.key) + 1 + cell_len(placed.label)
                self._spans.append((row, column, end, entry))
                column = end
        return text

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return max(1, len(self._layout(width)))

    def render(self) -> Text:
        return self._text(self.content_region.width or self.size.width)

    async def on_click(self, event: Click) -> None:
        """A click on a key runs it, as on Textual's footer."""
        offset = event.get_content_offset(self)
        if offset is None:
            return
        for row, start, end, entry in self._spans:
            if row == offset.y and start <= offset.x < end and entry.enabled:
                event.stop()
                await self.app.run_action(entry.action, entry.node)
                return


@dataclass(frozen=True)
class _Placed:
    """An entry in a line: the spaces before it and the label it shows."""

    entry: KeyEntry
    gap: int
    label: str


def _wrap(entries: list[KeyEntry], width: int, *, short: bool, gap: int) -> list[list[_Placed]]:
    """Greedy lines of ``key label`` pieces, ``gap`` spaces apart."""
    lines: list[list[_Placed]] = []
    line: list[_Placed] = []
    used = 0
    for entry in entries:
        label = entry.short if short else entry.label
        size = cell_len(entry.key) + 1 + cell_len(label)
        if line and used + gap + size <= width:
            line.append(_Placed(entry, gap, label))
            used += gap + size
            continue
        if line:
            lines.append(line)
        line, used = [_Placed(entry, 0, label)], size
    if line:
        lines.append(line)
    return lines
