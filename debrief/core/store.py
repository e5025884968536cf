"""The debrief database: TinyDB files in one folder, built so that no saved note is ever lost.

Layout of a database folder (every file is a TinyDB JSON file unless said otherwise)::

    debrief-db.json         marker and schema version: "this folder is a debrief database"
    lock                    empty; an exclusive flock on it guards every read-modify-write
    debriefs/<id>.json      one debrief per file, so an autosave rewrites ~16 KB, not the world
    index/<shard>.json      the summaries the home list needs, in 16 shards by id
    index/facts.sqlite      derived: what stats, patterns and search need (review/facts_cache.py)
    pending                 plain text: ids whose index entry is being changed (crash repair)
    tmp/                    temp files of atomic writes, cleaned when the lock is taken
    claims/<id>.lock        empty; flocked while a live call edits that debrief

Why: TinyDB's stock JSONStorage rewrites one whole file in place on every write (seconds at
10,000 debriefs, and a kill mid-write leaves it unreadable). Here every write goes to a temp file,
is fsynced, renamed over the old one and the folder fsynced: a crash leaves the old or the new
file, never a mix. One small file per debrief keeps a save at about a millisecond whatever the
number of debriefs, and the lock held across read-modify-write lets the app and a command run
side by side without losing an update.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import itertools
import os
import re
import secrets
import stat
import threading
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
from tinydb import TinyDB
from tinydb.storages import Storage

from debrief.core.file_lock import flock_within
from debrief.core.ids import ID_ALPHABET, ID_LENGTH, is_valid_id, new_id
from debrief.core.store_errors import CorruptFile, DatabaseBusy, NotFound, StoreError

__all__ = ["AtomicJSONStorage", "Claim", "CorruptFile", "DatabaseBusy", "InUse", "NotFound", "RepairReport", "Store",
           "StoreError", "atomic_write", "make_private_dirs", "read_private"]

if TYPE_CHECKING:
    from debrief.core.model import Debrief
    from debrief.core.review.facts_cache import FactsCache

MARKER = "debrief-db.json"
FORMAT = "debrief-db"
LAYOUT_VERSION = 1
"""Version of the folder's layout (debriefs/, index/ shards); each debrief carries its own schema."""
SHARDS = 16
LOCK_TIMEOUT = 10.0
PUT_BATCH = 2000
"""Debriefs ``put_many`` writes between two index rewrites."""
DEBRIEF_TABLE = "debrief"
INDEX_TABLE = "index"
META_TABLE = "meta"
FOLDERS = ("debriefs", "index", "tmp", "claims")
"""The database's own folders: each must be a real folder, never a symbolic link."""
MAX_PENDING_BYTES = 4_000_000
"""Largest ``pending`` file read: ids are a few bytes each; anything bigger is not ours."""
DEBRIEF_FILE = re.compile(rf"[{ID_ALPHABET}]{{{ID_LENGTH}}}\.json\Z")
"""The name of a debrief's file: its id and ``.json``."""
TEMP_NAME = re.compile(r"^[A-Za-z0-9_.-]+\.[0-9]+\.[0-9a-f]+\.tmp$")
"""The names ``atomic_write`` gives its temp files: the tmp cleaner deletes these and nothing else."""


@dataclass
class RepairReport:
    """What ``Store.repair`` did."""

    indexed: int = 0
    moved_aside: list[Path] = field(default_factory=list)
    damaged: list[str] = field(default_factory=list)
    """One line per debrief file that could not be read (left as it was)."""
    cached: int = 0
    """Debriefs whose facts the rebuilt facts cache holds."""


class InUse(Exception):
    """The debrief is claimed by another window (see ``Store.claim``)."""


class Claim:
    """An exclusive claim on one debrief, held while a window edits it live; the kernel drops it
    when the process dies, so a crash never leaves a debrief stuck."""

    def __init__(self, fd: int) -> None:
        self._fd: int | None = fd

    def release(self) -> None:
        """Give the debrief back (idempotent)."""
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _real_folder(folder: Path) -> bool:
    """Whether ``folder`` is a folder itself, not a symbolic link to one (nor missing)."""
    try:
        return stat.S_ISDIR(os.lstat(folder).st_mode)
    except OSError:
        return False


def make_private_dirs(folder: Path) -> None:
    """Create ``folder`` and every missing parent 0700, whatever the umask (they may hold names)."""
    from debrief.locations import ensure_private_dir

    ensure_private_dir(folder)  # the one helper every folder debrief creates goes through


