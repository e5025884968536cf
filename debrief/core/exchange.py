"""Export and import: all data as one JSON document; import merges by id without duplicates."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
from pydantic import ValidationError

from debrief.core.errors import error_line
from debrief.core.migrations import upgrade
from debrief.core.model import SCHEMA_VERSION, Debrief
from debrief.core.store import Store

EXPORT_FORMAT = "debrief-export"


def export_document(store: Store) -> dict[str, Any]:
    """Everything in the database, in the stable export shape."""
    return {
        "format": EXPORT_FORMAT,
        "schema_version": SCHEMA_VERSION,
        "exported_at": datetime.now().isoformat(timespec="seconds"),
        "debriefs": [debrief.to_json() for debrief in store.all()],
    }


def read_export(path: Path) -> list[Debrief]:
    """Parse and validate an export file; raise ValueError with a one-line reason if it is bad."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ValueError(f"cannot read {path}: {error.strerror or error}") from None
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise ValueError(f"{path} is not valid JSON ({error.msg} at line {error.lineno})") from None
    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        raise ValueError(f"{path} is not a debrief export (no \"format\": \"{EXPORT_FORMAT}\")")
    items = data.get("debriefs")
    if not isinstance(items, list):
        raise ValueError(f"{path}: \"debriefs\" must be a list")
    debriefs: list[Debrief] = []
    for number, item in enumerate(items):
        if not isinstance(item, dict):
            raise ValueError(f"{path}: debriefs[{number}] is not an object")
        try:
            debriefs.append(Debrief.model_validate(upgrade(item)))
        except ValidationError as error:
            raise ValueError(f"{path}: {error_line(error, root=f'debriefs[{number}]')}") from None
    return debriefs


def merge(store: Store, incoming: list[Debrief]) -> tuple[int, int, int]:
    """Merge by id: new ids are added, newer versions replace older ones, the rest is skipped.

    Returns (added, updated, unchanged). Importing the same file twice changes nothing the second
    time.
    """
    added = updated = unchanged = 0
    to_write: list[Debrief] = []
    with store.locked():
        for debrief in {item.id: item for item in incoming}.values():
            if not store.exists(debrief.id):
                added += 1
                to_write.append(debrief)
                continue
            current = store.get(debrief.id)
            if current.to_json() == debrief.to_json() or current.updated_at > debrief.updated_at:
                unchanged += 1
                continue
            updated += 1
            to_write.append(debrief)
        store.put_many(to_write, durable=len(to_write) < 50)
    return added, updated, unchanged
