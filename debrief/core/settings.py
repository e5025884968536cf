"""The user's settings: typed, documented, stored as JSON in the config folder.

Every figure from debrief practice that sets a default (cool-off, call length, talk share) lives
here, so a team can tune it without touching code. A plain dataclass rather than a pydantic model:
the app reads settings before its first frame, and start-up time is a feature.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
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
    time_zone: str = ""
    """Your time zone (e.g. ``Europe/Paris``): call times are in it and invitations name it; empty:
    the system's zone."""
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
            "time_zone": not self.time_zone or zone_problem(self.time_zone) is None,
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


SETTING_NAMES: dict[str, str] = {
    "rep-name": "rep_name",
    "theme": "theme",
    "exports": "exports",
    "time-zone": "time_zone",
    "cool-off-days": "cool_off_min_days",
    "cool-off-max-days": "cool_off_max_days",
    "suggest-after-days": "suggest_after_days",
    "call-minutes": "call_minutes",
    "max-questions": "max_questions",
    "talk-target": "talk_share_target",
    "monologue-seconds": "monologue_seconds",
}
"""The names ``debrief config`` takes, for the fields of :class:`Settings`; ``keymap.ID`` rebinds one key."""


def setting_text(settings: Settings, name: str) -> str:
    """One setting as ``debrief config NAME`` prints it."""
    if name.startswith("keymap."):
        return settings.keymap.get(name.removeprefix("keymap."), "")
    value = getattr(settings, SETTING_NAMES[name])
    if isinstance(value, tuple):
        return "-".join(str(part) for part in value)
    return str(value)


def with_setting(settings: Settings, name: str, text: str) -> Settings:
    """``settings`` with ``name`` set from what the rep typed; ValueError with a one-line reason."""
    text = text.strip()
    if name.startswith("keymap."):
        binding_id = name.removeprefix("keymap.")
        keymap = {key: value for key, value in settings.keymap.items() if key != binding_id}
        if text:
            if not re.fullmatch(r"[a-z0-9_+]+(,[a-z0-9_+]+)*", text):
                raise ValueError(f"keymap.{binding_id}: {text!r} is not a key (e.g. f9, ctrl+b, x)")
            keymap[binding_id] = text
        return dataclasses.replace(settings, keymap=keymap)
    field_name = SETTING_NAMES.get(name)
    if field_name is None:
        raise ValueError(f"no setting {name!r} (known: {', '.join([*SETTING_NAMES, 'keymap.ID'])})")
    current = getattr(settings, field_name)
    if field_name == "time_zone" and text and (problem := zone_problem(text)) is not None:
        raise ValueError(f"{name}: {problem}")
    try:
        value = _parse_setting(text, current)
    except ValueError:
        kind = "range like 7-21" if isinstance(current, tuple) else "share like 30%" if isinstance(
            current, float) else "whole number" if isinstance(current, int) else "text"
        raise ValueError(f"{name}: {text!r} is not a {kind}") from None
    changes: dict[str, Any] = {field_name: value}
    try:
        return dataclasses.replace(settings, **changes)
    except ValueError:
        raise ValueError(f"{name}: {text!r} is out of range") from None


def zone_problem(name: str) -> str | None:
    """Why ``name`` is not an IANA time zone the system knows (None when it is one)."""
    from zoneinfo import ZoneInfo

    if not re.fullmatch(r"[A-Za-z0-9_+\-]+(/[A-Za-z0-9_+\-]+)*", name):
        return f"{name!r} is not a time zone (e.g. Europe/Paris, America/New_York, UTC)"
    try:
        ZoneInfo(name)
    except (KeyError, ValueError, OSError):  # an unknown zone is a KeyError
        return f"{name!r} is not a time zone (e.g. Europe/Paris, America/New_York, UTC)"
    return None


def system_zone() -> str:
    """The system's time zone name: ``TZ``, then the ``/etc/localtime`` link, else ``UTC``.

    Read by name, not as the process offset, so an invitation and a calendar event can say which
    zone the call is in (and daylight saving is right on the day of the call).
    """
    import os

    candidates = [os.environ.get("TZ", "").strip().removeprefix(":")]
    with contextlib.suppress(OSError):
        candidates.append(str(Path("/etc/localtime").resolve()) if Path("/etc/localtime").is_symlink() else "")
    with contextlib.suppress(OSError):
        candidates.append(Path("/etc/timezone").read_text(encoding="utf-8").strip())
    for candidate in candidates:
        if "zoneinfo/" in candidate:
            candidate = candidate.rsplit("zoneinfo/", 1)[1]
        if candidate and zone_problem(candidate) is None:
            return "UTC" if candidate in _UTC_NAMES else candidate
    return "UTC"


_UTC_NAMES = frozenset({"Etc/UTC", "Etc/UCT", "Etc/Universal", "Etc/Zulu", "UCT", "Universal", "Zulu",
                        "Etc/GMT", "GMT", "Etc/Greenwich", "Greenwich"})
"""Spellings of UTC a system may use: an invitation says plainly ``UTC``."""


def rep_zone(settings: Settings) -> str:
    """The zone the rep's call times are in: the ``time-zone`` setting, or the system's."""
    return settings.time_zone or system_zone()


def _parse_setting(text: str, current: object) -> object:
    """``text`` read in the type of ``current`` (``7-21`` for a range, ``30%`` or ``0.3`` for a share)."""
    if isinstance(current, tuple):
        low, _, high = text.partition("-")
        return (int(low), int(high or low))
    if isinstance(current, bool):
        raise ValueError(text)
    if isinstance(current, int):
        return int(text)
    if isinstance(current, float):
        number = float(text.removesuffix("%"))
        return number / 100 if text.endswith("%") or number > 1 else number
    return text


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
