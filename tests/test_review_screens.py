"""The review screens, driven with Pilot: read one, side by side, patterns, search."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.containers import VerticalScroll
from textual.content import Content
from textual.pilot import Pilot
from textual.scroll_view import ScrollView
from textual.widgets import DataTable, Input, OptionList, Static

from debrief.app import DebriefApp
from debrief.core.document import debrief_markdown
from debrief.core.model import AnswerState, Contact, Debrief
from debrief.core.review import compare, comparison_markdown
from debrief.core.store import Store
from debrief.screens.compare import CompareScreen
from debrief.screens.patterns import PatternsScreen
from debrief.screens.read import ReadScreen
from debrief.screens.search import SearchScreen
from debrief.widgets.bar_chart import BarChart, ColumnChart
from debrief.widgets.compare_grid import CompareGrid, line_text
from debrief.widgets.search_results import SearchResultList
from tests.pilot_helpers import settle
from tests.test_review import TODAY, compare_set, known_set, scripted
from tests.tmux_harness import Terminal

MakeApp = Callable[..., DebriefApp]
IDS = ["wwwwww", "xxxxxx", "yyyyyy", "zzzzzz"]




@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home folder of the test's own, so exports land in the test's Documents folder."""
    folder = tmp_path / "home"
    folder.mkdir(exist_ok=True)
    monkeypatch.setenv("HOME", str(folder))
    monkeypatch.delenv("XDG_DOCUMENTS_DIR", raising=False)
    return folder


# -- read ------------------------------------------------------------------------------------------


async def test_read_shows_everything_and_jumps_to_call_and_wrapup(store: Store, make_app: MakeApp) -> None:
    debrief = compare_set()[0]
    store.put(debrief)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        app.open_read("wwwwww")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReadScreen)
        assert screen.text == debrief_markdown(debrief)
        assert "Willow Labs" in str(screen.query_one("#read-title", Static).render())
        answers = str(screen.query_one("#section-answers", Static).render())
        for note in ("Started from a board mandate.", "Our quote was 20% above.", "? still unclear"):
            assert note in answers
        takeaways = str(screen.query_one("#section-takeaways", Static).render())
        assert "Anchor value before the quote." in takeaways
        guess = str(screen.query_one("#section-guess", Static).render())
        assert "Price: match" in guess and "Missing features: miss" in guess
        body = screen.query_one("#read-body", VerticalScroll)
        assert screen.focused is body
        await pilot.press("pagedown")
        await pilot.pause()
        assert body.scroll_y > 0
        await pilot.press("home", "t")
        contents = screen.query_one("#read-contents", OptionList)
        assert contents.display and screen.focused is contents
        await pilot.press("end", "enter")  # the last section: the takeaways
        await pilot.pause()
        heading = screen.query_one("#head-takeaways")
        assert body.scroll_y > 0 and body.region.y <= heading.region.y < body.region.bottom
        await pilot.press("t")
        assert not contents.display and screen.focused is body
        await pilot.press("w")
        await settle(pilot)
        assert type(app.screen).__name__ == "WrapUpScreen"


async def test_read_opens_the_call(store: Store, make_app: MakeApp) -> None:
    store.put(compare_set()[0])
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        app.open_read("wwwwww")
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        # The debrief's call was held: reopening it asks first, so a stray key never edits held notes.
        assert type(app.screen).__name__ == "ConfirmDialog"
        await pilot.press("y")
        await settle(pilot)
        assert type(app.screen).__name__ == "CallScreen"


async def test_read_shows_edits_made_elsewhere_on_return(store: Store, make_app: MakeApp) -> None:
    store.put(compare_set()[1])
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        app.open_read("xxxxxx")
        await settle(pilot)
        read = app.screen
        assert isinstance(read, ReadScreen)
        app.open_search()
        await settle(pilot)
        store.update("xxxxxx", lambda d: setattr(d, "impressions", "Edited while away: they loved the demo."))
        app.pop_screen()
        await settle(pilot)
        assert app.screen is read
        assert "Edited while away" in str(read.query_one("#section-impressions", Static).render())
        assert "Edited while away" in read.text


