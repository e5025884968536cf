"""``debrief team ...``: share lessons with a team through a git remote it already has.

Exit codes: 0 done (a sync that found the remote unreachable is done too: its shares wait in the
clone, one line says so, and the next sync delivers them); 1 an id that is not there; 2 bad input
or a git failure, one line.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from debrief.cli.common import BadInput, Missing, db_option, echo, format_option, open_store, print_json
from debrief.core.text import one_line, plural

if TYPE_CHECKING:
    from debrief.core.model import Debrief
    from debrief.core.store import Store
    from debrief.core.team.repo import Team
    from debrief.core.team.share_format import Shared


@contextmanager
def _team_errors() -> Iterator[None]:
    """Team and git failures as one line and exit 2."""
    from debrief.core.team.git import GitError
    from debrief.core.team.repo import TeamError
    from debrief.core.team.share_format import ShareError

    try:
        yield
    except (TeamError, GitError, ShareError) as error:
        raise BadInput(str(error)) from None


def _team(db: Path | None) -> tuple[Store, Team]:
    from debrief.core.team.repo import Team

    store = open_store(db)
    return store, Team(store.root)


def _skipped(path: str, reason: str) -> None:
    """One line per teammate file that is not read: the others are still shown."""
    click.echo(f"debrief: skipped team file {one_line(path, 200)}: {one_line(reason, 300)}", err=True)


def _ids(values: tuple[str, ...]) -> list[str]:
    from debrief.core.ids import is_valid_id

    ids = [value.strip().lower() for value in values]
    bad = next((value for value in ids if not is_valid_id(value)), None)
    if bad is not None:
        raise BadInput(f"{one_line(bad, 60)!r} is not a debrief id (as 'debrief list' shows)")
    return ids


@click.group("team")
def team_group() -> None:
    """Share lessons with your team through a git remote (a URL or a shared bare repository)."""


@team_group.command("join")
@click.argument("remote")
@click.option("--as", "rep", required=True, help="Your name, as your teammates know you.")
@db_option
def join_command(remote: str, rep: str, db: Path | None) -> None:
    """Clone the team's repository beside the database and record who you are."""
    with _team_errors():
        _, team = _team(db)
        state, adopted = team.join(remote, rep)
    echo(f"joined {one_line(state.remote, 200)} as {state.rep} (your shares go in reps/{state.folder}/)")
    echo(f"team clone: {team.clone}")
    if adopted:
        echo(f"reps/{state.folder}/ holds {plural(adopted, 'share')} already: they are yours and stay shared")


@team_group.command("share")
@click.argument("debrief_ids", nargs=-1, required=True, metavar="ID...")
@click.option("--with-contact", is_flag=True,
              help="Keep the contact's name, email and role (by default they are removed from every field).")
@db_option
def share_command(debrief_ids: tuple[str, ...], with_contact: bool, db: Path | None) -> None:
    """Share debriefs with the team; the next 'team sync' pushes them."""
    ids = _ids(debrief_ids)
    with _team_errors():
        store, team = _team(db)
        team.share(store, ids, with_contact)
    how = "with the contact's details" if with_contact else "without the contact's name, email and role"
    echo(f"shared {plural(len(set(ids)), 'debrief')} {how}; 'debrief team sync' delivers them")


@team_group.command("unshare")
@click.argument("debrief_ids", nargs=-1, required=True, metavar="ID...")
@db_option
def unshare_command(debrief_ids: tuple[str, ...], db: Path | None) -> None:
    """Stop sharing debriefs; the next 'team sync' removes them from the team repository."""
    ids = _ids(debrief_ids)
    with _team_errors():
        _, team = _team(db)
        done = team.unshare(ids)
    missing = [debrief_id for debrief_id in ids if debrief_id not in done]
    if done:
        echo(f"unshared {plural(len(done), 'debrief')}; 'debrief team sync' removes them from the team")
    if missing:
        raise Missing(f"not shared: {', '.join(missing)}")


