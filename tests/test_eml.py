"""The invitation as an email draft: parsed back with the standard library, the calendar request
with icalendar, and the .ics imported by a real calendar client (calcurse)."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest
from icalendar import Calendar

from debrief.core.model import Contact, Debrief
from debrief.core.schedule import book
from debrief.core.store import Store

CALL = datetime(2026, 12, 10, 10, 0)
SENDER = "Sam Rep <sam@vendor.example>"


def booked(store: Store, **contact: str) -> Debrief:
    debrief = Debrief(company="Acme [b]Corp[/b]", contact=Contact(**{"name": "Jane Doe", **contact}),
                      lost_on=datetime(2026, 11, 20).date())
    book(debrief, CALL, 20)
    return store.add(debrief)


def read_eml(path: Path) -> EmailMessage:
    with path.open("rb") as handle:
        message = BytesParser(policy=policy.default).parse(handle)
    assert isinstance(message, EmailMessage)
    return message


def calendar_part(message: EmailMessage) -> tuple[EmailMessage, Calendar]:
    parts = [part for part in message.walk() if part.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    part = parts[0]
    assert isinstance(part, EmailMessage)
    return part, Calendar.from_ical(part.get_content())


def test_the_draft_parses_back_with_a_calendar_request(run_cli, store: Store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert run_cli("config", "time-zone", "Europe/Paris").returncode == 0
    assert run_cli("config", "rep-name", "Sam Rep").returncode == 0
    debrief = booked(store, email="jane.doe@acme.example", role="CTO")
    out = tmp_path / "invite.eml"
    result = run_cli("invite", debrief.id, "--eml", str(out), "--sender", SENDER)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"email draft written to {out}"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    raw = out.read_bytes()
    assert raw.count(b"\n") == raw.count(b"\r\n")  # CRLF throughout, as mail programs write
    message = read_eml(out)
    assert str(message["To"]) == "Jane Doe <jane.doe@acme.example>"
    assert str(message["From"]) == SENDER
    assert str(message["Subject"]) == "20 minutes to learn from your decision?"
    assert message["X-Unsent"] == "1"
    assert message["Date"].datetime is not None and message["Message-ID"].endswith("@debrief.invalid>")
    assert message.get_content_type() == "multipart/mixed"
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    text = body.get_content()
    assert text.startswith("Hi Jane,") and "Subject:" not in text
    assert "Acme [b]Corp[/b]" in text and "Thursday 10 December 2026 at 10:00 (Europe/Paris)" in text
    part, calendar = calendar_part(message)
    assert part.get_param("method") == "REQUEST" and part.get_content_charset() == "utf-8"
    assert str(calendar["method"]) == "REQUEST"
    event = calendar.walk("VEVENT")[0]
    assert event["dtstart"].dt == CALL.replace(tzinfo=event["dtstart"].dt.tzinfo)
    assert event["dtstart"].params["TZID"] == "Europe/Paris"
    assert calendar.walk("VTIMEZONE")[0]["tzid"] == "Europe/Paris"
    assert str(event["organizer"]) == "mailto:sam@vendor.example"
    assert event["organizer"].params["CN"] == "Sam Rep"
    assert str(event["attendee"]) == "mailto:jane.doe@acme.example"
    assert event["attendee"].params["RSVP"] == "TRUE"
    assert "Hi Jane," in str(event["description"])
    attachments = list(message.iter_attachments())
    assert [item.get_filename() for item in attachments] == ["invite.ics"]
    assert Calendar.from_ical(attachments[0].get_content())["method"] == "REQUEST"
    # Written out: the app keeps that copy as the invitation sent.
    stored = store.get(debrief.id)
    assert stored.schedule is not None and stored.schedule.sent_at is not None


def test_the_ics_is_imported_by_calcurse_in_the_reps_zone(run_cli, store: Store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    calcurse = shutil.which("calcurse")
    assert calcurse is not None, "calcurse is installed by .ci/run"
    assert run_cli("config", "time-zone", "Europe/Paris").returncode == 0
    debrief = booked(store, email="jane.doe@acme.example")
    out = tmp_path / "invite.eml"
    assert run_cli("invite", debrief.id, "--eml", str(out), "--sender", SENDER).returncode == 0
    _, calendar = calendar_part(read_eml(out))
    ics = tmp_path / "invite.ics"
    ics.write_bytes(calendar.to_ical())

    def agenda(zone: str) -> str:
        folder = tmp_path / f"calcurse-{zone.replace('/', '-')}"
        folder.mkdir()
        env = {**os.environ, "TZ": zone, "HOME": str(tmp_path / "home")}
        imported = subprocess.run([calcurse, "-D", str(folder), "-i", str(ics)], capture_output=True,
                                  text=True, env=env, timeout=30)
        assert imported.returncode == 0, imported.stderr
        assert "1 app" in imported.stdout
        shown = subprocess.run([calcurse, "-D", str(folder), "--input-datefmt", "4", "-Q",
                                "--from", "2026-12-10", "--days", "1"], capture_output=True, text=True,
                               env=env, timeout=30)
        assert shown.returncode == 0, shown.stderr
        return shown.stdout

    paris = agenda("Europe/Paris")
    assert "10:00 -> 10:20" in paris and "Debrief call: Acme [b]Corp[/b] (Jane Doe)" in paris
    # A calendar elsewhere shows the same moment on its own clock: the TZID was honoured.
    assert "09:00 -> 09:20" in agenda("UTC")


def test_no_email_still_writes_a_draft_without_to(run_cli, store: Store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    debrief = booked(store)
    out = tmp_path / "draft.eml"
    result = run_cli("invite", debrief.id, "--eml", str(out))
    assert result.returncode == 0, result.stderr
    assert "no email address for Jane Doe: the draft has no To" in result.stderr
    assert "no sender address" in result.stderr
    message = read_eml(out)
    assert message["To"] is None and message["From"] is None and message["X-Unsent"] == "1"
    _, calendar = calendar_part(message)
    event = calendar.walk("VEVENT")[0]
    assert "attendee" not in event and "organizer" not in event


def test_an_existing_file_is_never_overwritten_and_bad_input_is_one_line(run_cli, store: Store,  # type: ignore[no-untyped-def]
                                                                        tmp_path: Path) -> None:
    debrief = booked(store, email="jane@acme.example")
    out = tmp_path / "taken.eml"
    out.write_text("mine", encoding="utf-8")
    taken = run_cli("invite", debrief.id, "--eml", str(out))
    assert taken.returncode == 2 and "exists already" in taken.stderr
    assert out.read_text(encoding="utf-8") == "mine"
    link = tmp_path / "link.eml"
    link.symlink_to(tmp_path / "elsewhere.eml")
    assert run_cli("invite", debrief.id, "--eml", str(link)).returncode == 2
    assert not (tmp_path / "elsewhere.eml").exists()
    no_folder = run_cli("invite", debrief.id, "--eml", str(tmp_path / "nope" / "x.eml"))
    assert no_folder.returncode == 2 and "does not exist" in no_folder.stderr
    bad_sender = run_cli("invite", debrief.id, "--eml", str(tmp_path / "y.eml"), "--sender", "not an address")
    assert bad_sender.returncode == 2 and "--sender: not an email address" in bad_sender.stderr
    for result in (taken, no_folder, bad_sender):
        assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_unbooked_debrief_drafts_the_suggested_slot_without_booking(run_cli, store: Store,  # type: ignore[no-untyped-def]
                                                                    tmp_path: Path) -> None:
    debrief = store.add(Debrief(company="Globex", contact=Contact(name="Hank Scorpio", email="hank@globex.example")))
    out = tmp_path / "suggested.eml"
    result = run_cli("invite", debrief.id, "--eml", str(out))
    assert result.returncode == 0, result.stderr
    assert "no call booked yet; this proposes the suggested slot" in result.stderr
    _, calendar = calendar_part(read_eml(out))
    assert calendar.walk("VEVENT")[0]["dtstart"].dt > datetime.now().astimezone()
    assert store.get(debrief.id).schedule is None  # nothing was booked


@pytest.mark.parametrize("name", ['Eve "the" Hacker, <evil@x> [b]\u202e', "Zoë Ünïcode-Łukasz"])
def test_hostile_and_unicode_names_survive_the_headers(run_cli, store: Store, tmp_path: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    debrief = booked(store, name=name, email="eve@example.com")
    out = tmp_path / "hostile.eml"
    assert run_cli("invite", debrief.id, "--eml", str(out)).returncode == 0
    message = read_eml(out)
    assert message["To"].addresses[0].addr_spec == "eve@example.com"
    assert message["To"].addresses[0].display_name == store.get(debrief.id).contact.name
    assert b"\x1b" not in out.read_bytes()


async def test_the_schedule_screen_key_saves_the_draft_in_the_exports_folder(store: Store, make_app) -> None:  # type: ignore[no-untyped-def]
    from textual.widgets import Input, Static

    from debrief import locations
    from debrief.core.schedule import file_stem
    from debrief.screens.schedule import ScheduleScreen
    from tests.pilot_helpers import settle

    item = store.add(Debrief(company="Acme Corp", contact=Contact(name="Jane Doe", email="jane@acme.example"),
                             lost_on=datetime(2026, 11, 20).date()))
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        app.open_schedule(item.id)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ScheduleScreen)
        screen.query_one("#when", Input).value = "2026-12-02 14:30"
        await pilot.pause()
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert "Saved the email draft" in str(screen.query_one("#schedule-status", Static).render())
    path = locations.default_exports_dir() / f"{file_stem(item)}.eml"
    message = read_eml(path)
    assert str(message["To"]) == "Jane Doe <jane@acme.example>" and message["X-Unsent"] == "1"
    _, calendar = calendar_part(message)
    start = calendar.walk("VEVENT")[0].decoded("DTSTART")
    assert start.replace(tzinfo=None) == datetime(2026, 12, 2, 14, 30)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert store.get(item.id).schedule is None  # a draft of the time on screen books nothing
