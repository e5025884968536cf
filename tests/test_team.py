"""Team commands through the real ``debrief`` command and real git: join, share, list, status,
pooled review, and teammates' files as the untrusted input they are."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import orjson

from debrief.app import DebriefApp
from debrief.core.store import Store
from debrief.core.team.pool import teammates
from debrief.core.team.repo import Team, ago, rep_folder, sync_line
from debrief.core.team.share_format import SHARE_FORMAT, read_share
from debrief.widgets.keys import key
from tests.pilot_helpers import settle
from tests.team_helpers import Rep, bare_remote, git, make_rep, private_debrief


def test_join_share_list_status_unshare(tmp_path: Path) -> None:
    remote = bare_remote(tmp_path)
    ana = make_rep(tmp_path, "Ana López")
    joined = ana.ok("team", "join", str(remote), "--as", "Ana López")
    assert "reps/ana-lopez/" in joined and ana.db.name == "db-ana-lópez"
    assert (ana.clone / ".git").is_dir() and oct(ana.clone.stat().st_mode & 0o777) == "0o700"
    bob = make_rep(tmp_path, "Bob", remote)
    ana.ok("demo", "--count", "3", "--seed", "5")
    ids = ana.ids()
    ana.ok("team", "share", *ids[:2])
    assert json.loads(ana.ok("team", "status", "--format", "json", "--offline"))["pending"] == 2
    assert "synced: 2 changes of yours delivered" in ana.ok("team", "sync")
    assert "2 teammate files received" in bob.ok("team", "sync")

    listed = json.loads(bob.ok("team", "list", "--format", "json"))
    assert [row["ref"] for row in listed] == [f"ana-lopez/{i}" for i in sorted(ids[:2])]
    assert {row["rep"] for row in listed} == {"Ana López"}
    assert all(not row["with_contact"] for row in listed)
    table = bob.ok("team", "list")
    assert f"ana-lopez/{ids[0]}" in table or f"ana-lopez/{sorted(ids[:2])[0]}" in table

    status = json.loads(bob.ok("team", "status", "--format", "json"))
    assert status | {"last_sync": None} == {
        "rep": "Bob", "folder": "bob", "remote": str(remote), "shared": 0, "pending": 0, "behind": 0,
        "last_sync": None, "last_result": "delivered", "teammate_debriefs": 2}
    ana.ok("team", "unshare", ids[0])
    assert json.loads(ana.ok("team", "status", "--format", "json"))["pending"] == 1
    ana.ok("team", "sync")
    text = bob.ok("team", "status")
    assert "behind:    1" in text  # fetched, not yet synced
    bob.ok("team", "sync")
    assert [row["id"] for row in json.loads(bob.ok("team", "list", "--format", "json"))] == [ids[1]]
    # Unsharing what is not shared is "not found".
    missing = ana.run("team", "unshare", ids[2])
    assert missing.returncode == 1 and "not shared" in missing.stderr


def test_bad_input_is_one_line(tmp_path: Path) -> None:
    ana = make_rep(tmp_path, "Ana")
    not_joined = ana.run("team", "sync")
    assert not_joined.returncode == 2 and "team join" in not_joined.stderr
    for args in (("stats", "--team"), ("search", "--team", "price"), ("compare", "aaaaaa", "bob/aaaaaa")):
        done = ana.run(*args)
        assert done.returncode in (1, 2) and "Traceback" not in done.stderr and len(done.stderr.splitlines()) == 1
    nowhere = ana.run("team", "join", str(tmp_path / "no-such.git"), "--as", "Ana")
    assert nowhere.returncode == 2 and "cannot clone" in nowhere.stderr
    assert not ana.clone.exists()
    remote = bare_remote(tmp_path)
    assert ana.run("team", "join", str(remote), "--as", "  ").returncode == 2
    assert ana.run("team", "join", str(remote), "--as", "!!!").returncode == 2
    ana.ok("team", "join", str(remote), "--as", "Ana")
    again = ana.run("team", "join", str(remote), "--as", "Ana")
    assert again.returncode == 2 and "already joined" in again.stderr
    assert ana.run("team", "share", "zzzzzz").returncode == 1
    assert ana.run("team", "share", "../../etc").returncode == 2
    for done in (not_joined, nowhere, again):
        assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_rejoining_keeps_the_reps_shares(tmp_path: Path) -> None:
    remote = bare_remote(tmp_path)
    ana = make_rep(tmp_path, "Ana", remote)
    ana.ok("demo", "--count", "2", "--seed", "1")
    ana.ok("team", "share", *ana.ids())
    ana.ok("team", "sync")
    # The same rep on a new machine (a new database): their folder is theirs and stays shared.
    again = make_rep(tmp_path, "Ana Again")
    out = again.ok("team", "join", str(remote), "--as", "Ana")
    assert "holds 2 shares already" in out
    again.ok("team", "sync")
    assert sorted(p.stem for p in (again.clone / "reps" / "ana").glob("*.json")) == ana.ids()


def _attack(tmp_path: Path, remote: Path, files: dict[str, bytes], links: dict[str, str]) -> None:
    """A teammate (or anyone with push rights) commits whatever they like, by hand."""
    work = tmp_path / "attacker"
    git("clone", "--quiet", str(remote), str(work), cwd=tmp_path)
    for name, data in files.items():
        path = work / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    for name, target in links.items():
        (work / name).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, work / name)
    git("add", "--all", cwd=work)
    git("commit", "--quiet", "-m", "hostile", cwd=work)
    git("push", "--quiet", "origin", "HEAD:main", cwd=work)


def _share(debrief_doc: dict[str, object], **changes: object) -> bytes:
    return orjson.dumps({"format": SHARE_FORMAT, "version": 1, "rep": "Mallory", "shared_at": "2026-11-20T10:00:00",
                         "with_contact": False, "debrief": debrief_doc, **changes})


def test_hostile_teammate_files_are_skipped_with_one_line_each(tmp_path: Path) -> None:
    remote = bare_remote(tmp_path)
    ana = make_rep(tmp_path, "Ana", remote)
    ana.ok("team", "sync")
    secret = tmp_path / "secret.txt"
    secret.write_text("the rep's private file")
    good = private_debrief("[@click=app.quit] Acme [/b] \x1b]0;pwned\x07Corp").to_json()
    good["impressions"] = "[bold red]loud[/] \x1b[2J\x1b]52;c;aGk=\x07 done"
    wrong_types = {**private_debrief().to_json(), "company": 123, "answers": []}
    huge = _share({**private_debrief().to_json(), "impressions": "x" * (5 * 1024 * 1024)})
    ids = [str(doc["id"]) for doc in (good, wrong_types)]
    other = private_debrief()
    files = {
        f"reps/mallory/{ids[0]}.json": _share(good),
        f"reps/mallory/{ids[1]}.json": _share(wrong_types),
        f"reps/mallory/{other.id}.json": huge,
        "reps/mallory/aaaaaa.json": b"{not json",
        "reps/mallory/bbbbbb.json": _share(other.to_json(), version=99),
        "reps/mallory/cccccc.json": _share(other.to_json()),  # holds another id than its name
        "reps/mallory/notes.txt": b"ignored: not a share",
    }
    _attack(tmp_path, remote, files, {"reps/mallory/dddddd.json": str(secret), "reps/eve": str(tmp_path)})
    ana.ok("team", "sync")
    done = ana.run("team", "list", "--format", "json")
    assert done.returncode == 0
    rows = json.loads(done.stdout)
    assert [row["id"] for row in rows] == [ids[0]]
    assert rows[0]["company"] == "[@click=app.quit] Acme [/b] Corp"
    assert "\x1b" not in done.stdout and "\x07" not in done.stdout and "private file" not in done.stdout
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 7, lines
    assert all(line.startswith("debrief: skipped team file reps/") for line in lines)
    said = "\n".join(lines)
    for name in (ids[1], other.id, "aaaaaa", "bbbbbb", "cccccc", "dddddd"):
        assert f"reps/mallory/{name}.json" in said
    assert "reps/eve" in said and "too large" in said and "symbolic link" in said and "version 99" in said
    table = ana.run("team", "list")
    assert "\x1b" not in table.stdout and "[@click=app.quit] Acme [/b]" in table.stdout
    # Read-only: a teammate's debrief never enters the database.
    assert ana.ids() == []
    assert ana.run("show", ids[0]).returncode == 1


def test_pooled_stats_search_and_compare(tmp_path: Path) -> None:
    remote = bare_remote(tmp_path)
    ana, bob = make_rep(tmp_path, "Ana", remote), make_rep(tmp_path, "Bob", remote)
    ana.ok("demo", "--count", "4", "--seed", "3")
    bob.ok("demo", "--count", "6", "--seed", "4")
    mine = private_debrief("Zebrafish Labs")
    ana.store().put(mine)
    bob.ok("team", "share", *bob.ids())
    bob.ok("team", "sync")
    ana.ok("team", "sync")
    own = json.loads(ana.ok("stats", "--format", "json"))
    pooled = json.loads(ana.ok("stats", "--team", "--format", "json"))
    assert own["total"] == 5 and pooled["total"] == 11
    assert [{key: row[key] for key in ("rep", "folder", "debriefs", "own")} for row in pooled["team"]["reps"]] == [
        {"rep": "Ana", "folder": "ana", "debriefs": 5, "own": True},
        {"rep": "Bob", "folder": "bob", "debriefs": 6, "own": False}]
    top = pooled["team"]["reps"][0]["top_reasons"]
    assert 1 <= len(top) <= 3 and top[0]["count"] == max(row["count"] for row in own["reasons"])
    assert [row["count"] for row in top] == sorted((row["count"] for row in top), reverse=True)
    # A teammate's follow-ups are never the rep's due items.
    due_ids = {row["id"] for key in ("due", "to_schedule", "calls_today", "move_on", "overdue_items")
               for row in pooled["follow_ups"][key]}
    assert all("/" not in debrief_id for debrief_id in due_ids)
    assert "Team pool: you (Ana) 5, bob 6" in ana.ok("stats", "--team")
    # Search: the teammates' words too, named rep/id.
    word = "the"
    hits = json.loads(ana.ok("search", "--team", "--format", "json", "--limit", "100", word))
    found = {hit["id"] for hit in hits["hits"]}
    assert any(hit.startswith("bob/") for hit in found)
    # Compare: one's own beside a teammate's.
    theirs = f"bob/{bob.ids()[0]}"
    side = json.loads(ana.ok("compare", mine.id, theirs, "--format", "json"))
    assert [column["id"] for column in side["debriefs"]] == [mine.id, bob.ids()[0]]
    wrong = ana.run("compare", mine.id, "bob/zzzzzz")
    assert wrong.returncode == 2 and "no shared debrief bob/zzzzzz" in wrong.stderr


def test_core_helpers(tmp_path: Path) -> None:
    assert rep_folder("Ana López") == "ana-lopez" and rep_folder("Анна") == "анна"
    assert ago("2026-11-23T10:00:00", now=__import__("datetime").datetime(2026, 11, 23, 10, 10)) == "10 min ago"
    remote = bare_remote(tmp_path)
    ana = make_rep(tmp_path, "Ana", remote)
    store = ana.store()
    assert sync_line(tmp_path / "nowhere", store) is None
    assert sync_line(ana.db, store) == "team: all shared, never synced"
    debrief = private_debrief()
    store.put(debrief)
    Team(ana.db).share(store, [debrief.id], with_contact=False)
    assert sync_line(ana.db, store) == "team: 1 to share, never synced"
    own = read_share(ana.clone / "reps" / "ana" / f"{debrief.id}.json", "ana")
    assert own.ref == f"ana/{debrief.id}" and own.debrief.contact.name == "the contact"
    assert teammates(ana.clone, "ana") == []


async def test_home_shows_sync_state_and_syncs_on_its_key(tmp_path: Path, store: Store,
                                                          make_app: Callable[..., DebriefApp]) -> None:
    remote = bare_remote(tmp_path)
    ana = Rep("Ana", store.root)
    ana.ok("team", "join", str(remote), "--as", "Ana")
    debrief = private_debrief()
    store.put(debrief)
    Team(store.root).share(store, [debrief.id], with_contact=False)
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert "team: 1 to share, never synced" in str(screen.query_one("#home-stats").render())
        assert screen.check_action("sync", ()) is True
        await pilot.press(key(screen, "home.sync"))
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert "team: all shared, last sync just now" in str(screen.query_one("#home-stats").render())
    assert git("ls-tree", "-r", "--name-only", "main", cwd=remote).split() == [f"reps/ana/{debrief.id}.json"]


async def test_home_offers_no_sync_without_a_team(make_app: Callable[..., DebriefApp]) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.screen.check_action("sync", ()) is False
        assert "team:" not in str(app.screen.query_one("#home-stats").render())


async def test_patterns_toggle_pools_the_team(tmp_path: Path, store: Store,
                                              make_app: Callable[..., DebriefApp]) -> None:
    from debrief.screens.patterns import PatternsScreen

    remote = bare_remote(tmp_path)
    bob = make_rep(tmp_path, "Bob", remote)
    bob.ok("demo", "--count", "3", "--seed", "8")
    bob.ok("team", "share", *bob.ids())
    bob.ok("team", "sync")
    ana = Rep("Ana", store.root)
    ana.ok("team", "join", str(remote), "--as", "Ana")
    store.put(private_debrief())
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_patterns()
        await app.workers.wait_for_complete()
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PatternsScreen) and screen.stats is not None
        assert screen.stats.total == 1 and screen.check_action("team", ()) is True
        await pilot.press(key(screen, "patterns.team"))
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert screen.stats.total == 4
        assert "Team pool: you 1, Bob 3." in str(screen.query_one("#patterns-summary").render())
        assert all("/" not in entry.id for entry in screen.stats.follow_ups.due)
        await pilot.press(key(screen, "patterns.team"))
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert screen.stats.total == 1


def _pooled_both_ways(ana: Rep) -> tuple[object, object]:
    """Teammates' pooled patterns through their facts cache, and by reading every share file."""
    from collections import Counter
    from datetime import date

    from debrief.core.review.stats import Tally, finish
    from debrief.core.team.pool import read_team, rep_counts, team_facts

    today, said_cached, said_full = date(2026, 11, 23), [], []
    cached = read_team(ana.db, ana.clone, "ana", today, lambda path, why: said_cached.append(path))
    shares = teammates(ana.clone, "ana", lambda path, why: said_full.append(path))
    theirs = team_facts(shares)
    heard: dict[str, Counter[str]] = {}
    for facts in theirs:
        heard.setdefault(facts.id.partition("/")[0], Counter()).update(set(facts.buyer))
    full_tally = Tally.of(theirs)
    return (
        (finish(cached.tally, today).to_json(), cached.counts("Ana", "ana", 0),
         {folder: reasons for folder, (_, _, reasons) in cached.reps.items()}, sorted(said_cached)),
        (finish(full_tally, today).to_json(), rep_counts("Ana", "ana", 0, shares), heard, sorted(said_full)))


