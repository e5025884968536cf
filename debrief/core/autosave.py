"""Save as you type, off the UI thread: one writer thread, debounced, the newest edit wins.

The screen hands over *changes* (functions that edit a ``Debrief``), each under a slot name.
A newer change in the same slot replaces the older one before it is written (the notes of one
question: only the newest text matters). After a short quiet spell, or at the latest
``max_delay`` after the first unsaved edit, the writer applies every pending change in one
``Store.update``: read the newest stored copy under the lock, change only what was edited, write
atomically. So typing never waits on the disk, whatever is typed more than about a second ago is
on disk, and a second process's edits to other fields are kept.

A failed write (disk full, database busy) keeps the changes and retries; a change the model
refuses (a note far too long, say) is dropped alone and reported, so it cannot block the rest.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from debrief.core.errors import error_line
from debrief.core.model import Debrief
from debrief.core.store import Store, StoreError

Change = Callable[[Debrief], None]


class SaveKind(StrEnum):
    """What the quiet save indicator says."""

    SAVED = "saved"
    SAVING = "saving"
    FAILED = "failed"


@dataclass(frozen=True)
class SaveState:
    """The saver's state as the screen shows it; ``message`` says why a save failed."""

    kind: SaveKind
    message: str = ""
    at: datetime | None = None

    @property
    def label(self) -> str:
        """One short line: ``saved``, ``saving…`` or ``not saved: <reason>``."""
        if self.kind is SaveKind.FAILED:
            return f"not saved: {self.message}"
        if self.kind is SaveKind.SAVING:
            return "saving…"
        return "saved"


def _reason(error: BaseException) -> str:
    """The first line of an error, short enough for a status bar."""
    if isinstance(error, OSError) and error.strerror:
        return error.strerror.lower()
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text[:120]


def _refusal(error: ValueError) -> str:
    """Pydantic's verbose message boiled down to the field and the reason."""
    return error_line(error, width=120)


