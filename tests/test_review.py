"""Review logic: side by side alignment, patterns across debriefs, search, the library cache.

The builders here (``scripted``, ``compare_set``, ``known_set``) are shared with the command,
screen and snapshot tests of review, so every layer is checked against the same data.
"""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from debrief.core.model import (
    ActionItem,
    Answer,
    AnswerState,
    Contact,
    Debrief,
    FollowUp,
    Script,
    ScriptQuestion,
    Status,
    StayInTouch,
    Takeaways,
)
from debrief.core.review import (
    SearchDoc,
    check_compare_ids,
    compare,
    comparison_markdown,
    compute_stats,
    facts_of,
    library_for,
    merged_order,
    query_terms,
    save_export,
    search,
    search_doc,
    stats_of,
    stats_text,
)
from debrief.core.store import Store
from debrief.core.text import fold

TODAY = date(2026, 11, 23)

QUESTIONS: dict[str, tuple[str, str, str]] = {
    "q-open": ("opening", "Opening", "Looking back, how did this project start on your side?"),
    "q-who": ("decision", "How the decision was made", "Who was involved in the final decision?"),
    "q-factors": ("decision", "How the decision was made", "What mattered most in your final decision?"),
    "q-price": ("price", "Price and value", "How did you weigh the cost against the value?"),
    "q-custom": ("", "", "What would a pilot have needed to show?"),
}

AnswerSpec = tuple[str, AnswerState, list[str]]


def scripted(
    debrief_id: str,
    company: str,
    questions: list[str],
    answers: dict[str, AnswerSpec] | None = None,
    *,
    lost_on: date = date(2026, 9, 1),
    lost_to: str = "Salesforce",
    stage: str = "demo",
    value: float | None = 50_000,
    guessed: list[str] | None = None,
    red_flags: list[str] | None = None,
    status: Status = Status.HELD,
    impressions: str = "",
    takeaways: Takeaways | None = None,
) -> Debrief:
    """A debrief whose script holds ``questions`` (ids of ``QUESTIONS`` or ad hoc) and answers."""
    stamp = datetime.combine(lost_on, datetime.min.time()).replace(hour=17)
    script_questions = [
        ScriptQuestion(id=qid, phase=QUESTIONS[qid][0], phase_title=QUESTIONS[qid][1], text=QUESTIONS[qid][2],
                       tags=[], probes=["Could you give me an example?"], custom=not QUESTIONS[qid][0])
        for qid in questions if qid in QUESTIONS
    ]
    debrief = Debrief(
        id=debrief_id, created_at=stamp, updated_at=stamp, status=status, company=company,
        contact=Contact(name=f"Contact of {company}", role="CFO"), value=value, stage=stage, lost_on=lost_on,
        lost_to=lost_to, impressions=impressions, red_flags=red_flags or [], guessed_reasons=guessed or [],
        script=Script(bank_id="lost-to-competitor", questions=script_questions, chosen_at=stamp),
        takeaways=takeaways or Takeaways(),
    )
    for qid, (notes, state, tags) in (answers or {}).items():
        debrief.answers[qid] = Answer(question_id=qid, notes=notes, state=state, tags=tags)
    return debrief


