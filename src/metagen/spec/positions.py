"""Read YAML into plain data plus the line and column of every key and value.

PyYAML's composer gives a node tree with positions; we build the Python data from it
ourselves, so that each key path can be located and duplicate keys (which PyYAML would
silently overwrite) are refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from metagen.spec.errors import SpecError
from metagen.spec.units import show

Path = tuple[str | int, ...]
Position = tuple[int, int]  # 1-based (line, column)

_MERGE_TAG = "tag:yaml.org,2002:merge"
_PLAIN_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")


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


class _Builder:
    """Turns a composed node tree into Python data, recording positions on the way."""

    def __init__(self, loader: yaml.SafeLoader, source: str) -> None:
        self.loader = loader
        self.source = source
        self.positions = Positions()
        self._active: set[int] = set()  # nodes being built: a cycle of aliases is an error

    def build(self, node: yaml.Node, path: Path) -> Any:
        self.positions.values[path] = _mark(node)
        if id(node) in self._active:
            raise self._error(node, path, "an alias refers to itself", "Remove the cycle")
        if not isinstance(node, yaml.ScalarNode) and node.tag not in _PLAIN_TAGS:
            # Scalars with unknown tags fail in construct_object; collections are ours to check.
            raise self._error(node, path, f"unsupported YAML tag {node.tag}", "Remove the tag")
        self._active.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, path)
            if isinstance(node, yaml.SequenceNode):
                return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
            return self.loader.construct_object(node, deep=True)
        finally:
            self._active.discard(id(node))

    def _mapping(self, node: yaml.MappingNode, path: Path) -> dict[str, Any]:
        first_seen: dict[str, yaml.Node] = {}
        for key_node, _ in node.value:
            if key_node.tag == _MERGE_TAG:
                continue
            key = self._key(key_node, path)
            if key in first_seen:
                line = first_seen[key].start_mark.line + 1
                raise self._error(
                    key_node,
                    path + (key,),
                    f"duplicate key {key!r} (first given on line {line})",
                    "Give each key once; YAML would otherwise silently keep only the last",
                )
            first_seen[key] = key_node
        # Resolve "<<" merge keys; explicit keys come last, so they win.
        self.loader.flatten_mapping(node)
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = self._key(key_node, path)
            self.positions.keys[path + (key,)] = _mark(key_node)
            result[key] = self.build(value_node, path + (key,))
        return result

    def _key(self, node: yaml.Node, path: Path) -> str:
        key = (
            self.loader.construct_object(node, deep=True)
            if isinstance(node, yaml.ScalarNode)
            else None
        )
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
    loader = yaml.SafeLoader(text)
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
