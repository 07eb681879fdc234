"""The best-practice tables of `src/metagen/spec/best_practices.py` as warnings: an objective
or family the tables do not recommend for the spec's use case is a located warning; the
recommended ones are silent."""

import pytest
from tests.paths import EXAMPLE_SPECS, SEED_SPEC_FILES, spec_id

from metagen.spec import parse_spec_text
from metagen.spec.best_practices import (
    RECOMMENDED_FAMILIES,
    RECOMMENDED_OBJECTIVES,
    best_practice_use_case,
)
from metagen.spec.vocab import FAMILIES, OBJECTIVES

# One spec per row of the tables: (inputs, outputs, task lines).
USE_CASES = {
    "text generation": ("[text]", "[text]", ""),
    "image generation": ("[text, image]", "[image]", ""),
    "image classification": ("[image]", "[label]", "task:\n  type: classification\n"),
    "audio generation": ("[audio]", "[audio]", ""),
    "multi-modal": ("[text, image]", "[text]", ""),
}


def _spec(use_case: str, extra: str = ""):
    inputs, outputs, task = USE_CASES[use_case]
    text = f"name: x\nmodality:\n  inputs: {inputs}\n  outputs: {outputs}\n{task}{extra}"
    return parse_spec_text(text, source="spec.yaml")


def _advice(spec) -> list:
    return [w for w in spec.warnings if "is unusual for" in w.message]


def test_the_tables_cover_the_same_use_cases_the_classifier_returns():
    for use_case in USE_CASES:
        assert best_practice_use_case(_spec(use_case)) == use_case
    assert set(RECOMMENDED_FAMILIES) <= set(RECOMMENDED_OBJECTIVES) == set(USE_CASES)


@pytest.mark.parametrize("use_case", sorted(RECOMMENDED_OBJECTIVES))
@pytest.mark.parametrize("objective", OBJECTIVES)
def test_objective_warns_exactly_when_the_tables_do_not_recommend_it(use_case, objective):
    spec = _spec(use_case, f"training:\n  objective: [{objective}]\n")
    advice = _advice(spec)
    if best_practice_use_case(spec) != use_case:
        # A classification objective makes a generator spec a classifier (as `image_vit`):
        # images are judged as image classification, the rest as outside the tables.
        assert objective == "classification"
        assert best_practice_use_case(spec) in ("image classification", None) and advice == []
    elif objective in RECOMMENDED_OBJECTIVES[use_case]:
        assert advice == []
    else:
        [warning] = advice
        assert warning.field == "training.objective[0]"
        assert f"'{objective}' is unusual for {use_case}" in warning.message
        assert warning.line is not None, "the warning points at the objective in the file"


@pytest.mark.parametrize("use_case", sorted(RECOMMENDED_FAMILIES))
@pytest.mark.parametrize("family", FAMILIES)
def test_family_warns_exactly_when_the_tables_do_not_recommend_it(use_case, family):
    advice = _advice(_spec(use_case, f"architecture:\n  family: {family}\n"))
    if family in RECOMMENDED_FAMILIES[use_case]:
        assert advice == []
    else:
        [warning] = advice
        assert warning.field == "architecture.family"
        assert f"'{family}' is unusual for {use_case}" in warning.message


def test_tasks_outside_the_tables_are_not_judged():
    spec = parse_spec_text(
        "name: x\nmodality:\n  inputs: [image]\n  outputs: [bounding_boxes]\n"
        "task:\n  type: object_detection\narchitecture:\n  family: cnn\n",
        source="spec.yaml",
    )
    assert best_practice_use_case(spec) is None and _advice(spec) == []


@pytest.mark.parametrize("path", EXAMPLE_SPECS + SEED_SPEC_FILES, ids=spec_id)
def test_examples_and_seed_specs_follow_the_tables(path):
    spec = parse_spec_text(path.read_text(encoding="utf-8"), source=str(path))
    assert _advice(spec) == []
