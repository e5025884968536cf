"""Storage benchmark: one autosave at 0 / 1,000 / 10,000 debriefs, ours beside TinyDB's stock
JSONStorage, a save that also writes its facts cache row (a command's edit, or the settling of
an autosave's row once typing stops), and whole-command times of ``new``, ``list`` and ``show``.

    python -m bench.storage [--sizes 0,1000,10000] [--repeat 30]

Prints medians and p95 in milliseconds, and the ratio the budget speaks of: ``debrief new`` at
10,000 debriefs against an empty database (budget: at most 1.5x); save median at 10,000 (budget:
under 10 ms).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from tinydb import TinyDB
from tinydb.storages import JSONStorage

from bench.common import SIZES, copy_db, demo_db, fresh_cache, measure, median_ms, p95_ms, run_command, table
from debrief.core.model import Contact, Debrief
from debrief.core.store import Store


def our_save_times(size: int, repeat: int) -> dict[str, list[float]]:
    """store.update of one answer's notes, as the live call's autosave does (its facts cache row
    left dirty) and as a command's edit does (the row written too); with the time each save spent
    in the facts cache's part (marking, the claim, the row), timed inside the same saves so that
    the disk's fsync time, which varies from minute to minute here, does not blur it."""
    root = copy_db(demo_db(size)) if size else Path(tempfile.mkdtemp()) / "db"
    if size:
        fresh_cache(root)  # the cache vouches for the copy's folder, as for a rep's own
    store = Store.open(root)
    target = store.add(Debrief(company="Bench Co", contact=Contact(name="Sam Bench")))
    counter = iter(range(10**9))
    times: dict[str, list[float]] = {"autosave": [], "autosave cache": [], "with row": [], "with row cache": []}
    spent = [0.0]

    def timed(part: Callable[..., None]) -> Callable[..., None]:
        def run(*args: object, **kwargs: object) -> None:
            started = time.perf_counter()
            try:
                part(*args, **kwargs)
            finally:
                spent[0] += time.perf_counter() - started
        return run

    store._cache_changing = timed(store._cache_changing)  # type: ignore[method-assign]
    store._cache_saved = timed(store._cache_saved)  # type: ignore[method-assign]

    def save(settle_facts: bool) -> None:
        spent[0] = 0.0
        store.update(target.id, lambda d: setattr(d.answer("q1"), "notes", f"typed {next(counter)}"),
                     settle_facts=settle_facts)

    try:
        from debrief.core.review.facts_cache import read_claim

        for name, settle in (("autosave", False), ("with row", True)):
            save(settle)
            for _ in range(repeat):
                times[name] += measure(partial(save, settle), 1, warmup=0)
                times[f"{name} cache"].append(spent[0])
            if read_claim(store.facts_cache().path) != store.folder_state():
                print(f"at {size:,}: the facts cache's claim did not hold; a save without it was timed")
        return times
    finally:
        shutil.rmtree(root.parent, ignore_errors=True)


def stock_save_times(size: int, repeat: int) -> list[float]:
    """The same update through one TinyDB file with the stock JSONStorage."""
    folder = Path(tempfile.mkdtemp())
    db = TinyDB(folder / "stock.json", storage=JSONStorage)
    if size:
        from debrief.core.demo import demo_debriefs

        db.insert_multiple(debrief.to_json() for debrief in demo_debriefs(size, seed=1))
    doc_id = db.insert(Debrief(company="Bench Co", contact=Contact(name="Sam Bench")).to_json())
    counter = iter(range(10**9))

    def save() -> None:
        document = db.get(doc_id=doc_id)
        assert document is not None
        answers = dict(document["answers"])
        answers["q1"] = {"question_id": "q1", "notes": f"typed {next(counter)}"}
        db.update({"answers": answers}, doc_ids=[doc_id])

    try:
        return measure(save, repeat if size < 10_000 else max(3, repeat // 10))
    finally:
        db.close()
        shutil.rmtree(folder, ignore_errors=True)


def command_times(size: int, repeat: int) -> dict[str, list[float]]:
    root = copy_db(demo_db(size)) if size else Path(tempfile.mkdtemp()) / "db"
    db = str(root)
    times: dict[str, list[float]] = {"new": [], "list": [], "show": []}
    run_command("list", "--db", db)  # warm the page cache and create an empty database
    some_id = ""
    for number in range(repeat):
        times["new"].append(
            run_command("new", "--company", f"Bench {number}", "--contact", "Sam Bench", "--db", db)
        )
    some_id = Store.open(root).summaries()[0]["id"]
    for _ in range(repeat):
        times["list"].append(run_command("list", "--format", "json", "--db", db))
        times["show"].append(run_command("show", some_id, "--format", "json", "--db", db))
    shutil.rmtree(root.parent, ignore_errors=True)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--command-repeat", type=int, default=9)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]

    rows = []
    for size in sizes:
        ours, stock = our_save_times(size, args.repeat), stock_save_times(size, args.repeat)
        autosave, with_row = median_ms(ours["autosave"]), median_ms(ours["with row"])
        rows.append([f"{size:,}", f"{autosave:.2f}", f"{p95_ms(ours['autosave']):.2f}",
                     f"{median_ms(ours['autosave cache']):.3f}", f"{with_row:.2f}",
                     f"{median_ms(ours['with row cache']):.3f}",
                     f"{median_ms(stock):.1f}", f"{median_ms(stock) / autosave:.0f}x"])
    print("One autosave (update of one answer), milliseconds; 'cache part': the time of the same saves "
          "spent on the facts cache")
    print(table(["debriefs", "autosave", "p95", "cache part", "with its row", "cache part",
                 "stock TinyDB", "stock/ours"], rows))
    print()
    rows = []
    medians: dict[int, dict[str, float]] = {}
    for size in sizes:
        times = command_times(size, args.command_repeat)
        medians[size] = {name: median_ms(values) for name, values in times.items()}
        rows.append([f"{size:,}"] + [f"{medians[size][name]:.0f}" for name in ("new", "list", "show")])
    print("Whole commands (a fresh process each), median milliseconds")
    print(table(["debriefs", "new", "list --format json", "show --format json"], rows))
    if 0 in medians and len(medians) > 1:
        largest = max(medians)
        print()
        ratio = medians[largest]["new"] / medians[0]["new"]
        print(f"debrief new at {largest:,} / empty: {ratio:.2f}x (budget <= 1.5x)")


if __name__ == "__main__":
    main()
