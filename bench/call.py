"""Live-call benchmark: from a keystroke to the durable save, and typing while saves run.

    python -m bench.call [--size 10000] [--repeat 40] [--keys 200]

All on a scratch copy of the demo database (10,000 debriefs by default), through the same path
the call screen uses: ``AutoSaver`` -> ``Store.update`` with a change that sets one answer's notes.

- write: one ``Store.update`` of an answer's notes (the budget: under 10 ms median);
- key -> disk, one key: a single keystroke, then quiet: the debounce (300 ms) plus the write;
- key -> disk, typing: 10 keys a second for a while; every key's wait until the save that holds
  it is on disk (the saver writes at the latest 0.6 s after the first unsaved key);
- key handling: in the real app (headless), the time from a key event to the end of the notes'
  change handler, while the saver writes in the background.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import threading
import time
from datetime import date, datetime
from functools import partial

from bench.common import copy_db, demo_db, median_ms, p95_ms, table
from debrief.core.autosave import AutoSaver
from debrief.core.call import set_notes
from debrief.core.model import Debrief, Status
from debrief.core.store import Store

TEXT = "they chose the other vendor because the rollout plan looked faster and cheaper "


def pick_debrief(store: Store) -> tuple[str, str]:
    """A held debrief with a script (a realistic ~16 KB file) and its first question."""
    for row in store.summaries():
        if row["status"] == Status.HELD.value:
            debrief = store.get(row["id"])
            if debrief.script and debrief.script.questions:
                return debrief.id, debrief.script.questions[0].id
    raise SystemExit("no held debrief with a script in the demo database")


def _notes(question_id: str, text: str) -> partial[None]:
    return partial(set_notes, question_id=question_id, notes=text, at=datetime.now())


def write_times(store: Store, debrief_id: str, question_id: str, repeat: int) -> list[float]:
    """One durable ``Store.update`` of the notes, as the saver's thread does it."""
    times = []
    for n in range(repeat + 1):
        started = time.perf_counter()
        store.update(debrief_id, _notes(question_id, f"write {n}"), settle_facts=False)
        times.append(time.perf_counter() - started)
    return times[1:]


def one_key_times(store: Store, debrief_id: str, question_id: str, repeat: int) -> list[float]:
    """A single key, then quiet: from ``submit`` to the save being on disk."""
    saved = threading.Event()
    saver = AutoSaver(store, debrief_id, on_saved=lambda _: saved.set())
    times = []
    try:
        for n in range(repeat):
            saved.clear()
            started = time.perf_counter()
            saver.submit(("notes", question_id), _notes(question_id, f"one key {n}"))
            if not saved.wait(5):
                raise SystemExit("a save did not land within 5 s")
            times.append(time.perf_counter() - started)
    finally:
        saver.close()
    return times


def typing_times(store: Store, debrief_id: str, question_id: str, keys: int, rate: float) -> tuple[list[float], int]:
    """Steady typing: each key's wait until a save holding it is on disk; and how many saves."""
    typed_at: list[float] = []
    waits: list[float] = []
    done = [0]
    lock = threading.Lock()

    def on_saved(debrief: Debrief) -> None:
        now = time.perf_counter()
        count = len(debrief.answers[question_id].notes)
        with lock:
            for index in range(done[0], min(count, len(typed_at))):
                waits.append(now - typed_at[index])
            done[0] = max(done[0], count)

    saver = AutoSaver(store, debrief_id, on_saved=on_saved)
    text = ""
    try:
        for index in range(keys):
            text += TEXT[index % len(TEXT)]
            with lock:
                typed_at.append(time.perf_counter())
            saver.submit(("notes", question_id), _notes(question_id, text))
            time.sleep(1 / rate)
        saver.flush(10)
    finally:
        saver.close()
    return waits, saver.saves


async def key_handling(store: Store, debrief_id: str, keys: int,
                       gap: float) -> tuple[list[float], list[float], int]:
    """Key events into the real call screen: time until the notes' change handler has run, and
    the handler's own share (hand the text to the saver)."""
    from textual import events

    from debrief.app import create_app
    from debrief.screens.call import CallScreen

    app = create_app(store, call_id=debrief_id, settings_path=store.root.parent / "settings.json",
                     today=date(2026, 11, 23))
    handled: list[float] = []
    own: list[float] = []
    times: list[float] = []
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        from debrief.screens.confirm import ConfirmDialog

        if isinstance(app.screen, ConfirmDialog):  # the call was held: reopening it asks first
            await pilot.press("y")
            await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CallScreen) and screen.saver is not None
        original = screen._capture_notes

        def timed() -> None:
            started = time.perf_counter()
            original()
            handled.append(time.perf_counter())
            own.append(handled[-1] - started)

        screen._capture_notes = timed  # type: ignore[method-assign]
        await pilot.press("f4")  # an empty question: every key adds to the notes
        handled.clear()
        own.clear()
        for index in range(keys):
            char = TEXT[index % len(TEXT)]
            key = "space" if char == " " else char
            started = time.perf_counter()
            app.post_message(events.Key(key, char))
            while len(handled) <= index:
                await asyncio.sleep(0)
            times.append(handled[index] - started)
            await asyncio.sleep(gap)
        saves = screen.saver.saves
        await pilot.press("ctrl+q")
    return times, own[:keys], saves  # quitting captured the notes once more: not a keystroke


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000, help="debriefs in the database")
    parser.add_argument("--repeat", type=int, default=40, help="single-key saves to time")
    parser.add_argument("--keys", type=int, default=200, help="keys to type in the typing runs")
    args = parser.parse_args()

    root = copy_db(demo_db(args.size))
    try:
        store = Store.open(root)
        debrief_id, question_id = pick_debrief(store)
        write = write_times(store, debrief_id, question_id, args.repeat * 5)
        one_key = one_key_times(store, debrief_id, question_id, args.repeat)
        typing, typing_saves = typing_times(store, debrief_id, question_id, args.keys, rate=10)
        handling, own, app_saves = asyncio.run(key_handling(store, debrief_id, args.keys, gap=0.05))
    finally:
        shutil.rmtree(root.parent, ignore_errors=True)

    rows = [
        ["write: Store.update of the notes", f"{len(write)}", f"{median_ms(write):.2f}", f"{p95_ms(write):.2f}",
         f"{max(write) * 1000:.2f}"],
        ["key -> disk: one key, then quiet", f"{len(one_key)}", f"{median_ms(one_key):.1f}",
         f"{p95_ms(one_key):.1f}", f"{max(one_key) * 1000:.1f}"],
        [f"key -> disk: typing 10 keys/s ({typing_saves} saves)", f"{len(typing)}", f"{median_ms(typing):.1f}",
         f"{p95_ms(typing):.1f}", f"{max(typing) * 1000:.1f}"],
        [f"key handling in the app while saving ({app_saves} saves)", f"{len(handling)}",
         f"{median_ms(handling):.2f}", f"{p95_ms(handling):.2f}", f"{max(handling) * 1000:.2f}"],
        ["  of which the screen's handler (text -> saver)", f"{len(own)}", f"{median_ms(own):.2f}",
         f"{p95_ms(own):.2f}", f"{max(own) * 1000:.2f}"],
    ]
    print(f"Live call at {args.size:,} debriefs (milliseconds)")
    print(table(["measure", "n", "median", "p95", "max"], rows))
    print("Budget: one autosave under 10 ms (median); every key on disk within about a second.")


if __name__ == "__main__":
    main()
