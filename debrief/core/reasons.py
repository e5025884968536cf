"""Loss reasons: one taxonomy, in data, that every screen, command and export reads.

The layers, each adding reasons or relabelling earlier ones (a later layer wins for the same id):

1. the shipped reasons (``reasons.yaml`` beside this module);
2. the team's (``reasons.yaml`` in the team's repository clone), when the rep has joined one;
3. the rep's own (``reasons.yaml`` in the user data folder);
4. the tags loaded banks introduce that no file declares, labelled from the id
   (``security-review`` reads "Security review").

Team and user files are untrusted input: read through the one bounded YAML loader, every text
cleaned, a bad entry skipped with one ``FILE:LINE: field: reason`` line (kept in
``Taxonomy.problems``) while the rest, and always the shipped reasons, still load.

A reason id is a slug: lowercase letters, digits and single hyphens, at most 40 characters. Any
well-formed id is a valid tag, known or not; a stored tag nobody declares still reads well.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from debrief.core.text import clean_line, one_line

if TYPE_CHECKING:
    import yaml

SHIPPED_FILE = Path(__file__).with_name("reasons.yaml")
"""The reasons debrief ships with."""

FILE_NAME = "reasons.yaml"
"""The name of a team's or a rep's reasons file."""

MAX_ID = 40
"""Longest reason id: it is typed (``--guess``), stored in every tagged answer and shown in columns."""

MAX_LABEL = 60
MAX_DESCRIPTION = 300
MAX_ALIASES = 10
MAX_REASONS = 500
"""Most reasons one file may declare: a real taxonomy has a few dozen."""

MAX_FILE_BYTES = 200_000
MAX_NODES = 10_000

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SEPARATORS = re.compile(r"[\s_\-/]+")
_FIELDS = ("id", "label", "description", "aliases")

ID_HELP = "use lowercase letters, digits and hyphens, at most 40 characters (like security-review)"


def is_reason_id(value: object) -> bool:
    """Whether ``value`` is a well-formed reason id (a slug of at most 40 characters)."""
    return isinstance(value, str) and len(value) <= MAX_ID and bool(_ID.match(value))


def label_from_id(reason_id: str) -> str:
    """A readable label for an id nobody labelled: ``security-review`` -> ``Security review``."""
    words = reason_id.replace("-", " ").strip()
    return words[:1].upper() + words[1:] if words else reason_id


def _key(text: str) -> str:
    """How typed words are compared: case, hyphens, underscores and runs of spaces ignored."""
    return " ".join(_SEPARATORS.split(text.strip().lower())).strip()


@dataclass(frozen=True)
class Reason:
    """One loss reason: the id tags carry, the label people read, and where it was declared."""

    id: str
    label: str
    description: str = ""
    aliases: tuple[str, ...] = ()
    source: str = "shipped"
    """``shipped``, ``team``, ``user`` or ``bank`` (a tag a bank introduced)."""


def distance(a: str, b: str, limit: int = 2) -> int:
    """Edits between ``a`` and ``b`` (insert, delete, replace, swap two neighbours), or
    ``limit + 1`` once it is sure to be more: typos are one or two slips, so the work stays small."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    if a == b:
        return 0
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return min(previous[-1], limit + 1)


def slips_allowed(word: str) -> int:
    """How many edits still read as a slip of ``word``: one for a short word, two for a longer."""
    return 1 if len(word) <= 5 else 2


