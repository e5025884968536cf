"""Commands that review across debriefs: compare (side by side), stats (patterns), search."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from debrief.cli.common import BadInput, db_option, echo, format_option, open_store, print_json
from debrief.core.text import one_line, plural

if TYPE_CHECKING:
    from datetime import date

    from debrief.core.review.stats import Tally


@click.command("compare")
@click.argument("debrief_ids", nargs=-1, metavar="ID ID [ID ID]")
@format_option("md", "json")
@db_option
def compare_command(debrief_ids: tuple[str, ...], output_format: str, db: Path | None) -> None:
    """Two to four debriefs side by side, aligned question by question."""
    from debrief.core.review import check_compare_ids, compare, comparison_markdown
    from debrief.core.store import CorruptFile

    try:
        ids = check_compare_ids(debrief_ids)
    except ValueError as error:
        raise BadInput(str(error)) from None
    store = open_store(db)
    debriefs = []
    for debrief_id in ids:
        try:
            if "/" in debrief_id:  # a teammate's shared debrief, rep/id (read-only)
                from debrief.cli.team_commands import teammate_debrief

                debriefs.append(teammate_debrief(db, debrief_id))
            else:
                debriefs.append(store.get(debrief_id))
        except CorruptFile as error:  # a missing id stays "not found" (exit 1)
            raise BadInput(f"debrief {debrief_id} cannot be read: {error}") from None
    comparison = compare(debriefs)
    if output_format == "json":
        print_json(comparison.to_json())
    else:
        echo(comparison_markdown(comparison).rstrip())


BEHIND_HINT = 1_000
"""From this many debriefs read from their files, ``stats`` says how to bring the cache up to date."""


def _skipped(debrief_id: str, reason: str) -> None:
    """One line on stderr for each damaged debrief file: it is left out, the rest still count."""
    click.echo(f"debrief: skipped {debrief_id}: {one_line(reason, 300)}", err=True)


def _pool_team(db: Path | None, tally: Tally, today: date) -> dict[str, object]:
    """Count teammates' shared debriefs (``rep/id``) into one's own tally; the ``team`` part of the JSON.

    Both sides come from their facts caches as counted (one's own buyer reasons heard per debrief
    are the tally's); only teammates' files whose row is stale are read.
    """
    from collections import Counter

    from debrief.cli.team_commands import _skipped as skipped_file
    from debrief.cli.team_commands import team_place
    from debrief.core.facts import reason_label
    from debrief.core.team.pool import read_team

    root, clone, rep, folder = team_place(db)
    theirs = read_team(root, clone, folder, today, skipped_file)
    counts = theirs.counts(rep, folder, tally.total)
    # Each rep's own top buyer reasons beside the pooled ones: where one rep's losses differ.
    heard: dict[str, Counter[str]] = {folder: Counter(tally.buyer)}
    heard.update({name: reasons for name, (_, _, reasons) in theirs.reps.items()})
    tally.merge(theirs.tally)
    reps = [{**row.to_json(), "top_reasons": [
        {"reason": tag, "label": reason_label(tag), "count": count}
        for tag, count in sorted(heard.get(row.folder, Counter()).items(), key=lambda kv: (-kv[1], kv[0]))[:3]]}
        for row in counts]
    return {"reps": reps, "debriefs": sum(row.debriefs for row in counts)}


@click.command("stats")
@click.option("--team", "pooled", is_flag=True, help="Pool your teammates' shared debriefs (see 'debrief team').")
@format_option("text", "json")
@db_option
def stats_command(pooled: bool, output_format: str, db: Path | None) -> None:
    """Loss reasons, competitors, stages, quarters, red flags, guess accuracy, follow-ups due."""
    from datetime import date

    from debrief.core.review.cached_stats import read_tally
    from debrief.core.review.stats import finish, stats_text
    from debrief.core.settings import load_settings
    from debrief.locations import settings_file

    store = open_store(db)
    today, settings, team = date.today(), load_settings(settings_file()), None
    # From the facts cache; debriefs whose row is stale are read from their files, in memory only
    # (a read-only command never writes, not even derived data).
    read_from_files: list[int] = []
    tally, unreadable = read_tally(store, store.facts_cache(), today, skipped=_skipped,
                                   progress=lambda _done, todo: read_from_files.append(todo))
    if read_from_files and read_from_files[-1] >= BEHIND_HINT:
        click.echo(f"debrief: {plural(read_from_files[-1], 'debrief')} read from their files, the facts cache "
                   "being behind them; 'debrief repair' (or the app's patterns screen) brings it up to date",
                   err=True)
    if pooled:
        team = _pool_team(db, tally, today)
    stats = finish(tally, today, settings, unreadable)
    if output_format == "json":
        print_json(stats.to_json() if team is None else {**stats.to_json(), "team": team})
    else:
        if team is not None:
            from debrief.cli.team_commands import pool_line

            echo(pool_line(team))
        echo(stats_text(stats).rstrip())


@click.command("search")
@click.argument("words", nargs=-1, required=True, metavar="WORDS...")
@click.option("--limit", type=click.IntRange(1, 10_000), default=20, show_default=True,
              help="Show at most this many debriefs.")
@click.option("--team", "pooled", is_flag=True, help="Search your teammates' shared debriefs too.")
@format_option("text", "json")
@db_option
def search_command(words: tuple[str, ...], limit: int, pooled: bool, output_format: str, db: Path | None) -> None:
    """Search all notes, impressions and takeaways; every word must match ("quote a phrase")."""
    from debrief.core.review.facts_cache import search_cached

    query = " ".join(words)
    if not any(word.strip() for word in words):
        raise BadInput("nothing to search for: give one or more words")
    store = open_store(db)
    if pooled:
        import dataclasses

        from debrief.cli.team_commands import _skipped as skipped_file
        from debrief.cli.team_commands import team_place
        from debrief.core.review.search import search
        from debrief.core.team.pool import REPS, TeamSource, team_cache

        root, clone, _, folder = team_place(db)
        own = search_cached(store, store.facts_cache(), query, limit=limit, skipped=_skipped)
        theirs = search_cached(TeamSource(clone, folder, skipped_file), team_cache(root), query, limit=limit,
                               skipped=lambda key, reason: skipped_file(f"{REPS}/{key}.json", reason))
        # Each side's best ``limit`` hold the best ``limit`` of both (a debrief's rank is its own).
        results = search([hit.doc for hit in own.hits] + [hit.doc for hit in theirs.hits], query, limit=limit)
        results = dataclasses.replace(results, total=own.total + theirs.total)
    else:
        results = search_cached(store, store.facts_cache(), query, limit=limit, skipped=_skipped)
    if output_format == "json":
        print_json(results.to_json())
        return
    if not results.total:
        echo(f"No debrief mentions {query!r}.")
        return
    shown = len(results.hits)
    more = f" (showing {shown})" if shown < results.total else ""
    echo(f"{plural(results.total, 'debrief')} match{'es' if results.total == 1 else ''} {query!r}{more}")
    for hit in results.hits:
        doc = hit.doc
        lost_to = f", lost to {doc.lost_to}" if doc.lost_to else ""
        echo("")
        who = f" — {doc.contact}, {doc.lost_on.isoformat()}{lost_to}"
        echo(click.style(f"{doc.id}  {doc.company}", bold=True) + who)
        for piece in hit.snippets:
            marked, position = [], 0
            for start, end in piece.spans:
                marked += [piece.text[position:start], click.style(piece.text[start:end], bold=True, underline=True)]
                position = end
            marked.append(piece.text[position:])
            echo(f"  {piece.label}: " + "".join(marked))


COMMANDS = [compare_command, stats_command, search_command]
