"""The tone and own-it checks measured on labelled sets from public interview guides.

tests/data/tone/questions.yaml and takeaways.yaml hold questions and takeaways with their label,
category, source and split. The rules were tuned on the `tune` part only; the `held_out` part is
the bar. Run with ``-s`` for the per-category numbers (``python -m bench.tone`` prints the same).
"""

from __future__ import annotations

import json
import re
import statistics
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from debrief import locations
from debrief.core.call import phrasing_from
from debrief.core.tone import OWNIT_RULES_FILE, ToneChecker

DATA = Path(__file__).parent / "data" / "tone"
Run = Callable[..., subprocess.CompletedProcess[str]]

QUESTION_KINDS = {"blaming", "loaded", "pitch", "hypothetical", "leading", "defensive", "arguing", "closed"}
PARTIES = {"buyer", "management", "ops", "marketing", "product", "legal", "finance", "competitor",
           "market", "timing", "luck"}


@pytest.fixture(scope="module")
def tone() -> ToneChecker:
    return ToneChecker.load(use_user_file=False)


@pytest.fixture(scope="module")
def ownit() -> ToneChecker:
    return ToneChecker.load(OWNIT_RULES_FILE, use_user_file=False)


def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((DATA / f"{name}.yaml").read_text(encoding="utf-8"))
    return data


def _flagged(checker: ToneChecker, item: dict[str, Any]) -> bool:
    """Flagged as the label wants it: an item with ``excuses: N`` needs a finding for each."""
    return len(checker.check(item["text"])) >= int(item.get("excuses", 1))


def _rates(checker: ToneChecker, items: list[dict[str, Any]], split: str) -> tuple[float, float, str]:
    """(share of bad items flagged, share of good items flagged, a per-category report)."""
    part = [item for item in items if item["split"] == split]
    hits: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    for item in part:
        totals[item["category"]] += 1
        hits[item["category"]] += _flagged(checker, item)
    bad = [item for item in part if item["label"] == "bad"]
    good = [item for item in part if item["label"] == "good"]
    caught = sum(_flagged(checker, item) for item in bad) / len(bad)
    wrong = sum(_flagged(checker, item) for item in good) / len(good)
    report = "  ".join(f"{category} {hits[category]}/{totals[category]}" for category in totals)
    return caught, wrong, f"{split}: bad flagged {caught:.1%}, good flagged {wrong:.1%}\n  {report}"


# -- the sets themselves -------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "least", "kinds"), [("questions", 300, QUESTION_KINDS),
                                                      ("takeaways", 120, PARTIES)])
def test_each_set_is_big_sourced_labelled_and_split(name: str, least: int, kinds: set[str]) -> None:
    data = _load(name)
    items, sources = data["items"], data["sources"]
    assert len(items) >= least
    texts = [item["text"] for item in items]
    assert len(set(texts)) == len(texts), "an item is labelled twice"
    for item in items:
        assert set(item) <= {"text", "label", "category", "source", "split", "excuses"}, item
        assert item["label"] in {"good", "bad"} and item["split"] in {"tune", "held_out"}, item
        key = re.sub(r"^pattern from ", "", item["source"])
        assert key in sources, item
    assert all(citation.strip() for citation in sources.values())
    assert sum("https://" in citation or "http://" in citation for citation in sources.values()) >= 8
    assert kinds <= {item["category"] for item in items if item["label"] == "bad"}
    held = [item for item in items if item["split"] == "held_out"]
    assert 0.2 <= len(held) / len(items) <= 0.35  # 30% of the first batch; later probes all tune
    # Stratified: every category with a few items has some of them held out.
    per_category = Counter(item["category"] for item in items)
    held_categories = {item["category"] for item in held}
    assert {category for category, count in per_category.items() if count >= 4} <= held_categories


def test_recommended_questions_include_many_that_open_with_was_were_did_is() -> None:
    good = [item["text"] for item in _load("questions")["items"] if item["label"] == "good"]
    openers = [text for text in good if re.match(r"(?:Was|Were|Did|Is|Are|Have|Do)\b", text)]
    assert len(good) >= 150 and len(openers) >= 20


# -- the bar, on the part kept out of tuning -----------------------------------------------------


def test_tone_check_on_held_out_questions(tone: ToneChecker) -> None:
    items = _load("questions")["items"]
    for split in ("tune", "held_out"):
        caught, wrong, report = _rates(tone, items, split)
        print("\ntone " + report)
        assert caught >= 0.90, report
        assert wrong <= 0.05, report


def test_ownit_check_on_held_out_takeaways(ownit: ToneChecker) -> None:
    items = _load("takeaways")["items"]
    for split in ("tune", "held_out"):
        caught, wrong, report = _rates(ownit, items, split)
        print("\nown-it " + report)
        assert caught >= 0.90, report
        assert wrong <= 0.10, report


# -- the kinds of wording the check must know ----------------------------------------------------


@pytest.mark.parametrize(("question", "category"), [
    ("Why did you decide so fast?", "blaming"),
    ("Why were you so quick to drop the pilot?", "blaming"),
    ("How frustrating was our onboarding?", "loaded"),
    ("What about the reliability problems?", "loaded"),
    ("We're adding single sign-on next month -- would you use it?", "pitch"),
    ("Our tool now does forecasting. Interested?", "pitch"),
    ("How much would you have paid for it?", "hypothetical"),
    ("You're wrong about the price -- ours was lower. What else?", "arguing"),
])
def test_each_kind_is_flagged_with_its_category(tone: ToneChecker, question: str, category: str) -> None:
    assert category in {finding.category for finding in tone.check(question)}


