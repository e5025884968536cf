"""The background saver: debounced, newest wins, never blocks, survives failures and kills."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime
from functools import partial
from pathlib import Path

import pytest

from debrief.core.autosave import AutoSaver, SaveKind, SaveState
from debrief.core.call import set_notes, set_tags
from debrief.core.model import Contact, Debrief, Script, ScriptQuestion
from debrief.core.store import Store

AT = datetime(2026, 11, 23, 10, 0)


def _debrief(store: Store) -> Debrief:
    script = Script(bank_id="test", questions=[ScriptQuestion(id=f"q{n}", text=f"Question {n}?") for n in (1, 2)])
    return store.add(Debrief(company="Acme", contact=Contact(name="Jane Doe"), script=script))


def _notes(question_id: str, text: str) -> partial[None]:
    return partial(set_notes, question_id=question_id, notes=text, at=AT)


class States:
    """Collects what the saver reports, as the screen would."""

    def __init__(self) -> None:
        self.seen: list[SaveState] = []

    def __call__(self, state: SaveState) -> None:
        self.seen.append(state)

    @property
    def kinds(self) -> list[SaveKind]:
        return [state.kind for state in self.seen]


def test_typing_is_debounced_and_the_newest_text_wins(store: Store) -> None:
    debrief = _debrief(store)
    states = States()
    saver = AutoSaver(store, debrief.id, delay=0.2, max_delay=2.0, on_state=states)
    text = ""
    for char in "They chose on price":
        text += char
        saver.submit(("notes", "q1"), _notes("q1", text))
    assert saver.dirty
    deadline = time.monotonic() + 3
    while saver.dirty and time.monotonic() < deadline:
        time.sleep(0.02)
    assert store.get(debrief.id).answers["q1"].notes == "They chose on price"
    assert saver.saves == 1
    assert states.kinds[0] is SaveKind.SAVING and states.kinds[-1] is SaveKind.SAVED
    assert saver.state.label == "saved"
    assert saver.close()


def test_continuous_typing_is_still_saved_within_max_delay(store: Store) -> None:
    debrief = _debrief(store)
    saver = AutoSaver(store, debrief.id, delay=0.3, max_delay=0.5)
    started = time.monotonic()
    text = ""
    first_saved_after: float | None = None
    while time.monotonic() - started < 1.6:
        text += "x"
        saver.submit(("notes", "q1"), _notes("q1", text))  # faster than the quiet spell, forever
        if first_saved_after is None and saver.saves:
            first_saved_after = time.monotonic() - started
        time.sleep(0.05)
    assert first_saved_after is not None and first_saved_after < 1.0
    assert saver.saves >= 2
    assert saver.close()
    assert store.get(debrief.id).answers["q1"].notes == text


def test_submit_never_waits_for_the_disk(store: Store, db_path: Path) -> None:
    """Another process holds the database lock: typing goes on, the save lands when it is free."""
    debrief = _debrief(store)
    saver = AutoSaver(store, debrief.id, delay=0.01)
    other = Store.open(db_path)
    release = threading.Event()

    def hold() -> None:
        with other.locked():
            release.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    time.sleep(0.1)
    started = time.perf_counter()
    for n in range(200):
        saver.submit(("notes", "q1"), _notes("q1", f"note {n}"))
    assert time.perf_counter() - started < 0.1  # 200 keystrokes handed over while the disk is busy
    time.sleep(0.2)
    assert saver.state.kind is SaveKind.SAVING
    assert store.get(debrief.id).answers.get("q1") is None
    release.set()
    holder.join()
    assert saver.flush(5)
    assert store.get(debrief.id).answers["q1"].notes == "note 199"
    saver.close()


def test_slots_are_saved_together_in_order(store: Store) -> None:
    debrief = _debrief(store)
    saver = AutoSaver(store, debrief.id, delay=5)
    saver.submit(("notes", "q1"), _notes("q1", "first"))
    saver.submit(("tags", "q1"), partial(set_tags, question_id="q1", tags=["price"], at=AT))
    saver.submit(("notes", "q2"), _notes("q2", "second"))
    saver.submit(("notes", "q1"), _notes("q1", "first, newest"))
    assert saver.flush(5)
    saved = store.get(debrief.id)
    assert saved.answers["q1"].notes == "first, newest"
    assert saved.answers["q1"].tags == ["price"]
    assert saved.answers["q2"].notes == "second"
    assert saver.saves == 1
    saver.close()


def test_urgent_changes_skip_the_quiet_spell(store: Store) -> None:
    debrief = _debrief(store)
    saver = AutoSaver(store, debrief.id, delay=10, max_delay=10)
    saver.submit(("tags", "q1"), partial(set_tags, question_id="q1", tags=["timing"], at=AT), urgent=True)
    deadline = time.monotonic() + 3
    while saver.saves == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert store.get(debrief.id).answers["q1"].tags == ["timing"]
    saver.close()


def test_another_process_edits_to_other_fields_are_kept(store: Store, db_path: Path) -> None:
    debrief = _debrief(store)
    saver = AutoSaver(store, debrief.id, delay=0.05)
    saver.submit(("notes", "q1"), _notes("q1", "before"))
    assert saver.flush()
    other = Store.open(db_path)
    other.update(debrief.id, lambda d: setattr(d, "impressions", "written by the command line"))
    other.update(debrief.id, partial(set_notes, question_id="q2", notes="their note", at=AT))
    saver.submit(("notes", "q1"), _notes("q1", "after"))
    assert saver.close()
    saved = store.get(debrief.id)
    assert saved.answers["q1"].notes == "after"
    assert saved.answers["q2"].notes == "their note"
    assert saved.impressions == "written by the command line"


def test_a_failed_write_is_reported_kept_and_retried(store: Store, db_path: Path) -> None:
    """The disk refuses (here: the temp folder is gone): nothing typed is dropped."""
    debrief = _debrief(store)
    states = States()
    saver = AutoSaver(store, debrief.id, delay=0.01, retry=0.1, on_state=states)
    tmp = db_path / "tmp"
    shutil.rmtree(tmp)
    tmp.write_text("not a folder")
    try:
        saver.submit(("notes", "q1"), _notes("q1", "first words"))
        assert not saver.flush(2)
        assert saver.state.kind is SaveKind.FAILED
        assert saver.state.label.startswith(f"not saved: {tmp} is not a folder")
        saver.submit(("notes", "q1"), _notes("q1", "first words, and more"))
        time.sleep(0.3)
        assert saver.dirty
    finally:
        tmp.unlink()
        # The saver keeps retrying meanwhile, and a write makes the folder again once it is free.
        tmp.mkdir(mode=0o700, exist_ok=True)
    assert saver.flush(5)
    assert store.get(debrief.id).answers["q1"].notes == "first words, and more"
    assert states.kinds[-1] is SaveKind.SAVED
    saver.close()


def test_a_refused_change_is_dropped_alone(store: Store) -> None:
    """A note the model refuses (far too long) cannot block the other edits of its batch."""
    debrief = _debrief(store)
    saver = AutoSaver(store, debrief.id, delay=5)
    saver.submit(("notes", "q1"), _notes("q1", "x" * 200_000))
    saver.submit(("tags", "q2"), partial(set_tags, question_id="q2", tags=["price"], at=AT))
    saver.flush(5)
    assert saver.state.kind is SaveKind.FAILED
    assert "too long" in saver.state.label
    saved = store.get(debrief.id)
    assert saved.answers["q2"].tags == ["price"]
    assert "q1" not in saved.answers
    saver.submit(("notes", "q1"), _notes("q1", "shorter"))
    assert saver.flush(5)
    assert SaveKind(saver.state.kind) is SaveKind.SAVED
    saver.close()


def test_close_flushes_and_stops(store: Store) -> None:
    debrief = _debrief(store)
    saver = AutoSaver(store, debrief.id, delay=60, max_delay=60)
    saver.submit(("notes", "q1"), _notes("q1", "said at the very end"))
    assert saver.close(5)
    assert store.get(debrief.id).answers["q1"].notes == "said at the very end"
    assert not saver._thread.is_alive()
    with pytest.raises(Exception, match="closed"):
        saver.submit(("notes", "q1"), _notes("q1", "too late"))


def test_a_state_callback_that_fails_does_not_stop_saving(store: Store) -> None:
    debrief = _debrief(store)

    def broken(state: SaveState) -> None:
        raise RuntimeError("screen gone")

    saver = AutoSaver(store, debrief.id, delay=0.01, on_state=broken)
    saver.submit(("notes", "q1"), _notes("q1", "still saved"))
    assert saver.close()
    assert store.get(debrief.id).answers["q1"].notes == "still saved"


KILL_SCRIPT = """
import sys, time
from datetime import datetime
from functools import partial
from debrief.core.autosave import AutoSaver
from debrief.core.call import set_notes
from debrief.core.store import Store

