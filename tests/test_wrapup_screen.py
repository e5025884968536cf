"""The wrap-up screen, driven by Pilot: what the rep types is saved, excuses are flagged live."""

from __future__ import annotations

import asyncio
import os
import stat
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from textual.color import Color
from textual.pilot import Pilot
from textual.widgets import Input, Label, Select, Static, TextArea

from debrief import locations
from debrief.app import DebriefApp
from debrief.core.dates import parse_date
from debrief.core.model import CallRecord, Debrief, Status
from debrief.core.store import Store
from debrief.core.tone import ownit_checker
from debrief.core.wrapup import MOVE_ON_DAYS
from debrief.screens.confirm import ConfirmDialog
from debrief.screens.wrapup import WrapUpScreen
from debrief.widgets.date_input import DateField
from debrief.widgets.wrapup_rows import ActionItemRow, FollowUpRow
from tests.conftest import TODAY
from tests.test_wrapup import CALL_AT, held_debrief, wrapped_debrief

MakeApp = Callable[..., DebriefApp]




EXCUSE = "They just didn't listen to us, and the product team never shipped the integration."


async def open_wrapup(app: DebriefApp, pilot: Pilot[None], debrief_id: str = "wrp234") -> WrapUpScreen:
    """Open the wrap-up the way other screens do, and wait until it is ready."""
    app.open_wrapup(debrief_id)
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, WrapUpScreen)
    await pilot.pause()
    return screen


async def saved(pilot: Pilot[None], store: Store, check: Callable[[Debrief], bool], timeout: float = 5.0) -> Debrief:
    """Wait (as a rep would, without saving by hand) until the stored debrief passes ``check``."""
    deadline = time.monotonic() + timeout
    while True:
        debrief = store.get("wrp234")
        if check(debrief):
            return debrief
        if time.monotonic() > deadline:
            fields = {"takeaways", "action_items", "follow_ups", "stay_in_touch", "move_on", "status"}
            raise AssertionError(f"not saved within {timeout} s: {debrief.model_dump(include=fields)}")
        await pilot.pause(0.05)
        await asyncio.sleep(0.05)


def text_of(widget: Static) -> str:
    return str(widget.render())


# -- what the screen shows -------------------------------------------------------------------------


async def test_answers_by_phase_with_the_unclear_one_highlighted(store: Store, make_app: MakeApp) -> None:
    store.put(held_debrief())
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_wrapup(app, pilot)
        phases = [text_of(widget) for widget in screen.query(".phase-title").results(Static)]
        assert phases[1].startswith("How the decision was made (2 of 2 asked, 1 unclear)")
        unclear = list(screen.query(".answer.-unclear"))
        assert len(unclear) == 1
        assert "Who was involved in the final decision?" in text_of(unclear[0].query_one(".answer-head", Static))
        assert len(screen.query(".answer.-not-asked")) == 1
        # The rep's guess beside the buyer's reasons.
        assert len(screen.query(".reason-row.-match")) == 1
        assert len(screen.query(".reason-row.-miss")) == 1
        assert "1 of 2 guessed reasons matched" in text_of(screen.query_one(".guess-sentence", Static))
        # Typing goes straight into the first takeaway.
        assert app.focused is screen.query_one("#takeaway-what-happened", TextArea)


async def test_every_key_has_an_id_a_tooltip_and_a_place_in_the_palette(store: Store, make_app: MakeApp) -> None:
    store.put(held_debrief())
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_wrapup(app, pilot)
        for binding in WrapUpScreen.BINDINGS:
            assert not isinstance(binding, tuple)
            assert binding.id is not None and binding.id.startswith("wrapup."), binding
            assert binding.tooltip, binding
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert app.screen is screen
        assert {"Save", "Finish", "Action item", "Follow-up", "Export", "Copy", "Back"} <= titles


# -- takeaways and the own-it check --------------------------------------------------------------------


async def test_typed_takeaways_are_saved_without_asking(store: Store, make_app: MakeApp) -> None:
    store.put(held_debrief())
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_wrapup(app, pilot)
        await pilot.press("W", "e", "space")
        screen.query_one("#takeaway-what-happened", TextArea).insert("lost on rollout time.")
        screen.query_one("#takeaway-differently", TextArea).insert("Ask who signs in the first call.")
        screen.query_one("#takeaway-next-time", TextArea).insert("Put the rollout plan in the proposal.")
        debrief = await saved(pilot, store, lambda d: d.takeaways.next_time.endswith("proposal."))
        assert debrief.takeaways.what_happened == "We lost on rollout time."
        assert debrief.takeaways.differently == "Ask who signs in the first call."
        assert debrief.status is Status.HELD
        await pilot.pause()
        assert text_of(screen.query_one("#wrapup-status", Static)) == "All changes saved."


