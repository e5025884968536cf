"""``debrief banks list | show | lint`` through the real command."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from debrief.core.banks import load_banks, render_bank, sample_debrief
from debrief.locations import shipped_banks_dir, user_banks_dir
from tests.test_banks import BROKEN, FIXTURES, GOOD, SHIPPED

LINT_KEYS = {"file", "bank", "question", "field", "rule", "category", "message", "suggestion", "line"}


def user_bank(name: str, text: str) -> Path:
    folder = user_banks_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_list_shows_every_shipped_bank_as_a_table_and_as_json(run_cli) -> None:  # type: ignore[no-untyped-def]
    table = run_cli("banks", "list")
    assert table.returncode == 0, table.stderr
    header, *rows = table.stdout.splitlines()
    assert header.split() == ["ID", "TITLE", "QUESTIONS", "MINUTES", "SOURCE"]
    assert sorted(row.split()[0] for row in rows) == sorted(SHIPPED)
    assert all(row.split()[-1] == "shipped" for row in rows)
    listed = json.loads(run_cli("banks", "list", "--format", "json").stdout)
    banks = load_banks()
    assert [(row["id"], row["questions"], row["minutes"], row["source"]) for row in listed] == [
        (bank.id, bank.question_count, bank.total_minutes, "shipped") for bank in banks]
    assert all(row["title"] and row["use_when"] and row["version"] == 1 for row in listed)


def test_list_marks_overrides_and_reports_a_broken_bank_in_one_line_with_exit_1(run_cli) -> None:  # type: ignore[no-untyped-def]
    text = (shipped_banks_dir() / "quick-10.yaml").read_text().replace(
        "title: Quick 10-minute debrief", "title: Our own quick debrief")
    user_bank("quick.yaml", text)
    user_bank("team.yaml", GOOD.read_text())
    broken = user_bank("broken.yaml", (FIXTURES / "broken-tag-id.yaml").read_text())
    result = run_cli("banks", "list")
    assert result.returncode == 1  # the list is printed: a finding, as in lint, not bad input
    rows = {line.split()[0]: line for line in result.stdout.splitlines()[1:]}
    assert set(rows) == {*SHIPPED, "team-guide"}
    assert "Our own quick debrief" in rows["quick-10"]
    assert rows["quick-10"].endswith("user (overrides shipped)")
    assert rows["team-guide"].endswith("user") and rows["no-decision"].endswith("shipped")
    assert result.stderr.splitlines() == [
        f"debrief: not listed, it does not load: {broken}:20: questions.decision-factors.tags[0]: "
        "'Pricing plan' is not a loss-reason id: use lowercase letters, digits and hyphens, "
        "at most 40 characters (like security-review)"]
    listed = json.loads(run_cli("banks", "list", "--format", "json").stdout)
    quick = next(row for row in listed if row["id"] == "quick-10")
    assert (quick["source"], quick["overrides"]) == ("user (overrides shipped)", True)


def test_show_renders_the_whole_bank_for_a_sample_deal(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("banks", "show", "lost-to-competitor")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    flat = " ".join(out.split())
    bank = render_bank(load_banks().get("lost-to-competitor"),
                       sample_debrief().template_context("Sam Rivera"))
    assert "{{" not in out and "{%" not in out
    assert out.index("OPENING") < out.index("PHASE 1: How the decision was made") < out.index("CLOSING")
    assert " ".join(bank.opening.split()) in flat and " ".join(bank.closing.split()) in flat
    for phase, question in bank.questions():
        assert f"PHASE {bank.phases.index(phase) + 1}: {phase.title}" in out
        assert question.text in flat and question.intent in flat and f"{question.id} · " in out
        assert all(f"- {probe}" in flat for probe in question.probes)
    assert "Acme Cloud" in flat and "Jane" in flat and "Evaluation criteria" in flat


def test_show_with_a_debrief_renders_for_that_deal(run_cli) -> None:  # type: ignore[no-untyped-def]
    created = run_cli("new", "--company", "Globex", "--contact", "Hank Scorpio", "--lost-on", "yesterday")
    debrief_id = created.stdout.strip()
    result = run_cli("banks", "show", "quick-10", "--debrief", debrief_id)
    assert result.returncode == 0, result.stderr
    assert "Thanks for making time, Hank." in result.stdout and "Globex" in result.stdout
    assert "What stood out about the option you chose?" in result.stdout
    shown = json.loads(run_cli("banks", "show", "quick-10", "--debrief", debrief_id, "--format", "json").stdout)
    assert shown["id"] == "quick-10" and shown["questions"] == 7 and "Hank" in shown["opening"]
    assert next(q["id"] for phase in shown["phases"] for q in phase["questions"]) == "decision-who"
    missing = run_cli("banks", "show", "quick-10", "--debrief", "zzzzzz")
    assert missing.returncode == 1


def test_show_an_unknown_bank_exits_1_naming_the_known_ones(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("banks", "show", "nope")
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr == f"debrief: no bank 'nope' (known: {', '.join(sorted(SHIPPED))})\n"


def test_show_an_unknown_bank_while_a_bank_is_broken_says_why_and_exits_2(run_cli) -> None:  # type: ignore[no-untyped-def]
    broken = user_bank("team.yaml", (FIXTURES / "broken-one-probe.yaml").read_text())
    result = run_cli("banks", "show", "team-guide")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [
        f"debrief: {broken}:40: questions.stay-touch.probes: needs at least 2 probes (found 1)",
        f"debrief: no bank 'team-guide' (known: {', '.join(sorted(SHIPPED))}); 1 bank file could "
        "not be loaded, see above"]
    assert run_cli("banks", "show", "quick-10").returncode == 0


def test_banks_alone_prints_its_help(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("banks")
    assert result.returncode == 0
    assert result.stdout.startswith("Usage: debrief banks") and "lint" in result.stdout


def test_show_a_bank_file_previews_it_or_gives_its_error(run_cli) -> None:  # type: ignore[no-untyped-def]
    good = run_cli("banks", "show", str(GOOD))
    assert good.returncode == 0 and "Who was involved in the final decision at Northwind Logistics?" in good.stdout
    path = FIXTURES / "sandbox-internals.yaml"
    bad = run_cli("banks", "show", str(path))
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr == (f"debrief: {path}:36: questions.stay-touch.text: refused: '__class__' is not a "
                          "field of the deal (internals are off limits)\n")


def test_lint_reports_every_broken_bank_with_file_line_and_field_and_exits_2(run_cli) -> None:  # type: ignore[no-untyped-def]
    paths = [str(FIXTURES / f"{name}.yaml") for name, *_ in BROKEN]
    result = run_cli("banks", "lint", *paths, "--format", "json")
    assert result.returncode == 2, result.stderr
    entries = json.loads(result.stdout)
    assert all(set(entry) >= LINT_KEYS for entry in entries)
    assert [(Path(e["file"]).stem, e["line"], e["field"], e["message"]) for e in entries] == BROKEN
    assert {(entry["rule"], entry["bank"]) for entry in entries} == {("schema", None)}
    text = run_cli("banks", "lint", *paths[:2])
    assert text.returncode == 2
    assert text.stdout.splitlines() == [f"{paths[0]}:18: yaml: {BROKEN[0][3]}", f"{paths[1]}:2: title: {BROKEN[1][3]}"]


def _five_problems(tmp_path: Path) -> Path:
    """The good bank with five distinct problems: two schema, a template, a duplicate id, a tone."""
    text = (GOOD.read_text()
            .replace("version: 1", "version: one")
            .replace("text: What mattered most in your final decision?",
                     "text: Wouldn't you agree that our demo was stronger?")
            .replace("{{ company }}", "{{ deal_size }}")
            .replace("minutes: 2\n        tags: [decision-maker]", "minutes: two\n        tags: [decision-maker]")
            .replace("id: stay-touch", "id: decision-factors"))
    path = tmp_path / "five.yaml"
    path.write_text(text)
    return path


def test_lint_reports_every_problem_of_a_file_in_one_run(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _five_problems(tmp_path)
    result = run_cli("banks", "lint", str(path))
    assert result.returncode == 2, result.stderr
    lines = result.stdout.splitlines()
    assert [line.split(": ")[0:2] for line in lines] == [
        [f"{path}:4", "version"], [f"{path}:17", "questions.decision-factors.text"],
        [f"{path}:25", "questions.decision-who.text"], [f"{path}:27", "questions.decision-who.minutes"],
        [f"{path}:35", "phases[1].questions[0].id"]]
    assert "should be a whole number" in lines[0] and "leading (" in lines[1]
    assert "unknown template variable 'deal_size'" in lines[2] and "should be a number" in lines[3]
    assert "duplicate question id 'decision-factors' (first on line 16)" in lines[4]
    entries = json.loads(run_cli("banks", "lint", str(path), "--format", "json").stdout)
    assert [(entry["line"], entry["rule"] == "schema") for entry in entries] == [
        (4, True), (17, False), (25, True), (27, True), (35, True)]
    assert all(set(entry) >= LINT_KEYS for entry in entries)


def test_lint_of_a_missing_path_or_empty_folder_is_bad_input(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    missing = run_cli("banks", "lint", str(tmp_path / "nope.yaml"))
    assert missing.returncode == 2
    assert missing.stdout == f"{tmp_path / 'nope.yaml'}:1: file: no such file\n"
    empty = run_cli("banks", "lint", str(tmp_path))
    assert empty.returncode == 2
    assert empty.stderr == f"debrief: {tmp_path}: no bank files (*.yaml, *.yml) in this folder\n"


def test_lint_of_the_shipped_banks_is_clean(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("banks", "lint")
    assert result.returncode == 0, result.stdout
    questions = sum(bank.question_count for bank in load_banks())
    assert result.stdout == f"5 bank files, {questions} questions checked: no findings\n"
    assert result.stderr == ""
    assert json.loads(run_cli("banks", "lint", "--format", "json").stdout) == []


def test_lint_flags_the_tone_of_questions_and_probes_and_exits_1(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = GOOD.read_text().replace(
        "text: What mattered most in your final decision?",
        "text: Wouldn't you agree that our demo was stronger?").replace(
        "- Who did we never get to meet?", "- Why didn't you involve your CFO earlier?")
    path = tmp_path / "tone.yaml"
    path.write_text(text)
    folder = tmp_path / "banks"
    folder.mkdir()
    shutil.copy(path, folder / "tone.yaml")
    result = run_cli("banks", "lint", str(folder), "--format", "json")
    assert result.returncode == 1, result.stderr
    entries = json.loads(result.stdout)
    assert all(set(entry) >= LINT_KEYS and entry["bank"] == "team-guide" for entry in entries)
    by_field = {entry["field"]: entry for entry in entries}
    leading = by_field["questions.decision-factors.text"]
    assert (leading["line"], leading["question"], leading["category"]) == (17, "decision-factors", "leading")
    blaming = by_field["questions.decision-who.probes[1]"]
    assert (blaming["line"], blaming["category"]) == (31, "blaming")
    assert all(entry["message"] and entry["suggestion"] for entry in entries)
    assert set(by_field) == {"questions.decision-factors.text", "questions.decision-who.probes[1]"}
    text_out = run_cli("banks", "lint", str(folder / "tone.yaml"))
    assert text_out.returncode == 1
    lines = text_out.stdout.splitlines()
    assert len(lines) == len(entries)
    assert lines[0].startswith(f"{folder / 'tone.yaml'}:17: questions.decision-factors.text: leading (")
    assert text_out.stderr.startswith(f"1 bank file, 3 questions checked: {len(entries)} finding")


def test_show_text_marks_a_question_left_out_for_a_deal_without_a_winner(tmp_path: Path) -> None:
    from debrief.cli.bank_commands import bank_text, deal_line
    from debrief.core.banks import load_bank_file

    path = tmp_path / "winner.yaml"
    path.write_text(GOOD.read_text().replace(
        "text: How would you like us to stay in touch?",
        'text: "{% if lost_to %}What stood out about {{ lost_to }}?{% endif %}"'))
    context = sample_debrief(sparse=True).template_context("")
    text = bank_text(render_bank(load_bank_file(path), context), deal_line(context, sample=True))
    assert "  3. (left out for this deal: its template renders to nothing)" in text
    assert "Rendered for a sample deal: Jane, Northwind Logistics." in text


def test_counts_of_one_read_in_the_singular_in_lint_show_and_script(run_cli) -> None:  # type: ignore[no-untyped-def]
    """A bank of one 2-minute question: "1 question", never "1 questions", wherever it is counted."""
    text = GOOD.read_text()
    path = user_bank("one.yaml", text[: text.index("      - id: decision-who")])
    lint = run_cli("banks", "lint", str(path))
    assert lint.returncode == 0, lint.stdout
    assert lint.stdout == "1 bank file, 1 question checked: no findings\n"
    shown = run_cli("banks", "show", "team-guide")
    assert "· 1 question, 2 minutes in all" in shown.stdout
    new = run_cli("new", "--company", "Acme", "--contact", "Jane Doe", "--lost-to", "Rival")
    script = run_cli("script", new.stdout.strip(), "--bank", "team-guide")
    assert script.returncode == 0, script.stderr
    assert "**Plan:** 1 question, about " in script.stdout, script.stdout[:300]
    assert "1 questions" not in lint.stdout + shown.stdout + script.stdout


def test_list_and_lint_read_the_team_banks_beside_the_database_given(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """--db names the database; its team folder (``<db>-team``) holds the team's banks and reasons."""
    db = tmp_path / "elsewhere" / "db"
    team = tmp_path / "elsewhere" / "db-team"
    quick = (shipped_banks_dir() / "quick-10.yaml").read_text()
    (team / "banks").mkdir(parents=True)
    (team / "banks" / "quick.yaml").write_text(quick.replace("title: Quick 10-minute debrief", "title: Team quick"))
    (team / "banks" / "guide.yaml").write_text(GOOD.read_text().replace("tags: [criteria]", "tags: [prcie]"))
    user_bank("guide.yaml", GOOD.read_text().replace("title: Team guide", "title: My guide"))
    rows = json.loads(run_cli("banks", "list", "--db", str(db), "--format", "json").stdout)
    listed = {row["id"]: row for row in rows}
    assert (listed["quick-10"]["title"], listed["quick-10"]["source"]) == ("Team quick", "team (overrides shipped)")
    assert (listed["quick-10"]["replaces"], listed["team-guide"]["replaces"], listed["no-decision"]["replaces"]) == (
        "shipped", "team", None)
    assert (listed["team-guide"]["title"], listed["team-guide"]["source"]) == ("My guide", "user (overrides team)")
    # Without --db the default database has no team: the team's banks are not there.
    assert {row["id"]: row["source"] for row in json.loads(run_cli("banks", "list", "--format", "json").stdout)}[
        "quick-10"] == "shipped"
    linted = run_cli("banks", "lint", "--db", str(db), "--format", "json")
    assert linted.returncode == 0, linted.stdout + linted.stderr  # a note changes no exit code
    [note] = json.loads(linted.stdout)
    assert set(note) >= LINT_KEYS
    assert (note["file"], note["line"], note["rule"], note["category"], note["matched"]) == (
        str(team / "banks" / "guide.yaml"), 20, "reason-slip", "note", "prcie")
    assert note["suggestion"] == "tag it price, or declare prcie in reasons.yaml if it is a reason of its own"
    (team / "reasons.yaml").write_text("reasons:\n  - id: prcie\n    label: Price ceiling\n  - id: Bad\n")
    text = run_cli("banks", "lint", "--db", str(db))
    assert text.returncode == 0 and text.stdout.endswith("questions checked: no findings\n")
    assert text.stderr == (f"debrief: warning: {team / 'reasons.yaml'}:4: reasons[1].id: not a reason id 'Bad': "
                           "use lowercase letters, digits and hyphens, at most 40 characters (like "
                           "security-review) (skipped)\n")


