"""The link_predictor example trained as a user would (slow): its held-out ROC-AUC must beat
common neighbours' on the same held-out edges and non-edges."""

from __future__ import annotations

import pytest
from tests.e2e.runs import metagen_train, read_json
from tests.paths import EXAMPLES

pytestmark = pytest.mark.slow


def test_link_predictor_beats_common_neighbours(tmp_path):
    spec = EXAMPLES / "graph" / "link_predictor.yaml"
    result, _ = metagen_train(
        str(spec), "--scale", "smoke", "--out", str(tmp_path), "--run-id", "r"
    )
    assert result.returncode == 0, result.stderr[-3000:]
    scores = read_json(tmp_path / "r" / "train" / "smoke" / "metrics.json")["eval"]
    print(
        f"link prediction: AUC {scores['auc']:.4f} vs common neighbours "
        f"{scores['common_neighbours_auc']:.4f}; Hits@10 {scores['hits_at_10']:.4f} vs "
        f"{scores['common_neighbours_hits_at_10']:.4f} on {scores['num_pairs']} pairs"
    )
    assert scores["auc"] > scores["common_neighbours_auc"] + 0.1, scores
