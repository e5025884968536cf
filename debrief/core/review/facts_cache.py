"""The facts cache: what stats, patterns and search need of every debrief, kept in one SQLite file.

Why: reading 10,000 TinyDB files to count patterns or to search takes seconds. The cache holds,
per debrief, the patterns' ``Facts``, the search text (``SearchDoc``) and a trigram full-text index
of the folded words, so a command reads one file instead of thousands.

It is derived data, never the record: the debrief files stay the truth, and the cache can always be
rebuilt from them (``debrief repair`` does). Every row carries the stamp (inode, size, modification
time) of the debrief file it was worked out from, taken before the file was read or right after it
was written under the database's lock. A row is used only while its stamp is the file's current
stamp; any other file (new, changed by a writer killed before it reached the cache, edited by
another program) is read from the file itself. So a crash, a failed cache write or an older copy of
debrief can make the cache slower, never wrong.

Who writes it: every save of the store (one row, whatever the number of debriefs), bulk writes
(import, demo), ``repair`` (everything afresh), and the app's review screens, which bring stale
rows up to date in a worker. Read-only commands (``stats``, ``search``) never write: they open the
file read-only and work out stale rows in memory. The file uses SQLite's rollback journal (kept,
not deleted, between commits), not WAL, because a reader of a WAL database creates files beside
it; with the rollback journal a reader only takes a lock. A damaged file, an unknown schema or one
of an older version is removed by the next writer, which starts afresh with the row it saves; the
other rows come back as above, and readers meanwhile read the debrief files.

Freshness without a look at every file: the cache also keeps a claim (a small file beside it),
the state (inode and modification time) of the debriefs folder for which every row is fresh and
every file has a row, except for the debriefs marked dirty. A writer under the database's lock
marks a debrief dirty (one commit, only when it is not marked yet) before it touches its file, and
afterwards moves the claim to the folder's new state (one write), if the claim held. Then it
either writes the debrief's row and clears the mark in one transaction, or leaves the row for
later: an autosave while the rep types moves only the claim, and the row is settled
(``Store.settle_facts``) once the typing stops. A writer killed at any point leaves the debrief
marked, or the claim on a state the folder has left. A reader whose folder state equals the claim
trusts every row but the dirty ones, which it reads from their files, so no file of 100,000 is
statted; with no claim, or another folder state (a file created, renamed or deleted by another
program changes the folder's time), every file's stamp is checked as above, and ``repair``, or
the patterns screen once it has brought every stale row in with no write in between
(``read_tally``'s ``complete``), makes the claim again. Files rewritten in place by another program, without a rename,
keep the folder's time: the store never writes so, and such edits are not noticed while a claim
holds; ``debrief repair`` rebuilds.

What depends on today (what is due, how late) is never stored: rows keep dates, and the counting
(``cached_stats``) judges them on the day it is asked. A second source (a folder of teammates'
shared debriefs, ``FilesSource``) gets a cache file of its own through the same ``Source`` protocol.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import sqlite3
import stat
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import orjson

from debrief.core.review.search import SearchDoc, SearchField, SearchResults, query_terms, search

if TYPE_CHECKING:
    from debrief.core.model import Debrief
    from debrief.core.review.facts import Facts

CACHE_NAME = "facts.sqlite"
SCHEMA_VERSION = 7
"""Bump whenever what ``facts_of`` or ``search_doc`` produce changes: an older cache is rebuilt."""
BUSY_MS = 500
"""How long a writer waits for readers to finish; past it the row is skipped (stamps keep it right)."""
MIN_TRIGRAM = 3
CHUNK = 250
"""Stale debriefs read from their files between two progress hints (and two write-backs)."""
"""The full-text index finds any piece of text of at least three characters."""

Stamp = tuple[int, int, int]


class Source(Protocol):
    """Where debriefs come from: the store, or a folder of a team's shared debriefs."""

    def stamps(self) -> dict[str, Stamp]:
        """Each id with the stamp of its file."""

    def get(self, debrief_id: str) -> Debrief:
        """One debrief, read from its file (raises StoreError when it cannot be read)."""

    def folder_state(self) -> str | None:
        """The state of the folder every write goes through, for the cache's claim; None when the
        source has no such folder (then every file's stamp is checked)."""

    def stamp_of(self, debrief_id: str) -> Stamp | None:
        """The stamp of one debrief's file now; None when it is not there."""


def stamp_text(stamp: Stamp) -> str:
    """A stamp as stored."""
    return f"{stamp[0]}:{stamp[1]}:{stamp[2]}"


def _lstat_of(path: Path, is_kind: Callable[[int], bool]) -> os.stat_result | None:
    """``lstat`` of ``path`` (a link is not followed) when it is of the kind asked; None otherwise."""
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return info if is_kind(info.st_mode) else None


def file_stamp(path: Path) -> Stamp | None:
    """The stamp of a file now, without following a link; None when it is not there."""
    info = _lstat_of(path, stat.S_ISREG)
    return None if info is None else (info.st_ino, info.st_size, info.st_mtime_ns)


def folder_state_of(path: Path) -> str | None:
    """A folder's inode and modification time as stored in the claim; None when it is not a folder."""
    info = _lstat_of(path, stat.S_ISDIR)
    return None if info is None else f"{info.st_ino}:{info.st_mtime_ns}"


SETTLED_NS = 3_000_000_000
"""A folder state is claimed by a reader-side write-back only when the folder has not changed for
this long: a change in the same tick of a coarse file clock could otherwise keep its time."""


def settled_state(source: Source) -> str | None:
    """The source's folder state now, when it is old enough to be claimed (``SETTLED_NS``)."""
    import time

    state = source.folder_state()
    if state is None or time.time_ns() - int(state.rsplit(":", 1)[1]) < SETTLED_NS:
        return None
    return state


