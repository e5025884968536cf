"""ctrl+p opens the command palette on every screen and every dialog, and lists its commands.

The palette reads each command's title and help as markup; a key shown as ``[`` or a tooltip
with brackets once crashed it on the home screen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

import pytest
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


def _listed(palette: CommandPalette) -> set[str]:
    """The titles the palette shows (the first line of each entry)."""
    commands = palette.query_one(CommandList)
    titles = set()
    for index in range(commands.option_count):
        prompt = commands.get_option_at_index(index).prompt
        assert isinstance(prompt, Content)
        titles.add(prompt.plain.split("\n")[0])
    return titles


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
        own = {active.binding.description for active in under.active_bindings.values()
               if active.node is not app and active.enabled and active.binding.description
               and not active.binding.system}
        assert own, "the screen has commands of its own"
        assert own <= listed
        assert expected <= listed
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is under
        assert app.is_running
