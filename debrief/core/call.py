"""The live call, without a screen: timer, talk-share meter, per-question time, answer states.

Two halves. ``CallSession`` keeps the running figures in memory (it is told the time, so tests
drive it with plain numbers). The functions below it are *changes*: small functions applied to a
``Debrief`` that set only what one action touched, so the autosaver can replay them on the newest
stored copy and a second process's edits to other fields survive.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import partial

from debrief.core.model import (
    AdHocQuestion,
    AnswerState,
    Debrief,
    Marker,
    Script,
    ScriptQuestion,
    Status,
)

Change = Callable[[Debrief], None]
"""One edit of a debrief, replayable on the newest stored copy."""

SHARE_AFTER_SECONDS = 60.0
"""Talk share is only judged once a minute of talking is recorded: 100% after the opening
sentence says nothing."""

GENERIC_PROBES = [
    "Could you give me an example?",
    "Could you tell me a bit more about that?",
    "What did that look like for your team?",
    "How did that weigh in the final decision?",
]
"""Clarifying follow-ups offered when a question has none of its own."""

NOTES_QUESTION_ID = "call-notes"
"""The one question of a call whose script has none, so notes always have a home."""




def phrasing_from(suggestion: str) -> str:
    """The question to ask, out of a tone check's advice.

    Suggestions read like 'Ask what would have helped instead: "What would have made it easier?"':
    the quoted question is what goes into the rep's field (the first complete one, without "…"
    gaps to fill in); advice with no quoted question is returned as it is.
    """
    from debrief.core.script import suggested_phrasing

    return suggested_phrasing(suggestion) or suggestion.strip()


class Speaker(StrEnum):
    """Who is talking now, as the rep toggles it."""

    NOBODY = "nobody"
    REP = "rep"
    BUYER = "buyer"


def format_clock(seconds: float) -> str:
    """``m:ss`` (or ``h:mm:ss`` past an hour): how a call timer reads."""
    total = max(int(seconds), 0)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


@dataclass
class CallSession:
    """The figures of one call in progress: elapsed time, per-question time, who talked how long.

    Time only counts while the timer runs. Every method takes ``now`` (monotonic seconds) so the
    session never reads a clock itself.
    """

    question_ids: list[str]
    current: int = 0
    elapsed: float = 0.0
    rep_talk: float = 0.0
    buyer_talk: float = 0.0
    longest_monologue: float = 0.0
    question_seconds: dict[str, float] = field(default_factory=dict)
    speaker: Speaker = Speaker.NOBODY
    monologue: float = 0.0
    _last: float | None = None

    @classmethod
    def resume(cls, debrief: Debrief, question_ids: Sequence[str]) -> CallSession:
        """Pick up a call where it stopped: same question, same figures, timer paused."""
        ids = list(question_ids)
        call = debrief.call
        current = ids.index(call.current_question) if call.current_question in ids else 0
        seconds = {qid: debrief.answers[qid].seconds for qid in ids if qid in debrief.answers}
        return cls(
            question_ids=ids,
            current=current,
            elapsed=call.elapsed,
            rep_talk=call.rep_talk,
            buyer_talk=call.buyer_talk,
            longest_monologue=call.longest_monologue,
            question_seconds=seconds,
        )

    # -- the clock -------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        """Whether the call timer is counting."""
        return self._last is not None

    def _advance(self, now: float) -> None:
        """Bring every figure up to ``now``: the time since the last look goes everywhere it counts."""
        if self._last is None:
            return
        step = max(now - self._last, 0.0)
        self._last = now
        self.elapsed += step
        qid = self.current_id
        if qid is not None:
            self.question_seconds[qid] = self.question_seconds.get(qid, 0.0) + step
        if self.speaker is Speaker.REP:
            self.rep_talk += step
            self.monologue += step
            self.longest_monologue = max(self.longest_monologue, self.monologue)
        elif self.speaker is Speaker.BUYER:
            self.buyer_talk += step

    def update(self, now: float) -> None:
        """Count the time up to ``now`` (the screen's tick calls this once a second)."""
        self._advance(now)

    def start(self, now: float) -> None:
        """Start (or resume) the timer."""
        if self._last is None:
            self._last = now

    def pause(self, now: float) -> None:
        """Stop counting; who was talking is remembered for when the timer resumes."""
        self._advance(now)
        self._last = None

    def toggle_timer(self, now: float) -> bool:
        """Start a paused timer or pause a running one; returns whether it now runs."""
        if self.running:
            self.pause(now)
        else:
            self.start(now)
        return self.running

    # -- talking ---------------------------------------------------------------------------------

    def toggle_speaker(self, now: float) -> Speaker:
        """Hand the turn over: nobody or the buyer -> the rep, the rep -> the buyer.

        Someone talking means the call is on, so a paused timer starts.
        """
        self._advance(now)
        self.speaker = Speaker.BUYER if self.speaker is Speaker.REP else Speaker.REP
        self.monologue = 0.0
        self.start(now)
        return self.speaker

    @property
    def talk_total(self) -> float:
        """Seconds anyone was marked as talking."""
        return self.rep_talk + self.buyer_talk

    @property
    def rep_share(self) -> float | None:
        """The rep's share of talking time, or None before anyone talked."""
        total = self.talk_total
        return self.rep_talk / total if total else None

    def nudge(self, target: float, monologue_limit: float) -> str | None:
        """A short, kind reminder when the rep talks too much, else None."""
        if self.speaker is Speaker.REP and self.monologue > monologue_limit:
            return f"You have talked for {format_clock(self.monologue)}: ask, then listen"
        share = self.rep_share
        if share is not None and self.talk_total >= SHARE_AFTER_SECONDS and share > target:
            return f"You talk {share:.0%} of the time (aim under {target:.0%}): let them speak"
        return None

    # -- questions -------------------------------------------------------------------------------

    @property
    def current_id(self) -> str | None:
        """The id of the question on screen."""
        if not self.question_ids:
            return None
        return self.question_ids[min(self.current, len(self.question_ids) - 1)]

    def go_to(self, index: int, now: float) -> bool:
        """Move to question ``index`` (clamped); returns whether the question changed."""
        self._advance(now)
        if not self.question_ids:
            return False
        index = max(0, min(index, len(self.question_ids) - 1))
        changed = index != self.current
        self.current = index
        return changed

    def insert_question(self, question_id: str, after: int) -> int:
        """Add a question after position ``after``; returns its position."""
        position = min(max(after + 1, 0), len(self.question_ids))
        self.question_ids.insert(position, question_id)
        if position <= self.current:
            self.current += 1
        return position

    def seconds_on(self, question_id: str) -> float:
        """Time spent on one question so far."""
        return self.question_seconds.get(question_id, 0.0)

    # -- saving ----------------------------------------------------------------------------------

    def timing_change(self) -> Change:
        """A change that stores the figures as they are now (and where the rep is)."""
        return partial(
            record_timing,
            elapsed=round(self.elapsed, 1),
            rep_talk=round(self.rep_talk, 1),
            buyer_talk=round(self.buyer_talk, 1),
            longest_monologue=round(self.longest_monologue, 1),
            question_seconds={qid: round(value, 1) for qid, value in self.question_seconds.items()},
            current_question=self.current_id,
        )


# -- answer states ---------------------------------------------------------------------------------


def state_after_notes(state: AnswerState, notes: str) -> AnswerState:
    """Typing an answer makes a question answered; marked states stay as the rep set them."""
    if state is AnswerState.NOT_ASKED and notes.strip():
        return AnswerState.ANSWERED
    return state


def toggled_unclear(state: AnswerState, notes: str) -> AnswerState:
    """The unclear key flips: unclear -> back to answered (or not asked when there is no note)."""
    if state is AnswerState.UNCLEAR:
        return AnswerState.ANSWERED if notes.strip() else AnswerState.NOT_ASKED
    return AnswerState.UNCLEAR


def unclear_left(debrief: Debrief) -> int:
    """Answers still marked unclear: each one is a question for the follow-up."""
    return sum(1 for answer in debrief.answers.values() if answer.state is AnswerState.UNCLEAR)


# -- changes: each sets only what one action touched ------------------------------------------------


def set_notes(debrief: Debrief, question_id: str, notes: str, at: datetime) -> None:
    """The notes of one answer, as typed."""
    answer = debrief.answer(question_id)
    if answer.notes == notes:
        return
    answer.notes = notes
    answer.state = state_after_notes(answer.state, notes)
    if notes.strip() and answer.first_noted_at is None:
        answer.first_noted_at = at
    answer.updated_at = at


def set_state(debrief: Debrief, question_id: str, state: AnswerState, at: datetime) -> None:
    """Mark one answer (unclear, answered, ...)."""
    answer = debrief.answer(question_id)
    answer.state = state
    answer.updated_at = at


def clarify(debrief: Debrief, question_id: str, clarified: str, at: datetime) -> None:
    """The answer, clarified in the buyer's words."""
    answer = debrief.answer(question_id)
    answer.clarified = clarified
    answer.state = AnswerState.CLARIFIED
    answer.updated_at = at


def use_probe(debrief: Debrief, question_id: str, probe: str, at: datetime) -> None:
    """Remember that a probe was asked (once, however often it was inserted)."""
    answer = debrief.answer(question_id)
    if probe not in answer.probes_used:
        answer.probes_used.append(probe)
    answer.updated_at = at


def set_tags(debrief: Debrief, question_id: str, tags: list[str], at: datetime) -> None:
    """The loss reasons the answer points to."""
    answer = debrief.answer(question_id)
    answer.tags = list(tags)
    answer.updated_at = at


def add_marker(debrief: Debrief, marker: Marker) -> None:
    """A timestamped moment worth coming back to."""
    debrief.call.markers.append(marker)


def keep_script(debrief: Debrief, script: Script) -> None:
    """Save the script the call runs on, unless one was saved meanwhile."""
    if debrief.script is None:
        debrief.script = script


def add_adhoc(debrief: Debrief, question: ScriptQuestion, adhoc: AdHocQuestion, after: str | None,
              fallback: Script) -> None:
    """An ad-hoc question: logged with its tone findings and added to the script after ``after``."""
    if debrief.script is None:
        debrief.script = fallback.model_copy(deep=True)
    script = debrief.script
    if question.id not in script.question_ids:
        ids = script.question_ids
        position = ids.index(after) + 1 if after in ids else len(ids)
        script.questions.insert(position, question)
    if adhoc not in debrief.call.adhoc:
        debrief.call.adhoc.append(adhoc)
    debrief.answer(question.id)


def start_call(debrief: Debrief, at: datetime) -> None:
    """The call is on: note when it began and move the status to in_call."""
    if debrief.call.started_at is None:
        debrief.call.started_at = at
    debrief.advance(Status.IN_CALL)


def record_timing(debrief: Debrief, *, elapsed: float, rep_talk: float, buyer_talk: float,
                  longest_monologue: float, question_seconds: dict[str, float],
                  current_question: str | None) -> None:
    """The timer's and the talk meter's figures, and the question the rep is on."""
    call = debrief.call
    call.elapsed = elapsed
    call.rep_talk = rep_talk
    call.buyer_talk = buyer_talk
    call.longest_monologue = longest_monologue
    call.current_question = current_question
    for question_id, seconds in question_seconds.items():
        if seconds > 0 or question_id in debrief.answers:
            debrief.answer(question_id).seconds = seconds


def end_call(debrief: Debrief, at: datetime) -> None:
    """Close the call: when it ended, status held."""
    if debrief.call.started_at is None:
        debrief.call.started_at = at
    debrief.call.ended_at = at
    debrief.advance(Status.HELD)
