"""Every setting on one screen, and the one question the app asks about them: the rep's name.

Each field is checked as the rep types by the same core function as ``debrief config KEY VALUE``
(``core.settings.with_setting``), so the screen and the command line accept and refuse the same
values with the same words. Saving writes the whole settings file atomically and puts the theme
and the keys to use at once.

The rep's name is asked where it is first needed, on the schedule screen while none is set (a
"Your name" field that signs the invitation as it is typed and is kept at booking), not on the
first run: nothing stands between a new rep and the home screen, and no dialog ever catches keys
typed at start-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static

from debrief.core.settings import (
    SETTINGS_TABLE,
    SettingInfo,
    Settings,
    save_settings,
    setting_fallback,
    setting_text,
    with_setting,
)
from debrief.core.status import Confirmation
from debrief.screens.base import DebriefScreen
from debrief.widgets.fit_footer import FitFooter
from debrief.widgets.keys import fill, follow
from debrief.widgets.plain import clean_line, notify, plain, plain_line

if TYPE_CHECKING:
    from debrief.app import DebriefApp


def apply_settings(app: DebriefApp, changed: Settings) -> str:
    """Save ``changed`` atomically and use it now (theme, keys); '' or why it could not be saved."""
    from debrief.core.store import StoreError

    try:
        save_settings(changed, app.settings_path)
    except StoreError as error:
        return str(error)
    app.settings = changed
    if changed.keymap != app._keymap:  # Textual keeps the keymap only here (no public getter)
        app.set_keymap(changed.keymap)
    if changed.theme in app.available_themes and app.theme != changed.theme:
        app.theme = changed.theme  # the app's theme watcher sees it already saved
    return ""


def reread_settings(app: DebriefApp) -> Settings:
    """The settings as the file holds them now: ``debrief config`` may have changed them since start."""
    from debrief.core.settings import load_settings

    if app.settings_path.is_file():
        app.settings = load_settings(app.settings_path)
    return app.settings


def set_rep_name(app: DebriefApp, name: str) -> str:
    """Set the rep's name the one way settings change; '' or a one-line reason."""
    try:
        changed = with_setting(app.settings, "rep-name", name)
    except ValueError as error:
        return str(error)
    return apply_settings(app, changed)


ON_OFF = (("on", "on"), ("off", "off"))

SAYS_EMPTY = frozenset({"rep-name", "theme", "exports", "time-zone", "keymap"})
"""Fields whose placeholder (or fixed choices) already say what an empty value means."""

SCREEN_HELP = {"keymap": "Rebound keys as ID=KEYS, space between (e.g. call.next=f12); {app.help} shows every id."}
"""Hints that name a key: on screen the key is the one bound now (the rep may have rebound help)."""


