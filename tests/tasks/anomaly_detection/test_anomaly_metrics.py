"""Anomaly metrics against scikit-learn on fixed fixtures (ties included), the F1-optimal
threshold against a brute-force search, and the evaluator's calibrate-then-score split."""

import numpy as np
import pytest
import torch
from sklearn.metrics import average_precision_score, f1_score, roc_auc_score

from metagen.evaluate.metrics import roc_auc
from metagen.tasks.anomaly_detection.evaluate import (
    average_precision,
    evaluate_anomaly_detector,
    f1_optimal_threshold,
)
from metagen.tasks.anomaly_detection.evaluate import f1_score as our_f1


def fixture(seed: int, ties: bool) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    labels = (rng.random(200) < 0.15).astype(np.int64)
    labels[:2] = [0, 1]
    scores = rng.normal(0.0, 1.0, 200) + 1.2 * labels
    if ties:
        scores = np.round(scores, 1)  # many equal scores, across both classes
    return scores, labels


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("ties", [False, True])
def test_roc_auc_and_average_precision_match_sklearn(seed, ties) -> None:
    scores, labels = fixture(seed, ties)
    s, y = torch.tensor(scores), torch.tensor(labels)
    assert roc_auc(s, y) == pytest.approx(roc_auc_score(labels, scores), abs=1e-6)
    assert average_precision(s, y) == pytest.approx(
        average_precision_score(labels, scores), abs=1e-6
    )


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_f1_matches_sklearn_and_the_threshold_is_f1_optimal(seed) -> None:
    scores, labels = fixture(seed, ties=True)
    for threshold in (-0.5, 0.3, 1.1, 9.0):
        flagged = scores >= threshold
        assert our_f1(torch.tensor(flagged), torch.tensor(labels)) == pytest.approx(
            f1_score(labels, flagged, zero_division=0.0), abs=1e-6
        )
    best = f1_optimal_threshold(torch.tensor(scores), torch.tensor(labels))
    brute = max(np.unique(scores), key=lambda t: (f1_score(labels, scores >= t), -t))
    assert f1_score(labels, scores >= best) == pytest.approx(f1_score(labels, scores >= brute))


class Zeros(torch.nn.Module):
    """Reconstructs every window as zeros: the score of a step is its squared value."""

    def __init__(self) -> None:
        super().__init__()
        self.unused = torch.nn.Parameter(torch.zeros(1))

    def forward(self, values: torch.Tensor) -> dict:
        return {"reconstruction": torch.zeros_like(values)}


def test_evaluator_calibrates_on_the_first_half_and_scores_the_second() -> None:
    rng = np.random.default_rng(0)
    labels = (rng.random((40, 8)) < 0.1).astype(np.int64)
    labels[0, 0] = labels[30, 0] = 1
    values = rng.normal(0.0, 1.0, (40, 8, 2)) + 2.5 * labels[..., None]
    batches = [
        {
            "values": torch.tensor(values[i : i + 16], dtype=torch.float32),
            "labels": torch.tensor(labels[i : i + 16]),
        }
        for i in range(0, 40, 16)
    ]
    results = evaluate_anomaly_detector(Zeros(), batches, "cpu")
    scores = np.square(values.astype(np.float32)).mean(axis=-1)  # (40, 8)
    calibration, test = slice(0, 20), slice(20, 40)
    threshold = f1_optimal_threshold(
        torch.tensor(scores[calibration]).flatten(), torch.tensor(labels[calibration]).flatten()
    )
    assert results["threshold"] == pytest.approx(threshold)
    y, s = labels[test].ravel(), scores[test].ravel()
    assert results["roc_auc"] == pytest.approx(roc_auc_score(y, s), abs=1e-6)
    assert results["average_precision"] == pytest.approx(average_precision_score(y, s), abs=1e-6)
    assert results["f1"] == pytest.approx(f1_score(y, s >= threshold), abs=1e-6)
    assert results["all_anomalous_f1"] == pytest.approx(f1_score(y, np.ones_like(y)), abs=1e-6)
    assert results["loss"] == pytest.approx(float(np.square(values).mean()), rel=1e-5)
    assert results["num_scored_points"] == 160


def test_without_labels_only_the_error_and_a_quantile_threshold() -> None:
    values = torch.randn(10, 8, 1)
    batch = {"values": values, "labels": torch.full((10, 8), -1)}
    results = evaluate_anomaly_detector(Zeros(), [batch], "cpu")
    assert "roc_auc" not in results and "not measured" in results["detection_metrics"]
    expected = torch.quantile(values.square().flatten().double(), 0.99)
    assert results["threshold"] == pytest.approx(float(expected))
