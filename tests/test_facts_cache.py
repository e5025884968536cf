"""The facts cache: the same answers as reading every debrief file, through stale rows, damage,
other versions, read-only commands and writers killed mid-save; ``repair`` rebuilds it."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import orjson

from debrief.core.demo import demo_debriefs
from debrief.core.model import (
    ActionItem,
    Answer,
    AnswerState,
    Contact,
    Debrief,
    FollowUp,
    Schedule,
    Status,
    StayInTouch,
    Takeaways,
)
from debrief.core.review import facts_of, readable, search, search_doc, stats_of
from debrief.core.review.cached_stats import _count_kept, _count_rows, read_tally
from debrief.core.review.facts_cache import (
    CACHE_NAME,
    FactsCache,
    FilesSource,
    file_stamp,
    read_claim,
    read_facts,
    row_of,
    search_cached,
)
from debrief.core.review.library import write_back
from debrief.core.review.stats import Tally, finish
from debrief.core.store import Store

TODAY = date(2026, 11, 23)
DAYS = (TODAY, TODAY - timedelta(days=200), TODAY + timedelta(days=45), date(2024, 1, 1))
"""What is due and late depends on the day it is asked: the same cache answers for each."""
QUERIES = ("price", "pr", "a", "tradgard", "cost-of-delay", "cost of delay", '"safer bet"', "cfo roadmap",
           "zzzz", "ÄCME", "q", "budget holder", "[b]")
FEW = {"days": DAYS[:2], "queries": ("price", "pr", "cost of delay"), "limits": (100,)}


def varied(count: int) -> list[Debrief]:
    """Hand-made edge cases around every rule stats counts, beside ``count`` demo debriefs."""
    out = list(demo_debriefs(count, seed=11))
    rng = random.Random(3)
    spellings = ["Salesforce", "salesforce", "SALESFORCE", "Trädgård AB", "trädgård ab", "", "[b]Acme[/b]"]
    stages = ["proposal", "Proposal", "", "négociation"]
    for number in range(60):
        lost_on = TODAY - timedelta(days=rng.randint(-5, 400))
        debrief = Debrief(
            company=f"Edge {number} {'Trädgård' if number % 5 == 0 else 'Acme'}", contact=Contact(name="Åsa Öberg"),
            lost_on=lost_on, lost_to=spellings[number % len(spellings)], stage=stages[number % len(stages)],
            value=[None, 0, 1234.56, 48_000, 0.1, 0.2][number % 6],
            status=list(Status)[number % len(Status)], red_flags=["single-threaded", "no-champion"][: number % 3],
            guessed_reasons=[["price"], ["price", "timing"], [], ["features"]][number % 4],
            impressions="They said cost-of-delay mattered; the CFO wanted a safer bet." if number % 3 else "",
            takeaways=Takeaways(next_time="Find the budget holder early." if number % 2 else ""))
        for position in range(number % 4):
            debrief.answers[f"q{position}"] = Answer(
                question_id=f"q{position}", notes=f"Notes {number} about price and Trädgård {position}",
                state=list(AnswerState)[(number + position) % len(AnswerState)],
                tags=[["price"], ["timing", "price"], [], ["competitor"]][(number + position) % 4])
        if number % 4 == 0:
            debrief.action_items = [
                ActionItem(text="Send the case study", due=TODAY - timedelta(days=number % 9 - 4),
                           done=number % 8 == 0),
                ActionItem(text="Send the case study", due=TODAY - timedelta(days=3)),
                ActionItem(text="Call back", due=None)]
        if number % 3 == 0:
            debrief.stay_in_touch = StayInTouch(next_check_in=TODAY + timedelta(days=number % 11 - 5))
        if number % 7 == 0:
            debrief.move_on = TODAY + timedelta(days=number % 3 - 1)
        if number % 6 == 0:
            debrief.follow_ups = [FollowUp(on=TODAY - timedelta(days=number % 4))]
        if number % 5 == 1:
            debrief.schedule = Schedule(at=datetime.combine(TODAY + timedelta(days=number % 3 - 1),
                                                            datetime.min.time()).replace(hour=10))
        out.append(debrief)
    return out


def slow_stats(store: Store, today: date) -> dict[str, object]:
    unreadable: list[str] = []
    return stats_of(readable(store, skipped=lambda i, _r: unreadable.append(i)), today,
                    unreadable=unreadable).to_json()


def fast_stats(store: Store, today: date) -> dict[str, object]:
    tally, unreadable = read_tally(store, store.facts_cache(), today)
    return finish(tally, today, None, unreadable).to_json()


def assert_cache_agrees(store: Store, days: tuple[date, ...] = DAYS, queries: tuple[str, ...] = QUERIES,
                        limits: tuple[int, ...] = (3, 100)) -> None:
    """Every day's stats and every query's results equal the full read of the files."""
    for today in days:
        assert fast_stats(store, today) == slow_stats(store, today), today
    docs = [search_doc(debrief) for debrief in readable(store)]
    for query in queries:
        for limit in limits:
            assert search_cached(store, store.facts_cache(), query, limit).to_json() == \
                search(docs, query, limit=limit).to_json(), (query, limit)


def test_the_cache_answers_as_the_files_do_fresh_stale_and_damaged(store: Store) -> None:
    store.put_many(varied(160), durable=False)
    assert read_facts(store, store.facts_cache()).read_from_files == 0  # every save filled it
    assert_cache_agrees(store)
    ids = store.ids()
    # Behind the cache's back: a file rewritten in place, one deleted, one damaged, one added.
    path = store.root / "debriefs" / f"{ids[0]}.json"
    doc = orjson.loads(path.read_bytes())
    for row in doc["debrief"].values():
        row["lost_to"], row["impressions"] = "Zebra Corp", "a new note about roadmap and cfo"
    path.write_bytes(orjson.dumps(doc))
    (store.root / "debriefs" / f"{ids[1]}.json").unlink()
    (store.root / "debriefs" / f"{ids[2]}.json").write_bytes(b"{not json")
    scratch = Store.open(store.root.parent / "scratch")
    extra = scratch.add(Debrief(company="Sideways", contact=Contact(name="Kim"), lost_to="Zebra Corp",
                                impressions="price"))
    (store.root / "debriefs" / f"{extra.id}.json").write_bytes(
        (scratch.root / "debriefs" / f"{extra.id}.json").read_bytes())
    snapshot = read_facts(store, store.facts_cache())
    assert snapshot.read_from_files == 3 and snapshot.unreadable == [ids[2]]
    assert_cache_agrees(store)
    competitors = fast_stats(store, TODAY)["competitors"]
    assert isinstance(competitors, list)
    assert {"Zebra Corp": 2}.items() <= {row["label"]: row["count"] for row in competitors}.items()


def test_a_damaged_or_foreign_cache_is_read_around_then_rebuilt(store: Store) -> None:
    saved = varied(0)[:30]
    store.put_many(saved)
    cache = store.root / "index" / CACHE_NAME
    for damage in (b"", b"SQLite format 3\x00" + os.urandom(3000), b"not a database at all" * 100):
        cache.write_bytes(damage)
        fresh = Store.open(store.root)
        assert_cache_agrees(fresh, **FEW)  # type: ignore[arg-type]  # readers go to the files
        fresh.update(saved[0].id, lambda d: setattr(d, "impressions", "the price was too high"))
        # The writer started the cache afresh with the row it saved; the rest are read from files.
        assert read_facts(fresh, fresh.facts_cache()).read_from_files == len(saved) - 1
        assert_cache_agrees(fresh, **FEW)  # type: ignore[arg-type]
    # Another version of the cache (a schema change) is no different.
    with sqlite3.connect(cache) as connection:
        connection.execute("UPDATE meta SET value = 'old' WHERE key = 'version'")
    connection.close()
    assert read_facts(Store.open(store.root), FactsCache(cache)).read_from_files == len(saved)
    report = Store.open(store.root).repair()
    assert report.cached == len(saved)
    assert read_facts(store, FactsCache(cache)).read_from_files == 0
    assert_cache_agrees(store)


def test_read_only_commands_leave_a_stale_cache_as_it_is(store: Store, run_cli) -> None:  # type: ignore[no-untyped-def]
    saved = store.add(Debrief(company="Acme", contact=Contact(name="Jane Doe"), impressions="old words"))
    path = store.root / "debriefs" / f"{saved.id}.json"
    doc = orjson.loads(path.read_bytes())
    for row in doc["debrief"].values():
        row["impressions"], row["lost_to"] = "renamed words", "Zebra Corp"
    # Replaced behind the store's back as editors and sync tools do (a new file renamed over it),
    # a little later than the save, so that even a coarse file clock moves the folder's time.
    time.sleep(0.05)
    replacement = store.root.parent / "replacement.json"
    replacement.write_bytes(orjson.dumps(doc))
    os.replace(replacement, path)
    before = {p.name: p.read_bytes() for p in (store.root / "index").iterdir()}
    found = run_cli("search", "renamed", "--format", "json", "--db", str(store.root))
    assert [hit["id"] for hit in json.loads(found.stdout)["hits"]] == [saved.id]
    assert run_cli("search", "old", "--format", "json", "--db", str(store.root)).returncode in (0, 1)
    stats = json.loads(run_cli("stats", "--format", "json", "--db", str(store.root)).stdout)
    assert [row["label"] for row in stats["competitors"]] == ["Zebra Corp"]
    assert {p.name: p.read_bytes() for p in (store.root / "index").iterdir()} == before
    assert read_facts(store, store.facts_cache()).read_from_files == 1  # still stale: nobody wrote


def test_a_second_source_pools_through_the_same_tally(tmp_path: Path) -> None:
    """A team's shared debriefs get a cache file of their own; the tallies add up."""
    mine, theirs = Store.open(tmp_path / "mine"), Store.open(tmp_path / "theirs")
    everything = varied(40)
    mine.put_many(everything[:50], durable=False)
    theirs.put_many(everything[50:], durable=False)
    team_cache = FactsCache(tmp_path / "team-facts.sqlite")
    team_cache.rebuild(theirs)
    assert read_facts(theirs, team_cache).read_from_files == 0
    for today in DAYS:
        tally, _ = read_tally(mine, mine.facts_cache(), today)
        pooled, _ = read_tally(theirs, team_cache, today)
        both = stats_of([*readable(mine), *readable(theirs)], today).to_json()
        assert finish(tally.merge(pooled), today).to_json() == both
        assert finish(Tally.of([]).merge(Tally()), today).total == 0


