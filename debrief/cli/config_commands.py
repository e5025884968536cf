"""``debrief config``: show or set a setting (rep name, theme, exports folder, practice figures, keys)."""

from __future__ import annotations

from pathlib import Path

import click

from debrief.cli.common import BadInput, db_option, echo


@click.command("config", context_settings={"ignore_unknown_options": True})  # a value may be "-3"
@click.argument("key", required=False)
@click.argument("value", required=False)
@db_option
def config_command(key: str | None, value: str | None, db: Path | None) -> None:
    """Show every setting, one (KEY), or set one (KEY VALUE; an empty VALUE resets it).

    KEY is rep-name, theme, exports, time-zone (e.g. Europe/Paris; empty: the system's),
    cool-off-days, cool-off-max-days, suggest-after-days, call-minutes, max-questions, talk-target,
    monologue-seconds, timer-autostart (on or off), keymap (ID=KEYS pairs), or keymap.ID to rebind
    one key (the help screen, F1, shows every binding id). The list says what each one does and
    what an empty value means.
    """
    del db  # every command takes --db; settings are the user's, not the database's
    from debrief.core.settings import (
        SETTING_NAMES,
        SETTINGS_TABLE,
        known_names,
        load_settings,
        save_settings,
        setting_fallback,
        setting_text,
        with_setting,
    )
    from debrief.core.store import StoreError
    from debrief.core.text import one_line
    from debrief.locations import settings_file

    path = settings_file()
    settings = load_settings(path)
    if key is None:
        for info in SETTINGS_TABLE:
            text = setting_text(settings, info.name) or setting_fallback(settings, info.name)
            echo(one_line(f"{info.name} = {text}".rstrip()))
            echo("    " + one_line(f"{info.help} Empty: {info.empty}."))
        return
    key = key.strip().lower()
    if key not in SETTING_NAMES and not key.startswith("keymap."):
        raise BadInput(f"no setting {key!r} (known: {known_names()})")
    if value is None:
        echo(one_line(setting_text(settings, key)))
        return
    themes = None
    if key == "theme":  # the names the app knows, read from Textual only when a theme is set
        from textual.theme import BUILTIN_THEMES

        themes = set(BUILTIN_THEMES)
    try:
        changed = with_setting(settings, key, value, themes=themes)
    except ValueError as error:
        raise BadInput(one_line(str(error))) from None
    try:
        save_settings(changed, path)
    except StoreError as error:
        raise BadInput(one_line(str(error))) from None
    echo(one_line(f"{key} = {setting_text(changed, key)}"))


COMMANDS = [config_command]
