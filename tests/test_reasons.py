"""The loss-reason taxonomy: shipped data, the team's and the rep's files, bank tags, typos."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from debrief import locations
from debrief.core.banks import load_banks, reasons_with_banks
from debrief.core.facts import reason_label
from debrief.core.inputs import parse_reasons
from debrief.core.reasons import (
    MAX_FILE_BYTES,
    SHIPPED_FILE,
    bank_tags,
    distance,
    is_reason_id,
    label_from_id,
    load_reasons_file,
    shipped,
    taxonomy,
)
from tests.test_banks import GOOD, write_bank

SHIPPED_LABELS = {
    "price": "Price", "value": "Value not clear", "product-fit": "Product fit", "features": "Missing features",
    "integration": "Integration", "competitor": "Competitor strength", "relationship": "Relationship",
    "trust": "Trust and risk", "timing": "Timing", "budget": "Budget", "decision-process": "Decision process",
    "decision-maker": "Decision-maker not reached", "champion": "Champion",
    "status-quo": "Status quo / no decision", "implementation": "Implementation effort",
    "support": "Support and service", "references": "References and proof", "criteria": "Evaluation criteria",
    "urgency": "No urgency", "scope": "Scope",
}


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def user_reasons(text: str | bytes) -> Path:
    return write(locations.user_reasons_file(), text)


def team_reasons(text: str | bytes) -> Path:
    return write(locations.active_team_dir() / "reasons.yaml", text)


# -- the shipped reasons ---------------------------------------------------------------------------


def test_the_shipped_reasons_are_data_with_the_labels_every_stored_tag_reads_by() -> None:
    known = shipped()
    assert known.labels() == SHIPPED_LABELS
    assert known.problems == ()  # no alias names two reasons
    assert all(is_reason_id(reason.id) and reason.description and reason.source == "shipped" for reason in known)
    used = set(bank_tags(load_banks()))
    assert used <= set(known.ids())  # every shipped bank tags shipped reasons only
    assert SHIPPED_FILE.parent == Path(__file__).resolve().parent.parent / "debrief" / "core"


def test_a_reason_id_is_a_short_slug() -> None:
    for good in ("price", "security-review", "q4-freeze", "2fa", "a" * 40):
        assert is_reason_id(good), good
    for bad in ("", "Price", "security review", "security_review", "-price", "price-", "a--b", "a" * 41,
                "prïce", "[b]x[/b]", "\x1b[31mred", 7, None):
        assert not is_reason_id(bad), bad


def test_an_undeclared_tag_reads_from_its_id_and_anything_else_as_itself() -> None:
    assert label_from_id("security-review") == "Security review"
    assert reason_label("security-review") == "Security review"
    assert reason_label("procurement") == "Procurement"
    assert reason_label("price") == "Price"
    assert reason_label("Not A Slug") == "Not A Slug"


def test_words_resolve_by_id_label_or_alias_in_any_case() -> None:
    known = shipped()
    cases = {"price": "price", "PRICE": "price", "Pricing": "price", "too  expensive": "price",
             "No decision": "status-quo", "status_quo": "status-quo", "Status quo / no decision": "status-quo",
             "decision maker": "decision-maker", "Competition": "competitor", "Value not clear": "value",
             "roi": "value", "nothing": None, "": None}
    assert {word: known.resolve(word) for word in cases} == cases


def test_a_slip_suggests_the_reason_meant_and_a_new_reason_suggests_nothing() -> None:
    known = shipped()
    slips = {"prcie": "price", "pirce": "price", "competiton": "competitor", "compettior": "competitor",
             "budgte": "budget", "timng": "timing", "decison-process": "decision-process",
             "no-urgncy": "urgency", "intergation": "integration", "champoin": "champion"}
    assert {word: known.suggest(word) for word in slips} == slips
    for new in ("security-review", "procurement", "legal", "q4-freeze", "reorg", "price"):
        assert known.suggest(new) is None, new
    assert distance("prcie", "price") == 1  # a swap of two neighbours is one slip
    assert distance("abcdefgh", "zzzzzzzz", 2) == 3  # stops early, past the limit


# -- the layers --------------------------------------------------------------------------------------


def test_the_reps_file_adds_reasons_and_relabels_and_the_team_sits_between() -> None:
    team_reasons("reasons:\n  - id: procurement\n    label: Procurement hurdles\n"
                 "  - id: price\n    label: Price (team)\n  - legal\n")
    user_reasons("reasons:\n  - id: security-review\n    label: Security review failed\n"
                 "    description: Lost in the security questionnaire.\n    aliases: [infosec, SOC 2]\n"
                 "  - id: price\n    label: Price and terms\n")
    known = taxonomy()
    assert known.problems == ()
    assert known.ids()[:20] == list(SHIPPED_LABELS)  # a relabelled reason keeps its place
    assert known.ids()[20:] == ["procurement", "legal", "security-review"]
    assert [known.label(tag) for tag in ("price", "procurement", "legal", "security-review")] == [
        "Price and terms", "Procurement hurdles", "Legal", "Security review failed"]
    assert [known.get(tag).source for tag in ("price", "procurement", "security-review", "timing")] == [  # type: ignore[union-attr]
        "user", "team", "user", "shipped"]
    assert known.resolve("soc-2") == known.resolve("InfoSec") == "security-review"
    assert reason_label("procurement") == "Procurement hurdles"
    assert parse_reasons(["Security review failed, procurement", "SOC 2"]) == ["security-review", "procurement"]
    # An edit is read on the next call.
    user_reasons("reasons:\n  - id: security-review\n    label: Infosec review\n")
    assert reason_label("security-review") == "Infosec review"
    assert reason_label("price") == "Price (team)"


def test_tags_a_bank_introduces_join_the_taxonomy_labelled_from_their_id() -> None:
    text = GOOD.read_text().replace("tags: [criteria]", "tags: [security-review, criteria]") \
                           .replace("tags: [relationship]", "tags: [procurement]")
    write_bank(locations.user_banks_dir(), "mine.yaml", text)
    known = reasons_with_banks()
    assert known.ids()[20:] == ["security-review", "procurement"]
    assert known.get("procurement").source == "bank"  # type: ignore[union-attr]
    assert known.label("security-review") == "Security review"
    assert not taxonomy().known("procurement")  # the files alone do not declare it
    # The rep's guess takes a bank's tag, by id or by the label made from it.
    assert parse_reasons(["Security review", "procurement"]) == ["security-review", "procurement"]


def test_a_guess_that_is_no_reason_names_the_one_meant_or_where_to_declare_one() -> None:
    with pytest.raises(ValueError, match=r"^unknown reason 'prcie': did you mean 'price' \(Price\)\?$"):
        parse_reasons(["prcie"])
    with pytest.raises(ValueError, match=r"unknown reason 'reorg' \(known: price, value, .* add your own to "
                                         r"reasons.yaml in the data folder"):
        parse_reasons(["reorg"])
    with pytest.raises(ValueError, match="at most 3 reasons"):
        parse_reasons(["price,timing,budget,trust"])


# -- bad files ----------------------------------------------------------------------------------------


BAD_ENTRIES = """\
reasons:
  - id: procurement
  - id: Security Review
  - id: legal
    lable: Legal review
  - id: bidi
    label: "Evil \\e]0;title\\a"
  - id: long
    label: "{long}"
  - id: board
    aliases: [price]
  - id: procurement
  - 42
  - id: budget-freeze
    label: "[b]Budget[/b] freeze [@click=app.quit]"