def test_files_named_otherwise_than_by_id_pool_too(tmp_path: Path) -> None:
    """A folder of shared files named ``rep/id`` (a team's clone) is a source like the store."""
    theirs = Store.open(tmp_path / "theirs")
    theirs.put_many(varied(20), durable=False)
    files = sorted((f"bob/{path.stem}", path) for path in (theirs.root / "debriefs").iterdir())

    def load(path: Path) -> Debrief:
        return theirs.get(path.stem)

    source = FilesSource(lambda: files, load)
    cache = FactsCache(tmp_path / "team" / "facts.sqlite")
    (tmp_path / "team").mkdir()
    assert cache.rebuild(source) == len(files)
    assert read_facts(source, cache).read_from_files == 0
    renamed = [dataclasses.replace(facts_of(debrief), id=f"bob/{debrief.id}") for debrief in readable(theirs)]
    docs = [dataclasses.replace(search_doc(debrief), id=f"bob/{debrief.id}") for debrief in readable(theirs)]
    for today in DAYS:
        tally, _ = read_tally(source, cache, today)
        assert finish(tally, today).to_json() == finish(Tally.of(renamed), today).to_json()
    for query in ("price", "pr", "cost of delay"):
        assert search_cached(source, cache, query).to_json() == search(docs, query).to_json()


