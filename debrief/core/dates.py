"""Dates and times as a rep types them: the one parser behind every date field and option.

Dates: ISO ``2026-11-02`` (also ``2026/11/02``, ``2026.11.02``), a month by name (``Nov 2 2026``,
``2 November``, ``Tuesday 1 December 2026``), ``today``, ``yesterday``, ``tomorrow``, a weekday
(``monday``, ``last friday``, ``next tuesday``, ``this friday``), ``3 days ago``, ``2 weeks ago``,
``in 3 days``, ``in 2 weeks``, ``in 3 months``, ``in a month``, ``next week``, ``next month``,
``last month``, ``end of month``. Date and time: any of those plus a time, before or after it
(``tomorrow at 10:00``, ``next tuesday 9am``, ``in 2 weeks at 10:00``, ``monday 14:00``, ``noon
friday``), or ISO (``2026-11-30 14:00``, ``2026-11-30T14:00``).

Each field says which way it looks (``Tense``): a loss or follow-up date is in the past, a call,
check-in, move-on or due date ahead. The tense settles what a person leaves open: a bare weekday
is the last one for a past field and the next one for a future field (never today: for today
people say "today"), and a day without a year (``2 November``) the nearest such day on the
field's side of today. "next tuesday" is the coming Tuesday, as most calendars read it. A date
on the wrong side of today, or outside 1990-2100, is refused.

Every refusal is a ValueError with one line that quotes what was typed.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, time, timedelta
from enum import StrEnum

EARLIEST = date(1990, 1, 1)
LATEST = date(2100, 12, 31)
"""Dates outside these are typing slips (or hostile imports), never a real deal."""

MAX_AMOUNT = 10_000
"""Largest count in "in N days" that is read at all (beyond it, the date is out of range anyway)."""


class Tense(StrEnum):
    """Which side of today a field's date belongs on."""

    PAST = "past"
    """Today or before: when the deal was lost, when a follow-up happened."""
    FUTURE = "future"
    """Today or after (for a date and time: from now on): a call, a check-in, a due date."""
    ANY = "any"
    """Either side."""


_WEEKDAYS = {"monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2,
             "thursday": 3, "thu": 3, "thur": 3, "thurs": 3, "friday": 4, "fri": 4, "saturday": 5,
             "sat": 5, "sunday": 6, "sun": 6}
_MONTHS = {"january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
           "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
           "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12,
           "dec": 12}
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
_UNIT_DAYS = {"day": 1, "week": 7}

_WEEKDAY = "|".join(sorted(_WEEKDAYS, key=len, reverse=True))
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_COUNT = r"\d+|" + "|".join(_NUMBERS)
_UNIT = r"(day|week|month|year)s?"

_RELATIVE_AHEAD = re.compile(rf"^in ({_COUNT}) {_UNIT}$|^({_COUNT}) {_UNIT} from (?:now|today)$")
_RELATIVE_BACK = re.compile(rf"^({_COUNT}) {_UNIT} ago$")
_NEXT_LAST = re.compile(r"^(next|last) (week|month|year)$")
_WEEKDAY_RE = re.compile(rf"^(?:(last|next|this|coming|on) )?({_WEEKDAY})$")
_END_OF = re.compile(r"^end of (?:the )?(this |next )?(week|month)$")
_START_OF = re.compile(r"^(?:start|beginning) of (?:the )?next month$")
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_DAY_MONTH = re.compile(rf"^(?:({_WEEKDAY}) )?(\d{{1,2}})(?:st|nd|rd|th)? (?:of )?({_MONTH})(?: (\d{{4}}))?$")
_MONTH_DAY = re.compile(rf"^(?:({_WEEKDAY}) )?({_MONTH}) (\d{{1,2}})(?:st|nd|rd|th)?(?: (\d{{4}}))?$")

_CLOCK = r"\d{1,2}:\d{2}(?: ?[ap]m)?|\d{1,2} ?[ap]m|\d{1,2}h(?:\d{2})?|noon|midday|midnight"
_TIME_LAST = re.compile(rf"^(?P<day>.+?) (?:at |@ ?)?(?P<clock>{_CLOCK})$"
                        rf"|^(?P<day2>.+?) (?:at|@) ?(?P<hour>\d{{1,2}})$")
_TIME_FIRST = re.compile(rf"^(?:at )?(?P<clock>{_CLOCK}) (?:on )?(?P<day>.+)$")
_TIME_ONLY = re.compile(rf"^(?:at )?(?P<clock>{_CLOCK})$")
_CLOCK_PARTS = re.compile(r"^(\d{1,2})(?::(\d{2})|h(\d{2})?)?(?: ?([ap]m))?$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[t ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2})?$")

