"""Snapshots of the prepare screen: what the rep sees when choosing the call's questions.

The deal and the bank are fixed here (a team's own bank in the user folder, overriding the
shipped competitor bank), so the pictures change only when the screen does.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from debrief.app import DebriefApp
from debrief.core.model import Contact, Debrief, Schedule
from debrief.core.store import Store

TEAM_BANK = """\
id: lost-to-competitor
title: Lost to a competitor (team)
version: 2
description: Our team's guide for deals that went to another vendor.
use_when: [competitor]
opening: >-
  Thanks for making time, {{ contact.first_name }}. We accept your decision{% if lost_to %} to
  go with {{ lost_to }}{% endif %} and I'm not here to change your mind. I'd like 15 minutes to
  learn how it looked from your side.
closing: >-
  Thank you, {{ contact.first_name }}. How would you like us to stay in touch, and would you
  mention us to a colleague with a similar need?
phases:
  - id: decision
    title: How the decision was made
    questions:
      - id: decision-factors
        text: What mattered most in your final decision?
        intent: Learn the real criteria and their order.
        minutes: 2
        tags: [criteria]
        probes: [Could you give me an example?, How did that rank against the rest?]
      - id: decision-who
        text: Who was involved in the decision, and how did each of them weigh in?
        intent: Map the buying group.
        minutes: 2
        tags: [decision-maker, decision-process]
        probes: [Whose view carried the most weight?, Who did we never meet?]
  - id: alternative
    title: The option you chose
    questions:
      - id: winner-edge
        text: >-
          {% if lost_to %}What stood out about {{ lost_to }}?{% else %}What stood out about the
          option you chose?{% endif %}
        intent: The winner's edge as the buyer saw it.
        minutes: 2
        tags: [competitor]
        probes: [Could you give me an example?, When did that become clear?]
      - id: winner-demo
        text: Wouldn't you agree our demo was stronger?
        intent: A leading question kept here to show the tone check at work.
        minutes: 1
        tags: [competitor]
        probes: [Could you give me an example?, What did that look like?]
  - id: better
    title: What we could do better
    questions:
      - id: do-differently
        text: What could we have done differently to be more helpful?
        intent: The core question of any debrief.
        minutes: 2
        tags: [relationship]
        probes: [At what stage would that have mattered most?, Could you give me an example?]
      - id: team-experience
        text: How was it to work with our team during the evaluation?
        intent: Hear how our people came across.
        minutes: 2
        tags: [relationship, trust]
        probes: [Could you give me an example?, What would you have wanted more of?]
  - id: ahead
    title: Looking ahead
    questions:
      - id: revisit
        text: What would have to change for you to look at this area again?
        intent: Learn the trigger that reopens the door.
        minutes: 1.5
        tags: [timing]
        probes: [When might that be?, Who would lead that conversation?]
"""

AppFactory = Callable[..., DebriefApp]


@pytest.fixture
def prepared_deal(store: Store, isolated_folders: Path) -> str:
    banks = isolated_folders / "data" / "debrief" / "question_banks"
    banks.mkdir(parents=True)
    (banks / "team-competitor.yaml").write_text(TEAM_BANK, encoding="utf-8")
    debrief = Debrief(
        id="abc234", company="Northwind Logistics",
        contact=Contact(name="Jane Okafor", role="VP Operations"), lost_to="Acme Cloud",
        lost_on=date(2026, 11, 2), stage="proposal", value=48_000,
        schedule=Schedule(at=datetime(2026, 12, 1, 10, 0), minutes=15,
                          booked_at=datetime(2026, 11, 20, 9, 0)),
        created_at=datetime(2026, 11, 2, 17, 0), updated_at=datetime(2026, 11, 20, 9, 0),
    )
    return store.add(debrief).id


def opened(debrief_id: str, *keys: str) -> Callable[[Pilot[Any]], Any]:
    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, DebriefApp)
        app.open_prepare(debrief_id)
        await pilot.pause()
        if keys:
            await pilot.press(*keys)
        await pilot.pause(0.3)  # the preview settles after its short debounce

    return run_before


def test_prepare_screen(snap_compare: Any, make_app: AppFactory, prepared_deal: str) -> None:
    """The suggested bank by phase, the chosen order, the total and the live preview."""
    assert snap_compare(make_app(), terminal_size=(120, 36),
                        run_before=opened(prepared_deal, "down", "down", "down"))


def test_prepare_screen_own_question_small(snap_compare: Any, make_app: AppFactory,
                                           prepared_deal: str) -> None:
    """At 80x24, typing a question of your own that the tone check flags, with its suggestion."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await opened(prepared_deal, "a")(pilot)
        field = pilot.app.screen.query_one("#custom-input", Input)
        field.cursor_blink = False  # a blinking cursor would make the picture flicker
        field.insert_text_at_cursor("Why didn't you pick us")
        await pilot.press("question_mark")
        await pilot.pause(0.3)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)
