"""COCO mAP (evaluate/coco_map.py) against pycocotools' COCOeval on fixed fixtures: boxes and
RLE masks (iscrowd 0), to 1e-6; and the no-detections baseline."""

from __future__ import annotations

import contextlib
import io

import numpy as np
import pytest
from pycocotools import mask as mask_utils
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

from metagen.evaluate.coco_map import coco_average_precision

HEIGHT, WIDTH, CLASSES = 40, 50, 4


def _random_box(rng) -> list[float]:
    x0, y0 = rng.uniform(0, WIDTH - 10), rng.uniform(0, HEIGHT - 10)
    return [x0, y0, x0 + rng.uniform(3, 20), y0 + rng.uniform(3, 20)]


def _box_mask(box: np.ndarray) -> np.ndarray:
    """A mask in the box, with a notch so masks and boxes give different IoUs."""
    x0, y0, x1, y1 = np.clip(np.round(box).astype(int), 0, [WIDTH, HEIGHT, WIDTH, HEIGHT])
    mask = np.zeros((HEIGHT, WIDTH), bool)
    mask[y0 : max(y1, y0 + 1), x0 : max(x1, x0 + 1)] = True
    mask[y0 : y0 + 2, x0 : x0 + 2] = False
    return mask


def fixture(seed: int, num_images: int = 12) -> tuple[list[dict], list[dict]]:
    """Images with 0-4 objects; detections near them (shifted, mislabelled) or anywhere."""
    rng = np.random.default_rng(seed)
    truth, found = [], []
    for _ in range(num_images):
        g = int(rng.integers(0, 5))
        boxes = np.array([_random_box(rng) for _ in range(g)]).reshape(-1, 4)
        classes = rng.integers(0, CLASSES, g)
        d = int(rng.integers(0, 8))
        dt_boxes, dt_classes = [], []
        for _ in range(d):
            near = g and rng.random() < 0.7
            box = boxes[rng.integers(g)] + rng.normal(0, 2, 4) if near else _random_box(rng)
            box = np.array(box)
            box[2:] = np.maximum(box[2:], box[:2] + 1)
            dt_boxes.append(box)
            same = near and rng.random() < 0.8
            dt_classes.append(classes[rng.integers(g)] if same else rng.integers(0, CLASSES))
        dt_boxes = np.array(dt_boxes).reshape(-1, 4)
        truth.append(
            {
                "classes": classes,
                "boxes": boxes,
                "masks": np.array([_box_mask(b) for b in boxes]).reshape(-1, HEIGHT, WIDTH),
            }
        )
        found.append(
            {
                "classes": np.array(dt_classes, int),
                "boxes": dt_boxes,
                "scores": rng.random(d),
                "masks": np.array([_box_mask(b) for b in dt_boxes]).reshape(-1, HEIGHT, WIDTH),
            }
        )
    return truth, found


def _rle(mask: np.ndarray) -> dict:
    return mask_utils.encode(np.asfortranarray(mask.astype(np.uint8)))


def pycocotools_stats(truth: list[dict], found: list[dict], iou_type: str) -> np.ndarray:
    """COCOeval's AP@[.5:.95], AP50, AP75 for the same images (ids from 1)."""
    annotations, results = [], []
    for i, (gt, dt) in enumerate(zip(truth, found, strict=True)):
        for box, k, mask in zip(gt["boxes"], gt["classes"], gt["masks"], strict=True):
            x0, y0, x1, y1 = box
            ann = {
                "id": len(annotations) + 1,
                "image_id": i + 1,
                "category_id": int(k) + 1,
                "iscrowd": 0,
                "bbox": [x0, y0, x1 - x0, y1 - y0],
                "area": (x1 - x0) * (y1 - y0),
            }
            if iou_type == "segm":
                ann.update(segmentation=_rle(mask), area=float(mask.sum()))
            annotations.append(ann)
        for box, k, s, mask in zip(
            dt["boxes"], dt["classes"], dt["scores"], dt["masks"], strict=True
        ):
            x0, y0, x1, y1 = box
            result = {"image_id": i + 1, "category_id": int(k) + 1, "score": float(s)}
            if iou_type == "segm":
                result["segmentation"] = _rle(mask)
            else:
                result["bbox"] = [x0, y0, x1 - x0, y1 - y0]
            results.append(result)
    coco = COCO()
    coco.dataset = {
        "images": [{"id": i + 1, "width": WIDTH, "height": HEIGHT} for i in range(len(truth))],
        "annotations": annotations,
        "categories": [{"id": k + 1, "name": str(k)} for k in range(CLASSES)],
    }
    with contextlib.redirect_stdout(io.StringIO()):
        coco.createIndex()
        evaluation = COCOeval(coco, coco.loadRes(results), iou_type)
        evaluation.evaluate()
        evaluation.accumulate()
        evaluation.summarize()
    return evaluation.stats[:3]


@pytest.mark.parametrize("iou_type", ["bbox", "segm"])
@pytest.mark.parametrize("seed", range(8))
def test_map_agrees_with_pycocotools(seed, iou_type) -> None:
    truth, found = fixture(seed)
    expected = pycocotools_stats(truth, found, iou_type)
    ours = coco_average_precision(truth, found, iou_type)
    assert 0.0 < expected[0] < 1.0  # a fixture that tests something
    np.testing.assert_allclose([ours["map"], ours["map50"], ours["map75"]], expected, atol=1e-6)


def test_no_detections_score_zero_and_exact_ones_score_one() -> None:
    truth, _ = fixture(3)
    empty = [
        {"classes": np.zeros(0, int), "scores": np.zeros(0), "boxes": np.zeros((0, 4))}
        for _ in truth
    ]
    assert coco_average_precision(truth, empty)["map"] == 0.0
    exact = [{**gt, "scores": np.linspace(1, 0.5, len(gt["classes"]))} for gt in truth]
    scores = coco_average_precision(truth, exact)
    assert scores["map"] == scores["map50"] == scores["map75"] == 1.0


def test_no_ground_truth_is_minus_one_as_cocoeval() -> None:
    nothing = [{"classes": np.zeros(0, int), "boxes": np.zeros((0, 4))}]
    found = [{"classes": np.array([1]), "scores": np.array([0.9]), "boxes": np.ones((1, 4))}]
    assert coco_average_precision(nothing, found)["map"] == -1.0