class SettingsScreen(DebriefScreen):
    """Every setting, editable and checked as you type; ctrl+s saves them all at once."""

    CSS_PATH = "settings.tcss"
    TITLE = "Settings"
    AUTO_FOCUS = "#setting-rep-name"

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="settings.save",
                tooltip="Check every setting and save them all (the file is replaced whole, never half-written)"),
        Binding("escape", "back", "Back", id="settings.leave", tooltip="Back; asks first when a change is not saved"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.errors: dict[str, str] = {}
        """Why a field's value cannot be saved, by setting name (as ``debrief config`` says it)."""

    def compose(self) -> ComposeResult:
        reread_settings(self.debrief_app)
        yield Static(self.TITLE, id="settings-title")
        with VerticalScroll(id="settings-body"):
            for info in SETTINGS_TABLE:
                with Horizontal(classes="setting-row"):
                    yield Label(info.label, classes="setting-label")
                    with Vertical(classes="setting-body"):
                        yield self._field(info)
                        yield Static("", id=f"hint-{info.name}", classes="setting-hint")
            yield follow(Static("", id="settings-status"),
                         "{settings.save} saves every setting; {settings.leave} goes back. The same names work "
                         "on the command line: debrief config NAME VALUE.")
        yield FitFooter(compact=True)

    def _field(self, info: SettingInfo) -> Widget:
        settings = self.debrief_app.settings
        widget_id = f"setting-{info.name}"
        value = setting_text(settings, info.name)
        if info.name == "theme":
            names = sorted(self.app.available_themes)
            if value not in names:
                names.append(value)
            return Select([(plain(name), name) for name in names], value=value, allow_blank=False,
                          id=widget_id, compact=True)
        if info.name == "timer-autostart":
            return Select([(plain(label), key) for label, key in ON_OFF], value=value, allow_blank=False,
                          id=widget_id, compact=True)
        placeholder = setting_fallback(settings, info.name).strip("()") or f"empty: {info.empty}"
        return Input(value, id=widget_id, placeholder=clean_line(placeholder), compact=True)

    def on_mount(self) -> None:
        self._check()

    # -- reading the form ----------------------------------------------------------------------

    def _value(self, info: SettingInfo) -> str:
        widget = self.query_one(f"#setting-{info.name}")
        if isinstance(widget, Select):
            return str(widget.value) if widget.value is not Select.NULL else ""
        assert isinstance(widget, Input)
        return widget.value

    def collect(self) -> tuple[Settings, dict[str, str]]:
        """The settings the form holds, and why each field that cannot be saved cannot.

        Fields that are checked together (the cool-off's least and most days) are tried again
        after the others, so raising both at once is one save, in any order.
        """
        settings = self.debrief_app.settings
        themes = set(self.app.available_themes)
        pending = list(SETTINGS_TABLE)
        errors: dict[str, str] = {}
        for _round in range(2):
            errors, retry = {}, []
            for info in pending:
                try:
                    settings = with_setting(settings, info.name, self._value(info), themes=themes)
                except ValueError as error:
                    errors[info.name] = str(error)
                    retry.append(info)
            if not retry or len(retry) == len(pending):
                break
            pending = retry
        return settings, errors

    @on(Input.Changed)
    @on(Select.Changed)
    def _changed(self) -> None:
        if self.is_mounted:
            self._check()

    def _check(self) -> None:
        """Say under each field what it does, or why its value cannot be saved."""
        _settings, self.errors = self.collect()
        for info in SETTINGS_TABLE:
            hint = self.query_one(f"#hint-{info.name}", Static)
            error = self.errors.get(info.name)
            if error:
                hint.update(plain_line(error[:1].upper() + error[1:], style="$text-error"))
            else:
                # A text field's placeholder already says what empty means; a number's hint does.
                empty = "" if info.name in SAYS_EMPTY else f" Empty: {info.empty}."
                hint.update(plain(fill(self, SCREEN_HELP.get(info.name, info.help)) + empty))
            hint.set_class(bool(error), "-error")

    def changed(self) -> bool:
        """Whether the form holds something not saved yet."""
        settings, _errors = self.collect()
        return settings != self.debrief_app.settings or bool(_errors)

    # -- actions -------------------------------------------------------------------------------

    def action_save(self) -> None:
        """Check every field; save them all, or none and say why."""
        settings, errors = self.collect()
        self._check()
        if errors:
            first = next(info for info in SETTINGS_TABLE if info.name in errors)
            notify(self, errors[first.name], title="Not saved", severity="error")
            self.query_one(f"#setting-{first.name}").focus()
            return
        problem = apply_settings(self.debrief_app, settings)
        if problem:
            notify(self, problem, title="Not saved", severity="error")
            return
        self._show(settings)
        from debrief.core.schedule import display_path

        notify(self, f"Saved in {display_path(self.debrief_app.settings_path)}", title="Settings saved")

    def _show(self, settings: Settings) -> None:
        """Put the saved values back in the fields (an emptied number shows its default again)."""
        for info in SETTINGS_TABLE:
            widget = self.query_one(f"#setting-{info.name}")
            text = setting_text(settings, info.name)
            if isinstance(widget, Input | Select) and widget.value != text:
                widget.value = text

    def action_back(self) -> None:
        """Leave; a change not saved is asked about first, never dropped silently."""
        if not self.changed():
            self.dismiss()
            return
        from debrief.screens.confirm import ConfirmDialog

        reason = "some settings are changed and not saved"
        question = fill(self, "Leave without saving them? ({settings.save} on the form saves them.)")
        self.app.push_screen(ConfirmDialog(Confirmation(reason, question), yes="Leave"), self._leave)

    def _leave(self, yes: bool | None) -> None:
        if yes:
            self.dismiss()