@pytest.mark.parametrize("question", [
    "Did anything surprise you during the evaluation, and what was it?",
    "Was there a moment you felt we were out of the running, and what happened then?",
    "Were there any concerns about us that never came up in our meetings?",
    "Did our timeline fit yours, or where did it not?",
    "Why did you ultimately choose them?",
    "Why was that criterion so important to your team?",
])
def test_a_yes_no_opener_with_an_open_follow_up_is_a_good_question(tone: ToneChecker, question: str) -> None:
    assert tone.check(question) == []


@pytest.mark.parametrize("takeaway", [
    "management priced us too high",
    "ops kept changing the contract terms",
    "the competitor spread rumours about us",
    "Marketing sent us junk leads.",
    "The product team never shipped the integration.",
    "Legal took forever on the redlines.",
    "Finance refused the payment terms they asked for.",
    "The economy killed their budget.",
    "The market was dead this quarter.",
    "Timing was against us.",
    "Just bad luck.",
    "Fate had other plans.",
    "The buyer never understood the value.",
])
def test_every_party_a_rep_blames_is_found(ownit: ToneChecker, takeaway: str) -> None:
    assert ownit.check(takeaway), takeaway


def test_every_excuse_in_a_sentence_is_its_own_finding(ownit: ToneChecker) -> None:
    text = "Marketing gave us bad leads and the product team never shipped the feature"
    findings = ownit.check(text)
    assert len(findings) == 2
    quoted = [text[start:end] for start, end in (finding.span for finding in findings)]
    assert quoted[0].startswith("Marketing") and quoted[1].startswith("product team never")
    assert findings[0].span[1] <= findings[1].span[0]
    three = ownit.check("Legal was slow, finance said no to the terms, and the buyer got impatient.")
    assert len(three) == 3
    # Owned in the same sentence: no excuse left.
    assert ownit.check("Marketing gave us bad leads and I never qualified them myself.") == []


def test_a_user_file_can_go_back_to_one_finding_a_sentence() -> None:
    user = locations.data_dir() / "ownit_rules.yaml"
    user.parent.mkdir(parents=True, exist_ok=True)
    user.write_text("version: 1\nrules:\n  - id: ownit-blame-company\n    every_match: false\n"
                    "  - id: ownit-someone-else\n    enabled: false\n", encoding="utf-8")
    checker = ToneChecker.load(OWNIT_RULES_FILE)
    text = "Marketing gave us bad leads and the product team never shipped the feature"
    assert [finding.rule for finding in checker.check(text)] == ["ownit-blame-company"]


# -- suggestions keep the question's topic ---------------------------------------------------------


@pytest.mark.parametrize(("question", "topic"), [
    ("Don't you think our product was better?", "our product"),
    ("Wouldn't you agree our support was stronger?", "our support"),
    ("How frustrating was our onboarding?", "our onboarding"),
    ("What about the reliability problems?", "reliability"),
    ("Why did you decide so fast?", "decision"),
    ("We're adding single sign-on next month -- would you use it?", "single sign-on"),
    ("Our tool now does forecasting. Interested?", "forecasting"),
    ("How much would you have paid for it?", "price"),
    ("Did the contract length matter?", "contract length"),
    ("Were you happy with our demo?", "our demo"),
    ("Did you like our proposal?", "our proposal"),
    ("How disappointed were you in our pricing?", "our pricing"),
    ("Why didn't you tell us about the budget freeze?", "the budget freeze"),
    ("Would you use a mobile app if we built one?", "a mobile app"),
    ("Our onboarding is the best in the industry. What did you think of it?", "our onboarding"),
    ("Why were the requirements so vague?", "the requirements"),
])
def test_use_suggestion_keeps_the_topic_and_is_clean(tone: ToneChecker, question: str, topic: str) -> None:
    findings = tone.check(question)
    assert findings, question
    advice = next(finding.suggestion for finding in findings if finding.suggestion)
    phrasing = phrasing_from(advice)
    assert topic in phrasing, (question, phrasing)
    assert phrasing != "How did you see it?"
    assert phrasing.endswith("?") and tone.check(phrasing) == [], phrasing


def test_every_suggestion_on_the_labelled_questions_is_itself_clean(tone: ToneChecker) -> None:
    """What "use the suggestion" puts in the rep's field (the first finding's phrasing) passes."""
    unclean = []
    for item in _load("questions")["items"]:
        findings = tone.check(item["text"])
        if findings:
            phrasing = phrasing_from(findings[0].suggestion)
            if phrasing.endswith("?") and "…" not in phrasing and tone.check(phrasing):
                unclean.append((item["text"], phrasing))
    assert unclean == []


# -- speed and the command -----------------------------------------------------------------------


def test_median_check_is_well_under_two_milliseconds(tone: ToneChecker) -> None:
    texts = [item["text"] for item in _load("questions")["items"]]
    medians = []
    for _ in range(3):  # the best of three runs: other processes share the machine
        times = []
        for text in texts:
            started = time.perf_counter()
            tone.check(text)
            times.append(time.perf_counter() - started)
        medians.append(statistics.median(times))
    assert min(medians) < 0.002


def test_own_it_json_lists_each_excuse_with_its_span(run_cli: Run) -> None:
    text = "Management priced us too high, and ops kept changing the contract terms."
    result = run_cli("tone", "--own-it", "--format", "json", text)
    assert result.returncode == 1, result.stderr
    [entry] = json.loads(result.stdout)
    findings = entry["findings"]
    assert len(findings) == 2
    for finding in findings:
        assert {"rule", "category", "message", "suggestion", "span"} <= set(finding)
        start, end = finding["span"]
        assert finding["matched"] in text[start:end]
    assert text[slice(*findings[0]["span"])].startswith("Management")
    assert text[slice(*findings[1]["span"])].startswith("ops")
