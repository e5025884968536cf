"""One key table: every key named on screen follows the keymap, and a key means one thing.

The rebinding test gives every binding id an unusual key of its own (through the settings'
keymap, as a user would), opens each screen and dialog, and reads the rendered screen: no hint,
button, footer or notice may still name the old key of a rebound action, and every label that
names a key names the new one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from textual.binding import Binding
from textual.widgets import Button, Input, Static, TextArea

from debrief.app import DebriefApp
from debrief.core.store import Store
from debrief.screens.call import CallScreen
from debrief.screens.call_dialogs import (
    AdHocPrompt,
    EndCallPrompt,
    ProbePicker,
    QuestionPicker,
    ReasonList,
    TagPicker,
    TextPrompt,
)
from debrief.screens.compare import CompareScreen
from debrief.screens.confirm import ConfirmDialog
from debrief.screens.crm_import import CrmImportScreen
from debrief.screens.help import HelpScreen
from debrief.screens.home import HomeScreen
from debrief.screens.log_loss import LogLossScreen
from debrief.screens.patterns import PatternsScreen
from debrief.screens.prepare import PrepareScreen
from debrief.screens.read import ReadScreen
from debrief.screens.schedule import ScheduleScreen
from debrief.screens.search import SearchScreen
from debrief.screens.settings import SettingsScreen
from debrief.screens.wrapup import WrapUpScreen
from debrief.widgets.compare_grid import CompareGrid
from debrief.widgets.debrief_table import DebriefTable
from debrief.widgets.keys import follow, key, refresh_labels
from debrief.widgets.notes_area import NotesArea
from debrief.widgets.question_picker import QuestionPicker as BankPicker
from debrief.widgets.question_picker import ScriptList
from debrief.widgets.search_results import SearchResultList
from tests.pilot_helpers import settle
from tests.screen_tour import FIRST_ID, SECOND_ID, TOUR, build_debrief, leave, plain_values

SCREENS: list[type[Any]] = [
    HomeScreen, LogLossScreen, ScheduleScreen, PrepareScreen, CallScreen, WrapUpScreen, ReadScreen,
    CompareScreen, PatternsScreen, SearchScreen, HelpScreen, ConfirmDialog, QuestionPicker, ProbePicker,
    TagPicker, TextPrompt, AdHocPrompt, EndCallPrompt, CrmImportScreen, SettingsScreen,
]
"""Every screen and dialog of the app."""

WIDGETS: list[type[Any]] = [DebriefTable, CompareGrid, BankPicker, ScriptList, SearchResultList, ReasonList, NotesArea]
"""The widgets that bring keys of their own onto a screen."""

UNUSUAL = [f"{mods}f{n}" for mods in ("", "ctrl+", "shift+", "alt+", "ctrl+shift+", "alt+shift+")
           for n in range(1, 25) if mods or n > 10]
"""Keys no binding uses: each binding id gets one of its own."""

GLOBAL = re.compile(r"^(f\d{1,2}|ctrl\+.+|escape)$")
"""Keys that mean one thing on every screen (letters, enter, space and arrows act on what has focus)."""


def _ours(cls: type[Any]) -> list[Binding]:
    """The bindings a class declares (one per key), without the ones it inherits from Textual."""
    own = [item for item in cls.__dict__.get("BINDINGS", []) if isinstance(item, Binding)]
    if cls is NotesArea:
        own = [item for item in own if item not in TextArea.BINDINGS]
    return list(Binding.make_bindings(own))


def _all_ours() -> Iterator[tuple[str, Binding]]:
    for cls in [DebriefApp, *SCREENS, *WIDGETS]:
        for binding in _ours(cls):
            yield cls.__name__, binding


def test_every_binding_has_an_id_and_a_tooltip() -> None:
    missing = [(where, binding.key) for where, binding in _all_ours() if not (binding.id and binding.tooltip)]
    assert missing == []


def test_binding_ids_are_unique_across_the_app() -> None:
    seen: dict[str, tuple[str, str]] = {}
    for where, binding in _all_ours():
        assert binding.id is not None
        first = seen.setdefault(binding.id, (where, binding.action))
        assert first == (where, binding.action), f"{binding.id} is bound in {first[0]} and {where}"


@pytest.mark.parametrize("cls", SCREENS + WIDGETS, ids=lambda cls: cls.__name__)
def test_no_two_bindings_of_one_screen_share_a_key(cls: type[Any]) -> None:
    """Within a screen (or widget), and against the app's own keys."""
    keys: dict[str, str] = {binding.key: "app" for binding in _ours(DebriefApp)}
    for binding in _ours(cls):
        assert binding.key not in keys, f"{cls.__name__}: {binding.key} is {keys[binding.key]} and {binding.id}"
        keys[binding.key] = str(binding.id)


def test_a_key_means_the_same_action_on_every_screen() -> None:
    """F-keys, ctrl chords and escape: one action each, whichever screen or dialog is up."""
    actions: dict[str, dict[str, list[str]]] = {}
    for where, binding in _all_ours():
        if GLOBAL.match(binding.key):
            actions.setdefault(binding.key, {}).setdefault(binding.action, []).append(where)
    clashes = {key_: uses for key_, uses in actions.items() if len(uses) > 1}
    assert clashes == {}
    assert set(actions["ctrl+s"]) == {"save"}
    assert set(actions["escape"]) == {"back"}
    assert len(actions["ctrl+s"]["save"]) >= 4  # log a loss, schedule, prepare, wrap-up


# -- rebinding -------------------------------------------------------------------------------------


def _keymap() -> dict[str, str]:
    ids = sorted({str(binding.id) for _, binding in _all_ours()})
    assert len(ids) <= len(UNUSUAL), "more binding ids than unusual keys: extend UNUSUAL"
    return dict(zip(ids, UNUSUAL, strict=False))


