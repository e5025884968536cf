"""The library: one database's facts and search text, kept in memory and refreshed by file stamps.

The first look at 10,000 debriefs reads them all (seconds, in a worker); later looks read only
the debriefs whose file changed. A damaged debrief file is skipped and reported, never fatal: one
bad file must not hide the patterns of all the others.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from debrief.core.review.search import SearchDoc
from debrief.core.review.stats import Facts
from debrief.core.store import NotFound, Store, StoreError

if TYPE_CHECKING:
    from debrief.core.model import Debrief
    from debrief.core.review.facts_cache import Row


CACHE_FIRST = 50
"""Above this many debriefs to read, the facts cache is asked first (below it, files are as quick)."""


class _Entry:
    """One debrief's facts and search text; facts read from the cache are decoded on first use
    (the search screen never needs them)."""

    __slots__ = ("_facts", "_raw", "doc", "stamp")

    def __init__(self, stamp: tuple[int, int, int], facts: Facts | bytes, doc: SearchDoc) -> None:
        self.stamp = stamp
        self._facts: Facts | None = None if isinstance(facts, bytes) else facts
        self._raw: bytes | None = facts if isinstance(facts, bytes) else None
        self.doc = doc

    @property
    def facts(self) -> Facts:
        if self._facts is None:
            from debrief.core.review.facts_cache import decode_facts

            assert self._raw is not None
            self._facts, self._raw = decode_facts(self._raw), None
        return self._facts


@dataclass
class Library:
    """Facts and search text of every debrief of one database, refreshed by file stamps."""

    store: Store
    _entries: dict[str, _Entry] = field(default_factory=dict)
    unreadable: list[str] = field(default_factory=list)
    """Ids whose file could not be read at the last refresh (reported, never fatal)."""
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def refresh(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Read the debriefs added or changed since the last refresh; returns how many were read.

        The first look takes what the facts cache holds (one SQLite file, not thousands of debrief
        files); only debriefs whose cached row is stale are read from their files, and their rows
        are written back to the cache (the app is a writing process), a few hundred at a time so
        that a save waiting for the lock never waits long. ``progress(done, todo)`` is called every
        few hundred debriefs read from files, for a progress hint.
        """
        from debrief.core.review.facts_cache import claimed_stamps, decode_doc, row_of, stamp_text

        with self._lock:
            # Under the cache's claim its rows carry every file's stamp: no file is statted.
            stamps = claimed_stamps(self.store, self.store.facts_cache())
            if stamps is None:
                stamps = self.store.stamps()
            for gone in set(self._entries) - set(stamps):
                del self._entries[gone]
            changed = [i for i, stamp in stamps.items()
                       if (entry := self._entries.get(i)) is None or entry.stamp != stamp]
            if len(changed) > CACHE_FIRST:
                cache = self.store.facts_cache()
                stored = cache.stored()
                blobs = cache.blobs() if stored else {}
                served = set()
                for debrief_id in changed:
                    cached = stored.get(debrief_id)
                    if cached is not None and cached[0] == stamp_text(stamps[debrief_id]):
                        self._entries[debrief_id] = _Entry(stamps[debrief_id], cached[1],
                                                           decode_doc(cached[2], blobs.get(debrief_id, "")))
                        served.add(debrief_id)
                changed = [i for i in changed if i not in served]
            unreadable: list[str] = []
            fresh: list[Row] = []
            for done, debrief_id in enumerate(changed, start=1):
                try:
                    debrief = self.store.get(debrief_id)
                except StoreError:
                    unreadable.append(debrief_id)
                    self._entries.pop(debrief_id, None)
                    continue
                row = row_of(debrief, stamps[debrief_id])
                fresh.append(row)
                self._entries[debrief_id] = _Entry(stamps[debrief_id], row.facts, row.doc)
                if len(fresh) >= 250:
                    self._write_back(fresh)
                    fresh = []
                if progress is not None and (done % 250 == 0 or done == len(changed)):
                    progress(done, len(changed))
            self._write_back(fresh)
            # Unreadable files have no entry, so the next refresh tries them again.
            self.unreadable = sorted(unreadable)
            return len(changed)

    def _write_back(self, rows: list[Row]) -> None:
        write_back(self.store, rows)

    def facts(self) -> list[Facts]:
        """The facts of every debrief read so far, by id (so results never depend on disk order)."""
        with self._lock:
            return [self._entries[key].facts for key in sorted(self._entries)]

    def docs(self) -> list[SearchDoc]:
        """The search text of every debrief read so far, by id."""
        with self._lock:
            return [self._entries[key].doc for key in sorted(self._entries)]

    def __len__(self) -> int:
        return len(self._entries)


def write_back(store: Store, rows: list[Row]) -> None:
    """Bring rows read from files into the facts cache, under the database's lock (for the app, a
    writing process; derived data, so a busy or read-only database simply keeps reading the files).

    Only rows whose file still has their stamp are written: those are fresh, so the cache's claim
    stays and their dirty marks go; a row a save overtook meanwhile is dropped (read again later).
    """
    if not rows:
        return
    from debrief.core.review.facts_cache import stamp_text

    try:
        with store.locked(timeout=1.0):
            fresh = [row for row in rows if (stamp := store.stamp_of(row.id)) is not None
                     and stamp_text(stamp) == row.stamp]
            if fresh:
                store.facts_cache().settle(fresh)
    except StoreError:
        pass


def claim_after_write_back(store: Store, gone: list[str], seen: str) -> None:
    """After a review screen brought every stale row into the facts cache (``read_tally``'s
    ``complete``): drop the rows whose file is gone and make the claim for ``seen``, the folder's
    state before its files were looked at, if no write has changed the folder since. So the cache
    vouches for the folder again after a kill, an upgrade or another program's change, without
    ``repair``."""
    try:
        with store.locked(timeout=1.0):
            if store.folder_state() == seen:
                store.facts_cache().forget(gone, claim=seen)
    except StoreError:
        pass


_LIBRARIES: dict[Path, Library] = {}
_LIBRARIES_LOCK = threading.Lock()


def library_for(store: Store) -> Library:
    """The one library of this database in this process (screens share it, so a second look is fast)."""
    key = store.root.resolve()
    with _LIBRARIES_LOCK:
        library = _LIBRARIES.get(key)
        if library is None:
            library = _LIBRARIES[key] = Library(store)
        return library


def readable(store: Store, ids: Iterable[str] | None = None,
             skipped: Callable[[str, str], None] | None = None) -> Iterator[Debrief]:
    """Every debrief (or those of ``ids``) that can be read; a damaged one is skipped.

    ``skipped(id, reason)`` hears of each damaged file, to say so in one line: one bad file must
    not stop stats or search over all the others. A missing id is not damage: it is passed over too.
    """
    for debrief_id in store.ids() if ids is None else ids:
        try:
            yield store.get(debrief_id)
        except NotFound:
            continue
        except StoreError as error:
            if skipped is not None:
                skipped(debrief_id, str(error))
