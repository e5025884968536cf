"""The invitation as an email draft (.eml) the rep opens in Outlook, Apple Mail or Thunderbird.

An RFC 5322 message built with the standard library's email package (``EmailMessage``, the
default policy, CRLF line ends as mail programs write them):

- ``To`` the contact (name and address); no address: no ``To``, the rep fills it in;
- ``From`` the rep when an address is known (``sender``); else the mail program's account;
- ``Subject`` from the invitation's ``Subject:`` line, ``Date``, ``Message-ID``;
- ``X-Unsent: 1``: Outlook opens the file as a draft to send, not as a received message;
- a ``multipart/alternative`` of the rendered invitation (``text/plain``) and the calendar request
  (``text/calendar; method=REQUEST; charset=utf-8``): the event of ``core.schedule`` with
  ``METHOD:REQUEST``, the rep as ``ORGANIZER`` when an address is known, and the contact as
  ``ATTENDEE`` asked to reply, so calendars offer Accept and Decline;
- the same calendar as an ``invite.ics`` attachment, for mail programs that show only attachments.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses, make_msgid
from pathlib import Path

from debrief.core.model import Debrief
from debrief.core.text import clean_line

DOMAIN = "debrief.invalid"
"""The domain of the message id: the draft is made on the rep's machine, not by a mail server."""


@dataclass(frozen=True)
class Draft:
    """The draft's bytes, and what the rep should be told about it."""

    data: bytes
    notes: tuple[str, ...]


def parse_sender(text: str) -> Address | None:
    """``Sam Rep <sam@example.com>`` or ``sam@example.com`` as an address; ValueError if neither."""
    value = text.strip()
    if not value:
        return None
    pairs = getaddresses([value])
    if len(pairs) != 1 or "@" not in pairs[0][1] or "\n" in value or "\r" in value:
        raise ValueError(f"not an email address: {value[:60]!r} (write you@company.com or 'Name <you@company.com>')")
    name, addr = pairs[0]
    try:
        return Address(display_name=clean_line(name).strip(), addr_spec=addr)
    except (ValueError, IndexError):
        raise ValueError(f"not an email address: {addr[:60]!r}") from None


def _address(name: str, addr: str) -> Address | None:
    try:
        return Address(display_name=name, addr_spec=addr)
    except (ValueError, IndexError):
        return None


def split_subject(invitation: str, fallback: str) -> tuple[str, str]:
    """The invitation's ``Subject:`` line (or ``fallback``) and the body after it."""
    text = invitation.lstrip("\n")
    first, _, rest = text.partition("\n")
    if first.lower().startswith("subject:"):
        subject = clean_line(first[len("subject:"):]).strip()
        return subject or fallback, rest.lstrip("\n")
    return fallback, text


def calendar_request(debrief: Debrief, zone: str, organizer: Address | None, now: datetime | None = None,
                     invitation: str | None = None) -> bytes:
    """The booked call as an iCalendar REQUEST (RFC 5546): the event plus method, organizer, RSVP."""
    from icalendar import Calendar, vCalAddress, vText

    from debrief.core.schedule import calendar_event

    calendar = Calendar.from_ical(calendar_event(debrief, now, zone, invitation))
    calendar.add("method", "REQUEST")
    for event in calendar.walk("VEVENT"):
        if organizer is not None:
            address = vCalAddress(f"mailto:{organizer.addr_spec}")
            if organizer.display_name:
                address.params["cn"] = vText(organizer.display_name)
            event.add("organizer", address, encode=False)
        attendees = event.get("attendee")
        for attendee in attendees if isinstance(attendees, list) else [attendees] if attendees else []:
            attendee.params["rsvp"] = "TRUE"
    return bytes(calendar.to_ical())


def invitation_draft(debrief: Debrief, invitation: str, *, zone: str, sender: str = "", rep_name: str = "",
                     now: datetime | None = None, attach: bool = True) -> Draft:
    """The email draft of the invitation to the booked call; ValueError if no call is booked."""
    if debrief.schedule is None:
        raise ValueError(f"{debrief.id} has no call booked yet")
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    organizer = parse_sender(sender)
    if organizer is not None and not organizer.display_name and rep_name:
        organizer = Address(display_name=clean_line(rep_name).strip(), addr_spec=organizer.addr_spec)
    notes: list[str] = []
    message = EmailMessage(policy=policy.default)
    contact = debrief.contact
    to = _address(contact.name, contact.email) if contact.email else None
    if to is not None:
        message["To"] = to
    else:
        notes.append(f"no email address for {contact.name}: the draft has no To; add it in your mail program")
    if organizer is not None:
        message["From"] = organizer
    subject, body = split_subject(invitation, f"Debrief call: {debrief.company}")
    message["Subject"] = subject
    message["Date"] = format_datetime(moment)
    message["Message-ID"] = make_msgid(idstring=debrief.id, domain=DOMAIN)
    message["X-Unsent"] = "1"
    message.set_content(body.rstrip("\n") + "\n")
    ics = calendar_request(debrief, zone, organizer, now, body.rstrip("\n") + "\n")
    message.add_alternative(ics.decode("utf-8"), subtype="calendar", params={"method": "REQUEST"})
    if attach:
        message.add_attachment(ics, maintype="application", subtype="ics", filename="invite.ics")
    return Draft(message.as_bytes(policy=policy.SMTP), tuple(notes))


def save_draft(debrief: Debrief, invitation: str, folder: Path | None = None, *, zone: str,
               sender: str = "", rep_name: str = "", now: datetime | None = None) -> tuple[Path, Draft]:
    """Write the draft into the exports folder (``debrief-acme-corp-k3x9pa.eml``, never over a file).

    ValueError with a one-line reason when it cannot be made or written.
    """
    from debrief.core.schedule import file_stem
    from debrief.locations import save_export

    draft = invitation_draft(debrief, invitation, zone=zone, sender=sender, rep_name=rep_name, now=now)
    try:
        return save_export(f"{file_stem(debrief)}.eml", draft.data, folder), draft
    except OSError as error:
        raise ValueError(f"cannot save the email draft: {error.strerror or error}") from None