class AutoSaver:
    """The background writer of one debrief. Thread-safe; ``submit`` never blocks on the disk."""

    def __init__(
        self,
        store: Store,
        debrief_id: str,
        *,
        delay: float = 0.3,
        max_delay: float = 0.6,
        retry: float = 1.0,
        settle: float = 2.0,
        on_state: Callable[[SaveState], None] | None = None,
        on_saved: Callable[[Debrief], None] | None = None,
    ) -> None:
        self.store = store
        self.debrief_id = debrief_id
        self.delay = delay
        self.max_delay = max_delay
        self.retry = retry
        self.settle = settle
        self.on_state = on_state
        self.on_saved = on_saved
        self._cond = threading.Condition()
        self._pending: dict[Hashable, Change] = {}
        self._first_at: float | None = None
        self._last_at = 0.0
        self._urgent = False
        self._retry_at = 0.0
        self._writing = False
        self._closing = False
        self._unsettled = False
        self._state = SaveState(SaveKind.SAVED)
        self.saves = 0
        self._thread = threading.Thread(target=self._run, name=f"autosave-{debrief_id}", daemon=True)
        self._thread.start()

    # -- the screen's side -------------------------------------------------------------------------

    @property
    def state(self) -> SaveState:
        """The last state reported."""
        return self._state

    @property
    def dirty(self) -> bool:
        """Whether some change is not on disk yet."""
        with self._cond:
            return bool(self._pending) or self._writing

    def submit(self, slot: Hashable, change: Change, *, urgent: bool = False) -> None:
        """Queue ``change``; it replaces any unsaved change in the same ``slot``.

        ``urgent`` skips the quiet spell (a marked answer, a tag: one key, saved at once).
        """
        with self._cond:
            if self._closing:
                raise StoreError("the call is closed; nothing more is saved")
            now = time.monotonic()
            self._pending.pop(slot, None)  # re-insert: a newer change goes after older ones
            self._pending[slot] = change
            self._last_at = now
            if self._first_at is None:
                self._first_at = now
            self._urgent = self._urgent or urgent
            self._cond.notify_all()
            if self._state.kind is not SaveKind.SAVING:
                self._report(SaveState(SaveKind.SAVING))

    def flush(self, timeout: float = 5.0) -> bool:
        """Write everything pending now and wait for it; True when all of it is on disk."""
        deadline = time.monotonic() + timeout
        with self._cond:
            self._urgent = True
            self._retry_at = 0.0
            self._cond.notify_all()
            while self._pending or self._writing:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
                if self._pending and not self._writing and self._retry_at > time.monotonic():
                    return False  # the last attempt failed: do not spin until the deadline
            return True

    def close(self, timeout: float = 5.0) -> bool:
        """Flush, then stop the writer thread; True when nothing was left unsaved."""
        saved = self.flush(timeout)
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        self._thread.join(timeout=max(timeout, 0.1))
        return saved and not self._pending

    # -- the writer thread -------------------------------------------------------------------------

    def _report(self, state: SaveState) -> None:
        """Tell the screen (called with the lock held: ``on_state`` must only post a message)."""
        self._state = state
        if self.on_state is not None:
            try:
                self.on_state(state)
            except Exception:  # a screen gone away must not stop the saving
                self.on_state = None

    def _take_batch(self) -> dict[Hashable, Change] | None:
        """Wait until a batch is due; None when the saver is closing with nothing left. A quiet
        spell of ``settle`` seconds after a save settles the facts cache's row (see ``_run``)."""
        with self._cond:
            while True:
                if not self._pending:
                    if self._closing:
                        return None
                    if self._unsettled:
                        if self._cond.wait(self.settle) or self._pending or self._closing:
                            continue
                        self._unsettled = False
                        return {}  # nothing to save: settle
                    self._cond.wait()
                    continue
                now = time.monotonic()
                first = self._first_at if self._first_at is not None else now
                due = min(self._last_at + self.delay, first + self.max_delay)
                if self._urgent or self._closing:
                    due = now
                due = max(due, self._retry_at)
                if self._closing and self._retry_at > now:
                    return None  # a failing disk: give up on close, the caller reports it
                if now >= due:
                    batch = self._pending
                    self._pending = {}
                    self._first_at = None
                    self._urgent = False
                    self._writing = True
                    return batch
                self._cond.wait(due - now)

    def _apply(self, batch: dict[Hashable, Change]) -> Change:
        changes = list(batch.values())

        def apply_all(debrief: Debrief) -> None:
            for change in changes:
                change(debrief)

        return apply_all

    def _write(self, batch: dict[Hashable, Change]) -> tuple[dict[Hashable, Change], str | None]:
        """Write one batch; returns what must be retried and the reason of a failure."""
        try:
            # The facts cache's row waits for a quiet spell: typing pays for the file alone.
            saved = self.store.update(self.debrief_id, self._apply(batch), settle_facts=False)
        except ValueError as error:
            if len(batch) == 1:
                return {}, f"refused: {_refusal(error)}"
            # Find the change the model refuses and drop it alone; the others are written.
            kept: dict[Hashable, Change] = {}
            refused: str | None = None
            for slot, change in batch.items():
                retry, reason = self._write({slot: change})
                kept.update(retry)
                refused = refused or reason
            return kept, refused
        except (StoreError, OSError) as error:
            return batch, _reason(error)
        self.saves += 1
        with self._cond:
            self._unsettled = True
        if self.on_saved is not None:
            try:
                self.on_saved(saved)
            except Exception:  # see _report
                self.on_saved = None
        return {}, None

    def _run(self) -> None:
        try:
            self._loop()
        finally:
            if self._unsettled:
                self._settle()  # closing: the rows this saver left dirty

    def _settle(self) -> None:
        """Bring the facts cache's rows of the saves up to date (derived data: a failure only
        leaves them dirty, and readers read those files meanwhile)."""
        with contextlib.suppress(Exception):  # see _report
            self.store.settle_facts()

    def _loop(self) -> None:
        while True:
            batch = self._take_batch()
            if batch is None:
                return
            if not batch:
                self._settle()
                continue
            try:
                retry, reason = self._write(batch)
            except Exception as error:  # the writer must outlive any one bad save
                retry, reason = {}, f"refused: {_reason(error)}"
            with self._cond:
                if retry:
                    # Put failed changes back under any newer ones: the newest still wins.
                    newer = self._pending
                    self._pending = {slot: change for slot, change in retry.items() if slot not in newer}
                    self._pending.update(newer)
                    self._first_at = time.monotonic()
                    self._retry_at = time.monotonic() + self.retry
                self._writing = False
                # Reported under the lock, so a "saving" from submit() cannot land after "saved".
                if reason is not None:
                    self._report(SaveState(SaveKind.FAILED, reason, datetime.now().replace(microsecond=0)))
                elif not self._pending:
                    self._report(SaveState(SaveKind.SAVED, at=datetime.now().replace(microsecond=0)))
                self._cond.notify_all()