def test_debrief_tone_reads_the_team_rules_beside_the_database(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "elsewhere" / "db"
    team = tmp_path / "elsewhere" / "db-team"
    team.mkdir(parents=True)
    question = "How could we circle back on the synergy?"
    assert run_cli("tone", question, "--db", str(db)).returncode == 0
    (team / "tone_rules.yaml").write_text(
        "rules:\n  - id: team-jargon\n    category: jargon\n    phrases: [circle back]\n"
        "    message: '\"{matched}\" is jargon.'\n    suggestion: Say it plainly.\n")
    flagged = run_cli("tone", question, "--db", str(db), "--format", "json")
    assert flagged.returncode == 1
    assert [finding["rule"] for finding in json.loads(flagged.stdout)[0]["findings"]] == ["team-jargon"]
    assert run_cli("tone", question).returncode == 0  # another database, no team
    (team / "tone_rules.yaml").write_text("rules:\n  - id: team-bad\n    patterns: ['(']\n")
    broken = run_cli("tone", question, "--db", str(db))
    assert broken.returncode == 0
    assert broken.stderr.startswith(f"debrief: warning: {team / 'tone_rules.yaml'}:")
    assert broken.stderr.endswith("(the team's rules are left out)\n") and broken.stderr.count("\n") == 1
