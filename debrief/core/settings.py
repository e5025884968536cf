"""The user's settings: typed, documented, stored as JSON in the config folder.

Every figure from debrief practice that sets a default (cool-off, call length, talk share) lives
here, so a team can tune it without touching code. A plain dataclass rather than a pydantic model:
the app reads settings before its first frame, and start-up time is a feature.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

MAX_NAME = 120
"""Longest rep name (or theme name) kept: a name signs an email, it is not a paragraph."""


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
    timer_autostart: bool = True
    """Start the call timer with the first note typed, so a forgotten start still times the call."""

    def __post_init__(self) -> None:
        from debrief.core.text import clean_line

        # A hand-edited file is data like any other: one line each, no terminal control.
        for name in ("rep_name", "theme", "exports", "time_zone"):
            value = getattr(self, name)
            if isinstance(value, str) and not value.isprintable():
                setattr(self, name, clean_line(value).strip())
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
            "rep_name": len(self.rep_name) <= MAX_NAME,
            "exports": len(self.exports) <= 4096,
            "theme": len(self.theme) <= MAX_NAME,
            "keymap": all(_BINDING_ID.fullmatch(binding_id) and _KEYS.fullmatch(keys)
                          for binding_id, keys in self.keymap.items()),
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


@dataclass(frozen=True)
class SettingInfo:
    """One setting as the rep names it (``debrief config NAME``, the settings screen)."""

    name: str
    """The name ``debrief config`` takes."""
    field: str
    """The :class:`Settings` field it sets."""
    label: str
    """Its label on the settings screen."""
    help: str
    """What it does, in one line."""
    empty: str
    """What an empty value means (for a number: it goes back to the default)."""


SETTINGS_TABLE: tuple[SettingInfo, ...] = (
    SettingInfo("rep-name", "rep_name", "Your name",
                "Signs your invitations (rep.name in templates).",
                "invitations end unsigned, and the next booking asks for it"),
    SettingInfo("theme", "theme", "Theme", "The app's colours (the palette's theme command sets it too).",
                "the default theme, textual-dark"),
    SettingInfo("exports", "exports", "Exports folder",
                "Where every file you ask for goes (scripts, reports, invitations); ~ is your home.",
                "the debrief folder in your documents folder"),
    SettingInfo("time-zone", "time_zone", "Time zone",
                "Call times are in it; invitations and calendar events name it (e.g. Europe/Paris).",
                "the system's zone"),
    SettingInfo("cool-off-days", "cool_off_min_days", "Cool-off days",
                "Warn when the call is booked sooner than this many days after the loss.", "back to 2"),
    SettingInfo("cool-off-max-days", "cool_off_max_days", "Latest call",
                "Warn when the call is booked later than this many days: reasons fade.", "back to 30"),
    SettingInfo("suggest-after-days", "suggest_after_days", "Best window",
                "The days after the loss a call slot is suggested in (e.g. 7-21).", "back to 7-21"),
    SettingInfo("call-minutes", "call_minutes", "Call minutes",
                "The length of call to ask for (5-120; 15-20 is typical).", "back to 20"),
    SettingInfo("max-questions", "max_questions", "Most questions",
                "A script with more questions than this gets a warning (guides cap at 10-12).", "back to 12"),
    SettingInfo("talk-target", "talk_share_target", "Talk target",
                "Your share of the talking in a debrief call (e.g. 30%); past it the meter warns.",
                "back to 30%"),
    SettingInfo("monologue-seconds", "monologue_seconds", "Longest monologue",
                "Seconds of talking in one go that earn a nudge (10 or more).", "back to 60"),
    SettingInfo("timer-autostart", "timer_autostart", "Timer starts itself",
                "on: the call timer starts with the first note you type; off: only with its key.",
                "back to on"),
    SettingInfo("keymap", "keymap", "Keys",
                "Rebound keys as ID=KEYS, space between (e.g. call.next=f12); F1 shows every id.",
                "every key as shipped"),
)
"""Every setting, in the order ``debrief config`` lists them and the settings screen shows them."""

SETTING_NAMES: dict[str, str] = {info.name: info.field for info in SETTINGS_TABLE}
"""The names ``debrief config`` takes, for the fields of :class:`Settings`; ``keymap.ID`` rebinds one key."""

SETTING_INFO: dict[str, SettingInfo] = {info.name: info for info in SETTINGS_TABLE}

_KEYS = re.compile(r"[A-Za-z0-9_+]+(,[A-Za-z0-9_+]+)*")
_BINDING_ID = re.compile(r"[a-z0-9_][a-z0-9_.-]*")
_ON = {"on": True, "yes": True, "true": True, "1": True, "off": False, "no": False, "false": False, "0": False}


def known_names() -> str:
    """The setting names, for a message that says which exist."""
    return ", ".join([*SETTING_NAMES, "keymap.ID"])


def setting_text(settings: Settings, name: str) -> str:
    """One setting as ``debrief config NAME`` prints it (and the settings screen edits it)."""
    if name.startswith("keymap."):
        return settings.keymap.get(name.removeprefix("keymap."), "")
    value = getattr(settings, SETTING_NAMES[name])
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, tuple):
        return "-".join(str(part) for part in value)
    if isinstance(value, dict):
        return " ".join(f"{binding_id}={keys}" for binding_id, keys in sorted(value.items()))
    return str(value)


def default_text(name: str) -> str:
    """What ``name`` reads when it is not set (an empty value sets it back to this)."""
    return setting_text(Settings(), name)


def with_setting(settings: Settings, name: str, text: str, *,
                 themes: Collection[str] | None = None) -> Settings:
    """``settings`` with ``name`` set from what the rep typed; ValueError with a one-line reason.

    The one way a setting changes, for ``debrief config`` and the settings screen alike: ``text``
    is cleaned to one line, an empty value goes back to the default, and ``themes`` (the names the
    app knows) checks a theme.
    """
    from debrief.core.text import clean_line

    text = clean_line(text).strip()
    if name.startswith("keymap."):
        binding_id = name.removeprefix("keymap.")
        if not _BINDING_ID.fullmatch(binding_id):
            raise ValueError(f"keymap.{binding_id}: not a binding id (F1 shows every id, e.g. call.next)")
        keymap = {key: value for key, value in settings.keymap.items() if key != binding_id}
        if text:
            if not _KEYS.fullmatch(text):
                raise ValueError(f"keymap.{binding_id}: {text!r} is not a key (e.g. f9, ctrl+b, x)")
            keymap[binding_id] = text
        return dataclasses.replace(settings, keymap=keymap)
    field_name = SETTING_NAMES.get(name)
    if field_name is None:
        raise ValueError(f"no setting {name!r} (known: {known_names()})")
    if field_name == "keymap":
        return dataclasses.replace(settings, keymap=_read_keymap(text))
    if not text and field_name not in _MAY_BE_EMPTY:
        text = default_text(name)
    current = getattr(settings, field_name)
    if field_name == "time_zone" and text and (problem := zone_problem(text)) is not None:
        raise ValueError(f"{name}: {problem}")
    if field_name == "theme" and themes is not None and text not in themes:
        raise ValueError(f"{name}: no theme {text!r} (known: {', '.join(sorted(themes))})")
    try:
        value = _parse_setting(text, current)
    except ValueError:
        kind = ("range like 7-21" if isinstance(current, tuple) else "on or off" if isinstance(current, bool)
                else "share like 30%" if isinstance(current, float)
                else "whole number" if isinstance(current, int) else "text")
        raise ValueError(f"{name}: {text!r} is not {'' if kind == 'on or off' else 'a '}{kind}") from None
    changes: dict[str, Any] = {field_name: value}
    try:
        return dataclasses.replace(settings, **changes)
    except ValueError:
        if isinstance(current, str):
            raise ValueError(f"{name}: too long ({len(text):,} characters)") from None
        allowed = _RANGES.get(field_name, "see debrief config")
        raise ValueError(f"{name}: {text!r} is out of range ({allowed})") from None


_RANGES = {
    "cool_off_min_days": "0 or more days",
    "cool_off_max_days": "at least 1, and no fewer than the cool-off days",
    "suggest_after_days": "FROM-TO days, FROM no later than TO",
    "call_minutes": "5 to 120 minutes",
    "max_questions": "1 or more",
    "talk_share_target": "more than 0% and less than 100%",
    "monologue_seconds": "10 seconds or more",
}
"""Each figure's range in words, for the message that refuses a value outside it."""


