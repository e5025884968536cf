"""Snapshots of the live call as a rep sees it: the first question at 80x24, mid-call at 160x48,
and the end-of-call summary. Fixed data, timer not running, so every run draws the same."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from textual.pilot import Pilot

from debrief.app import DebriefApp
from debrief.core.model import Answer, AnswerState, CallRecord, Debrief, Marker, Status
from debrief.core.store import Store
from debrief.screens.call import CallScreen
from debrief.widgets.notes_area import NotesArea
from tests.test_call_screen import prepared_debrief

MakeApp = Callable[..., DebriefApp]
SnapCompare = Callable[..., bool]
START = datetime(2026, 11, 24, 10, 0)


def fresh(store: Store) -> Debrief:
    """Prepared, never called: the screen opens on the first question with the opening."""
    return prepared_debrief(store, debrief_id="cak234")


def mid_call(store: Store) -> Debrief:
    """Eight minutes in, on the second question: answers in every state, talk figures recorded."""
    fresh(store)

    def answers(d: Debrief) -> None:
        d.status = Status.IN_CALL
        d.answers = {
            "decision-factors": Answer(
                question_id="decision-factors", state=AnswerState.CLARIFIED,
                notes="Price first, then the rollout plan.\n» Could you give me an example?\n"
                      "They needed go-live before the March audit.",
                clarified="The rollout plan looked too slow for the March audit",
                probes_used=["Could you give me an example?"], tags=["price", "implementation"],
                seconds=214, first_noted_at=START, updated_at=START),
            "decision-who": Answer(
                question_id="decision-who", state=AnswerState.UNCLEAR,
                notes="The CFO had the final word, procurement ran the scoring.\nNot sure who championed HubSpot.",
                tags=["decision-maker"], seconds=131, first_noted_at=START, updated_at=START),
        }
        d.call = CallRecord(
            started_at=START, elapsed=488, current_question="decision-who", rep_talk=96, buyer_talk=330,
            longest_monologue=41, markers=[Marker(at=START, elapsed=190, question_id="decision-factors",
                                                   label="Key quote on the audit")])

    store.update("cak234", answers)
    return store.get("cak234")


async def _open(pilot: Pilot[Any]) -> CallScreen:
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, CallScreen)
    notes = screen.query_one(NotesArea)
    for _ in range(50):  # the cursor is drawn only once the notes have the focus
        if notes.has_focus:
            break
        await pilot.pause(0.02)
    assert notes.has_focus
    notes.cursor_blink = False  # with the focus: the cursor stays drawn, never mid-blink
    notes.notify_style_update()  # drop lines cached before the focus arrived (drawn without cursor)
    notes.refresh()
    await pilot.pause()
    return screen


def test_call_opens_on_the_first_question_80x24(snap_compare: SnapCompare, store: Store,
                                                 make_app: MakeApp) -> None:
    fresh(store)
    app = make_app(call_id="cak234")

    async def run_before(pilot: Pilot[Any]) -> None:
        await _open(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_call_mid_call_160x48(snap_compare: SnapCompare, store: Store, make_app: MakeApp) -> None:
    mid_call(store)
    app = make_app(call_id="cak234")

    async def run_before(pilot: Pilot[Any]) -> None:
        await _open(pilot)

    assert snap_compare(app, terminal_size=(160, 48), run_before=run_before)


def test_call_end_summary_80x24(snap_compare: SnapCompare, store: Store, make_app: MakeApp) -> None:
    mid_call(store)
    app = make_app(call_id="cak234")

    async def run_before(pilot: Pilot[Any]) -> None:
        await _open(pilot)
        await pilot.press("f10")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
