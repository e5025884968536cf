"""What a rep types into a field, read once: the forms and the command line call these same parsers.

Each parser returns the value to store or raises ValueError with a one-line reason; the form shows
that reason under the field and the command line prints it after the option's name, so both say
the same thing. Dates are read by ``core.dates``.

Money is written the way reps write it. Currency signs and codes ($, €, £, ¥, USD, EUR, GBP, CHF),
spaces, underscores and apostrophes are ignored; ``k``, ``m`` and ``bn`` multiply; a comma groups
thousands (``48,000``) and a dot is the decimal point (``48000.50``); where both appear the last
one is the decimal point (``48.000,50`` is 48,000.50, as in much of Europe). A lone dot followed
by exactly three digits (``48.000``) could be either, so it is refused with a way to write it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from debrief.core.reasons import Taxonomy

MAX_MONEY = 1e12
"""A deal larger than this is a typing slip."""
MAX_LINE = 200
"""Longest company, contact, role or competitor name."""
MAX_STAGE = 100
MAX_EMAIL = 320
MAX_REASONS = 3
"""The rep's guess: the top reasons, not every reason."""

STAGES = ["discovery", "demo", "proposal", "negotiation", "security review", "final two", "contract"]
"""The stages a deal is commonly lost at, in the order of a sale; a rep may name their own."""

_MONEY_NOISE = re.compile(r"[\s_'’$€£¥]|\b(?:usd|eur|gbp|chf)\b")
_MONEY = re.compile(r"^(\d[\d.,]*)(k|m|bn)?$")
_GROUPED = re.compile(r"^\d{1,3}(?:[SEP]\d{3})+$")
_MULTIPLIERS = {None: 1, "k": 1_000, "m": 1_000_000, "bn": 1_000_000_000}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

MONEY_HELP = "a number, e.g. 45000, 45,000, $45k or 1.2m"


def _grouped(digits: str, separator: str) -> bool:
    return bool(re.match(_GROUPED.pattern.replace("[SEP]", re.escape(separator)), digits))


def _number(text: str, has_suffix: bool) -> float:
    """The number in ``text`` (digits, dots and commas only), by the rules in the module's docstring."""
    dots, commas = text.count("."), text.count(",")
    if dots and commas:
        decimal = "." if text.rfind(".") > text.rfind(",") else ","
        group = "," if decimal == "." else "."
        whole, _, fraction = text.rpartition(decimal)
        if decimal in whole or not fraction or not (_grouped(whole, group) or group not in whole):
            raise ValueError(f"value must be {MONEY_HELP}")
        return float(whole.replace(group, "") + "." + fraction)
    if commas:
        if _grouped(text, ","):
            return float(text.replace(",", ""))
        whole, _, fraction = text.partition(",")
        if commas == 1 and whole and 1 <= len(fraction) <= 2:
            return float(f"{whole}.{fraction}")  # 48,5 and 1,25m: a decimal comma
        raise ValueError(f"value must be {MONEY_HELP}")
    if dots:
        whole, _, fraction = text.partition(".")
        if dots > 1:
            if _grouped(text, "."):
                return float(text.replace(".", ""))
            raise ValueError(f"value must be {MONEY_HELP}")
        if not whole or not fraction:
            raise ValueError(f"value must be {MONEY_HELP}")
        if len(fraction) == 3 and len(whole) <= 3 and not has_suffix:
            raise ValueError(f"{text!r} could be {whole} or {whole}{fraction}: write {whole}{fraction}, "
                             f"{whole},{fraction} or {whole}k")
        return float(text)
    return float(text)


def parse_money(text: str) -> float | None:
    """A deal value: ``48k``, ``$48,000``, ``48,000``, ``48000.50``, ``1.2m``; None when empty."""
    cleaned = _MONEY_NOISE.sub("", text.strip().lower())
    if not cleaned:
        return None
    if cleaned.startswith("-") or (cleaned.startswith("(") and cleaned.endswith(")")):
        raise ValueError("value cannot be negative")
    match = _MONEY.match(cleaned)
    if not match:
        raise ValueError(f"value must be {MONEY_HELP}")
    if len(match.group(1)) > 24:
        raise ValueError(f"value is too large (at most {MAX_MONEY:,.0f})")
    number = _number(match.group(1), match.group(2) is not None) * _MULTIPLIERS[match.group(2)]
    if number > MAX_MONEY:
        raise ValueError(f"value is too large (at most {MAX_MONEY:,.0f})")
    return round(number, 2)


