"""What every full screen of the app shares."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.screen import Screen

if TYPE_CHECKING:
    from debrief.app import DebriefApp


class DebriefScreen(Screen[None]):
    """A screen of debrief: the app it runs in, typed (the store, the settings, today's date)."""

    @property
    def debrief_app(self) -> DebriefApp:
        """The app, typed."""
        return cast("DebriefApp", self.app)

    def on_mount(self) -> None:
        """Labels that name keys follow the bindings (runs after a screen's own ``on_mount``)."""
        from debrief.widgets.keys import follow_keymap

        follow_keymap(self)
