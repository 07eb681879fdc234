"""The detection plots draw what the evaluator measures: each class's AP at IoU 0.5 equals
pycocotools' COCOeval at IoU 0.5, the area under each drawn curve equals that AP, the
mean is the evaluator's map50, and the sample pictures show the confident detections only.

The detections are made up from the truth (moved boxes, swapped classes, false alarms with
random scores), so every AP lies strictly between 0 and 1 and the comparison means something;
a fresh smoke model of each detection task is checked against its own evaluator."""

from __future__ import annotations

import contextlib
import io
import json

import numpy as np
import pytest
import torch
from PIL import Image
from pycocotools import mask as mask_utils
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval
from tests.report.held_out import smoke_model_and_batches

from metagen.evaluate.coco_map import coco_average_precision
from metagen.predictions.detections import (
    SAMPLE_IMAGES,
    SAMPLE_MOST_PER_IMAGE,
    SAMPLE_SCORE,
    collect_detections,
)
from metagen.report.plots.detections import coco_pr_curve, draw
from metagen.report.predictions import load_predictions, save_predictions
from metagen.tasks.registry import runtime_task
from metagen.tasks.runtime import resolve

NUM_CLASSES, SIZE, IMAGES, BATCH = 3, 32, 24, 6
NAMES = ["cat", "dog", "bird"]
IOU_TYPES = {"bbox": "box", "segm": "mask"}


def _box_mask(box: torch.Tensor) -> torch.Tensor:
    """(SIZE, SIZE) bool: the pixels inside an (x0, y0, x1, y1) box, an ellipse's worth."""
    yy, xx = torch.meshgrid(torch.arange(SIZE) + 0.5, torch.arange(SIZE) + 0.5, indexing="ij")
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    rx, ry = (box[2] - box[0]) / 2, (box[3] - box[1]) / 2
    return ((xx - cx) / rx).square() + ((yy - cy) / ry).square() <= 1


def _random_box(rng: np.random.Generator) -> torch.Tensor:
    x0, y0 = rng.integers(0, SIZE - 10, size=2)
    w, h = rng.integers(6, 14, size=2)
    return torch.tensor([x0, y0, min(x0 + w, SIZE), min(y0 + h, SIZE)], dtype=torch.float32)


def _scenes(seed: int = 0):
    """(batches with up to 3 true objects per image and their masks, made-up detections per
    image: each true object found (moved a little, 1 in 10 with the wrong class) 4 times in 5,
    and up to 3 false alarms; every score distinct)."""
    rng = np.random.default_rng(seed)
    batches, found = [], []
    for start in range(0, IMAGES, BATCH):
        boxes = torch.zeros(BATCH, 3, 4)
        classes = torch.full((BATCH, 3), -1, dtype=torch.long)
        masks = torch.zeros(BATCH, 3, SIZE, SIZE, dtype=torch.uint8)
        for b in range(BATCH):
            for g in range(int(rng.integers(1 if start + b else 0, 4))):
                boxes[b, g] = _random_box(rng)
                classes[b, g] = int(rng.integers(NUM_CLASSES))
                masks[b, g] = _box_mask(boxes[b, g])
            found.append(_detections(boxes[b], classes[b], rng))
        images = torch.randn(BATCH, 3, SIZE, SIZE)
        batches.append({"images": images, "gt_boxes": boxes, "gt_classes": classes,
                        "gt_masks": masks})  # fmt: skip
    return batches, found


def _detections(boxes: torch.Tensor, classes: torch.Tensor, rng: np.random.Generator) -> dict:
    kept_boxes, kept_classes, scores = [], [], []
    for box, k in zip(boxes, classes, strict=True):
        if k >= 0 and rng.random() < 0.8:
            moved = (box + torch.from_numpy(rng.normal(0, 1.5, 4)).float()).clamp(0, SIZE)
            kept_boxes.append(moved)
            wrong = rng.random() < 0.1
            kept_classes.append(int((k + 1) % NUM_CLASSES) if wrong else int(k))
            scores.append(rng.uniform(0.2, 1.0))
    for _ in range(int(rng.integers(0, 4))):
        kept_boxes.append(_random_box(rng))
        kept_classes.append(int(rng.integers(NUM_CLASSES)))
        scores.append(rng.uniform(0.0, 0.7))
    stacked = torch.stack(kept_boxes) if kept_boxes else torch.zeros(0, 4)
    return {
        "boxes": stacked,
        "scores": torch.tensor(scores, dtype=torch.float32),
        "classes": torch.tensor(kept_classes, dtype=torch.long),
        "masks": torch.stack([_box_mask(box) for box in stacked])
        if len(stacked)
        else torch.zeros(0, SIZE, SIZE, dtype=torch.bool),
    }


