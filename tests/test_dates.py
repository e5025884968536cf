"""The one date parser: every phrase a rep types, with its exact meaning on a fixed day.

Today is Monday 2026-11-23 (the ``TODAY`` every screen test is drawn on) and now is 09:15.
Each row names the field's side of today: ``past`` for a loss or follow-up date, ``future`` for
a call, check-in, move-on or due date, ``any`` where either is fine.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from debrief.core.dates import EARLIEST, LATEST, Tense, check_range, parse_date, parse_datetime
from tests.conftest import TODAY

NOW = datetime(2026, 11, 23, 9, 15)
P, F, A = Tense.PAST, Tense.FUTURE, Tense.ANY

DATES: list[tuple[str, Tense, date]] = [
    ("today", A, date(2026, 11, 23)),
    ("Today", P, date(2026, 11, 23)),
    ("today", F, date(2026, 11, 23)),
    ("yesterday", P, date(2026, 11, 22)),
    ("tomorrow", F, date(2026, 11, 24)),
    ("the day after tomorrow", F, date(2026, 11, 25)),
    ("day before yesterday", P, date(2026, 11, 21)),
    ("monday", P, date(2026, 11, 16)),  # a past field: the last Monday, not today
    ("monday", F, date(2026, 11, 30)),  # a future field: the next one
    ("Friday", P, date(2026, 11, 20)),
    ("friday", F, date(2026, 11, 27)),
    ("fri", A, date(2026, 11, 27)),
    ("on wednesday", F, date(2026, 11, 25)),
    ("last friday", A, date(2026, 11, 20)),
    ("last monday", A, date(2026, 11, 16)),
    ("next tuesday", A, date(2026, 11, 24)),  # the coming Tuesday
    ("next monday", A, date(2026, 11, 30)),
    ("this friday", A, date(2026, 11, 27)),
    ("this monday", A, date(2026, 11, 23)),
    ("3 days ago", P, date(2026, 11, 20)),
    ("2 weeks ago", P, date(2026, 11, 9)),
    ("a week ago", P, date(2026, 11, 16)),
    ("one month ago", P, date(2026, 10, 23)),
    ("in 3 days", F, date(2026, 11, 26)),
    ("in 2 weeks", F, date(2026, 12, 7)),
    ("in 3 months", F, date(2027, 2, 23)),
    ("in a month", F, date(2026, 12, 23)),
    ("in a week", F, date(2026, 11, 30)),
    ("in twelve weeks", F, date(2027, 2, 15)),
    ("in 1 year", F, date(2027, 11, 23)),
    ("10 days from now", F, date(2026, 12, 3)),
    ("next week", F, date(2026, 11, 30)),
    ("next month", F, date(2026, 12, 23)),
    ("last month", P, date(2026, 10, 23)),
    ("end of month", F, date(2026, 11, 30)),
    ("end of next month", F, date(2026, 12, 31)),
    ("end of the week", F, date(2026, 11, 27)),
    ("start of next month", F, date(2026, 12, 1)),
    ("2026-11-02", A, date(2026, 11, 2)),
    ("  2026-11-02  ", P, date(2026, 11, 2)),
    ("2026/11/02", A, date(2026, 11, 2)),
    ("2026/11/2", A, date(2026, 11, 2)),
    ("2026.11.02", A, date(2026, 11, 2)),
    ("Nov 2 2026", A, date(2026, 11, 2)),
    ("November 2nd, 2026", A, date(2026, 11, 2)),
    ("2 November", P, date(2026, 11, 2)),  # no year: the last 2 November for a past field
    ("2 November", F, date(2027, 11, 2)),  # and the next one for a future field
    ("2 Nov", A, date(2026, 11, 2)),
    ("dec 1", F, date(2026, 12, 1)),
    ("Tuesday 1 December 2026", A, date(2026, 12, 1)),  # as the Schedule screen shows a day
    ("1st of december", F, date(2026, 12, 1)),
]

DATETIMES: list[tuple[str, Tense, datetime]] = [
    ("tomorrow at 10:00", F, datetime(2026, 11, 24, 10, 0)),
    ("tomorrow 10:30", F, datetime(2026, 11, 24, 10, 30)),
    ("tomorrow at 10", F, datetime(2026, 11, 24, 10, 0)),
    ("next tuesday at 9am", F, datetime(2026, 11, 24, 9, 0)),
    ("next tuesday 9 a.m.", F, datetime(2026, 11, 24, 9, 0)),
    ("in 2 weeks at 10:00", F, datetime(2026, 12, 7, 10, 0)),
    ("in 2 weeks 3pm", F, datetime(2026, 12, 7, 15, 0)),
    ("monday 14:00", F, datetime(2026, 11, 30, 14, 0)),
    ("friday at 2:30pm", F, datetime(2026, 11, 27, 14, 30)),
    ("10am tomorrow", F, datetime(2026, 11, 24, 10, 0)),
    ("noon friday", F, datetime(2026, 11, 27, 12, 0)),
    ("friday noon", F, datetime(2026, 11, 27, 12, 0)),
    ("today 16:00", F, datetime(2026, 11, 23, 16, 0)),
    ("at 11:00", F, datetime(2026, 11, 23, 11, 0)),
    ("14h30 thursday", F, datetime(2026, 11, 26, 14, 30)),
    ("2026-11-30 14:00", A, datetime(2026, 11, 30, 14, 0)),
    ("2026-11-30T14:00", A, datetime(2026, 11, 30, 14, 0)),
    ("2026-11-30t14:00:00", A, datetime(2026, 11, 30, 14, 0)),
    ("Tuesday 1 December 2026 at 10:00", F, datetime(2026, 12, 1, 10, 0)),  # as the screen says it
    ("yesterday 10:00", P, datetime(2026, 11, 22, 10, 0)),
]

REFUSED_DATES: list[tuple[str, Tense, str]] = [
    ("", A, "empty date"),
    ("banana", A, "not a date: 'banana'"),
    ("11/02/2026", A, "not a date"),  # which continent? refused, not guessed
    ("2026-02-30", A, "no such day"),
    ("feb 30", A, "no such day"),
    ("Monday 1 December 2026", A, "2026-12-01 is a Tuesday"),
    ("T5", A, "not a date"),
    ("5", A, "not a date"),
    ("\x00", A, "not a date"),
    ("2026-11-02; rm -rf /", A, "not a date"),
    ("32 days ago ago", A, "not a date"),
    ("tomorrow", P, "'tomorrow': 2026-11-24 is in the future"),
    ("in 3 days", P, "is in the future"),
    ("next week", P, "is in the future"),
    ("yesterday", F, "'yesterday': 2026-11-22 is in the past"),
    ("last friday", F, "is in the past"),
    ("2026-01-05", F, "is in the past"),
    ("1850-01-01", A, "date out of range: 1850-01-01"),
    ("0001-01-01", A, "date out of range: 0001-01-01"),
    ("9999-12-31", A, "date out of range: 9999-12-31"),
    ("2999-01-01", A, "out of range"),
    ("in 99999999999 weeks", A, "date out of range: 'in 99999999999 weeks'"),
    ("99999999999 days ago", A, "out of range"),
    ("in 9000 weeks", A, "out of range"),
    ("in 10000 years", A, "out of range"),
    ("in " + "9" * 5000 + " days", A, "out of range"),
]

REFUSED_DATETIMES: list[tuple[str, Tense, str]] = [
    ("yesterday 10:00", F, "'yesterday 10:00': 2026-11-22 10:00 has already passed"),
    ("today 9:00", F, "has already passed"),
    ("tomorrow 10:00", P, "is in the future"),
    ("2026-11-30", A, "add a time of day"),
    ("tomorrow", F, "add a time of day"),
    ("tomorrow 25:00", A, "'25:00' is not a time of day"),
    ("13pm tomorrow", A, "'13pm' is not a time of day"),
    ("soon", A, "not a date and time: 'soon'"),
    ("", A, "empty date and time"),
    ("0001-01-01 10:00", A, "date out of range: 0001-01-01"),
    ("9999-12-31T10:00", A, "date out of range"),
    ("in 99999999999 weeks at 10:00", A, "date out of range"),
    ("2026-02-30 10:00", A, "no such day"),
]


def test_the_table_covers_at_least_forty_phrases() -> None:
    assert len(DATES) + len(DATETIMES) + len(REFUSED_DATES) + len(REFUSED_DATETIMES) >= 40
    assert NOW.date() == TODAY and TODAY.weekday() == 0  # a Monday


@pytest.mark.parametrize(("text", "tense", "expected"), DATES, ids=[f"{t}|{s}" for t, s, _ in DATES])
def test_a_date_means_what_a_person_means(text: str, tense: Tense, expected: date) -> None:
    assert parse_date(text, TODAY, tense=tense) == expected


@pytest.mark.parametrize(("text", "tense", "expected"), DATETIMES, ids=[f"{t}|{s}" for t, s, _ in DATETIMES])
def test_a_date_and_time_means_what_a_person_means(text: str, tense: Tense, expected: datetime) -> None:
    assert parse_datetime(text, NOW, tense=tense) == expected


@pytest.mark.parametrize(("text", "tense", "reason"), REFUSED_DATES,
                         ids=[f"{t[:30]!r}|{s}" for t, s, _ in REFUSED_DATES])
def test_a_refused_date_says_why_in_one_line(text: str, tense: Tense, reason: str) -> None:
    with pytest.raises(ValueError) as error:
        parse_date(text, TODAY, tense=tense)
    message = str(error.value)
    assert reason in message
    assert "\n" not in message and len(message) < 200


@pytest.mark.parametrize(("text", "tense", "reason"), REFUSED_DATETIMES,
                         ids=[f"{t!r}|{s}" for t, s, _ in REFUSED_DATETIMES])
def test_a_refused_date_and_time_says_why_in_one_line(text: str, tense: Tense, reason: str) -> None:
    with pytest.raises(ValueError) as error:
        parse_datetime(text, NOW, tense=tense)
    assert reason in str(error.value)
    assert "\n" not in str(error.value)


def test_every_date_phrase_is_a_date_and_time_with_a_time_added() -> None:
    for text, tense, expected in DATES:
        if tense is not Tense.PAST and expected > TODAY:
            assert parse_datetime(f"{text} at 10:00", NOW, tense=tense) == datetime.combine(
                expected, datetime.min.time()).replace(hour=10), text


def test_a_time_with_a_zone_becomes_local_wall_clock_time() -> None:
    at = parse_datetime("2026-11-30T14:00:00+00:00", NOW)
    assert at.tzinfo is None
    assert at == datetime(2026, 11, 30, 14, 0, tzinfo=UTC).astimezone().replace(tzinfo=None)


def test_the_range_is_the_one_the_model_keeps() -> None:
    from pydantic import ValidationError

    from debrief.core.model import Contact, Debrief

    assert check_range(EARLIEST) == EARLIEST and check_range(LATEST) == LATEST
    with pytest.raises(ValidationError, match="date out of range"):
        Debrief.model_validate({"company": "Acme", "contact": {"name": "Jane"}, "lost_on": "0001-01-01"})
    with pytest.raises(ValidationError, match="date out of range"):
        Debrief(company="Acme", contact=Contact(name="Jane"), move_on=date(9999, 12, 31))


def test_an_import_of_a_loss_on_0001_01_01_is_refused_with_its_path(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert run_cli("new", "--company", "Acme", "--contact", "Jane").returncode == 0
    exported = json.loads(run_cli("export").stdout)
    exported["debriefs"][0].update(id="zzzzzz", lost_on="0001-01-01")
    path = tmp_path / "old.json"
    path.write_text(json.dumps(exported))
    result = run_cli("import", str(path))
    assert result.returncode == 2
    assert "debriefs[0].lost_on: date out of range: 0001-01-01" in result.stderr
    assert result.stderr.count("\n") == 1 and "unexpected" not in result.stderr
    ids = [row["id"] for row in json.loads(run_cli("list", "--format", "json").stdout)]
    assert len(ids) == 1 and "zzzzzz" not in ids  # nothing of the refused file was written
    assert run_cli("stats").returncode == 0