async def test_an_excuse_is_flagged_as_it_is_typed(store: Store, make_app: MakeApp) -> None:
    store.put(held_debrief())
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_wrapup(app, pilot)
        line = screen.query_one("#ownit-what-happened", Static)
        assert not line.has_class("-shown")
        area = screen.query_one("#takeaway-what-happened", TextArea)
        area.insert(EXCUSE)
        await pilot.pause()
        findings = ownit_checker().check(EXCUSE)
        assert findings, "the own-it rules should flag blaming the buyer and the product team"
        assert line.has_class("-shown") and line.display
        shown = text_of(line)
        assert findings[0].message in shown and findings[0].suggestion in shown
        # Owning it clears the flag.
        area.clear()
        area.insert("I never found out who signs; I will ask in the first call next time.")
        await pilot.pause()
        assert ownit_checker().check(area.text) == []
        assert not line.has_class("-shown")
        # The excuse was only advice: what was typed is saved either way.
        await saved(pilot, store, lambda d: d.takeaways.what_happened.startswith("I never found out"))


async def test_an_over_long_takeaway_is_reported_not_crashed(store: Store, make_app: MakeApp) -> None:
    store.put(held_debrief())
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_wrapup(app, pilot)
        screen.query_one("#takeaway-next-time", TextArea).insert("x" * 100_001)
        await pilot.pause()
        status = screen.query_one("#wrapup-status", Static)
        assert text_of(status).startswith("Not saved: ")
        assert "too long" in text_of(status)
        assert store.get("wrp234").takeaways.next_time == ""


# -- action items -------------------------------------------------------------------------------------


async def test_action_items_are_added_edited_marked_done_and_removed(store: Store, make_app: MakeApp) -> None:
    store.put(held_debrief())
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_wrapup(app, pilot)
        await pilot.press("ctrl+n")
        row = screen.query_one(ActionItemRow)
        assert app.focused is row.text_input
        row.text_input.value = "Share the rollout lesson with the team"
        row.owner_input.value = "me"
        row.due_input.value = "next friday"
        friday = parse_date("next friday", TODAY)
        debrief = await saved(pilot, store, lambda d: len(d.action_items) == 1 and d.action_items[0].due == friday)
        assert debrief.action_items[0].owner == "me"
        assert not debrief.action_items[0].done
        assert text_of(screen.query_one("#actions-title", Static)) == "Action items · 1 open, 0 done"

        # Edit in place, then mark done from the keyboard.
        row.text_input.value = "Share the rollout lesson at Monday's team meeting"
        await pilot.press("ctrl+d")
        debrief = await saved(pilot, store, lambda d: d.action_items[0].done)
        assert debrief.action_items[0].text == "Share the rollout lesson at Monday's team meeting"
        assert row.has_class("-done")
        assert text_of(screen.query_one("#actions-title", Static)) == "Action items · 0 open, 1 done"

        await pilot.press("ctrl+n")
        second = screen.query(ActionItemRow).last()
        second.text_input.value = "Ask product for a six-week rollout"
        await saved(pilot, store, lambda d: len(d.action_items) == 2)

        # Remove the first one; the cursor stays in the list.
        row.text_input.focus()
        await pilot.press("ctrl+r")
        debrief = await saved(pilot, store, lambda d: len(d.action_items) == 1)
        assert debrief.action_items[0].text == "Ask product for a six-week rollout"
        assert app.focused is second.text_input


async def test_a_bad_due_date_is_explained_in_place_and_keeps_the_last_good_one(
        store: Store, make_app: MakeApp) -> None:
    store.put(wrapped_debrief())
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_wrapup(app, pilot)
        row = screen.query(ActionItemRow).first()
        row.due_input.focus()
        row.due_input.value = "the day after never"
        await pilot.pause()
        assert row.due_input.has_class("-invalid")
        assert row.error_line.has_class("-shown")
        assert "not a date" in text_of(row.error_line)
        row.owner_input.value = "me and Priya"
        debrief = await saved(pilot, store, lambda d: d.action_items[0].owner == "me and Priya")
        assert debrief.action_items[0].due == date(2026, 11, 30)
        row.due_input.value = "2026-12-04"
        await pilot.pause()
        assert not row.error_line.has_class("-shown")
        await saved(pilot, store, lambda d: d.action_items[0].due == date(2026, 12, 4))


# -- stay in touch, follow-ups, move on ------------------------------------------------------------------