def _collected(batches, found, iou_types, tmp_path) -> dict:
    """collect_detections with a decoder that hands out `found` in order, saved and read back."""
    given = iter(found)

    def decode(outputs, images):
        return [dict(next(given)) for _ in range(len(images))]

    collected = collect_detections(
        lambda images: None, iter(batches), torch.device("cpu"),
        {"class_names": NAMES, "num_classes": NUM_CLASSES}, decode=decode, iou_types=iou_types,
    )  # fmt: skip
    return load_predictions(save_predictions(collected, tmp_path / "predictions"))


def _truth(batches) -> list[dict]:
    images = []
    for batch in batches:
        for b in range(len(batch["images"])):
            valid = batch["gt_classes"][b] >= 0
            images.append({"boxes": batch["gt_boxes"][b][valid],
                           "labels": batch["gt_classes"][b][valid],
                           "masks": batch["gt_masks"][b][valid].bool()})  # fmt: skip
    return images


def _pycocotools_ap50(batches, found, iou_type: str) -> dict[int, float]:
    """Per class AP at IoU 0.5 by pycocotools' COCOeval (area "all", 100 detections), for the
    classes with true objects."""
    annotations, results = [], []
    for i, (truth, detection) in enumerate(zip(_truth(batches), found, strict=True)):
        for box, k, mask in zip(truth["boxes"], truth["labels"], truth["masks"], strict=True):
            annotations.append({"id": len(annotations) + 1, "image_id": i + 1,
                                "category_id": int(k) + 1, "iscrowd": 0,
                                **_coco_shape(box, mask, iou_type)})  # fmt: skip
        for box, k, score, mask in zip(detection["boxes"], detection["classes"],
                                       detection["scores"], detection["masks"], strict=True):  # fmt: skip
            results.append({"image_id": i + 1, "category_id": int(k) + 1, "score": float(score),
                            **_coco_shape(box, mask, iou_type)})  # fmt: skip
    coco = COCO()
    coco.dataset = {
        "images": [{"id": i + 1, "width": SIZE, "height": SIZE} for i in range(IMAGES)],
        "annotations": annotations,
        "categories": [{"id": k + 1, "name": name} for k, name in enumerate(NAMES)],
    }
    with contextlib.redirect_stdout(io.StringIO()):
        coco.createIndex()
        evaluation = COCOeval(coco, coco.loadRes(results), iou_type)
        evaluation.params.iouThrs = np.array([0.5])
        evaluation.evaluate()
        evaluation.accumulate()
    precision = evaluation.eval["precision"][0, :, :, 0, -1]  # (recall points, K): area all, 100
    return {k: float(precision[:, k].mean()) for k in range(NUM_CLASSES) if precision[0, k] > -1}


def _coco_shape(box: torch.Tensor, mask: torch.Tensor, iou_type: str) -> dict:
    x0, y0, x1, y1 = (float(v) for v in box)
    if iou_type == "bbox":
        return {"bbox": [x0, y0, x1 - x0, y1 - y0], "area": (x1 - x0) * (y1 - y0)}
    rle = mask_utils.encode(np.asfortranarray(mask.numpy().astype(np.uint8)))
    return {"segmentation": rle, "area": float(mask.sum()), "bbox": [x0, y0, x1 - x0, y1 - y0]}


@pytest.mark.parametrize("iou_type", ["bbox", "segm"])
def test_each_curves_ap_is_pycocotools_ap50_and_the_area_under_it(iou_type, tmp_path) -> None:
    batches, found = _scenes()
    predictions = _collected(batches, found, (iou_type,), tmp_path)
    draw(predictions, tmp_path)
    kind = IOU_TYPES[iou_type]
    plotted = json.loads((tmp_path / f"{kind}_pr_curves.json").read_text())
    reference = _pycocotools_ap50(batches, found, iou_type)
    assert set(plotted["classes"]) == {NAMES[k] for k in reference}
    for k, expected in reference.items():
        curve = plotted["classes"][NAMES[k]]
        assert 0.05 < curve["ap"] < 0.99, (k, curve["ap"])  # a real test: neither none nor all
        assert curve["ap"] == pytest.approx(expected, abs=1e-6), NAMES[k]
        area = np.trapezoid(curve["drawn_precision"], curve["drawn_recall"])
        assert area == pytest.approx(curve["ap"], abs=1e-12)
    # the mean is the evaluator's own map50 on the same detections
    truth = [{"classes": t["labels"].numpy(), "boxes": t["boxes"].numpy(),
              "masks": t["masks"].numpy()} for t in _truth(batches)]  # fmt: skip
    found_np = [{k: v.numpy() for k, v in d.items()} for d in found]
    evaluator = coco_average_precision(truth, found_np, iou_type)["map50"]
    assert plotted["map50"] == pytest.approx(evaluator, abs=1e-12)