CLAIM_WIDTH = 64
"""The claim file holds the folder state padded to this width, so one write replaces it whole."""


def claim_file(path: Path) -> str:
    """The claim of the cache at ``path``, in a small file beside it (see ``FactsCache.move_claim``)."""
    return f"{path}-claim"


def _claim_in(fd: int) -> str | None:
    """The claim held in an open claim file; None when it holds none (raises OSError)."""
    return os.pread(fd, CLAIM_WIDTH, 0).decode("ascii", "replace").strip() or None


def read_claim(path: Path) -> str | None:
    """The folder state the cache at ``path`` claims; None when it claims none."""
    try:
        fd = os.open(claim_file(path), os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return None
    try:
        return _claim_in(fd)
    except OSError:
        return None
    finally:
        os.close(fd)


def claim_holds(path: Path, source: Source) -> bool:
    """Whether the claim holds for ``source``'s folder now (see the module's docstring)."""
    state = source.folder_state()
    return state is not None and read_claim(path) == state


def untrusted(connection: sqlite3.Connection, path: Path, source: Source) -> list[str] | None:
    """The ids whose rows may be stale while the claim holds (the dirty ones: read them from their
    files, every other row is fresh); None when the claim does not hold (then every stamp is checked).

    The dirty ids are read first, which fixes the transaction's view of the cache: a claim seen
    after it covers every row of that view but the dirty ones.
    """
    dirty = [debrief_id for (debrief_id,) in connection.execute("SELECT id FROM dirty ORDER BY id")]
    return dirty if claim_holds(path, source) else None


def current_stamps(source: Source, debrief_ids: Iterable[str]) -> dict[str, Stamp]:
    """The stamps of some debriefs' files now; one that is gone has none."""
    stamps: dict[str, Stamp] = {}
    for debrief_id in debrief_ids:
        stamp = source.stamp_of(debrief_id)
        if stamp is not None:
            stamps[debrief_id] = stamp
    return stamps


def claimed_stamps(source: Source, cache: FactsCache) -> dict[str, Stamp] | None:
    """Each id with its file's stamp, from the cache alone when its claim holds (only the dirty
    debriefs' files are statted); None when it does not (then ``source.stamps()`` is the way)."""
    try:
        connection = _open_read(cache.path)
    except CacheUnusable:
        return None
    try:
        connection.execute("BEGIN")
        dirty = untrusted(connection, cache.path, source)
        if dirty is None:
            return None
        stamps = {id_: _parse_stamp(stamp) for id_, stamp in connection.execute("SELECT id, stamp FROM rows")}
    except (sqlite3.Error, ValueError):
        return None
    finally:
        connection.close()
    for debrief_id in dirty:
        stamps.pop(debrief_id, None)
    stamps.update(current_stamps(source, dirty))
    return stamps


def cache_path(root: Path) -> Path:
    """The cache of a database folder: beside the home index."""
    return root / "index" / CACHE_NAME


# -- rows -----------------------------------------------------------------------------------------


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def encode_facts(facts: Facts) -> bytes:
    """``Facts`` as compact JSON (dates as ISO text)."""
    return orjson.dumps([
        facts.id, facts.company, facts.contact, facts.lost_on.isoformat(), facts.lost_to, facts.stage,
        facts.value, facts.status, facts.buyer, facts.guessed, facts.red_flags,
        [[done, _iso(due_on), text] for done, due_on, text in facts.actions],
        _iso(facts.next_check_in), _iso(facts.move_on), facts.follow_ups,
        [[qid, text, str(state)] for qid, text, state in facts.answers], facts.summary,
    ])


def decode_facts(raw: bytes) -> Facts:
    """The ``Facts`` that ``encode_facts`` wrote."""
    from debrief.core.model import AnswerState
    from debrief.core.review.facts import Facts

    (id_, company, contact, lost_on, lost_to, stage, value, status, buyer, guessed, flags, actions,
     check_in, move_on, follow_ups, answers, summary) = orjson.loads(raw)
    return Facts(
        id=id_, company=company, contact=contact, lost_on=date.fromisoformat(lost_on), lost_to=lost_to,
        stage=stage, value=value, status=status, buyer=tuple(buyer), guessed=tuple(guessed),
        red_flags=tuple(flags), actions=tuple((done, _day(due_on), text) for done, due_on, text in actions),
        next_check_in=_day(check_in), move_on=_day(move_on), follow_ups=follow_ups,
        answers=tuple((qid, text, AnswerState(state)) for qid, text, state in answers), summary=summary)


def encode_doc(doc: SearchDoc) -> bytes:
    """A ``SearchDoc`` without its folded ``blob`` (the full-text table holds that)."""
    return orjson.dumps([doc.id, doc.company, doc.contact, doc.lost_on.isoformat(), doc.lost_to,
                         [[item.label, item.text] for item in doc.fields]])


def decode_doc(raw: bytes, blob: str) -> SearchDoc:
    """The ``SearchDoc`` that ``encode_doc`` wrote, with its ``blob``."""
    id_, company, contact, lost_on, lost_to, fields = orjson.loads(raw)
    return SearchDoc(id=id_, company=company, contact=contact, lost_on=date.fromisoformat(lost_on),
                     lost_to=lost_to, fields=tuple(SearchField(label, text) for label, text in fields), blob=blob)


@dataclass(frozen=True, slots=True)
class Row:
    """What the cache holds of one debrief."""

    id: str
    stamp: str
    facts: Facts
    doc: SearchDoc


def row_of(debrief: Debrief, stamp: Stamp, key: str | None = None) -> Row:
    """Work out the cache row of one debrief read from (or written to) a file with ``stamp``.

    ``key`` names it in its source when that is not its id (a teammate's ``rep/id``).
    """
    from debrief.core.review.facts import facts_of
    from debrief.core.review.search import search_doc

    facts, doc = facts_of(debrief), search_doc(debrief)
    if key is not None and key != debrief.id:
        facts, doc = dataclasses.replace(facts, id=key), dataclasses.replace(doc, id=key)
    return Row(facts.id, stamp_text(stamp), facts, doc)


Counted = list[list[object]]
"""What one row adds to ``agg``: [key, n, a, b, c, d, e] each, the key a JSON list naming the count."""


def _counted(facts: Facts, said: list[str], hits: list[str], quarter: str, cents: int) -> Counted:
    """The counts one debrief adds, as ``cached_stats`` reads them back (the same as ``Tally.add``)."""
    heard = int(bool(said))
    done = sum(1 for is_done, _due, _text in facts.actions if is_done)
    counted: Counted = [["t", 1, heard, int(bool(facts.guessed)), cents, done, len(facts.actions) - done],
                        ["l", 1, facts.follow_ups, 0, 0, 0, 0]]
    counted += [["r", "b", tag, 1, 0, 0, 0, 0, 0] for tag in said]
    guessed: dict[str, int] = {}
    for tag in facts.guessed:
        guessed[tag] = guessed.get(tag, 0) + 1
    counted += [["r", "g", tag, count, 0, 0, 0, 0, 0] for tag, count in guessed.items()]
    confirmed: dict[str, int] = {}
    for tag in hits:
        confirmed[tag] = confirmed.get(tag, 0) + 1
    counted += [["r", "c", tag, count, 0, 0, 0, 0, 0] for tag, count in confirmed.items()]
    for dim, name, typed in (("lost_to", facts.lost_to.casefold(), facts.lost_to),
                             ("stage", facts.stage.casefold(), facts.stage), ("quarter", quarter, quarter)):
        counted.append(["g", dim, name, typed, 1, cents, 0, 0, 0, 0])
        counted += [["gr", dim, name, tag, 1, 0, 0, 0, 0, 0] for tag in said]
    flags: dict[str, int] = {}
    for flag in facts.red_flags:
        flags[flag] = flags.get(flag, 0) + 1
    for flag, count in flags.items():
        counted.append(["f", flag, count, count * heard, 0, 0, 0, 0])
        counted += [["fr", flag, tag, count, 0, 0, 0, 0, 0] for tag in said]
    if said and facts.guessed:
        counted.append(["q", quarter, 1, len(facts.guessed), len(hits), 0, 0, 0])
    questions: dict[str, list[int]] = {}
    for qid, _text, state in facts.answers:
        entry = questions.setdefault(qid, [0, 0, 0])
        entry[0] += 1
        entry[1] += str(state) == "unclear"
        entry[2] += str(state) == "clarified"
    counted += [["a", qid, *entry, 0, 0, 0] for qid, entry in questions.items()]
    # The key is everything but the last six numbers.
    return [[orjson.dumps(item[:-6]).decode(), *item[-6:]] for item in counted]


def _add_counts(connection: sqlite3.Connection, counted: Counted, sign: int) -> None:
    """Add (or with ``sign`` -1 take away) one row's counts; a count that reaches no row goes."""
    connection.executemany(
        "INSERT INTO agg VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (k) DO UPDATE SET n = n + excluded.n, "
        "a = a + excluded.a, b = b + excluded.b, c = c + excluded.c, d = d + excluded.d, e = e + excluded.e",
        [(key, *(sign * int(value) for value in values)) for key, *values in counted])  # type: ignore[call-overload]
    if sign < 0:
        connection.executemany("DELETE FROM agg WHERE k = ? AND n = 0", [(item[0],) for item in counted])


def _rowid(key: str) -> int:
    """A stable SQLite rowid for a key: an id (six characters of a 31-letter alphabet) read as a
    number; any other key (``rep/id``) a 62-bit hash above every id's number. Two keys that met on
    one number would fail that write, and their rows would be read from their files."""
    from debrief.core.ids import ID_ALPHABET, is_valid_id

    if not is_valid_id(key):
        digest = hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).digest()
        return (1 << 40) + (int.from_bytes(digest, "big") >> 3)
    number = 0
    for char in key:
        number = number * len(ID_ALPHABET) + ID_ALPHABET.index(char)
    return number + 1


