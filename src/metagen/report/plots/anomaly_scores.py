"""An anomaly detector's held-out scores: their histograms for normal and anomalous points
with the threshold the evaluator flags at, and the ROC curve of the scores. Without labels
there is one histogram of every score and no ROC (nothing to score it against)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from metagen.report.plots.score_curves import roc_curve
from metagen.report.plots.score_separation import roc_panel, score_histograms
from metagen.report.plots.style import figure, panels, save


def draw(predictions: dict[str, Any], out_dir: Path) -> list[Path]:
    scores = np.asarray(predictions["scores"], dtype=float)
    threshold = float(predictions["threshold"])
    values: dict[str, Any] = {
        "threshold": threshold,
        "threshold_rule": predictions["threshold_rule"],
        "points": len(scores),
    }
    xlabel = "anomaly score (squared reconstruction error)"
    if "labels" not in predictions:
        fig, ax = figure()
        values["histograms"] = score_histograms(ax, {"every point": scores}, xlabel, errors=True)
        _threshold_line(ax, threshold)
        ax.set_title("Held-out anomaly scores (no labels)")
        return [save(fig, out_dir, "anomaly_scores", values)]
    anomalous = np.asarray(predictions["labels"]).astype(bool)
    fig, (left, right) = panels(1, 2, 11, 4.4)
    groups = {"normal": scores[~anomalous], "anomalous": scores[anomalous]}
    values["histograms"] = score_histograms(left, groups, xlabel, errors=True)
    _threshold_line(left, threshold)
    left.set_title("Held-out anomaly scores (the evaluator's scored half)")
    values["roc"] = roc_curve(scores, anomalous)
    roc_panel(right, {"reconstruction error": values["roc"]}, "ROC of the anomaly scores")
    return [save(fig, out_dir, "anomaly_scores", values)]


def _threshold_line(ax, threshold: float) -> None:
    ax.axvline(threshold, color="black", linestyle="--", label=f"threshold {threshold:.3g}")
    ax.legend(fontsize=8)
