"""What every command shares: the ``--db`` option, output formats and one-line errors."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from debrief.core.text import INVISIBLE, clean_text, needs_cleaning
from debrief.locations import DB_ENV, resolve_db

if TYPE_CHECKING:
    from debrief.core.store import Store

F = TypeVar("F", bound=Callable[..., Any])


class BadInput(click.ClickException):
    """Bad input: one line on stderr, exit 2."""

    exit_code = 2


class Missing(click.ClickException):
    """Something asked for is not there (or lint found problems): exit 1."""

    exit_code = 1


def _use_db(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    # The command's database is the process's: the team's reasons, banks and rules sit beside it.
    from debrief.locations import use_database

    use_database(resolve_db(value))
    return value


def db_option(command: F) -> F:
    """``--db PATH`` on every command; ``DEBRIEF_DB`` is read when it is not given."""
    return click.option(
        "--db",
        "db",
        type=click.Path(dir_okay=True, file_okay=True, path_type=Path),
        default=None,
        callback=_use_db,
        is_eager=True,  # before the options whose parsing reads the team's files (--guess)
        help=f"Database folder (default: in the user data folder; ${DB_ENV} overrides).",
    )(command)


def format_option(*choices: str) -> Callable[[F], F]:
    """``--format`` limited to ``choices``; the first is the default."""
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(choices),
        default=choices[0],
        show_default=True,
        help="Output format.",
    )


def open_store(db: Path | None) -> Store:
    """The database the command works on (created if it does not exist yet)."""
    from debrief.core.store import Store

    return Store.open(resolve_db(db))


def json_bytes(data: Any) -> bytes:
    """Stable, machine-readable JSON: sorted keys, two-space indent, a final newline.

    orjson escapes C0 controls itself; DEL, C1 controls, line separators and the invisible format
    characters are escaped here too (``\\u009b``), so no text in the JSON reaches a terminal raw.
    Model text is clean already; this is the last guard for what is not (an old index row).
    """
    import orjson

    data_bytes = orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"
    if data_bytes.isascii():
        return data_bytes
    text = data_bytes.decode()
    if not _JSON_UNSAFE.search(text):
        return data_bytes
    return _JSON_UNSAFE.sub(_json_escape, text).encode()


def print_json(data: Any) -> None:
    """Stable, machine-readable JSON on stdout (see :func:`json_bytes`)."""
    sys.stdout.flush()
    sys.stdout.buffer.write(json_bytes(data))
    sys.stdout.flush()


def echo(text: str, err: bool = False) -> None:
    """Print a line: the last guard strips any control character or escape sequence left in it.

    Bold and underline from ``click.style`` (SGR sequences) are kept; click drops them itself
    when the output is not a terminal.
    """
    if needs_cleaning(text):
        text = "".join(piece if _SGR.fullmatch(piece) else clean_text(piece) for piece in _SGR_SPLIT.split(text))
    click.echo(text, err=err)


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code > 0xFFFF:  # JSON spells a character beyond the BMP as a surrogate pair
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


_SGR = re.compile("\x1b\\[[0-9;]*m")
_SGR_SPLIT = re.compile("(\x1b\\[[0-9;]*m)")
_JSON_UNSAFE = re.compile(f"[\x7f-\x9f\u2028\u2029{INVISIBLE}]")
