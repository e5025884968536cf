"""Hostile text through every output command: a database whose every text field holds markup,
escape sequences (CSI, OSC 0/2/52), C1 controls, bidi overrides, NUL, 100 KB and line breaks.

The hostile debriefs come in the way an attacker's file would, through ``debrief import``; then
every output command runs on them. Each must exit 0, print no raw control byte and no invisible
bidi character, show markup literally and bidi characters visibly (``⟨U+202E⟩``).

Most runs call the command line in-process (``debrief.cli.main``, the code the ``debrief`` script
runs, output captured at the file-descriptor level) to keep the matrix fast; a few run the real
``debrief`` process to prove the same holds end to end.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from debrief.cli import main
from debrief.core.ids import new_id
from debrief.core.model import Debrief
from debrief.core.store import Store
from debrief.core.text import INVISIBLE

BIG = ("Hostile [/b] \x1b[1m" * 7_000)[:100_000]
"""100 KB of raw text: markup and escapes, cleaned to under the 100,000-character bound."""

PAYLOADS: dict[str, str] = {
    "markup": "Hostile [bold red]Acme[/] [@click=app.quit]quit[/]",
    "unbalanced": "Hostile Acme [/b] Corp [EMEA",
    "csi": "Hostile \x1b[31mred\x1b[0m\x1b[2J\x1b[H",
    "osc0": "Hostile \x1b]0;pwned title\x07 done",
    "osc2": "Hostile \x1b]2;pwned title\x1b\\ done",
    "osc52": "Hostile \x1b]52;c;cm0gLXJmIH4=\x07 copy",
    "c1": "Hostile \x9b31m \x9d0;title\x9c \x85 next",
    "bidi": "Hostile evil\u202egnp.exe \u2066iso\u2069 \u200bzw",
    "nul": "Hostile a\x00b\x00c",
    "big": BIG,
    "newlines": "Hostile line1\nline2\r\nline3\rline4\u2028line5",
}

RAW_CONTROL = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{INVISIBLE}]")
"""What must never reach a terminal: C0 (but tab and newline), DEL, C1, invisible format chars."""

TODAY = date.today()


def fit(payload: str, limit: int) -> str:
    """The payload cut to a field's bound (the big one is too long for a name)."""
    return payload[:limit]


def hostile_debrief(payload: str, debrief_id: str) -> dict[str, Any]:
    """A debrief in the export shape with ``payload`` in every text field, list item and key."""
    line = fit(payload, 1_000)
    key = fit(payload, 100)
    at = (TODAY + timedelta(days=10)).isoformat() + "T10:00:00"
    noted = (TODAY - timedelta(days=1)).isoformat() + "T10:00:00"
    return {
        "schema_version": Debrief.model_fields["schema_version"].default,
        "id": debrief_id,
        "status": "wrapped",
        "company": fit(payload, 150),
        "contact": {"name": fit(payload, 150), "role": fit(payload, 150), "email": fit(payload, 200)},
        "value": 48_000,
        "stage": fit(payload, 80),
        "lost_on": (TODAY - timedelta(days=20)).isoformat(),
        "lost_to": fit(payload, 150),
        "impressions": payload,
        "red_flags": [line, "price"],
        "guessed_reasons": [line, "price"],
        "schedule": {"at": at, "minutes": 20, "invitation": payload, "booked_at": noted},
        "script": {
            "bank_id": key, "bank_version": line, "minutes": 20, "opening": payload, "closing": payload,
            "questions": [{"id": key, "phase": key, "phase_title": line, "text": payload, "intent": payload,
                           "minutes": 2, "tags": [line, "price"], "probes": [payload, line],
                           "reworded": True, "bank_text": payload}],
        },
        "answers": {key: {"question_id": key, "notes": payload, "state": "clarified", "clarified": payload,
                          "probes_used": [payload], "tags": [line, "price"], "seconds": 30,
                          "first_noted_at": noted, "updated_at": noted}},
        "call": {"started_at": noted, "ended_at": noted, "elapsed": 60, "current_question": key,
                 "rep_talk": 10, "buyer_talk": 50, "longest_monologue": 5,
                 "markers": [{"at": noted, "elapsed": 5, "question_id": key, "label": line}],
                 "adhoc": [{"text": payload, "asked_at": noted, "findings": [line]}]},
        "takeaways": {"what_happened": payload, "differently": payload, "next_time": payload},
        "action_items": [{"text": payload, "owner": line, "due": TODAY.isoformat(), "done": False}],
        "stay_in_touch": {"channel": line, "next_check_in": TODAY.isoformat(), "may_mention": True,
                          "referral": payload, "revisit_trigger": payload},
        "follow_ups": [{"on": TODAY.isoformat(), "channel": line, "outcome": payload}],
        "move_on": (TODAY + timedelta(days=60)).isoformat(),
        "crm": {"source": fit(payload, 12), "id": fit(payload, 60)},
    }


