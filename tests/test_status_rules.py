"""Status rules, written once in the core: the past is refused for a call; booking another call or
reopening the call of a held or wrapped debrief needs a yes (app) or a flag (command line)."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from debrief.app import DebriefApp
from debrief.core.model import CallRecord, Contact, Debrief, Schedule, Status
from debrief.core.schedule import check_booking
from debrief.core.settings import Settings
from debrief.core.status import may_reopen_call, may_schedule, reopen_confirmation, schedule_confirmation
from debrief.core.store import Store
from debrief.screens.call import CallScreen
from debrief.screens.confirm import ConfirmDialog
from debrief.screens.home import HomeScreen
from debrief.screens.schedule import ScheduleScreen
from tests.conftest import TODAY
from tests.pilot_helpers import settle

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture(autouse=True)
def home_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Booking writes the invitation files to ~/Downloads: give every test its own home."""
    home = tmp_path / "home"
    (home / "Downloads").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    return home


def settled(status: Status, lost_on: date = TODAY - timedelta(days=20)) -> Debrief:
    """A debrief whose call was booked and held, at ``status``."""
    call_at = datetime.combine(lost_on + timedelta(days=10), datetime.min.time()).replace(hour=10)
    return Debrief(
        company="Acme Corp", contact=Contact(name="Jane Doe"), lost_on=lost_on, status=status,
        schedule=Schedule(at=call_at, minutes=20, invitation="Hi Jane"),
        call=CallRecord(started_at=call_at, ended_at=call_at + timedelta(minutes=18)),
    )


# -- the rules -----------------------------------------------------------------------------------


@pytest.mark.parametrize("status", list(Status))
def test_only_a_held_or_wrapped_debrief_needs_a_yes(status: Status) -> None:
    settled_status = status in (Status.HELD, Status.WRAPPED)
    assert may_schedule(status) is not settled_status
    assert may_reopen_call(status) is not settled_status
    item = settled(status)
    assert (schedule_confirmation(item) is None) is not settled_status
    assert (reopen_confirmation(item) is None) is not settled_status


def test_the_reason_names_the_deal_and_when_the_call_was_held() -> None:
    confirmation = schedule_confirmation(settled(Status.WRAPPED))
    assert confirmation is not None
    assert "Acme Corp is wrapped up" in confirmation.reason
    assert (TODAY - timedelta(days=10)).isoformat() in confirmation.reason
    assert "\n" not in confirmation.reason + confirmation.question


def test_booking_checks_refuse_the_past_and_an_unconfirmed_settled_debrief() -> None:
    now = datetime(2026, 11, 23, 9, 0)
    logged = Debrief(company="Acme", contact=Contact(name="Jane"), lost_on=date(2026, 11, 10))
    past = check_booking(logged, datetime(2026, 11, 22, 10, 0), now, Settings())
    assert [(note.level, note.code) for note in past if note.level == "error"] == [("error", "past")]
    ahead = datetime(2026, 11, 25, 10, 0)
    assert not [note for note in check_booking(logged, ahead, now, Settings()) if note.level == "error"]
    wrapped = settled(Status.WRAPPED, date(2026, 11, 10))
    codes = [note.code for note in check_booking(wrapped, ahead, now, Settings()) if note.level == "error"]
    assert codes == ["settled"]
    assert not [n for n in check_booking(wrapped, ahead, now, Settings(), confirmed=True) if n.level == "error"]


# -- the command line ----------------------------------------------------------------------------


def test_a_call_in_the_past_is_refused_and_nothing_is_written(run_cli: Run, db_path: Path) -> None:
    new = run_cli("new", "--company", "Acme", "--contact", "Jane", "--lost-on", "2 weeks ago")
    debrief_id = new.stdout.strip()
    before = Store.open(db_path).get(debrief_id)
    result = run_cli("schedule", debrief_id, "--at", "yesterday 10:00")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "has already passed" in result.stderr
    assert "--at" in result.stderr and "Traceback" not in result.stderr
    after = Store.open(db_path).get(debrief_id)
    assert after.schedule is None and after == before


