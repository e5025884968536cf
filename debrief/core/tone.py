"""The tone check: flags wording that makes a buyer defensive, and excuses in the rep's takeaways.

Rules live in data (``tone_rules.yaml`` for questions, ``ownit_rules.yaml`` for takeaways), so a
team can tune them without touching code; a user file of the same name in the user data folder
adds rules or overrides and disables shipped ones by id.

Matching works on a normalised copy of the text (lowercase, straight quotes, contractions
expanded: "didn't" and "didnt" both read "did not", one space between words) so a handful of
word-boundary patterns cover wordings nobody wrote down. Every position in the normalised text
maps back to the original, so a finding quotes the rep's own words.

The check runs on every keystroke of an input, so everything is compiled once and a typical
question takes a fraction of a millisecond. Compiling is the slow part (about 0.1 s the first time
in a process): screens should call ``default_checker()`` once in a worker before the rep types.
"""

from __future__ import annotations

import re
import string
import threading
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import regex
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from debrief import locations
from debrief.core import yaml_io
from debrief.core.errors import first_problem
from debrief.core.text import clean_line
from debrief.core.yaml_io import YamlError
from debrief.core.yaml_io import loc_line as _line

RULES_FILE = Path(__file__).with_name("tone_rules.yaml")
"""The shipped question rules."""

OWNIT_RULES_FILE = Path(__file__).with_name("ownit_rules.yaml")
"""The shipped "own it" rules for takeaways."""

MAX_RULES_BYTES = 1_000_000
"""Largest rules file read: the shipped one is a few dozen kilobytes."""

MAX_NODES = 50_000
"""Most YAML values a rules file may expand to: stops alias bombs cold."""

MAX_CHECK_CHARS = 100_000
"""Longest text checked; beyond it the rest is ignored (no real question or takeaway is longer)."""


USER_PATTERN_TIMEOUT = 0.05
"""Longest one pattern from a user's or team's rules file may search one text, in seconds.

Such a pattern could backtrack for hours (``(a|aa)+$`` on forty a's and a b): it is compiled with
the ``regex`` library, which can stop a search, and a rule that runs over is switched off and
reported once. The shipped patterns are known to be fast and run on ``re`` (about twice as fast)."""

Pattern = re.Pattern[str] | regex.Pattern[str]
Match = re.Match[str] | regex.Match[str]

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_MACRO_REF = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
_MACRO_DEPTH = 10


class RulesError(YamlError):
    """A bad rules file, as one line: ``FILE:LINE: field: reason``."""


@dataclass(frozen=True)
class Finding:
    """One problem in one text: which rule, the words that matched, why it hurts, what to say."""

    rule: str
    category: str
    matched: str
    message: str
    suggestion: str
    span: tuple[int, int] = (0, 0)
    """Where the matched words sit in the checked text: ``text[start:end]``."""

    def to_json(self) -> dict[str, Any]:
        """The finding as plain JSON (what ``debrief tone --format json`` prints)."""
        return {"rule": self.rule, "category": self.category, "matched": self.matched,
                "message": self.message, "suggestion": self.suggestion, "span": list(self.span)}


# -- normalisation -------------------------------------------------------------------------------

# One character for one character, so offsets stay put: curly quotes become straight, double
# quotes and brackets become spaces (no rule needs them), dashes between words start a clause.
_SAME_LENGTH = str.maketrans({
    "\u2019": "'", "\u2018": "'", "\u201b": "'", "\u2032": "'", "`": "'", "\u00b4": "'",
    "\u201c": " ", "\u201d": " ", "\u201e": " ", "\u00ab": " ", "\u00bb": " ", '"': " ",
    "(": " ", ")": " ", "[": " ", "]": " ", "*": " ", "_": " ",
    "\u2014": ",", "\u2013": ",", "\u2012": ",", "\u2015": ",",
    "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\t": " ", "\r": "\n",
    **{chr(code): " " for code in (*range(0, 9), 11, 12, *range(14, 32), *range(127, 160))},
})

