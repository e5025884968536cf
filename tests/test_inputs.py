"""The forms and the command line read the same input the same way: one parser per kind, in the core.

For each input the real ``debrief new`` / ``debrief schedule`` runs, and the same text goes into
the app's form; both must accept or refuse it, store the same value, and refuse with the same words
(the command line puts the option's name first, the form starts the sentence with a capital).
One app run per field, however many inputs.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Select, Static

from debrief.app import create_app
from debrief.core.dates import Tense, parse_date
from debrief.core.inputs import format_money, parse_money, parse_stage
from debrief.core.model import Contact, Debrief
from debrief.core.store import Store
from debrief.screens.log_loss import OTHER, LogLossScreen
from debrief.screens.schedule import ScheduleScreen
from debrief.widgets.date_input import DateField, DateInput
from debrief.widgets.wrapup_rows import ActionItemRow, FollowUpRow
from tests.pilot_helpers import settle

Run = Callable[..., subprocess.CompletedProcess[str]]
REFUSED = object()
"""Expected outcome: refused by both."""

FORM_CASES: dict[str, list[tuple[str, Any]]] = {
    "value": [("48k", 48_000.0), ("$48,000", 48_000.0), ("48,000", 48_000.0), ("48000.50", 48_000.5),
              ("1.2m", 1_200_000.0), ("€ 12 500", 12_500.0), ("48.000,50", 48_000.5), ("2bn", 2e9),
              ("48.000", REFUSED), ("-5", REFUSED), ("(5,000)", REFUSED), ("lots", REFUSED),
              ("nan", REFUSED), ("1e5", REFUSED), ("9" * 30, REFUSED), ("5,000,00", REFUSED)],
    "email": [("jane@acme.example", "jane@acme.example"), ("  j.doe+crm@mail.acme.co.uk ", "j.doe+crm@mail.acme.co.uk"),
              ("jane-at-acme", REFUSED), ("jane@acme", REFUSED), ("jane doe@acme.com", REFUSED),
              ("@acme.com", REFUSED), ("x" * 330 + "@a.io", REFUSED)],
    "stage": [("proposal", "proposal"), ("Security-Review", "security review"), ("  FINAL   two ", "final two"),
              ("Pilot", "Pilot"), ("procurement hold", "procurement hold"), ("x" * 101, REFUSED)],
    "lost-on": [("today", 0), ("yesterday", 1), ("3 days ago", 3), ("2 weeks ago", 14), ("last friday", None),
                ("monday", None), ("2 November", None), ("tomorrow", REFUSED), ("in 3 days", REFUSED),
                ("0001-01-01", REFUSED), ("9999-12-31", REFUSED), ("in 99999999999 weeks", REFUSED),
                ("someday", REFUSED), ("11/02/2026", REFUSED), ("2026-02-30", REFUSED)],
}
"""Per field of the log-loss form (and option of ``debrief new``): text and what is stored.

