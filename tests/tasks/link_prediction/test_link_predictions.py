"""What the link predictor's infer.py predicts (issue 16): a row per node pair, named FILE:N,
with the probability that the pair is an edge of the graph the model trained on (rebuilt from
the run's data source and seed); the score is symmetric, and a node outside the graph is
refused in one line (slow: it trains)."""

from __future__ import annotations

import json

import pytest
from tests.tasks.policy_gradient.infer_runs import predictions, refusal, trained

pytestmark = pytest.mark.slow


def test_each_pair_gets_a_probability_the_same_both_ways(tmp_path) -> None:
    run = trained("graph/link_predictor.yaml", tmp_path)
    nodes = json.loads((run / "train" / "smoke" / "data_info.json").read_text())["num_nodes"]
    pairs = tmp_path / "pairs.jsonl"
    listed = [(0, 1), (1, 0), (2, nodes - 1), (nodes - 1, 2)]
    pairs.write_text("".join(json.dumps({"source": a, "target": b}) + "\n" for a, b in listed))
    rows = predictions(run, str(pairs))
    assert [(row["source"], row["target"]) for row in rows] == listed
    assert [row["input"] for row in rows] == [f"{pairs}:{n}" for n in range(1, 5)]
    assert all(0.0 < row["probability"] < 1.0 for row in rows)
    assert rows[0]["probability"] == rows[1]["probability"]
    assert rows[2]["probability"] == rows[3]["probability"]

    outside = tmp_path / "outside.csv"
    outside.write_text(f"source,target\n0,{nodes}\n")
    error = refusal(run, str(outside))
    assert str(outside) in error and f"nodes 0 to {nodes - 1}" in error
