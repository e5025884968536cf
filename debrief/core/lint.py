"""Bank lint: the schema check, then the tone of every question and probe, as typed findings.

Every problem of a file shows in one run, in line order: each schema problem, duplicate id and
template problem, and the tone of every question whose text could be read, even in a bank that
does not load.

The command line only prints what this returns, so any other surface (the app, a team's CI)
reads the same findings with the same lines.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from debrief.core.banks import (
    Bank,
    BankCheck,
    bank_files,
    check_bank_file,
    fill,
    render_bank,
    sample_debrief,
    template_lines,
)
from debrief.core.text import one_line, plural

if TYPE_CHECKING:
    from debrief.core.reasons import Taxonomy

SAMPLE_REP = "Sam Rivera"
"""The rep's name in a preview or a lint render when the settings do not say it."""

SCHEMA_RULE = "schema"
"""The rule of a finding that makes the bank invalid (it does not load)."""

NOTE = "note"
"""The category of a finding worth a look that is no fault: it changes no exit code."""

SLIP_RULE = "reason-slip"
"""A tag no one declared that is one slip from a known reason (``prcie`` for ``price``)."""

ALIAS_RULE = "reason-alias"
"""A tag that is another name of a known reason (``pricing`` for ``price``): stats would split."""


@dataclass(frozen=True)
class LintFinding:
    """One thing lint found, at one line of one bank file."""

    file: str
    line: int
    field: str
    rule: str
    category: str
    message: str
    bank: str | None = None
    question: str | None = None
    matched: str = ""
    suggestion: str = ""

    @property
    def invalid(self) -> bool:
        """A schema problem: the bank does not load at all (worse than a tone finding)."""
        return self.rule == SCHEMA_RULE

    @property
    def note(self) -> bool:
        """Worth a look, not a fault (a likely typo in a tag): it leaves the exit code alone."""
        return self.category == NOTE

    def to_json(self) -> dict[str, Any]:
        """The stable JSON shape of ``banks lint --format json``."""
        return {"file": self.file, "bank": self.bank, "question": self.question, "field": self.field,
                "rule": self.rule, "category": self.category, "matched": self.matched,
                "message": self.message, "suggestion": self.suggestion, "line": self.line}

    def text(self) -> str:
        """One line: ``FILE:LINE: field: category (rule) "matched": message Try: suggestion``."""
        head = f"{self.file}:{self.line}: {self.field}: "
        if self.invalid:
            return one_line(head + self.message)
        matched = f' "{self.matched}"' if self.matched else ""
        suggestion = f" Try: {self.suggestion}" if self.suggestion else ""
        return one_line(f"{head}{self.category} ({self.rule}){matched}: {self.message}{suggestion}")


@dataclass(frozen=True)
class LintReport:
    """Everything one lint run found, and how much it looked at."""

    files: int
    findings: list[LintFinding] = field(default_factory=list)
    questions: dict[str, int] = field(default_factory=dict)
    """Questions checked per bank file that loaded."""
    rules_problems: list[str] = field(default_factory=list)
    """Why the user's tone rules were not used (the shipped ones were), if they were not."""
    reasons_problems: list[str] = field(default_factory=list)
    """Entries of the team's or the rep's reasons file that were skipped, one line each."""

    @property
    def invalid(self) -> bool:
        return any(finding.invalid for finding in self.findings)

    @property
    def faults(self) -> list[LintFinding]:
        """The findings that are not notes."""
        return [finding for finding in self.findings if not finding.note]

    @property
    def exit_code(self) -> int:
        """2 when a bank is invalid, 1 when the tone check found something, else 0 (notes too)."""
        return 2 if self.invalid else 1 if self.faults else 0

    def summary(self) -> str:
        """``3 bank files, 41 questions checked: no findings`` (``, 1 note`` when there are notes)."""
        count = len(self.faults)
        notes = len(self.findings) - count
        return (f"{plural(self.files, 'bank file')}, {plural(sum(self.questions.values()), 'question')} "
                f"checked: {plural(count, 'finding') if count else 'no findings'}"
                + (f", {plural(notes, 'note')}" if notes else ""))


