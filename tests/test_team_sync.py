"""``team sync`` with real git: several reps at once, offline, and a conflict nobody has to settle."""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path

from debrief.core.demo import demo_debriefs
from debrief.core.store import Store
from debrief.core.team.repo import Team
from tests.team_helpers import Rep, bare_remote, git, make_rep, private_debrief


def _assert_clean(clone: Path) -> None:
    assert git("status", "--porcelain", cwd=clone) == ""
    for leftover in ("rebase-merge", "rebase-apply", "MERGE_HEAD", "CHERRY_PICK_HEAD"):
        assert not (clone / ".git" / leftover).exists(), leftover


def test_three_reps_sharing_100_each_sync_concurrently(tmp_path: Path) -> None:
    remote = bare_remote(tmp_path)
    reps = [make_rep(tmp_path, name, remote) for name in ("Ana", "Bob", "Carla")]
    for number, rep in enumerate(reps):  # written directly: the syncs are what runs as commands
        rep.store().put_many(demo_debriefs(100, seed=number), durable=False)
    ids = {rep.name: rep.ids() for rep in reps}
    failures: list[str] = []

    def work(rep: Rep) -> None:
        try:
            mine = ids[rep.name]
            for start in range(0, 100, 34):  # share a third, sync; three rounds, all reps at once
                Team(rep.db).share(rep.store(), mine[start:start + 34], with_contact=False)
                out = rep.ok("team", "sync")
                assert out.startswith("synced:"), out
        except AssertionError as error:  # reported by the main thread
            failures.append(f"{rep.name}: {error}")

    threads = [threading.Thread(target=work, args=(rep,)) for rep in reps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not failures, failures
    for rep in reps:  # one more round, so each has what the last pusher sent
        rep.ok("team", "sync")

    for rep in reps:
        for other in reps:
            folder = rep.clone / "reps" / other.name.lower()
            assert sorted(path.stem for path in folder.glob("*.json")) == ids[other.name]
        _assert_clean(rep.clone)
        assert json.loads(rep.ok("team", "status", "--format", "json"))["pending"] == 0
    # No file of one rep was ever changed by another: every commit touches its author's folder only.
    log = git("log", "--all", "--name-only", "--format=@%an", cwd=remote)
    author = ""
    commits = 0
    for line in log.splitlines():
        if line.startswith("@"):
            author, commits = line[1:], commits + 1
        elif line:
            assert line.startswith(f"reps/{author.lower()}/"), (author, line)
    assert commits >= 9
    # The pooled view sees all 300.
    assert json.loads(reps[0].ok("stats", "--team", "--format", "json"))["total"] == 300


def test_offline_shares_wait_and_the_next_sync_delivers(tmp_path: Path) -> None:
    remote = bare_remote(tmp_path)
    ana, bob = make_rep(tmp_path, "Ana", remote), make_rep(tmp_path, "Bob", remote)
    ana.ok("demo", "--count", "3", "--seed", "2")
    ana.ok("team", "share", *ana.ids())
    away = remote.with_name("moved-away.git")
    remote.rename(away)
    out = ana.ok("team", "sync")  # exit 0: nothing is lost, the shares wait
    assert "offline:" in out and "3 changes to share wait in the team clone" in out
    assert json.loads(ana.ok("team", "status", "--format", "json"))["behind"] is None
    assert json.loads(ana.ok("team", "status", "--format", "json", "--offline"))["pending"] == 3
    # Still offline, a debrief edited meanwhile: it waits too, and goes out in its newest form.
    first = ana.ids()[0]
    ana.store().update(first, lambda d: setattr(d, "impressions", "Edited while offline."))
    assert "offline:" in ana.ok("team", "sync")
    away.rename(remote)
    assert "synced: 3 changes of yours delivered" in ana.ok("team", "sync")
    assert json.loads(ana.ok("team", "status", "--format", "json"))["pending"] == 0
    bob.ok("team", "sync")
    listed = {row["id"]: row for row in json.loads(bob.ok("team", "list", "--format", "json"))}
    assert sorted(listed) == ana.ids()
    shared = json.loads((bob.clone / "reps" / "ana" / f"{first}.json").read_text())
    assert shared["debrief"]["impressions"] == "Edited while offline."
    _assert_clean(ana.clone)


def test_a_conflict_in_ones_own_folder_is_settled_ours(tmp_path: Path) -> None:
    """The same name joined from two databases, the same debrief edited in both: rebase cannot
    apply, so the sync merges, keeps its own side of its folder, and leaves nothing to settle."""
    remote = bare_remote(tmp_path)
    first, second = make_rep(tmp_path, "Ana", remote), make_rep(tmp_path, "Ana Laptop")
    debrief = private_debrief()
    first.store().put(debrief)
    first.ok("team", "share", debrief.id)
    first.ok("team", "sync")
    second.ok("team", "join", str(remote), "--as", "Ana")
    copy = debrief.model_copy(deep=True)
    copy.impressions = "Written on the laptop."
    Store.open(second.db).put(copy)
    second.ok("team", "share", debrief.id)
    first.store().update(debrief.id, lambda d: setattr(d, "impressions", "Written on the desktop."))
    first.ok("team", "sync")
    out = second.ok("team", "sync")
    assert "yours were kept" in out and out.strip().endswith("received")
    _assert_clean(second.clone)
    path = f"reps/ana/{debrief.id}.json"
    on_remote = json.loads(git("show", f"main:{path}", cwd=remote))
    assert on_remote["debrief"]["impressions"] == "Written on the laptop."
    first.ok("team", "sync")
    _assert_clean(first.clone)


def test_a_bank_pushed_by_one_rep_reaches_anothers_banks(tmp_path: Path) -> None:
    remote = bare_remote(tmp_path)
    ana, bob = make_rep(tmp_path, "Ana", remote), make_rep(tmp_path, "Bob", remote)
    shipped = Path(__file__).parent.parent / "question_banks"
    bank = next(iter(sorted(shipped.glob("*.yaml")))).read_text()
    bank = re.sub(r"(?m)^id: .*$", "id: team-only-bank", bank, count=1)
    assert "\nid: team-only-bank\n" in bank
    (ana.clone / "banks").mkdir()
    (ana.clone / "banks" / "team-only.yaml").write_text(bank)
    git("add", "banks", cwd=ana.clone)
    git("commit", "--quiet", "-m", "A team bank", cwd=ana.clone)
    ana.ok("team", "sync")  # her own commit goes out with the next sync
    assert "team-only-bank" not in bob.ok("banks", "list")
    bob.ok("team", "sync")
    assert "team-only-bank" in bob.ok("banks", "list")


def test_a_sync_commits_nothing_outside_ones_own_folder(tmp_path: Path) -> None:
    remote = bare_remote(tmp_path)
    ana, bob = make_rep(tmp_path, "Ana", remote), make_rep(tmp_path, "Bob", remote)
    theirs = private_debrief()
    bob.store().put(theirs)
    bob.ok("team", "share", theirs.id)
    (bob.clone / "banks").mkdir()
    (bob.clone / "banks" / "team.yaml").write_text("id: team\n")
    git("add", "banks/team.yaml", cwd=bob.clone)
    git("commit", "--quiet", "-m", "A team bank", cwd=bob.clone)
    bob.ok("team", "sync")
    ana.ok("team", "sync")
    # Ana edits the team bank by hand and has not committed it: the sync keeps her edit, unpushed.
    (ana.clone / "banks" / "team.yaml").write_text("id: team\n# Ana's draft\n")
    later = private_debrief("Later Ltd")  # Bob pushes meanwhile: Ana's sync rebases around her edit
    bob.store().put(later)
    bob.ok("team", "share", later.id)
    bob.ok("team", "sync")
    bobs_file = ana.clone / "reps" / "bob" / f"{theirs.id}.json"
    original = bobs_file.read_bytes()
    bobs_file.write_text("tampered")
    (ana.clone / "banks" / "stray.yaml").write_text("id: stray\n")
    git("add", "banks/stray.yaml", cwd=ana.clone)  # staged by hand: the sync still leaves it out
    mine = private_debrief("Mine Inc")
    ana.store().put(mine)
    ana.ok("team", "share", mine.id)
    out = ana.ok("team", "sync")
    assert "left out 1 change outside reps/ana/" in out and "put back 1 teammate file" in out
    assert bobs_file.read_bytes() == original
    assert sorted(git("ls-tree", "-r", "--name-only", "main", cwd=remote).split()) == sorted(
        ["banks/team.yaml", f"reps/ana/{mine.id}.json", f"reps/bob/{theirs.id}.json", f"reps/bob/{later.id}.json"])
    assert git("show", "main:banks/team.yaml", cwd=remote) == "id: team\n"
    assert (ana.clone / "banks" / "team.yaml").read_text() == "id: team\n# Ana's draft\n"
    assert git("show", f"main:reps/bob/{theirs.id}.json", cwd=remote).encode() == original


def test_two_syncs_of_one_database_at_once_take_turns(tmp_path: Path) -> None:
    """The app's sync key and a scheduled ``team sync`` at the same moment: the clone's lock
    makes them take turns, and both finish delivered."""
    remote = bare_remote(tmp_path)
    ana = make_rep(tmp_path, "Ana", remote)
    store = ana.store()
    store.put_many(demo_debriefs(20, seed=4), durable=False)
    team = Team(ana.db)
    team.share(store, store.ids(), with_contact=False)
    reports = []
    threads = [threading.Thread(target=lambda: reports.append(Team(ana.db).sync(Store.open(ana.db))))
               for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(reports) == 2 and all(report.delivered for report in reports)
    assert sorted(report.sent for report in reports) == [0, 20]
    assert len(git("ls-tree", "-r", "--name-only", "main", cwd=remote).split()) == 20
    _assert_clean(ana.clone)
