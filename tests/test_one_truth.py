"""One debrief, one truth: the same debriefs read the same through every surface.

The demo set plus edge cases (no call yet, a held call without tags, a held call with tags, a
wrapped one with a check-in due, one whose check-in was done by a follow-up, one past its move-on
date) go through the Read screen (Pilot), ``show`` (Markdown and JSON), ``summary``, both exports,
``stats`` (text and JSON), the Patterns screen, the home due panel and ``compare``. Each surface
must give the same status words, guess verdicts, due lists and numbers as the core's facts.

Every surface here reads the real "today" (the command line has no other), so the cases are built
relative to it.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from debrief.app import DebriefApp, create_app
from debrief.core.demo import demo_debriefs
from debrief.core.facts import guess_check, status_label
from debrief.core.model import (
    Answer,
    AnswerState,
    CallRecord,
    Contact,
    Debrief,
    FollowUp,
    Schedule,
    Script,
    ScriptQuestion,
    Status,
    StayInTouch,
)
from debrief.core.progress import due, next_step
from debrief.core.review import compute_stats, facts_of
from debrief.core.settings import Settings
from debrief.core.store import Store
from debrief.screens.patterns import PatternsScreen
from debrief.screens.read import ReadScreen
from debrief.screens.search import SearchScreen
from debrief.widgets.due_panel import DuePanel
from tests.pilot_helpers import settle

RunCli = Callable[..., subprocess.CompletedProcess[str]]
TODAY = date.today()

QUESTIONS = [
    ScriptQuestion(id="q-why", phase="decision", phase_title="How the decision was made",
                   text="What mattered most in your final decision?", tags=["criteria"]),
    ScriptQuestion(id="q-price", phase="price", phase_title="Price and value",
                   text="How did you weigh the cost against the value?", tags=["price"]),
]


def _base(debrief_id: str, company: str, lost_days_ago: int, guessed: list[str]) -> Debrief:
    lost_on = TODAY - timedelta(days=lost_days_ago)
    created = datetime.combine(lost_on, time(17, 0))
    return Debrief(id=debrief_id, company=company, contact=Contact(name="Jane Okafor", role="VP Operations"),
                   lost_on=lost_on, lost_to="Salesforce", stage="proposal", value=48_000,
                   guessed_reasons=guessed, created_at=created, updated_at=created)


def _held(debrief: Debrief, tags: dict[str, list[str]], days_ago: int) -> Debrief:
    at = datetime.combine(TODAY - timedelta(days=days_ago), time(10, 0))
    debrief.schedule = Schedule(at=at, minutes=20, booked_at=at - timedelta(days=3))
    debrief.script = Script(bank_id="lost-to-competitor", questions=QUESTIONS, chosen_at=at - timedelta(days=1))
    debrief.answers = {
        "q-why": Answer(question_id="q-why", notes="The rollout time, mostly.", state=AnswerState.UNCLEAR,
                        tags=tags.get("q-why", [])),
        "q-price": Answer(question_id="q-price", notes="We were 20% higher.", state=AnswerState.ANSWERED,
                          tags=tags.get("q-price", [])),
    }
    debrief.call = CallRecord(started_at=at, ended_at=at + timedelta(minutes=18), elapsed=18 * 60,
                              rep_talk=200, buyer_talk=800, longest_monologue=40)
    debrief.status = Status.HELD
    return debrief


def edge_cases() -> list[Debrief]:
    """The edge cases of every fact: one debrief each."""
    no_call = _base("aaaaaa", "Alder Freight", 10, ["price"])
    held_untagged = _held(_base("bbbbbb", "Birch Health", 30, ["price", "timing"]), {}, 5)
    held_tagged = _held(_base("cccccc", "Cedar Retail", 30, ["price", "features"]),
                        {"q-price": ["price"], "q-why": ["implementation"]}, 5)
    wrapped_due = _held(_base("dddddd", "Dogwood Labs", 60, ["price"]), {"q-price": ["price"]}, 40)
    wrapped_due.status = Status.WRAPPED
    wrapped_due.stay_in_touch = StayInTouch(channel="email", next_check_in=TODAY - timedelta(days=5))
    wrapped_due.move_on = TODAY + timedelta(days=20)
    checked_in = _held(_base("eeeeee", "Elm Outdoors", 60, ["timing"]), {"q-why": ["timing"]}, 40)
    checked_in.status = Status.WRAPPED
    checked_in.stay_in_touch = StayInTouch(next_check_in=TODAY - timedelta(days=10))
    checked_in.follow_ups = [FollowUp(on=TODAY - timedelta(days=3), channel="email", outcome="Friendly reply")]
    checked_in.move_on = TODAY + timedelta(days=20)
    moved_on = _held(_base("ffffff", "Fir Systems", 90, ["price"]), {"q-price": ["budget"]}, 70)
    moved_on.status = Status.WRAPPED
    moved_on.stay_in_touch = StayInTouch(next_check_in=TODAY - timedelta(days=20))
    moved_on.move_on = TODAY - timedelta(days=2)
    not_now = _held(_base("gggggg", "Ginkgo Media", 120, ["timing"]), {"q-why": ["timing"]}, 100)
    not_now.status = Status.WRAPPED
    not_now.move_on = TODAY - timedelta(days=30)  # moved on, but agreed to talk again later:
    not_now.stay_in_touch = StayInTouch(next_check_in=TODAY - timedelta(days=3))  # planned after the reset
    return [no_call, held_untagged, held_tagged, wrapped_due, checked_in, moved_on, not_now]


EDGE_IDS = ["aaaaaa", "bbbbbb", "cccccc", "dddddd", "eeeeee", "ffffff", "gggggg"]


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home folder of the test's own: exports land inside the test's folder."""
    folder = tmp_path / "home"
    folder.mkdir(exist_ok=True)
    monkeypatch.setenv("HOME", str(folder))
    monkeypatch.delenv("XDG_DOCUMENTS_DIR", raising=False)
    return folder


