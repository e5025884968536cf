"""Fuzzing (hypothesis), bounded in time: command-line arguments, bank YAML and import JSON.

Whatever comes in, the answer is an exit code of 0, 1 or 2, at most one line on stderr when
refused, never a traceback, and nothing written when refused (the database's bytes unchanged).
The command line runs in-process (``debrief.cli.main``, what the ``debrief`` script runs); the
examples are few enough that the whole file runs in well under a minute on a busy machine.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from debrief.cli import main
from debrief.core.banks import BankError, load_bank_file
from debrief.core.exchange import read_export
from debrief.core.model import Contact, Debrief
from debrief.core.store import Store
from debrief.core.text import INVISIBLE, clean_line, clean_text
from debrief.locations import shipped_banks_dir

FUZZ = settings(max_examples=40, deadline=None, database=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
"""Few examples, derandomized (the same ones each run: a failure reproduces), no example database."""
MANY = settings(FUZZ, max_examples=200)
"""For the command line: cheap examples in-process, and many commands to cover."""

RAW_CONTROL = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{INVISIBLE}]")

# Text as hostile as a terminal can be asked to show; argv cannot carry NUL, so the CLI gets none.
NASTY = ["\x1b[31m", "\x1b]0;t\x07", "\x1b]52;c;eA==\x07", "\x9b2J", "\u202e", "\u2066", "[b]", "[/]",
         "[@click=app.quit]", "\n", "\r", "\t", "\ufeff", "\ud800", "é", "🙂", "--", "-", " ", ",", "9" * 30]
text_pieces = st.one_of(st.sampled_from(NASTY), st.text(max_size=12))
nasty_text = st.lists(text_pieces, max_size=6).map("".join)
arg_text = nasty_text.map(lambda text: text.replace("\x00", ""))


def database_bytes(root: Path) -> dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*"))
            if path.is_file() and path.name != "lock"}


@pytest.fixture
def cli(capfdbinary: pytest.CaptureFixture[bytes]) -> Callable[[list[str]], tuple[int, str, str]]:
    def run(argv: list[str]) -> tuple[int, str, str]:
        capfdbinary.readouterr()
        try:
            main(argv)
            code = 0
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else 1
        captured = capfdbinary.readouterr()
        return code, captured.out.decode("utf-8", "replace"), captured.err.decode("utf-8", "replace")

    return run


def check_outcome(code: int, out: str, err: str, *, lint: bool = False) -> None:
    assert code in (0, 1, 2), (code, err)
    assert "Traceback" not in err + out and "unexpected error" not in err, err
    if code == 2:
        # One line; lint lists its findings on stdout and sums them up on stderr instead.
        assert err.count("\n") == 1 and (lint or err.startswith("debrief: ")), err
    assert RAW_CONTROL.search(out.replace("\r\n", "\n") + err) is None, (out[:200], err)


# -- text ------------------------------------------------------------------------------------------


@FUZZ
@given(text=nasty_text)
def test_cleaning_is_idempotent_and_leaves_nothing_raw(text: str) -> None:
    for clean in (clean_text, clean_line):
        once = clean(text)
        assert clean(once) == once
        assert RAW_CONTROL.search(once.replace("\n", "").replace("\t", "")) is None
        assert not re.search("[\ud800-\udfff]", once)
    assert "\n" not in clean_line(text) and "\t" not in clean_line(text)


@FUZZ
@given(company=nasty_text, notes=nasty_text, tag=nasty_text)
def test_any_text_stored_in_the_model_validates_again_unchanged(company: str, notes: str, tag: str) -> None:
    try:
        debrief = Debrief(company=company or "x", contact=Contact(name="Jane Doe"), red_flags=[tag])
    except ValueError:
        return  # refused (empty once cleaned, too long): a refusal, not a crash
    debrief.answer("q1").notes = notes
    stored = Debrief.model_validate(debrief.to_json())
    assert Debrief.model_validate(stored.to_json()) == stored


# -- command line ------------------------------------------------------------------------------------

IDS = ["{id}", "{id}".upper(), "zzzzzz", "", " {id} "]
COMMANDS: dict[str, list[tuple[str, Any]]] = {
    # command: its options and a strategy for each value (None for a flag)
    "new": [("--company", arg_text), ("--contact", arg_text), ("--role", arg_text), ("--email", arg_text),
            ("--value", st.sampled_from(["48k", "$48,000", "-1", "nan", "1e400", "4" * 40]) | arg_text),
            ("--lost-on", st.sampled_from(["today", "0001-01-01", "9999-12-31", "in 99999999999 weeks",
                                           "monday"]) | arg_text),
            ("--lost-to", arg_text), ("--stage", arg_text), ("--impression", arg_text),
            ("--red-flag", arg_text), ("--guess", arg_text)],
    "show": [("--format", st.sampled_from(["md", "json", "xml"]))],
    "list": [("--format", st.sampled_from(["table", "json", ""]))],
    "stats": [("--format", st.sampled_from(["text", "json"]))],
    "search": [("--limit", st.sampled_from(["1", "0", "-5", "x"])), ("--format", st.sampled_from(["text", "json"]))],
    "summary": [],
    "script": [("--bank", st.sampled_from(["quick-10", "nope", ""]) | arg_text),
               ("--minutes", st.sampled_from(["5", "4", "200", "x"])), ("--format", st.sampled_from(["md", "text"]))],
    "schedule": [("--at", st.sampled_from(["tomorrow at 10:00", "in 2 weeks at 10:00", "yesterday at 9",
                                          "0001-01-01 10:00", "in 99999999999 weeks"]) | arg_text),
                 ("--minutes", st.sampled_from(["20", "0", "121", "x"])), ("--reschedule", None)],
    "invite": [],
    "ics": [],
    "compare": [("--format", st.sampled_from(["md", "json"]))],
    "tone": [("--own-it", None), ("--format", st.sampled_from(["text", "json", "yaml"]))],
    "banks": [],
    "import": [],
}
TAKES_ID = {"show", "summary", "script", "schedule", "invite", "ics", "compare"}
READ_ONLY = {"show", "list", "stats", "search", "summary", "script", "invite", "ics", "compare", "tone", "banks"}


@st.composite
def command_lines(draw: st.DrawFn) -> list[str]:
    """A command with a random choice of its options (valid or not), or random tokens after it."""
    command = draw(st.sampled_from(sorted(COMMANDS)))
    argv = [command]
    if command == "banks":
        argv += draw(st.sampled_from([["list"], ["show", "quick-10"], ["show", "nope"], ["lint"], ["bogus"]]))
    if command in TAKES_ID:
        argv += [draw(st.sampled_from(IDS))] * (2 if command == "compare" else 1)
    if command in ("search", "tone"):
        argv.append(draw(arg_text.filter(lambda text: text.strip() != "")))
    if command == "import":
        argv.append(draw(st.sampled_from(["/dev/null", "/nonexistent/x.json", ".", "{export}"])))
    if command == "new" and draw(st.booleans()):  # the two it needs, so that some get further
        argv += ["--company", draw(arg_text), "--contact", draw(arg_text)]
    for name, values in draw(st.lists(st.sampled_from(COMMANDS[command] or [("--bogus", None)]), max_size=5)):
        argv.append(name)
        if values is not None:
            argv.append(draw(values))
    if draw(st.integers(0, 3)) == 0:
        argv += draw(st.lists(arg_text, max_size=3))  # stray tokens: a usage error, said in one line
    return argv


def test_command_lines(tmp_path: Path, cli: Callable[[list[str]], tuple[int, str, str]]) -> None:
    db = tmp_path / "db"
    store = Store.open(db)
    debrief = store.add(Debrief(company="Acme", contact=Contact(name="Jane Doe"),
                                lost_on=date.today() - timedelta(days=10)))
    export = tmp_path / "export.json"
    export.write_text(json.dumps({"format": "debrief-export", "debriefs": [debrief.to_json()]}))

    @MANY
    @given(argv=command_lines())
    def check(argv: list[str]) -> None:
        argv = [part.replace("{id}", debrief.id).replace("{export}", str(export)) for part in argv]
        before = database_bytes(db)
        code, out, err = cli([*argv, "--db", str(db)])
        check_outcome(code, out, err)
        if code != 0 or argv[0] in READ_ONLY:
            assert database_bytes(db) == before, argv

    check()


# -- bank YAML ---------------------------------------------------------------------------------------

SHIPPED = (shipped_banks_dir() / "quick-10.yaml").read_text()
LINES = SHIPPED.splitlines()


@st.composite
def mutated_banks(draw: st.DrawFn) -> str:
    """A shipped bank with a few lines deleted, doubled, re-indented or given hostile text."""
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "double", "indent", "replace", "insert"]))
        if action == "delete":
            del lines[at]
        elif action == "double":
            lines.insert(at, lines[at])
        elif action == "indent":
            lines[at] = " " * draw(st.integers(0, 9)) + lines[at].lstrip()
        elif action == "replace" and ":" in lines[at]:
            key = lines[at].split(":", 1)[0]
            lines[at] = f"{key}: {draw(nasty_text | st.sampled_from(['{{ 9**9**9 }}', '&a [*a]', '5' * 5001]))}"
        else:
            lines.insert(at, draw(nasty_text))
        if not lines:
            break
    return "\n".join(lines) + "\n"


random_yaml = st.recursive(
    st.none() | st.booleans() | st.integers() | nasty_text,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from(["id", "title", "version", "phases", "questions", "text", "probes", "tags",
                                       "minutes", "opening", "closing", "use_when", "x"]), children, max_size=6),
    max_leaves=20,
).map(lambda data: yaml.safe_dump(data, allow_unicode=True))


def test_bank_yaml(tmp_path: Path, cli: Callable[[list[str]], tuple[int, str, str]]) -> None:
    path = tmp_path / "fuzzed.yaml"

    @FUZZ
    @given(text=mutated_banks() | random_yaml)
    def check(text: str) -> None:
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            load_bank_file(path)
        except BankError as error:
            assert "\n" not in str(error)
        code, out, err = cli(["banks", "lint", str(path)])
        check_outcome(code, out, err, lint=True)

    check()


# -- import JSON -------------------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | nasty_text,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(nasty_text, children, max_size=3),
    max_leaves=10,
)
FIELDS = ["id", "company", "contact", "status", "lost_on", "answers", "red_flags", "schema_version", "value",
          "script", "call", "action_items", "follow_ups", "takeaways", "updated_at"]


@st.composite
def import_files(draw: st.DrawFn) -> bytes:
    """A valid export with some fields swapped for random JSON, or plain random bytes."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=200))
    docs = [Debrief(company=f"Co {number}", contact=Contact(name="Pat Lee")).to_json() for number in range(3)]
    for _ in range(draw(st.integers(1, 3))):
        doc = docs[draw(st.integers(0, 2))]
        doc[draw(st.sampled_from(FIELDS))] = draw(json_values)
    wrapper: Any = {"format": "debrief-export", "debriefs": docs}
    if draw(st.integers(0, 9)) == 0:
        wrapper = draw(json_values)
    return json.dumps(wrapper, ensure_ascii=draw(st.booleans())).encode("utf-8", "surrogatepass")


def test_import_json(tmp_path: Path, cli: Callable[[list[str]], tuple[int, str, str]]) -> None:
    db = tmp_path / "db"
    Store.open(db).add(Debrief(company="Acme", contact=Contact(name="Jane Doe")))
    path = tmp_path / "in.json"

    @settings(FUZZ, max_examples=100)
    @given(data=import_files())
    def check(data: bytes) -> None:
        path.write_bytes(data)
        try:
            read_export(path)
        except ValueError as error:
            assert "\n" not in str(error)
        before = database_bytes(db)
        code, out, err = cli(["import", str(path), "--db", str(db)])
        check_outcome(code, out, err)
        assert code in (0, 2)
        if code != 0:
            assert database_bytes(db) == before

    check()
