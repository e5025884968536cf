"""Snapshot of the CRM import screen at 80x24: a HubSpot export previewed, what comes in and what not."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from debrief.app import DebriefApp

DATA = Path(__file__).parent / "data" / "crm"


def test_crm_import_preview_at_80x24(snap_compare: Callable[..., bool], make_app: Callable[..., DebriefApp],
                                     tmp_path: Path) -> None:
    # A path that reads the same on every machine: the file copied under the test's home.
    export = tmp_path / "home" / "deals.csv"
    export.write_bytes((DATA / "hubspot-deals.csv").read_bytes())

    async def preview(pilot: Pilot[Any]) -> None:
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.press("i")
        await pilot.pause()
        field = pilot.app.screen.query_one("#crm-path", Input)
        field.value = "~/deals.csv"
        await pilot.press("enter")
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        field.cursor_blink = False
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=preview)
