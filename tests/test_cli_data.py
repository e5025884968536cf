"""The core command line through the real ``debrief`` command: new, list, show, export, import, demo."""

from __future__ import annotations

import json
import stat
from datetime import date
from pathlib import Path

import pytest
from rich.cells import cell_len

from debrief.core.model import Contact, Debrief, Status
from debrief.core.store import Store

NEW = ["new", "--company", "Acme Corp", "--contact", "Jane Doe", "--role", "CTO", "--value", "48000",
       "--lost-on", "2026-11-02", "--lost-to", "Rival Inc", "--stage", "proposal",
       "--impression", "They never looped in the CFO.", "--red-flag", "decision-maker",
       "--guess", "price,relationship", "--email", "jane@acme.test"]


def new_id(run_cli, *args: str) -> str:  # type: ignore[no-untyped-def]
    result = run_cli(*(args or NEW))
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_new_then_show_json_holds_every_field(run_cli, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    debrief_id = new_id(run_cli)
    shown = json.loads(run_cli("show", debrief_id, "--format", "json").stdout)
    assert shown["id"] == debrief_id
    assert shown["company"] == "Acme Corp"
    assert shown["contact"] == {"name": "Jane Doe", "role": "CTO", "email": "jane@acme.test"}
    assert shown["value"] == 48000
    assert shown["lost_on"] == "2026-11-02"
    assert shown["lost_to"] == "Rival Inc"
    assert shown["stage"] == "proposal"
    assert shown["impressions"] == "They never looped in the CFO."
    assert shown["red_flags"] == ["decision-maker"]
    assert shown["guessed_reasons"] == ["price", "relationship"]
    assert shown["status"] == "logged"
    files = [p for p in db_path.rglob("*") if p.is_file()]
    assert files and all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in files)


def test_list_json_is_a_list_with_ids(run_cli) -> None:  # type: ignore[no-untyped-def]
    first = new_id(run_cli)
    second = new_id(run_cli, "new", "--company", "Globex", "--contact", "Hank Scorpio", "--lost-on", "yesterday")
    rows = json.loads(run_cli("list", "--format", "json").stdout)
    assert isinstance(rows, list)
    assert {row["id"] for row in rows} == {first, second}
    table = run_cli("list").stdout
    assert "Acme Corp" in table and "Globex" in table and first in table


