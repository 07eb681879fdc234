"""The YAML a spec may hold: printable text, the standard scalar tags, bounded size and nesting.

A spec is a few kilobytes of plain keys and values. These limits refuse, with a located
message and before any work grows, what a spec never needs but a hostile or broken file can
hold: control characters, custom tags, nesting that would exhaust Python's recursion (PyYAML's
composer recurses once per level) and aliases that expand exponentially (a "billion laughs").
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.reader import Reader
from yaml.resolver import Resolver

from metagen.spec.errors import InvalidValue, SpecError
from metagen.spec.units import show

# Limits, generous for any real spec: the examples are under 600 characters, nest 4 levels
# and hold under 40 values. PyYAML's pure-Python reader takes about half a second for 10,000
# values, so these keep a refusal under a second.
MAX_SPEC_BYTES = 100_000  # of UTF-8
MAX_DEPTH = 64  # nested mappings and lists, the top-level mapping included
MAX_WRITTEN_VALUES = 10_000  # keys and values written in the document
MAX_VALUES = 100_000  # values once aliases (*name) and merges (<<) are expanded
MAX_NUMBER_CHARS = 100  # digits past this only make int() slow; no spec needs them

_YAML = "tag:yaml.org,2002:"
STR_TAG, MERGE_TAG, VALUE_TAG = _YAML + "str", _YAML + "merge", _YAML + "value"
COLLECTION_TAGS = (_YAML + "map", _YAML + "seq")

# The standard scalar tags a spec may carry, with what their values are called in messages.
_SCALAR_KINDS = {
    STR_TAG: "text",
    _YAML + "null": "null",
    _YAML + "bool": "a boolean",
    _YAML + "int": "an integer",
    _YAML + "float": "a number",
    _YAML + "timestamp": "a date",
}
_NUMBER_TAGS = (_YAML + "int", _YAML + "float")


def _forms() -> dict[str, list[re.Pattern[str]]]:
    """For each tag, the written forms its constructor can read: PyYAML's own patterns."""
    forms: dict[str, list[re.Pattern[str]]] = {}
    for resolvers in Resolver.yaml_implicit_resolvers.values():
        for tag, pattern in resolvers:
            if pattern not in forms.setdefault(tag, []):
                forms[tag].append(pattern)
    forms[_YAML + "float"] += forms[_YAML + "int"]  # `!!float 1` is a float
    forms[_YAML + "timestamp"] = [SafeConstructor.timestamp_regexp]
    return forms


_FORMS = _forms()


def check_size(size: int, source: str) -> None:
    """Refuse a spec of more than ``MAX_SPEC_BYTES`` (``size`` is its length in bytes)."""
    if size > MAX_SPEC_BYTES:
        raise SpecError.single(
            source,
            f"the spec is over {MAX_SPEC_BYTES:,} bytes long",
            "A spec is a few hundred bytes of keys and values; is this the right file?",
        )


def check_printable(text: str, source: str) -> None:
    """Refuse a text over the size limit, or with characters YAML forbids (NUL, ESC, other
    controls), naming the first one and where it is."""
    if len(text) > MAX_SPEC_BYTES:  # a character is at least a byte: skip encoding a huge text
        check_size(len(text), source)
    check_size(len(text.encode("utf-8", "surrogatepass")), source)
    found = Reader.NON_PRINTABLE.search(text)
    if found is None:
        return
    char = found.group()
    line = text.count("\n", 0, found.start()) + 1
    column = found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1
    kind = "control character" if ord(char) < 0xA0 else "character"
    raise SpecError.single(
        source,
        f"the {kind} {ascii(char)} (U+{ord(char):04X}) is not allowed in YAML",
        "Delete it: a spec is plain text, and tab, line feed and carriage return are the only "
        "control characters it may hold",
        line=line,
        column=column,
    )


class BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader, stopped at ``MAX_DEPTH`` levels and ``MAX_WRITTEN_VALUES`` values
    while scanning and composing, before its recursion or the node tree can grow past them."""

    def __init__(self, text: str, source: str) -> None:
        super().__init__(text)
        self.source = source
        self._depth = 0
        self._nodes = 0

    def fetch_flow_collection_start(self, TokenClass: Any) -> None:  # noqa: N803 (PyYAML's name)
        # The scanner reads ahead to the end of open brackets: stop it before it is quadratic.
        if self.flow_level >= MAX_DEPTH:
            mark = self.get_mark()
            raise SpecError.single(
                self.source, *too_deep(), line=mark.line + 1, column=mark.column + 1
            )
        super().fetch_flow_collection_start(TokenClass)

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        event = self.peek_event()
        self._nodes += 1
        if self._nodes > MAX_WRITTEN_VALUES:
            raise self._refuse(
                event,
                f"the document holds more than {MAX_WRITTEN_VALUES:,} keys and values",
                "A spec holds a few dozen; check that this is the right file",
            )
        opens = isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent)
        if opens:
            self._depth += 1
            if self._depth > MAX_DEPTH:
                raise self._refuse(event, *too_deep())
        try:
            node: yaml.Node = super().compose_node(parent, index)
            return node
        finally:
            if opens:
                self._depth -= 1

    def _refuse(self, event: yaml.Event, summary: str, hint: str) -> SpecError:
        mark = event.start_mark
        return SpecError.single(
            self.source, summary, hint, line=mark.line + 1, column=mark.column + 1
        )


def too_deep() -> tuple[str, str]:
    return (
        f"mappings and lists nest more than {MAX_DEPTH} levels deep",
        "A spec nests a few levels (modality.inputs is two); remove the extra brackets",
    )


def too_many_values(what: str) -> tuple[str, str]:
    return (
        f"{what} more than {MAX_VALUES:,} values",
        "A spec holds a few dozen keys and values; write repeated parts once instead of "
        "through nested aliases (*name)",
    )


def tag_as_written(tag: str) -> str:
    """A tag as it is written in YAML: tag:yaml.org,2002:int -> !!int."""
    return "!!" + tag.removeprefix(_YAML) if tag.startswith(_YAML) else tag


def scalar_value(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    """The Python value of a scalar, refusing custom tags and values their tag cannot read."""
    if node.tag == VALUE_TAG:  # YAML 1.1 reads a lone "=" as the "value" key; it is text
        return node.value
    kind = _SCALAR_KINDS.get(node.tag)
    if kind is None:
        raise InvalidValue(
            f"unsupported YAML tag {tag_as_written(node.tag)}",
            "Remove the tag: a spec holds text, numbers, booleans, null and dates "
            "(the tags !!str, !!int, !!float, !!bool, !!null and !!timestamp)",
        )
    if node.tag == STR_TAG:
        return loader.construct_object(node, deep=True)
    hint = (
        f"Write {kind} that YAML can read, remove the tag, or put the value in quotes "
        "to keep it as text"
    )
    if node.tag in _NUMBER_TAGS and len(node.value) > MAX_NUMBER_CHARS:
        raise InvalidValue(
            f"the number {show(node.value)} is {len(node.value)} characters long, over the "
            f"limit of {MAX_NUMBER_CHARS}",
            hint,
        )
    if not any(form.match(node.value) for form in _FORMS[node.tag]):
        raise InvalidValue(f"cannot read {show(node.value)} as {kind}", hint)
    try:
        return loader.construct_object(node, deep=True)
    except ValueError:  # a form PyYAML resolves but Python refuses: "2024-13-45", "0x_", "._"
        raise InvalidValue(f"cannot read {show(node.value)} as {kind}", hint) from None
