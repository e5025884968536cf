"""Click option types that wrap the core's parsers: an option reads exactly like the form's field.

``--value 48k`` is 48,000 here as in the app, ``--lost-on monday`` is the last Monday, and a
refusal is the parser's own one-line reason after the option's name (exit 2), as the form shows it
under the field.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import click

from debrief.cli.common import BadInput
from debrief.core.dates import Tense, parse_date, parse_datetime

if TYPE_CHECKING:
    _Type = click.ParamType[Any]
else:  # older click releases are not generic at run time
    _Type = click.ParamType


def _refuse(error: ValueError, param: click.Parameter | None) -> BadInput:
    """The parser's reason after the option's name, the way every bad option reads: exit 2."""
    name = param.opts[0] if param is not None and param.opts else "input"
    return BadInput(f"{name}: {error}")


class ParsedType(_Type):
    """An option read by one of the core's parsers (a callable raising ValueError)."""

    def __init__(self, name: str, parse: Callable[[str], Any]) -> None:
        self.name = name
        self.parse = parse

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if not isinstance(value, str):
            return value  # a default that is already a value
        try:
            return self.parse(value)
        except ValueError as error:
            raise _refuse(error, param) from None


class DateType(_Type):
    """A date, read against today when the command runs, on the field's side of today."""

    name = "date"

    def __init__(self, tense: Tense = Tense.ANY) -> None:
        self.tense = tense

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return parse_date(str(value), date.today(), tense=self.tense)
        except ValueError as error:
            raise _refuse(error, param) from None


class DateTimeType(_Type):
    """A date and time, read against now when the command runs."""

    name = "datetime"

    def __init__(self, tense: Tense = Tense.ANY) -> None:
        self.tense = tense

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> datetime:
        if isinstance(value, datetime):
            return value
        try:
            return parse_datetime(str(value), datetime.now(), tense=self.tense)
        except ValueError as error:
            raise _refuse(error, param) from None


def money() -> ParsedType:
    """A deal value as reps write it (``48k``, ``$48,000``)."""
    from debrief.core.inputs import parse_money

    return ParsedType("money", parse_money)


def email() -> ParsedType:
    """An email address (or nothing)."""
    from debrief.core.inputs import parse_email

    return ParsedType("email", parse_email)


def stage() -> ParsedType:
    """A stage: a known one in its usual spelling, or the rep's own."""
    from debrief.core.inputs import parse_stage

    return ParsedType("stage", parse_stage)


def line(what: str, required: str = "") -> ParsedType:
    """One line of text: a company, a contact, a role, a competitor."""
    from debrief.core.inputs import parse_line

    return ParsedType("text", lambda text: parse_line(text, what, required=required))


def reasons(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> list[str]:
    """Callback of a repeatable, comma-separated reasons option (``--guess price,timing``)."""
    from debrief.core.inputs import parse_reasons
    from debrief.core.reasons import taxonomy
    from debrief.core.text import one_line

    if values:
        for problem in taxonomy().problems:  # a bad entry of a reasons file: say so, use the rest
            click.echo(f"debrief: warning: {one_line(problem)} (skipped)", err=True)
    try:
        return parse_reasons(values)
    except ValueError as error:
        raise _refuse(error, param) from None


def company() -> ParsedType:
    """The buyer's company (required, one line)."""
    from debrief.core.inputs import parse_company

    return ParsedType("text", parse_company)


def contact() -> ParsedType:
    """The buyer's full name (required, one line)."""
    from debrief.core.inputs import parse_contact

    return ParsedType("text", parse_contact)
