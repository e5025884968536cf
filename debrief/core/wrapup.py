"""The wrap-up after the call: what the buyer said, how the rep's guess held up, the lesson.

Pure logic, no UI: the wrap-up screen, ``debrief summary`` and the tests all read the same
summaries from here. The Markdown summary is short on purpose: something a rep pastes into a CRM
note or sends to their manager, not the full record (that is ``debrief show``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from debrief.core.dates import format_date
from debrief.core.model import (
    ActionItem,
    AnswerState,
    Debrief,
    FollowUp,
    StayInTouch,
    Takeaways,
)
from debrief.core.report import reason_label
from debrief.core.text import one_line, strip_control

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


# -- answers, by phase ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerLine:
    """One question of the script and what became of it, flattened for a summary."""

    question_id: str
    text: str
    state: AnswerState
    notes: str
    clarified: str
    tags: tuple[str, ...]

    @property
    def unclear(self) -> bool:
        """Still unclear after the call: the rep should know which answers to trust less."""
        return self.state is AnswerState.UNCLEAR

    @property
    def asked(self) -> bool:
        """Whether the question was asked at all."""
        return self.state is not AnswerState.NOT_ASKED or bool(self.notes)


@dataclass(frozen=True)
class PhaseSummary:
    """The answers of one phase of the script, in the order they were asked."""

    phase: str
    title: str
    answers: tuple[AnswerLine, ...]

    @property
    def unclear_count(self) -> int:
        """How many answers of this phase stayed unclear."""
        return sum(1 for answer in self.answers if answer.unclear)

    @property
    def asked_count(self) -> int:
        """How many questions of this phase were asked."""
        return sum(1 for answer in self.answers if answer.asked)


def _phase_title(phase: str, title: str) -> str:
    if title.strip():
        return one_line(title)
    if phase.strip():
        return one_line(phase.replace("-", " ").replace("_", " ")).capitalize()
    return "Questions"


def answers_by_phase(debrief: Debrief) -> list[PhaseSummary]:
    """The script's questions grouped by phase (first-seen order), each with its answer.

    Answers to questions that are not in the script (ad-hoc notes) come last as "Other notes".
    """
    groups: dict[str, tuple[str, list[AnswerLine]]] = {}
    scripted: set[str] = set()
    for question in debrief.script.questions if debrief.script else []:
        scripted.add(question.id)
        answer = debrief.answers.get(question.id)
        line = AnswerLine(
            question_id=question.id,
            text=question.text,
            state=answer.state if answer else AnswerState.NOT_ASKED,
            notes=answer.notes if answer else "",
            clarified=answer.clarified if answer else "",
            tags=tuple(answer.tags) if answer else (),
        )
        key = question.phase or question.phase_title
        if key not in groups:
            groups[key] = (_phase_title(question.phase, question.phase_title), [])
        groups[key][1].append(line)
    others = [
        AnswerLine(question_id=qid, text=qid, state=answer.state, notes=answer.notes,
                   clarified=answer.clarified, tags=tuple(answer.tags))
        for qid, answer in debrief.answers.items()
        if qid not in scripted and (answer.notes.strip() or answer.tags)
    ]
    summaries = [PhaseSummary(phase=key, title=title, answers=tuple(lines))
                 for key, (title, lines) in groups.items()]
    if others:
        summaries.append(PhaseSummary(phase="", title="Other notes", answers=tuple(others)))
    return summaries


def unclear_answers(debrief: Debrief) -> list[AnswerLine]:
    """Every answer still marked unclear, in script order."""
    return [line for phase in answers_by_phase(debrief) for line in phase.answers if line.unclear]


# -- the rep's guess versus the buyer --------------------------------------------------------------


@dataclass(frozen=True)
class ReasonRow:
    """One loss reason: whether the rep guessed it and whether the buyer gave it."""

    tag: str
    guessed: bool
    said: int
    """How many of the buyer's answers were tagged with it (0: the buyer did not give it)."""
    checkable: bool = True
    """False while no answer is tagged at all: a guess is then not yet a miss."""

    @property
    def label(self) -> str:
        """The readable name of the reason."""
        return reason_label(self.tag)

    @property
    def verdict(self) -> str:
        """``match`` (guessed and said), ``miss`` (guessed, not said), ``not checked`` (guessed, but no
        answer is tagged yet) or ``not guessed``."""
        if self.guessed:
            if not self.checkable:
                return "not checked"
            return "match" if self.said else "miss"
        return "not guessed"


@dataclass(frozen=True)
class GuessComparison:
    """The rep's guess set beside the buyer's reasons: reps are often wrong about why they lost."""

    rows: tuple[ReasonRow, ...]

    @property
    def guessed(self) -> list[ReasonRow]:
        """The reasons the rep guessed, in the order written."""
        return [row for row in self.rows if row.guessed]

    @property
    def matches(self) -> int:
        """How many guesses the buyer bore out."""
        return sum(1 for row in self.rows if row.verdict == "match")

    @property
    def buyer_only(self) -> list[ReasonRow]:
        """Reasons the buyer gave that the rep did not guess."""
        return [row for row in self.rows if not row.guessed]

    @property
    def has_buyer_reasons(self) -> bool:
        """Whether any answer was tagged with a reason (without tags, nothing can match)."""
        return any(row.said for row in self.rows)

    def sentence(self) -> str:
        """One line that says how the guess held up."""
        guessed = len(self.guessed)
        if not guessed and not self.rows:
            return "No guess was written before the call and no answer was tagged with a reason."
        if not guessed:
            return "No guess was written before the call."
        if not self.has_buyer_reasons:
            return "No answer was tagged with a loss reason yet, so the guess cannot be checked."
        return f"{self.matches} of {guessed} guessed reason{'s' if guessed != 1 else ''} matched what the buyer said."


