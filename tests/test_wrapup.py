"""The wrap-up's logic: answers by phase, guess versus buyer, the draft, the Markdown summaries."""

from __future__ import annotations

import os
import stat
import subprocess
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

from debrief.core.document import export_filename, summary_markdown
from debrief.core.facts import answers_by_phase, guess_check, unclear_answers
from debrief.core.model import (
    ActionItem,
    Answer,
    AnswerState,
    CallRecord,
    Contact,
    Debrief,
    FollowUp,
    Schedule,
    Script,
    ScriptQuestion,
    Status,
    StayInTouch,
    Takeaways,
)
from debrief.core.store import Store
from debrief.core.wrapup import (
    MOVE_ON_DAYS,
    WrapUpDraft,
    call_day,
    follow_up_count,
    last_follow_up,
    moved_on,
    open_actions,
    overdue_actions,
    suggest_move_on,
)

TODAY = date(2026, 11, 23)
CALL_AT = datetime(2026, 11, 16, 10, 0)

RunCli = Callable[..., subprocess.CompletedProcess[str]]


def held_debrief() -> Debrief:
    """A loss whose call was held a week before TODAY: three phases, one answer still unclear."""
    questions = [
        ScriptQuestion(id="start", phase="opening", phase_title="Opening",
                       text="Looking back, how did this project start on your side?", tags=["criteria"]),
        ScriptQuestion(id="factors", phase="decision", phase_title="How the decision was made",
                       text="What mattered most in your final decision?", tags=["criteria", "price"]),
        ScriptQuestion(id="who", phase="decision", phase_title="How the decision was made",
                       text="Who was involved in the final decision?", tags=["decision-maker"]),
        ScriptQuestion(id="better", phase="better", phase_title="What we could do better",
                       text="What could we have done differently?", tags=["relationship"]),
        ScriptQuestion(id="revisit", phase="ahead", phase_title="Looking ahead",
                       text="What would make you look at this again?", tags=["timing"]),
    ]
    answers = {
        "start": Answer(question_id="start", notes="Their CFO asked for a cheaper option in Q3.",
                        state=AnswerState.ANSWERED, tags=["budget"]),
        "factors": Answer(question_id="factors", notes="Price, mostly. And the rollout time.",
                          state=AnswerState.CLARIFIED, clarified="Rollout: six weeks versus our twelve.",
                          tags=["price", "implementation"]),
        "who": Answer(question_id="who", notes="Not sure, someone above her?", state=AnswerState.UNCLEAR,
                      tags=["decision-maker"]),
        "better": Answer(question_id="better", notes="Bring the implementation plan earlier.",
                         state=AnswerState.ANSWERED, tags=["implementation"]),
    }
    return Debrief(
        id="wrp234", company="Northwind Logistics", contact=Contact(name="Jane Okafor", role="VP Operations"),
        value=48000, stage="proposal", lost_on=date(2026, 11, 2), lost_to="Salesforce",
        impressions="Polite but short. Price came up twice.", guessed_reasons=["price", "relationship"],
        status=Status.HELD,
        schedule=Schedule(at=CALL_AT, minutes=20, booked_at=datetime(2026, 11, 5, 9, 0)),
        script=Script(bank_id="lost-to-competitor", questions=questions, chosen_at=datetime(2026, 11, 10, 9, 0)),
        answers=answers,
        call=CallRecord(started_at=CALL_AT, ended_at=CALL_AT + timedelta(minutes=19), elapsed=19 * 60,
                        rep_talk=250, buyer_talk=890, longest_monologue=40),
        created_at=datetime(2026, 11, 2, 17, 0), updated_at=datetime(2026, 11, 16, 10, 19),
    )


