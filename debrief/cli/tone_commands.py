"""``debrief tone``: check questions before you ask them (or takeaways, with ``--own-it``).

Each argument is one question; with none, one question per line of standard input (blank lines
skipped), so a script can pipe a whole list through. Exit 0 when every text is fine, 1 when
anything was flagged, 2 on bad input or a rules file that cannot be used.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from debrief.cli.common import BadInput, db_option, echo, format_option, print_json
from debrief.core.text import MAX_TEXT, check_text, one_line
from debrief.core.tone import OWNIT_RULES_FILE, RULES_FILE, Finding, RulesError, ToneChecker

MAX_STDIN = 10_000_000
"""Most bytes read from standard input: thousands of questions; more is a mistake (or a file)."""


def _read_stdin() -> list[str]:
    """Questions from standard input, one per line; binary or non-UTF-8 input is refused."""
    stream = sys.stdin
    if stream is None:
        return []
    if stream.isatty():
        click.echo("Type questions, one per line; end with Ctrl-D.", err=True)
    raw = stream.buffer.read(MAX_STDIN + 1)
    if len(raw) > MAX_STDIN:
        raise BadInput(f"stdin: too large (over {MAX_STDIN:,} bytes); expected one question per line")
    if b"\x00" in raw:
        raise BadInput("stdin: binary data (NUL bytes); expected one question per line")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise BadInput(f"stdin: line {line} is not UTF-8 text") from None
    return _clean(text.splitlines(), "stdin: line")


def _clean(texts: list[str] | tuple[str, ...], where: str) -> list[str]:
    """Texts without control characters or surrounding blanks; blank ones dropped."""
    cleaned: list[str] = []
    for number, text in enumerate(texts, start=1):
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:  # undecodable bytes in argv arrive as lone surrogates
            raise BadInput(f"{where} {number} is not UTF-8 text") from None
        try:
            text = check_text(text, f"{where} {number}", MAX_TEXT)
        except ValueError as error:
            raise BadInput(str(error)) from None
        if text.strip():
            cleaned.append(text.strip())
    return cleaned


def _checker(own_it: bool, rules: Path | None) -> ToneChecker:
    """The shipped rules, the team's, then the user's (or ``--rules``); a bad file of one's own is
    bad input (exit 2), a bad team file is left out with a warning (it is a teammate's to fix)."""
    from debrief.locations import active_team_dir

    base = OWNIT_RULES_FILE if own_it else RULES_FILE
    team: Path | None = active_team_dir() / base.name
    if team is not None and (team.is_symlink() or not team.is_file()):
        team = None
    try:
        return ToneChecker.load(base, rules.expanduser() if rules is not None else None, team_file=team)
    except RulesError as error:
        if team is None or error.path != str(team):
            raise BadInput(str(error)) from None
        click.echo(f"debrief: warning: {one_line(str(error))} (the team's rules are left out)", err=True)
    try:
        return ToneChecker.load(base, rules.expanduser() if rules is not None else None)
    except RulesError as error:
        raise BadInput(str(error)) from None


def _text_block(text: str, findings: list[Finding]) -> str:
    lines = [one_line(text)]
    if not findings:
        lines.append("  ok")
    for finding in findings:
        lines.append(f"  - {finding.category} ({finding.rule}): \"{one_line(finding.matched)}\"")
        lines.append(f"    why: {one_line(finding.message)}")
        lines.append(f"    try: {one_line(finding.suggestion)}")
    return "\n".join(lines)


def _source(rule_source: str) -> str:
    """``shipped tone_rules.yaml:49`` for the package's own rules, the user's path otherwise."""
    shipped = str(RULES_FILE.parent)
    if rule_source.startswith(shipped):
        return "shipped " + rule_source[len(shipped):].lstrip("/\\")
    return rule_source


def _list_rules(checker: ToneChecker, output_format: str) -> None:
    rows = [{"id": rule.id, "category": rule.category, "source": _source(rule.source),
             "message": rule.message, "suggestion": rule.suggestion} for rule in checker.rules]
    if output_format == "json":
        print_json(rows)
        return
    width = max((len(rule.id) for rule in checker.rules), default=2)
    echo(f"{'ID'.ljust(width)}  {'CATEGORY'.ljust(18)}  SOURCE")
    for row in rows:
        echo(f"{row['id'].ljust(width)}  {row['category'].ljust(18)}  {one_line(row['source'])}")


@click.command("tone")
@click.argument("texts", nargs=-1, metavar="[TEXT]...")
@format_option("text", "json")
@click.option("--own-it", "own_it", is_flag=True,
              help="Check takeaways for excuses (blaming the buyer, the market, luck...) instead of questions.")
@click.option("--rules", "rules", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="A rules file that adds to or overrides the shipped rules, in place of the one "
                   "in your user data folder.")
@click.option("--list-rules", "list_rules", is_flag=True, help="List the active rules and where each comes from.")
@db_option
def tone_command(texts: tuple[str, ...], output_format: str, own_it: bool,
                 rules: Path | None, list_rules: bool, db: Path | None) -> None:
    """Tone-check questions: each TEXT is one question; with none, one question per stdin line.

    Flags defensive, leading, loaded, pitching, blaming, re-selling, arguing, pressuring,
    hypothetical, competitor-bashing and closed yes/no wording, each with why it hurts and a better
    phrasing. With --own-it, every excuse in a takeaway is its own finding. Exit 0 when all are
    fine, 1 when anything was flagged.
    """
    del db  # every command takes --db; the tone check needs no database
    checker = _checker(own_it, rules)
    if list_rules:
        _list_rules(checker, output_format)
        return
    questions = _clean(texts, "TEXT") if texts else _read_stdin()
    results = [(question, checker.check(question)) for question in questions]
    if output_format == "json":
        print_json([{"text": question, "findings": [finding.to_json() for finding in findings]}
                    for question, findings in results])
    elif results:
        echo("\n\n".join(_text_block(question, findings) for question, findings in results))
    else:
        click.echo("No questions given.", err=True)
    for problem in checker.problems:  # a rule switched off for being too slow: said once
        click.echo(f"debrief: warning: {one_line(problem)}", err=True)
    if any(findings for _, findings in results):
        sys.exit(1)


COMMANDS = [tone_command]