WRITER = textwrap.dedent(
    """
    import random, sys, time
    from debrief.core.review.facts_cache import FactsCache
    from debrief.core.store import Store
    record = FactsCache.record
    def slow_record(self, rows, claim=None):
        time.sleep(0.005)  # a slow disk: the kill often lands after the file, before its row
        return record(self, rows, claim)
    FactsCache.record = slow_record
    store = Store.open(sys.argv[1])
    ids = store.ids()
    rng = random.Random(int(sys.argv[2]))
    def change(debrief, number):
        answer = debrief.answer(f"q{number % 3}")
        answer.notes += f" word{number} price"
        answer.tags = [["price"], ["timing"], []][number % 3]
        debrief.lost_to = ["Salesforce", "HubSpot", ""][number % 3]
        debrief.guessed_reasons = [["price"], []][number % 2]
    store.update(ids[0], lambda debrief: change(debrief, 0))  # every module loaded: saves from now on
    print("ready", flush=True)
    number = 0
    while True:
        number += 1
        # Saves that write their row, autosaves that leave it dirty, and the settling of those.
        store.update(rng.choice(ids), lambda debrief: change(debrief, number), settle_facts=number % 3 == 0)
        if number % 5 == 0:
            store.settle_facts()
    """
)


def test_kill_during_saves_leaves_the_facts_consistent_and_repair_rebuilds(store: Store) -> None:
    store.put_many(varied(30), durable=False)
    rng = random.Random(8)
    stale_seen = 0
    for trial in range(10):
        process = subprocess.Popen([sys.executable, "-c", WRITER, str(store.root), str(trial)],
                                   stdout=subprocess.PIPE, text=True)
        assert process.stdout is not None and process.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.05, 0.4))
        process.send_signal(signal.SIGKILL)
        process.communicate()
        reopened = Store.open(store.root)
        stale_seen += read_facts(reopened, reopened.facts_cache()).read_from_files
        assert_cache_agrees(reopened, days=(TODAY,), queries=("price", "word1", "salesforce"), limits=(100,))
    assert stale_seen  # some kill landed between a debrief's file and its row
    report = Store.open(store.root).repair()
    assert report.cached == len(store.ids())
    assert read_facts(store, store.facts_cache()).read_from_files == 0
    assert_cache_agrees(store)


