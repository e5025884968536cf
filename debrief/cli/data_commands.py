"""Commands on the data itself: new, list, show, export, import, demo, locate."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click
from pydantic import ValidationError

from debrief.cli import params
from debrief.cli.common import BadInput, Missing, db_option, echo, format_option, json_bytes, open_store, print_json
from debrief.core.dates import Tense
from debrief.core.errors import first_problem
from debrief.core.facts import call_time, status_label
from debrief.core.inputs import MAX_REASONS, STAGES
from debrief.core.model import RED_FLAGS, Contact, Debrief
from debrief.core.text import fit, one_line, plural


def _validation_message(error: ValidationError) -> str:
    """Pydantic's first complaint, in the product's words."""
    path, message = first_problem(error)
    last = path.rsplit(".", 1)[-1].split("[", 1)[0]
    field = {"name": "--contact", "impressions": "--impression", "": "input"}.get(last, "--" + last.replace("_", "-"))
    return one_line(f"{field}: {message}", 300)


def _tags(values: tuple[str, ...], known: dict[str, str], field: str) -> list[str]:
    tags: list[str] = []
    for value in values:
        for tag in (part.strip().lower() for part in value.split(",")):
            if not tag:
                continue
            if tag not in known:
                raise BadInput(f"{field}: unknown {tag!r} (known: {', '.join(known)})")
            if tag not in tags:
                tags.append(tag)
    return tags


@click.command("new")
@click.option("--company", required=True, type=params.company(), help="The buyer's company.")
@click.option("--contact", required=True, type=params.contact(), help="The buyer you worked with (full name).")
@click.option("--role", default="", type=params.line("role"), help="Their role.")
@click.option("--email", default="", type=params.email(), help="Their email, for the invitation.")
@click.option("--value", type=params.money(), default=None, metavar="AMOUNT",
              help="Deal value, as you would write it: 48000, 48,000, $48k, 1.2m.")
@click.option("--lost-on", "lost_on", default="today", type=params.DateType(Tense.PAST), metavar="DATE",
              help="When you heard: today, yesterday, monday (the last one), 3 days ago, 2026-11-02.")
@click.option("--lost-to", "lost_to", default="", type=params.line("lost to"),
              help="Who won (a competitor, or 'no decision').")
@click.option("--stage", default="", type=params.stage(),
              help=f"Stage the deal was lost at ({', '.join(STAGES)}, or your own).")
@click.option("--impression", default="", help="Your first impressions, while they are fresh.")
@click.option("--red-flag", "red_flags", multiple=True, help=f"Red flag in hindsight ({', '.join(RED_FLAGS)}).")
@click.option("--guess", "guesses", multiple=True, callback=params.reasons,
              help=f"Your guess at a loss reason, up to {MAX_REASONS} (repeatable, or comma-separated).")
@db_option
def new_command(company: str, contact: str, role: str, email: str, value: float | None, lost_on: date,
                lost_to: str, stage: str, impression: str, red_flags: tuple[str, ...],
                guesses: list[str], db: Path | None) -> None:
    """Log a loss; prints the new id. Every option reads as the app's form reads it."""
    try:
        debrief = Debrief(
            company=company, contact=Contact(name=contact, role=role, email=email),
            value=value, lost_on=lost_on, lost_to=lost_to, stage=stage,
            impressions=impression, red_flags=_tags(red_flags, RED_FLAGS, "--red-flag"),
            guessed_reasons=guesses,
        )
    except ValidationError as error:
        raise BadInput(_validation_message(error)) from None
    stored = open_store(db).add(debrief)
    echo(stored.id)


@click.command("list")
@format_option("table", "json")
@db_option
def list_command(output_format: str, db: Path | None) -> None:
    """All debriefs, newest loss first."""
    rows = open_store(db).summaries()
    if output_format == "json":
        print_json(rows)
        return
    if not rows:
        echo("No debriefs yet. Log a loss with 'debrief new --company C --contact NAME', or try 'debrief demo'.")
        return
    columns = [("ID", "id", 6), ("COMPANY", "company", 24), ("CONTACT", "contact", 20),
               ("LOST ON", "lost_on", 10), ("LOST TO", "lost_to", 16), ("STATUS", "status", 9),
               ("CALL", "call_at", 16)]
    echo("  ".join(title.ljust(width) for title, _, width in columns).rstrip())
    for row in rows:
        values = {key: str(row.get(key) or "") for _, key, _ in columns}
        values["status"] = status_label(values["status"])
        values["call_at"] = call_time(row)
        # Cut and padded by display width, so a name with an emoji does not push the columns along.
        echo("  ".join(fit(values[key], width) for _, key, width in columns).rstrip())


