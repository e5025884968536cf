"""Commands that open the app: ``debrief`` alone, and ``debrief call ID``."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import click

from debrief.cli.common import db_option, open_store


def run_app(db: Path | None, call_id: str | None = None) -> None:
    """Open the database first (so a bad one is a one-line error), then start the app.

    If the app ends on an exception, Textual would print a long traceback (with local values,
    which hold the rep's notes) and the process would exit 0; instead its report is kept off the
    terminal and :class:`AppCrashed` is raised, which the command line turns into one line, a
    crash log and a non-zero exit.
    """
    store = open_store(db)
    if call_id is not None:
        store.get(call_id)  # a missing id is "not found" before the screen opens
    from rich.console import Console

    from debrief.app import create_app

    app = create_app(store, call_id=call_id)
    report = io.StringIO()
    app.error_console = Console(file=report, markup=False, highlight=False, color_system=None, width=120)
    app.run()
    failure = getattr(app, "_exception", None)  # Textual keeps the first unhandled exception here
    if failure is not None:
        from debrief.cli import AppCrashed

        raise AppCrashed(report.getvalue()) from failure
    if report.getvalue():
        sys.stderr.write(report.getvalue())  # an exit message, not an error: shown as Textual would
    if app.return_code:
        raise click.exceptions.Exit(app.return_code)


@click.command("call")
@click.argument("debrief_id")
@db_option
def call_command(debrief_id: str, db: Path | None) -> None:
    """Open the app straight on the live-call screen of that debrief."""
    run_app(db, call_id=debrief_id.strip().lower())


COMMANDS = [call_command]