@dataclass(frozen=True)
class Taxonomy:
    """The known loss reasons, in order (shipped first), and why any file's entry was skipped."""

    reasons: dict[str, Reason] = field(default_factory=dict)
    problems: tuple[str, ...] = ()
    _names: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    """Typed word (id, label or alias, compared by :func:`_key`) -> id."""

    def __post_init__(self) -> None:
        if not self._names:
            self._names.update(_names(self.reasons.values()))

    def ids(self) -> list[str]:
        """Every known id, in taxonomy order."""
        return list(self.reasons)

    def known(self, reason_id: str) -> bool:
        """Whether some layer declares ``reason_id``."""
        return reason_id in self.reasons

    def get(self, reason_id: str) -> Reason | None:
        """The reason ``reason_id``, or None."""
        return self.reasons.get(reason_id)

    def label(self, tag: str) -> str:
        """How ``tag`` reads: its label, else the label made from a well-formed id, else itself."""
        reason = self.reasons.get(tag)
        if reason is not None:
            return reason.label
        return label_from_id(tag) if is_reason_id(tag) else tag

    def labels(self) -> dict[str, str]:
        """Id -> label of every known reason, in order."""
        return {reason.id: reason.label for reason in self.reasons.values()}

    def resolve(self, text: str) -> str | None:
        """The id a rep means by ``text``: an id, a label or an alias, in any case; None if none."""
        if text in self.reasons:
            return text
        return self._names.get(_key(text[: 4 * MAX_LABEL]))

    def suggest(self, word: str, *, exclude: Iterable[str] = ()) -> str | None:
        """The known id ``word`` is most likely a slip of (by id or label), or None.

        An exact id is not a slip; ``exclude`` leaves out ids that cannot be meant (the word itself).
        """
        typed = _key(word[: 2 * MAX_ID])
        if not typed:
            return None
        skip = set(exclude) | {word}
        best: tuple[int, int, str] | None = None
        for order, reason in enumerate(self.reasons.values()):
            if reason.id in skip:
                continue
            for name in (reason.id, reason.label, *reason.aliases):
                candidate = _key(name)
                allowed = min(slips_allowed(candidate), slips_allowed(typed))
                edits = distance(typed, candidate, allowed)
                if 0 < edits <= allowed and (best is None or (edits, order) < best[:2]):
                    best = (edits, order, reason.id)
        return best[2] if best else None

    def with_tags(self, tags: Iterable[str], source: str = "bank") -> Taxonomy:
        """This taxonomy plus the well-formed ``tags`` it does not know, labelled from their ids."""
        extra = {tag: Reason(tag, label_from_id(tag), source=source)
                 for tag in tags if is_reason_id(tag) and tag not in self.reasons}
        if not extra:
            return self
        return Taxonomy({**self.reasons, **extra}, self.problems)

    def __iter__(self) -> Iterator[Reason]:
        return iter(self.reasons.values())

    def __len__(self) -> int:
        return len(self.reasons)


def _names(reasons: Iterable[Reason]) -> dict[str, str]:
    """Every word that names a reason: ids first, then labels, then aliases (the first to claim a
    word keeps it)."""
    listed = list(reasons)
    names: dict[str, str] = {}
    for kind in ("id", "label", "aliases"):
        for reason in listed:
            words = (reason.id,) if kind == "id" else (reason.label,) if kind == "label" else reason.aliases
            for word in words:
                names.setdefault(_key(word), reason.id)
    return names


# -- reading a reasons file ------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadedFile:
    """The reasons one file declares and why any of its entries (or the whole file) was skipped."""

    reasons: tuple[Reason, ...] = ()
    problems: tuple[str, ...] = ()


def _problem(where: str, line: int, name: str, reason: str) -> str:
    return one_line(f"{where}:{line}: {name}: {reason}", 300)


def _text(value: object, name: str, limit: int, *, required: bool) -> str:
    """One line of a reasons file's text, checked and cleaned; ValueError with the reason."""
    if value is None or value == "":
        if required:
            raise ValueError("must not be empty")
        return ""
    if not isinstance(value, str):
        raise ValueError("should be text")
    if _CONTROL.search(value):
        raise ValueError("control characters are not allowed")
    text = " ".join(clean_line(value).split())
    if required and not text:
        raise ValueError("must not be empty")
    if len(text) > limit:
        raise ValueError(f"too long (at most {limit} characters)")
    return text


