"""Fast input: a paste, a text expander or a rep typing ahead sends keys with no pause between them.

Every character must land in the field that has the focus once the keys before it have run: the
words after a Tab in the next field, the keys after the one that opens a screen in that screen.
Two ways to send a burst: ``pilot.press`` (one key after another, no pause) and posting every key
to the app at once, before it has handled the first (as a terminal delivers a paste).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input

from debrief.app import DebriefApp
from debrief.core.model import Contact, Debrief, Status
from debrief.core.store import Store
from debrief.screens.call import CallScreen
from debrief.screens.call_dialogs import ProbePicker
from debrief.screens.home import HomeScreen
from debrief.screens.log_loss import LogLossScreen
from debrief.screens.schedule import ScheduleScreen
from tests.pilot_helpers import settle
from tests.test_call_screen import prepared_debrief, saved

SIZE = (100, 30)


def burst(app: DebriefApp, keys: Iterable[str]) -> None:
    """Post every key at once: the app sees them all queued before it handles the first."""
    for name in keys:
        character = name if len(name) == 1 else " " if name == "space" else None
        app.post_message(events.Key(name, character))


def typed(text: str) -> list[str]:
    """Key names for ``text`` (a space is the ``space`` key)."""
    return ["space" if character == " " else character for character in text]


async def wait_until(pilot: Pilot[None], done: Callable[[], bool]) -> None:
    """Give the app time to work through the burst (a screen opening in between takes a moment).

    Once ``done`` holds, the messages it implies (a text area's change, the save it asks for) may
    still be queued: settle after it too.
    """
    for _ in range(100):
        if done():
            break
        await pilot.pause(0.02)
    await settle(pilot)


def stack(app: DebriefApp) -> list[str]:
    return [type(screen).__name__ for screen in app.screen_stack[1:]]


@pytest.mark.parametrize("send", ["burst", "press"])
async def test_keys_typed_while_the_call_opens_go_into_its_notes(
        make_app: Callable[..., DebriefApp], store: Store, send: str) -> None:
    """``c`` opens the call; ``n``, ``e``, ``w`` right after it are notes, not New, Edit, Wrap-up."""
    prepared_debrief(store)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        keys = ["c", *typed("new plan")]
        if send == "burst":
            burst(app, keys)
        else:
            await pilot.press(*keys)
        await wait_until(pilot, lambda: isinstance(app.screen, CallScreen) and app.screen.is_mounted
                         and app.screen.notes.text == "new plan")
        assert stack(app) == ["HomeScreen", "CallScreen"], send
        screen = app.screen
        assert isinstance(screen, CallScreen)
        assert screen.notes.text == "new plan", send
        assert saved(screen, store).answers["decision-factors"].notes == "new plan"


@pytest.mark.parametrize("send", ["burst", "press"])
async def test_text_tab_text_tab_fills_each_field_of_the_log_loss_form(
        make_app: Callable[..., DebriefApp], send: str) -> None:
    """A text expander fills Company, Contact, Role and Email in one go."""
    values = {"company": "Acme Corp", "contact": "Jane Doe", "role": "VP Ops", "email": "jane@acme.example"}
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        keys = ["n"]  # the form opens, then the expander types at once
        for text in values.values():
            keys += [*typed(text), "tab"]
        if send == "burst":
            burst(app, keys)
        else:
            await pilot.press(*keys)
        form = app.screen

        def filled() -> bool:
            return isinstance(app.screen, LogLossScreen) and app.screen.is_mounted and app.screen.query_one(
                "#email", Input).value == values["email"] and app.focused is not None \
                and app.focused.id == "value"

        await wait_until(pilot, filled)
        form = app.screen
        assert isinstance(form, LogLossScreen), send
        shown = {field: form.query_one(f"#{field}", Input).value for field in values}
        assert shown == values, send
        assert app.focused is not None and app.focused.id == "value", send  # the last Tab moved on


async def test_a_key_right_after_a_call_key_reaches_the_dialog_it_opened(
        make_app: Callable[..., DebriefApp], store: Store) -> None:
    """Words, then F4, then words; F8 then Enter inserts the first probe: no key lands elsewhere."""
    debrief = prepared_debrief(store)
    app = make_app(call_id=debrief.id)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CallScreen)
        burst(app, [*typed("Price"), "f4", *typed("The CFO"), "f3", "f8", "enter", *typed("Yes")])
        await wait_until(pilot, lambda: screen.notes.text.endswith("Yes"))
        assert not isinstance(app.screen, ProbePicker)
        stored = saved(screen, store)
        assert stored.answers["decision-who"].notes == "The CFO"
        first = stored.answers["decision-factors"]
        assert first.notes == "Price\n» Could you give me an example?\nYes"
        assert first.probes_used == ["Could you give me an example?"]


async def test_a_paste_then_tab_stays_in_its_field(make_app: Callable[..., DebriefApp], store: Store) -> None:
    """A paste is handed out in order with the keys around it."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        app.post_message(events.Paste("Globex Ltd"))
        burst(app, ["tab", *typed("Ann Lee")])
        app.post_message(events.Paste(" Smith"))
        form = app.screen
        await wait_until(pilot, lambda: form.query_one("#contact", Input).value == "Ann Lee Smith")
        assert form.query_one("#company", Input).value == "Globex Ltd"
        assert form.query_one("#contact", Input).value == "Ann Lee Smith"


async def test_text_tab_text_fills_the_schedule_form_opened_by_its_key(
        make_app: Callable[..., DebriefApp], store: Store) -> None:
    """``s`` on home, then (over the suggested values) the slot, Tab, the length, Tab, the rep's name, at once."""
    store.add(Debrief(company="Acme Corp", contact=Contact(name="Jane Doe"), status=Status.LOGGED))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        burst(app, ["s", "end", "ctrl+u", *typed("next tuesday 10:00"), "tab", "end", "ctrl+u", "3", "0", "tab",
                    *typed("Ann Lee")])

        def filled() -> bool:
            screen = app.screen
            return isinstance(screen, ScheduleScreen) and screen.is_mounted and screen.query_one(
                "#rep-name", Input).value == "Ann Lee"

        await wait_until(pilot, filled)
        form = app.screen
        assert isinstance(form, ScheduleScreen)
        assert form.query_one("#when", Input).value == "next tuesday 10:00"
        assert form.query_one("#minutes", Input).value == "30"
        assert form.query_one("#rep-name", Input).value == "Ann Lee"
