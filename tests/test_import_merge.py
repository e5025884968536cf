"""``debrief import``: bounded, validated whole (all or nothing), merged without erasing anything,
and idempotent; ``debrief export`` leaves a damaged debrief out and stays importable."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from debrief.core.exchange import JOINED, MAX_IMPORT_BYTES, merge_one, read_export
from debrief.core.model import ActionItem, Contact, Debrief, FollowUp, Status
from debrief.core.store import Store


def database_bytes(root: Path) -> dict[str, bytes]:
    """Every file of the database and its bytes (the lock file aside: taking it is not writing)."""
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*"))
            if path.is_file() and path.name != "lock"}


def export_file(path: Path, docs: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps({"format": "debrief-export", "schema_version": 2, "debriefs": docs}))
    return path


def stored_debrief(store: Store, **changes: Any) -> Debrief:
    debrief = Debrief(company="Acme", contact=Contact(name="Jane Doe", role="CFO"), lost_on=date(2026, 10, 1),
                      updated_at=datetime(2026, 10, 2, 9, 0))
    debrief.answer("decision-factors").notes = "Price was the issue."
    for key, value in changes.items():
        setattr(debrief, key, value)
    store.put(debrief)
    return store.get(debrief.id)


def test_a_bad_entry_refuses_the_whole_file_naming_its_path(run_cli, store: Store, db_path: Path,  # type: ignore[no-untyped-def]
                                                           tmp_path: Path) -> None:
    stored_debrief(store)
    before = database_bytes(db_path)
    good = Debrief(company="Good Co", contact=Contact(name="Pat Lee")).to_json()
    for bad, path in (({**good, "id": "NOT-AN-ID"}, "debriefs[1].id"),
                      ({**good, "contact": {"name": "Pat", "email": "x" * 400}}, "debriefs[1].contact.email"),
                      ({**good, "answers": {"q1": {"question_id": "q1", "seconds": -1}}},
                       "debriefs[1].answers.q1.seconds"),
                      ({**good, "action_items": [{"text": "ok"}, {"text": ""}]}, "debriefs[1].action_items[1].text"),
                      ({**good, "schema_version": 99}, "debriefs[1]: written by a newer debrief")):
        first = {**good, "id": "abcdef"}
        result = run_cli("import", str(export_file(tmp_path / "in.json", [first, bad, good])))
        assert result.returncode == 2, result.stderr
        assert path in result.stderr and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
        assert database_bytes(db_path) == before  # nothing written, not even the good first one


def test_an_endless_or_huge_file_stops_at_the_bound(run_cli, store: Store, db_path: Path,  # type: ignore[no-untyped-def]
                                                    tmp_path: Path) -> None:
    before = database_bytes(db_path)
    huge = tmp_path / "huge.json"
    with open(huge, "wb") as handle:
        handle.truncate(MAX_IMPORT_BYTES + 1)  # a real file one byte over (sparse: no 256 MB written)
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    feeder = subprocess.Popen(["sh", "-c", f"head -c {MAX_IMPORT_BYTES + 4096} /dev/zero > {fifo}"])
    try:
        for source in (str(huge), "/dev/zero", str(fifo)):
            result = run_cli("import", source)
            assert result.returncode == 2, (source, result.stderr)
            assert "too large" in result.stderr and result.stderr.count("\n") == 1
    finally:
        feeder.kill()
        feeder.wait()
    assert database_bytes(db_path) == before


def test_import_never_erases_stored_text_even_from_a_newer_copy(run_cli, store: Store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    mine = stored_debrief(store, impressions="They liked the demo.")
    newer = mine.to_json()
    newer["updated_at"] = "2026-10-20T09:00:00"
    newer["impressions"] = ""
    newer["answers"] = {}
    newer["contact"]["role"] = ""
    newer["value"] = 52_000  # a number: the copy edited last wins
    result = run_cli("import", str(export_file(tmp_path / "in.json", [newer])))
    assert result.returncode == 0, result.stderr
    after = store.get(mine.id)
    assert after.impressions == "They liked the demo."
    assert after.answers["decision-factors"].notes == "Price was the issue."
    assert after.contact.role == "CFO"
    assert after.value == 52_000
    assert after.updated_at == datetime(2026, 10, 20, 9, 0)


def test_a_text_changed_on_both_sides_keeps_both_and_says_so(run_cli, store: Store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    mine = stored_debrief(store)
    theirs = mine.to_json()
    theirs["answers"]["decision-factors"]["notes"] = "Timing was the issue."
    theirs["company"] = "Acme Europe"  # holds the stored text: the fuller one is kept, nothing joined
    theirs["contact"]["role"] = "Finance lead"
    result = run_cli("import", str(export_file(tmp_path / "in.json", [theirs])))
    assert result.returncode == 0, result.stderr
    after = store.get(mine.id)
    assert after.answers["decision-factors"].notes == f"Price was the issue.\n\n{JOINED} Timing was the issue."
    assert after.contact.role == f"CFO {JOINED} Finance lead"  # single-line: on one line
    assert after.company == "Acme Europe"
    assert "1 updated" in result.stdout
    assert f"{mine.id}: answers.decision-factors.notes" in result.stdout
    assert f"{mine.id}: contact.role" in result.stdout and "company" not in result.stdout


def test_reimporting_after_a_merge_changes_nothing(run_cli, store: Store, db_path: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    mine = stored_debrief(store, action_items=[ActionItem(text="Send the ROI sheet earlier")],
                          follow_ups=[FollowUp(on=date(2026, 11, 1), channel="email", outcome="No reply")])
    theirs = mine.to_json()
    theirs["answers"]["decision-factors"]["notes"] = "Timing was the issue."
    theirs["answers"]["next-steps"] = {"question_id": "next-steps", "notes": "Call again in spring."}
    theirs["action_items"].append({"text": "Bring the CFO in earlier"})
    theirs["action_items"][0]["done"] = True
    theirs["follow_ups"].append({"on": "2026-11-15", "channel": "phone", "outcome": "Friendly"})
    theirs["red_flags"] = ["price", "single-thread"]
    theirs["status"] = "logged"
    theirs["updated_at"] = "2026-10-05T09:00:00"
    new = Debrief(company="New Co", contact=Contact(name="Sam Roe")).to_json()
    source = export_file(tmp_path / "in.json", [theirs, new])
    first = run_cli("import", str(source))
    assert first.returncode == 0 and "1 added, 1 updated, 0 unchanged" in first.stdout, first
    after = store.get(mine.id)
    assert [item.text for item in after.action_items] == ["Send the ROI sheet earlier", "Bring the CFO in earlier"]
    assert after.action_items[0].done  # the same item, merged: the copy edited last wins
    assert [entry.outcome for entry in after.follow_ups] == ["No reply", "Friendly"]
    assert sorted(after.answers) == ["decision-factors", "next-steps"]
    assert after.red_flags == ["price", "single-thread"]
    snapshot = database_bytes(db_path)
    for _ in range(2):
        again = run_cli("import", str(source))
        assert again.returncode == 0 and "0 added, 0 updated, 2 unchanged" in again.stdout, again
        assert JOINED not in again.stdout  # nothing newly joined
        assert database_bytes(db_path) == snapshot


def test_merging_in_the_core_is_idempotent_and_moves_status_forward() -> None:
    base = Debrief(company="Acme", contact=Contact(name="Jane Doe"), status=Status.HELD,
                   updated_at=datetime(2026, 10, 2), created_at=datetime(2026, 10, 1))
    base.answer("q1").notes = "First."
    other = base.model_copy(deep=True)
    other.status = Status.SCHEDULED
    other.created_at = datetime(2026, 9, 30)
    other.answer("q1").notes = "Second."
    other.answer("q1").tags = ["price"]
    merged, both, kept = merge_one(base, other)
    assert merged.status is Status.HELD and merged.created_at == datetime(2026, 9, 30)
    assert both == ["answers.q1.notes"] and kept == []
    assert merged.answers["q1"].tags == ["price"]
    again, both_again, _ = merge_one(merged, other)
    assert again.to_json() == merged.to_json() and both_again == []


def test_two_texts_too_long_together_keep_the_stored_one() -> None:
    mine = Debrief(company="Acme", contact=Contact(name="Jane Doe"), impressions="a" * 60_000)
    theirs = mine.model_copy(update={"impressions": "b" * 60_000})
    merged, both, kept = merge_one(mine, theirs)
    assert merged.impressions == "a" * 60_000 and both == [] and kept == ["impressions"]


def test_export_skips_a_damaged_debrief_and_stays_importable(run_cli, store: Store, db_path: Path,  # type: ignore[no-untyped-def]
                                                             tmp_path: Path) -> None:
    good = stored_debrief(store)
    damaged = stored_debrief(store)
    path = db_path / "debriefs" / f"{damaged.id}.json"
    path.write_bytes(path.read_bytes()[:40])
    out = tmp_path / "export.json"
    result = run_cli("export", "--out", str(out))
    assert result.returncode == 1  # exported, with a warning: a backup script notices
    assert result.stderr.count(f"skipped {damaged.id}") == 1 and good.id not in result.stderr
    assert [debrief.id for debrief in read_export(out)] == [good.id]
    other = tmp_path / "other-db"
    imported = run_cli("import", str(out), "--db", str(other))
    assert imported.returncode == 0 and "1 added" in imported.stdout
    assert Store.open(other).get(good.id).answers["decision-factors"].notes == "Price was the issue."


def test_a_hostile_import_comes_in_clean(store: Store, tmp_path: Path) -> None:
    doc = Debrief(company="Acme", contact=Contact(name="Jane")).to_json()
    doc["company"] = "Acme\x1b]0;pwned\x07 \u202eCorp\nLtd"
    doc["answers"] = {"q\x1b[1m1": {"question_id": "q\x1b[1m1", "notes": "a\x00b\r\nc", "tags": ["pri\x9fce"]}}
    (debrief,) = read_export(export_file(tmp_path / "in.json", [doc]))
    assert debrief.company == "Acme ⟨U+202E⟩Corp Ltd"
    assert debrief.answers == {"q1": debrief.answers["q1"]}
    assert debrief.answers["q1"].notes == "ab\nc" and debrief.answers["q1"].tags == ["price"]
    assert Debrief.model_validate(debrief.to_json()) == debrief  # cleaned text validates unchanged


def test_created_later_updated_keeps_the_earliest_creation(store: Store) -> None:
    mine = stored_debrief(store)
    theirs = mine.model_copy(update={"created_at": mine.created_at - timedelta(days=3)})
    merged, _, _ = merge_one(mine, theirs)
    assert merged.created_at == mine.created_at - timedelta(days=3)


def test_a_damaged_stored_copy_stops_the_import_before_anything_is_written(  # type: ignore[no-untyped-def]
        run_cli, store: Store, db_path: Path, tmp_path: Path) -> None:
    mine = stored_debrief(store)
    source = export_file(tmp_path / "in.json", [Debrief(company="New Co", contact=Contact(name="Sam Roe")).to_json(),
                                                 mine.to_json()])
    path = db_path / "debriefs" / f"{mine.id}.json"
    path.write_bytes(path.read_bytes()[:50])
    before = database_bytes(db_path)
    result = run_cli("import", str(source))
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert mine.id in result.stderr and "nothing was imported" in result.stderr
    assert database_bytes(db_path) == before  # the damaged file left as it was, the new one not added