def text_fields(doc: Any, path: str = "") -> list[str]:
    """Every place in a debrief document that holds text (a key counts as one)."""
    if isinstance(doc, dict):
        found = [f"{path}{{key}}" for key in doc if path.endswith("answers.")]
        for key, value in doc.items():
            found += text_fields(value, f"{path}{'*' if path.endswith('answers.') else key}.")
        return found
    if isinstance(doc, list):
        return [field for item in doc[:1] for field in text_fields(item, path.rstrip(".") + "[].")]
    return [path.rstrip(".")] if isinstance(doc, str) and path.rstrip(".") not in TEXTLESS else []


TEXTLESS = {"id", "status", "lost_on", "schedule.at", "schedule.booked_at", "answers.*.state",
            "answers.*.first_noted_at", "answers.*.updated_at", "call.started_at", "call.ended_at",
            "call.markers[].at", "call.adhoc[].asked_at", "action_items[].due", "stay_in_touch.next_check_in",
            "follow_ups[].on", "move_on"}
"""Strings of the export shape that are not text: ids, choices, dates."""


@dataclass
class Run:
    code: int
    out: bytes
    err: bytes


@pytest.fixture
def cli(capfdbinary: pytest.CaptureFixture[bytes]) -> Callable[..., Run]:
    """``debrief ARGS`` in-process; returns the exit code and the bytes written to stdout/stderr."""

    def run(*args: str) -> Run:
        capfdbinary.readouterr()
        try:
            main(list(args))
            code = 0
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else 1
        captured = capfdbinary.readouterr()
        return Run(code, captured.out, captured.err)

    return run


@dataclass
class Hostile:
    ids: dict[str, str]
    """Payload name -> id of the debrief holding it everywhere."""
    all_in_one: str
    """Id of a debrief holding every payload, one after another, in every field."""


@pytest.fixture
def hostile(tmp_path: Path, cli: Callable[..., Run]) -> Hostile:
    ids = {name: new_id() for name in PAYLOADS}
    everything = " ".join(payload for name, payload in PAYLOADS.items() if name != "big")
    together = new_id()
    docs = [hostile_debrief(payload, ids[name]) for name, payload in PAYLOADS.items()]
    docs.append(hostile_debrief(everything, together))
    export = tmp_path / "hostile.json"
    export.write_text(json.dumps({"format": "debrief-export", "schema_version": 1, "debriefs": docs}))
    imported = cli("import", str(export))
    assert imported.code == 0, imported.err
    assert b"12 added" in imported.out
    return Hostile(ids, together)


def assert_clean(run: Run, *, ics: bool = False) -> str:
    """No raw control byte or invisible character in stdout or stderr; the decoded stdout."""
    for stream in (run.out, run.err):
        text = stream.decode("utf-8")
        if ics:
            text = text.replace("\r\n", "\n")  # RFC 5545 lines end in CRLF: the format, not the data
        bad = RAW_CONTROL.search(text)
        assert bad is None, f"raw {bad.group()!r} at {bad.start()}: {text[max(bad.start() - 40, 0):bad.start() + 40]!r}"
    return run.out.decode()


PER_DEBRIEF: list[tuple[str, ...]] = [
    ("show", "{id}"), ("show", "{id}", "--format", "json"), ("summary", "{id}"),
    ("script", "{id}"), ("script", "{id}", "--format", "text"), ("script", "{id}", "--bank", "quick-10"),
    ("invite", "{id}"), ("ics", "{id}"),
    ("compare", "{id}", "{other}"), ("compare", "{id}", "{other}", "--format", "json"),
]
WHOLE_DATABASE: list[tuple[str, ...]] = [
    ("list",), ("list", "--format", "json"), ("stats",), ("stats", "--format", "json"),
    ("export",), ("search", "Hostile"), ("search", "Hostile", "--format", "json"),
]


