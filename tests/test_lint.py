"""Bank lint in the core: typed findings the command line only prints."""

from __future__ import annotations

from pathlib import Path

import pytest

from debrief.core.lint import LintFinding, lint_banks, lint_targets
from tests.test_banks import BROKEN, FIXTURES, GOOD


def test_a_broken_bank_is_one_invalid_finding_and_a_good_one_none() -> None:
    name, line, field, message = BROKEN[1]
    report = lint_banks([FIXTURES / f"{name}.yaml", GOOD])
    assert report.findings == [LintFinding(file=str(FIXTURES / f"{name}.yaml"), line=line, field=field,
                                           rule="schema", category="invalid", message=message)]
    assert report.invalid and report.exit_code == 2
    assert report.questions == {str(GOOD): 3}
    assert report.summary() == "2 bank files, 3 questions checked: 1 finding"


def test_a_tone_finding_names_its_question_and_line(tmp_path: Path) -> None:
    path = tmp_path / "tone.yaml"
    path.write_text(GOOD.read_text().replace("text: What mattered most in your final decision?",
                                             "text: Wouldn't you agree that our demo was stronger?"))
    report = lint_banks(lint_targets([tmp_path]))
    [finding] = report.findings
    assert (finding.line, finding.question, finding.category) == (17, "decision-factors", "leading")
    assert not finding.invalid
    assert report.exit_code == 1
    assert finding.text().startswith(f"{path}:17: questions.decision-factors.text: leading (")
    assert finding.to_json()["bank"] == "team-guide"


def test_an_empty_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no bank files"):
        lint_targets([tmp_path])
    assert lint_banks([]).exit_code == 0


def test_every_problem_of_a_bank_that_does_not_load_in_line_order(tmp_path: Path) -> None:
    """Schema problems, a bad template, a duplicate id and a tone finding, all in one report."""
    path = tmp_path / "many.yaml"
    path.write_text(GOOD.read_text().replace("version: 1", "version: one")
                    .replace("text: What mattered most in your final decision?",
                             "text: Wouldn't you agree that our demo was stronger?")
                    .replace("{{ company }}", "{{ deal_size }}")
                    .replace("tags: [relationship]", "tags: [Pricing]")
                    .replace("id: stay-touch", "id: decision-factors"))
    report = lint_banks([path])
    assert [(f.line, f.field, f.invalid) for f in report.findings] == [
        (4, "version", True), (17, "questions.decision-factors.text", False),
        (25, "questions.decision-who.text", True), (35, "phases[1].questions[0].id", True),
        (39, "questions.decision-factors.tags[0]", True)]
    assert report.exit_code == 2 and report.questions == {}
    assert report.findings[1].category == "leading" and report.findings[1].question == "decision-factors"


# -- loss-reason tags: a new reason is clean, a slip is a note ----------------------------------------


def _tagged(tmp_path: Path, first: str, second: str, third: str = "relationship") -> Path:
    path = tmp_path / "tagged.yaml"
    path.write_text(GOOD.read_text().replace("tags: [criteria]", f"tags: [{first}]")
                    .replace("tags: [decision-maker]", f"tags: [{second}]")
                    .replace("tags: [relationship]", f"tags: [{third}]"))
    return path


def test_a_bank_with_reasons_of_its_own_lints_clean(tmp_path: Path) -> None:
    report = lint_banks([_tagged(tmp_path, "security-review, criteria", "procurement")])
    assert report.findings == [] and report.exit_code == 0
    assert report.summary() == "1 bank file, 3 questions checked: no findings"


