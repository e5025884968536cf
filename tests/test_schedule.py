"""Booking the call: cool-off rules, the suggested slot, the invitation, the .ics, the screen."""

from __future__ import annotations

import stat
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar
from textual.widgets import Input, Static, TextArea

from debrief import locations
from debrief.app import DebriefApp
from debrief.core.model import Contact, Debrief, Status
from debrief.core.schedule import (
    book,
    calendar_event,
    check_slot,
    event_uid,
    file_stem,
    render_invitation,
    save_invitation_files,
    suggest_slot,
    window_verdict,
)
from debrief.core.settings import Settings
from debrief.core.store import Store
from debrief.screens.home import HomeScreen
from debrief.screens.schedule import ScheduleScreen
from tests.conftest import TODAY
from tests.pilot_helpers import settle

SETTINGS = Settings(rep_name="Sam Seller")
LOST = date(2026, 11, 20)  # a Friday




@pytest.fixture(autouse=True)
def home_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home of the test's own: booking must write nothing there (files go to the exports folder)."""
    home = tmp_path / "home"
    (home / "Downloads").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    return home


def deal(**changes: object) -> Debrief:
    item = Debrief(company="Acme Corp", contact=Contact(name="Jane Doe", role="CFO", email="jane@acme.example"),
                   lost_on=LOST, lost_to="Salesforce")
    for key, value in changes.items():
        setattr(item, key, value)
    return item


# -- rules ---------------------------------------------------------------------------------------


def test_too_soon_warns_in_practice_words() -> None:
    notes = check_slot(LOST, datetime(2026, 11, 20, 15, 0), datetime(2026, 11, 20, 9, 0), SETTINGS)
    [note] = [n for n in notes if n.code == "too-soon"]
    assert note.level == "warning"
    assert "too soon — don't ask in the same conversation as the rejection" in note.message


def test_too_late_warns_that_reasons_fade() -> None:
    notes = check_slot(LOST, datetime(2027, 1, 5, 10, 0), datetime(2026, 11, 21, 9, 0), SETTINGS)
    assert [n.code for n in notes] == ["too-late"]
    assert "fade" in notes[0].message


def test_a_good_slot_has_nothing_to_say_and_a_bad_one_says_why() -> None:
    now = datetime(2026, 11, 21, 9, 0)
    assert check_slot(LOST, datetime(2026, 12, 1, 10, 0), now, SETTINGS) == []
    codes = {n.code: n.level for n in check_slot(LOST, datetime(2026, 12, 5, 20, 0), now, SETTINGS)}
    assert codes == {"weekend": "note"}
    assert check_slot(LOST, datetime(2026, 11, 19, 10, 0), now, SETTINGS)[0].level == "error"
    assert "after-hours" in {n.code for n in check_slot(LOST, datetime(2026, 12, 1, 19, 0), now, SETTINGS)}


@pytest.mark.parametrize(("days", "tick", "codes"), [(1, False, ["too-soon"]), (4, False, ["early"]),
                                                     (10, True, []), (40, False, ["too-late"])])
def test_the_tick_and_the_words_agree_with_the_window(days: int, tick: bool, codes: list[str]) -> None:
    at = datetime.combine(LOST + timedelta(days=days), time(10, 0))
    notes = [n for n in check_slot(LOST, at, datetime(2026, 11, 20, 9, 0), SETTINGS) if n.code != "weekend"]
    assert [n.code for n in notes] == codes
    verdict = window_verdict(LOST, at, SETTINGS)
    assert (verdict is not None) is tick
    if verdict is not None:
        assert verdict.startswith(f"{days} days after the loss") and "best 7-21 days" in verdict
    else:
        assert f"{days} day" in notes[0].message or "at least 2 days" in notes[0].message


@pytest.mark.parametrize("now", [datetime(2026, 11, 20, 16, 0), datetime(2026, 11, 27, 11, 30),
                                 datetime(2026, 11, 28, 9, 0), datetime(2027, 3, 1, 8, 0)])
