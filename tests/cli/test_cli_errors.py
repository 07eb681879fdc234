"""Bad input: every mistake exits 2 with one located paragraph, and writes nothing."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from tests.cli.helpers import (
    BASE_SPEC,
    LOCATION,
    entries,
    error_paragraph,
    invoke,
    position_of,
    replace_line,
    write_spec,
)
from tests.paths import EXAMPLE_SPECS

import metagen.train_cli


@dataclass(frozen=True)
class Broken:
    """A spec with one mistake; `marker` is the text the error must point at."""

    id: str
    text: str
    marker: str
    mentions: tuple[str, ...]
    check_column: bool = True


def _edit(old: str, new: str) -> str:
    return replace_line(BASE_SPEC, old, new)


BROKEN = [
    Broken(
        "yaml-syntax",
        _edit('name: "cli_probe"', "name: cli_probe: x"),
        ": x",
        ("YAML",),
        check_column=False,
    ),
    Broken(
        "unknown-top-level-key",
        _edit('name: "cli_probe"', 'name: "cli_probe"\ncolour: blue'),
        "colour",
        ("colour", "Accepted"),
    ),
    Broken(
        "unknown-nested-key",
        _edit('max: "2M"', '    max: "2M"\n    maxx: 3'),
        "maxx",
        ("constraints.parameter_budget.maxx", "max"),
    ),
    Broken(
        "bad-unit",
        _edit('max: "2M"', '    max: "86Q"'),
        '"86Q"',
        ("constraints.parameter_budget.max", "86Q"),
    ),
    Broken(
        "negative-budget",
        _edit('max: "2M"', "    max: -5"),
        "-5",
        ("constraints.parameter_budget.max", "-5"),
    ),
    Broken(
        "unknown-family",
        _edit("family: transformer", "  family: quantum"),
        "quantum",
        ("architecture.family", "quantum", "transformer"),
    ),
    Broken(
        "unknown-input-modality",
        _edit("inputs: [text]", "  inputs: [text, smell]"),
        "smell",
        ("modality.inputs", "smell", "image"),
    ),
    Broken("name-with-slash", _edit('name: "cli_probe"', 'name: "a/b"'), '"a/b"', ("name", "'/'")),
    Broken(
        "name-with-double-quote", _edit('name: "cli_probe"', "name: 'it\"s'"), "'it\"s'", ("name",)
    ),
    Broken(
        "name-with-single-quote", _edit('name: "cli_probe"', 'name: "it\'s"'), '"it\'s"', ("name",)
    ),
]


@pytest.mark.parametrize("case", BROKEN, ids=[c.id for c in BROKEN])
@pytest.mark.parametrize("command", ["validate", "plan", "synth"])
def test_malformed_spec_is_a_located_paragraph_and_writes_nothing(case, command, tmp_path):
    spec = write_spec(tmp_path, case.text)
    out = tmp_path / "runs"
    args = [command, spec] + (["--out", out, "--run-id", "r"] if command == "synth" else [])
    message = error_paragraph(invoke(*args))

    where = LOCATION.match(message)
    assert where, f"no file:line:col in {message!r}"
    line, column = position_of(case.text, case.marker)
    assert where["file"] == str(spec)
    assert int(where["line"]) == line, message
    if case.check_column:
        assert int(where["col"]) == column, message
    for word in case.mentions:
        assert word in message, f"{word!r} not in {message!r}"
    assert entries(out) == []


TINY_BUDGET = _edit('max: "2M"', '    max: "20k"')


def test_impossible_budget_follows_the_spec_language(tmp_path):
    spec = write_spec(tmp_path, TINY_BUDGET)
    assert invoke("validate", "--schema-only", spec).exit_code == 0


@pytest.mark.parametrize("command", ["validate", "plan", "synth"])
def test_impossible_budget_says_how_to_fix_it(command, tmp_path):
    spec = write_spec(tmp_path, TINY_BUDGET)
    out = tmp_path / "runs"
    args = [command, spec] + (["--out", out, "--run-id", "r"] if command == "synth" else [])
    message = error_paragraph(invoke(*args))
    assert "20,000" in message or "20000" in message, message
    assert "at least" in message and "constraints.parameter_budget.max" in message, message
    assert entries(out) == []


FILE_PROBLEMS = {
    "missing-file": lambda tmp: tmp / "nope.yaml",
    "empty-file": lambda tmp: write_spec(tmp, ""),
    "whitespace-only-file": lambda tmp: write_spec(tmp, "\n  \n# just a comment\n"),
    "directory": lambda tmp: (tmp / "specs.yaml").mkdir() or tmp / "specs.yaml",
}


@pytest.mark.parametrize("problem", FILE_PROBLEMS)
@pytest.mark.parametrize("command", ["validate", "plan", "synth"])
def test_unreadable_spec_file_names_the_file(problem, command, tmp_path):
    spec = FILE_PROBLEMS[problem](tmp_path)
    out = tmp_path / "runs"
    args = [command, spec] + (["--out", out, "--run-id", "r"] if command == "synth" else [])
    message = error_paragraph(invoke(*args))
    assert message.startswith(f"error: {spec}:"), message
    assert entries(out) == []


# Free text from the user (values, paths) reaches the terminal through rich. It must be shown
# as written, never read as console markup.
def test_empty_spec_hint_keeps_its_brackets(tmp_path):
    message = error_paragraph(invoke("validate", write_spec(tmp_path, "")))
    assert "inputs: [text]" in message, message


def test_error_shows_a_bracketed_value_verbatim(tmp_path):
    spec = write_spec(tmp_path, _edit("family: transformer", '  family: "[bold]x"'))
    assert "'[bold]x'" in error_paragraph(invoke("validate", spec))


def test_error_with_a_closing_tag_value_is_not_a_crash(tmp_path):
    spec = write_spec(tmp_path, _edit("family: transformer", '  family: "[/x]"'))
    assert "[/x]" in error_paragraph(invoke("validate", spec))


def test_warning_with_a_closing_tag_value_is_not_a_crash(tmp_path):
    spec = write_spec(tmp_path, _edit("outputs: [text]", '  outputs: ["[/taste]"]'))
    result = invoke("validate", spec)
    assert result.exit_code == 0 and "[/taste]" in result.stderr


def test_synth_into_a_bracketed_folder_reports_success(tmp_path):
    spec = write_spec(tmp_path, BASE_SPEC)
    result = invoke("synth", spec, "--out", tmp_path / "runs[/x]", "--run-id", "r")
    assert result.exit_code == 0 and "runs[/x]" in result.stdout


def test_synth_out_that_is_a_file_is_a_usage_error(tmp_path):
    spec = write_spec(tmp_path, BASE_SPEC)
    (tmp_path / "runs").write_text("not a folder", encoding="utf-8")
    message = error_paragraph(invoke("synth", spec, "--out", tmp_path / "runs", "--run-id", "r"))
    assert "runs" in message


# 9. train: bad input stops before any run directory is made and before any training. ------


@pytest.fixture
def no_training(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("bad input reached the training run")

    monkeypatch.setattr(metagen.train_cli, "run_training", refuse)


def _train_cases(tmp_path):
    """Each bad `train` call, with a word its message must contain."""
    spec = EXAMPLE_SPECS[0]
    not_a_run = tmp_path / "not_a_run"
    not_a_run.mkdir()
    (not_a_run / "notes.txt").write_text("hello", encoding="utf-8")
    notes = write_spec(tmp_path, "hello", "notes.txt")
    malformed = write_spec(tmp_path, _edit("family: transformer", "  family: q"), "bad.yaml")
    unbuilt = write_spec(tmp_path, _edit("family: transformer", "  family: gnn"), "gnn.yaml")
    return {
        "missing-data": (
            [spec, "--data", tmp_path / "no_such.jsonl", "--scale", "smoke"],
            "--data",
        ),
        "not-a-run-dir": ([not_a_run, "--scale", "smoke"], "not a run directory"),
        "bad-scale": ([spec, "--scale", "huge"], "smoke"),
        "bad-run-id": ([spec, "--run-id", "../escape", "--scale", "smoke"], "--run-id"),
        "not-a-spec": ([notes, "--scale", "smoke"], "notes.txt"),
        "malformed-spec": ([malformed, "--scale", "smoke"], "architecture.family"),
        "unbuilt-capability": ([unbuilt, "--scale", "smoke"], "not built yet"),
    }


TRAIN_CASES = [
    "missing-data",
    "not-a-run-dir",
    "bad-scale",
    "bad-run-id",
    "not-a-spec",
    "malformed-spec",
    "unbuilt-capability",
]


@pytest.mark.parametrize("case", TRAIN_CASES)
def test_train_rejects_bad_input_without_making_a_run(case, tmp_path, no_training):
    args, word = _train_cases(tmp_path)[case]
    before = sorted(p.name for p in tmp_path.iterdir())
    out = tmp_path / "runs"
    message = error_paragraph(invoke("train", *args, "--out", out))
    assert word in message, message
    assert entries(out) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == before
