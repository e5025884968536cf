"""One place for every folder: created 0700 whatever the umask, all shown by ``locate``, and
nothing written outside the database and the exports folder unless the rep asks."""

from __future__ import annotations

import os
import stat
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import orjson
import pytest

from debrief import locations
from debrief.app import DebriefApp
from debrief.core.drafts import draft_path, write_draft
from debrief.core.settings import Settings, save_settings
from debrief.core.store import Store
from debrief.screens.read import ReadScreen
from tests.pilot_helpers import settle
from tests.tmux_harness import DEBRIEF

Run = Callable[..., subprocess.CompletedProcess[str]]


def _folders(root: Path) -> set[Path]:
    return {Path(path) for path, _, _ in os.walk(root)}


def _files(root: Path) -> dict[Path, int]:
    """Every file under ``root`` and its modification time (a rewrite counts as a change)."""
    return {Path(path) / name: (Path(path) / name).stat().st_mtime_ns
            for path, _, names in os.walk(root) for name in names}


@pytest.fixture(params=[0o000, 0o022], ids=["umask-000", "umask-022"])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    old = os.umask(request.param)
    yield request.param
    os.umask(old)


def _debrief(mask: int, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real command under ``mask`` (the umask is inherited, as from a shell)."""
    return subprocess.run(["sh", "-c", f'umask {mask:03o}; exec "$0" "$@"', DEBRIEF, *args],
                          capture_output=True, text=True, timeout=120, env={**os.environ, **(env or {})})


def test_every_folder_the_command_creates_is_private(umask: int, tmp_path: Path) -> None:
    """A database deep in folders that do not exist yet: each one made is 0700, under any umask."""
    before = _folders(tmp_path)
    nested = tmp_path / "a" / "b" / "db"
    made = _debrief(umask, "new", "--company", "Acme", "--contact", "Jane Doe", "--db", str(nested))
    assert made.returncode == 0, made.stderr
    listed = _debrief(umask, "list", env={"XDG_DATA_HOME": str(tmp_path / "x" / "y"), "DEBRIEF_DB": ""})
    assert listed.returncode == 0, listed.stderr
    created = _folders(tmp_path) - before
    assert {nested, tmp_path / "a", tmp_path / "x", tmp_path / "x" / "y" / "debrief" / "db"} <= created
    assert {path: oct(stat.S_IMODE(path.stat().st_mode)) for path in created} == {
        path: "0o700" for path in created}


def test_every_folder_the_app_creates_is_private(umask: int, tmp_path: Path, store: Store) -> None:
    """Exports, settings and drafts, each in a folder that did not exist."""
    before = _folders(tmp_path)
    export = locations.save_export("report.md", "# Hello", tmp_path / "e1" / "e2")
    save_settings(Settings(), tmp_path / "c1" / "c2" / "settings.json")
    write_draft(draft_path(store.root, "log-loss", None), {"company": "Acme"})
    created = _folders(tmp_path) - before
    assert {export.parent, tmp_path / "e1", tmp_path / "c1" / "c2", locations.drafts_dir(store.root)} <= created
    assert all(stat.S_IMODE(path.stat().st_mode) == 0o700 for path in created), [
        (path, oct(stat.S_IMODE(path.stat().st_mode))) for path in created]
    assert stat.S_IMODE(export.stat().st_mode) == 0o600


def test_an_existing_folder_is_left_as_it_is(tmp_path: Path) -> None:
    """The user's own documents folder is theirs: debrief creates inside it, never chmods it."""
    documents = tmp_path / "documents"
    documents.mkdir(mode=0o755)
    os.chmod(documents, 0o755)
    locations.ensure_private_dir(documents / "debrief")
    assert stat.S_IMODE(documents.stat().st_mode) == 0o755
    assert stat.S_IMODE((documents / "debrief").stat().st_mode) == 0o700


def test_locate_lists_every_folder(run_cli: Run, db_path: Path, tmp_path: Path) -> None:
    configured = tmp_path / "my exports"
    locations.ensure_private_dir(locations.config_dir())
    locations.settings_file().write_bytes(orjson.dumps({"exports": str(configured)}))
    result = run_cli("locate")
    assert result.returncode == 0, result.stderr
    shown = dict(line.split(":", 1) for line in result.stdout.splitlines())
    expected = {place.name: str(place.path) for place in locations.all_locations(db_path)}
    assert {name: value.strip() for name, value in shown.items()} == expected
    assert expected["exports"] == str(configured)
    assert expected["drafts"].startswith(str(db_path))
    for name in ("database", "drafts", "exports", "settings", "your banks", "shipped banks", "tone rules",
                 "own-it rules", "invitation", "crash logs"):
        assert name in shown


def test_booking_writes_nothing_outside_the_database(run_cli: Run, db_path: Path, tmp_path: Path) -> None:
    made = run_cli("new", "--company", "Acme Corp", "--contact", "Jane Doe", "--email", "jane@acme.example",
                   "--lost-on", "2026-11-02")
    assert made.returncode == 0, made.stderr
    debrief_id = made.stdout.strip()
    before = _files(tmp_path)
    booked = run_cli("schedule", debrief_id, "--at", "in 2 weeks at 10:00")
    assert booked.returncode == 0, booked.stderr
    changed = {path for path, mtime in _files(tmp_path).items() if before.get(path) != mtime}
    assert changed and all(path.is_relative_to(db_path) for path in changed), changed


async def test_exports_land_in_the_configured_folder(
        store: Store, make_app: Callable[..., DebriefApp], tmp_path: Path, run_cli: Run) -> None:
    made = run_cli("new", "--company", "Acme Corp", "--contact", "Jane Doe")
    debrief_id = made.stdout.strip()
    configured = tmp_path / "shared" / "debrief exports"
    (tmp_path / "settings.json").write_bytes(orjson.dumps({"exports": str(configured)}))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_read(debrief_id)
        await settle(pilot)
        assert isinstance(app.screen, ReadScreen)
        await app.screen.run_action("export")
        await app.screen.run_action("export")  # again: a second file, the first one kept
        await settle(pilot)
    names = sorted(path.name for path in configured.iterdir())
    assert names == [f"acme-corp-{debrief_id}-debrief-2.md", f"acme-corp-{debrief_id}-debrief.md"]
    assert not locations.default_exports_dir().exists()


def test_an_export_never_replaces_a_file_and_takes_plain_names_only(tmp_path: Path) -> None:
    tmp_path = tmp_path / "exports"
    first = locations.save_export("notes.md", "one", tmp_path)
    (tmp_path / "notes-2.md").write_text("someone else's")
    second = locations.save_export("notes.md", "two", tmp_path)
    assert (first.read_text(), second.name, second.read_text()) == ("one", "notes-3.md", "two")
    assert (tmp_path / "notes-2.md").read_text() == "someone else's"
    for name in ("../escape.md", "a/b.md", "", ".."):
        with pytest.raises(ValueError, match="plain file name"):
            locations.save_export(name, "x", tmp_path)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["notes-2.md", "notes-3.md", "notes.md"]


@pytest.mark.parametrize(("text", "expected"), [
    ("Acme Corp", "acme-corp"),
    ("Ümlaut & Söhne GmbH", "umlaut-sohne-gmbh"),
    ("a" * 39 + " b", "a" * 39),
    ("x" * 39 + "!!!!", "x" * 39),
    ("  --Acme--  ", "acme"),
    ("[/b] 株式会社", "b"),
    ("株式会社", "debrief"),
    ("", "debrief"),
])
def test_slug_is_safe_and_never_ends_in_a_dash(text: str, expected: str) -> None:
    assert locations.slug(text) == expected
    assert not locations.slug(text).endswith("-") and len(locations.slug(text)) <= locations.MAX_SLUG


def test_config_sets_the_exports_folder_and_a_key(run_cli: Run, tmp_path: Path) -> None:
    assert run_cli("config", "exports", "~/Shared exports").stdout == "exports = ~/Shared exports\n"
    located = run_cli("locate").stdout
    assert f"exports:       {tmp_path / 'home' / 'Shared exports'}\n" in located
    assert run_cli("config", "keymap.schedule.book", "f9").returncode == 0
    assert run_cli("config", "talk-target", "25%").stdout == "talk-target = 0.25\n"
    settings = orjson.loads(locations.settings_file().read_bytes())
    assert settings["keymap"] == {"schedule.book": "f9"} and settings["talk_share_target"] == 0.25
    assert stat.S_IMODE(locations.settings_file().stat().st_mode) == 0o600
    for args, reason in ((("nope", "x"), "no setting 'nope'"), (("call-minutes", "lots"), "not a whole number"),
                         (("call-minutes", "500"), "out of range"), (("keymap.x", "[b]"), "is not a key")):
        bad = run_cli("config", *args)
        assert bad.returncode == 2 and reason in bad.stderr and len(bad.stderr.splitlines()) == 1, bad.stderr
    assert run_cli("config", "exports", "").stdout == "exports =\n"  # back to the default
    listed = run_cli("config").stdout.splitlines()  # an empty setting says what it falls back to
    assert f"exports = (the default: {tmp_path / 'home' / 'Documents' / 'debrief'})" in listed
    assert "time-zone = (the system's: UTC)" in listed
