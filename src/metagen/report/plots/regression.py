"""A regressor's held-out predictions against the truth, one panel per predicted value, with
the y = x line a perfect model would lie on; R², RMSE and MAE are computed from the very
points drawn (scikit-learn's r2_score: a constant truth scores 1 if met exactly, else 0)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from metagen.report.plots.style import panels, save

MOST_PANELS = 6  # the first outputs drawn; the JSON has every one
COLUMNS = 3


def draw(predictions: dict[str, Any], out_dir: Path) -> list[Path]:
    predicted = np.asarray(predictions["predicted"], dtype=float)
    true = np.asarray(predictions["true"], dtype=float)
    names = list(predictions["target_names"])
    scores = [fit_scores(predicted[:, k], true[:, k]) for k in range(true.shape[1])]
    shown = min(len(names), MOST_PANELS)
    columns = min(shown, COLUMNS)
    rows = -(-shown // columns)
    fig, axes = panels(rows, columns, 4.4 * columns, 4.2 * rows)
    for k, ax in enumerate(axes):
        if k >= shown:
            ax.axis("off")
            continue
        _scatter(ax, predicted[:, k], true[:, k], names[k], scores[k])
    subset = "" if shown == len(names) else f" (first {shown} of {len(names)} outputs)"
    fig.suptitle(f"Held-out predictions against the truth, {len(true)} samples{subset}")
    outputs = [
        {"name": name, "true": true[:, k].tolist(), "predicted": predicted[:, k].tolist(),
         **scores[k]}
        for k, name in enumerate(names)
    ]  # fmt: skip
    return [save(fig, out_dir, "predicted_vs_true", {"outputs": outputs})]


def fit_scores(predicted: np.ndarray, true: np.ndarray) -> dict[str, float]:
    """R², RMSE and MAE of one output's predictions."""
    error = predicted - true
    residual = float(np.sum(error**2))
    total = float(np.sum((true - true.mean()) ** 2))
    r2 = 1 - residual / total if total > 0 else float(residual == 0)
    return {
        "r2": r2,
        "rmse": float(np.sqrt(np.mean(error**2))),
        "mae": float(np.mean(np.abs(error))),
    }


def _scatter(ax, predicted, true, name: str, scores: dict[str, float]) -> None:
    ax.scatter(true, predicted, s=8, alpha=0.4, color="tab:blue", edgecolors="none")
    low = float(min(true.min(), predicted.min()))
    high = float(max(true.max(), predicted.max()))
    ax.plot([low, high], [low, high], color="grey", linestyle="--", label="y = x")
    ax.set(xlabel=f"true {name}", ylabel=f"predicted {name}",
           title=f"{name}: R² {scores['r2']:.3f}, RMSE {scores['rmse']:.3g}")  # fmt: skip
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