@pytest.fixture
def cases(store: Store) -> dict[str, Debrief]:
    """The demo set and the edge cases, stored."""
    debriefs = [*demo_debriefs(6, seed=5, today=TODAY), *edge_cases()]
    for debrief in debriefs:
        store.put(debrief)
    return {debrief.id: store.get(debrief.id) for debrief in debriefs}


@pytest.fixture
def app_today(store: Store, tmp_path: Path) -> Callable[[], DebriefApp]:
    """The app on the real today, the day the command line sees."""
    return lambda: create_app(store, settings_path=tmp_path / "settings.json", today=TODAY)


def _verdict_lines(debrief: Debrief) -> list[str]:
    return [f"{row.label}: {row.verdict}" for row in guess_check(debrief).guessed_rows]


def test_the_edge_cases_mean_what_they_say(cases: dict[str, Debrief]) -> None:
    """The core's own answers, so the surfaces below are checked against the right thing."""
    verdicts = {i: [row.verdict for row in guess_check(cases[i]).guessed_rows] for i in EDGE_IDS}
    assert verdicts == {"aaaaaa": ["not checked"], "bbbbbb": ["not checked", "not checked"],
                        "cccccc": ["match", "miss"], "dddddd": ["match"], "eeeeee": ["match"], "ffffff": ["miss"],
                        "gggggg": ["match"]}
    now_due = due([facts_of(d).summary for d in cases.values()], TODAY, Settings())
    edge_check_ins = [item.id for item in now_due.check_ins if item.id in EDGE_IDS]
    # Done by a follow-up (eeeeee) or planned before a passed move-on date (ffffff): not due. Planned
    # after the move-on date (gggggg): the rep's "not now, later" touchpoint, due.
    assert sorted(edge_check_ins) == ["dddddd", "gggggg"]
    assert "aaaaaa" in {item.id for item in now_due.to_schedule}
    steps = {i: next_step(facts_of(cases[i]).summary, TODAY, Settings()) for i in EDGE_IDS[3:]}
    assert steps == {"dddddd": "check in now", "eeeeee": f"move on {(TODAY + timedelta(days=20)).isoformat()}",
                     "ffffff": "moved on", "gggggg": "check in now"}