@pytest.mark.parametrize("name", list(PAYLOADS))
def test_every_output_command_on_hostile_text_exits_0_and_prints_no_control_byte(
    name: str, hostile: Hostile, cli: Callable[..., Run]
) -> None:
    debrief_id = hostile.ids[name]
    for template in PER_DEBRIEF:
        args = [part.format(id=debrief_id, other=hostile.all_in_one) for part in template]
        run = cli(*args)
        assert run.code == 0, (args, run.err)
        out = assert_clean(run, ics=args[0] == "ics")
        if args[0] in ("show", "summary", "compare") and name == "markup" and "json" not in args:
            assert "[@click=app.quit]quit[/]" in out, args  # markup is text, shown literally
        if args[0] in ("show", "compare") and name == "bidi":
            assert "⟨U+202E⟩" in out, args  # the override is shown, not obeyed


def test_whole_database_commands_on_hostile_text(hostile: Hostile, cli: Callable[..., Run]) -> None:
    for args in WHOLE_DATABASE:
        run = cli(*args)
        assert run.code == 0, (args, run.err)
        out = assert_clean(run)
        if args[0] == "list" and "json" not in args:
            assert "Hostile Acme [/b] Cor" in out  # cut to its column, markup shown as typed
    exported = json.loads(cli("export").out)
    assert len(exported["debriefs"]) == len(PAYLOADS) + 1
    stored = {doc["id"]: doc for doc in exported["debriefs"]}
    bidi = stored[hostile.ids["bidi"]]
    assert bidi["company"] == "Hostile evil⟨U+202E⟩gnp.exe ⟨U+2066⟩iso⟨U+2069⟩ ⟨U+200B⟩zw"
    assert stored[hostile.ids["osc52"]]["impressions"] == "Hostile  copy"
    assert stored[hostile.ids["nul"]]["takeaways"]["next_time"] == "Hostile abc"
    newlines = stored[hostile.ids["newlines"]]
    assert newlines["impressions"] == "Hostile line1\nline2\nline3\nline4\nline5"  # multi-line keeps lines
    assert newlines["company"] == "Hostile line1 line2 line3 line4 line5"  # single-line folds them
    assert newlines["answers"]["Hostile line1 line2 line3 line4 line5"]["tags"][0].count("\n") == 0
    assert len(stored[hostile.ids["big"]]["impressions"]) <= 100_000


def test_the_real_command_prints_hostile_text_cleanly(hostile: Hostile, run_cli) -> None:  # type: ignore[no-untyped-def]
    """The same, through the real ``debrief`` process (its stdout a pipe, as in a script)."""
    for args in (("show", hostile.all_in_one), ("list",), ("summary", hostile.all_in_one), ("ics", hostile.all_in_one)):
        result = run_cli(*args)
        assert result.returncode == 0, (args, result.stderr)
        text = result.stdout.replace("\r\n", "\n") + result.stderr
        assert RAW_CONTROL.search(text) is None, args


@pytest.mark.parametrize("name", [name for name in PAYLOADS if name not in ("nul", "big")])
def test_tone_on_hostile_questions(name: str, cli: Callable[..., Run]) -> None:
    """Findings quote the question: the quote and the message come out clean."""
    payload = PAYLOADS[name] + " but we were cheaper, wouldn't you agree?"
    for args in (("tone", payload), ("tone", "--format", "json", payload), ("tone", "--own-it", payload)):
        run = cli(*args)
        assert run.code in (0, 1), (args, run.err)  # 1: findings
        assert_clean(run)


