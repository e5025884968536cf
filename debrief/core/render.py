"""Jinja2 templates rendered in a sandbox: bank questions, openings, closings, invitations.

Templates come from YAML files a user may have downloaded from anywhere, so they render in
Jinja2's immutable sandbox: no attribute access to Python internals, no file or environment
access (no loaders, no globals beyond what we pass). An unknown name is an error naming the
template's place and the variable, never a silent blank in front of a buyer.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateSyntaxError, UndefinedError, meta
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

TEMPLATE_NAMES = frozenset({"company", "contact", "lost_to", "stage", "value", "rep"})
"""The names a template may use: the deal and the rep."""


class RenderError(ValueError):
    """A template that cannot render, worded as one line naming where and why."""


@lru_cache(maxsize=1)
def _environment() -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(
        undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False
    )
    env.globals.clear()  # no range, lipsum, cycler, dict...: templates see only the deal
    return env


@lru_cache(maxsize=4096)
def _used_names(template: str) -> frozenset[str]:
    return frozenset(meta.find_undeclared_variables(_environment().parse(template)))


@lru_cache(maxsize=4096)
def _compiled(template: str) -> Template:
    """Compiling is most of a render's cost; the same bank texts render for every deal."""
    return _environment().from_string(template)


def unknown_names(template: str, where: str) -> list[str]:
    """Top-level names the template uses that templates may not see (checked when a bank loads)."""
    try:
        used = _used_names(template)
    except TemplateSyntaxError as error:
        raise RenderError(f"{where}: template syntax error: {error.message}") from None
    return sorted(name for name in used if name not in TEMPLATE_NAMES)


def render(template: str, context: dict[str, Any], where: str) -> str:
    """Render ``template`` with ``context`` in the sandbox; raise RenderError naming ``where``."""
    unknown = unknown_names(template, where)
    if unknown:
        raise RenderError(f"{where}: unknown template variable {unknown[0]!r}")
    try:
        return _compiled(template).render(context).strip()
    except UndefinedError as error:
        raise RenderError(f"{where}: {_undefined_message(error)}") from None
    except SecurityError as error:
        raise RenderError(f"{where}: refused by the template sandbox: {error}") from None
    except TemplateSyntaxError as error:
        raise RenderError(f"{where}: template syntax error: {error.message}") from None
    except (TypeError, ValueError, ArithmeticError, AttributeError) as error:
        raise RenderError(f"{where}: template error: {error}") from None


def _undefined_message(error: UndefinedError) -> str:
    text = str(error.message or error)
    match = re.search(r"'([^']+)' is undefined|has no attribute '([^']+)'", text)
    if match:
        return f"unknown template variable {match.group(1) or match.group(2)!r}"
    return f"template error: {text}"
