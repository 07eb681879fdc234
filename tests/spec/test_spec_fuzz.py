"""Fuzzing the loader and the planner: a mutated example spec either plans or is refused.

Each example is mutated the way broken and hostile specs differ from good ones: keys added,
dropped and renamed; values swapped for other specs' values, other types, numbers at the
edges, quantities with odd units, unicode; and, in the YAML text, anchors and aliases, merge
keys, tags, deep brackets and stray characters. Loading and planning may only ever raise the
project's own errors (SpecError, PlanError), each one paragraph: anything else would reach a
user as a traceback.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.paths import EXAMPLE_SPECS

from metagen.archs.registry import archs
from metagen.blueprint.catalog import all_variants
from metagen.blueprint.model import PlanError
from metagen.planning import plan_warnings
from metagen.spec import Spec, SpecError, parse_spec_text, vocab

EXAMPLES = [yaml.safe_load(path.read_text(encoding="utf-8")) for path in EXAMPLE_SPECS]


def _scalars(data: Any) -> list[Any]:
    if isinstance(data, dict):
        return [s for value in data.values() for s in _scalars(value)]
    if isinstance(data, list):
        return [s for item in data for s in _scalars(item)]
    return [data]


def _schema_fields() -> dict[str, dict[str, str]]:
    """Each section's fields and their JSON types: {"": top level, "task": ..., ...}."""
    schema = Spec.model_json_schema()
    defs = schema.get("$defs", {})
    sections: dict[str, dict[str, str]] = {}

    def walk(name: str, model: dict[str, Any]) -> None:
        sections[name] = {}
        for key, prop in model.get("properties", {}).items():
            options = prop.get("anyOf", [prop])
            refs = [o["$ref"].split("/")[-1] for o in options if "$ref" in o]
            types = [o["type"] for o in options if o.get("type") not in (None, "null")]
            sections[name][key] = "object" if refs else (types[0] if types else "string")
            if refs:
                walk(key, defs[refs[0]])

    walk("", schema)
    return sections


SECTIONS = _schema_fields()
# Config fields that architecture.dims may name, from every arch, so that dims reach the check
DIMS_KEYS = sorted({name for row in archs().values() for name in row.config_fields()})
KEYS = sorted({key for fields in SECTIONS.values() for key in fields})
TYPES = {key: kind for fields in SECTIONS.values() for key, kind in fields.items()}

# Words the spec language and the planner know: swapping them reaches deep planner paths.
WORDS = sorted(
    {str(s) for s in _scalars(EXAMPLES) if s is not None}
    | set(vocab.INPUT_MODALITIES + vocab.KNOWN_OUTPUT_MODALITIES + vocab.TASK_TYPES)
    | set(vocab.OBJECTIVES + vocab.FAMILIES + vocab.FUSIONS + vocab.DEVICES)
    | set(vocab.LATENCY_LABELS + vocab.PRECISIONS + tuple(vocab.IMAGE_PRESETS))
    | set(all_variants())
)
UNITS = ["", "k", "K", "M", "m", "B", "G", "T", "KB", "MiB", "GB", "GiB", "ms", "s", "us", "µs"]
UNITS += [" billion", "e3", "e-3", "e400", "%", "Q"]
DIGITS = "0123456789\u0663\uff18\u00b2\u096b"  # ASCII, Arabic-Indic, fullwidth, superscript
TAGS = ["!!int", "!!float", "!!bool", "!!str", "!!null", "!!timestamp", "!!binary", "!!set"]
TAGS += ["!!omap", "!!merge", "!!value", "!custom", "!!python/tuple", "!"]
ODD_CHARS = "\x00\x1b\x07\t\r\x85\u2028\ufeff\ud800\u200b\u0663\uff18é中😀:#&*!|>'\"[]{},-?%@`"

