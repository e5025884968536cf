"""Snapshots of the screens a rep sees first: home (empty and full), the form, booking the call."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from textual.pilot import Pilot

from debrief.app import DebriefApp
from debrief.core.demo import demo_debriefs
from debrief.core.model import ID_ALPHABET, ID_LENGTH, CallRecord, Contact, Debrief, Schedule, Status
from debrief.core.store import Store
from tests.conftest import TODAY

SIZE = (110, 34)


def demo_with_fixed_ids(count: int, seed: int) -> list[Debrief]:
    """Demo debriefs whose ids are drawn from a seeded generator, so the picture never changes."""
    rng = random.Random(seed)
    return [item.model_copy(update={"id": "".join(rng.choice(ID_ALPHABET) for _ in range(ID_LENGTH))})
            for item in demo_debriefs(count, seed=seed, today=TODAY)]


async def loaded(pilot: Pilot[Any]) -> None:
    """Wait for the home screen's rows (they load in a worker)."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def still(pilot: Pilot[Any]) -> None:
    """Stop the cursors blinking, so a snapshot does not depend on the moment it is taken."""
    for widget in pilot.app.screen.query("Input, TextArea"):
        widget.cursor_blink = False  # type: ignore[attr-defined]
    await pilot.pause()


def test_home_empty(snap_compare: Callable[..., bool], make_app: Callable[..., DebriefApp]) -> None:
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=loaded)


def test_home_with_demo_data(snap_compare: Callable[..., bool], store: Store,
                             make_app: Callable[..., DebriefApp]) -> None:
    store.put_many(demo_with_fixed_ids(12, seed=3))

    async def mark_two(pilot: Pilot[Any]) -> None:
        await loaded(pilot)
        await pilot.press("down", "space", "space")
        await still(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=mark_two)


def test_home_call_column_shows_when_calls_were_held(snap_compare: Callable[..., bool], store: Store,
                                                     make_app: Callable[..., DebriefApp]) -> None:
    """At 80x24: a held call shows the time it happened, a booked one its slot."""
    slot = Schedule(at=datetime(2026, 11, 18, 10, 0), minutes=20, booked_at=datetime(2026, 11, 10, 9, 0))
    held = Debrief(id="hhhhhh", company="Held Co", contact=Contact(name="Ann Lee"), lost_on=date(2026, 11, 2),
                   status=Status.HELD, schedule=slot, created_at=datetime(2026, 11, 2, 9, 0),
                   updated_at=datetime(2026, 11, 2, 9, 0))
    held.call.started_at = datetime(2026, 11, 19, 14, 35)
    booked = held.model_copy(update={"id": "bbbbbb", "company": "Booked Co", "status": Status.SCHEDULED,
                                     "schedule": slot.model_copy(update={"at": datetime(2026, 11, 25, 11, 0)}),
                                     "call": CallRecord()})
    store.put_many([held, booked])
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=loaded)


def test_log_loss_form(snap_compare: Callable[..., bool], make_app: Callable[..., DebriefApp]) -> None:
    async def open_form(pilot: Pilot[Any]) -> None:
        await loaded(pilot)
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("ctrl+s")  # saving an empty form shows what is required
        await still(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=open_form)


def test_schedule_screen(snap_compare: Callable[..., bool], store: Store,
                         make_app: Callable[..., DebriefApp]) -> None:
    made = datetime(2026, 11, 23, 9, 0)
    store.put(Debrief(id="acme23", company="Acme Corp", contact=Contact(name="Jane Doe", role="CFO",
                                                                        email="jane@acme.example"),
                      lost_on=date(2026, 11, 23), lost_to="Salesforce", created_at=made, updated_at=made))

    async def open_schedule(pilot: Pilot[Any]) -> None:
        await loaded(pilot)
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("ctrl+a", "ctrl+k")  # clear the suggestion and ask for tomorrow: too soon
        for key in "tomorrow 10:00":
            await pilot.press(key if key != " " else "space")
        await still(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=open_schedule)
