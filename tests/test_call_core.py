"""The live call without a screen: timer, talk meter, per-question time, answer changes."""

from __future__ import annotations

from datetime import datetime
from functools import partial

import pytest

from debrief.core.call import (
    SHARE_AFTER_SECONDS,
    CallSession,
    Speaker,
    add_adhoc,
    add_marker,
    clarify,
    end_call,
    format_clock,
    keep_script,
    phrasing_from,
    set_notes,
    set_state,
    set_tags,
    start_call,
    state_after_notes,
    toggled_unclear,
    unclear_left,
    use_probe,
)
from debrief.core.model import (
    AdHocQuestion,
    AnswerState,
    Contact,
    Debrief,
    Marker,
    Script,
    ScriptQuestion,
    Status,
)
from debrief.core.store import Store

AT = datetime(2026, 11, 23, 10, 0)


def _script(count: int = 3) -> Script:
    return Script(bank_id="test", minutes=20, questions=[
        ScriptQuestion(id=f"q{n}", text=f"Question {n}?", minutes=2) for n in range(1, count + 1)
    ])


def _debrief(script: Script | None = None) -> Debrief:
    return Debrief(company="Acme", contact=Contact(name="Jane Doe"), status=Status.PREPARED, script=script)


def test_format_clock() -> None:
    assert format_clock(0) == "0:00"
    assert format_clock(65.9) == "1:05"
    assert format_clock(3725) == "1:02:05"
    assert format_clock(-4) == "0:00"


def test_time_counts_only_while_the_timer_runs() -> None:
    session = CallSession(question_ids=["q1", "q2"])
    session.update(10)
    assert session.elapsed == 0 and not session.running
    session.start(10)
    session.update(40)
    assert session.elapsed == 30
    session.pause(50)
    session.update(500)
    assert session.elapsed == 40
    assert session.toggle_timer(600) is True
    assert session.toggle_timer(605) is False
    assert session.elapsed == 45


def test_time_goes_to_the_question_on_screen() -> None:
    session = CallSession(question_ids=["q1", "q2", "q3"])
    session.start(0)
    session.go_to(1, 20)
    session.go_to(2, 50)
    session.go_to(0, 60)
    session.update(65)
    assert session.question_seconds == {"q1": 25, "q2": 30, "q3": 10}
    assert session.seconds_on("q2") == 30


def test_go_to_clamps_and_reports_a_change() -> None:
    session = CallSession(question_ids=["q1", "q2"])
    assert session.go_to(5, 0) is True
    assert session.current == 1
    assert session.go_to(1, 0) is False
    assert session.go_to(-3, 0) is True
    assert session.current_id == "q1"


def test_talk_share_and_longest_monologue() -> None:
    session = CallSession(question_ids=["q1"])
    assert session.rep_share is None
    assert session.toggle_speaker(0) is Speaker.REP
    assert session.running  # someone talking means the call is on
    session.update(30)
    assert session.toggle_speaker(30) is Speaker.BUYER
    session.update(100)
    assert session.toggle_speaker(100) is Speaker.REP
    session.update(120)
    assert session.rep_talk == 50 and session.buyer_talk == 70
    assert session.longest_monologue == 30
    assert session.rep_share == pytest.approx(50 / 120)


def test_pausing_stops_the_talk_meter_but_remembers_the_speaker() -> None:
    session = CallSession(question_ids=["q1"])
    session.toggle_speaker(0)
    session.pause(10)
    session.update(100)
    assert session.rep_talk == 10 and session.speaker is Speaker.REP
    session.start(100)
    session.update(110)
    assert session.rep_talk == 20 and session.monologue == 20


