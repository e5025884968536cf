"""``debrief script``: the call script of one debrief, on stdout."""

from __future__ import annotations

from pathlib import Path

import click

from debrief.cli.common import BadInput, db_option, echo, format_option, open_store
from debrief.core.text import one_line


@click.command("script")
@click.argument("debrief_id")
@click.option("--bank", "bank_id", default=None, help="Use this question bank (see 'debrief banks list').")
@click.option("--minutes", type=click.IntRange(5, 120), default=None,
              help="Fit the questions to a call of this many minutes.")
@format_option("md", "text")
@db_option
def script_command(debrief_id: str, bank_id: str | None, minutes: int | None, output_format: str,
                   db: Path | None) -> None:
    """The call script: the saved one, or a default selection that fits the call.

    With --bank or --minutes a fresh selection is made even when a script was saved.
    """
    from debrief.core.banks import load_banks
    from debrief.core.render import RenderError
    from debrief.core.script import ScriptError, default_script, script_markdown, script_text
    from debrief.core.settings import load_settings
    from debrief.locations import settings_file

    debrief = open_store(db).get(debrief_id.strip().lower())
    settings = load_settings(settings_file())
    if debrief.script is not None and bank_id is None and minutes is None:
        script = debrief.script
    else:
        banks = load_banks()
        if bank_id is not None and bank_id.strip() not in banks.banks:
            known = ", ".join(sorted(banks.banks)) or "none"
            raise BadInput(f"--bank: no bank {bank_id.strip()!r} (known: {known})")
        for error in banks.errors:
            click.echo(f"debrief: warning: {one_line(str(error), 300)}", err=True)
        try:
            script = default_script(debrief, banks, settings, minutes=minutes,
                                    bank_id=bank_id.strip() if bank_id is not None else None)
        except (RenderError, ScriptError) as error:
            raise BadInput(str(error)) from None
    render = script_markdown if output_format == "md" else script_text
    echo(render(script, debrief).rstrip())


COMMANDS = [script_command]
