"""The store: atomic, private, locked, repairable, never overwriting damage."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import orjson
import pytest

from debrief.core.migrations import MIGRATIONS, upgrade
from debrief.core.model import SCHEMA_VERSION, Contact, Debrief
from debrief.core.store import CorruptFile, NotFound, Store, StoreError


def make(company: str = "Acme", contact: str = "Jane Doe") -> Debrief:
    return Debrief(company=company, contact=Contact(name=contact, role="CTO"), lost_to="Rival")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_new_database_is_private(db_path: Path) -> None:
    store = Store.open(db_path)
    saved = store.add(make())
    assert mode(db_path) == 0o700
    for sub in ("debriefs", "index", "tmp"):
        assert mode(db_path / sub) == 0o700
    for path in db_path.rglob("*"):
        if path.is_file():
            assert mode(path) == 0o600, path
    assert (db_path / "debriefs" / f"{saved.id}.json").exists()


def test_round_trip_keeps_every_field(store: Store) -> None:
    debrief = make()
    debrief.impressions = "They went quiet after the demo."
    debrief.red_flags = ["price", "decision-maker"]
    debrief.guessed_reasons = ["price"]
    saved = store.add(debrief)
    again = Store.open(store.root).get(saved.id)
    assert again.to_json() == saved.to_json()


def test_update_applies_a_change_to_the_newest_copy(store: Store) -> None:
    saved = store.add(make())

    def note(text: str):
        def change(debrief: Debrief) -> None:
            debrief.answer("q1").notes += text

        return change

    store.update(saved.id, note("one "))
    store.update(saved.id, note("two"))
    assert store.get(saved.id).answers["q1"].notes == "one two"


def test_summary_index_follows_changes(store: Store) -> None:
    first = store.add(make("Acme"))
    store.add(make("Globex"))
    store.update(first.id, lambda d: setattr(d, "company", "Acme Corp"))
    companies = sorted(row["company"] for row in store.summaries())
    assert companies == ["Acme Corp", "Globex"]
    store.delete(first.id)
    assert [row["company"] for row in store.summaries()] == ["Globex"]


def test_notes_edit_does_not_rewrite_the_index(store: Store) -> None:
    saved = store.add(make())
    shards = {p: p.stat().st_mtime_ns for p in (store.root / "index").glob("*.json")}
    store.update(saved.id, lambda d: setattr(d.answer("q1"), "notes", "typed"))
    assert {p: p.stat().st_mtime_ns for p in shards} == shards


def test_missing_id_is_not_found(store: Store) -> None:
    with pytest.raises(NotFound):
        store.get("abcdef")
    with pytest.raises(NotFound):
        store.get("../../etc/passwd")


def test_existing_folder_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    (folder / "cat.jpg").write_bytes(b"\xff\xd8")
    with pytest.raises(StoreError, match="not a debrief database"):
        Store.open(folder)
    assert sorted(p.name for p in folder.iterdir()) == ["cat.jpg"]


def test_existing_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    with pytest.raises(StoreError, match="is a file"):
        Store.open(path)
    assert path.read_text() == "hello"


def test_damaged_debrief_file_is_reported_and_untouched(store: Store) -> None:
    saved = store.add(make())
    path = store.root / "debriefs" / f"{saved.id}.json"
    damaged = path.read_bytes()[:-20]
    path.write_bytes(damaged)
    with pytest.raises(CorruptFile, match="damaged"):
        store.get(saved.id)
    with pytest.raises(CorruptFile):
        store.update(saved.id, lambda d: setattr(d, "impressions", "x"))
    assert path.read_bytes() == damaged


def test_damaged_index_refuses_writes_before_touching_anything(store: Store) -> None:
    saved = store.add(make())
    shard = next((store.root / "index").glob("*.json"))
    shard.write_bytes(b'{"index": {"1": ')
    with pytest.raises(CorruptFile):
        store.summaries()
    with pytest.raises(CorruptFile):
        store.put_many([make("Initech").model_copy(update={"id": saved.id})])
    assert shard.read_bytes() == b'{"index": {"1": '
    assert store.get(saved.id).company == "Acme"


def test_pending_index_update_is_repaired(store: Store) -> None:
    """A writer killed between the debrief file and the index leaves a note: readers read the
    debrief file for it (writing nothing), the next writer's lock repairs the index."""
    saved = store.add(make())
    doc = orjson.loads((store.root / "debriefs" / f"{saved.id}.json").read_bytes())
    table = doc["debrief"]
    key = next(iter(table))
    table[key]["company"] = "Renamed Inc"
    (store.root / "debriefs" / f"{saved.id}.json").write_bytes(orjson.dumps(doc))
    (store.root / "pending").write_text(saved.id)
    assert [row["company"] for row in Store.open(store.root).summaries()] == ["Renamed Inc"]
    assert (store.root / "pending").exists()
    with Store.open(store.root).locked():
        pass
    assert not (store.root / "pending").exists()
    assert [row["company"] for row in Store.open(store.root).summaries()] == ["Renamed Inc"]


