"""Snapshots of the settings screen as a rep sees it: at 80x24 with a refused value, and wide."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from debrief.app import DebriefApp
from debrief.core.settings import Settings, save_settings

MakeApp = Callable[..., DebriefApp]
SnapCompare = Callable[..., bool]


def _settings(tmp_path: Path) -> None:
    """Every field filled, with fixed values (an empty exports folder would show this run's home)."""
    save_settings(Settings(rep_name="Acme [/b] Corp", exports="~/Shared exports", time_zone="Europe/Paris",
                           keymap={"call.next": "f9"}), tmp_path / "settings.json")


async def _open(pilot: Pilot[Any]) -> None:
    await pilot.pause()
    await pilot.press("comma")
    await pilot.pause()
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


def test_settings_at_80x24_with_a_value_refused(snap_compare: SnapCompare, make_app: MakeApp,
                                                tmp_path: Path) -> None:
    _settings(tmp_path)
    app = make_app()

    async def run_before(pilot: Pilot[Any]) -> None:
        await _open(pilot)
        app.screen.query_one("#setting-cool-off-days", Input).value = "-3"
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_settings_at_160x48(snap_compare: SnapCompare, make_app: MakeApp, tmp_path: Path) -> None:
    _settings(tmp_path)
    assert snap_compare(make_app(), terminal_size=(160, 48), run_before=_open)
