"""Shared by the benchmark scripts: demo databases of a given size, timing and tables."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

DEBRIEF = str(Path(sys.executable).with_name("debrief"))
SIZES = (0, 1_000, 10_000)


def demo_db(count: int, fresh: bool = False) -> Path:
    """A database of ``count`` demo debriefs (seed 1), built once and reused across runs."""
    root = Path(tempfile.gettempdir()) / "debrief-bench" / f"demo-{count}"
    marker = root / ".complete"
    if fresh or not marker.exists():
        shutil.rmtree(root, ignore_errors=True)
        root.parent.mkdir(parents=True, exist_ok=True)
        from debrief.core.demo import demo_debriefs
        from debrief.core.store import Store

        store = Store.open(root / "db")
        store.put_many(demo_debriefs(count, seed=1), durable=False)
        marker.touch()
    return root / "db"


def copy_db(source: Path) -> Path:
    """A scratch copy of a database, for benchmarks that write."""
    target = Path(tempfile.mkdtemp(prefix="debrief-bench-")) / "db"
    shutil.copytree(source, target)
    # The copy's thousands of files on their way to the disk would slow the first saves' fsyncs:
    # what is timed is the save, not the copy.
    os.sync()
    return target


def fresh_cache(root: Path) -> int:
    """Bring a database's facts cache up to date and let it vouch for the folder again (a copy's
    folder is another folder), as the app's patterns screen does; how many rows had to be worked
    out from their files."""
    from debrief.core.review.facts_cache import read_facts
    from debrief.core.store import Store

    store = Store.open(root)
    with store.locked():
        return read_facts(store, store.facts_cache(), write=True).read_from_files


def measure(action: Callable[[], object], repeat: int, warmup: int = 1) -> list[float]:
    """Seconds per call of ``action``, ``repeat`` times after ``warmup`` untimed calls."""
    for _ in range(warmup):
        action()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def run_command(*args: str) -> float:
    """Wall time of one real ``debrief`` command."""
    start = time.perf_counter()
    subprocess.run([DEBRIEF, *args], check=True, capture_output=True)
    return time.perf_counter() - start


def median_ms(times: list[float]) -> float:
    return statistics.median(times) * 1000


def p95_ms(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] * 1000


def table(headers: list[str], rows: list[list[str]]) -> str:
    """A plain aligned table for the terminal and for closing notes."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]
    lines = ["  ".join(str(h).ljust(w) for h, w in zip(headers, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        cells = zip(row, widths, strict=True)
        lines.append("  ".join(str(c).rjust(w) if i else str(c).ljust(w) for i, (c, w) in enumerate(cells)))
    return "\n".join(lines)
