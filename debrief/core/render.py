"""Jinja2 templates rendered in a sandbox: bank questions, openings, closings, invitations.

Templates come from files a user may have downloaded from anywhere (banks, the invitation), so
they are bounded twice. On load, :func:`template_problem` allows only what such a text needs:
names of the deal, field look-ups, ``if``/``else`` and text filters; no loops, calls, imports or
arithmetic, no internals, nothing nested deeper than a person writes. On render, Jinja2's
immutable sandbox (no attribute access to internals, no loader, no globals) with operators that
refuse huge results, an output cap and a deadline. An unknown name is an error naming the
template's place and the variable, never a silent blank in front of a buyer.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateSyntaxError, UndefinedError, meta, nodes
from jinja2.exceptions import SecurityError, TemplateError
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment

TEMPLATE_NAMES = frozenset({"company", "contact", "lost_to", "stage", "value", "rep"})
"""The names a bank template may use: the deal and the rep."""

MAX_TEMPLATE_CHARS = 20_000
"""Longest template compiled: an invitation is about a thousand characters, a bank text 2,000."""

MAX_NESTING = 24
"""Deepest nesting of blocks (``{% if %}`` in ``{% if %}``) or brackets a template may have.
Jinja's parser and compiler recurse once or more per level: a few hundred levels overflow the
stack, and no person writes more than a handful."""

MAX_TREE_DEPTH = 64
"""Deepest parsed template (``company|upper|upper|...`` nests without brackets)."""

MAX_OUTPUT_CHARS = 64_000
"""Longest rendered text: an invitation or a question is a few hundred characters."""

RENDER_SECONDS = 1.0
"""Longest a render may take; the checked parts take microseconds."""

MAX_NUMBER_BITS = 4096
"""Largest number an operator may produce (about 1,200 digits)."""

ALLOWED_FILTERS = frozenset({"default", "d", "upper", "lower", "title", "capitalize", "trim",
                             "string", "int", "round"})
"""Filters a template may use: text shaping only (no padding, repeating or formatting that
could blow up the output)."""

ALLOWED_TESTS = frozenset({"defined", "undefined", "none", "string", "number", "eq", "ne",
                           "equalto", "in", "lower", "upper"})

_ALLOWED_NODES: tuple[type[nodes.Node], ...] = (
    nodes.Template, nodes.Output, nodes.TemplateData, nodes.Name, nodes.Getattr, nodes.Getitem,
    nodes.Const, nodes.If, nodes.CondExpr, nodes.And, nodes.Or, nodes.Not, nodes.Compare,
    nodes.Operand, nodes.Test, nodes.Filter, nodes.Concat, nodes.List, nodes.Tuple,
)

_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
_BLOCK = re.compile(r"\{%[-+]?\s*(\w+)")
_OPENERS = frozenset({"if", "for", "macro", "call", "filter", "block", "with", "raw", "autoescape",
                      "trans"})


class RenderError(ValueError):
    """A template that cannot render, worded as one line naming where and why."""


class _BoundedSandbox(ImmutableSandboxedEnvironment):
    """The sandbox, with the operators that can build huge values refusing to.

    Intercepted operators are also never folded at compile time, so ``9**9**9`` cannot hang the
    compiler either.
    """

    intercepted_binops = frozenset({"**", "*", "%", "+", "//"})

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and _is_number(left) and _is_number(right):
            if abs(left) > 1 and (abs(right) > MAX_NUMBER_BITS
                                  or abs(right) * math.log2(abs(left)) > MAX_NUMBER_BITS):
                raise SecurityError("the result of ** would be too large")
        elif operator == "*":
            for seq, count in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and isinstance(count, int) \
                        and len(seq) * count > MAX_OUTPUT_CHARS:
                    raise SecurityError("the result of * would be too long")
            if isinstance(left, int) and isinstance(right, int) \
                    and left.bit_length() + right.bit_length() > MAX_NUMBER_BITS:
                raise SecurityError("the result of * would be too large")
        elif operator == "%" and isinstance(left, str):
            raise SecurityError("%-formatting of text is not allowed")
        elif operator == "+" and isinstance(left, str | list | tuple) \
                and isinstance(right, str | list | tuple) and len(left) + len(right) > MAX_OUTPUT_CHARS:
            raise SecurityError("the result of + would be too long")
        return super().call_binop(context, operator, left, right)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@lru_cache(maxsize=1)
def _environment() -> _BoundedSandbox:
    env = _BoundedSandbox(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)
    env.globals.clear()  # no range, lipsum, cycler, dict...: templates see only the deal
    # Only the filters and tests the load check allows exist at all: ``center(10**9)`` or
    # ``wordwrap`` cannot run even in a template that never went through the load check.
    env.filters = {name: env.filters[name] for name in ALLOWED_FILTERS}
    env.tests = {name: env.tests[name] for name in ALLOWED_TESTS}
    return env


# -- bounds before any parse -------------------------------------------------------------------


def bounds_problem(template: str) -> str | None:
    """Why ``template`` is too big or too deep to parse safely, or None.

    Checked on the text, before Jinja parses it: its parser recurses per level of nesting.
    """
    if len(template) > MAX_TEMPLATE_CHARS:
        return f"template too long ({len(template):,} characters, at most {MAX_TEMPLATE_CHARS:,})"
    blocks = 0
    for tag in _TAG.finditer(template):
        text = tag.group(0)
        block = _BLOCK.match(text)
        if block is not None:
            word = block.group(1)
            if word in _OPENERS:
                blocks += 1
            elif word.startswith("end"):
                blocks = max(0, blocks - 1)
        depth = deepest = 0
        for char in text[2:-2]:
            if char in "([{":
                depth += 1
                deepest = max(deepest, depth)
            elif char in ")]}":
                depth -= 1
        if blocks > MAX_NESTING or deepest > MAX_NESTING:
            return f"template nested too deeply (more than {MAX_NESTING} levels)"
    return None


def _tree_depth(tree: nodes.Node) -> int:
    deepest = 0
    stack: list[tuple[nodes.Node, int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > MAX_TREE_DEPTH:
            break
        stack.extend((child, depth + 1) for child in node.iter_child_nodes())
    return deepest


@lru_cache(maxsize=4096)
def _parsed(template: str) -> nodes.Template:
    """The template's tree; RenderError (no location) when it is too big, deep or malformed."""
    problem = bounds_problem(template)
    if problem is not None:
        raise RenderError(problem)
    try:
        tree = _environment().parse(template)
    except TemplateSyntaxError as error:
        raise RenderError(f"template syntax error: {error.message}") from None
    except (RecursionError, MemoryError):
        raise RenderError("template too complex (nested too deeply)") from None
    if _tree_depth(tree) > MAX_TREE_DEPTH:
        raise RenderError(f"template too complex (more than {MAX_TREE_DEPTH} levels deep)")
    return tree


