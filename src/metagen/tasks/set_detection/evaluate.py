"""DETR's detections and held-out COCO mAP (evaluate/detection_eval.py scores them). Set
decoding keeps every query's best real class, as DETR's PostProcess; the top 100 by score."""

import torch

from metagen.evaluate.detection_eval import DETECTION_MAX, evaluate_detector
from metagen.tasks.set_detection.loss import set_detection_loss
from metagen.train.box_ops import cxcywh_to_xyxy


def set_detections(outputs: dict, images: torch.Tensor) -> list[dict]:
    """The last decoder layer's queries as detections, in the same form as dense_detections."""
    height, width = images.shape[-2:]
    probs = outputs["class_logits"][:, -1].float().softmax(-1)[..., :-1]  # (B, Q, K)
    scores, classes = probs.max(-1)
    scale = torch.tensor([width, height, width, height], device=probs.device)
    boxes = cxcywh_to_xyxy(outputs["boxes"][:, -1].float()) * scale  # (B, Q, 4)
    results = []
    for b in range(len(scores)):
        order = scores[b].argsort(descending=True, stable=True)[:DETECTION_MAX]
        results.append(
            {"boxes": boxes[b, order], "scores": scores[b, order], "classes": classes[b, order]}
        )
    return results


def evaluate_set_detection(model, batches, device) -> dict:
    return evaluate_detector(model, batches, device, set_detections, set_detection_loss)