def wrapped_debrief() -> Debrief:
    """The same loss after the wrap-up: takeaways, plan, items, follow-ups, move-on date."""
    debrief = held_debrief()
    debrief.takeaways = Takeaways(
        what_happened="We lost on price and rollout time to Salesforce.",
        differently="I never reached the CFO; I should have asked who signs in discovery.",
        next_time="Map the decision-makers by the second call and put the rollout plan in the proposal.",
    )
    debrief.action_items = [
        ActionItem(text="Share the rollout lesson at the team meeting", owner="me", due=date(2026, 11, 30)),
        ActionItem(text="Send Jane the case study", owner="me", due=date(2026, 11, 20), done=True),
        ActionItem(text="Ask product for a six-week rollout option", owner="Priya", due=date(2026, 11, 20)),
    ]
    debrief.stay_in_touch = StayInTouch(channel="LinkedIn", next_check_in=date(2027, 2, 15), may_mention=True,
                                        referral="Tomás at Harbor & Lane", revisit_trigger="Their renewal in Q3")
    debrief.follow_ups = [
        FollowUp(on=date(2026, 11, 20), channel="email", outcome="Sent the case study; friendly reply"),
        FollowUp(on=date(2026, 11, 18), channel="LinkedIn", outcome="Connected"),
    ]
    debrief.move_on = date(2026, 12, 16)
    debrief.status = Status.WRAPPED
    return debrief


# -- answers by phase ------------------------------------------------------------------------------


def test_answers_are_grouped_by_phase_in_script_order() -> None:
    phases = answers_by_phase(held_debrief())
    assert [phase.title for phase in phases] == [
        "Opening", "How the decision was made", "What we could do better", "Looking ahead"]
    decision = phases[1]
    assert [line.question_id for line in decision.answers] == ["factors", "who"]
    assert decision.unclear_count == 1
    assert decision.asked_count == 2
    ahead = phases[3]
    assert ahead.answers[0].state is AnswerState.NOT_ASKED
    assert not ahead.answers[0].asked


def test_unclear_answers_are_singled_out() -> None:
    unclear = unclear_answers(held_debrief())
    assert [line.question_id for line in unclear] == ["who"]
    assert unclear[0].unclear


def test_notes_outside_the_script_come_last() -> None:
    debrief = held_debrief()
    debrief.answers["adhoc-1"] = Answer(question_id="adhoc-1", notes="They mentioned a reorg.",
                                        state=AnswerState.ANSWERED)
    phases = answers_by_phase(debrief)
    assert phases[-1].title == "Other notes"
    assert phases[-1].answers[0].notes == "They mentioned a reorg."


def test_a_debrief_without_a_script_has_no_phases() -> None:
    debrief = held_debrief()
    debrief.script = None
    debrief.answers = {}
    assert answers_by_phase(debrief) == []


def test_phase_without_a_title_is_named_from_its_id() -> None:
    debrief = held_debrief()
    assert debrief.script is not None
    debrief.script.questions[0].phase_title = ""
    debrief.script.questions[0].phase = "warm-up"
    assert answers_by_phase(debrief)[0].title == "Warm up"


# -- guess versus buyer ------------------------------------------------------------------------------


def test_guess_is_set_beside_the_buyers_reasons() -> None:
    comparison = guess_check(held_debrief())
    verdicts = {row.tag: row.verdict for row in comparison.rows}
    assert verdicts == {"price": "match", "relationship": "miss", "implementation": "not guessed",
                        "budget": "not guessed", "decision-maker": "not guessed"}
    assert [row.tag for row in comparison.guessed_rows] == ["price", "relationship"]
    assert comparison.rows[2].tag == "implementation"  # said twice: the buyer's strongest reason first
    assert len(comparison.confirmed) == 1
    assert comparison.sentence() == "1 of 2 guessed reasons matched what the buyer said."


def test_guess_sentence_when_nothing_can_be_compared() -> None:
    debrief = held_debrief()
    for answer in debrief.answers.values():
        answer.tags = []
    comparison = guess_check(debrief)
    assert "cannot be checked" in comparison.sentence()
    assert {row.verdict for row in comparison.guessed_rows} == {"not checked"}  # not a miss: nothing to judge by
    assert len(comparison.confirmed) == 0
    debrief.guessed_reasons = []
    assert guess_check(debrief).sentence().startswith("No guess was written")