def format_money(value: float | None) -> str:
    """A value as the form shows it (and ``parse_money`` reads back): ``48,000`` or ``48,000.50``."""
    if value is None:
        return ""
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"


def parse_line(text: str, what: str, *, required: str = "", limit: int = MAX_LINE) -> str:
    """One line of text (a company, a contact, a role, a competitor): trimmed, bounded, no line break.

    ``required``: when given, an empty value is refused with this reason.
    """
    value = text.strip()
    if "\n" in value or "\r" in value:
        raise ValueError(f"{what} must be one line")
    if required and not value:
        raise ValueError(f"{what} is required: {required}")
    if len(value) > limit:
        raise ValueError(f"{what} is too long (at most {limit} characters)")
    if "\x00" in value:
        raise ValueError(f"{what} contains binary data (NUL bytes)")
    return value


def parse_company(text: str) -> str:
    """The buyer's company: required, one line."""
    return parse_line(text, "company", required="who chose someone else?")


def parse_contact(text: str) -> str:
    """The buyer's full name: required, one line."""
    return parse_line(text, "contact", required="the buyer you will ask for the debrief call")


def parse_email(text: str) -> str:
    """An email address, or '' when none is given; one plain rule: something@domain.tld."""
    value = text.strip()
    if not value:
        return ""
    if len(value) > MAX_EMAIL or not _EMAIL.match(value):
        raise ValueError(f"not an email address: {value[:60]!r} (use name@company.com)")
    return value


def parse_stage(text: str) -> str:
    """A known stage in its usual spelling (``Security-Review`` is ``security review``), or the rep's own."""
    value = " ".join(parse_line(text, "stage", limit=MAX_STAGE).split())
    key = " ".join(value.lower().replace("-", " ").replace("_", " ").split())
    for stage in STAGES:
        if key == stage:
            return stage
    return value


def parse_reasons(values: list[str] | tuple[str, ...], known: Taxonomy | None = None) -> list[str]:
    """The rep's guess: loss reasons by id, label or alias (any case), comma-separated, at most three.

    A reason is one of the taxonomy (shipped, the team's, the rep's reasons file) or a tag one of
    the banks uses; ``known`` replaces that lookup (a form that has the taxonomy at hand).
    """
    from debrief.core import reasons as taxonomy_module

    taxonomy = known or taxonomy_module.taxonomy()
    with_banks = known is not None
    found: list[str] = []
    for value in values:
        for part in value.split(","):
            word = " ".join(part.split())
            if not word:
                continue
            reason = taxonomy.resolve(word) or taxonomy.resolve(word.lower())
            if reason is None and not with_banks:
                # Only a word the files do not name costs loading the banks (a tag one introduced).
                from debrief.core.banks import reasons_with_banks

                taxonomy, with_banks = reasons_with_banks(), True
                reason = taxonomy.resolve(word) or taxonomy.resolve(word.lower())
            if reason is None:
                raise ValueError(unknown_reason(word, taxonomy))
            if reason not in found:
                found.append(reason)
    if len(found) > MAX_REASONS:
        raise ValueError(f"at most {MAX_REASONS} reasons: your top ones, not every one")
    return found


def unknown_reason(word: str, taxonomy: Taxonomy) -> str:
    """Why ``word`` is not a reason, with the likeliest one meant and where new ones are declared."""
    from debrief.core.text import one_line

    shown = one_line(word, 40)
    suggestion = taxonomy.suggest(word)
    if suggestion is not None:
        return f"unknown reason {shown!r}: did you mean {suggestion!r} ({taxonomy.label(suggestion)})?"
    ids = taxonomy.ids()
    listed = ", ".join(ids[:24]) + (f" and {len(ids) - 24} more" if len(ids) > 24 else "")
    return (f"unknown reason {shown!r} (known: {listed}; add your own to reasons.yaml in the data "
            "folder, 'debrief locate' shows where)")
