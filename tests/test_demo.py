"""The demo data reads like real calls: one story per deal, and dates that fit today."""

from __future__ import annotations

from collections import Counter
from datetime import date

from debrief.core.demo import STORIES, demo_debriefs
from debrief.core.facts import check_in_late_by, last_follow_up
from debrief.core.model import AnswerState, Status
from debrief.core.reasons import taxonomy

TODAY = date(2026, 11, 23)


def _story_of(notes: str) -> set[int]:
    """Which stories could have written this note (its words appear in their texts)."""
    found = set()
    for index, story in enumerate(STORIES):
        texts = [*(t for ts in story.notes.values() for t in ts), *story.background]
        if any(text.split("{winner}")[0][:40] in notes for text in texts):
            found.add(index)
    return found


def test_every_deal_tells_one_story_from_the_loss_to_the_lesson() -> None:
    debriefs = list(demo_debriefs(400, seed=5, today=TODAY))
    known = taxonomy()
    reasons_of = {index: set(story.reasons) for index, story in enumerate(STORIES)}
    held = [d for d in debriefs if d.status.rank >= Status.HELD.rank and d.answers]
    assert len(held) > 100
    for debrief in held:
        said = {tag for answer in debrief.answers.values() for tag in answer.tags}
        stories = [index for index, reasons in reasons_of.items() if said <= reasons]
        assert stories, (debrief.id, said)  # every reason the buyer gave belongs to one story
        for answer in debrief.answers.values():
            # The note of an answer is from the same story as its reasons: no "price, specifically
            # onboarding time"; a clarification is about a reason, never on an answer without one.
            assert _story_of(answer.notes) & set(stories) or answer.notes.startswith(
                ("Short answer", "Agreed with", "Not much")), (debrief.id, answer.notes, said)
            if answer.state == AnswerState.CLARIFIED:
                assert answer.tags and answer.clarified
            for tag in answer.tags:
                assert known.label(tag) != tag
        notes = [answer.notes for answer in debrief.answers.values()]
        repeated = [note for note, count in Counter(notes).items() if count > 1 and not note.startswith(
            ("Short answer", "Agreed with", "Not much"))]
        assert not repeated, repeated
        if debrief.status == Status.WRAPPED and said:
            story = STORIES[stories[0]]
            lessons = {text.split("{winner}")[-1][-30:] for triple in story.takeaways for text in triple[:1]}
            assert any(ending in debrief.takeaways.what_happened for ending in lessons), debrief.takeaways
    # The rep's guess is right about half the time: the guess check has both to show.
    first_guess_right = [d.guessed_reasons[0] in {t for a in d.answers.values() for t in a.tags} for d in held]
    assert 0.25 < sum(first_guess_right) / len(first_guess_right) < 0.8


def test_dates_follow_the_flow_and_today() -> None:
    debriefs = list(demo_debriefs(1500, seed=1, today=TODAY))
    wrapped = [d for d in debriefs if d.status == Status.WRAPPED]
    late = [days for d in wrapped
            if (days := check_in_late_by(d.stay_in_touch.next_check_in, last_follow_up(d), d.move_on, TODAY))]
    assert len(late) < 0.25 * len(wrapped)  # most check-ins are kept up
    assert max(late) <= 30  # and a late one is late by days, not by years
    for debrief in debriefs:
        assert debrief.lost_on <= TODAY
        if debrief.schedule is not None:
            days = (debrief.schedule.at.date() - debrief.lost_on).days
            assert days >= 1
            if debrief.status.rank >= Status.HELD.rank:
                assert debrief.schedule.at.date() < TODAY and days <= 21
            else:
                assert debrief.schedule.at.date() > TODAY  # booked calls are still ahead
        for follow_up in debrief.follow_ups:
            assert debrief.schedule is not None and debrief.schedule.at.date() < follow_up.on <= TODAY
    same = [(d.company, d.lost_on, d.impressions) for d in demo_debriefs(30, seed=9, today=TODAY)]
    assert same == [(d.company, d.lost_on, d.impressions) for d in demo_debriefs(30, seed=9, today=TODAY)]