For ``lost-on`` a number is "that many days ago" and None "whatever the other side stored".
"""

SCHEDULE_CASES: list[tuple[str, bool]] = [
    ("tomorrow at 10:00", True), ("in 2 weeks at 10:00", True), ("next tuesday at 9am", True),
    ("monday 14:00", True), ("in 3 days 2:30pm", True), ("noon friday", True),
    ("yesterday 10:00", False), ("2 days ago at 9am", False), ("tomorrow", False), ("soon", False),
    ("tomorrow 25:00", False), ("0001-01-01 10:00", False), ("in 99999999999 weeks at 10:00", False),
]


def _stored(store: Store, debrief_id: str, field: str) -> Any:
    debrief = store.get(debrief_id)
    return {"value": debrief.value, "email": debrief.contact.email, "stage": debrief.stage,
            "lost-on": debrief.lost_on}[field]


def _cli_new(run_cli: Run, field: str, text: str) -> subprocess.CompletedProcess[str]:
    return run_cli("new", "--company", "Acme Corp", "--contact", "Jane Doe", f"--{field}", text)


def _expected(field: str, expected: Any) -> Any:
    if field == "lost-on" and isinstance(expected, int):
        return date.today() - timedelta(days=expected)
    return expected


async def _open_form(app: Any, pilot: Any) -> LogLossScreen:
    app.open_log_loss()
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, LogLossScreen)
    screen.query_one("#company", Input).value = "Acme Corp"
    screen.query_one("#contact", Input).value = "Jane Doe"
    return screen


async def _try_form(screen: LogLossScreen, pilot: Any, field: str, text: str) -> tuple[str | None, str]:
    """Save the open form with ``text`` in ``field``: (the saved id or None, the error shown)."""
    if field == "stage":
        screen.query_one("#stage", Select).value = OTHER
        await pilot.pause()
        screen.query_one("#stage-other", Input).value = text
    else:
        screen.query_one(f"#{field}", Input).value = text
    await pilot.pause()
    screen.action_save()
    await settle(pilot)
    if screen.saved_id is not None:
        return screen.saved_id, ""
    error_widget = screen.query_one(f"#{field}-error", Static)
    return None, str(error_widget.render()) if error_widget.has_class("-shown") else ""


@pytest.mark.parametrize("field", list(FORM_CASES))
async def test_the_form_and_debrief_new_accept_and_refuse_the_same(
        field: str, run_cli: Run, store: Store, tmp_path: Path) -> None:
    # Refusals first: a refused form stays open, so they all share one; each save reopens it.
    cases = sorted(FORM_CASES[field], key=lambda case: case[1] is not REFUSED)
    with ThreadPoolExecutor(max_workers=3) as pool:
        pending = [pool.submit(_cli_new, run_cli, field, text) for text, _ in cases]
        app = create_app(store, settings_path=tmp_path / "settings.json", today=date.today())
        async with app.run_test(size=(100, 40)) as pilot:
            await settle(pilot)
            screen = await _open_form(app, pilot)
            for (text, expected), future in zip(cases, pending, strict=True):
                saved_id, form_error = await _try_form(screen, pilot, field, text)
                cli = future.result()
                if expected is REFUSED:
                    assert cli.returncode == 2, (text, cli.stdout)
                    assert saved_id is None, text
                    reason = cli.stderr.removeprefix(f"debrief: --{field}: ").rstrip("\n")
                    assert cli.stderr.count("\n") == 1 and reason != cli.stderr, cli.stderr
                    assert form_error == reason[:1].upper() + reason[1:], (text, form_error, reason)
                    continue
                assert cli.returncode == 0, (text, cli.stderr)
                assert saved_id is not None and form_error == "", (text, form_error)
                from_cli = _stored(store, cli.stdout.strip(), field)
                from_form = _stored(store, saved_id, field)
                assert from_cli == from_form, text
                if _expected(field, expected) is not None:
                    assert from_form == _expected(field, expected), text
                screen = await _open_form(app, pilot)
    assert len(store) == 2 * sum(1 for _, expected in cases if expected is not REFUSED)


async def test_the_schedule_screen_and_debrief_schedule_read_the_same_times(
        run_cli: Run, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    (home / "Downloads").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    lost = date.today() - timedelta(days=10)
    by_form = store.add(Debrief(company="Globex", contact=Contact(name="Hank Scorpio"), lost_on=lost))
    by_cli = [store.add(Debrief(company="Acme Corp", contact=Contact(name="Jane Doe"), lost_on=lost))
              for _ in SCHEDULE_CASES]

    app = create_app(store, settings_path=tmp_path / "settings.json")
    with ThreadPoolExecutor(max_workers=3) as pool:
        pending = [pool.submit(run_cli, "schedule", item.id, "--at", text)
                   for item, (text, _) in zip(by_cli, SCHEDULE_CASES, strict=True)]
        await _book_on_screen(app, store, by_form.id, by_cli, pending)


async def _book_on_screen(app: Any, store: Store, form_id: str, by_cli: list[Debrief], pending: list[Any]) -> None:
    """Type each case into the Schedule screen and compare with what ``debrief schedule`` did."""
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        for (text, accepted), item, future in zip(SCHEDULE_CASES, by_cli, pending, strict=True):
            cli = future.result()
            app.open_schedule(form_id)
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, ScheduleScreen)
            screen.query_one("#when", Input).value = text
            await pilot.pause()
            hint = str(screen.query_one("#when-hint", Static).render())
            if not accepted:
                assert cli.returncode == 2, (text, cli.stdout)
                assert screen.check_action("save", ()) is None, text
                reason = cli.stderr.removeprefix("debrief: --at: ").rstrip("\n")
                assert hint == reason[:1].upper() + reason[1:], (text, hint, reason)
                screen.action_back()
                await settle(pilot)
                continue
            assert cli.returncode == 0, (text, cli.stderr)
            assert screen.check_action("save", ()) is True, (text, hint)
            screen.action_save()
            await settle(pilot)
            cli_at, form_at = store.get(item.id).schedule, store.get(form_id).schedule
            assert cli_at is not None and form_at is not None
            assert cli_at.at == form_at.at, text


def test_money_reads_back_what_the_form_shows() -> None:
    for value in (0.0, 45_000.0, 48_000.5, 1_200_000.0, 999_999_999_999.99):
        assert parse_money(format_money(value)) == value


def test_a_known_stage_keeps_its_usual_spelling_and_the_reps_own_stays_theirs() -> None:
    assert parse_stage("NEGOTIATION") == "negotiation"
    assert parse_stage("security_review") == "security review"
    assert parse_stage("  Legal   review ") == "Legal review"
    with pytest.raises(ValueError, match="one line"):
        parse_stage("demo\nproposal")


async def test_the_wrap_up_dates_follow_their_fields_side_of_today(
        store: Store, make_app: Callable[..., Any]) -> None:
    from tests.conftest import TODAY
    from tests.test_wrapup import wrapped_debrief

    item = wrapped_debrief()
    store.put(item)
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        app.open_wrapup(item.id)
        await settle(pilot)
        screen = app.screen
        check_in = screen.query_one("#plan-check-in", DateField).input
        move_on = screen.query_one("#move-on", DateField).input
        overdue = next(row.due_input for row in screen.query(ActionItemRow)
                       if row.due_input.date_value == date(2026, 11, 20))
        follow_up = screen.query(FollowUpRow).first().date_input
        assert overdue.error is None  # a stored date shown again stays valid, overdue or not
        cases: list[tuple[DateInput, str, Tense, date | None]] = [
            (check_in, "in 3 months", Tense.FUTURE, date(2027, 2, 23)),
            (check_in, "yesterday", Tense.FUTURE, None),
            (check_in, "0001-01-01", Tense.FUTURE, None),
            (move_on, "in 3 months", Tense.FUTURE, date(2027, 2, 23)),
            (move_on, "last friday", Tense.FUTURE, None),
            (overdue, "in 2 weeks", Tense.FUTURE, date(2026, 12, 7)),
            (overdue, "monday", Tense.FUTURE, date(2026, 11, 30)),
            (overdue, "yesterday", Tense.FUTURE, None),
            (follow_up, "monday", Tense.PAST, date(2026, 11, 16)),
            (follow_up, "tomorrow", Tense.PAST, None),
            (follow_up, "in 99999999999 weeks", Tense.PAST, None),
        ]
        for widget, text, tense, expected in cases:
            before = widget.date_value
            widget.value = text
            await pilot.pause()
            if expected is None:
                with pytest.raises(ValueError) as refused:
                    parse_date(text, TODAY, tense=tense)
                assert widget.error == str(refused.value), text
                assert widget.date_value == before, text  # the last good date stays
            else:
                assert widget.error is None and widget.date_value == expected, text
        check_in.value = "in 3 months"
        await pilot.pause()
        screen.action_save()
        await settle(pilot)
    assert store.get(item.id).stay_in_touch.next_check_in == date(2027, 2, 23)