def test_a_curve_by_hand() -> None:
    """Three detections, best first right, wrong, right, and two true objects: precision 1 up to
    recall 0.5 (51 of the 101 points), then 2/3 (the envelope of 1/2 and 2/3) up to recall 1."""
    curve = coco_pr_curve(np.array([0.7, 0.9, 0.8]), np.array([True, True, False]), 2)
    assert curve["precision"][:51] == pytest.approx([1.0] * 51)
    assert curve["precision"][51:] == pytest.approx([2 / 3] * 50)
    assert curve["ap"] == pytest.approx((51 + 50 * 2 / 3) / 101)
    assert curve["num_matched"] == 2 and curve["num_detections"] == 3


def test_the_samples_show_the_confident_detections_and_every_true_object(tmp_path) -> None:
    batches, found = _scenes(seed=1)
    predictions = _collected(batches, found, ("bbox", "segm"), tmp_path)
    drawn = draw(predictions, tmp_path)
    assert [p.name for p in drawn] == ["box_pr_curves.png", "mask_pr_curves.png",
                                       "mask_samples.png"]  # fmt: skip
    shown = json.loads((tmp_path / "mask_samples.json").read_text())
    assert shown["truth_drawn"] == "the left panel of each pair"
    assert len(shown["samples"]) == SAMPLE_IMAGES
    for i, (sample, truth) in enumerate(zip(shown["samples"], _truth(batches), strict=False)):
        detection = found[i]
        confident = torch.argsort(detection["scores"], descending=True, stable=True)
        confident = confident[detection["scores"][confident] >= SAMPLE_SCORE]
        confident = confident[:SAMPLE_MOST_PER_IMAGE]
        assert [p["score"] for p in sample["predicted"]] == pytest.approx(
            detection["scores"][confident].tolist()
        )
        assert [p["class"] for p in sample["predicted"]] == [
            NAMES[int(k)] for k in detection["classes"][confident]
        ]
        assert [t["class"] for t in sample["true"]] == [NAMES[int(k)] for k in truth["labels"]]
        # each mask shows where no more confident mask covers it
        covered = torch.zeros(SIZE, SIZE, dtype=torch.bool)
        for entry, index in zip(sample["predicted"], confident, strict=True):
            mask = detection["masks"][index]
            assert entry["mask_pixels"] == int((mask & ~covered).sum())
            covered |= mask


def test_nothing_predicted_still_draws_real_pictures(tmp_path) -> None:
    batches, found = _scenes(seed=2)
    empty = [{k: v[:0] for k, v in detection.items()} for detection in found]
    predictions = _collected(batches, empty, ("bbox",), tmp_path)
    drawn = draw(predictions, tmp_path)
    curves = json.loads((tmp_path / "box_pr_curves.json").read_text())
    assert curves["num_detections"] == 0 and curves["map50"] == 0.0
    assert all(curve["ap"] == 0.0 for curve in curves["classes"].values())
    samples = json.loads((tmp_path / "detection_samples.json").read_text())
    assert all(sample["predicted"] == [] for sample in samples["samples"])
    assert samples["truth_drawn"] == "dashed boxes"
    for path in drawn:
        with Image.open(path) as image:
            assert min(image.size) >= 150 and image.convert("L").getextrema()[0] < 200


@pytest.mark.parametrize("task", ["dense_detection", "set_detection", "instance_segmentation"])
def test_a_smoke_models_curves_give_its_evaluators_map50(task, tmp_path) -> None:
    model, batches, info = smoke_model_and_batches(task, batches=2)
    row = runtime_task(task)
    with torch.no_grad():
        predictions = resolve(row.predictions)(model, iter(batches), torch.device("cpu"), info)
        evaluated = resolve(row.evaluator)(model, iter(batches), torch.device("cpu"))
    draw(load_predictions(save_predictions(predictions, tmp_path / "predictions")), tmp_path)
    for kind, prefix in (("box", ""), ("mask", "mask_")):
        if kind in predictions["iou_types"]:
            plotted = json.loads((tmp_path / f"{kind}_pr_curves.json").read_text())
            assert plotted["map50"] == pytest.approx(evaluated[f"{prefix}map50"], abs=1e-9)
