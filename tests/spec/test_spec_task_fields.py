"""Task fields and inputs that make no sense are located errors that say why, from one table
(spec/task_rules.py) that the task handlers agree with."""

from __future__ import annotations

import pytest

from metagen.handlers.tasks import registered_tasks
from metagen.spec import SpecError, parse_spec_text
from metagen.spec.task_rules import TASK_FIELDS, TASK_INPUTS, sensible_inputs
from metagen.spec.vocab import INPUT_MODALITIES, TASK_TYPES

FIELD_VALUES = {
    "num_classes": "3",
    "horizon": "12",
    "lookback": "48",
    "algorithm": "ppo",
    "action_space": "discrete",
    "num_actions": "4",
    "environment": "CartPole-v1",
    "readout": "mean",
}


def spec_text(inputs: str, task_lines: str) -> str:
    return f"name: probe\nmodality:\n  inputs: [{inputs}]\n  outputs: [label]\ntask:\n{task_lines}"


def load(inputs: str, task_lines: str):
    return parse_spec_text(spec_text(inputs, task_lines), source="spec.yaml")


def error_of(inputs: str, task_lines: str) -> SpecError:
    with pytest.raises(SpecError) as info:
        load(inputs, task_lines)
    return info.value


def an_input_for(task: str) -> str:
    rule = TASK_INPUTS.get(task)
    return rule.inputs[0] if rule else "tabular"


UNREAD = [
    (field, task)
    for field, rule in TASK_FIELDS.items()
    for task in TASK_TYPES
    if task not in rule.tasks
]
READ = [(field, task) for field, rule in TASK_FIELDS.items() for task in rule.tasks]


@pytest.mark.parametrize(("field", "task"), UNREAD, ids=[f"{f}-{t}" for f, t in UNREAD])
def test_a_field_the_task_does_not_read_is_a_located_error(field, task):
    inputs = an_input_for(task)
    if field == "lookback" and inputs == "time_series":
        pytest.skip(f"{task} reads time series, on which lookback makes sense")
    err = error_of(inputs, f"  type: {task}\n  {field}: {FIELD_VALUES[field]}\n")
    assert err.field == f"task.{field}"
    assert (err.line, err.column) == (7, 3 + len(field) + 2)
    message = str(err)
    assert f"{field} has no meaning for a {task} task" in message
    assert TASK_FIELDS[field].why in message  # says why


@pytest.mark.parametrize(("field", "task"), READ, ids=[f"{f}-{t}" for f, t in READ])
def test_a_field_the_task_reads_is_accepted(field, task):
    spec = load(an_input_for(task), f"  type: {task}\n  {field}: {FIELD_VALUES[field]}\n")
    assert getattr(spec.task, field) is not None


def test_horizon_on_a_classifier_names_the_fix():
    err = error_of("time_series", "  type: classification\n  horizon: 30\n")
    assert err.field == "task.horizon" and err.line == 7
    assert "steps ahead a forecast reaches" in str(err)
    assert "time_series_forecast" in str(err)


def test_lookback_is_read_on_any_time_series_input():
    assert load("time_series", "  type: classification\n  lookback: 64\n").task.lookback == 64
    err = error_of("tabular", "  type: classification\n  lookback: 64\n")
    assert err.field == "task.lookback" and "any task with time_series input" in str(err)


def test_num_classes_on_regression_says_what_to_do():
    err = error_of("tabular", "  type: regression\n  num_classes: 3\n")
    assert err.field == "task.num_classes"
    assert "A regressor predicts numbers, not classes" in str(err)


@pytest.mark.parametrize("value", [0, 1])
def test_a_classifier_needs_two_classes_and_says_why(value):
    err = error_of("tabular", f"  type: classification\n  num_classes: {value}\n")
    assert err.field == "task.num_classes"
    message = str(err)
    assert "a classifier at least 2" in message or "needs at least 2 classes" in message


def test_a_detector_may_find_one_class():
    assert load("image", "  type: object_detection\n  num_classes: 1\n").task.num_classes == 1


@pytest.mark.parametrize(
    ("task", "inputs"),
    [
        ("object_detection", "text"),
        ("semantic_segmentation", "audio"),
        ("instance_segmentation", "tabular"),
        ("speech_recognition", "image"),
        ("time_series_forecast", "text"),
        ("graph_classification", "image"),
    ],
)
def test_a_task_on_inputs_it_cannot_read_is_located_at_its_type(task, inputs):
    err = error_of(inputs, f"  domain: x\n  type: {task}\n")
    assert err.field == "task.type"
    assert (err.line, err.column) == (7, 9)
    message = str(err)
    assert f"{task} needs" in message and TASK_INPUTS[task].why in message
    assert f"modality.inputs is [{inputs}]" in message


def test_a_task_reads_one_of_several_inputs():
    assert load("image, text", "  type: object_detection\n").task.type == "object_detection"


def test_the_error_comes_from_the_cli_and_nothing_is_written(tmp_path):
    from typer.testing import CliRunner

    from metagen.cli import app

    path = tmp_path / "bad.yaml"
    path.write_text(spec_text("text", "  type: object_detection\n"), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["synth", str(path), "--out", str(out)])
    assert result.exit_code == 2
    assert "bad.yaml:6" in result.output and "object_detection needs" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


@pytest.mark.parametrize("task", sorted(registered_tasks()))
def test_every_task_handler_takes_only_inputs_the_table_calls_sensible(task):
    handler = registered_tasks()[task]
    for modality in handler.supported_modalities:
        assert modality in INPUT_MODALITIES + ("multimodal",)
        if modality != "multimodal":
            assert sensible_inputs(task, [modality]), (task, modality)
