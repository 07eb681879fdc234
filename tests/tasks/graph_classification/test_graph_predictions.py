"""What the graph classifier's infer.py predicts (issue 16): a row per graph of a JSONL, named
FILE:N, with its most probable class and every class's probability; a graph whose nodes have
another number of features than the model reads is refused in one line (slow: it trains)."""

from __future__ import annotations

import json

import pytest
from tests.predict.inputs.graph_classification import write_inputs
from tests.tasks.policy_gradient.infer_runs import predictions, refusal, trained

pytestmark = pytest.mark.slow


def test_each_graph_gets_its_class_and_the_probabilities(tmp_path) -> None:
    run = trained("graph/graph_classifier_gat.yaml", tmp_path)
    count = write_inputs(run, tmp_path, 4)
    rows = predictions(run, str(tmp_path / "graphs.jsonl"))
    info = json.loads((run / "train" / "smoke" / "data_info.json").read_text())
    assert [row["input"] for row in rows] == [f"{tmp_path / 'graphs.jsonl'}:{n}"
                                              for n in range(1, count + 1)]  # fmt: skip
    for row in rows:
        assert set(row["top"]) == set(info["class_names"])  # two classes: both listed
        assert sum(row["top"].values()) == pytest.approx(1.0, abs=1e-5)
        assert row["probability"] == max(row["top"].values())
        assert row["top"][row["label"]] == row["probability"]

    wide = tmp_path / "wide.jsonl"
    wide.write_text(json.dumps({"x": [[1.0, 2.0, 3.0]] * 2, "edges": [[0, 1]]}) + "\n")
    error = refusal(run, str(wide))
    assert str(wide) in error and f"reads {len(info['feature_mean'])} features" in error