store = Store.open(sys.argv[1])
saver = AutoSaver(store, sys.argv[2])
text = ""
for char in "Every word the buyer said":
    text += char
    saver.submit(("notes", "q1"), partial(set_notes, question_id="q1", notes=text, at=datetime.now()))
    time.sleep(0.01)
print("typed", flush=True)
time.sleep(60)
"""


def test_killed_one_second_after_typing_the_text_is_on_disk(store: Store, db_path: Path) -> None:
    debrief = _debrief(store)
    process = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, str(db_path), debrief.id],
                               stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "typed"
        time.sleep(1.0)
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    reopened = Store.open(db_path)
    assert reopened.get(debrief.id).answers["q1"].notes == "Every word the buyer said"


def test_the_facts_cache_row_waits_for_a_quiet_spell_and_for_close(store: Store) -> None:
    """Typing pays for the debrief file alone: the facts cache's row stays dirty (readers read that
    one file) until the rep stops for ``settle`` seconds, or the call is left."""
    import sqlite3

    from debrief.core.review.facts_cache import read_facts

    debrief = _debrief(store)
    cache = store.facts_cache()

    def dirty() -> list[str]:
        """The marks as committed: a connection of its own, not the saver's (which may be mid-transaction)."""
        with contextlib.closing(sqlite3.connect(cache.path)) as connection:
            return [debrief_id for (debrief_id,) in connection.execute("SELECT id FROM dirty")]

    saver = AutoSaver(store, debrief.id, delay=0.01, settle=0.4)
    saver.submit(("notes", "q1"), _notes("q1", "froze the budget"))
    assert saver.flush()
    assert dirty() == [debrief.id]
    assert read_facts(store, cache, docs=True).docs[debrief.id].blob.count("froze the budget") == 1
    deadline = time.monotonic() + 5
    while dirty() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert dirty() == []
    snapshot = read_facts(store, cache, docs=True)
    assert snapshot.read_from_files == 0 and "froze the budget" in snapshot.docs[debrief.id].blob
    saver.submit(("notes", "q2"), _notes("q2", "a safer bet"))
    assert saver.close() and dirty() == []
    assert "a safer bet" in read_facts(store, cache, docs=True).docs[debrief.id].blob
