"""Logging a loss: the form, its inline validation, its draft, and what lands in the store."""

from __future__ import annotations

import shutil
import stat
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest
from textual.widgets import Input, Select, SelectionList, Static, TextArea
from textual.widgets._footer import FooterKey

from debrief.app import DebriefApp, create_app
from debrief.core.drafts import draft_path, read_draft, write_draft
from debrief.core.inputs import parse_money as parse_value
from debrief.core.model import Contact, Debrief
from debrief.core.store import Store
from debrief.screens.home import HomeScreen
from debrief.screens.log_loss import FORM, LogLossScreen
from debrief.widgets.debrief_table import DebriefTable
from tests.conftest import TODAY
from tests.pilot_helpers import settle


def form(app: DebriefApp) -> LogLossScreen:
    screen = app.screen
    assert isinstance(screen, LogLossScreen)
    return screen


def fill(screen: LogLossScreen, **values: str) -> None:
    """Type into the form's inputs (by widget id, underscores for dashes)."""
    for key, value in values.items():
        screen.query_one(f"#{key.replace('_', '-')}", Input).value = value


def footer_keys(screen: LogLossScreen) -> dict[str, bool]:
    """The footer's entries: description to whether it is greyed out."""
    return {key.description: key.has_class("-disabled") for key in screen.query(FooterKey)}


def error_of(screen: LogLossScreen, key: str) -> str:
    widget = screen.query_one(f"#{key}-error", Static)
    return str(widget.render()) if widget.has_class("-shown") else ""


# -- values --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "value"), [("45000", 45000.0), ("45,000", 45000.0), ("$45k", 45000.0),
                                              ("1.2m", 1_200_000.0), ("", None), ("  12 500 ", 12500.0)])
def test_values_are_read_as_reps_write_them(text: str, value: float | None) -> None:
    assert parse_value(text) == value


@pytest.mark.parametrize(("text", "message"), [("-5", "negative"), ("lots", "must be a number")])
def test_bad_values_say_why(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_value(text)


# -- the form ------------------------------------------------------------------------------------


async def test_logging_a_loss_saves_it_and_selects_it_on_home(
        store: Store, make_app: Callable[..., DebriefApp]) -> None:
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        screen = form(app)
        assert app.focused is screen.query_one("#company")
        for key in "Acme":
            await pilot.press(key)
        fill(screen, company="Acme Corp", contact="Jane Doe", role="VP Operations", email="jane@acme.com",
             value="45k", lost_on="yesterday", lost_to="Salesforce")
        screen.query_one("#stage", Select).value = "proposal"
        screen.query_one("#impressions", TextArea).insert("Price came up twice.\nThe CFO joined late.")
        screen.query_one("#red-flags", SelectionList).select("decision-maker")
        reasons = screen.query_one("#reasons", SelectionList)
        reasons.select("price")
        reasons.select("decision-maker")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)

        assert isinstance(app.screen, HomeScreen)
        [saved] = list(store.all())
        assert saved.company == "Acme Corp"
        assert saved.contact == Contact(name="Jane Doe", role="VP Operations", email="jane@acme.com")
        assert saved.value == 45000
        assert saved.lost_on == date(2026, 11, 22)
        assert saved.stage == "proposal" and saved.lost_to == "Salesforce"
        assert saved.impressions == "Price came up twice.\nThe CFO joined late."
        assert saved.red_flags == ["decision-maker"]
        assert saved.guessed_reasons == ["price", "decision-maker"]
        assert app.screen.query_one("#home-table", DebriefTable).selected_id == saved.id
        assert not draft_path(store.root, FORM, None).exists()


