"""Booking the debrief call: cool-off rules, a suggested slot, the invitation and the .ics event.

Practice: never ask for the debrief in the rejection call; 2–4 weeks after the
loss is the common advice, and after about 30 days the buyer's reasons fade or get rationalised.
The figures come from ``Settings``. The invitation is a Jinja2 template rendered in the sandbox of
``core.render``; the calendar event is built with the icalendar library (RFC 5545).

Heavy imports (Jinja2, icalendar) happen inside the functions that need them, so the home screen
does not pay for them at start-up.
"""

from __future__ import annotations

import os
import re
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


def describe_slot(at: datetime, zone: str | None = None) -> str:
    """A call time as a person says it: ``Tuesday 1 December 2026 at 10:00 (Europe/Paris)``.

    With ``zone`` the zone is named, so a buyer elsewhere knows which 10:00 is meant.
    """
    text = f"{at:%A} {at.day} {at:%B %Y} at {at:%H:%M}"
    return f"{text} ({zone})" if zone else text


def _days(count: int) -> str:
    return f"{count} day{'s' if count != 1 else ''}"


def window_verdict(lost_on: date, at: datetime, settings: Settings) -> str | None:
    """The tick line for a slot inside the best window (``suggest_after_days``); None outside it.

    Only a slot the window covers earns the praise, so the tick never sits beside a window the
    slot misses (``check_slot`` says what is off about the others).
    """
    days = days_after_loss(lost_on, at)
    low, high = settings.suggest_after_days
    if not low <= days <= high or not settings.cool_off_min_days <= days <= settings.cool_off_max_days:
        return None
    return (f"{_days(days)} after the loss: after the cool-off and while the decision is fresh "
            f"(best {low}-{high} days).")


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
    else:
        low, high = settings.suggest_after_days
        if days < low:
            notes.append(SlotNote(
                "note", "early",
                f"{_days(days)} after the loss: past the cool-off, but {low}-{high} days is best "
                f"(from {(lost_on + timedelta(days=low)).isoformat()}) — the buyer has settled by then",
            ))
        elif days > high:
            notes.append(SlotNote(
                "note", "late",
                f"{_days(days)} after the loss: later than the best {low}-{high} days — the sooner, "
                f"the fresher the buyer's reasons",
            ))
    if at < now.replace(second=0, microsecond=0):
        notes.append(SlotNote("error", "past", f"{at:%Y-%m-%d %H:%M} has already passed (pick a time ahead)"))
    if at.weekday() >= 5:
        notes.append(SlotNote("note", "weekend", f"that is a {at:%A}: buyers rarely take calls at weekends"))
    elif not BUSINESS_HOURS[0] <= at.hour < BUSINESS_HOURS[1]:
        notes.append(SlotNote(
            "note", "after-hours",
            f"outside business hours ({BUSINESS_HOURS[0]:02d}:00–{BUSINESS_HOURS[1]:02d}:00)",
        ))
    return notes


def check_booking(debrief: Debrief, at: datetime, now: datetime, settings: Settings, *,
                  confirmed: bool = False) -> list[SlotNote]:
    """Every check before a call is booked, for the command line and the screen alike.

    The slot's own notes (``check_slot``: before the loss and the past are errors, the cool-off
    a warning), and first the status rule: a debrief whose call was held needs ``confirmed``
    (the app asked, or the command line was given ``--reschedule``).
    """
    from debrief.core.status import schedule_confirmation

    notes: list[SlotNote] = []
    confirmation = schedule_confirmation(debrief)
    if confirmation is not None and not confirmed:
        notes.append(SlotNote("error", "settled", confirmation.reason))
    return notes + check_slot(debrief.lost_on, at, now, settings)


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


MAX_TEMPLATE_BYTES = 64_000
"""Largest invitation template read: the shipped one is about a kilobyte."""

CALL_NAMES = ("when", "day", "clock", "zone", "minutes")
"""What an invitation template sees beyond the deal and the rep: the call's time, zone and length."""


