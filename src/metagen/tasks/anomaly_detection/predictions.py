"""An anomaly detector's held-out scores and the threshold it flags at, as its evaluator sets
them: the first half of the windows calibrates the threshold, the second half is what the
evaluator scores (and what is kept here); without labels in both halves, every score is kept
with the 99th-percentile threshold (library only: report/plots/anomaly_scores.py draws it)."""

import torch

from metagen.tasks.anomaly_detection.evaluate import (
    UNLABELLED_THRESHOLD_QUANTILE,
    f1_optimal_threshold,
    reconstruction_scores,
)

MAX_POINTS = 20_000  # the first ones of the scored points: a cheap, unsampled prefix


def collect_anomaly_scores(model, batches, device, info) -> dict:
    """{"kind": "anomaly_scores", scores (n,), labels (n,) where labelled, threshold,
    threshold_rule}."""
    scores, labels, _, _ = reconstruction_scores(model, batches, device)  # (N, W) each
    half = len(scores) // 2
    calibration = (scores[:half].flatten(), labels[:half].flatten())
    scored = (scores[half:].flatten(), labels[half:].flatten())
    if (labels < 0).any() or not (_both_classes(calibration[1]) and _both_classes(scored[1])):
        threshold = torch.quantile(scores.flatten().double(), UNLABELLED_THRESHOLD_QUANTILE)
        return {
            "kind": "anomaly_scores",
            "scores": scores.flatten()[:MAX_POINTS],
            "threshold": float(threshold),
            "threshold_rule": f"the {UNLABELLED_THRESHOLD_QUANTILE:.0%} quantile of the scores",
        }
    return {
        "kind": "anomaly_scores",
        "scores": scored[0][:MAX_POINTS],
        "labels": scored[1][:MAX_POINTS],
        "threshold": f1_optimal_threshold(*calibration),
        "threshold_rule": "the best F1 on the first half of the held-out windows",
    }


def _both_classes(labels: torch.Tensor) -> bool:
    return 0 < int(labels.sum()) < len(labels)
