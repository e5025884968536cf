"""The user's settings: typed, documented, stored as JSON in the config folder.

Every figure from debrief practice that sets a default (cool-off, call length, talk share) lives
here, so a team can tune it without touching code. A plain dataclass rather than a pydantic model:
the app reads settings before its first frame, and start-up time is a feature.
"""

from __future__ import annotations

import contextlib
import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson


@dataclass
class Settings:
    """Preferences and practice defaults; unknown keys are ignored so old files keep working."""

    rep_name: str = ""
    """Your name, as templates see it (``rep.name``)."""
    theme: str = "textual-dark"
    """The app's colour theme; remembered when you change it."""
    keymap: dict[str, str] = field(default_factory=dict)
    """Binding id -> keys, to rebind any action (see the help screen for ids)."""
    exports: str = ""
    """The folder every file you ask for goes to (scripts, reports, invitations); empty: the
    ``debrief`` folder in your documents folder. ``~`` is your home folder."""
    cool_off_min_days: int = 2
    """Warn when the call is booked sooner than this many days after the loss."""
    cool_off_max_days: int = 30
    """Warn when the call is booked later than this: buyers' reasons fade after about 30 days."""
    suggest_after_days: tuple[int, int] = (7, 21)
    """The window, in days after the loss, from which a call slot is suggested."""
    call_minutes: int = 20
    """Length of the call to ask for (15-20 minutes is typical)."""
    max_questions: int = 12
    """Above this many questions the script warns: guides cap at 10-12."""
    talk_share_target: float = 0.30
    """The rep's target share of talking time in a debrief call."""
    monologue_seconds: int = 60
    """A single monologue longer than this earns a nudge."""

    def __post_init__(self) -> None:
        problems = [name for name, ok in self._checks().items() if not ok]
        if problems:
            raise ValueError(f"settings out of range: {', '.join(problems)}")

    def _checks(self) -> dict[str, bool]:
        low, high = self.suggest_after_days
        return {
            "cool_off_min_days": self.cool_off_min_days >= 0,
            "cool_off_max_days": self.cool_off_max_days >= max(1, self.cool_off_min_days),
            "suggest_after_days": 0 <= low <= high,
            "call_minutes": 5 <= self.call_minutes <= 120,
            "max_questions": self.max_questions >= 1,
            "talk_share_target": 0 < self.talk_share_target < 1,
            "monologue_seconds": self.monologue_seconds >= 10,
        }

    @classmethod
    def from_json(cls, data: object) -> Settings:
        """Settings from parsed JSON: a field of the wrong type or out of range keeps its default."""
        settings = cls()
        if not isinstance(data, dict):
            return settings
        every: dict[str, Any] = {}
        for item in dataclasses.fields(cls):
            if item.name in data and (value := _coerce(data[item.name], getattr(settings, item.name))) is not None:
                every[item.name] = value
        if _safe(settings, every):
            return dataclasses.replace(settings, **every)  # fields checked together (min before max)
        for item in dataclasses.fields(cls):
            if item.name not in data:
                continue
            value = _coerce(data[item.name], getattr(settings, item.name))
            changes: dict[str, Any] = {item.name: value}
            if value is not None and _safe(settings, changes):
                settings = dataclasses.replace(settings, **changes)
        return settings

    def to_json(self) -> dict[str, Any]:
        """The stored shape."""
        data = dataclasses.asdict(self)
        data["suggest_after_days"] = list(self.suggest_after_days)
        return data


def _coerce(value: object, default: object) -> object | None:
    """``value`` in the type of ``default``, or None when it cannot be."""
    if isinstance(default, bool) or isinstance(value, bool):
        return None
    if isinstance(default, str):
        return value if isinstance(value, str) else None
    if isinstance(default, int) and not isinstance(default, bool):
        return value if isinstance(value, int) else None
    if isinstance(default, float):
        return float(value) if isinstance(value, int | float) else None
    if isinstance(default, tuple):
        if isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) for v in value):
            return (value[0], value[1])
        return None
    if isinstance(default, dict):
        if isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
            return dict(value)
        return None
    return None


def _safe(settings: Settings, changes: dict[str, Any]) -> bool:
    try:
        dataclasses.replace(settings, **changes)
    except ValueError:
        return False
    return True


def load_settings(path: Path) -> Settings:
    """Read settings; a missing or damaged file gives the defaults (settings never block work)."""
    try:
        return Settings.from_json(orjson.loads(path.read_bytes()))
    except (OSError, orjson.JSONDecodeError):
        return Settings()


def save_settings(settings: Settings, path: Path) -> None:
    """Write settings atomically, readable only by the user."""
    from debrief.core.store import atomic_write
    from debrief.locations import ensure_private_dir

    with contextlib.suppress(OSError):  # atomic_write says why, as a StoreError, if it cannot
        ensure_private_dir(path.parent)
    atomic_write(path, orjson.dumps(settings.to_json(), option=orjson.OPT_INDENT_2), path.parent)