def test_leftover_temp_files_are_cleaned(store: Store) -> None:
    (store.root / "tmp" / "abcdef.json.123.9f3a6c01d2e4b5a7.tmp").write_bytes(b"half")
    store.add(make())
    assert list((store.root / "tmp").iterdir()) == []


def test_repair_rebuilds_the_index_and_keeps_damaged_files(store: Store) -> None:
    for name in ("A", "B", "C"):
        store.add(make(name))
    damaged_debrief = store.add(make("D"))
    shards = sorted((store.root / "index").glob("*.json"))
    shards[0].unlink()
    shards[1].write_bytes(b"{broken")
    debrief_file = store.root / "debriefs" / f"{damaged_debrief.id}.json"
    debrief_file.write_bytes(b'{"debrief": ')
    with pytest.raises(CorruptFile, match="debrief repair"):
        store.summaries()
    (store.root / "pending").write_text(damaged_debrief.id)  # a killed writer's note, too
    report = Store.open(store.root).repair()
    assert report.indexed == 3
    assert len(report.damaged) == 1 and damaged_debrief.id in report.damaged[0]
    assert [path.read_bytes() for path in report.moved_aside] == [b"{broken"]
    assert debrief_file.read_bytes() == b'{"debrief": '
    assert sorted(row["company"] for row in store.summaries()) == ["A", "B", "C"]
    assert not (store.root / "pending").exists()


def test_newer_schema_is_refused(store: Store) -> None:
    saved = store.add(make())
    path = store.root / "debriefs" / f"{saved.id}.json"
    doc = orjson.loads(path.read_bytes())
    next(iter(doc["debrief"].values()))["schema_version"] = SCHEMA_VERSION + 1
    path.write_bytes(orjson.dumps(doc))
    with pytest.raises(CorruptFile, match="newer debrief"):
        store.get(saved.id)


def test_old_schema_is_migrated() -> None:
    old = {"schema_version": 0, "id": "abcdef", "company": "Acme", "contact_name": "Jane Doe",
           "contact_role": "CFO"}
    upgraded = upgrade(old)
    assert upgraded["schema_version"] == SCHEMA_VERSION
    debrief = Debrief.model_validate(upgraded)
    assert debrief.contact.name == "Jane Doe" and debrief.contact.role == "CFO"
    assert 0 in MIGRATIONS


def test_lock_is_reentrant_and_released(store: Store) -> None:
    with store.locked(), store.locked():
        store.add(make())
    other = Store.open(store.root)
    with other.locked(timeout=0.5):
        pass


def test_busy_database_times_out(store: Store) -> None:
    import fcntl

    fd = os.open(store.root / "lock", os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        from debrief.core.store import DatabaseBusy

        with pytest.raises(DatabaseBusy, match="busy"), store.locked(timeout=0.2):
            pass
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def test_a_migrated_debrief_stays_readable_after_a_save(store: Store) -> None:
    """A save writes the document whole: fields a migration removed do not linger in the file."""
    saved = store.add(make())
    path = store.root / "debriefs" / f"{saved.id}.json"
    doc = orjson.loads(path.read_bytes())
    stored = next(iter(doc["debrief"].values()))
    stored.update(schema_version=0, contact_name="Jane Doe", contact_role="CTO")
    del stored["contact"]
    path.write_bytes(orjson.dumps(doc))
    store.update(saved.id, lambda d: setattr(d, "impressions", "after the migration"))
    again = Store.open(store.root).get(saved.id)
    assert again.contact.name == "Jane Doe" and again.impressions == "after the migration"
    assert b"contact_name" not in path.read_bytes()


def test_a_debrief_stored_with_the_old_unclear_count_still_opens(store: Store) -> None:
    """Schema 1 kept a count of unclear answers in the call record; reading drops it."""
    saved = store.add(make())
    path = store.root / "debriefs" / f"{saved.id}.json"
    doc = orjson.loads(path.read_bytes())
    stored = next(iter(doc["debrief"].values()))
    stored["schema_version"] = 1
    stored["call"]["unclear_left"] = 3
    path.write_bytes(orjson.dumps(doc))
    again = Store.open(store.root).get(saved.id)
    assert again.schema_version == SCHEMA_VERSION
    assert "unclear_left" not in again.to_json()["call"]