@click.command("show")
@click.argument("debrief_id")
@format_option("md", "json")
@db_option
def show_command(debrief_id: str, output_format: str, db: Path | None) -> None:
    """One debrief, everything in it."""
    debrief = open_store(db).get(debrief_id.strip().lower())
    if output_format == "json":
        from debrief.core.facts import derived_json

        # The stored shape, plus the facts worked out from it (the same ones every screen shows).
        print_json({**debrief.to_json(), "derived": derived_json(debrief, date.today())})
    else:
        from debrief.core.document import debrief_markdown

        echo(debrief_markdown(debrief).rstrip())


@click.command("export")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file (0600) instead of stdout.")
@format_option("json", "csv")
@db_option
def export_command(out: Path | None, output_format: str, db: Path | None) -> None:
    """All data as JSON, or with --format csv the lessons, one row a debrief, for a CRM or a note.

    The CSV holds the CRM id, company, lost on, the buyer's reasons, your guessed reasons (each
    with how it held up), what you will do next time and the check-in date. A cell a spreadsheet
    would run as a formula (starting with = + - @) is written with a leading apostrophe.

    A damaged debrief file is left out with one line on stderr naming it; the rest is exported
    (and importable) all the same, and the exit code is 1 so that a backup script notices.
    """
    from debrief.core.exchange import export_document
    from debrief.core.store import atomic_write

    if out is not None:
        out = out.expanduser()
        if not out.parent.is_dir():
            raise BadInput(f"--out: folder {out.parent} does not exist")
    skipped: list[str] = []

    def skip(debrief_id: str, reason: str) -> None:
        skipped.append(debrief_id)
        click.echo(f"debrief: skipped {debrief_id}: {one_line(reason, 300)}", err=True)

    if output_format == "csv":
        from debrief.core.crm import lessons_csv
        from debrief.core.exchange import readable

        store = open_store(db)
        data = lessons_csv(readable(store, skip))
    else:
        data = json_bytes(export_document(open_store(db), skipped=skip))
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        atomic_write(out, data, out.parent)
        click.echo(f"exported to {out}", err=True)
    if skipped:
        raise click.exceptions.Exit(1)  # each one was named on stderr already


@click.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--from", "source", type=click.Choice(["json", "hubspot", "salesforce", "pipedrive"],
              case_sensitive=False), default=None,
              help="What the file is: a debrief export (json, the default) or a CRM's CSV export of deals.")