_NEGATED_BASE = {"ca": "can", "wo": "will", "sha": "shall", "ai": "is"}
_SHORT = {"re": "are", "ve": "have", "ll": "will", "d": "would", "m": "am"}
_WORDS = {
    "cannot": "can not", "gonna": "going to", "wanna": "want to", "gotta": "got to",
    "youre": "you are", "theyre": "they are", "youve": "you have", "theyve": "they have",
    "weve": "we have", "ive": "i have", "youll": "you will", "theyll": "they will",
    "youd": "you would", "theyd": "they would", "whats": "what is", "thats": "that is",
    "theres": "there is", "heres": "here is", "im": "i am", "lets": "let us", "let's": "let us",
}
_IS_WORDS = ("it|that|what|there|here|who|where|how|he|she|when|why|everything|something|"
             "nothing|everyone|someone|this")
_NORMALISE = re.compile(
    r"(?P<tpl>\{\{.*?\}\})"
    r"|(?P<tag>\{%.*?%\}|\{#.*?#\})"
    r"|\b(?P<neg>ca|wo|sha|ai|do|does|did|is|are|was|were|have|has|had|would|could|should|must"
    r"|might|need)n'?t\b"
    r"|\b(?P<whd>why|how|where|what|when)'d\b"
    rf"|\b(?P<is>{_IS_WORDS})'s\b"
    r"|\b(?P<word>cannot|gonna|wanna|gotta|youre|theyre|youve|theyve|weve|ive|youll|theyll|youd"
    r"|theyd|whats|thats|theres|heres|im|let's)\b"
    r"|(?<=\w)'(?P<short>re|ve|ll|d|m)\b"
    r"|(?P<dots>\u2026)"
    r"|(?P<amp>&)"
    r"|(?P<newline>[ ]*\n\s*)"
    r"|(?P<space>[ ]{2,})",
    re.DOTALL,
)


def _replacement(match: re.Match[str]) -> str:
    kind = match.lastgroup
    value = match.group(kind or 0)
    if kind == "tpl":
        return "name"
    if kind == "tag":
        return ""
    if kind == "neg":
        return f"{_NEGATED_BASE.get(value, value)} not"
    if kind == "whd":
        return f"{value} did"
    if kind == "is":
        return f"{value} is"
    if kind == "word":
        return _WORDS[value]
    if kind == "short":
        return " " + _SHORT[value]
    if kind == "dots":
        return "..."
    if kind == "amp":
        return "and"
    if kind == "newline":
        return "\n"
    return " "


@dataclass(frozen=True)
class Normalised:
    """Text as the rules see it, with the original span of every character."""

    text: str
    starts: list[int]
    ends: list[int]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that ``text[start:end]`` came from."""
        if end <= start:
            return (self.starts[start], self.starts[start]) if start < len(self.starts) else (0, 0)
        return self.starts[start], self.ends[end - 1]


def normalise(text: str) -> Normalised:
    """Lowercase, straight quotes, expanded contractions, single spaces: what rules match on."""
    text = text[:MAX_CHECK_CHARS].translate(_SAME_LENGTH)
    lower = text.lower()
    if len(lower) == len(text):
        starts = list(range(len(text)))
        ends = list(range(1, len(text) + 1))
    else:  # a few characters lowercase to two (e.g. "İ"): map them one by one
        parts: list[str] = []
        starts, ends = [], []
        for index, char in enumerate(text):
            low = char.lower()
            parts.append(low)
            starts.extend([index] * len(low))
            ends.extend([index + 1] * len(low))
        lower = "".join(parts)
    out: list[str] = []
    new_starts: list[int] = []
    new_ends: list[int] = []
    last = 0
    for match in _NORMALISE.finditer(lower):
        begin, end = match.span()
        out.append(lower[last:begin])
        new_starts.extend(starts[last:begin])
        new_ends.extend(ends[last:begin])
        replacement = _replacement(match)
        if replacement:
            out.append(replacement)
            new_starts.extend([starts[begin]] * len(replacement))
            new_ends.extend([ends[end - 1]] * len(replacement))
        last = end
    out.append(lower[last:])
    new_starts.extend(starts[last:])
    new_ends.extend(ends[last:])
    joined = "".join(out)
    # Trim surrounding blanks so "^" and the first word line up.
    lead = len(joined) - len(joined.lstrip())
    trail = len(joined.rstrip())
    return Normalised(joined[lead:trail], new_starts[lead:trail], new_ends[lead:trail])


# Sentences end at . ? ! or a line break; rules' exceptions ("unless") look within one sentence.
_SENTENCE_END = re.compile(r"[.?!]+(?=\s|$)|\n")


def _sentence_starts(text: str) -> list[int]:
    starts = [0]
    for match in _SENTENCE_END.finditer(text):
        if match.end() < len(text):
            starts.append(match.end())
    return starts


# -- the rules files -----------------------------------------------------------------------------


class _RuleSpec(BaseModel):
    """One rule as written in a rules file; every field but ``id`` may be left to the base rule."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(min_length=1, max_length=80)
    category: str | None = Field(default=None, min_length=1, max_length=40)
    message: str | None = Field(default=None, min_length=1, max_length=1000)
    suggestion: str | None = Field(default=None, min_length=1, max_length=1000)
    patterns: list[str] | None = None
    phrases: list[str] | None = None
    unless: list[str] | None = None
    enabled: bool | None = None
    every_match: bool | None = None
    catches: list[str] | None = None
    allows: list[str] | None = None