class FilesSource:
    """A source of debriefs kept one a file outside a store (a team's shared debriefs): ``files``
    lists (key, path) now, ``load`` reads one file (raising StoreError when it cannot)."""

    def __init__(self, files: Callable[[], Iterable[tuple[str, Path]]], load: Callable[[Path], Debrief]) -> None:
        self._files = files
        self._load = load
        self._paths: dict[str, Path] = {}

    def stamps(self) -> dict[str, Stamp]:
        stamps: dict[str, Stamp] = {}
        self._paths = {}
        for key, path in self._files():
            stamp = file_stamp(path)
            if stamp is not None:
                stamps[key] = stamp
                self._paths[key] = path
        return stamps

    def folder_state(self) -> str | None:
        return None  # teammates' files change through git, not through one writer: stamp each

    def stamp_of(self, debrief_id: str) -> Stamp | None:
        path = self._paths.get(debrief_id)
        return file_stamp(path) if path is not None else None

    def get(self, debrief_id: str) -> Debrief:
        from debrief.core.store_errors import NotFound

        path = self._paths.get(debrief_id)
        if path is None:
            raise NotFound(f"no shared debrief {debrief_id!r}")
        return self._load(path)


# -- the file -------------------------------------------------------------------------------------


SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rows (
    n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, stamp TEXT NOT NULL, company TEXT NOT NULL,
    lost_on TEXT NOT NULL, quarter TEXT NOT NULL, cents INTEGER NOT NULL,
    lost_to TEXT NOT NULL, lost_to_key TEXT NOT NULL, stage TEXT NOT NULL, stage_key TEXT NOT NULL,
    heard INTEGER NOT NULL, guessed_n INTEGER NOT NULL, judged INTEGER NOT NULL, hits INTEGER NOT NULL,
    follow_ups INTEGER NOT NULL, items_done INTEGER NOT NULL, items_open INTEGER NOT NULL,
    check_in TEXT, move_on TEXT, s_status TEXT, s_call_at TEXT, s_check_in TEXT, s_move_on TEXT);
