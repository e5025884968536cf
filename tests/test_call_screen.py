"""The live-call screen, driven key by key; every assertion is on the saved data too."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import cast

import pytest
from textual.binding import Binding
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, OptionList, SelectionList, Static

from debrief.app import DebriefApp
from debrief.core.autosave import SaveKind
from debrief.core.call import GENERIC_PROBES, Speaker, unclear_left
from debrief.core.model import AnswerState, Contact, Debrief, Schedule, Script, ScriptQuestion, Status
from debrief.core.store import InUse, Store
from debrief.screens.call import PROBE_MARK, CallScreen
from debrief.screens.call_dialogs import (
    AdHocPrompt,
    EndCallPrompt,
    ProbePicker,
    QuestionPicker,
    TagPicker,
    TextPrompt,
)
from debrief.screens.help import HelpScreen
from debrief.widgets.key_bar import KeyBar
from debrief.widgets.notes_area import NotesArea
from debrief.widgets.question_list import QuestionList
from debrief.widgets.talk_meter import TalkMeter

SIZE = (100, 30)




def call_script() -> Script:
    """A small prepared script with an opening, a closing, probes and tags."""
    return Script(
        bank_id="lost-to-competitor", minutes=20,
        opening="Thanks for making time, Jane. We accept your decision; I'd like to learn from it.",
        closing="Thank you. May I check in again in a few months?",
        chosen_at=datetime(2026, 11, 20, 9, 0),
        questions=[
            ScriptQuestion(id="decision-factors", phase="decision", phase_title="How the decision was made",
                           text="What mattered most in your final decision?", intent="Learn the real criteria.",
                           minutes=3, tags=["criteria", "price"],
                           probes=["Could you give me an example?", "How did you weigh that?"]),
            ScriptQuestion(id="decision-who", phase="decision", phase_title="How the decision was made",
                           text="Who was involved in the final decision?", intent="Map the buying group.",
                           minutes=2, tags=["decision-maker"], probes=["Who had the last word?"]),
            ScriptQuestion(id="do-differently", phase="better", phase_title="What we could do better",
                           text="What could we have done differently?", intent="Own the loss.", minutes=3,
                           tags=["relationship"]),
            ScriptQuestion(id="stay-touch", phase="ahead", phase_title="Looking ahead",
                           text="How would you like us to stay in touch?", intent="Keep the door open.",
                           minutes=2, probes=["Would you mention us to others?"]),
        ],
    )


def prepared_debrief(store: Store, script: Script | None = None, debrief_id: str = "cak234") -> Debrief:
    return store.add(Debrief(
        id=debrief_id, company="Northwind Logistics", contact=Contact(name="Jane Okafor", role="VP Operations"),
        lost_to="HubSpot", stage="proposal", value=48000, status=Status.PREPARED,
        schedule=Schedule(at=datetime(2026, 11, 24, 10, 0), minutes=20, booked_at=datetime(2026, 11, 10, 9, 0)),
        script=script if script is not None else call_script(),
        created_at=datetime(2026, 11, 3, 17, 30), updated_at=datetime(2026, 11, 3, 17, 30),
    ))


@pytest.fixture
def debrief(store: Store) -> Debrief:
    return prepared_debrief(store)


def saved(screen: CallScreen, store: Store) -> Debrief:
    """What is on disk once the saver has written everything handed to it."""
    assert screen.saver is not None
    assert screen.saver.flush(5)
    return store.get(screen.debrief_id)


async def call_screen(pilot: Pilot[None]) -> CallScreen:
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, CallScreen)
    return screen


def top(app: DebriefApp) -> Screen[object]:
    """The screen on top (a function, so a check after a key press is not narrowed away)."""
    return app.screen


def notes_of(screen: CallScreen) -> NotesArea:
    notes = screen.query_one("#call-notes", NotesArea)
    return notes


async def test_opens_with_the_notes_focused_and_typing_goes_into_the_first_answer(
        make_app: Callable[..., DebriefApp], store: Store, debrief: Debrief) -> None:
    app = make_app(call_id=debrief.id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await call_screen(pilot)
        assert app.focused is notes_of(screen)
        await pilot.press("T", "h", "e", "y", "space", "s", "a", "i", "d")
        assert notes_of(screen).text == "They said"
        stored = saved(screen, store)
        assert stored.answers["decision-factors"].notes == "They said"
        assert stored.answers["decision-factors"].state is AnswerState.ANSWERED
        assert stored.status is Status.IN_CALL
        assert stored.call.started_at is not None
        await pilot.pause()
        assert str(screen.query_one("#call-saved", Static).render()) == "saved"


async def test_opening_first_closing_last_and_the_question_with_probes(
        make_app: Callable[..., DebriefApp], debrief: Debrief) -> None:
    app = make_app(call_id=debrief.id)
    async with app.run_test(size=(130, 36)) as pilot:
        screen = await call_screen(pilot)
        panel = screen.query_one("#call-script")
        text = screen.query_one("#call-script-text", Static)
        reminders = screen.query_one("#call-reminders", Static)
        assert panel.display and "We accept your decision" in str(text.render())
        assert reminders.display and "Listen more than you speak" in str(reminders.render())
        assert "What mattered most" in str(screen.query_one("#call-question", Static).render())
        probes = str(screen.query_one("#call-probes", Static).render())
        assert "Learn the real criteria." in probes and "Could you give me an example?" in probes
        await pilot.press("f4")
        assert not panel.display
        await pilot.press("f4", "f4")
        assert panel.display and "May I check in again" in str(text.render())
        assert not reminders.display
        await pilot.resize_terminal(80, 24)
        await pilot.press("f5", "1")
        assert panel.display and not reminders.display  # at 80 columns the notes need the room


async def test_next_and_previous_keep_notes_apart_and_save_the_position(
        make_app: Callable[..., DebriefApp], store: Store, debrief: Debrief) -> None:
    app = make_app(call_id=debrief.id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await call_screen(pilot)
        notes_of(screen).insert("Price and the rollout plan")
        await pilot.press("f4")
        assert notes_of(screen).text == ""
        notes_of(screen).insert("The CFO decided")
        await pilot.press("f4")
        assert screen.session.current == 2
        await pilot.press("f3", "f3")
        assert notes_of(screen).text == "Price and the rollout plan"
        await pilot.press("f3")  # already at the first question: nothing happens
        assert screen.session.current == 0
        stored = saved(screen, store)
        assert stored.answers["decision-factors"].notes == "Price and the rollout plan"
        assert stored.answers["decision-who"].notes == "The CFO decided"
        assert stored.call.current_question == "decision-factors"
        for _ in range(5):
            await pilot.press("f4")
        assert screen.session.current == 3
        assert saved(screen, store).call.current_question == "stay-touch"


async def test_go_to_any_question(make_app: Callable[..., DebriefApp], store: Store, debrief: Debrief) -> None:
    app = make_app(call_id=debrief.id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await call_screen(pilot)
        await pilot.press("f5")
        assert isinstance(app.screen, QuestionPicker)
        await pilot.press("3")
        assert top(app) is screen and screen.session.current == 2
        await pilot.press("f5")
        await pilot.press("down", "enter")
        assert screen.session.current == 3
        await pilot.press("f5", "escape")
        assert screen.session.current == 3 and app.focused is notes_of(screen)
        assert saved(screen, store).call.current_question == "stay-touch"


async def test_mark_unclear_and_take_the_mark_off(
        make_app: Callable[..., DebriefApp], store: Store, debrief: Debrief) -> None:
    app = make_app(call_id=debrief.id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await call_screen(pilot)
        notes_of(screen).insert("Something about the integration")
        await pilot.press("f6")
        assert saved(screen, store).answers["decision-factors"].state is AnswerState.UNCLEAR
        assert "unclear" in str(screen.query_one("#call-answer", Static).render())
        assert screen.query_one(QuestionList).rows[0].state is AnswerState.UNCLEAR
        await pilot.press("f6")
        assert saved(screen, store).answers["decision-factors"].state is AnswerState.ANSWERED


async def test_clarified_asks_for_the_buyers_words(
        make_app: Callable[..., DebriefApp], store: Store, debrief: Debrief) -> None:
    app = make_app(call_id=debrief.id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await call_screen(pilot)
        await pilot.press("f6", "f7")
        assert isinstance(app.screen, TextPrompt)
        await pilot.press("enter")  # empty: the dialog asks for words and stays
        assert isinstance(app.screen, TextPrompt)
        assert "please write a few words" in str(app.screen.query_one("#prompt-error", Static).render())
        app.screen.query_one(Input).value = "It took them too long to see ROI"
        await pilot.press("enter")
        assert top(app) is screen
        answer = saved(screen, store).answers["decision-factors"]
        assert answer.state is AnswerState.CLARIFIED
        assert answer.clarified == "It took them too long to see ROI"
        assert "It took them too long" in str(screen.query_one("#call-answer", Static).render())
        await pilot.press("f7", "escape")
        assert saved(screen, store).answers["decision-factors"].clarified == "It took them too long to see ROI"


async def test_insert_a_probe_into_the_notes_and_mark_it_used(
        make_app: Callable[..., DebriefApp], store: Store, debrief: Debrief) -> None:
    app = make_app(call_id=debrief.id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await call_screen(pilot)
        notes_of(screen).insert("They liked the product")
        await pilot.press("f8")
        assert isinstance(app.screen, ProbePicker)
        await pilot.press("enter")
        assert app.focused is notes_of(screen)
        expected = f"They liked the product\n{PROBE_MARK}Could you give me an example?\n"
        assert notes_of(screen).text == expected
        await pilot.press("O", "k")
        await pilot.press("f8", "2")
        stored = saved(screen, store).answers["decision-factors"]
        assert stored.probes_used == ["Could you give me an example?", "How did you weigh that?"]
        assert stored.notes.startswith(expected + "Ok\n")
        assert "✓ Could you give me an example?" in str(screen.query_one("#call-probes", Static).render())


async def test_a_question_without_probes_offers_general_ones(
        make_app: Callable[..., DebriefApp], store: Store, debrief: Debrief) -> None:
    app = make_app(call_id=debrief.id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await call_screen(pilot)
        await pilot.press("f5", "3", "f8")
        assert isinstance(app.screen, ProbePicker) and app.screen.probes
        await pilot.press("escape")
        assert notes_of(screen).text == ""
        await pilot.press("f8", "1")
        assert saved(screen, store).answers["do-differently"].probes_used == [GENERIC_PROBES[0]]
        assert notes_of(screen).text == f"{PROBE_MARK}{GENERIC_PROBES[0]}\n"


async def test_tag_loss_reasons(make_app: Callable[..., DebriefApp], store: Store, debrief: Debrief) -> None:
    app = make_app(call_id=debrief.id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await call_screen(pilot)
        await pilot.press("f9")
        assert isinstance(app.screen, TagPicker)
        selections = app.screen.query_one(SelectionList)
        assert selections.get_option_at_index(0).value == "criteria"  # the question's own tags first
        await pilot.press("down", "space", "enter")
        assert saved(screen, store).answers["decision-factors"].tags == ["price"]
        await pilot.press("f9", "space", "enter")
        assert saved(screen, store).answers["decision-factors"].tags == ["price", "criteria"]
        assert "Price" in str(screen.query_one("#call-answer", Static).render())
        await pilot.press("f9", "space", "escape")
        assert saved(screen, store).answers["decision-factors"].tags == ["price", "criteria"]


async def test_the_dialogs_keep_their_key_hint_in_view_at_80x24(
        make_app: Callable[..., DebriefApp], debrief: Debrief) -> None:
    """The tag list is long: at 80x24 it scrolls, and the line that says which keys to press stays visible."""
    app = make_app(call_id=debrief.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await call_screen(pilot)
        for key in ("f9", "f5", "f8"):
            await pilot.press(key)
            await pilot.pause()
            dialog = top(app)
            hint = dialog.query_one(".call-dialog-hint", Static)
            assert dialog.get_widget_at(hint.region.x, hint.region.y)[0] is hint, key
            await pilot.press("escape")
            await pilot.pause()


async def test_drop_a_marker_with_and_without_a_label(
        make_app: Callable[..., DebriefApp], store: Store, debrief: Debrief) -> None:
    app = make_app(call_id=debrief.id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await call_screen(pilot)
        await pilot.press("f4", "ctrl+b")
        assert isinstance(app.screen, TextPrompt)
        app.screen.query_one(Input).value = "Key quote on pricing"
        await pilot.press("enter")
        await pilot.press("ctrl+b", "enter")
        await pilot.press("ctrl+b", "escape")
        markers = saved(screen, store).call.markers
        assert [marker.label for marker in markers] == ["Key quote on pricing", ""]
        assert all(marker.question_id == "decision-who" for marker in markers)


async def test_adhoc_question_is_tone_checked_and_added_after_the_current_one(
        make_app: Callable[..., DebriefApp], store: Store, debrief: Debrief) -> None:
    app = make_app(call_id=debrief.id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await call_screen(pilot)
        await pilot.press("ctrl+o")
        dialog = app.screen
        assert isinstance(dialog, AdHocPrompt)
        dialog.query_one(Input).value = "Why didn't you pick us?"
        await pilot.pause()
        findings = str(dialog.query_one("#adhoc-findings", Static).render())
        assert "⚠" in findings
        await pilot.press("enter")
        assert top(app) is dialog  # a flagged question asks once more before it is asked
        assert "Enter again" in str(dialog.query_one("#adhoc-findings", Static).render())
        await pilot.press("enter")
        assert top(app) is screen
        stored = saved(screen, store)
        assert stored.script is not None
        assert stored.script.question_ids[:2] == ["decision-factors", "custom-1"]
        assert stored.call.adhoc[0].text == "Why didn't you pick us?" and stored.call.adhoc[0].findings
        assert screen.session.current == 1 and screen.question.id == "custom-1"
        notes_of(screen).insert("They would have liked a pilot")
        await pilot.pause()
        assert saved(screen, store).answers["custom-1"].notes == "They would have liked a pilot"


async def test_adhoc_suggestion_replaces_the_wording(
        make_app: Callable[..., DebriefApp], store: Store, debrief: Debrief) -> None:
    app = make_app(call_id=debrief.id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await call_screen(pilot)
        await pilot.press("ctrl+o")
        dialog = app.screen
        assert isinstance(dialog, AdHocPrompt)
        dialog.query_one(Input).value = "Wouldn't you agree our price was fair?"
        await pilot.pause()
        await pilot.press("ctrl+g")
        suggestion = dialog.query_one(Input).value
        assert suggestion and suggestion != "Wouldn't you agree our price was fair?"
        dialog.query_one(Input).value = "What would you tell a peer about choosing a vendor?"
        await pilot.pause()
        await pilot.press("enter")
        assert top(app) is screen
        stored = saved(screen, store)
        assert stored.call.adhoc[0].text == "What would you tell a peer about choosing a vendor?"
        await pilot.press("ctrl+o", "escape")
        assert len(saved(screen, store).call.adhoc) == 1


async def test_timer_starts_and_pauses_and_counts_per_question(
        make_app: Callable[..., DebriefApp], store: Store, debrief: Debrief) -> None:
    app = make_app(call_id=debrief.id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await call_screen(pilot)
        await pilot.press("ctrl+t")
        assert screen.session.running
        assert saved(screen, store).status is Status.IN_CALL
        await pilot.pause(1.2)
        await pilot.press("ctrl+t")
        assert not screen.session.running
        stored = saved(screen, store)
        assert stored.call.elapsed >= 1.0
        assert stored.answers["decision-factors"].seconds >= 1.0
        assert "❚❚" in screen.query_one("#call-timer").render().plain


async def test_toggle_who_is_talking_and_the_nudge(
        make_app: Callable[..., DebriefApp], store: Store, debrief: Debrief) -> None:
    app = make_app(call_id=debrief.id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await call_screen(pilot)
        await pilot.press("f2")
        assert screen.session.speaker is Speaker.REP and screen.session.running
        await pilot.pause(0.6)
        await pilot.press("f2")
        assert Speaker(screen.session.speaker) is Speaker.BUYER
        await pilot.pause(0.3)
        await pilot.press("f2", "ctrl+t")
        stored = saved(screen, store)
        assert stored.call.rep_talk >= 0.5 and stored.call.buyer_talk >= 0.2
        assert stored.call.longest_monologue >= 0.5
        meter = screen.query_one(TalkMeter)
        assert not meter.has_class("-nudge")
        # Well past the target share: the meter nudges (figures set, the real tick draws them).
        screen.session.rep_talk, screen.session.buyer_talk = 90.0, 30.0
        screen._show_figures()
        await pilot.pause()
        assert meter.has_class("-nudge")
        assert "75%" in meter.render().plain
        assert any("Listen more" in (note.title or "") for note in app._notifications)


async def test_end_call_records_it_and_goes_on_to_the_wrap_up(
        make_app: Callable[..., DebriefApp], store: Store, debrief: Debrief) -> None:
    app = make_app(call_id=debrief.id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await call_screen(pilot)
        notes_of(screen).insert("Vague answer")
        await pilot.press("f6", "f2")
        await pilot.pause(0.3)
        await pilot.press("f10")
        assert isinstance(app.screen, EndCallPrompt)
        await pilot.press("escape")
        assert top(app) is screen
        assert store.get(debrief.id).status is Status.IN_CALL
        await pilot.press("f10", "w")
        await pilot.pause()
        assert type(app.screen).__name__ == "WrapUpScreen"
        stored = store.get(debrief.id)
        assert stored.status is Status.HELD
        assert stored.call.ended_at is not None and stored.call.elapsed > 0
        assert unclear_left(stored) == 1
        assert stored.call.rep_talk > 0
        assert stored.answers["decision-factors"].notes == "Vague answer"


async def test_end_call_without_wrap_up_goes_back(
        make_app: Callable[..., DebriefApp], store: Store, debrief: Debrief) -> None:
    app = make_app(call_id=debrief.id)
    async with app.run_test(size=SIZE) as pilot:
        await call_screen(pilot)
        await pilot.press("f10", "e")
        await pilot.pause()
        assert not isinstance(app.screen, CallScreen)
        assert type(app.screen).__name__ != "WrapUpScreen"
        assert store.get(debrief.id).status is Status.HELD


async def test_reopening_resumes_on_the_same_question_with_every_note(
        make_app: Callable[..., DebriefApp], store: Store, debrief: Debrief) -> None:
    app = make_app(call_id=debrief.id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await call_screen(pilot)
        notes_of(screen).insert("First answer")  # the first note starts the timer
        await pilot.press("f4", "f4")
        assert screen.session.running
        notes_of(screen).insert("Third answer, typed just before quitting")
        await pilot.pause(1.1)
        await pilot.press("ctrl+q")  # quitting flushes: nothing waits on the debounce
    stored = store.get(debrief.id)
    assert stored.answers["do-differently"].notes == "Third answer, typed just before quitting"
    assert stored.call.elapsed >= 1.0

    app = make_app(call_id=debrief.id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await call_screen(pilot)
        assert screen.session.current == 2
        assert notes_of(screen).text == "Third answer, typed just before quitting"
        assert notes_of(screen).cursor_location == notes_of(screen).document.end
        assert screen.session.elapsed == stored.call.elapsed
        assert screen.query_one(QuestionList).rows[0].state is AnswerState.ANSWERED
        await pilot.press("f3", "f3")
        assert notes_of(screen).text == "First answer"


async def test_a_debrief_without_a_script_uses_the_default_selection(
        make_app: Callable[..., DebriefApp], store: Store) -> None:
    debrief = store.add(Debrief(company="Bluepeak Health", contact=Contact(name="Amir Haddad"),
                                lost_to="Zendesk", status=Status.LOGGED))
    app = make_app(call_id=debrief.id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await call_screen(pilot)
        assert screen.script.questions and screen.script.bank_id != "none"
        assert store.get(debrief.id).script is None  # opening alone records nothing
        await pilot.press("O", "k")
        stored = saved(screen, store)
        assert stored.script is not None
        assert stored.script.question_ids == screen.script.question_ids
        assert stored.answers[screen.script.question_ids[0]].notes == "Ok"


async def test_a_failed_save_is_shown_and_retried(
        make_app: Callable[..., DebriefApp], store: Store, debrief: Debrief, db_path: Path) -> None:
    app = make_app(call_id=debrief.id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await call_screen(pilot)
        assert screen.saver is not None
        tmp = db_path / "tmp"
        shutil.rmtree(tmp)
        tmp.write_text("in the way")
        notes_of(screen).insert("Words that must not be lost")
        await pilot.pause()
        assert not screen.saver.flush(2)
        await pilot.pause()
        label = screen.query_one("#call-saved", Static)
        assert label.has_class("-failed") and "not saved" in str(label.render())
        tmp.unlink()
        tmp.mkdir(mode=0o700)
        assert screen.saver.flush(5)
        await pilot.pause()
        assert str(label.render()) == "saved"
        assert screen.saver.state.kind is SaveKind.SAVED
        assert store.get(debrief.id).answers["decision-factors"].notes == "Words that must not be lost"


async def test_a_key_that_arrives_before_the_notes_have_focus_still_lands_in_them(
        make_app: Callable[..., DebriefApp], store: Store, debrief: Debrief) -> None:
    app = make_app(call_id=debrief.id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await call_screen(pilot)
        screen.set_focus(None)
        await pilot.press("H", "i")
        assert app.focused is notes_of(screen)
        assert saved(screen, store).answers["decision-factors"].notes == "Hi"


async def test_every_call_key_is_on_the_help_screen_and_in_the_palette(
        make_app: Callable[..., DebriefApp], debrief: Debrief) -> None:
    app = make_app(call_id=debrief.id)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await call_screen(pilot)
        await pilot.press("f4")  # "Prev" is greyed (and out of the palette) on the first question
        ids = {binding.id for binding in CallScreen.BINDINGS if isinstance(binding, Binding)}
        assert len(ids) == 13
        commands = {command.title for command in app.get_system_commands(cast("Screen[object]", screen))}
        assert {"Talk", "Prev", "Next", "Go to", "Unclear", "Clarified", "Probe", "Tag", "Timer", "Marker",
                "Ask own", "End", "Leave"} <= commands
        bar = screen.query_one(KeyBar)
        assert {entry.action for entry in bar.entries()} >= {
            "talk", "next", "previous", "goto", "unclear", "clarified", "probe", "tag", "timer", "marker",
            "adhoc", "end", "back"}
        shown = bar.render().plain
        assert "f10 End" in shown and "Clarified" in shown and "esc Leave" in shown  # long labels at 160
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one("#help-keys")
        listed = {str(table.get_row_at(row)[2]) for row in range(table.row_count)}  # type: ignore[attr-defined]
        assert ids <= listed


def bar_text(screen: CallScreen) -> str:
    """The key bar as the terminal shows it: its rendered rows."""
    bar = screen.query_one(KeyBar)
    return "\n".join("".join(segment.text for segment in strip) for strip in bar.render_lines(
        bar.region.reset_offset))


def shown_text(widget: Static) -> str:
    """A widget's words as drawn in its region (what is cut off is not there)."""
    return " ".join("".join(strip.text for strip in widget.render_lines(widget.region.reset_offset)).split())


