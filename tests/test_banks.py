"""Question banks: the shipped guides, validation of broken banks, user banks and the sandbox."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

from debrief.core.banks import (
    MAX_BANK_BYTES,
    Bank,
    BankError,
    load_bank_file,
    load_banks,
    render_bank,
    sample_debrief,
    template_lines,
)
from debrief.core.reasons import shipped
from debrief.core.render import RenderError, render
from debrief.locations import shipped_banks_dir, user_banks_dir

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "data" / "banks"
GOOD = FIXTURES / "good-team-guide.yaml"
SHIPPED = {"lost-to-competitor": ["competitor"], "lost-on-price": ["price"],
           "no-decision": ["no-decision"], "lost-on-timing": ["timing"],
           "quick-10": ["competitor", "price", "no-decision", "timing"]}
PHASES = {"decision", "evaluation", "alternative", "price", "relationship", "better", "ahead"}
SHARED_IDS = {"decision-factors", "decision-who", "do-differently", "stay-touch"}

BROKEN = [
    ("broken-yaml-syntax", 18, "yaml", "mapping values are not allowed in this context"),
    ("broken-missing-title", 2, "title", "required field is missing"),
    ("broken-missing-intent", 24, "questions.decision-who.intent", "required field is missing"),
    ("broken-minutes-text", 27, "questions.decision-who.minutes", "should be a number"),
    ("broken-version-text", 4, "version", "should be a whole number"),
    ("broken-unknown-field", 37, "questions.stay-touch.intnet",
     "unknown field (known: id, text, intent, minutes, tags, probes)"),
    ("broken-duplicate-question", 35, "phases[1].questions[0].id",
     "duplicate question id 'decision-factors' (first on line 16)"),
    ("broken-duplicate-phase", 32, "phases[1].id", "duplicate phase id 'decision' (first on line 13)"),
    ("broken-unknown-variable", 25, "questions.decision-who.text",
     "unknown template variable 'deal_size' (templates see: company, contact, lost_to, stage, value, rep)"),
    ("broken-template-syntax", 25, "questions.decision-who.text", "template syntax error: unexpected char '?' at 53"),
    ("broken-tag-id", 20, "questions.decision-factors.tags[0]",
     "'Pricing plan' is not a loss-reason id: use lowercase letters, digits and hyphens, "
     "at most 40 characters (like security-review)"),
    ("broken-one-probe", 40, "questions.stay-touch.probes", "needs at least 2 probes (found 1)"),
    ("broken-zero-minutes", 38, "questions.stay-touch.minutes", "must be more than 0"),
]
"""Fixture, line, field, reason: each broken bank's exact one-line message."""

SANDBOX = [
    ("sandbox-internals", "refused: '__class__' is not a field of the deal (internals are off limits)"),
    ("sandbox-cycler", "unknown template variable 'cycler'"),
    ("sandbox-environ", "refused: '__globals__' is not a field of the deal (internals are off limits)"),
    ("sandbox-include", "include is not allowed in a bank template"),
]


def contexts() -> list[dict[str, object]]:
    """A full sample deal and a sparse one (no winner, role, stage, value or rep name)."""
    return [sample_debrief().template_context("Sam Rivera"),
            sample_debrief(sparse=True).template_context("")]


