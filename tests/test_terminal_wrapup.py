"""Call → wrap-up → home, in a real terminal: the next check-in set in the wrap-up shows on home."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, timedelta

import pytest

from debrief.core.model import CallRecord, Status
from debrief.core.store import Store
from tests.test_wrapup import held_debrief
from tests.tmux_harness import Terminal


@pytest.mark.tmux
def test_call_then_wrap_up_then_home_shows_the_next_check_in(
        terminal: Callable[..., Terminal], store: Store) -> None:
    debrief = held_debrief()
    debrief.answers = {}
    debrief.call = CallRecord()  # prepared, not held yet
    debrief.status = Status.PREPARED
    store.put(debrief)

    term = terminal("call", "wrp234", width=120, height=30)
    term.wait_for("Q1/5")  # the call screen, cursor in the notes of the first question
    term.type("Their CFO wanted a cheaper option.")
    term.send("F10")  # end the call
    term.wait_for("End & wrap up")
    term.send("w")
    term.wait_for("Wrap-up · Northwind Logistics")

    # The cursor starts in "What happened": the lesson goes straight in.
    term.type("We lost on price and rollout time; I never reached the CFO.")
    term.wait_for("I never reached the CFO.")
    for _ in range(5):  # differently, next time, "add action item", channel, next check-in
        term.send("Tab")
        time.sleep(0.6)  # a person's pace: each move of the focus lands before the next key
    first_day = date.today()
    term.type("in 6 weeks")
    term.wait_for("in 42 days")  # the date as understood, beside the field
    term.send("F10")  # finish: wrapped, and the move-on date is set
    term.wait_for("Wrapped up.")
    term.send("Escape")  # back to home
    check_in = first_day + timedelta(weeks=6)
    if date.today() != first_day:  # the test ran across midnight
        check_in = date.today() + timedelta(weeks=6)
    screen = term.wait_for(f"check in {check_in.isoformat()}")
    assert "Northwind" in screen and "wrapped" in screen

    stored = store.get("wrp234")
    assert stored.status is Status.WRAPPED
    assert stored.takeaways.what_happened == "We lost on price and rollout time; I never reached the CFO."
    assert stored.stay_in_touch.next_check_in == check_in
    assert stored.move_on is not None
    assert stored.answers["start"].notes == "Their CFO wanted a cheaper option."
    term.send("C-q")
    term.wait_for("[exited] 0")
