"""The store's files on the real file system: links never followed out of the database, only our
own temp files deleted, garbage in ``pending`` handled, read-only commands that never write."""

from __future__ import annotations

import json
import os
import resource
import signal
import stat
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import orjson
import pytest

from debrief.app import DebriefApp
from debrief.core.model import Contact, Debrief
from debrief.core.store import FOLDERS, Store, StoreError, atomic_write
from debrief.widgets.debrief_table import DebriefTable
from tests.pilot_helpers import settle
from tests.tmux_harness import DEBRIEF

CLI = Callable[..., subprocess.CompletedProcess[str]]


def make(company: str = "Acme") -> Debrief:
    return Debrief(company=company, contact=Contact(name="Jane Doe"), lost_to="Rival")


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder of the rep's that is not part of the database, with files in it (one of them named
    like one of our temp files)."""
    folder = tmp_path / "precious"
    folder.mkdir()
    (folder / "thesis.txt").write_text("years of work")
    (folder / "notes.json.123.9f3a6c01d2e4b5a7.tmp").write_text("named like a temp file")
    (folder / "sub").mkdir()
    (folder / "sub" / "deep.txt").write_text("deep")
    return folder


def contents(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file()}


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def link_in_place_of(folder: Path, target: Path) -> None:
    """Swap a database folder for a symbolic link to ``target``."""
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()
    folder.symlink_to(target, target_is_directory=True)


# -- symbolic links -------------------------------------------------------------------------------


def test_symlinked_tmp_is_refused_and_the_target_folder_is_left_intact(
        store: Store, outside: Path, run_cli: CLI) -> None:
    saved = store.add(make())
    before = contents(outside)
    link_in_place_of(store.root / "tmp", outside)
    # A store opened before the swap (the app, running) refuses at its next write...
    with pytest.raises(StoreError, match="symbolic link"):
        store.update(saved.id, lambda debrief: setattr(debrief, "impressions", "more"))
    with pytest.raises(StoreError, match="symbolic link"):
        store.add(make("Initech"))
    # ...and the command line refuses to open it at all.
    line = one_line_error(run_cli("new", "--company", "Initech", "--contact", "Bob"))
    assert "tmp" in line and "symbolic link" in line
    one_line_error(run_cli("repair"))
    assert contents(outside) == before
    assert store.get(saved.id).impressions == ""


def test_a_write_racing_a_swapped_tmp_never_creates_or_deletes_outside(
        store: Store, outside: Path) -> None:
    """Even when the link appears after every check, the temp file is opened without following it."""
    before = contents(outside)
    tmp = store.root / "tmp"
    tmp.rmdir()
    tmp.symlink_to(outside, target_is_directory=True)
    with pytest.raises(StoreError):
        atomic_write(store.root / "debriefs" / "x.json", b"{}", tmp, contained=True)
    store._clean_tmp()  # the cleaner, which runs on every lock, ignores a linked tmp/
    assert contents(outside) == before


@pytest.mark.parametrize("name", ["debriefs", "index", "claims"])
def test_symlinked_database_folders_are_refused(store: Store, outside: Path, run_cli: CLI,
                                                name: str) -> None:
    store.add(make())
    before = contents(outside)
    folder = store.root / name
    if folder.exists():
        for path in folder.iterdir():
            path.rename(outside / path.name)
        before = contents(outside)
        folder.rmdir()
    folder.symlink_to(outside, target_is_directory=True)
    with pytest.raises(StoreError, match="symbolic link"):
        Store.open(store.root)
    for args in (("list",), ("new", "--company", "B", "--contact", "C"), ("repair",), ("export",)):
        line = one_line_error(run_cli(*args))
        assert name in line and "symbolic link" in line, line
    assert contents(outside) == before


def test_a_folder_that_is_a_file_is_refused(store: Store, run_cli: CLI) -> None:
    index = store.root / "index"
    for path in index.iterdir():
        path.unlink()
    index.rmdir()
    index.write_text("not a folder")
    line = one_line_error(run_cli("list"))
    assert "not a folder" in line
    assert index.read_text() == "not a folder"


def test_a_symlinked_debrief_file_is_never_read_or_replaced_through(
        store: Store, tmp_path: Path, run_cli: CLI) -> None:
    saved = store.add(make())
    path = store.root / "debriefs" / f"{saved.id}.json"
    elsewhere = tmp_path / "elsewhere.json"
    path.rename(elsewhere)
    path.symlink_to(elsewhere)
    before = elsewhere.read_bytes()
    with pytest.raises(StoreError, match="symbolic link"):
        store.get(saved.id)
    with pytest.raises(StoreError, match="symbolic link"):
        store.update(saved.id, lambda debrief: setattr(debrief, "impressions", "more"))
    with pytest.raises(StoreError, match="symbolic link"):
        store.put(make("Other").model_copy(update={"id": saved.id}))
    line = one_line_error(run_cli("show", saved.id))
    assert "symbolic link" in line
    assert elsewhere.read_bytes() == before
    assert path.is_symlink()


def test_a_symlinked_index_shard_is_refused_and_repair_moves_the_link_aside(
        store: Store, tmp_path: Path, run_cli: CLI) -> None:
    saved = store.add(make())
    shard = next(path for path in (store.root / "index").glob("*.json") if path.stat().st_size > 20)
    elsewhere = tmp_path / "shard.json"
    shard.rename(elsewhere)
    shard.symlink_to(elsewhere)
    before = elsewhere.read_bytes()
    with pytest.raises(StoreError, match="symbolic link"):
        store.summaries()
    assert "symbolic link" in one_line_error(run_cli("list"))
    result = run_cli("repair")
    assert result.returncode == 0, result.stderr
    assert "moved aside" in result.stdout
    assert [row["id"] for row in store.summaries()] == [saved.id]
    assert not shard.is_symlink()
    assert elsewhere.read_bytes() == before


def test_only_our_own_temp_files_are_cleaned(store: Store) -> None:
    tmp = store.root / "tmp"
    ours = tmp / "abcdef.json.4242.0123456789abcdef.tmp"
    ours.write_bytes(b"half a save")
    theirs = tmp / "keep-me.txt"
    theirs.write_text("not ours")
    folder = tmp / "a-folder.1.2.tmp"
    folder.mkdir()
    store.add(make())
    assert not ours.exists()
    assert theirs.read_text() == "not ours"
    assert folder.is_dir()


# -- repair and permissions -------------------------------------------------------------------------


def test_repair_recreates_missing_folders_private(store: Store, run_cli: CLI) -> None:
    saved = store.add(make())
    for name in ("tmp", "claims", "index"):
        folder = store.root / name
        if folder.exists():
            for path in folder.iterdir():
                path.unlink()
            folder.rmdir()
    line = one_line_error(run_cli("list"))
    assert "index" in line and "debrief repair" in line
    result = run_cli("repair")
    assert result.returncode == 0, result.stderr
    for name in FOLDERS:
        assert (store.root / name).is_dir() and mode(store.root / name) == 0o700, name
    assert [row["id"] for row in Store.open(store.root).summaries()] == [saved.id]


def test_every_folder_is_private_under_umask_000(tmp_path: Path) -> None:
    db = tmp_path / "deep" / "er" / "db"
    env = {**os.environ, "DEBRIEF_DB": str(db)}
    result = subprocess.run([DEBRIEF, "new", "--company", "Acme", "--contact", "Jane"], env=env,
                            capture_output=True, text=True, timeout=60, preexec_fn=lambda: os.umask(0))
    assert result.returncode == 0, result.stderr
    debrief_id = result.stdout.strip()
    claim = Store.open(db).claim(debrief_id)
    claim.release()
    for path in (tmp_path / "deep", tmp_path / "deep" / "er", db, *db.rglob("*")):
        expected = 0o700 if path.is_dir() else 0o600
        assert mode(path) == expected, (path, oct(mode(path)))


# -- a garbage pending file ---------------------------------------------------------------------------

GARBAGE = {
    "binary": bytes(range(256)) * 40,
    "huge": b"abcdef\n" * 1_000_000,
    "wrong-ids": b"NOT-AN-ID ../../etc/passwd \xff\xfe",
    "unknown-ids": b"zzzzzz\nqqqqqq",
}


@pytest.mark.parametrize("kind", sorted(GARBAGE))
def test_garbage_pending_in_the_cli(store: Store, run_cli: CLI, kind: str) -> None:
    saved = store.add(make())
    (store.root / "pending").write_bytes(GARBAGE[kind])
    listed = run_cli("list", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    assert [row["id"] for row in json.loads(listed.stdout)] == [saved.id]
    assert (store.root / "pending").exists()  # a reader writes nothing
    added = run_cli("new", "--company", "Initech", "--contact", "Bob")
    assert added.returncode == 0, added.stderr
    assert not (store.root / "pending").exists()  # a writer repaired it
    rows = json.loads(run_cli("list", "--format", "json").stdout)
    assert sorted(row["id"] for row in rows) == sorted([saved.id, added.stdout.strip()])


def test_a_symlinked_pending_file_is_neither_read_nor_written_through(
        store: Store, outside: Path, run_cli: CLI) -> None:
    saved = store.add(make())
    target = outside / "thesis.txt"
    (store.root / "pending").symlink_to(target)
    before = contents(outside)
    listed = run_cli("list", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    assert [row["id"] for row in json.loads(listed.stdout)] == [saved.id]
    added = run_cli("new", "--company", "Initech", "--contact", "Bob")
    assert added.returncode == 0, added.stderr
    assert not os.path.lexists(store.root / "pending")
    assert contents(outside) == before


async def test_garbage_pending_in_the_app(store: Store, make_app: Callable[..., DebriefApp]) -> None:
    saved = store.add(make())
    (store.root / "pending").write_bytes(GARBAGE["binary"])
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.screen.query_one(DebriefTable).visible_ids == [saved.id]
        store.update(saved.id, lambda debrief: setattr(debrief, "impressions", "fine"))
        await settle(pilot)
    assert app.return_code in (None, 0)
    assert not (store.root / "pending").exists()


# -- a full disk ---------------------------------------------------------------------------------------


def _stale_index(store: Store) -> str:
    """A debrief whose file was renamed by a writer killed before it updated the index."""
    saved = store.add(make())
    path = store.root / "debriefs" / f"{saved.id}.json"
    doc = orjson.loads(path.read_bytes())
    for row in doc["debrief"].values():
        row["company"] = "Renamed Inc"
    path.write_bytes(orjson.dumps(doc))
    (store.root / "pending").write_text(saved.id)
    return saved.id


def _no_more_bytes() -> None:
    """In the child: any write that grows a file fails with EFBIG, as on a full disk."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))


