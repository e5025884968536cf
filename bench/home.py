"""How fast home shows its first screen, and how fast the filter follows the keyboard.

Run: ``python bench/home.py [--runs N]``. For 0 / 1,000 / 10,000 demo debriefs it prints:

- cold start in a real terminal: ``debrief --db DB`` started in tmux, timed until the screen shows
  the loaded list (the count of debriefs in the title bar, or the welcome on an empty database);
- cold start headless: a fresh Python process that does what the ``debrief`` command does (open
  the store, build the app with the app factory) and runs it with ``App.run_test()``, timed from
  the process start until home has its rows; it also reports the import share;
- at 10,000: the time per keystroke of the filter (filtering the rows and drawing the lines in
  view), and one key press end to end through Textual.

Budget: first screen under 0.6 s median at 10,000 debriefs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import DEBRIEF, SIZES, demo_db, median_ms, p95_ms, table

BUDGET_MS = 600

CHILD = r"""
import time
start = time.perf_counter()
import asyncio, json, sys
from debrief.cli.common import open_store
from pathlib import Path
store = open_store(Path(sys.argv[1]))
from debrief.app import create_app
imported = time.perf_counter()

async def main():
    app = create_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        from debrief.screens.home import HomeScreen
        while not (isinstance(app.screen, HomeScreen) and app.screen.loaded):
            await asyncio.sleep(0.002)
        await pilot.pause()
        ready = time.perf_counter()
        print(json.dumps({"imports": imported - start, "ready": ready - start}), flush=True)