class _RulesFile(BaseModel):
    """A whole rules file."""

    model_config = ConfigDict(extra="forbid")

    version: Literal[1] = 1
    macros: dict[str, str] = Field(default_factory=dict)
    rules: list[_RuleSpec] = Field(default_factory=list)


@dataclass(frozen=True)
class Rule:
    """A compiled rule, ready to check text."""

    id: str
    category: str
    message: str
    suggestion: str
    patterns: tuple[Pattern, ...]
    unless: tuple[Pattern, ...]
    catches: tuple[str, ...] = ()
    """Texts the rule must flag (the tests check them): living documentation for tuners."""
    allows: tuple[str, ...] = ()
    """Texts the rule must leave alone."""
    source: str = ""
    """``FILE:LINE`` the rule was defined (or last overridden) at."""
    fields: frozenset[str] = field(default_factory=frozenset)
    """Placeholders the message and suggestion use (``matched`` and named groups)."""
    every_match: bool = False
    """Report every match in a sentence, not only the first: a takeaway that blames two parties
    in one sentence has two excuses, and each is worth turning into a lesson."""


@dataclass
class _Draft:
    """A rule while files are merged: raw fields, where each came from."""

    values: dict[str, Any]
    origin: dict[str, tuple[str, int]]
    """Field (or ``patterns[2]``) -> the file and line it was last set at."""

    def at(self, *keys: str) -> tuple[str, int]:
        """Where the first of ``keys`` that was set came from (the rule's id as a fallback)."""
        for key in keys:
            if key in self.origin:
                return self.origin[key]
        return self.origin["id"]


def _read_yaml(path: Path) -> tuple[Any, yaml.Node | None]:
    """The data and the node tree of a YAML file; any problem is a :class:`RulesError`."""
    try:
        document = yaml_io.load(path, what="rules file", max_bytes=MAX_RULES_BYTES, max_nodes=MAX_NODES)
    except YamlError as error:
        raise RulesError(error.path, error.line, error.field, error.reason) from None
    return document.data, document.root


def _field_name(loc: tuple[Any, ...], data: Any) -> str:
    """``rules[2].patterns[0]`` (or ``closed-yes-no.patterns[0]`` once the rule's id is known)."""
    parts: list[str] = []
    index = 0
    if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
        rule_id = None
        rules = data.get("rules") if isinstance(data, dict) else None
        if isinstance(rules, list) and loc[1] < len(rules) and isinstance(rules[loc[1]], dict):
            rule_id = rules[loc[1]].get("id")
        parts.append(str(rule_id) if isinstance(rule_id, str) and rule_id else f"rules[{loc[1]}]")
        index = 2
    for part in loc[index:]:
        if isinstance(part, int):
            if parts:
                parts[-1] += f"[{part}]"
            else:
                parts.append(f"[{part}]")
        else:
            parts.append(str(part))
    return ".".join(parts) or "file"