def check_80x24(screen: CallScreen) -> None:
    """Every key, the whole question, eight lines of notes, all inside the terminal."""
    notes = notes_of(screen)
    assert notes.size.height >= 8, notes.size  # eight lines to type in, not counting any frame
    assert notes.region.right <= 80 and notes.region.bottom <= 22
    question = screen.query_one("#call-question", Static)
    assert " ".join(screen.question.text.split()) == shown_text(question)  # wrapped, nothing cut
    box = screen.query_one("#call-question-box")
    assert box.region.y + box.region.height <= notes.region.y
    keys = bar_text(screen)
    assert len(keys.splitlines()) <= 2 and screen.query_one(KeyBar).region.bottom <= 24
    for label in ("End", "Tag", "Timer", "Marker", "Leave"):
        assert label in keys, keys
    assert "Ask own" in keys or "Own" in keys, keys


async def test_fits_in_80x24(make_app: Callable[..., DebriefApp], debrief: Debrief) -> None:
    app = make_app(call_id=debrief.id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await call_screen(pilot)
        for _ in range(4):  # with the opening above, then the questions after it
            check_80x24(screen)
            assert "f10 End" in bar_text(screen) and "esc Leave" in bar_text(screen)
            await pilot.press("f4")
        assert screen.query_one(QuestionList).region.width >= 20


async def test_the_notes_stay_in_view_at_80x24_with_a_shipped_banks_long_opening(
        make_app: Callable[..., DebriefApp], store: Store) -> None:
    """A real bank's opening and probes are long: on a small terminal they must not push the notes off."""
    debrief = store.add(Debrief(company="Acme Corp", contact=Contact(name="Jane Doe", role="VP Ops"),
                                lost_to="Globex", status=Status.LOGGED))
    app = make_app(call_id=debrief.id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await call_screen(pilot)
        assert "Open with" in str(screen.query_one("#call-script-text", Static).render())
        for _ in range(2):  # on the first question (the opening) and the next one
            check_80x24(screen)
            notes = notes_of(screen)
            assert screen.get_widget_at(notes.region.x + 2, notes.region.y + 1)[0] is notes
            assert screen.query_one("#call-question", Static).region.height >= 2
            probes = screen.query_one("#call-probes", Static)
            shown = " ".join("".join(strip.text for strip in probes.render_lines(probes.region.reset_offset)).split())
            assert screen.question.probes[0][:20] in shown  # the first probe is on screen, above the cap
            await pilot.press("f4")
            await pilot.pause()


async def test_picker_lists_states(make_app: Callable[..., DebriefApp], debrief: Debrief) -> None:
    app = make_app(call_id=debrief.id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await call_screen(pilot)
        notes_of(screen).insert("Answered")
        await pilot.press("f6", "f5")
        options = app.screen.query_one(OptionList)
        assert "?" in str(options.get_option_at_index(0).prompt)
        assert "○" in str(options.get_option_at_index(1).prompt)


async def test_an_unknown_debrief_is_a_message_not_a_crash(make_app: Callable[..., DebriefApp]) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        home = app.screen
        app.open_call("zzzzzz")
        await pilot.pause()
        assert app.screen is home
        assert any("Cannot open the call" in str(note.message) for note in app._notifications)


async def test_a_second_window_on_the_same_call_is_refused(
    make_app: Callable[..., DebriefApp], store: Store, debrief: Debrief
) -> None:
    """Two live copies of one call would undo each other's notes: the second is turned away."""
    other_window = Store.open(store.root).claim(debrief.id)
    app = make_app(call_id=debrief.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not isinstance(app.screen, CallScreen)
        assert any("open in another debrief window" in str(note.message) for note in app._notifications)
    other_window.release()
    app = make_app(call_id=debrief.id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await call_screen(pilot)
        with pytest.raises(InUse):
            Store.open(store.root).claim(debrief.id)  # held while the call is open
        notes_of(screen).insert("Now it opens")
    Store.open(store.root).claim(debrief.id).release()  # and given back when it closes


async def test_rebound_keys_show_in_the_key_bar_at_80x24(
        make_app: Callable[..., DebriefApp], debrief: Debrief, tmp_path: Path) -> None:
    """The bar reads the bindings: a key moved in the keymap setting shows (and works) where it went."""
    (tmp_path / "settings.json").write_text('{"keymap": {"call.end": "f12", "call.leave": "f11"}}')
    app = make_app(call_id=debrief.id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await call_screen(pilot)
        keys = bar_text(screen)
        assert "f12 End" in keys and "f11 Leave" in keys and "f10 End" not in keys, keys
        check_80x24(screen)
        await pilot.press("f12")
        assert isinstance(app.screen, EndCallPrompt)


async def test_clicking_a_key_in_the_bar_runs_it(
        make_app: Callable[..., DebriefApp], debrief: Debrief) -> None:
    app = make_app(call_id=debrief.id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await call_screen(pilot)
        row, column = next((row, line.index("Tag")) for row, line in enumerate(bar_text(screen).splitlines())
                           if "Tag" in line)
        await pilot.click(KeyBar, offset=(column + 1, row))
        await pilot.pause()
        assert isinstance(app.screen, TagPicker)


async def test_escape_leaves_the_call_from_the_notes_and_reopening_resumes(
        make_app: Callable[..., DebriefApp], store: Store, debrief: Debrief) -> None:
    """Escape works while typing: back home, the notes saved, the call still in progress."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        home = app.screen
        app.open_call(debrief.id)
        screen = await call_screen(pilot)
        await pilot.press("f4")
        notes_of(screen).insert("The CFO signed off")
        assert app.focused is notes_of(screen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is home
        stored = store.get(debrief.id)
        assert stored.answers["decision-who"].notes == "The CFO signed off"
        assert stored.status is Status.IN_CALL and stored.call.ended_at is None
        assert stored.call.current_question == "decision-who"
        assert any("every note is saved" in str(note.message) for note in app._notifications)
        Store.open(store.root).claim(debrief.id).release()  # the call gave its claim back
        app.open_call(debrief.id)
        again = await call_screen(pilot)
        assert again.question.id == "decision-who" and notes_of(again).text == "The CFO signed off"


async def test_leaving_a_call_opened_by_mistake_changes_nothing(
        make_app: Callable[..., DebriefApp], store: Store, debrief: Debrief) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.open_call(debrief.id)
        await call_screen(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, CallScreen)
        stored = store.get(debrief.id)
        assert stored.status is Status.PREPARED and stored.call.started_at is None


async def test_notifications_never_cover_the_notes(
        make_app: Callable[..., DebriefApp], debrief: Debrief) -> None:
    """Several toasts at once, at 80x24 and at 160x48: each sits beside the notes, none over them."""
    app = make_app(call_id=debrief.id)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await call_screen(pilot)
        for size in ((80, 24), (160, 48)):
            await pilot.resize_terminal(*size)
            await pilot.press("ctrl+t", "ctrl+t", "ctrl+t")
            app.notify("A long notification that wraps over several lines of the toast, " * 2, timeout=30)
            await pilot.pause(0.2)
            notes = notes_of(screen).region
            toasts = [toast.region for toast in screen.query("Toast")]
            assert len(toasts) >= 2, toasts
            for region in toasts:
                assert not region.overlaps(notes), (region, notes)
                assert not region.overlaps(screen.query_one("#call-question-box").region)
                assert region.bottom <= size[1]
            app.clear_notifications()
            await pilot.pause()


async def test_the_timer_starts_with_the_first_note_and_the_duration_counts(
        make_app: Callable[..., DebriefApp], store: Store, debrief: Debrief) -> None:
    app = make_app(call_id=debrief.id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await call_screen(pilot)
        assert not screen.session.running
        await pilot.press("O", "k")
        assert screen.session.running
        assert "▶" in screen.query_one("#call-timer").render().plain
        await pilot.pause(1.1)
        await pilot.press("f10")
        prompt = app.screen
        assert isinstance(prompt, EndCallPrompt)
        summary = str(prompt.query_one("#end-summary", Static).render())
        duration = next(line for line in summary.splitlines() if line.startswith("Duration"))
        assert duration.split()[1] != "0:00", duration
        await pilot.press("escape", "ctrl+t")  # paused by hand: more notes leave it paused
        assert not screen.session.running
        notes_of(screen).insert(" and more")
        await pilot.pause()
        assert not screen.session.running
        assert saved(screen, store).call.elapsed >= 1.0


async def test_the_timer_autostart_setting_off_leaves_the_timer_to_its_key(
        make_app: Callable[..., DebriefApp], debrief: Debrief, tmp_path: Path) -> None:
    (tmp_path / "settings.json").write_text('{"timer_autostart": false}')
    app = make_app(call_id=debrief.id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await call_screen(pilot)
        await pilot.press("O", "k")
        assert notes_of(screen).text == "Ok" and not screen.session.running


async def test_the_talk_meter_changes_colour_past_the_target(
        make_app: Callable[..., DebriefApp], debrief: Debrief) -> None:
    app = make_app(call_id=debrief.id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await call_screen(pilot)
        meter = screen.query_one(TalkMeter)
        assert meter.target == 0.30
        colours = []
        for rep_talk, over in ((20.0, False), (40.0, True), (25.0, False)):
            screen.session.rep_talk, screen.session.buyer_talk = rep_talk, 80.0
            screen._show_figures()
            await pilot.pause()
            assert meter.has_class("-over-target") is over, rep_talk
            colours.append(meter.get_component_rich_style("talk-meter--rep").color)
        assert colours[0] == colours[2] != colours[1]


async def test_the_key_bar_shortens_labels_before_it_drops_a_call_key(
        make_app: Callable[..., DebriefApp], debrief: Debrief) -> None:
    """One line when it fits (160), two at 80, and narrower still short labels and the call's keys only."""
    app = make_app(call_id=debrief.id)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await call_screen(pilot)
        assert len(bar_text(screen).splitlines()) == 1 and "f7 Clarified" in bar_text(screen)
        await pilot.resize_terminal(80, 24)
        assert len(bar_text(screen).splitlines()) == 2 and "f7 Clarified" in bar_text(screen)
        await pilot.resize_terminal(64, 24)
        keys = bar_text(screen)
        assert len(keys.splitlines()) == 2, keys
        for shown in ("f10 End", "f9 Tag", "^t Timer", "^b Mark", "^o Own", "esc Leave", "f7 Clear", "f2 Talk"):
            assert shown in keys, keys
        assert notes_of(screen).size.height >= 8