-- The small summary first: reading it never walks the pages of the larger facts and text.
CREATE TABLE IF NOT EXISTS blobs (n INTEGER PRIMARY KEY, summary BLOB NOT NULL, counted BLOB NOT NULL,
                                  facts BLOB NOT NULL, doc BLOB NOT NULL);
-- The counts of every row, kept with +1/-1 on each save (``counted`` holds what a row added), so
-- that stats reads a few hundred rows instead of counting 100,000.
CREATE TABLE IF NOT EXISTS agg (k TEXT PRIMARY KEY, n INTEGER NOT NULL, a INTEGER NOT NULL, b INTEGER NOT NULL,
                                c INTEGER NOT NULL, d INTEGER NOT NULL, e INTEGER NOT NULL) WITHOUT ROWID;
-- The index summaries the due rule can ever pick (logged and not booked, or with a call, check-in
-- or move-on date), narrow so that the rule's candidates are found without the larger rows.
CREATE TABLE IF NOT EXISTS due (n INTEGER PRIMARY KEY, s_status TEXT, s_call_at TEXT, s_check_in TEXT,
                                s_move_on TEXT, summary BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS rows_lost_on ON rows (lost_on);
CREATE TABLE IF NOT EXISTS reasons (n INTEGER NOT NULL, kind TEXT NOT NULL, tag TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS reasons_n ON reasons (n);
-- Covering indexes: each count of ``cached_stats`` walks one index in order, no sorting.
CREATE INDEX IF NOT EXISTS reasons_kt ON reasons (kind, tag);
CREATE INDEX IF NOT EXISTS rows_lost_to ON rows (lost_to_key, lost_to, cents);
CREATE INDEX IF NOT EXISTS rows_stage ON rows (stage_key, stage, cents);
CREATE INDEX IF NOT EXISTS rows_quarter ON rows (quarter, cents);
CREATE TABLE IF NOT EXISTS flags (n INTEGER NOT NULL, flag TEXT NOT NULL, heard INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS flags_n ON flags (n);
CREATE INDEX IF NOT EXISTS flags_f ON flags (flag, heard);
CREATE TABLE IF NOT EXISTS actions (n INTEGER NOT NULL, pos INTEGER NOT NULL, due TEXT NOT NULL, text TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS actions_n ON actions (n);
CREATE TABLE IF NOT EXISTS answers (n INTEGER NOT NULL, id TEXT NOT NULL, qid TEXT NOT NULL, text TEXT NOT NULL,
                                    state TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS answers_n ON answers (n);
CREATE INDEX IF NOT EXISTS answers_q ON answers (qid, id, state, text);
CREATE VIRTUAL TABLE IF NOT EXISTS words USING fts5(blob, tokenize = 'trigram case_sensitive 1');
-- Debriefs whose file a writer changed (or began to) after their row was written: never trusted.
CREATE TABLE IF NOT EXISTS dirty (n INTEGER PRIMARY KEY, id TEXT NOT NULL);
"""
ROW_TABLES = ("blobs", "due", "reasons", "flags", "actions", "answers", "dirty", "words")
"""Tables with rows of one debrief beside its main row, dropped and written again on each save."""


def _version() -> str:
    from debrief import __version__

    return f"{SCHEMA_VERSION}/{__version__}"


class CacheUnusable(Exception):
    """The cache cannot be read now (missing, damaged, another version, busy): read the files."""


def _open_read(path: Path) -> sqlite3.Connection:
    """A read-only connection that never creates or changes a file; CacheUnusable otherwise."""
    try:
        info = os.lstat(path)
    except OSError:
        raise CacheUnusable("no cache yet") from None
    if not stat.S_ISREG(info.st_mode):
        raise CacheUnusable("not a regular file")
    try:
        connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=BUSY_MS / 1000,
                                     check_same_thread=False)
    except sqlite3.Error as error:
        raise CacheUnusable(str(error)) from None
    try:
        found = connection.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
    except sqlite3.Error as error:
        connection.close()
        raise CacheUnusable(str(error)) from None
    if found is None or found[0] != _version():
        connection.close()
        raise CacheUnusable("another version")
    return connection


class FactsCache:
    """The cache file of one source. Writers go through ``record``/``forget``/``rebuild``."""

    def __init__(self, path: Path, empty_folder: Callable[[], bool] | None = None) -> None:
        self.path = Path(path)
        self._writer: sqlite3.Connection | None = None
        self._claim_fd: int | None = None
        self._empty_folder = empty_folder
        """Whether the source's folder holds no file now (a claim for a cache with no row)."""

    # -- writing ---------------------------------------------------------------------------------

    def _connect_write(self) -> sqlite3.Connection:
        """The writing connection, made on first use. A file that is damaged, of another version or
        not a database at all is removed and started afresh (it is derived data); its rows come
        back with the next saves, the app's review screens and ``repair``."""
        if self._writer is not None:
            return self._writer
        with contextlib.suppress(FileNotFoundError):
            if not stat.S_ISREG(os.lstat(self.path).st_mode):
                raise CacheUnusable(f"{self.path} is not a regular file; the cache is not written")
        try:
            connection = self._connect_existing()
        except sqlite3.DatabaseError as error:
            if isinstance(error, sqlite3.OperationalError):
                raise  # busy or unwritable: try again at the next save
            connection = None
        fresh = connection is None
        if connection is None:
            self._reset()
            connection = self._connect()
            try:
                connection.executescript(SCHEMA)
                connection.execute("INSERT OR REPLACE INTO meta VALUES ('version', ?)", (_version(),))
            except BaseException:
                connection.close()
                raise
        try:
            self._claim_fd = os.open(claim_file(self.path), os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        except OSError:
            connection.close()
            raise
        self._writer = connection
        if fresh:
            self._set_claim(None)  # a claim left beside a cache that was removed vouches for nothing
        return connection

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=BUSY_MS / 1000, check_same_thread=False,
                                     isolation_level=None)
        try:
            os.chmod(self.path, 0o600)
            # A rollback journal, so that readers never create a file (WAL readers do); kept between
            # commits (its header zeroed) rather than created and deleted on every save.
            connection.execute("PRAGMA journal_mode = PERSIST")
            # Derived data: a lost commit is caught by the stamps, a damaged file is rebuilt.
            connection.execute("PRAGMA synchronous = OFF")
        except BaseException:
            connection.close()
            raise
        return connection

    def _connect_existing(self) -> sqlite3.Connection | None:
        """A connection to the cache as it is, or None when it must start afresh."""
        connection = self._connect()
        try:
            found = connection.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
        except sqlite3.OperationalError as error:
            connection.close()
            if "no such table" in str(error):
                return None
            raise
        except BaseException:
            connection.close()
            raise
        if found is None or found[0] != _version():
            connection.close()
            return None
        return connection

    def _reset(self) -> None:
        """Remove a cache file that is damaged or of another version (its claim first, then its
        journal): a claim must never outlive the rows it vouched for."""
        self._close_claim()
        for suffix in ("-claim", "", "-journal", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(f"{self.path}{suffix}")

    def close(self) -> None:
        """Let go of the writing connection."""
        if self._writer is not None:
            with contextlib.suppress(sqlite3.Error):
                self._writer.close()
            self._writer = None
        self._close_claim()

    def _close_claim(self) -> None:
        if self._claim_fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._claim_fd)
            self._claim_fd = None

    def _own_claim(self) -> str | None:
        """The claim as the writer reads it (through its open claim file)."""
        return None if self._claim_fd is None else _claim_in(self._claim_fd)

    def _set_claim(self, state: str | None) -> bool:
        """Make the claim for ``state``, or withdraw it (None). One write of a fixed width, never
        synced: the claim is a hint for readers that a killed writer leaves stale, never wrong
        (see ``move_claim``); a write that fails withdraws it if it can."""
        text = state or ""
        if self._claim_fd is None or len(text) > CLAIM_WIDTH:
            return False
        try:
            os.pwrite(self._claim_fd, text.ljust(CLAIM_WIDTH).encode("ascii"), 0)
        except OSError:
            with contextlib.suppress(OSError):
                os.pwrite(self._claim_fd, b" " * CLAIM_WIDTH, 0)
            return False
        return True

    def _guarded(self, action: Callable[[sqlite3.Connection], None]) -> bool:
        """Run one write transaction; on any failure the cache is left (its stamps keep it right)."""
        try:
            connection = self._connect_write()
        except (sqlite3.Error, OSError, CacheUnusable):
            self.close()
            return False
        try:
            connection.execute("BEGIN IMMEDIATE")
            try:
                action(connection)
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")
        except sqlite3.DatabaseError as error:
            self.close()
            if not isinstance(error, sqlite3.OperationalError):
                self._reset()  # damaged: the next writer starts afresh
            return False
        except OSError:
            self.close()
            return False
        return True

    @staticmethod
    def _put(connection: sqlite3.Connection, row: Row) -> None:
        """One debrief's rows: its facts as they are, and laid out for counting in SQL (``read_tally``)."""
        from debrief.core.review.facts import cents_of, quarter_of

        n = _rowid(row.id)
        FactsCache._drop(connection, [row.id])
        facts = row.facts
        said = sorted(set(facts.buyer))
        hits = [tag for tag in facts.guessed if tag in said] if said and facts.guessed else []
        summary = facts.summary
        counted = _counted(facts, said, hits, quarter_of(facts.lost_on), cents_of(facts.value))
        _add_counts(connection, counted, 1)
        summary_raw = orjson.dumps(summary)
        connection.execute("INSERT INTO blobs VALUES (?, ?, ?, ?, ?)",
                           (n, summary_raw, orjson.dumps(counted), encode_facts(facts), encode_doc(row.doc)))
        status = summary.get("status") or "logged"
        if (status == "logged" and not summary.get("call_at")) or summary.get("call_at") \
                or summary.get("next_check_in") or summary.get("move_on"):
            connection.execute("INSERT INTO due VALUES (?, ?, ?, ?, ?, ?)",
                               (n, summary.get("status"), summary.get("call_at"), summary.get("next_check_in"),
                                summary.get("move_on"), summary_raw))
        connection.execute(
            "INSERT INTO rows VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (n, row.id, row.stamp, facts.company,
             facts.lost_on.isoformat(), quarter_of(facts.lost_on), cents_of(facts.value),
             facts.lost_to, facts.lost_to.casefold(), facts.stage, facts.stage.casefold(),
             int(bool(said)), len(facts.guessed), int(bool(said and facts.guessed)), len(hits), facts.follow_ups,
             sum(1 for done, _due, _text in facts.actions if done),
             sum(1 for done, _due, _text in facts.actions if not done),
             _iso(facts.next_check_in), _iso(facts.move_on), summary.get("status"), summary.get("call_at"),
             summary.get("next_check_in"), summary.get("move_on")))
        connection.executemany("INSERT INTO reasons VALUES (?, ?, ?)",
                               [(n, "b", tag) for tag in said] + [(n, "g", tag) for tag in facts.guessed]
                               + [(n, "c", tag) for tag in hits])
        connection.executemany("INSERT INTO flags VALUES (?, ?, ?)",
                               [(n, flag, int(bool(said))) for flag in facts.red_flags])
        connection.executemany("INSERT INTO actions VALUES (?, ?, ?, ?)",
                               [(n, pos, due_on.isoformat(), text)
                                for pos, (done, due_on, text) in enumerate(facts.actions)
                                if not done and due_on is not None])
        connection.executemany("INSERT INTO answers VALUES (?, ?, ?, ?, ?)",
                               [(n, row.id, qid, text, str(state)) for qid, text, state in facts.answers])
        connection.execute("INSERT INTO words (rowid, blob) VALUES (?, ?)", (n, row.doc.blob))

    @staticmethod
    def _drop(connection: sqlite3.Connection, debrief_ids: Iterable[str]) -> None:
        for debrief_id in debrief_ids:
            n = _rowid(debrief_id)
            found = connection.execute("SELECT counted FROM blobs WHERE n = ?", (n,)).fetchone()
            if found is not None:
                _add_counts(connection, orjson.loads(found[0]), -1)
            connection.execute("DELETE FROM words WHERE rowid = ?", (n,))
            for table in ROW_TABLES[:-1]:
                connection.execute(f"DELETE FROM {table} WHERE n = ?", (n,))
            connection.execute("DELETE FROM rows WHERE n = ?", (n,))

    def mark(self, debrief_ids: Iterable[str], state: str | None) -> bool:
        """Before a writer changes these debriefs' files: mark them dirty (committed, so that a
        writer killed before their rows leaves them marked); True when the claim held for
        ``state``, so that the writer may move it to the folder's new state. Marks already there
        cost no commit: an autosave of the debrief being typed in reads one count here."""
        ids = list(debrief_ids)
        try:
            connection = self._connect_write()
            claim = self._own_claim()
            if claim is None:
                # A cache with no row, of a folder with no file (a new database), is complete too.
                empty = connection.execute("SELECT 1 FROM rows LIMIT 1").fetchone() is None
                held = empty and state is not None and self._empty_folder is not None and self._empty_folder()
            else:
                held = claim == state
            if not held:
                return False  # readers check every stamp: no mark is needed
            numbers = [_rowid(debrief_id) for debrief_id in ids]
            among = f"n IN ({', '.join('?' * len(numbers))})"
            (already,) = connection.execute(f"SELECT count(*) FROM dirty WHERE {among}", numbers).fetchone()
            if already == len(set(numbers)):
                return True
            marked = {n for (n,) in connection.execute(f"SELECT n FROM dirty WHERE {among}", numbers)}
        except (sqlite3.Error, OSError, CacheUnusable):
            self.close()
            return False
        unmarked = [(n, debrief_id) for n, debrief_id in zip(numbers, ids, strict=True) if n not in marked]

        def add_marks(connection: sqlite3.Connection) -> None:
            connection.executemany("INSERT OR REPLACE INTO dirty VALUES (?, ?)", unmarked)

        if not self._guarded(add_marks):
            return False
        # The empty folder's claim, made now for the writer to move.
        return claim is not None or self._set_claim(state)

    def move_claim(self, state: str | None) -> bool:
        """After a writer that held the claim changed files and left their rows dirty: the claim
        follows the folder to ``state`` (withdrawn when None).

        No transaction: the claim is a file of its own, rewritten in one write. A reader trusts a
        row only when it is not marked dirty in its view of the cache and the claim equals the
        folder's state; a writer marks a debrief (committed) before it renames its file, so a
        writer killed anywhere leaves the debrief marked or the claim on a state the folder has
        left, and the claim moves only once the files it covers are marked or have their rows.
        """
        return self._set_claim(state)

    def dirty(self) -> list[str]:
        """The ids marked dirty, for the writer that settles them; empty when the cache is unusable."""
        try:
            connection = self._connect_write()
            return [debrief_id for (debrief_id,) in connection.execute("SELECT id FROM dirty ORDER BY id")]
        except (sqlite3.Error, OSError, CacheUnusable):
            self.close()
            return []

    def settle(self, rows: Iterable[Row], gone: Iterable[str] = ()) -> bool:
        """Rows worked out under the database's lock from files whose stamps they carry, so they are
        fresh: stored with their marks cleared, the claim left as it is; ``gone`` ids lose theirs."""
        items, missing = list(rows), list(gone)

        def put_all(connection: sqlite3.Connection) -> None:
            for row in items:
                self._put(connection, row)
            self._drop(connection, missing)

        return self._guarded(put_all)

    def record(self, rows: Iterable[Row], claim: str | None = None) -> bool:
        """Store rows (a save, an import; their marks cleared), and make the folder claim with
        ``claim`` or withdraw it without; False when the cache could not be written."""
        items = list(rows)

        def put_all(connection: sqlite3.Connection) -> None:
            for row in items:
                self._put(connection, row)

        # The claim after the rows: made only for a view of the cache that holds them.
        written = self._guarded(put_all)
        return self._set_claim(claim if written else None) and written

    def forget(self, debrief_ids: Iterable[str], claim: str | None = None) -> bool:
        """Drop the rows of deleted debriefs (the claim made with ``claim``, withdrawn without)."""
        ids = list(debrief_ids)

        def drop(connection: sqlite3.Connection) -> None:
            self._drop(connection, ids)

        written = self._guarded(drop)
        return self._set_claim(claim if written else None) and written

    def rebuild(self, source: Source, on_damaged: Callable[[str, str], None] | None = None) -> int:
        """Work out every row afresh from the source (``repair``); returns how many were stored."""
        self.close()
        self._reset()
        damaged: list[str] = []

        def note(debrief_id: str, reason: str) -> None:
            damaged.append(debrief_id)
            if on_damaged is not None:
                on_damaged(debrief_id, reason)

        # Under the database's lock: no writer changes the folder meanwhile. A damaged file has no
        # row, so it would go unreported under a claim: then there is none.
        before = source.folder_state()
        rows = fresh_rows(source, source.stamps(), note)
        after = source.folder_state()
        self.record(rows, claim=after if after is not None and after == before and not damaged else None)
        return len(rows)

    # -- reading ---------------------------------------------------------------------------------

    def blobs(self) -> dict[str, str]:
        """The folded search text of every cached debrief: id -> text."""
        return _read_blobs(self)

    def stored(self, source: Source | None = None) -> dict[str, tuple[str, bytes, bytes]]:
        """Every row as stored: id -> (stamp, facts, doc); empty when the cache is unusable."""
        return self.stored_claimed(source)[0]

    def stored_claimed(self, source: Source | None = None
                       ) -> tuple[dict[str, tuple[str, bytes, bytes]], list[str] | None]:
        """``stored``, and ``untrusted`` for ``source`` (read in one transaction): None when the
        claim does not hold, else the dirty ids, whose rows are not to be trusted."""
        try:
            connection = _open_read(self.path)
        except CacheUnusable:
            return {}, None
        try:
            connection.execute("BEGIN")
            dirty = untrusted(connection, self.path, source) if source is not None else None
            return {id_: (stamp, facts, doc) for id_, stamp, facts, doc in connection.execute(
                "SELECT rows.id, rows.stamp, blobs.facts, blobs.doc FROM rows JOIN blobs ON blobs.n = rows.n")}, dirty
        except sqlite3.Error:
            return {}, None
        finally:
            connection.close()


def fresh_rows(source: Source, stamps: Mapping[str, Stamp], unreadable: Callable[[str, str], None] | None,
                ids: Iterable[str] | None = None) -> list[Row]:
    """Rows worked out from the files of ``ids`` (all of ``stamps`` by default).

    The stamp is the one seen before the file was read: if the file changes while it is read, the
    row is stale at once and read again next time, never trusted with newer content.
    """
    from debrief.core.store_errors import NotFound, StoreError

    rows: list[Row] = []
    # A source whose rows are more than a debrief's facts (a teammate's, never due) makes them itself.
    make: Callable[[str, Stamp], Row] | None = getattr(source, "make_row", None)
    for debrief_id in sorted(stamps) if ids is None else ids:
        try:
            if make is not None:
                rows.append(make(debrief_id, stamps[debrief_id]))
                continue
            debrief = source.get(debrief_id)
        except NotFound:
            continue
        except StoreError as error:
            if unreadable is not None:
                unreadable(debrief_id, str(error))
            continue
        rows.append(row_of(debrief, stamps[debrief_id], debrief_id))
    return rows


@dataclass
class Snapshot:
    """What the cache and the files together say now, for every debrief of one source."""

    facts: dict[str, Facts] = field(default_factory=dict)
    docs: dict[str, SearchDoc] = field(default_factory=dict)
    unreadable: list[str] = field(default_factory=list)
    read_from_files: int = 0
    """How many debriefs had to be read from their files (stale or missing rows)."""


def _stale(stored: Mapping[str, str], stamps: Mapping[str, Stamp]) -> list[str]:
    return sorted(i for i, stamp in stamps.items() if stored.get(i) != stamp_text(stamp))


def read_facts(source: Source, cache: FactsCache, *, write: bool = False,
               skipped: Callable[[str, str], None] | None = None, docs: bool = False,
               progress: Callable[[int, int], None] | None = None) -> Snapshot:
    """The facts (and with ``docs`` the search text) of every debrief, from the cache where fresh.

    ``write``: bring the stale rows into the cache, and make the folder claim when nothing else
    changed (a writing process holding the database's lock only; read-only commands leave every
    file as it was). ``skipped(id, reason)`` hears of each damaged debrief file.
    """
    seen = settled_state(source) if write else None
    stored, dirty = cache.stored_claimed(source)
    trusted = dirty is not None
    snapshot = Snapshot()
    unreadable: list[str] = []

    def damaged(debrief_id: str, reason: str) -> None:
        unreadable.append(debrief_id)
        if skipped is not None:
            skipped(debrief_id, reason)

    if dirty is not None:
        # Under a claim every row but the dirty ones is fresh: only their files are looked at.
        marked = set(dirty)
        stamps = {i: _parse_stamp(row[0]) for i, row in stored.items() if i not in marked}
        fresh_stamps = current_stamps(source, dirty)
        stamps.update(fresh_stamps)
        stale = sorted(fresh_stamps)
    else:
        stamps = source.stamps()
        stale = _stale({i: row[0] for i, row in stored.items()}, stamps)
    fresh: list[Row] = []
    for done, chunk_start in enumerate(range(0, len(stale), CHUNK), start=1):
        chunk = stale[chunk_start:chunk_start + CHUNK]
        fresh += fresh_rows(source, stamps, damaged, chunk)
        if progress is not None:
            progress(min(done * CHUNK, len(stale)), len(stale))
    stale_set = set(stale)
    blobs = _blobs(cache) if docs else {}
    for debrief_id in sorted(stamps):
        if debrief_id in stale_set:
            continue
        _stamp, facts_raw, doc_raw = stored[debrief_id]
        snapshot.facts[debrief_id] = decode_facts(facts_raw)
        if docs:
            snapshot.docs[debrief_id] = decode_doc(doc_raw, blobs.get(debrief_id, ""))
    for row in fresh:
        snapshot.facts[row.id] = row.facts
        if docs:
            snapshot.docs[row.id] = row.doc
    snapshot.facts = dict(sorted(snapshot.facts.items()))
    if docs:
        snapshot.docs = dict(sorted(snapshot.docs.items()))
    snapshot.unreadable = sorted(unreadable)
    snapshot.read_from_files = len(stale)
    gone = [i for i in stored if i not in stamps]
    # A writer that found the folder unchanged since before it looked (and nothing damaged, which
    # would go unreported under a claim) makes the claim with the rows it brings up to date.
    claim = seen if (seen is not None and not trusted and not unreadable
                     and source.folder_state() == seen) else None
    # Under a claim the dirty rows are left to the files' writer (``Store.settle_facts``).
    if write and not trusted and gone:
        cache.forget(gone)
    if write and not trusted and (fresh or claim is not None):
        cache.record(fresh, claim=claim)
    return snapshot


def _parse_stamp(text: str) -> Stamp:
    ino, size, mtime = text.split(":")
    return (int(ino), int(size), int(mtime))


def _blobs(cache: FactsCache) -> dict[str, str]:
    """The folded search text of every cached debrief, from the full-text table."""
    return cache.blobs()


def _read_blobs(cache: FactsCache) -> dict[str, str]:
    try:
        connection = _open_read(cache.path)
    except CacheUnusable:
        return {}
    try:
        return dict(connection.execute("SELECT rows.id, words.blob FROM rows JOIN words ON words.rowid = rows.n"))
    except sqlite3.Error:
        return {}
    finally:
        connection.close()


def _fts_phrase(term: str) -> str:
    """A term as an FTS5 string (a phrase of trigrams: the text must hold it as it is)."""
    return '"' + term.replace('"', '""') + '"'


def search_cached(source: Source, cache: FactsCache, query: str, limit: int = 100,
                  skipped: Callable[[str, str], None] | None = None) -> SearchResults:
    """``search`` over every debrief, reading only the debriefs the full-text index points to.

    The index narrows down to the debriefs whose folded text holds every term of three characters
    or more; ``search`` itself then checks and ranks them exactly as it does over all debriefs
    (first over their folded text alone, then with the fields of the best ``limit`` to cut the
    snippets), and stale or missing rows are read from their files: the same answer as reading
    everything.
    """
    terms = query_terms(query)
    if not terms:
        return search([], query, limit=limit)
    long_terms = [term for term in terms if len(term) >= MIN_TRIGRAM]
    stamps: dict[str, Stamp] = {}
    light: list[SearchDoc] = []
    full: dict[str, SearchDoc] = {}
    dirty: list[str] | None = None
    stored_stamps: dict[str, str] = {}
    try:
        connection = _open_read(cache.path)
    except CacheUnusable:
        connection = None
    if connection is not None:
        try:
            connection.execute("BEGIN")
            dirty = untrusted(connection, cache.path, source)
            trusted = dirty is not None
            # Under a claim every row but the dirty ones is fresh; otherwise each file's stamp is checked.
            stamps = current_stamps(source, dirty) if dirty is not None else source.stamps()
            stored_stamps = dict(connection.execute("SELECT id, stamp FROM rows")) if dirty is None else {}
            marked = set(dirty or ())
            select = ("SELECT rows.n, rows.id, rows.stamp, rows.lost_on, words.blob FROM words "
                      "JOIN rows ON rows.n = words.rowid")
            if long_terms:
                found = connection.execute(select + " WHERE words MATCH ?",
                                           (" AND ".join(_fts_phrase(term) for term in long_terms),))
            else:
                found = connection.execute(select)
            numbers: dict[str, int] = {}
            for n, id_, stamp, lost_on, blob in found:
                current = stamps.get(id_)
                if id_ not in marked if trusted else (current is not None and stamp == stamp_text(current)):
                    numbers[id_] = n
                    light.append(SearchDoc(id=id_, company="", contact="", lost_on=date.fromisoformat(lost_on),
                                           lost_to="", fields=(), blob=blob))
            ranked = search(light, query, limit=limit)
            blobs = {doc.id: doc.blob for doc in light}
            for hit in ranked.hits:
                (raw,) = connection.execute("SELECT doc FROM blobs WHERE n = ?", (numbers[hit.doc.id],)).fetchone()
                full[hit.doc.id] = decode_doc(raw, blobs[hit.doc.id])
        except sqlite3.Error:
            stamps, stored_stamps, light, full, dirty = source.stamps(), {}, [], {}, None
        finally:
            connection.close()
    else:
        stamps = source.stamps()
    # The files of the dirty debriefs under a claim, of every stale or missing row otherwise.
    to_read = sorted(stamps) if dirty is not None else _stale(stored_stamps, stamps)
    fresh = [row.doc for row in fresh_rows(source, stamps, skipped, to_read)]
    # Ranked over everything; the snippets cut from the full text of the best ones only.
    total = search([*light, *fresh], query, limit=limit)
    best = [full.get(hit.doc.id, hit.doc) for hit in total.hits]
    results = search(best, query, limit=limit)
    return dataclasses.replace(results, total=total.total)
