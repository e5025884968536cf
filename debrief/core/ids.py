"""Debrief ids: short, typeable, and free of look-alike characters.

Kept apart from the model so that opening a database and listing it need no validation library.
"""

from __future__ import annotations

import secrets

ID_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
"""Ids avoid look-alike characters (0/o, 1/l/i) so a rep can read one aloud and type it."""
ID_LENGTH = 6


def new_id() -> str:
    """A short random id, easy to type: six characters of ``ID_ALPHABET``."""
    return "".join(secrets.choice(ID_ALPHABET) for _ in range(ID_LENGTH))


def is_valid_id(value: str) -> bool:
    """Whether ``value`` has the shape of a debrief id."""
    return len(value) == ID_LENGTH and all(ch in ID_ALPHABET for ch in value)
