"""Upgrading stored debriefs written by older versions of debrief.

Each entry of ``MIGRATIONS`` turns a document of version ``n`` into version ``n + 1``. Reading a
debrief applies them in order, so data written years ago still opens; it is written back in the
new shape the next time it is saved. A document from a newer version is refused, not guessed at.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from debrief.core.model import SCHEMA_VERSION

Migration = Callable[[dict[str, Any]], dict[str, Any]]


def _from_0(doc: dict[str, Any]) -> dict[str, Any]:
    """Version 0 (pre-release exports) kept the contact as two flat fields."""
    if "contact" not in doc or isinstance(doc.get("contact"), str):
        doc["contact"] = {
            "name": doc.pop("contact_name", doc.get("contact") or ""),
            "role": doc.pop("contact_role", ""),
        }
    return doc


def _from_1(doc: dict[str, Any]) -> dict[str, Any]:
    """Version 1 stored a count of unclear answers at the end of the call; it is derived now."""
    call = doc.get("call")
    if isinstance(call, dict):
        doc["call"] = {key: value for key, value in call.items() if key != "unclear_left"}
    return doc


MIGRATIONS: dict[int, Migration] = {0: _from_0, 1: _from_1}


def upgrade(doc: dict[str, Any], target: int = SCHEMA_VERSION) -> dict[str, Any]:
    """Bring ``doc`` up to ``target``; raise ValueError for a version this code does not know."""
    version = doc.get("schema_version", 0)
    if not isinstance(version, int) or version < 0:
        raise ValueError(f"schema_version {version!r} is not a version number")
    if version > target:
        raise ValueError(f"written by a newer debrief (schema {version}); please upgrade debrief")
    while version < target:
        migrate = MIGRATIONS.get(version)
        if migrate is None:
            raise ValueError(f"no migration from schema {version}")
        doc = migrate(dict(doc))
        version += 1
        doc["schema_version"] = version
    return doc