async def test_the_stay_in_touch_plan_is_saved_and_reaches_the_index(store: Store, make_app: MakeApp) -> None:
    store.put(held_debrief())
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_wrapup(app, pilot)
        screen.query_one("#plan-channel", Input).value = "LinkedIn"
        check_in = screen.query_one("#plan-check-in", DateField)
        check_in.input.value = "in 12 weeks"
        await pilot.pause()
        assert "in 84 days" in text_of(check_in.hint)
        screen.query_one("#plan-mention", Select).value = "yes"
        screen.query_one("#plan-referral", Input).value = "Tomás at Harbor & Lane"
        screen.query_one("#plan-revisit", Input).value = "Their renewal in Q3"
        expected = TODAY + timedelta(weeks=12)
        debrief = await saved(pilot, store, lambda d: d.stay_in_touch.revisit_trigger == "Their renewal in Q3"
                              and d.stay_in_touch.next_check_in == expected)
        plan = debrief.stay_in_touch
        assert (plan.channel, plan.may_mention, plan.referral) == ("LinkedIn", True, "Tomás at Harbor & Lane")
        assert store.summaries()[0]["next_check_in"] == expected.isoformat()
        # A date that cannot be read is shown as such and changes nothing.
        check_in.input.value = "whenever"
        await pilot.pause()
        assert check_in.hint.has_class("-error")
        await pilot.pause(0.8)
        assert store.get("wrp234").stay_in_touch.next_check_in == expected


async def test_follow_ups_are_logged_and_counted(store: Store, make_app: MakeApp) -> None:
    store.put(held_debrief())
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_wrapup(app, pilot)
        title = screen.query_one("#follow-title", Static)
        assert text_of(title) == "Follow-up log · 0 attempts"
        await pilot.press("ctrl+l")
        row = screen.query_one(FollowUpRow)
        assert app.focused is row.channel_input
        row.channel_input.value = "email"
        row.outcome_input.value = "Sent the case study; friendly reply"
        debrief = await saved(pilot, store, lambda d: len(d.follow_ups) == 1 and bool(d.follow_ups[0].outcome))
        assert debrief.follow_ups[0].on == TODAY
        assert debrief.follow_ups[0].channel == "email"
        await pilot.press("ctrl+l")
        second = screen.query(FollowUpRow).last()
        second.date_input.value = "yesterday"
        second.channel_input.value = "LinkedIn"
        debrief = await saved(pilot, store, lambda d: len(d.follow_ups) == 2 and d.follow_ups[1].channel == "LinkedIn")
        assert debrief.follow_ups[1].on == TODAY - timedelta(days=1)
        assert text_of(title) == "Follow-up log · 2 attempts"


async def test_the_move_on_date_is_suggested_and_can_be_typed(store: Store, make_app: MakeApp) -> None:
    store.put(held_debrief())
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_wrapup(app, pilot)
        await pilot.press("ctrl+g")
        suggestion = CALL_AT.date() + timedelta(days=MOVE_ON_DAYS)
        field = screen.query_one("#move-on", DateField)
        assert app.focused is field.input
        assert field.region.y < 24 - 2, "the move-on date is scrolled into view at 80x24"
        await saved(pilot, store, lambda d: d.move_on == suggestion)
        field.input.value = "2027-01-31"
        await saved(pilot, store, lambda d: d.move_on == date(2027, 1, 31))
        assert store.summaries()[0]["move_on"] == "2027-01-31"


# -- finishing, exporting, leaving ------------------------------------------------------------------------


async def test_finish_wraps_up_and_editing_stays_possible(store: Store, make_app: MakeApp) -> None:
    store.put(held_debrief())
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_wrapup(app, pilot)
        screen.query_one("#takeaway-what-happened", TextArea).insert("We lost on rollout time.")
        await pilot.press("f10")
        debrief = store.get("wrp234")
        assert debrief.status is Status.WRAPPED
        assert debrief.takeaways.what_happened == "We lost on rollout time."
        # The reset button is never left empty by finishing.
        assert debrief.move_on == CALL_AT.date() + timedelta(days=MOVE_ON_DAYS)
        assert text_of(screen.query_one("#wrapup-title", Static)).endswith("· wrapped")
        assert isinstance(app.screen, WrapUpScreen)
        screen.query_one("#takeaway-next-time", TextArea).insert("Map who signs by the second call.")
        debrief = await saved(pilot, store, lambda d: d.takeaways.next_time == "Map who signs by the second call.")
        assert debrief.status is Status.WRAPPED


