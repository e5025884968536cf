"""Hostile text in every field, on every screen: shown literally, never markup, never terminal control.

The matrix: 40 text fields (every text field of a debrief a rep or an import can fill, and the
rep's name in the settings) × 16 payloads (markup, an unbalanced tag, ``[/]``, a ``[@click=...]``
action, ``[EMEA]``, ``$variables``, a backslash before a tag, ESC/CSI colours, OSC 0 and OSC 2
window titles, an OSC 52 clipboard write, C1 bytes, bidi overrides, NUL, 100,000 characters,
line breaks) × 23 screens (home, log a loss, edit, schedule, prepare, the live call and its seven
dialogs, wrap-up, read, compare, patterns, search, settings, the CRM import previewing an export
of the first two debriefs, the help screens of home and Prepare, and Prepare once more with a
user's bank whose 18 texts carry the payloads a bank may hold) × 2 sizes (80x24 and 160x48).

Rendering each screen once per cell would take hours, so each screen is rendered once per size
with every field filled. Sixteen debriefs carry the whole 40 × 16 matrix: debrief ``k`` puts
payload ``(i + k) mod 16`` in field ``i``, so every field meets every payload. They go in the way
an import does, through ``Debrief.model_validate`` of a dict and ``Store.put``. Home, patterns and
search show all sixteen; the screens of one debrief show the first (every payload in two or three
of its fields), compare shows the first two. Each value starts with a tag naming its debrief and
field (``~A07~``), so the check knows what the text after a tag must be.

How the screen is read: the strips the compositor hands the terminal
(``screen._compositor.render_strips()``), one string per row, exactly what would be drawn.
On that text:

- no control character a payload carried (C0 but tab and newline, DEL, C1, bidi overrides and
  isolates) appears anywhere;
- wherever a tag shows, the text after it is the field's cleaned value, complete, or cut off by
  the edge of its box, an ellipsis or the end of the row; a payload eaten by markup (``[b]``,
  ``[EMEA]``) shows different text right after its tag and fails;
- across the tour, every markup-looking payload shows literally, and the bidi override shows as
  its visible ``⟨U+202E⟩`` marker;
- the app is still running after every screen, also after clicking the ``[@click=app.quit]`` text
  wherever it shows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
import yaml
from rich.cells import cell_len
from textual.content import Content
from textual.pilot import Pilot
from textual.screen import ModalScreen
from textual.widgets import Select

from debrief.app import DebriefApp
from debrief.core.settings import Settings, save_settings
from debrief.core.store import Store
from debrief.core.text import clean_text
from debrief.locations import user_banks_dir
from debrief.widgets.plain import assemble, escape, markup, plain, rich_text
from tests.pilot_helpers import settle
from tests.screen_tour import FIELDS, FIRST_ID, SECOND_ID, TOUR, Stop, build_debrief, cut_keys, leave

PAYLOADS: dict[str, str] = {
    "markup": "[b]bold[/b] acme",
    "unbalanced": "[/b] Acme Corp",
    "auto-close": "[/] acme",
    "click": "[@click=app.quit]quit[/] acme",
    "brackets": "[EMEA] Acme Corp",
    "variable": "$variable ${text} acme",
    "backslash": "\\[b] acme",
    "csi": "\x1b[31mred\x1b[0m acme",
    "osc-0-title": "\x1b]0;pwned\x07 acme",
    "osc-2-title": "\x1b]2;pwned\x1b\\ acme",
    "osc-52-clipboard": "\x1b]52;c;aGk=\x07 acme",
    "c1": "\x9b2J\x9d0;pwned\x9c acme",
    "bidi": "\u202eevil\u202c acme",
    "nul": "nul\x00byte acme",
    "100k": ("acme words " * 9_091)[:100_000],
    "newlines": "line one\nline two\r\nline three acme",
}
"""Every payload carries "acme", the word the search stop looks for."""

LITERAL = ["markup", "unbalanced", "auto-close", "click", "brackets", "variable", "backslash"]
"""Payloads that look like markup: each must show as typed, somewhere on the tour."""

SIZES = [(80, 24), (160, 48)]
LETTERS = "ABCDEFGHJKMNPQRS"
SHIFTS = {f"hst{letter.lower() * 3}": (letter, shift) for shift, letter in enumerate(LETTERS)}
"""Sixteen debriefs, ``hstaaa`` (the tour's first) to ``hstsss``: debrief k shifts the payloads by k."""

FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
TAG = re.compile(r"~[A-U]\d\d~")

BANK_ID = "hostile-bank"
BANK_PAYLOADS = [*LITERAL, "bidi", "newlines"]
"""A bank refuses control characters (it is reported, and the other banks load); the rest it takes."""


def hostile_bank() -> tuple[dict[str, Any], list[str]]:
    """A user's bank whose every text carries a payload (tags ``~U00~`` on), and those texts."""
    texts: list[str] = []

    def text() -> str:
        index = len(texts)
        payload = PAYLOADS[BANK_PAYLOADS[index % len(BANK_PAYLOADS)]].replace("\r\n", "\n")  # CR is control
        texts.append(f"~U{index:02d}~" + payload)
        return texts[-1]

    def question(question_id: str, tag: str) -> dict[str, Any]:
        return {"id": question_id, "text": text(), "intent": text(), "minutes": 2, "tags": [tag],
                "probes": [text(), text()]}

    bank = {"id": BANK_ID, "title": text(), "version": 1, "description": text(), "use_when": ["competitor"],
            "opening": text(), "closing": text(),
            "phases": [{"id": "first", "title": text(), "questions": [question("q-one", "price"),
                                                                       question("q-two", "criteria")]},
                       {"id": "second", "title": text(), "questions": [question("q-three", "price")]}]}
    return bank, texts


async def _prepare_with_the_user_bank(app: DebriefApp, pilot: Pilot[Any]) -> None:
    app.open_prepare(FIRST_ID)
    await settle(pilot)
    app.screen.query_one("#prepare-bank", Select).value = BANK_ID
    await settle(pilot)


STOPS = [*TOUR, Stop("prepare-user-bank", _prepare_with_the_user_bank, "PrepareScreen")]
"""The tour, and Prepare once more with the user's hostile bank chosen."""


def hostile_values(letter: str, shift: int) -> dict[str, str]:
    """Field ``i`` gets payload ``i + shift`` (mod 16), behind its tag, cut to the field's limit."""
    names = list(PAYLOADS)
    values = {}
    for index, field in enumerate(FIELDS):
        payload = PAYLOADS[names[(index + shift) % len(names)]]
        values[field.name] = (f"~{letter}{index:02d}~" + payload)[: field.limit]
    return values


def _flat(text: str) -> str:
    return " ".join(text.split()).casefold()


def expected_after_tags() -> dict[str, str]:
    """What must follow each tag on screen: the field's value as the model cleans it."""
    expected = {}
    for letter, shift in SHIFTS.values():
        for value in hostile_values(letter, shift).values():
            expected[value[:5]] = _flat(clean_text(value)[5:])
    for value in hostile_bank()[1]:
        expected[value[:5]] = _flat(clean_text(value)[5:])
    return expected


def judge(rest: str, expected: str) -> bool | None:
    """True if ``rest`` (the row after a tag) shows ``expected`` as it is, or the start of it cut
    off; None if nothing follows the tag on this row; False if other text follows the tag."""
    shown = _flat(rest)
    if not shown or shown.startswith("…"):
        return None
    common = 0
    for got, want in zip(shown, expected, strict=False):
        if got != want:
            break
        common += 1
    if common == len(expected):
        return True
    # Cut short: by the edge of a box (the next widget's text follows a space), an ellipsis, a
    # line break, or a name taken from it (a contact's first name, followed by a comma).
    return common > 0 and (common == len(shown) or not shown[common].isalnum() or shown[common - 1] == " ")


def screen_rows(app: DebriefApp) -> list[str]:
    """The text of every row the terminal would be sent for the screen on top."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


@pytest.fixture
def hostile_store(store: Store, tmp_path: Any) -> Store:
    for debrief_id, (letter, shift) in SHIFTS.items():
        store.put(build_debrief(debrief_id, hostile_values(letter, shift)))
    rep_name = hostile_values("A", 0)["settings.rep_name"]
    save_settings(Settings(rep_name=rep_name), tmp_path / "settings.json")
    folder = user_banks_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "hostile.yaml").write_text(yaml.safe_dump(hostile_bank()[0]), encoding="utf-8")
    return store


def test_the_matrix_is_as_the_docstring_says() -> None:
    """The counts in the module docstring (and in the report) are the ones tested."""
    assert (len(FIELDS), len(PAYLOADS), len(STOPS), len(SIZES)) == (40, 16, 23, 2)
    assert len(hostile_bank()[1]) == 18
    assert FIRST_ID in SHIFTS and SECOND_ID in SHIFTS
    names = list(PAYLOADS)
    covered = {(field.name, names[(index + shift) % len(names)])
               for index, field in enumerate(FIELDS) for _, shift in SHIFTS.values()}
    assert len(covered) == len(FIELDS) * len(PAYLOADS)


@pytest.mark.parametrize("name", list(PAYLOADS))
def test_the_ui_text_helpers_keep_any_text_as_it_is(name: str) -> None:
    """Each way the screens build text from user text reads back as the cleaned text itself."""
    text = PAYLOADS[name]
    cleaned = clean_text(text)
    assert plain(text).plain == cleaned
    assert plain(text, "bold").plain == cleaned
    assert markup("[b]Open with[/b] $text [$text-muted]$more[/]", text=text, more=text).plain == (
        f"Open with {cleaned} {cleaned}")
    assert assemble(("Lost to ", "bold"), text, (text, "$text-muted")).plain == f"Lost to {cleaned}{cleaned}"
    assert Content.from_markup(escape(text)).plain == cleaned
    assert rich_text(text).plain == cleaned
    assert not FORBIDDEN.search(cleaned)


async def _click_live_actions(app: DebriefApp, pilot: Pilot[Any], rows: list[str]) -> int:
    """Click every place the ``[@click=app.quit]`` text shows; the app must not quit."""
    clicks = 0
    for y, row in enumerate(rows):
        x = row.find("[@click=app.quit]")
        if x < 0:
            continue
        await pilot.click(offset=(cell_len(row[:x]) + 2, y))
        await settle(pilot)
        clicks += 1
        assert app.is_running and app.return_code is None
    return clicks


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
async def test_every_screen_shows_hostile_text_literally_and_sends_no_control_bytes(
        make_app: Callable[..., DebriefApp], hostile_store: Store, size: tuple[int, int]) -> None:
    expected = expected_after_tags()
    literal_seen: set[str] = set()
    bidi_seen = False
    judged: dict[str, int] = {}
    clicks = bank_judged = 0
    cut: dict[str, list[str]] = {}
    without_keys: list[str] = []
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        for stop in STOPS:
            await stop.open(app, pilot)
            assert app.is_running, f"{stop.name}: the app stopped"
            assert type(app.screen).__name__ == stop.screen, f"{stop.name}: {type(app.screen).__name__}"
            # The same walk checks the footers: each key whole or left out (it is in help and the
            # palette), and every screen but a dialog has its keys at the bottom.
            if not isinstance(app.screen, ModalScreen) and not app.screen.query("Footer, KeyBar"):
                without_keys.append(stop.name)
            if keys_cut := cut_keys(app):
                cut[stop.name] = keys_cut
            rows = screen_rows(app)
            text = "\n".join(rows)
            raw = FORBIDDEN.search(text)
            assert raw is None, f"{stop.name}: raw {raw.group()!r} on screen" if raw else ""
            bidi_seen = bidi_seen or "⟨U+202E⟩" in text
            judged[stop.name] = 0
            for row in rows:
                for match in TAG.finditer(row):
                    verdict = judge(row[match.end():], expected[match.group()])
                    assert verdict is not False, f"{stop.name}: {match.group()} shows {row[match.end():]!r}"
                    if verdict:
                        judged[stop.name] += 1
                        bank_judged += match.group().startswith("~U")
            literal_seen |= {name for name in LITERAL if PAYLOADS[name] in text}
            clicks += await _click_live_actions(app, pilot, rows)
            await leave(app, pilot)
            assert app.is_running, f"{stop.name}: the app stopped on the way back"
    print(f"\n{size[0]}x{size[1]}: tags judged per screen {judged}; clicks on [@click=app.quit]: {clicks}")
    assert literal_seen == set(LITERAL)
    assert bidi_seen
    assert clicks > 0
    assert bank_judged > 0, "the user's bank never showed"
    blind = [name for name, count in judged.items() if not count and name not in {"log-loss", "help"}]
    assert not blind, f"screens where no field could be checked: {blind}"
    assert cut == {}
    assert without_keys == []


@pytest.mark.parametrize("company", ["Acme [/b] Corp", "Acme [EMEA] Corp", "[@click=app.quit]Acme[/]"])
async def test_a_bracketed_company_opens_the_call_schedule_and_edit_literally(
        make_app: Callable[..., DebriefApp], store: Store, company: str) -> None:
    values = {field.name: f"plain {field.name}" for field in FIELDS}
    values["company"] = company
    values["question.id"] = "decision-factors"
    store.put(build_debrief(FIRST_ID, values))
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        for open_it, screen in ((app.open_call, "CallScreen"), (app.open_schedule, "ScheduleScreen"),
                                (app.open_log_loss, "LogLossScreen")):
            open_it(FIRST_ID)
            await settle(pilot)
            assert type(app.screen).__name__ == screen
            text = "\n".join(screen_rows(app))
            assert company in text, f"{screen} does not show {company!r}"
            await leave(app, pilot)
        assert app.is_running
