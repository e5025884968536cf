"""Export and import: all data as one JSON document; import merges, it never overwrites.

Import is all or nothing: the file is read under a size bound, every debrief in it is validated
(and merged with the stored copy in memory) before anything is written, so a bad entry refuses the
whole file with the path of the first problem (``debriefs[1].id: ...``).

Merging a debrief that is already stored, field by field (the rules are the product's promise that
importing never erases stored text):

- text (notes, impressions, takeaways, names, labels): equal, empty on one side, or one holding the
  other keeps the fuller one; otherwise *both are kept*, the stored text first, then the file's
  after a marker: ``stored`` + ``"\\n\\n[imported] "`` + ``file's`` in multi-line text, ``stored`` +
  ``" [imported] "`` + ``file's`` in a single-line field. Such fields are listed in the import's
  report. If the joined text would pass the field's bound, the stored text is kept and that is
  reported too.
- lists merge by identity without duplicates (answers by question id, script questions by id,
  action items by their text, follow-ups by day and channel, markers by time, ad-hoc questions by
  when they were asked; tags and red flags as sets), matching items merging the same way.
- other values (dates, numbers, choices): the side edited last wins; a status only moves forward;
  ``created_at`` keeps the earliest, ``updated_at`` the latest.

Importing the same file again then changes nothing: every rule above is idempotent.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any

import orjson
from pydantic import BaseModel, ValidationError

from debrief.core.errors import error_line, field_path
from debrief.core.migrations import upgrade
from debrief.core.model import SCHEMA_VERSION, Debrief, Status, multiline_fields
from debrief.core.store import NotFound, Store, StoreError

EXPORT_FORMAT = "debrief-export"

MAX_IMPORT_BYTES = 256 * 1024 * 1024
"""Largest file ``import`` reads (256 MB: some 15,000 full debriefs); a bigger one is refused."""

_CHUNK = 1024 * 1024

JOINED = "[imported]"
"""The marker between the stored text and the file's when both changed."""

_ID_FIELDS = frozenset({"id", "question_id", "bank_id", "bank_version", "phase", "current_question",
                        "source"})
"""Strings that name something rather than say something: never joined, the newer one wins."""


# -- export --------------------------------------------------------------------------------------


def export_document(store: Store, skipped: Callable[[str, str], None] | None = None) -> dict[str, Any]:
    """Everything in the database, in the stable export shape.

    A damaged debrief file is left out (``skipped(id, reason)`` hears of it), so one bad file
    does not stop the export of the others, and the document stays importable.
    """
    return {
        "format": EXPORT_FORMAT,
        "schema_version": SCHEMA_VERSION,
        "exported_at": datetime.now().isoformat(timespec="seconds"),
        "debriefs": [debrief.to_json() for debrief in _readable(store, skipped)],
    }


def readable(store: Store, skipped: Callable[[str, str], None] | None = None) -> Iterator[Debrief]:
    """Every debrief that can be read, oldest id first; a damaged one is told to ``skipped``."""
    return _readable(store, skipped)


def _readable(store: Store, skipped: Callable[[str, str], None] | None) -> Iterator[Debrief]:
    for debrief_id in store.ids():
        try:
            yield store.get(debrief_id)
        except NotFound:
            continue  # deleted while we read
        except StoreError as error:
            if skipped is not None:
                skipped(debrief_id, str(error))


# -- reading an import file ------------------------------------------------------------------------


def read_bounded(path: Path, limit: int = MAX_IMPORT_BYTES) -> bytes:
    """The bytes of ``path``, or ValueError if it holds more than ``limit`` (``/dev/zero`` stops)."""
    try:
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            if stat.S_ISDIR(info.st_mode):
                raise ValueError(f"{path} is a folder, not an export file")
            if stat.S_ISREG(info.st_mode) and info.st_size > limit:
                raise ValueError(f"{path} is too large ({info.st_size:,} bytes, at most {limit:,})")
            chunks: list[bytes] = []
            size = 0
            while chunk := handle.read(min(_CHUNK, limit + 1 - size)):
                chunks.append(chunk)
                size += len(chunk)
                if size > limit:
                    raise ValueError(f"{path} is too large (more than {limit:,} bytes)")
    except OSError as error:
        raise ValueError(f"cannot read {error_line(error)}") from None
    return b"".join(chunks)


