"""Recommendation: Recall@K and NDCG@K against scikit-learn, the held-out split, and the
interactions CSV's checks."""

import numpy as np
import pytest
import torch
from sklearn.metrics import ndcg_score

from metagen.tasks.recommendation.data import recommendation_datasets
from metagen.tasks.recommendation.evaluate import recall_ndcg_at

torch.set_num_threads(1)


def test_recall_and_ndcg_match_scikit_learn():
    rng = np.random.default_rng(0)
    held = torch.tensor(rng.random((6, 30)) < 0.2, dtype=torch.float32)
    held[:, 0] = 1.0  # every user has a held-out item
    scores = torch.tensor(rng.standard_normal((6, 30)))
    recall, ndcg = recall_ndcg_at(scores, held, 10)
    top = scores.topk(10, dim=1).indices
    expected_recall = (held.gather(1, top).sum(1) / held.sum(1)).sum()
    assert recall == pytest.approx(float(expected_recall))
    expected_ndcg = sum(ndcg_score(held[i : i + 1], scores[i : i + 1], k=10) for i in range(6))
    assert ndcg == pytest.approx(expected_ndcg)


def test_held_out_items_are_not_training_interactions():
    cfg = {"num_users": 50, "num_items": 40}
    train, val, info = recommendation_datasets(cfg, "synthetic", 0)
    trained = {tuple(p) for p in train.pairs.tolist()}
    for index in range(len(val)):
        sample = val[index]
        user = int(sample["users"])
        held = torch.nonzero(sample["held_out"]).flatten().tolist()
        assert held and not any((user, item) in trained for item in held)
        seen = set(torch.nonzero(sample["seen"]).flatten().tolist())
        assert seen == {item for u, item in trained if u == user}
    assert info["fit_dims"] == {"num_users": 50, "num_items": 40}


def test_interactions_csv_with_ratings(tmp_path):
    path = tmp_path / "ratings.csv"
    path.write_text(
        "user,item,rating\na,x,5\na,y,3\na,z,0\nb,x,4\nb,z,1\nc,y,2\n", encoding="utf-8"
    )
    train, val, info = recommendation_datasets({}, str(path), 0)
    assert info["item_ids"] == ["x", "y", "z"] and info["user_ids"] == ["a", "b", "c"]
    assert len(train) + sum(int(val[i]["held_out"].sum()) for i in range(len(val))) == 5


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("person,thing\na,b\n", "user and item columns"),
        ("user,item,rating\na,b,five\n", "not a number"),
        ("user,item\n", "no interaction"),
        ("user,item\na,b\nb,c\n", "no user has two interactions"),
    ],
)
def test_malformed_interactions_are_refused(tmp_path, text, words):
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=words):
        recommendation_datasets({}, str(path), 0)
