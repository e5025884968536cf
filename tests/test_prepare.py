"""The prepare screen, driven with keys: choose, reorder, add, switch bank, save, export."""

from __future__ import annotations

import stat
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Select, Static

from debrief import locations
from debrief.app import DebriefApp
from debrief.core.model import Contact, Debrief, Schedule, Status
from debrief.core.script import planned_minutes
from debrief.core.store import Store
from debrief.screens.prepare import PrepareScreen
from debrief.widgets.question_picker import QuestionPicker, ScriptList

AppFactory = Callable[..., DebriefApp]




@pytest.fixture
def debrief_id(store: Store) -> str:
    debrief = Debrief(
        id="abc234", company="Northwind Logistics",
        contact=Contact(name="Jane Okafor", role="VP Operations"), lost_to="Acme Cloud",
        lost_on=date(2026, 11, 2), stage="proposal", value=48_000,
        schedule=Schedule(at=datetime(2026, 12, 1, 10, 0), minutes=20,
                          booked_at=datetime(2026, 11, 20, 9, 0)),
        created_at=datetime(2026, 11, 2, 17, 0), updated_at=datetime(2026, 11, 20, 9, 0),
    )
    return store.add(debrief).id


async def open_prepare(app: DebriefApp, pilot: Pilot[None], debrief_id: str) -> PrepareScreen:
    app.open_prepare(debrief_id)
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, PrepareScreen)
    return screen


def script_ids(screen: PrepareScreen) -> list[str]:
    return [question.id for question in screen.chosen]


async def test_opens_on_the_suggested_bank_with_a_fitting_selection(
        make_app: AppFactory, debrief_id: str) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_prepare(app, pilot, debrief_id)
        assert screen.bank.id == "lost-to-competitor"
        assert screen.query_one("#prepare-bank", Select).value == "lost-to-competitor"
        assert screen.chosen
        assert planned_minutes(screen.chosen) <= 20
        assert screen.focused is screen.query_one(QuestionPicker)
        shown = [option.id for option in screen.query_one(ScriptList).options]
        assert shown == script_ids(screen)
        total = str(screen.query_one("#total", Static).render())
        assert f"{len(screen.chosen)} questions" in total and "of 20 minutes" in total


async def test_pick_and_drop_with_space_then_save(make_app: AppFactory, debrief_id: str,
                                                  store: Store) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_prepare(app, pilot, debrief_id)
        picker = screen.query_one(QuestionPicker)
        before = script_ids(screen)
        # Walk down to the first question not yet chosen, and pick it.
        while picker.highlighted_option is None or picker.highlighted_option.id in before:
            await pilot.press("down")
        picked = picker.highlighted_option.id
        await pilot.press("space")
        assert picked in script_ids(screen)
        # Picked questions take their place in the bank's order.
        bank_order = [question.id for _, question in screen.bank.questions()]
        assert script_ids(screen) == sorted(script_ids(screen), key=bank_order.index)
        # Space on a chosen question drops it.
        await pilot.press("up")
        dropped = picker.highlighted_option.id
        assert dropped in script_ids(screen)
        await pilot.press("space")
        assert dropped not in script_ids(screen)
        await pilot.press("ctrl+s")
        await pilot.pause()
    saved = store.get(debrief_id)
    assert saved.script is not None
    assert saved.status == Status.PREPARED
    assert picked in saved.script.question_ids and dropped not in saved.script.question_ids
    assert saved.script.question_ids == script_ids(screen)
    assert saved.script.bank_id == "lost-to-competitor" and saved.script.minutes == 20
    assert "Jane" in saved.script.opening and "Acme Cloud" in saved.script.opening
    for question in saved.script.questions:
        assert "{{" not in question.text and "{%" not in question.text