def _parse_file(path: Path) -> tuple[_RulesFile, yaml.Node | None, Any]:
    data, node = _read_yaml(path)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise RulesError(str(path), 1, "file", "expected a mapping with 'rules:' (and optional 'macros:')")
    try:
        parsed = _RulesFile.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        loc = tuple(first["loc"])
        reason = first_problem(error)[1]
        raise RulesError(str(path), _line(node, loc), _field_name(loc, data), reason) from None
    return parsed, node, data


def _expand(pattern: str, macros: dict[str, str], where: Callable[[str], RulesError]) -> str:
    """Replace ``{name}`` with the macro's regex, recursively."""
    for _ in range(_MACRO_DEPTH):
        names = _MACRO_REF.findall(pattern)
        if not names:
            return pattern
        for name in names:
            if name not in macros:
                raise where(f"unknown macro {{{name}}} (defined: {', '.join(sorted(macros)) or 'none'})")
        pattern = _MACRO_REF.sub(lambda match: f"(?:{macros[match.group(1)]})", pattern)
    raise where("macros nest too deep (a macro that uses itself?)")


def _phrase_regex(phrase: str) -> str:
    """A literal phrase, normalised like the text, bounded by words, spaces matching any run."""
    words = normalise(phrase).text.split()
    body = r"\s+".join(re.escape(word) for word in words)
    if not body:
        return ""
    head = r"\b" if re.match(r"\w", words[0]) else ""
    tail = r"\b" if re.search(r"\w$", words[-1]) else ""
    return f"{head}{body}{tail}"


def _merge(patterns: list[Pattern]) -> list[Pattern]:
    """One alternation for all patterns without named groups: one regex pass instead of many.

    Patterns with named groups stay apart (group names may repeat across patterns); shipped
    (``re``) and user (``regex``, timed) patterns are merged each with their own kind.
    """
    merged: list[Pattern] = []
    for trusted in (True, False):
        plain = [pattern for pattern in patterns
                 if not pattern.groupindex and isinstance(pattern, re.Pattern) == trusted]
        if len(plain) > 1:
            joined = "|".join(f"(?:{pattern.pattern})" for pattern in plain)
            merged.append(re.compile(joined) if trusted else regex.compile(joined))
        else:
            merged.extend(plain)
    return merged + [pattern for pattern in patterns if pattern.groupindex]


def _placeholders(text: str) -> set[str]:
    names: set[str] = set()
    for _, name, _, _ in string.Formatter().parse(text):
        if name is not None:
            names.add(name)
    return names


