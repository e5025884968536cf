"""Teammates' shared debriefs, read from the clone: untrusted, validated, read-only.

Each file under ``reps/<rep>/`` other than one's own folder is read as an import is (bounded,
validated, cleaned); a bad one is skipped and named in one line, and the others still count.
Teammates' debriefs never enter the database, so nothing in the app can edit, call or wrap them
up: they are only ever read, in ``team list``, ``stats --team``, ``search --team`` and compare
(``rep/id``). In pooled patterns the follow-ups stay the rep's own: a teammate's check-ins and
action items are counted, never listed as due.

Pooled patterns and search read teammates' files through a facts cache of their own
(``TeamSource``, ``team_cache``): a file in the database's index folder, never in the clone's
tracked tree. A sync rewrites files through git, with no single writer to keep a claim on a folder,
so every file's stamp is checked on each read (a listing and a stat, no read); a file whose row is
stale is read as before. Read-only commands work stale rows out in memory; ``team sync`` and the
app bring them into the cache.
"""

from __future__ import annotations

import dataclasses
import os
import sqlite3
import stat
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from debrief.core.ids import is_valid_id
from debrief.core.review.facts_cache import FactsCache, FilesSource, Row, Stamp, read_facts, row_of
from debrief.core.review.stats import Facts, Tally, facts_of
from debrief.core.text import one_line

if TYPE_CHECKING:
    from debrief.core.model import Debrief
    from debrief.core.team.share_format import Shared

REPS = "reps"
MAX_TEAM_FILES = 200_000
"""Most teammate files read in one look (a hostile repository of millions stops here)."""

Skipped = Callable[[str, str], None]
"""Hears of each teammate file that was not read: its path in the clone and why."""


