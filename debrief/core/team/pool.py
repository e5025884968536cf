"""Teammates' shared debriefs, read from the clone: untrusted, validated, read-only.

Each file under ``reps/<rep>/`` other than one's own folder is read as an import is (bounded,
validated, cleaned); a bad one is skipped and named in one line, and the others still count.
Teammates' debriefs never enter the database, so nothing in the app can edit, call or wrap them
up: they are only ever read, in ``team list``, ``stats --team``, ``search --team`` and compare
(``rep/id``). In pooled patterns the follow-ups stay the rep's own: a teammate's check-ins and
action items are counted, never listed as due.
"""

from __future__ import annotations

import dataclasses
import os
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from debrief.core.ids import is_valid_id
from debrief.core.review.stats import Facts, facts_of
from debrief.core.team.share_format import Shared, ShareError, read_share
from debrief.core.text import one_line

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
    folder, _, debrief_id = ref.partition("/")
    if not folder or not is_valid_id(debrief_id) or folder.startswith(".") or "/" in folder:
        raise ShareError(f"{one_line(ref, 80)} is not a teammate's debrief (write rep/id, as 'team list' shows)")
    path = clone / REPS / folder / f"{debrief_id}.json"
    if not _real_dir(clone / REPS / folder) or not os.path.lexists(path):
        raise ShareError(f"no shared debrief {one_line(ref, 80)} in the team clone (run 'debrief team sync'?)")
    return read_share(path, folder)


def team_facts(shares: Iterable[Shared]) -> list[Facts]:
    """Facts of teammates' debriefs for pooled patterns: named ``rep/id``, their follow-ups never due."""
    pooled = []
    for share in shares:
        facts = facts_of(share.debrief)
        summary = {**facts.summary, "id": share.ref, "status": "wrapped", "call_at": None, "next_check_in": None,
                   "move_on": None}
        pooled.append(dataclasses.replace(
            facts, id=share.ref, next_check_in=None, move_on=None,
            actions=tuple((done, None, text) for done, _, text in facts.actions), summary=summary))
    return pooled


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
