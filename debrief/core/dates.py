"""Dates and times as a rep types them: ISO, or a few natural forms.

Accepted dates: ``2026-11-02``, ``today``, ``yesterday``, ``tomorrow``, ``3 days ago``,
``in 2 weeks``, ``last friday``, ``next tuesday``, and what dateutil reads unambiguously
(``Nov 2 2026``). Datetimes add a time: ``2026-11-30 14:00``, ``tomorrow 10:30``,
``next tuesday 9am``. Anything else is a ValueError with a one-line reason.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from dateutil import parser as date_parser

EARLIEST = date(1990, 1, 1)
LATEST = date(2100, 12, 31)

_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_UNITS = {"day": 1, "days": 1, "week": 7, "weeks": 7}
_RELATIVE = re.compile(r"^(?:in\s+(\d+)\s+(days?|weeks?)|(\d+)\s+(days?|weeks?)\s+ago)$")
_WEEKDAY = re.compile(r"^(last|next|this)?\s*(" + "|".join(_WEEKDAYS) + r")$")
_MONTH = re.compile(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\b")
_TIME = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$")


def _in_range(value: date, text: str) -> date:
    if not EARLIEST <= value <= LATEST:
        raise ValueError(f"date out of range: {text!r} (use a date between 1990 and 2100)")
    return value


def _natural_date(words: str, today: date) -> date | None:
    if words == "today":
        return today
    if words == "yesterday":
        return today - timedelta(days=1)
    if words == "tomorrow":
        return today + timedelta(days=1)
    match = _RELATIVE.match(words)
    if match:
        if match.group(1):
            return today + timedelta(days=int(match.group(1)) * _UNITS[match.group(2)])
        return today - timedelta(days=int(match.group(3)) * _UNITS[match.group(4)])
    match = _WEEKDAY.match(words)
    if match:
        which, name = match.group(1) or "next", match.group(2)
        target = _WEEKDAYS.index(name)
        if which == "last":
            back = (today.weekday() - target) % 7 or 7
            return today - timedelta(days=back)
        ahead = (target - today.weekday()) % 7
        if which == "next":
            ahead = ahead or 7
        return today + timedelta(days=ahead)
    return None


def parse_date(text: str, today: date | None = None) -> date:
    """Read a date; raise ValueError naming the text when it cannot be read."""
    today = today or date.today()
    words = " ".join(text.strip().lower().split())
    if not words:
        raise ValueError("empty date")
    natural = _natural_date(words, today)
    if natural is not None:
        return _in_range(natural, text)
    iso = re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", words)
    if iso:
        try:
            day = date(*map(int, iso.groups()))
        except ValueError:
            raise ValueError(f"not a date: {text!r} (no such day)") from None
        return _in_range(day, text)
    if not _MONTH.search(words):
        # Without a month name, dateutil guesses ("T5" -> the 5th; "11/02" differs between
        # continents): only ISO digits and the natural forms above are accepted.
        raise ValueError(f"not a date: {text!r} (use YYYY-MM-DD, 'today' or 'yesterday')")
    try:
        parsed = date_parser.parse(words, default=datetime(today.year, today.month, today.day))
    except (ValueError, OverflowError):
        raise ValueError(f"not a date: {text!r} (use YYYY-MM-DD, 'today' or 'yesterday')") from None
    return _in_range(parsed.date(), text)


def _parse_time(text: str) -> time | None:
    match = _TIME.match(text)
    if not match:
        return None
    hour, minute, meridiem = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if meridiem:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def parse_datetime(text: str, now: datetime | None = None) -> datetime:
    """Read a date and time (naive, local); raise ValueError naming the text otherwise."""
    now = now or datetime.now()
    words = " ".join(re.sub(r"^(\d{4}-\d{2}-\d{2})t", r"\1 ", text.strip().lower()).split())
    if not words:
        raise ValueError("empty date and time")
    for split in range(len(words.split()) - 1, 0, -1):
        parts = words.split()
        day_text, time_text = " ".join(parts[:split]), " ".join(parts[split:])
        clock = _parse_time(time_text)
        if clock is None:
            continue
        try:
            day = parse_date(day_text, now.date())
        except ValueError:
            continue
        return datetime.combine(day, clock)
    try:
        parsed = datetime.fromisoformat(words.replace(" ", "T", 1))
    except ValueError:
        parsed = None
    if parsed is not None and ":" in words:
        _in_range(parsed.date(), text)
        if parsed.tzinfo is not None:
            parsed = parsed.astimezone().replace(tzinfo=None)
        return parsed
    raise ValueError(
        f"not a date and time: {text!r} (use 'YYYY-MM-DD HH:MM' or e.g. 'tomorrow 10:00')"
    )


def format_date(value: date | None) -> str:
    """The one way dates are shown: ISO, which sorts and never confuses continents."""
    return value.isoformat() if value else ""


def format_datetime(value: datetime | None) -> str:
    """Date and time to the minute."""
    return value.strftime("%Y-%m-%d %H:%M") if value else ""