def test_nudges_on_a_long_monologue_and_on_a_high_share() -> None:
    session = CallSession(question_ids=["q1"])
    session.toggle_speaker(0)
    session.update(50)
    assert session.nudge(0.3, 60) is None  # too little talking to judge a share
    session.update(61)
    assert "talked for 1:01" in (session.nudge(0.3, 60) or "")
    session.toggle_speaker(61)  # the buyer speaks: the monologue is over
    session.update(70)
    assert session.talk_total >= SHARE_AFTER_SECONDS
    assert "talk 87%" in (session.nudge(0.3, 60) or "")
    session.update(400)
    assert session.nudge(0.3, 60) is None


def test_resume_picks_up_figures_and_position() -> None:
    debrief = _debrief(_script())
    debrief.call.current_question = "q2"
    debrief.call.elapsed = 300
    debrief.call.rep_talk, debrief.call.buyer_talk, debrief.call.longest_monologue = 60, 200, 25
    debrief.answer("q1").seconds = 120
    session = CallSession.resume(debrief, ["q1", "q2", "q3"])
    assert session.current == 1 and session.current_id == "q2"
    assert (session.elapsed, session.rep_talk, session.buyer_talk, session.longest_monologue) == (300, 60, 200, 25)
    assert session.seconds_on("q1") == 120
    assert not session.running


def test_resume_on_an_unknown_question_starts_at_the_first() -> None:
    debrief = _debrief(_script())
    debrief.call.current_question = "gone"
    assert CallSession.resume(debrief, ["q1", "q2"]).current == 0


def test_timing_change_records_the_figures() -> None:
    session = CallSession(question_ids=["q1", "q2"])
    session.toggle_speaker(0)
    session.go_to(1, 12.34)
    session.toggle_speaker(20)
    session.update(30)
    debrief = _debrief(_script(2))
    session.timing_change()(debrief)
    assert debrief.call.elapsed == 30
    assert debrief.call.rep_talk == 20 and debrief.call.buyer_talk == 10
    assert debrief.call.current_question == "q2"
    assert debrief.answers["q1"].seconds == pytest.approx(12.3)
    assert debrief.answers["q2"].seconds == pytest.approx(17.7)


def test_insert_question_keeps_the_current_one() -> None:
    session = CallSession(question_ids=["q1", "q2", "q3"], current=1)
    assert session.insert_question("custom-1", after=1) == 2
    assert session.question_ids == ["q1", "q2", "custom-1", "q3"]
    assert session.current == 1
    assert session.insert_question("custom-2", after=-1) == 0
    assert session.current == 2


def test_answer_state_transitions() -> None:
    assert state_after_notes(AnswerState.NOT_ASKED, "they said price") is AnswerState.ANSWERED
    assert state_after_notes(AnswerState.NOT_ASKED, "   ") is AnswerState.NOT_ASKED
    assert state_after_notes(AnswerState.UNCLEAR, "more") is AnswerState.UNCLEAR
    assert toggled_unclear(AnswerState.ANSWERED, "x") is AnswerState.UNCLEAR
    assert toggled_unclear(AnswerState.CLARIFIED, "x") is AnswerState.UNCLEAR
    assert toggled_unclear(AnswerState.UNCLEAR, "x") is AnswerState.ANSWERED
    assert toggled_unclear(AnswerState.UNCLEAR, "") is AnswerState.NOT_ASKED


def test_set_notes_marks_answered_and_first_noted() -> None:
    debrief = _debrief(_script())
    set_notes(debrief, "q1", "", AT)
    assert debrief.answers["q1"].state is AnswerState.NOT_ASKED
    set_notes(debrief, "q1", "Price", AT)
    answer = debrief.answers["q1"]
    assert answer.state is AnswerState.ANSWERED and answer.first_noted_at == AT
    set_notes(debrief, "q1", "Price and timing", datetime(2026, 11, 23, 10, 5))
    assert answer.first_noted_at == AT and answer.updated_at == datetime(2026, 11, 23, 10, 5)


