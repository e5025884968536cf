"""The one safe way debrief reads a YAML file (question banks, tone and own-it rules).

These files come from users, teams and downloads, so reading one is bounded before anything is
built from it: a size limit on the bytes, text that must be UTF-8 without NUL bytes, a limit on the
values the document expands to (an alias bomb stops at the count, not in memory), a nesting depth
limit, no recursive aliases, and no key given twice in one mapping (YAML would silently keep the
last one). Every problem is one :class:`YamlError` naming the file and the line.

libyaml's parser is used when PyYAML has it (about ten times faster), else the pure Python one;
both only build plain data (``SafeLoader``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

MAX_BYTES = 1_000_000
"""Largest file read: a real bank or rules file is a few kilobytes; anything this big is a mistake."""

MAX_NODES = 50_000
"""Most values a document may expand to: stops alias bombs (``&a [*b, *b, ...]``) cold."""

MAX_DEPTH = 64
"""Deepest nesting of lists and mappings: a bank needs five levels, a rules file four."""

MAX_NUMBER_CHARS = 100
"""Longest number written in a file: a version or a minute count has a few digits."""

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlError(ValueError):
    """One problem in one YAML file, as one line: ``FILE:LINE: field: reason``."""

    def __init__(self, path: str, line: int, field: str, reason: str) -> None:
        self.path = path
        self.line = line
        self.field = field
        self.reason = reason
        super().__init__(f"{path}:{line}: {field}: {reason}")


@dataclass(frozen=True)
class YamlDocument:
    """The data of a file and its node tree (for line numbers of later findings)."""

    data: Any
    root: yaml.Node | None


def read_text(path: Path, *, what: str = "YAML file", max_bytes: int = MAX_BYTES) -> str:
    """The file's text, read no further than ``max_bytes``; refuse binary and non-UTF-8 files."""
    where = str(path)
    try:
        with path.open("rb") as handle:
            raw = handle.read(max_bytes + 1)
    except OSError as error:
        raise YamlError(where, 1, "file", f"cannot read: {error.strerror or error}") from None
    if len(raw) > max_bytes:
        raise YamlError(where, 1, "file", f"too large for a {what} (over {max_bytes:,} bytes)")
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise YamlError(where, line, "file", "binary data (NUL bytes), not a YAML text file")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise YamlError(where, line, "file", f"not UTF-8 text (save the {what} as UTF-8)") from None


def parse(text: str, where: str, *, max_nodes: int = MAX_NODES, max_depth: int = MAX_DEPTH) -> YamlDocument:
    """Parse one document, checking its shape (size, depth, keys) before building any data."""
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return YamlDocument(None, None)
        _check_shape(root, where, max_nodes, max_depth)
        return YamlDocument(loader.construct_document(root), root)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        problem = " ".join(str(error.problem or error.context or "invalid YAML").split())
        raise YamlError(where, line, "yaml", problem) from None
    except yaml.YAMLError as error:
        raise YamlError(where, 1, "yaml", " ".join(str(error).split())) from None
    except RecursionError:
        raise YamlError(where, 1, "yaml", "nested too deeply") from None
    finally:
        loader.dispose()


def load(path: Path, *, what: str = "YAML file", max_bytes: int = MAX_BYTES,
         max_nodes: int = MAX_NODES) -> YamlDocument:
    """Read and parse ``path`` with every check; any problem is a :class:`YamlError`."""
    return parse(read_text(path, what=what, max_bytes=max_bytes), str(path), max_nodes=max_nodes)


def node_tree(path: Path) -> yaml.Node | None:
    """Only the node tree of a file already loaded once (for line numbers); None if it went bad."""
    try:
        return load(path).root
    except YamlError:
        return None


def _check_shape(root: yaml.Node, where: str, max_nodes: int, max_depth: int) -> None:
    """Refuse a document that expands too far, nests too deep, refers to itself or repeats a key."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def size(node: yaml.Node, depth: int) -> int:
        known = sizes.get(id(node))
        if known is not None:
            return known  # an alias: its whole expansion counts again, without walking it again
        if id(node) in open_nodes:
            raise YamlError(where, line_of(node), "yaml", "an alias refers to the value it is in")
        if depth > max_depth:
            raise YamlError(where, line_of(node), "yaml", f"nested more than {max_depth} levels deep")
        open_nodes.add(id(node))
        total = 1
        if isinstance(node, yaml.ScalarNode) and node.tag.endswith((":int", ":float")) \
                and len(node.value) > MAX_NUMBER_CHARS:
            # Python refuses to read an int of over 4,300 digits (ValueError): no file needs one.
            raise YamlError(where, line_of(node), "yaml",
                            f"number too long ({len(node.value):,} characters, at most {MAX_NUMBER_CHARS})")
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(item, depth + 1) for item in node.value)
        elif isinstance(node, yaml.MappingNode):
            _check_keys(node, where)
            total += sum(size(key, depth + 1) + size(value, depth + 1) for key, value in node.value)
        open_nodes.discard(id(node))
        sizes[id(node)] = total
        if total > max_nodes:
            raise YamlError(where, line_of(node), "yaml",
                            f"too many values: expands to more than {max_nodes:,} (aliases?)")
        return total

    size(root, 0)


def _check_keys(node: yaml.MappingNode, where: str) -> None:
    """A key given twice: YAML would silently keep the last, losing (say) the first probes."""
    seen: dict[str, int] = {}
    for key, _ in node.value:
        if not isinstance(key, yaml.ScalarNode) or key.value == "<<":
            continue
        if key.value in seen:
            raise YamlError(where, line_of(key), str(key.value),
                            f"duplicate key (first on line {seen[key.value]})")
        seen[key.value] = line_of(key)


# -- line numbers for findings about the data ------------------------------------------------------


def line_of(node: yaml.Node | None) -> int:
    """The 1-based line a node starts on (1 when there is no node)."""
    return node.start_mark.line + 1 if node is not None else 1


def entry(node: yaml.Node | None, key: object) -> tuple[yaml.Node, yaml.Node] | None:
    """The (key, value) nodes of ``key`` in a mapping node, or None."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == str(key):
                return key_node, value_node
    return None


def key_line(root: yaml.Node | None, key: object) -> int:
    """The line of a top-level key (the mapping's own line when the key is not there)."""
    found = entry(root, key)
    return line_of(found[0] if found else root)


def loc_line(root: yaml.Node | None, loc: Iterable[int | str]) -> int:
    """The line at a pydantic-style location: the key's line for a field, the item's for a list.

    Where the path stops matching (a missing field), the deepest node found on the way.
    """
    node = root
    line = line_of(root)
    for part in loc:
        if isinstance(part, int) and isinstance(node, yaml.SequenceNode):
            if not 0 <= part < len(node.value):
                break
            node = node.value[part]
            line = line_of(node)
            continue
        found = entry(node, part)
        if found is None:
            break
        line = line_of(found[0])
        node = found[1]
    return line