"""


def test_each_bad_entry_is_one_line_and_the_rest_still_load() -> None:
    path = user_reasons(BAD_ENTRIES.replace("{long}", "x" * 61))
    known = taxonomy()
    where = str(path)
    assert list(known.problems) == [
        f"{where}:3: reasons[1].id: not a reason id 'Security Review': use lowercase letters, digits and "
        "hyphens, at most 40 characters (like security-review)",
        f"{where}:5: reasons[2].lable: unknown field (known: id, label, description, aliases)",
        f"{where}:7: reasons.bidi.label: control characters are not allowed",
        f"{where}:9: reasons.long.label: too long (at most 60 characters)",
        f"{where}:12: reasons.procurement: declared twice in this file (the first is kept)",
        f"{where}:13: reasons[7]: should be an id or a mapping of id, label, description, aliases",
        "user reason board: the alias 'price' already names price; ignored",
    ]
    assert known.ids()[20:] == ["procurement", "board", "budget-freeze"]
    assert known.label("budget-freeze") == "[b]Budget[/b] freeze [@click=app.quit]"  # data, shown literally
    assert known.label("price") == "Price" and known.resolve("price") == "price"


@pytest.mark.parametrize(("content", "line", "reason"), [
    (b"reasons:\n  - id: a\n  - id: [b\n", 4, "yaml: did not find expected ',' or ']'"),
    (b"reasons:\n  - id: \xff\n", 2, "file: not UTF-8 text"),
    (b"reasons:\n  - id: a\x00\n", 2, "file: binary data (NUL bytes)"),
    (b"reasons: price\n", 1, "reasons: should be a list of reasons"),
    (b"reasons: []\ncolours: [red]\n", 2, "colours: unknown field (a reasons file has one field: reasons)"),
    (b"a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
     b"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nreasons: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
     4, "yaml: too many values"),
    (b"reasons:\n" + b"  - id: x\n" * (MAX_FILE_BYTES // 10 + 1), 1, "file: too large for a reasons file"),
])
def test_a_file_that_cannot_be_read_is_one_line_and_the_shipped_reasons_still_load(
        content: bytes, line: int, reason: str) -> None:
    path = user_reasons(content)
    known = taxonomy()
    [problem] = known.problems
    assert problem.startswith(f"{path}:{line}: {reason}"), problem
    assert "\n" not in problem and len(problem) <= 300
    assert known.labels() == SHIPPED_LABELS


def test_a_link_in_the_team_folder_is_not_followed(tmp_path: Path) -> None:
    secret = write(tmp_path / "outside.yaml", "reasons:\n  - id: leaked\n")
    team = locations.active_team_dir()
    team.mkdir(parents=True)
    os.symlink(secret, team / "reasons.yaml")
    known = taxonomy()
    assert not known.known("leaked")
    assert known.problems == (f"{team / 'reasons.yaml'}:1: file: a link, not a file: not followed",)
    assert load_reasons_file(secret, "user").reasons[0].id == "leaked"  # the rep's own file may be anywhere


def test_an_empty_file_declares_nothing() -> None:
    user_reasons("")
    assert taxonomy().labels() == SHIPPED_LABELS and taxonomy().problems == ()
    user_reasons("reasons:\n")
    assert taxonomy().labels() == SHIPPED_LABELS and taxonomy().problems == ()