edge_ints = st.sampled_from([0, 1, 2, 3, 7, 8, 9, 16, 31, 64, 127, 1023, 4096, 10**6, 10**9])
ints = st.one_of(edge_ints, st.integers(-3, 5000), st.integers(-(10**12), 10**100))
floats = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.floats(0, 10))
quantities = st.builds(
    lambda number, unit: f"{number}{unit}",
    st.one_of(edge_ints, st.floats(0, 1e6).map(lambda x: round(x, 3)), st.just("1e400")),
    st.sampled_from(UNITS),
)
scalars = st.one_of(
    st.sampled_from(WORDS),
    ints,
    floats,
    quantities,
    st.text(alphabet=DIGITS + "kMB.e-+_ ", max_size=8),
    st.text(max_size=12),
    st.booleans(),
    st.none(),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(KEYS), inner, max_size=3),
    ),
    max_leaves=8,
)


def _words(*vocabularies: tuple[str, ...]) -> st.SearchStrategy[str]:
    return st.sampled_from(sorted({w for v in vocabularies for w in v}))


# Values a field takes in good specs, and just past them.
FIELD_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "type": _words(vocab.TASK_TYPES),
    "family": _words(vocab.FAMILIES),
    "variant": _words(tuple(all_variants())),
    "fusion": _words(vocab.FUSIONS),
    "device": _words(vocab.DEVICES),
    "precision": _words(vocab.PRECISIONS),
    "preset": _words(tuple(vocab.IMAGE_PRESETS)),
    "tokenizer": _words(vocab.TOKENIZERS),
    "action_space": _words(vocab.ACTION_SPACES),
    "metagen_version": st.sampled_from(["1.0", "1", 1.0, "2.0"]),
    "latency": st.one_of(_words(vocab.LATENCY_LABELS), quantities),
    "inputs": st.lists(_words(vocab.INPUT_MODALITIES), min_size=1, max_size=3, unique=True),
    "outputs": st.lists(
        _words(vocab.KNOWN_OUTPUT_MODALITIES, ("taste", "smell")), min_size=1, max_size=3
    ),
    "objective": st.lists(_words(vocab.OBJECTIVES), max_size=3, unique=True),
    "resolution": st.lists(ints, min_size=1, max_size=3),
}
for _key in ("max", "min", "context_window", "memory_budget"):
    FIELD_VALUES[_key] = st.one_of(quantities, ints)


def fitting(key: Any) -> st.SearchStrategy[Any]:
    """A value of the right shape for ``key``, often one that good specs use."""
    kind = TYPES.get(key) if isinstance(key, str) else None
    if key in FIELD_VALUES:
        return FIELD_VALUES[key]
    if kind == "integer":
        return ints
    if kind == "number":
        return st.one_of(floats, ints)
    if kind == "object" and key not in SECTIONS:  # a free mapping: architecture.dims
        return st.dictionaries(st.sampled_from(DIMS_KEYS), st.deferred(lambda: scalars), max_size=6)
    if kind == "object":
        fields = sorted(SECTIONS[key])
        return st.dictionaries(st.sampled_from(fields), st.deferred(lambda: scalars), max_size=3)
    return scalars


# What the items of a list field are.
ITEMS: dict[str, st.SearchStrategy[Any]] = {
    "inputs": _words(vocab.INPUT_MODALITIES),
    "outputs": _words(vocab.KNOWN_OUTPUT_MODALITIES),
    "objective": _words(vocab.OBJECTIVES),
    "resolution": ints,
}


def _paths(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, path + (key,))
    elif isinstance(data, list):
        for index, item in enumerate(data):
            found += _paths(item, path + (index,))
    return found


