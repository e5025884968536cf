"""Every screen and dialog as a rep sees it at 80x24, and the busiest ones at 160x48.

One app per picture, reached the way a rep reaches it (the stops of ``tests.screen_tour``), on
the same two debriefs in the middle of their call: a screen that breaks at 80 columns, clips a
label or lets markup through shows up here as a changed picture.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from debrief.app import DebriefApp
from debrief.core.settings import Settings, save_settings
from debrief.core.store import Store
from tests.pilot_helpers import settle
from tests.screen_tour import FIRST_ID, MORE, SECOND_ID, TOUR, Stop, build_debrief, plain_values

SnapCompare = Callable[..., bool]

EVERY_STOP = [*TOUR, *MORE]
PICTURED = [stop for stop in EVERY_STOP if stop.name != "help-prepare"]
"""Every stop but help over Prepare: the help table is pictured over home, and under a dialog
Prepare's footer is fitted again after the dialog's bindings arrive, so its last key (which fits to
the column at 80) shows in some frames and not in others. The hostile and key tours still visit it."""
WIDE = ("home", "prepare", "call", "compare")
"""The screens also drawn at 160x48: where a wide terminal has the most to lay out."""


@pytest.fixture
def tour_store(store: Store) -> Store:
    store.put(build_debrief(FIRST_ID, plain_values("First")))
    store.put(build_debrief(SECOND_ID, plain_values("Second")))
    return store


def _fixed_settings(stop: Stop, path: Path) -> None:
    """The settings screen with a name and an exports folder set: an empty folder shows this
    run's home as its default, which differs on every machine."""
    if stop.name == "settings":
        save_settings(Settings(rep_name=plain_values("First")["settings.rep_name"], exports="~/Exports"), path)


def _visit(stop: Stop) -> Callable[[Pilot[Any]], Any]:
    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, DebriefApp)
        await settle(pilot)
        await stop.open(app, pilot)
        await settle(pilot)
        assert type(app.screen).__name__ == stop.screen
        for widget in app.screen.query("Input, TextArea"):
            widget.cursor_blink = False  # type: ignore[attr-defined]
        app.clear_notifications()  # toasts time out: the picture is of the screen
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("stop", PICTURED, ids=[stop.name for stop in PICTURED])
def test_at_80x24(stop: Stop, snap_compare: SnapCompare, tour_store: Store,
                  make_app: Callable[..., DebriefApp], tmp_path: Path) -> None:
    _fixed_settings(stop, tmp_path / "settings.json")
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=_visit(stop))


@pytest.mark.parametrize("stop", [stop for stop in TOUR if stop.name in WIDE], ids=lambda stop: stop.name)
def test_at_160x48(stop: Stop, snap_compare: SnapCompare, tour_store: Store,
                   make_app: Callable[..., DebriefApp]) -> None:
    assert snap_compare(make_app(), terminal_size=(160, 48), run_before=_visit(stop))
