"""A ranker's held-out plots: the scores it gives items of each relevance grade (a good ranker
scores higher grades higher), and each list's NDCG@k against a random order's expected NDCG@k
of the same list."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.cbook import boxplot_stats

from metagen.report.plots.style import class_colour, panels, save

MOST_GRADE_BOXES = 12  # more distinct grades (real-valued relevance): a scatter instead
NDCG_BINS = np.linspace(0, 1, 21)
# what each drawn box shows, by matplotlib's boxplot_stats key
BOX_PARTS = {"whisker_low": "whislo", "q1": "q1", "median": "med", "q3": "q3",
             "whisker_high": "whishi"}  # fmt: skip


def draw(predictions: dict[str, Any], out_dir: Path) -> list[Path]:
    scores = np.asarray(predictions["scores"], dtype=float)
    grades = np.asarray(predictions["grades"], dtype=float)
    ndcg = np.asarray(predictions["ndcg"], dtype=float)
    random_ndcg = np.asarray(predictions["random_ndcg"], dtype=float)
    k = int(predictions["k"])
    fig, (left, right) = panels(1, 2, 11, 4.4)
    values = {
        "scores_by_grade": _scores_by_grade(left, scores, grades),
        f"ndcg_at_{k}": _ndcg_histogram(right, ndcg, random_ndcg, k),
    }
    return [save(fig, out_dir, "ranking", values)]


def _scores_by_grade(ax, scores: np.ndarray, grades: np.ndarray) -> dict[str, Any]:
    levels = np.unique(grades)
    title = f"Predicted score by relevance grade ({len(scores)} held-out items)"
    if len(levels) > MOST_GRADE_BOXES:
        ax.scatter(grades, scores, s=6, alpha=0.3, color="tab:blue", edgecolors="none")
        ax.set(xlabel="relevance grade", ylabel="predicted score", title=title)
        ax.grid(alpha=0.3)
        return {"grades": grades.tolist(), "scores": scores.tolist()}
    groups = [scores[grades == level] for level in levels]
    stats = [boxplot_stats(group)[0] for group in groups]  # whiskers at 1.5 IQR
    box = ax.bxp(stats, patch_artist=True, showfliers=False)
    ax.set_xticks(range(1, len(levels) + 1), [f"{level:g}" for level in levels])
    for index, patch in enumerate(box["boxes"]):
        patch.set(facecolor=class_colour(index), alpha=0.5)
    ax.set(xlabel="relevance grade", ylabel="predicted score", title=title)
    ax.grid(alpha=0.3, axis="y")
    summary = {"grades": levels.tolist(), "count": [len(g) for g in groups]}
    for name, key in BOX_PARTS.items():
        summary[name] = [float(box_stats[key]) for box_stats in stats]
    return summary


def _ndcg_histogram(ax, ndcg: np.ndarray, random_ndcg: np.ndarray, k: int) -> dict[str, Any]:
    counts, _ = np.histogram(ndcg, bins=NDCG_BINS)
    ax.stairs(counts, NDCG_BINS, fill=True, alpha=0.5, color="tab:blue", label="model, per list")
    mean, random_mean = float(ndcg.mean()), float(random_ndcg.mean())
    ax.axvline(mean, color="tab:blue", linestyle="--", label=f"model mean {mean:.3f}")
    ax.axvline(random_mean, color="grey", linestyle=":",
               label=f"random order mean {random_mean:.3f}")  # fmt: skip
    ax.set(xlabel=f"NDCG@{k}", ylabel="lists", title=f"NDCG@{k} of {len(ndcg)} held-out lists")
    ax.set_xlim(0, 1)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    return {
        "bin_edges": NDCG_BINS.tolist(),
        "counts": counts.tolist(),
        "mean": mean,
        "random_order_mean": random_mean,
    }
