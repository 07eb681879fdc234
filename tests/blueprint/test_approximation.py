"""Unsupported outputs (such as `taste`, an example from the external design document): the
model is built as the nearest supported output, the plan and limitations.md say what was
approximated, and an input with no approximation is a clear error."""

import pytest

from metagen.blueprint.model import PlanError
from metagen.planning import make_blueprint, plan_dict
from metagen.spec import parse_spec_text

SPEC = (
    "name: t\nmodality:\n  inputs: {inputs}\n  outputs: {outputs}\n{task}"
    "constraints:\n  parameter_budget:\n    max: 20M\n"
)


def _plan(inputs: str, outputs: str = "[taste]", task: str = "") -> dict:
    spec = parse_spec_text(SPEC.format(inputs=inputs, outputs=outputs, task=task), "t.yaml")
    return plan_dict(make_blueprint(spec))


@pytest.mark.parametrize(
    ("inputs", "task", "built_as"),
    [
        ("[text]", "language_modeling", "text that describes it"),
        ("[image]", "classification", "a label"),
        ("[audio]", "classification", "a label"),
        ("[video]", "classification", "a label"),
        ("[text, image]", "vlm", "text that describes it"),
    ],
)
def test_taste_is_built_as_the_nearest_supported_output(inputs, task, built_as):
    plan = _plan(inputs)
    assert plan["task"] == task
    [note] = plan["approximations"]
    assert "'taste' is not a supported modality" in note and built_as in note
    assert any("'taste' is not supported" in w for w in plan["warnings"])


def test_label_approximation_keeps_the_spec_class_count():
    plan = _plan("[image]", task="task:\n  num_classes: 5\n")
    assert plan["dims"]["num_classes"] == 5


def test_supported_outputs_beside_taste_are_kept():
    plan = _plan("[text]", outputs="[text, taste]")
    assert plan["task"] == "language_modeling" and len(plan["approximations"]) == 1


def test_no_approximation_is_a_clear_error():
    with pytest.raises(PlanError, match="no built model approximates it from inputs"):
        _plan("[image]", task="task:\n  type: object_detection\n")


def test_supported_specs_have_no_approximations():
    assert _plan("[text]", outputs="[text]")["approximations"] == []
