"""Where each debrief stands and what is due today: pure functions over the home index.

They work on the summaries kept in the store's index (``summary_of``), never on full debriefs, so
the home screen can answer "what next?" for 10,000 losses without loading them. Every rule that
says when something is due comes from ``Settings``, so a team can tune it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from debrief.core.facts import check_in_late_by, check_in_upcoming, move_on_today, status_label
from debrief.core.facts import moved_on as _moved_on
from debrief.core.settings import Settings

__all__ = ["Due", "DueItem", "due", "moved_on", "next_step", "status_label"]

Summary = Mapping[str, Any]
"""One row of the store's index (see ``model.summary_of``)."""

OPEN_CALL = frozenset({"scheduled", "prepared", "in_call"})
"""Statuses in which the booked call has not been held yet."""


@lru_cache(maxsize=8192)
def _parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


@lru_cache(maxsize=8192)
def _parse_datetime(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _date(value: object) -> date | None:
    # Thousands of summaries share a few hundred dates: parsing each once keeps home fast.
    return _parse_date(value) if isinstance(value, str) and value else None


def _datetime(value: object) -> datetime | None:
    return _parse_datetime(value) if isinstance(value, str) and value else None


def cool_off_ends(lost_on: date, settings: Settings) -> date:
    """The first day a debrief call may be asked for without being "too soon"."""
    return lost_on + timedelta(days=settings.cool_off_min_days)


def moved_on(summary: Summary, today: date) -> bool:
    """Past its move-on date: the rep has hit reset, so nothing about it is due any more."""
    return _moved_on(_date(summary.get("move_on")), today)


def check_in_due(summary: Summary, today: date) -> int | None:
    """Days the summary's check-in is overdue (0: today), or None: the one rule, over an index row."""
    return check_in_late_by(_date(summary.get("next_check_in")), _date(summary.get("last_follow_up")),
                            _date(summary.get("move_on")), today)


def next_step(summary: Summary, today: date, settings: Settings) -> str:
    """What the rep should do next with this debrief, in a few words."""
    if moved_on(summary, today):
        # Past the reset only a check-in planned beyond it is left to do.
        check_in = _date(summary.get("next_check_in"))
        if check_in_due(summary, today) is not None:
            return "check in now"
        if check_in_upcoming(check_in, _date(summary.get("move_on")), today) and check_in is not None:
            return f"check in {check_in.isoformat()}"
        return "moved on"
    status = str(summary.get("status") or "logged")
    call_at = _datetime(summary.get("call_at"))
    lost_on = _date(summary.get("lost_on"))
    if status == "logged" and call_at is None:
        if lost_on is not None and cool_off_ends(lost_on, settings) > today:
            return f"cool off: {_days((cool_off_ends(lost_on, settings) - today).days)}"
        if lost_on is not None and (today - lost_on).days > settings.cool_off_max_days:
            return "schedule (late)"
        return "schedule the call"
    if status in OPEN_CALL and call_at is not None:
        if call_at.date() == today:
            return f"call today {call_at:%H:%M}"
        if call_at.date() < today:
            return "hold or reschedule" if status != "in_call" else "finish the call"
        if status == "scheduled":
            return "prepare the script"
        return "ready for the call" if status == "prepared" else "finish the call"
    if status == "in_call":
        return "finish the call"
    if status in ("scheduled", "prepared", "logged"):
        return "schedule the call"
    if status == "held":
        return "wrap up"
    check_in = _date(summary.get("next_check_in"))
    move_on = _date(summary.get("move_on"))
    if check_in_due(summary, today) is not None:
        return "check in now"
    if move_on_today(move_on, today):
        return "move on today"
    if check_in is not None and check_in > today:  # a past one was done: a follow-up was logged since
        return f"check in {check_in.isoformat()}"
    if move_on is not None:
        return f"move on {move_on.isoformat()}"
    return "done"


@dataclass(frozen=True)
class DueItem:
    """One thing due: which debrief, and a few words on why."""

    id: str
    company: str
    contact: str
    note: str
    sort_key: str = ""
    on: date | None = None
    """The day it is (or was) due."""
    late_by: int = 0
    """Days overdue (check-ins)."""


@dataclass
class Due:
    """Everything due today, in the four groups the home panel shows."""

    to_schedule: list[DueItem] = field(default_factory=list)
    calls_today: list[DueItem] = field(default_factory=list)
    check_ins: list[DueItem] = field(default_factory=list)
    move_on: list[DueItem] = field(default_factory=list)

    @property
    def groups(self) -> list[tuple[str, list[DueItem]]]:
        """The groups with their titles, in the order the panel shows them."""
        return [
            ("To schedule", self.to_schedule),
            ("Calls today", self.calls_today),
            ("Check-ins due", self.check_ins),
            ("Move on", self.move_on),
        ]

    @property
    def ids(self) -> set[str]:
        """Every debrief that has something due."""
        return {item.id for _, items in self.groups for item in items}

    def __len__(self) -> int:
        return sum(len(items) for _, items in self.groups)


def _item(summary: Summary, note: str, sort_key: str, on: date | None = None, late_by: int = 0) -> DueItem:
    return DueItem(
        id=str(summary.get("id") or ""),
        company=str(summary.get("company") or ""),
        contact=str(summary.get("contact") or ""),
        note=note,
        sort_key=sort_key,
        on=on,
        late_by=late_by,
    )


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


def due(summaries: Iterable[Summary], today: date, settings: Settings) -> Due:
    """What is due today.

    - to schedule: logged, no call booked, and the cool-off is over;
    - calls today: a booked call, not held yet, on today's date;
    - check-ins due: the stay-in-touch date has come and no follow-up was logged since
      (``facts.check_in_late_by``, the rule stats and patterns use too);
    - move on: the move-on date is today. After it, the debrief leaves every list (the rep has
      decided to stop, and the app stops nagging) except for a check-in planned on or after the
      move-on date: "not now" was agreed, and that touchpoint is the rep's own plan.
    """
    result = Due()
    # ISO dates compare as strings: most summaries are settled without parsing a date.
    today_iso = today.isoformat()
    for summary in summaries:
        get = summary.get
        move_on = get("move_on")
        check_in = get("next_check_in")
        past_reset = bool(move_on and move_on < today_iso)
        if past_reset and not (check_in and move_on and check_in >= move_on):
            continue
        status = get("status") or "logged"
        call_at = get("call_at")
        if past_reset:
            pass  # only the check-in below is left
        elif status == "logged" and not call_at:
            lost_on = _date(get("lost_on"))
            if lost_on is not None and cool_off_ends(lost_on, settings) <= today:
                age = (today - lost_on).days
                late = age > settings.cool_off_max_days
                note = f"{age}d ago" + (", late" if late else "")
                # Newest losses first: their buyers still remember why.
                result.to_schedule.append(_item(summary, note, f"{99999 - age:05d}"))
        elif status in OPEN_CALL and call_at and call_at.startswith(today_iso):
            when = _datetime(call_at)
            if when is not None:
                result.calls_today.append(_item(summary, f"{when:%H:%M}", when.isoformat()))
        if check_in and check_in <= today_iso:
            late_by = check_in_due(summary, today)
            if late_by is not None:
                note = "today" if late_by == 0 else f"{late_by}d late"
                result.check_ins.append(_item(summary, note, f"{99999 - late_by:05d}", _date(check_in), late_by))
        if move_on and move_on[:10] == today_iso:
            result.move_on.append(_item(summary, "today", str(get("company") or ""), today))
    # Ties are broken by company and id, so every reader of the same debriefs gets the same order.
    for items in (result.to_schedule, result.calls_today, result.check_ins, result.move_on):
        items.sort(key=lambda item: (item.company, item.id))
    result.to_schedule.sort(key=lambda item: item.sort_key, reverse=True)
    result.calls_today.sort(key=lambda item: item.sort_key)
    result.check_ins.sort(key=lambda item: item.sort_key)
    result.move_on.sort(key=lambda item: item.sort_key)
    return result