def compare_set() -> list[Debrief]:
    """Four debriefs that asked different questions (and one ad hoc note outside the script)."""
    ok, unclear, clarified = AnswerState.ANSWERED, AnswerState.UNCLEAR, AnswerState.CLARIFIED
    return [
        scripted("wwwwww", "Willow Labs", ["q-open", "q-factors", "q-price"], {
            "q-open": ("Started from a board mandate.", ok, ["criteria"]),
            "q-factors": ("Price was the first filter | then support.", ok, ["price"]),
            "q-price": ("Our quote was 20% above.", unclear, ["price"]),
        }, guessed=["price", "features"], lost_on=date(2026, 10, 2),
            takeaways=Takeaways(what_happened="Lost on price.", next_time="Anchor value before the quote.")),
        scripted("xxxxxx", "Xenon Freight", ["q-open", "q-who", "q-factors"], {
            "q-open": ("A failed pilot with the incumbent.", ok, []),
            "q-who": ("The CFO decided alone.", clarified, ["decision-maker"]),
        }, guessed=["decision-maker"], lost_to="HubSpot", stage="proposal", lost_on=date(2026, 8, 14)),
        scripted("yyyyyy", "Yarrow Foods", ["q-factors", "q-price", "q-custom"], {
            "q-factors": ("Integration with their ERP.", ok, ["integration"]),
            "q-price": ("Price was fine.", ok, []),
            "q-custom": ("A pilot on two sites.", ok, []),
        }, guessed=["price"], lost_on=date(2026, 7, 20)),
        scripted("zzzzzz", "Zinnia Health", ["q-open", "q-price"], {
            "q-open": ("Came through a referral.", ok, []),
            "q-price": ("Budget was cut mid-year.", ok, ["budget"]),
            "adhoc-1": ("Asked about our roadmap; they want SSO.", ok, ["features"]),
        }, guessed=["features"], lost_to="", stage="negotiation", lost_on=date(2026, 6, 3)),
    ]


def known_set() -> list[Debrief]:
    """Four debriefs with patterns worked out by hand (see ``test_stats_of_a_known_set``)."""
    ok, unclear, clarified = AnswerState.ANSWERED, AnswerState.UNCLEAR, AnswerState.CLARIFIED
    acme = scripted("aaaaaa", "Acme", ["q-open", "q-factors"], {
        "q-open": ("They compared three vendors on price.", ok, ["price"]),
        "q-factors": ("Price, and the value was not clear.", unclear, ["price", "value"]),
    }, lost_on=date(2026, 2, 10), lost_to="Salesforce", stage="demo", value=1000,
        guessed=["price", "timing"], red_flags=["price"], status=Status.WRAPPED)
    acme.action_items = [ActionItem(text="Share the lesson", done=True),
                         ActionItem(text="Build a value calculator", due=date(2026, 3, 1))]
    acme.stay_in_touch = StayInTouch(next_check_in=date(2026, 6, 1))
    birch = scripted("bbbbbb", "Birch", ["q-open", "q-price"], {
        "q-open": ("Missing reporting features.", clarified, ["features"]),
        "q-price": ("Not sure what they meant by cost.", unclear, []),
    }, lost_on=date(2026, 5, 5), lost_to="salesforce", stage="proposal", value=2000,
        guessed=["features"], red_flags=["price", "incumbent"], status=Status.WRAPPED)
    birch.action_items = [ActionItem(text="Ask product about reporting", done=True)]
    birch.stay_in_touch = StayInTouch(next_check_in=date(2026, 5, 1))
    birch.follow_ups = [FollowUp(on=date(2026, 5, 2), channel="email", outcome="friendly")]
    cedar = scripted("cccccc", "Cedar", [], lost_on=date(2026, 5, 20), lost_to="HubSpot", stage="demo",
                     value=None, guessed=["price"], red_flags=["incumbent"], status=Status.LOGGED)
    cedar.stay_in_touch = StayInTouch(next_check_in=date(2030, 1, 1))
    delta = scripted("dddddd", "Delta", ["q-factors"], {
        "q-factors": ("Too expensive for this year.", unclear, ["price"]),
    }, lost_on=date(2025, 8, 15), lost_to="", stage="Demo", value=500)
    return [acme, birch, cedar, delta]


# -- side by side ----------------------------------------------------------------------------------


def test_compare_needs_two_to_four_different_ids() -> None:
    assert check_compare_ids([" AAAAAA", "bbbbbb "]) == ["aaaaaa", "bbbbbb"]
    with pytest.raises(ValueError, match=r"two to four.*one was given"):
        check_compare_ids(["aaaaaa"])
    with pytest.raises(ValueError, match="at most four"):
        check_compare_ids(["aaaaaa", "bbbbbb", "cccccc", "dddddd", "eeeeee"])
    with pytest.raises(ValueError, match="given twice"):
        check_compare_ids(["aaaaaa", "bbbbbb", "AAAAAA"])


