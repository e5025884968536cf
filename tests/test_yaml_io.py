"""The one YAML loader: banks and tone rules refuse the same bad files the same way."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from debrief import locations
from debrief.core.banks import BankError, load_bank_file
from debrief.core.tone import OWNIT_RULES_FILE, RulesError, ToneChecker
from debrief.core.yaml_io import MAX_DEPTH, YamlError, load, loc_line

Run = Callable[..., subprocess.CompletedProcess[str]]

DUPLICATED = "rules:\n  - id: closed-yes-no\n    enabled: false\n    enabled: true\n"


def test_a_duplicated_key_in_the_user_tone_rules_is_exit_2_naming_file_and_line(run_cli: Run) -> None:
    user = locations.data_dir() / "tone_rules.yaml"
    user.parent.mkdir(parents=True, exist_ok=True)
    user.write_text(DUPLICATED, encoding="utf-8")
    result = run_cli("tone", "What mattered most?")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip() == f"debrief: {user}:4: enabled: duplicate key (first on line 3)"


def test_a_duplicated_key_in_a_rules_option_file_is_refused_too(run_cli: Run, tmp_path: Path) -> None:
    rules = tmp_path / "team.yaml"
    rules.write_text(DUPLICATED, encoding="utf-8")
    result = run_cli("tone", "--own-it", "--rules", str(rules), "We lost on price.")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"debrief: {rules}:4: enabled: duplicate key (first on line 3)"]


def test_banks_and_rules_give_the_same_line_for_the_same_problem(tmp_path: Path) -> None:
    bank = tmp_path / "bank.yaml"
    bank.write_text("id: a\ntitle: b\nid: c\n", encoding="utf-8")
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules: []\nmacros: {}\nrules: []\n", encoding="utf-8")
    with pytest.raises(BankError) as bank_error:
        load_bank_file(bank)
    with pytest.raises(RulesError) as rules_error:
        ToneChecker.load(OWNIT_RULES_FILE, rules)
    assert (bank_error.value.line, bank_error.value.reason) == (3, "duplicate key (first on line 1)")
    assert (rules_error.value.line, rules_error.value.reason) == (3, "duplicate key (first on line 1)")


@pytest.mark.parametrize(("text", "line", "reason"), [
    ("a: &a [x, *a]\n", 1, "an alias refers to the value it is in"),
    ("a: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n", 1, f"nested more than {MAX_DEPTH} levels"),
    ("a: 1\n" + "b: " + "[" * 20_000 + "\n", 0, ""),  # unclosed and very deep: refused, never a crash
])
def test_shapes_no_file_needs_are_refused(tmp_path: Path, text: str, line: int, reason: str) -> None:
    path = tmp_path / "odd.yaml"
    path.write_text(text, encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(YamlError) as caught:
        load(path)
    assert time.perf_counter() - started < 5
    assert caught.value.field == "yaml"
    if line:
        assert caught.value.line == line and reason in caught.value.reason
    assert "\n" not in str(caught.value)


def test_an_alias_bomb_stops_at_the_count(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 9)]
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(YamlError, match="too many values: expands to more than 50,000"):
        load(path)


def test_a_byte_order_mark_and_shared_values_are_fine(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes("\ufeffbase: &b {x: 1}\none: *b\ntwo:\n  - 5\n".encode())
    document = load(path)
    assert document.data == {"base": {"x": 1}, "one": {"x": 1}, "two": [5]}
    assert loc_line(document.root, ("two", 0)) == 4
    assert loc_line(document.root, ("two", "missing")) == 3