def compare_guess(debrief: Debrief) -> GuessComparison:
    """Guessed reasons first (in the rep's order), then the buyer's other reasons, most said first."""
    counts: dict[str, int] = {}
    for answer in debrief.answers.values():
        for tag in answer.tags:
            counts[tag] = counts.get(tag, 0) + 1
    rows = [ReasonRow(tag=tag, guessed=True, said=counts.get(tag, 0), checkable=bool(counts))
            for tag in dict.fromkeys(debrief.guessed_reasons)]
    rows += [ReasonRow(tag=tag, guessed=False, said=counts[tag])
             for tag in debrief.buyer_reasons() if tag not in debrief.guessed_reasons]
    return GuessComparison(rows=tuple(rows))


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
    return debrief.move_on is not None and today > debrief.move_on


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


# -- the Markdown summary --------------------------------------------------------------------------


def _clean(text: str) -> str:
    return strip_control(text).strip()


def _block(title: str, text: str) -> list[str]:
    lines = _clean(text).splitlines()
    if not lines:
        return []
    return [f"**{title}:**", "", *[f"> {line}" if line else ">" for line in lines], ""]


def summary_filename(debrief: Debrief) -> str:
    """A file name for the exported summary: company and id, safe on every file system."""
    slug = re.sub(r"[^a-z0-9]+", "-", debrief.company.lower()).strip("-")[:40] or "debrief"
    return f"{slug}-{debrief.id}-summary.md"


def summary_markdown(debrief: Debrief, today: date | None = None) -> str:
    """A short Markdown summary of the lesson, for a CRM note or a message to a manager."""
    today = today or date.today()
    lost_to = f" to {_clean(debrief.lost_to)}" if debrief.lost_to.strip() else ""
    out = [f"# Loss debrief: {_clean(debrief.company)}", ""]
    facts = [f"Lost{lost_to} on {format_date(debrief.lost_on)}"]
    contact = _clean(debrief.contact.name) + (f" ({_clean(debrief.contact.role)})" if debrief.contact.role else "")
    facts.append(f"debrief with {contact}")
    if debrief.call.ended_at is not None:
        facts.append(f"call held {format_date(debrief.call.ended_at.date())}")
    elif debrief.schedule is not None:
        facts.append(f"call booked {format_date(debrief.schedule.at.date())}")
    if debrief.value is not None:
        facts.append(f"value {debrief.value:,.0f}")
    out += ["; ".join(facts) + f". Status: {debrief.status.value.replace('_', ' ')} (id {debrief.id}).", ""]

    comparison = compare_guess(debrief)
    out += ["## Why we lost: my guess versus the buyer", ""]
    if comparison.rows:
        out += [f"- {row.label}: {row.verdict}" + (f" (buyer: {row.said}×)" if row.said else "")
                for row in comparison.rows]
        out.append("")
    out += [comparison.sentence(), ""]

    takeaways = debrief.takeaways
    parts = [(title, getattr(takeaways, name)) for name, title, _ in TAKEAWAY_PARTS]
    out += ["## Takeaways", ""]
    written = [line for title, text in parts for line in _block(title, text)]
    out += written or ["_Not written yet._", ""]

    out += ["## Action items", ""]
    if debrief.action_items:
        for item in debrief.action_items:
            details = [f"owner: {_clean(item.owner)}" if item.owner.strip() else "",
                       f"due {format_date(item.due)}" if item.due else "",
                       "overdue" if item.due and not item.done and item.due < today else ""]
            extra = ", ".join(part for part in details if part)
            out.append(f"- [{'x' if item.done else ' '}] {one_line(item.text)}" + (f" ({extra})" if extra else ""))
        out.append("")
    else:
        out += ["_None._", ""]

    plan = debrief.stay_in_touch
    out += ["## Staying in touch", ""]
    mention = {True: "yes", False: "no", None: "not asked"}[plan.may_mention]
    out += [f"- Channel: {one_line(plan.channel) or '—'}",
            f"- Next check-in: {format_date(plan.next_check_in) or '—'}",
            f"- May mention us to others: {mention}"]
    if plan.referral.strip():
        out.append(f"- Referral: {one_line(plan.referral)}")
    if plan.revisit_trigger.strip():
        out.append(f"- What would make them revisit: {one_line(plan.revisit_trigger)}")
    out.append("")

    out += [f"## Follow-ups ({follow_up_count(debrief)})", ""]
    if debrief.follow_ups:
        for entry in sorted(debrief.follow_ups, key=lambda item: item.on):
            what = " — ".join(part for part in (one_line(entry.channel), one_line(entry.outcome)) if part)
            out.append(f"- {format_date(entry.on)}" + (f": {what}" if what else ""))
        out.append("")
    else:
        out += ["_None logged yet._", ""]

    out += [f"**Move on after:** {format_date(debrief.move_on) or 'not set'}", ""]

    unclear = unclear_answers(debrief)
    if unclear:
        out += ["## Answers still unclear", ""]
        out += [f"- {one_line(line.text, 90)}" + (f": {one_line(line.notes, 120)}" if line.notes.strip() else "")
                for line in unclear]
        out.append("")
    return "\n".join(out).rstrip() + "\n"
