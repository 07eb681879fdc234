"""The YAML a spec may hold (spec/yaml_rules.py): printable text, the standard scalar tags,
bounded size, nesting and alias expansion. Every refusal is a located SpecError."""

from __future__ import annotations

import datetime

import pytest
import yaml

from metagen.spec import SpecError, parse_spec_text
from metagen.spec.positions import compose
from metagen.spec.yaml_rules import MAX_DEPTH, MAX_SPEC_BYTES, MAX_VALUES, MAX_WRITTEN_VALUES

MINIMAL = "name: tiny\nmodality:\n  inputs: [text]\n  outputs: [text]\n"


def _error(text: str) -> SpecError:
    with pytest.raises(SpecError) as info:
        parse_spec_text(text, source="spec.yaml")
    assert "\n" not in str(info.value)
    return info.value


def _data(text: str) -> object:
    return compose(text, "spec.yaml")[0]


# Characters ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("char", "code"),
    [("\x00", "U+0000"), ("\x1b", "U+001B"), ("\x07", "U+0007"), ("\x7f", "U+007F")],
)
def test_control_characters_are_named_and_located(char, code):
    err = _error(MINIMAL + f"description: ab{char}cd\n")
    assert (err.line, err.column) == (5, 16)
    assert f"control character {ascii(char)} ({code})" in str(err)


def test_surrogate_is_refused_not_a_crash():
    assert "U+D800" in str(_error(MINIMAL + "description: a\ud800\n"))


@pytest.mark.parametrize("char", ["\t", "\r", "\ufeff", "é", "中", "😀"])
def test_allowed_characters_load(char):
    spec = parse_spec_text(MINIMAL + f'description: "a{char}b"\n')
    assert spec.description is not None


def test_spec_over_the_size_limit_is_refused():
    text = MINIMAL + "description: " + "x" * MAX_SPEC_BYTES + "\n"
    assert f"over {MAX_SPEC_BYTES:,} bytes" in str(_error(text))


# Tags ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ('!!int "7"', 7),
        ("!!float 1", 1.0),
        ("!!float 2.5", 2.5),
        ("!!str 123", "123"),
        ("!!bool yes", True),
        ("!!null ~", None),
        ("!!timestamp 2024-01-02", datetime.date(2024, 1, 2)),
    ],
)
def test_standard_scalar_tags_read_like_pyyaml(written, value):
    data = _data(f"key: {written}\n")
    assert data == {"key": value} == yaml.safe_load(f"key: {written}\n")


@pytest.mark.parametrize(
    "written",
    [
        '!!bool "1.0"',
        "!!float cnn",
        "!!int abc",
        "!!int 1.5",
        "!!timestamp yesterday",
        "!!timestamp 2024-13-45",
        "!!null foo",
        "2024-13-45",  # implicitly a date, but not a valid one
        "0x_",  # implicitly an integer with no digits
        "0b_",  # implicitly a binary integer with no digits
    ],
)
def test_value_its_tag_cannot_read_is_located(written):
    err = _error(MINIMAL + f"seed: {written}\n")
    assert (err.line, err.column, err.field) == (5, 7, "seed")
    assert "cannot read" in str(err) and "quotes" in str(err)


def test_overlong_number_is_refused_before_int_parses_it():
    err = _error(MINIMAL + f"seed: {'1' * 5000}\n")
    assert "5000 characters long" in str(err) and err.field == "seed"


@pytest.mark.parametrize(
    ("written", "tag"),
    [
        ("!!binary aGVsbG8=", "!!binary"),
        ("!custom x", "!custom"),
        ("!!python/name:os.system x", "!!python/name:os.system"),
        ("!!set {a: null}", "!!set"),
        ("!!omap [a: 1]", "!!omap"),
    ],
)
def test_other_tags_are_unsupported(written, tag):
    err = _error(MINIMAL + f"seed: {written}\n")
    assert f"unsupported YAML tag {tag}" in str(err) and err.field == "seed"


def test_tagged_key_is_checked_too():
    assert "unsupported YAML tag !custom" in str(_error(MINIMAL + "!custom seed: 1\n"))


def test_a_lone_equals_sign_is_text():
    assert _data("key: =\n") == {"key": "="}


