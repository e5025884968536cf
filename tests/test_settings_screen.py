"""The settings screen, the rep's name asked where it is first needed, and invitations signed later."""

from __future__ import annotations

import stat
import subprocess
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from icalendar import Calendar
from textual.widgets import Input, Select, Static, TextArea

from debrief import locations
from debrief.app import DebriefApp, create_app
from debrief.core.model import Contact, Debrief
from debrief.core.settings import load_settings
from debrief.core.store import Store
from debrief.screens.confirm import ConfirmDialog
from debrief.screens.home import HomeScreen
from debrief.screens.schedule import ScheduleScreen
from debrief.screens.settings import SettingsScreen
from tests.conftest import TODAY
from tests.pilot_helpers import settle

Run = Callable[..., subprocess.CompletedProcess[str]]
MakeApp = Callable[..., DebriefApp]


def _deal(company: str = "Acme Corp") -> Debrief:
    return Debrief(company=company, contact=Contact(name="Jane Doe", email="jane@acme.example"),
                   lost_on=TODAY - timedelta(days=9), lost_to="Salesforce")


def _field(screen: SettingsScreen, name: str) -> Input:
    return screen.query_one(f"#setting-{name}", Input)


def _hint(screen: SettingsScreen, name: str) -> str:
    return str(screen.query_one(f"#hint-{name}", Static).render())


async def test_every_setting_is_edited_checked_and_saved_whole(
        make_app: MakeApp, tmp_path: Path, run_cli: Run) -> None:
    app = make_app()
    path = tmp_path / "settings.json"
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert any(command.title == "Settings" for command in app.get_system_commands(app.screen))  # the palette
        await pilot.press("comma")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        assert app.focused is _field(screen, "rep-name")  # typing goes straight into the first field
        _field(screen, "rep-name").value = "Acme [/b] Corp [@click=app.quit]"
        _field(screen, "call-minutes").value = "500"
        await pilot.pause()
        # Refused with the words of `debrief config`: one function checks both.
        cli = run_cli("config", "call-minutes", "500")
        assert cli.returncode == 2
        assert _hint(screen, "call-minutes") == cli.stderr.removeprefix("debrief: ").strip().capitalize()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not path.exists()  # nothing saved while one field is wrong
        assert isinstance(app.screen, SettingsScreen)
        assert app.focused is _field(screen, "call-minutes")
        values = {"call-minutes": "15", "cool-off-days": "40", "cool-off-max-days": "60",  # checked together
                  "time-zone": "Europe/Paris", "talk-target": "25%", "keymap": "call.next=f9",
                  "exports": "~/Shared exports"}
        for name, value in values.items():
            _field(screen, name).value = value
        screen.query_one("#setting-theme", Select).value = "nord"
        screen.query_one("#setting-timer-autostart", Select).value = "off"
        await pilot.pause()
        assert not screen.errors
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        saved = load_settings(path)
        assert saved == app.settings
        assert saved.rep_name == "Acme [/b] Corp [@click=app.quit]"  # literal, never markup
        assert (saved.call_minutes, saved.cool_off_min_days, saved.cool_off_max_days) == (15, 40, 60)
        assert (saved.time_zone, saved.talk_share_target, saved.exports) == ("Europe/Paris", 0.25, "~/Shared exports")
        assert (saved.theme, saved.timer_autostart, saved.keymap) == ("nord", False, {"call.next": "f9"})
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert app.theme == "nord" and app._keymap == {"call.next": "f9"}  # in use at once
        assert not list(tmp_path.glob("*.tmp*"))  # the atomic write left no temp file behind
        # An emptied number goes back to its default, and the field says so after saving.
        _field(screen, "call-minutes").value = ""
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert _field(screen, "call-minutes").value == "20" and load_settings(path).call_minutes == 20
        # Leaving with a change not saved asks first; no stays, yes leaves without saving.
        _field(screen, "monologue-seconds").value = "90"
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
    assert load_settings(path).monologue_seconds == 60


