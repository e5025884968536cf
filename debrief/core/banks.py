"""Question banks: YAML interview guides, validated on load, rendered for one deal.

A bank is a public file format: users write their own and download others', so
every bank is checked before it is used. A bad bank becomes one :class:`BankError` that names the
file, the line and the field (``FILE:LINE: field: reason``), never a traceback, and the other
banks still load; lint (:func:`check_bank_file`) lists every problem of a file at once.
Templates (opening, closing, question texts, probes) are checked on load too: syntax, names the
deal does not have, and a trial render in the sandbox with a full and a sparse sample deal, so a
broken placeholder never reaches the buyer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import ErrorDetails

from debrief.core import yaml_io
from debrief.core.model import Contact, Debrief
from debrief.core.reasons import ID_HELP, Taxonomy, bank_tags, is_reason_id, taxonomy
from debrief.core.render import (
    TEMPLATE_NAMES,
    RenderError,
    render,
    template_problem,
    unknown_name,
    unknown_names,
)
from debrief.core.text import clean_line, clean_text
from debrief.core.yaml_io import YamlError
from debrief.core.yaml_io import key_line as _key_line
from debrief.core.yaml_io import line_of as _line
from debrief.core.yaml_io import loc_line as _loc_line

MAX_BANK_BYTES = 1_000_000
"""Largest bank file read: a real guide is a few kilobytes; anything this big is a mistake."""

MAX_NODES = 50_000
"""Most YAML values a bank may expand to: stops alias bombs (``&a [*b, *b, ...]``) cold."""

BANK_SUFFIXES = (".yaml", ".yml")

MAX_TEAM_BANKS = 200
"""Most bank files read from a team's repository: a teammate's push cannot stall every start."""

_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_TEMPLATE_MARK = re.compile(r"\{[{%#]")


class BankError(YamlError):
    """One problem in one bank file, as one line: ``FILE:LINE: field: reason``."""


class UnknownBank(KeyError):
    """Asked for a bank id that is not loaded; ``str()`` is the readable message."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "no such bank"


# -- field types ---------------------------------------------------------------------------------


def _slug(value: str) -> str:
    if not _SLUG.match(value):
        raise ValueError("use lowercase letters, digits and dashes (like decision-factors)")
    return value