def _entry(item: object, node: yaml.Node | None, where: str, index: int,
           source: str) -> tuple[Reason | None, list[str]]:
    """One entry: ``- security-review`` (an id alone) or a mapping of id, label, description, aliases."""
    from debrief.core.yaml_io import entry as node_entry
    from debrief.core.yaml_io import line_of

    line = line_of(node)
    here = f"reasons[{index}]"
    if isinstance(item, str):
        item = {"id": item}
    if not isinstance(item, dict):
        return None, [_problem(where, line, here, "should be an id or a mapping of id, label, "
                                                  "description, aliases")]

    def line_at(key: str) -> int:
        found = node_entry(node, key)
        return line_of(found[0]) if found else line

    for key in item:
        if key not in _FIELDS:
            return None, [_problem(where, line_at(str(key)), f"{here}.{key}",
                                   f"unknown field (known: {', '.join(_FIELDS)})")]
    reason_id = item.get("id")
    if reason_id is None:
        return None, [_problem(where, line, f"{here}.id", "required field is missing")]
    if not is_reason_id(reason_id):
        shown = f" {one_line(str(reason_id), 40)!r}" if isinstance(reason_id, str) else ""
        return None, [_problem(where, line_at("id"), f"{here}.id", f"not a reason id{shown}: {ID_HELP}")]
    name = f"reasons.{reason_id}"
    try:
        label = _text(item.get("label"), "label", MAX_LABEL, required=False) or label_from_id(reason_id)
    except ValueError as error:
        return None, [_problem(where, line_at("label"), f"{name}.label", str(error))]
    try:
        description = _text(item.get("description"), "description", MAX_DESCRIPTION, required=False)
    except ValueError as error:
        return None, [_problem(where, line_at("description"), f"{name}.description", str(error))]
    raw_aliases = item.get("aliases") or []
    if isinstance(raw_aliases, str):
        raw_aliases = [raw_aliases]
    if not isinstance(raw_aliases, list):
        return None, [_problem(where, line_at("aliases"), f"{name}.aliases", "should be a list")]
    if len(raw_aliases) > MAX_ALIASES:
        return None, [_problem(where, line_at("aliases"), f"{name}.aliases",
                               f"too many (at most {MAX_ALIASES})")]
    aliases: list[str] = []
    for number, alias in enumerate(raw_aliases):
        try:
            aliases.append(_text(alias, "alias", MAX_LABEL, required=True))
        except ValueError as error:
            return None, [_problem(where, line_at("aliases"), f"{name}.aliases[{number}]", str(error))]
    return Reason(reason_id, label, description, tuple(dict.fromkeys(aliases)), source), []


def load_reasons_file(path: Path, source: str) -> LoadedFile:
    """The reasons in ``path``; a file that cannot be read is one problem, a bad entry another.

    Never raises for what the file holds: a reasons file must not stop a command or the app.
    """
    from debrief.core import yaml_io
    from debrief.core.yaml_io import YamlError, line_of

    where = str(path)
    try:
        if source != "shipped" and path.is_symlink():
            return LoadedFile(problems=(_problem(where, 1, "file", "a link, not a file: not followed"),))
        document = yaml_io.load(path, what="reasons file", max_bytes=MAX_FILE_BYTES, max_nodes=MAX_NODES)
    except YamlError as error:
        return LoadedFile(problems=(_problem(error.path, error.line, error.field, error.reason),))
    except (OSError, RecursionError, MemoryError, ValueError) as error:
        return LoadedFile(problems=(_problem(where, 1, "file", f"cannot read: {one_line(str(error), 80)}"),))
    data, root = document.data, document.root
    if data is None:
        return LoadedFile()  # an empty file declares nothing
    items_node: Any = None
    if isinstance(data, dict):
        unknown = [key for key in data if key != "reasons"]
        if unknown:
            return LoadedFile(problems=(_problem(where, yaml_io.key_line(root, unknown[0]), str(unknown[0]),
                                                 "unknown field (a reasons file has one field: reasons)"),))
        data = data.get("reasons")
        found = yaml_io.entry(root, "reasons")
        items_node = found[1] if found else None
    else:
        items_node = root
    if data is None:
        return LoadedFile()
    if not isinstance(data, list):
        return LoadedFile(problems=(_problem(where, line_of(items_node), "reasons",
                                             "should be a list of reasons"),))
    if len(data) > MAX_REASONS:
        return LoadedFile(problems=(_problem(where, line_of(items_node), "reasons",
                                             f"too many reasons ({len(data):,}, at most {MAX_REASONS})"),))
    nodes = list(getattr(items_node, "value", []))
    reasons: dict[str, Reason] = {}
    problems: list[str] = []
    for index, item in enumerate(data):
        node = nodes[index] if index < len(nodes) else items_node
        reason, found_problems = _entry(item, node, where, index, source)
        problems += found_problems
        if reason is None:
            continue
        if reason.id in reasons:
            problems.append(_problem(where, line_of(node), f"reasons.{reason.id}",
                                     "declared twice in this file (the first is kept)"))
            continue
        reasons[reason.id] = reason
    return LoadedFile(tuple(reasons.values()), tuple(problems))


