"""The tone check and the "own it" check: accuracy on labelled sets, rule files, user overrides.

Run with ``-s`` to see precision and recall on the labelled sets: the part used to tune the rules,
the held-out part checked only at the end, the later probe batches, and all together.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from debrief import locations
from debrief.core.tone import (
    OWNIT_RULES_FILE,
    RULES_FILE,
    Finding,
    RulesError,
    ToneChecker,
    default_checker,
    normalise,
    ownit_checker,
)

DATA = Path(__file__).parent / "data"
PARTS = ("tune", "held_out", "probes")
TONE_CATEGORIES = {"defensive", "leading", "blaming", "re-selling", "pressure", "hypothetical",
                   "competitor-bashing", "closed", "loaded", "pitch", "arguing"}
OWNIT_CATEGORIES = {"buyer", "market", "company", "competitor", "luck", "almost", "helpless"}


@pytest.fixture(scope="module")
def tone() -> ToneChecker:
    return ToneChecker.load(use_user_file=False)


@pytest.fixture(scope="module")
def ownit() -> ToneChecker:
    return ToneChecker.load(OWNIT_RULES_FILE, use_user_file=False)


# -- accuracy on the labelled sets ---------------------------------------------------------------


@dataclass
class Score:
    part: str
    good: int
    bad: int
    flagged_good: list[str]
    missed_bad: list[str]
    by_category: dict[str, tuple[int, int]]

    @property
    def recall(self) -> float:
        return 1 - len(self.missed_bad) / self.bad

    @property
    def false_positive_rate(self) -> float:
        return len(self.flagged_good) / self.good

    @property
    def precision(self) -> float:
        caught = self.bad - len(self.missed_bad)
        return caught / (caught + len(self.flagged_good)) if caught else 0.0

    def line(self) -> str:
        return (f"{self.part:<9} good {self.good:>3}  bad {self.bad:>3}  "
                f"recall {self.recall:6.1%}  flagged good {self.false_positive_rate:5.1%}  "
                f"precision {self.precision:6.1%}")


def _score(checker: ToneChecker, part: str, data: dict[str, Any]) -> Score:
    flagged = [text for text in data["good"] if checker.check(text)]
    missed: list[str] = []
    by_category: dict[str, tuple[int, int]] = {}
    for item in data["bad"]:
        hit = bool(checker.check(item["text"]))
        if not hit:
            missed.append(item["text"])
        caught, total = by_category.get(item["category"], (0, 0))
        by_category[item["category"]] = (caught + hit, total + 1)
    return Score(part, len(data["good"]), len(data["bad"]), flagged, missed, by_category)


def _labelled(file: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((DATA / file).read_text(encoding="utf-8"))
    return data


def _scores(checker: ToneChecker, file: str) -> list[Score]:
    labelled = _labelled(file)
    scores = [_score(checker, part, labelled[part]) for part in PARTS]
    every = {"good": [t for p in PARTS for t in labelled[p]["good"]],
             "bad": [b for p in PARTS for b in labelled[p]["bad"]]}
    return [*scores, _score(checker, "all", every)]


def _report(title: str, scores: list[Score]) -> None:
    print(f"\n{title}")
    for score in scores:
        print("  " + score.line())
    for category, (caught, total) in sorted(scores[-1].by_category.items()):
        print(f"    {category:<20} {caught}/{total}")
    for score in scores[:-1]:
        for text in score.flagged_good:
            print(f"  [{score.part}] flagged good: {text}")
        for text in score.missed_bad:
            print(f"  [{score.part}] missed bad:   {text}")


def test_labelled_questions_are_enough_and_varied() -> None:
    labelled = _labelled("tone_labelled.yaml")
    # The set written before the rules: tune + held-out.
    good = [t for p in ("tune", "held_out") for t in labelled[p]["good"]]
    bad = [b for p in ("tune", "held_out") for b in labelled[p]["bad"]]
    assert len(good) + len(bad) >= 150
    assert len(good) >= 80 and len(bad) >= 90
    # The kinds added later (loaded, pitch, arguing) are labelled in tests/data/tone/questions.yaml.
    assert {item["category"] for item in bad} == TONE_CATEGORIES - {"loaded", "pitch", "arguing"}
    held = len(labelled["held_out"]["good"]) + len(labelled["held_out"]["bad"])
    assert 0.25 <= held / (len(good) + len(bad)) <= 0.4
    every = [t for p in PARTS for t in labelled[p]["good"]] + [b["text"] for p in PARTS for b in labelled[p]["bad"]]
    assert len(set(every)) == len(every), "a question is labelled twice"
    assert {item["category"] for item in labelled["probes"]["bad"]} <= TONE_CATEGORIES


def test_tone_check_flags_bad_questions_and_spares_good_ones(tone: ToneChecker) -> None:
    scores = _scores(tone, "tone_labelled.yaml")
    _report("Tone check on tests/data/tone_labelled.yaml", scores)
    for score in scores:
        assert score.recall >= 0.95, score.line()
        assert score.false_positive_rate <= 0.05, score.line()


def test_labelled_takeaways_are_enough() -> None:
    labelled = _labelled("ownit_labelled.yaml")
    count = sum(len(labelled[p]["good"]) + len(labelled[p]["bad"]) for p in ("tune", "held_out"))
    assert count >= 60
    categories = {b["category"] for p in PARTS for b in labelled[p]["bad"]}
    assert {"buyer", "market", "company", "luck", "almost"} <= categories <= OWNIT_CATEGORIES
    every = [t for p in PARTS for t in labelled[p]["good"]] + [b["text"] for p in PARTS for b in labelled[p]["bad"]]
    assert len(set(every)) == len(every), "a takeaway is labelled twice"


def test_ownit_check_flags_excuses_and_spares_owned_takeaways(ownit: ToneChecker) -> None:
    scores = _scores(ownit, "ownit_labelled.yaml")
    _report("Own-it check on tests/data/ownit_labelled.yaml", scores)
    for score in scores:
        assert score.recall >= 0.95, score.line()
        assert score.false_positive_rate <= 0.05, score.line()


# -- the shipped rules ---------------------------------------------------------------------------


@pytest.mark.parametrize(("rules_file", "categories"), [(RULES_FILE, TONE_CATEGORIES),
                                                        (OWNIT_RULES_FILE, OWNIT_CATEGORIES)])
def test_every_rule_example_behaves(rules_file: Path, categories: set[str]) -> None:
    """Each rule's `catches` are flagged (by it or its category) and its `allows` are not."""
    checker = ToneChecker.load(rules_file, use_user_file=False)
    assert set(checker.categories()) == categories
    problems: list[str] = []
    for rule in checker.rules:
        assert rule.catches and rule.allows, f"{rule.id} has no examples"
        for text in rule.catches:
            if not any(f.rule == rule.id or f.category == rule.category for f in checker.check(text)):
                problems.append(f"{rule.id} misses {text!r}")
        for text in rule.allows:
            wrong = [f.rule for f in checker.check(text) if f.category == rule.category]
            if wrong:
                problems.append(f"{rule.id} flags {text!r} via {wrong}")
    assert problems == []


