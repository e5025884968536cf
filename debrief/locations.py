"""Where debrief keeps things: the one module that knows paths.

Follows the platform's conventions (XDG on Linux) through platformdirs. Every folder debrief
creates is made by :func:`ensure_private_dir`, 0700 whatever the umask, because they hold
prospects' names and words. debrief writes in two places only: the database's folder (debriefs,
drafts, the index) and the exports folder, and only into the second when the rep asks for a file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import unicodedata
from pathlib import Path
from typing import NamedTuple

from platformdirs import user_config_path, user_data_path

APP_NAME = "debrief"
DB_ENV = "DEBRIEF_DB"
DRAFTS = "drafts"
"""The folder of unsaved forms inside the database."""

MAX_SLUG = 40
"""Longest company part of a file name: enough to recognise it, short enough for any file system."""

MAX_EXPORT_TRIES = 1_000
"""Numbered names tried before an export gives up (``-2`` ... ): an existing file is never replaced."""


def data_dir() -> Path:
    """The user data folder (on Linux ``~/.local/share/debrief``)."""
    return user_data_path(APP_NAME, appauthor=False)


def config_dir() -> Path:
    """The user config folder (settings, keymap)."""
    return user_config_path(APP_NAME, appauthor=False)


def default_db() -> Path:
    """The database used when neither ``--db`` nor ``DEBRIEF_DB`` says otherwise."""
    return data_dir() / "db"


def resolve_db(explicit: str | os.PathLike[str] | None) -> Path:
    """The database path: ``--db`` first, then ``DEBRIEF_DB``, then the default."""
    if explicit:
        return Path(explicit).expanduser()
    from_env = os.environ.get(DB_ENV)
    if from_env:
        return Path(from_env).expanduser()
    return default_db()


def user_banks_dir() -> Path:
    """Where users put their own question banks, beside the shipped ones."""
    return data_dir() / "question_banks"


def shipped_banks_dir() -> Path:
    """The banks that come with debrief: inside the package when installed, else the checkout."""
    packaged = Path(__file__).parent / "question_banks"
    if packaged.is_dir():
        return packaged
    return Path(__file__).parent.parent / "question_banks"


def user_rules_file(name: str) -> Path:
    """The user's own tone rules (``tone_rules.yaml``) or "own it" rules (``ownit_rules.yaml``)."""
    return data_dir() / name


def user_invitation_template() -> Path:
    """The user's own invitation template, used instead of the shipped one when present."""
    return data_dir() / "invitation.md.j2"


def settings_file() -> Path:
    """The user's settings (theme, rep name, keymap, exports folder)."""
    return config_dir() / "settings.json"


def drafts_dir(db_root: Path) -> Path:
    """Unsaved forms of the database at ``db_root``: inside it, with the rest of the prospect's data."""
    return Path(db_root) / DRAFTS


def team_dir(db: Path) -> Path:
    """The clone of the team's git repository, beside the database it belongs to (``db-team``).

    Its layout is a public contract: ``reps/<rep>/<id>.json`` (shared debriefs, one file each),
    ``banks/*.yaml`` (team banks, between the shipped ones and one's own), ``tone_rules.yaml``,
    ``ownit_rules.yaml`` and ``reasons.yaml`` (the team's tone rules and loss-reason taxonomy).
    """
    db = Path(db)
    return db.with_name(db.name + "-team")


_active_db: Path | None = None


def use_database(db: Path | None) -> None:
    """Remember which database this process serves, so what reads the team's files (loss reasons,
    banks, tone rules) finds its team folder without every caller passing it along."""
    global _active_db
    _active_db = Path(db) if db is not None else None


def active_team_dir() -> Path:
    """The team folder of the database this process serves (``--db``, ``DEBRIEF_DB`` or the
    default); it exists only once the rep joined a team."""
    return team_dir(_active_db if _active_db is not None else resolve_db(None))


def user_reasons_file() -> Path:
    """The rep's own loss reasons, added to the shipped taxonomy."""
    return data_dir() / "reasons.yaml"


