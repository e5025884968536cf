"""The wrap-up after the call: the edits of the lesson (takeaways, action items, staying in
touch, follow-ups, the move-on date) and the defaults that help write it.

Pure logic, no UI. What the wrap-up shows of the call (answers by phase, the guess check) comes
from ``facts``; its export is the short summary of ``document``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from debrief.core import facts
from debrief.core.model import (
    ActionItem,
    Debrief,
    FollowUp,
    StayInTouch,
    Takeaways,
)

if TYPE_CHECKING:
    from debrief.core.tone import Finding

MOVE_ON_DAYS = 30
"""Default days from the call to the move-on date: buyers' reasons fade after about a month."""

TAKEAWAY_PARTS: tuple[tuple[str, str, str], ...] = (
    ("what_happened", "What happened", "In your own words: why did we lose?"),
    ("differently", "What I could have done differently", "What was in your hands?"),
    ("next_time", "What I will do next time", "One concrete change for the next deal."),
)
"""The three parts of the lesson: field name, title, prompt."""


# -- dates, action items, follow-ups ------------------------------------------------------------


def call_day(debrief: Debrief) -> date:
    """The day of the debrief call (or of the loss when no call was held or booked)."""
    if debrief.call.ended_at is not None:
        return debrief.call.ended_at.date()
    if debrief.call.started_at is not None:
        return debrief.call.started_at.date()
    if debrief.schedule is not None:
        return debrief.schedule.at.date()
    return debrief.lost_on


def suggest_move_on(debrief: Debrief, today: date, days: int = MOVE_ON_DAYS) -> date:
    """The reset button's default: ``days`` after the call, and never in the past."""
    return max(call_day(debrief) + timedelta(days=days), today)


def open_actions(debrief: Debrief) -> list[ActionItem]:
    """Action items not done yet."""
    return [item for item in debrief.action_items if not item.done]


def overdue_actions(debrief: Debrief, today: date) -> list[ActionItem]:
    """Open action items whose due date has passed."""
    return [item for item in open_actions(debrief) if item.due is not None and item.due < today]


def follow_up_count(debrief: Debrief) -> int:
    """How many contact attempts were logged after the call."""
    return len(debrief.follow_ups)


def last_follow_up(debrief: Debrief) -> FollowUp | None:
    """The most recent contact attempt, by date."""
    return max(debrief.follow_ups, key=lambda entry: entry.on, default=None)


def moved_on(debrief: Debrief, today: date) -> bool:
    """Past the move-on date: the deal is closed in the rep's head, home stops nagging."""
    return facts.moved_on(debrief.move_on, today)


# -- the "own it" check --------------------------------------------------------------------------


def ownit_findings(text: str) -> list[Finding]:
    """Excuses in a takeaway (blaming the buyer, the market, the product team), with suggestions.

    The rules live in data (``ownit_rules.yaml``), next to the tone check's.
    """
    if not text.strip():
        return []
    from debrief.core.tone import ownit_checker

    return list(ownit_checker().check(text))


# -- the edits of the wrap-up screen ---------------------------------------------------------------


@dataclass
class WrapUpDraft:
    """What the wrap-up screen edits, applied in one ``store.update`` so nothing else is touched.

    The call screen may still be saving answers to the same debrief; applying only these fields
    keeps both sets of edits.
    """

    takeaways: Takeaways = field(default_factory=Takeaways)
    action_items: list[ActionItem] = field(default_factory=list)
    stay_in_touch: StayInTouch = field(default_factory=StayInTouch)
    follow_ups: list[FollowUp] = field(default_factory=list)
    move_on: date | None = None

    @classmethod
    def of(cls, debrief: Debrief) -> WrapUpDraft:
        """The draft as stored, to start editing from."""
        return cls(
            takeaways=debrief.takeaways.model_copy(),
            action_items=[item.model_copy() for item in debrief.action_items],
            stay_in_touch=debrief.stay_in_touch.model_copy(),
            follow_ups=[entry.model_copy() for entry in debrief.follow_ups],
            move_on=debrief.move_on,
        )

    def apply(self, debrief: Debrief) -> None:
        """Write the draft into ``debrief`` (the change function given to ``store.update``)."""
        debrief.takeaways = self.takeaways.model_copy()
        debrief.action_items = [item.model_copy() for item in self.action_items]
        debrief.stay_in_touch = self.stay_in_touch.model_copy()
        debrief.follow_ups = [entry.model_copy() for entry in self.follow_ups]
        debrief.move_on = self.move_on