# Nesting ---------------------------------------------------------------------------------


def _flow(depth: int) -> str:
    # The top-level mapping is the first level.
    return "key: " + "[" * (depth - 1) + "]" * (depth - 1) + "\n"


def _block(depth: int) -> str:
    return "".join(" " * i + "k:\n" for i in range(depth - 1)) + " " * (depth - 1) + "k: 1\n"


@pytest.mark.parametrize("nest", [_flow, _block])
def test_nesting_up_to_the_limit_loads(nest):
    assert _data(nest(MAX_DEPTH)) == yaml.safe_load(nest(MAX_DEPTH))


@pytest.mark.parametrize(
    ("nest", "depth"),
    # Block nesting 300 deep is 45 kB of indentation; deeper is over the size limit.
    [(_flow, MAX_DEPTH + 1), (_flow, 600), (_flow, 20_000), (_block, MAX_DEPTH + 1), (_block, 300)],
)
def test_nesting_past_the_limit_is_refused(nest, depth):
    err = _error(nest(depth))
    assert f"more than {MAX_DEPTH} levels" in str(err)
    assert err.line is not None


def test_aliases_cannot_nest_past_the_limit():
    # Each alias sits 40 levels deep: written depth is fine, expanded depth is not.
    half = "[" * 40 + "{}" + "]" * 40
    text = f"a: &a {half}\nb: &b {half.replace('{}', '*a')}\nc: {half.replace('{}', '*b')}\n"
    assert f"more than {MAX_DEPTH} levels" in str(_error(text))


# Size: written values and expanded aliases -----------------------------------------------


def test_too_many_written_values_are_refused():
    text = MINIMAL + "extra: [" + "1, " * MAX_WRITTEN_VALUES + "]\n"
    assert f"more than {MAX_WRITTEN_VALUES:,} keys and values" in str(_error(text))


def _laughs(levels: int, fan: int) -> str:
    lines = ["a0: &a0 [" + ", ".join(["x"] * fan) + "]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * fan) + "]")
    return MINIMAL + "\n".join(lines) + "\n"


def test_billion_laughs_is_refused_at_the_value_budget():
    err = _error(_laughs(levels=8, fan=9))  # 9^8 = 43 million values
    assert f"expand to more than {MAX_VALUES:,} values" in str(err)
    assert err.line is not None


def test_aliases_within_the_budget_expand_like_pyyaml():
    text = _laughs(levels=3, fan=3)
    assert _data(text) == yaml.safe_load(text)


# Merge keys --------------------------------------------------------------------------------

MERGES = """\
base: &base {a: 1, b: 2}
other: &other {b: 3, c: 4}
one: {<<: *base, c: 5}
written_wins: {<<: *base, a: 9}
earlier_wins: {<<: [*base, *other]}
nested: {<<: {<<: *other, d: 6}}
"""


def test_merge_keys_resolve_like_pyyaml():
    assert _data(MERGES) == yaml.safe_load(MERGES)


def test_merge_bomb_is_refused_at_the_value_budget():
    lines = ["m0: &m0 {" + ", ".join(f"k{i}: {i}" for i in range(9)) + "}"]
    for i in range(1, 10):
        lines.append(f"m{i}: &m{i} {{<<: [{', '.join([f'*m{i - 1}'] * 9)}], k{i}: 1}}")
    assert "the merges (<<) expand to more than" in str(_error("\n".join(lines) + "\n"))


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("a: &a {<<: *a}\n", "includes its own mapping"),
        ("a: &a {x: 1}\nb: {<<: *a, <<: *a}\n", "duplicate key '<<'"),
        ("a: &a [1]\nb: {<<: *a}\n", "takes a mapping or a list of mappings"),
        ("b: {<<: 3}\n", "takes a mapping or a list of mappings"),
        ("a: &a !!set {x: null}\nb: {<<: *a}\n", "unsupported YAML tag !!set"),
    ],
)
def test_bad_merges_are_located(text, problem):
    err = _error(text)
    assert problem in str(err) and err.line is not None


def test_a_quoted_merge_key_is_a_plain_key():
    assert _data('"<<": 1\n') == {"<<": 1}
