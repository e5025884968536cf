"""What the patterns need of one debrief (``Facts``), worked out once per save for the facts cache.

Apart from the counting (``stats``) so that the store, which keeps the cache up to date on every
save, depends only on this and on the search text, never on the due rule and the settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from debrief.core.text import one_line

if TYPE_CHECKING:
    from debrief.core.model import AnswerState, Debrief


@dataclass(frozen=True, slots=True)
class Facts:
    """What the patterns need of one debrief: small, so 10,000 of them stay cheap in memory."""

    id: str
    company: str
    contact: str
    lost_on: date
    lost_to: str
    stage: str
    value: float | None
    status: str
    buyer: tuple[str, ...]
    guessed: tuple[str, ...]
    red_flags: tuple[str, ...]
    actions: tuple[tuple[bool, date | None, str], ...]
    """Action items: done, due, text."""
    next_check_in: date | None
    move_on: date | None
    follow_ups: int
    answers: tuple[tuple[str, str, AnswerState], ...]
    """Asked questions: id, text, state."""
    summary: dict[str, Any]
    """The debrief's index summary: what the due rule reads, as on the home screen."""


def facts_of(debrief: Debrief) -> Facts:
    """Boil one debrief down to what the patterns count."""
    from debrief.core.model import AnswerState, summary_of

    texts = {q.id: one_line(q.text) for q in debrief.script.questions} if debrief.script else {}
    return Facts(
        id=debrief.id, company=one_line(debrief.company), contact=one_line(debrief.contact.name),
        lost_on=debrief.lost_on, lost_to=one_line(debrief.lost_to), stage=one_line(debrief.stage),
        value=debrief.value, status=debrief.status.value, buyer=tuple(debrief.buyer_reasons()),
        guessed=tuple(dict.fromkeys(debrief.guessed_reasons)), red_flags=tuple(dict.fromkeys(debrief.red_flags)),
        actions=tuple((item.done, item.due, one_line(item.text)) for item in debrief.action_items),
        next_check_in=debrief.stay_in_touch.next_check_in,
        move_on=debrief.move_on,
        follow_ups=len(debrief.follow_ups),
        answers=tuple((qid, texts.get(qid, qid), answer.state) for qid, answer in debrief.answers.items()
                      if answer.state != AnswerState.NOT_ASKED),
        summary=summary_of(debrief),
    )


def quarter_of(day: date) -> str:
    """``2026-Q4``: sorts as text and reads at a glance."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def cents_of(value: float | None) -> int:
    """An amount in whole cents: sums of cents are exact whatever order the debriefs come in."""
    return round((value or 0.0) * 100)
