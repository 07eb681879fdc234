"""The classifier plots show the predictions' own numbers: the confusion matrix recounts
them, per-class scores match scikit-learn, and each PR curve's area is the AP reported."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.metrics import (
    average_precision_score,
    confusion_matrix,
    precision_recall_fscore_support,
    roc_auc_score,
)

from metagen.report.plots.class_scores import draw
from metagen.report.plots.score_curves import area_under_pr


@pytest.fixture()
def drawn(tmp_path):
    rng = np.random.default_rng(3)
    logits = rng.normal(size=(300, 4)) + np.eye(4)[rng.integers(0, 4, 300)] * 1.5
    probabilities = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    labels = np.where(rng.random(300) < 0.7, probabilities.argmax(1), rng.integers(0, 4, 300))
    predictions = {"kind": "class_scores", "probabilities": probabilities, "labels": labels,
                   "class_names": ["a", "b", "c", "d"]}  # fmt: skip
    draw(predictions, tmp_path)
    return predictions, tmp_path


def _json(path):
    return json.loads(path.read_text(encoding="utf-8"))


def test_confusion_counts_are_a_recount_of_the_predictions(drawn) -> None:
    predictions, out = drawn
    counts = np.array(_json(out / "confusion_matrix.json")["counts"])
    truth, guess = predictions["labels"], predictions["probabilities"].argmax(1)
    np.testing.assert_array_equal(counts, confusion_matrix(truth, guess, labels=range(4)))
    assert counts.sum() == len(truth)


def test_per_class_scores_match_scikit_learn(drawn) -> None:
    predictions, out = drawn
    scores = _json(out / "per_class.json")
    truth, guess = predictions["labels"], predictions["probabilities"].argmax(1)
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, guess, labels=range(4), zero_division=0
    )
    np.testing.assert_allclose(scores["precision"], precision, atol=1e-12)
    np.testing.assert_allclose(scores["recall"], recall, atol=1e-12)
    np.testing.assert_allclose(scores["f1"], f1, atol=1e-12)
    assert scores["support"] == support.tolist()


def test_each_pr_curve_area_is_its_reported_ap(drawn) -> None:
    predictions, out = drawn
    curves = _json(out / "pr_roc_curves.json")
    for k, name in enumerate(predictions["class_names"]):
        pr, roc = curves["pr"][name], curves["roc"][name]
        positives = predictions["labels"] == k
        scores = predictions["probabilities"][:, k]
        assert abs(area_under_pr(pr["precision"], pr["recall"]) - pr["ap"]) < 1e-6
        assert abs(pr["ap"] - average_precision_score(positives, scores)) < 1e-6
        assert abs(roc["auc"] - roc_auc_score(positives, scores)) < 1e-6