class _Builder:
    """Merges rules files (shipped first, then the user's) and compiles the result."""

    def __init__(self, trusted: frozenset[str] | None = None) -> None:
        self.macros: dict[str, tuple[str, str, int]] = {}
        self.drafts: dict[str, _Draft] = {}
        self.trusted = trusted
        """Expanded patterns known to be fast (the shipped ones); None: every pattern is."""
        self.sources: set[str] = set()
        """Every expanded pattern compiled (what the shipped files give is the trusted set)."""

    def add_file(self, path: Path, *, base: bool) -> None:
        parsed, node, _ = _parse_file(path)
        name = str(path)
        for key, value in parsed.macros.items():
            if not re.match(r"^[a-z_][a-z0-9_]*$", key):
                raise RulesError(name, _line(node, ("macros", key)), f"macros.{key}",
                                 "macro names use lowercase letters, digits and _")
            self.macros[key] = (value, name, _line(node, ("macros", key)))
        seen: set[str] = set()
        for index, spec in enumerate(parsed.rules):
            loc = ("rules", index)
            if not _ID.match(spec.id):
                raise RulesError(name, _line(node, (*loc, "id")), f"rules[{index}].id",
                                 "use lowercase letters, digits and dashes (like closed-yes-no)")
            if spec.id in seen:
                raise RulesError(name, _line(node, (*loc, "id")), f"{spec.id}.id",
                                 "duplicate rule id in this file")
            seen.add(spec.id)
            given = spec.model_dump(exclude_unset=True)
            origin = {key: (name, _line(node, (*loc, key))) for key in given}
            origin["id"] = (name, _line(node, loc))
            for key in ("patterns", "phrases", "unless"):
                for item in range(len(given.get(key) or ())):
                    origin[f"{key}[{item}]"] = (name, _line(node, (*loc, key, item)))
            existing = self.drafts.get(spec.id)
            if existing is None or base:
                missing = [key for key in ("category", "message", "suggestion") if given.get(key) is None]
                if missing:
                    raise RulesError(name, origin["id"][1], f"{spec.id}.{missing[0]}",
                                     "required for a new rule")
                if not given.get("patterns") and not given.get("phrases"):
                    raise RulesError(name, origin["id"][1], f"{spec.id}.patterns",
                                     "a new rule needs at least one pattern or phrase")
                self.drafts[spec.id] = _Draft(dict(given), origin)
            else:  # the user's override: only the fields given replace the shipped ones
                for key in ("patterns", "phrases", "unless"):
                    if key in given:  # a replaced list: forget where the old items were
                        existing.origin = {k: v for k, v in existing.origin.items()
                                           if not k.startswith(f"{key}[")}
                existing.values.update(given)
                existing.origin.update(origin)

    def build(self) -> list[Rule]:
        macros = {key: value for key, (value, _, _) in self.macros.items()}
        for key, (value, path, line) in self.macros.items():

            def error(reason: str, key: str = key, path: str = path, line: int = line) -> RulesError:
                return RulesError(path, line, f"macros.{key}", reason)

            _expand(value, macros, error)
        rules: list[Rule] = []
        for rule_id, draft in self.drafts.items():
            values = draft.values
            if values.get("enabled") is False:
                continue
            patterns = _merge([*self._compile(draft, rule_id, "patterns", macros),
                               *self._compile(draft, rule_id, "phrases", macros)])
            if not patterns:
                raise RulesError(*draft.at("enabled", "patterns", "id"), f"{rule_id}.patterns",
                                 "the rule has no pattern or phrase left")
            unless = _merge(self._compile(draft, rule_id, "unless", macros))
            groups = {"matched"}
            for pattern in patterns:
                groups.update(pattern.groupindex)
            used: set[str] = set()
            for key in ("message", "suggestion"):
                try:
                    names = _placeholders(str(values[key]))
                except ValueError as problem:
                    raise RulesError(*draft.at(key), f"{rule_id}.{key}",
                                     f"bad placeholder: {problem}") from None
                unknown = sorted(name for name in names if name not in groups)
                if unknown:
                    raise RulesError(*draft.at(key), f"{rule_id}.{key}",
                                     f"unknown placeholder {{{unknown[0]}}} (use {{matched}} or a "
                                     "named group of a pattern; write {{ and }} for braces)")
                used.update(names)
            rules.append(Rule(
                id=rule_id, category=str(values["category"]), message=str(values["message"]),
                suggestion=str(values["suggestion"]), patterns=tuple(patterns), unless=tuple(unless),
                catches=tuple(values.get("catches") or ()), allows=tuple(values.get("allows") or ()),
                source="{}:{}".format(*draft.at("id")), fields=frozenset(used),
                every_match=bool(values.get("every_match")),
            ))
        return rules

    def _compile(self, draft: _Draft, rule_id: str, key: str, macros: dict[str, str]) -> list[Pattern]:
        """The compiled patterns of one field of a rule; a bad one names its file and line.

        A pattern the shipped files do not give word for word is compiled with ``regex``, so
        that its searches run under ``USER_PATTERN_TIMEOUT``.
        """
        compiled: list[Pattern] = []
        for index, source in enumerate(draft.values.get(key) or ()):
            where = f"{rule_id}.{key}[{index}]"
            path, line = draft.at(f"{key}[{index}]", key)

            def error(reason: str, where: str = where, path: str = path, line: int = line) -> RulesError:
                return RulesError(path, line, where, reason)

            expanded = _phrase_regex(source) if key == "phrases" else _expand(source, macros, error)
            if not expanded:
                raise error("empty phrase")
            trusted = self.trusted is None or expanded in self.trusted
            try:
                # Python's own syntax and messages first (the rules are Python regexes); ``regex``
                # reads the same syntax and is what runs a user's pattern.
                pattern: Pattern = re.compile(expanded)
                if not trusted:
                    pattern = regex.compile(expanded)
            except (re.error, regex.error) as problem:
                pos = getattr(problem, "pos", None)
                raise error(f"bad regex: {getattr(problem, 'msg', problem)}"
                            + (f" at position {pos}" if pos is not None else "")) from None
            except (RecursionError, OverflowError, MemoryError):
                raise error("bad regex: too complex") from None
            try:
                empty = (pattern.fullmatch("") if isinstance(pattern, re.Pattern)
                         else pattern.fullmatch("", timeout=USER_PATTERN_TIMEOUT))
            except TimeoutError:
                raise error("the pattern is too slow even on empty text") from None
            if empty is not None:
                raise error("the pattern matches empty text, so it would flag everything")
            self.sources.add(expanded)
            compiled.append(pattern)
        return compiled