def _clean(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("control characters are not allowed")
    return clean_text(value)  # invisible bidi and format characters shown as their code, e.g. ⟨U+202E⟩


def _clean_line(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("control characters are not allowed")
    return clean_line(value)  # one line: a title's line breaks folded to a space


def _tag(value: str) -> str:
    # Any well-formed id is a loss reason: one nobody declared is labelled from its id, and lint
    # notes one that is a slip from a known reason.
    if not is_reason_id(value):
        raise ValueError(f"{clean_line(value)[:40]!r} is not a loss-reason id: {ID_HELP}")
    return value


Slug = Annotated[str, Field(min_length=1, max_length=64), AfterValidator(_slug)]
Line = Annotated[str, Field(min_length=1, max_length=300), AfterValidator(_clean_line)]
Prose = Annotated[str, Field(min_length=1, max_length=2000), AfterValidator(_clean)]
Tag = Annotated[str, AfterValidator(_tag)]


class _Strict(BaseModel):
    # Strict: in a hand-written file "2" for minutes or 1.5 for a version is a typo worth a line.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class BankQuestion(_Strict):
    """One question: its stable id keys answers and comparisons across debriefs and banks."""

    id: Slug
    text: Prose
    intent: Prose
    minutes: float = Field(gt=0, le=30)
    tags: list[Tag] = Field(max_length=10)
    probes: list[Prose] = Field(min_length=2, max_length=12)


class Phase(_Strict):
    """A stretch of the call with one purpose (decision process, evaluation, ...)."""

    id: Slug
    title: Line
    questions: list[BankQuestion] = Field(min_length=1, max_length=100)


class Bank(_Strict):
    """One interview guide. ``source``, ``path`` and ``overrides`` come from where it was found."""

    id: Slug
    title: Line
    version: int = Field(ge=1)
    description: Prose
    use_when: list[Slug] = Field(min_length=1, max_length=20)
    opening: Prose
    closing: Prose
    phases: list[Phase] = Field(min_length=1, max_length=30)
    source: str = "shipped"
    path: str = ""
    overrides: bool = False
    replaces: str = ""
    """The source of the bank with the same id this one replaces (``shipped`` or ``team``)."""

    def questions(self) -> list[tuple[Phase, BankQuestion]]:
        """Every question with its phase, in the order of the bank."""
        return [(phase, question) for phase in self.phases for question in phase.questions]

    def question(self, question_id: str) -> BankQuestion | None:
        """The question with ``question_id``, or None."""
        for _, question in self.questions():
            if question.id == question_id:
                return question
        return None

    @property
    def total_minutes(self) -> float:
        """Minutes to ask every question: more than a call holds, so scripts choose."""
        return sum(question.minutes for _, question in self.questions())

    @property
    def question_count(self) -> int:
        """How many questions the bank offers."""
        return sum(len(phase.questions) for phase in self.phases)


_NOT_IN_FILE = ("source", "path", "overrides", "replaces")
_FIELDS = {
    Bank: [name for name in Bank.model_fields if name not in _NOT_IN_FILE],
    Phase: list(Phase.model_fields),
    BankQuestion: list(BankQuestion.model_fields),
}


# -- the set of banks ----------------------------------------------------------------------------


@dataclass
class BankSet:
    """Every usable bank by id, and the files that could not be loaded."""

    banks: dict[str, Bank] = field(default_factory=dict)
    errors: list[BankError] = field(default_factory=list)

    def get(self, bank_id: str) -> Bank:
        """The bank ``bank_id``; raises :class:`UnknownBank` (a KeyError) naming the known ones."""
        try:
            return self.banks[bank_id]
        except KeyError:
            known = ", ".join(sorted(self.banks)) or "none"
            raise UnknownBank(f"no bank {bank_id!r} (known: {known})") from None

    def for_loss(self, kind: str) -> list[Bank]:
        """Banks suited to a loss of ``kind``: the most specific first (fewest ``use_when``)."""
        suited = [bank for bank in self.banks.values() if kind in bank.use_when]
        return sorted(suited, key=lambda bank: (len(bank.use_when), bank.id))

    def __iter__(self) -> Iterator[Bank]:
        return iter(sorted(self.banks.values(), key=lambda bank: bank.id))


def bank_files(folder: Path) -> list[Path]:
    """The bank files in ``folder`` (``*.yaml``/``*.yml``, not hidden), by name; none if absent."""
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []
    return sorted(
        entry for entry in entries
        if entry.suffix.lower() in BANK_SUFFIXES and not entry.name.startswith(".")
    )


BANK_SOURCES = ("shipped", "team", "user")
"""The layers of banks, in load order: for the same id a later layer wins."""


def load_banks(shipped_dir: Path | None = None, user_dir: Path | None = None, *,
               team: Path | None = None) -> BankSet:
    """Shipped banks, then the team's, then the user's: a later bank with the same id replaces
    the earlier one (and says so in ``replaces``).

    ``team`` is the team's repository folder (its banks are in ``banks/``); by default the one
    beside the database this process serves. A team's files are a teammate's input, checked like
    the rep's own, and a link among them is not followed.
    """
    from debrief.locations import active_team_dir, shipped_banks_dir, user_banks_dir

    team_banks = (team if team is not None else active_team_dir()) / "banks"
    result = BankSet()
    for source, folder in (("shipped", shipped_dir or shipped_banks_dir()),
                           ("team", team_banks),
                           ("user", user_dir or user_banks_dir())):
        seen: dict[str, Bank] = {}
        files = bank_files(folder)
        if source == "team":
            if folder.is_symlink():
                result.errors.append(BankError(str(folder), 1, "folder", "a link, not a folder: not followed"))
                continue
            if len(files) > MAX_TEAM_BANKS:
                result.errors.append(BankError(str(folder), 1, "folder", (
                    f"{len(files):,} bank files, at most {MAX_TEAM_BANKS} are read (the first by name)")))
                files = files[:MAX_TEAM_BANKS]
        for path in files:
            if source == "team" and path.is_symlink():
                result.errors.append(BankError(str(path), 1, "file", "a link, not a bank file: not followed"))
                continue
            try:
                bank = load_bank_file(path, source)
            except BankError as error:
                result.errors.append(error)
                continue
            if bank.id in seen:
                result.errors.append(BankError(
                    str(path), _id_line(path), "id",
                    f"bank id {bank.id!r} is already used by {seen[bank.id].path}"))
                continue
            seen[bank.id] = bank
            earlier = result.banks.get(bank.id)
            if earlier is not None:
                bank = bank.model_copy(update={"overrides": True, "replaces": earlier.source})
            result.banks[bank.id] = bank
    return result


def reasons_with_banks(team: Path | None = None) -> Taxonomy:
    """The loss-reason taxonomy with the tags of every bank that loads (shipped, the team's, the rep's)."""
    return taxonomy(team, tags=bank_tags(load_banks(team=team)))


def load_bank_file(path: Path, source: str = "user") -> Bank:
    """Read and validate one bank file; raises :class:`BankError` on the first problem.

    Whatever the file holds, the failure is this bank's alone: an error nothing above foresaw
    (too deep for the stack, too big for memory, a value Python cannot convert) is one line too.
    """
    where = str(path)
    try:
        return _load_cached(where, source, *_stat(path))
    except BankError:
        raise
    except (RecursionError, MemoryError):
        raise BankError(where, 1, "file", "too complex to load (nested too deeply or too large)") from None
    except ValueError as error:
        raise BankError(where, 1, "file", " ".join(str(error).split()) or "cannot load") from None


@dataclass(frozen=True)
class BankCheck:
    """Everything wrong with one bank file, for lint: ``bank`` is None when it does not load."""

    bank: Bank | None
    problems: list[BankError]
    """Schema, duplicate id and template problems, in line order."""
    questions: list[tuple[str, str, int, str]]
    """Question texts and probes whose template is sound (field, question id, line, template), so
    their tone can be checked even when the bank as a whole does not load."""


def check_bank_file(path: Path) -> BankCheck:
    """Every problem of one bank file in one pass, where :func:`load_bank_file` stops at the first:
    a writer fixing a file sees all of them at once. A file that cannot be read or parsed is one
    problem, since nothing past it can be checked."""
    where = str(path)
    try:
        return BankCheck(load_bank_file(path, "user"), [], [])
    except BankError as error:
        first = error
    try:
        _stat(path)
        root, data = _parse_yaml(_read_text(path), where)
    except BankError as error:
        return BankCheck(None, [error], [])
    except (RecursionError, MemoryError, ValueError):
        return BankCheck(None, [first], [])
    if not isinstance(data, dict):
        return BankCheck(None, [first], [])
    found: list[tuple[bool, BankError]] = []
    for name in data:
        if name in _NOT_IN_FILE or not isinstance(name, str):
            found.append((False, BankError(where, _key_line(root, name), str(name),
                                           f"unknown field (known: {', '.join(_FIELDS[Bank])})")))
    fields = {name: value for name, value in data.items() if isinstance(name, str) and name not in _NOT_IN_FILE}
    try:
        Bank.model_validate(fields)
    except ValidationError as error:
        found += _validation_problems(error, root, data, where)
    except (RecursionError, MemoryError, ValueError):
        found.append((True, first))
    phases = [phase if isinstance(phase, dict) else {} for phase in _list(data.get("phases"))]
    ids = [(phase.get("id"), [question.get("id") if isinstance(question, dict) else None
                              for question in _list(phase.get("questions"))]) for phase in phases]
    problems = [problem for _, problem in found] + list(_duplicates(ids, root, where))
    problems += _template_errors(_raw_template_fields(data), root, where)
    broken = {problem.field for problem in problems}
    unique: dict[tuple[int, str, str], BankError] = {}
    for problem in sorted(problems, key=lambda problem: problem.line):
        unique.setdefault((problem.line, problem.field, problem.reason), problem)
    questions = [(name, qid, _loc_line(root, loc), text) for loc, name, text, qid in _raw_question_texts(data)
                 if name not in broken]
    return BankCheck(None, list(unique.values()) or [first], questions)


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _raw_question_texts(data: dict[Any, Any]) -> Iterator[tuple[tuple[int | str, ...], str, str, str]]:
    """Each question text and probe of unvalidated bank data that is text: location, field name,
    text and question id."""
    for p, phase in enumerate(_list(data.get("phases"))):
        if not isinstance(phase, dict):
            continue
        for q, question in enumerate(_list(phase.get("questions"))):
            if not isinstance(question, dict):
                continue
            qid = question.get("id")
            qid = qid if isinstance(qid, str) else f"phases[{p}].questions[{q}]"
            loc: tuple[int | str, ...] = ("phases", p, "questions", q)
            if isinstance(question.get("text"), str):
                yield (*loc, "text"), f"questions.{qid}.text", question["text"], qid
            for n, probe in enumerate(_list(question.get("probes"))):
                if isinstance(probe, str):
                    yield (*loc, "probes", n), f"questions.{qid}.probes[{n}]", probe, qid


def _raw_template_fields(data: dict[Any, Any]) -> Iterator[tuple[tuple[int | str, ...], str, str]]:
    """:func:`template_fields` of unvalidated bank data: every template that is text."""
    for name in ("opening", "closing"):
        if isinstance(data.get(name), str):
            yield (name,), name, data[name]
    for loc, name, text, _ in _raw_question_texts(data):
        yield loc, name, text


def _stat(path: Path) -> tuple[int, int, int]:
    where = str(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise BankError(where, 1, "file", "no such file") from None
    except OSError as error:
        raise BankError(where, 1, "file", f"cannot read: {error.strerror or error}") from None
    if not path.is_file():
        raise BankError(where, 1, "file", "not a regular file")
    if info.st_size > MAX_BANK_BYTES:
        raise BankError(where, 1, "file",
                        f"too large for a bank ({info.st_size:,} bytes, at most {MAX_BANK_BYTES:,})")
    return info.st_mtime_ns, info.st_size, info.st_ino


@lru_cache(maxsize=256)
def _load_cached(where: str, source: str, mtime_ns: int, size: int, inode: int) -> Bank:
    # Keyed on the file's identity: an edited or replaced bank is read again, an unchanged one
    # is free (the prepare screen and the command line both load banks often).
    # Failures are not cached (lru_cache does not keep exceptions), so they are reported each time.
    return _load(Path(where), source)


def _load(path: Path, source: str) -> Bank:
    where = str(path)
    text = _read_text(path)
    root, data = _parse_yaml(text, where)
    if not isinstance(data, dict):
        raise BankError(where, _line(root), "bank",
                        "a bank must be a mapping of fields (id, title, version, ... phases)")
    for name in data:
        if name in _NOT_IN_FILE or not isinstance(name, str):
            raise BankError(where, _key_line(root, name), str(name),
                            f"unknown field (known: {', '.join(_FIELDS[Bank])})")
    try:
        bank = Bank.model_validate(data)
    except ValidationError as error:
        raise _from_validation(error, root, data, where) from None
    bank = bank.model_copy(update={"source": source, "path": where})
    _check_unique(bank, root, where)
    _check_templates(bank, root, where)
    return bank


def _read_text(path: Path) -> str:
    try:
        text = yaml_io.read_text(path, what="bank", max_bytes=MAX_BANK_BYTES)
    except YamlError as error:
        raise BankError(error.path, error.line, error.field, error.reason) from None
    if not text.strip():
        raise BankError(str(path), 1, "file", "empty file, not a bank")
    return text


def _parse_yaml(text: str, where: str) -> tuple[yaml.Node, Any]:
    try:
        document = yaml_io.parse(text, where, max_nodes=MAX_NODES)
    except YamlError as error:
        raise BankError(error.path, error.line, error.field, error.reason) from None
    if document.root is None:
        raise BankError(where, 1, "file", "empty file, not a bank")
    return document.root, document.data


def _item(data: Any, *path: int | str) -> Any:
    for part in path:
        if isinstance(part, int) and isinstance(data, list) and 0 <= part < len(data):
            data = data[part]
        elif isinstance(part, str) and isinstance(data, dict):
            data = data.get(part)
        else:
            return None
    return data


def _field_name(loc: tuple[int | str, ...], data: Any) -> str:
    """A readable field path: ``questions.decision-factors.probes``, ``phases.price.title``."""
    parts = list(loc)
    prefix = ""
    if parts[:1] == ["phases"] and len(parts) >= 2 and isinstance(parts[1], int):
        phase_index = parts[1]
        if parts[2:3] == ["questions"] and len(parts) >= 4 and isinstance(parts[3], int):
            qid = _item(data, "phases", phase_index, "questions", parts[3], "id")
            if isinstance(qid, str) and _SLUG.match(qid) and len(parts) > 4:
                prefix, parts = f"questions.{qid}", parts[4:]
            else:
                prefix, parts = f"phases[{phase_index}].questions[{parts[3]}]", parts[4:]
        else:
            pid = _item(data, "phases", phase_index, "id")
            if isinstance(pid, str) and _SLUG.match(pid) and len(parts) > 2:
                prefix, parts = f"phases.{pid}", parts[2:]
            else:
                prefix, parts = f"phases[{phase_index}]", parts[2:]
    name = prefix
    for part in parts:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name or "bank"


def _number(value: object) -> str:
    return f"{value:g}" if isinstance(value, int | float) else str(value)


def _reason(error: ErrorDetails, model: type[BaseModel] | None) -> str:
    kind = error["type"]
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    field_name = str(error["loc"][-1]) if error["loc"] else ""
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        known = ", ".join(_FIELDS[model]) if model else ""
        return f"unknown field (known: {known})" if known else "unknown field"
    if kind in ("string_type", "str_type"):
        return "should be text"
    if kind in ("int_type", "int_from_float"):
        return "should be a whole number"
    if kind in ("float_type", "float_parsing"):
        return "should be a number"
    if kind == "list_type":
        return "should be a list"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return "should be a mapping of fields"
    if kind == "too_short":
        noun = {"probes": "probes", "questions": "questions", "phases": "phases",
                "use_when": "entries"}.get(field_name, "items")
        return f"needs at least {ctx.get('min_length')} {noun} (found {ctx.get('actual_length')})"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        return f"too long (at most {ctx.get('max_length')} characters)"
    if kind == "too_long":
        return f"too many (at most {ctx.get('max_length')})"
    if kind == "greater_than":
        return f"must be more than {_number(ctx.get('gt'))}"
    if kind == "greater_than_equal":
        return f"must be at least {_number(ctx.get('ge'))}"
    if kind == "less_than_equal":
        return f"must be at most {_number(ctx.get('le'))}"
    return str(error["msg"]).removeprefix("Value error, ")


def _model_at(loc: tuple[int | str, ...]) -> type[BaseModel]:
    """Which model owns the last field of ``loc`` (for the list of known fields)."""
    names = [part for part in loc[:-1] if isinstance(part, str)]
    if names[-1:] == ["questions"]:
        return BankQuestion
    if names[-1:] == ["phases"]:
        return Phase
    return Bank


def _from_validation(error: ValidationError, root: yaml.Node, data: Any, where: str) -> BankError:
    """The first problem in file order, as a BankError.

    An unknown field comes before everything else: a misspelt ``intnet`` also makes ``intent``
    missing, and the misspelling is the message that helps.
    """
    found = _validation_problems(error, root, data, where)
    return min(found, key=lambda item: (item[0], item[1].line))[1]


def _validation_problems(error: ValidationError, root: yaml.Node, data: Any,
                         where: str) -> list[tuple[bool, BankError]]:
    """Every schema problem, each flagged False when it is an unknown field. A field reported
    missing beside an unknown one in the same place is left out: it is the misspelling's echo."""
    details = error.errors(include_url=False)
    misspelt = {tuple(detail["loc"])[:-1] for detail in details if detail["type"] == "extra_forbidden"}
    found: list[tuple[bool, BankError]] = []
    for detail in details:
        loc = tuple(detail["loc"])
        extra = detail["type"] == "extra_forbidden"
        if detail["type"] == "missing" and loc[:-1] in misspelt:
            continue
        model = _model_at(loc) if extra else None
        found.append((not extra, BankError(where, _loc_line(root, loc), _field_name(loc, data),
                                           _reason(detail, model))))
    return found


# -- checks beyond the schema ----------------------------------------------------------------------


def _check_unique(bank: Bank, root: yaml.Node, where: str) -> None:
    ids = [(phase.id, [question.id for question in phase.questions]) for phase in bank.phases]
    for problem in _duplicates(ids, root, where):
        raise problem


def _duplicates(phases: Sequence[tuple[object, Sequence[object]]], root: yaml.Node,
                where: str) -> Iterator[BankError]:
    """Every phase or question id used twice, given each phase's id and its questions' ids."""
    phase_lines: dict[object, int] = {}
    question_lines: dict[object, int] = {}
    for p, (phase_id, question_ids) in enumerate(phases):
        line = _loc_line(root, ("phases", p, "id"))
        if isinstance(phase_id, str):
            if phase_id in phase_lines:
                yield BankError(where, line, f"phases[{p}].id",
                                f"duplicate phase id {phase_id!r} (first on line {phase_lines[phase_id]})")
            else:
                phase_lines[phase_id] = line
        for q, question_id in enumerate(question_ids):
            if not isinstance(question_id, str):
                continue
            line = _loc_line(root, ("phases", p, "questions", q, "id"))
            if question_id in question_lines:
                yield BankError(
                    where, line, f"phases[{p}].questions[{q}].id",
                    f"duplicate question id {question_id!r} (first on line {question_lines[question_id]})")
            else:
                question_lines[question_id] = line


def template_fields(bank: Bank) -> Iterator[tuple[tuple[int | str, ...], str, str]]:
    """Every template in the bank: its location in the file, readable name, and text."""
    yield ("opening",), "opening", bank.opening
    yield ("closing",), "closing", bank.closing
    for p, phase in enumerate(bank.phases):
        for q, question in enumerate(phase.questions):
            loc: tuple[int | str, ...] = ("phases", p, "questions", q)
            yield (*loc, "text"), f"questions.{question.id}.text", question.text
            for n, probe in enumerate(question.probes):
                yield (*loc, "probes", n), f"questions.{question.id}.probes[{n}]", probe


def _template_problem(template: str) -> str | None:
    """Why a template may not be used in a bank, or None: names, if/else and text filters only
    (the same load check as the invitation's, with the deal's names and fields)."""
    return template_problem(template, _deal_names())


def _unknown(name: str) -> str:
    return unknown_name(name, _deal_names())


@lru_cache(maxsize=1)
def _deal_names() -> dict[str, list[str] | None]:
    """The names bank templates see, in the deal's order, with the fields of those that have
    some (``contact.first_name``, ``rep.name``)."""
    context = sample_debrief().template_context("")
    return {name: list(value) if isinstance(value, dict) else None
            for name, value in context.items() if name in TEMPLATE_NAMES}


def sample_debrief(*, sparse: bool = False) -> Debrief:
    """A sample deal to preview and test-render banks; ``sparse`` leaves every optional field empty."""
    if sparse:
        return Debrief(id="sampqe", company="Northwind Logistics", contact=Contact(name="Jane"))
    return Debrief(
        id="sampqe", company="Northwind Logistics",
        contact=Contact(name="Jane Okafor", role="VP Operations"),
        value=48_000, stage="proposal", lost_to="Acme Cloud",
    )


@lru_cache(maxsize=1)
def _sample_contexts() -> tuple[dict[str, Any], dict[str, Any]]:
    return (sample_debrief().template_context("Sam Rivera"),
            sample_debrief(sparse=True).template_context(""))


def _check_templates(bank: Bank, root: yaml.Node, where: str) -> None:
    for problem in _template_errors(template_fields(bank), root, where):
        raise problem


def _template_errors(fields: Iterable[tuple[tuple[int | str, ...], str, str]], root: yaml.Node,
                     where: str) -> Iterator[BankError]:
    """Every template that may not be used: its syntax, names, and a trial render for two deals."""
    for loc, name, template in fields:
        if not _TEMPLATE_MARK.search(template):
            continue  # plain text: nothing to check (most probes)
        line = _loc_line(root, loc)
        problem = _template_problem(template)
        if problem is None:
            try:
                unknown = unknown_names(template, name)
            except RenderError as error:
                unknown, problem = [], str(error).removeprefix(f"{name}: ")
            if unknown:
                problem = _unknown(unknown[0])
        if problem is None:
            for context, deal in zip(_sample_contexts(), ("", " (with a sparse deal: no winner, "
                                                              "role, stage, value or rep name)"), strict=True):
                try:
                    render(template, context, name)
                except RenderError as error:
                    problem = str(error).removeprefix(f"{name}: ") + deal
                    break
        if problem is not None:
            yield BankError(where, line, name, problem)


def template_lines(bank: Bank) -> dict[str, int]:
    """Line of every template field of a loaded bank in its file (``questions.x.text`` -> 12).

    For messages about a bank that loaded fine (the tone check in ``banks lint``); a field whose
    line cannot be found (the file changed since) maps to line 1.
    """
    root = yaml_io.node_tree(Path(bank.path))
    if root is None:
        return {name: 1 for _, name, _ in template_fields(bank)}
    return {name: _loc_line(root, loc) for loc, name, _ in template_fields(bank)}


def _id_line(path: Path) -> int:
    return _key_line(yaml_io.node_tree(path), "id")


# -- rendering for one deal -------------------------------------------------------------------------


def fill(template: str, context: dict[str, Any], where: str) -> str:
    """``render`` for bank text: plain text (most probes) skips Jinja, which gives the same."""
    if not _TEMPLATE_MARK.search(template):
        return template.strip()
    return render(template, context, where)


def render_question(bank: Bank, question: BankQuestion, context: dict[str, Any]) -> BankQuestion:
    """``question`` with its text and probes rendered for one deal; RenderError names the place."""
    where = f"bank {bank.id}, question {question.id}"
    return question.model_copy(update={
        "text": fill(question.text, context, f"{where}, text"),
        "probes": [fill(probe, context, f"{where}, probe {n + 1}")
                   for n, probe in enumerate(question.probes)],
    })


def render_bank(bank: Bank, context: dict[str, Any]) -> Bank:
    """The whole bank rendered for one deal (opening, closing, every question and probe)."""
    phases = [
        phase.model_copy(update={
            "questions": [render_question(bank, question, context) for question in phase.questions],
        })
        for phase in bank.phases
    ]
    return bank.model_copy(update={
        "opening": fill(bank.opening, context, f"bank {bank.id}, opening"),
        "closing": fill(bank.closing, context, f"bank {bank.id}, closing"),
        "phases": phases,
    })