def test_a_finding_names_rule_category_words_reason_and_better_phrasing(tone: ToneChecker) -> None:
    [finding] = tone.check("Did price matter?")
    assert finding.rule == "closed-factor"
    assert finding.category == "closed"
    assert finding.matched == "Did price matter"
    assert "price" in finding.message
    assert finding.suggestion == 'Ask it open: "How did price factor into your decision?"'
    assert finding.to_json() == {"rule": "closed-factor", "category": "closed", "matched": "Did price matter",
                                 "message": finding.message, "suggestion": finding.suggestion, "span": [0, 16]}


def test_matched_words_are_quoted_as_the_rep_wrote_them(tone: ToneChecker) -> None:
    findings = tone.check("Honestly \u2014 WOULDN\u2019T you agree our support was stronger?")
    assert any(f.category == "leading" and f.matched.startswith("WOULDN\u2019T you agree") for f in findings)
    [finding] = tone.check("Why didnt your team reply?")
    assert (finding.category, finding.matched) == ("blaming", "Why didnt your")


@pytest.mark.parametrize("question", [
    "Why didn't you tell us sooner?", "Why didnt you tell us sooner?", "Why did you not tell us sooner?",
    "why DIDN\u2019T you tell us sooner", "Why didn\u2019t you tell us sooner?",
])
def test_contractions_quotes_and_case_do_not_matter(tone: ToneChecker, question: str) -> None:
    assert [f.category for f in tone.check(question)] == ["blaming"]


def test_normalise_expands_contractions_and_keeps_the_way_back() -> None:
    original = "  Didn\u2019t we \u201cwin\u201d? You'd   say so & what's next  "
    norm = normalise(original)
    assert norm.text == "did not we win ? you would say so and what is next"
    start = norm.text.index("would")
    begin, end = norm.original_span(start, start + len("would"))
    assert original[begin:end] == "'d"
    begin, end = norm.original_span(0, len("did not"))
    assert original[begin:end] == "Didn\u2019t"


@pytest.mark.parametrize("question", [
    "Could you give me an example?", "Can you walk me through your evaluation?",
    "Would you tell me more about the security review?", "Could you say more about that?",
    "Would you be open to sharing how the final scoring worked?", "Can you help me understand the budget?",
    "Would you mind sharing who else was involved?", "Do you remember what first made you look elsewhere?",
    "Is there anything else you'd like to share?", "Can I check in with you in the spring?",
    "May I ask what drove the timing?", "Could you describe what the approval process looked like?",
])
def test_polite_requests_are_not_closed_questions(tone: ToneChecker, question: str) -> None:
    assert tone.check(question) == []