async def test_read_exports_and_copies(store: Store, make_app: MakeApp, home: Path) -> None:
    debrief = compare_set()[2]
    store.put(debrief)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        app.open_read("yyyyyy")
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        path = home / "Documents" / "debrief" / "yarrow-foods-yyyyyy-debrief.md"
        assert path.read_text() == debrief_markdown(debrief, app.today)
        assert path.stat().st_mode & 0o777 == 0o600
        await pilot.press("y")
        assert app.clipboard == debrief_markdown(debrief, app.today)


async def test_read_of_a_missing_debrief_says_so(store: Store, make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        app.open_read("qqqqqq")
        await settle(pilot)
        problem = str(app.screen.query_one("#read-problem", Static).render())
        assert "no debrief with id 'qqqqqq'" in problem
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ReadScreen)


# -- side by side --------------------------------------------------------------------------------------


async def _compare(app: DebriefApp, pilot: Pilot[Any], ids: list[str],
                   size: tuple[int, int] = (120, 30)) -> CompareScreen:
    await pilot.resize_terminal(*size)
    app.open_compare(ids)
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, CompareScreen)
    return screen


async def test_compare_aligns_rows_and_scrolls_every_column_together(store: Store, make_app: MakeApp) -> None:
    store.put_many(compare_set())
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await _compare(app, pilot, IDS)
        grid = screen.query_one(CompareGrid)
        questions = [name for name in grid.row_names if name.startswith("q:")]
        assert questions == ["q:q-open", "q:q-who", "q:q-factors", "q:q-price", "q:q-custom", "q:adhoc-1"]
        who = grid.row_names.index("q:q-who")
        cells = [" ".join(grid.cell_text(who, column).split()) for column in range(5)]  # unwrapped
        assert cells[0] == "≠ Q who"  # the topic, not one debrief's wording
        assert cells[1] == cells[3] == cells[4] == "— not in this script"
        assert cells[2] == ("“Who was involved in the final decision?” ● clarified The CFO decided alone. "
                            "Decision-maker not reached")
        # one widget holds every column: scrolling moves them all at once, under one header
        assert len(screen.query(ScrollView)) == 1
        assert grid.max_scroll_y > 0
        header = grid.render_line(0).text
        assert "Willow Labs" in header and "Zinnia Health" in header
        await pilot.press("pagedown")
        await pilot.pause()
        assert grid.scroll_y > 0
        first_visible = grid.scroll_y
        assert grid.render_line(0).text == header  # the header stays put
        await pilot.press("end")
        await pilot.pause()
        assert grid.scroll_y > first_visible
        assert grid.row_names[grid.cursor_row].startswith("take:")
        bottom = grid.render_line(grid.size.height - 1).text
        last = len(grid.rows) - 1
        assert grid.cell_text(last, 1).splitlines()[-1] in bottom  # the last line of the last row, in view


async def test_compare_heads_rows_neutrally_and_each_column_words_its_own_question(
        store: Store, make_app: MakeApp) -> None:
    """The same bank question, rendered with each deal's names: no row head carries one debrief's
    contact, company or winner; each column shows its own debrief's wording and values."""
    from debrief.core.banks import load_banks
    from debrief.core.script import build_script

    bank = load_banks().get("lost-to-competitor")
    ids = ["winner-edge", "success-measure", "decision-who"]
    first = scripted("aaaaaa", "Acme Mills", [], lost_to="Salesforce")
    second = scripted("bbbbbb", "Birch Dental", [], lost_to="HubSpot")
    for debrief in (first, second):
        debrief.contact = Contact(name=f"Rep of {debrief.company}", role="CFO")
        debrief.script = build_script(debrief, bank, ids, 20)
    store.put_many([first, second])
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await _compare(app, pilot, ["aaaaaa", "bbbbbb"], size=(160, 48))
        grid = screen.query_one(CompareGrid)
        heads = {name: " ".join(grid.cell_text(index, 0).split()) for index, name in enumerate(grid.row_names)}
        for name, head in heads.items():
            for own in ("Acme", "Birch", "Salesforce", "HubSpot", "Rep of"):
                assert own not in head, (name, head)
        assert heads["q:winner-edge"].endswith("What stood out about the winner")
        assert heads["q:success-measure"].endswith("How they will measure success")
        assert heads["deal:Contact"] == "Contact" and heads["deal:Lost to"].endswith("Lost to")
        edge = grid.row_names.index("q:winner-edge")
        assert "Salesforce" in grid.cell_text(edge, 1) and "HubSpot" not in grid.cell_text(edge, 1)
        assert "HubSpot" in grid.cell_text(edge, 2) and "Salesforce" not in grid.cell_text(edge, 2)
        success = grid.row_names.index("q:success-measure")
        assert "Acme Mills" in grid.cell_text(success, 1) and "Birch Dental" in grid.cell_text(success, 2)
        contact = grid.row_names.index("deal:Contact")
        assert "Rep of Acme Mills" in grid.cell_text(contact, 1)
        assert "Rep of Birch Dental" in grid.cell_text(contact, 2)
    # The Markdown export heads its rows the same way.
    markdown = comparison_markdown(compare([first, second]))
    row = next(line for line in markdown.splitlines() if "What stood out about the winner" in line)
    assert row.startswith("| What stood out about the winner |")
    assert row.index("Salesforce") < row.index("HubSpot")


