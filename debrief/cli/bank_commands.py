"""``debrief banks``: list, show and lint the question banks (shipped and the user's own)."""

from __future__ import annotations

import shutil
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from debrief.cli.common import BadInput, Missing, db_option, echo, format_option, print_json
from debrief.core.text import fit, one_line, plural, strip_control

if TYPE_CHECKING:
    from debrief.core.banks import Bank, BankError

def _report(errors: list[BankError], prefix: str = "") -> None:
    """One line on stderr a broken bank: where it breaks and why, so the rep can fix that line."""
    for error in errors:
        click.echo(f"debrief: {prefix}{one_line(str(error))}", err=True)


def _source(bank: Bank) -> str:
    """Where a bank comes from: shipped, team or user, and whose bank of the same id it replaces."""
    return f"{bank.source} (overrides {bank.replaces or 'shipped'})" if bank.overrides else bank.source


def _minutes(value: float) -> str:
    return f"{value:g}"


def _width() -> int:
    return max(60, min(100, shutil.get_terminal_size((88, 24)).columns))


@click.group("banks", invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.pass_context
def banks_group(ctx: click.Context) -> None:
    """Question banks: the interview guides a call script is built from.

    Shipped banks come first, then your team's (in the team repository's banks/ folder, once you
    joined one), then your own, which live in the user data folder ('debrief locate' shows
    where): a later bank with an earlier one's id replaces it.
    """
    if ctx.invoked_subcommand is None:
        echo(ctx.get_help())


@banks_group.command("list")
@format_option("table", "json")
@db_option
def list_command(output_format: str, db: Path | None) -> None:
    """Every bank: id, title, questions, minutes and where it comes from (shipped, team, user).

    A bank file that does not load is left out, named on stderr with the reason; the exit is 1.
    """
    from debrief.core.banks import load_banks

    banks = load_banks()
    rows = [_row(bank) for bank in banks]
    if output_format == "json":
        print_json(rows)
    elif rows:
        columns = [("ID", "id", 22), ("TITLE", "title", 40), ("QUESTIONS", "questions", 9),
                   ("MINUTES", "minutes", 7), ("SOURCE", "source", 24)]
        echo("  ".join(title.ljust(width) for title, _, width in columns).rstrip())
        for row in rows:
            echo("  ".join(fit(_minutes(row[key]) if key == "minutes" else str(row[key]), width)
                           for _, key, width in columns).rstrip())
    else:
        echo("No question banks found. 'debrief locate' shows where they are looked for.")
    if banks.errors:
        # The list is complete but for the broken banks: a finding (exit 1, as lint), not bad input.
        _report(banks.errors, "not listed, it does not load: ")
        sys.exit(1)


def _row(bank: Bank) -> dict[str, Any]:
    return {
        "id": bank.id, "title": bank.title, "version": bank.version,
        "description": bank.description, "use_when": list(bank.use_when),
        "questions": bank.question_count, "minutes": bank.total_minutes,
        "source": _source(bank), "overrides": bank.overrides, "replaces": bank.replaces or None,
        "path": bank.path,
    }


@banks_group.command("show")
@click.argument("bank")
@click.option("--debrief", "debrief_id", default=None,
              help="Render for this debrief's deal instead of a sample deal.")
@format_option("text", "json")
@db_option
def show_command(bank: str, debrief_id: str | None, output_format: str, db: Path | None) -> None:
    """One bank, rendered as readable text: BANK is an id or a bank file's path.

    Opening, every phase and question (with intent, minutes, tags and probes) and closing, with
    the templates filled in for a sample deal (or --debrief ID).
    """
    from debrief.core.banks import render_bank, sample_debrief
    from debrief.core.lint import SAMPLE_REP
    from debrief.core.render import RenderError
    from debrief.core.settings import load_settings
    from debrief.locations import settings_file

    found = _find_bank(bank.strip())
    rep_name = load_settings(settings_file()).rep_name
    if debrief_id is not None:
        from debrief.cli.common import open_store

        deal = open_store(db).get(debrief_id.strip().lower())
        sample = False
    else:
        deal, sample = sample_debrief(), True
        rep_name = rep_name or SAMPLE_REP
    try:
        rendered = render_bank(found, deal.template_context(rep_name))
    except RenderError as error:
        raise BadInput(str(error)) from None
    if output_format == "json":
        print_json({**rendered.model_dump(mode="json"), "source": _source(found),
                    "questions": rendered.question_count, "minutes": rendered.total_minutes})
        return
    echo(bank_text(rendered, deal_line(deal.template_context(rep_name), sample), _width()))


def _find_bank(name: str) -> Bank:
    """The bank with id ``name``, or the bank file at path ``name`` (to preview one being written)."""
    from debrief.core.banks import BankError, load_bank_file, load_banks

    if name.lower().endswith((".yaml", ".yml")) or "/" in name:
        try:
            return load_bank_file(Path(name).expanduser(), "user")
        except BankError as error:
            raise BadInput(str(error)) from None
    banks = load_banks()
    if name in banks.banks:
        return banks.banks[name]
    known = ", ".join(sorted(banks.banks)) or "none"
    if banks.errors:
        # The bank asked for may be one that failed to load: say why, as bad input.
        _report(banks.errors)
        raise BadInput(f"no bank {name!r} (known: {known}); {plural(len(banks.errors), 'bank file')} "
                       "could not be loaded, see above")
    raise Missing(f"no bank {name!r} (known: {known})")


def deal_line(context: dict[str, Any], sample: bool) -> str:
    """One line saying which deal the templates were filled in for."""
    contact = context["contact"]
    who = contact["name"] + (f" ({contact['role']})" if contact["role"] else "")
    lost = f", lost to {context['lost_to']}" if context["lost_to"] else ""
    stage = f" at {context['stage']}" if context["stage"] else ""
    kind = "a sample deal" if sample else "this deal"
    return one_line(f"Rendered for {kind}: {who}, {context['company']}{lost}{stage}.")


def bank_text(bank: Bank, deal: str, width: int = 88) -> str:
    """A rendered bank as plain text a rep can read through before a call."""
    from debrief.core.facts import reason_label

    def para(text: str, indent: str) -> list[str]:
        return textwrap.wrap(one_line(text), width, initial_indent=indent, subsequent_indent=indent) or [indent]

    out = [one_line(f"{bank.title} · {bank.id} v{bank.version} · {_source(bank)}")]
    out += para(bank.description, "")
    out += [f"Suits: {', '.join(bank.use_when)} · {plural(bank.question_count, 'question')}, "
            f"{plural(bank.total_minutes, 'minute')} in all (a script picks what fits the call)"]
    out += [*para(deal, ""), ""]
    out += ["OPENING", *para(bank.opening, "  "), ""]
    number = 0
    for index, phase in enumerate(bank.phases, start=1):
        out += [f"PHASE {index}: {one_line(phase.title)}", ""]
        for question in phase.questions:
            number += 1
            tags = ", ".join(reason_label(tag) for tag in question.tags) or "no tags"
            text = question.text or "(left out for this deal: its template renders to nothing)"
            out += para(f"{number}. {text}", "  ")
            out += ["     " + one_line(f"{question.id} · {_minutes(question.minutes)} min · {tags}")]
            out += para(f"Intent: {question.intent}", "     ")
            out.append("     Probes:")
            for probe in filter(None, question.probes):
                out += textwrap.wrap(one_line(probe), width, initial_indent="     - ",
                                     subsequent_indent="       ") or ["     -"]
            out.append("")
    out += ["CLOSING", *para(bank.closing, "  ")]
    return strip_control("\n".join(out))


@banks_group.command("lint")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@format_option("text", "json")
@db_option
def lint_command(paths: tuple[Path, ...], output_format: str, db: Path | None) -> None:
    """Check banks: the schema, then the tone of every question and probe.

    Every problem of a file is listed in one run, in line order, even when the bank does not load.

    With no PATH, checks the shipped banks, your team's and yours. A PATH may be a bank file or a
    folder of them. A tag that looks like a slip of a known loss reason (prcie for price) gets a
    note. Exit 0 when clean (notes or not), 1 when the tone check found something, 2 when a bank
    is invalid.
    """
    from debrief.core.banks import bank_files
    from debrief.core.lint import lint_banks, lint_targets
    from debrief.locations import active_team_dir, shipped_banks_dir, user_banks_dir

    if paths:
        try:
            files = lint_targets([path.expanduser() for path in paths])
        except ValueError as error:
            raise BadInput(str(error)) from None
    else:
        team_banks = active_team_dir() / "banks"
        files = (bank_files(shipped_banks_dir())
                 + [path for path in bank_files(team_banks) if not path.is_symlink()]
                 + bank_files(user_banks_dir()))
    report = lint_banks(files)
    for problem in report.rules_problems:  # a broken user rules file: say so, go on
        click.echo(f"debrief: warning: {one_line(problem)} (checked with the shipped tone rules)", err=True)
    for problem in report.reasons_problems:  # a bad entry of a reasons file: the rest still counts
        click.echo(f"debrief: warning: {one_line(problem)} (skipped)", err=True)
    if output_format == "json":
        print_json([finding.to_json() for finding in report.findings])
    else:
        for finding in report.findings:
            echo(finding.text())
        click.echo(report.summary(), err=bool(report.faults))
    if report.exit_code:
        sys.exit(report.exit_code)


COMMANDS = [banks_group]