def test_the_suggested_slot_is_a_weekday_in_business_hours_ahead_of_now(now: datetime) -> None:
    slot = suggest_slot(LOST, now, SETTINGS)
    assert slot.weekday() < 5 and 9 <= slot.hour < 17 and slot > now
    low, high = SETTINGS.suggest_after_days
    if now.date() <= LOST + timedelta(days=low):
        assert low <= (slot.date() - LOST).days <= high
    assert not [n for n in check_slot(LOST, slot, now, SETTINGS) if n.code in ("too-soon", "past")]


def test_the_invitation_accepts_the_decision_and_asks_for_the_chosen_minutes() -> None:
    text = render_invitation(deal(), datetime(2026, 12, 1, 10, 0), 15, SETTINGS)
    assert "Hi Jane," in text
    assert "decision to go with Salesforce" in text
    assert "not writing to change your mind" in text
    assert "15 minutes" in text and "20 minutes" not in text
    assert "Tuesday 1 December 2026 at 10:00" in text
    assert text.rstrip().endswith("Sam Seller")


def test_the_invitation_names_the_zone_of_the_slot() -> None:
    settings = Settings(rep_name="Sam Seller", time_zone="Europe/Paris")
    text = render_invitation(deal(), datetime(2026, 11, 24, 10, 0), 20, settings)
    assert "Would Tuesday 24 November 2026 at 10:00 (Europe/Paris) work for a short call?" in text


def test_the_invitation_is_one_line_per_paragraph_for_the_email_client_to_wrap() -> None:
    text = render_invitation(deal(), datetime(2026, 12, 1, 10, 0), 20, SETTINGS)
    paragraphs = text.strip().split("\n\n")
    body = [p for p in paragraphs if not p.startswith(("Subject:", "Hi ", "Thank you,\n"))]
    assert len(body) == 4 and all("\n" not in p for p in body), paragraphs
    assert body[0].startswith("Thank you for letting me know about your decision to go with Salesforce. I accept")


def test_a_users_own_template_wins_and_a_broken_one_is_a_clear_error(isolated_folders: Path) -> None:
    from debrief.locations import data_dir

    data_dir().mkdir(parents=True)
    (data_dir() / "invitation.md.j2").write_text("Dear {{ contact.name }}, {{ minutes }} min on {{ day }}?")
    assert render_invitation(deal(), datetime(2026, 12, 1, 10, 0), 20, SETTINGS) == \
        "Dear Jane Doe, 20 min on Tuesday 1 December?\n"
    (data_dir() / "invitation.md.j2").write_text("{{ secrets }}")
    with pytest.raises(ValueError, match="secrets"):
        render_invitation(deal(), datetime(2026, 12, 1, 10, 0), 20, SETTINGS)


def test_booking_records_the_call_and_moves_the_status_forward() -> None:
    item = deal()
    book(item, datetime(2026, 12, 1, 10, 0, 42), 20)
    assert item.schedule is not None and item.schedule.at == datetime(2026, 12, 1, 10, 0)
    assert item.status == Status.SCHEDULED
    later = deal(status=Status.HELD)
    book(later, datetime(2026, 12, 1, 10, 0), 20)
    assert later.status == Status.HELD  # rebooking never moves progress back


def test_the_calendar_event_is_one_vevent_with_start_end_and_the_invitation() -> None:
    item = deal()
    book(item, datetime(2026, 12, 1, 10, 0), 20)
    calendar = Calendar.from_ical(calendar_event(item, invitation="Hi Jane,\nthank you; 20 minutes?"))
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    event = events[0]
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert end - start == timedelta(minutes=20)
    assert start.astimezone().replace(tzinfo=None) == datetime(2026, 12, 1, 10, 0)
    assert str(event["UID"]) == event_uid(item)
    assert "DTSTAMP" in event
    assert str(event["DESCRIPTION"]) == "Hi Jane,\nthank you; 20 minutes?"
    assert str(event["ATTENDEE"]) == "mailto:jane@acme.example"
    assert "Acme Corp" in str(event["SUMMARY"])
    rebooked = item.model_copy(deep=True)
    book(rebooked, datetime(2026, 12, 2, 11, 0), 15)
    assert str(Calendar.from_ical(calendar_event(rebooked)).walk("VEVENT")[0]["UID"]) == event_uid(item)