# -- one debrief: show, summary, Read, exports -------------------------------------------------------


def test_show_summary_and_json_agree_on_every_debrief(cases: dict[str, Debrief], run_cli: RunCli) -> None:
    for debrief_id, debrief in cases.items():
        md = run_cli("show", debrief_id, "--format", "md")
        assert md.returncode == 0, md.stderr
        summary = run_cli("summary", debrief_id)
        assert summary.returncode == 0, summary.stderr
        shown = json.loads(run_cli("show", debrief_id, "--format", "json").stdout)
        derived = shown["derived"]
        check = guess_check(debrief)
        assert shown["id"] == debrief_id and shown["status"] == debrief.status.value  # the stored shape stays
        assert derived["status"] == status_label(debrief.status)
        assert f"- **Status:** {derived['status']}" in md.stdout
        assert f"Status: {derived['status']} (id {debrief_id})" in summary.stdout
        assert derived["guess"]["verdicts"] == {row.tag: row.verdict for row in check.guessed_rows}
        for line in _verdict_lines(debrief):
            assert f"- {line}" in md.stdout, (debrief_id, line)
            assert f"- {line}" in summary.stdout, (debrief_id, line)
        assert check.sentence() in md.stdout and check.sentence() in summary.stdout
        assert "miss" not in derived["guess"]["verdicts"].values() or check.checked


async def test_read_screen_and_its_export_are_what_show_prints(
    cases: dict[str, Debrief], app_today: Callable[[], DebriefApp], run_cli: RunCli, tmp_path: Path
) -> None:
    app = app_today()
    shown = {i: run_cli("show", i).stdout for i in EDGE_IDS}
    async with app.run_test(size=(120, 40)) as pilot:
        for debrief_id in EDGE_IDS:
            app.open_read(debrief_id)
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, ReadScreen)
            debrief = cases[debrief_id]
            assert f"· {status_label(debrief.status)} ·" in str(screen.query_one("#read-title").render())
            guess = str(screen.query_one("#section-guess").render())
            for line in _verdict_lines(debrief):
                assert line in guess, (debrief_id, line, guess)
            assert guess_check(debrief).sentence() in guess
            assert screen.text == shown[debrief_id]  # what Copy copies is what show prints
            screen.action_export()
            await pilot.pause()
            exported = _find_export(tmp_path, f"-{debrief_id}-debrief.md")
            assert exported.read_text() == shown[debrief_id]
            screen.dismiss()
            await settle(pilot)


def _find_export(root: Path, suffix: str) -> Path:
    found = list(root.rglob(f"*{suffix}"))
    assert len(found) == 1, found
    return found[0]


async def test_the_wrap_up_export_is_the_summary(
    cases: dict[str, Debrief], app_today: Callable[[], DebriefApp], run_cli: RunCli, tmp_path: Path
) -> None:
    app = app_today()
    expected = run_cli("summary", "dddddd").stdout
    async with app.run_test(size=(140, 45)) as pilot:
        app.open_wrapup("dddddd")
        await settle(pilot)
        app.screen.action_export()  # type: ignore[attr-defined]
        await settle(pilot)
        path = app.screen.last_export  # type: ignore[attr-defined]
        assert path is not None
        assert path.read_text() == expected
        assert "- Price: match (buyer: 1×)" in expected


# -- across debriefs: home, patterns, stats, compare ---------------------------------------------------


