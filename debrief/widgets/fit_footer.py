"""Textual's footer, showing only the keys that fit whole.

The footer is one line that clips: at 80 columns its last key was cut mid-word (``+ +5 ▏``,
``e Exp▏``), which reads as a glitch. This one hides every key from the first that would not fit
beside the palette key on the right; the hidden ones are on the help screen (f1) and in the
palette, as every key is.
"""

from __future__ import annotations

from textual.widget import Widget
from textual.widgets import Footer


class FitFooter(Footer):
    """A footer whose keys are shown whole or not at all, in their order."""

    def on_resize(self) -> None:
        self._show_all_then_fit()

    async def recompose(self) -> None:
        await super().recompose()
        self._show_all_then_fit()

    def _show_all_then_fit(self) -> None:
        for child in self._keys():
            child.display = True
        self.call_after_refresh(self._fit)

    def _keys(self) -> list[Widget]:
        return [child for child in self.children if not child.has_class("-command-palette")]

    def _fit(self) -> None:
        """Hide the keys from the first one that ends past the room left by the palette key."""
        if not self.is_attached or not self.size.width:
            return
        palette = [child for child in self.children if child.has_class("-command-palette")]
        room = self.region.right - sum(child.outer_size.width for child in palette)
        overflowing = False
        for child in self._keys():
            overflowing = overflowing or child.region.right > room
            if overflowing:
                child.display = False
