"""The real command in a real terminal (tmux): the harness every later feature reuses."""

from __future__ import annotations

import pytest


@pytest.mark.tmux
def test_list_in_a_real_terminal(terminal, run_cli) -> None:  # type: ignore[no-untyped-def]
    debrief_id = run_cli("new", "--company", "Umbrella Corp", "--contact", "Alice Abernathy").stdout.strip()
    term = terminal("list", width=120, height=20)
    screen = term.wait_for("Umbrella Corp")
    assert debrief_id in screen and "Alice Abernathy" in screen
    term.wait_for("[exited] 0")


@pytest.mark.tmux
def test_bad_input_in_a_real_terminal_is_one_line(terminal) -> None:  # type: ignore[no-untyped-def]
    term = terminal("new", "--company", "X", "--contact", "Y", "--lost-on", "someday")
    screen = term.wait_for("[exited] 2")
    assert "debrief: --lost-on: not a date: 'someday'" in screen
    assert "Traceback" not in screen
