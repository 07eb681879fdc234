"""A classifier's held-out plots: the normalised confusion matrix, precision, recall and F1 per
class, one-vs-rest PR and ROC curves, and a preview of classified pictures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from metagen.report.plots.score_curves import pr_curve, roc_curve
from metagen.report.plots.style import class_colour, figure, panels, save

MOST_CLASSES_SHOWN = 20  # beyond: the most frequent in the held-out set; the JSON has all
MOST_CURVES = 10


def draw(predictions: dict[str, Any], out_dir: Path) -> list[Path]:
    probabilities = np.asarray(predictions["probabilities"], dtype=float)
    labels = np.asarray(predictions["labels"]).astype(int)
    names = list(predictions["class_names"])
    # a collector may name the predictions scored (a CRF's best path), else the most probable
    predicted = np.asarray(predictions.get("predicted", probabilities.argmax(1))).astype(int)
    counts = confusion_counts(labels, predicted, probabilities.shape[1])
    shown = _shown_classes(labels, probabilities.shape[1], MOST_CLASSES_SHOWN)
    drawn = [
        _confusion(counts, names, shown, out_dir),
        _per_class(counts, names, shown, out_dir),
        _curves(probabilities, labels, names, out_dir),
    ]
    if "images" in predictions:
        drawn.append(_preview(predictions["images"], labels, probabilities, names, out_dir))
    return drawn


def confusion_counts(truth: np.ndarray, predicted: np.ndarray, num_classes: int) -> np.ndarray:
    """counts[t, p]: held-out samples of true class t predicted as p."""
    counts = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(counts, (truth, predicted), 1)
    return counts


def per_class_scores(counts: np.ndarray) -> dict[str, list[float]]:
    """Precision, recall and F1 per class from confusion counts (0 where undefined, as
    scikit-learn's zero_division=0), and the support."""
    hits = np.diag(counts).astype(float)
    predicted, support = counts.sum(0).astype(float), counts.sum(1).astype(float)
    precision = np.divide(hits, predicted, out=np.zeros_like(hits), where=predicted > 0)
    recall = np.divide(hits, support, out=np.zeros_like(hits), where=support > 0)
    total = precision + recall
    f1 = np.divide(2 * precision * recall, total, out=np.zeros_like(hits), where=total > 0)
    return {
        "precision": precision.tolist(),
        "recall": recall.tolist(),
        "f1": f1.tolist(),
        "support": support.astype(int).tolist(),
    }


def _shown_classes(labels: np.ndarray, num_classes: int, most: int) -> np.ndarray:
    if num_classes <= most:
        return np.arange(num_classes)
    support = np.bincount(labels, minlength=num_classes)
    return np.sort(np.argsort(-support, kind="mergesort")[:most])


def _confusion(counts, names, shown, out_dir: Path) -> Path:
    rows = counts[np.ix_(shown, shown)].astype(float)
    totals = counts[shown].sum(1, keepdims=True)
    normalised = np.divide(rows, totals, out=np.zeros_like(rows), where=totals > 0)
    size = max(4.5, 0.45 * len(shown) + 2)
    fig, ax = figure(size, size)
    image = ax.imshow(normalised, cmap="Blues", vmin=0, vmax=1)
    labels = [names[k] for k in shown]
    ax.set_xticks(range(len(shown)), labels, rotation=60, ha="right", fontsize=8)
    ax.set_yticks(range(len(shown)), labels, fontsize=8)
    if len(shown) <= 12:
        for (t, p), value in np.ndenumerate(normalised):
            colour = "white" if value > 0.5 else "black"
            ax.text(p, t, f"{value:.2f}", ha="center", va="center", fontsize=7, color=colour)
    subset = "" if len(shown) == len(names) else f", the {len(shown)} most frequent classes"
    ax.set(xlabel="predicted", ylabel="true", title=f"Confusion matrix (rows sum to 1{subset})")
    fig.colorbar(image, ax=ax, fraction=0.046)
    values = {"class_names": names, "counts": counts.tolist(), "shown": shown.tolist()}
    return save(fig, out_dir, "confusion_matrix", values)


def _per_class(counts, names, shown, out_dir: Path) -> Path:
    scores = per_class_scores(counts)
    fig, ax = figure(6.4, 0.3 * len(shown) + 1.2)
    ax.axis("off")
    cells = [
        [names[k], *(f"{scores[m][k]:.3f}" for m in ("precision", "recall", "f1")),
         str(scores["support"][k])]
        for k in shown
    ]  # fmt: skip
    table = ax.table(
        cellText=cells,
        colLabels=["class", "precision", "recall", "F1", "support"],
        loc="center",
        cellLoc="center",
    )
    table.auto_set_font_size(False)
    table.set_fontsize(8)
    ax.set_title("Per-class scores on held-out data")
    return save(fig, out_dir, "per_class", {"class_names": names, **scores})


def _curves(probabilities, labels, names, out_dir: Path) -> Path:
    support = np.bincount(labels, minlength=probabilities.shape[1])
    present = [k for k in np.argsort(-support, kind="mergesort") if support[k] > 0]
    pr, roc = {}, {}
    for k in range(probabilities.shape[1]):
        if support[k] > 0:
            pr[names[k]] = pr_curve(probabilities[:, k], labels == k)
            roc[names[k]] = roc_curve(probabilities[:, k], labels == k)
    fig, (left, right) = panels(1, 2, 11, 4.4)
    for k in present[:MOST_CURVES]:
        name = names[k]
        colour = class_colour(int(k))
        left.step(pr[name]["recall"], pr[name]["precision"], where="pre", color=colour,
                  label=f"{name} (AP {pr[name]['ap']:.3f})")  # fmt: skip
        if roc[name]["fpr"]:
            right.plot(roc[name]["fpr"], roc[name]["tpr"], color=colour,
                       label=f"{name} (AUC {roc[name]['auc']:.3f})")  # fmt: skip
    right.plot([0, 1], [0, 1], color="grey", linestyle=":", label="chance")
    shown = "" if len(present) <= MOST_CURVES else f" ({MOST_CURVES} most frequent classes)"
    left.set(xlabel="recall", ylabel="precision", title=f"Precision-recall, one vs rest{shown}")
    right.set(xlabel="false positive rate", ylabel="true positive rate", title=f"ROC{shown}")
    for ax in (left, right):
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1.02)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="lower left" if ax is left else "lower right")
    return save(fig, out_dir, "pr_roc_curves", {"pr": pr, "roc": roc})