@team_group.command("sync")
@db_option
def sync_command(db: Path | None) -> None:
    """Push your shares and pull your teammates' (exit 0 offline too: the shares wait, nothing is lost)."""
    with _team_errors():
        store, team = _team(db)
        report = team.sync(store)
    for note in report.notes:
        echo(f"note: {note}")
    if report.offline:
        echo(f"offline: {report.offline}")
        echo(f"{plural(report.waiting, 'change')} to share wait in the team clone; the next 'debrief team sync' "
             "delivers them")
        return
    if not report.delivered:
        echo(f"the remote kept changing ({plural(report.tries, 'try', 'tries')}); "
             f"{plural(report.waiting, 'change')} wait; sync again")
        return
    echo(f"synced: {plural(report.sent, 'change')} of yours delivered, "
         f"{plural(report.received, 'teammate file')} received")


@team_group.command("status")
@click.option("--offline", is_flag=True, help="Do not ask the remote (behind is then as of the last sync).")
@format_option("text", "json")
@db_option
def status_command(offline: bool, output_format: str, db: Path | None) -> None:
    """What is shared, what waits to be pushed, how far behind the team you are, the last sync."""
    with _team_errors():
        store, team = _team(db)
        status = team.status(store, fetch=not offline)
    if output_format == "json":
        print_json({"rep": status.rep, "folder": status.folder, "remote": status.remote, "shared": status.shared,
                    "pending": status.pending, "behind": status.behind, "last_sync": status.last_sync,
                    "last_result": status.last_result, "teammate_debriefs": status.teammates})
        return
    behind = "unknown (remote unreachable)" if status.behind is None else str(status.behind)
    echo(f"rep:       {status.rep} (reps/{status.folder}/)")
    echo(f"remote:    {one_line(status.remote, 300)}")
    echo(f"shared:    {status.shared}")
    echo(f"pending:   {status.pending}")
    echo(f"behind:    {behind}")
    echo(f"last sync: {status.last_sync or 'never'}{f' ({status.last_result})' if status.last_result else ''}")
    echo(f"teammates' debriefs: {status.teammates}")


def _shares(team: Team) -> tuple[str, str, list[Shared]]:
    from debrief.core.team.pool import teammates

    state = team.load()
    return state.rep, state.folder, teammates(team.clone, state.folder, _skipped)


@team_group.command("list")
@format_option("table", "json")
@db_option
def list_command(output_format: str, db: Path | None) -> None:
    """Your teammates' shared debriefs (read-only): rep, id, company, lost on, reasons."""
    with _team_errors():
        _, team = _team(db)
        _, _, shares = _shares(team)
    rows = [{"ref": share.ref, "rep": share.rep, "folder": share.folder, "id": share.debrief.id,
             "company": share.debrief.company, "lost_on": share.debrief.lost_on.isoformat(),
             "lost_to": share.debrief.lost_to, "status": share.debrief.status.value,
             "reasons": share.debrief.buyer_reasons(), "with_contact": share.with_contact,
             "shared_at": share.shared_at} for share in shares]
    if output_format == "json":
        print_json(rows)
        return
    if not rows:
        echo("No teammate has shared a debrief yet (run 'debrief team sync' to fetch theirs).")
        return
    for share in shares:
        reasons = ", ".join(share.debrief.buyer_reasons()) or "no reasons heard"
        echo(f"{share.ref:<24} {one_line(share.debrief.company, 30):<30} {share.debrief.lost_on.isoformat()}  "
             f"{one_line(reasons, 80)}")


# -- pooled review: used by stats --team, search --team and compare rep/id ------------------------


def team_place(db: Path | None) -> tuple[Path, Path, str, str]:
    """The database folder, the team clone, the rep's name and folder (a clear error without a team)."""
    with _team_errors():
        store, team = _team(db)
        state = team.load()
    return store.root, team.clone, state.rep, state.folder


def pool_line(team: dict[str, object]) -> str:
    """``Team pool: you (Ana) 12, bob 30, carla 8`` above pooled patterns."""
    rows = team.get("reps")
    parts = [f"{'you (' + str(row['rep']) + ')' if row['own'] else row['folder']} {row['debriefs']}"
             for row in rows if isinstance(row, dict)] if isinstance(rows, list) else []
    return one_line(f"Team pool: {', '.join(parts)}", 400)


def teammate_debrief(db: Path | None, ref: str) -> Debrief:
    """A teammate's debrief named ``rep/id`` (read-only), for compare."""
    from debrief.core.team.pool import find_shared
    from debrief.core.team.repo import Team
    from debrief.locations import resolve_db

    with _team_errors():
        return find_shared(Team(resolve_db(db)).clone, ref).debrief


COMMANDS = [team_group]
