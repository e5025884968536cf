"""Importing a 10,000-row CRM export: time and peak memory.

    python -m bench.crm [--rows 10000]

Writes two HubSpot-shaped exports (byte-order mark, CRLF, quoted commas and line breaks, extra
columns): one where every row is closed lost (10,000 debriefs written), one a realistic mix where
a third is lost and the rest open or won. Prints:

- reading and planning in process (CSV, dates, amounts, validation of every debrief), with
  tracemalloc's peak;
- the whole ``debrief import FILE --from hubspot`` command into an empty database, with the
  child's peak resident memory (``ru_maxrss``);
- the same command again (a re-import: every deal found, nothing added).
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import DEBRIEF, table
from debrief.core.crm import plan

HEADER = ["Record ID", "Deal Name", "Deal Stage", "Close Date", "Deal owner", "Amount", "Associated Company",
          "Associated Contact", "Closed Lost Reason", "Pipeline", "Create Date", "Deal Type", "Priority"]
FIRST = ["Jane", "Ann", "Bob", "Carlos", "Zoë", "Dmitri", "Priya", "Kenji", "Fatima", "Lars"]
LAST = ["Doe", "Lee", "Müller", "Okafor", "Nguyen", "Rossi", "Kowalski", "Silva", "Haddad", "Berg"]
REASONS = ["Price: they went with a cheaper tool", "Timing.\nBudget frozen until next year",
           'Lost to a competitor, "better integration"', "No decision", ""]


def _quote(cell: str) -> str:
    return '"' + cell.replace('"', '""') + '"'


def write_export(path: Path, rows: int, lost_share: float, seed: int = 7) -> int:
    """A HubSpot deals export of ``rows`` rows; returns how many are closed lost."""
    rng = random.Random(seed)
    lost = 0
    lines = [",".join(_quote(cell) for cell in HEADER)]
    start = date(2025, 1, 1)
    for number in range(rows):
        kind = rng.random()
        stage = "Closed lost" if kind < lost_share else rng.choice(["Closed won", "Qualified to buy",
                                                                    "Appointment scheduled", "Contract sent"])
        lost += stage == "Closed lost"
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        company = f"{rng.choice(LAST)}, {rng.choice(['Inc.', 'GmbH', 'Ltd', 'S.A.'])} {number}"
        day = start + timedelta(days=rng.randrange(690))
        cells = [str(100_000 + number), f"Deal {number}", stage, f"{day.isoformat()} 14:05", "Sam Rep",
                 str(rng.randrange(1_000, 250_000)), company, f"{name} ({name.split()[0].lower()}@example.com)",
                 rng.choice(REASONS), "Sales Pipeline", f"{start.isoformat()} 09:00", "newbusiness", "high"]
        lines.append(",".join(_quote(cell) for cell in cells))
    path.write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"))
    return lost


def in_process(path: Path) -> tuple[float, float, int]:
    """Seconds and tracemalloc peak (MB) of planning the import; the rows that would come in."""
    tracemalloc.start()
    started = time.perf_counter()
    result = plan(path, "hubspot", today=date(2026, 11, 23))
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return seconds, peak, len(result.incoming)


def command(path: Path, db: Path) -> tuple[float, float, str]:
    """Wall seconds and the child's peak RSS (MB) of one ``debrief import``; its output line."""
    started = time.perf_counter()
    process = subprocess.Popen([DEBRIEF, "import", str(path), "--from", "hubspot", "--db", str(db)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    assert process.stdout is not None and process.stderr is not None
    out = process.stdout.read().decode().strip()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(process.stderr.read().decode())
    return seconds, usage.ru_maxrss / 1024, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="debrief-bench-crm-"))
    rows = []
    for label, share in (("all closed lost", 1.0), ("a third lost", 1 / 3)):
        path = folder / f"hubspot-{int(share * 100)}.csv"
        lost = write_export(path, args.rows, share)
        plan_s, plan_mb, incoming = in_process(path)
        db = folder / f"db-{int(share * 100)}"
        first_s, first_mb, first_out = command(path, db)
        again_s, again_mb, again_out = command(path, db)
        rows.append([f"{args.rows:,} rows, {label} ({lost:,})", f"{path.stat().st_size / 1e6:.1f} MB",
                     f"{plan_s:.2f} s / {plan_mb:.0f} MB", f"{first_s:.2f} s / {first_mb:.0f} MB",
                     f"{again_s:.2f} s / {again_mb:.0f} MB"])
        assert incoming == lost
        print(f"  {label}: {first_out}\n  again: {again_out}")
    print(table(["export", "file", "plan in process (peak traced)", "debrief import (peak RSS)", "re-import"],
                rows))


if __name__ == "__main__":
    main()