def crash_dir() -> Path:
    """Where the details of an unexpected error are written (the message names the file)."""
    return data_dir() / "crashes"


def default_exports_dir() -> Path:
    """The exports folder when the ``exports`` setting is empty: ``debrief/`` in the documents folder."""
    from platformdirs import user_documents_path

    return user_documents_path() / APP_NAME


def exports_dir(setting: str = "") -> Path:
    """Where every file the rep asks for goes (scripts, reports, invitations): one folder.

    ``setting`` is the ``exports`` setting; empty means the default in the documents folder.
    """
    if setting.strip():
        return Path(setting.strip()).expanduser()
    return default_exports_dir()


def configured_exports_dir(settings_path: Path | None = None) -> Path:
    """The exports folder the settings file names (the default one when it names none)."""
    from debrief.core.settings import load_settings

    return exports_dir(load_settings(settings_path or settings_file()).exports)


class Location(NamedTuple):
    """One line of ``debrief locate``."""

    name: str
    path: Path


def all_locations(db: Path) -> list[Location]:
    """Every place debrief reads or writes, for ``debrief locate``."""
    return [
        Location("database", db),
        Location("drafts", drafts_dir(db)),
        Location("exports", configured_exports_dir()),
        Location("settings", settings_file()),
        Location("your banks", user_banks_dir()),
        Location("shipped banks", shipped_banks_dir()),
        Location("tone rules", user_rules_file("tone_rules.yaml")),
        Location("own-it rules", user_rules_file("ownit_rules.yaml")),
        Location("invitation", user_invitation_template()),
        Location("loss reasons", user_reasons_file()),
        Location("team", team_dir(db)),
        Location("crash logs", crash_dir()),
    ]


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` and every missing parent 0700, whatever the umask; return ``path``.

    Folders that exist already are left as they are (a documents folder is the user's own).
    """
    missing: list[Path] = []
    current = Path(path)
    while not os.path.lexists(current):
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):  # another process made it meanwhile
            folder.mkdir(mode=0o700)  # masked by the umask, never widened: 0700 at most
        os.chmod(folder, 0o700)  # and never narrower than what we need
    return path


# -- files the rep asks for ----------------------------------------------------------------------


def slug(text: str, fallback: str = "debrief") -> str:
    """A file-name-safe form of ``text`` (a company name): ``acme-corp``; never empty, never ends in ``-``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return cleaned[:MAX_SLUG].strip("-") or fallback


def save_export(filename: str, data: str | bytes, folder: Path | None = None) -> Path:
    """Write a file the rep asked for into the exports folder, 0600; return where it went.

    An existing file is never replaced: the name gets ``-2``, ``-3`` ... before its suffix, and the
    path returned says which. The file appears whole or not at all (written aside, then linked in).
    ``filename`` is a plain name: a path in it is refused.
    """
    if not filename or Path(filename).name != filename or filename in {".", ".."}:
        raise ValueError(f"not a plain file name: {filename!r}")
    target = ensure_private_dir(folder or configured_exports_dir())
    payload = data.encode("utf-8") if isinstance(data, str) else data
    stem, dot, suffix = filename.partition(".")
    for number in range(1, MAX_EXPORT_TRIES + 1):
        name = filename if number == 1 else f"{stem}-{number}{dot}{suffix}"
        if _write_new(target / name, payload):
            return target / name
    raise FileExistsError(errno.EEXIST, f"{MAX_EXPORT_TRIES} files named {filename} already", str(target))


def _write_new(path: Path, payload: bytes) -> bool:
    """Create ``path`` with ``payload`` unless something is there already (False then)."""
    aside = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(6)}.tmp")
    fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(aside, path, follow_symlinks=False)  # fails if the name is taken: no overwrite
        except FileExistsError:
            return False
        except OSError as error:
            if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV, errno.EMLINK):
                raise
            # A file system without hard links (FAT, some shares): create the name exclusively.
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
            except FileExistsError:
                return False
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
        return True
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(aside)
