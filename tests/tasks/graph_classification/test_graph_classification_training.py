"""The molecule_classifier example (GAT, attention readout) trained as a user would (slow): on
the built-in structural graphs it must clearly beat the majority class on held-out graphs."""

from __future__ import annotations

import pytest
from tests.e2e.runs import metagen_train, read_json
from tests.paths import EXAMPLES

pytestmark = pytest.mark.slow
MARGIN = 0.3  # held-out accuracy at least this far above the majority class's


@pytest.mark.parametrize("name", ["molecule_classifier", "graph_classifier_gat"])
def test_example_learns_the_structural_label(tmp_path, name):
    spec = EXAMPLES / "graph" / f"{name}.yaml"
    result, _ = metagen_train(
        str(spec), "--scale", "smoke", "--out", str(tmp_path), "--run-id", "r"
    )
    assert result.returncode == 0, result.stderr[-3000:]
    scores = read_json(tmp_path / "r" / "train" / "smoke" / "metrics.json")["eval"]
    print(
        f"{name}: held-out accuracy {scores['accuracy']:.4f} on {scores['num_graphs']} "
        f"graphs, majority class {scores['majority_class_accuracy']:.4f}"
    )
    assert scores["accuracy"] >= scores["majority_class_accuracy"] + MARGIN, scores