def test_merged_order_keeps_each_script_in_order() -> None:
    assert merged_order([["a", "c"], ["a", "b", "c"]]) == ["a", "b", "c"]
    assert merged_order([["a", "b"], ["x", "y"]]) == ["a", "b", "x", "y"]
    assert merged_order([["a", "b", "c"], ["c", "b"]]) == ["a", "b", "c"]  # disagreement: first appearance wins
    assert merged_order([]) == []


def test_four_debriefs_line_up_by_question_id() -> None:
    debriefs = compare_set()
    comparison = compare(debriefs)
    order = [row.question_id for row in comparison.rows]
    assert order == ["q-open", "q-who", "q-factors", "q-price", "q-custom", "adhoc-1"]
    for row in comparison.rows:
        for debrief, answer in zip(debriefs, row.answers, strict=True):
            scripted_ids = debrief.script.question_ids if debrief.script else []
            if row.question_id in debrief.answers:
                assert answer == debrief.answers[row.question_id]
            elif row.question_id in scripted_ids:
                assert answer is not None and answer.state is AnswerState.NOT_ASKED
            else:
                assert answer is None
    by_id = {row.question_id: row for row in comparison.rows}
    assert by_id["q-who"].text == QUESTIONS["q-who"][2]
    assert by_id["adhoc-1"].text == "adhoc-1"
    assert by_id["q-open"].differs  # Yarrow did not ask it
    same = compare([debriefs[0], debriefs[0].model_copy(update={"id": "vvvvvv"})])
    assert not any(row.differs for row in same.rows)


def test_reasons_and_guesses_side_by_side() -> None:
    comparison = compare(compare_set())
    price = next(line for line in comparison.reasons if line.tag == "price")
    assert price.said == (2, 0, 0, 0)
    assert price.guessed == (True, False, True, False)
    assert price.differs
    assert price.cell(0) == "said ×2 · guessed ✓"
    assert price.cell(2) == "guessed ✗ (not said)"
    willow, xenon, yarrow, zinnia = comparison.guesses
    assert willow.confirmed == ("price",) and willow.missed == ("features",)
    assert willow.accuracy == 0.5
    assert xenon.accuracy == 1.0
    assert yarrow.buyer == ("integration",) and yarrow.accuracy == 0.0
    assert zinnia.confirmed == ("features",)  # tagged on the ad hoc note


def test_every_deal_fact_that_differs_is_marked_and_the_summary_says_so_in_words() -> None:
    twin = scripted("aaaaaa", "Acme", ["q-who"], {"q-who": ("The CFO.", AnswerState.ANSWERED, [])})
    other = scripted("bbbbbb", "Birch", ["q-who"], {"q-who": ("The board.", AnswerState.ANSWERED, [])},
                     lost_on=date(2026, 10, 2), value=80_000)
    comparison = compare([twin, other])
    marked = {title: differs for title, _, differs in comparison.deal_rows()}
    assert marked["Value"] and marked["Lost on"]  # they differ, so they carry ≠ like the others
    assert not marked["Lost to"] and not marked["Stage"] and not marked["Contact"]
    assert comparison.summary() == ("Every debrief asked the one question. ≠ marks what differs: 2 deal facts.")
    assert "| ≠ Value | 50,000 | 80,000 |" in comparison_markdown(comparison)

    same = compare([twin, twin.model_copy(update={"id": "cccccc"})])
    assert not any(differs for *_, differs in same.deal_rows())
    assert same.summary().endswith("Nothing else differs: only the notes and takeaways, which always do.")
    summary = compare(compare_set()).summary()
    assert summary.startswith("None of the 6 questions was asked in every debrief. ≠ marks what differs: ")
    assert "6 questions answered differently" in summary and " and " in summary and summary.endswith(".")