async def test_compare_marks_value_and_lost_on_and_explains_the_marks(store: Store, make_app: MakeApp) -> None:
    store.put_many([
        scripted("aaaaaa", "Acme", ["q-who"], {"q-who": ("The CFO.", AnswerState.ANSWERED, [])}),
        scripted("bbbbbb", "Birch", ["q-who"], {"q-who": ("The board.", AnswerState.UNCLEAR, [])},
                 lost_on=date(2026, 10, 2), value=80_000),
    ])
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _compare(app, pilot, ["aaaaaa", "bbbbbb"], size=(80, 24))
        grid = screen.query_one(CompareGrid)
        labels = {name: grid.cell_text(index, 0) for index, name in enumerate(grid.row_names)}
        assert labels["deal:Lost on"].startswith("≠ Lost on") and labels["deal:Value"].startswith("≠ Value")
        assert not labels["deal:Stage"].startswith("≠")  # the same stage: no mark
        assert not labels["deal:Contact"].startswith("≠")  # every column is another buyer: never marked
        summary = str(screen.query_one("#compare-summary", Static).render())
        assert summary == ("Every debrief asked the one question. ≠ marks what differs: 2 deal facts and 1 "
                           "question answered differently.\n"
                           "n next ≠ · p previous ≠ · ⏎ read the debrief in the cursor's column")
        await pilot.press("home", "n")
        assert grid.row_names[grid.cursor_row] == "deal:Lost on"  # the jumps stop on deal facts too
        await pilot.press("n")
        assert grid.row_names[grid.cursor_row] == "deal:Value"


async def test_compare_jumps_between_differences_and_filters(store: Store, make_app: MakeApp) -> None:
    store.put_many(compare_set())
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await _compare(app, pilot, IDS)
        table = screen.query_one(CompareGrid)
        assert table.cursor_row == 0
        await pilot.press("n")
        first = table.cursor_row
        assert first == table.differing_rows[0]
        await pilot.press("n")
        assert table.cursor_row == table.differing_rows[1]
        await pilot.press("p")
        assert table.cursor_row == first
        assert "deal:Contact" in table.row_names
        await pilot.press("d")
        await pilot.pause()
        assert table.only_differences
        assert "deal:Contact" not in table.row_names and "deal:Lost to" in table.row_names
        assert not any(name.startswith("take:") for name in table.row_names)
        assert all(name.startswith("section:") or index in table.differing_rows
                   for index, name in enumerate(table.row_names))
        await pilot.press("d")
        await pilot.pause()
        assert "deal:Contact" in table.row_names


async def test_compare_enter_reads_the_debrief_of_the_column(store: Store, make_app: MakeApp) -> None:
    store.put_many(compare_set())
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await _compare(app, pilot, IDS)
        await pilot.press("enter")  # on the question column: a hint, nothing opens
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("n", "right", "enter")  # n lands on the first debrief column
        await settle(pilot)
        assert isinstance(app.screen, ReadScreen)
        assert app.screen.debrief_id == "xxxxxx"