def test_a_tag_one_slip_from_a_known_reason_is_a_note_that_leaves_the_exit_code_alone(tmp_path: Path) -> None:
    path = _tagged(tmp_path, "competiton", "decision-maker, prcie", "pricing")
    report = lint_banks([path])
    assert [(f.line, f.field, f.rule, f.category, f.matched) for f in report.findings] == [
        (20, "questions.decision-factors.tags[0]", "reason-slip", "note", "competiton"),
        (28, "questions.decision-who.tags[1]", "reason-slip", "note", "prcie"),
        (39, "questions.stay-touch.tags[0]", "reason-alias", "note", "pricing")]
    assert all(f.note and not f.invalid for f in report.findings)
    assert report.exit_code == 0 and report.faults == []
    assert report.summary() == "1 bank file, 3 questions checked: no findings, 3 notes"
    assert report.findings[0].text() == (
        f'{path}:20: questions.decision-factors.tags[0]: note (reason-slip) "competiton": no one declared '
        "this loss reason, and it is a slip from competitor (Competitor strength): a typo counts apart in the "
        "stats Try: tag it competitor, or declare competiton in reasons.yaml if it is a reason of its own")
    assert report.findings[2].message == ("another name of the loss reason price (Price): the stats would "
                                          "count it apart")
    # A note beside a tone finding: the tone finding decides the exit code.
    path.write_text(path.read_text().replace("text: What mattered most in your final decision?",
                                             "text: Wouldn't you agree that our demo was stronger?"))
    report = lint_banks([path])
    assert report.exit_code == 1 and [f.category for f in report.faults] == ["leading"]
    assert report.summary() == "1 bank file, 3 questions checked: 1 finding, 3 notes"


def test_a_reason_declared_in_a_reasons_file_or_another_bank_is_no_slip(tmp_path: Path) -> None:
    from debrief import locations

    path = _tagged(tmp_path, "budgets", "procurment")
    assert [f.matched for f in lint_banks([path]).findings] == ["budgets"]  # procurment: a slip of nothing yet
    other = (GOOD.read_text().replace("id: team-guide", "id: buying").replace("[criteria]", "[procurement]")
             .replace("[relationship]", "[procurement]"))
    locations.user_banks_dir().mkdir(parents=True)
    (locations.user_banks_dir() / "buying.yaml").write_text(other)
    # Another bank's tag, used more often than the one checked, is known: the rarer spelling is noted.
    assert [f.matched for f in lint_banks([path]).findings] == ["budgets", "procurment"]
    assert lint_banks([locations.user_banks_dir() / "buying.yaml"]).findings == []
    team = locations.active_team_dir()
    team.mkdir()
    (team / "reasons.yaml").write_text("reasons:\n  - id: budgets\n    label: Budgets across years\n")
    assert [f.matched for f in lint_banks([path]).findings] == ["procurment"]


def test_a_bad_reasons_file_is_reported_by_lint_and_changes_nothing_else(tmp_path: Path) -> None:
    from debrief import locations

    user = locations.user_reasons_file()
    user.parent.mkdir(parents=True)
    user.write_text("reasons:\n  - id: Bad Id\n  - id: legal\n")
    report = lint_banks([GOOD])
    assert report.reasons_problems == [f"{user}:2: reasons[0].id: not a reason id 'Bad Id': use lowercase "
                                       "letters, digits and hyphens, at most 40 characters (like security-review)"]
    assert report.findings == [] and report.exit_code == 0


def test_team_tone_rules_sit_between_the_shipped_rules_and_the_reps() -> None:
    """A team's rule file changes the check for every bank and question; the rep's file still wins."""
    from debrief import locations
    from debrief.core.tone import default_checker

    question = "How could we circle back on the synergy?"
    assert default_checker().check(question) == []
    team = locations.active_team_dir()
    team.mkdir()
    (team / "tone_rules.yaml").write_text(
        "rules:\n  - id: team-jargon\n    category: jargon\n    phrases: [circle back]\n"
        "    message: '\"{matched}\" is jargon.'\n    suggestion: Say it plainly.\n")
    [finding] = default_checker().check(question)
    assert (finding.rule, finding.category) == ("team-jargon", "jargon")
    user = locations.data_dir() / "tone_rules.yaml"
    user.parent.mkdir(parents=True)
    user.write_text("rules:\n  - {id: team-jargon, phrases: [synergy]}\n")
    [finding] = default_checker().check(question)
    assert finding.matched == "synergy"
    assert str(team / "tone_rules.yaml") in default_checker().files
    # A broken team file is left out with one line; the rep's own rules still apply.
    (team / "tone_rules.yaml").write_text("rules:\n  - id: team-bad\n    patterns: ['(']\n")
    user.write_text("rules:\n  - id: my-jargon\n    category: jargon\n    phrases: [synergy]\n"
                    "    message: '\"{matched}\" is jargon.'\n    suggestion: Say it plainly.\n")
    checker = default_checker()
    [problem] = checker.problems
    assert problem.startswith(f"{team / 'tone_rules.yaml'}:") and "\n" not in problem
    assert checker.files[-1] == str(user)
    assert [finding.rule for finding in checker.check(question)] == ["my-jargon"]
