"""Each runtime task names the headline metric its model must beat and the trivial baseline
reported beside it (tasks/registry.py); evaluate.py writes that comparison into
metrics.json."""

from __future__ import annotations

import pytest

from metagen.tasks.runtime import compare_with_baseline


def test_a_higher_score_beats_its_baseline() -> None:
    results = {"accuracy": 0.8, "majority_class_accuracy": 0.1}
    comparison = compare_with_baseline("classification", results)
    assert comparison == {
        "metric": "accuracy",
        "value": 0.8,
        "baseline": "majority_class_accuracy",
        "baseline_value": 0.1,
        "higher_is_better": True,
        "beats_baseline": True,
    }


@pytest.mark.parametrize(("mase", "beats"), [(0.7, True), (1.0, False), (1.3, False)])
def test_a_lower_error_beats_its_baseline(mase, beats) -> None:
    results = {"mase": mase, "naive_mase": 1.0}
    assert compare_with_baseline("time_series_forecast", results)["beats_baseline"] is beats


def test_a_metric_that_was_not_measured_is_not_judged() -> None:
    # anomaly detection on unlabelled data reports why it measured no ROC-AUC
    results = {"detection_metrics": "not measured: no labels", "loss": 0.2}
    assert compare_with_baseline("anomaly_detection", results)["beats_baseline"] is None


def test_an_unknown_task_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown runtime task 'telepathy'"):
        compare_with_baseline("telepathy", {})


def _card(held_out: dict) -> str:
    from tests.paths import EXAMPLES
    from tests.report.card_training import card_training

    from metagen.planning import make_blueprint, plan_dict
    from metagen.report.docs import render_docs
    from metagen.spec import load_spec

    plan = plan_dict(make_blueprint(load_spec(EXAMPLES / "image" / "shapes_cnn.yaml")))
    training = card_training(eval=held_out)
    return render_docs(plan, "", training)["model_card.md"]


@pytest.mark.parametrize(("accuracy", "verdict"), [(0.9, "beats it"), (0.05, "does not beat it")])
def test_the_model_card_states_the_comparison(accuracy, verdict) -> None:
    card = _card({"accuracy": accuracy, "majority_class_accuracy": 0.1})
    assert f"accuracy {accuracy:.4f} vs majority_class_accuracy 0.1000" in card
    assert f"**{verdict}**" in card
