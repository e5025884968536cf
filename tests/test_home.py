"""Home: the list of debriefs, what is due, and the keys that lead everywhere."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from textual.widgets import Input

from debrief.app import DebriefApp
from debrief.core.demo import demo_debriefs
from debrief.core.model import Contact, Debrief, Schedule, Status, StayInTouch, summary_of
from debrief.core.progress import due, next_step
from debrief.core.settings import Settings
from debrief.core.store import Store
from debrief.screens.home import HomeScreen
from debrief.screens.log_loss import LogLossScreen
from debrief.widgets.debrief_table import DebriefTable
from debrief.widgets.due_panel import DueGroup
from tests.conftest import TODAY
from tests.pilot_helpers import settle
from tests.tmux_harness import DEBRIEF

SETTINGS = Settings()




def debrief(company: str, lost_days_ago: int, **changes: object) -> Debrief:
    """A debrief lost ``lost_days_ago`` days before the fixed today."""
    lost_on = TODAY - timedelta(days=lost_days_ago)
    made = datetime.combine(lost_on, datetime.min.time())
    item = Debrief(company=company, contact=Contact(name=f"Buyer of {company}"), lost_on=lost_on,
                   created_at=made, updated_at=made)
    for key, value in changes.items():
        setattr(item, key, value)
    return item




def home(app: DebriefApp) -> HomeScreen:
    screen = app.screen
    assert isinstance(screen, HomeScreen)
    return screen


def table_of(app: DebriefApp) -> DebriefTable:
    return app.screen.query_one("#home-table", DebriefTable)


# -- what is due, and the next step (pure functions) ------------------------------------------


def test_due_lists_each_kind_and_drops_debriefs_past_their_move_on_date() -> None:
    waiting = debrief("Waiting Co", 5)
    cooling = debrief("Cooling Co", 1)
    calling = debrief("Calling Co", 10, status=Status.SCHEDULED,
                      schedule=Schedule(at=datetime.combine(TODAY, datetime.min.time()).replace(hour=14)))
    check_in = debrief("Check Co", 90, status=Status.WRAPPED,
                       stay_in_touch=StayInTouch(next_check_in=TODAY - timedelta(days=3)))
    leaving = debrief("Leaving Co", 60, status=Status.WRAPPED, move_on=TODAY)
    gone = debrief("Gone Co", 70, status=Status.WRAPPED, move_on=TODAY - timedelta(days=1),
                   stay_in_touch=StayInTouch(next_check_in=TODAY - timedelta(days=2)))
    summaries = [summary_of(item) for item in (waiting, cooling, calling, check_in, leaving, gone)]

    now_due = due(summaries, TODAY, SETTINGS)

    assert [item.id for item in now_due.to_schedule] == [waiting.id]
    assert [item.id for item in now_due.calls_today] == [calling.id]
    assert now_due.calls_today[0].note == "14:00"
    assert [item.id for item in now_due.check_ins] == [check_in.id]
    assert now_due.check_ins[0].note == "3d late"
    assert [item.id for item in now_due.move_on] == [leaving.id]
    assert gone.id not in now_due.ids and cooling.id not in now_due.ids
    assert next_step(summary_of(gone), TODAY, SETTINGS) == "moved on"
    assert next_step(summary_of(cooling), TODAY, SETTINGS) == "cool off: 1 day"
    assert next_step(summary_of(waiting), TODAY, SETTINGS) == "schedule the call"
    assert next_step(summary_of(calling), TODAY, SETTINGS) == "call today 14:00"


def test_next_step_follows_the_flow() -> None:
    later = datetime.combine(TODAY + timedelta(days=5), datetime.min.time()).replace(hour=10)
    scheduled = debrief("A", 9, status=Status.SCHEDULED, schedule=Schedule(at=later))
    prepared = debrief("B", 9, status=Status.PREPARED, schedule=Schedule(at=later))
    held = debrief("C", 40, status=Status.HELD, schedule=Schedule(at=later - timedelta(days=30)))
    old = debrief("D", 45)
    assert next_step(summary_of(scheduled), TODAY, SETTINGS) == "prepare the script"
    assert next_step(summary_of(prepared), TODAY, SETTINGS) == "ready for the call"
    assert next_step(summary_of(held), TODAY, SETTINGS) == "wrap up"
    assert next_step(summary_of(old), TODAY, SETTINGS) == "schedule (late)"
    assert due([summary_of(old)], TODAY, SETTINGS).to_schedule[0].note == "45d ago, late"


# -- the screen ---------------------------------------------------------------------------------


async def test_empty_database_shows_a_friendly_start(make_app: Callable[..., DebriefApp]) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = home(app)
        assert screen.has_class("-empty")
        welcome = str(screen.query_one("#home-welcome").render())
        assert "log a loss" in welcome and "debrief demo" in welcome
        assert screen.check_action("edit", ()) is False  # nothing to edit: the key leaves the footer
        assert screen.check_action("new", ()) is True
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, LogLossScreen)


async def test_table_lists_every_debrief_from_the_index(store: Store, make_app: Callable[..., DebriefApp]) -> None:
    store.put_many(demo_debriefs(40, seed=5, today=TODAY))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = table_of(app)
        assert sorted(table.visible_ids) == store.ids()
        lost = [row["lost_on"] for row in (table.rows[i] for i in range(len(table.rows)))]
        shown = [next(r for r in table.rows if r["id"] == i)["lost_on"] for i in table.visible_ids]
        assert shown == sorted(lost, reverse=True)  # newest loss first
        assert table.has_focus
        assert "40 debriefs" in str(app.screen.query_one("#home-stats").render())


async def test_filter_as_you_type_and_escape_clears(store: Store, make_app: Callable[..., DebriefApp]) -> None:
    items = [debrief("Acme Corp", 5, lost_to="Salesforce"), debrief("Globex", 6, lost_to="HubSpot"),
             debrief("Initech", 7, lost_to="Salesforce", stage="negotiation"), debrief("Umbrella", 8)]
    store.put_many(items)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        table = table_of(app)
        await pilot.press("f")
        assert isinstance(app.focused, Input)
        for key in "sales":
            await pilot.press(key)
        assert sorted(table.visible_ids) == sorted([items[0].id, items[2].id])
        app.screen.query_one("#home-filter", Input).value = "negot"  # the stage is searched too
        await pilot.pause()
        assert table.visible_ids == [items[2].id]
        app.screen.query_one("#home-filter", Input).value = "nothing like this"
        await pilot.pause()
        assert table.visible_ids == [] and table.selected_id is None
        assert home(app).check_action("read", ()) is False
        await pilot.press("escape")
        await pilot.pause()
        assert len(table.visible_ids) == 4
        assert app.screen.query_one("#home-filter", Input).value == ""
        assert table.has_focus


async def test_filter_folds_accents_and_case(store: Store, make_app: Callable[..., DebriefApp]) -> None:
    """``tradgard`` finds Trädgård, ``zoe`` finds Zoë, and a hyphen reads as a space."""
    items = [debrief("Trädgård AB", 5), debrief("Globex", 6, lost_to="Zoë-Systems"), debrief("Umbrella", 8)]
    store.put_many(items)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        table = table_of(app)
        await pilot.press("f", *"tradgard")
        await pilot.pause()
        assert table.visible_ids == [items[0].id]
        app.screen.query_one("#home-filter", Input).value = "ZOE systems"
        await pilot.pause()
        assert table.visible_ids == [items[1].id]


async def test_sort_key_cycles_columns_and_reverses(store: Store, make_app: Callable[..., DebriefApp]) -> None:
    store.put_many([debrief("Bravo", 3), debrief("alpha", 9), debrief("Charlie", 1)])
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        table = table_of(app)

        def companies() -> list[str]:
            return [next(r for r in table.rows if r["id"] == i)["company"] for i in table.visible_ids]

        assert companies() == ["Charlie", "Bravo", "alpha"]  # by loss date, newest first
        visited = []
        for _ in range(len(table.columns)):
            await pilot.press("o")
            visited.append(table.sort_key)
        assert sorted(visited) == sorted(column.key for column in table.columns)  # each column once
        while table.sort_key != "company":
            await pilot.press("o")
        assert companies() == ["alpha", "Bravo", "Charlie"]
        await pilot.press("O")
        assert companies() == ["Charlie", "Bravo", "alpha"]
        await pilot.click("#home-table", offset=(40, 0))  # a header click sorts by that column
        assert table.sort_key != "company"


async def test_marking_rows_for_comparison(store: Store, make_app: Callable[..., DebriefApp]) -> None:
    items = [debrief(name, days) for name, days in (("A", 3), ("B", 4), ("C", 5))]
    store.put_many(items)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        table = table_of(app)
        await pilot.press("space")
        assert table.marked == [items[0].id]
        assert table.selected_id == items[1].id  # the cursor moves on, ready for the next mark
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)  # one is not enough to compare
        assert any("Mark 2 to 4" in str(note.message) for note in app._notifications)
        await pilot.press("up", "space")  # unmark
        assert table.marked == []
        await pilot.press("up", "space", "space")
        assert table.marked == [items[0].id, items[1].id]
        assert "2 marked" in str(app.screen.query_one("#home-stats").render())
        line = table.render_line(1).text
        assert line.startswith("●")


async def test_the_call_column_shows_when_a_held_call_happened(
        store: Store, make_app: Callable[..., DebriefApp]) -> None:
    """Booked for 10:00 on the 18th, held at 14:35 on the 19th: home says the 19th at 14:35."""
    slot = Schedule(at=datetime(2026, 11, 18, 10, 0), minutes=20, booked_at=datetime(2026, 11, 10, 9, 0))
    held = debrief("Held Co", 20, status=Status.HELD, schedule=slot)
    held.call.started_at, held.call.ended_at = datetime(2026, 11, 19, 14, 35), datetime(2026, 11, 19, 14, 58)
    wrapped = debrief("Wrapped Co", 21, status=Status.WRAPPED, schedule=slot)
    wrapped.call.ended_at = datetime(2026, 11, 20, 9, 40)  # only the end was recorded
    booked = debrief("Booked Co", 22, status=Status.SCHEDULED,
                     schedule=slot.model_copy(update={"at": datetime(2026, 11, 25, 11, 0)}))
    rebooked = debrief("Again Co", 23, status=Status.SCHEDULED,  # held once, then another call booked
                       schedule=slot.model_copy(update={"at": datetime(2026, 11, 26, 15, 0)}))
    rebooked.call.started_at = datetime(2026, 11, 12, 9, 0)
    store.put_many([held, wrapped, booked, rebooked])
    assert summary_of(store.get(held.id))["held_at"] == "2026-11-19T14:35"
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        table = table_of(app)
        lines = {table.render_line(row).text.split()[0]: table.render_line(row).text for row in range(1, 5)}
        assert "2026-11-19 14:35" in lines["Held"] and "2026-11-18 10:00" not in lines["Held"]
        assert "2026-11-20 09:40" in lines["Wrapped"]
        assert "2026-11-25 11:00" in lines["Booked"]  # not held yet: the booked slot
        assert "2026-11-26 15:00" in lines["Again"]  # the next call counts, not the one before
    # ``debrief list`` reads the same call times as home (one rule, core.facts.call_time).
    listed = subprocess.run([DEBRIEF, "list", "--db", str(store.root)], capture_output=True, text=True, timeout=60)
    by_company = {line.split()[1]: line for line in listed.stdout.splitlines()[1:]}
    assert "2026-11-19 14:35" in by_company["Held"] and "2026-11-18 10:00" not in by_company["Held"]
    assert "2026-11-20 09:40" in by_company["Wrapped"] and "2026-11-26 15:00" in by_company["Again"]


async def test_a_fifth_mark_is_refused_with_a_message(store: Store, make_app: Callable[..., DebriefApp]) -> None:
    """Compare shows four at most, so the fifth mark says so at once instead of later at compare."""
    items = [debrief(name, days) for days, name in enumerate("ABCDE", start=3)]
    store.put_many(items)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        table = table_of(app)
        await pilot.press("space", "space", "space", "space")
        assert table.marked == [item.id for item in items[:4]]
        assert not app._notifications
        await pilot.press("space")
        await pilot.pause()
        assert table.marked == [item.id for item in items[:4]]  # the fifth is not marked
        assert table.selected_id == items[4].id  # and the cursor stays on it
        [note] = list(app._notifications)
        assert "at most 4" in str(note.message) and "space" in str(note.message) and "4 marked" in str(note.message)
        assert "5 marked" not in str(app.screen.query_one("#home-stats").render())
        await pilot.press("up", "space", "down", "space")  # unmark one: the fifth can be marked now
        assert sorted(table.marked) == sorted(item.id for item in [*items[:3], items[4]])
        await pilot.press("v")
        await settle(pilot)
        assert not isinstance(app.screen, HomeScreen)  # four open side by side


async def test_due_panel_and_due_only(store: Store, make_app: Callable[..., DebriefApp]) -> None:
    waiting = debrief("Waiting Co", 5)
    done = debrief("Done Co", 40, status=Status.WRAPPED, move_on=TODAY - timedelta(days=2))
    store.put_many([waiting, done])
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        group = app.screen.query_one("#due-0", DueGroup)
        assert [item.id for item in group.items] == [waiting.id]
        assert "Waiting Co" in str(group.render())
        table = table_of(app)
        await pilot.press("d")
        assert table.visible_ids == [waiting.id]
        await pilot.press("escape")
        assert len(table.visible_ids) == 2
        await pilot.press("end")
        home(app).action_jump(waiting.id)  # what clicking the entry in the panel does
        assert table.selected_id == waiting.id


async def test_returning_home_shows_changes_and_selects_the_new_loss(
        store: Store, make_app: Callable[..., DebriefApp]) -> None:
    store.put_many([debrief("Old Co", 30), debrief("Older Co", 60)])
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        added = store.add(debrief("Brand New Co", 0))  # as if saved elsewhere (or by the CLI)
        app.pop_screen()
        await settle(pilot)
        table = table_of(app)
        assert len(table.visible_ids) == 3
        assert table.selected_id == added.id


@pytest.mark.parametrize("key", ["e", "s"])
async def test_row_keys_open_their_screen_for_the_selected_debrief(
        key: str, store: Store, make_app: Callable[..., DebriefApp]) -> None:
    item = debrief("Acme", 10)
    store.put_many([item])
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press(key)
        await pilot.pause()
        assert getattr(app.screen, "debrief_id", None) == item.id


async def test_every_key_has_an_id_a_tooltip_and_a_line_in_help(
        store: Store, make_app: Callable[..., DebriefApp]) -> None:
    from textual.widgets import DataTable

    from debrief.screens.help import HelpScreen

    store.put_many([debrief("Acme", 10)])
    bindings = [b for b in HomeScreen.BINDINGS if not isinstance(b, tuple)]
    assert all(b.id and b.id.startswith("home.") and b.tooltip for b in bindings)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        commands = {command.title for command in app.get_system_commands(app.screen)}
        assert {"New", "Edit", "Read", "Schedule", "Compare", "Filter", "Sort"} <= commands
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one("#help-keys", DataTable)
        listed = {str(table.get_row_at(row)[2]) for row in range(table.row_count)}
        shown = {b.id for b in bindings if b.show}
        # escape only shows while a filter is on, sync once the database joined a team
        assert shown - {"home.clear", "home.sync"} <= listed
        keys = {str(table.get_row_at(row)[0]) for row in range(table.row_count)}
        assert any(key.startswith("f / ") for key in keys)  # f and ctrl+f share one line