async def test_home_patterns_and_stats_list_the_same_due(
    cases: dict[str, Debrief], app_today: Callable[[], DebriefApp], run_cli: RunCli, store: Store
) -> None:
    result = run_cli("stats", "--format", "json")
    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)
    text = run_cli("stats").stdout
    core = compute_stats([facts_of(d) for d in cases.values()], TODAY)
    core_due = due(store.summaries(), TODAY, Settings())
    check_ins = [item.id for item in core_due.check_ins]
    assert {"dddddd", "gggggg"} <= set(check_ins) and not {"eeeeee", "ffffff"} & set(check_ins)
    assert sorted(row["id"] for row in stats["follow_ups"]["due"]) == sorted(check_ins)
    assert stats["follow_ups"]["check_ins"]["due"] == len(check_ins)
    assert sorted(row.id for row in core.follow_ups.due) == sorted(check_ins)
    assert f"Check-ins: {len(check_ins):,} due by {TODAY.isoformat()}" in text
    assert [e["id"] for e in stats["follow_ups"]["to_schedule"]] == [item.id for item in core_due.to_schedule]
    for debrief_id in (row["id"] for row in stats["follow_ups"]["due"]):
        shown = json.loads(run_cli("show", debrief_id, "--format", "json").stdout)
        assert shown["derived"]["check_in_due"] is True
    for debrief_id in ("eeeeee", "ffffff"):
        shown = json.loads(run_cli("show", debrief_id, "--format", "json").stdout)
        assert shown["derived"]["check_in_due"] is False
    accuracy = stats["guess_accuracy"]
    judged = [guess_check(d) for d in cases.values() if guess_check(d).checked and d.guessed_reasons]
    assert accuracy["guessed"] == sum(len(c.guessed) for c in judged)
    assert accuracy["confirmed"] == sum(len(c.confirmed) for c in judged)

    app = app_today()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        panel = app.screen.query_one(DuePanel)
        assert sorted(item.id for item in panel.due.check_ins) == sorted(check_ins)
        assert [item.id for item in panel.due.to_schedule] == [item.id for item in core_due.to_schedule]
        assert f"Check-ins due {len(check_ins):,}" in str(app.screen.query_one("#due-2").render())
        app.open_patterns()
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PatternsScreen) and screen.stats is not None
        assert screen.stats.to_json()["follow_ups"] == stats["follow_ups"]
        assert screen.stats.to_json()["guess_accuracy"] == accuracy
        table = screen.query_one("#table-due")
        assert sorted(key.value for key in table.rows) == sorted(check_ins)  # type: ignore[attr-defined]
        summary = str(screen.query_one("#follow-ups-summary").render())
        assert f"Check-ins: {len(check_ins):,} due by {TODAY.isoformat()}" in summary


def test_compare_gives_the_same_verdicts_and_statuses(cases: dict[str, Debrief], run_cli: RunCli) -> None:
    ids = ["aaaaaa", "bbbbbb", "cccccc", "ffffff"]
    result = run_cli("compare", *ids, "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    for index, debrief_id in enumerate(ids):
        check = guess_check(cases[debrief_id])
        assert data["guess"][index]["verdicts"] == {row.tag: row.verdict for row in check.guessed_rows}
        assert data["guess"][index]["missed"] == list(check.missed)
        assert data["debriefs"][index]["status"] == cases[debrief_id].status.value
    md = run_cli("compare", *ids).stdout
    assert "not checked: no buyer reasons tagged yet" in md  # the untagged ones are not misses
    assert "guessed · not checked" in md and "guessed ✗ (not said)" in md
    status_row = next(line for line in md.splitlines() if "Status" in line)
    for debrief_id in ids:
        assert status_label(cases[debrief_id].status) in status_row


# -- one bad file fails alone ---------------------------------------------------------------------------


def _damage(store: Store, cases: dict[str, Debrief]) -> tuple[str, str]:
    """Break two stored debriefs: one file is not JSON, one is JSON that fails validation.

    They are replaced the way editors and sync tools write (a new file renamed over the old one),
    which the review cache notices from the folder; an edit in place is for ``debrief repair``.
    """
    not_json, invalid = "bbbbbb", "cccccc"
    _replace(store._debrief_path(not_json), '{"debrief": {"1": {"id": "bbbb')
    path = store._debrief_path(invalid)
    data = json.loads(path.read_text())
    for doc in data["debrief"].values():
        doc["value"] = -5
    _replace(path, json.dumps(data))
    return not_json, invalid


def _replace(path: Path, text: str) -> None:
    scratch = path.with_name(path.name + ".edit")
    scratch.write_text(text)
    os.replace(scratch, path)


def test_stats_skip_a_damaged_debrief_and_say_so(cases: dict[str, Debrief], store: Store, run_cli: RunCli) -> None:
    bad = _damage(store, cases)
    result = run_cli("stats", "--format", "json")
    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)
    assert stats["total"] == len(cases) - 2
    assert stats["unreadable"] == sorted(bad)
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and all(line.startswith("debrief: skipped ") for line in lines)
    assert {line.split()[2].rstrip(":") for line in lines} == set(bad)
    assert "Traceback" not in result.stderr
    text = run_cli("stats")
    assert text.returncode == 0 and "could not be read: bbbbbb, cccccc" in text.stdout