@click.option("--map", "map_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="A column map for another CRM's CSV (YAML 'company: Account', or CSV field,header).")
@click.option("--skip-bad", is_flag=True, default=False,
              help="Import the readable rows of a CRM file and list the lines skipped.")
@click.option("--dates", type=click.Choice(["auto", "mdy", "dmy"]), default="auto", show_default=True,
              help="How a CRM file's slashed dates read when every one fits both ways (auto: month first).")
@click.option("--dry-run", is_flag=True, default=False, help="Say what a CRM file would bring in; write nothing.")
@db_option
def import_command(file: Path, source: str | None, map_file: Path | None, skip_bad: bool, dates: str,
                   dry_run: bool, db: Path | None) -> None:
    """Merge an export into the database, or bring in closed-lost deals from a CRM's CSV export.

    A debrief export merges by id, without duplicates, never erasing stored text; the whole file is
    checked before anything is written (a bad entry refuses it all, exit 2). Where a text changed
    on both sides, both are kept: the stored text, then "[imported]" and the file's.

    With --from hubspot|salesforce|pipedrive (or --map), each closed-lost row becomes a logged
    debrief, the CRM's lost reason your first impression; open and won rows are counted and
    skipped; importing the file again adds nothing and fills only empty fields. A bad row refuses
    the file with its line number (exit 2, nothing written) unless --skip-bad is given.
    """
    source = source.lower() if source else None
    if map_file is not None and source == "json":
        raise BadInput("--map names the columns of a CRM's CSV export: leave out --from json")
    if map_file is not None or (source is not None and source != "json"):
        _import_crm(file.expanduser(), source or "csv", map_file, skip_bad, dates, dry_run, db)
        return
    from debrief.core.exchange import JOINED, merge, read_export

    try:
        incoming = read_export(file.expanduser())
    except ValueError as error:
        raise BadInput(_crm_hint(file.expanduser(), str(error))) from None
    report = merge(open_store(db), incoming)
    echo(f"imported: {report.added} added, {report.updated} updated, {report.unchanged} unchanged")
    _list_fields(f"both texts kept (stored first, then {JOINED} and the file's)", report.both_kept)
    _list_fields("changed on both sides, too long together: the stored text kept", report.kept_stored)


def _crm_hint(file: Path, message: str) -> str:
    """A JSON import refused: when the file is a CRM's CSV export, say which --from reads it.

    Only the head of a regular file is looked at (a pipe or a device was read once already).
    """
    import re

    from debrief.core.crm import CRM_NAMES, CrmError, decode, detect, read_table

    try:
        if not file.is_file():
            return message
        with open(file, "rb") as handle:
            head = handle.read(64 * 1024)
        first = re.split(r"\r\n|\r|\n", decode(head), maxsplit=1)[0]
        crm = detect(read_table(first).header)
    except (OSError, ValueError, CrmError):
        return message
    if crm is None:
        return message
    return f"{file} is a {CRM_NAMES[crm]} CSV export: import it with --from {crm}"


def _import_crm(file: Path, source: str, map_file: Path | None, skip_bad: bool, dates: str, dry_run: bool,
                db: Path | None) -> None:
    from debrief.core.crm import CrmError, apply, load_map, plan, summary_line

    try:
        mapping = load_map(map_file.expanduser()) if map_file is not None else None
        result = plan(file, source, mapping, today=date.today(), dates=dates)  # type: ignore[arg-type]
    except ValueError as error:
        raise BadInput(one_line(str(error), 300)) from None
    if result.bad and not skip_bad and not dry_run:
        first = result.bad[0]
        more = ""
        if len(result.bad) > 1:
            lines = ", ".join(str(row.line) for row in result.bad[1:6])
            more = f" (and {len(result.bad) - 1} more: line{'s' if len(result.bad) > 2 else ''} {lines}" \
                   f"{', ...' if len(result.bad) > 6 else ''})"
        raise BadInput(one_line(f"{file}: {first}{more}; nothing imported (--skip-bad imports the other rows)",
                                600))
    if dry_run:
        echo(f"dry run, nothing written: {summary_line(result)}")
    else:
        store = open_store(db)
        try:
            report = apply(store, result)
        except CrmError as error:
            raise BadInput(str(error)) from None
        echo(summary_line(result, report))
    for row in result.bad:
        echo(f"skipped {row}")
    if not result.order_shown and result.slashed:
        click.echo("note: every slashed date could be read either way; read month first (MM/DD/YYYY). "
                   "--dates dmy reads them day first.", err=True)


def _list_fields(title: str, paths: list[str], most: int = 20) -> None:
    if not paths:
        return
    echo(f"{title}:")
    for path in paths[:most]:
        echo(f"  {path}")
    if len(paths) > most:
        echo(f"  ... and {len(paths) - most} more")


@click.command("demo")
@click.option("--count", type=click.IntRange(1, 100_000), default=12, show_default=True,
              help="How many demo debriefs.")
@click.option("--seed", type=int, default=None, help="Seed for repeatable data.")
@db_option
def demo_command(count: int, seed: int | None, db: Path | None) -> None:
    """Fill the database with realistic demo debriefs to explore or benchmark."""
    import random

    from debrief.core.demo import demo_debriefs

    store = open_store(db)
    added = store.put_many(demo_debriefs(count, seed=seed if seed is not None else random.randrange(1 << 30)),
                           durable=count < 50)
    echo(f"added {added} demo debriefs to {store.root}")


@click.command("locate")
@db_option
def locate_command(db: Path | None) -> None:
    """Print every place debrief reads or writes: database, drafts, exports, settings, banks, rules."""
    from debrief.locations import all_locations, resolve_db

    places = all_locations(resolve_db(db))
    width = max(len(place.name) for place in places) + 2
    for place in places:
        echo(f"{place.name + ':':<{width}}{place.path}")


@click.command("repair")
@db_option
def repair_command(db: Path | None) -> None:
    """Rebuild the index from the debrief files; damaged files are kept and reported, never overwritten.

    Exit 0 when every debrief was read, 1 when some debrief files are damaged (listed).
    """
    store = open_store(db)
    report = store.repair()
    echo(f"index rebuilt: {plural(report.indexed, 'debrief')}")
    echo(f"facts cache rebuilt: {plural(report.cached, 'debrief')}")
    for path in report.moved_aside:
        echo(f"damaged index file moved aside: {path}")
    for line in report.damaged:
        echo(f"damaged debrief, left as it was: {line}")
    _repair_team_cache(store.root)
    if report.damaged:
        raise Missing(f"{plural(len(report.damaged), 'debrief file')} could not be read; restore "
                      f"{'it' if len(report.damaged) == 1 else 'them'} from an export")


def _repair_team_cache(root: Path) -> None:
    """The teammates' facts cache afresh from the team clone's share files, when a team is joined."""
    from debrief.core.team.pool import rebuild_team_cache
    from debrief.core.team.repo import Team, TeamError

    team = Team(root)
    if not team.joined():
        return
    unreadable: list[str] = []
    try:
        with team.locked():
            state = team.load()
            count = rebuild_team_cache(root, team.clone, state.folder,
                                       lambda key, reason: unreadable.append(f"{key}: {one_line(reason)}"))
    except (TeamError, OSError) as error:
        echo(f"teammates' facts cache not rebuilt: {one_line(str(error))}")
        return
    echo(f"teammates' facts cache rebuilt: {plural(count, 'shared debrief')}")
    for line in unreadable:
        echo(f"a teammate's share could not be read, left as it was: {line}")


COMMANDS = [repair_command, new_command, list_command, show_command, export_command, import_command, demo_command,
            locate_command]