def _real_dir(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def teammate_files(clone: Path, own_folder: str, skipped: Skipped | None = None) -> list[tuple[str, Path]]:
    """``(folder, path)`` of every teammate's share file, sorted; links and odd names are skipped."""
    reps = clone / REPS
    if not _real_dir(reps):
        return []
    found: list[tuple[str, Path]] = []
    for folder in sorted(os.listdir(reps)):
        if folder == own_folder or folder.startswith("."):
            continue
        path = reps / folder
        if not _real_dir(path):
            if skipped is not None and os.path.islink(path):
                skipped(f"{REPS}/{folder}", "a symbolic link, not a folder; it was not followed")
            continue
        for name in sorted(os.listdir(path)):
            if not name.endswith(".json") or name.startswith("."):
                continue
            if not is_valid_id(name[:-5]):
                if skipped is not None:
                    skipped(f"{REPS}/{folder}/{name}", "not named after a debrief id")
                continue
            found.append((folder, path / name))
            if len(found) >= MAX_TEAM_FILES:
                return found
    return found


def teammates(clone: Path, own_folder: str, skipped: Skipped | None = None) -> list[Shared]:
    """Every readable teammate share; each bad file is reported to ``skipped`` and left out."""
    from debrief.core.team.share_format import ShareError, read_share

    shares: list[Shared] = []
    for folder, path in teammate_files(clone, own_folder, skipped):
        try:
            shares.append(read_share(path, folder))
        except ShareError as error:
            if skipped is not None:
                skipped(f"{REPS}/{folder}/{path.name}", str(error))
    return shares


def find_shared(clone: Path, ref: str) -> Shared:
    """The teammate share named ``rep/id``; ShareError when there is none or it cannot be read."""
    from debrief.core.team.share_format import ShareError, read_share

    folder, _, debrief_id = ref.partition("/")
    if not folder or not is_valid_id(debrief_id) or folder.startswith(".") or "/" in folder:
        raise ShareError(f"{one_line(ref, 80)} is not a teammate's debrief (write rep/id, as 'team list' shows)")
    path = clone / REPS / folder / f"{debrief_id}.json"
    if not _real_dir(clone / REPS / folder) or not os.path.lexists(path):
        raise ShareError(f"no shared debrief {one_line(ref, 80)} in the team clone (run 'debrief team sync'?)")
    return read_share(path, folder)


def pooled_facts(facts: Facts, ref: str) -> Facts:
    """A teammate's facts for pooled patterns: named ``rep/id``, their follow-ups never due."""
    summary = {**facts.summary, "id": ref, "status": "wrapped", "call_at": None, "next_check_in": None,
               "move_on": None}
    return dataclasses.replace(facts, id=ref, next_check_in=None, move_on=None,
                               actions=tuple((done, None, text) for done, _, text in facts.actions), summary=summary)


def team_facts(shares: Iterable[Shared]) -> list[Facts]:
    """Facts of teammates' debriefs for pooled patterns (``pooled_facts`` of each)."""
    return [pooled_facts(facts_of(share.debrief), share.ref) for share in shares]


TEAM_CACHE = "team-facts.sqlite"


def team_cache(root: Path) -> FactsCache:
    """The facts cache of the teammates' shares: beside the database's own, outside the clone."""
    return FactsCache(root / "index" / TEAM_CACHE)


class TeamSource(FilesSource):
    """Teammates' share files as a source for the facts cache: keyed ``rep/id``, read as
    ``teammates`` reads them, their rows holding ``pooled_facts``."""

    def __init__(self, clone: Path, own_folder: str, skipped: Skipped | None = None) -> None:
        super().__init__(self._listing, self._debrief)
        self._clone, self._own, self._skipped = clone, own_folder, skipped
        self._reps: dict[str, str] = {}

    def _listing(self) -> list[tuple[str, Path]]:
        return [(f"{folder}/{path.name[:-5]}", path)
                for folder, path in teammate_files(self._clone, self._own, self._skipped)]

    def _share(self, key: str) -> Shared:
        # The share format loads the model: only for files whose row is stale.
        from debrief.core.store_errors import NotFound, StoreError
        from debrief.core.team.share_format import ShareError, read_share

        path = self._paths.get(key)
        if path is None:
            raise NotFound(f"no shared debrief {key!r}")
        try:
            share = read_share(path, key.partition("/")[0])
        except ShareError as error:
            raise StoreError(str(error)) from None
        self._reps[key] = share.rep
        return share

    def _debrief(self, path: Path) -> Debrief:
        return self._share(f"{path.parent.name}/{path.name[:-5]}").debrief

    def make_row(self, key: str, stamp: Stamp) -> Row:
        """The cache row of one share (raises StoreError when it cannot be read)."""
        row = row_of(self._share(key).debrief, stamp, key)
        return dataclasses.replace(row, facts=pooled_facts(row.facts, key))

    def rep_names(self, folders: Iterable[str]) -> dict[str, str]:
        """Each folder's rep as ``rep_counts`` names it: from its first readable share."""
        from debrief.core.store_errors import StoreError

        wanted, names = set(folders), {}
        for key in self._paths:  # in the listing's order
            folder = key.partition("/")[0]
            if folder not in wanted or folder in names:
                continue
            if key not in self._reps:
                try:
                    self._share(key)
                except StoreError:
                    continue
            names[folder] = self._reps[key]
        return names


@dataclass
class TeamTally:
    """Teammates' side of pooled patterns: their tally and, per rep folder, the rep's name, how many
    debriefs and the buyer reasons heard (once per debrief)."""

    tally: Tally
    unreadable: list[str]
    reps: dict[str, tuple[str, int, Counter[str]]] = field(default_factory=dict)

    def counts(self, own_rep: str, own_folder: str, own: int) -> list[RepCount]:
        """One row per rep in the pool, one's own first (as ``rep_counts``)."""
        return [RepCount(own_rep, own_folder, own, True)] + [
            RepCount(rep, folder, count, False) for folder, (rep, count, _) in sorted(self.reps.items())]


def read_team(root: Path, clone: Path, own_folder: str, today: date, skipped: Skipped | None = None, *,
              write: bool = False) -> TeamTally:
    """Teammates' pooled tally through their facts cache; the same as counting ``team_facts`` of
    ``teammates``. ``write`` (a writing process only) brings stale rows into the cache."""
    from debrief.core.review.cached_stats import read_tally

    source, cache = TeamSource(clone, own_folder, skipped), team_cache(root)
    kept: list[tuple[Counter[str], dict[str, Counter[str]]]] = []
    stale: list[Row] = []

    def per_rep(connection: sqlite3.Connection, where: str) -> None:
        counts: Counter[str] = Counter()
        heard: dict[str, Counter[str]] = {}
        for (key,) in connection.execute(f"SELECT id FROM rows WHERE {where}"):
            counts[key.partition("/")[0]] += 1
        for key, tag in connection.execute(
                "SELECT rows.id, reasons.tag FROM reasons JOIN rows ON rows.n = reasons.n "
                f"WHERE reasons.kind = 'b' AND {where.replace('n NOT IN', 'rows.n NOT IN')}"):
            heard.setdefault(key.partition("/")[0], Counter())[tag] += 1
        kept[:] = [(counts, heard)]

    def back(rows: list[Row]) -> None:
        stale.extend(rows)
        if write and rows:
            cache.record(rows)

    def damaged(key: str, reason: str) -> None:
        if skipped is not None:
            skipped(f"{REPS}/{key}.json", reason)

    try:
        tally, unreadable = read_tally(source, cache, today, damaged, write_back=back, also=per_rep)
    finally:
        cache.close()
    counts, heard = kept[0] if kept else (Counter(), {})
    for row in stale:
        folder = row.id.partition("/")[0]
        counts[folder] += 1
        heard.setdefault(folder, Counter()).update(set(row.facts.buyer))
    names = source.rep_names(counts)
    reps = {folder: (names.get(folder, folder), count, heard.get(folder, Counter()))
            for folder, count in counts.items() if count}
    return TeamTally(tally, unreadable, reps)


def refresh_team_cache(root: Path, clone: Path, own_folder: str) -> None:
    """Bring the teammates' facts cache up to date after a sync (rows of new and changed shares,
    none of removed ones); a failure leaves it as it was (the stamps keep it right)."""
    cache = team_cache(root)
    try:
        read_facts(TeamSource(clone, own_folder), cache, write=True)
    except OSError:
        pass
    finally:
        cache.close()


def rebuild_team_cache(root: Path, clone: Path, own_folder: str,
                       skipped: Skipped | None = None) -> int:
    """``repair`` for the teammates' facts cache: every row worked out afresh from the share files
    (called with the clone locked, so no sync changes them meanwhile); returns how many it holds."""
    cache = team_cache(root)
    try:
        return cache.rebuild(TeamSource(clone, own_folder), on_damaged=skipped)
    finally:
        cache.close()


@dataclass(frozen=True)
class RepCount:
    """How many debriefs one rep brought to the pool."""

    rep: str
    folder: str
    debriefs: int
    own: bool

    def to_json(self) -> dict[str, object]:
        return {"rep": self.rep, "folder": self.folder, "debriefs": self.debriefs, "own": self.own}


def rep_counts(own_rep: str, own_folder: str, own: int, shares: Iterable[Shared]) -> list[RepCount]:
    """One row per rep in the pool, one's own first."""
    counts: dict[str, tuple[str, int]] = {}
    for share in shares:
        rep, count = counts.get(share.folder, (share.rep, 0))
        counts[share.folder] = (rep, count + 1)
    rows = [RepCount(own_rep, own_folder, own, True)]
    rows += [RepCount(rep, folder, count, False) for folder, (rep, count) in sorted(counts.items())]
    return rows