def test_team_facts_cache_answers_as_reading_every_share(tmp_path: Path) -> None:
    from debrief.core.review.facts_cache import read_facts
    from debrief.core.team.pool import TeamSource, team_cache

    remote = bare_remote(tmp_path)
    ana, bob, cy = (make_rep(tmp_path, name, remote) for name in ("Ana", "Bob", "Cy Young"))
    bob.ok("demo", "--count", "8", "--seed", "11")
    cy.ok("demo", "--count", "5", "--seed", "12")
    bob.ok("team", "share", *bob.ids())
    cy.ok("team", "share", *cy.ids())
    bob.ok("team", "sync")
    cy.ok("team", "sync")
    ana.ok("demo", "--count", "2", "--seed", "13")
    ana.ok("team", "sync")  # the sync brings the teammates' cache up to date
    cache = team_cache(ana.db)
    assert cache.path.is_file() and not str(cache.path).startswith(str(ana.clone))
    assert read_facts(TeamSource(ana.clone, "ana"), cache).read_from_files == 0
    cached, full = _pooled_both_ways(ana)
    assert cached == full and full[1][2].rep == "Cy Young" and full[1][1].debriefs == 8  # type: ignore[index]

    # Teammates change a share, add one and take one back; git brings it without debrief (stale rows).
    store = bob.store()
    changed = store.get(bob.ids()[0])
    changed.lost_to = "Brandnewco"
    changed.answer("custom-why").tags = ["timing"]
    store.put(changed)
    bob.ok("team", "share", changed.id)
    before = bob.ids()
    bob.ok("demo", "--count", "1", "--seed", "14")
    (added,) = set(bob.ids()) - set(before)
    bob.ok("team", "share", added)
    bob.ok("team", "unshare", next(i for i in before if i != changed.id))
    bob.ok("team", "sync")
    git("-c", "pull.rebase=true", "pull", "--quiet", "origin", "main", cwd=ana.clone)
    (ana.clone / "reps" / "cy-young" / "aaaaaa.json").write_text("{ not json")
    assert read_facts(TeamSource(ana.clone, "ana"), cache).read_from_files == 3  # changed, added, bad
    cached, full = _pooled_both_ways(ana)
    assert cached == full and full[3] == ["reps/cy-young/aaaaaa.json"]  # type: ignore[index]
    assert full[1][1].debriefs == 8 and "Brandnewco" in json.dumps(full[0])  # type: ignore[index]
    (ana.clone / "reps" / "cy-young" / "aaaaaa.json").unlink()
    # The next sync writes the new rows and drops the removed one: nothing is read from files then.
    ana.ok("team", "sync")
    assert read_facts(TeamSource(ana.clone, "ana"), cache).read_from_files == 0
    cached, full = _pooled_both_ways(ana)
    assert cached == full
    # A damaged cache file: repair rebuilds the teammates' cache beside the database's own.
    cache.path.write_bytes(b"not a database")
    assert read_facts(TeamSource(ana.clone, "ana"), cache).read_from_files == len(teammates(ana.clone, "ana"))
    said = ana.ok("repair")
    assert f"teammates' facts cache rebuilt: {len(teammates(ana.clone, 'ana'))} shared debriefs" in said
    assert f"facts cache rebuilt: {len(ana.ids())} debriefs" in said
    assert read_facts(TeamSource(ana.clone, "ana"), cache).read_from_files == 0
    assert _pooled_both_ways(ana)[0] == full
    # The whole command: the pooled search lists what reading every file lists, in the same order.
    import dataclasses

    from debrief.core.review.search import search, search_doc

    pool = [dataclasses.replace(search_doc(share.debrief), id=share.ref) for share in teammates(ana.clone, "ana")]
    expected = search([search_doc(ana.store().get(i)) for i in ana.ids()] + pool, "the", limit=5)
    hits = json.loads(ana.ok("search", "--team", "--format", "json", "--limit", "5", "the"))
    assert [hit["id"] for hit in hits["hits"]] == [hit.doc.id for hit in expected.hits]
    assert hits["total"] == expected.total > 5