async def test_compare_shows_edits_made_while_reading(store: Store, make_app: MakeApp) -> None:
    store.put_many(compare_set())
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await _compare(app, pilot, ["wwwwww", "xxxxxx"])
        grid = screen.query_one(CompareGrid)
        await pilot.press("right", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ReadScreen)
        store.update("wwwwww", lambda d: setattr(d, "stage", "security review"))
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        stage = grid.row_names.index("deal:Stage")
        assert grid.cell_text(stage, 1) == "security review"


async def test_compare_exports_and_copies_markdown(store: Store, make_app: MakeApp, home: Path) -> None:
    debriefs = compare_set()
    store.put_many(debriefs)
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await _compare(app, pilot, ["yyyyyy", "wwwwww"])
        await pilot.press("e")
        await pilot.pause()
        expected = comparison_markdown(compare([debriefs[2], debriefs[0]]))
        path = home / "Documents" / "debrief" / "compare-yyyyyy-wwwwww.md"
        assert path.read_text() == expected
        await pilot.press("y")
        assert app.clipboard == expected


async def test_compare_refuses_bad_ids_without_crashing(store: Store, make_app: MakeApp) -> None:
    store.put_many(compare_set())
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        for ids, reason in ((["wwwwww"], "one was given"), (["wwwwww", "qqqqqq"], "no debrief with id 'qqqqqq'"),
                            (IDS + ["wwwwww"], "at most four")):
            screen = await _compare(app, pilot, ids)
            assert reason in str(screen.query_one("#compare-problem", Static).render())
            await pilot.press("n", "d", "e", "y")
            await pilot.press("escape")
            await pilot.pause()
            assert not isinstance(app.screen, CompareScreen)


async def test_compare_fits_a_small_terminal(store: Store, make_app: MakeApp) -> None:
    store.put_many(compare_set())
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _compare(app, pilot, IDS, size=(80, 24))
        grid = screen.query_one(CompareGrid)
        widths = list(grid.widths)
        assert sum(width + 2 for width in widths) <= 80
        assert all(len(line) <= width for row in grid.rows if not row.section  # section titles span the row
                   for lines, width in zip(row.lines, widths, strict=True)
                   for line in (line_text(piece) for piece in lines))
        await pilot.resize_terminal(160, 40)
        await settle(pilot)
        assert sum(grid.widths) > sum(widths)


# -- patterns --------------------------------------------------------------------------------------------


async def test_patterns_show_the_breakdowns(store: Store, make_app: MakeApp) -> None:
    store.put_many(known_set())
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_patterns()
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PatternsScreen)
        assert screen.stats is not None and screen.stats.total == 4
        reasons = screen.query_one("#chart-reasons", BarChart).bars
        assert [bar.label for bar in reasons] == ["Price", "Missing features", "Value not clear", "Timing"]
        assert reasons[0].value == 2 and reasons[0].alt == 2
        competitors = screen.query_one("#chart-competitors", BarChart).bars
        assert [(bar.label, bar.value) for bar in competitors] == [("Salesforce", 2), ("not recorded", 1),
                                                                   ("HubSpot", 1)]
        stages = screen.query_one("#chart-stages", BarChart).bars
        assert [(bar.label, bar.value) for bar in stages] == [("demo", 3), ("proposal", 1)]
        quarters = screen.query_one("#chart-quarters", ColumnChart)
        assert [(c.label, c.value) for c in quarters.columns] == [("Q3'25", 1), ("Q4'25", 0), ("Q1'26", 1),
                                                                 ("Q2'26", 2)]
        drawn = str(quarters.render()).splitlines()
        assert drawn[-1].split() == ["Q3'25", "Q4'25", "Q1'26", "Q2'26"]
        assert "█" in drawn[-2] and drawn[0].strip() == "2"  # the tallest column's count on top
        accuracy = screen.query_one("#chart-accuracy", ColumnChart).columns
        assert [(c.label, c.value, c.note) for c in accuracy] == [("Q1'26", 50.0, "50%"), ("Q2'26", 100.0, "100%")]
        reasons_drawn = str(screen.query_one("#chart-reasons", BarChart).render())
        assert "Price" in reasons_drawn and "2 ·  67%" in reasons_drawn
        flags = screen.query_one("#table-flags", DataTable)
        assert flags.row_count == 2
        unclear = screen.query_one("#table-unclear", DataTable)
        assert str(unclear.get_row_at(0)[0]) == "What mattered most in your final decision?"
        summary = str(screen.query_one("#patterns-summary", Static).render())
        assert "4 lost deals" in summary and "confirmed 67% of the time" in summary


