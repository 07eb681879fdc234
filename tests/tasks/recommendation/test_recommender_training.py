"""The recommender_two_tower example trained as a user would (slow): its held-out Recall@10
must beat recommending the most popular unseen items."""

from __future__ import annotations

import pytest
from tests.e2e.runs import metagen_train, read_json
from tests.paths import EXAMPLES

pytestmark = pytest.mark.slow


def test_two_tower_beats_popularity(tmp_path):
    spec = EXAMPLES / "graph" / "recommender_two_tower.yaml"
    result, _ = metagen_train(
        str(spec), "--scale", "smoke", "--out", str(tmp_path), "--run-id", "r"
    )
    assert result.returncode == 0, result.stderr[-3000:]
    scores = read_json(tmp_path / "r" / "train" / "smoke" / "metrics.json")["eval"]
    print(
        f"recommendation: Recall@10 {scores['recall_at_10']:.4f} vs popularity "
        f"{scores['popularity_recall_at_10']:.4f}; NDCG@10 {scores['ndcg_at_10']:.4f} vs "
        f"{scores['popularity_ndcg_at_10']:.4f} over {scores['num_users']} users"
    )
    assert scores["recall_at_10"] > 1.5 * scores["popularity_recall_at_10"], scores
    assert scores["ndcg_at_10"] > scores["popularity_ndcg_at_10"], scores
