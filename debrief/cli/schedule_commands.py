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
    from debrief.core.model import Debrief
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
    try:  # a template that cannot render refuses the booking; the text itself renders when shown
        render_invitation(debrief, at, length, settings)
    except ValueError as error:
        raise BadInput(str(error)) from None
    stored = store.update(debrief.id, lambda d: book(d, at, length))
    for note in notes:
        click.echo(f"{'warning' if note.level == 'warning' else 'note'}: {note.message}", err=True)
    assert stored.schedule is not None
    end = stored.schedule.at + timedelta(minutes=length)
    echo(f"booked {format_datetime(stored.schedule.at)}–{end:%H:%M} ({length} minutes) with "
         f"{stored.contact.name}, {stored.company} [{stored.id}]")


@click.command("invite")
@click.argument("debrief_id")
@click.option("--eml", "eml", type=click.Path(dir_okay=False, path_type=Path), default=None, metavar="FILE",
              help="Write an email draft (.eml) to FILE: to the contact, the invitation as text and the "
                   "calendar request attached (opens in Outlook, Apple Mail, Thunderbird). Never overwrites.")
@click.option("--sender", default="", metavar="ADDRESS",
              help="Your address for the draft's From and the calendar's organizer: 'Name <you@company.com>'.")
@db_option
def invite_command(debrief_id: str, eml: Path | None, sender: str, db: Path | None) -> None:
    """The invitation text, rendered (with the suggested slot when no call is booked yet)."""
    from debrief.core.dates import format_datetime
    from debrief.core.schedule import book, invitation_text, mark_sent, render_invitation, suggest_slot
    from debrief.core.text import strip_control

    settings = _settings()
    if eml is not None:
        from debrief.core.email_draft import parse_sender

        eml = eml.expanduser()
        if eml.exists() or eml.is_symlink():
            raise BadInput(f"--eml: {eml} exists already; name a new file")
        if not eml.parent.is_dir():
            raise BadInput(f"--eml: folder {eml.parent} does not exist")
        try:
            parse_sender(sender)
        except ValueError as error:
            raise BadInput(f"--sender: {error}") from None
    store = open_store(db)
    debrief = store.get(debrief_id.strip().lower())
    booked = debrief.schedule is not None
    try:
        if debrief.schedule is not None:
            text = invitation_text(debrief, settings)
        else:
            at, length = suggest_slot(debrief.lost_on, datetime.now(), settings), settings.call_minutes
            text = render_invitation(debrief, at, length, settings)
    except ValueError as error:
        raise BadInput(str(error)) from None
    if debrief.schedule is None:  # after the render: a bad template is one line alone
        click.echo(f"note: no call booked yet; this proposes the suggested slot {format_datetime(at)} "
                   f"(book it with 'debrief schedule {debrief.id} --at \"{format_datetime(at)}\"')",
                   err=True)
        # The draft's calendar request needs a slot: the suggested one, on a copy (nothing is booked).
        debrief = debrief.model_copy(deep=True)
        book(debrief, at, length)
    if eml is None:
        sys.stdout.write(strip_control(text).rstrip("\n") + "\n")
        return
    _write_eml(debrief, text, eml, sender, settings)
    if booked:
        # The draft is the invitation that goes out: the app keeps that copy from now on.
        store.update(debrief.id, lambda stored: mark_sent(stored, text))


def _write_eml(debrief: Debrief, text: str, eml: Path, sender: str, settings: Settings) -> None:
    """Write the draft to ``eml``: created new (0600), never over an existing file."""
    import os

    from debrief.core.email_draft import invitation_draft
    from debrief.core.settings import rep_zone

    try:
        draft = invitation_draft(debrief, text, zone=rep_zone(settings), sender=sender, rep_name=settings.rep_name)
    except ValueError as error:
        raise BadInput(str(error)) from None
    try:
        fd = os.open(eml, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except FileExistsError:
        raise BadInput(f"--eml: {eml} exists already; name a new file") from None
    except OSError as error:
        raise BadInput(f"--eml: cannot write {eml}: {error.strerror or error}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(draft.data)
    except OSError as error:
        eml.unlink(missing_ok=True)
        raise BadInput(f"--eml: cannot write {eml}: {error.strerror or error}") from None
    for note in draft.notes:
        click.echo(f"note: {note}", err=True)
    if not sender.strip():
        click.echo("note: no sender address: your mail program's account sends it, and the calendar request "
                   "names no organizer (give --sender you@company.com)", err=True)
    echo(f"email draft written to {eml}")


@click.command("ics")
@click.argument("debrief_id")
@db_option
def ics_command(debrief_id: str, db: Path | None) -> None:
    """The booked call as an RFC 5545 calendar event (iCalendar) on stdout, in your time zone."""
    from debrief.core.schedule import calendar_event, invitation_text
    from debrief.core.settings import rep_zone

    debrief = open_store(db).get(debrief_id.strip().lower())
    if debrief.schedule is None:
        raise Missing(f"{debrief.id} has no call booked yet: book it with "
                      f"'debrief schedule {debrief.id} --at DATETIME'")
    settings = _settings()
    try:
        description = invitation_text(debrief, settings)
    except ValueError as error:  # the event is still worth having: without its description
        click.echo(f"note: the event has no description: {error}", err=True)
        description = ""
    sys.stdout.buffer.write(calendar_event(debrief, zone=rep_zone(settings), invitation=description))
    sys.stdout.flush()


COMMANDS = [schedule_command, invite_command, ics_command]