def test_marking_clarifying_probing_tagging() -> None:
    debrief = _debrief(_script())
    set_state(debrief, "q1", AnswerState.UNCLEAR, AT)
    assert unclear_left(debrief) == 1
    clarify(debrief, "q1", "They meant the rollout plan", AT)
    assert debrief.answers["q1"].state is AnswerState.CLARIFIED
    assert debrief.answers["q1"].clarified == "They meant the rollout plan"
    assert unclear_left(debrief) == 0
    use_probe(debrief, "q2", "Could you give me an example?", AT)
    use_probe(debrief, "q2", "Could you give me an example?", AT)
    assert debrief.answers["q2"].probes_used == ["Could you give me an example?"]
    set_tags(debrief, "q2", ["price", "value"], AT)
    assert debrief.answers["q2"].tags == ["price", "value"]
    assert debrief.buyer_reasons() == ["price", "value"]


def test_markers_adhoc_and_script() -> None:
    debrief = _debrief(None)
    script = _script()
    keep_script(debrief, script)
    keep_script(debrief, _script(1))  # a script saved meanwhile is never replaced
    assert debrief.script is not None and debrief.script.question_ids == ["q1", "q2", "q3"]
    add_marker(debrief, Marker(at=AT, elapsed=61, question_id="q1", label="Key quote"))
    add_marker(debrief, Marker(at=AT, elapsed=61, question_id="q1", label="Key quote"))
    assert len(debrief.call.markers) == 2
    question = ScriptQuestion(id="custom-1", text="What would you tell a friend?", custom=True)
    adhoc = AdHocQuestion(text=question.text, asked_at=AT, findings=[])
    add_adhoc(debrief, question, adhoc, after="q1", fallback=script)
    assert debrief.script.question_ids == ["q1", "custom-1", "q2", "q3"]
    assert debrief.call.adhoc == [adhoc] and "custom-1" in debrief.answers


def test_adhoc_on_a_debrief_without_a_saved_script_uses_the_fallback() -> None:
    debrief = _debrief(None)
    question = ScriptQuestion(id="custom-1", text="Anything else?", custom=True)
    add_adhoc(debrief, question, AdHocQuestion(text="Anything else?", asked_at=AT), after="q3", fallback=_script())
    assert debrief.script is not None and debrief.script.question_ids == ["q1", "q2", "q3", "custom-1"]


def test_start_and_end_move_the_status() -> None:
    debrief = _debrief(_script())
    start_call(debrief, AT)
    assert debrief.status is Status.IN_CALL and debrief.call.started_at == AT
    start_call(debrief, datetime(2026, 11, 23, 11, 0))
    assert debrief.call.started_at == AT
    set_state(debrief, "q2", AnswerState.UNCLEAR, AT)
    end_call(debrief, datetime(2026, 11, 23, 10, 20))
    assert Status(debrief.status) is Status.HELD
    assert debrief.call.ended_at == datetime(2026, 11, 23, 10, 20)
    assert unclear_left(debrief) == 1


def test_changes_replay_on_the_stored_debrief_and_keep_other_edits(store: Store) -> None:
    """A change sets only its own field: another process's edit to another field survives."""
    debrief = store.add(_debrief(_script()))
    store.update(debrief.id, lambda d: setattr(d, "impressions", "edited elsewhere"))
    store.update(debrief.id, partial(set_notes, question_id="q1", notes="Price mattered", at=AT))
    saved = store.get(debrief.id)
    assert saved.impressions == "edited elsewhere"
    assert saved.answers["q1"].notes == "Price mattered"


def test_phrasing_from_a_tone_suggestion() -> None:
    advice = 'Ask what would have helped instead: "What would have made it easier to bring that up sooner?"'
    assert phrasing_from(advice) == "What would have made it easier to bring that up sooner?"
    two = 'Ask it open and neutral: "How did … come across to you?" or "What did you make of it?"'
    assert phrasing_from(two) == "What did you make of it?"
    assert phrasing_from("Ask an open question instead.") == "Ask an open question instead."
    assert phrasing_from("Try “What stood out for you?”") == "What stood out for you?"