DATE_EXAMPLES = "2026-11-02, today, last friday, in 2 weeks"
DATETIME_EXAMPLES = "'2026-11-30 14:00', 'tomorrow at 10:00', 'next tuesday 9am'"


def check_range(value: date) -> date:
    """``value`` if it lies between 1990 and 2100; ValueError otherwise (the model uses this too)."""
    day = value.date() if isinstance(value, datetime) else value
    if not EARLIEST <= day <= LATEST:
        raise ValueError(f"date out of range: {day.isoformat()} (use a date between "
                         f"{EARLIEST.year} and {LATEST.year})")
    return value


def _quoted(text: str, width: int = 60) -> str:
    """What the rep typed, quoted for a message: one line, cut short when very long."""
    flat = " ".join(text.split())
    return repr(flat if len(flat) <= width else flat[: width - 1] + "…")


def _words(text: str) -> str:
    """Lower case, one space between words, commas and trailing dots gone, "a.m." as "am"."""
    lowered = text.strip().lower().replace(",", " ")
    lowered = re.sub(r"\b([ap])\.m\.?", r"\1m", lowered)
    return " ".join(lowered.split()).rstrip(".")


def _count(word: str) -> int:
    if word in _NUMBERS:
        return _NUMBERS[word]
    if len(word) > 6 or int(word) > MAX_AMOUNT:
        raise OverflowError(word)
    return int(word)


def _add_months(day: date, months: int) -> date:
    """The same day ``months`` later (or earlier), kept inside shorter months (31 Jan + 1 = 28 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    if not 1 <= year <= 9999:
        raise OverflowError(months)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _shift(today: date, amount: int, unit: str) -> date:
    unit = unit.rstrip("s")
    if unit == "month":
        return _add_months(today, amount)
    if unit == "year":
        return _add_months(today, amount * 12)
    return today + timedelta(days=amount * _UNIT_DAYS[unit])


def _weekday(today: date, which: str | None, target: int, tense: Tense) -> date:
    if which in ("next", "coming", "this") or (which in (None, "on") and tense is not Tense.PAST):
        ahead = (target - today.weekday()) % 7
        if which != "this":
            ahead = ahead or 7
        return today + timedelta(days=ahead)
    back = (today.weekday() - target) % 7 or 7
    return today - timedelta(days=back)


def _named(today: date, weekday: str | None, day_text: str, month: int, year_text: str | None,
           tense: Tense) -> date:
    """A day given with its month's name; without a year, the nearest on the field's side."""
    day = int(day_text)
    years = [int(year_text)] if year_text else (
        [today.year, today.year - 1] if tense is Tense.PAST
        else [today.year, today.year + 1] if tense is Tense.FUTURE else [today.year])
    found: date | None = None
    for year in years:
        try:
            found = date(year, month, day)
        except ValueError:
            raise ValueError("no such day") from None
        if year_text or tense is Tense.ANY or (found <= today if tense is Tense.PAST else found >= today):
            break
    assert found is not None
    if weekday is not None and found.weekday() != _WEEKDAYS[weekday]:
        raise ValueError(f"{found.isoformat()} is a {found:%A}")
    return found


def _read_date(words: str, today: date, tense: Tense) -> date | None:
    """The date ``words`` name, None when they are not a date; ValueError/OverflowError when wrong."""
    simple = {"today": 0, "now": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1,
              "day after tomorrow": 2, "the day after tomorrow": 2, "day before yesterday": -2,
              "the day before yesterday": -2}
    if words in simple:
        return today + timedelta(days=simple[words])
    if match := _RELATIVE_AHEAD.match(words):
        count, unit = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
        return _shift(today, _count(count), unit)
    if match := _RELATIVE_BACK.match(words):
        return _shift(today, -_count(match.group(1)), match.group(2))
    if match := _NEXT_LAST.match(words):
        return _shift(today, 1 if match.group(1) == "next" else -1, match.group(2))
    if match := _WEEKDAY_RE.match(words):
        return _weekday(today, match.group(1), _WEEKDAYS[match.group(2)], tense)
    if match := _END_OF.match(words):
        if match.group(2) == "week":
            friday = today + timedelta(days=(4 - today.weekday()) % 7)
            return friday + timedelta(days=7) if match.group(1) == "next " else friday
        base = _add_months(today, 1) if match.group(1) == "next " else today
        return base.replace(day=calendar.monthrange(base.year, base.month)[1])
    if _START_OF.match(words):
        return _add_months(today.replace(day=1), 1)
    if match := _ISO.match(words):
        try:
            return date(*map(int, match.groups()))
        except ValueError:
            raise ValueError("no such day") from None
    if match := _DAY_MONTH.match(words):
        return _named(today, match.group(1), match.group(2), _MONTHS[match.group(3)], match.group(4), tense)
    if match := _MONTH_DAY.match(words):
        return _named(today, match.group(1), match.group(3), _MONTHS[match.group(2)], match.group(4), tense)
    return None


def _wrong_side(shown: str, tense: Tense) -> str:
    if tense is Tense.PAST:
        return f"{shown} is in the future (this date cannot be after today)"
    return f"{shown} is in the past (this date cannot be before today)"


def _resolve(text: str, today: date, tense: Tense) -> date:
    """The date ``text`` names, in range, before the field's side of today is checked."""
    words = _words(text)
    if not words:
        raise ValueError("empty date")
    try:
        day = _read_date(words, today, tense)
    except OverflowError:
        raise ValueError(f"date out of range: {_quoted(text)} (use a date between "
                         f"{EARLIEST.year} and {LATEST.year})") from None
    except ValueError as error:
        raise ValueError(f"not a date: {_quoted(text)} ({error})") from None
    if day is None:
        raise ValueError(f"not a date: {_quoted(text)} (try {DATE_EXAMPLES})")
    return check_range(day)