_MAY_BE_EMPTY = frozenset({"rep_name", "exports", "time_zone"})
"""Settings whose empty value means something (a fallback worked out when needed)."""


def _read_keymap(text: str) -> dict[str, str]:
    """``call.next=f9 schedule.book=f9,ctrl+b`` as a keymap; ValueError naming the bad part."""
    keymap: dict[str, str] = {}
    for part in text.split():
        binding_id, sep, keys = part.partition("=")
        if not sep or not _BINDING_ID.fullmatch(binding_id):
            raise ValueError(f"keymap: {part!r} is not ID=KEYS (e.g. call.next=f9)")
        if not _KEYS.fullmatch(keys):
            raise ValueError(f"keymap: {keys!r} is not a key (e.g. f9, ctrl+b, x)")
        keymap[binding_id] = keys
    return keymap


def setting_fallback(settings: Settings, name: str) -> str:
    """What an empty ``name`` stands for right now, in words: ``(the system's: Europe/Paris)``."""
    if name == "time-zone" and not settings.time_zone:
        return f"(the system's: {rep_zone(settings)})"
    if name == "exports" and not settings.exports:
        from debrief.locations import exports_dir

        return f"(the default: {exports_dir('')})"
    if name == "rep-name" and not settings.rep_name:
        return "(not set: invitations end unsigned)"
    if name == "keymap" and not settings.keymap:
        return "(every key as shipped)"
    return ""


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
        if text.lower() not in _ON:
            raise ValueError(text)
        return _ON[text.lower()]
    if isinstance(current, int):
        return int(text)
    if isinstance(current, float):
        number = float(text.removesuffix("%"))
        return number / 100 if text.endswith("%") or number > 1 else number
    return text


def _coerce(value: object, default: object) -> object | None:
    """``value`` in the type of ``default``, or None when it cannot be."""
    if isinstance(default, bool) or isinstance(value, bool):
        return value if isinstance(default, bool) and isinstance(value, bool) else None
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
