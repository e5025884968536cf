"""A tour of every screen of the app, the way a rep reaches it, and debriefs to take along.

Shared by the command-palette tests and the hostile-input matrix: each stop opens one screen (or
one dialog of the live call) on top of home, and ``leave`` goes back to home for the next stop, so
one running app visits them all.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from debrief.app import DebriefApp
from debrief.core.model import Debrief
from tests.pilot_helpers import settle

FIRST_ID, SECOND_ID = "hstaaa", "hstbbb"
"""The two debriefs every stop shows (valid ids: six characters of the id alphabet)."""

SEARCH_WORDS = "acme"
"""What the search stop looks for: every payload set carries it."""

CRM_EXPORT = "~/deals.csv"
"""Where the CRM import stop finds its export (in the test's home, so the path reads the same on
every machine)."""

PATIENCE = 30.0
"""Seconds a stop waits at most for what its screen loads in a worker before the test fails."""


@dataclass(frozen=True)
class Field:
    """One text field a user or an import can fill, with the longest value the model accepts."""

    name: str
    limit: int = 100_000


FIELDS: list[Field] = [
    Field("company", 200), Field("contact.name", 200), Field("contact.role", 200), Field("contact.email", 320),
    Field("stage", 100), Field("lost_to", 200), Field("impressions"), Field("red_flags", 2_000),
    Field("guessed_reasons", 2_000), Field("schedule.invitation"), Field("script.bank_id", 2_000),
    Field("script.opening"), Field("script.closing"), Field("question.id", 120), Field("question.phase_title", 2_000),
    Field("question.text"), Field("question.intent"), Field("question.tags", 2_000), Field("question.probes"),
    Field("question2.phase_title", 2_000), Field("question2.text"), Field("answer.notes"), Field("answer.clarified"),
    Field("answer.probes_used"), Field("answer.tags", 2_000), Field("answer2.notes"), Field("marker.label", 2_000),
    Field("adhoc.text"), Field("adhoc.findings", 2_000), Field("takeaways.what_happened"),
    Field("takeaways.differently"), Field("takeaways.next_time"), Field("action.text"), Field("action.owner", 2_000),
    Field("stay.channel", 2_000), Field("stay.referral"), Field("stay.revisit_trigger"),
    Field("follow_up.channel", 2_000), Field("follow_up.outcome"), Field("settings.rep_name", 200),
]
"""Every text field of a debrief (and the rep's name in the settings) that reaches a screen."""


def build_debrief(debrief_id: str, values: dict[str, str]) -> Debrief:
    """A debrief in the middle of its call, every field of ``FIELDS`` taken from ``values``.

    Built as a dict and validated, the way an import or a teammate's file comes in, so the model's
    own cleaning applies exactly as it does for them.
    """
    question_id = values["question.id"]
    data: dict[str, Any] = {
        "id": debrief_id, "status": "in_call",
        "company": values["company"],
        "contact": {"name": values["contact.name"], "role": values["contact.role"],
                    "email": values["contact.email"]},
        "value": 48_000, "stage": values["stage"], "lost_on": "2026-11-02", "lost_to": values["lost_to"],
        "impressions": values["impressions"], "red_flags": [values["red_flags"], "price"],
        "guessed_reasons": [values["guessed_reasons"], "price"],
        "created_at": "2026-11-03T17:30:00", "updated_at": "2026-11-20T10:05:00",
        "schedule": {"at": "2026-11-24T10:00:00", "minutes": 20, "invitation": values["schedule.invitation"],
                     "booked_at": "2026-11-10T09:00:00"},
        "script": {
            "bank_id": values["script.bank_id"], "minutes": 20, "chosen_at": "2026-11-20T09:00:00",
            "opening": values["script.opening"], "closing": values["script.closing"],
            "questions": [
                {"id": question_id, "phase": "decision", "phase_title": values["question.phase_title"],
                 "text": values["question.text"], "intent": values["question.intent"], "minutes": 3,
                 "tags": [values["question.tags"], "price"], "probes": [values["question.probes"], "Say more?"]},
                {"id": "decision-who", "phase": "better", "phase_title": values["question2.phase_title"],
                 "text": values["question2.text"], "minutes": 2, "custom": True},
            ],
        },
        "answers": {
            question_id: {"question_id": question_id, "notes": values["answer.notes"], "state": "unclear",
                          "clarified": values["answer.clarified"], "probes_used": [values["answer.probes_used"]],
                          "tags": [values["answer.tags"], "price"], "seconds": 90},
            "decision-who": {"question_id": "decision-who", "notes": values["answer2.notes"], "state": "clarified",
                             "clarified": values["answer.clarified"], "tags": ["price"]},
        },
        "call": {"started_at": "2026-11-24T10:00:00", "elapsed": 300, "current_question": question_id,
                 "rep_talk": 60, "buyer_talk": 200, "longest_monologue": 40,
                 "markers": [{"at": "2026-11-24T10:02:00", "elapsed": 120, "question_id": question_id,
                              "label": values["marker.label"]}],
                 "adhoc": [{"text": values["adhoc.text"], "asked_at": "2026-11-24T10:03:00",
                            "findings": [values["adhoc.findings"]]}]},
        "takeaways": {"what_happened": values["takeaways.what_happened"],
                      "differently": values["takeaways.differently"], "next_time": values["takeaways.next_time"]},
        "action_items": [{"text": values["action.text"], "owner": values["action.owner"], "due": "2026-12-01"}],
        "stay_in_touch": {"channel": values["stay.channel"], "next_check_in": "2026-11-20", "may_mention": True,
                          "referral": values["stay.referral"], "revisit_trigger": values["stay.revisit_trigger"]},
        "follow_ups": [{"on": "2026-11-21", "channel": values["follow_up.channel"],
                        "outcome": values["follow_up.outcome"]}],
        "move_on": "2027-03-01",
    }
    return Debrief.model_validate(data)


def plain_values(prefix: str) -> dict[str, str]:
    """Ordinary words in every field (brackets included, as real company names have them)."""
    values = {field.name: f"{prefix} {field.name.replace('.', ' ').replace('_', ' ')}" for field in FIELDS}
    values["company"] = f"{prefix} Northwind [EMEA] Logistics"
    values["question.id"] = f"{prefix.lower()}-decision"
    return values


# -- the tour ------------------------------------------------------------------------------------

Opener = Callable[[DebriefApp, Pilot[Any]], Awaitable[None]]


async def _nothing(app: DebriefApp, pilot: Pilot[Any]) -> None:
    """Home is where the app opens."""


def _screen(open_it: Callable[[DebriefApp], None]) -> Opener:
    async def opener(app: DebriefApp, pilot: Pilot[Any]) -> None:
        open_it(app)
        await settle(pilot)

    return opener


def _action(open_it: Callable[[DebriefApp], None], action: str) -> Opener:
    """Open a screen, then run one of its actions, by name (keys are the rep's to rebind)."""

    async def opener(app: DebriefApp, pilot: Pilot[Any]) -> None:
        open_it(app)
        await settle(pilot)
        await app.screen.run_action(action)
        await settle(pilot)

    return opener


async def _adhoc(app: DebriefApp, pilot: Pilot[Any]) -> None:
    """Ask an own question during the call; the tone check's findings quote what was typed."""
    app.open_call(FIRST_ID)
    await settle(pilot)
    await app.screen.run_action("adhoc")
    await settle(pilot)
    app.screen.query_one("#adhoc-input", Input).value = "But we [b]surely[/b] had [/] the better [EMEA] price?"
    await settle(pilot)


async def settle_until(pilot: Pilot[Any], done: Callable[[], bool], what: str) -> None:
    """Settle until ``done()``: a screen's worker may hand its result to a second worker (search
    loads the text, then searches it), which a single settle does not wait for."""
    deadline = time.monotonic() + PATIENCE
    await settle(pilot)
    while not done():
        assert time.monotonic() < deadline, f"{what} did not show within {PATIENCE:.0f} s"
        await pilot.pause(0.05)
        await settle(pilot)


async def _search(app: DebriefApp, pilot: Pilot[Any]) -> None:
    """Search for the words every debrief carries; the stop is the results, not "Reading…"."""
    app.open_search(SEARCH_WORDS)

    def shown() -> bool:
        results = getattr(app.screen, "results", None)
        return results is not None and results.query == SEARCH_WORDS

    await settle_until(pilot, shown, "the search results")


def write_crm_export(app: DebriefApp, path: Path) -> None:
    """A HubSpot deals export of the two tour debriefs' companies, contacts and impressions: text a
    CRM holds comes in the way the rep's own typing does."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Record ID", "Deal Name", "Deal Stage", "Close Date", "Amount", "Associated Company",
                         "Associated Contact", "Closed Lost Reason"])
        for number, debrief_id in enumerate((FIRST_ID, SECOND_ID), start=9001):
            debrief = app.store.get(debrief_id)
            writer.writerow([number, debrief.company, "Closed lost", debrief.lost_on.isoformat(), 48000,
                             debrief.company, debrief.contact.name, debrief.impressions])


async def _crm_import(app: DebriefApp, pilot: Pilot[Any]) -> None:
    """The CRM import screen with an export read and previewed."""
    from debrief.screens.crm_import import CrmImportScreen

    write_crm_export(app, Path(CRM_EXPORT).expanduser())
    app.push_screen(CrmImportScreen(CRM_EXPORT))
    await settle_until(pilot, lambda: getattr(app.screen, "plan", None) is not None, "the CRM preview")


@dataclass(frozen=True)
class Stop:
    """One screen of the tour: how to get there and the class of the screen it shows."""

    name: str
    open: Opener
    screen: str


TOUR: list[Stop] = [
    Stop("home", _nothing, "HomeScreen"),
    Stop("log-loss", _screen(lambda app: app.open_log_loss()), "LogLossScreen"),
    Stop("edit", _screen(lambda app: app.open_log_loss(FIRST_ID)), "LogLossScreen"),
    Stop("schedule", _screen(lambda app: app.open_schedule(FIRST_ID)), "ScheduleScreen"),
    Stop("prepare", _screen(lambda app: app.open_prepare(FIRST_ID)), "PrepareScreen"),
    Stop("call", _screen(lambda app: app.open_call(FIRST_ID)), "CallScreen"),
    Stop("call-go-to", _action(lambda app: app.open_call(FIRST_ID), "goto"), "QuestionPicker"),
    Stop("call-probe", _action(lambda app: app.open_call(FIRST_ID), "probe"), "ProbePicker"),
    Stop("call-tag", _action(lambda app: app.open_call(FIRST_ID), "tag"), "TagPicker"),
    Stop("call-clarify", _action(lambda app: app.open_call(FIRST_ID), "clarified"), "TextPrompt"),
    Stop("call-marker", _action(lambda app: app.open_call(FIRST_ID), "marker"), "TextPrompt"),
    Stop("call-own-question", _adhoc, "AdHocPrompt"),
    Stop("call-end", _action(lambda app: app.open_call(FIRST_ID), "end"), "EndCallPrompt"),
    Stop("wrap-up", _screen(lambda app: app.open_wrapup(FIRST_ID)), "WrapUpScreen"),
    Stop("read", _screen(lambda app: app.open_read(FIRST_ID)), "ReadScreen"),
    Stop("compare", _screen(lambda app: app.open_compare([FIRST_ID, SECOND_ID])), "CompareScreen"),
    Stop("patterns", _screen(lambda app: app.open_patterns()), "PatternsScreen"),
    Stop("search", _search, "SearchScreen"),
    Stop("settings", _screen(lambda app: app.open_settings()), "SettingsScreen"),
    Stop("crm-import", _crm_import, "CrmImportScreen"),
    Stop("help", _action(lambda app: None, "app.help"), "HelpScreen"),
    Stop("help-prepare", _action(lambda app: app.open_prepare(FIRST_ID), "app.help"), "HelpScreen"),
]
"""Every screen and every dialog of the call (the help screen of home and of Prepare, whose keys
are brackets)."""


async def _draft_then_discard(app: DebriefApp, pilot: Pilot[Any]) -> None:
    """Start a new loss, type a company, then ask to discard the draft: the confirm dialog."""
    app.open_log_loss()
    await settle(pilot)
    app.screen.query_one("#company", Input).value = "Acme [EMEA] Logistics"
    await settle(pilot)
    app.screen.save_draft()  # type: ignore[attr-defined]
    await app.screen.run_action("remove_row")
    await settle(pilot)


MORE: list[Stop] = [
    Stop("prepare-preview", _action(lambda app: app.open_prepare(FIRST_ID), "preview"), "PrepareScreen"),
    Stop("palette", _action(lambda app: None, "app.command_palette"), "CommandPalette"),
    Stop("confirm-discard", _draft_then_discard, "ConfirmDialog"),
]
"""States the snapshots show beyond ``TOUR``: the preview alone, the command palette (it cannot
open over itself, so not a stop of the palette tests) and a confirm dialog."""


async def leave(app: DebriefApp, pilot: Pilot[Any]) -> None:
    """Back to home (the default screen and home stay), closing whatever the stop opened."""
    while len(app.screen_stack) > 2:
        app.pop_screen()
        await settle(pilot)


def cut_keys(app: DebriefApp) -> list[str]:
    """The keys of the screen's footers and key bars not shown whole: ``f2 Tal`` or a key that runs
    past the edge reads as a glitch; a key shown whole or not at all is fine."""
    from rich.cells import cell_len
    from textual.widgets import Footer
    from textual.widgets._footer import FooterKey

    from debrief.widgets.key_bar import KeyBar

    rows = [strip.text for strip in app.screen._compositor.render_strips()]
    problems: list[str] = []
    for footer in app.screen.query(Footer):
        edge = footer.region.right
        for key in footer.query(FooterKey):
            region = key.region
            if not region.area:
                continue  # hidden (or scrolled out of the footer whole)
            label = f"{key.key_display} {key.description}".strip()
            if region.right > edge or label not in rows[region.y]:
                problems.append(f"{label!r} shows as {rows[region.y][region.x:region.right]!r}")
    for bar in app.screen.query(KeyBar):
        width = bar.content_region.width
        for line in bar.render().plain.split("\n"):
            if cell_len(line) > width:
                problems.append(f"key bar line wider than its {width} columns: {line!r}")
        problems += [f"{entry.key} {entry.label!r} past the key bar's edge"
                     for _, _, end, entry in bar._spans if end > width]
    return problems