def test_the_calendar_event_carries_the_reps_zone_whatever_zone_the_process_has(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    item = deal()
    book(item, datetime(2026, 11, 24, 10, 0), 20)
    calendar = Calendar.from_ical(calendar_event(item, zone="Europe/Paris"))
    event = calendar.walk("VEVENT")[0]
    assert event["DTSTART"].params["TZID"] == "Europe/Paris"
    assert event["DTEND"].params["TZID"] == "Europe/Paris"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    start = event.decoded("DTSTART")
    assert start.replace(tzinfo=None) == datetime(2026, 11, 24, 10, 0)
    assert start.utcoffset() == timedelta(hours=1)


def test_no_email_means_no_attendee_and_no_booking_means_no_event() -> None:
    item = deal(contact=Contact(name="Jane Doe"))
    with pytest.raises(ValueError, match="no call booked"):
        calendar_event(item)
    book(item, datetime(2026, 12, 1, 10, 0), 20)
    assert "ATTENDEE" not in Calendar.from_ical(calendar_event(item)).walk("VEVENT")[0]


def test_files_are_private_and_named_for_the_deal(tmp_path: Path) -> None:
    item = deal(company="Ümlaut & Söhne GmbH")
    book(item, datetime(2026, 12, 1, 10, 0), 20)
    paths = save_invitation_files(item, "Hi", tmp_path)
    assert [p.name for p in paths] == [f"{file_stem(item)}-invitation.txt", f"{file_stem(item)}.ics"]
    assert file_stem(item).startswith("debrief-umlaut-sohne-gmbh-")
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in paths)
    assert paths[0].read_text() == "Hi"


# -- the screen ------------------------------------------------------------------------------------




def screen_of(app: DebriefApp) -> ScheduleScreen:
    screen = app.screen
    assert isinstance(screen, ScheduleScreen)
    return screen


async def test_booking_from_the_screen_saves_schedule_files_and_status(
        store: Store, make_app: Callable[..., DebriefApp], home_folder: Path) -> None:
    item = store.add(deal())
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await pilot.pause()
        screen = screen_of(app)
        suggested = suggest_slot(LOST, datetime.combine(TODAY, time(8, 0)), app.settings)
        assert screen.query_one("#when", Input).value == suggested.strftime("%Y-%m-%d %H:%M")
        assert screen.query_one("#minutes", Input).value == "20"
        invitation = screen.query_one("#invitation", TextArea).text
        assert "Hi Jane," in invitation and "20 minutes" in invitation
        screen.query_one("#minutes", Input).value = "15"
        await pilot.pause()
        assert "15 minutes" in screen.query_one("#invitation", TextArea).text
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)

    stored = store.get(item.id)
    assert stored.status == Status.SCHEDULED
    assert stored.schedule is not None
    assert stored.schedule.at == suggested and stored.schedule.minutes == 15
    # Not sent yet: no copy is kept, the invitation renders from the template when shown.
    assert stored.schedule.invitation == "" and stored.schedule.sent_at is None
    # Booking writes nothing outside the database: the files wait until the rep asks for them.
    assert list((home_folder / "Downloads").iterdir()) == []
    assert not locations.default_exports_dir().exists()


async def test_the_cool_off_warning_shows_as_the_rep_types(store: Store, make_app: Callable[..., DebriefApp]) -> None:
    item = store.add(deal(lost_on=TODAY))
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        app.open_schedule(item.id)
        await pilot.pause()
        screen = screen_of(app)
        screen.query_one("#when", Input).value = "today 15:00"
        await pilot.pause()
        notes = str(screen.query_one("#schedule-notes", Static).render())
        assert "too soon — don't ask in the same conversation as the rejection" in notes
        assert screen.query_one("#schedule-notes").has_class("-warning")
        screen.query_one("#when", Input).value = "in 4 days 10:00"
        await pilot.pause()
        notes = str(screen.query_one("#schedule-notes", Static).render())
        assert "too soon" not in notes and "✓" not in notes
        assert "4 days after the loss: past the cool-off, but 7-21 days is best" in notes
        screen.query_one("#when", Input).value = "in 2 weeks 10:00"
        await pilot.pause()
        notes = str(screen.query_one("#schedule-notes", Static).render())
        assert "too soon" not in notes
        assert "✓ 14 days after the loss" in notes
        screen.query_one("#when", Input).value = "whenever suits"
        await pilot.pause()
        assert screen.check_action("save", ()) is None
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ScheduleScreen)
        await pilot.press("ctrl+g")  # back to the suggestion
        await pilot.pause()
        assert screen.check_action("save", ()) is True
    assert store.get(item.id).schedule is None