def test_comparison_json_shape() -> None:
    data = compare(compare_set()).to_json()
    assert [d["id"] for d in data["debriefs"]] == ["wwwwww", "xxxxxx", "yyyyyy", "zzzzzz"]
    assert {"company", "lost_on", "lost_to", "stage", "status"} <= set(data["debriefs"][0])
    row = next(r for r in data["rows"] if r["question_id"] == "q-who")
    assert row["answers"][0] is None and row["answers"][2] is None and row["answers"][3] is None
    assert row["answers"][1] == {"notes": "The CFO decided alone.", "clarified": "", "state": "clarified",
                                 "tags": ["decision-maker"]}
    assert len(data["takeaways"]) == 4 and data["takeaways"][0]["what_happened"] == "Lost on price."
    assert data["guess"][0]["confirmed"] == ["price"]
    assert any(tag["tag"] == "budget" for tag in data["tags"])


def test_comparison_markdown() -> None:
    text = comparison_markdown(compare(compare_set()))
    assert text.startswith("# Side by side: Willow Labs (wwwwww)")
    # The row is headed by a neutral topic; each column words the question as its own debrief asked it.
    assert "| ≠ Q who | — | “Who was involved in the final decision?”<br>clarified<br>The CFO decided alone." in text
    assert "first filter \\| then support" in text  # a pipe in a note cannot break the table
    for heading in ("## Answers, question by question", "## Loss reasons", "## My guess versus the buyer",
                    "## Takeaways"):
        assert heading in text
    assert "\x1b" not in text


# -- patterns ----------------------------------------------------------------------------------------


def test_stats_of_a_known_set() -> None:
    typed = stats_of(known_set(), TODAY)
    assert typed.total == 4 and typed.follow_ups.check_ins.due == 1 and typed.reasons[0].reason == "price"
    stats = typed.to_json()  # the shape of ``stats --format json``
    assert stats["total"] == 4 and stats["heard"] == 3 and stats["with_guesses"] == 3
    assert stats["value_lost"] == 3500
    assert stats["period"] == {"from": "2025-08-15", "to": "2026-05-20"}
    reasons = {r["reason"]: r for r in stats["reasons"]}
    assert [r["reason"] for r in stats["reasons"]] == ["price", "features", "value", "timing"]
    assert reasons["price"]["count"] == 2 and reasons["price"]["share"] == pytest.approx(2 / 3, abs=1e-4)
    assert reasons["price"]["guessed"] == 2 and reasons["price"]["confirmed"] == 1
    assert reasons["timing"]["count"] == 0 and reasons["timing"]["guessed"] == 1
    competitors = [(c["name"], c["label"], c["count"]) for c in stats["competitors"]]
    assert competitors == [("Salesforce", "Salesforce", 2), ("", "not recorded", 1), ("HubSpot", "HubSpot", 1)]
    assert stats["competitors"][0]["share"] == 0.5 and stats["competitors"][0]["value"] == 3000
    assert [(s["stage"], s["count"]) for s in stats["stages"]] == [("demo", 3), ("proposal", 1)]
    assert [(q["quarter"], q["count"]) for q in stats["quarters"]] == [
        ("2025-Q3", 1), ("2025-Q4", 0), ("2026-Q1", 1), ("2026-Q2", 2)]
    flags = {f["flag"]: f for f in stats["red_flags"]}
    assert flags["price"]["count"] == 2 and flags["price"]["heard"] == 2
    price_after_price = next(r for r in flags["price"]["reasons"] if r["reason"] == "price")
    assert price_after_price["count"] == 1 and price_after_price["lift"] == 0.75
    assert flags["incumbent"]["reasons"] == [
        {"reason": "features", "label": "Missing features", "count": 1, "share": 1.0, "lift": 3.0}]
    accuracy = stats["guess_accuracy"]
    assert (accuracy["guessed"], accuracy["confirmed"], accuracy["debriefs"]) == (3, 2, 2)
    assert accuracy["accuracy"] == pytest.approx(0.6667, abs=1e-4)
    assert [(q["quarter"], q["accuracy"]) for q in accuracy["quarters"]] == [("2026-Q1", 0.5), ("2026-Q2", 1.0)]
    follow = stats["follow_ups"]
    assert follow["action_items"] == {"done": 2, "open": 1, "overdue": 1}
    assert follow["check_ins"] == {"due": 1, "upcoming": 1}
    assert [row["id"] for row in follow["due"]] == ["aaaaaa"]
    assert follow["due"][0]["days_overdue"] == (TODAY - date(2026, 6, 1)).days
    assert follow["logged"] == 1
    assert [(q["question_id"], q["unclear"], q["asked"]) for q in stats["unclear_questions"]] == [
        ("q-factors", 2, 2), ("q-price", 1, 1)]


