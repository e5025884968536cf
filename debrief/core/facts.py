"""The derived facts of a debrief, each worked out once: every screen, command and export reads them here.

- status words (``in_call`` reads "in call" everywhere);
- the guess check: each guessed reason is ``match`` or ``miss`` once the buyer's answers carry any
  reason tag, and ``not checked`` until then (a guess is not wrong before anything was heard);
- what is due: one rule for check-ins and the move-on date, used by the home panel (over index
  summaries), the patterns screen and ``debrief stats`` (over full debriefs);
- the talk share and the answers by phase, with the ones left unclear.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from debrief.core.text import one_line

if TYPE_CHECKING:
    # The home path reads status words and the due rule over index summaries: importing the
    # model (and pydantic with it) there would add a quarter of a second to the first screen.
    from debrief.core.model import AnswerState, CallRecord, Debrief

# -- words ---------------------------------------------------------------------------------------

STATUS_LABELS: dict[str, str] = {
    "logged": "logged",
    "scheduled": "scheduled",
    "prepared": "prepared",
    "in_call": "in call",
    "held": "held",
    "wrapped": "wrapped",
}
"""How a status reads, on screen and in every export."""


def status_label(status: object) -> str:
    """The readable form of a stored status."""
    key = str(getattr(status, "value", status) or "")
    return STATUS_LABELS.get(key, key)


_HELD = frozenset({"held", "wrapped"})


def call_time(summary: dict[str, Any]) -> str:
    """When the call is, or was, as a list shows it: the booked slot, and once the call was held
    the time it happened (the slot it was booked for no longer matters). Reads an index summary."""
    held_at = summary.get("held_at") if summary.get("status") in _HELD else None
    when = held_at or summary.get("call_at")
    return when.replace("T", " ")[:16] if isinstance(when, str) else ""


def reason_label(tag: str) -> str:
    """The readable name of a loss-reason tag, from the one taxonomy (shipped, team, the rep's);
    a tag nobody declared reads from its id (``security-review`` is "Security review")."""
    from debrief.core.reasons import taxonomy

    return taxonomy().label(tag)


def state_label(state: AnswerState) -> str:
    """How an answer's state reads: ``not asked``, ``answered``, ``unclear``, ``clarified``."""
    return state.value.replace("_", " ")


# -- the guess check ------------------------------------------------------------------------------

MATCH = "match"
MISS = "miss"
NOT_CHECKED = "not checked"
BUYER_ONLY = "not guessed"
"""The four verdicts of a reason: the guess held, failed, cannot be judged yet, or was not made."""


@dataclass(frozen=True)
class ReasonCheck:
    """One loss reason: whether the rep guessed it and how often the buyer's answers carry it."""

    tag: str
    guessed: bool
    said: int
    checked: bool
    """False while no answer carries any reason tag: nothing to judge a guess by yet."""

    @property
    def label(self) -> str:
        """The readable name of the reason."""
        return reason_label(self.tag)

    @property
    def verdict(self) -> str:
        """``match``, ``miss``, ``not checked`` (guessed, nothing tagged yet) or ``not guessed``."""
        if not self.guessed:
            return BUYER_ONLY
        if not self.checked:
            return NOT_CHECKED
        return MATCH if self.said else MISS


@dataclass(frozen=True)
class GuessCheck:
    """The rep's guessed reasons beside the buyer's: reps are often wrong about why they lost."""

    guessed: tuple[str, ...]
    """The rep's guesses, in the order written, without repeats."""
    said: tuple[tuple[str, int], ...]
    """The buyer's reasons with how many answers carry each, most said first."""

    @property
    def buyer(self) -> tuple[str, ...]:
        """The buyer's reasons, most said first."""
        return tuple(tag for tag, _ in self.said)

    @property
    def checked(self) -> bool:
        """Whether any answer carries a reason, so the guesses can be judged."""
        return bool(self.said)

    @property
    def rows(self) -> tuple[ReasonCheck, ...]:
        """Guessed reasons first (the rep's order), then the buyer's other reasons."""
        counts = dict(self.said)
        rows = [ReasonCheck(tag, True, counts.get(tag, 0), self.checked) for tag in self.guessed]
        rows += [ReasonCheck(tag, False, count, True) for tag, count in self.said if tag not in self.guessed]
        return tuple(rows)

    @property
    def guessed_rows(self) -> tuple[ReasonCheck, ...]:
        """The rows of the reasons the rep guessed."""
        return tuple(row for row in self.rows if row.guessed)

    @property
    def buyer_only(self) -> tuple[ReasonCheck, ...]:
        """The rows of reasons the buyer gave that the rep did not guess."""
        return tuple(row for row in self.rows if not row.guessed)

    def _with(self, verdict: str) -> tuple[str, ...]:
        return tuple(row.tag for row in self.rows if row.verdict == verdict)

    @property
    def confirmed(self) -> tuple[str, ...]:
        """Guesses the buyer bore out."""
        return self._with(MATCH)

    @property
    def missed(self) -> tuple[str, ...]:
        """Guesses the buyer never gave, once the buyer gave any reason."""
        return self._with(MISS)

    @property
    def not_checked(self) -> tuple[str, ...]:
        """Guesses that cannot be judged yet: no answer carries a reason."""
        return self._with(NOT_CHECKED)

    @property
    def unexpected(self) -> tuple[str, ...]:
        """Reasons the buyer gave that the rep did not guess."""
        return self._with(BUYER_ONLY)

    @property
    def accuracy(self) -> float | None:
        """Share of guesses confirmed; None without a guess or without a buyer reason to judge by."""
        if not self.guessed or not self.checked:
            return None
        return len(self.confirmed) / len(self.guessed)

    def cell(self) -> str:
        """A few words for a narrow cell (side by side)."""
        if not self.guessed:
            return "no guess written"
        if not self.checked:
            return "not checked: no buyer reasons tagged yet"
        return f"{len(self.confirmed)} of {len(self.guessed)} confirmed ({self.accuracy:.0%})"

    def sentence(self) -> str:
        """One line that says how the guess held up."""
        guessed = len(self.guessed)
        if not guessed and not self.said:
            return "No guess was written before the call and no answer was tagged with a reason."
        if not guessed:
            return "No guess was written before the call."
        if not self.checked:
            return "No answer was tagged with a loss reason yet, so the guess cannot be checked."
        matched = len(self.confirmed)
        return f"{matched} of {guessed} guessed reason{'s' if guessed != 1 else ''} matched what the buyer said."

    def to_json(self) -> dict[str, Any]:
        """The guess check as plain JSON (``compare`` and ``show --format json``)."""
        return {"guessed": list(self.guessed), "buyer": list(self.buyer),
                "confirmed": list(self.confirmed), "missed": list(self.missed),
                "not_checked": list(self.not_checked), "unexpected": list(self.unexpected),
                "accuracy": None if self.accuracy is None else round(self.accuracy, 4),
                "verdicts": {row.tag: row.verdict for row in self.guessed_rows}}


def said_counts(debrief: Debrief) -> tuple[tuple[str, int], ...]:
    """The buyer's reasons with how many answers carry each, most said first (then by name)."""
    counts: dict[str, int] = {}
    for answer in debrief.answers.values():
        for tag in answer.tags:
            counts[tag] = counts.get(tag, 0) + 1
    return tuple(sorted(counts.items(), key=lambda pair: (-pair[1], pair[0])))


def guess_check(debrief: Debrief) -> GuessCheck:
    """How the rep's guess held up against what the buyer said."""
    return GuessCheck(guessed=tuple(dict.fromkeys(debrief.guessed_reasons)), said=said_counts(debrief))


# -- what is due ----------------------------------------------------------------------------------


def moved_on(move_on: date | None, today: date) -> bool:
    """Past the move-on date: the rep has hit reset, so nothing about the debrief is due any more."""
    return move_on is not None and move_on < today


def move_on_today(move_on: date | None, today: date) -> bool:
    """The move-on date is today: the last day to do anything more for this deal."""
    return move_on is not None and move_on == today


def check_in_late_by(check_in: date | None, last_follow_up: date | None, move_on: date | None,
                     today: date) -> int | None:
    """Days a check-in is overdue (0: due today), or None when none is due.

    A check-in is due once its date has come, unless a follow-up was logged on or after that date
    (it was done) or the rep has moved on from it: the move-on date has passed and the check-in was
    planned before it. A check-in planned on or after the move-on date is the rep's deliberate
    "not now, but later" touchpoint, so the reset does not silence it.
    """
    if check_in is None or check_in > today:
        return None
    if moved_on(move_on, today) and move_on is not None and check_in < move_on:
        return None
    if last_follow_up is not None and last_follow_up >= check_in:
        return None
    return (today - check_in).days


def check_in_upcoming(check_in: date | None, move_on: date | None, today: date) -> bool:
    """A check-in is planned for a later day (and the rep has not moved on from it)."""
    if check_in is None or check_in <= today:
        return False
    return not moved_on(move_on, today) or (move_on is not None and check_in >= move_on)


def last_follow_up(debrief: Debrief) -> date | None:
    """The day of the most recent contact attempt."""
    return max((entry.on for entry in debrief.follow_ups), default=None)


# -- the call -------------------------------------------------------------------------------------


def talk_share(call: CallRecord) -> str | None:
    """How much the rep talked, in one line; None before anyone talked."""
    share = call.rep_share
    if share is None:
        return None
    return f"{share:.0%} of the time; longest monologue {call.longest_monologue:.0f} s"


def held_minutes(call: CallRecord) -> int | None:
    """Minutes the call lasted, once it ended."""
    return round(call.elapsed / 60) if call.ended_at is not None else None


# -- answers, by phase ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerLine:
    """One question of the script and what became of it."""

    question_id: str
    text: str
    state: AnswerState
    notes: str
    clarified: str
    tags: tuple[str, ...]
    probes: tuple[str, ...] = ()
    """The probes the rep used on it."""

    @property
    def unclear(self) -> bool:
        """Still unclear after the call: the rep should know which answers to trust less."""
        return self.state == "unclear"

    @property
    def asked(self) -> bool:
        """Whether the question was asked at all."""
        return self.state != "not_asked" or bool(self.notes)


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


OTHER_NOTES = "Other notes"
"""The title of the answers to questions that are not in the script."""


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
    from debrief.core.model import AnswerState

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
            probes=tuple(answer.probes_used) if answer else (),
        )
        key = question.phase or question.phase_title
        if key not in groups:
            groups[key] = (_phase_title(question.phase, question.phase_title), [])
        groups[key][1].append(line)
    others = [
        AnswerLine(question_id=qid, text=qid, state=answer.state, notes=answer.notes,
                   clarified=answer.clarified, tags=tuple(answer.tags), probes=tuple(answer.probes_used))
        for qid, answer in debrief.answers.items()
        if qid not in scripted and (answer.notes.strip() or answer.tags)
    ]
    summaries = [PhaseSummary(phase=key, title=title, answers=tuple(lines))
                 for key, (title, lines) in groups.items()]
    if others:
        summaries.append(PhaseSummary(phase="", title=OTHER_NOTES, answers=tuple(others)))
    return summaries


def unclear_answers(debrief: Debrief) -> list[AnswerLine]:
    """Every answer still marked unclear, in script order."""
    return [line for phase in answers_by_phase(debrief) for line in phase.answers if line.unclear]


# -- all of it, for machines ----------------------------------------------------------------------


def derived_json(debrief: Debrief, today: date) -> dict[str, Any]:
    """The facts worked out from one debrief, as plain JSON (``show --format json`` adds them)."""
    plan = debrief.stay_in_touch
    late_by = check_in_late_by(plan.next_check_in, last_follow_up(debrief), debrief.move_on, today)
    unclear = unclear_answers(debrief)
    return {
        "status": status_label(debrief.status),
        "guess": guess_check(debrief).to_json(),
        "check_in_due": late_by is not None,
        "check_in_days_late": late_by,
        "moved_on": moved_on(debrief.move_on, today),
        "move_on_today": move_on_today(debrief.move_on, today),
        "talk_share": None if debrief.call.rep_share is None else round(debrief.call.rep_share, 4),
        "unclear": [line.question_id for line in unclear],
    }
