"""What a detector finds on held-out batches, in two parts. For the precision-recall curves at
IoU 0.5: every detection the evaluator scores, with its score, its class and whether it matched
a true object at IoU 0.5, matched by the evaluator's own COCO matching (evaluate/coco_map.py),
and the true objects per class. For the sample pictures: the first few images, their confident
detections and their true objects.

Detections and true objects of the samples are flat arrays with the index of their image (an
image holds any number); masks are one (H, W) map per image of the detection drawn at each
pixel, the most confident where masks overlap (what a picture of them shows anyway), so a
sample costs one map whatever the number of masks."""

from __future__ import annotations

import numpy as np

from metagen.data.batch import model_inputs, move_batch
from metagen.evaluate.coco_map import CocoAccumulator
from metagen.evaluate.detection_eval import _as_numpy, _ground_truth, dense_detections

SAMPLE_IMAGES = 8
# Ultralytics' default confidence for pictures of predictions (`predict`'s conf): fainter
# detections still count in the curves, but would bury the picture.
SAMPLE_SCORE = 0.25
SAMPLE_MOST_PER_IMAGE = 20  # the most confident detections drawn on one sample
IOU_PREFIX = {"bbox": "box", "segm": "mask"}  # the evaluator's IoU types, by what they match


def collect_detections(model, batches, device, info, *, decode, iou_types=("bbox",)) -> dict:
    """{"kind": "detections", "class_names", "iou_types" ("box", "mask"), per IoU type
    "<type>_pr_scores", "_pr_classes", "_pr_matched" (D,) and "_truth_counts" (K,), and the
    samples (`_Samples.arrays`)}. `decode(outputs, images)` is the evaluator's decoder."""
    accumulators = {iou_type: CocoAccumulator(iou_type) for iou_type in iou_types}
    samples = _Samples(with_masks="segm" in iou_types)
    num_images = 0
    for batch in batches:
        batch = move_batch(batch, device)
        outputs = model(**model_inputs(batch))
        found = decode(outputs, batch["images"])
        for image, truth, detection in zip(
            batch["images"], _ground_truth(batch), found, strict=True
        ):
            detection = _as_numpy(detection)
            for accumulator in accumulators.values():
                accumulator.add(truth, detection)
            samples.add(image, truth, detection)
            num_images += 1
    if num_images == 0:
        raise ValueError("no held-out batches to predict on")
    names = info.get("class_names") or [str(k) for k in range(int(info["num_classes"]))]
    collected = {
        "kind": "detections",
        "class_names": [str(name) for name in names],
        "iou_types": [IOU_PREFIX[iou_type] for iou_type in iou_types],
        "sample_score": SAMPLE_SCORE,
        "num_images": num_images,
        **samples.arrays(),
    }
    for iou_type, accumulator in accumulators.items():
        pr = _matched_at_iou50(accumulator, len(names))
        collected.update({f"{IOU_PREFIX[iou_type]}_{key}": value for key, value in pr.items()})
    return collected


def collect_dense_detections(model, batches, device, info) -> dict:
    """The dense (YOLO) detector's detections, decoded as its evaluator does."""
    return collect_detections(model, batches, device, info, decode=dense_detections)


def _matched_at_iou50(accumulator: CocoAccumulator, num_classes: int) -> dict[str, np.ndarray]:
    """Every detection the accumulator scored, class by class in the order added: its score,
    class and match at the first COCO threshold (IoU 0.5), and the true objects per class."""
    scores, classes, matched = [], [], []
    truth_counts = np.zeros(num_classes, dtype=np.int64)
    for k, (class_scores, matches, counts) in sorted(accumulator.per_class.items()):
        kept = np.concatenate(class_scores)
        scores.append(kept)
        classes.append(np.full(len(kept), k, dtype=np.int64))
        # (D,) at COCO's first threshold, 0.5 (the tests hold it to pycocotools' AP at 0.5)
        matched.append(np.concatenate(matches, axis=1)[0])
        truth_counts[k] = sum(counts)
    return {
        "pr_scores": np.concatenate(scores) if scores else np.zeros(0),
        "pr_classes": np.concatenate(classes) if classes else np.zeros(0, dtype=np.int64),
        "pr_matched": np.concatenate(matched) if matched else np.zeros(0, dtype=bool),
        "truth_counts": truth_counts,
    }


class _Samples:
    """The first SAMPLE_IMAGES images, with their detections scoring SAMPLE_SCORE or more (the
    SAMPLE_MOST_PER_IMAGE best) and their true objects, kept as flat arrays."""

    def __init__(self, with_masks: bool) -> None:
        self.with_masks = with_masks
        self.images: list[np.ndarray] = []
        self.found: dict[str, list[np.ndarray]] = {"boxes": [], "scores": [], "classes": []}
        self.truth: dict[str, list[np.ndarray]] = {"boxes": [], "classes": []}
        self.found_masks: list[np.ndarray] = []
        self.true_masks: list[np.ndarray] = []

    def add(self, image, truth: dict, detection: dict) -> None:
        """One image (C, H, W) tensor, and its truth and detections as numpy arrays."""
        if len(self.images) >= SAMPLE_IMAGES:
            return
        order = np.argsort(-detection["scores"], kind="mergesort")
        order = order[detection["scores"][order] >= SAMPLE_SCORE][:SAMPLE_MOST_PER_IMAGE]
        for key, kept in self.found.items():
            kept.append(np.asarray(detection[key])[order])
        for key, kept in self.truth.items():
            kept.append(np.asarray(truth[key]))
        if self.with_masks:
            self.found_masks.append(_owner_map(detection["masks"][order], image.shape[1:]))
            self.true_masks.append(_owner_map(truth["masks"], image.shape[1:]))
        self.images.append(image.float().cpu().numpy())

    def arrays(self) -> dict[str, np.ndarray]:
        """images (n, C, H, W); boxes (M, 4), scores, classes and image_index (M,) of the
        detections; true_boxes, true_classes and true_image_index of the truth; with masks,
        masks and true_masks (n, H, W): the index among the image's own detections (or true
        objects) drawn at each pixel, -1 for none."""
        arrays = {"images": np.stack(self.images)}
        for prefix, parts in (("", self.found), ("true_", self.truth)):
            for key, kept in parts.items():
                arrays[prefix + key] = np.concatenate(kept)
            counts = [len(kept) for kept in parts["classes"]]
            arrays[prefix + "image_index"] = np.repeat(np.arange(len(counts)), counts)
        arrays["boxes"] = arrays["boxes"].reshape(-1, 4)
        arrays["true_boxes"] = arrays["true_boxes"].reshape(-1, 4)
        if self.with_masks:
            arrays["masks"] = np.stack(self.found_masks)
            arrays["true_masks"] = np.stack(self.true_masks)
        return arrays


def _owner_map(masks: np.ndarray, size: tuple[int, ...]) -> np.ndarray:
    """(H, W) int16: the first of the (N, H, W) masks covering each pixel (the most confident,
    detections being best first), -1 where none does."""
    owner = np.full(size, -1, dtype=np.int16)
    masks = np.asarray(masks, dtype=bool)
    for index in range(len(masks) - 1, -1, -1):  # the first written last, over the others
        owner[masks[index]] = index
    return owner
