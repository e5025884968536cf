"""Team sync through real git, as whole ``debrief`` commands against a bare repository on disk.

    python -m bench.team [--repeat 3]

Prints wall times in seconds:

- 1,000 shared debriefs from a fresh clone: ``team join`` of an empty remote, ``team share`` of
  all 1,000 (writes the redacted files), then ``team sync`` (commit, fetch, push); and a sync that
  must write all 1,000 files again (every shared debrief edited since), which is what a sync costs
  when the share step did not write them;
- one new share into a repository of 10,000: a teammate's repository holding 10,000 shares, then
  ``team share`` of one new debrief and ``team sync``; and the first sync of a rep who joins
  that repository (clone and read 10,000 teammate files' worth of history).

- ``stats --team`` with 1,000 and 10,000 teammates' shares in the clone (written straight into
  it, five teammates): every share read from its file (no teammates' facts cache, as a read-only
  command finds the clone after a plain ``git pull``), and through the cache a sync keeps (the
  time that sync spends bringing the cache up to date is shown too). ``--pooled`` runs only these.

Budget: ``team sync`` of 1,000 shared debriefs under 5 s.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import DEBRIEF, copy_db, demo_db, table


def _run(db: Path, *args: str) -> float:
    start = time.perf_counter()
    subprocess.run([DEBRIEF, *args, "--db", str(db)], check=True, capture_output=True, timeout=900)
    return time.perf_counter() - start


def _ids(db: Path) -> list[str]:
    done = subprocess.run([DEBRIEF, "list", "--format", "json", "--db", str(db)], check=True, capture_output=True)
    return [row["id"] for row in json.loads(done.stdout)]


def _bare(folder: Path) -> Path:
    remote = folder / "team.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(remote)], check=True)
    return remote


def _stale(db: Path) -> None:
    """Forget what was written, as if every shared debrief had been edited since."""
    from debrief.locations import team_dir

    path = team_dir(db) / ".git" / "debrief-team.json"
    state = json.loads(path.read_text())
    for entry in state["shared"].values():
        entry["stamp"] = None
    path.write_text(json.dumps(state))
    for share in (team_dir(db) / "reps").glob("*/*.json"):
        share.unlink()


def thousand(repeat: int) -> list[list[str]]:
    source = demo_db(1_000)
    joins, shares, syncs, rewrites = [], [], [], []
    for _ in range(repeat):
        work = Path(tempfile.mkdtemp(prefix="debrief-bench-team-"))
        db = copy_db(source)
        remote = _bare(work)
        ids = _ids(db)
        joins.append(_run(db, "team", "join", str(remote), "--as", "Bench Rep"))
        shares.append(_run(db, "team", "share", *ids))
        syncs.append(_run(db, "team", "sync"))
        _stale(db)
        rewrites.append(_run(db, "team", "sync"))
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(db.parent, ignore_errors=True)
    median = statistics.median
    return [["join an empty remote", f"{median(joins):.2f}"],
            ["share 1,000 (writes the files)", f"{median(shares):.2f}"],
            ["sync 1,000 from a fresh clone", f"{median(syncs):.2f}"],
            ["share + sync 1,000", f"{median(shares) + median(syncs):.2f}"],
            ["sync writing all 1,000 again", f"{median(rewrites):.2f}"]]


def ten_thousand(repeat: int) -> list[list[str]]:
    work = Path(tempfile.mkdtemp(prefix="debrief-bench-team-"))
    big = copy_db(demo_db(10_000))
    remote = _bare(work)
    _run(big, "team", "join", str(remote), "--as", "Teammate")
    setup = _run(big, "team", "share", *_ids(big)) + _run(big, "team", "sync")
    rows = [["setup: share + sync 10,000", f"{setup:.2f}"]]
    newcomer = Path(tempfile.mkdtemp(prefix="debrief-bench-team-")) / "db"
    subprocess.run([DEBRIEF, "demo", "--count", str(repeat + 1), "--seed", "3", "--db", str(newcomer)], check=True,
                   capture_output=True)
    rows.append(["join a repository of 10,000", f"{_run(newcomer, 'team', 'join', str(remote), '--as', 'New'):.2f}"])
    rows.append(["first sync there", f"{_run(newcomer, 'team', 'sync'):.2f}"])
    shares, syncs = [], []
    for debrief_id in _ids(newcomer)[:repeat]:
        shares.append(_run(newcomer, "team", "share", debrief_id))
        syncs.append(_run(newcomer, "team", "sync"))
    rows.append(["share 1 new", f"{statistics.median(shares):.2f}"])
    rows.append(["sync 1 new into 10,000", f"{statistics.median(syncs):.2f}"])
    shutil.rmtree(work, ignore_errors=True)
    shutil.rmtree(big.parent, ignore_errors=True)
    shutil.rmtree(newcomer.parent, ignore_errors=True)
    return rows


def pooled(repeat: int, sizes: tuple[int, ...] = (1_000, 10_000)) -> list[list[str]]:
    """``stats --team`` with ``size`` teammates' shares: read from every file, then through the cache."""
    from debrief.core.store import Store
    from debrief.core.team.pool import refresh_team_cache, team_cache
    from debrief.core.team.share_format import share_bytes
    from debrief.locations import team_dir

    rows = []
    for size in sizes:
        work = Path(tempfile.mkdtemp(prefix="debrief-bench-team-"))
        db = copy_db(demo_db(1))
        _run(db, "team", "join", str(_bare(work)), "--as", "Bench Rep")
        clone = team_dir(db)
        for number, debrief in enumerate(Store.open(demo_db(size)).all()):
            folder = clone / "reps" / f"mate-{number % 5}"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{debrief.id}.json").write_bytes(share_bytes(debrief, f"Mate {number % 5}", True))
        team_cache(db).path.unlink(missing_ok=True)
        _run(db, "stats", "--team", "--format", "json")  # the page cache warm, as below
        cold = [_run(db, "stats", "--team", "--format", "json") for _ in range(repeat)]
        start = time.perf_counter()
        refresh_team_cache(db, clone, "bench-rep")
        refresh = time.perf_counter() - start
        _run(db, "stats", "--team", "--format", "json")
        cached = [_run(db, "stats", "--team", "--format", "json") for _ in range(repeat)]
        rows += [[f"stats --team, {size:,} shares, every share read", f"{statistics.median(cold):.2f}"],
                 [f"stats --team, {size:,} shares, through the cache", f"{statistics.median(cached):.2f}"],
                 [f"a sync's cache update of {size:,} new shares", f"{refresh:.2f}"]]
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(db.parent, ignore_errors=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pooled", action="store_true", help="only stats --team with 1,000 and 10,000 shares")
    args = parser.parse_args()
    if args.pooled:
        print(table(["stats --team (whole commands, median)", "s"], pooled(args.repeat)))
        return
    rows = thousand(args.repeat)
    rows += ten_thousand(args.repeat)
    rows += pooled(args.repeat)
    print(table(["team (whole commands, median)", "s"], rows))
    sync = float(rows[2][1])
    print(f"budget: team sync of 1,000 under 5 s: {'ok' if sync < 5 else 'OVER'} ({sync:.2f} s)")


if __name__ == "__main__":
    main()
