"""Review at 10,000 demo debriefs: side by side, search and patterns; and ``stats`` and ``search``
as whole commands at 1 to 100,000 debriefs.

    python -m bench.review [--size 10000] [--repeat 15] [--scale 1,1000,10000,100000]

Prints medians and p95 in milliseconds:

- side by side of four debriefs of 40 answered questions each (their scripts differ, so the rows
  really need aligning), added to a copy of the demo database: the comparison as the command line
  makes it (read four, align, Markdown); the grid (read four, align, wrap every cell, draw the
  lines in view), which is what the budget measures; and the whole screen opened headless, beside
  an empty screen with a footer opened the same way (Textual's own cost of any screen);
- search: reading the search text of every debrief once (the first look of the screen), a
  re-check when nothing changed, then a median over varied queries in memory, and end to end in
  the screen: from a changed search box until the results are drawn;
- patterns: counting over the facts in memory, the first full read, and ``debrief stats`` as a
  whole command.

- scale: ``debrief stats --format json`` and ``debrief search price`` as whole commands (median of
  five fresh processes) at each size, with the ratio to one debrief; and the patterns and search
  screens' first paint at 10,000 (from opening the screen until the counts, or the search box
  over every debrief, are shown). The demo databases are built once under the temp folder
  (100,000 take several minutes) and their facts cache brought up to date once.

Budgets: comparing four debriefs of 40 questions renders in under 100 ms; searching
all takes under 100 ms (median); ``stats`` and ``search`` at most 2x their time at one debrief up
to 10,000, and under 1 s at 100,000.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import shutil
import sys
import time
import typing
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import copy_db, demo_db, fresh_cache, measure, median_ms, p95_ms, run_command, table
from debrief.core.model import (
    Answer,
    AnswerState,
    Contact,
    Debrief,
    Script,
    ScriptQuestion,
    Status,
)
from debrief.core.reasons import shipped
from debrief.core.review import compare, comparison_markdown, compute_stats, library_for, search
from debrief.core.store import Store

if typing.TYPE_CHECKING:
    from textual.app import ComposeResult

BUDGET_MS = 100
QUERIES = ["price", "pilot reporting", "cfo", "onboarding time", '"safer bet"', "champion quiet", "roadmap",
           "budget holder", "zzzz", "integration erp"]
TODAY = date(2026, 11, 23)


def forty_question_debriefs() -> list[Debrief]:
    """Four debriefs of 40 answered questions; each skips four different ones of a 44-question bank."""
    tags = shipped().ids()
    bank = [ScriptQuestion(id=f"q{n:02d}", phase=f"phase-{n // 8}", phase_title=f"Phase {n // 8 + 1}",
                           text=f"Question {n}: what would you tell a vendor in our place about part {n}?",
                           tags=[tags[n % len(tags)]]) for n in range(44)]
    debriefs = []
    for index in range(4):
        skipped = {f"q{n:02d}" for n in range(index * 11, index * 11 + 4)}
        questions = [q for q in bank if q.id not in skipped]
        start = datetime(2026, 10, 1 + index, 10, 0)
        debrief = Debrief(company=f"Bench Forty {index + 1}", contact=Contact(name="Sam Bench", role="CFO"),
                          lost_on=TODAY - timedelta(days=30 + index), lost_to="Salesforce", stage="proposal",
                          status=Status.HELD, guessed_reasons=["price", "features"],
                          script=Script(bank_id="bench", questions=questions, minutes=120))
        for position, question in enumerate(questions):
            debrief.answers[question.id] = Answer(
                question_id=question.id, state=[AnswerState.ANSWERED, AnswerState.CLARIFIED,
                                                AnswerState.UNCLEAR][(position + index) % 3],
                notes=("They explained at length how the evaluation went, what the committee weighed and "
                       f"why the other vendor looked safer on point {position}. ") * 2,
                clarified="They meant the rollout plan." if position % 3 == 1 else "",
                tags=[question.tags[0]] if (position + index) % 2 else [],
                first_noted_at=start + timedelta(minutes=position), updated_at=start + timedelta(minutes=position))
        debriefs.append(debrief)
    return debriefs


def bench_compare(store: Store, ids: list[str], repeat: int) -> dict[str, list[float]]:
    """The comparison as the command line makes it; the grid laid out and drawn; the whole screen."""
    core = measure(lambda: comparison_markdown(compare(store.get_many(ids))), repeat)

    from textual.screen import Screen
    from textual.widgets import Footer, Static

    from debrief.app import create_app
    from debrief.screens.compare import CompareScreen
    from debrief.widgets.compare_grid import CompareGrid

    class Baseline(Screen[None]):
        """An empty screen with a footer: what any screen costs to open in this harness."""

        def compose(self) -> ComposeResult:
            yield Static("baseline")
            yield Footer()

    grid_times: list[float] = []
    screen_times: list[float] = []
    baseline_times: list[float] = []

    async def run() -> None:
        app = create_app(store, settings_path=Path(store.root.parent / "bench-settings.json"), today=TODAY)
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            for attempt in range(repeat + 1):
                started = time.perf_counter()
                app.open_compare(ids)
                await pilot.pause()
                screen = app.screen
                assert isinstance(screen, CompareScreen)
                grid = screen.query_one(CompareGrid)
                assert len(grid.row_names) > 40
                elapsed = time.perf_counter() - started
                if attempt:  # the first one imports the screen's modules
                    screen_times.append(elapsed)
                started = time.perf_counter()
                grid.show(compare(store.get_many(ids)))
                lines = [grid.render_line(y) for y in range(grid.size.height)]
                grid_times.append(time.perf_counter() - started)
                assert any("Bench Forty 4" in line.text for line in lines[:2])
                app.pop_screen()
                await pilot.pause()
                started = time.perf_counter()
                app.push_screen(Baseline())
                await pilot.pause()
                baseline_times.append(time.perf_counter() - started)
                app.pop_screen()
                await pilot.pause()

    asyncio.run(run())
    return {"compare: read 4 + align + Markdown": core,
            "compare: read 4 + align + lay out + draw the grid": grid_times,
            "compare: whole screen opened (headless)": screen_times,
            "  baseline: empty screen + footer, same harness": baseline_times}


def bench_search(store: Store, repeat: int) -> tuple[dict[str, list[float]], dict[str, float]]:
    """First read of the corpus, a no-change refresh, in-memory queries, and the screen end to end."""
    library = library_for(store)
    started = time.perf_counter()
    count = library.refresh()
    first_read = time.perf_counter() - started
    refresh = measure(library.refresh, max(3, repeat // 3))
    docs = library.docs()
    query_times: list[float] = []
    for query in QUERIES:
        query_times += measure(functools.partial(search, docs, query), repeat, warmup=1)
    facts = library.facts()
    stats = measure(lambda: compute_stats(facts, TODAY), max(3, repeat // 3))

    from textual.widgets import Input

    from debrief.app import create_app
    from debrief.screens.search import SearchScreen

    screen_times: list[float] = []

    async def run() -> None:
        app = create_app(store, settings_path=Path(store.root.parent / "bench-settings.json"), today=TODAY)
        async with app.run_test(size=(120, 40)) as pilot:
            app.open_search()
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, SearchScreen) and screen.ready
            box = screen.query_one("#search-input", Input)
            for _ in range(max(2, repeat // len(QUERIES) + 1)):
                for query in QUERIES:
                    box.value = ""
                    await app.workers.wait_for_complete()
                    await pilot.pause()
                    started = time.perf_counter()
                    box.value = query
                    await pilot.pause()
                    await app.workers.wait_for_complete()
                    await pilot.pause()
                    assert screen.results is not None and screen.results.query == query
                    screen_times.append(time.perf_counter() - started)

    asyncio.run(run())
    return ({"search: one query in memory": query_times, "search: screen, keystroke to results": screen_times,
             "search/patterns: re-check, nothing changed": refresh, "patterns: count over facts": stats},
            {"debriefs read": count, "first read of every debrief (s)": first_read})


def first_paints(root: Path, repeat: int) -> dict[str, list[float]]:
    """Opening the patterns screen until its counts show, and the search screen until it can search
    every debrief (a fresh library each time, as in a new app session)."""
    from debrief.app import create_app
    from debrief.core.review import library
    from debrief.screens.patterns import PatternsScreen
    from debrief.screens.search import SearchScreen

    store = Store.open(root)
    size = f"{len(store.ids()):,}"
    first, whole = f"patterns screen: first paint (counts) at {size}", f"patterns screen: complete at {size}"
    searched = f"search screen: first paint at {size}"
    times: dict[str, list[float]] = {first: [], whole: [], searched: []}

    async def run() -> None:
        app = create_app(store, settings_path=Path(store.root.parent / "bench-settings.json"), today=TODAY)
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            for attempt in range(repeat + 1):
                library._LIBRARIES.clear()
                started = time.perf_counter()
                app.open_patterns()
                # Until the counts are on the screen (the follow-ups may still be worked out).
                while not (isinstance(app.screen, PatternsScreen) and app.screen.painted):
                    await asyncio.sleep(0.002)
                if attempt:
                    times[first].append(time.perf_counter() - started)
                while not (isinstance(app.screen, PatternsScreen) and app.screen.stats is not None):
                    await asyncio.sleep(0.002)
                await pilot.pause()
                if attempt:
                    times[whole].append(time.perf_counter() - started)
                app.pop_screen()
                await pilot.pause()
                started = time.perf_counter()
                app.open_search()
                while not (isinstance(app.screen, SearchScreen) and app.screen.ready):
                    await asyncio.sleep(0.002)
                await pilot.pause()
                if attempt:
                    times[searched].append(time.perf_counter() - started)
                app.pop_screen()
                await pilot.pause()

    asyncio.run(run())
    return times


def scale(sizes: list[int], repeat: int) -> None:
    """``stats`` and ``search`` as whole commands at each size, and the ratio to one debrief."""
    rows = []
    base: dict[str, float] = {}
    for size in sizes:
        root = demo_db(size)
        worked_out = fresh_cache(root)
        medians = {}
        for name, args in (("stats", ("stats", "--format", "json")), ("search", ("search", "price"))):
            run_command(*args, "--db", str(root))  # warm the page cache
            medians[name] = median_ms([run_command(*args, "--db", str(root)) for _ in range(repeat)])
            base.setdefault(name, medians[name])
        rows.append([f"{size:,}", f"{medians['stats']:.0f}", f"{medians['stats'] / base['stats']:.2f}x",
                     f"{medians['search']:.0f}", f"{medians['search'] / base['search']:.2f}x",
                     f"{worked_out:,}"])
    print("Whole commands, a fresh process each (median of "
          f"{repeat}); ratio to the first size; budget <= 2x up to 10,000, < 1 s at 100,000")
    print(table(["debriefs", "stats ms", "ratio", "search price ms", "ratio", "rows cached first"], rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--scale", default="1,1000,10000,100000",
                        help="sizes for the whole-command runs ('' to skip them)")
    args = parser.parse_args()
    if args.scale:
        scale([int(size) for size in args.scale.split(",")], 5)
        print()

    root = copy_db(demo_db(args.size))
    try:
        store = Store.open(root)
        ids = [store.add(debrief).id for debrief in forty_question_debriefs()]
        results = bench_compare(store, ids, args.repeat)
        search_results, facts = bench_search(store, args.repeat)
        results.update(search_results)
        fresh_cache(root)
        results.update(first_paints(root, 5))
        stats_command = [run_command("stats", "--format", "json", "--db", str(root)) for _ in range(3)]
        compare_command = [run_command("compare", *ids, "--db", str(root)) for _ in range(5)]
        results["debrief stats --format json (whole command)"] = stats_command
        results["debrief compare 4x40 (whole command)"] = compare_command
    finally:
        shutil.rmtree(root.parent, ignore_errors=True)

    rows = [[name, f"{median_ms(times):.1f}", f"{p95_ms(times):.1f}", str(len(times))]
            for name, times in results.items()]
    print(f"Review at {args.size:,} demo debriefs (+4 of 40 questions)")
    print(table(["measurement", "median ms", "p95 ms", "runs"], rows))
    print(f"first read of every debrief for search and patterns: {facts['first read of every debrief (s)']:.2f} s "
          f"({int(facts['debriefs read']):,} debriefs, once per app session; later looks re-read only changes)")
    compare_ms = median_ms(results["compare: read 4 + align + lay out + draw the grid"])
    search_ms = median_ms(results["search: one query in memory"])
    print(f"budget: compare four of 40 questions < {BUDGET_MS} ms: {compare_ms:.1f} ms "
          f"{'OK' if compare_ms < BUDGET_MS else 'OVER'}; search < {BUDGET_MS} ms median: {search_ms:.1f} ms "
          f"{'OK' if search_ms < BUDGET_MS else 'OVER'}")


if __name__ == "__main__":
    main()
