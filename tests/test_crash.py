"""Real crashes and real concurrency: kill -9 mid-write, two writers at once, a full disk."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from debrief.core.model import Contact, Debrief
from debrief.core.store import Store

UPDATER = textwrap.dedent(
    """
    import sys
    from debrief.core.store import Store
    store = Store.open(sys.argv[1])
    debrief_id, question = sys.argv[2], sys.argv[3]
    count = int(sys.argv[4]) if len(sys.argv) > 4 else 10**9
    print("ready", flush=True)
    for number in range(count):
        def change(debrief, number=number):
            debrief.answer(question).notes += f"{number};"
        store.update(debrief_id, change)
        print(number, flush=True)
    """
)

ADDER = textwrap.dedent(
    """
    import sys
    from debrief.core.model import Contact, Debrief
    from debrief.core.store import Store
    store = Store.open(sys.argv[1])
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 10**9
    print("ready", flush=True)
    for number in range(count):
        saved = store.add(Debrief(company=f"Co {number}", contact=Contact(name="Pat Lee")))
        print(saved.id, flush=True)
    """
)


def start(script: str, *args: str) -> subprocess.Popen[str]:
    process = subprocess.Popen([sys.executable, "-c", script, *args], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "ready"
    return process


def kill_after(process: subprocess.Popen[str], seconds: float) -> list[str]:
    time.sleep(seconds)
    process.send_signal(signal.SIGKILL)
    out, _ = process.communicate()
    return out.split()


def test_kill_during_saves_never_loses_a_reported_save(store: Store) -> None:
    """kill -9 a writer at random moments, many times: every save it reported is on disk."""
    debrief = store.add(Debrief(company="Acme", contact=Contact(name="Jane Doe")))
    rng = random.Random(5)
    for trial in range(25):
        question = f"q{trial}"
        reported = kill_after(start(UPDATER, str(store.root), debrief.id, question), rng.uniform(0.05, 0.3))
        notes = Store.open(store.root).get(debrief.id).answers.get(question)
        text = notes.notes if notes else ""
        saved_numbers = [int(n) for n in text.split(";") if n]
        # Every reported save is there; at most one more (killed after the rename, before the print).
        assert saved_numbers == list(range(len(saved_numbers)))
        assert len(reported) <= len(saved_numbers) <= len(reported) + 1
    with Store.open(store.root).locked():
        pass  # taking the lock cleans the temp files killed writers left behind
    assert list((store.root / "tmp").iterdir()) == []


def test_kill_during_adds_keeps_files_and_index_consistent(store: Store) -> None:
    rng = random.Random(9)
    reported: list[str] = []
    for _ in range(15):
        reported += kill_after(start(ADDER, str(store.root)), rng.uniform(0.05, 0.3))
    fresh = Store.open(store.root)
    ids = set(fresh.ids())
    assert set(reported) <= ids
    assert {row["id"] for row in fresh.summaries()} == ids
    for debrief_id in ids:
        assert fresh.get(debrief_id).contact.name == "Pat Lee"


def test_two_processes_writing_at_once_lose_nothing(store: Store) -> None:
    debrief = store.add(Debrief(company="Acme", contact=Contact(name="Jane Doe")))
    writers = [
        subprocess.Popen([sys.executable, "-c", UPDATER, str(store.root), debrief.id, question, "150"],
                         stdout=subprocess.PIPE, text=True)
        for question in ("left", "right")
    ]
    adders = [subprocess.Popen([sys.executable, "-c", ADDER, str(store.root), "40"], stdout=subprocess.PIPE, text=True)
              for _ in range(2)]
    outputs = [process.communicate(timeout=120)[0] for process in writers + adders]
    assert all(process.returncode == 0 for process in writers + adders)
    saved = Store.open(store.root).get(debrief.id)
    for question in ("left", "right"):
        assert saved.answers[question].notes == "".join(f"{n};" for n in range(150))
    added = {line for out in outputs[2:] for line in out.split()[1:]}
    assert len(added) == 80
    assert added <= {row["id"] for row in Store.open(store.root).summaries()}


FILL_DISK = textwrap.dedent(
    """
    import resource, signal, sys
    from debrief.core.store import Store, StoreError
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    store = Store.open(sys.argv[1])
    limit = int(sys.argv[3])
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    def change(debrief):
        debrief.answer("q1").notes = "x" * (limit * 2)
    try:
        store.update(sys.argv[2], change)
    except StoreError as error:
        print("refused:", error)
    """
)


def test_full_disk_keeps_the_last_save(store: Store) -> None:
    """A write that cannot complete (file size limit standing in for a full disk) changes nothing."""
    debrief = store.add(Debrief(company="Acme", contact=Contact(name="Jane Doe")))
    store.update(debrief.id, lambda d: setattr(d.answer("q1"), "notes", "first words"))
    path = store.root / "debriefs" / f"{debrief.id}.json"
    before = path.read_bytes()
    result = subprocess.run([sys.executable, "-c", FILL_DISK, str(store.root), debrief.id, str(len(before) + 500)],
                            capture_output=True, text=True, timeout=60)
    assert "refused:" in result.stdout, result.stderr
    assert "Traceback" not in result.stderr
    assert path.read_bytes() == before
    assert Store.open(store.root).get(debrief.id).answers["q1"].notes == "first words"
    assert list((store.root / "tmp").iterdir()) == []


def test_file_modes_survive_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        store = Store.open(tmp_path / "open-umask")
        saved = store.add(Debrief(company="Acme", contact=Contact(name="Jane Doe")))
    finally:
        os.umask(old)
    assert oct((store.root / "debriefs" / f"{saved.id}.json").stat().st_mode & 0o777) == "0o600"


CLAIMER = textwrap.dedent(
    """
    import sys, time
    from debrief.core.store import Store
    claim = Store.open(sys.argv[1]).claim(sys.argv[2])
    print("ready", flush=True)
    time.sleep(60)
    """
)


def test_a_killed_window_gives_its_claim_back(store: Store) -> None:
    from debrief.core.store import InUse

    debrief = store.add(Debrief(company="Acme", contact=Contact(name="Jane Doe")))
    holder = start(CLAIMER, str(store.root), debrief.id)
    try:
        try:
            store.claim(debrief.id)
            raise AssertionError("a second claim on a held debrief must be refused")
        except InUse:
            pass
    finally:
        kill_after(holder, 0)
    store.claim(debrief.id).release()