def _template_text() -> tuple[str, str]:
    """The invitation template and where it came from: the user's copy if there is one.

    Read no further than ``MAX_TEMPLATE_BYTES``, and only from a regular file (a FIFO or a device
    named like the template would block or never end).
    """
    import stat

    from debrief.locations import data_dir

    for folder in (data_dir(), Path(__file__).parent):
        path = folder / TEMPLATE_FILE
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        except FileNotFoundError:
            continue
        except OSError as error:
            raise ValueError(f"{path}: cannot read the invitation template: {error.strerror or error}") from None
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise ValueError(f"{path}: the invitation template is not a regular file")
            with os.fdopen(fd, "rb", closefd=False) as handle:
                raw = handle.read(MAX_TEMPLATE_BYTES + 1)
        except OSError as error:
            raise ValueError(f"{path}: cannot read the invitation template: {error.strerror or error}") from None
        finally:
            os.close(fd)
        if len(raw) > MAX_TEMPLATE_BYTES:
            raise ValueError(f"{path}: the invitation template is too large "
                             f"(over {MAX_TEMPLATE_BYTES:,} bytes)")
        try:
            return raw.decode("utf-8"), str(path)
        except UnicodeDecodeError:
            raise ValueError(f"{path}: the invitation template is not UTF-8 text") from None
    raise ValueError(f"the invitation template {TEMPLATE_FILE} is missing")


def render_invitation(debrief: Debrief, at: datetime, minutes: int, settings: Settings) -> str:
    """The invitation email for a call at ``at`` lasting ``minutes``; ValueError if it cannot render.

    The template (the user's own copy wins) passes the same load check as a bank template: only
    the deal, the rep and the call (``when``, ``day``, ``clock``, ``zone``, ``minutes``), field
    look-ups, if/else and text filters; then it renders in the bounded sandbox of ``core.render``.
    ``when`` names the rep's zone (``rep_zone``).
    """
    from debrief.core.render import TEMPLATE_NAMES, render, template_problem
    from debrief.core.settings import rep_zone

    template, where = _template_text()
    context = debrief.template_context(settings.rep_name)
    names: dict[str, list[str] | None] = {
        name: list(value) if isinstance(value, dict) else None
        for name, value in context.items() if name in TEMPLATE_NAMES
    }
    names.update(dict.fromkeys(CALL_NAMES))
    problem = template_problem(template, names, kind="invitation")
    if problem is not None:
        raise ValueError(f"{where}: {problem}")
    zone = rep_zone(settings)
    context.update(minutes=int(minutes), when=describe_slot(at, zone), day=f"{at:%A} {at.day} {at:%B}",
                   clock=f"{at:%H:%M}", zone=zone)
    text = render(template, context, where, frozenset(names))
    return re.sub(r"\n{3,}", "\n\n", text) + "\n"


def book(debrief: Debrief, at: datetime, minutes: int, *, booked_at: datetime | None = None) -> None:
    """Record the booked call on ``debrief`` and move its status to scheduled (a store change).

    No invitation text is kept: until it is sent (``mark_sent``) it is rendered from the template
    whenever it is shown, so a name or time zone set after booking still signs it.
    """
    debrief.schedule = Schedule(
        at=at.replace(second=0, microsecond=0), minutes=minutes,
        booked_at=(booked_at or datetime.now()).replace(microsecond=0),
    )
    debrief.advance(Status.SCHEDULED)


def invitation_text(debrief: Debrief, settings: Settings) -> str:
    """The invitation of the booked call as it reads now; ValueError if none is booked or it cannot render.

    Once sent, the copy that went out (the buyer has that one); before, rendered from the template
    with today's settings. The command line, the screen and the calendar event all read it here.
    """
    schedule = debrief.schedule
    if schedule is None:
        raise ValueError(f"{debrief.id} has no call booked yet")
    if is_sent(debrief):
        return schedule.invitation
    return render_invitation(debrief, schedule.at, schedule.minutes, settings)


def is_sent(debrief: Debrief) -> bool:
    """Whether the booked call's invitation has left the app (a file or a draft was written)."""
    schedule = debrief.schedule
    return schedule is not None and schedule.sent_at is not None and bool(schedule.invitation.strip())