def _container(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


@st.composite
def mutated_data(draw: st.DrawFn, wild: bool) -> Any:
    """An example spec's data with a few keys and values changed. A gentle mutation sets or
    adds one or two fields to values of their own type, so that the planner sees specs that
    load; a wild one also deletes and renames keys and writes values of any type."""
    data = yaml.safe_load(yaml.safe_dump(draw(st.sampled_from(EXAMPLES))))  # a deep copy
    actions = ["set"] * 4 + ["add"] * 2 + (["delete", "rename"] if wild else [])
    for _ in range(draw(st.sampled_from([1, 1, 1, 2, 3, 4] if wild else [1, 1, 2]))):
        # A gentle mutation changes leaves, not whole sections.
        paths = [p for p in _paths(data)[1:] if wild or not isinstance(_container(data, p), dict)]
        path = draw(st.sampled_from(paths))
        parent, last = _container(data, path[:-1]), path[-1]
        section = next((p for p in reversed(path[:-1]) if isinstance(p, str)), "")
        action = draw(st.sampled_from(actions))
        if action == "add" and isinstance(parent, dict):
            last = draw(st.sampled_from(sorted(SECTIONS.get(section, {})) or KEYS))
        if action in ("set", "add"):
            value = ITEMS.get(section, scalars) if isinstance(parent, list) else fitting(last)
            parent[last] = draw(st.one_of(*[value] * 5, values) if wild else value)
        elif action == "delete":
            del parent[last]
        elif action == "rename" and isinstance(parent, dict):
            parent[draw(st.sampled_from(KEYS + ["<<", "=", "", "Name"]))] = parent.pop(last)
    return data


_VALUE_LINE = re.compile(r"^(?P<head>\s*(?:- )?[\w.-]+: )(?P<value>\S.*)$")


@st.composite
def mutated_text(draw: st.DrawFn) -> str:
    """The YAML text of mutated data: gently or wildly mutated data, or gently mutated data
    then edited as text (aliases, merges, tags, brackets, stray characters)."""
    mode = draw(st.sampled_from(["gentle", "gentle", "wild", "text", "text"]))
    text = yaml.safe_dump(draw(mutated_data(mode == "wild")), allow_unicode=True, sort_keys=False)
    lines = text.splitlines()
    for _ in range(draw(st.integers(1, 3)) if mode == "text" else 0):
        edit = draw(st.sampled_from(["alias", "merge", "tag", "tag", "brackets", "char", "cut"]))
        valued = [i for i, line in enumerate(lines) if _VALUE_LINE.match(line)]
        index = draw(st.sampled_from(valued or [0]))
        line, match = lines[index], _VALUE_LINE.match(lines[index])
        if edit == "alias" and match:
            lines[index] = f"{match['head']}&a{index} {match['value']}"
            other = draw(st.sampled_from(valued))
            target = _VALUE_LINE.match(lines[other])
            if target and other != index:  # an alias before its anchor is an error too
                lines[other] = f"{target['head']}*a{index}"
        elif edit == "merge":
            indent = len(line) - len(line.lstrip())
            merge = draw(st.sampled_from(["<<: *m0", "<<: [*m1, *m0]", "<<: *m1"]))
            lines.insert(index, " " * indent + merge)
            lines[:0] = ["m0: &m0 {name: merged, seed: 1}", "m1: &m1 {<<: *m0, seed: 2}"]
        elif edit == "tag" and match:
            lines[index] = f"{match['head']}{draw(st.sampled_from(TAGS))} {match['value']}"
        elif edit == "brackets" and match:
            depth = draw(st.sampled_from([1, 3, 63, 64, 65, 200, 1000]))
            lines[index] = f"{match['head']}{'[' * depth}{match['value']}{']' * depth}"
        elif edit == "char":
            at = draw(st.integers(0, len(line)))
            lines[index] = line[:at] + draw(st.sampled_from(ODD_CHARS)) + line[at:]
        elif edit == "cut":
            at = draw(st.integers(0, len(line)))
            lines[index] = line[:at] + line[at + draw(st.integers(1, 5)) :]
    return "\n".join(lines) + "\n"


def load_and_plan(text: str) -> None:
    """Load and plan as `metagen validate` does; only the project's own errors may escape."""
    try:
        plan_warnings(parse_spec_text(text, source="fuzz.yaml"))
    except (SpecError, PlanError) as error:
        assert "\n" not in str(error), "an error message must be one paragraph"


FUZZ = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@settings(FUZZ, max_examples=300, derandomize=True)
@given(mutated_text())
def test_mutated_specs_plan_or_fail_cleanly(text):
    load_and_plan(text)


@pytest.mark.slow
@settings(FUZZ, max_examples=5000)
@given(mutated_text())
def test_many_mutated_specs_plan_or_fail_cleanly(text):
    load_and_plan(text)