def atomic_write(path: Path, data: bytes, tmp_dir: Path, durable: bool = True, *,
                 contained: bool = False) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves the old or the new bytes, never a mix.

    The temp file is created 0600 (prospects' words are private) under a fresh name no other
    file has (``O_EXCL``: never through a link someone left there), fsynced, renamed over the
    target, and the folder is fsynced so the rename itself survives a power cut.

    ``contained``: both folders belong to the database, so neither may be a symbolic link, and a
    target that is a link (or not a regular file) is refused rather than replaced.
    """
    name = f"{path.name}.{os.getpid()}.{secrets.token_hex(8)}.tmp"
    dir_fd: int | None = None
    created = False
    try:
        if contained:
            for folder in (tmp_dir, path.parent):
                if not _real_folder(folder):
                    raise StoreError(f"{folder} is not a real folder of the database (a symbolic link?); "
                                     "nothing was written")
            with contextlib.suppress(FileNotFoundError):
                if not stat.S_ISREG(os.lstat(path).st_mode):
                    raise StoreError(f"{path} is a symbolic link or not a regular file; "
                                     "debrief never writes through it")
        flags = os.O_RDONLY | os.O_DIRECTORY | (os.O_NOFOLLOW if contained else 0)
        dir_fd = os.open(tmp_dir, flags)
        fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600, dir_fd=dir_fd)
        created = True
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(name, path, src_dir_fd=dir_fd)
        created = False
        if durable:
            _fsync_dir(path.parent)
    except OSError as error:
        if error.errno == errno.ENOSPC:
            raise StoreError(f"disk full: {path.name} was not saved (the last save is intact)") from None
        if error.errno == errno.ELOOP:
            raise StoreError(f"{tmp_dir} is a symbolic link, not a folder of the database; "
                             "nothing was written") from None
        raise StoreError(f"cannot write {path}: {error.strerror or error}") from None
    finally:
        if dir_fd is not None:
            if created:
                with contextlib.suppress(OSError):
                    os.unlink(name, dir_fd=dir_fd)
            os.close(dir_fd)


def read_private(path: Path, limit: int | None = None) -> bytes:
    """The bytes of a file inside the database, never through a symbolic link, never a FIFO.

    Raises FileNotFoundError when it is absent and StoreError for a link, a non-regular file or
    (with ``limit``) a file larger than ``limit`` bytes.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        raise
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise StoreError(f"{path} is a symbolic link; debrief never reads through one "
                             "(put the file itself there)") from None
        raise StoreError(f"cannot read {path}: {error.strerror or error}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise StoreError(f"{path} is not a regular file; it was left untouched")
        if limit is not None and info.st_size > limit:
            raise StoreError(f"{path} is too large ({info.st_size:,} bytes, at most {limit:,})")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read() if limit is None else handle.read(limit + 1)
    except OSError as error:
        raise StoreError(f"cannot read {path}: {error.strerror or error}") from None
    finally:
        os.close(fd)


class AtomicJSONStorage(Storage):
    """A TinyDB storage that writes atomically and durably and reads with orjson.

    Reading a file that is not valid JSON raises CorruptFile: TinyDB must never "repair" it by
    writing an empty database over the rep's notes.
    """

    def __init__(self, path: str, tmp_dir: str, durable: bool = True) -> None:
        self.path = Path(path)
        self.tmp_dir = Path(tmp_dir)
        self.durable = durable

    def read(self) -> dict[str, dict[str, Any]] | None:
        try:
            raw = read_private(self.path)
        except FileNotFoundError:
            return None
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError:
            raise CorruptFile(f"{self.path} is damaged (not valid JSON); it was left untouched") from None
        if not isinstance(data, dict):
            raise CorruptFile(f"{self.path} is not a debrief database file; it was left untouched")
        return data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        atomic_write(self.path, orjson.dumps(data), self.tmp_dir, self.durable, contained=True)


def _shard_of(debrief_id: str) -> str:
    return f"{zlib.crc32(debrief_id.encode()) % SHARDS:02x}"


def _doc_id(debrief_id: str) -> int:
    """TinyDB keys documents by integers: the id read as a number in base 31 (one-to-one)."""
    number = 0
    for char in debrief_id:
        number = number * len(ID_ALPHABET) + ID_ALPHABET.index(char)
    return number + 1


class Store:
    """A debrief database folder. Every write is atomic, durable and under the folder's lock."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._lock_fd: int | None = None
        self._lock_depth = 0
        self._leftover: list[str] | None = None
        """Pending ids a writer found and could not finish (kept in ``pending`` after its write)."""
        self._thread_lock = threading.RLock()
        self._facts: FactsCache | None = None
        self._claim_held = False
        """Whether the facts cache's folder claim held when the write under way began."""

    # -- opening -------------------------------------------------------------------------------

    @classmethod
    def open(cls, root: Path | str) -> Store:
        """Open the database at ``root``, creating it (0700) if the path does not exist.

        An existing path that is not a debrief database (a file, or a folder with other things in
        it) is refused and left untouched.
        """
        root = Path(root).expanduser()
        if root.exists() and not root.is_dir():
            raise StoreError(f"{root} is a file, not a debrief database folder; it was left untouched")
        marker = root / MARKER
        if root.is_dir() and not marker.exists():
            try:
                has_content = any(root.iterdir())
            except OSError as error:
                raise StoreError(f"cannot open {root}: {error.strerror or error}") from None
            if has_content:
                raise StoreError(f"{root} is not a debrief database; it was left untouched")
        store = cls(root)
        if not marker.exists():
            store._create()
        store._check_marker()
        store._check_folders()
        return store

    def _create(self) -> None:
        try:
            make_private_dirs(self.root)
            os.chmod(self.root, 0o700)
            self._make_folders()
            lock = self.root / "lock"
            os.close(os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW, 0o600))
        except OSError as error:
            raise StoreError(f"cannot create a database at {self.root}: {error.strerror or error}") from None
        with self.locked():
            if not (self.root / MARKER).exists():
                meta = self._tinydb(self.root / MARKER).table(META_TABLE)
                meta.insert(
                    {
                        "format": FORMAT,
                        "layout_version": LAYOUT_VERSION,
                        "created_at": datetime.now().isoformat(timespec="seconds"),
                    }
                )

    def _check_marker(self) -> None:
        rows = self._tinydb(self.root / MARKER).table(META_TABLE).all()
        if not rows or rows[0].get("format") != FORMAT:
            raise StoreError(f"{self.root} is not a debrief database; it was left untouched")
        version = rows[0].get("layout_version", 1)
        if not isinstance(version, int) or version > LAYOUT_VERSION:
            raise StoreError(
                f"{self.root} was written by a newer debrief (schema {version}); please upgrade"
            )

    def _check_folders(self, *, missing_ok: bool = True) -> None:
        """Refuse a database whose own folders are symbolic links (or files): following one would
        read, write or clean up another folder of the rep's disk. A missing folder is fine here
        (``repair`` recreates it) unless ``missing_ok`` is False."""
        for name in FOLDERS:
            self._folder(name, missing_ok=missing_ok)

    def _folder(self, name: str, *, missing_ok: bool = False, create: bool = False) -> Path:
        """``root/name`` once it is known to be a real folder (created 0700 with ``create``)."""
        path = self.root / name
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            if create:
                try:
                    make_private_dirs(path)
                except OSError as error:
                    raise StoreError(f"cannot create {path}: {error.strerror or error}") from None
                return path
            if missing_ok:
                return path
            raise StoreError(f"{path} is missing; 'debrief repair' recreates it") from None
        except OSError as error:
            raise StoreError(f"cannot open {path}: {error.strerror or error}") from None
        if stat.S_ISLNK(mode):
            raise StoreError(f"{path} is a symbolic link, not a folder of the database; debrief never "
                             "follows it (remove the link, then run 'debrief repair')")
        if not stat.S_ISDIR(mode):
            raise StoreError(f"{path} is not a folder; the database needs it to be one (move it aside, "
                             "then run 'debrief repair')")
        return path

    def _make_folders(self) -> None:
        """Create whichever of the database's own folders are missing, 0700."""
        for name in FOLDERS:
            self._folder(name, create=True)

    def _tinydb(self, path: Path, durable: bool = True) -> TinyDB:
        return TinyDB(str(path), storage=AtomicJSONStorage, tmp_dir=str(self.root / "tmp"), durable=durable)

    # -- locking -------------------------------------------------------------------------------

    @contextlib.contextmanager
    def locked(self, timeout: float = LOCK_TIMEOUT, *, repair_index: bool = True) -> Iterator[None]:
        """Hold the folder's exclusive lock (re-entrant within this process).

        Taking it first finishes any index update a killed writer left (``repair_index``).
        """
        with self._thread_lock:
            if self._lock_depth == 0:
                self._acquire(timeout, repair_index)
            self._lock_depth += 1
            try:
                yield
            finally:
                self._lock_depth -= 1
                if self._lock_depth == 0:
                    self._release()

    def _acquire(self, timeout: float, repair_index: bool = True) -> None:
        self._folder("debriefs")
        self._folder("index")
        self._folder("tmp", create=True)
        try:
            fd = os.open(self.root / "lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        except OSError as error:
            raise StoreError(f"cannot lock {self.root}: {error.strerror or error}") from None
        if not flock_within(fd, timeout, poll=0.002):
            os.close(fd)
            raise DatabaseBusy(f"{self.root} is busy: another debrief process held it for {timeout:.0f} s")
        self._lock_fd = fd
        try:
            if repair_index:
                with contextlib.suppress(StoreError):
                    # When it cannot be finished now (a full disk, a damaged shard) the pending
                    # file stays: readers still see the truth, and the next writer tries again.
                    self._repair_pending()
            self._clean_tmp()
        except BaseException:
            self._release()
            raise

    def _release(self) -> None:
        if self._lock_fd is not None:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            os.close(self._lock_fd)
            self._lock_fd = None

    def _clean_tmp(self) -> None:
        """Temp files left by a killed writer: nobody else writes while we hold the lock.

        Only files named like our temp files, only regular files, and only in the real ``tmp/``
        folder (opened without following a link): whatever else is there is not ours to delete.
        """
        try:
            dir_fd = os.open(self.root / "tmp", os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
        except OSError:
            return  # missing, or a link: nothing of ours to clean there
        try:
            for entry in os.scandir(dir_fd):
                if TEMP_NAME.match(entry.name) and entry.is_file(follow_symlinks=False):
                    with contextlib.suppress(OSError):
                        os.unlink(entry.name, dir_fd=dir_fd)
        except OSError:
            pass
        finally:
            os.close(dir_fd)

    def claim(self, debrief_id: str) -> Claim:
        """Claim a debrief for live editing; raise InUse if another window (or process) has it.

        Two copies of the live call on one debrief would each save its own version of the same
        notes, and the later would undo the earlier: the second copy is refused instead.
        """
        folder = self._folder("claims", create=True)
        try:
            fd = os.open(folder / f"{self._debrief_path(debrief_id).stem}.lock",
                         os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        except OSError as error:
            raise StoreError(f"cannot claim {debrief_id}: {error.strerror or error}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise InUse(f"debrief {debrief_id} is open in another debrief window") from None
        return Claim(fd)

    # -- paths -----------------------------------------------------------------------------------

    def _debrief_path(self, debrief_id: str) -> Path:
        if not is_valid_id(debrief_id):
            raise NotFound(f"no debrief with id {debrief_id!r}")
        return self.root / "debriefs" / f"{debrief_id}.json"

    def _index_path(self, shard: str) -> Path:
        return self.root / "index" / f"{shard}.json"

    # -- reading ---------------------------------------------------------------------------------

    def exists(self, debrief_id: str) -> bool:
        """Whether a debrief with this id is stored."""
        return is_valid_id(debrief_id) and self._debrief_path(debrief_id).exists()

    def _read_doc(self, debrief_id: str) -> dict[str, Any]:
        path = self._debrief_path(debrief_id)
        table = self._tinydb(path).table(DEBRIEF_TABLE)
        doc = table.get(doc_id=_doc_id(debrief_id))
        if doc is None:
            if path.exists():
                raise CorruptFile(f"{path} holds no debrief; it was left untouched")
            raise NotFound(f"no debrief with id {debrief_id!r}")
        return dict(doc)

    def _validate(self, doc: dict[str, Any], where: str) -> Debrief:
        from pydantic import ValidationError

        from debrief.core import model
        from debrief.core.migrations import upgrade

        try:
            return model.Debrief.model_validate(upgrade(doc))
        except ValidationError as error:
            from debrief.core.errors import error_line

            raise CorruptFile(f"{where}: {error_line(error)}; the file was left untouched") from None
        except ValueError as error:
            raise CorruptFile(f"{where}: {error}") from None

    def get(self, debrief_id: str) -> Debrief:
        """One debrief, validated (and migrated if it was stored by an older version)."""
        return self._validate(self._read_doc(debrief_id), str(self._debrief_path(debrief_id)))

    def get_many(self, debrief_ids: Iterable[str]) -> list[Debrief]:
        """Several debriefs in the order asked."""
        return [self.get(debrief_id) for debrief_id in debrief_ids]

    def ids(self) -> list[str]:
        """Every stored id, read from the files themselves (not the index)."""
        folder = self._folder("debriefs")
        try:
            names = os.listdir(folder)
        except OSError as error:
            raise StoreError(f"cannot read {folder}: {error.strerror or error}") from None
        return sorted(name[:-5] for name in names if name.endswith(".json") and is_valid_id(name[:-5]))

    def summaries(self) -> list[dict[str, Any]]:
        """The index: one small dict per debrief, newest loss first. Fast at 10,000.

        Reading never writes: when a killed writer left an index update half-done (``pending``),
        the entries of those ids are read from the debrief files, the truth, and the index is
        left for the next writer to finish (a read-only command works on a full disk too).
        """
        self._folder("index")
        pending = self._pending_ids()
        if pending is not None and not pending[1]:
            return self._sorted(self._rows_from_files())
        entries: dict[str, dict[str, Any]] = {}
        for shard in range(SHARDS):
            path = self._index_path(f"{shard:02x}")
            try:
                data = AtomicJSONStorage(str(path), str(self.root / "tmp")).read()
            except CorruptFile as error:
                raise CorruptFile(f"{error}; 'debrief repair' rebuilds the index from the debriefs") from None
            if data:
                entries.update(data.get(INDEX_TABLE, {}))
        if pending is not None:
            from debrief.core.model import summary_of

            for debrief_id in pending[0]:
                key = str(_doc_id(debrief_id))
                try:
                    entries[key] = summary_of(self.get(debrief_id))
                except NotFound:
                    entries.pop(key, None)
                except StoreError:
                    continue  # damaged: keep what the index had
        return self._sorted(list(entries.values()))

    def _rows_from_files(self) -> list[dict[str, Any]]:
        """Every summary worked out from the debrief files (damaged ones are left out)."""
        from debrief.core.model import summary_of

        rows: list[dict[str, Any]] = []
        for debrief_id in self.ids():
            with contextlib.suppress(StoreError):
                rows.append(summary_of(self.get(debrief_id)))
        return rows

    @staticmethod
    def _sorted(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        try:
            rows.sort(key=itemgetter("lost_on", "created_at"), reverse=True)
        except (KeyError, TypeError):  # an entry written by hand, missing a field: slower, tolerant
            rows.sort(key=lambda row: (row.get("lost_on") or "", row.get("created_at") or ""), reverse=True)
        return rows

    def all(self) -> Iterator[Debrief]:
        """Every debrief, fully loaded (for export, stats and search)."""
        for debrief_id in self.ids():
            yield self.get(debrief_id)

    def __len__(self) -> int:
        return len(self.ids())

    def stamps(self) -> dict[str, tuple[int, int, int]]:
        """Each stored id with a stamp of its file (inode, size, mtime): review caches what it
        read of every debrief and, by comparing stamps, reloads only the ones that changed."""
        stamps: dict[str, tuple[int, int, int]] = {}
        try:
            entries = list(os.scandir(self.root / "debriefs"))
        except OSError:
            return stamps
        named = DEBRIEF_FILE.match
        for entry in entries:
            if not named(entry.name):
                continue
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue  # deleted while we looked
            stamps[entry.name[:-5]] = (info.st_ino, info.st_size, info.st_mtime_ns)
        return stamps

    # -- writing ---------------------------------------------------------------------------------

    def add(self, debrief: Debrief) -> Debrief:
        """Store a new debrief; a fresh id is drawn if the given one is taken."""
        with self.locked():
            while self.exists(debrief.id):
                debrief = debrief.model_copy(update={"id": new_id()})
            self._write(debrief, summary_changed=True)
        return debrief

    def update(self, debrief_id: str, change: Callable[[Debrief], None], *, settle_facts: bool = True) -> Debrief:
        """Read the newest stored debrief, apply ``change`` to it, write it back, under the lock.

        Callers describe a change rather than hand over a whole debrief, so two processes that edit
        different parts of the same debrief both keep their edits. With ``settle_facts`` False (the
        autosave, many times a minute) the facts cache's row is left dirty, for ``settle_facts()``.
        """
        with self.locked():
            current = self.get(debrief_id)
            from debrief.core.model import Debrief, summary_of

            before = summary_of(current)
            change(current)
            current.updated_at = datetime.now().replace(microsecond=0)
            validated = Debrief.model_validate(current.to_json())
            self._write(validated, summary_changed=summary_of(validated) != before, settle=settle_facts)
        return validated

    def put(self, debrief: Debrief) -> None:
        """Store ``debrief`` as given, replacing any stored one with its id (import, demo)."""
        with self.locked():
            self._write(debrief, summary_changed=True)

    def put_many(self, debriefs: Iterable[Debrief], durable: bool = True) -> int:
        """Store many debriefs at once; the index is rewritten once per shard and batch, not per debrief.

        They are taken in batches of ``PUT_BATCH`` so that 100,000 demo debriefs never sit in
        memory at once. With ``durable=False`` files are not fsynced one by one; one sync per
        batch makes them durable together (bulk import and demo data, where minutes of fsyncs buy
        nothing).
        """
        count = 0
        data: dict[str, dict[str, Any]] = {}
        iterator = iter(debriefs)
        with self.locked():
            while batch := list(itertools.islice(iterator, PUT_BATCH)):
                self._put_batch(batch, data, durable)
                count += len(batch)
        return count

    def _put_batch(self, items: list[Debrief], data: dict[str, dict[str, Any]], durable: bool) -> None:
        from debrief.core.model import summary_of

        shards = {_shard_of(debrief.id) for debrief in items}
        # Read every shard first: a damaged one refuses the batch before any write.
        for shard in shards - set(data):
            data[shard] = self._read_shard_file(shard)
        self._cache_changing([debrief.id for debrief in items])
        self._mark_pending([debrief.id for debrief in items])
        for debrief in items:
            path = self._debrief_path(debrief.id)
            self._write_file(path, debrief, durable)
            data[_shard_of(debrief.id)].setdefault(INDEX_TABLE, {})[str(_doc_id(debrief.id))] = summary_of(debrief)
        if not durable:
            os.sync()
        for shard in shards:
            AtomicJSONStorage(str(self._index_path(shard)), str(self.root / "tmp")).write(data[shard])
        self._clear_pending()
        self._cache_saved(items)

    def delete(self, debrief_id: str) -> None:
        """Remove a debrief and its index entry."""
        with self.locked():
            path = self._debrief_path(debrief_id)
            if not path.exists():
                raise NotFound(f"no debrief with id {debrief_id!r}")
            self._cache_changing([debrief_id])
            self._mark_pending([debrief_id])
            path.unlink()
            _fsync_dir(path.parent)
            self._set_summary(debrief_id, None)
            self._clear_pending()
            self.facts_cache().forget([debrief_id], claim=self._claim_after())

    def _write(self, debrief: Debrief, summary_changed: bool, settle: bool = True) -> None:
        path = self._debrief_path(debrief.id)
        if not summary_changed:
            self._cache_changing([debrief.id])
            self._write_file(path, debrief)
            self._cache_saved([debrief], settle=settle)
            return
        from debrief.core.model import summary_of

        # Read the index shard first: if it is damaged, refuse before writing anything.
        shard = self._read_shard(debrief.id)
        self._cache_changing([debrief.id])
        self._mark_pending([debrief.id])
        self._write_file(path, debrief)
        self._set_summary(debrief.id, summary_of(debrief), shard)
        self._clear_pending()
        self._cache_saved([debrief], settle=settle)

    # -- the facts cache (derived; see review/facts_cache.py) ------------------------------------

    def facts_cache(self) -> FactsCache:
        """This database's facts cache (one writing connection per store)."""
        if self._facts is None:
            from debrief.core.review.facts_cache import FactsCache, cache_path

            self._facts = FactsCache(cache_path(self.root), empty_folder=self._no_debrief_file)
        return self._facts

    def folder_state(self) -> str | None:
        """The debriefs folder's state, for the facts cache's claim: every write renames a file
        into this folder or removes one from it, which changes its modification time."""
        from debrief.core.review.facts_cache import folder_state_of

        return folder_state_of(self.root / "debriefs")

    def _no_debrief_file(self) -> bool:
        try:
            with os.scandir(self.root / "debriefs") as entries:
                return not any(DEBRIEF_FILE.match(entry.name) for entry in entries)
        except OSError:
            return False

    def _cache_changing(self, debrief_ids: list[str]) -> None:
        """Before these debriefs' files change (under the lock): mark their rows dirty, noting
        whether the claim held, so that it can follow the folder (see facts_cache)."""
        self._claim_held = self.facts_cache().mark(debrief_ids, self.folder_state())

    def _claim_after(self) -> str | None:
        """The claim to make with the row just written: the folder's new state, if the claim held."""
        held, self._claim_held = self._claim_held, False
        return self.folder_state() if held else None

    def _cache_saved(self, debriefs: list[Debrief], settle: bool = True) -> None:
        """Bring the saved debriefs' rows up to date: one row each, whatever the database's size;
        without ``settle`` only the claim follows the folder and the rows stay dirty.

        Called under the lock right after the files were written, so each stamp is the one of the
        bytes just written. A cache that cannot be written is left as it is: its stamps no longer
        match these files, so readers read them from the files instead.
        """
        if not settle:
            if self._claim_held:
                self.facts_cache().move_claim(self._claim_after())
            return
        from debrief.core.review.facts_cache import row_of

        rows = [row_of(debrief, stamp) for debrief in debriefs if (stamp := self.stamp_of(debrief.id)) is not None]
        claim = self._claim_after()
        self.facts_cache().record(rows, claim=claim if len(rows) == len(debriefs) else None)

    def stamp_of(self, debrief_id: str) -> tuple[int, int, int] | None:
        """The stamp of one debrief's file now (the facts cache's ``Source``); None when it is not there."""
        from debrief.core.review.facts_cache import file_stamp

        try:
            return file_stamp(self._debrief_path(debrief_id))
        except StoreError:
            return None

    def settle_facts(self) -> int:
        """Write the rows that saves left dirty (an autosave's), read afresh from their files under
        the lock; returns how many were settled. A busy database or an unusable cache settles none:
        readers read those files meanwhile."""
        from debrief.core.review.facts_cache import current_stamps, fresh_rows

        try:
            with self.locked(timeout=1.0):
                cache = self.facts_cache()
                dirty = cache.dirty()
                damaged: list[str] = []  # a damaged file stays dirty: readers report it
                stamps = current_stamps(self, dirty)
                rows = fresh_rows(self, stamps, lambda debrief_id, _reason: damaged.append(debrief_id), sorted(stamps))
                read = {row.id for row in rows} | set(damaged)
                gone = [debrief_id for debrief_id in dirty if debrief_id not in read]
                if (rows or gone) and cache.settle(rows, gone):
                    return len(rows) + len(gone)
        except StoreError:
            pass
        return 0

    def _write_file(self, path: Path, debrief: Debrief, durable: bool = True) -> None:
        """Write the debrief's TinyDB file whole, in one atomic write, through the TinyDB storage.

        Whole, not TinyDB's update or upsert: update merges into the stored document (a field a
        migration removed would linger and make the file unreadable), skips a missing document
        silently, and re-reads the file; upsert writes twice for a new one.
        """
        document = {DEBRIEF_TABLE: {str(_doc_id(debrief.id)): debrief.to_json()}}
        AtomicJSONStorage(str(path), str(self.root / "tmp"), durable).write(document)

    def _read_shard(self, debrief_id: str) -> dict[str, Any]:
        return self._read_shard_file(_shard_of(debrief_id))

    def _read_shard_file(self, shard: str) -> dict[str, Any]:
        return AtomicJSONStorage(str(self._index_path(shard)), str(self.root / "tmp")).read() or {}

    def _set_summary(
        self, debrief_id: str, summary: dict[str, Any] | None, data: dict[str, Any] | None = None
    ) -> None:
        storage = AtomicJSONStorage(str(self._index_path(_shard_of(debrief_id))), str(self.root / "tmp"))
        if data is None:
            data = storage.read() or {}
        rows = data.setdefault(INDEX_TABLE, {})
        if summary is None:
            rows.pop(str(_doc_id(debrief_id)), None)
        else:
            rows[str(_doc_id(debrief_id))] = summary
        storage.write(data)

    # -- crash repair of the index ---------------------------------------------------------------

    def _pending_ids(self) -> tuple[list[str], bool] | None:
        """The ids in ``pending`` and whether the list is usable; None when there is no such file.

        A file that is not ours (binary, huge, a link, a word that is no id) is unusable: then
        every entry of the index is in doubt and is worked out again from the debrief files.
        """
        try:
            raw = read_private(self.root / "pending", MAX_PENDING_BYTES)
        except FileNotFoundError:
            return None
        except StoreError:
            return [], False
        if len(raw) > MAX_PENDING_BYTES:
            return [], False
        try:
            words = raw.decode("ascii").split()
        except UnicodeDecodeError:
            return [], False
        ids = [word for word in words if is_valid_id(word)]
        return ids, len(ids) == len(words)

    def _mark_pending(self, ids: list[str]) -> None:
        if self._leftover is not None:
            ids = [*self._leftover, *ids]
        atomic_write(self.root / "pending", "\n".join(ids).encode(), self.root / "tmp", contained=True)

    def _clear_pending(self) -> None:
        if self._leftover is not None:
            # What an earlier writer left and we could not finish stays marked for the next one.
            atomic_write(self.root / "pending", "\n".join(self._leftover).encode(), self.root / "tmp",
                         contained=True)
            return
        with contextlib.suppress(FileNotFoundError):
            (self.root / "pending").unlink()

    def _repair_pending(self) -> None:
        """Finish the index update a killed writer left: the debrief files are the truth.

        A ``pending`` file that is not ours is repaired by rebuilding the whole index. When the
        update cannot be finished (StoreError), the ids stay marked (``_leftover``).
        """
        self._leftover = None
        pending = self._pending_ids()
        if pending is None:
            return
        ids, usable = pending
        try:
            if not usable:
                self._rebuild_index(RepairReport(), datetime.now().strftime("%Y%m%d-%H%M%S"))
            else:
                from debrief.core.model import summary_of

                for debrief_id in ids:
                    try:
                        summary = summary_of(self.get(debrief_id))
                    except NotFound:
                        summary = None
                    except StoreError:
                        continue
                    self._set_summary(debrief_id, summary)
        except StoreError:
            # "*" is no id: the next reader or writer sees an unusable list and rebuilds.
            self._leftover = ids if usable else ["*"]
            raise
        with contextlib.suppress(FileNotFoundError):
            (self.root / "pending").unlink()

    def repair(self) -> RepairReport:
        """Rebuild the index from the debrief files, the truth; damaged index files are moved aside.

        Nothing is overwritten: a damaged index file is renamed ``<name>.damaged-<time>`` and kept,
        and a damaged debrief file is left as it is and reported.
        """
        report = RepairReport()
        self._check_folders()
        self._make_folders()
        with self.locked(repair_index=False):
            self._leftover = None
            self._rebuild_index(report, datetime.now().strftime("%Y%m%d-%H%M%S"))
            self._clear_pending()
            self._clean_tmp()
            report.cached = self.facts_cache().rebuild(self)
        return report

    def _rebuild_index(self, report: RepairReport, stamp: str) -> None:
        """Write every index shard afresh from the debrief files; damaged shards are moved aside."""
        from debrief.core.model import summary_of

        for shard in range(SHARDS):
            path = self._index_path(f"{shard:02x}")
            try:
                AtomicJSONStorage(str(path), str(self.root / "tmp")).read()
            except StoreError as error:
                # Damaged, or a link or a non-file (the rename moves the link, not its target).
                kind = "damaged" if isinstance(error, CorruptFile) else "refused"
                aside = path.with_name(f"{path.name}.{kind}-{stamp}")
                try:
                    os.replace(path, aside)
                except OSError as problem:
                    raise StoreError(f"cannot move {path} aside: {problem.strerror or problem}") from None
                report.moved_aside.append(aside)
        shards: dict[str, dict[str, Any]] = {f"{shard:02x}": {} for shard in range(SHARDS)}
        for debrief_id in self.ids():
            try:
                debrief = self.get(debrief_id)
            except StoreError as error:
                report.damaged.append(str(error))
                continue
            shards[_shard_of(debrief.id)][str(_doc_id(debrief.id))] = summary_of(debrief)
            report.indexed += 1
        for name, rows in shards.items():
            AtomicJSONStorage(str(self._index_path(name)), str(self.root / "tmp")).write({INDEX_TABLE: rows})