async def test_export_writes_a_private_markdown_file(store: Store, make_app: MakeApp, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    store.put(wrapped_debrief())
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_wrapup(app, pilot)
        screen.query_one("#takeaway-next-time", TextArea).insert(" Also: send the plan before the demo.")
        await pilot.press("ctrl+e")
        path = screen.last_export
        assert path is not None and path.is_file()
        assert path.parent == locations.default_exports_dir()
        text = path.read_text()
        assert text.startswith("# Loss debrief: Northwind Logistics")
        assert "send the plan before the demo." in text
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        await pilot.pause(0.5)
        assert str(path) in text_of(screen.query_one("#wrapup-status", Static))


async def test_export_also_puts_the_summary_on_the_clipboard(store: Store, make_app: MakeApp) -> None:
    store.put(wrapped_debrief())
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_wrapup(app, pilot)
        await pilot.press("ctrl+e")
        assert app.clipboard.startswith("# Loss debrief: Northwind Logistics")
        assert "## Follow-ups (2)" in app.clipboard


async def test_escape_saves_and_goes_back(store: Store, make_app: MakeApp) -> None:
    store.put(held_debrief())
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_wrapup(app, pilot)
        screen.query_one("#takeaway-differently", TextArea).insert("Ask who signs.")
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, WrapUpScreen)
        assert store.get("wrp234").takeaways.differently == "Ask who signs."


async def test_quitting_right_after_typing_loses_nothing(store: Store, make_app: MakeApp) -> None:
    store.put(held_debrief())
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_wrapup(app, pilot)
        screen.query_one("#plan-channel", Input).value = "phone"
        await pilot.press("ctrl+q")
    assert store.get("wrp234").stay_in_touch.channel == "phone"


async def test_an_unknown_debrief_is_a_message_not_a_crash(store: Store, make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        home = app.screen
        app.open_wrapup("zzzzzz")
        await pilot.pause()
        assert app.screen is home  # back where the rep was, with the reason
        assert any("no debrief with id 'zzzzzz'" in str(note.message) for note in app._notifications)


async def test_a_loss_without_a_call_can_still_be_wrapped_up(store: Store, make_app: MakeApp) -> None:
    debrief = held_debrief()
    debrief.script, debrief.answers, debrief.schedule = None, {}, None
    debrief.call = CallRecord()
    debrief.status = Status.LOGGED
    store.put(debrief)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_wrapup(app, pilot)
        assert "no call script" in text_of(screen.query_one(".empty", Static))
        screen.query_one("#takeaway-what-happened", TextArea).insert("They never took the call; I moved on too late.")
        await pilot.press("f10")
        stored = store.get("wrp234")
        assert stored.status is Status.WRAPPED
        # Without a call, the reset button counts from the loss (and never from a day gone by).
        assert stored.move_on == max(debrief.lost_on + timedelta(days=MOVE_ON_DAYS), TODAY)


async def test_finishing_over_an_excuse_asks_once_no_goes_back_yes_finishes(store: Store, make_app: MakeApp) -> None:
    """F10 with an own-it finding asks one question; no leaves the debrief held, yes wraps it up."""
    store.put(held_debrief())
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_wrapup(app, pilot)
        area = screen.query_one("#takeaway-differently", TextArea)
        area.insert(EXCUSE)
        await pilot.press("f10")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        reason = text_of(app.screen.query_one("#confirm-reason", Static))
        assert "own-it check still flags" in reason and "What I could have done differently" in reason
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen and app.focused is area
        assert store.get("wrp234").status is Status.HELD
        await pilot.press("f10")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await pilot.pause()
        assert app.screen is screen
        stored = store.get("wrp234")
        assert stored.status is Status.WRAPPED and stored.takeaways.differently == EXCUSE


async def test_an_unset_move_on_date_reads_as_unset_and_names_the_key_from_the_bindings(
        store: Store, make_app: MakeApp) -> None:
    """Empty, the box holds no dim date: beside it, "not set", the suggestion and its key (rebindable)."""
    store.put(held_debrief())
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_wrapup(app, pilot)
        field = screen.query_one("#move-on", DateField)
        suggestion = CALL_AT.date() + timedelta(days=MOVE_ON_DAYS)
        assert str(suggestion) not in field.input.placeholder
        assert text_of(field.hint) == f"not set · suggested {suggestion} (^g)"
        assert field.hint.has_class("-unset")
        app.set_keymap({"wrapup.suggest_move_on": "f9"})
        screen.refresh_bindings()
        await pilot.pause()
        assert text_of(field.hint) == f"not set · suggested {suggestion} (f9)"
        await pilot.press("f9")
        await pilot.pause()
        assert field.value == suggestion and not field.hint.has_class("-unset")
        assert text_of(field.hint).startswith(suggestion.strftime("%a "))


async def test_labels_and_takeaway_titles_read_in_the_text_colour_when_unfocused(
        store: Store, make_app: MakeApp) -> None:
    """Unfocused, a takeaway's title and a field's label are drawn in the theme's text colour, not grey."""
    store.put(held_debrief())
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_wrapup(app, pilot)
        foreground = Color.parse(app.get_css_variables()["foreground"])
        area = screen.query_one("#takeaway-next-time", TextArea)
        assert not area.has_focus
        assert area.styles.border_title_color == foreground
        assert area.styles.border_title_color != area.styles.border_top[1]
        label = screen.query(".field-label").first(Label)
        assert label.styles.color == foreground
