"""Reasons of one's own, end to end: a bank that tags reasons nobody shipped loads, lints clean,
scripts a call; the call offers its reasons; stats and the patterns screen show them by label; the
rep's reasons file adds a reason with a label of its own; a slip in a tag gets a lint note."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from textual.widgets import Input, SelectionList

from debrief import locations
from debrief.app import DebriefApp
from debrief.core.banks import load_banks
from debrief.core.model import Contact, Debrief, Schedule, Status
from debrief.core.reasons import shipped
from debrief.core.script import default_script
from debrief.core.settings import Settings
from debrief.core.store import Store
from debrief.screens.call import CallScreen
from debrief.screens.call_dialogs import TagPicker
from debrief.screens.log_loss import LogLossScreen
from debrief.screens.patterns import PatternsScreen
from debrief.widgets.bar_chart import BarChart
from tests.pilot_helpers import settle
from tests.test_banks import GOOD, write_bank

Run = Callable[..., subprocess.CompletedProcess[str]]

BANK_ID = "security-guide"
SHIPPED_ORDER = shipped().ids()


def install_bank() -> None:
    """The rep's own bank: its questions tag reasons nobody shipped."""
    text = (GOOD.read_text().replace("id: team-guide", f"id: {BANK_ID}")
            .replace("title: Team guide", "title: Lost in the security review")
            .replace("tags: [criteria]", "tags: [security-review, criteria]")
            .replace("tags: [decision-maker]", "tags: [procurement]")
            .replace("tags: [relationship]", "tags: [security-review, relationship]"))
    write_bank(locations.user_banks_dir(), "security.yaml", text)


def test_a_bank_with_new_reasons_loads_lints_clean_and_scripts_a_call(run_cli: Run) -> None:
    install_bank()
    listed = run_cli("banks", "list", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    assert BANK_ID in {row["id"] for row in json.loads(listed.stdout)}
    linted = run_cli("banks", "lint")
    assert linted.returncode == 0, linted.stdout
    assert linted.stdout.endswith("no findings\n") and linted.stderr == ""
    shown = run_cli("banks", "show", BANK_ID)
    assert "decision-factors · 2 min · Security review, Evaluation criteria" in shown.stdout
    new = run_cli("new", "--company", "Northwind", "--contact", "Jane Okafor", "--guess", "security-review",
                  "--guess", "Procurement")
    assert new.returncode == 0, new.stderr
    debrief_id = new.stdout.strip()
    assert json.loads(run_cli("show", debrief_id, "--format", "json").stdout)["guessed_reasons"] == [
        "security-review", "procurement"]
    assert "Security review, Procurement" in run_cli("show", debrief_id).stdout
    script = run_cli("script", debrief_id, "--bank", BANK_ID)
    assert script.returncode == 0, script.stderr
    assert "What mattered most in your final decision?" in script.stdout
    typo = run_cli("new", "--company", "Acme", "--contact", "Bo", "--guess", "securty-review")
    assert typo.returncode == 2
    assert "unknown reason 'securty-review': did you mean 'security-review' (Security review)?" in typo.stderr
    assert len(typo.stderr.strip().splitlines()) == 1


def test_a_reasons_file_adds_a_reason_with_its_own_label_everywhere(run_cli: Run) -> None:
    path = locations.user_reasons_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("reasons:\n  - id: legal\n    label: Legal review stalled\n    aliases: [lawyers]\n")
    new = run_cli("new", "--company", "Northwind", "--contact", "Jane Okafor", "--guess", "lawyers,price")
    assert new.returncode == 0, new.stderr
    debrief_id = new.stdout.strip()
    assert json.loads(run_cli("show", debrief_id, "--format", "json").stdout)["guessed_reasons"] == ["legal", "price"]
    assert "Legal review stalled, Price" in run_cli("show", debrief_id).stdout
    stats = json.loads(run_cli("stats", "--format", "json").stdout)
    assert {(row["reason"], row["label"], row["guessed"]) for row in stats["reasons"]} >= {
        ("legal", "Legal review stalled", 1)}


def test_a_slip_in_a_tag_gets_a_lint_note_and_the_exit_stays_clean(run_cli: Run) -> None:
    install_bank()
    write_bank(locations.user_banks_dir(), "slips.yaml", GOOD.read_text().replace("id: team-guide", "id: slips")
               .replace("tags: [criteria]", "tags: [competiton]")
               .replace("tags: [decision-maker]", "tags: [securty-review]"))
    result = run_cli("banks", "lint", "--format", "json")
    assert result.returncode == 0, result.stdout + result.stderr
    notes = {entry["matched"]: entry for entry in json.loads(result.stdout)}
    assert set(notes) == {"competiton", "securty-review"}
    assert notes["competiton"]["suggestion"].startswith("tag it competitor,")
    assert notes["securty-review"]["suggestion"].startswith("tag it security-review,")  # a bank's reason is known
    assert {entry["category"] for entry in notes.values()} == {"note"}


async def test_the_call_offers_the_banks_reasons_and_stats_and_patterns_show_them(
        make_app: Callable[..., DebriefApp], store: Store, run_cli: Run) -> None:
    install_bank()
    debrief = store.add(Debrief(
        company="Northwind Logistics", contact=Contact(name="Jane Okafor"), lost_on=date(2026, 11, 2),
        status=Status.PREPARED, guessed_reasons=["price"],
        schedule=Schedule(at=datetime(2026, 11, 24, 10, 0), minutes=20, booked_at=datetime(2026, 11, 10, 9, 0))))
    script = default_script(debrief, load_banks(), Settings(), bank_id=BANK_ID)
    assert script.questions[0].tags == ["security-review", "criteria"]
    store.update(debrief.id, lambda stored: setattr(stored, "script", script))
    app = make_app(call_id=debrief.id)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CallScreen)
        await pilot.press("f9")
        picker = app.screen
        assert isinstance(picker, TagPicker)
        options = picker.query_one(SelectionList)
        offered = [options.get_option_at_index(n) for n in range(options.option_count)]
        assert [option.value for option in offered[:2]] == ["security-review", "criteria"]
        assert str(offered[0].prompt) == "Security review (this question)"
        values = [option.value for option in offered]
        assert {"procurement", "price", "timing"} <= set(values)  # the bank's other reason, and the shipped ones
        assert str(offered[values.index("procurement")].prompt) == "Procurement"
        await pilot.press("space")  # security-review
        await pilot.press(*["down"] * values.index("procurement"), "space", "enter")
        assert screen.saver is not None and screen.saver.flush(5)
        assert store.get(debrief.id).answers["decision-factors"].tags == ["security-review", "procurement"]
        assert "Security review, Procurement" in str(screen.query_one("#call-answer").render())
    stats = run_cli("stats", "--format", "json")
    assert stats.returncode == 0, stats.stderr
    labels = {row["reason"]: row["label"] for row in json.loads(stats.stdout)["reasons"]}
    assert labels["security-review"] == "Security review" and labels["procurement"] == "Procurement"
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_patterns()
        await settle(pilot)
        assert isinstance(app.screen, PatternsScreen)
        bars = [bar.label for bar in app.screen.query_one("#chart-reasons", BarChart).bars]
        assert {"Security review", "Procurement", "Price"} <= set(bars)
        assert "Security review" in str(app.screen.query_one("#chart-reasons", BarChart).render())