def merge(layers: Iterable[LoadedFile]) -> Taxonomy:
    """The layers in order: a later layer's reason with an earlier id replaces it in place.

    An alias that already names another reason (by its id, its label or an earlier alias) is
    dropped with one line: a word names one reason, so typing and stats never split between two.
    """
    reasons: dict[str, Reason] = {}
    problems: list[str] = []
    for layer in layers:
        problems += layer.problems
        for reason in layer.reasons:
            reasons[reason.id] = reason
    taken = {_key(reason.label): reason.id for reason in reversed(reasons.values())}
    taken.update({_key(reason.id): reason.id for reason in reasons.values()})  # an id names itself first
    for reason in list(reasons.values()):
        aliases = []
        for alias in reason.aliases:
            owner = taken.setdefault(_key(alias), reason.id)
            if owner != reason.id:
                problems.append(one_line(f"{reason.source} reason {reason.id}: the alias {alias!r} already "
                                         f"names {owner}; ignored", 300))
                continue
            aliases.append(alias)
        if len(aliases) != len(reason.aliases):
            reasons[reason.id] = replace(reason, aliases=tuple(aliases))
    return Taxonomy(reasons, tuple(problems))


# -- the taxonomy every caller reads -----------------------------------------------------------------

_lock = threading.Lock()
_shipped_cache: list[LoadedFile] = []
_cache: dict[tuple[object, ...], Taxonomy] = {}


def _signature(path: Path) -> tuple[int, int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size, info.st_ino


_paths: dict[tuple[object, ...], tuple[Path, Path]] = {}


def _default_files() -> tuple[Path, Path]:
    """The team's and the rep's reasons files: worked out once per database and environment
    (platformdirs costs more than the stats that follow, and labels are read in loops)."""
    import os

    from debrief import locations

    key = (locations._active_db, os.environ.get(locations.DB_ENV), os.environ.get("XDG_DATA_HOME"),
           os.environ.get("HOME"))
    found = _paths.get(key)
    if found is None:
        found = _paths[key] = (locations.active_team_dir() / FILE_NAME, locations.user_reasons_file())
    return found


def shipped() -> Taxonomy:
    """The shipped reasons alone (what a fresh install knows)."""
    return merge([_shipped_layer()])


def _shipped_layer() -> LoadedFile:
    with _lock:
        if not _shipped_cache:
            _shipped_cache.append(load_reasons_file(SHIPPED_FILE, "shipped"))
        return _shipped_cache[0]


def taxonomy(team: Path | None = None, *, user_file: Path | None = None,
             tags: Iterable[str] = ()) -> Taxonomy:
    """The taxonomy: shipped, the team's, the rep's, then ``tags`` (those of loaded banks).

    ``team`` is the team's repository folder (default: the one beside the database this process
    serves, if it exists); ``user_file`` the rep's file (default: in the user data folder). Cached
    on the files' identity, so an edit is seen on the next call and an unchanged file costs a stat.
    """
    default_team, default_user = _default_files()
    team_file = team / FILE_NAME if team is not None else default_team
    user = user_file if user_file is not None else default_user
    files = [(team_file, "team"), (user, "user")]
    key: tuple[object, ...] = tuple((str(path), _signature(path)) for path, _ in files)
    with _lock:
        cached = _cache.get(key)
    if cached is None:
        layers = [_shipped_layer()]
        layers += [load_reasons_file(path, source) for path, source in files if _signature(path) is not None]
        cached = merge(layers)
        with _lock:
            if len(_cache) > 16:
                _cache.clear()
            _cache[key] = cached
    return cached.with_tags(tags)


def bank_tags(banks: Iterable[Any]) -> list[str]:
    """Every tag the questions of ``banks`` use, in bank order (for :func:`taxonomy`'s ``tags``)."""
    found: dict[str, None] = {}
    for bank in banks:
        for _, question in bank.questions():
            for tag in question.tags:
                found.setdefault(tag, None)
    return list(found)
