"""What every command shares: the ``--db`` option, output formats and one-line errors."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

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


def db_option(command: F) -> F:
    """``--db PATH`` on every command; ``DEBRIEF_DB`` is read when it is not given."""
    return click.option(
        "--db",
        "db",
        type=click.Path(dir_okay=True, file_okay=True, path_type=Path),
        default=None,
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


def print_json(data: Any) -> None:
    """Stable, machine-readable JSON on stdout: sorted keys, two-space indent."""
    import orjson

    sys.stdout.write(
        orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode() + "\n"
    )


def echo(text: str) -> None:
    """Print text whose fields were already cleaned of control characters."""
    click.echo(text)
