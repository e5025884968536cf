"""Commands of the wrap-up: the short Markdown summary a rep pastes into a CRM note (a shorter
selection of the same document ``show`` prints)."""

from __future__ import annotations

from pathlib import Path

import click

from debrief.cli.common import BadInput, db_option, echo, open_store


@click.command("summary")
@click.argument("debrief_id")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file (0600) instead of stdout.")
@db_option
def summary_command(debrief_id: str, out: Path | None, db: Path | None) -> None:
    """The lesson of one debrief as short Markdown: for a CRM note or your manager."""
    from debrief.core.document import summary_markdown

    text = summary_markdown(open_store(db).get(debrief_id.strip().lower()))
    if out is None:
        echo(text.rstrip())
        return
    from debrief.core.store import StoreError, atomic_write

    out = out.expanduser()
    if not out.parent.is_dir():
        raise BadInput(f"--out: folder {out.parent} does not exist")
    if out.is_dir():
        raise BadInput(f"--out: {out} is a folder")
    try:
        atomic_write(out, text.encode(), out.parent)
    except StoreError as error:
        raise BadInput(f"--out: {error}") from None
    click.echo(f"wrote {out}", err=True)


COMMANDS = [summary_command]
