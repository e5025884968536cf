"""``debrief config``: show or set a setting (rep name, theme, exports folder, practice figures, keys)."""

from __future__ import annotations

from pathlib import Path

import click

from debrief.cli.common import BadInput, db_option, echo


@click.command("config")
@click.argument("key", required=False)
@click.argument("value", required=False)
@db_option
def config_command(key: str | None, value: str | None, db: Path | None) -> None:
    """Show every setting, one (KEY), or set one (KEY VALUE; an empty VALUE resets it).

    KEY is rep-name, theme, exports, time-zone (e.g. Europe/Paris; empty: the system's),
    cool-off-days, cool-off-max-days, suggest-after-days, call-minutes, max-questions, talk-target,
    monologue-seconds, or keymap.ID to rebind one key (the help screen, F1, shows every binding id).
    """
    del db  # every command takes --db; settings are the user's, not the database's
    from debrief.core.settings import (
        SETTING_NAMES,
        Settings,
        load_settings,
        rep_zone,
        save_settings,
        setting_text,
        with_setting,
    )
    from debrief.core.store import StoreError
    from debrief.core.text import one_line
    from debrief.locations import exports_dir, settings_file

    path = settings_file()
    settings = load_settings(path)
    if key is None:
        # An empty setting falls back to a default worked out here and now: say which one.
        fallbacks = {"time-zone": f"(the system's: {rep_zone(settings)})",
                     "exports": f"(the default: {exports_dir(settings.exports)})"}
        for name in SETTING_NAMES:
            text = setting_text(settings, name) or fallbacks.get(name, "")
            echo(one_line(f"{name} = {text}".rstrip()))
        for binding_id, keys in sorted(settings.keymap.items()):
            echo(one_line(f"keymap.{binding_id} = {keys}"))
        return
    key = key.strip().lower()
    if key not in SETTING_NAMES and not key.startswith("keymap."):
        raise BadInput(f"no setting {key!r} (known: {', '.join([*SETTING_NAMES, 'keymap.ID'])})")
    if value is None:
        echo(one_line(setting_text(settings, key)))
        return
    try:
        if value.strip():
            changed = with_setting(settings, key, value)
        elif key.startswith("keymap."):
            changed = with_setting(settings, key, "")
        else:
            changed = with_setting(settings, key, setting_text(Settings(), key))
    except ValueError as error:
        raise BadInput(one_line(str(error))) from None
    try:
        save_settings(changed, path)
    except StoreError as error:
        raise BadInput(one_line(str(error))) from None
    echo(one_line(f"{key} = {setting_text(changed, key)}"))


COMMANDS = [config_command]
