"""Booking the debrief call: cool-off rules, a suggested slot, the invitation and the .ics event.

Practice: never ask for the debrief in the rejection call; 2–4 weeks after the
loss is the common advice, and after about 30 days the buyer's reasons fade or get rationalised.
The figures come from ``Settings``. The invitation is a Jinja2 template rendered in the sandbox of
``core.render``; the calendar event is built with the icalendar library (RFC 5545).

Heavy imports (Jinja2, icalendar) happen inside the functions that need them, so the home screen
does not pay for them at start-up.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Literal

from debrief.core.model import Debrief, Schedule, Status
from debrief.core.settings import Settings

BUSINESS_HOURS = (9, 17)
"""Calls are suggested, and expected, between these hours (local time)."""

PREFERRED_HOURS = (10, 14, 11, 15, 9, 16)
"""Hours tried in order for a suggested slot: mid-morning first, then early afternoon."""

TEMPLATE_FILE = "invitation.md.j2"
"""The shipped invitation template, next to this module; a copy in the user data folder wins."""

Level = Literal["error", "warning", "note"]


@dataclass(frozen=True)
class SlotNote:
    """One remark on a proposed call time. Errors block booking; warnings and notes do not."""

    level: Level
    code: str
    message: str


def days_after_loss(lost_on: date, at: datetime) -> int:
    """Whole days between the loss and the call."""
    return (at.date() - lost_on).days


def describe_slot(at: datetime) -> str:
    """A call time as a person says it: ``Tuesday 1 December 2026 at 10:00``."""
    return f"{at:%A} {at.day} {at:%B %Y} at {at:%H:%M}"


def check_slot(lost_on: date, at: datetime, now: datetime, settings: Settings) -> list[SlotNote]:
    """What to tell the rep about calling at ``at`` for a deal lost on ``lost_on``."""
    notes: list[SlotNote] = []
    days = days_after_loss(lost_on, at)
    if days < 0:
        notes.append(SlotNote("error", "before-loss",
                              f"{at:%Y-%m-%d} is before the loss ({lost_on.isoformat()})"))
        return notes
    if days < settings.cool_off_min_days:
        earliest = lost_on + timedelta(days=settings.cool_off_min_days)
        notes.append(SlotNote(
            "warning", "too-soon",
            f"too soon — don't ask in the same conversation as the rejection: give it at least "
            f"{settings.cool_off_min_days} days (from {earliest.isoformat()})",
        ))
    elif days > settings.cool_off_max_days:
        notes.append(SlotNote(
            "warning", "too-late",
            f"{days} days after the loss: after about {settings.cool_off_max_days} days the "
            f"buyer's reasons fade or get rationalised — book it sooner if you can",
        ))
    if at < now:
        notes.append(SlotNote("warning", "past", f"{at:%Y-%m-%d %H:%M} has already passed"))
    if at.weekday() >= 5:
        notes.append(SlotNote("note", "weekend", f"that is a {at:%A}: buyers rarely take calls at weekends"))
    elif not BUSINESS_HOURS[0] <= at.hour < BUSINESS_HOURS[1]:
        notes.append(SlotNote(
            "note", "after-hours",
            f"outside business hours ({BUSINESS_HOURS[0]:02d}:00–{BUSINESS_HOURS[1]:02d}:00)",
        ))
    return notes


def suggest_slot(lost_on: date, now: datetime, settings: Settings) -> datetime:
    """A good time to propose: inside the suggestion window, a weekday, business hours, ahead.

    The window (``suggest_after_days``, 1–3 weeks by default) starts counting from the loss; when
    it has already passed, the next business slot is the best there is.
    """
    first, _last = settings.suggest_after_days
    day = max(lost_on + timedelta(days=max(first, settings.cool_off_min_days)), now.date())
    earliest = now + timedelta(hours=1)
    for _ in range(14):
        if day.weekday() < 5:
            for hour in PREFERRED_HOURS:
                slot = datetime.combine(day, time(hour, 0))
                if slot >= earliest:
                    return slot
        day += timedelta(days=1)
    return datetime.combine(day, time(PREFERRED_HOURS[0], 0))  # unreachable in practice


def _template_text() -> str:
    from debrief.locations import data_dir

    for folder in (data_dir(), Path(__file__).parent):
        path = folder / TEMPLATE_FILE
        try:
            return path.read_text(encoding="utf-8")
        except FileNotFoundError:
            continue
        except (OSError, UnicodeDecodeError) as error:
            raise ValueError(f"{path}: cannot read the invitation template: {error}") from None
    raise ValueError(f"the invitation template {TEMPLATE_FILE} is missing")


def render_invitation(debrief: Debrief, at: datetime, minutes: int, settings: Settings) -> str:
    """The invitation email for a call at ``at`` lasting ``minutes``; ValueError if it cannot render.

    Templates may only see the deal and the rep (``core.render``); the call's time and length are
    set at the top of the template, as template variables ``when`` and ``minutes``.
    """
    from debrief.core.render import render

    prelude = (
        f"{{% set minutes = {int(minutes)} %}}"
        f"{{% set when = {json.dumps(describe_slot(at))} %}}"
        f"{{% set day = {json.dumps(f'{at:%A} {at.day} {at:%B}')} %}}"
        f"{{% set clock = {json.dumps(f'{at:%H:%M}')} %}}"
    )
    text = render(prelude + _template_text(), debrief.template_context(settings.rep_name),
                  TEMPLATE_FILE)
    return re.sub(r"\n{3,}", "\n\n", text) + "\n"


def book(debrief: Debrief, at: datetime, minutes: int, invitation: str,
         booked_at: datetime | None = None) -> None:
    """Record the booked call on ``debrief`` and move its status to scheduled (a store change)."""
    debrief.schedule = Schedule(
        at=at.replace(second=0, microsecond=0), minutes=minutes, invitation=invitation,
        booked_at=(booked_at or datetime.now()).replace(microsecond=0),
    )
    debrief.advance(Status.SCHEDULED)


def event_uid(debrief: Debrief) -> str:
    """The same for every export of one debrief, so a rescheduled call updates the old event."""
    return f"debrief-{debrief.id}@debrief.invalid"


def _utc(value: datetime) -> datetime:
    """A local wall-clock time as UTC: every calendar shows it right in its own zone."""
    if value.tzinfo is None:
        value = value.astimezone()
    return value.astimezone(UTC)


def calendar_event(debrief: Debrief, now: datetime | None = None) -> bytes:
    """An RFC 5545 VCALENDAR with one VEVENT for the booked call; ValueError if none is booked."""
    if debrief.schedule is None:
        raise ValueError(f"{debrief.id} has no call booked yet")
    from icalendar import Calendar, Event, vCalAddress, vText

    schedule = debrief.schedule
    calendar = Calendar()
    calendar.add("prodid", "-//debrief//debrief call//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    event = Event()
    event.add("uid", event_uid(debrief))
    event.add("dtstamp", _utc(now or datetime.now()))
    event.add("dtstart", _utc(schedule.at))
    event.add("dtend", _utc(schedule.at + timedelta(minutes=schedule.minutes)))
    # Each booking is a new revision of the same event: minutes since 2020 only ever grow.
    event.add("sequence", max(0, int((_utc(schedule.booked_at) - datetime(2020, 1, 1, tzinfo=UTC))
                                     .total_seconds() // 60)))
    event.add("summary", f"Debrief call: {debrief.company} ({debrief.contact.name})")
    event.add("description", schedule.invitation or "")
    event.add("status", "TENTATIVE")
    event.add("transp", "OPAQUE")
    if debrief.contact.email:
        attendee = vCalAddress(f"mailto:{debrief.contact.email}")
        attendee.params["cn"] = vText(debrief.contact.name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = vText("NEEDS-ACTION")
        event.add("attendee", attendee, encode=False)
    calendar.add_component(event)
    return bytes(calendar.to_ical())


def export_dir() -> Path:
    """Where invitation files go: the Downloads folder if there is one, else the home folder."""
    from platformdirs import user_downloads_path

    downloads = user_downloads_path()
    return downloads if downloads.is_dir() else Path.home()


def file_stem(debrief: Debrief) -> str:
    """``debrief-acme-corp-k3x9pa``: readable, safe on every file system, unique per debrief."""
    ascii_name = unicodedata.normalize("NFKD", debrief.company).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:40].strip("-")
    return f"debrief-{slug or 'call'}-{debrief.id}"


def save_invitation_files(debrief: Debrief, invitation: str, folder: Path | None = None,
                          now: datetime | None = None) -> list[Path]:
    """Write the invitation (.txt) and, once booked, the event (.ics); return their paths.

    Files are written atomically and readable only by the user: they name a prospect.
    """
    from debrief.core.store import StoreError, atomic_write

    folder = folder or export_dir()
    if not folder.is_dir():
        raise ValueError(f"folder {folder} does not exist")
    stem = file_stem(debrief)
    paths = [folder / f"{stem}-invitation.txt"]
    try:
        atomic_write(paths[0], invitation.encode("utf-8"), folder)
        if debrief.schedule is not None:
            paths.append(folder / f"{stem}.ics")
            atomic_write(paths[1], calendar_event(debrief, now), folder)
    except StoreError as error:  # atomic_write reports every OSError as a StoreError
        raise ValueError(str(error)) from None
    return paths


def display_path(path: Path) -> str:
    """A path as the rep would type it: ``~/Downloads/...`` when it is under the home folder."""
    home = str(Path.home())
    text = str(path)
    if text == home or text.startswith(home + os.sep):
        return "~" + text[len(home):]
    return text
