"""Settings: read as a whole, so related fields are checked together; bad values keep defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from debrief.core.settings import (
    SETTINGS_TABLE,
    Settings,
    load_settings,
    save_settings,
    setting_fallback,
    setting_text,
    with_setting,
)


def test_related_fields_load_together(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text('{"cool_off_min_days": 40, "cool_off_max_days": 60, "rep_name": "Sam"}')
    settings = load_settings(path)
    assert (settings.cool_off_min_days, settings.cool_off_max_days, settings.rep_name) == (40, 60, "Sam")


def test_a_bad_value_keeps_its_default_and_the_rest_loads(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text('{"call_minutes": 500, "theme": "nord", "talk_share_target": "high", '
                    '"keymap": {"call.next": "f9"}}')
    settings = load_settings(path)
    assert settings.call_minutes == Settings().call_minutes
    assert settings.talk_share_target == Settings().talk_share_target
    assert (settings.theme, settings.keymap) == ("nord", {"call.next": "f9"})


def test_round_trip_and_damaged_file(tmp_path: Path) -> None:
    path = tmp_path / "config" / "settings.json"
    save_settings(Settings(rep_name="Sam Rivera", suggest_after_days=(5, 12)), path)
    assert load_settings(path) == Settings(rep_name="Sam Rivera", suggest_after_days=(5, 12))
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    path.write_bytes(b"{not json")
    assert load_settings(path) == Settings()


def test_every_setting_reads_and_sets_the_one_way(tmp_path: Path) -> None:
    """Each setting of the table round-trips through the text the rep types; bad text is one line."""
    settings = Settings()
    typed = {"rep-name": "Sam Rivera", "theme": "nord", "exports": "~/Shared", "time-zone": "Europe/Paris",
             "cool-off-days": "3", "cool-off-max-days": "28", "suggest-after-days": "5-14",
             "call-minutes": "15", "max-questions": "10", "talk-target": "25%", "monologue-seconds": "45",
             "timer-autostart": "off", "keymap": "call.next=f9 schedule.book=ctrl+b,f9"}
    assert set(typed) == {info.name for info in SETTINGS_TABLE}
    for name, text in typed.items():
        settings = with_setting(settings, name, text, themes={"nord", "textual-dark"})
    shown = {name: setting_text(settings, name) for name in typed}
    assert shown == {**typed, "talk-target": "0.25"}
    assert settings.timer_autostart is False and settings.keymap == {"call.next": "f9", "schedule.book": "ctrl+b,f9"}
    path = tmp_path / "settings.json"
    save_settings(settings, path)
    assert load_settings(path) == settings
    # An empty value goes back to the default, or means the fallback where one exists.
    for name in typed:
        emptied = with_setting(settings, name, "")
        assert setting_text(emptied, name) == setting_text(Settings(), name), name
    bad = {"rep-name": "x" * 121, "theme": "neon", "time-zone": "Mars/Olympus", "cool-off-days": "-1",
           "suggest-after-days": "21-7", "call-minutes": "lots", "talk-target": "100%",
           "timer-autostart": "sometimes", "keymap": "call.next", "keymap.call.next": "[b]", "nope": "1"}
    for name, text in bad.items():
        with pytest.raises(ValueError) as caught:
            with_setting(settings, name, text, themes={"nord"})
        message = str(caught.value)
        assert "\n" not in message and len(message) < 300, (name, message)
        assert name.split(".")[0] in message or "no setting" in message, (name, message)


def test_a_typed_name_is_one_clean_line_kept_literally() -> None:
    settings = with_setting(Settings(), "rep-name", "  Acme [/b] Corp\x1b]0;owned\x07\n[@click=app.quit]  ")
    assert settings.rep_name == "Acme [/b] Corp [@click=app.quit]"


def test_a_hand_edited_file_is_cleaned_and_a_bool_keeps_its_type(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text('{"rep_name": "Sam\\u001b[2J\\nRivera", "timer_autostart": 0, "theme": "nord"}')
    settings = load_settings(path)
    assert settings.rep_name == "Sam Rivera" and settings.timer_autostart is True and settings.theme == "nord"
    path.write_text('{"timer_autostart": false, "call_minutes": true, "keymap": {"call.next": "\\u001b[b]"}}')
    settings = load_settings(path)
    assert settings.timer_autostart is False and settings.call_minutes == Settings().call_minutes
    assert settings.keymap == {}  # a key no terminal sends is never bound
    assert with_setting(settings, "keymap.home.reverse", "R").keymap == {"home.reverse": "R"}


def test_empty_values_say_what_they_fall_back_to() -> None:
    settings = Settings()
    assert setting_fallback(settings, "time-zone") == "(the system's: UTC)"
    assert setting_fallback(settings, "rep-name").startswith("(not set")
    assert setting_fallback(with_setting(settings, "rep-name", "Sam"), "rep-name") == ""
    assert all(info.help and info.empty and info.label for info in SETTINGS_TABLE)
