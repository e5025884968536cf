"""The live call in a real terminal: type at once, get killed, lose nothing, resume."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable

import pytest

from debrief.core.store import Store
from tests.test_call_screen import prepared_debrief
from tests.tmux_harness import Terminal

pytestmark = pytest.mark.tmux

RunCli = Callable[..., subprocess.CompletedProcess[str]]

NOTES_BAR = "▌"
"""The bar at the left of the notes: every row of the notes starts with it."""


def _show(run_cli: RunCli, debrief_id: str) -> dict[str, object]:
    result = run_cli("show", debrief_id, "--format", "json")
    assert result.returncode == 0, result.stderr
    data: dict[str, object] = json.loads(result.stdout)
    return data


def test_type_at_once_kill_9_and_resume(terminal: Callable[..., Terminal], run_cli: RunCli,
                                        store: Store) -> None:
    debrief = prepared_debrief(store)
    term = terminal("call", debrief.id, width=100, height=30)
    term.type("Price first")  # at once: no waiting for the screen, no clicks, no extra keys
    term.wait_for("What mattered most in your final")
    screen = term.wait_for(f"{NOTES_BAR} Price first")  # in the notes, not the shell's echo
    term.type(", then the rollout plan")
    term.send("F4")  # right after the words: they stay with the question they were typed for
    term.wait_for("Q2/4")
    term.type("The CFO decided")
    term.wait_for("The CFO decided")
    time.sleep(2)
    term.kill_app()
    term.wait_for("[exited]")

    data = _show(run_cli, debrief.id)
    answers = data["answers"]
    assert isinstance(answers, dict)
    assert answers["decision-factors"]["notes"] == "Price first, then the rollout plan"
    assert answers["decision-who"]["notes"] == "The CFO decided"
    assert data["status"] == "in_call"
    call = data["call"]
    assert isinstance(call, dict) and call["current_question"] == "decision-who"
    # Killed within seconds of typing: the facts cache's row may be dirty still (then search reads
    # that file) or settled; either way search finds the words.
    found = run_cli("search", "rollout plan", "--format", "json")
    assert [hit["id"] for hit in json.loads(found.stdout)["hits"]] == [debrief.id]

    again = terminal("call", debrief.id, width=100, height=30)
    screen = again.wait_for("The CFO decided")
    assert "Q2/4" in screen and "Who was involved in the final" in screen
    again.type(" with procurement")  # the cursor is at the end of the notes: typing continues them
    again.wait_for("The CFO decided with procurement")
    again.send("F3")
    again.wait_for("Price first, then the rollout plan")
    again.send("C-q")
    again.wait_for("[exited] 0")
    assert _show(run_cli, debrief.id)["answers"]["decision-who"]["notes"] == (  # type: ignore[index]
        "The CFO decided with procurement")
    # Leaving settled the row: nothing is dirty, and the words are in the cache's index.
    assert store.facts_cache().dirty() == []
    found = run_cli("search", "with procurement", "--format", "json")
    assert [hit["id"] for hit in json.loads(found.stdout)["hits"]] == [debrief.id]


def test_f_keys_and_chords_reach_the_call_in_a_real_terminal(terminal: Callable[..., Terminal],
                                                             run_cli: RunCli, store: Store) -> None:
    """F-keys and the ctrl chords arrive through tmux while the notes have the focus."""
    debrief = prepared_debrief(store)
    term = terminal("call", debrief.id, width=100, height=30)
    term.wait_for("What mattered most")
    term.type("Something vague")
    term.send("F6")
    term.wait_for("ask for an example")
    term.send("F4")
    term.wait_for("Q2/4")
    term.send("F3")
    term.wait_for("Q1/4")
    term.send("C-t")
    term.wait_for("▶")
    term.send("F2")
    term.wait_for("now you")
    term.send("F2")
    term.wait_for("now buyer")
    term.send("F8")
    term.wait_for("Ask a probe")
    term.send("Enter")
    term.wait_for("» Could you give me an example?")
    term.send("F7")
    term.wait_for("Clarified answer")
    term.type("They meant onboarding time")
    term.send("Enter")
    term.wait_for("“They meant onboarding time”")
    term.send("C-b")
    term.wait_for("Marker at")
    term.type("Key quote")
    term.send("Enter")
    term.wait_for("⚑ 1 marker")
    term.send("F9")
    term.wait_for("Tag loss reasons")
    term.send("Space", "Enter")
    term.wait_for("tags: Evaluation criteria")
    term.send("F5")
    term.wait_for("Go to question")
    term.send("4")
    term.wait_for("Q4/4")
    term.send("F10")
    term.wait_for("End the call?")
    term.send("e")
    term.wait_for("Call ended")
    term.send("C-q")
    term.wait_for("[exited] 0")
    data = _show(run_cli, debrief.id)
    assert data["status"] == "held"
    answer = data["answers"]["decision-factors"]  # type: ignore[index]
    assert answer["state"] == "clarified" and answer["tags"] == ["criteria"]
    assert answer["probes_used"] == ["Could you give me an example?"]
    assert data["call"]["markers"][0]["label"] == "Key quote"  # type: ignore[index]
    assert data["call"]["rep_talk"] > 0 or data["call"]["buyer_talk"] > 0  # type: ignore[index]


def test_reopened_notes_show_each_word_once_at_80x24(terminal: Callable[..., Terminal], store: Store) -> None:
    """The notes box settles its width after the text is loaded: every row must be redrawn at it."""
    from debrief.core.model import Answer, AnswerState, Status

    note = ("Intro line one.\nSecond line here with more words to wrap around the box at this width, we think."
            "\n\nThird para: the budget moved to next year.\nAnd more.\nThey liked the demo but the price "
            "was too high for this year and they wanted a pilot, a training plan and a rollout before peak season.")
    debrief = prepared_debrief(store)
    debrief.status = Status.IN_CALL
    debrief.answers["decision-factors"] = Answer(question_id="decision-factors", notes=note,
                                                 state=AnswerState.ANSWERED)
    store.put(debrief)
    term = terminal("call", debrief.id, width=80, height=24)
    term.wait_for("season.")
    time.sleep(1.0)  # every late repaint has reached the terminal
    rows = [line.split(f"▕ {NOTES_BAR} ", 1)[1] for line in term.screen().splitlines() if f"▕ {NOTES_BAR} " in line]
    shown = " ".join(row.replace("▁", " ").replace("▔", " ").replace("▐", " ") for row in rows).split()
    words = note.split()
    assert shown and shown == words[len(words) - len(shown):], rows


def test_at_80x24_every_call_key_shows_and_escape_leaves_with_the_notes_saved(
        terminal: Callable[..., Terminal], run_cli: RunCli, store: Store) -> None:
    """Opened from home in a small terminal: the keys are all there, and leaving keeps every word."""
    debrief = prepared_debrief(store)
    term = terminal(width=80, height=24)
    term.wait_for("Northwin")
    term.type("c")
    screen = term.wait_for("Q1/4")
    keys = "\n".join(screen.splitlines()[-2:])  # the key bar: the last two rows
    for shown in ("f10 End", "f9 Tag", "^t Timer", "^b Marker", "esc Leave"):
        assert shown in keys, screen
    assert "Ask own" in keys or "Own" in keys, screen
    term.type("They chose on price")
    term.wait_for(f"{NOTES_BAR} They chose on price")
    term.send("Escape")
    screen = term.wait_for("Left the call")
    assert "Q1/4" not in screen and "Northwin" in screen and "c Call" in screen  # home, with its keys
    data = _show(run_cli, debrief.id)
    assert data["answers"]["decision-factors"]["notes"] == "They chose on price"  # type: ignore[index]
    assert data["status"] == "in_call"
    term.send("C-q")
    term.wait_for("[exited] 0")