async def test_reorder_with_brackets_and_shift_arrows(make_app: AppFactory, debrief_id: str,
                                                      store: Store) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_prepare(app, pilot, debrief_id)
        await pilot.press("tab")
        script_list = screen.query_one(ScriptList)
        assert screen.focused is script_list
        first, second, third = script_ids(screen)[:3]
        await pilot.press("right_square_bracket")  # ] : first question one later
        assert script_ids(screen)[:3] == [second, first, third]
        await pilot.press("]")
        assert script_ids(screen)[:3] == [second, third, first]
        assert script_list.highlighted_option is not None and script_list.highlighted_option.id == first
        await pilot.press("[")
        assert script_ids(screen)[:3] == [second, first, third]
        await pilot.press("shift+up")
        assert script_ids(screen)[:3] == [first, second, third]
        await pilot.press("shift+up")  # already first: stays
        assert script_ids(screen)[0] == first
        await pilot.press("ctrl+down")
        assert script_ids(screen)[:2] == [second, first]
        # Drop from the script list with delete.
        await pilot.press("delete")
        assert first not in script_ids(screen)
        order = script_ids(screen)
        await pilot.press("ctrl+s")
        await pilot.pause()
    saved = Store.open(store.root).get(debrief_id)  # a fresh Store: what a restart sees
    assert saved.script is not None and saved.script.question_ids == order


async def test_add_your_own_question_with_the_tone_check(make_app: AppFactory, debrief_id: str,
                                                         store: Store) -> None:
    from debrief.core.script import suggested_phrasing
    from debrief.core.tone import default_checker

    bad = "Wouldn't you agree our demo was stronger?"
    findings = default_checker().check(bad)
    phrasing = suggested_phrasing(findings[0].suggestion) if findings else ""
    assert phrasing
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_prepare(app, pilot, debrief_id)
        await pilot.press("a")
        field = screen.query_one("#custom-input", Input)
        assert screen.focused is field
        field.insert_text_at_cursor(bad)
        await pilot.pause()
        tone = str(screen.query_one("#custom-tone", Static).render())
        assert findings[0].category in tone and "^g" in tone
        # ctrl+g takes the suggested phrasing, which the tone check then accepts.
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert field.value == phrasing
        assert "✓" in str(screen.query_one("#custom-tone", Static).render())
        # Letters type into the question, they do not trigger the screen's keys.
        field.value = ""
        mine = "What would have made this an easier decision for you?"
        field.insert_text_at_cursor(mine[:-1])
        await pilot.press("?")
        assert field.value == mine
        assert "✓" in str(screen.query_one("#custom-tone", Static).render())
        count = len(screen.chosen)
        await pilot.press("enter")
        assert len(screen.chosen) == count + 1
        assert field.value == ""
        added = screen.chosen[-1]
        assert added.custom and added.id == "custom-1" and added.text == mine
        # Move it up to be asked second-to-last, from the script list.
        await pilot.press("escape")  # leaves the field, not the screen
        assert isinstance(app.screen, PrepareScreen)
        await pilot.press("tab")
        assert screen.focused is screen.query_one(ScriptList)
        while screen.query_one(ScriptList).highlighted_option.id != "custom-1":
            await pilot.press("down")
        await pilot.press("[")
        order = script_ids(screen)
        assert order[-2] == "custom-1"
        await pilot.press("ctrl+s")
        await pilot.pause()
    saved = store.get(debrief_id)
    assert saved.script is not None and saved.script.question_ids == order
    custom = saved.script.questions[-2]
    assert custom.custom and custom.text == mine and custom.phase_title == "Your questions"


async def test_switch_bank_keeps_your_questions(make_app: AppFactory, debrief_id: str,
                                               store: Store) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_prepare(app, pilot, debrief_id)
        field = screen.query_one("#custom-input", Input)
        field.value = "What surprised you most during the evaluation?"
        await pilot.press("a", "enter", "escape")
        await pilot.press("b")
        select = screen.query_one("#prepare-bank", Select)
        assert select.expanded
        await pilot.press("escape")
        select.value = "no-decision"
        await pilot.pause()
        assert screen.bank.id == "no-decision"
        ids = script_ids(screen)
        assert ids[-1] == "custom-1"
        assert all(screen.bank.question(qid) is not None for qid in ids[:-1])
        assert planned_minutes(screen.chosen) <= 20 + 2  # the default fit plus your own question
        await pilot.press("ctrl+s")
        await pilot.pause()
    saved = store.get(debrief_id)
    assert saved.script is not None and saved.script.bank_id == "no-decision"
    assert saved.script.question_ids == ids