def read_export(path: Path, limit: int = MAX_IMPORT_BYTES) -> list[Debrief]:
    """Parse and validate a whole export file; raise ValueError naming the first bad path."""
    raw = read_bounded(path, limit)
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise ValueError(f"{path} is not valid JSON ({error.msg} at line {error.lineno})") from None
    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        raise ValueError(f"{path} is not a debrief export (no \"format\": \"{EXPORT_FORMAT}\")")
    items = data.get("debriefs")
    if not isinstance(items, list):
        raise ValueError(f"{path}: debriefs: must be a list")
    debriefs: list[Debrief] = []
    for number, item in enumerate(items):
        where = f"debriefs[{number}]"
        if not isinstance(item, dict):
            raise ValueError(f"{path}: {where}: must be an object")
        try:
            debriefs.append(Debrief.model_validate(upgrade(item)))
        except ValidationError as error:
            raise ValueError(f"{path}: {error_line(error, root=where)}") from None
        except (ValueError, TypeError) as error:  # a migration's refusal (a newer schema, say)
            raise ValueError(f"{path}: {where}: {error_line(error)}") from None
    return debriefs


# -- merging ---------------------------------------------------------------------------------------


@dataclass
class ImportReport:
    """What an import did, to say in the command's output."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    both_kept: list[str] = field(default_factory=list)
    """``id: field.path`` of every text where the stored text and the file's were both kept."""
    kept_stored: list[str] = field(default_factory=list)
    """``id: field.path`` where both changed but the two together would be too long: stored kept."""


class _Merge:
    """One stored debrief merged with the file's copy of it (see the module doc for the rules)."""

    def __init__(self, stored: Debrief, incoming: Debrief) -> None:
        self.incoming_newer = incoming.updated_at > stored.updated_at
        self.joined: dict[tuple[int | str, ...], tuple[Any, str]] = {}

    def value(self, name: str, stored: Any, incoming: Any, loc: tuple[int | str, ...]) -> Any:
        if stored == incoming or incoming is None:
            return _plain(stored)
        if stored is None:
            return _plain(incoming)
        if isinstance(stored, BaseModel) and isinstance(incoming, BaseModel):
            return self.model(stored, incoming, loc)
        if isinstance(stored, list) and isinstance(incoming, list):
            return self.items(stored, incoming, loc)
        if isinstance(stored, dict) and isinstance(incoming, dict):
            return {key: self.value(name, stored.get(key), incoming.get(key), (*loc, key))
                    for key in [*stored, *(key for key in incoming if key not in stored)]}
        if isinstance(stored, Status) and isinstance(incoming, Status):
            return max(stored, incoming, key=lambda status: status.rank)
        if isinstance(stored, str) and isinstance(incoming, str) and not isinstance(stored, Enum) \
                and name not in _ID_FIELDS:
            return self.text(stored, incoming, loc)
        if name in ("created_at", "first_noted_at") and isinstance(stored, datetime):
            return min(stored, incoming)
        if name == "updated_at" and isinstance(stored, datetime):
            return max(stored, incoming)
        return incoming if self.incoming_newer else stored

    def model(self, stored: BaseModel, incoming: BaseModel, loc: tuple[int | str, ...]) -> dict[str, Any]:
        multiline = multiline_fields(type(stored))
        merged: dict[str, Any] = {}
        for name in type(stored).model_fields:
            mine, theirs = getattr(stored, name), getattr(incoming, name)
            if name in multiline and isinstance(mine, str) and isinstance(theirs, str):
                merged[name] = self.text(mine, theirs, (*loc, name), multiline=True)
            else:
                merged[name] = self.value(name, mine, theirs, (*loc, name))
        return merged

    def items(self, stored: list[Any], incoming: list[Any], loc: tuple[int | str, ...]) -> list[Any]:
        # Every stored item stays (even two alike); a file's item merges into the first stored
        # item of the same identity, or is added once.
        merged = [_plain(item) for item in stored]
        first: dict[Any, int] = {}
        for position, item in enumerate(stored):
            first.setdefault(_identity(item), position)
        seen: set[Any] = set()
        for item in incoming:
            key = _identity(item)
            if key in seen:
                continue
            seen.add(key)
            match = first.get(key)
            if match is None:
                merged.append(_plain(item))
            elif isinstance(item, BaseModel):
                merged[match] = self.model(stored[match], item, (*loc, match))
        return merged

    def text(self, stored: str, incoming: str, loc: tuple[int | str, ...], multiline: bool = False) -> str:
        if not incoming or incoming in stored:
            return stored
        if not stored or stored in incoming:
            return incoming
        joined = f"{stored}\n\n{JOINED} {incoming}" if multiline else f"{stored} {JOINED} {incoming}"
        self.joined[loc] = (stored, joined)
        return joined


