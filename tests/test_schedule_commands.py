"""``debrief schedule``, ``invite`` and ``ics``: the real command, its output and exit codes."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from debrief.core.model import Status
from debrief.core.store import Store

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def lost_today(run_cli: Run) -> str:
    """A loss logged today through the command line; its id."""
    result = run_cli("new", "--company", "Acme Corp", "--contact", "Jane Doe", "--email", "jane@acme.example",
                     "--lost-to", "Salesforce")
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_booking_an_hour_after_the_loss_warns_but_books(run_cli: Run, lost_today: str, db_path: Path) -> None:
    soon = datetime.now().replace(second=0, microsecond=0) + timedelta(hours=1)
    result = run_cli("schedule", lost_today, "--at", soon.strftime("%Y-%m-%d %H:%M"))
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert any("too soon" in line and "same conversation as the rejection" in line for line in warnings)
    assert soon.strftime("%Y-%m-%d %H:%M") in result.stdout
    stored = Store.open(db_path).get(lost_today)
    assert stored.schedule is not None and stored.schedule.at == soon
    assert stored.status == Status.SCHEDULED


def test_a_good_slot_books_quietly_with_the_length_asked(run_cli: Run, lost_today: str, db_path: Path) -> None:
    result = run_cli("schedule", lost_today, "--at", "in 2 weeks 10:00", "--minutes", "15")
    assert result.returncode == 0, result.stderr
    assert "warning:" not in result.stderr
    when = datetime.combine(date.today() + timedelta(days=14), datetime.min.time()).replace(hour=10)
    assert f"{when:%Y-%m-%d %H:%M}" in result.stdout and "15 minutes" in result.stdout
    stored = Store.open(db_path).get(lost_today)
    assert stored.schedule is not None and stored.schedule.minutes == 15


@pytest.mark.parametrize("args", [("--at", "someday soon"), ("--at", "2001-01-01 10:00"),
                                  ("--at", "tomorrow 10:00", "--minutes", "0"), ()])
def test_bad_input_is_one_line_and_exit_2(run_cli: Run, lost_today: str, db_path: Path,
                                          args: tuple[str, ...]) -> None:
    result = run_cli("schedule", lost_today, *args)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert Store.open(db_path).get(lost_today).schedule is None


def test_unknown_id_is_not_found(run_cli: Run) -> None:
    for command in (("schedule", "zzzzzz", "--at", "tomorrow 10:00"), ("invite", "zzzzzz"), ("ics", "zzzzzz")):
        result = run_cli(*command)
        assert result.returncode == 1
        assert "zzzzzz" in result.stderr


def test_invite_names_the_contact_and_says_when_it_only_suggests(run_cli: Run, lost_today: str) -> None:
    result = run_cli("invite", lost_today)
    assert result.returncode == 0
    assert "Hi Jane," in result.stdout and "Salesforce" in result.stdout
    assert "not booked" in result.stderr or "no call booked" in result.stderr
    assert "suggested" in result.stderr

    run_cli("schedule", lost_today, "--at", "in 10 days 14:00")
    booked = run_cli("invite", lost_today)
    assert booked.returncode == 0 and booked.stderr == ""
    assert "Hi Jane," in booked.stdout and "at 14:00" in booked.stdout


def test_ics_is_one_event_with_start_and_end(run_cli: Run, lost_today: str) -> None:
    missing = run_cli("ics", lost_today)
    assert missing.returncode == 1
    assert "no call booked" in missing.stderr and "debrief schedule" in missing.stderr

    run_cli("schedule", lost_today, "--at", "in 9 days 11:00", "--minutes", "20")
    result = run_cli("ics", lost_today)
    assert result.returncode == 0, result.stderr
    calendar = Calendar.from_ical(result.stdout)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    start, end = events[0].decoded("DTSTART"), events[0].decoded("DTEND")
    assert end - start == timedelta(minutes=20)
    assert "Hi Jane," in str(events[0]["DESCRIPTION"])
    assert str(events[0]["ATTENDEE"]) == "mailto:jane@acme.example"
    again = Calendar.from_ical(run_cli("ics", lost_today).stdout).walk("VEVENT")[0]
    assert str(again["UID"]) == str(events[0]["UID"])  # stable: calendars update, not duplicate


def test_ics_and_invite_are_in_the_set_time_zone(run_cli: Run, lost_today: str) -> None:
    assert run_cli("config", "time-zone", "Europe/Paris").stdout.strip() == "time-zone = Europe/Paris"
    assert run_cli("schedule", lost_today, "--at", "in 9 days 11:00").returncode == 0
    calendar = Calendar.from_ical(run_cli("ics", lost_today, env={"TZ": "Asia/Tokyo"}).stdout)
    event = calendar.walk("VEVENT")[0]
    assert event["DTSTART"].params["TZID"] == "Europe/Paris"
    assert event.decoded("DTSTART").hour == 11
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    assert "at 11:00 (Europe/Paris) work for a short call?" in run_cli("invite", lost_today).stdout


def test_without_a_setting_the_zone_is_the_systems(run_cli: Run, lost_today: str) -> None:
    new_york = {"TZ": "America/New_York"}
    assert run_cli("schedule", lost_today, "--at", "in 9 days 11:00", env=new_york).returncode == 0
    calendar = Calendar.from_ical(run_cli("ics", lost_today, env=new_york).stdout)
    assert calendar.walk("VEVENT")[0]["DTSTART"].params["TZID"] == "America/New_York"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["America/New_York"]
    assert "(America/New_York) work for a short call?" in run_cli("invite", lost_today, env=new_york).stdout


def test_a_bad_time_zone_is_one_line_and_exit_2(run_cli: Run) -> None:
    for bad in ("Mars/Olympus", "../etc/passwd"):
        result = run_cli("config", "time-zone", bad)
        assert result.returncode == 2
        assert len(result.stderr.strip().splitlines()) == 1 and "not a time zone" in result.stderr
    assert run_cli("config", "time-zone").stdout.strip() == ""


def test_config_lists_every_setting_with_what_empty_means(run_cli: Run) -> None:
    from debrief.core.settings import SETTINGS_TABLE

    listed = run_cli("config").stdout.splitlines()
    names = [line.split(" = ")[0] for line in listed if not line.startswith(" ")]
    assert names == [info.name for info in SETTINGS_TABLE]
    assert {"rep-name", "theme", "exports", "cool-off-days", "talk-target", "time-zone",
            "timer-autostart", "keymap"} <= set(names)
    helps = [line for line in listed if line.startswith("    ")]
    assert len(helps) == len(names) and all(" Empty: " in line for line in helps)
    assert "rep-name = (not set: invitations end unsigned)" in listed
    assert "timer-autostart = on" in listed


def test_config_sets_each_kind_of_setting_and_refuses_bad_values_in_one_line(run_cli: Run) -> None:
    assert run_cli("config", "timer-autostart", "off").stdout == "timer-autostart = off\n"
    assert run_cli("config", "timer-autostart").stdout == "off\n"
    assert run_cli("config", "theme", "nord").stdout == "theme = nord\n"
    assert run_cli("config", "keymap", "call.next=f9 home.new=ctrl+n").stdout == \
        "keymap = call.next=f9 home.new=ctrl+n\n"
    assert run_cli("config", "keymap.call.next").stdout == "f9\n"
    assert run_cli("config", "cool-off-days", "").stdout == "cool-off-days = 2\n"  # empty: the default
    for args, reason in ((("theme", "neon"), "no theme 'neon'"), (("timer-autostart", "maybe"), "on or off"),
                         (("keymap", "call.next"), "not ID=KEYS"), (("cool-off-days", "-3"), "0 or more days"),
                         (("rep-name", "x" * 500), "too long")):
        bad = run_cli("config", *args)
        assert bad.returncode == 2 and reason in bad.stderr and len(bad.stderr.splitlines()) == 1, bad.stderr
    assert run_cli("config", "theme").stdout == "nord\n"  # a refused value changes nothing


def test_a_hostile_name_is_one_literal_line_in_the_invitation(run_cli: Run, lost_today: str) -> None:
    result = run_cli("config", "rep-name", "Acme [/b] Corp\x1b]0;owned\x07\n[@click=app.quit]")
    assert result.stdout == "rep-name = Acme [/b] Corp [@click=app.quit]\n"
    assert run_cli("schedule", lost_today, "--at", "in 9 days 11:00").returncode == 0
    text = run_cli("invite", lost_today).stdout
    assert text.endswith("Thank you,\nAcme [/b] Corp [@click=app.quit]\n") and "\x1b" not in text