@pytest.mark.parametrize(("question", "category"), [
    ("Did the demo help?", "closed"),
    ("Sarah, was the timeline a problem?", "closed"),
    ("Looking back \u2014 were our references useful?", "closed"),
    ("Would you reconsider if we matched their price?", "re-selling"),
    ("What would it take to win you back?", "hypothetical"),
    ("Their platform is clunky, isn't it?", "competitor-bashing"),
    ("I need an answer today: was it price?", "pressure"),
    ("But we delivered everything on time, didn't we?", "defensive"),
])
def test_each_category_is_caught_in_a_new_wording(tone: ToneChecker, question: str, category: str) -> None:
    assert category in {f.category for f in tone.check(question)}


def test_a_polite_request_is_not_flagged_while_the_verb_is_being_typed(tone: ToneChecker) -> None:
    """The call screen checks on every keystroke: "Could you g" must not flash a finding."""
    typed = "Could you give me an example?"
    for end in range(1, len(typed) + 1):
        assert tone.check(typed[:end]) == [], typed[:end]
    assert [f.category for f in tone.check("Could you?")] == ["closed"]


def test_bank_templates_are_checked_as_their_words(tone: ToneChecker) -> None:
    assert tone.check("What made {{ lost_to }} the better fit for {{ company }}?") == []
    assert tone.check("{% if lost_to %}What did {{ lost_to }} do well?{% endif %}") == []
    assert [f.category for f in tone.check("{{ contact.first_name }}, did the demo help?")] == ["closed"]


def test_several_sentences_are_each_checked(tone: ToneChecker) -> None:
    findings = tone.check("Thanks for your time. Did price matter? Obviously it did.")
    assert [f.category for f in findings] == ["closed", "pressure"]


def test_empty_and_huge_texts(tone: ToneChecker) -> None:
    assert tone.check("") == [] and tone.check(" \n\t ") == []
    findings = tone.check("What mattered most? " * 6000)  # beyond MAX_CHECK_CHARS: cut, not slow
    assert findings == []


def test_takeaways_are_checked_sentence_by_sentence(ownit: ToneChecker) -> None:
    text = "The economy made it hard. I didn't build urgency; next time I will quantify the cost of waiting."
    assert [f.category for f in ownit.check(text)] == ["market"]
    assert ownit.check("The market shifted, and I didn't adjust my pitch.") == []


# -- rules files: validation and user overrides --------------------------------------------------


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _error(rules_file: Path, text: str) -> str:
    user = _write(rules_file, text)
    with pytest.raises(RulesError) as caught:
        ToneChecker.load(user_file=user)
    return str(caught.value)


def test_bad_regex_names_file_line_and_field(tmp_path: Path) -> None:
    message = _error(tmp_path / "mine.yaml", (
        "version: 1\n"
        "rules:\n"
        "  - id: my-rule\n"
        "    category: leading\n"
        "    message: m\n"
        "    suggestion: s\n"
        "    patterns:\n"
        "      - '\\bfine\\b'\n"
        "      - '(unclosed'\n"
    ))
    assert message.startswith(f"{tmp_path / 'mine.yaml'}:9: my-rule.patterns[1]: bad regex: missing )")


@pytest.mark.parametrize(("text", "expected"), [
    ("rules:\n  - id: x\n    colour: red\n", ":3: x.colour: unknown field"),
    ("rules:\n  - id: new-one\n    category: leading\n", ":2: new-one.message: required for a new rule"),
    ("rules:\n  - id: new-one\n    category: c\n    message: m\n    suggestion: s\n",
     ":2: new-one.patterns: a new rule needs at least one pattern or phrase"),
    ("rules:\n  - id: Bad Id\n", ":2: rules[0].id: use lowercase letters"),
    ("rules: [\n  - id: x\n", ":2: yaml: "),
    ("rules:\n  - id: a\n    category: c\n    message: m\n    suggestion: s\n    patterns: ['{nope}']\n",
     ":6: a.patterns[0]: unknown macro {nope}"),
    ("rules:\n  - id: a\n    category: c\n    message: m\n    suggestion: 'say {what}'\n    patterns: [x]\n",
     ":5: a.suggestion: unknown placeholder {what}"),
    ("rules:\n  - id: a\n    category: c\n    message: m\n    suggestion: s\n    patterns: ['x?']\n",
     ":6: a.patterns[0]: the pattern matches empty text"),
    ("rules:\n  - {id: closed-yes-no, enabled: false}\n  - {id: closed-yes-no, enabled: true}\n",
     ":3: closed-yes-no.id: duplicate rule id"),
    ("- just a list\n", ":1: file: expected a mapping"),
    ("version: 2\n", ":1: version: Input should be 1"),
])
def test_each_kind_of_bad_rules_file_is_one_line(tmp_path: Path, text: str, expected: str) -> None:
    message = _error(tmp_path / "bad.yaml", text)
    assert expected in message, message
    assert message.startswith(str(tmp_path / "bad.yaml") + ":")
    assert "\n" not in message


