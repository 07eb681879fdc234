"""A recommender's held-out plots: how many users get what share of their held-out items in
the top k (Recall@k per user, the model's and recommending the most popular items'), and the
scores it gives held-out items against the other items users have not seen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from metagen.report.plots.score_separation import score_histograms
from metagen.report.plots.style import class_colour, panels, save

RECALL_BINS = np.linspace(0, 1, 11)


def draw(predictions: dict[str, Any], out_dir: Path) -> list[Path]:
    cutoffs = np.asarray(predictions["k"]).astype(int)
    k_wanted = int(predictions["k_wanted"])
    name = f"Recall@{k_wanted}"
    if (cutoffs != k_wanted).any():  # a batch whose users had fewer unseen items
        name = f"Recall@{k_wanted} (k down to {cutoffs.min()} for some users)"
    per_user = {
        "model": np.asarray(predictions["recall"], dtype=float),
        "most popular items": np.asarray(predictions["popularity_recall"], dtype=float),
    }
    fig, (left, right) = panels(1, 2, 11, 4.4)
    recall = _recall_histograms(left, per_user, name)
    groups = {
        "held-out items": np.asarray(predictions["held_out_scores"], dtype=float),
        "other unseen items": np.asarray(predictions["other_scores"], dtype=float),
    }
    scores = score_histograms(right, groups, "score (user . item)")
    right.set_title("Scores of held-out against other unseen items (sampled)")
    values = {"recall_name": name, "recall": recall, "scores": scores}
    return [save(fig, out_dir, "recommendation_hits", values)]


def _recall_histograms(ax, per_user: dict[str, np.ndarray], name: str) -> dict[str, Any]:
    plotted: dict[str, Any] = {"bin_edges": RECALL_BINS.tolist()}
    for index, (who, recall) in enumerate(per_user.items()):
        counts, _ = np.histogram(recall, bins=RECALL_BINS)
        mean = float(recall.mean())
        colour = class_colour(index)
        ax.stairs(counts, RECALL_BINS, fill=True, alpha=0.4, color=colour, label=who)
        ax.axvline(mean, color=colour, linestyle="--", label=f"{who} mean {mean:.3f}")
        plotted[who] = {"counts": counts.tolist(), "mean": mean}
    users = len(next(iter(per_user.values())))
    ax.set(xlabel=name, ylabel="users", title=f"{name} per held-out user ({users} users)")
    ax.set_xlim(0, 1)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return plotted