# -- dates and counts ----------------------------------------------------------------------------------


def test_move_on_is_suggested_a_month_after_the_call() -> None:
    debrief = held_debrief()
    assert call_day(debrief) == CALL_AT.date()
    assert suggest_move_on(debrief, TODAY) == CALL_AT.date() + timedelta(days=MOVE_ON_DAYS)
    # Long after the call the suggestion is today, never a date already gone.
    assert suggest_move_on(debrief, date(2027, 6, 1)) == date(2027, 6, 1)


def test_move_on_without_a_call_counts_from_the_loss() -> None:
    debrief = held_debrief()
    debrief.call = CallRecord()
    debrief.schedule = None
    assert call_day(debrief) == debrief.lost_on


def test_action_items_and_follow_ups_are_counted() -> None:
    debrief = wrapped_debrief()
    assert len(open_actions(debrief)) == 2
    assert [item.owner for item in overdue_actions(debrief, TODAY)] == ["Priya"]
    assert follow_up_count(debrief) == 2
    latest = last_follow_up(debrief)
    assert latest is not None and latest.on == date(2026, 11, 20)
    assert not moved_on(debrief, TODAY)
    assert moved_on(debrief, date(2026, 12, 17))


# -- the draft the screen saves -------------------------------------------------------------------------


def test_draft_changes_only_the_wrap_up(store: Store) -> None:
    store.put(held_debrief())
    draft = WrapUpDraft.of(wrapped_debrief())
    # Meanwhile the call screen saves a note: applying the draft must keep it.
    store.update("wrp234", lambda debrief: setattr(debrief.answer("who"), "notes", "Her boss, the CFO."))
    saved = store.update("wrp234", draft.apply)
    assert saved.answers["who"].notes == "Her boss, the CFO."
    assert saved.takeaways == wrapped_debrief().takeaways
    assert saved.action_items == wrapped_debrief().action_items
    assert saved.follow_ups == wrapped_debrief().follow_ups
    assert saved.stay_in_touch.next_check_in == date(2027, 2, 15)
    assert saved.status is Status.HELD  # editing alone does not finish
    assert store.summaries()[0]["next_check_in"] == "2027-02-15"
    assert store.summaries()[0]["move_on"] == "2026-12-16"


def test_finishing_moves_the_status_to_wrapped_but_never_back(store: Store) -> None:
    store.put(held_debrief())
    draft = WrapUpDraft.of(store.get("wrp234"))
    assert store.update("wrp234", lambda debrief: debrief.advance(Status.WRAPPED)).status is Status.WRAPPED
    assert store.update("wrp234", draft.apply).status is Status.WRAPPED


# -- the summary for a CRM note -------------------------------------------------------------------------


def test_summary_holds_the_lesson() -> None:
    text = summary_markdown(wrapped_debrief(), TODAY)
    assert text.startswith("# Loss debrief: Northwind Logistics\n")
    assert "Lost to Salesforce on 2026-11-02" in text
    assert "- Price: match (buyer: 1×)" in text
    assert "- Relationship: miss" in text
    assert "1 of 2 guessed reasons matched what the buyer said." in text
    assert "**What I could have done differently:**" in text
    assert "> I never reached the CFO; I should have asked who signs in discovery." in text
    assert "- [ ] Share the rollout lesson at the team meeting (owner: me, due 2026-11-30)" in text
    assert "- [x] Send Jane the case study (owner: me, due 2026-11-20)" in text
    assert "(owner: Priya, due 2026-11-20, overdue)" in text
    assert "- **Next check-in:** 2027-02-15" in text
    assert "- **May mention us to others:** yes" in text
    assert "- **Referral:** Tomás at Harbor & Lane" in text
    assert "## Follow-ups (2)" in text
    # Follow-ups read in date order, whatever order they were logged in.
    assert text.index("2026-11-18 LinkedIn") < text.index("2026-11-20 email")
    assert "**Move on after:** 2026-12-16" in text
    assert "## Answers still unclear" in text and "Who was involved in the final decision?" in text