async def test_running_total_warns_above_the_slot_and_the_cap(make_app: AppFactory, debrief_id: str,
                                                              store: Store) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_prepare(app, pilot, debrief_id)
        total = screen.query_one("#total", Static)
        assert not total.has_class("-warning")
        await pilot.press("minus", "minus")
        assert screen.minutes == 10
        assert total.has_class("-warning")
        assert "over the slot" in str(total.render())
        await pilot.press("d")  # refit to 10 minutes
        assert planned_minutes(screen.chosen) <= 10
        assert not total.has_class("-warning")
        # Pick every question: more than the cap.
        await pilot.press("plus", "plus", "plus", "plus")
        picker = screen.query_one(QuestionPicker)
        for index, option in enumerate(picker.options):
            if option.id is not None and option.id not in script_ids(screen):
                picker.highlighted = index
                await pilot.press("space")
        assert len(screen.chosen) == screen.bank.question_count
        assert "guides cap" in str(total.render())
        await pilot.press("ctrl+s")
        await pilot.pause()
    saved = store.get(debrief_id)
    assert saved.script is not None and saved.script.minutes == 30
    assert len(saved.script.questions) == screen.bank.question_count


async def test_reopening_shows_the_saved_script(make_app: AppFactory, debrief_id: str,
                                                store: Store) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_prepare(app, pilot, debrief_id)
        await pilot.press("tab", "]", "]", "delete")
        order = script_ids(screen)
        await pilot.press("ctrl+s")
        await pilot.pause()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_prepare(app, pilot, debrief_id)
        assert script_ids(screen) == order
        assert [option.id for option in screen.query_one(ScriptList).options] == order
        assert not screen.dirty


async def test_escape_asks_before_dropping_changes(make_app: AppFactory, debrief_id: str,
                                                   store: Store) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_prepare(app, pilot, debrief_id)
        await pilot.press("space")
        await pilot.press("escape")
        assert app.screen is screen
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is not screen
    assert store.get(debrief_id).script is None


