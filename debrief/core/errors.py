"""One way to word an error for the rep: one line, naming the field when validation failed.

Pydantic's own message is several lines long and names its internals; a store error, an OSError or
a ValueError each say things differently. Every door (command line, forms, autosave, import, bank
and rule loaders) turns an exception into text through :func:`error_line`, so the same mistake
reads the same everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeGuard

from debrief.core.text import one_line

if TYPE_CHECKING:
    from pydantic import ValidationError

WIDTH = 300
"""Longest error line: enough for a path and a reason, never a screenful."""


def field_path(loc: Sequence[int | str], root: str = "") -> str:
    """``("debriefs", 1, "id")`` as ``debriefs[1].id``; list positions in brackets, keys dotted."""
    path = root
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def _reason(first: Any) -> str:
    """Pydantic's reason for one complaint, in the product's words."""
    kind = first.get("type", "")
    limits = first.get("ctx") or {}
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        return f"too long (at most {limits.get('max_length')} characters)"
    if kind == "too_long":  # a bound checked after cleaning, or a list
        unit = "characters" if limits.get("field_type") in (None, "Value") else "items"
        return f"too long (at most {limits.get('max_length')} {unit})"
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "missing":
        return "is required"
    return str(first.get("msg", "")).removeprefix("Value error, ")


def first_problem(error: ValidationError, root: str = "") -> tuple[str, str]:
    """The first complaint of a validation error as (field path, reason); the path may be ``""``."""
    problems = error.errors()
    if not problems:
        return root, "is not valid"
    first = problems[0]
    return field_path(tuple(first.get("loc", ())), root), _reason(first)


def _is_validation(error: BaseException) -> TypeGuard[ValidationError]:
    from pydantic import ValidationError  # lazily: loaded by the model whenever it matters

    return isinstance(error, ValidationError)


def error_line(error: BaseException, *, root: str = "", width: int = WIDTH) -> str:
    """``error`` as one line for the rep: ``contact.email: ...`` for validation, the reason otherwise.

    ``root`` prefixes a validation path (``debriefs[1]`` gives ``debriefs[1].id: ...``). Control
    characters are removed and the line is cut to ``width``, since a reason may quote user input.
    """
    if _is_validation(error):
        path, reason = first_problem(error, root)
        text = f"{path}: {reason}" if path else reason
    elif isinstance(error, OSError):
        reason = error.strerror or str(error) or type(error).__name__
        text = f"{error.filename}: {reason}" if error.filename else reason
    else:
        text = str(error).strip() or type(error).__name__
    return one_line(text, width)
