"""What may still be done to a debrief, given how far it got: the rules every door applies.

The rep may jump around, and the status only records progress; but once the call was held its
notes are the buyer's words, and once the debrief is wrapped its lesson is written. Booking a new
call or reopening the call then happens only when the rep says so: the app asks first, the
command line wants a flag. Nothing here knows about either: they read the same predicates and
show the same reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from debrief.core.model import Debrief, Status

SETTLED = frozenset({Status.HELD, Status.WRAPPED})
"""Statuses after the call: its notes are kept as they were said."""


def may_schedule(status: Status) -> bool:
    """Whether a call may be booked (or moved) without asking: not once the call was held."""
    return status not in SETTLED


def may_reopen_call(status: Status) -> bool:
    """Whether the live call may be opened without asking: not once it was held (or wrapped)."""
    return status not in SETTLED


@dataclass(frozen=True)
class Confirmation:
    """An action that needs the rep's yes first: why, and the question to ask."""

    reason: str
    """One line: what makes the action unusual (``Acme Corp's call was already held``)."""
    question: str
    """What the app asks (``Book another call?``)."""


def _settled_reason(debrief: Debrief) -> str:
    held = debrief.call.ended_at or debrief.call.started_at or (debrief.schedule.at if debrief.schedule else None)
    when = f" on {held:%Y-%m-%d}" if held is not None else ""
    if debrief.status is Status.WRAPPED:
        return f"{debrief.company} is wrapped up: its call was held{when} and its lesson written"
    return f"{debrief.company}'s call was already held{when}"


def schedule_confirmation(debrief: Debrief) -> Confirmation | None:
    """None when booking a call needs no question; otherwise what to ask."""
    if may_schedule(debrief.status):
        return None
    return Confirmation(_settled_reason(debrief), "Book another call anyway? The notes stay as they are.")


def reopen_confirmation(debrief: Debrief) -> Confirmation | None:
    """None when the live call opens without a question; otherwise what to ask."""
    if may_reopen_call(debrief.status):
        return None
    return Confirmation(_settled_reason(debrief),
                        "Reopen the call? What you type goes into the saved notes.")
