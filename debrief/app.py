"""The Textual app: thin. It holds the store and settings and routes between screens.

Each screen lives in ``debrief/screens/`` and owns its keys; every key binding also appears in the
command palette (``get_system_commands``), so there is one definition per command.
"""

from __future__ import annotations

import dataclasses
import time
from collections import deque
from collections.abc import Iterable
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.message_pump import MessagePump
from textual.screen import Screen

if TYPE_CHECKING:
    from textual.command import Provider

from debrief.core.settings import Settings, load_settings, save_settings
from debrief.core.store import Store
from debrief.locations import settings_file, use_database
from debrief.widgets.plain import escape, notify


def _palette_commands() -> type[Provider]:
    """The palette's provider, imported when the palette first opens (start-up stays light)."""
    from debrief.palette import DebriefCommands

    return DebriefCommands


KEY_WAIT_LIMIT = 1.0
"""Seconds a typed key waits for the one before it (or a screen that is opening) at most."""


KEY_ROUNDS = 2
"""How many times a key's follow-up is sent behind it before the next key goes out."""


class KeyDone(Message):
    """Posted behind a key to the widget it went to: back at the app, that key is handled.

    It bubbles the same way as the key, one queue after it, so it reaches the app after the key
    itself did (and after any binding the key ran there). A key often makes its widget post a
    message of its own (Enter in a list posts "selected", whose handler closes a dialog), queued
    behind the first follow-up: a second round waits for that one too.
    """

    def __init__(self, key: events.Key | events.Paste, target: MessagePump, round: int) -> None:
        super().__init__()
        self.key = key
        self.target = target
        self.round = round