def _plain(value: Any) -> Any:
    """A model as a dict of its fields (so a merged result validates as a whole), other values as is."""
    if isinstance(value, BaseModel):
        return {name: _plain(getattr(value, name)) for name in type(value).model_fields}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def _identity(item: Any) -> Any:
    """What makes two list items the same item, whichever side they came from."""
    from debrief.core import model

    if isinstance(item, model.ScriptQuestion):
        return ("question", item.id)
    if isinstance(item, model.ActionItem):
        return ("action", " ".join(item.text.casefold().split()))
    if isinstance(item, model.FollowUp):
        return ("follow-up", item.on, item.channel.casefold())
    if isinstance(item, model.Marker):
        return ("marker", item.at)
    if isinstance(item, model.AdHocQuestion):
        return ("adhoc", item.asked_at)
    if isinstance(item, BaseModel):
        return orjson.dumps(item.model_dump(mode="json"), option=orjson.OPT_SORT_KEYS)
    return item


def merge_one(stored: Debrief, incoming: Debrief) -> tuple[Debrief, list[str], list[str]]:
    """``stored`` and ``incoming`` merged; with the paths of texts kept both and of texts kept stored."""
    merge = _Merge(stored, incoming)
    data = merge.model(stored, incoming, ())
    kept_stored: list[str] = []
    for _ in range(len(merge.joined) + 1):
        try:
            result = Debrief.model_validate(data)
            break
        except ValidationError as error:
            loc = tuple(error.errors()[0]["loc"])
            joined = next((path for path in merge.joined if loc[: len(path)] == path), None)
            if joined is None:
                raise
            # The two texts together pass the field's bound: keep the stored one whole.
            _set(data, joined, merge.joined.pop(joined)[0])
            kept_stored.append(field_path(joined))
    else:  # pragma: no cover - each pass removes one join; the last pass has none left
        result = Debrief.model_validate(data)
    return result, [field_path(path) for path in merge.joined], kept_stored


def _set(data: Any, loc: tuple[int | str, ...], value: Any) -> None:
    for part in loc[:-1]:
        data = data[part]
    data[loc[-1]] = value


def merge(store: Store, incoming: list[Debrief]) -> ImportReport:
    """Merge ``incoming`` into the store: new ids are added, stored ones merged (never overwritten).

    Every merged debrief is worked out before the first write, under the store's lock; a stored
    debrief that cannot be read refuses the import (StoreError) before anything is written.
    """
    report = ImportReport()
    to_write: dict[str, Debrief] = {}
    with store.locked():
        for debrief in incoming:
            current = to_write.get(debrief.id)
            if current is None and store.exists(debrief.id):
                try:
                    current = store.get(debrief.id)
                except StoreError as error:  # never merged into, never overwritten: said, and stopped
                    raise StoreError(f"{error}; nothing was imported") from None
            if current is None:
                to_write[debrief.id] = debrief
                continue
            merged, both, kept = merge_one(current, debrief)
            report.both_kept += [f"{debrief.id}: {path}" for path in both]
            report.kept_stored += [f"{debrief.id}: {path}" for path in kept]
            if merged.to_json() != current.to_json():
                to_write[debrief.id] = merged
        stored_before = {debrief_id for debrief_id in to_write if store.exists(debrief_id)}
        report.added = len(to_write) - len(stored_before)
        report.updated = len(stored_before)
        report.unchanged = len({debrief.id for debrief in incoming}) - len(to_write)
        if to_write:
            store.put_many(to_write.values(), durable=len(to_write) < 50)
    return report
