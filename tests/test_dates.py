"""Dates as reps type them."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from debrief.core.dates import parse_date, parse_datetime

TODAY = date(2026, 11, 23)  # a Monday
NOW = datetime(2026, 11, 23, 9, 15)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", TODAY), ("Yesterday", date(2026, 11, 22)), ("tomorrow", date(2026, 11, 24)),
        ("2026-11-02", date(2026, 11, 2)), ("3 days ago", date(2026, 11, 20)),
        ("in 2 weeks", date(2026, 12, 7)), ("last friday", date(2026, 11, 20)),
        ("next tuesday", date(2026, 11, 24)), ("Nov 2 2026", date(2026, 11, 2)),
        ("  2026-11-02  ", date(2026, 11, 2)), ("2026/11/2", date(2026, 11, 2)),
    ],
)
def test_accepted_dates(text: str, expected: date) -> None:
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize("text", ["", "banana", "11/02/2026", "2026-02-30", "1850-01-01", "9999-12-31",
                                  "\x00", "2026-11-02; rm -rf /", "32 days ago ago", "T5", "5"])
def test_refused_dates_say_why(text: str) -> None:
    with pytest.raises(ValueError) as error:
        parse_date(text, TODAY)
    assert "\n" not in str(error.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-30 14:00", datetime(2026, 11, 30, 14, 0)),
        ("2026-11-30T14:00", datetime(2026, 11, 30, 14, 0)),
        ("tomorrow 10:30", datetime(2026, 11, 24, 10, 30)),
        ("next tuesday 9am", datetime(2026, 11, 24, 9, 0)),
        ("in 2 weeks 3pm", datetime(2026, 12, 7, 15, 0)),
    ],
)
def test_accepted_datetimes(text: str, expected: datetime) -> None:
    assert parse_datetime(text, NOW) == expected


@pytest.mark.parametrize("text", ["2026-11-30", "tomorrow 25:00", "13pm tomorrow", "soon", ""])
def test_refused_datetimes(text: str) -> None:
    with pytest.raises(ValueError):
        parse_datetime(text, NOW)
