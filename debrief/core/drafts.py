"""Drafts of forms not saved yet, kept with the database so nothing typed is lost.

A draft is the form's values as plain JSON, one file per form and debrief (``new`` for a loss not
logged yet), in the database's ``drafts`` folder: it holds a prospect's name, so it lives where
the rest of their data lives, 0600 in a 0700 folder, written atomically and never through a
symbolic link. A damaged draft is ignored, never fatal: the form opens with the stored values.
"""

from __future__ import annotations

import contextlib
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

DRAFTS = "drafts"
"""The folder of drafts inside the database."""
MAX_DRAFT = 1_000_000
"""Bytes: far beyond any form's values; a larger file is not a draft of ours."""


def drafts_dir(db_root: Path) -> Path:
    """Where the unsaved forms of the database at ``db_root`` wait."""
    from debrief.locations import drafts_dir as inside_database

    return inside_database(db_root)


def draft_path(db_root: Path, form: str, debrief_id: str | None) -> Path:
    """The draft of ``form`` (``log-loss``) for ``debrief_id`` (None: a debrief not saved yet)."""
    return drafts_dir(db_root) / f"{form}-{debrief_id or 'new'}.json"


def read_draft(path: Path) -> dict[str, Any] | None:
    """The saved values, or None when there is no draft (or it is damaged, or a link)."""
    from debrief.core.store import StoreError, read_private

    try:
        data = orjson.loads(read_private(path, MAX_DRAFT))
    except (OSError, StoreError, orjson.JSONDecodeError):
        return None
    values = data.get("values") if isinstance(data, dict) else None
    return values if isinstance(values, dict) else None


def write_draft(path: Path, values: dict[str, Any]) -> None:
    """Write the draft atomically, readable only by the user; StoreError when it cannot."""
    from debrief.core.store import StoreError, atomic_write, make_private_dirs

    folder = path.parent
    tmp = folder.parent / "tmp"
    try:
        make_private_dirs(folder)
    except OSError as error:
        raise StoreError(f"cannot create {folder}: {error.strerror or error}") from None
    payload = {"version": 1, "saved_at": datetime.now().isoformat(timespec="seconds"), "values": values}
    atomic_write(path, orjson.dumps(payload), tmp if tmp.is_dir() else folder, durable=True, contained=True)


def remove_draft(path: Path) -> None:
    """Forget the draft (after a save, or when the form is back as it was opened)."""
    with contextlib.suppress(FileNotFoundError, NotADirectoryError):
        path.unlink()
