"""Settings: read as a whole, so related fields are checked together; bad values keep defaults."""

from __future__ import annotations

from pathlib import Path

from debrief.core.settings import Settings, load_settings, save_settings


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