def test_stats_of_nothing() -> None:
    stats = stats_of([], TODAY)
    assert stats.total == 0 and stats.reasons == () and stats.quarters == ()
    assert stats.guess_accuracy.accuracy is None
    assert "No debriefs yet" in stats_text(stats)


def test_stats_text_reads_like_a_report() -> None:
    text = stats_text(stats_of(known_set(), TODAY))
    assert "4 lost deals from 2025-08-15 to 2026-05-20" in text
    assert "Why we lose" in text and "Price" in text and "█" in text
    assert "My guesses confirmed by the buyer: 67% (2 of 3 guesses)" in text
    assert "Check-ins: 1 due by 2026-11-23" in text


def test_facts_keep_only_what_patterns_need() -> None:
    acme = known_set()[0]
    facts = facts_of(acme)
    assert facts.buyer == ("price", "value")
    assert facts.answers == (("q-open", QUESTIONS["q-open"][2], AnswerState.ANSWERED),
                             ("q-factors", QUESTIONS["q-factors"][2], AnswerState.UNCLEAR))


# -- search ------------------------------------------------------------------------------------------


def _docs() -> list[SearchDoc]:
    debriefs = compare_set()
    debriefs[0].impressions = "They never took the CFO seriously.\x1b[31m"
    debriefs[1].answers["q-who"].clarified = "Only the CFO signs anything over 50k."
    return [search_doc(debrief) for debrief in debriefs]


def test_search_finds_notes_impressions_clarifications_and_takeaways() -> None:
    docs = _docs()
    assert [hit.doc.id for hit in search(docs, "cfo").hits] == ["xxxxxx", "wwwwww"]  # two mentions first
    assert [hit.doc.id for hit in search(docs, "ANCHOR value").hits] == ["wwwwww"]  # a takeaway
    assert [hit.doc.id for hit in search(docs, "sso").hits] == ["zzzzzz"]  # an ad hoc note
    assert search(docs, "pilot").total == 2
    assert search(docs, "pilot referral").total == 0  # every word must match
    assert search(docs, '"two sites"').total == 1 and search(docs, '"sites two"').total == 0
    assert search(docs, "   ").total == 0 and search(docs, "").hits == ()


def test_search_locates_the_matched_words() -> None:
    results = search(_docs(), "cfo signs")
    assert results.terms == ("cfo", "signs")
    hit = results.hits[0]
    assert hit.doc.id == "xxxxxx"
    labels = [snippet.label for snippet in hit.snippets]
    assert "Clarified · Who was involved in the final decision?" in labels
    for snippet in hit.snippets:
        assert snippet.spans, snippet
        for start, end in snippet.spans:
            assert snippet.text[start:end].lower() in results.terms
        assert "\x1b" not in snippet.text
    data = results.to_json()
    assert data["total"] == 1 and data["hits"][0]["snippets"][0]["matches"]


def test_search_snippets_are_cut_around_the_match() -> None:
    debrief = compare_set()[0]
    debrief.impressions = ("word " * 200) + "needle " + ("word " * 200)
    hit = search([search_doc(debrief)], "needle").hits[0]
    snippet = next(s for s in hit.snippets if s.label == "First impressions")
    assert snippet.text.startswith("…") and snippet.text.endswith("…")
    assert len(snippet.text) < 200
    (start, end), = snippet.spans
    assert snippet.text[start:end] == "needle"


def test_search_limit_and_query_terms() -> None:
    docs = [search_doc(d) for d in compare_set()]
    results = search(docs, "a", limit=2)
    assert results.total == 4 and len(results.hits) == 2
    assert query_terms('Price  "Two   Sites" price') == ["price", "two sites"]