def _claimed(store: Store) -> bool:
    return read_claim(store.root / "index" / CACHE_NAME) == store.folder_state()


def test_the_folder_claim_spares_the_stat_of_every_file_and_only_a_full_writer_makes_it(store: Store) -> None:
    """Saves through the store keep the claim (no file is statted to answer); a file created or
    deleted by another program, or a writer killed between its file and its row, breaks it, and
    then every file's stamp is checked until repair (or a locked full write-back) makes it again.
    An edit in place by another program is not watched under a claim: repair brings it in."""
    saved = varied(0)[:20]
    store.put_many(saved, durable=False)  # a new database: its empty folder was claimed
    store.update(saved[0].id, lambda d: setattr(d, "impressions", "the roadmap slipped"))
    store.delete(saved[1].id)
    assert _claimed(store)
    assert_cache_agrees(store, **FEW)  # type: ignore[arg-type]
    # The counts every save keeps (+1/-1) equal SQL's count over every row.
    with contextlib.closing(sqlite3.connect(store.root / "index" / CACHE_NAME)) as connection:
        kept, counted = Tally(), Tally()
        _count_kept(connection, kept, [], "1")
        _count_rows(connection, counted, "1")
    assert finish(kept, TODAY) == finish(counted, TODAY) and kept.total == len(saved) - 1
    # Another program adds a file: the folder's time moves, the claim no longer holds.
    time.sleep(0.05)
    scratch = Store.open(store.root.parent / "scratch")
    extra = scratch.add(Debrief(company="Sideways", contact=Contact(name="Kim"), impressions="price"))
    os.replace(scratch.root / "debriefs" / f"{extra.id}.json", store.root / "debriefs" / f"{extra.id}.json")
    assert not _claimed(store)
    assert read_facts(store, store.facts_cache()).read_from_files == 1
    assert_cache_agrees(store, **FEW)  # type: ignore[arg-type]
    store.update(saved[2].id, lambda d: setattr(d, "impressions", "cfo said no"))
    assert not _claimed(store)  # a save alone does not vouch for files it did not write
    assert_cache_agrees(store, **FEW)  # type: ignore[arg-type]
    store.repair()
    assert _claimed(store) and read_facts(store, store.facts_cache()).read_from_files == 0
    # A review screen writes back what it read before a save came between: under the lock its
    # stamp is no longer the file's, so that row is dropped and the claim stays.
    before = store.get(saved[4].id)
    stamp = file_stamp(store.root / "debriefs" / f"{saved[4].id}.json")
    assert stamp is not None
    store.update(saved[4].id, lambda d: setattr(d, "lost_to", "Orbit Corp"))
    write_back(store, [row_of(before, stamp)])
    assert _claimed(store)
    assert "Orbit Corp" in {f.lost_to for f in read_facts(store, store.facts_cache()).facts.values()}
    assert_cache_agrees(store, **FEW)  # type: ignore[arg-type]
    # In place, behind the store's back: not seen while the claim holds; repair reads it.
    path = store.root / "debriefs" / f"{saved[3].id}.json"
    doc = orjson.loads(path.read_bytes())
    for row in doc["debrief"].values():
        row["lost_to"] = "Zebra Corp"
    with open(path, "r+b") as handle:
        handle.write(orjson.dumps(doc))
        handle.truncate()
    assert "Zebra Corp" not in {f.lost_to for f in read_facts(store, store.facts_cache()).facts.values()}
    store.repair()
    assert "Zebra Corp" in {f.lost_to for f in read_facts(store, store.facts_cache()).facts.values()}
    assert_cache_agrees(store, **FEW)  # type: ignore[arg-type]