def test_binary_and_unreadable_rules_files(tmp_path: Path) -> None:
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"rules:\x00\xff")
    with pytest.raises(RulesError, match=r"binary\.yaml:1: file: binary data"):
        ToneChecker.load(user_file=binary)
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(b"rules: []\n# caf\xe9\n")
    with pytest.raises(RulesError, match=r"latin\.yaml:2: file: not UTF-8 text"):
        ToneChecker.load(user_file=latin)
    with pytest.raises(RulesError, match=r"missing\.yaml:1: file: cannot read"):
        ToneChecker.load(user_file=tmp_path / "missing.yaml")
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{n}: &{n} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, n in zip("abcdefg", "bcdefgh", strict=True)))
    with pytest.raises(RulesError, match="too many values"):
        ToneChecker.load(user_file=bomb)


def test_a_user_file_adds_overrides_and_disables_rules_by_id(tmp_path: Path) -> None:
    user = _write(tmp_path / "tone_rules.yaml", (
        "rules:\n"
        "  - id: closed-yes-no\n"
        "    enabled: false\n"
        "  - id: closed-factor\n"
        "    suggestion: 'Try: \"What role did {subject} play?\"'\n"
        "  - id: no-jargon\n"
        "    category: jargon\n"
        "    phrases: [synergy, circle back]\n"
        "    message: '\"{matched}\" is sales jargon; buyers tune out.'\n"
        "    suggestion: Say it plainly.\n"
    ))
    checker = ToneChecker.load(user_file=user)
    assert "closed-yes-no" not in {rule.id for rule in checker.rules}
    assert checker.check("Did the demo help?") == []
    assert checker.check("Did price matter?")[0].suggestion == 'Try: "What role did price play?"'
    [jargon] = checker.check("How can we circle back on the synergy?")
    assert (jargon.rule, jargon.category, jargon.matched) == ("no-jargon", "jargon", "circle back")
    assert jargon.message == '"circle back" is sales jargon; buyers tune out.'
    assert checker.files == (str(RULES_FILE), str(user))


def test_user_macros_override_shipped_ones(tmp_path: Path) -> None:
    user = _write(tmp_path / "tone_rules.yaml", "macros:\n  neg_strong: '(?:meh)'\n")
    checker = ToneChecker.load(user_file=user)
    assert {f.category for f in checker.check("Their product is meh.")} == {"competitor-bashing"}


def test_default_checker_uses_the_user_data_folder_and_reloads_on_edit() -> None:
    assert default_checker() is default_checker()
    assert default_checker().check("Did the demo help?")
    user = locations.data_dir() / "tone_rules.yaml"
    _write(user, "rules:\n  - {id: closed-yes-no, enabled: false}\n")
    assert default_checker().check("Did the demo help?") == []
    _write(user, "rules:\n  - {id: closed-yes-no, enabled: true}\n  - {id: pressure-phrases, enabled: false}\n")
    stamp = time.time() + 5  # a new mtime even on coarse-clock file systems
    os.utime(user, (stamp, stamp))
    checker = default_checker()
    assert checker.check("Did the demo help?") and not checker.check("Quick question")
    assert checker.problems == ()


def test_a_broken_user_file_never_breaks_the_app_but_is_reported() -> None:
    _write(locations.data_dir() / "ownit_rules.yaml", "rules:\n  - id: ownit-luck\n    patterns: ['(']\n")
    checker = ownit_checker()
    assert [f.category for f in checker.check("We almost won.")] == ["almost"]
    [problem] = checker.problems
    assert "ownit_rules.yaml:3: ownit-luck.patterns[0]: bad regex" in problem
    with pytest.raises(RulesError):
        ToneChecker.load(OWNIT_RULES_FILE)


def test_finding_is_frozen_and_hashable() -> None:
    finding = Finding("r", "c", "m", "why", "try")
    with pytest.raises(AttributeError):
        finding.rule = "x"  # type: ignore[misc]
    assert {finding} == {Finding("r", "c", "m", "why", "try")}


def test_shipped_rule_files_sit_in_the_package() -> None:
    import debrief.core

    package = Path(debrief.core.__file__).parent
    assert RULES_FILE.parent == package and RULES_FILE.is_file()
    assert OWNIT_RULES_FILE.parent == package and OWNIT_RULES_FILE.is_file()