# -- the checker ---------------------------------------------------------------------------------


class _SafeFormat(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return self.get("matched", "")


def _clean_quote(text: str) -> str:
    return " ".join(text.split()).strip(" ,;:-'\"")


_DETERMINERS = frozenset(("the", "our", "your", "their", "this", "that", "these", "those", "a", "an",
                          "my", "its", "his", "her", "some", "any", "all", "every", "each"))


def _inner(words: str) -> str:
    """Words quoted from the question to sit inside a suggestion: "Our onboarding", capitalised
    only because it opened the question, reads "our onboarding" mid-sentence."""
    first, _, rest = words.partition(" ")
    if first[:1].isupper() and first.lower() in _DETERMINERS:
        return first.lower() + (" " + rest if rest else "")
    return words


class ToneChecker:
    """Checks texts against a set of compiled rules; build one with :meth:`load`."""

    def __init__(self, rules: Iterable[Rule], problems: Iterable[str] = (), files: Iterable[str] = (),
                 sources: Iterable[str] = ()) -> None:
        self.rules: tuple[Rule, ...] = tuple(rules)
        self._problems: tuple[str, ...] = tuple(problems)
        self.files: tuple[str, ...] = tuple(files)
        self.sources: frozenset[str] = frozenset(sources)
        """The expanded patterns the rules were compiled from."""
        self._order = {rule.id: index for index, rule in enumerate(self.rules)}
        self._slow: dict[str, str] = {}
        self._timed = frozenset(rule.id for rule in self.rules
                                if not all(isinstance(pattern, re.Pattern)
                                           for pattern in (*rule.patterns, *rule.unless)))
        """Rules with a user's pattern: their searches run under the timeout."""
        """Rules switched off because a pattern ran over its time: id -> the one-line problem."""

    @property
    def problems(self) -> tuple[str, ...]:
        """Why a user rules file was skipped (``default_checker`` never fails on it), and which
        rules were switched off for being too slow; one line each."""
        return self._problems + tuple(self._slow.values())

    @classmethod
    def load(cls, rules_file: Path | None = None, user_file: Path | None = None, *,
             use_user_file: bool = True, team_file: Path | None = None) -> ToneChecker:
        """Load the shipped rules, the team's (``team_file``) and the user's (the user data
        folder's file of the same name), each layer able to change the one before.

        ``rules_file`` defaults to the shipped question rules; ``user_file`` to the file of the same
        name in the user data folder, if it exists. Raises :class:`RulesError` on a bad file.
        """
        base = rules_file or RULES_FILE
        user: Path | None = None
        if use_user_file:
            user = user_file if user_file is not None else locations.data_dir() / base.name
            if user_file is None and not user.is_file():
                user = None
        layers = [path for path in (team_file, user) if path is not None]
        shipped_only = not layers and base in (RULES_FILE, OWNIT_RULES_FILE)
        builder = _Builder(None if shipped_only else _trusted_sources())
        builder.add_file(base, base=True)
        files = [str(base)]
        for layer in layers:  # a team's patterns are untrusted like the user's: run under the timeout
            builder.add_file(layer, base=False)
            files.append(str(layer))
        return cls(builder.build(), files=files, sources=builder.sources)

    def check(self, text: str) -> list[Finding]:
        """Every finding in ``text``, in the order they appear; empty when the tone is fine."""
        if not text or text.isspace():
            return []
        norm = normalise(text)
        source = norm.text
        sentences = _sentence_starts(source)
        found: list[tuple[int, int, int, Rule, Match]] = []
        timed = self._timed
        for order, rule in enumerate(self.rules):
            if rule.id in timed:
                if rule.id in self._slow:
                    continue
                try:
                    matches = self._matches(rule, source, sentences)
                except TimeoutError:
                    self._slow.setdefault(rule.id, (
                        f"{rule.source}: {rule.id}: a pattern took over {USER_PATTERN_TIMEOUT * 1000:.0f} ms "
                        "on one text (it backtracks too much); the rule is switched off"))
                    continue
                found.extend((match.start(), match.end(), order, rule, match) for match in matches)
                continue
            # The shipped rules' path, on every keystroke: kept inline (a call per rule costs).
            first_in: dict[int, Match] = {}
            every: list[tuple[int, Match]] = []
            for pattern in rule.patterns:
                for match in pattern.finditer(source):
                    if match.end() == match.start():
                        continue
                    sentence = bisect_right(sentences, match.start()) - 1
                    if rule.every_match:
                        every.append((sentence, match))
                        continue
                    best = first_in.get(sentence)
                    if best is None or match.start() < best.start():
                        first_in[sentence] = match
            quiet: dict[int, bool] = {}
            for sentence, match in every or first_in.items():
                if rule.unless:
                    if sentence not in quiet:
                        first = sentences[sentence]
                        last = sentences[sentence + 1] if sentence + 1 < len(sentences) else len(source)
                        quiet[sentence] = any(exception.search(source, first, last)
                                              for exception in rule.unless)
                    if quiet[sentence]:
                        continue
                found.append((match.start(), match.end(), order, rule, match))
        found.sort(key=lambda item: (item[0], item[2]))
        findings: list[Finding] = []
        reach: dict[str, int] = {}  # category -> furthest end of its findings so far
        for start, end, _, rule, match in found:
            if start < reach.get(rule.category, -1):
                continue  # a more specific rule of the same category already said it here
            reach[rule.category] = max(end, reach.get(rule.category, -1))
            findings.append(self._finding(text, norm, rule, match))
        return findings

    @staticmethod
    def _matches(rule: Rule, source: str, sentences: list[int]) -> list[Match]:
        """The rule's first match in each sentence its exceptions leave alone (the same as the
        inline path of ``check``), for a rule with a user's pattern: those (compiled with
        ``regex``) run under ``USER_PATTERN_TIMEOUT`` and raise TimeoutError past it.
        """
        # One finding per rule and sentence: the leftmost match (the first pattern wins a tie);
        # a rule with ``every_match`` keeps them all.
        first_in: dict[int, Match] = {}
        every: list[tuple[int, Match]] = []
        for pattern in rule.patterns:
            matches = (pattern.finditer(source) if isinstance(pattern, re.Pattern)
                       else pattern.finditer(source, timeout=USER_PATTERN_TIMEOUT))
            for match in matches:
                if match.end() == match.start():
                    continue
                sentence = bisect_right(sentences, match.start()) - 1
                if rule.every_match:
                    every.append((sentence, match))
                    continue
                best = first_in.get(sentence)
                if best is None or match.start() < best.start():
                    first_in[sentence] = match
        kept: list[Match] = []
        for sentence, match in every or first_in.items():
            if rule.unless:
                first = sentences[sentence]
                last = sentences[sentence + 1] if sentence + 1 < len(sentences) else len(source)
                if any(exception.search(source, first, last) if isinstance(exception, re.Pattern)
                       else exception.search(source, first, last, timeout=USER_PATTERN_TIMEOUT)
                       for exception in rule.unless):
                    continue
            kept.append(match)
        return kept

    def _finding(self, text: str, norm: Normalised, rule: Rule, match: Match) -> Finding:
        begin, finish = norm.original_span(*match.span())
        values = _SafeFormat(matched=_clean_quote(text[begin:finish]))
        for name in match.re.groupindex:
            if name in rule.fields and match.group(name) is not None:
                a, b = norm.original_span(*match.span(name))
                values[name] = _inner(_clean_quote(text[a:b]))
        # A finding is printed and stored: rule texts and the quote are cleaned like any model text.
        return Finding(rule=rule.id, category=clean_line(rule.category), matched=clean_line(values["matched"]),
                       message=clean_line(rule.message.format_map(values)),
                       suggestion=clean_line(rule.suggestion.format_map(values)), span=(begin, finish))

    def categories(self) -> list[str]:
        """The categories of the active rules, in rule order."""
        return list(dict.fromkeys(rule.category for rule in self.rules))

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)


