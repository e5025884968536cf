"""Where debrief keeps things: the one module that knows paths.

Follows the platform's conventions (XDG on Linux) through platformdirs; folders are created on
first use with mode 0700, because they hold prospects' names and words.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_config_path, user_data_path

APP_NAME = "debrief"
DB_ENV = "DEBRIEF_DB"


def data_dir() -> Path:
    """The user data folder (on Linux ``~/.local/share/debrief``)."""
    return user_data_path(APP_NAME, appauthor=False)


def config_dir() -> Path:
    """The user config folder (settings, keymap)."""
    return user_config_path(APP_NAME, appauthor=False)


def default_db() -> Path:
    """The database used when neither ``--db`` nor ``DEBRIEF_DB`` says otherwise."""
    return data_dir() / "db"


def resolve_db(explicit: str | os.PathLike[str] | None) -> Path:
    """The database path: ``--db`` first, then ``DEBRIEF_DB``, then the default."""
    if explicit:
        return Path(explicit).expanduser()
    from_env = os.environ.get(DB_ENV)
    if from_env:
        return Path(from_env).expanduser()
    return default_db()


def user_banks_dir() -> Path:
    """Where users put their own question banks, beside the shipped ones."""
    return data_dir() / "question_banks"


def shipped_banks_dir() -> Path:
    """The banks that come with debrief: inside the package when installed, else the checkout."""
    packaged = Path(__file__).parent / "question_banks"
    if packaged.is_dir():
        return packaged
    return Path(__file__).parent.parent / "question_banks"


def settings_file() -> Path:
    """The user's settings (theme, rep name, keymap)."""
    return config_dir() / "settings.json"


def exports_dir() -> Path:
    """Where exported scripts and reports go: a visible folder (``~/Documents/debrief``)."""
    from platformdirs import user_documents_path

    return user_documents_path() / APP_NAME


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) readable only by the user."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    return path
