"""Closed-lost deals from CRM CSV exports: real files in each CRM's shape, through the real command."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from debrief.core.crm import (
    CrmError,
    apply,
    decode,
    detect,
    detect_table,
    file_order,
    plan,
    plan_text,
    read_amount,
    read_date,
    read_table,
    split_contact,
)
from debrief.core.facts import guess_check
from debrief.core.model import Contact, Debrief
from debrief.core.store import Store

DATA = Path(__file__).parent / "data" / "crm"
TODAY = date(2026, 11, 23)


def by_company(store: Store) -> dict[str, Debrief]:
    return {debrief.company: debrief for debrief in store.all()}


def test_hubspot_export_with_bom_crlf_and_quoted_cells(run_cli, store: Store) -> None:  # type: ignore[no-untyped-def]
    raw = (DATA / "hubspot-deals.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw  # the file really is in that shape
    result = run_cli("import", str(DATA / "hubspot-deals.csv"), "--from", "hubspot")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "3 imported, 2 open and 1 won skipped"
    deals = by_company(store)
    assert set(deals) == {"Acme, Inc.", "Umbrella Corp", "=cmd|' /C calc'!A0"}
    acme = deals["Acme, Inc."]
    assert acme.contact == Contact(name="Jane Doe", email="jane.doe@acme.example")
    assert acme.contact.first_name == "Jane"
    assert (acme.value, acme.lost_on, acme.status.value) == (48000, date(2026, 11, 3), "logged")
    assert acme.crm is not None and (acme.crm.source, acme.crm.id) == ("hubspot", "9001")
    # The CRM's lost reason is the rep's first impression: never a buyer's answer, never a guess.
    assert acme.impressions == "Price: they went with a cheaper tool"
    assert acme.answers == {} and acme.guessed_reasons == []
    assert guess_check(acme).checked is False
    umbrella = deals["Umbrella Corp"]
    assert umbrella.impressions == 'Timing.\nThey said: "next year, maybe"\nBudget frozen'
    assert umbrella.contact.name == "Alice Abernathy"  # the first of two associated contacts
    assert umbrella.value == 125000.5
    # Hostile cells stay literal text: markup and formulas as written, escapes gone.
    hostile = deals["=cmd|' /C calc'!A0"]
    assert hostile.contact.name.startswith("[b]Mallory[/b]") and "\x1b" not in hostile.contact.name
    assert hostile.impressions.startswith("[@click=app.quit]") and "\x1b" not in hostile.impressions
    assert hostile.value is None
    shown = json.loads(run_cli("show", acme.id, "--format", "json").stdout)
    assert shown["crm"] == {"source": "hubspot", "id": "9001"}


def test_reimport_adds_nothing_and_fills_only_empty_fields(run_cli, store: Store) -> None:  # type: ignore[no-untyped-def]
    assert run_cli("import", str(DATA / "hubspot-deals.csv"), "--from", "hubspot").returncode == 0
    acme = by_company(store)["Acme, Inc."]
    umbrella = by_company(store)["Umbrella Corp"]

    def edit_acme(debrief: Debrief) -> None:
        debrief.impressions = "My own words, typed after the call."
        debrief.value = None

    def edit_umbrella(debrief: Debrief) -> None:
        debrief.contact.email = ""
        debrief.company = "Umbrella Corporation"  # renamed by the rep: the CRM id still finds it

    store.update(acme.id, edit_acme)
    store.update(umbrella.id, edit_umbrella)
    again = run_cli("import", str(DATA / "hubspot-deals.csv"), "--from", "hubspot")
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == ("0 imported, 2 open and 1 won skipped; 3 imported before "
                                    "(1 with empty fields filled)")
    assert len(store) == 3
    acme_after = store.get(acme.id)
    assert acme_after.impressions == "My own words, typed after the call."  # never overwritten
    assert acme_after.value == 48000  # was empty: filled
    assert store.get(umbrella.id).company == "Umbrella Corporation"
    third = run_cli("import", str(DATA / "hubspot-deals.csv"), "--from", "hubspot")
    assert third.stdout.strip().endswith("3 imported before (unchanged)")


def test_salesforce_report_export_with_footer_and_us_dates(run_cli, store: Store) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("import", str(DATA / "salesforce-opportunities.csv"), "--from", "salesforce")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "2 imported, 1 open and 1 won skipped"  # the footer is not a row
    assert "note:" not in result.stderr  # 11/25/2026 showed the order: month first
    deals = by_company(store)
    wayne, tyrell = deals["Wayne Enterprises"], deals["Tyrell Corporation"]
    assert (wayne.lost_on, wayne.value, wayne.contact.name) == (date(2026, 11, 25), 48000, "Lucius Fox")
    assert tyrell.lost_on == date(2026, 11, 3) and tyrell.value == 9500
    assert tyrell.impressions == 'No budget, "maybe Q3"'
    assert tyrell.crm is not None and tyrell.crm.id == "0065g00000AbCdH"
    assert wayne.stage == ""  # "Closed Lost" says the outcome, not where the deal stood


def test_pipedrive_export_with_semicolons_statuses_and_stage(run_cli, store: Store) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("import", str(DATA / "pipedrive-deals.csv"), "--from", "pipedrive")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "2 imported, 1 open, 1 won and 1 deleted skipped"
    deals = by_company(store)
    soylent, vandelay = deals["Soylent GmbH"], deals["Vandelay Industries"]
    assert soylent.contact.name == "Dr. Müller"
    assert (soylent.lost_on, soylent.value, soylent.stage) == (date(2026, 11, 3), 48000, "Proposal made")
    assert soylent.impressions == "Went with incumbent"
    assert vandelay.value == 12500  # "12.500,00": the European decimal comma
    assert vandelay.impressions == "Price; also timing"
    assert vandelay.crm is not None and (vandelay.crm.source, vandelay.crm.id) == ("pipedrive", "304")


def test_a_bad_row_refuses_the_file_with_its_physical_line(run_cli, store: Store) -> None:  # type: ignore[no-untyped-def]
    path = DATA / "hubspot-bad-rows.csv"
    result = run_cli("import", str(path), "--from", "hubspot")
    assert result.returncode == 2
    # Row 1's reason holds a quoted line break, so the bad date's row starts on line 4, not 3.
    assert "line 4: Close Date: '2026-13-45' is not a date" in result.stderr
    assert "(and 1 more: line 5)" in result.stderr and "nothing imported" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert len(store) == 0
    skipped = run_cli("import", str(path), "--from", "hubspot", "--skip-bad")
    assert skipped.returncode == 0, skipped.stderr
    assert skipped.stdout.splitlines() == [
        "2 imported, 2 bad rows skipped",
        "skipped line 4: Close Date: '2026-13-45' is not a date (month must be in 1..12)",
        "skipped line 5: Associated Company: empty (a debrief needs the buyer's company)",
    ]
    assert set(by_company(store)) == {"Alpha Ltd", "Delta Ltd"}
    assert by_company(store)["Alpha Ltd"].impressions == "Two lines\nof reason"


def test_column_map_for_another_crm_yaml_and_csv(run_cli, store: Store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("import", str(DATA / "zoho-deals.csv"), "--map", str(DATA / "zoho-map.yaml"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "2 imported, 1 open skipped"
    deals = by_company(store)
    north = deals["Northwind Traders"]
    # 25/11/2026 in the same file shows the order: day first, so 03/11/2026 is 3 November.
    assert north.lost_on == date(2026, 11, 3) and deals["Southridge Video"].lost_on == date(2026, 11, 25)
    assert (north.value, north.contact.email, north.impressions) == (8000, "nancy@northwind.example",
                                                                     "Went elsewhere")
    assert north.crm is not None and north.crm.source == "zoho" and north.crm.id == ""
    again = run_cli("import", str(DATA / "zoho-deals.csv"), "--map", str(DATA / "zoho-map.yaml"))
    assert again.stdout.strip().startswith("0 imported") and len(store) == 2  # no id column: still found
    csv_map = tmp_path / "map.csv"
    csv_map.write_text("field,header\ncompany,Account Name\ncontact,Contact Name\nstage,Stage\n"
                       "lost_on,Closing Date\n", encoding="utf-8")
    other_db = tmp_path / "other-db"
    mapped = run_cli("import", str(DATA / "zoho-deals.csv"), "--map", str(csv_map), "--db", str(other_db))
    assert mapped.returncode == 0, mapped.stderr
    # Without lost_values, "Closed Lost to Competition" still reads as lost ("lost" is a word in it).
    assert mapped.stdout.strip() == "2 imported, 1 open skipped"
    bad_map = tmp_path / "bad.yaml"
    bad_map.write_text("compnay: Account Name\n", encoding="utf-8")
    refused = run_cli("import", str(DATA / "zoho-deals.csv"), "--map", str(bad_map))
    assert refused.returncode == 2 and "unknown field 'compnay'" in refused.stderr


def test_a_file_that_is_not_that_crms_export_is_refused_whole(run_cli, store: Store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    wrong = run_cli("import", str(DATA / "hubspot-deals.csv"), "--from", "pipedrive")
    assert wrong.returncode == 2
    assert "no company column for a Pipedrive export (looked for 'Deal - Organization'" in wrong.stderr
    as_json = run_cli("import", str(DATA / "salesforce-opportunities.csv"))
    assert as_json.returncode == 2
    assert "is a Salesforce CSV export: import it with --from salesforce" in as_json.stderr
    binary = tmp_path / "deals.csv"
    binary.write_bytes(b"Record ID,Deal Name\x00\x01\x02")
    refused = run_cli("import", str(binary), "--from", "hubspot")
    assert refused.returncode == 2 and "binary data" in refused.stderr
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"\xef\xbb\xbf\r\n\r\n")
    assert "no header line" in run_cli("import", str(empty), "--from", "hubspot").stderr
    folder = run_cli("import", str(tmp_path), "--from", "hubspot")
    assert folder.returncode == 2 and "Is a directory" in folder.stderr
    for result in (wrong, as_json, refused, folder):
        assert "Traceback" not in result.stderr
    assert len(store) == 0


def test_headers_match_whatever_their_case_spacing_and_encoding(store: Store) -> None:
    text = ("record id ; DEAL NAME ; deal-stage ; Close  Date ; amount ; associated_company ; "
            "Associated Contact\n7;X;closedlost;2026-11-03T14:05:00Z;EUR 1.250,50;Ünïcode AG;Zoë Ä\n")
    result = plan_text(text, "hubspot", today=TODAY)
    assert [row.debrief.company for row in result.incoming] == ["Ünïcode AG"]
    assert result.incoming[0].debrief.value == 1250.5
    utf16 = decode(text.encode("utf-16"))
    assert read_table(utf16).header[0] == "record id"
    cp1252 = decode("Company\nCaf\u00e9 S.A.\n".encode("cp1252"))
    assert cp1252.splitlines()[1] == "Café S.A."
    assert detect(read_table(text).header) == "hubspot"
    assert detect(["Deal - Title", "Deal - Organization", "Deal - Status", "Deal - Lost time"]) == "pipedrive"
    assert detect(["Name", "Email"]) is None


def test_crm_dates_and_amounts_follow_the_documented_rules() -> None:
    assert read_date("2026-11-03 14:05:00", "mdy") == date(2026, 11, 3)
    assert read_date("2026-11-03T23:59:00+05:30", "dmy") == date(2026, 11, 3)
    assert read_date("11/03/2026", "mdy") == date(2026, 11, 3)
    assert read_date("11/03/2026", "dmy") == date(2026, 3, 11)
    assert read_date("3/11/26 2:05 PM", "dmy") == date(2026, 11, 3)
    assert read_date("03.11.2026", "mdy") == date(2026, 11, 3)  # dotted: always day first
    assert read_date("Nov 3, 2026", "mdy") == date(2026, 11, 3)
    assert read_date("3-Nov-2026", "mdy") == date(2026, 11, 3)
    assert read_date("2026/11/03", "dmy") == date(2026, 11, 3)
    with pytest.raises(ValueError, match="not MM/DD/YYYY like the file's other dates"):
        read_date("25/11/2026", "mdy")
    for bad in ("yesterday", "2026-02-30", "1899-01-01", "soon"):
        with pytest.raises(ValueError):
            read_date(bad, "mdy")
    assert file_order(["11/03/2026", "11/04/2026"]) == "mdy"  # every one fits both ways: month first
    assert file_order(["11/03/2026", "25/11/2026"]) == "dmy"
    assert file_order(["11/03/2026", "11/25/2026"]) == "mdy"
    assert file_order(["11/25/2026"], "dmy") == "dmy"
    assert read_amount("USD 48,000.00") == 48000
    assert read_amount("48.000,00 EUR") == 48000
    assert read_amount("") is None
    with pytest.raises(ValueError):
        read_amount("lots")
    assert split_contact("Jane Doe <jane@x.example>; Bob") == ("Jane Doe", "jane@x.example")
    assert split_contact("jane@x.example") == ("jane@x.example", "jane@x.example")


def test_ambiguous_dates_are_read_month_first_and_said(run_cli, store: Store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "sf.csv"
    path.write_text('"Opportunity Name","Account Name","Stage","Close Date","Primary Contact"\n'
                    '"A","Alpha","Closed Lost","11/03/2026","Ann"\n', encoding="utf-8")
    result = run_cli("import", str(path), "--from", "salesforce", "--dry-run")
    assert result.returncode == 0 and result.stdout.startswith("dry run, nothing written: 1 to import")
    assert "read month first (MM/DD/YYYY). --dates dmy" in result.stderr
    assert len(store) == 0
    assert run_cli("import", str(path), "--from", "salesforce", "--dates", "dmy").returncode == 0
    assert next(iter(store.all())).lost_on == date(2026, 3, 11)


def test_same_deal_twice_in_one_file_is_a_bad_row(store: Store) -> None:
    text = ("Deal - ID,Deal - Title,Deal - Organization,Deal - Contact person,Deal - Status,Deal - Lost time\n"
            "1,A,Alpha,Ann,lost,2026-11-03\n1,A,Alpha,Ann,lost,2026-11-03\n")
    result = plan_text(text, "pipedrive", today=TODAY)
    assert [str(row) for row in result.bad] == ["line 3: the same deal as line 2"]
    assert apply(store, result).added == 1


def test_plan_reads_a_file_under_the_import_bound(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes((DATA / "pipedrive-deals.csv").read_bytes() * 3)
    with pytest.raises(CrmError, match="too large"):
        plan(path, "pipedrive", today=TODAY, limit=1000)
    assert plan(DATA / "pipedrive-deals.csv", "pipedrive", today=TODAY).won == 1


def test_old_mac_line_ends_huge_cells_and_a_json_map_mixup(run_cli, store: Store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # CR alone ends lines (Excel for Mac's old CSV); a quoted CR inside a cell still counts as a line.
    text = ('Deal - Title;Deal - Organization;Deal - Contact person;Deal - Status;Deal - Lost time\r'
            '1;Alpha;Ann;lost;2026-11-03\r2;"Be\rta";Bob;lost;2026-11-04\r3;Gamma;;lost;2026-11-05\r')
    result = plan_text(text, "pipedrive", today=TODAY)
    assert [(row.line, row.debrief.company) for row in result.incoming] == [(2, "Alpha"), (3, "Be ta")]
    assert [row.line for row in result.bad] == [5]
    huge = tmp_path / "huge.csv"
    huge.write_text('Deal - Title,Deal - Organization\n"' + "x" * 300_000 + '",Acme\n', encoding="utf-8")
    refused = run_cli("import", str(huge), "--from", "pipedrive")
    assert refused.returncode == 2 and "line 2: not readable as CSV (field larger than field limit" in refused.stderr
    mixed = run_cli("import", str(DATA / "zoho-deals.csv"), "--from", "json", "--map", str(DATA / "zoho-map.yaml"))
    assert mixed.returncode == 2 and "leave out --from json" in mixed.stderr
    assert len(store) == 0


def test_a_damaged_stored_debrief_stops_a_reimport_before_any_write(run_cli, store: Store, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert run_cli("import", str(DATA / "pipedrive-deals.csv"), "--from", "pipedrive").returncode == 0
    soylent = by_company(store)["Soylent GmbH"]
    vandelay = by_company(store)["Vandelay Industries"]
    store.update(vandelay.id, lambda debrief: setattr(debrief, "value", None))
    damaged = next(db_path.rglob(f"{soylent.id}.json"))
    damaged.write_text("{ not json", encoding="utf-8")
    result = run_cli("import", str(DATA / "pipedrive-deals.csv"), "--from", "pipedrive")
    assert result.returncode == 2 and "nothing was imported" in result.stderr
    assert damaged.read_text(encoding="utf-8") == "{ not json"  # never overwritten
    assert store.get(vandelay.id).value is None  # and nothing else written either


def test_a_report_title_above_the_table_is_not_the_header(store: Store) -> None:
    text = ('"Lost opportunities this quarter"\n"Sam Rep, as of 11/23/2026"\n\n'
            '"Opportunity Name","Account Name","Stage","Close Date","Primary Contact"\n'
            '"A","Alpha","Closed Lost","11/25/2026","Ann"\n"B","Beta","Prospecting","12/25/2026","Bo"\n')
    result = plan_text(text, "salesforce", today=TODAY)
    assert [(row.line, row.debrief.company) for row in result.incoming] == [(5, "Alpha")]
    assert result.open == 1
    assert detect_table(read_table(text)) == "salesforce"
    with pytest.raises(CrmError, match="no company column for a Pipedrive export"):
        plan_text(text, "pipedrive", today=TODAY)