def _read_only_commands(debrief_id: str, env: dict[str, str],
                        preexec: Callable[[], None] | None = None) -> None:
    for args in (("list", "--format", "json"), ("show", debrief_id, "--format", "json"),
                 ("search", "Renamed")):
        result = subprocess.run([DEBRIEF, *args], env=env, capture_output=True, text=True,
                                timeout=60, preexec_fn=preexec)
        assert result.returncode in (0, 1), (args, result.stderr)
        assert "Traceback" not in result.stderr
        if args[0] == "list":
            assert [row["company"] for row in json.loads(result.stdout)] == ["Renamed Inc"]


def test_a_read_only_list_works_when_no_byte_can_be_written(store: Store) -> None:
    debrief_id = _stale_index(store)
    env = {**os.environ, "DEBRIEF_DB": str(store.root), "PYTHONDONTWRITEBYTECODE": "1"}
    _read_only_commands(debrief_id, env, _no_more_bytes)
    assert (store.root / "pending").exists()
    refused = subprocess.run([DEBRIEF, "new", "--company", "B", "--contact", "C"], env=env,
                             capture_output=True, text=True, timeout=60, preexec_fn=_no_more_bytes)
    one_line_error(refused)
    assert [row["company"] for row in Store.open(store.root).summaries()] == ["Renamed Inc"]


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path | None]:
    """A small tmpfs filled to the last byte, or None where mounting is not allowed."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)],
                          capture_output=True, timeout=30)
    if done.returncode != 0:
        yield None
        return
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True, timeout=30)


def test_a_read_only_list_works_on_a_full_disk(full_disk: Path | None, tmp_path: Path) -> None:
    """On a real full file system where the machine lets us mount one, else under RLIMIT_FSIZE."""
    root = (full_disk or tmp_path) / "db"
    store = Store.open(root)
    debrief_id = _stale_index(store)
    env = {**os.environ, "DEBRIEF_DB": str(root), "PYTHONDONTWRITEBYTECODE": "1"}
    if full_disk is None:
        _read_only_commands(debrief_id, env, _no_more_bytes)
        return
    filler = full_disk / "filler"
    # Unbuffered: once a write fails, closing the file has nothing left to flush.
    with filler.open("wb", buffering=0) as handle, pytest.raises(OSError):
        while True:
            handle.write(b"\0" * 65536)
            handle.flush()
    _read_only_commands(debrief_id, env)
    assert (root / "pending").exists()
