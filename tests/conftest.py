"""Shared fixtures: every test gets its own data folders, database and fixed "today"."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

from debrief.app import DebriefApp, create_app
from debrief.core.store import Store
from tests.tmux_harness import DEBRIEF, Terminal

TODAY = date(2026, 11, 23)
"""The fixed date screens and snapshots are drawn on."""


@pytest.fixture(autouse=True)
def isolated_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point every data, config and database path at the test's own folder."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    # A home of the test's own: the documents folder (where exports go by default) is in it, and
    # a test can check that nothing else was written there.
    (tmp_path / "home").mkdir(exist_ok=True)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("DEBRIEF_DB", str(tmp_path / "db"))
    monkeypatch.delenv("DEBRIEF_DEBUG", raising=False)
    # The rep's zone is the system's when no setting names one: the same zone on every machine,
    # so invitations and snapshots do not change with where the tests run.
    monkeypatch.setenv("TZ", "UTC")
    # The database an app or command of an earlier test served is not this test's.
    monkeypatch.setattr("debrief.locations._active_db", None)
    return tmp_path


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """The test's database folder (what ``--db`` and ``DEBRIEF_DB`` point at)."""
    return tmp_path / "db"


@pytest.fixture
def store(db_path: Path) -> Store:
    """An empty, real database."""
    return Store.open(db_path)


@pytest.fixture
def make_app(store: Store, tmp_path: Path) -> Callable[..., DebriefApp]:
    """The app factory with this test's store, settings file and fixed date."""

    def factory(**kwargs: object) -> DebriefApp:
        return create_app(store, settings_path=tmp_path / "settings.json", today=TODAY, **kwargs)  # type: ignore[arg-type]

    return factory


@pytest.fixture
def run_cli(db_path: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run the real ``debrief`` command with the test's database."""

    def run(
        *args: str, input: str | None = None, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run([DEBRIEF, *args], capture_output=True, text=True, input=input,
                              env={**os.environ, **(env or {})}, timeout=120)

    return run


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Callable[..., Terminal]]:
    """Start the real ``debrief`` command in tmux: ``term = terminal("call", ID)``."""
    started: list[Terminal] = []
    env = {**os.environ, "TERM": "xterm-256color", "COLORTERM": "truecolor", "LANG": "C.UTF-8"}

    def start(*args: str, width: int = 100, height: int = 30) -> Terminal:
        term = Terminal(env, width=width, height=height)
        term.start(*args)
        started.append(term)
        return term

    yield start
    for term in started:
        term.close()


def python() -> str:
    """The interpreter running the tests (for helper subprocesses)."""
    return sys.executable
