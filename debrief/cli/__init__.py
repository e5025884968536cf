"""The ``debrief`` command line: a contract that scripts and tests depend on (see README).

Every command takes ``--db``; bad input is one line on stderr and exit 2; "not found" and lint
findings are exit 1. ``debrief`` alone opens the app. A crash (a bug: an error nobody expected,
in a command or in the app) is one line naming the file its details were written to, and exit 2: never 0, and the
command-line contract keeps its three codes.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path
from typing import NoReturn

import click

from debrief import __version__
from debrief.cli.common import BadInput, db_option
from debrief.core.store import NotFound, StoreError
from debrief.locations import DB_ENV

COMMAND_MODULES: dict[str, str] = {
    "new": "data_commands", "list": "data_commands", "show": "data_commands",
    "export": "data_commands", "import": "data_commands", "demo": "data_commands",
    "locate": "data_commands", "repair": "data_commands", "call": "app_commands", "banks": "bank_commands",
    "tone": "tone_commands", "schedule": "schedule_commands", "invite": "schedule_commands",
    "ics": "schedule_commands", "script": "script_commands", "compare": "review_commands",
    "stats": "review_commands", "search": "review_commands", "summary": "wrapup_commands",
    "config": "config_commands", "team": "team_commands",
}
"""Which module of ``debrief.cli`` defines each command (in its ``COMMANDS`` list)."""


class LazyGroup(click.Group):
    """Imports a command's module only when that command runs: ``debrief`` alone opens the app
    without loading every command (start-up time is a feature)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMAND_MODULES)

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            raise _PipeClosed from None

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module_name = COMMAND_MODULES.get(cmd_name)
        if module_name is None:
            return None
        module = importlib.import_module(f"debrief.cli.{module_name}")
        return next((command for command in module.COMMANDS if command.name == cmd_name), None)


@click.group(cls=LazyGroup, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@db_option
@click.version_option(__version__, prog_name="debrief")
@click.pass_context
def cli(ctx: click.Context, db: Path | None) -> None:
    """Turn a lost deal into a lesson: log the loss, run a debrief call, learn across losses.

    With no command, opens the app on the home screen.
    """
    if db is not None:
        # ``debrief --db X list`` means the same as ``debrief list --db X``.
        os.environ[DB_ENV] = str(db)
    if ctx.invoked_subcommand is None:
        from debrief.cli.app_commands import run_app

        run_app(db)


CRASH_EXIT = 2
"""Exit code of a crash: the contract has three codes, and a script treats a crash as a refusal."""


def _fail(message: str, code: int) -> NoReturn:
    from debrief.core.text import one_line

    click.echo(f"debrief: {one_line(message)}", err=True)
    sys.exit(code)


class AppCrashed(Exception):
    """The app ended on an exception; it is the ``__cause__``."""


def write_crash_log(error: BaseException) -> Path:
    """Write the traceback of ``error`` to a new 0600 file in the crash folder; return its path."""
    import platform
    import traceback
    from datetime import datetime

    from debrief.core.text import clean_text
    from debrief.locations import crash_dir, ensure_private_dir

    folder = ensure_private_dir(crash_dir())
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path = folder / f"crash-{stamp}-{os.getpid()}.log"
    details = "".join(traceback.format_exception(error))
    header = f"debrief {__version__}, Python {platform.python_version()}, {platform.platform()}\n\n"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace") as handle:
        handle.write(clean_text(header + details))  # a quoted note's escapes stay out of `cat`
    return path


def _crash(error: BaseException) -> NoReturn:
    """One line for the rep, the details in a file: what happened, and where to find out more."""
    from debrief.core.errors import error_line

    cause = error.__cause__ if isinstance(error, AppCrashed) and error.__cause__ else error
    what = "the app stopped on an unexpected error" if isinstance(error, AppCrashed) else "unexpected error"
    try:
        where = f"details in {write_crash_log(error)}"
    except OSError as problem:
        where = f"the details could not be written ({error_line(problem)})"
    _fail(f"{what}: {type(cause).__name__}: {error_line(cause, width=200)}; {where}", CRASH_EXIT)


class _PipeClosed(Exception):
    """The reader of our output went away (``debrief list | head``): not an error."""


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the command line, turning every error into one line and an exit code."""
    try:
        code = cli.main(args=argv, prog_name="debrief", standalone_mode=False)
    except click.UsageError as error:
        hint = f" (see 'debrief {error.ctx.info_name} --help')" if error.ctx and error.ctx.parent else ""
        _fail(error.format_message().splitlines()[0] + hint, 2)
    except BadInput as error:
        _fail(error.format_message(), 2)
    except click.ClickException as error:
        _fail(error.format_message(), error.exit_code)
    except _PipeClosed:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)
    except click.exceptions.Abort as error:
        # click turns ctrl+c into Abort before we see it.
        if isinstance(error.__cause__, KeyboardInterrupt) or isinstance(error.__context__, KeyboardInterrupt):
            _fail("interrupted", 130)
        _fail("aborted", 1)
    except click.exceptions.Exit as error:
        sys.exit(error.exit_code)
    except NotFound as error:
        _fail(str(error), 1)
    except StoreError as error:
        _fail(str(error), 2)
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)
    except AppCrashed as error:
        _crash(error)
    except OSError as error:
        # The system refused (a full disk, a folder without permission): the reason is the message.
        from debrief.core.errors import error_line

        _fail(error_line(error), 2)
    except Exception as error:
        if os.environ.get("DEBRIEF_DEBUG"):
            raise
        _crash(error)
    # Without standalone mode, click returns the code of ``ctx.exit(code)`` instead of exiting.
    if isinstance(code, int) and code:
        sys.exit(code)