def parse_date(text: str, today: date | None = None, *, tense: Tense = Tense.ANY) -> date:
    """Read a date for a field that looks ``tense``-wards; ValueError with a one-line reason."""
    today = today or date.today()
    day = _resolve(text, today, tense)
    if (tense is Tense.PAST and day > today) or (tense is Tense.FUTURE and day < today):
        raise ValueError(f"{_quoted(text)}: " + _wrong_side(day.isoformat(), tense))
    return day


def _clock(text: str) -> time | None:
    """``10:30``, ``9am``, ``9:30 pm``, ``14h``, ``noon``; None when it is not a time of day."""
    if text in ("noon", "midday"):
        return time(12, 0)
    if text == "midnight":
        return time(0, 0)
    match = _CLOCK_PARTS.match(text)
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or match.group(3) or 0)
    if meridiem := match.group(4):
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _split(words: str) -> tuple[str, str] | None:
    """(day words, time words) of a date and time; None when no time of day is in it."""
    if match := _TIME_ONLY.match(words):
        return "today", match.group("clock")
    if match := _TIME_LAST.match(words):
        if match.group("clock"):
            return match.group("day"), match.group("clock")
        return match.group("day2"), match.group("hour") + ":00"
    if match := _TIME_FIRST.match(words):
        return match.group("day"), match.group("clock")
    return None


def parse_datetime(text: str, now: datetime | None = None, *, tense: Tense = Tense.ANY) -> datetime:
    """Read a date and time (naive, local); for a FUTURE field a time already gone is refused."""
    now = now or datetime.now()
    words = _words(text)
    if not words:
        raise ValueError("empty date and time")
    shown = _quoted(text)
    at: datetime | None = None
    if _ISO_DATETIME.match(words):
        try:
            parsed = datetime.fromisoformat(words.upper().replace(" ", "T", 1))
        except ValueError:
            raise ValueError(f"not a date and time: {shown} (no such day or time)") from None
        check_range(parsed)
        at = parsed.astimezone().replace(tzinfo=None) if parsed.tzinfo is not None else parsed
    elif (parts := _split(words)) is not None:
        day_words, clock_words = parts
        clock = _clock(clock_words)
        if clock is None:
            raise ValueError(f"not a date and time: {shown} ({clock_words!r} is not a time of day)")
        try:
            day = _resolve(day_words, now.date(), tense)
        except ValueError as error:
            if str(error).startswith("date out of range"):
                raise
            raise ValueError(f"not a date and time: {shown} (try {DATETIME_EXAMPLES})") from None
        at = datetime.combine(day, clock)
    else:
        try:
            _resolve(words, now.date(), tense)
        except ValueError as error:
            if str(error).startswith("date out of range"):
                raise
            raise ValueError(f"not a date and time: {shown} (try {DATETIME_EXAMPLES})") from None
        raise ValueError(f"not a date and time: {shown} (add a time of day, e.g. 'at 10:00')")
    if tense is Tense.FUTURE and at < now.replace(second=0, microsecond=0):
        raise ValueError(f"{shown}: {format_datetime(at)} has already passed (pick a time ahead)")
    if tense is Tense.PAST and at > now:
        raise ValueError(f"{shown}: " + _wrong_side(format_datetime(at), tense))
    return at


def format_date(value: date | None) -> str:
    """The one way dates are shown: ISO, which sorts and never confuses continents."""
    return value.isoformat() if value else ""


def format_datetime(value: datetime | None) -> str:
    """Date and time to the minute."""
    return value.strftime("%Y-%m-%d %H:%M") if value else ""