def test_show_markdown_and_no_control_characters(run_cli) -> None:  # type: ignore[no-untyped-def]
    debrief_id = new_id(run_cli, "new", "--company", "Acme", "--contact", "Jane Doe",
                        "--impression", "hi \x1b[31mred\x1b[0m \x07bell")
    out = run_cli("show", debrief_id).stdout
    assert out.startswith("# Acme")
    assert "\x1b" not in out and "\x07" not in out
    assert "hi red bell" in out


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["new", "--company", "X"], "--contact"),
        (["new", "--company", "X", "--contact", "Y", "--lost-on", "banana"], "not a date"),
        (["new", "--company", "X", "--contact", "Y", "--lost-on", "2026-02-30"], "not a date"),
        (["new", "--company", "X", "--contact", "Y", "--lost-on", "2999-01-01"], "out of range"),
        (["new", "--company", "X", "--contact", "Y", "--value", "-5"], "--value"),
        (["new", "--company", "X", "--contact", "Y", "--value", "nan"], "--value"),
        (["new", "--company", "", "--contact", "Y"], "--company: company is required"),
        (["new", "--company", "X", "--contact", "  "], "--contact: contact is required"),
        (["new", "--company", "X", "--contact", "Y", "--guess", "astrology"], "unknown"),
        (["new", "--company", "X" * 300, "--contact", "Y"], "company"),
        (["show"], "DEBRIEF_ID"),
        (["list", "--format", "xml"], "format"),
        (["nonsense"], "No such command"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(run_cli, args: list[str], reason: str) -> None:  # type: ignore[no-untyped-def]
    result = run_cli(*args)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("debrief: ")
    assert reason in result.stderr
    assert "Traceback" not in result.stderr


def test_binary_and_huge_text_are_refused(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("new", "--company", "X", "--contact", "Y", "--impression", "z" * 120_000)
    assert result.returncode == 2 and "too long" in result.stderr


def test_unknown_id_is_exit_1(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("show", "abcdef")
    assert result.returncode == 1
    assert result.stderr.strip() == "debrief: no debrief with id 'abcdef'"


def test_db_option_and_env(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    other = tmp_path / "elsewhere" / "db"
    debrief_id = new_id(run_cli, "new", "--company", "Initech", "--contact", "Bill L", "--db", str(other))
    assert (other / "debriefs" / f"{debrief_id}.json").exists()
    assert json.loads(run_cli("list", "--format", "json").stdout) == []
    env_rows = json.loads(run_cli("list", "--format", "json", env={"DEBRIEF_DB": str(other)}).stdout)
    assert [row["id"] for row in env_rows] == [debrief_id]
    before_command = json.loads(run_cli("--db", str(other), "list", "--format", "json").stdout)
    assert [row["id"] for row in before_command] == [debrief_id]


def test_path_that_is_not_a_database_is_refused_untouched(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    plain = tmp_path / "plain.json"
    plain.write_text('{"hello": 1}')
    result = run_cli("list", "--db", str(plain))
    assert result.returncode == 2 and "left untouched" in result.stderr
    assert plain.read_text() == '{"hello": 1}'
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text("a")
    assert run_cli("new", "--company", "X", "--contact", "Y", "--db", str(folder)).returncode == 2
    assert [p.name for p in folder.iterdir()] == ["a.txt"]


def test_truncated_file_gives_exit_2_and_is_left_as_it_was(run_cli, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    debrief_id = new_id(run_cli)
    path = db_path / "debriefs" / f"{debrief_id}.json"
    truncated = path.read_bytes()[: len(path.read_bytes()) // 2]
    path.write_bytes(truncated)
    for args in (["show", debrief_id], ["show", debrief_id, "--format", "json"]):
        result = run_cli(*args)
        assert result.returncode == 2, args
        assert "damaged" in result.stderr and result.stderr.count("\n") == 1
    # Export leaves the damaged file out, names it in one line, and exits 1: the rest is exported.
    exported = run_cli("export")
    assert exported.returncode == 1 and exported.stderr.count("\n") == 1
    assert debrief_id in exported.stderr and "damaged" in exported.stderr
    assert json.loads(exported.stdout)["debriefs"] == []
    assert path.read_bytes() == truncated
    shard = next(p for p in (db_path / "index").glob("*.json") if p.stat().st_size > 20)
    cut = shard.read_bytes()[:-7]
    shard.write_bytes(cut)
    listed = run_cli("list")
    assert listed.returncode == 2 and "debrief repair" in listed.stderr
    run_cli(*NEW)  # lands in another shard, or is refused: either way the damaged one stays as it was
    assert shard.read_bytes() == cut


def test_export_import_twice_gives_each_debrief_once(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert run_cli("demo", "--count", "7", "--seed", "4").returncode == 0
    new_id(run_cli)
    export = tmp_path / "all.json"
    assert run_cli("export", "--out", str(export)).returncode == 0
    assert stat.S_IMODE(export.stat().st_mode) == 0o600
    empty = tmp_path / "empty-db"
    first = run_cli("import", str(export), "--db", str(empty))
    assert first.returncode == 0 and "8 added" in first.stdout
    second = run_cli("import", str(export), "--db", str(empty))
    assert second.returncode == 0 and "0 added" in second.stdout and "8 unchanged" in second.stdout
    original = json.loads(run_cli("export").stdout)["debriefs"]
    copied = json.loads(run_cli("export", "--db", str(empty)).stdout)["debriefs"]
    assert sorted(original, key=lambda d: d["id"]) == sorted(copied, key=lambda d: d["id"])
    assert len(json.loads(run_cli("list", "--format", "json", "--db", str(empty)).stdout)) == 8


def test_import_of_a_bad_file_changes_nothing(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    new_id(run_cli)
    bad = tmp_path / "bad.json"
    for content in (b"not json", b'{"format": "other"}', b"\x00\x01\x02",
                    b'{"format": "debrief-export", "debriefs": [{"id": "abcdef"}]}'):
        bad.write_bytes(content)
        result = run_cli("import", str(bad))
        assert result.returncode == 2 and result.stderr.count("\n") == 1, content
    assert run_cli("import", str(tmp_path / "missing.json")).returncode == 2
    assert len(json.loads(run_cli("list", "--format", "json").stdout)) == 1


def test_demo_makes_varied_debriefs(run_cli) -> None:  # type: ignore[no-untyped-def]
    assert run_cli("demo", "--count", "40", "--seed", "2").returncode == 0
    rows = json.loads(run_cli("list", "--format", "json").stdout)
    assert len(rows) == 40
    assert len({row["lost_to"] for row in rows}) >= 4
    assert len({row["stage"] for row in rows}) >= 4
    assert len({row["status"] for row in rows}) >= 3
    wrapped = next(row for row in rows if row["status"] == "wrapped")
    shown = json.loads(run_cli("show", wrapped["id"], "--format", "json").stdout)
    assert shown["takeaways"]["next_time"] and shown["answers"]
    assert run_cli("demo", "--count", "0").returncode == 2


def test_repair_command_rebuilds_and_reports(run_cli, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    kept = new_id(run_cli)
    broken = new_id(run_cli, "new", "--company", "Globex", "--contact", "Hank Scorpio")
    for shard in (db_path / "index").glob("*.json"):
        shard.write_bytes(b"{")
    (db_path / "debriefs" / f"{broken}.json").write_bytes(b"{")
    result = run_cli("repair")
    assert result.returncode == 1
    assert "index rebuilt: 1 debrief" in result.stdout and "moved aside" in result.stdout
    assert broken in result.stdout and result.stderr.count("\n") == 1
    assert [row["id"] for row in json.loads(run_cli("list", "--format", "json").stdout)] == [kept]
    assert (db_path / "debriefs" / f"{broken}.json").read_bytes() == b"{"
    (db_path / "debriefs" / f"{broken}.json").unlink()
    assert run_cli("repair").returncode == 0


def test_a_reader_that_stops_early_is_not_an_error(run_cli, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    import subprocess

    from tests.tmux_harness import DEBRIEF

    assert run_cli("demo", "--count", "1500", "--seed", "1").returncode == 0
    process = subprocess.Popen([DEBRIEF, "list"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.readline()
    process.stdout.close()  # like `debrief list | head -1`
    assert process.wait(timeout=60) == 0
    assert process.stderr.read() == b""


def test_list_reads_status_words_and_keeps_columns_after_wide_names(store: Store, run_cli) -> None:  # type: ignore[no-untyped-def]
    """An emoji takes two cells: the columns after it still start where the header says."""
    wide = Debrief(company="🚀🚀 Rocket Labs", contact=Contact(name="Jane Doe"), lost_on=date(2026, 11, 2),
                   status=Status.IN_CALL)
    narrow = Debrief(company="Acme", contact=Contact(name="月 Tanaka"), lost_on=date(2026, 11, 1))
    store.put_many([wide, narrow])
    result = run_cli("list")
    assert result.returncode == 0, result.stderr
    header, *lines = result.stdout.splitlines()
    assert "in_call" not in result.stdout
    column = cell_len(header[: header.index("LOST ON")])
    for line in lines:
        assert cell_len(line[: line.index("2026-11-0")]) == column, line
    status = cell_len(header[: header.index("STATUS")])
    rocket = next(line for line in lines if "Rocket" in line)
    assert cell_len(rocket[: rocket.index("in call")]) == status