def write_bank(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# -- the shipped banks ---------------------------------------------------------------------------


def test_the_five_shipped_banks_load_without_errors() -> None:
    banks = load_banks()
    assert banks.errors == []
    assert {bank_id: bank.use_when for bank_id, bank in banks.banks.items()} == SHIPPED
    assert all(bank.source == "shipped" and not bank.overrides for bank in banks)


def test_shipped_banks_dir_finds_the_banks_in_the_checkout() -> None:
    found = {path.stem for path in shipped_banks_dir().glob("*.yaml")}
    assert set(SHIPPED) <= found
    assert shipped_banks_dir().resolve() == (ROOT / "question_banks").resolve()


def test_the_wheel_packs_the_banks_where_shipped_banks_dir_looks(tmp_path: Path) -> None:
    # pyproject force-includes question_banks/ as debrief/question_banks: lay the package out
    # the way the wheel installs it and ask a fresh interpreter where the banks are.
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    target = config["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]["question_banks"]
    site = tmp_path / "site"
    shutil.copytree(ROOT / "debrief", site / "debrief", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "question_banks", site / target)
    code = ("from debrief.locations import shipped_banks_dir; from debrief.core.banks import load_banks; "
            "b = load_banks(); print(shipped_banks_dir()); print(sorted(b.banks)); print(len(b.errors))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                            env={**os.environ, "PYTHONPATH": str(site)}, timeout=60, check=True)
    where, ids, errors = result.stdout.splitlines()
    assert Path(where) == site / "debrief" / "question_banks"
    assert ids == str(sorted(SHIPPED)) and errors == "0"


@pytest.mark.parametrize("bank_id", sorted(SHIPPED))
def test_each_shipped_bank_is_a_complete_interview_guide(bank_id: str) -> None:
    bank = load_banks().get(bank_id)
    if bank_id == "quick-10":
        assert 6 <= bank.question_count <= 8
        assert bank.total_minutes <= 10
    else:
        assert bank.question_count >= 20
    assert {phase.id for phase in bank.phases} == PHASES
    assert {question.id for _, question in bank.questions()} >= SHARED_IDS
    for _, question in bank.questions():
        assert len(question.probes) >= 2, question.id
        assert 1 <= question.minutes <= 3, question.id
        assert question.tags and set(question.tags) <= set(shipped().ids()), question.id
        assert question.intent.strip() and question.text.strip().endswith("?"), question.id
    opening = " ".join(render(bank.opening, contexts()[0], "opening").lower().split())
    closing = " ".join(render(bank.closing, contexts()[0], "closing").lower().split())
    assert "thank" in opening and "accept" in opening and "change your mind" in opening
    assert ("15 to 20 minutes" in opening) or (bank_id == "quick-10" and "ten minutes" in opening)
    assert "stay in touch" in closing and "mention" in closing


def test_shared_questions_read_the_same_in_every_bank() -> None:
    texts: dict[str, set[str]] = {}
    for bank in load_banks():
        for _, question in bank.questions():
            texts.setdefault(question.id, set()).add(question.text)
    for question_id in SHARED_IDS:
        assert len(texts[question_id]) == 1, question_id


@pytest.mark.parametrize("context", contexts(), ids=["full-deal", "no-winner"])
def test_every_template_renders_for_a_full_and_a_sparse_deal(context: dict[str, object]) -> None:
    for bank in load_banks():
        rendered = render_bank(bank, context)
        texts = [rendered.opening, rendered.closing]
        texts += [text for _, q in rendered.questions() for text in (q.text, *q.probes)]
        for text in texts:
            assert text and "{" not in text and "}" not in text and "None" not in text
            assert "  " not in text and " ," not in text and " ?" not in text, text
        assert "Northwind Logistics" in rendered.closing + rendered.opening
        if "lost_to" in bank.opening:
            assert ("Acme Cloud" in rendered.opening) == bool(context["lost_to"])
            assert ("go with" in rendered.opening) == bool(context["lost_to"])


def test_template_lines_point_at_the_question_in_the_file() -> None:
    bank = load_bank_file(GOOD)
    lines = template_lines(bank)
    assert lines["questions.decision-who.text"] == 25
    assert lines["questions.stay-touch.probes[1]"] == 42
    assert lines["opening"] == 7


# -- broken banks ----------------------------------------------------------------------------------


def test_the_good_fixture_loads() -> None:
    bank = load_bank_file(GOOD)
    assert bank.id == "team-guide" and bank.source == "user" and bank.path == str(GOOD)
    assert [q.id for _, q in bank.questions()] == ["decision-factors", "decision-who", "stay-touch"]
    assert bank.question("stay-touch") is not None and bank.question("nope") is None
    assert bank.total_minutes == 5 and bank.question_count == 3


@pytest.mark.parametrize(("name", "line", "field", "reason"), BROKEN, ids=[row[0] for row in BROKEN])
def test_a_broken_bank_is_one_line_naming_file_line_and_field(name: str, line: int, field: str,
                                                              reason: str) -> None:
    path = FIXTURES / f"{name}.yaml"
    with pytest.raises(BankError) as caught:
        load_bank_file(path)
    assert (caught.value.path, caught.value.line, caught.value.field, caught.value.reason) == (
        str(path), line, field, reason)
    assert str(caught.value) == f"{path}:{line}: {field}: {reason}"
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(("name", "reason"), SANDBOX, ids=[row[0] for row in SANDBOX])
def test_templates_reaching_outside_the_deal_are_refused_on_load(name: str, reason: str) -> None:
    with pytest.raises(BankError) as caught:
        load_bank_file(FIXTURES / f"{name}.yaml")
    assert caught.value.line == 36 and caught.value.field == "questions.stay-touch.text"
    assert caught.value.reason.startswith(reason)


@pytest.mark.parametrize("template", [
    "{{ ''.__class__ }}",
    "{{ company.__class__.__mro__[1].__subclasses__() }}",
    "{{ contact.__class__ }}",
    "{{ '{0.__class__}'.format(company) }}",
    "{{ cycler }}",
    "{{ lipsum.__globals__.os.environ }}",
    "{{ range(10) }}",
    "{% include '/etc/passwd' %}",
    "{% import 'os' as os %}",
])
def test_the_render_sandbox_itself_refuses_internals_files_and_globals(template: str) -> None:
    with pytest.raises(RenderError) as caught:
        render(template, contexts()[0], "bank x, question y")
    assert str(caught.value).startswith("bank x, question y: ")


@pytest.mark.parametrize(("template", "reason"), [
    ("{{ 9**9**9 }}", "pow is not allowed"),
    ("{{ company * 100000000 }}", "mul is not allowed"),
    ("{{ company|center(999999999) }}", "filter 'center' is not allowed"),
    ("{% for c in company %}{{ c }}{% endfor %}", "for is not allowed"),
    ("{{ contact['__class__'] }}", "refused: '__class__'"),
    ("{{ contact[company] }}", "templates may only look up fields by name"),
    ("{{ company.upper() }}", "call is not allowed"),
    ("{{ company.upper }}", "templates may only look up fields by name"),
    ("{{ self }}", "unknown template variable 'self'"),
    ("{{ contact.items }}", "unknown template variable 'contact.items' (contact has: name, first_name, role)"),
    ("{{ rep.email }}", "unknown template variable 'rep.email' (rep has: name)"),
])
def test_templates_that_could_hang_or_blow_up_are_refused_before_any_render(
        tmp_path: Path, template: str, reason: str) -> None:
    text = GOOD.read_text().replace("How would you like us to stay in touch?",
                                    f'"How would you like us to stay in touch? {template}"')
    path = write_bank(tmp_path, "bad.yaml", text)
    started = time.perf_counter()
    with pytest.raises(BankError) as caught:
        load_bank_file(path)
    assert time.perf_counter() - started < 5
    assert caught.value.line == 36 and reason in caught.value.reason


def test_a_template_that_fails_only_without_a_winner_is_caught_on_load(tmp_path: Path) -> None:
    text = GOOD.read_text().replace("at {{ company }}?", "at {{ company }} against {{ value|round }}?")
    path = write_bank(tmp_path, "value.yaml", text)
    with pytest.raises(BankError) as caught:
        load_bank_file(path)
    assert caught.value.line == 25 and caught.value.field == "questions.decision-who.text"
    assert caught.value.reason.endswith("(with a sparse deal: no winner, role, stage, value or rep name)")


@pytest.mark.parametrize(("content", "line", "field", "reason"), [
    (b"id: x\x00\n", 1, "file", "binary data (NUL bytes), not a YAML text file"),
    (b"id: team\ntitle: caf\xe9\n", 2, "file", "not UTF-8 text (save the bank as UTF-8)"),
    (b"", 1, "file", "empty file, not a bank"),
    (b"# only a comment\n", 1, "file", "empty file, not a bank"),
    (b"- id: team\n- title: Team\n", 1, "bank",
     "a bank must be a mapping of fields (id, title, version, ... phases)"),
    (b"id: [unclosed\n", 2, "yaml", "expected ',' or ']'"),
    (b"id: a\ntitle: b\nid: c\n", 3, "id", "duplicate key (first on line 1)"),
], ids=["binary", "latin-1", "empty", "comment-only", "a-list", "unclosed", "duplicate-key"])
def test_unreadable_files_are_bank_errors(tmp_path: Path, content: bytes, line: int, field: str,
                                          reason: str) -> None:
    path = tmp_path / "bank.yaml"
    path.write_bytes(content)
    with pytest.raises(BankError) as caught:
        load_bank_file(path)
    assert (caught.value.line, caught.value.field) == (line, field)
    assert reason in caught.value.reason  # libyaml and pure-Python PyYAML word syntax errors apart


def test_a_huge_file_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.truncate(MAX_BANK_BYTES + 1)
    with pytest.raises(BankError) as caught:
        load_bank_file(path)
    assert caught.value.field == "file" and "too large for a bank" in caught.value.reason


def test_an_alias_bomb_is_refused(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 9)]
    path = write_bank(tmp_path, "bomb.yaml", "\n".join(lines) + "\n")
    started = time.perf_counter()
    with pytest.raises(BankError) as caught:
        load_bank_file(path)
    assert time.perf_counter() - started < 5
    assert caught.value.field == "yaml" and "expands to more than" in caught.value.reason


def test_fields_that_describe_where_a_bank_came_from_cannot_be_set_in_the_file(tmp_path: Path) -> None:
    path = write_bank(tmp_path, "sneaky.yaml", GOOD.read_text() + "source: shipped\n")
    with pytest.raises(BankError) as caught:
        load_bank_file(path)
    assert (caught.value.line, caught.value.field) == (43, "source")
    assert caught.value.reason.startswith("unknown field (known: id, title, version,")


def test_control_characters_and_bad_ids_are_refused(tmp_path: Path) -> None:
    escape = write_bank(tmp_path, "escape.yaml", GOOD.read_text().replace(
        "Looking ahead", '"Looking \\e[2J ahead"'))
    with pytest.raises(BankError) as caught:
        load_bank_file(escape)
    assert (caught.value.line, caught.value.field) == (33, "phases.ahead.title")
    assert caught.value.reason == "control characters are not allowed"
    bad_id = write_bank(tmp_path, "id.yaml", GOOD.read_text().replace("id: stay-touch", "id: Stay Touch"))
    with pytest.raises(BankError) as caught:
        load_bank_file(bad_id)
    assert (caught.value.line, caught.value.field) == (35, "phases[1].questions[0].id")


def test_an_edited_bank_is_read_again(tmp_path: Path) -> None:
    path = write_bank(tmp_path, "team.yaml", GOOD.read_text())
    assert load_bank_file(path).title == "Team guide"
    path.write_text(GOOD.read_text().replace("title: Team guide", "title: Team guide, revised"))
    assert load_bank_file(path).title == "Team guide, revised"
    path.write_text(GOOD.read_text().replace("minutes: 1", "minutes: -1"))
    with pytest.raises(BankError):
        load_bank_file(path)


# -- user banks ------------------------------------------------------------------------------------


def test_user_banks_sit_beside_shipped_ones_and_broken_ones_do_not_stop_the_rest() -> None:
    folder = user_banks_dir()
    folder.mkdir(parents=True)
    shutil.copy(GOOD, folder / "team.yaml")
    shutil.copy(FIXTURES / "broken-one-probe.yaml", folder / "broken.yml")
    write_bank(folder, ".hidden.yaml", "not: [a bank")
    write_bank(folder, "notes.txt", "not a bank either")
    banks = load_banks()
    assert set(banks.banks) == {*SHIPPED, "team-guide"}
    assert banks.get("team-guide").source == "user"
    assert [str(error) for error in banks.errors] == [
        f"{folder / 'broken.yml'}:40: questions.stay-touch.probes: needs at least 2 probes (found 1)"]


def test_a_user_bank_with_a_shipped_id_overrides_it() -> None:
    text = (shipped_banks_dir() / "quick-10.yaml").read_text().replace(
        "title: Quick 10-minute debrief", "title: Our quick debrief")
    write_bank(user_banks_dir(), "mine.yaml", text)
    bank = load_banks().get("quick-10")
    assert (bank.title, bank.source, bank.overrides) == ("Our quick debrief", "user", True)
    assert bank.path == str(user_banks_dir() / "mine.yaml")
    assert load_banks().get("no-decision").overrides is False


def test_two_user_banks_with_one_id_keep_the_first_and_report_the_second() -> None:
    write_bank(user_banks_dir(), "a.yaml", GOOD.read_text())
    write_bank(user_banks_dir(), "b.yaml", GOOD.read_text().replace("title: Team guide", "title: Copy"))
    banks = load_banks()
    assert banks.get("team-guide").title == "Team guide"
    assert [str(error) for error in banks.errors] == [
        f"{user_banks_dir() / 'b.yaml'}:2: id: bank id 'team-guide' is already used by "
        f"{user_banks_dir() / 'a.yaml'}"]


# -- team banks: between the shipped ones and one's own -------------------------------------------


def team_banks_dir() -> Path:
    from debrief.locations import active_team_dir

    return active_team_dir() / "banks"


def test_team_banks_sit_between_shipped_and_the_reps_own() -> None:
    quick = (shipped_banks_dir() / "quick-10.yaml").read_text()
    write_bank(team_banks_dir(), "quick.yaml", quick.replace("title: Quick 10-minute debrief", "title: Team quick"))
    write_bank(team_banks_dir(), "guide.yaml", GOOD.read_text())
    write_bank(team_banks_dir(), "price.yaml", (shipped_banks_dir() / "lost-on-price.yaml").read_text()
               .replace("title: Lost on price", "title: Team price"))
    write_bank(user_banks_dir(), "guide.yaml", GOOD.read_text().replace("title: Team guide", "title: My guide"))
    write_bank(user_banks_dir(), "quick.yaml", quick.replace("title: Quick 10-minute debrief", "title: My quick"))
    banks = load_banks()
    assert banks.errors == []
    where = {bank.id: (bank.title, bank.source, bank.replaces) for bank in banks}
    assert where["quick-10"] == ("My quick", "user", "team")
    assert where["team-guide"] == ("My guide", "user", "team")
    assert where["lost-on-price"] == ("Team price or value", "team", "shipped")
    assert where["no-decision"] == ("No decision (stayed with the status quo)", "shipped", "")
    assert banks.get("lost-on-price").path == str(team_banks_dir() / "price.yaml")


def test_a_teammates_bank_is_checked_like_ones_own_and_a_link_is_not_followed(tmp_path: Path) -> None:
    import os

    secret = write_bank(tmp_path / "outside", "secret.yaml", GOOD.read_text().replace("team-guide", "stolen"))
    write_bank(team_banks_dir(), "broken.yaml", (FIXTURES / "broken-one-probe.yaml").read_text())
    write_bank(team_banks_dir(), "hostile.yaml", GOOD.read_text().replace(
        "title: Team guide", "title: \"\\e]52;c;cm0gLXJmIH4=\\a\""))
    os.symlink(secret, team_banks_dir() / "link.yaml")
    banks = load_banks()
    assert set(banks.banks) == set(SHIPPED)
    assert [str(error) for error in banks.errors] == [
        f"{team_banks_dir() / 'broken.yaml'}:40: questions.stay-touch.probes: needs at least 2 probes (found 1)",
        f"{team_banks_dir() / 'hostile.yaml'}:3: title: control characters are not allowed",
        f"{team_banks_dir() / 'link.yaml'}:1: file: a link, not a bank file: not followed"]


def test_a_team_with_too_many_bank_files_is_read_up_to_the_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    from debrief.core import banks as banks_module

    monkeypatch.setattr(banks_module, "MAX_TEAM_BANKS", 2)
    for n in range(3):
        write_bank(team_banks_dir(), f"g{n}.yaml", GOOD.read_text().replace("team-guide", f"guide-{n}"))
    banks = load_banks()
    assert {"guide-0", "guide-1"} <= set(banks.banks) and "guide-2" not in banks.banks
    assert [str(error) for error in banks.errors] == [
        f"{team_banks_dir()}:1: folder: 3 bank files, at most 2 are read (the first by name)"]


def test_get_names_the_known_banks_and_for_loss_puts_the_specific_bank_first() -> None:
    banks = load_banks()
    with pytest.raises(KeyError) as caught:
        banks.get("nope")
    assert str(caught.value) == f"no bank 'nope' (known: {', '.join(sorted(SHIPPED))})"
    assert [bank.id for bank in banks.for_loss("competitor")] == ["lost-to-competitor", "quick-10"]
    assert [bank.id for bank in banks.for_loss("timing")] == ["lost-on-timing", "quick-10"]
    assert banks.for_loss("renewal") == []


def test_a_missing_user_folder_is_not_an_error(tmp_path: Path) -> None:
    banks = load_banks(user_dir=tmp_path / "nowhere")
    assert set(banks.banks) == set(SHIPPED) and banks.errors == []


def test_render_bank_names_bank_question_and_variable() -> None:
    bank = load_bank_file(GOOD)
    context = {key: value for key, value in contexts()[0].items() if key != "company"}
    with pytest.raises(RenderError) as caught:
        render_bank(bank, context)
    assert str(caught.value) == "bank team-guide, question decision-who, text: unknown template variable 'company'"
    assert isinstance(render_bank(bank, contexts()[0]), Bank)