def lint_targets(paths: list[Path]) -> list[Path]:
    """The bank files named by ``paths`` (files, or folders of them); ValueError for an empty folder."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = bank_files(path)
            if not inside:
                raise ValueError(f"{path}: no bank files (*.yaml, *.yml) in this folder")
            files += inside
        else:
            files.append(path)
    return files


def lint_banks(files: list[Path], *, team: Path | None = None) -> LintReport:
    """Lint ``files``: every schema finding of each, tone findings for every readable question, and
    a note for each tag that looks like a slip of a known reason.

    ``team`` is the team's repository folder (default: the one beside the database in use): its
    reasons and banks count as known.
    """
    from debrief.core.banks import load_banks
    from debrief.core.reasons import taxonomy

    findings: list[LintFinding] = []
    questions: dict[str, int] = {}
    known = taxonomy(team)
    loaded: list[Bank] | None = None
    for path in files:
        check = check_bank_file(path)
        if check.bank is not None:
            questions[check.bank.path] = check.bank.question_count
            found = tone_findings(check.bank)
            if loaded is None:
                loaded = list(load_banks(team=team))
            others = [bank for bank in loaded if bank.path != check.bank.path and bank.id != check.bank.id]
            found += reason_notes(check.bank, known, tag_counts(others))
        else:
            found = [LintFinding(file=error.path, line=error.line, field=error.field, rule=SCHEMA_RULE,
                                 category="invalid", message=error.reason) for error in check.problems]
            found += _raw_tone_findings(check, str(path))
        findings += sorted(found, key=lambda finding: finding.line)
    problems: list[str] = []
    if questions or any(not finding.invalid for finding in findings):
        from debrief.core.tone import default_checker

        problems = list(default_checker().problems)
    return LintReport(files=len(files), findings=findings, questions=questions, rules_problems=problems,
                      reasons_problems=list(known.problems))


def tag_counts(banks: Iterable[Bank]) -> Counter[str]:
    """How many questions of ``banks`` carry each tag."""
    return Counter(tag for bank in banks for _, question in bank.questions() for tag in question.tags)


def reason_notes(bank: Bank, known: Taxonomy, elsewhere: Mapping[str, int] | None = None) -> list[LintFinding]:
    """A note for each tag of ``bank`` that no one declared but that reads as a known reason: one
    or two slips from its id or label, or another of its names. A new, distinct tag is no note:
    a bank may introduce reasons of its own.

    ``elsewhere`` counts the tags of the other banks. A tag another bank uses too is shared on
    purpose; an undeclared tag used more often (there or in this bank) than the one checked counts
    as known, so the rarer of two near spellings is the one noted.
    """
    from debrief.core import yaml_io

    elsewhere = elsewhere or {}
    own = tag_counts([bank])
    root = yaml_io.node_tree(Path(bank.path)) if bank.path else None
    findings: list[LintFinding] = []
    for p, phase in enumerate(bank.phases):
        for q, question in enumerate(phase.questions):
            for n, tag in enumerate(question.tags):
                if known.known(tag) or tag in elsewhere:
                    continue
                meant = known.resolve(tag)
                rule = ALIAS_RULE
                if meant is None:
                    commoner = [other for other in (*elsewhere, *own)
                                if elsewhere.get(other, 0) + own[other] > own[tag]]
                    meant, rule = known.with_tags(commoner).suggest(tag), SLIP_RULE
                if meant is None:
                    continue
                label = known.label(meant)
                if rule == ALIAS_RULE:
                    message = f"another name of the loss reason {meant} ({label}): the stats would count it apart"
                else:
                    message = (f"no one declared this loss reason, and it is a slip from {meant} ({label}): "
                               "a typo counts apart in the stats")
                suggestion = (f"tag it {meant}" if rule == ALIAS_RULE else
                              f"tag it {meant}, or declare {tag} in reasons.yaml if it is a reason of its own")
                findings.append(LintFinding(
                    file=bank.path, line=yaml_io.loc_line(root, ("phases", p, "questions", q, "tags", n)),
                    field=f"questions.{question.id}.tags[{n}]", rule=rule, category=NOTE, message=message,
                    bank=bank.id, question=question.id, matched=tag, suggestion=suggestion))
    return findings


def _raw_tone_findings(check: BankCheck, file: str) -> list[LintFinding]:
    """The tone of the questions of a bank that does not load, rendered for a full and a sparse deal."""
    if not check.questions:
        return []
    from debrief.core.tone import default_checker

    checker = default_checker()
    seen: set[tuple[str, str]] = set()
    findings: list[LintFinding] = []
    for deal, rep in ((sample_debrief(), SAMPLE_REP), (sample_debrief(sparse=True), "")):
        context = deal.template_context(rep)
        for name, question, line, template in check.questions:
            try:
                text = fill(template, context, name)
            except ValueError:
                continue
            for finding in checker.check(text) if text else []:
                if (name, finding.rule) in seen:
                    continue
                seen.add((name, finding.rule))
                findings.append(LintFinding(
                    file=file, line=line, field=name, rule=finding.rule, category=str(finding.category),
                    message=finding.message, question=question, matched=finding.matched,
                    suggestion=finding.suggestion or ""))
    return findings


def tone_findings(bank: Bank) -> list[LintFinding]:
    """Tone findings for every question text and probe, rendered for a full and a sparse deal.

    Openings and closings are not tone-checked: they rightly say "we won't try to change your
    mind", which a question must never hint at.
    """
    from debrief.core.tone import Finding, default_checker

    checker = default_checker()
    lines = template_lines(bank)
    seen: set[tuple[str, str]] = set()
    findings: list[LintFinding] = []
    checked: dict[str, list[Finding]] = {}  # most texts render the same for both deals
    for deal, rep in ((sample_debrief(), SAMPLE_REP), (sample_debrief(sparse=True), "")):
        rendered = render_bank(bank, deal.template_context(rep))
        for _, question in rendered.questions():
            texts = [(f"questions.{question.id}.text", question.text)]
            texts += [(f"questions.{question.id}.probes[{n}]", probe) for n, probe in enumerate(question.probes)]
            for name, text in texts:
                if text not in checked:
                    checked[text] = checker.check(text)
                for finding in checked[text]:
                    if (name, finding.rule) in seen:
                        continue
                    seen.add((name, finding.rule))
                    findings.append(LintFinding(
                        file=bank.path, line=lines.get(name, 1), field=name, rule=finding.rule,
                        category=str(finding.category), message=finding.message, bank=bank.id,
                        question=question.id, matched=finding.matched, suggestion=finding.suggestion or "",
                    ))
    return findings