# -- cached checkers -----------------------------------------------------------------------------

_lock = threading.Lock()
_Identity = tuple[int, int, int] | None
_cache: dict[tuple[str, str, str], tuple[tuple[_Identity, _Identity], ToneChecker]] = {}


@lru_cache(maxsize=4)
def _shipped(rules_file: Path) -> ToneChecker:
    return ToneChecker.load(rules_file, use_user_file=False)


def _trusted_sources() -> frozenset[str]:
    """The expanded patterns of the shipped files: these run on ``re``, without a timeout."""
    return _shipped(RULES_FILE).sources | _shipped(OWNIT_RULES_FILE).sources


def _cached(rules_file: Path) -> ToneChecker:
    """The checker for ``rules_file`` plus the user's file, reloaded when the user edits it.

    A broken user file never stops the app mid-call: the shipped rules are used and the reason is
    kept in ``checker.problems`` for the screen or command to show.
    """
    user = locations.data_dir() / rules_file.name
    team = locations.active_team_dir() / rules_file.name  # the team's layer, between shipped and user
    signature = (_identity(user), None if team.is_symlink() else _identity(team))
    key = (str(rules_file), str(user), str(team))
    with _lock:
        hit = _cache.get(key)
        if hit is not None and hit[0] == signature:
            return hit[1]
        if signature == (None, None):
            checker = _shipped(rules_file)
        else:
            user_file = user if signature[0] is not None else None
            team_file = team if signature[1] is not None else None
            problems: list[str] = []
            while True:
                try:
                    checker = ToneChecker.load(rules_file, user_file, use_user_file=user_file is not None,
                                               team_file=team_file)
                    break
                except RulesError as error:
                    # The file at fault is left out; the other layer still counts.
                    problems.append(str(error))
                    if team_file is not None and error.path == str(team_file):
                        team_file = None
                    elif user_file is not None and error.path == str(user_file):
                        user_file = None
                    elif team_file is None and user_file is None:
                        raise  # the shipped rules themselves: a broken install, not a teammate's file
                    else:
                        team_file = user_file = None
            if problems:
                checker = ToneChecker(checker.rules, problems=problems, files=checker.files,
                                      sources=checker.sources)
        _cache[key] = (signature, checker)
        return checker


def _identity(path: Path) -> tuple[int, int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size, stat.st_ino


def default_checker() -> ToneChecker:
    """The question tone check (shipped rules plus the user's ``tone_rules.yaml``), cached.

    Reloaded when the user's file changes; never raises for a broken user file (see ``problems``).
    """
    return _cached(RULES_FILE)


def ownit_checker() -> ToneChecker:
    """The "own it" check for takeaways (shipped plus the user's ``ownit_rules.yaml``), cached."""
    return _cached(OWNIT_RULES_FILE)