def _dirty(store: Store) -> list[str]:
    with contextlib.closing(sqlite3.connect(store.root / "index" / CACHE_NAME)) as connection:
        return [debrief_id for (debrief_id,) in connection.execute("SELECT id FROM dirty ORDER BY id")]


def test_autosaves_leave_one_row_dirty_that_readers_read_from_its_file_until_it_is_settled(store: Store) -> None:
    """An autosave writes the file and moves the claim, nothing more: readers trust every other row
    and read the dirty one from its file (stats, patterns and search agree with the files), the
    first save of a debrief marks it and the next ones cost no mark; settling writes the row."""
    saved = varied(0)[:12]
    store.put_many(saved, durable=False)
    target = saved[5].id
    marks = []
    mark = FactsCache.mark

    def counting_mark(self: FactsCache, debrief_ids: list[str], state: str | None) -> bool:
        marks.append(list(debrief_ids))
        return mark(self, debrief_ids, state)

    FactsCache.mark = counting_mark  # type: ignore[method-assign]
    try:
        for number in range(4):
            store.update(target, lambda d, n=number: setattr(d.answer("q1"), "notes", f"she said budget{n} froze"),
                         settle_facts=False)
    finally:
        FactsCache.mark = mark  # type: ignore[method-assign]
    assert marks == [[target]] * 4 and _dirty(store) == [target] and _claimed(store)
    snapshot = read_facts(store, store.facts_cache(), docs=True)
    assert snapshot.read_from_files == 1 and "budget3 froze" in snapshot.docs[target].blob
    assert_cache_agrees(store, **FEW)  # type: ignore[arg-type]
    assert search_cached(store, store.facts_cache(), "budget3").total == 1
    assert search_cached(store, store.facts_cache(), "budget2").total == 0
    # A second debrief left dirty beside a deleted one: both answered from the files.
    store.update(saved[6].id, lambda d: setattr(d, "lost_to", "Orbit Corp"), settle_facts=False)
    store.delete(saved[7].id)
    assert _claimed(store) and _dirty(store) == sorted([target, saved[6].id])
    assert_cache_agrees(store, **FEW)  # type: ignore[arg-type]
    assert store.settle_facts() == 2
    assert _dirty(store) == [] and _claimed(store)
    assert read_facts(store, store.facts_cache()).read_from_files == 0
    assert_cache_agrees(store, **FEW)  # type: ignore[arg-type]


def test_the_patterns_screens_complete_write_back_makes_the_claim_again(store: Store) -> None:
    """Once the claim is lost (another program added one file and removed another), the patterns
    screen's count reads every file; having brought the stale rows in, with no write in between, it
    drops the rows whose file is gone and makes the claim again: the next reader reads no file."""
    from functools import partial

    from debrief.core.review.library import claim_after_write_back

    saved = varied(0)[:10]
    store.put_many(saved, durable=False)
    scratch = Store.open(store.root.parent / "scratch")
    extra = scratch.add(Debrief(company="Sideways", contact=Contact(name="Kim"), impressions="price"))
    os.replace(scratch.root / "debriefs" / f"{extra.id}.json", store.root / "debriefs" / f"{extra.id}.json")
    (store.root / "debriefs" / f"{saved[0].id}.json").unlink()
    past = time.time_ns() - 10_000_000_000  # the outside change settled a while ago
    os.utime(store.root / "debriefs", ns=(past, past))
    assert not _claimed(store)

    def count() -> None:
        read_tally(store, store.facts_cache(), TODAY, write_back=partial(write_back, store),
                   complete=partial(claim_after_write_back, store))

    count()
    assert _claimed(store)
    assert read_facts(store, store.facts_cache()).read_from_files == 0
    assert saved[0].id not in store.facts_cache().stored() and extra.id in store.facts_cache().stored()
    assert_cache_agrees(store, **FEW)  # type: ignore[arg-type]
    # A folder that changed a moment ago is not claimed (a coarse clock could hide a change).
    (store.root / "debriefs" / f"{saved[1].id}.json").unlink()
    count()
    assert not _claimed(store)
    assert_cache_agrees(store, **FEW)  # type: ignore[arg-type]
