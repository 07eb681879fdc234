"""Read YAML into plain data plus the line and column of every key and value.

PyYAML's composer gives a node tree with positions; we build the Python data from it
ourselves, so that each key path can be located, duplicate keys (which PyYAML would
silently overwrite) are refused, and aliases and merge keys expand only within the limits of
yaml_rules.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NoReturn

import yaml

from metagen.spec.errors import InvalidValue, SpecError
from metagen.spec.units import show
from metagen.spec.yaml_rules import (
    COLLECTION_TAGS,
    MAX_DEPTH,
    MAX_VALUES,
    MERGE_TAG,
    BoundedLoader,
    check_printable,
    scalar_value,
    tag_as_written,
    too_deep,
    too_many_values,
)

Path = tuple[str | int, ...]
Position = tuple[int, int]  # 1-based (line, column)


@dataclass
class Positions:
    """Where each key path sits in the source: its value and, for mapping entries, its key."""

    values: dict[Path, Position] = field(default_factory=dict)
    keys: dict[Path, Position] = field(default_factory=dict)

    def known_prefix(self, loc: tuple[Any, ...]) -> Path:
        """The longest prefix of ``loc`` that is a path in the document."""
        path: Path = ()
        for part in loc:
            if path + (part,) not in self.values:
                break
            path = path + (part,)
        return path

    def last_inside(self, path: Path) -> Position | None:
        """The position of the last value inside ``path`` (where a missing key would go)."""
        inside = [pos for p, pos in self.values.items() if p[: len(path)] == path]
        return max(inside) if inside else None

    def locate(self, loc: tuple[Any, ...], prefer_key: bool = False) -> Position | None:
        """Position of ``loc``: the key's if asked and known, else the nearest value's."""
        path = tuple(loc)
        if prefer_key and path in self.keys:
            return self.keys[path]
        return self.values.get(self.known_prefix(path))


def dotted(path: tuple[Any, ...]) -> str:
    """('modality', 'inputs', 0) -> 'modality.inputs[0]'."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _mark(node: yaml.Node) -> Position:
    return node.start_mark.line + 1, node.start_mark.column + 1


Entries = dict[str, tuple[yaml.Node, yaml.Node]]


