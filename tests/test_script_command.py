"""``debrief script``: the real command, with a real database."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from debrief.core.banks import load_banks
from debrief.core.model import Debrief
from debrief.core.script import REMINDERS, custom_question, default_script
from debrief.core.settings import Settings
from debrief.core.store import Store

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def debrief_id(run_cli: Run) -> str:
    result = run_cli("new", "--company", "Northwind Logistics", "--contact", "Jane Okafor",
                     "--role", "VP Operations", "--lost-to", "Acme Cloud", "--lost-on", "2026-11-02")
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def questions_in(markdown: str) -> list[tuple[str, float]]:
    """(question text, minutes) for every question of a Markdown script."""
    found = re.findall(r"^### \d+\. (.+)\n\n_([\d.]+) min", markdown, re.MULTILINE)
    return [(text.replace("\\", ""), float(minutes)) for text, minutes in found]


def test_fits_fifteen_minutes_and_is_personal(run_cli: Run, debrief_id: str, isolated_folders: Path) -> None:
    settings = isolated_folders / "config" / "debrief" / "settings.json"
    settings.parent.mkdir(parents=True)
    settings.write_text(json.dumps({"rep_name": "Sam Rivera"}), encoding="utf-8")
    result = run_cli("script", debrief_id, "--minutes", "15")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    questions = questions_in(out)
    assert 4 <= len(questions) <= 12
    assert 2 + sum(minutes for _, minutes in questions) <= 15
    assert "Jane" in out and "Acme Cloud" in out and "Sam Rivera" in out
    assert "{{" not in out and "{%" not in out and "}}" not in out
    for reminder in REMINDERS:
        assert reminder in out
    assert out.index("## Opening") < out.index("## Questions") < out.index("## Closing")


def test_every_question_passes_debrief_tone(run_cli: Run, debrief_id: str) -> None:
    for minutes in ("10", "15", "20"):
        script = run_cli("script", debrief_id, "--minutes", minutes)
        assert script.returncode == 0, script.stderr
        texts = [text for text, _ in questions_in(script.stdout)]
        assert texts
        tone = run_cli("tone", "--format", "json", input="\n".join(texts) + "\n")
        checked = json.loads(tone.stdout)
        assert [entry["text"] for entry in checked] == texts
        assert [entry["findings"] for entry in checked] == [[] for _ in texts], checked
        assert tone.returncode == 0


def test_plain_text_format(run_cli: Run, debrief_id: str) -> None:
    result = run_cli("script", debrief_id, "--format", "text", "--minutes", "20")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("DEBRIEF CALL — Northwind Logistics")
    assert "OPENING" in result.stdout and "QUESTIONS" in result.stdout and "CLOSING" in result.stdout
    assert " 1. " in result.stdout
    assert "#" not in result.stdout.split("QUESTIONS", 1)[1]


def test_named_bank(run_cli: Run, debrief_id: str) -> None:
    result = run_cli("script", debrief_id, "--bank", "quick-10", "--minutes", "10")
    assert result.returncode == 0, result.stderr
    assert "bank quick-10" in result.stdout
    assert 2 + sum(minutes for _, minutes in questions_in(result.stdout)) <= 10


def test_unknown_bank_is_one_line_exit_2(run_cli: Run, debrief_id: str) -> None:
    result = run_cli("script", debrief_id, "--bank", "nope")
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "no bank 'nope'" in result.stderr and "lost-to-competitor" in result.stderr


@pytest.mark.parametrize("args", [["--minutes", "3"], ["--minutes", "lots"], ["--format", "pdf"]])
def test_bad_options_are_one_line_exit_2(run_cli: Run, debrief_id: str, args: list[str]) -> None:
    result = run_cli("script", debrief_id, *args)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_unknown_debrief_is_exit_1(run_cli: Run) -> None:
    result = run_cli("script", "zzzzzz")
    assert result.returncode == 1
    assert "no debrief" in result.stderr


def test_the_saved_script_is_printed(run_cli: Run, debrief_id: str, db_path: Path) -> None:
    store = Store.open(db_path)
    debrief = store.get(debrief_id)
    script = default_script(debrief, load_banks(), Settings(), minutes=20, bank_id="lost-on-price")
    script.questions.reverse()
    script.questions.insert(1, custom_question("What surprised you most in the evaluation?", "custom-1"))

    def change(stored: Debrief) -> None:
        stored.script = script

    store.update(debrief_id, change)
    result = run_cli("script", debrief_id)
    assert result.returncode == 0, result.stderr
    assert [text for text, _ in questions_in(result.stdout)] == [q.text for q in script.questions]
    assert "bank lost-on-price" in result.stdout
    # --minutes asks for a fresh selection instead of the saved one.
    fresh = run_cli("script", debrief_id, "--minutes", "10")
    assert fresh.returncode == 0, fresh.stderr
    assert "What surprised you most" not in fresh.stdout
    assert 2 + sum(minutes for _, minutes in questions_in(fresh.stdout)) <= 10
