"""Notifications while a dialog of the live call is open: where the call shows them, never over
the notes the dialog dims."""

from __future__ import annotations

from collections.abc import Callable

from debrief.app import DebriefApp
from debrief.core.store import Store
from tests.pilot_helpers import settle
from tests.screen_tour import FIRST_ID, SECOND_ID, TOUR, build_debrief, leave, plain_values

DIALOGS = [stop for stop in TOUR if stop.name.startswith("call-")]


async def test_toasts_over_a_call_dialog_sit_beside_the_notes(
        store: Store, make_app: Callable[..., DebriefApp]) -> None:
    store.put(build_debrief(FIRST_ID, plain_values("First")))
    store.put(build_debrief(SECOND_ID, plain_values("Second")))
    app = make_app()
    seen = 0
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        for size in ((80, 24), (160, 48)):
            await pilot.resize_terminal(*size)
            for stop in DIALOGS:
                await stop.open(app, pilot)
                dialog, call = app.screen, app.screen_stack[-2]
                assert type(dialog).__name__ == stop.screen and type(call).__name__ == "CallScreen", stop.name
                app.notify("A long notification that wraps over several lines of the toast, " * 2, timeout=30)
                app.notify("Saved", timeout=30)
                await pilot.pause(0.2)
                notes = call.query_one("#call-notes").region
                toasts = [toast.region for toast in dialog.query("Toast")]
                assert len(toasts) >= 2, (stop.name, toasts)
                for region in toasts:
                    assert not region.overlaps(notes), (stop.name, size, region, notes)
                    assert region.bottom <= size[1] and region.x < size[0] // 2, (stop.name, size, region)
                seen += len(toasts)
                app.clear_notifications()
                await leave(app, pilot)
    assert seen >= 2 * 2 * len(DIALOGS) and len(DIALOGS) == 7