async def test_export_writes_private_files_in_a_visible_folder(
        make_app: AppFactory, debrief_id: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_prepare(app, pilot, debrief_id)
        await pilot.press("e")
        await pilot.pause()
        messages = [notification.message for notification in app._notifications]
        chosen = [question.text for question in screen.chosen]
    folder = locations.default_exports_dir()  # the test's own documents folder (conftest)
    md = folder / "northwind-logistics-abc234-script.md"
    text = folder / "northwind-logistics-abc234-script.txt"
    assert md.exists() and text.exists()
    assert any(str(folder) in message for message in messages)
    for path in (md, text):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        content = path.read_text(encoding="utf-8")
        assert "Listen more than you speak" in content and "Jane" in content
    written = md.read_text(encoding="utf-8").replace("\\", "")
    assert all(question in written for question in chosen)


async def test_copy_puts_the_script_on_the_clipboard(make_app: AppFactory, debrief_id: str) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_prepare(app, pilot, debrief_id)
        await pilot.press("c")
        assert app.clipboard.startswith("DEBRIEF CALL — Northwind Logistics")
        assert screen.chosen[0].text.split()[0] in app.clipboard


async def test_preview_follows_the_script(make_app: AppFactory, debrief_id: str) -> None:
    from textual.widgets import Markdown

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_prepare(app, pilot, debrief_id)
        preview = screen.query_one("#preview", Markdown)
        assert "Accept the decision" in preview.source
        assert screen.chosen[0].text in preview.source
        await pilot.press("tab", "delete")
        await pilot.pause(0.3)
        assert preview.source.count("### ") == len(screen.chosen)
        await pilot.press("p")
        assert screen.has_class("-preview-only")
        await pilot.press("p")
        assert not screen.has_class("-preview-only")


async def test_unknown_debrief_goes_back_with_a_message(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_prepare("zzzzzz")
        await pilot.pause()
        assert not isinstance(app.screen, PrepareScreen)
        assert any("zzzzzz" in notification.message for notification in app._notifications)


async def test_every_key_has_an_id_and_a_tooltip(make_app: AppFactory, debrief_id: str) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_prepare(app, pilot, debrief_id)
        bindings = [*screen.BINDINGS, *QuestionPicker.BINDINGS, *ScriptList.BINDINGS]
        for binding in bindings:
            assert binding.id and binding.id.startswith("prepare."), binding
            assert binding.tooltip, binding
        ids = {binding.id for binding in bindings}
        assert {"prepare.save", "prepare.pick", "prepare.drop", "prepare.move_up", "prepare.move_down",
                "prepare.bank", "prepare.add", "prepare.export", "prepare.copy"} <= ids
        active = {active.binding.id for active in screen.active_bindings.values()}
        assert {"prepare.save", "prepare.pick", "prepare.bank"} <= active


async def test_the_call_asks_what_was_prepared(make_app: AppFactory, debrief_id: str) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_prepare(app, pilot, debrief_id)
        await pilot.press("tab", "]", "a")
        screen.query_one("#custom-input", Input).value = "What surprised you most in the evaluation?"
        await pilot.press("enter", "ctrl+s")
        await pilot.pause()
        order = script_ids(screen)
    assert order[-1] == "custom-1"
    app = make_app(call_id=debrief_id)  # a restart, straight into the call
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        from debrief.screens.call import CallScreen

        call = app.screen
        assert isinstance(call, CallScreen)
        assert call.script.question_ids == order


async def test_a_script_from_a_removed_bank_is_kept(make_app: AppFactory, debrief_id: str,
                                                    store: Store) -> None:
    from debrief.core.model import Script
    from debrief.core.script import custom_question

    kept = Script(bank_id="retired-bank", bank_version=4, minutes=20, opening="Thanks, Jane.",
                  closing="Let's stay in touch.",
                  questions=[custom_question("What mattered most to you in the end?", "old-1"),
                             custom_question("What would you tell a vendor like us?", "old-2")])

    def change(debrief: Debrief) -> None:
        debrief.script = kept

    store.update(debrief_id, change)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_prepare(app, pilot, debrief_id)
        assert script_ids(screen) == ["old-1", "old-2"]
        await pilot.press("tab", "]", "ctrl+s")
        await pilot.pause()
    saved = store.get(debrief_id).script
    assert saved is not None
    assert saved.question_ids == ["old-2", "old-1"]
    assert (saved.bank_id, saved.bank_version, saved.opening) == ("retired-bank", 4, "Thanks, Jane.")


@pytest.mark.tmux
def test_reorder_keys_reach_the_app_in_a_real_terminal(terminal: Callable[..., Any], store: Store,
                                                       debrief_id: str) -> None:
    """tmux delivers [ ], shift+arrows and ctrl+arrows to the script list; ctrl+s saves the order."""
    from debrief.core.banks import load_banks
    from debrief.core.script import default_script
    from debrief.core.settings import Settings

    planned = default_script(store.get(debrief_id), load_banks(), Settings()).questions
    a, b, c = planned[:3]

    def rows(*order: Any) -> None:
        for number, question in enumerate(order, 1):
            term.wait_for(f"{number:>2}. {f'{question.minutes:g}m'.rjust(4)} {question.text[:20]}")

    term = terminal(width=120, height=36)
    term.wait_for("Northwind Logistics")
    term.send("p")
    term.wait_for("Bank questions")
    rows(a, b, c)
    term.send("Tab")
    term.wait_for("Move down")
    for key, order in (("]", (b, a, c)), ("S-Down", (b, c, a)), ("C-Up", (b, a, c)),
                       ("S-Up", (a, b, c)), ("C-Down", (b, a, c))):
        term.send(key)
        rows(*order)
    term.send("C-s")
    term.wait_for("Saved:")
    saved = Store.open(store.root).get(debrief_id).script
    assert saved is not None
    assert saved.question_ids[:3] == [b.id, a.id, c.id]


def _screen_text(app: DebriefApp) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def test_preview_headings_wrap_and_user_text_shows_literally(make_app: AppFactory, store: Store) -> None:
    """A long numbered heading wraps at 80 and at 160 columns (nothing clipped), and what the rep
    typed (company, own questions) reads literally: no emphasis, lists, HTML or entities."""
    from textual.widgets import Markdown
    from textual.widgets._markdown import MarkdownHeader

    from debrief.core.script import custom_question

    made = datetime(2026, 11, 2, 17, 0)
    company = "Harbor &amp; *Lane* `Co`"
    own = ("- Looking back at the whole evaluation, which <b>single</b> moment made the decision for you, "
           "and who in the room noticed it first, before anyone said it out loud in the meeting with the "
           "board and the people who would use it every day? ~~really~~ ends-here")
    debrief = Debrief(id="mdq234", company=company, contact=Contact(name="Jo _Lee_"), lost_on=date(2026, 11, 2),
                      created_at=made, updated_at=made)
    store.put(debrief)

    def change(item: Debrief) -> None:
        from debrief.core.model import Script

        item.script = Script(bank_id="lost-to-competitor", questions=[custom_question(own, "custom-1")])

    store.update("mdq234", change)
    for size in ((80, 40), (160, 48)):
        app = make_app()
        async with app.run_test(size=size) as pilot:
            screen = await open_prepare(app, pilot, "mdq234")
            await pilot.press("p")  # the preview alone: as wide as it gets
            await pilot.pause(0.3)
            preview = screen.query_one("#preview", Markdown)
            headings = [block for block in preview.query(MarkdownHeader) if "ends-here" in str(block._content)]
            assert headings, [str(block._content) for block in preview.query(MarkdownHeader)]
            heading = headings[0]
            assert heading.size.width <= preview.size.width
            assert heading.size.height >= 2  # wrapped, not clipped
            heading.scroll_visible(animate=False, top=True)
            await pilot.pause()
            shown = " ".join(_screen_text(app).split())
            assert "ends-here" in shown and "every day?" in shown
            assert "1. - Looking back" in shown and "<b>single</b>" in shown and "~~really~~" in shown
            screen.query_one("#preview-scroll").scroll_home(animate=False)
            await pilot.pause()
            shown = " ".join(_screen_text(app).split())
            assert "Debrief call — Harbor &amp; *Lane* `Co`" in shown
            assert "With: Jo _Lee_" in shown


async def test_reword_a_bank_question_for_this_deal(make_app: AppFactory, debrief_id: str, store: Store,
                                                    run_cli: Callable[..., Any]) -> None:
    """r edits the highlighted question in place, tone-checked as typed; enter keeps the wording
    with the script (the bank file untouched); the call, the script command, show and the export
    ask it that way; R puts the bank's wording back."""
    from debrief.core.script import suggested_phrasing
    from debrief.core.tone import default_checker
    from debrief.screens.call import CallScreen

    leading = "Don't you think our product was better?"
    phrasing = suggested_phrasing(default_checker().check(leading)[0].suggestion)
    assert phrasing and "product" in phrasing
    banks = {path: path.read_bytes() for path in locations.shipped_banks_dir().iterdir()}
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_prepare(app, pilot, debrief_id)
        await pilot.press("tab")  # the script list
        first = screen.chosen[0]
        bank_text = first.text
        await pilot.press("r")
        field = screen.query_one("#custom-input", Input)
        assert screen.focused is field and field.value == bank_text
        note = str(screen.query_one("#reword-note", Static).render())
        assert "Rewording question 1" in note and "esc" in note
        field.value = ""
        for char in leading:  # typed key by key: every letter is text, none a command
            await pilot.press(char if char != " " else "space")
        assert field.value == leading
        tone = str(screen.query_one("#custom-tone", Static).render())
        assert "leading" in tone and "^g" in tone
        await pilot.press("ctrl+g")
        assert field.value == phrasing
        assert "✓" in str(screen.query_one("#custom-tone", Static).render())
        await pilot.press("enter")
        await pilot.pause()
        reworded = screen.chosen[0]
        assert (reworded.id, reworded.text, reworded.reworded, reworded.bank_text) == (
            first.id, phrasing, True, bank_text)
        assert not screen.query_one("#reword-note", Static).display
        assert "(reworded)" in str(screen.query_one(ScriptList).get_option_at_index(0).prompt)
        detail = str(screen.query_one("#detail", Static).render())
        assert "reworded for this deal" in detail and bank_text[:30] in " ".join(detail.split())
        await pilot.press("ctrl+s")
        await pilot.pause()
        # Escape while rewording cancels: the wording stays as it was; so does leaving the input,
        # and a question typed afterwards is a new one.
        await pilot.press("r")
        field.value = "Something else entirely?"
        await pilot.press("escape")
        assert screen.chosen[0].text == phrasing and field.value == ""
        await pilot.press("tab", "r")
        assert screen.focused is field
        await pilot.press("tab")
        assert screen.focused is not field and field.value == ""
        count = len(screen.chosen)
        await pilot.press("a")
        field.value = "What would you look for next time?"
        await pilot.press("enter")
        assert len(screen.chosen) == count + 1 and screen.chosen[0].text == phrasing
        assert screen.chosen[-1].custom and screen.chosen[-1].text == "What would you look for next time?"
    saved = store.get(debrief_id).script
    assert saved is not None and saved.questions[0].text == phrasing and saved.questions[0].reworded
    assert {path: path.read_bytes() for path in banks} == banks  # the bank files are untouched
    for command in (("script", debrief_id), ("show", debrief_id)):
        result = run_cli(*command)
        assert result.returncode == 0, result.stderr
        assert phrasing in result.stdout.replace("\\", ""), command
        assert bank_text not in result.stdout, command
    app = make_app(call_id=debrief_id)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        call = app.screen
        assert isinstance(call, CallScreen)
        assert call.script.questions[0].text == phrasing
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_prepare(app, pilot, debrief_id)
        assert screen.chosen[0].text == phrasing  # reopened: the wording is kept
        await pilot.press("e")
        await pilot.pause()
        exported = next(locations.default_exports_dir().glob("*-script.md")).read_text(encoding="utf-8")
        assert phrasing in exported.replace("\\", "") and "reworded" in exported
        # R puts the bank's wording back.
        await pilot.press("tab", "R")
        await pilot.pause()
        assert screen.chosen[0].text == bank_text and not screen.chosen[0].reworded
        await pilot.press("ctrl+s")
        await pilot.pause()
    saved = store.get(debrief_id).script
    assert saved is not None and saved.questions[0].text == bank_text and not saved.questions[0].reworded


def test_scripts_saved_before_rewording_existed_still_load() -> None:
    from debrief.core.model import ScriptQuestion

    old = ScriptQuestion.model_validate({"id": "decision-who", "text": "Who was involved?", "minutes": 2})
    assert (old.reworded, old.bank_text) == (False, "")


async def test_broken_user_banks_stay_in_the_bank_list_greyed_with_their_reason(
        make_app: AppFactory, debrief_id: str) -> None:
    folder = locations.user_banks_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "my-guide.yaml").write_text("id: my-guide\ntitle: [unclosed\n", encoding="utf-8")
    good = (Path(__file__).parent / "data" / "banks" / "good-team-guide.yaml").read_text(encoding="utf-8")
    (folder / "team-guide.yaml").write_text(good, encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_prepare(app, pilot, debrief_id)
        select = screen.query_one("#prepare-bank", Select)
        await pilot.press("b")  # opens the list
        await pilot.pause()
        from textual.widgets._select import SelectOverlay

        overlay = select.query_one(SelectOverlay)
        prompts = [str(overlay.get_option_at_index(i).prompt) for i in range(overlay.option_count)]
        broken = [i for i, prompt in enumerate(prompts) if "my-guide.yaml" in prompt]
        assert len(broken) == 1 and "could not be loaded" in prompts[broken[0]]
        assert str(screen.banks.errors[0].reason) in prompts[broken[0]]
        assert overlay.get_option_at_index(broken[0]).disabled
        assert not any(overlay.get_option_at_index(i).disabled for i in range(broken[0]))
        # The cursor skips the broken row: every key press lands on a loadable bank.
        await pilot.press("end", "enter")
        await pilot.pause()
        assert isinstance(select.value, str) and select.value in screen.banks.banks
        assert screen.bank.id == select.value
