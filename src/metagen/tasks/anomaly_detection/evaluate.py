"""Anomaly scores from reconstruction errors, a threshold calibrated on held-out data, and
ROC-AUC, average precision (PR-AUC) and F1 beside a random score and a flag-everything
detector.

The held-out windows are split in order: the first half calibrates the threshold (the one
that maximizes F1 there), the second half is scored with it. Without labels in both halves
(a CSV with no label column), the threshold is the 99th percentile of the held-out scores and
only the reconstruction error is reported."""

import torch

from metagen.data.batch import move_batch
from metagen.evaluate.metrics import roc_auc

UNLABELLED_THRESHOLD_QUANTILE = 0.99
RANDOM_SCORE_SEED = 0


def precision_recall_steps(scores: torch.Tensor, labels: torch.Tensor):
    """(precision, recall, thresholds) at every distinct score, highest first: flagging
    every point whose score is at least the threshold."""
    order = scores.double().argsort(descending=True)
    sorted_scores, hits = scores.double()[order], labels[order].double()
    last_of_tie = torch.ones(len(scores), dtype=torch.bool)
    last_of_tie[:-1] = sorted_scores[1:] != sorted_scores[:-1]
    true_positives = hits.cumsum(0)[last_of_tie]
    flagged = torch.arange(1, len(scores) + 1, dtype=torch.float64)[last_of_tie]
    return true_positives / flagged, true_positives / hits.sum(), sorted_scores[last_of_tie]


def average_precision(scores: torch.Tensor, labels: torch.Tensor) -> float:
    """Sum over thresholds of (recall gained) x precision (scikit-learn's definition)."""
    if int(labels.sum()) == 0:
        raise ValueError("average precision needs at least one anomalous point")
    precision, recall, _ = precision_recall_steps(scores, labels)
    gained = torch.diff(recall, prepend=torch.zeros(1, dtype=torch.float64))
    return float((gained * precision).sum())


def f1_score(flagged: torch.Tensor, labels: torch.Tensor) -> float:
    """F1 of the flagged points against the labels (0 when nothing is flagged or labelled)."""
    flagged, labels = flagged.bool(), labels.bool()
    true_positives = int((flagged & labels).sum())
    denominator = int(flagged.sum()) + int(labels.sum())
    return 2 * true_positives / denominator if denominator else 0.0


def f1_optimal_threshold(scores: torch.Tensor, labels: torch.Tensor) -> float:
    """The score threshold (flag score >= threshold) with the best F1 on these points."""
    precision, recall, thresholds = precision_recall_steps(scores, labels)
    f1 = 2 * precision * recall / (precision + recall).clamp(min=1e-12)
    return float(thresholds[int(f1.argmax())])


def reconstruction_scores(model, batches, device):
    """(scores per step (N, W), labels (N, W), squared error sum, elements) over the batches.
    A step's score is its squared reconstruction error, averaged over channels."""
    scores, labels, squared, elements = [], [], 0.0, 0
    for batch in batches:
        batch = move_batch(batch, device)
        values = batch["values"].float()  # (B, W, C)
        error = (model(values=batch["values"])["reconstruction"].float() - values).square()
        squared += float(error.sum())
        elements += error.numel()
        scores.append(error.mean(dim=-1).cpu())  # (B, W)
        labels.append(batch["labels"].cpu())
    if not scores:
        raise ValueError("cannot evaluate on an empty dataset")
    return torch.cat(scores), torch.cat(labels), squared, elements


def detection_metrics(scores: torch.Tensor, labels: torch.Tensor, threshold: float) -> dict:
    """The detector's metrics on points it was not calibrated on, and the trivial ones'."""
    generator = torch.Generator().manual_seed(RANDOM_SCORE_SEED)
    random_scores = torch.rand(len(scores), generator=generator, dtype=torch.float64)
    flagged = scores >= threshold
    return {
        "roc_auc": roc_auc(scores, labels),
        "average_precision": average_precision(scores, labels),
        "f1": f1_score(flagged, labels),
        "precision": int((flagged & labels.bool()).sum()) / max(1, int(flagged.sum())),
        "recall": int((flagged & labels.bool()).sum()) / int(labels.sum()),
        "random_roc_auc": roc_auc(random_scores, labels),
        "random_average_precision": average_precision(random_scores, labels),
        "all_anomalous_f1": f1_score(torch.ones_like(labels), labels),
        "anomaly_rate": float(labels.double().mean()),
    }


def _both_classes(labels: torch.Tensor) -> bool:
    return 0 < int(labels.sum()) < len(labels)


def evaluate_anomaly_detector(model, batches, device) -> dict:
    scores, labels, squared, elements = reconstruction_scores(model, batches, device)
    results = {"loss": squared / elements, "num_samples": len(scores)}
    half = len(scores) // 2
    calibration = (scores[:half].flatten(), labels[:half].flatten())
    test = (scores[half:].flatten(), labels[half:].flatten())
    if (labels < 0).any() or not (_both_classes(calibration[1]) and _both_classes(test[1])):
        # Nothing to calibrate on or to score against: the threshold flags the top 1%.
        results["threshold"] = float(
            torch.quantile(scores.flatten().double(), UNLABELLED_THRESHOLD_QUANTILE)
        )
        results["detection_metrics"] = (
            "not measured: each half of the held-out data needs labelled anomalous and "
            "normal points"
        )
        return results
    results["threshold"] = f1_optimal_threshold(*calibration)
    results.update(detection_metrics(*test, results["threshold"]))
    results["num_scored_points"] = len(test[0])
    return results