async def test_the_name_is_asked_at_the_first_booking_and_signs_the_invitation(
        store: Store, make_app: MakeApp, tmp_path: Path) -> None:
    first, second = store.add(_deal()), store.add(_deal("Globex"))
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        assert not app.screen.query("#rep-name")  # the first run asks nothing: home is home
        app.open_schedule(first.id)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ScheduleScreen)
        invitation = screen.query_one("#invitation", TextArea)
        assert invitation.text.endswith("Thank you,\n")
        await pilot.press("tab", "tab")  # when, length, then the name: in the order of the form
        assert app.focused is screen.query_one("#rep-name", Input)
        await pilot.press(*"Sam [b]Rivera")
        await pilot.pause()
        assert invitation.text.endswith("Thank you,\nSam [b]Rivera\n")  # signed as it is typed
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert load_settings(tmp_path / "settings.json").rep_name == "Sam [b]Rivera"
        app.open_schedule(second.id)
        await settle(pilot)
        assert not app.screen.query("#rep-name")  # asked once: now it is known
        assert app.screen.query_one("#invitation", TextArea).text.endswith("Thank you,\nSam [b]Rivera\n")
    assert store.get(first.id).schedule is not None


async def test_skipping_the_name_books_unsigned_and_asks_again_at_the_next_booking(
        store: Store, make_app: MakeApp, tmp_path: Path) -> None:
    item = store.add(_deal())
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        app.open_schedule(item.id)
        await settle(pilot)
        await pilot.press("ctrl+s")  # the name left empty: booked all the same
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert store.get(item.id).schedule is not None
        assert not (tmp_path / "settings.json").exists()
        for open_it in (app.open_search, app.open_patterns, app.open_log_loss):
            open_it()  # no other screen asks
            await settle(pilot)
            assert not app.screen.query("#rep-name")
            await pilot.press("escape")
            await settle(pilot)
        app.open_schedule(item.id)
        await settle(pilot)
        screen = app.screen
        name = screen.query_one("#rep-name", Input)
        name.value = "x" * 200  # refused in the words of `debrief config rep-name`
        await pilot.pause()
        assert "Rep-name: too long" in str(screen.query_one("#name-hint", Static).render())
        assert isinstance(screen, ScheduleScreen) and screen.check_action("save", ()) is None


async def test_a_call_booked_before_the_name_was_set_is_signed_until_its_invitation_is_sent(
        run_cli: Run, store: Store) -> None:
    """Not sent yet: `invite`, the .ics and the screen render it with the name set since; once a
    file was saved, the copy that went out is kept, and booking again starts a new one."""
    debrief_id = run_cli("new", "--company", "Acme Corp", "--contact", "Jane Doe", "--email",
                         "jane@acme.example", "--lost-on", "3 days ago").stdout.strip()
    assert run_cli("schedule", debrief_id, "--at", "in 9 days 11:00").returncode == 0
    assert run_cli("invite", debrief_id).stdout.endswith("Thank you,\n")
    assert run_cli("config", "rep-name", "Sam Rivera").returncode == 0
    assert run_cli("invite", debrief_id).stdout.endswith("Thank you,\nSam Rivera\n")
    event = Calendar.from_ical(run_cli("ics", debrief_id).stdout).walk("VEVENT")[0]
    assert str(event["DESCRIPTION"]).endswith("Thank you,\nSam Rivera\n")
    stored = store.get(debrief_id)
    assert stored.schedule is not None and stored.schedule.sent_at is None and stored.schedule.invitation == ""

    app = create_app(store, settings_path=locations.settings_file(), today=TODAY)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        app.open_schedule(debrief_id)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ScheduleScreen)
        assert screen.query_one("#invitation", TextArea).text.endswith("Thank you,\nSam Rivera\n")
        await pilot.press("ctrl+e")  # saved to a file: this is the copy that goes out
        await settle(pilot)
    sent = store.get(debrief_id).schedule
    assert sent is not None and sent.sent_at is not None and sent.invitation.endswith("Thank you,\nSam Rivera\n")
    assert run_cli("config", "rep-name", "Samantha Rivera").returncode == 0
    assert run_cli("invite", debrief_id).stdout.endswith("Thank you,\nSam Rivera\n")  # what the buyer has
    assert run_cli("schedule", debrief_id, "--at", "in 10 days 11:00").returncode == 0
    assert run_cli("invite", debrief_id).stdout.endswith("Thank you,\nSamantha Rivera\n")  # a new invitation


async def test_a_name_set_with_debrief_config_while_the_app_runs_is_used(run_cli: Run, store: Store) -> None:
    item = store.add(_deal())
    app = create_app(store, settings_path=locations.settings_file(), today=TODAY)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        assert run_cli("config", "rep-name", "Pat Lee").returncode == 0
        app.open_schedule(item.id)
        await settle(pilot)
        assert not app.screen.query("#rep-name")
        assert app.screen.query_one("#invitation", TextArea).text.endswith("Thank you,\nPat Lee\n")
        await pilot.press("escape")
        await settle(pilot)
        app.open_settings()
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SettingsScreen) and _field(screen, "rep-name").value == "Pat Lee"