asyncio.run(main())
"""


def ready_text(count: int) -> str:
    """What the title bar shows once home has loaded ``count`` debriefs (the welcome when 0)."""
    return f"{count:,} debrief{'s' if count != 1 else ''}"


def cold_headless(db: Path) -> tuple[float, float, float]:
    """Seconds from spawning a fresh interpreter to home ready; (wall, in-process, imports)."""
    env = {**os.environ, "XDG_CONFIG_HOME": tempfile.mkdtemp(prefix="debrief-bench-config-")}
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", CHILD, str(db)], stdout=subprocess.PIPE, text=True, env=env)
    assert process.stdout is not None
    line = process.stdout.readline()
    wall = time.perf_counter() - start
    process.wait(timeout=60)
    data = json.loads(line)
    return wall, data["ready"], data["imports"]


class Tmux:
    """One tmux server for all runs, so its own start-up is not counted."""

    def __init__(self) -> None:
        if shutil.which("tmux") is None:
            raise SystemExit("tmux is not installed")
        self.socket = ["-L", f"debrief-bench-{uuid.uuid4().hex[:8]}"]
        self.env = {**os.environ, "TERM": "xterm-256color", "COLORTERM": "truecolor", "LANG": "C.UTF-8",
                    "XDG_CONFIG_HOME": tempfile.mkdtemp(prefix="debrief-bench-config-")}
        self._run("new-session", "-d", "-s", "idle", "-x", "120", "-y", "40", "sleep 3600")

    def _run(self, *args: str) -> str:
        return subprocess.run(["tmux", *self.socket, *args], capture_output=True, text=True, check=True,
                              env=self.env).stdout

    def cold_start(self, db: Path, expect: str, timeout: float = 30.0) -> float:
        """Seconds from starting ``debrief`` in a new pane until ``expect`` is on its screen."""
        name = f"run-{uuid.uuid4().hex[:6]}"
        start = time.perf_counter()
        self._run("new-session", "-d", "-s", name, "-x", "120", "-y", "40",
                  f"{DEBRIEF} --db {db}; sleep 60")
        try:
            while time.perf_counter() - start < timeout:
                if expect in self._run("capture-pane", "-p", "-t", name):
                    return time.perf_counter() - start
                time.sleep(0.005)
            raise RuntimeError(f"{expect!r} never appeared")
        finally:
            self._run("kill-session", "-t", name)

    def close(self) -> None:
        subprocess.run(["tmux", *self.socket, "kill-server"], capture_output=True, env=self.env)


def poll_overhead(tmux: Tmux) -> float:
    """What one capture-pane costs: the resolution of the terminal measure."""
    start = time.perf_counter()
    for _ in range(20):
        tmux._run("capture-pane", "-p", "-t", "idle")
    return (time.perf_counter() - start) / 20


async def filter_keystrokes(db: Path, query: str) -> tuple[list[float], list[float], list[float]]:
    """Per keystroke at 10,000: filter work, filter + drawing the screenful, and a key press end to end."""
    from debrief.app import create_app
    from debrief.core.store import Store
    from debrief.screens.home import HomeScreen
    from debrief.widgets.debrief_table import DebriefTable

    app = create_app(Store.open(db), settings_path=Path(tempfile.mkdtemp()) / "settings.json")
    work: list[float] = []
    drawn: list[float] = []
    pressed: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        while not (isinstance(app.screen, HomeScreen) and app.screen.loaded):
            await asyncio.sleep(0.01)
        table = app.screen.query_one("#home-table", DebriefTable)
        height = table.scrollable_content_region.height
        for _ in range(3):
            for end in range(1, len(query) + 1):
                start = time.perf_counter()
                table.set_filter(query[:end])
                work.append(time.perf_counter() - start)
                for y in range(height):
                    table.render_line(y)
                drawn.append(time.perf_counter() - start)
            table.set_filter("")
        await pilot.press("f")
        for char in query:
            start = time.perf_counter()
            await pilot.press(char)
            pressed.append(time.perf_counter() - start)
    return work, drawn, pressed


async def press_baseline(query: str) -> list[float]:
    """The same typing on a database of one debrief: Pilot's own cost of a key press."""
    from debrief.app import create_app
    from debrief.core.model import Contact, Debrief
    from debrief.core.store import Store
    from debrief.screens.home import HomeScreen

    folder = Path(tempfile.mkdtemp())
    store = Store.open(folder / "db")
    store.add(Debrief(company="Tidewater Energy", contact=Contact(name="Oscar Haddad")))
    app = create_app(store, settings_path=folder / "settings.json")
    pressed: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        while not (isinstance(app.screen, HomeScreen) and app.screen.loaded):
            await asyncio.sleep(0.01)
        await pilot.press("f")
        for char in query:
            start = time.perf_counter()
            await pilot.press(char)
            pressed.append(time.perf_counter() - start)
    return pressed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="cold starts per size (at least 5)")
    parser.add_argument("--no-tmux", action="store_true", help="skip the real-terminal measure")
    args = parser.parse_args()
    runs = max(5, args.runs)

    rows: list[list[str]] = []
    tmux = None if args.no_tmux else Tmux()
    try:
        resolution = poll_overhead(tmux) if tmux else 0.0
        for count in SIZES:
            db = demo_db(count)
            # One untimed run warms the disk cache (the budget is about start-up, not a cold disk).
            cold_headless(db)
            headless = [cold_headless(db) for _ in range(runs)]
            walls = [wall for wall, _, _ in headless]
            imports = [imported for _, _, imported in headless]
            row = [f"{count:,}", f"{median_ms(walls):.0f} ms", f"{p95_ms(walls):.0f} ms",
                   f"{median_ms(imports):.0f} ms"]
            if tmux:
                tmux.cold_start(db, ready_text(count))
                terminal = [tmux.cold_start(db, ready_text(count)) for _ in range(runs)]
                row += [f"{median_ms(terminal):.0f} ms", f"{p95_ms(terminal):.0f} ms"]
            rows.append(row)
    finally:
        if tmux:
            tmux.close()

    headers = ["debriefs", "headless median", "headless p95", "imports (median)"]
    if not args.no_tmux:
        headers += ["tmux median", "tmux p95"]
    print(f"Home: first screen, cold start of a new process ({runs} runs each; budget {BUDGET_MS} ms at 10,000)")
    print(table(headers, rows))
    if not args.no_tmux:
        print(f"(tmux figures include polling the pane every ~{resolution * 1000:.0f} ms)")

    work, drawn, pressed = asyncio.run(filter_keystrokes(demo_db(10_000), "tidewater"))
    baseline = asyncio.run(press_baseline("tidewater"))
    print()
    print("Filter as you type at 10,000 debriefs (query 'tidewater', one keystroke at a time)")
    print(table(["measure", "median", "p95", "max"], [
        ["filter the rows", f"{median_ms(work):.1f} ms", f"{p95_ms(work):.1f} ms", f"{max(work) * 1000:.1f} ms"],
        ["filter + draw the screenful", f"{median_ms(drawn):.1f} ms", f"{p95_ms(drawn):.1f} ms",
         f"{max(drawn) * 1000:.1f} ms"],
        ["key press end to end (Pilot)", f"{median_ms(pressed):.0f} ms", f"{p95_ms(pressed):.0f} ms",
         f"{max(pressed) * 1000:.0f} ms"],
        ["  same on 1 debrief (Pilot's cost)", f"{median_ms(baseline):.0f} ms", f"{p95_ms(baseline):.0f} ms",
         f"{max(baseline) * 1000:.0f} ms"],
    ]))
    extra = (statistics.median(pressed) - statistics.median(baseline)) * 1000
    print(f"(10,000 debriefs cost {extra:.0f} ms a key more than one, end to end)")


if __name__ == "__main__":
    main()
