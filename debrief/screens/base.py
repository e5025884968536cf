"""What every full screen of the app shares."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.screen import Screen

if TYPE_CHECKING:
    from textual.binding import Binding, BindingsMap
    from textual.dom import DOMNode

    from debrief.app import DebriefApp


class DebriefScreen(Screen[None]):
    """A screen of debrief: the app it runs in, typed (the store, the settings, today's date)."""

    @property
    def debrief_app(self) -> DebriefApp:
        """The app, typed."""
        return cast("DebriefApp", self.app)

    @property
    def _binding_chain(self) -> list[tuple[DOMNode, BindingsMap]]:
        """Textual's chain, with rebound keys kept where their screen declares them.

        Applying the keymap moves a rebound key to the end of its map, so a footer that shows the
        keys that fit dropped "New" at 80 columns as soon as it was rebound. The order a screen
        declares is the order of importance; the keymap changes keys, not that.
        """
        chain = super()._binding_chain
        for node, bindings_map in chain:
            _keep_declared_order(bindings_map, node._bindings)
        return chain

    def on_mount(self) -> None:
        """Labels that name keys follow the bindings (runs after a screen's own ``on_mount``)."""
        from debrief.widgets.keys import follow_keymap

        follow_keymap(self)


def _keep_declared_order(applied: BindingsMap, declared_map: BindingsMap) -> None:
    """Put ``applied`` (the keymap applied) back in the order of ``declared_map``'s bindings."""
    declared: dict[str, int] = {}
    for bindings in declared_map.key_to_bindings.values():
        for binding in bindings:
            declared.setdefault(binding.id or binding.action, len(declared))
    if not declared:
        return
    last = len(declared)

    def rank(item: tuple[str, list[Binding]]) -> int:
        return min((declared.get(binding.id or binding.action, last) for binding in item[1]), default=last)

    applied.key_to_bindings = dict(sorted(applied.key_to_bindings.items(), key=rank))