# -- the load check ----------------------------------------------------------------------------


def template_problem(template: str, names: Mapping[str, Sequence[str] | None],
                     kind: str = "bank") -> str | None:
    """Why ``template`` may not be used, or None: ``names``, field look-ups, if/else, text filters.

    ``names`` maps each name a template may use to its fields (``contact`` -> name, first_name,
    role) or to None for a plain value. The sandbox already refuses internals at render time; this
    refuses them at load time too, and also what the sandbox allows but such a text never needs:
    loops, calls, imports, arithmetic.
    """
    try:
        tree = _parsed(template)
    except RenderError as error:
        return str(error)
    for lookup in tree.find_all((nodes.Getattr, nodes.Getitem)):  # internals first: the worst case
        attr = _looked_up(lookup)
        if isinstance(attr, str) and attr.startswith("_"):
            return f"refused: {attr!r} is not a field of the deal (internals are off limits)"
    for node in tree.find_all(nodes.Node):
        if isinstance(node, nodes.Getattr | nodes.Getitem):
            attr = _looked_up(node)
            owner = node.node.name if isinstance(node.node, nodes.Name) else None
            fields = names.get(owner) if owner is not None else None
            if owner is None or fields is None or not isinstance(attr, str):
                return "templates may only look up fields by name (like contact.first_name)"
            if attr not in fields:
                return f"unknown template variable '{owner}.{attr}' ({owner} has: {', '.join(fields)})"
        elif isinstance(node, nodes.Name) and node.name not in names:
            return unknown_name(node.name, names)
        elif isinstance(node, nodes.Filter) and node.name not in ALLOWED_FILTERS:
            return (f"filter {node.name!r} is not allowed in {_a(kind)} template "
                    f"(allowed: {', '.join(sorted(ALLOWED_FILTERS))})")
        elif isinstance(node, nodes.Test) and node.name not in ALLOWED_TESTS:
            return f"test {node.name!r} is not allowed in {_a(kind)} template"
        elif isinstance(node, nodes.Const) and _is_number(node.value) and abs(node.value) > 10**9:
            return "number too large for a template"
        elif not isinstance(node, _ALLOWED_NODES):
            what = type(node).__name__.lower()
            return (f"{what} is not allowed in {_a(kind)} template "
                    "(use names like {{ company }}, {% if lost_to %}...{% endif %} and text filters)")
    return None


