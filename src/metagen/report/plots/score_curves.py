"""Precision-recall and ROC curves of scores against binary truth, with the areas reported
beside them computed from the very points drawn (scikit-learn's definitions: average
precision is the step sum of precision over recall gains; ROC AUC the trapezoid area)."""

from __future__ import annotations

from typing import Any

import numpy as np


def _ranked_counts(scores: np.ndarray, positives: np.ndarray) -> tuple[np.ndarray, ...]:
    """True and false positives at each distinct score, highest first, and the scores."""
    order = np.argsort(-scores, kind="mergesort")
    scores, positives = scores[order], positives[order].astype(float)
    last_of_tie = np.r_[np.flatnonzero(np.diff(scores)), len(scores) - 1]
    true_pos = np.cumsum(positives)[last_of_tie]
    false_pos = (last_of_tie + 1) - true_pos
    return true_pos, false_pos, scores[last_of_tie]


def pr_curve(scores: np.ndarray, positives: np.ndarray) -> dict[str, Any]:
    """Precision and recall at each threshold, starting at recall 0 (precision 1), with the
    average precision of these points; an empty positive set has no curve (AP NaN)."""
    true_pos, false_pos, thresholds = _ranked_counts(scores, positives)
    total = true_pos[-1] if len(true_pos) else 0.0
    if total == 0:
        return {"precision": [], "recall": [], "thresholds": [], "ap": float("nan")}
    precision = true_pos / (true_pos + false_pos)
    recall = true_pos / total
    precision, recall = np.r_[1.0, precision], np.r_[0.0, recall]
    return {
        "precision": precision.tolist(),
        "recall": recall.tolist(),
        "thresholds": thresholds.tolist(),
        "ap": area_under_pr(precision, recall),
    }


def area_under_pr(precision, recall) -> float:
    """Average precision: sum over points of (recall gain) x precision there."""
    precision, recall = np.asarray(precision, float), np.asarray(recall, float)
    return float(np.sum(np.diff(recall) * precision[1:]))


def roc_curve(scores: np.ndarray, positives: np.ndarray) -> dict[str, Any]:
    """False and true positive rates at each threshold from (0, 0), with their area; one class
    alone in the truth has no curve (AUC NaN)."""
    true_pos, false_pos, _ = _ranked_counts(scores, positives)
    if not len(true_pos) or true_pos[-1] == 0 or false_pos[-1] == 0:
        return {"fpr": [], "tpr": [], "auc": float("nan")}
    tpr, fpr = np.r_[0.0, true_pos / true_pos[-1]], np.r_[0.0, false_pos / false_pos[-1]]
    return {"fpr": fpr.tolist(), "tpr": tpr.tolist(), "auc": float(np.trapezoid(tpr, fpr))}