def mark_sent(debrief: Debrief, invitation: str, when: datetime | None = None) -> None:
    """Keep ``invitation`` as the copy sent for the booked call (a store change).

    The first sending counts: sending again keeps the first copy, so the app always shows what the
    buyer received. Booking the call again starts a new invitation.
    """
    schedule = debrief.schedule
    if schedule is None or is_sent(debrief) or not invitation.strip():
        return
    schedule.invitation = invitation
    schedule.sent_at = (when or datetime.now()).replace(microsecond=0)


def event_uid(debrief: Debrief) -> str:
    """The same for every export of one debrief, so a rescheduled call updates the old event."""
    return f"debrief-{debrief.id}@debrief.invalid"


def calendar_event(debrief: Debrief, now: datetime | None = None, zone: str | None = None,
                   invitation: str | None = None) -> bytes:
    """An RFC 5545 VCALENDAR with one VEVENT for the booked call; ValueError if none is booked.

    ``invitation`` is the event's description (``invitation_text``); without it, the copy sent,
    if any.

    Stored call times are the rep's wall clock in ``zone`` (``rep_zone``): the start and end carry
    that zone's TZID with its VTIMEZONE, so every calendar shows the slot right in its own zone,
    whatever zone the exporting process runs in. No ``zone``: the system's.
    """
    if debrief.schedule is None:
        raise ValueError(f"{debrief.id} has no call booked yet")
    from zoneinfo import ZoneInfo

    from icalendar import Calendar, Event, vCalAddress, vText

    from debrief.core.settings import system_zone

    tz = ZoneInfo(zone or system_zone())

    def _local(value: datetime) -> datetime:
        return value.replace(tzinfo=tz) if value.tzinfo is None else value.astimezone(tz)

    schedule = debrief.schedule
    calendar = Calendar()
    calendar.add("prodid", "-//debrief//debrief call//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    event = Event()
    event.add("uid", event_uid(debrief))
    event.add("dtstamp", (now or datetime.now()).astimezone(UTC))  # when it was made: process clock
    event.add("dtstart", _local(schedule.at))
    event.add("dtend", _local(schedule.at + timedelta(minutes=schedule.minutes)))
    # Each booking is a new revision of the same event: minutes since 2020 only ever grow.
    event.add("sequence", max(0, int((schedule.booked_at.astimezone(UTC) - datetime(2020, 1, 1, tzinfo=UTC))
                                     .total_seconds() // 60)))
    event.add("summary", f"Debrief call: {debrief.company} ({debrief.contact.name})")
    if invitation is None:
        invitation = schedule.invitation if is_sent(debrief) else ""
    event.add("description", invitation)
    event.add("status", "TENTATIVE")
    event.add("transp", "OPAQUE")
    if debrief.contact.email:
        attendee = vCalAddress(f"mailto:{debrief.contact.email}")
        attendee.params["cn"] = vText(debrief.contact.name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = vText("NEEDS-ACTION")
        event.add("attendee", attendee, encode=False)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def file_stem(debrief: Debrief) -> str:
    """``debrief-acme-corp-k3x9pa``: readable, safe on every file system, unique per debrief."""
    from debrief.locations import slug

    return f"debrief-{slug(debrief.company, 'call')}-{debrief.id}"


def save_invitation_files(debrief: Debrief, invitation: str, folder: Path | None = None,
                          now: datetime | None = None, zone: str | None = None) -> list[Path]:
    """Write the invitation (.txt) and, once booked, the event (.ics) into the exports folder.

    Only when the rep asks: through the one export writer (0600, never over an existing file), so
    the paths returned may carry a ``-2``. ValueError with a one-line reason when it cannot write.
    """
    from debrief.locations import save_export

    stem = file_stem(debrief)
    try:
        paths = [save_export(f"{stem}-invitation.txt", invitation, folder)]
        if debrief.schedule is not None:
            paths.append(save_export(f"{stem}.ics", calendar_event(debrief, now, zone, invitation), folder))
    except OSError as error:
        raise ValueError(f"cannot save the invitation: {error.strerror or error}") from None
    return paths


def display_path(path: Path) -> str:
    """A path as the rep would type it: ``~/Downloads/...`` when it is under the home folder."""
    home = str(Path.home())
    text = str(path)
    if text == home or text.startswith(home + os.sep):
        return "~" + text[len(home):]
    return text