def _preview(images, labels, probabilities, names, out_dir: Path) -> Path:
    """The first held-out pictures, each titled with its prediction (and confidence) and,
    where wrong, the truth: green right, red wrong."""
    images = np.asarray(images, dtype=float)
    count = len(images)
    columns = min(8, count)
    rows = -(-count // columns)
    fig, axes = panels(rows, columns, 1.6 * columns, 1.8 * rows)
    shown = []
    for index, ax in enumerate(axes):
        ax.axis("off")
        if index >= count:
            continue
        guess, truth = int(probabilities[index].argmax()), int(labels[index])
        ax.imshow(displayable(images[index]), cmap="gray" if images.shape[1] == 1 else None)
        title = f"{names[guess]} {probabilities[index, guess]:.2f}"
        if guess != truth:
            title += f"\n(true {names[truth]})"
        ax.set_title(title, fontsize=8, color="tab:green" if guess == truth else "tab:red")
        shown.append({"predicted": names[guess], "true": names[truth],
                      "probability": float(probabilities[index, guess])})  # fmt: skip
    fig.suptitle("Held-out pictures: prediction (probability), green right, red wrong")
    return save(fig, out_dir, "samples", {"samples": shown})


def displayable(image: np.ndarray) -> np.ndarray:
    """(C, H, W) in any range -> (H, W) or (H, W, 3) in [0, 1], each picture stretched over
    its own range (the inputs are normalised: this undoes the shift and scale)."""
    low, high = float(image.min()), float(image.max())
    scaled = (image - low) / (high - low) if high > low else np.zeros_like(image)
    return scaled[0] if scaled.shape[0] == 1 else np.moveaxis(scaled[:3], 0, -1)
