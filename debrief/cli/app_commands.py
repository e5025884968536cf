"""Commands that open the app: ``debrief`` alone, and ``debrief call ID``."""

from __future__ import annotations

from pathlib import Path

import click

from debrief.cli.common import db_option, open_store


def run_app(db: Path | None, call_id: str | None = None) -> None:
    """Open the database first (so a bad one is a one-line error), then start the app."""
    store = open_store(db)
    if call_id is not None:
        store.get(call_id)  # a missing id is "not found" before the screen opens
    from debrief.app import create_app

    create_app(store, call_id=call_id).run()


@click.command("call")
@click.argument("debrief_id")
@db_option
def call_command(debrief_id: str, db: Path | None) -> None:
    """Open the app straight on the live-call screen of that debrief."""
    run_app(db, call_id=debrief_id.strip().lower())


COMMANDS = [call_command]