async def test_patterns_due_check_in_opens_the_debrief(store: Store, make_app: MakeApp) -> None:
    store.put_many(known_set())
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_patterns()
        await settle(pilot)
        due = app.screen.query_one("#table-due", DataTable)
        assert due.row_count == 1
        due.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReadScreen) and app.screen.debrief_id == "aaaaaa"


async def test_patterns_count_again_after_a_change(store: Store, make_app: MakeApp, home: Path) -> None:
    store.put_many(known_set())
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_patterns()
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PatternsScreen)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        store.add(Debrief(company="Elm", contact=Contact(name="Eve Elm"), lost_on=TODAY, lost_to="Oracle"))
        await pilot.press("escape")
        await settle(pilot)
        assert screen.stats is not None and screen.stats.total == 5
        await pilot.press("e")
        await pilot.pause()
        report = (home / "Documents" / "debrief" / "patterns-2026-11-23.md").read_text()
        assert "5 lost deals" in report and "Oracle" in report
        await pilot.press("y")
        assert app.clipboard == report


async def test_patterns_paint_the_counts_then_the_due_list(store: Store, make_app: MakeApp,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """With many follow-ups to judge, the counts are on the screen first, the due list after; the
    final picture is the one painted in one go."""
    import re

    import debrief.screens.patterns as patterns

    store.put_many(known_set())

    async def picture(phased: bool) -> tuple[list[tuple[str, bool, str, int]], str]:
        monkeypatch.setattr(patterns, "PHASED", -1 if phased else 1_000_000)
        app = make_app()
        seen: list[tuple[str, bool, str, int]] = []
        async with app.run_test(size=(120, 40)) as pilot:
            screen = PatternsScreen()
            counts_shown = screen._show_counts

            def spy(stats: Any, painted: Any) -> None:
                counts_shown(stats, painted)  # the real method; then what it put on the screen
                seen.append((str(screen.query_one("#patterns-summary", Static).render()), screen.stats is None,
                             str(screen.query_one("#follow-ups-summary", Static).render()),
                             len(screen.query_one("#chart-reasons", BarChart).bars)))

            screen._show_counts = spy  # type: ignore[method-assign]
            app.push_screen(screen)
            await settle(pilot)
            assert screen.painted and screen.stats is not None
            assert screen.query_one("#table-due", DataTable).row_count == 1
            # The SVG's own ids differ between two apps; the picture itself must not.
            return seen, re.sub(r"terminal-\d+", "terminal", app.export_screenshot())

    (counts,), phased = await picture(True)
    summary, pending, follow_ups, bars = counts
    assert "4 lost deals" in summary and pending and bars == 4
    assert follow_ups == "Finding what is due…"
    none, at_once = await picture(False)
    assert none == [] and phased == at_once


async def test_patterns_of_an_empty_database(store: Store, make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        app.open_patterns()
        await settle(pilot)
        summary = str(app.screen.query_one("#patterns-summary", Static).render())
        assert "No debriefs yet" in summary
        assert app.screen.query_one("#chart-reasons", BarChart).bars == ()


# -- search ----------------------------------------------------------------------------------------------


def _cfo_set() -> list[Debrief]:
    debriefs = compare_set()
    debriefs[0].impressions = "They never took the CFO seriously."
    debriefs[1].answers["q-who"].clarified = "Only the CFO signs anything over 50k."
    return debriefs


async def test_search_as_you_type_highlights_and_opens(store: Store, make_app: MakeApp) -> None:
    store.put_many(_cfo_set())
    app = make_app()
    async with app.run_test(size=(110, 30)) as pilot:
        app.open_search()
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        assert screen.focused is screen.query_one("#search-input", Input)
        results = screen.query_one(SearchResultList)
        assert results.option_count == 0
        await pilot.press("c", "f", "o")
        await settle(pilot)
        ids = [results.get_option_at_index(i).id for i in range(results.option_count)]
        assert ids == ["xxxxxx", "wwwwww"]
        status = str(screen.query_one("#search-status", Static).render())
        assert status.startswith("2 debriefs match")
        prompt = results.get_option_at_index(0).prompt
        assert isinstance(prompt, Content)
        match_style = results.get_visual_style("search-results--match", partial=True)
        styled = [prompt.plain[span.start:span.end] for span in prompt.spans if span.style == match_style]
        assert styled and all(word.lower() == "cfo" for word in styled)
        await pilot.press("space", "s", "i", "g", "n")
        await settle(pilot)
        assert [results.get_option_at_index(i).id for i in range(results.option_count)] == ["xxxxxx"]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReadScreen) and app.screen.debrief_id == "xxxxxx"


async def test_search_screen_folds_accents_and_hyphens(store: Store, make_app: MakeApp) -> None:
    """Typed without accents, ``tradgard`` finds Trädgård and highlights the word as written."""
    debriefs = compare_set()
    debriefs[0].impressions = "Åsa at Trädgård said cost-of-delay was the worry."
    store.put_many(debriefs)
    app = make_app()
    async with app.run_test(size=(110, 30)) as pilot:
        app.open_search()
        await settle(pilot)
        screen = app.screen
        results = screen.query_one(SearchResultList)
        await pilot.press(*"tradgard")
        await settle(pilot)
        assert [results.get_option_at_index(i).id for i in range(results.option_count)] == [debriefs[0].id]
        prompt = results.get_option_at_index(0).prompt
        assert isinstance(prompt, Content)
        match_style = results.get_visual_style("search-results--match", partial=True)
        assert [prompt.plain[span.start:span.end] for span in prompt.spans if span.style == match_style] == ["Trädgård"]
        screen.query_one("#search-input", Input).value = "\"cost of delay\""
        await settle(pilot)
        assert results.option_count == 1
        prompt = results.get_option_at_index(0).prompt
        assert isinstance(prompt, Content)
        styled = [prompt.plain[span.start:span.end] for span in prompt.spans if span.style == match_style]
        assert styled == ["cost-of-delay"]


async def test_search_keys_between_box_and_results(store: Store, make_app: MakeApp) -> None:
    store.put_many(_cfo_set())
    app = make_app()
    async with app.run_test(size=(110, 30)) as pilot:
        app.open_search("pilot")
        await settle(pilot)
        screen = app.screen
        results = screen.query_one(SearchResultList)
        box = screen.query_one("#search-input", Input)
        assert results.option_count == 2  # dividers between debriefs are not options
        await pilot.press("down")
        assert screen.focused is results
        await pilot.press("down")
        assert results.highlighted == 1
        await pilot.press("s")  # typing in the results goes to the box
        await settle(pilot)
        assert screen.focused is box and box.value == "pilots"
        assert "No debrief mentions 'pilots'" in str(screen.query_one("#search-status", Static).render())
        await pilot.press("backspace")
        await settle(pilot)
        second = results.get_option_at_index(1).id
        await pilot.press("down", "down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ReadScreen) and app.screen.debrief_id == second


# -- in a real terminal ------------------------------------------------------------------------------


@pytest.mark.tmux
def test_review_from_home_in_a_real_terminal(terminal: Callable[..., Terminal], store: Store) -> None:
    """Home → patterns → search → read → side by side of two marked rows, with the real command."""
    store.put_many(_cfo_set())
    term = terminal(width=120, height=36)
    term.wait_for("Willow Labs")
    term.send("t")
    term.wait_for("Why we lose")
    term.wait_for("Losses by quarter")
    term.send("Escape")
    term.wait_for("Willow Labs")
    term.send("/")
    term.wait_for("Words to find")
    term.type("cfo signs")
    term.wait_for("1 debrief matches")
    term.send("Enter")
    term.wait_for("id xxxxxx")
    term.send("Escape")
    term.wait_for("1 debrief matches")
    term.send("Escape")
    term.wait_for("Willow Labs")
    for key in ("Space", "Down", "Space", "v"):  # mark two rows, compare them
        term.send(key)
        time.sleep(0.2)  # a person's pace: a burst of keys in one read is not a key sequence
    screen = term.wait_for("Answers, question by question")
    assert "Side by side — " in screen
    term.send("n")
    term.send("C-q")
    term.wait_for("[exited] 0")