def _display(app: DebriefApp, keys: str) -> str:
    return app.get_key_display(Binding(keys, "x"))


def _token(display: str) -> re.Pattern[str]:
    """``display`` as a key on screen: not part of a longer key name (``f1`` is not in ``f11``)."""
    return re.compile(rf"(?<![\w^+]){re.escape(display)}(?![\w+])", re.IGNORECASE)


def _checkable(display: str) -> bool:
    """Keys that cannot be prose: F-keys, chords and esc (a letter or "space" could be a word)."""
    return bool(re.fullmatch(r"\^.+|f\d{1,2}|esc|escape|(shift|alt|ctrl)\+.+", display, re.IGNORECASE))


def _forms(app: DebriefApp, binding: Binding) -> set[str]:
    """Every way a label could write the key of ``binding``: ``^s`` and ``ctrl+s``, ``f2`` and ``F2``."""
    forms = {_display(app, binding.key), binding.key}
    if binding.key == "escape":
        forms.add("esc")
    return {form for form in forms if _checkable(form)}


def _screen_text(app: DebriefApp) -> str:
    """What the terminal shows now, as text (the footer, dialogs and notifications included)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def _all_text(app: DebriefApp) -> str:
    """The screen as shown, plus every label, button and placeholder of it, scrolled into view or not."""
    parts = [_screen_text(app)]
    for widget in app.screen.walk_children():
        if isinstance(widget, Button):
            parts.append(str(widget.label))
        elif isinstance(widget, Input):
            parts.append(widget.placeholder)
        elif isinstance(widget, Static):
            parts.append(str(widget.render()))
    return "\n".join(parts)


@pytest.fixture
def tour_store(store: Store) -> Store:
    store.put(build_debrief(FIRST_ID, plain_values("First")))
    store.put(build_debrief(SECOND_ID, plain_values("Second")))
    return store


def _write_keymap(tmp_path: Path, keymap: dict[str, str]) -> None:
    (tmp_path / "settings.json").write_bytes(orjson.dumps({"keymap": keymap}))


async def _tour_texts(make_app: Callable[..., DebriefApp]) -> dict[str, tuple[str, list[str]]]:
    """Each stop of the tour: its screen text and the key templates of its labels (filled)."""
    app = make_app()
    texts: dict[str, tuple[str, list[str]]] = {}
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        for stop in TOUR:
            await stop.open(app, pilot)
            await settle(pilot)
            assert type(app.screen).__name__ == stop.screen, stop.name
            labels = [str(getattr(widget, "_debrief_key_template", "")) for widget in app.screen.walk_children()]
            texts[stop.name] = (_all_text(app), labels)
            await leave(app, pilot)
    return texts


async def test_every_key_on_every_screen_follows_the_keymap(
        tour_store: Store, make_app: Callable[..., DebriefApp], tmp_path: Path) -> None:
    keymap = _keymap()
    before = await _tour_texts(make_app)
    _write_keymap(tmp_path, keymap)
    after = await _tour_texts(make_app)
    app = make_app()
    defaults = {str(binding.id): _forms(app, binding) for _, binding in _all_ours()}
    new = {binding_id: _display(app, keys) for binding_id, keys in keymap.items()}
    problems: list[str] = []
    shown_new = 0
    for stop, (text, templates) in after.items():
        old_text, _ = before[stop]
        for binding_id, forms in defaults.items():
            for old in forms:
                # A key on screen before the rebind must be gone after it: every binding moved.
                if _token(old).search(old_text) and _token(old).search(text):
                    problems.append(f"{stop}: still shows {old!r} ({binding_id} is {new[binding_id]!r} now)")
        for template in templates:
            for binding_id in re.findall(r"\{([a-z_][a-z0-9_.-]*)\}", template):
                if binding_id in new and not _token(new[binding_id]).search(text):
                    problems.append(f"{stop}: a label names {binding_id} but {new[binding_id]!r} is not shown")
                shown_new += 1
    assert problems == []
    assert shown_new >= 20  # the labels of the tour name keys: the test reads real ones


async def test_a_rebind_while_the_app_runs_redraws_the_labels(
        tour_store: Store, make_app: Callable[..., DebriefApp]) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_log_loss()
        await settle(pilot)
        button = app.screen.query_one("#save", Button)
        assert str(button.label) == "Save  ^s" and "^s Save" in _screen_text(app)
        app.set_keymap({"log_loss.save": "f9"})
        await settle(pilot)
        text = _screen_text(app)
        assert str(button.label) == "Save  f9" and "f9 Save" in text and "^s" not in text
        await pilot.press("ctrl+s")  # the old key does nothing now
        await settle(pilot)
        assert isinstance(app.screen, LogLossScreen)


async def test_a_label_never_invents_a_key(tour_store: Store, make_app: Callable[..., DebriefApp]) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert key(screen, "home.new") == "n" and key(screen, "app.help") == "f1"
        assert key(screen, "no.such-binding") == "?"
        label = follow(type(screen.query_one("#home-welcome"))(), "New {home.new}")
        await screen.mount(label)
        refresh_labels(screen)
        assert str(label.render()) == "New n"


async def test_a_rebound_key_keeps_its_place_in_the_footer_at_80_columns(
        tour_store: Store, make_app: Callable[..., DebriefApp], tmp_path: Path) -> None:
    """Rebinding New must not push it past the keys that fit: the screen's order is kept."""
    _write_keymap(tmp_path, {"home.new": "a", "home.edit": "E"})
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        footer = _screen_text(app).splitlines()[-1]
        assert footer.lstrip().startswith("a New  E Edit") or footer.lstrip().startswith("a New E Edit"), footer
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, LogLossScreen)
