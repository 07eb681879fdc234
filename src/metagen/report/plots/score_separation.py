"""How far a model's scores set positives apart from negatives (link prediction: the node
pairs that are edges from those that are not): the two score histograms on shared bins, and
the ROC curve of the model beside a baseline's where the collector scored one.

The histogram and ROC panels are shared by the drawers of other score kinds (anomaly scores,
recommendations)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from metagen.report.plots.score_curves import roc_curve
from metagen.report.plots.style import class_colour, panels, save

BINS = 40
# A heavy-tailed error (a squared reconstruction error) is binned on a log scale where it
# spans more decades than this: on linear bins its bulk would fall into one bar.
LOG_BINS_ABOVE_DECADES = 2.0


def draw(predictions: dict[str, Any], out_dir: Path) -> list[Path]:
    scores = np.asarray(predictions["scores"], dtype=float)
    positives = np.asarray(predictions["labels"]).astype(bool)
    negative_name, positive_name = predictions["class_names"]
    fig, (left, right) = panels(1, 2, 11, 4.4)
    groups = {positive_name: scores[positives], negative_name: scores[~positives]}
    histograms = score_histograms(left, groups, predictions["score_name"])
    left.set_title(f"Held-out {predictions['score_name']}s: {positive_name} vs {negative_name}")
    curves = {"model": roc_curve(scores, positives)}
    if "baseline_scores" in predictions:
        baseline = np.asarray(predictions["baseline_scores"], dtype=float)
        curves[predictions["baseline_name"]] = roc_curve(baseline, positives)
    roc_panel(right, curves, f"ROC: {positive_name} against {negative_name}")
    values = {"score_name": predictions["score_name"], "histograms": histograms, "roc": curves}
    return [save(fig, out_dir, "score_separation", values)]


def score_histograms(
    ax, groups: dict[str, np.ndarray], xlabel: str, *, errors: bool = False
) -> dict[str, Any]:
    """Each group's scores on bins shared by all, as the share of the group's points in each
    bin (so a rare group stays visible); `errors`: positive, heavy-tailed scores, binned on a
    log scale where they span decades. Returns the edges, counts and shares drawn."""
    everything = np.concatenate([g for g in groups.values() if len(g)])
    edges, log_bins = _bin_edges(everything, errors)
    plotted: dict[str, Any] = {"bin_edges": edges.tolist(), "log_bins": log_bins, "groups": {}}
    for index, (name, scores) in enumerate(groups.items()):
        counts, _ = np.histogram(scores, bins=edges)
        share = counts / max(1, counts.sum())
        ax.stairs(share, edges, fill=True, alpha=0.45, color=class_colour(index),
                  label=f"{name} ({len(scores)})")  # fmt: skip
        plotted["groups"][name] = {"counts": counts.tolist(), "share": share.tolist()}
    if log_bins:
        ax.set_xscale("log")
    ax.set(xlabel=xlabel, ylabel="share of the group's points")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return plotted


def roc_panel(ax, curves: dict[str, dict[str, Any]], title: str) -> None:
    """ROC curves (score_curves.roc_curve's) labelled with their areas, and chance."""
    for index, (name, curve) in enumerate(curves.items()):
        if curve["fpr"]:
            ax.plot(curve["fpr"], curve["tpr"], color=class_colour(index),
                    label=f"{name} (AUC {curve['auc']:.3f})")  # fmt: skip
    ax.plot([0, 1], [0, 1], color="grey", linestyle=":", label="chance")
    ax.set(xlabel="false positive rate", ylabel="true positive rate", title=title)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")


def _bin_edges(scores: np.ndarray, errors: bool) -> tuple[np.ndarray, bool]:
    low, high = float(scores.min()), float(scores.max())
    if errors and low > 0 and np.log10(high / low) > LOG_BINS_ABOVE_DECADES:
        return np.geomspace(low, high, BINS + 1), True
    if high == low:  # one value: a single bar around it
        low, high = low - 0.5, high + 0.5
    return np.linspace(low, high, BINS + 1), False
