"""Booking the debrief call from the command line: ``schedule``, ``invite``, ``ics``."""

from __future__ import annotations

import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import click

from debrief.cli.common import BadInput, Missing, db_option, echo, open_store
from debrief.cli.params import DateTimeType
from debrief.core.dates import Tense

if TYPE_CHECKING:
    from debrief.core.settings import Settings


def _settings() -> Settings:
    from debrief.core.settings import load_settings
    from debrief.locations import settings_file

    return load_settings(settings_file())


@click.command("schedule")
@click.argument("debrief_id")
@click.option("--at", "at", required=True, metavar="DATETIME", type=DateTimeType(Tense.FUTURE),
              help="When, ahead of now: 'YYYY-MM-DD HH:MM', 'tomorrow at 10:00', 'next tuesday 9am', "
                   "'in 2 weeks at 10:00'.")
@click.option("--minutes", type=click.IntRange(5, 120), default=None,
              help="Length of the call (default from settings: 20; 15-20 is typical).")
@click.option("--reschedule", is_flag=True, default=False,
              help="Book a new call even though the call was already held (or the debrief wrapped "
                   "up); without it such a debrief is refused.")
@db_option
def schedule_command(debrief_id: str, at: datetime, minutes: int | None, reschedule: bool,
                     db: Path | None) -> None:
    """Book the debrief call; warns when it falls inside the cool-off, refuses the past.

    Moving a booked call is booking it again. Once the call was held, booking another needs
    --reschedule.
    """
    from debrief.core.dates import format_datetime
    from debrief.core.schedule import book, check_booking, render_invitation

    settings = _settings()
    length = minutes or settings.call_minutes
    store = open_store(db)
    debrief = store.get(debrief_id.strip().lower())
    notes = check_booking(debrief, at, datetime.now(), settings, confirmed=reschedule)
    errors = [note for note in notes if note.level == "error"]
    if errors and errors[0].code == "settled":
        raise BadInput(f"{debrief.id}: {errors[0].message}; add --reschedule to book another call")
    if errors:
        raise BadInput(f"--at: {errors[0].message}")
    try:
        invitation = render_invitation(debrief, at, length, settings)
    except ValueError as error:
        raise BadInput(str(error)) from None
    stored = store.update(debrief.id, lambda d: book(d, at, length, invitation))
    for note in notes:
        click.echo(f"{'warning' if note.level == 'warning' else 'note'}: {note.message}", err=True)
    assert stored.schedule is not None
    end = stored.schedule.at + timedelta(minutes=length)
    echo(f"booked {format_datetime(stored.schedule.at)}–{end:%H:%M} ({length} minutes) with "
         f"{stored.contact.name}, {stored.company} [{stored.id}]")


@click.command("invite")
@click.argument("debrief_id")
@db_option
def invite_command(debrief_id: str, db: Path | None) -> None:
    """The invitation text, rendered (with the suggested slot when no call is booked yet)."""
    from debrief.core.dates import format_datetime
    from debrief.core.schedule import render_invitation, suggest_slot
    from debrief.core.text import strip_control

    settings = _settings()
    debrief = open_store(db).get(debrief_id.strip().lower())
    if debrief.schedule is not None and debrief.schedule.invitation.strip():
        text = debrief.schedule.invitation
    else:
        if debrief.schedule is not None:
            at, length = debrief.schedule.at, debrief.schedule.minutes
        else:
            at, length = suggest_slot(debrief.lost_on, datetime.now(), settings), settings.call_minutes
        try:
            text = render_invitation(debrief, at, length, settings)
        except ValueError as error:
            raise BadInput(str(error)) from None
        if debrief.schedule is None:  # after the render: a bad template is one line alone
            click.echo(f"note: no call booked yet; this proposes the suggested slot {format_datetime(at)} "
                       f"(book it with 'debrief schedule {debrief.id} --at \"{format_datetime(at)}\"')",
                       err=True)
    sys.stdout.write(strip_control(text).rstrip("\n") + "\n")


@click.command("ics")
@click.argument("debrief_id")
@db_option
def ics_command(debrief_id: str, db: Path | None) -> None:
    """The booked call as an RFC 5545 calendar event (iCalendar) on stdout, in your time zone."""
    from debrief.core.schedule import calendar_event
    from debrief.core.settings import rep_zone

    debrief = open_store(db).get(debrief_id.strip().lower())
    if debrief.schedule is None:
        raise Missing(f"{debrief.id} has no call booked yet: book it with "
                      f"'debrief schedule {debrief.id} --at DATETIME'")
    sys.stdout.buffer.write(calendar_event(debrief, zone=rep_zone(_settings())))
    sys.stdout.flush()


COMMANDS = [schedule_command, invite_command, ics_command]
