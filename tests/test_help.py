"""The list of keys (f1) and the footer at 80 columns: nothing cut, nothing run together."""

from __future__ import annotations

import re
from collections.abc import Callable

from textual.widgets import DataTable

from debrief.app import DebriefApp
from debrief.core.store import Store
from debrief.screens.help import HelpScreen
from tests.pilot_helpers import settle
from tests.screen_tour import FIRST_ID, SECOND_ID, build_debrief, plain_values

AppFactory = Callable[..., DebriefApp]


def screen_lines(app: DebriefApp) -> list[str]:
    """What the terminal shows now, one string per row."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


async def test_help_at_80_columns_shows_every_id_whole_and_wraps_what_a_key_does(
        make_app: AppFactory, store: Store) -> None:
    store.put(build_debrief(FIRST_ID, plain_values("First")))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_prepare(FIRST_ID)
        await settle(pilot)
        await app.screen.run_action("app.help")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, HelpScreen)
        table = screen.query_one(DataTable)
        ids = [str(table.get_row_at(row)[2]) for row in range(table.row_count)]
        assert "prepare.defaults" in ids and "prepare.use_suggestion" not in ids  # hidden when it cannot act
        # Every column fits the table: nothing scrolls sideways, so nothing is cut.
        assert table.virtual_size.width <= table.scrollable_content_region.width
        seen = "\n".join(screen_lines(app))
        for binding_id in ids[:6]:
            assert binding_id in seen
        # A long tooltip wraps onto a second line of its row rather than pushing the id away.
        does = [str(table.get_row_at(row)[1]) for row in range(table.row_count)]
        long_one = next(text for text in does if len(text) > table.columns[list(table.columns)[1]].width)
        assert long_one.split()[0] in seen and long_one.split()[-1] in seen
        # Resizing to 160 columns lays the table out again, wider: fewer lines wrap.
        narrow = sum(row.height for row in table.rows.values())
        assert narrow > table.row_count
        await pilot.resize_terminal(160, 48)
        await settle(pilot)
        assert table.virtual_size.width <= table.scrollable_content_region.width
        assert table.row_count <= sum(row.height for row in table.rows.values()) < narrow


async def test_compact_footer_at_80_columns_reads_cleanly(make_app: AppFactory, store: Store) -> None:
    """The palette key on the right has nothing showing through beside it, and the grouped sort
    keys keep their spaces ("o O Sort d Due")."""
    store.put_many([build_debrief(FIRST_ID, plain_values("First")),
                    build_debrief(SECOND_ID, plain_values("Second"))])
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        footer = screen_lines(app)[-1]
        assert footer.rstrip().endswith("Palette"), footer
        assert not re.search(r"Palette\S", footer)
    async with make_app().run_test(size=(200, 24)) as pilot:
        await settle(pilot)
        footer = screen_lines(pilot.app)[-1]  # type: ignore[arg-type]
        assert " o O Sort d Due " in footer, footer


async def test_prepare_footer_shows_whole_keys_only_and_more_when_wider(make_app: AppFactory, store: Store) -> None:
    """At 80 columns no key is cut mid-label ("+ +5 ▏"): the keys that do not fit are hidden, in
    order, and come back when the terminal is wider."""
    from textual.widgets._footer import FooterKey

    from debrief.widgets.fit_footer import FitFooter

    store.put(build_debrief(FIRST_ID, plain_values("First")))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_prepare(FIRST_ID)
        await settle(pilot)
        footer = app.screen.query_one(FitFooter)
        keys = [key for key in footer.query(FooterKey) if not key.has_class("-command-palette")]
        palette = footer.query_one(".-command-palette", FooterKey)
        shown = [key for key in keys if key.display]
        assert shown and len(shown) < len(keys)
        assert all(key.region.right <= palette.region.x for key in shown)
        assert keys[: len(shown)] == shown  # the first keys, in order
        line = screen_lines(app)[-1]
        for key in shown:
            assert f"{key.key_display} {key.description}" in line
        await pilot.resize_terminal(220, 30)
        await settle(pilot)
        keys = [key for key in footer.query(FooterKey) if not key.has_class("-command-palette")]
        assert all(key.display for key in keys)


async def test_home_reached_from_a_call_fits_its_footer(make_app: AppFactory, store: Store) -> None:
    """Started on the call (``debrief call ID``), home is composed beneath it before it is ever
    shown; leaving the call shows home with its keys fitted to 80 columns, none cut mid-label."""
    from tests.screen_tour import cut_keys
    from tests.test_call_screen import prepared_debrief

    for debrief in (build_debrief(FIRST_ID, plain_values("First")), build_debrief(SECOND_ID, plain_values("Second"))):
        store.put(debrief)
    debrief = prepared_debrief(store)
    app = make_app(call_id=debrief.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*"They chose on price")
        await pilot.press("escape")
        await settle(pilot)
        assert type(app.screen).__name__ == "HomeScreen"
        assert cut_keys(app) == []
        assert "w Wrap-up" in screen_lines(app)[-1]
