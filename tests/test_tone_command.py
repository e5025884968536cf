"""``debrief tone`` through the real command: output formats, stdin, exit codes, rules files."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

from debrief import locations
from tests.tmux_harness import DEBRIEF

Run = Callable[..., subprocess.CompletedProcess[str]]


def test_each_argument_is_a_question_and_findings_exit_1(run_cli: Run) -> None:
    result = run_cli("tone", "Did price matter?", "What mattered most in your final decision?")
    assert result.returncode == 1, result.stderr
    blocks = result.stdout.strip().split("\n\n")
    assert len(blocks) == 2
    assert blocks[0].splitlines() == [
        "Did price matter?",
        '  - closed (closed-factor): "Did price matter"',
        "    why: A yes or no about price tells you little: you learn whether it mattered, not how or how much.",
        '    try: Ask it open: "How did price factor into your decision?"',
    ]
    assert blocks[1].splitlines() == ["What mattered most in your final decision?", "  ok"]
    assert result.stderr == ""


def test_clean_questions_exit_0(run_cli: Run, db_path: Path) -> None:
    result = run_cli("tone", "--db", str(db_path), "Could you give me an example?",
                     "Can you walk me through your evaluation?")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("  ok") == 2


def test_stdin_one_question_a_line_as_json_in_order(run_cli: Run) -> None:
    stdin = ("Wouldn\u2019t you agree our demo was better?\n\n   \r\n"
             "What did we do that made this harder for you?\r\n"
             "If we lowered the price, would you sign?")
    result = run_cli("tone", "--format", "json", input=stdin)
    assert result.returncode == 1, result.stderr
    entries = json.loads(result.stdout)
    assert [entry["text"] for entry in entries] == [
        "Wouldn\u2019t you agree our demo was better?",
        "What did we do that made this harder for you?",
        "If we lowered the price, would you sign?",
    ]
    assert entries[1]["findings"] == []
    assert {f["category"] for f in entries[0]["findings"]} == {"leading"}
    assert "hypothetical" in {f["category"] for f in entries[2]["findings"]}
    for finding in entries[0]["findings"] + entries[2]["findings"]:
        assert set(finding) == {"rule", "category", "matched", "message", "suggestion", "span"}
        assert all(isinstance(value, str) and value for key, value in finding.items() if key != "span")
    for entry in entries:  # the span points at the matched words in the text as given
        for finding in entry["findings"]:
            start, end = finding["span"]
            assert finding["matched"] in entry["text"][start:end]


def test_empty_stdin_is_an_empty_list(run_cli: Run) -> None:
    result = run_cli("tone", "--format", "json", input="\n \n")
    assert (result.returncode, json.loads(result.stdout)) == (0, [])


def test_binary_or_non_utf8_input_is_refused_in_one_line() -> None:
    for stdin, reason in (("Did it help?\x00\x01", "binary data"), ("caf\udcff\n", "not UTF-8")):
        result = subprocess.run(
            [DEBRIEF, "tone"], input=stdin.encode("utf-8", "surrogateescape"),
            capture_output=True, timeout=60,
        )
        assert result.returncode == 2
        assert result.stdout == b""
        err = result.stderr.decode()
        assert reason in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_a_broken_user_rules_file_is_exit_2_naming_file_and_line(run_cli: Run) -> None:
    user = locations.data_dir() / "tone_rules.yaml"
    user.parent.mkdir(parents=True, exist_ok=True)
    user.write_text("rules:\n  - id: closed-yes-no\n    patterns:\n      - '(oops'\n", encoding="utf-8")
    result = run_cli("tone", "What mattered most?")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip() == (f"debrief: {user}:4: closed-yes-no.patterns[0]: bad regex: "
                                     "missing ), unterminated subpattern at position 0")


def test_rules_option_tunes_the_check(run_cli: Run, tmp_path: Path) -> None:
    rules = tmp_path / "team.yaml"
    rules.write_text("rules:\n  - id: closed-yes-no\n    enabled: false\n", encoding="utf-8")
    assert run_cli("tone", "Did the demo help?").returncode == 1
    assert run_cli("tone", "--rules", str(rules), "Did the demo help?").returncode == 0
    missing = run_cli("tone", "--rules", str(tmp_path / "nope.yaml"), "Hi?")
    assert missing.returncode == 2 and "nope.yaml:1: file: cannot read" in missing.stderr


def test_own_it_checks_takeaways(run_cli: Run) -> None:
    result = run_cli("tone", "--own-it", "--format", "json",
                     "We almost won; the economy was against us.", "I should have met the CFO earlier.")
    assert result.returncode == 1, result.stderr
    first, second = json.loads(result.stdout)
    assert {f["category"] for f in first["findings"]} == {"almost", "market"}
    assert second["findings"] == []


def test_list_rules_shows_where_each_rule_comes_from(run_cli: Run) -> None:
    result = run_cli("tone", "--list-rules", "--format", "json")
    assert result.returncode == 0, result.stderr
    rules = json.loads(result.stdout)
    assert {"closed-yes-no", "leading-phrases", "reselling-offer"} <= {rule["id"] for rule in rules}
    assert all(rule["source"].startswith("shipped tone_rules.yaml:") for rule in rules)