HOSTILE_BANK = """\
id: hostile-bank
title: "Hostile [@click=app.quit]quit[/] evil\\u202egnp \\u2066iso\\u2069 title\\nsecond line"
version: 1
description: "[bold]Not bold[/] \\u200b and [/b] unbalanced"
use_when: [competitor]
opening: "Thanks for your time, {{ contact.first_name }}. [@click=app.quit]x[/]"
closing: "Thank you. \\u202e reversed?"
phases:
  - id: decision
    title: "Decision [red]phase[/] \\u2067x\\u2069"
    questions:
      - id: decision-who
        text: "Who was involved in the final decision [/b], and how did each of them weigh in?"
        intent: "Learn the buying group \\u202e here."
        minutes: 2
        tags: [decision-maker]
        probes:
          - "Could you give me an example [x]?"
          - "What else \\u2066 mattered?"
"""

BAD_BANK = HOSTILE_BANK.replace("id: hostile-bank", "id: bad-bank").replace("version: 1", 'version: 1\n'
                                                                           'x: "\\e]0;pwned\\a"')


def test_banks_commands_on_a_hostile_bank(isolated_folders: Path, cli: Callable[..., Run]) -> None:
    folder = isolated_folders / "data" / "debrief" / "question_banks"
    folder.mkdir(parents=True)
    (folder / "hostile.yaml").write_text(HOSTILE_BANK)
    for args in (("banks", "list"), ("banks", "list", "--format", "json"), ("banks", "show", "hostile-bank"),
                 ("banks", "show", "hostile-bank", "--format", "json"), ("banks", "lint"),
                 ("banks", "lint", "--format", "json")):
        run = cli(*args)
        assert run.code in ((0, 1) if "lint" in args else (0,)), (args, run.err)  # lint: 1 = findings
        out = assert_clean(run)
        if args[:2] == ("banks", "show") and "json" not in args:
            assert "[@click=app.quit]quit[/]" in out and "⟨U+202E⟩" in out
            assert "title second line" in out  # a title is one line
    (folder / "bad.yaml").write_text(BAD_BANK)
    for args in (("banks", "list"), ("banks", "lint"), ("banks", "lint", "--format", "json")):
        run = cli(*args)
        assert run.code in (1, 2), (args, run.err)
        assert_clean(run)
        assert b"bad.yaml" in run.out + run.err


def schema_text_fields() -> set[str]:
    """Every text field of the model, read from its JSON schema (strings that are not dates or choices)."""
    schema = Debrief.model_json_schema()
    defs = schema.get("$defs", {})
    found: set[str] = set()

    def walk(node: dict[str, Any], path: str) -> None:
        while "$ref" in node:
            node = defs[node["$ref"].rsplit("/", 1)[-1]]
        for option in node.get("anyOf", ()):
            walk(option, path)
        kind = node.get("type")
        if kind == "object" and "properties" in node:
            for key, value in node["properties"].items():
                walk(value, f"{path}{key}.")
        elif kind == "object" and "additionalProperties" in node:
            found.add(f"{path}{{key}}")
            walk(node["additionalProperties"], f"{path}*.")
        elif kind == "array":
            walk(node["items"], path.rstrip(".") + "[].")
        elif kind == "string" and "format" not in node and "enum" not in node:
            found.add(path.rstrip("."))

    walk(schema, "")
    return found - {"id"}  # a debrief id has a fixed shape: a hostile one is refused, tested elsewhere


def test_the_hostile_debrief_fills_every_text_field_of_the_model() -> None:
    """A text field added to the model later is in the matrix too, or this fails."""
    fields = set(text_fields(hostile_debrief("x", new_id())))
    assert fields == schema_text_fields()
    assert len(fields) == 45 and len(PAYLOADS) == 11


# -- crashes: one line, the details in a private file, never exit 0 ----------------------------------

# A bug cannot be summoned on demand, so these child processes plant one (a fault injected into the
# real command or the real app) and the real command line must report it.
COMMAND_FAULT = """
import sys
import debrief.core.exchange as exchange
def export_document(*args, **kwargs):
    raise RuntimeError("planted fault \\x1b]0;title\\x07 in export")
exchange.export_document = export_document
from debrief.cli import main
main(sys.argv[1:])
"""

APP_FAULT = """
import sys
from debrief import app as app_module
original = app_module.create_app
def create_app(*args, **kwargs):
    app = original(*args, **kwargs)
    def fault():
        raise RuntimeError("planted fault in the app")
    app.call_after_refresh(fault)
    return app
app_module.create_app = create_app
from debrief.cli import main
main(sys.argv[1:])
"""