def test_summary_of_an_empty_wrap_up_says_what_is_missing() -> None:
    text = summary_markdown(held_debrief(), TODAY)
    assert "_Not written yet._" in text
    assert "## Action items\n\n_None._" in text
    assert "## Follow-ups (0)" in text
    assert "**Move on after:** not set" in text


def test_summary_never_carries_terminal_escapes() -> None:
    debrief = wrapped_debrief()
    debrief.takeaways.what_happened = "Lost\x1b[2J on \x1b]0;owned\x07price"
    debrief.follow_ups[0].outcome = "ok\x1b[31m red"
    text = summary_markdown(debrief, TODAY)
    assert "\x1b" not in text and "\x07" not in text
    assert "Lost on price" in text


def test_summary_file_name_is_safe() -> None:
    debrief = wrapped_debrief()
    debrief.company = "Harbor & Lane / EU"
    assert export_filename(debrief, "summary") == "harbor-lane-eu-wrp234-summary.md"


# -- the real commands -----------------------------------------------------------------------------------


def test_show_markdown_has_the_whole_wrap_up(store: Store, run_cli: RunCli) -> None:
    store.put(wrapped_debrief())
    result = run_cli("show", "wrp234", "--format", "md")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for heading in ("## My guess versus what the buyer said", "## Takeaways", "## Action items",
                    "## Staying in touch", "## Follow-ups (2)"):
        assert heading in out
    assert "- Price: match" in out and "- Relationship: miss" in out
    assert "- Buyer also said: Implementation effort, Budget, Decision-maker not reached" in out
    assert "1 of 2 guessed reasons matched what the buyer said." in out
    assert "> We lost on price and rollout time to Salesforce." in out
    assert "> Map the decision-makers by the second call" in out
    assert "- [ ] Ask product for a six-week rollout option (owner: Priya, due 2026-11-20" in out
    assert "- [x] Send Jane the case study" in out
    assert "- **Channel:** LinkedIn" in out and "- **Next check-in:** 2027-02-15" in out
    assert "- **What would make them revisit:** Their renewal in Q3" in out
    assert "- 2026-11-20 email: Sent the case study; friendly reply" in out
    assert "**Move on after:** 2026-12-16" in out


def test_show_markdown_compares_the_guess_even_before_the_wrap_up(store: Store, run_cli: RunCli) -> None:
    debrief = held_debrief()
    debrief.guessed_reasons = []
    store.put(debrief)
    out = run_cli("show", "wrp234").stdout
    assert "## My guess versus what the buyer said" in out
    assert "No guess was written before the call." in out


def test_summary_command_prints_and_writes_a_private_file(store: Store, run_cli: RunCli, tmp_path: Path) -> None:
    store.put(wrapped_debrief())
    printed = run_cli("summary", "WRP234")
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout.startswith("# Loss debrief: Northwind Logistics")
    target = tmp_path / "note.md"
    written = run_cli("summary", "wrp234", "--out", str(target))
    assert written.returncode == 0, written.stderr
    assert str(target) in written.stderr
    assert target.read_text().startswith("# Loss debrief: Northwind Logistics")
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600


def test_summary_command_bad_input(store: Store, run_cli: RunCli, tmp_path: Path) -> None:
    store.put(wrapped_debrief())
    missing = run_cli("summary", "zzzzzz")
    assert missing.returncode == 1
    assert missing.stderr.count("\n") == 1 and "Traceback" not in missing.stderr
    bad_folder = run_cli("summary", "wrp234", "--out", str(tmp_path / "nowhere" / "note.md"))
    assert bad_folder.returncode == 2
    assert bad_folder.stderr.startswith("debrief: --out: folder") and bad_folder.stderr.count("\n") == 1
    is_folder = run_cli("summary", "wrp234", "--out", str(tmp_path))
    assert is_folder.returncode == 2 and "Traceback" not in is_folder.stderr
