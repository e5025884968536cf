"""The file one shared debrief becomes in the team repository, and the redaction that goes first.

One file per shared debrief, ``reps/<rep>/<id>.json``, UTF-8 JSON, keys sorted, two-space indent::

    {
      "format": "debrief-share",      # always this: what the file is
      "version": 1,                   # this layout; a reader refuses a version it does not know
      "rep": "Ana Lopez",             # who shared it, as they named themselves in ``team join --as``
      "shared_at": "2026-11-23T10:00:00",
      "with_contact": false,          # true only when the rep shared with ``--with-contact``
      "debrief": { ... }              # the debrief in the export shape (``debrief export``)
    }

Without ``--with-contact`` the contact is taken out of every string of the debrief (notes,
impressions, takeaways, the invitation, probes, ad-hoc questions, labels: all of them): the full
name, each part of it (first name, last name), the email and the role, matched whole-word with
case and accents ignored (``MARÍA``, ``maria`` and ``María`` alike), each replaced by a neutral
label (``[contact]``, ``[contact email]``, ``[contact role]``). The contact's own fields become
``the contact`` and empty. What the rep did not share never leaves the database.

A teammate's file is untrusted input: it is read under a size bound, never through a symbolic
link, and validated as an import is (``Debrief`` cleans every string of markup and escapes); a
file that fails is skipped, and the reason said in one line.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
from pydantic import ValidationError

from debrief.core.errors import error_line
from debrief.core.migrations import upgrade
from debrief.core.model import Debrief
from debrief.core.store import StoreError, read_private
from debrief.core.text import fold_map, one_line

SHARE_FORMAT = "debrief-share"
SHARE_VERSION = 1
MAX_SHARE_BYTES = 4 * 1024 * 1024
"""Largest teammate file read (a full debrief is some 16 KB; its text bounds allow about 2 MB)."""

CONTACT_LABEL = "[contact]"
EMAIL_LABEL = "[contact email]"
ROLE_LABEL = "[contact role]"
CONTACT_NAME = "the contact"
"""What the contact's name field says in a redacted share (the field may not be empty)."""

_ASCII_SEPARATORS = str.maketrans("-_", "  ")
"""What folding does to ASCII besides case (as search folds it): hyphens and underscores are spaces."""

_KEEP_KEYS = frozenset({"id", "status", "state", "schema_version"})
"""Values that are codes, never prose: left alone so the shared debrief validates as it was."""


class ShareError(ValueError):
    """A debrief that cannot be shared, or a teammate's file that cannot be read: one line."""


# -- redaction -------------------------------------------------------------------------------------


def _folded(text: str) -> str:
    return fold_map(text)[0]


def _name_parts(name: str) -> list[str]:
    """The full name and each word of it worth hiding (two letters or more), folded."""
    full = _folded(name)
    words = [word.strip(".,'’()\"") for word in full.split()]
    parts = [word for word in words if sum(char.isalpha() for char in word) >= 2]
    return [full, *sorted(set(parts) - {full}, key=len, reverse=True)] if full else parts


@dataclass(frozen=True)
class Redactor:
    """Replaces every folded, case-blind, whole-word occurrence of the contact in one text."""

    pattern: re.Pattern[str] | None
    labels: dict[str, str]

    @classmethod
    def for_contact(cls, name: str, email: str, role: str) -> Redactor:
        return _redactor(name, email, role)

    @classmethod
    def build(cls, name: str, email: str, role: str) -> Redactor:
        labels: dict[str, str] = {}
        for value, label in ((email, EMAIL_LABEL), *((part, CONTACT_LABEL) for part in _name_parts(name)),
                             (role, ROLE_LABEL)):
            folded = _folded(value.strip())
            if sum(char.isalnum() for char in folded) >= 2 and folded not in labels:
                labels[folded] = label
        if not labels:
            return cls(None, {})
        # Longest first, so the full name wins over its parts; whole words only, so "Al" spares "also".
        choices = "|".join(re.escape(value).replace(r"\ ", r"\s+") for value in sorted(labels, key=len, reverse=True))
        return cls(re.compile(rf"(?<!\w)(?:{choices})(?!\w)"), labels)

    def __call__(self, text: str) -> str:
        if self.pattern is None or not text:
            return text
        if text.isascii():
            # Folding ASCII keeps every position (case and separators only), so spans map 1:1.
            folded = text.translate(_ASCII_SEPARATORS).lower()
            if self.pattern.search(folded) is None:
                return text
            starts = list(range(len(text)))
            ends = list(range(1, len(text) + 1))
        else:
            folded, starts, ends = fold_map(text)
        pieces: list[str] = []
        position = 0
        for match in self.pattern.finditer(folded):
            if match.end() <= match.start():
                continue
            start, end = starts[match.start()], ends[match.end() - 1]
            if start < position:
                continue
            label = self.labels.get(" ".join(match.group().split()), CONTACT_LABEL)
            pieces += [text[position:start], label]
            position = end
        if not pieces:
            return text
        pieces.append(text[position:])
        return "".join(pieces)

    def walk(self, value: Any, key: str = "") -> Any:
        """Every string of a JSON value redacted (dictionary keys too: answers are keyed by text)."""
        if isinstance(value, str):
            return value if key in _KEEP_KEYS else self(value)
        if isinstance(value, list):
            return [self.walk(item, key) for item in value]
        if isinstance(value, dict):
            return {self(name) if key == "answers" else name: self.walk(item, name) for name, item in value.items()}
        return value