def test_search_skips_a_damaged_debrief_and_say_so(cases: dict[str, Debrief], store: Store,
                                                   run_cli: RunCli) -> None:
    bad = _damage(store, cases)
    result = run_cli("search", "rollout", "--format", "json")
    assert result.returncode == 0, result.stderr
    hits = {hit["id"] for hit in json.loads(result.stdout)["hits"]}
    assert {"dddddd", "eeeeee", "ffffff"} <= hits and not hits & set(bad)
    assert len(result.stderr.splitlines()) == 2 and "Traceback" not in result.stderr


def test_compare_names_a_damaged_debrief_it_was_asked_for(cases: dict[str, Debrief], store: Store,
                                                          run_cli: RunCli) -> None:
    not_json, invalid = _damage(store, cases)
    for damaged in (not_json, invalid):
        result = run_cli("compare", "aaaaaa", damaged)
        assert result.returncode == 2
        assert result.stderr.count("\n") == 1 and damaged in result.stderr and "Traceback" not in result.stderr
    missing = run_cli("compare", "aaaaaa", "zzzzzz")
    assert missing.returncode == 1 and missing.stderr.count("\n") == 1
    fine = run_cli("compare", "aaaaaa", "dddddd")  # the damage elsewhere does not matter
    assert fine.returncode == 0, fine.stderr


async def test_patterns_and_search_screens_show_a_notice(cases: dict[str, Debrief], store: Store,
                                                         app_today: Callable[[], DebriefApp]) -> None:
    bad = _damage(store, cases)
    app = app_today()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        app.open_patterns()
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PatternsScreen) and screen.stats is not None
        assert screen.stats.total == len(cases) - 2 and screen.stats.unreadable == tuple(sorted(bad))
        assert "could not be read" in str(screen.query_one("#patterns-summary").render())
        assert any("could not be read" in note.message and "bbbbbb" in note.message
                   for note in app._notifications)
        app.open_search("rollout")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        assert sum("not searched" in note.message for note in app._notifications) == 1


# -- the core's import graph ------------------------------------------------------------------------


def _core_graph() -> dict[str, set[str]]:
    """Each module of debrief/core with the core modules it imports (from its source)."""
    import ast

    root = Path(__file__).resolve().parents[1] / "debrief" / "core"
    modules = {".".join(("debrief", "core", *path.relative_to(root).with_suffix("").parts))
               .removesuffix(".__init__"): path for path in root.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                targets = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
            elif isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                continue
            deps |= {target for target in targets if target in modules and target != name}
        graph[name] = deps
    return graph


def test_the_core_has_no_import_cycle() -> None:
    graph = _core_graph()
    # Review and wrap-up no longer lean on each other: both read facts and the document.
    assert not any(dep.startswith("debrief.core.review") for dep in graph["debrief.core.wrapup"])
    assert not any(dep == "debrief.core.wrapup" for name, deps in graph.items() if name.startswith(
        "debrief.core.review") for dep in deps)
    done: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        assert name not in path, " -> ".join((*path, name))
        if name in done:
            return
        for dep in graph[name]:
            visit(dep, (*path, name))
        done.add(name)

    for module in graph:
        visit(module, ())