async def test_validation_is_inline_and_nothing_is_saved_until_fixed(
        store: Store, make_app: Callable[..., DebriefApp]) -> None:
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        screen = form(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "required" in error_of(screen, "company")
        assert "required" in error_of(screen, "contact")
        assert isinstance(app.screen, LogLossScreen) and len(store) == 0

        fill(screen, company="Acme", contact="Jane", lost_on="someday", value="-3", email="jane-at-acme")
        await pilot.pause()
        assert error_of(screen, "company") == "" and error_of(screen, "contact") == ""
        assert "Not a date" in error_of(screen, "lost-on")
        assert "negative" in error_of(screen, "value")
        assert "email" in error_of(screen, "email")
        fill(screen, lost_on="2026-12-25")
        await pilot.pause()
        assert "future" in error_of(screen, "lost-on")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert len(store) == 0
        assert app.focused is screen.query_one("#email")  # the first wrong field, in form order

        fill(screen, lost_on="3 days ago", value="", email="")
        await pilot.pause()
        assert "Friday 20 November 2026" in str(screen.query_one("#lost-on-hint", Static).render())
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert [d.lost_on for d in store.all()] == [date(2026, 11, 20)]


async def test_errors_stay_visible_after_the_wrap_up_form_was_opened(
        store: Store, make_app: Callable[..., DebriefApp]) -> None:
    """Every screen's stylesheet is global: wrap-up's one-line field rows must not hide this form's errors."""
    item = store.add(Debrief(company="Acme", contact=Contact(name="Jane"), lost_on=date(2026, 11, 20)))
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        for open_screen in (app.open_log_loss, lambda: app.open_wrapup(item.id)):
            open_screen()
            await settle(pilot)
            await pilot.press("escape")
            await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        screen = form(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
        error = screen.query_one("#company-error", Static)
        assert "required" in str(error.render())
        assert screen.get_widget_at(error.region.x, error.region.y)[0] is error  # on screen, not clipped


async def test_the_guess_is_capped_at_three_reasons(make_app: Callable[..., DebriefApp]) -> None:
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        screen = form(app)
        reasons = screen.query_one("#reasons", SelectionList)
        for reason in ("price", "timing", "trust", "support"):
            reasons.select(reason)
            await pilot.pause()
        assert len(reasons.selected) == 3
        assert "Up to 3" in error_of(screen, "reasons")


async def test_a_draft_survives_leaving_and_reopening(store: Store, make_app: Callable[..., DebriefApp]) -> None:
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        screen = form(app)
        for key in "Glob":
            await pilot.press(key)
        fill(screen, company="Globex", contact="Hank Scorpio")
        screen.query_one("#impressions", TextArea).insert("They loved the demo but went with the incumbent.")
        screen.query_one("#red-flags", SelectionList).select("incumbent")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        path = draft_path(store.root, FORM, None)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        assert (read_draft(path) or {})["company"] == "Globex"

        await pilot.press("n")
        await pilot.pause()
        screen = form(app)
        assert screen.query_one("#company", Input).value == "Globex"
        assert screen.query_one("#contact", Input).value == "Hank Scorpio"
        assert screen.query_one("#impressions", TextArea).text == "They loved the demo but went with the incumbent."
        assert list(screen.query_one("#red-flags", SelectionList).selected) == ["incumbent"]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert [d.company for d in store.all()] == ["Globex"]
        assert not path.exists()


async def test_typing_then_quitting_keeps_the_draft(store: Store, make_app: Callable[..., DebriefApp]) -> None:
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        fill(form(app), company="Initech")
        await pilot.pause()  # the keystroke reaches the form; the draft timer has not fired yet
        await pilot.press("ctrl+q")
    assert (read_draft(draft_path(store.root, FORM, None)) or {}).get("company") == "Initech"


async def test_the_draft_is_discarded_with_one_key_after_one_question(
        store: Store, make_app: Callable[..., DebriefApp]) -> None:
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        screen = form(app)
        assert screen.check_action("remove_row", ()) is None  # nothing typed: nothing to discard
        await pilot.pause()
        assert footer_keys(screen).get("Discard draft") is True  # shown, greyed out
        fill(screen, company="Globex", contact="Hank Scorpio")
        path = draft_path(store.root, FORM, None)
        for _ in range(50):  # the draft is written once typing pauses (a loaded machine takes longer)
            await pilot.pause(0.1)
            if path.exists():
                break
        assert path.exists()
        await pilot.pause()
        assert screen.check_action("remove_row", ()) is True
        await pilot.pause()
        assert footer_keys(screen).get("Discard draft") is False  # in the footer, and live now

        await pilot.press("ctrl+r")
        await pilot.pause()
        await pilot.press("n")  # the question's default: keep the draft
        await pilot.pause()
        assert app.screen is screen and path.exists()
        assert screen.query_one("#company", Input).value == "Globex"

        await pilot.press("ctrl+r")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is screen
        assert not path.exists()
        assert screen.query_one("#company", Input).value == ""
        assert screen.query_one("#contact", Input).value == ""
        await pilot.pause(0.45)  # a late change event must not write the draft back
        assert not path.exists()  # so the next form opens empty
        assert screen.check_action("remove_row", ()) is None
    assert list(store.all()) == []


async def test_a_new_database_never_sees_another_databases_draft(store: Store, tmp_path: Path) -> None:
    """Drafts live inside their database: another folder, or the same one deleted, starts clean."""
    path = draft_path(store.root, FORM, None)
    write_draft(path, {"company": "Globex"})  # what the form keeps when the rep leaves it
    assert path.is_relative_to(store.root) and read_draft(path) == {"company": "Globex"}

    for root in (tmp_path / "other-db", store.root):
        if root == store.root:
            shutil.rmtree(store.root)  # the rep removes the database folder
        other = create_app(Store.open(root), settings_path=tmp_path / "settings.json", today=TODAY)
        async with other.run_test(size=(100, 40)) as pilot:
            await settle(pilot)
            await pilot.press("n")
            await pilot.pause()
            assert form(other).query_one("#company", Input).value == ""
            assert "Draft restored" not in [n.title for n in other._notifications]


async def test_editing_updates_the_stored_debrief(store: Store, make_app: Callable[..., DebriefApp]) -> None:
    made = datetime(2026, 11, 10, 9, 0)
    item = store.add(Debrief(company="Umbrella", contact=Contact(name="Alice Abernathy"), lost_on=date(2026, 11, 9),
                             stage="pilot", impressions="First notes.", created_at=made, updated_at=made))
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        screen = form(app)
        assert screen.query_one("#company", Input).value == "Umbrella"
        assert screen.query_one("#stage", Select).value == "other"  # a stage of their own
        assert screen.query_one("#stage-other", Input).value == "pilot"
        fill(screen, company="Umbrella Corp", value="120000")
        screen.query_one("#impressions", TextArea).insert("More: ", (0, 0))
        await pilot.press("ctrl+s")
        await settle(pilot)
    stored = store.get(item.id)
    assert stored.company == "Umbrella Corp" and stored.value == 120000
    assert stored.impressions == "More: First notes."
    assert stored.stage == "pilot" and stored.created_at == made
    assert len(store) == 1