@functools.lru_cache(maxsize=512)
def _redactor(name: str, email: str, role: str) -> Redactor:
    """One compiled pattern per contact (a rep's debriefs often share one)."""
    return Redactor.build(name, email, role)


def redacted(debrief: Debrief) -> Debrief:
    """``debrief`` with its contact taken out of every field (see the module doc)."""
    contact = debrief.contact
    redact = Redactor.for_contact(contact.name, contact.email, contact.role)
    doc = redact.walk(debrief.to_json())
    doc["contact"] = {"name": CONTACT_NAME, "role": "", "email": ""}
    try:
        return Debrief.model_validate(doc)
    except ValidationError as error:
        raise ShareError(f"debrief {debrief.id} cannot be shared without its contact: "
                         f"{error_line(error)}") from None


def share_bytes(debrief: Debrief, rep: str, with_contact: bool, shared_at: datetime | None = None) -> bytes:
    """The file a shared debrief becomes (the format of the module doc)."""
    shown = debrief if with_contact else redacted(debrief)
    document = {
        "format": SHARE_FORMAT,
        "version": SHARE_VERSION,
        "rep": rep,
        "shared_at": (shared_at or datetime.now()).replace(microsecond=0).isoformat(),
        "with_contact": with_contact,
        "debrief": shown.to_json(),
    }
    return orjson.dumps(document, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"


def same_share(old: bytes, new: bytes) -> bool:
    """Whether two share files say the same thing (the time of sharing aside)."""
    try:
        first, second = orjson.loads(old), orjson.loads(new)
    except orjson.JSONDecodeError:
        return False
    if not isinstance(first, dict) or not isinstance(second, dict):
        return False
    first.pop("shared_at", None)
    second.pop("shared_at", None)
    return bool(first == second)


# -- reading a teammate's file ---------------------------------------------------------------------


@dataclass(frozen=True)
class Shared:
    """A teammate's shared debrief, validated: read-only everywhere it is shown."""

    folder: str
    """The rep's folder under ``reps/``: the prefix of ``rep/id`` that names it in compare."""
    rep: str
    shared_at: str
    with_contact: bool
    debrief: Debrief

    @property
    def ref(self) -> str:
        """How commands name it: ``rep/id``."""
        return f"{self.folder}/{self.debrief.id}"


def read_share(path: Path, folder: str) -> Shared:
    """Read and validate one teammate file; ShareError says in one line why it is refused."""
    try:
        raw = read_private(path, MAX_SHARE_BYTES)
    except FileNotFoundError:
        raise ShareError("it disappeared while it was read") from None
    except StoreError as error:
        raise ShareError(str(error)) from None
    if len(raw) > MAX_SHARE_BYTES:
        raise ShareError(f"too large (more than {MAX_SHARE_BYTES:,} bytes)")
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise ShareError(f"not valid JSON ({error.msg} at line {error.lineno})") from None
    if not isinstance(data, dict) or data.get("format") != SHARE_FORMAT:
        raise ShareError(f"not a shared debrief (no \"format\": \"{SHARE_FORMAT}\")")
    if data.get("version") != SHARE_VERSION:
        raise ShareError(f"version {one_line(str(data.get('version')), 20)} of the share format is not known "
                         f"(this debrief reads version {SHARE_VERSION}); a newer debrief wrote it")
    rep, shared_at, with_contact, item = (data.get("rep"), data.get("shared_at", ""), data.get("with_contact"),
                                          data.get("debrief"))
    if not isinstance(rep, str) or not rep.strip() or len(rep) > 200:
        raise ShareError("rep: must be the rep's name")
    if not isinstance(shared_at, str) or len(shared_at) > 40:
        raise ShareError("shared_at: must be a date and time")
    if not isinstance(with_contact, bool):
        raise ShareError("with_contact: must be true or false")
    if not isinstance(item, dict):
        raise ShareError("debrief: must be an object")
    try:
        debrief = Debrief.model_validate(upgrade(item))
    except ValidationError as error:
        raise ShareError(error_line(error, root="debrief")) from None
    except (ValueError, TypeError) as error:
        raise ShareError(f"debrief: {error_line(error)}") from None
    if path.name != f"{debrief.id}.json":
        raise ShareError(f"holds debrief {debrief.id}, not the one its name says")
    return Shared(folder, one_line(rep, 200), one_line(shared_at, 40), with_contact, debrief)