def test_booking_another_call_of_a_wrapped_debrief_needs_the_flag(run_cli: Run, store: Store) -> None:
    item = store.add(settled(Status.WRAPPED, date.today() - timedelta(days=20)))
    refused = run_cli("schedule", item.id, "--at", "in 3 days at 10:00")
    assert refused.returncode == 2
    assert refused.stderr.count("\n") == 1 and "wrapped up" in refused.stderr and "--reschedule" in refused.stderr
    assert store.get(item.id) == item

    booked = run_cli("schedule", item.id, "--at", "in 3 days at 10:00", "--reschedule")
    assert booked.returncode == 0, booked.stderr
    stored = store.get(item.id)
    assert stored.schedule is not None and stored.schedule.at.date() == date.today() + timedelta(days=3)
    assert stored.status == Status.WRAPPED  # the status records progress; it never moves back


def test_the_flag_is_documented_in_the_help(run_cli: Run) -> None:
    result = run_cli("schedule", "--help")
    assert result.returncode == 0
    assert "--reschedule" in result.stdout and "already held" in " ".join(result.stdout.split())


# -- the app -------------------------------------------------------------------------------------


async def _on_home(pilot: object, app: DebriefApp, debrief_id: str) -> None:
    await settle(pilot)  # type: ignore[arg-type]
    screen = app.screen
    assert isinstance(screen, HomeScreen)
    screen.action_jump(debrief_id)
    await settle(pilot)  # type: ignore[arg-type]


async def test_s_on_a_wrapped_debrief_asks_and_no_changes_nothing(
        store: Store, make_app: Callable[..., DebriefApp]) -> None:
    item = store.add(settled(Status.WRAPPED))
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await _on_home(pilot, app, item.id)
        await pilot.press("s")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        assert "Acme Corp is wrapped up" in dialog.confirmation.reason
        assert "Book another call" in dialog.confirmation.question
        await pilot.press("x", "ctrl+s")  # stray keys: nothing happens, nothing is booked
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
    assert store.get(item.id) == item


async def test_yes_lets_the_rep_book_another_call(store: Store, make_app: Callable[..., DebriefApp]) -> None:
    item = store.add(settled(Status.WRAPPED))
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await _on_home(pilot, app, item.id)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ScheduleScreen) and screen.confirmed
        assert screen.check_action("save", ()) is True
        screen.action_save()
        await settle(pilot)
    stored = store.get(item.id)
    assert stored.schedule is not None and stored.schedule != item.schedule


async def test_c_on_a_held_debrief_asks_before_the_notes_can_be_typed_into(
        store: Store, make_app: Callable[..., DebriefApp]) -> None:
    item = store.add(settled(Status.HELD))
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await _on_home(pilot, app, item.id)
        await pilot.press("c")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        assert "already held" in dialog.confirmation.reason
        assert "Reopen the call" in dialog.confirmation.question
        await pilot.press("a", "b")  # a stray key goes nowhere near the held notes
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
    assert store.get(item.id) == item

    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await _on_home(pilot, app, item.id)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, CallScreen)


async def test_a_logged_debrief_opens_without_a_question(store: Store, make_app: Callable[..., DebriefApp]) -> None:
    item = store.add(Debrief(company="Acme", contact=Contact(name="Jane"), lost_on=TODAY - timedelta(days=3)))
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await _on_home(pilot, app, item.id)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)


async def test_debrief_call_of_a_wrapped_debrief_asks_before_the_call_opens(
        store: Store, make_app: Callable[..., DebriefApp]) -> None:
    item = store.add(settled(Status.WRAPPED))
    app = make_app(call_id=item.id)  # what 'debrief call ID' starts
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "wrapped up" in app.screen.confirmation.reason
        await pilot.press("enter")  # Enter answers the focused button: No
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
    assert store.get(item.id) == item


async def test_the_schedule_screen_refuses_the_past_and_says_why(
        store: Store, make_app: Callable[..., DebriefApp]) -> None:
    from textual.widgets import Input, Static

    item = store.add(Debrief(company="Acme", contact=Contact(name="Jane"), lost_on=TODAY - timedelta(days=9)))
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        app.open_schedule(item.id)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ScheduleScreen)
        screen.query_one("#when", Input).value = "yesterday 10:00"
        await pilot.pause()
        reason = "'yesterday 10:00': 2026-11-22 10:00 has already passed (pick a time ahead)"
        assert str(screen.query_one("#when-hint", Static).render()) == reason
        assert screen.check_action("save", ()) is None
        screen.action_save()  # as the Book button does
        await pilot.pause()
        assert [note.message for note in app._notifications] == [reason]
        assert isinstance(app.screen, ScheduleScreen)
    assert store.get(item.id).schedule is None