def test_guess_reads_the_team_reasons_of_the_database_given_wherever_db_stands(run_cli: Run, tmp_path: Path) -> None:
    db = tmp_path / "other" / "db"
    team = tmp_path / "other" / "db-team"
    team.mkdir(parents=True)
    (team / "reasons.yaml").write_text("reasons:\n  - id: reorg\n    label: Buyer reorganised\n  - id: Bad\n")
    new = run_cli("new", "--guess", "Buyer reorganised", "--company", "Acme", "--contact", "Bo", "--db", str(db))
    assert new.returncode == 0, new.stderr
    assert new.stderr == (f"debrief: warning: {team / 'reasons.yaml'}:4: reasons[1].id: not a reason id 'Bad': "
                          "use lowercase letters, digits and hyphens, at most 40 characters (like "
                          "security-review) (skipped)\n")
    shown = json.loads(run_cli("show", new.stdout.strip(), "--db", str(db), "--format", "json").stdout)
    assert shown["guessed_reasons"] == ["reorg"]
    elsewhere = run_cli("new", "--guess", "reorg", "--company", "Acme", "--contact", "Bo")
    assert elsewhere.returncode == 2 and "unknown reason 'reorg'" in elsewhere.stderr  # no team there


async def test_log_a_loss_offers_the_reps_and_the_banks_reasons_as_guesses(
        make_app: Callable[..., DebriefApp], store: Store) -> None:
    install_bank()
    path = locations.user_reasons_file()
    path.write_text("reasons:\n  - id: legal\n    label: Legal review stalled\n")
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LogLossScreen)
        reasons = screen.query_one("#reasons", SelectionList)
        offered = {reasons.get_option_at_index(n).value: str(reasons.get_option_at_index(n).prompt)
                   for n in range(reasons.option_count)}
        assert offered["legal"] == "Legal review stalled"
        assert offered["security-review"] == "Security review" and offered["procurement"] == "Procurement"
        assert list(offered)[:20] == SHIPPED_ORDER
        screen.query_one("#company", Input).value = "Acme Corp"
        screen.query_one("#contact", Input).value = "Jane Doe"
        for reason in ("security-review", "legal"):
            reasons.select(reason)
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
    [saved] = list(store.all())
    assert saved.guessed_reasons == ["security-review", "legal"]
