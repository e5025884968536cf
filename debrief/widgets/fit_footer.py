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

    _shown: tuple[object, ...] | None = None
    """What the keys were last composed from (see ``recompose``)."""

    def on_resize(self) -> None:
        self._show_all_then_fit()

    async def recompose(self) -> None:
        # The screen signals "bindings updated" on every focus change, several times while a screen
        # mounts; composing the same keys again costs a few milliseconds a key (their styles).
        if not self.is_attached or self._pruning:
            return  # as Textual's own recompose: a screen going away answers no binding check
        shown = self._keys_shown()
        if shown == self._shown and self.children:
            # The same keys: fit them again only (a screen shown again, say, after keys composed
            # while it was hidden beneath another).
            self.call_after_refresh(self._fit)
            return
        await super().recompose()
        self._shown = shown
        self._show_all_then_fit()

    def _keys_shown(self) -> tuple[object, ...]:
        """Everything ``compose`` reads of the screen's bindings, as one comparable value."""
        if not self._bindings_ready:
            return ()
        palette = self.app.COMMAND_PALETTE_BINDING
        return (self.compact, self.show_command_palette, *(
            (key, binding.key, self.app.get_key_display(binding), binding.description, binding.action,
             binding.group, enabled, tooltip)
            for key, (_node, binding, enabled, tooltip) in self.screen.active_bindings.items()
            if binding.show or key == palette))

    def _show_all_then_fit(self) -> None:
        for child in self._keys():
            child.display = True
        self.call_after_refresh(self._fit)

    def _keys(self) -> list[Widget]:
        return [child for child in self.children if not child.has_class("-command-palette")]

    def _fit(self, tries: int = 5) -> None:
        """Hide the keys from the first one that ends past the room left by the palette key."""
        if not self.is_attached or not self.size.width:
            return
        if tries and any(not child.region.width for child in self.children):
            self.call_after_refresh(self._fit, tries - 1)  # keys just mounted are not laid out yet
            return
        palette = [child for child in self.children if child.has_class("-command-palette")]
        room = self.region.right - sum(child.outer_size.width for child in palette)
        overflowing = False
        for child in self._keys():
            overflowing = overflowing or child.region.right > room
            if overflowing:
                child.display = False