def test_search_folds_accents_case_and_hyphens() -> None:
    """``tradgard`` finds Trädgård, "cost of delay" finds cost-of-delay and back, highlights on the original."""
    debrief = compare_set()[0]
    debrief.impressions = "Met Åsa at Trädgård AB; Zoe\u0308 and Straße said cost-of-delay is what matters."
    other = compare_set()[1]
    other.impressions = "They spoke of the COST OF DELAY twice."
    docs = [search_doc(debrief), search_doc(other)]
    for query, word in (("tradgard", "Trädgård"), ("asa", "Åsa"), ("ZOE", "Zoe\u0308"), ("strasse", "Straße")):
        results = search(docs, query)
        assert [hit.doc.id for hit in results.hits] == [debrief.id], query
        snippet = next(s for s in results.hits[0].snippets if s.label == "First impressions")
        assert [snippet.text[start:end] for start, end in snippet.spans] == [word]
    phrase = search(docs, '"cost of delay"')
    assert {hit.doc.id for hit in phrase.hits} == {debrief.id, other.id}
    assert search(docs, "cost-of-delay").terms == ("cost of delay",)
    assert search(docs, "cost-of-delay").total == 2
    hit = next(h for h in phrase.hits if h.doc.id == debrief.id)
    snippet = next(s for s in hit.snippets if s.label == "First impressions")
    assert [snippet.text[start:end] for start, end in snippet.spans] == ["cost-of-delay"]
    assert fold("Ærø Łódź Đorđe ÆSIR") == "aero lodz dorde aesir"
    assert fold("  under_score \u2014 dash\t") == "under score dash"


# -- the library ------------------------------------------------------------------------------------


def test_library_reads_only_what_changed(store: Store) -> None:
    store.put_many(known_set())
    library = library_for(store)
    assert library.refresh() == 4
    assert library.refresh() == 0
    assert library_for(store) is library
    store.update("aaaaaa", lambda d: setattr(d, "lost_to", "Oracle"))
    assert library.refresh() == 1
    assert {f.lost_to for f in library.facts() if f.id == "aaaaaa"} == {"Oracle"}
    store.delete("bbbbbb")
    assert library.refresh() == 0
    assert sorted(f.id for f in library.facts()) == ["aaaaaa", "cccccc", "dddddd"]
    assert len(library.docs()) == 3


def test_library_skips_an_unreadable_debrief(store: Store) -> None:
    store.put_many(known_set())
    (store.root / "debriefs" / "cccccc.json").write_text("{not json")
    library = library_for(store)
    seen: list[tuple[int, int]] = []
    library.refresh(lambda done, todo: seen.append((done, todo)))
    assert library.unreadable == ["cccccc"]
    assert len(library) == 3
    assert seen[-1] == (4, 4)
    assert compute_stats(library.facts(), TODAY).total == 3


def test_save_export_is_private(tmp_path: Path) -> None:
    path = save_export("# Hello\x1b[2J\n", "report.md", tmp_path / "exports")
    assert path == tmp_path / "exports" / "report.md"
    assert path.read_text() == "# Hello\n"
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert os.stat(path.parent).st_mode & 0o777 == 0o700


def test_stats_over_many_demo_debriefs_stay_consistent() -> None:
    from debrief.core.demo import demo_debriefs

    debriefs = list(demo_debriefs(120, seed=3, today=TODAY))
    stats = stats_of(debriefs, TODAY).to_json()
    assert stats["total"] == 120
    assert sum(c["count"] for c in stats["competitors"]) == 120
    assert sum(s["count"] for s in stats["stages"]) == 120
    assert sum(q["count"] for q in stats["quarters"]) == 120
    assert stats["heard"] == sum(1 for d in debriefs if d.buyer_reasons())
    assert all(r["count"] <= stats["heard"] for r in stats["reasons"])
    assert stats["follow_ups"]["check_ins"]["due"] == len(stats["follow_ups"]["due"])
    first = min(d.lost_on for d in debriefs)
    assert stats["period"]["from"] == first.isoformat()
    assert first >= TODAY - timedelta(days=720)
