"""Snapshots of the review screens as a rep sees them: side by side, patterns, search, reading."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from debrief.app import DebriefApp
from debrief.core.demo import demo_debriefs
from debrief.core.model import ID_ALPHABET, Debrief
from debrief.core.store import Store
from tests.test_review import TODAY, compare_set

MakeApp = Callable[..., DebriefApp]
SnapCompare = Callable[..., bool]


def demo_set(count: int = 60) -> list[Debrief]:
    """Demo debriefs with fixed ids (demo ids are random), so every run draws the same screen."""
    size = len(ID_ALPHABET)
    return [debrief.model_copy(update={"id": "snap" + ID_ALPHABET[i // size] + ID_ALPHABET[i % size]})
            for i, debrief in enumerate(demo_debriefs(count, seed=3, today=TODAY))]


async def _settle(pilot: Pilot[Any]) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


def test_side_by_side(snap_compare: SnapCompare, store: Store, make_app: MakeApp) -> None:
    store.put_many(compare_set())
    app = make_app()

    async def run_before(pilot: Pilot[Any]) -> None:
        app.open_compare(["wwwwww", "xxxxxx", "yyyyyy", "zzzzzz"])
        await _settle(pilot)
        await pilot.press("n", "n")

    assert snap_compare(app, terminal_size=(130, 40), run_before=run_before)


def test_side_by_side_at_80x24_marks_deal_facts(snap_compare: SnapCompare, store: Store, make_app: MakeApp) -> None:
    """Lost on and Value carry ≠ where they differ; the line above the grid says what ≠ means."""
    store.put_many(compare_set())
    app = make_app()

    async def run_before(pilot: Pilot[Any]) -> None:
        app.open_compare(["wwwwww", "xxxxxx", "yyyyyy", "zzzzzz"])
        await _settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_patterns(snap_compare: SnapCompare, store: Store, make_app: MakeApp) -> None:
    store.put_many(demo_set())
    app = make_app()

    async def run_before(pilot: Pilot[Any]) -> None:
        app.open_patterns()
        await _settle(pilot)

    assert snap_compare(app, terminal_size=(130, 50), run_before=run_before)


def test_search_highlights_matches(snap_compare: SnapCompare, store: Store, make_app: MakeApp) -> None:
    store.put_many(demo_set(30))
    app = make_app()

    async def run_before(pilot: Pilot[Any]) -> None:
        app.open_search("pilot reporting")
        await _settle(pilot)

    assert snap_compare(app, terminal_size=(110, 30), run_before=run_before)


def test_read_one_debrief(snap_compare: SnapCompare, store: Store, make_app: MakeApp) -> None:
    debriefs = demo_set(12)
    store.put_many(debriefs)
    wrapped = next(d for d in debriefs if d.status.value == "wrapped")
    app = make_app()

    async def run_before(pilot: Pilot[Any]) -> None:
        app.open_read(wrapped.id)
        await _settle(pilot)

    assert snap_compare(app, terminal_size=(100, 32), run_before=run_before)
