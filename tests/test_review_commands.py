"""``debrief compare``, ``debrief stats`` and ``debrief search``: the real command, a real database."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable

from debrief.core.store import Store
from tests.test_review import compare_set, known_set

RunCli = Callable[..., subprocess.CompletedProcess[str]]


def test_compare_four_lines_answers_up_by_question_id(store: Store, run_cli: RunCli) -> None:
    debriefs = compare_set()
    store.put_many(debriefs)
    result = run_cli("compare", "wwwwww", "xxxxxx", "yyyyyy", "zzzzzz", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [d["id"] for d in data["debriefs"]] == ["wwwwww", "xxxxxx", "yyyyyy", "zzzzzz"]
    assert [row["question_id"] for row in data["rows"]] == ["q-open", "q-who", "q-factors", "q-price", "q-custom",
                                                           "adhoc-1"]
    for row in data["rows"]:
        assert len(row["answers"]) == 4
        for debrief, cell in zip(debriefs, row["answers"], strict=True):
            asked = row["question_id"] in debrief.answers or (
                debrief.script is not None and row["question_id"] in debrief.script.question_ids)
            assert (cell is not None) == asked, (row["question_id"], debrief.id)
            if row["question_id"] in debrief.answers:
                answer = debrief.answers[row["question_id"]]
                assert cell == {"notes": answer.notes, "clarified": answer.clarified, "state": answer.state.value,
                                "tags": answer.tags}
    assert {"tags", "takeaways", "guess"} <= set(data)


def test_compare_markdown(store: Store, run_cli: RunCli) -> None:
    store.put_many(compare_set())
    result = run_cli("compare", "WWWWWW", "zzzzzz")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# Side by side: Willow Labs (wwwwww) · Zinnia Health (zzzzzz)")
    assert ("| ≠ Q price | “How did you weigh the cost against the value?”<br>unclear<br>Our quote was 20% above."
            in result.stdout)


def test_compare_refuses_one_id_five_ids_and_repeats(store: Store, run_cli: RunCli) -> None:
    store.put_many(compare_set())
    for args, reason in ((["wwwwww"], "side by side needs two to four debriefs; one was given"),
                         (["wwwwww", "xxxxxx", "yyyyyy", "zzzzzz", "wwwwww"], "at most four"),
                         (["wwwwww", "xxxxxx", "wwwwww"], "wwwwww was given twice"),
                         ([], "none were given")):
        result = run_cli("compare", *args)
        assert result.returncode == 2, (args, result.stderr)
        assert result.stdout == ""
        assert reason in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert "Traceback" not in result.stderr


def test_compare_unknown_id_is_not_found(store: Store, run_cli: RunCli) -> None:
    store.put_many(compare_set())
    result = run_cli("compare", "wwwwww", "qqqqqq")
    assert result.returncode == 1
    assert "no debrief with id 'qqqqqq'" in result.stderr
    assert run_cli("compare", "wwwwww", "xxxxxx", "--format", "xml").returncode == 2


def test_stats_json_has_the_breakdowns(store: Store, run_cli: RunCli) -> None:
    store.put_many(known_set())
    result = run_cli("stats", "--format", "json")
    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)
    for key in ("reasons", "competitors", "stages", "quarters", "red_flags", "guess_accuracy", "follow_ups",
                "unclear_questions", "total"):
        assert key in stats, key
    assert stats["total"] == 4
    assert {r["reason"]: r["count"] for r in stats["reasons"]} == {"price": 2, "features": 1, "value": 1, "timing": 0}
    assert {r["reason"]: r["guessed"] for r in stats["reasons"]} == {"price": 2, "features": 1, "value": 0,
                                                                     "timing": 1}
    assert [(c["label"], c["count"]) for c in stats["competitors"]] == [
        ("Salesforce", 2), ("not recorded", 1), ("HubSpot", 1)]
    assert [(s["stage"], s["count"], s["share"]) for s in stats["stages"]] == [("demo", 3, 0.75),
                                                                               ("proposal", 1, 0.25)]
    assert [(q["quarter"], q["count"]) for q in stats["quarters"]] == [
        ("2025-Q3", 1), ("2025-Q4", 0), ("2026-Q1", 1), ("2026-Q2", 2)]
    assert stats["guess_accuracy"]["confirmed"] == 2 and stats["guess_accuracy"]["guessed"] == 3
    assert stats["follow_ups"]["action_items"]["done"] == 2
    assert [row["id"] for row in stats["follow_ups"]["due"]] == ["aaaaaa"]
    assert stats["unclear_questions"][0]["question_id"] == "q-factors"


def test_stats_text_and_empty_database(store: Store, run_cli: RunCli) -> None:
    empty = run_cli("stats")
    assert empty.returncode == 0 and "No debriefs yet" in empty.stdout
    store.put_many(known_set())
    result = run_cli("stats")
    assert result.returncode == 0, result.stderr
    for title in ("Why we lose", "Who we lose to", "Where in the deal", "Losses by quarter",
                  "My guesses confirmed by the buyer", "Red flags before losses", "Follow-ups",
                  "Questions most often left unclear"):
        assert title in result.stdout


def test_search_command(store: Store, run_cli: RunCli) -> None:
    debriefs = compare_set()
    debriefs[1].answers["q-who"].clarified = "Only the CFO signs anything over 50k."
    store.put_many(debriefs)
    result = run_cli("search", "cfo", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["total"] == 1 and data["hits"][0]["id"] == "xxxxxx"
    snippet = data["hits"][0]["snippets"][0]
    start, end = snippet["matches"][0]
    assert snippet["text"][start:end].lower() == "cfo"
    text = run_cli("search", "pilot")
    assert text.returncode == 0
    assert "2 debriefs match 'pilot'" in text.stdout and "\x1b" not in text.stdout
    assert "No debrief mentions 'zebra'" in run_cli("search", "zebra").stdout
    blank = run_cli("search", " ")
    assert blank.returncode == 2 and "nothing to search for" in blank.stderr


def test_search_command_folds_accents_and_hyphens(store: Store, run_cli: RunCli) -> None:
    debriefs = compare_set()
    debriefs[0].impressions = "Åsa at Trädgård said cost-of-delay was the worry."
    store.put_many(debriefs)
    for query in ("tradgard", "ASA", "cost of delay", '"cost of delay"'):
        result = run_cli("search", query, "--format", "json")
        assert result.returncode == 0, result.stderr
        data = json.loads(result.stdout)
        assert [hit["id"] for hit in data["hits"]] == [debriefs[0].id], query
        snippet = next(s for s in data["hits"][0]["snippets"] if s["field"] == "First impressions")
        marked = [snippet["text"][start:end] for start, end in snippet["matches"]]
        assert marked and set(marked) <= {"Trädgård", "Åsa", "cost-of-delay", "cost", "of", "delay"}, marked
    text = run_cli("search", "tradgard")
    assert text.returncode == 0 and "Trädgård" in text.stdout


def _section(text: str, title: str) -> list[str]:
    """The lines of one ``stats`` section, title first, up to the blank line that ends it."""
    lines = text.splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith(title))
    end = lines.index("", start)
    return lines[start:end]


def test_stats_text_names_every_column_and_says_when_no_reason_was_heard(store: Store, run_cli: RunCli) -> None:
    """Every column has a header, bars included, and a row with losses never shows an empty top reason."""
    store.put_many(known_set())
    result = run_cli("stats")
    assert result.returncode == 0, result.stderr
    for title, first in (("Who we lose to", "competitor"), ("Where in the deal", "stage"),
                         ("Losses by quarter", "quarter"), ("Why we lose", "reason")):
        header, rule = _section(result.stdout, title)[1:3]
        assert header.split()[0] == first, header
        # One header word or more above every run of dashes: no unnamed column, the bars' included.
        starts = [n for n, char in enumerate(rule) if char == "-" and (n == 0 or rule[n - 1] == " ")]
        assert all(header[n] != " " for n in starts), (header, rule)
        assert header.rstrip().endswith("█ losses" if first != "reason" else "█ buyer")
    hubspot = next(line for line in _section(result.stdout, "Who we lose to") if line.startswith("HubSpot"))
    assert "not heard yet" in hubspot
    assert "1 follow-up logged" in result.stdout and "1 follow-ups" not in result.stdout


def test_stats_says_when_the_facts_cache_is_behind_and_repair_brings_it_up_to_date(store: Store,
                                                                                   run_cli: RunCli) -> None:
    """A cache lost (removed, or of an older version) makes ``stats`` read every file: the same
    answer, and one line on stderr naming the way back; after ``repair`` no file is read."""
    from debrief.cli.review_commands import BEHIND_HINT
    from debrief.core.demo import demo_debriefs

    store.put_many(demo_debriefs(BEHIND_HINT, seed=3), durable=False)
    expected = run_cli("stats", "--format", "json")
    assert expected.returncode == 0 and expected.stderr == ""
    for leftover in (store.root / "index").glob("facts.sqlite*"):
        leftover.unlink()
    behind = run_cli("stats", "--format", "json")
    assert behind.returncode == 0 and behind.stdout == expected.stdout
    assert behind.stderr.strip() == (
        f"debrief: {BEHIND_HINT:,} debriefs read from their files, the facts cache being behind them; "
        "'debrief repair' (or the app's patterns screen) brings it up to date")
    assert run_cli("repair").returncode == 0
    again = run_cli("stats", "--format", "json")
    assert again.stdout == expected.stdout and again.stderr == ""