def _a(noun: str) -> str:
    return f"{'an' if noun[:1] in 'aeiou' else 'a'} {noun}"


def unknown_name(name: str, names: Mapping[str, object]) -> str:
    """The message for a name templates do not see."""
    return f"unknown template variable {name!r} (templates see: {', '.join(names)})"


def _looked_up(node: nodes.Node) -> object:
    """The name looked up by ``x.name`` or ``x['name']`` (anything else for other lookups)."""
    if isinstance(node, nodes.Getattr):
        return node.attr
    arg = getattr(node, "arg", None)
    return arg.value if isinstance(arg, nodes.Const) else arg


# -- rendering -----------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _used_names(template: str) -> frozenset[str]:
    return frozenset(meta.find_undeclared_variables(_parsed(template)))


@lru_cache(maxsize=4096)
def _compiled(template: str) -> Template:
    """Compiling is most of a render's cost; the same bank texts render for every deal."""
    _parsed(template)  # the bounds, before the compiler recurses over the tree
    return _environment().from_string(template)


def unknown_names(template: str, where: str, names: frozenset[str] = TEMPLATE_NAMES) -> list[str]:
    """Top-level names the template uses that templates may not see (checked when a bank loads)."""
    try:
        used = _used_names(template)
    except RenderError as error:
        raise RenderError(f"{where}: {error}") from None
    except TemplateSyntaxError as error:  # also an unknown filter or test, found by the compiler
        raise RenderError(f"{where}: template error: {error.message}") from None
    except (RecursionError, MemoryError):
        raise RenderError(f"{where}: template too complex (nested too deeply)") from None
    return sorted(name for name in used if name not in names)


def render(template: str, context: dict[str, Any], where: str,
           names: frozenset[str] = TEMPLATE_NAMES) -> str:
    """Render ``template`` with ``context`` in the sandbox; raise RenderError naming ``where``.

    Bounded: at most ``MAX_OUTPUT_CHARS`` of output and ``RENDER_SECONDS`` of time, checked
    between the pieces the template yields; operators refuse huge results on their own.
    """
    unknown = unknown_names(template, where, names)
    if unknown:
        raise RenderError(f"{where}: unknown template variable {unknown[0]!r}")
    deadline = time.monotonic() + RENDER_SECONDS
    try:
        pieces: list[str] = []
        size = 0
        for piece in _compiled(template).generate(context):
            size += len(piece)
            if size > MAX_OUTPUT_CHARS:
                raise RenderError(f"{where}: the text would be too long "
                                  f"(over {MAX_OUTPUT_CHARS:,} characters)")
            if time.monotonic() > deadline:
                raise RenderError(f"{where}: the template took too long to render "
                                  f"(over {RENDER_SECONDS:g} s)")
            pieces.append(piece)
        return "".join(pieces).strip()
    except RenderError as error:
        if str(error).startswith(f"{where}: "):
            raise
        raise RenderError(f"{where}: {error}") from None
    except UndefinedError as error:
        raise RenderError(f"{where}: {_undefined_message(error)}") from None
    except SecurityError as error:
        raise RenderError(f"{where}: refused by the template sandbox: {error}") from None
    except TemplateSyntaxError as error:
        raise RenderError(f"{where}: template syntax error: {error.message}") from None
    except (TemplateError, TypeError, ValueError, ArithmeticError, AttributeError) as error:
        raise RenderError(f"{where}: template error: {error}") from None
    except (RecursionError, MemoryError):
        raise RenderError(f"{where}: template too complex to render") from None


def _undefined_message(error: UndefinedError) -> str:
    text = str(error.message or error)
    match = re.search(r"'([^']+)' is undefined|has no attribute '([^']+)'", text)
    if match:
        return f"unknown template variable {match.group(1) or match.group(2)!r}"
    return f"template error: {text}"
