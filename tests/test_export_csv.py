"""``debrief export --format csv``: the lessons back to the CRM, one row a debrief, formula-safe."""

from __future__ import annotations

import csv
import io
import stat
from datetime import date
from pathlib import Path

from debrief.core.crm import LESSON_COLUMNS, safe_cell
from debrief.core.facts import reason_label
from debrief.core.model import Answer, Contact, CrmRef, Debrief, StayInTouch, Takeaways
from debrief.core.store import Store


def read_rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 accents only with the mark
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_lessons_export_one_row_per_debrief_through_the_facts(run_cli, store: Store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    lesson = store.add(Debrief(
        company="Zoë Café, S.A.", contact=Contact(name="Jane Doe"), lost_on=date(2026, 11, 3),
        crm=CrmRef(source="hubspot", id="9001"), guessed_reasons=["price", "timing"],
        answers={"q1": Answer(question_id="q1", tags=["price", "champion"]),
                 "q2": Answer(question_id="q2", tags=["champion"])},
        takeaways=Takeaways(next_time='Reach the CFO "early".\nShow the ROI, in writing.'),
        stay_in_touch=StayInTouch(next_check_in=date(2027, 2, 1)),
    ))
    bare = store.add(Debrief(company="Globex", contact=Contact(name="Hank"), lost_on=date(2026, 10, 1)))
    out = tmp_path / "lessons.csv"
    result = run_cli("export", "--format", "csv", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    data = out.read_bytes()
    assert data.count(b"\r\n") == data.count(b"\n") - 1  # CRLF rows; the one LF is inside a quoted cell
    rows = {row["Debrief ID"]: row for row in read_rows(data)}
    assert list(next(iter(rows.values()))) == list(LESSON_COLUMNS)
    row = rows[lesson.id]
    assert row["CRM"] == "HubSpot" and row["CRM ID"] == "9001"
    assert row["Company"] == "Zoë Café, S.A." and row["Lost on"] == "2026-11-03"
    assert row["Buyer's reasons"] == f"{reason_label('champion')}; {reason_label('price')}"  # most said first
    assert row["Guessed reasons"] == f"{reason_label('price')} (match); {reason_label('timing')} (miss)"
    assert row["What I will do next time"] == 'Reach the CFO "early".\nShow the ROI, in writing.'
    assert row["Check-in"] == "2027-02-01"
    assert rows[bare.id]["CRM"] == "" and rows[bare.id]["Guessed reasons"] == ""
    stdout = run_cli("export", "--format", "csv")
    assert stdout.returncode == 0 and {row["Debrief ID"] for row in read_rows(stdout.stdout.encode())} == set(rows)


def test_cells_a_spreadsheet_would_run_are_kept_as_text(run_cli, store: Store) -> None:  # type: ignore[no-untyped-def]
    hostile = store.add(Debrief(
        company="=cmd|' /C calc'!A0", contact=Contact(name="@SUM(A1:A9)"),
        crm=CrmRef(source="csv", id="+1-202-555-0100"),
        takeaways=Takeaways(next_time="-2+3 and =HYPERLINK(\"http://evil\")"),
    ))
    result = run_cli("export", "--format", "csv")
    assert result.returncode == 0, result.stderr
    row = next(row for row in read_rows(result.stdout.encode()) if row["Debrief ID"] == hostile.id)
    assert row["Company"] == "'=cmd|' /C calc'!A0"
    assert row["Contact"] == "'@SUM(A1:A9)"
    assert row["CRM ID"] == "'+1-202-555-0100"
    assert row["What I will do next time"].startswith("'-2+3")
    for cell in row.values():
        assert not cell.startswith(("=", "+", "-", "@"))
    assert safe_cell("\uff1dcmd") == "'\uff1dcmd" and safe_cell("fine = ok") == "fine = ok"


def test_a_damaged_debrief_is_left_out_and_said(run_cli, store: Store, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    good = store.add(Debrief(company="Good Co", contact=Contact(name="Ann")))
    bad = store.add(Debrief(company="Bad Co", contact=Contact(name="Bob")))
    next(db_path.rglob(f"{bad.id}.json")).write_text("{ not json", encoding="utf-8")
    result = run_cli("export", "--format", "csv")
    assert result.returncode == 1
    assert f"skipped {bad.id}" in result.stderr
    assert [row["Debrief ID"] for row in read_rows(result.stdout.encode())] == [good.id]