async def test_save_files_writes_what_is_on_screen_without_booking(
        store: Store, make_app: Callable[..., DebriefApp], home_folder: Path) -> None:
    item = store.add(deal())
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        app.open_schedule(item.id)
        await pilot.pause()
        screen_of(app).query_one("#when", Input).value = "2026-12-02 14:30"
        await pilot.pause()
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert "Saved" in str(app.screen.query_one("#schedule-status", Static).render())
    ics = (locations.default_exports_dir() / f"{file_stem(item)}.ics").read_bytes()
    start = Calendar.from_ical(ics).walk("VEVENT")[0].decoded("DTSTART")
    assert start.astimezone().replace(tzinfo=None) == datetime(2026, 12, 2, 14, 30)
    assert store.get(item.id).schedule is None


async def test_hints_stay_visible_after_the_other_forms_were_opened(
        store: Store, make_app: Callable[..., DebriefApp]) -> None:
    """Every screen's stylesheet is global: the log-loss and wrap-up forms' rules must not hide these hints."""
    item = store.add(deal())
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        for open_form in (app.open_log_loss, lambda: app.open_wrapup(item.id)):
            open_form()
            await settle(pilot)
            await pilot.press("escape")
            await settle(pilot)
        app.open_schedule(item.id)
        await settle(pilot)
        screen = screen_of(app)
        screen.query_one("#when", Input).value = "whenever suits"
        await pilot.pause()
        hint = screen.query_one("#when-hint", Static)
        assert "Not a date and time: 'whenever suits'" in str(hint.render())
        minutes_hint = screen.query_one("#minutes-hint", Static)
        for shown in (hint, minutes_hint):  # on screen, not hidden or clipped
            assert shown.display and screen.get_widget_at(shown.region.x, shown.region.y)[0] is shown


async def test_the_preview_wraps_each_paragraph_to_its_width(store: Store, make_app: Callable[..., DebriefApp]) -> None:
    item = store.add(deal())
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_schedule(item.id)
        await pilot.pause()
        area = screen_of(app).query_one("#invitation", TextArea)
        assert area.soft_wrap
        lines = area.text.splitlines()
        assert max(len(line) for line in lines) > area.content_size.width  # a paragraph is one line
        assert area.wrapped_document.height > len(lines)
        width = area.content_size.width
        assert all(len(line) <= width for line in area.wrapped_document.lines)


async def test_files_saved_before_booking_that_slot_are_the_invitation_sent(
        store: Store, make_app: Callable[..., DebriefApp]) -> None:
    from debrief.core.schedule import invitation_text

    sent, moved = store.add(deal()), store.add(deal(company="Globex"))
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        for item, later in ((sent, None), (moved, "2026-12-03 11:00")):
            app.open_schedule(item.id)
            await settle(pilot)
            screen = screen_of(app)
            screen.query_one("#when", Input).value = "2026-12-02 14:30"
            await pilot.pause()
            await pilot.press("ctrl+e")
            await settle(pilot)
            if later is not None:  # a different slot booked after the files: a new invitation
                screen.query_one("#when", Input).value = later
                await pilot.pause()
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)
    files = sorted(locations.default_exports_dir().glob(f"{file_stem(store.get(sent.id))}-invitation*.txt"))
    kept = store.get(sent.id)
    assert kept.schedule is not None and kept.schedule.sent_at is not None
    assert kept.schedule.invitation == files[0].read_text()
    assert invitation_text(kept, Settings(rep_name="Someone Else")) == files[0].read_text()
    other = store.get(moved.id)
    assert other.schedule is not None and other.schedule.sent_at is None and other.schedule.invitation == ""
    assert invitation_text(other, Settings(rep_name="Someone Else")).endswith("Thank you,\nSomeone Else\n")
