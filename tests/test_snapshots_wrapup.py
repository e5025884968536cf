"""Snapshots of the wrap-up as a rep sees it: at 80x24, scrolled to the plan, and wide."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from debrief.app import DebriefApp
from debrief.core.store import Store
from debrief.screens.wrapup import WrapUpScreen
from debrief.widgets.date_input import DateField
from tests.test_wrapup import held_debrief, wrapped_debrief

MakeApp = Callable[..., DebriefApp]
SnapCompare = Callable[..., bool]


async def _open(app: DebriefApp, pilot: Pilot[Any]) -> WrapUpScreen:
    app.open_wrapup("wrp234")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, WrapUpScreen)
    for widget in screen.query(TextArea):
        widget.cursor_blink = False
    for field in screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()
    return screen


async def _settle(screen: WrapUpScreen, pilot: Pilot[Any]) -> None:
    """Wait until every edit is on disk, so the status line reads the same on every run."""
    assert screen.saver is not None
    await pilot.pause()
    assert screen.saver.flush()
    await pilot.pause(0.2)


def test_wrapup_right_after_the_call(snap_compare: SnapCompare, store: Store, make_app: MakeApp) -> None:
    store.put(held_debrief())
    app = make_app()

    async def run_before(pilot: Pilot[Any]) -> None:
        await _open(app, pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_wrapup_plan_and_follow_ups(snap_compare: SnapCompare, store: Store, make_app: MakeApp) -> None:
    store.put(wrapped_debrief())
    app = make_app()

    async def run_before(pilot: Pilot[Any]) -> None:
        screen = await _open(app, pilot)
        screen.query_one("#plan-check-in", DateField).input.focus()
        await pilot.pause()
        await _settle(screen, pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_wrapup_wide_with_an_excuse_flagged(snap_compare: SnapCompare, store: Store, make_app: MakeApp) -> None:
    store.put(wrapped_debrief())
    app = make_app()

    async def run_before(pilot: Pilot[Any]) -> None:
        screen = await _open(app, pilot)
        area = screen.query_one("#takeaway-what-happened", TextArea)
        area.clear()
        area.insert("They just didn't listen, and the product team never shipped the integration.")
        await _settle(screen, pilot)

    assert snap_compare(app, terminal_size=(140, 40), run_before=run_before)


def test_wrapup_move_on_not_set(snap_compare: SnapCompare, store: Store, make_app: MakeApp) -> None:
    """Right after the call, scrolled to the end: an unset date reads "not set", its suggestion beside it."""
    store.put(held_debrief())
    app = make_app()

    async def run_before(pilot: Pilot[Any]) -> None:
        screen = await _open(app, pilot)
        await _settle(screen, pilot)  # laid out whole first: the scroll then ends in one place
        screen.query_one("#move-on", DateField).scroll_visible(animate=False, top=False)
        await _settle(screen, pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_wrapup_finish_asks_over_an_excuse(snap_compare: SnapCompare, store: Store, make_app: MakeApp) -> None:
    """F10 while the own-it check flags an excuse: one question before the lesson is recorded."""
    store.put(held_debrief())
    app = make_app()

    async def run_before(pilot: Pilot[Any]) -> None:
        screen = await _open(app, pilot)
        screen.query_one("#takeaway-what-happened", TextArea).insert(
            "They just didn't listen, and the product team never shipped the integration.")
        await _settle(screen, pilot)
        await pilot.press("f10")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
