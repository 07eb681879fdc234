"""A detector's held-out plots: precision-recall curves per class at IoU 0.5, of boxes (and of
masks for instance segmentation), and sample pictures of the predicted and true objects.

The curves are COCO's, as pycocotools and the evaluator's map50 compute them: the precision at
101 recall points (0, 0.01, ..., 1), each the best precision at that recall or beyond, whose
mean is the AP. Point i is drawn over its own 1/101 of the recall axis, [i/101, (i+1)/101]
(which holds i/100), so the area under the drawn steps is the AP exactly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from metagen.evaluate.coco_map import _precision_at_recalls, coco_recall_points
from metagen.report.plots.pictures import (
    class_legend,
    corner_note,
    draw_box,
    grid_with_legend,
    label,
    paint_classes,
    paint_outlines,
    show_image,
)
from metagen.report.plots.style import class_colour, figure, note, save

MOST_CURVES = 10  # beyond: the classes with the most true objects; the JSON has all
WHAT_MATCHED = {"box": "Box", "mask": "Mask"}
NO_PREDICTIONS = "no predictions above the score threshold"


def draw(predictions: dict[str, Any], out_dir: Path) -> list[Path]:
    names = [str(name) for name in predictions["class_names"]]
    drawn = [_pr_curves(predictions, kind, names, out_dir) for kind in predictions["iou_types"]]
    drawn.append(_samples(predictions, names, out_dir))
    return drawn


def coco_pr_curve(scores: np.ndarray, matched: np.ndarray, num_true: int) -> dict[str, Any]:
    """One class's interpolated precision at the COCO recall points from its detections'
    scores and matches (best first after a stable sort, as the evaluator), its AP (their
    mean), and the vertices of the drawn steps."""
    order = np.argsort(-np.asarray(scores, float), kind="mergesort")
    matched = np.asarray(matched, bool)[order]
    precision = _precision_at_recalls(matched[None], num_true)[0]  # (101,)
    edges = np.arange(len(precision) + 1) / len(precision)
    return {
        "recall_points": coco_recall_points().tolist(),
        "precision": precision.tolist(),
        "ap": float(precision.mean()),
        "drawn_recall": np.repeat(edges, 2)[1:-1].tolist(),
        "drawn_precision": np.repeat(precision, 2).tolist(),
        "num_true": int(num_true),
        "num_detections": int(len(matched)),
        "num_matched": int(matched.sum()),
    }


def _pr_curves(predictions: dict[str, Any], kind: str, names: list[str], out_dir: Path) -> Path:
    scores = np.asarray(predictions[f"{kind}_pr_scores"], float)
    classes = np.asarray(predictions[f"{kind}_pr_classes"]).astype(int)
    matched = np.asarray(predictions[f"{kind}_pr_matched"]).astype(bool)
    counts = np.asarray(predictions[f"{kind}_truth_counts"]).astype(int)
    with_truth = [k for k in np.argsort(-counts, kind="mergesort") if counts[k] > 0]
    curves = {
        names[k]: coco_pr_curve(scores[classes == k], matched[classes == k], counts[k])
        for k in sorted(with_truth)
    }
    map50 = float(np.mean([c["ap"] for c in curves.values()])) if curves else None
    fig, ax = figure(7.4, 5.0)
    if not curves:
        note(ax, "no true objects in the held-out images: no curve to draw")
    for k in with_truth[:MOST_CURVES]:
        curve = curves[names[k]]
        ax.plot(curve["drawn_recall"], curve["drawn_precision"], color=class_colour(int(k)),
                label=f"{names[k]} (AP50 {curve['ap']:.3f}, {curve['num_true']} true)")  # fmt: skip
    if curves:
        if len(scores) == 0:
            ax.text(0.5, 0.5, NO_PREDICTIONS, ha="center", va="center", transform=ax.transAxes)
        shown = "" if len(with_truth) <= MOST_CURVES else f", {MOST_CURVES} classes most present"
        ax.set(xlabel="recall", ylabel="precision (interpolated)", xlim=(0, 1), ylim=(0, 1.02))
        ax.set_title(
            f"{WHAT_MATCHED[kind]} precision-recall at IoU 0.5 (mAP50 {map50:.3f}{shown})\n"
            "COCO's 101-point precision; the area under each curve is its AP", fontsize=10,
        )  # fmt: skip
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="best")
    values = {
        "iou_threshold": 0.5,
        "matched": kind,
        "map50": map50,
        "classes": curves,
        "classes_without_truth": [names[k] for k in range(len(names)) if counts[k] == 0],
        "num_detections": int(len(scores)),
        "num_images": int(predictions["num_images"]),
    }
    return save(fig, out_dir, f"{kind}_pr_curves", values)


def _samples(predictions: dict[str, Any], names: list[str], out_dir: Path) -> Path:
    """Each sample image with its detections scoring at least the threshold, in their class
    colours labelled with class and score: truth dashed on the same panel for boxes, or its
    masks on a panel of its own to the left for instance segmentation."""
    images = np.asarray(predictions["images"], dtype=float)
    with_masks = "masks" in predictions
    threshold = float(predictions["sample_score"])
    per_row = 2 if with_masks else 4
    columns = (2 if with_masks else 1) * min(per_row, len(images))
    rows = -(-len(images) // per_row)
    seen = np.unique(np.r_[predictions["classes"], predictions["true_classes"]]).astype(int)
    fig, axes, legend_ax = grid_with_legend(rows, columns, 2.6, len(seen))
    shown = []
    for i, image in enumerate(images):
        found = _objects(predictions, "", i)
        truth = _objects(predictions, "true_", i)
        if with_masks:
            truth_ax, found_ax = axes[2 * i], axes[2 * i + 1]
            _masks_panel(truth_ax, image, truth, predictions["true_masks"][i], names)
            _masks_panel(found_ax, image, found, predictions["masks"][i], names)
            truth_ax.set_title("truth", fontsize=8)
            found_ax.set_title("prediction", fontsize=8)
        else:
            found_ax = axes[i]
            _boxes_panel(found_ax, image, found, truth, names)
        if len(found["classes"]) == 0:
            corner_note(found_ax, f"{NO_PREDICTIONS} {threshold:g}")
        shown.append(_sample_values(found, truth, names, predictions.get("masks"), i))
    class_legend(legend_ax, names, seen)
    truth_drawn = "the left panel of each pair" if with_masks else "dashed boxes"
    fig.suptitle(
        f"Held-out samples: predictions scoring {threshold:g} or more (class and score); "
        f"truth: {truth_drawn}", fontsize=10,
    )  # fmt: skip
    values = {"score_threshold": threshold, "truth_drawn": truth_drawn, "samples": shown}
    return save(fig, out_dir, "mask_samples" if with_masks else "detection_samples", values)


def _objects(predictions: dict[str, Any], prefix: str, image: int) -> dict[str, np.ndarray]:
    """The boxes, classes (and scores, for predictions) of one sample image, in stored order."""
    mine = np.asarray(predictions[f"{prefix}image_index"]) == image
    keys = ("boxes", "classes") if prefix else ("boxes", "classes", "scores")
    return {key: np.asarray(predictions[prefix + key])[mine] for key in keys}


def _boxes_panel(ax, image, found: dict, truth: dict, names: list[str]) -> None:
    show_image(ax, image)
    for box, k in zip(truth["boxes"], truth["classes"], strict=True):
        draw_box(ax, box, class_colour(int(k)), dashed=True)
    _labelled_boxes(ax, found, names, image.shape[-2])


def _masks_panel(ax, image, objects: dict, owners: np.ndarray, names: list[str]) -> None:
    """The objects' masks (`owners`: the object drawn at each pixel, -1 none) in their class
    colours, outlined, with a label each."""
    owners = np.asarray(owners).astype(int)
    classes = np.asarray(objects["classes"]).astype(int)
    show_image(ax, image)
    pixel_classes = np.append(classes, -1)[owners]  # owner -1 picks the appended -1
    paint_classes(ax, pixel_classes)
    paint_outlines(ax, owners, pixel_classes)
    _labelled_boxes(ax, objects, names, image.shape[-2], boxes="scores" in objects)


def _labelled_boxes(ax, objects: dict, names, height: int, boxes: bool = True) -> None:
    """A label per object at its box's top-left corner (class, and score where it has one),
    and the box itself where `boxes`."""
    scores = objects.get("scores")
    for j, (box, k) in enumerate(zip(objects["boxes"], objects["classes"], strict=True)):
        colour = class_colour(int(k))
        if boxes:
            draw_box(ax, box, colour)
        text = names[int(k)] if scores is None else f"{names[int(k)]} {scores[j]:.2f}"
        label(ax, float(box[0]), float(box[1]), text, colour, height)


def _sample_values(found, truth, names, masks, image: int) -> dict[str, Any]:
    """What one sample panel shows, as numbers: each object's class, box (and score, and the
    mask pixels drawn for it)."""
    predicted = [
        {"class": names[int(k)], "score": float(s), "box": [float(v) for v in box]}
        for box, k, s in zip(found["boxes"], found["classes"], found["scores"], strict=True)
    ]
    if masks is not None:
        owners = np.asarray(masks[image])
        for j, entry in enumerate(predicted):
            entry["mask_pixels"] = int((owners == j).sum())
    true = [
        {"class": names[int(k)], "box": [float(v) for v in box]}
        for box, k in zip(truth["boxes"], truth["classes"], strict=True)
    ]
    return {"predicted": predicted, "true": true}
