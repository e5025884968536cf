"""A new user, the real command in a real terminal: log a loss, book the call, quit, come back."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from debrief import locations
from debrief.core.dates import format_datetime
from debrief.core.model import Status
from debrief.core.schedule import file_stem
from debrief.core.store import Store
from tests.tmux_harness import Terminal

pytestmark = pytest.mark.tmux


@pytest.fixture(autouse=True)
def home_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home of the test's own: booking writes nothing there."""
    home = tmp_path / "home"
    (home / "Downloads").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    return home


def settle(seconds: float = 0.5) -> None:
    """A person looks at a new screen (or field) before typing: give the focus a moment to land.

    Keys that arrive in one burst reach the widget that had focus when the app read them, so a
    Tab followed at once by text would type into the field being left.
    """
    time.sleep(seconds)


def tab(term: Terminal) -> None:
    term.send("Tab")
    settle()


def wait_until(check: Callable[[], bool], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("the condition never came true")
        time.sleep(0.1)


def test_new_user_logs_a_loss_books_the_call_and_finds_it_all_again(
        terminal: Callable[..., Terminal], db_path: Path, home_folder: Path) -> None:
    term = terminal(width=110, height=34)
    term.wait_for("Welcome to debrief")
    term.send("n")
    term.wait_for("First impressions")
    settle()
    term.type("Acme Corp")
    tab(term)
    term.type("Jane Doe")
    screen = term.wait_for("Jane Doe")
    assert any("Contact" in line and "Jane Doe" in line for line in screen.splitlines())
    term.send("C-s")
    term.wait_for("1 debrief")
    screen = term.wait_for("Acme Corp")
    assert "Jane Doe" in screen and "logged" in screen and "cool off" in screen

    [debrief_id] = Store.open(db_path).ids()
    term.send("s")
    term.wait_for("Schedule the call")
    term.wait_for("Hi Jane,")
    settle()
    term.send("C-e")  # the rep asks for the files: they go to the exports folder
    wait_until(lambda: any(locations.default_exports_dir().glob("*.ics")))
    settle()
    term.send("C-s")
    wait_until(lambda: Store.open(db_path).get(debrief_id).schedule is not None)
    stored = Store.open(db_path).get(debrief_id)
    assert stored.schedule is not None and stored.status == Status.SCHEDULED
    call_at = format_datetime(stored.schedule.at)
    screen = term.wait_for("prepare the script")  # home's next step once the call is booked
    assert call_at in screen and "scheduled" in screen
    assert (locations.default_exports_dir() / f"{file_stem(stored)}.ics").exists()
    assert list((home_folder / "Downloads").iterdir()) == []

    term.send("C-q")
    term.wait_for("[exited] 0")

    again = terminal(width=110, height=34)
    screen = again.wait_for(call_at)
    assert "Acme Corp" in screen and "Jane Doe" in screen and "scheduled" in screen
    again.send("C-q")
    again.wait_for("[exited] 0")