def crash_log(line: str) -> Path:
    found = re.search(r"details in (\S+\.log)$", line.strip())
    assert found, line
    return Path(found.group(1))


def test_a_crash_in_a_command_is_one_line_a_private_log_and_exit_2(isolated_folders: Path) -> None:
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", COMMAND_FAULT, "export"], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("debrief: unexpected error: RuntimeError: planted fault in export;")
    log = crash_log(result.stderr)
    assert log.parent == isolated_folders / "data" / "debrief" / "crashes"
    assert log.stat().st_mode & 0o777 == 0o600 and log.parent.stat().st_mode & 0o777 == 0o700
    details = log.read_text()
    assert "Traceback" in details and "export_document" in details and "\x1b" not in details


def test_a_crash_in_the_app_exits_non_zero_with_one_line(isolated_folders: Path, store: Store) -> None:
    """The app in a real terminal (a pty): Textual's own report would print a long traceback with
    the local values (the rep's notes) and exit 0."""
    import os
    import pty
    import select
    import subprocess
    import sys
    import time

    master, child = pty.openpty()
    process = subprocess.Popen([sys.executable, "-c", APP_FAULT], stdin=child, stdout=child, stderr=child,
                               env={**os.environ, "TERM": "xterm-256color"})
    os.close(child)
    screen = b""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if select.select([master], [], [], 0.2)[0]:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break  # the child closed the terminal
            if not chunk:
                break
            screen += chunk
        elif process.poll() is not None:
            break
    os.close(master)
    assert process.wait(timeout=30) == 2
    last = screen.decode("utf-8", "replace").replace("\r", "").rsplit("\x1b[?1006l", 1)[-1].strip()
    assert last.startswith("debrief: the app stopped on an unexpected error: RuntimeError: planted fault in the app;")
    assert "Traceback" not in last and last.count("\n") == 0
    assert "planted fault" in crash_log(last).read_text()


# -- the cleaning itself --------------------------------------------------------------------------

CLEANING = [
    # (raw, as multi-line text, as a single-line field)
    ("plain text", "plain text", "plain text"),
    ("a\x1b[31mred\x1b[0m", "ared", "ared"),  # CSI
    ("t\x1b]0;title\x07x", "tx", "tx"),  # OSC 0 ended by BEL
    ("c\x1b]52;c;ZXZpbA==\x1b\\d", "cd", "cd"),  # OSC 52 ended by ST
    ("p\x1bP1$r\x1b\\q", "pq", "pq"),  # DCS
    ("x\x9b31my", "xy", "xy"),  # 8-bit CSI
    ("x\x9d0;t\x9cy", "xy", "xy"),  # 8-bit OSC
    ("x\x1b]0;never ended", "x0;never ended", "x0;never ended"),  # the introducer goes, the text stays
    ("a\x00b\x07c\x7fd", "abcd", "abcd"),  # NUL, BEL, DEL
    ("bi\u202edi", "bi⟨U+202E⟩di", "bi⟨U+202E⟩di"),  # shown, not obeyed
    ("\u2066x\u2069\u200b\ufeff", "⟨U+2066⟩x⟨U+2069⟩⟨U+200B⟩⟨U+FEFF⟩", "⟨U+2066⟩x⟨U+2069⟩⟨U+200B⟩⟨U+FEFF⟩"),
    ("👨\u200d👩\u200d👧", "👨\u200d👩\u200d👧", "👨\u200d👩\u200d👧"),  # joiners stay: emoji need them
    ("a\r\nb\rc\u2028d", "a\nb\nc\nd", "a b c d"),
    ("tab\there\n\nnext", "tab\there\n\nnext", "tab here next"),
    ("s\ud800x", "s\ufffdx", "s\ufffdx"),  # a lone surrogate from undecodable argv bytes
    ("[b]Acme[/] [@click=app.quit]", "[b]Acme[/] [@click=app.quit]", "[b]Acme[/] [@click=app.quit]"),
]


@pytest.mark.parametrize(("raw", "multi", "single"), CLEANING)
def test_cleaning(raw: str, multi: str, single: str) -> None:
    from debrief.core.text import clean_line, clean_text

    assert clean_text(raw) == multi and clean_line(raw) == single
    assert clean_text(multi) == multi and clean_line(single) == single  # idempotent
