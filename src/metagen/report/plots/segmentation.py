"""A segmenter's held-out plots: overlays of sample images (image | truth | prediction, each
pixel in its class colour, with a legend of the colours) and the IoU of each class over every
held-out pixel, as the evaluator counts it. For panoptic segmentation the overlays outline each
segment (so instances of one class stay apart), unclaimed pixels show as void, and the
panoptic quality of each class stands beside the semantic branch's IoU."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import torch

from metagen.evaluate.segmentation_metrics import iou_per_class, mean_iou, panoptic_quality
from metagen.report.plots.pictures import (
    class_legend,
    grid_with_legend,
    paint_classes,
    paint_outlines,
    show_image,
)
from metagen.report.plots.style import class_colour, panels, save

MOST_CLASSES_SHOWN = 30  # beyond: the classes with the most pixels; the JSON has all
SAMPLES_PER_ROW = 2


def draw(predictions: dict[str, Any], out_dir: Path) -> list[Path]:
    names = [str(name) for name in predictions["class_names"]]
    return [_overlays(predictions, names, out_dir), _per_class(predictions, names, out_dir)]


def class_ious(confusion: np.ndarray) -> dict[str, Any]:
    """The IoU of each class (None where the class is in neither truth nor prediction) and
    their mean over the classes present, from a confusion (row = truth, column = prediction)."""
    counts = torch.as_tensor(np.asarray(confusion, dtype=np.int64))
    iou, present = iou_per_class(counts)
    return {
        "iou": [float(v) if p else None for v, p in zip(iou, present, strict=True)],
        "mean_iou": mean_iou(counts),
        "true_pixels": counts.sum(1).tolist(),
        "predicted_pixels": counts.sum(0).tolist(),
    }


def class_panoptic_quality(stats: np.ndarray) -> dict[str, list[float | None]]:
    """PQ, SQ and RQ of each class from its (IoU sum, TP, FP, FN); None for a class with no
    segment in truth or prediction."""
    stats_t = torch.as_tensor(np.asarray(stats, dtype=np.float64))
    quality: dict[str, list[float | None]] = {"pq": [], "sq": [], "rq": []}
    for k in range(stats_t.size(1)):
        one = panoptic_quality(stats_t, [k])
        for key, kept in quality.items():
            kept.append(one[key] if one["num_classes"] else None)
    return quality


def _overlays(predictions: dict[str, Any], names: list[str], out_dir: Path) -> Path:
    images = np.asarray(predictions["images"], dtype=float)
    truth = np.asarray(predictions["true_classes"]).astype(int)
    found = np.asarray(predictions["predicted_classes"]).astype(int)
    panoptic = "panoptic_stats" in predictions
    columns = 3 * min(SAMPLES_PER_ROW, len(images))
    seen = np.unique(np.concatenate([truth.ravel(), found.ravel()]))
    void = panoptic and bool((seen < 0).any())
    rows = -(-len(images) // SAMPLES_PER_ROW)
    fig, axes, legend_ax = grid_with_legend(rows, columns, 2.2, int((seen >= 0).sum()) + void)
    samples = []
    for i, image in enumerate(images):
        image_ax, truth_ax, found_ax = axes[3 * i : 3 * i + 3]
        accuracy = float((found[i] == truth[i]).mean())
        for ax, title in ((image_ax, "image"), (truth_ax, "truth"),
                          (found_ax, f"prediction (pixel acc. {accuracy:.2f})")):  # fmt: skip
            show_image(ax, image)
            ax.set_title(title, fontsize=8)
        for ax, prefix, classes in (
            (truth_ax, "true", truth[i]),
            (found_ax, "predicted", found[i]),
        ):
            paint_classes(ax, classes, void=panoptic)
            if panoptic:
                paint_outlines(ax, _segments(classes, predictions[f"{prefix}_instances"][i]))
        samples.append(
            {"pixel_accuracy": accuracy, "true_pixels": _pixels(truth[i], names),
             "predicted_pixels": _pixels(found[i], names)}
        )  # fmt: skip
    class_legend(legend_ax, names, seen[seen >= 0], void=void)
    outlined = "; each segment outlined, void: no segment claims it" if panoptic else ""
    fig.suptitle(f"Held-out samples: image | truth | prediction, in class colours{outlined}",
                 fontsize=10)  # fmt: skip
    return save(fig, out_dir, "segmentation_samples", {"class_names": names, "samples": samples})


def _segments(classes: np.ndarray, instances) -> np.ndarray:
    """One id per panoptic segment (class and instance), -1 on void."""
    instances = np.asarray(instances).astype(int)
    ids = classes * (int(instances.max(initial=0)) + 1) + instances
    return np.where(classes >= 0, ids, -1)


def _pixels(classes: np.ndarray, names: list[str]) -> dict[str, int]:
    """Pixels per class in one map (void under "void")."""
    values, counts = np.unique(classes, return_counts=True)
    return {names[v] if v >= 0 else "void": int(c) for v, c in zip(values, counts, strict=True)}


def _per_class(predictions: dict[str, Any], names: list[str], out_dir: Path) -> Path:
    confusion = np.asarray(predictions["confusion"], dtype=np.int64)
    ious = class_ious(confusion)
    pixels = confusion.sum(0) + confusion.sum(1)
    shown = np.sort(np.argsort(-pixels, kind="mergesort")[:MOST_CLASSES_SHOWN])[::-1]
    panoptic = "panoptic_stats" in predictions
    height = 0.28 * len(shown) + 1.6
    fig, axes = panels(1, 2 if panoptic else 1, 11 if panoptic else 6.4, height)
    subset = "" if len(shown) == len(names) else f", {len(shown)} classes with most pixels"
    branch = "semantic branch " if panoptic else ""
    _bars(axes[0], ious["iou"], ious["mean_iou"], shown, names, "mean IoU")
    axes[0].set_title(f"{branch}IoU per class, every held-out pixel{subset}", fontsize=9)
    values: dict[str, Any] = {"class_names": names, **ious, "confusion": confusion.tolist()}
    if panoptic:
        quality = class_panoptic_quality(predictions["panoptic_stats"])
        things = {int(k) for k in predictions["thing_classes"]}
        pq = panoptic_quality(torch.as_tensor(np.asarray(predictions["panoptic_stats"], float)))
        _bars(axes[1], quality["pq"], pq["pq"], shown, names, "PQ (all classes)", things)
        axes[1].set_title(f"panoptic quality per class{subset}", fontsize=9)
        values.update(quality, pq_mean=pq["pq"], thing_classes=sorted(things))
    return save(fig, out_dir, "per_class_iou", values)


def _bars(ax, scores, mean, shown, names, mean_label: str, things=frozenset()) -> None:
    """A bar per shown class in its colour, its value at the end; "absent" where it has none."""
    positions = np.arange(len(shown))
    for y, k in zip(positions, shown, strict=True):
        value = scores[k]
        if value is None:
            ax.text(0.01, y, "absent", va="center", fontsize=7, color="grey")
            continue
        ax.barh(y, value, color=class_colour(int(k)), height=0.7)
        ax.text(min(value, 0.88) + 0.01, y, f"{value:.3f}", va="center", fontsize=7)
    ax.axvline(mean, color="black", linestyle="--", linewidth=1, label=f"{mean_label} {mean:.3f}")
    labels = [names[k] + (" (thing)" if k in things else "") for k in shown]
    ax.set_yticks(positions, labels, fontsize=8)
    ax.set(xlim=(0, 1))
    ax.grid(axis="x", alpha=0.3)
    ax.legend(fontsize=7, loc="lower right")
