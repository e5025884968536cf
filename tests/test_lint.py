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
