"""The command palette's list: the rep's commands first, Textual's own next, editing keys last.

Textual's provider sorts every command by name, so in the live call and the wrap-up (where the
focus is in a text area) "Ask own" sat between "Copy", "Cursor down" and twenty more of the text
area's keys. Here each group keeps its place, sorted within itself, and a search ranks an editing
key below one of the rep's that matches as well.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits
from textual.system_commands import SystemCommandsProvider

if TYPE_CHECKING:
    from debrief.app import DebriefApp

GROUP_WEIGHTS = (1.0, 0.9, 0.6)
"""How a search ranks each group's matches: the rep's, Textual's, a widget's editing keys."""


class DebriefCommands(SystemCommandsProvider):
    """Every command of the screen, in the app's three groups."""

    async def discover(self) -> Hits:
        app = cast("DebriefApp", self.app)
        for group in app.command_groups(self.screen):
            for name, help_text, callback, discover in sorted(group, key=lambda command: command[0]):
                if discover:
                    yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        app = cast("DebriefApp", self.app)
        matcher = self.matcher(query)
        for weight, group in zip(GROUP_WEIGHTS, app.command_groups(self.screen), strict=True):
            for name, help_text, callback, _ in group:
                if (match := matcher.match(name)) > 0:
                    yield Hit(match * weight, matcher.highlight(name), callback, help=help_text)
