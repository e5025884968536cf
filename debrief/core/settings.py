"""The user's settings: typed, documented, stored as JSON in the config folder.

Every figure from debrief practice that sets a default (cool-off, call length, talk share) lives
here, so a team can tune it without touching code.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError


class Settings(BaseModel):
    """Preferences and practice defaults; unknown keys are ignored so old files keep working."""

    model_config = ConfigDict(extra="ignore")

    rep_name: str = ""
    """Your name, as templates see it (``rep.name``)."""
    theme: str = "textual-dark"
    """The app's colour theme; remembered when you change it."""
    keymap: dict[str, str] = Field(default_factory=dict)
    """Binding id -> keys, to rebind any action (see the help screen for ids)."""
    cool_off_min_days: int = Field(default=2, ge=0)
    """Warn when the call is booked sooner than this many days after the loss."""
    cool_off_max_days: int = Field(default=30, ge=1)
    """Warn when the call is booked later than this: buyers' reasons fade after about 30 days."""
    suggest_after_days: tuple[int, int] = (7, 21)
    """The window, in days after the loss, from which a call slot is suggested."""
    call_minutes: int = Field(default=20, ge=5, le=120)
    """Length of the call to ask for (15-20 minutes is typical)."""
    max_questions: int = Field(default=12, ge=1)
    """Above this many questions the script warns: guides cap at 10-12."""
    talk_share_target: float = Field(default=0.30, gt=0, lt=1)
    """The rep's target share of talking time in a debrief call."""
    monologue_seconds: int = Field(default=60, ge=10)
    """A single monologue longer than this earns a nudge."""


def load_settings(path: Path) -> Settings:
    """Read settings; a missing or damaged file gives the defaults (settings never block work)."""
    try:
        return Settings.model_validate(orjson.loads(path.read_bytes()))
    except (OSError, orjson.JSONDecodeError, ValidationError):
        return Settings()


def save_settings(settings: Settings, path: Path) -> None:
    """Write settings atomically, readable only by the user."""
    from debrief.core.store import atomic_write

    with contextlib.suppress(OSError):
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(path.parent, 0o700)
    atomic_write(path, orjson.dumps(settings.model_dump(mode="json"), option=orjson.OPT_INDENT_2), path.parent)