class DebriefApp(App[None]):
    """debrief: from "we chose someone else" to a lesson learned."""

    TITLE = "debrief"
    CSS_PATH = "app.tcss"
    COMMANDS = {_palette_commands}
    BINDINGS = [
        Binding("f1", "help", "Help", id="app.help", tooltip="Every key on this screen"),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", tooltip="Quit (everything is saved)", priority=True),
        Binding("ctrl+p", "command_palette", "Palette", id="app.palette", show=False, priority=True,
                tooltip="Search every command of this screen"),
    ]

    def __init__(
        self,
        store: Store,
        *,
        call_id: str | None = None,
        settings_path: Path | None = None,
        today: date | None = None,
    ) -> None:
        super().__init__()
        self.store = store
        use_database(store.root)  # the team's reasons, banks and rules sit beside the database
        self.call_id = call_id
        self.settings_path = settings_path or settings_file()
        self.settings: Settings = load_settings(self.settings_path)
        self.today_override = today
        if self.settings.keymap:
            self.set_keymap(self.settings.keymap)
        self._held_keys: deque[events.Key | events.Paste] = deque()
        self._key_in_flight: events.Key | events.Paste | None = None
        self._key_since = 0.0
        self._key_poll = False

    @property
    def today(self) -> date:
        """Today's date (fixed in tests and snapshots so screens do not change by the day)."""
        return self.today_override or date.today()

    def on_mount(self) -> None:
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        from debrief.screens.home import HomeScreen

        self.push_screen(HomeScreen())
        if self.call_id is not None:
            self.open_call(self.call_id)

    # -- typing: one key at a time, each to the field that has the focus once the keys before it ran --

    async def on_event(self, event: events.Event) -> None:
        """Keys and pastes go out one at a time, in order; everything else as Textual does.

        Textual hands a key to the focused widget at once and runs a screen's (non-priority)
        binding only when the key comes back up to the app. Keys typed quickly (a paste, a text
        expander, a rep who types ahead) were therefore handed out before the Tab or the key
        that opens a screen had moved the focus: the words after the Tab went into the field
        before it, and the keys after "c" on the home screen fired home's own commands or
        vanished while the call opened. Here the next key waits until the one before it is
        handled and the screen on top has mounted and taken its focus.
        """
        if isinstance(event, events.Key | events.Paste) and not event.is_forwarded:
            if not self._held_keys and self._key_in_flight is None:
                self._key_since = time.monotonic()  # a wait for an opening screen counts from now
            self._held_keys.append(event)
            self._send_keys()
            return
        await super().on_event(event)

    def _screen_ready(self) -> bool:
        """The screen on top has mounted and set its focus (a pushed screen takes a moment)."""
        try:
            screen = self.screen
        except Exception:  # no screen yet, or the app is closing
            return False
        return screen.is_mounted and screen.stack_updates > 0

    def _send_keys(self) -> None:
        """Hand out the held keys in order, each once the one before it is done."""
        while self._held_keys:
            waited = time.monotonic() - self._key_since
            if self._key_in_flight is not None and waited < KEY_WAIT_LIMIT:
                return self._poll_keys()
            if not self._screen_ready() and waited < KEY_WAIT_LIMIT:
                return self._poll_keys()
            event = self._held_keys.popleft()
            self._key_in_flight = event
            self._key_since = time.monotonic()
            self.call_next(self._send_key, event)
            return None
        return None

    async def _send_key(self, event: events.Key | events.Paste) -> None:
        """Textual's own handling of one key (priority bindings, then the focused widget)."""
        target: MessagePump = self.focused or self.screen
        await super().on_event(event)
        if not event.is_forwarded or not target.post_message(KeyDone(event, target, 1)):
            self._key_done(event)  # a priority binding took it, or the widget is gone

    def _poll_keys(self) -> None:
        """Look again shortly: a screen is opening, or a key's message was dropped on the way."""
        if not self._key_poll:
            self._key_poll = True
            self.set_timer(0.02, self._polled)

    def _polled(self) -> None:
        self._key_poll = False
        self._send_keys()

    def _key_done(self, event: events.Key | events.Paste) -> None:
        if self._key_in_flight is event:
            self._key_in_flight = None
            self._key_since = time.monotonic()
        self._send_keys()

    def on_key_done(self, message: KeyDone) -> None:
        message.stop()
        again = KeyDone(message.key, message.target, message.round + 1)
        if message.round >= KEY_ROUNDS or not message.target.post_message(again):
            self._key_done(message.key)

    # -- navigation: one method per screen, so every screen opens the others the same way ----

    def open_log_loss(self, debrief_id: str | None = None) -> None:
        """The form to log a new loss (or edit the deal and first impressions of one)."""
        from debrief.screens.log_loss import LogLossScreen

        self.push_screen(LogLossScreen(debrief_id))

    def open_schedule(self, debrief_id: str) -> None:
        """Book the debrief call: cool-off check, invitation, calendar event."""
        from debrief.screens.schedule import ScheduleScreen

        self.push_screen(ScheduleScreen(debrief_id))

    def open_prepare(self, debrief_id: str) -> None:
        """Choose and order the questions of the call script."""
        from debrief.screens.prepare import PrepareScreen

        self.push_screen(PrepareScreen(debrief_id))

    def open_call(self, debrief_id: str) -> None:
        """The live-call screen of one debrief."""
        from debrief.screens.call import CallScreen

        self.push_screen(CallScreen(debrief_id))

    def open_wrapup(self, debrief_id: str) -> None:
        """Takeaways, action items, stay-in-touch plan, move-on date."""
        from debrief.screens.wrapup import WrapUpScreen

        self.push_screen(WrapUpScreen(debrief_id))

    def open_read(self, debrief_id: str) -> None:
        """One debrief, everything in it, to read."""
        from debrief.screens.read import ReadScreen

        self.push_screen(ReadScreen(debrief_id))

    def open_compare(self, debrief_ids: list[str]) -> None:
        """Two to four debriefs side by side, aligned question by question."""
        from debrief.screens.compare import CompareScreen

        self.push_screen(CompareScreen(debrief_ids))

    def open_patterns(self) -> None:
        """Loss reasons, competitors, stages and guess accuracy across all debriefs."""
        from debrief.screens.patterns import PatternsScreen

        self.push_screen(PatternsScreen())

    def open_search(self, query: str = "") -> None:
        """Search all notes and takeaways as you type."""
        from debrief.screens.search import SearchScreen

        self.push_screen(SearchScreen(query))

    def open_settings(self) -> None:
        """Every setting, editable: the rep's name, theme, exports folder, practice figures, keys."""
        from debrief.screens.settings import SettingsScreen

        self.push_screen(SettingsScreen())

    def watch_theme(self, theme: str) -> None:
        """Remember the chosen theme for next time."""
        if getattr(self, "settings", None) is not None and theme != self.settings.theme:
            self.settings.theme = theme
            self.save_settings()

    def save_settings(self) -> None:
        """Persist settings; a failure is a notification, never a crash."""
        from debrief.core.store import StoreError

        try:
            save_settings(self.settings, self.settings_path)
        except StoreError as error:
            notify(self, error, severity="error")

    def action_help(self) -> None:
        """Show every key of the current screen."""
        from debrief.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss()  # the help key again closes the help
        else:
            self.push_screen(HelpScreen(self.screen))

    def get_key_display(self, binding: Binding) -> str:
        """As Textual shows keys, except that a rebound key never shows the old ``key_display``."""
        if binding.key_display and binding.id and binding.id in self._keymap:
            binding = dataclasses.replace(binding, key_display=None)
        return super().get_key_display(binding)

    def command_groups(self, screen: Screen[object]) -> tuple[list[SystemCommand], ...]:
        """The palette's commands in three groups: the rep's, Textual's own, editing keys.

        Every binding of the screen is a command (one definition each). Ours all have an id (the
        screen's, its widgets', the app's); a binding without one is a Textual widget's own, such
        as a text area's cursor moves and deletes, and would otherwise bury the rep's commands.
        """
        own: list[SystemCommand] = []
        editing: list[SystemCommand] = []
        seen: set[str] = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            if not binding.description or binding.action in seen or binding.system:
                continue
            if not active.enabled:
                continue
            seen.add(binding.action)
            help_text = binding.tooltip or binding.description
            # The palette reads both strings as markup: a key shown as "[" or a tooltip such as
            # "([, shift+up)" must not open a tag, so every piece is escaped, the key included.
            command = SystemCommand(
                escape(binding.description),
                f"{escape(help_text)} \\[{escape(self.get_key_display(binding))}]",
                partial(self.run_action, binding.action, active.node),
            )
            (own if binding.id else editing).append(command)
        return own, list(super().get_system_commands(screen)), editing

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Every command of the palette, the rep's first (see :meth:`command_groups`)."""
        for group in self.command_groups(screen):
            yield from group


def create_app(store: Store, *, call_id: str | None = None, settings_path: Path | None = None,
               today: date | None = None) -> DebriefApp:
    """The app factory shared by the command line and the tests."""
    return DebriefApp(store, call_id=call_id, settings_path=settings_path, today=today)
