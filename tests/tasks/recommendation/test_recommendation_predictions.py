"""What the recommender's infer.py predicts (issue 16): a row per user, named FILE:N, with
--top distinct items, best first, none that the user interacted with in the run's data; an
unknown user is refused in one line (slow: it trains)."""

from __future__ import annotations

import json

import pytest
from tests.tasks.policy_gradient.infer_runs import predictions, refusal, trained

from metagen.data.datasets import build_datasets
from metagen.tasks.recommendation.data import recommendation_datasets

pytestmark = pytest.mark.slow
TOP = 4


def test_each_user_gets_top_unseen_items_best_first(tmp_path) -> None:
    run = trained("graph/recommender_two_tower.yaml", tmp_path)
    users = tmp_path / "users.csv"
    users.write_text("user\n0\n3\n7\n")
    rows = predictions(run, str(users), "--top", str(TOP))
    assert [(row["input"], row["user"]) for row in rows] == [
        (f"{users}:1", "0"), (f"{users}:2", "3"), (f"{users}:3", "7")
    ]  # fmt: skip

    # the interactions of the run's own data, built by the library, not by infer.py
    metrics = json.loads((run / "train" / "smoke" / "metrics.json").read_text())
    config = json.loads((run / "code" / "config.json").read_text())
    train, held_out, _ = build_datasets(recommendation_datasets,
                                        config["scales"]["smoke"]["data"], "synthetic",
                                        metrics["seed"])  # fmt: skip
    seen = {int(u): set() for u in (0, 3, 7)}
    for user, item in train.pairs.tolist():
        seen.get(user, set()).add(item)
    for user, items in zip(held_out.users, held_out.held, strict=True):
        seen.get(int(user), set()).update(int(i) for i in items)
    for row in rows:
        items = [int(entry["item"]) for entry in row["items"]]
        scores = [entry["score"] for entry in row["items"]]
        assert len(items) == len(set(items)) == TOP
        assert scores == sorted(scores, reverse=True)
        assert not set(items) & seen[int(row["user"])]

    stranger = tmp_path / "stranger.jsonl"
    stranger.write_text('{"user": "nobody"}\n')
    error = refusal(run, str(stranger))
    assert str(stranger) in error and "'nobody'" in error
