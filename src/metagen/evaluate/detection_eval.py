"""Detections from model outputs, and held-out COCO mAP against the no-detections baseline.

Dense (YOLO) decoding follows Ultralytics' validation settings: every (cell, class) score
above 0.001 is a candidate (at most 1000 per image, best first), per-class NMS at IoU 0.7,
then the 100 best. Set (DETR) decoding is tasks/set_detection/evaluate.py.
"""

import torch

from metagen.data.batch import model_inputs, move_batch
from metagen.evaluate.coco_map import CocoAccumulator
from metagen.train.box_ops import batched_nms
from metagen.train.detection_losses import dense_detection_loss
from metagen.train.yolo_assign import yolo_boxes

DETECTION_SCORE_THRESHOLD = 0.001
DETECTION_NMS_IOU = 0.7
DETECTION_PRE_NMS = 1000
DETECTION_MAX = 100


def dense_detections(outputs: dict, images: torch.Tensor) -> list[dict]:
    """Per image: {"boxes" (N, 4) pixels (x0, y0, x1, y1), "scores" (N,), "classes" (N,),
    "cells" (N,) the cell each detection came from}."""
    height, width = images.shape[-2:]
    boxes = yolo_boxes(outputs["box_distances"], outputs["anchor_points"], outputs["strides"])
    limits = torch.tensor([width, height, width, height], device=boxes.device)
    boxes = torch.minimum(boxes.clamp(min=0), limits)
    scores = outputs["class_logits"].float().sigmoid()  # (B, A, K)
    K = scores.size(-1)
    results = []
    for image_boxes, image_scores in zip(boxes, scores, strict=True):
        flat = image_scores.flatten()  # (A * K,): cell a, class k at a * K + k
        count = min(DETECTION_PRE_NMS, int((flat > DETECTION_SCORE_THRESHOLD).sum()))
        top = flat.topk(count)
        cells, classes = top.indices // K, top.indices % K
        keep = batched_nms(image_boxes[cells], top.values, classes, DETECTION_NMS_IOU)
        keep = keep[:DETECTION_MAX]
        results.append(
            {
                "boxes": image_boxes[cells][keep],
                "scores": top.values[keep],
                "classes": classes[keep],
                "cells": cells[keep],
            }
        )
    return results


def _ground_truth(batch: dict) -> list[dict]:
    images = []
    for b in range(batch["gt_classes"].size(0)):
        valid = batch["gt_classes"][b] >= 0
        truth = {
            "classes": batch["gt_classes"][b][valid].cpu().numpy(),
            "boxes": batch["gt_boxes"][b][valid].float().cpu().numpy(),
        }
        if "gt_masks" in batch:
            truth["masks"] = batch["gt_masks"][b][valid].bool().cpu().numpy()
        images.append(truth)
    return images


def _as_numpy(detection: dict) -> dict:
    return {
        k: v.float().cpu().numpy() if v.is_floating_point() else v.cpu().numpy()
        for k, v in detection.items()
    }


def _nothing(detection: dict) -> dict:
    """The no-detections baseline for one image."""
    return {k: v[:0] for k, v in detection.items()}


def evaluate_detector(model, batches, device, decode, loss_fn, iou_types=("bbox",)) -> dict:
    """Mean loss per batch, COCO AP of the model's detections and of none at all (the
    baseline), on every held-out image given. Images are scored as they come (masks are
    never all held at once)."""
    scored = {t: CocoAccumulator(t) for t in iou_types}
    baseline = {t: CocoAccumulator(t) for t in iou_types}
    loss_sum, num_batches, num_images, num_objects, num_found = 0.0, 0, 0, 0, 0
    for batch in batches:
        batch = move_batch(batch, device)
        outputs = model(**model_inputs(batch))
        loss_sum += float(loss_fn(outputs, batch))
        num_batches += 1
        for truth, found in zip(
            _ground_truth(batch), decode(outputs, batch["images"]), strict=True
        ):
            found = _as_numpy(found)
            for iou_type in iou_types:
                scored[iou_type].add(truth, found)
                baseline[iou_type].add(truth, _nothing(found))
            num_images += 1
            num_objects += len(truth["classes"])
            num_found += len(found["classes"])
    if num_batches == 0:
        raise ValueError("cannot evaluate on an empty dataset")
    results = {"loss": loss_sum / num_batches}
    for iou_type in iou_types:
        prefix = "" if iou_type == "bbox" else "mask_"
        scores = scored[iou_type].result()
        results.update({f"{prefix}{k}": v for k, v in scores.items() if k != "classes_scored"})
        results[f"{prefix}no_detections_map"] = baseline[iou_type].result()["map"]
    results.update(
        num_samples=num_images, num_objects=num_objects, detections_per_image=num_found / num_images
    )
    return results


def evaluate_dense_detection(model, batches, device) -> dict:
    return evaluate_detector(model, batches, device, dense_detections, dense_detection_loss)