class _Builder:
    """Turns a composed node tree into Python data, recording positions on the way."""

    def __init__(self, loader: yaml.SafeLoader, source: str) -> None:
        self.loader = loader
        self.source = source
        self.positions = Positions()
        self._active: set[int] = set()  # nodes being built: a cycle of aliases is an error
        self._merging: set[int] = set()  # mappings whose merges are being resolved
        self._built = 0  # values built so far: aliases can make many from few nodes

    def build(self, node: yaml.Node, path: Path) -> Any:
        self.positions.values[path] = _mark(node)
        self._count(node, path, "the aliases (*name) expand to")
        if id(node) in self._active:
            raise self._error(node, path, "an alias refers to itself", "Remove the cycle")
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, path)
        self._check_collection(node, path)
        self._active.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, path)
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        finally:
            self._active.discard(id(node))

    def _count(self, node: yaml.Node, path: Path, what: str) -> None:
        self._built += 1
        if self._built > MAX_VALUES:
            raise self._error(node, path, *too_many_values(what))

    def _check_collection(self, node: yaml.Node, path: Path) -> None:
        # A collection at path (a, b) sits inside two collections: it is the third level.
        if len(path) + 1 > MAX_DEPTH:
            raise self._error(node, path, *too_deep())
        if node.tag not in COLLECTION_TAGS:
            hint = "Remove the tag: a spec is plain mappings and lists"
            raise self._error(node, path, f"unsupported YAML tag {tag_as_written(node.tag)}", hint)

    def _scalar(self, node: yaml.ScalarNode, path: Path) -> Any:
        try:
            return scalar_value(self.loader, node)
        except InvalidValue as exc:
            raise self._error(node, path, exc.summary, exc.hint) from None

    def _mapping(self, node: yaml.MappingNode, path: Path) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, (key_node, value_node) in self._entries(node, path, 0).items():
            self.positions.keys[path + (key,)] = _mark(key_node)
            result[key] = self.build(value_node, path + (key,))
        return result

    def _entries(self, node: yaml.MappingNode, path: Path, merges: int) -> Entries:
        """key -> (key node, value node), with "<<" merges resolved as YAML 1.1 says: keys
        written in the mapping win over merged ones, and an earlier merged mapping wins over
        a later one. ``merges`` counts the merges that led here (a merged mapping may merge)."""
        written: Entries = {}
        merge: tuple[yaml.Node, yaml.Node] | None = None
        for key_node, value_node in node.value:
            if key_node.tag == MERGE_TAG:
                if merge is not None:
                    self._duplicate(merge[0], key_node, path, "<<")
                merge = (key_node, value_node)
                continue
            key = self._key(key_node, path)
            if key in written:
                self._duplicate(written[key][0], key_node, path, key)
            written[key] = (key_node, value_node)
        if merge is None:
            return written
        if merges + len(path) + 1 > MAX_DEPTH:
            raise self._error(merge[0], path, *too_deep())
        if id(node) in self._merging:
            raise self._error(node, path, "a merge (<<) includes its own mapping", "Remove it")
        self._merging.add(id(node))
        try:
            entries: Entries = {}
            for source in reversed(self._merge_sources(merge[1], path)):
                for key, entry in self._entries(source, path, merges + 1).items():
                    self._count(entry[1], path, "the merges (<<) expand to")
                    entries[key] = entry
        finally:
            self._merging.discard(id(node))
        entries.update(written)
        return entries

    def _duplicate(self, first: yaml.Node, again: yaml.Node, path: Path, key: str) -> NoReturn:
        raise self._error(
            again,
            path + (key,),
            f"duplicate key {key!r} (first given on line {first.start_mark.line + 1})",
            "Give each key once; YAML would otherwise silently keep only the last",
        )

    def _merge_sources(self, node: yaml.Node, path: Path) -> list[yaml.MappingNode]:
        sources = node.value if isinstance(node, yaml.SequenceNode) else [node]
        for source in sources:
            if not isinstance(source, yaml.MappingNode):
                raise self._error(
                    source,
                    path,
                    "a merge key (<<) takes a mapping or a list of mappings",
                    "Write <<: *defaults, where &defaults names a mapping",
                )
            self._check_collection(source, path)
        return list(sources)

    def _key(self, node: yaml.Node, path: Path) -> str:
        key = self._scalar(node, path) if isinstance(node, yaml.ScalarNode) else None
        if isinstance(key, str):
            return key
        raise self._error(
            node,
            path,
            f"the key {show(key)} is not text",
            "Keys are names such as name or modality; put an unusual key in quotes",
        )

    def _error(self, node: yaml.Node, path: Path, summary: str, hint: str) -> SpecError:
        line, column = _mark(node)
        return SpecError.single(
            self.source, summary, hint, field=dotted(path) or None, line=line, column=column
        )


def compose(text: str, source: str) -> tuple[Any, Positions]:
    """Parse one YAML document: (data, positions); (None, empty) for an empty document."""
    check_printable(text, source)
    loader = BoundedLoader(text, source)
    try:
        root = loader.get_single_node()
        if root is None:
            return None, Positions()
        builder = _Builder(loader, source)
        return builder.build(root, ()), builder.positions
    except yaml.YAMLError as exc:
        raise _syntax_error(exc, source) from exc
    finally:
        loader.dispose()


def _syntax_error(exc: yaml.YAMLError, source: str) -> SpecError:
    if not isinstance(exc, yaml.MarkedYAMLError) or exc.problem_mark is None:
        return SpecError.single(source, f"invalid YAML: {exc}", "Fix the YAML syntax")
    mark = exc.problem_mark
    problem = " ".join(p for p in (exc.context, exc.problem) if p)
    hint = "Check the indentation, quotes and colons around this spot"
    if "\t" in problem or "'\\t'" in problem:
        hint = "YAML indents with spaces, not tabs"
    elif "expected a single document" in problem:
        hint = "A spec is one YAML document; remove the extra '---' documents"
    return SpecError.single(
        source, f"YAML syntax error: {problem}", hint, line=mark.line + 1, column=mark.column + 1
    )
