"""The CRM import screen, driven with Pilot: pick a file, preview what comes in, confirm."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Select, Static

from debrief.app import DebriefApp
from debrief.core.store import Store
from debrief.screens.confirm import ConfirmDialog
from debrief.screens.crm_import import CrmImportScreen
from debrief.screens.home import HomeScreen
from tests.pilot_helpers import settle

DATA = Path(__file__).parent / "data" / "crm"
MakeApp = Callable[..., DebriefApp]


def status(screen: CrmImportScreen) -> str:
    return str(screen.query_one("#crm-status", Static).render())


def table_rows(screen: CrmImportScreen) -> list[list[str]]:
    table = screen.query_one("#crm-preview", DataTable)
    return [[str(getattr(cell, "plain", cell)) for cell in table.get_row_at(index)] for index in range(table.row_count)]


async def open_with(pilot, path: Path | str) -> CrmImportScreen:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await pilot.press("i")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, CrmImportScreen)
    assert screen.focused is screen.query_one("#crm-path", Input)
    screen.query_one("#crm-path", Input).value = str(path)
    await pilot.press("enter")
    await settle(pilot)
    return screen


async def test_home_i_previews_then_imports_on_confirm(store: Store, make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_with(pilot, DATA / "hubspot-deals.csv")
        assert status(screen) == "HubSpot export: 3 to import, 2 open and 1 won skipped"
        rows = table_rows(screen)
        assert [row[0] for row in rows] == ["2", "3", "4", "5", "8", "9"]  # physical lines, quoted breaks counted
        by_line = {row[0]: row for row in rows}
        assert by_line["2"][1:] == ["Acme, Inc.", "Jane Doe", "2026-11-03", "comes in"]
        assert by_line["3"][1:] == ["Globex", "", "", "skipped: open deal"]
        assert by_line["4"][4] == "skipped: won"
        # Hostile cells are shown as the text they are.
        assert by_line["8"][1] == "=cmd|' /C calc'!A0" and by_line["8"][2].startswith("[b]Mallory[/b]")
        assert len(store) == 0  # a preview writes nothing
        await pilot.press("ctrl+s")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        assert "3 closed-lost deals come in as logged debriefs" in dialog.confirmation.reason
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert {debrief.company for debrief in store.all()} == {"Acme, Inc.", "Umbrella Corp", "=cmd|' /C calc'!A0"}
        await settle(pilot)
        assert app.screen.table.rows  # type: ignore[attr-defined]
        # Again: the preview says they are there already, and importing adds nothing.
        screen = await open_with(pilot, DATA / "hubspot-deals.csv")
        assert "(3 imported before: only their empty fields are filled)" in status(screen)
        assert table_rows(screen)[0][4] == "imported before"
        await pilot.press("ctrl+s", "y")
        await settle(pilot)
        assert len(store) == 3


async def test_bad_rows_are_listed_and_no_skips_everything(store: Store, make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_with(pilot, DATA / "hubspot-bad-rows.csv")
        assert status(screen) == "HubSpot export: 2 to import, 2 bad rows skipped"
        reasons = {row[0]: row[4] for row in table_rows(screen)}
        assert reasons["4"].startswith("skipped: Close Date: '2026-13-45' is not a date")
        assert reasons["5"] == "skipped: Associated Company: empty (a debrief needs the buyer's company)"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "2 bad rows skipped (listed)" in app.screen.confirmation.reason
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is screen and len(store) == 0
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen) and len(store) == 0


async def test_path_checks_and_choosing_the_crm(store: Store, make_app: MakeApp, tmp_path: Path) -> None:
    export = tmp_path / "export.csv"
    shutil.copy(DATA / "pipedrive-deals.csv", export)
    unknown = tmp_path / "unknown.csv"
    unknown.write_text("Name,Email\nAnn,ann@example.com\n", encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_with(pilot, tmp_path / "nope.csv")
        assert status(screen) == f"No file at {tmp_path / 'nope.csv'}."
        screen.query_one("#crm-path", Input).value = str(tmp_path)
        await pilot.press("enter")
        await settle(pilot)
        assert status(screen).endswith("is a folder: type the CSV file's path.")
        screen.query_one("#crm-path", Input).value = str(unknown)
        await pilot.press("enter")
        await settle(pilot)
        assert "not those of a HubSpot, Salesforce or Pipedrive export" in status(screen)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmDialog)  # nothing to import: a warning, no question
        screen.query_one("#crm-path", Input).value = str(export)
        await pilot.press("enter")
        await settle(pilot)
        assert status(screen).startswith("Pipedrive export: 2 to import")
        screen.query_one("#crm-source", Select).value = "hubspot"
        await settle(pilot)
        # The rep's choice wins over detection: this is no HubSpot export, and the screen says why.
        assert status(screen).startswith("export.csv: no company column for a HubSpot export")
        assert table_rows(screen) == []


@pytest.mark.tmux
def test_in_a_real_terminal_the_import_previews_and_confirms(terminal, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    term = terminal(width=80, height=24)
    term.wait_for("debrief")
    time.sleep(0.5)
    term.send("i")
    term.wait_for("Import closed-lost deals")
    time.sleep(0.5)
    term.type(str(DATA / "hubspot-deals.csv"))
    term.send("Enter")
    term.wait_for("3 to import, 2 open and 1 won skipped")
    term.send("C-s")
    term.wait_for("Import them?")
    term.send("y")
    term.wait_for("3 debriefs")  # back on home
    screen = term.wait_for("Acme, In")  # the list reloaded
    assert "=cmd|' /" in screen and "[b]Mallo" in screen  # formula and markup show as the text they are
    stored = {debrief.company: debrief for debrief in Store.open(db_path).all()}
    assert set(stored) == {"Acme, Inc.", "Umbrella Corp", "=cmd|' /C calc'!A0"}
    term.send("C-q")
    term.wait_for("[exited] 0")
