"""ctrl+p opens the command palette on every screen and every dialog, and lists its commands.

The palette reads each command's title and help as markup; a key shown as ``[`` or a tooltip
with brackets once crashed it on the home screen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

import pytest
from textual.binding import Binding
from textual.command import CommandList, CommandPalette
from textual.content import Content
from textual.screen import Screen

from debrief.app import DebriefApp
from debrief.core.store import Store
from tests.pilot_helpers import settle
from tests.screen_tour import FIRST_ID, SECOND_ID, TOUR, Stop, build_debrief, plain_values


@pytest.fixture
def two_debriefs(store: Store) -> None:
    store.put(build_debrief(FIRST_ID, plain_values("First")))
    store.put(build_debrief(SECOND_ID, plain_values("Second")))


def _listed(palette: CommandPalette) -> dict[str, set[str]]:
    """What the palette shows: each title (the first line of an entry) with its help lines."""
    commands = palette.query_one(CommandList)
    listed: dict[str, set[str]] = {}
    for index in range(commands.option_count):
        prompt = commands.get_option_at_index(index).prompt
        assert isinstance(prompt, Content)
        title, _, help_text = prompt.plain.partition("\n")
        listed.setdefault(title, set()).add(help_text)
    return listed


@pytest.mark.parametrize("stop", TOUR, ids=[stop.name for stop in TOUR])
async def test_ctrl_p_opens_the_palette_with_the_screens_commands(
        make_app: Callable[..., DebriefApp], two_debriefs: None, stop: Stop) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await stop.open(app, pilot)
        under = app.screen
        assert type(under).__name__ == stop.screen
        await pilot.press("ctrl+p")
        await settle(pilot)
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        listed = _listed(palette)
        expected = {Content.from_markup(command.title).plain
                    for command in app.get_system_commands(cast("Screen[object]", under)) if command.discover}
        own: dict[str, list[Binding]] = {}  # our bindings (they all have an id), by action
        for active in under.active_bindings.values():
            binding = active.binding
            if active.node is not app and active.enabled and binding.description and binding.id:
                own.setdefault(binding.action, []).append(binding)
        assert own, "the screen has commands of its own"
        assert expected <= set(listed)
        for bindings in own.values():
            # Title, help and key exactly as declared: a key shown as "[" is not read as markup.
            shown = {f"{b.tooltip or b.description} [{app.get_key_display(b)}]" for b in bindings}
            assert shown & listed.get(bindings[0].description, set()), (shown, listed)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is under
        assert app.is_running


@pytest.mark.parametrize("stop", [stop for stop in TOUR if stop.name in ("call", "wrap-up")],
                         ids=lambda stop: stop.name)
async def test_the_reps_commands_come_before_the_text_areas_editing_keys(
        make_app: Callable[..., DebriefApp], two_debriefs: None, stop: Stop) -> None:
    """In the call and the wrap-up the focus is in a text area: its cursor moves must not bury the rep's keys."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await stop.open(app, pilot)
        under = app.screen
        assert type(under.focused).__name__ in ("NotesArea", "SoftWrapArea", "TextArea"), under.focused
        ours = {binding.description for binding in (active.binding for active in under.active_bindings.values())
                if binding.id and binding.description}
        editing = {active.binding.description for active in under.active_bindings.values()
                   if active.node is under.focused and not active.binding.id and active.binding.description}
        assert ours and editing
        await pilot.press("ctrl+p")
        await settle(pilot)
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        commands = palette.query_one(CommandList)
        order = [cast(Content, commands.get_option_at_index(index).prompt).plain.partition("\n")[0]
                 for index in range(commands.option_count)]
        first_editing = min(order.index(title) for title in editing if title in order)
        last_ours = max(order.index(title) for title in ours if title in order)
        assert last_ours < first_editing, order
        assert set(order[: len(ours & set(order))]) <= ours, order  # the rep's commands open the list
        assert order.index("Theme") < first_editing  # Textual's own in between
