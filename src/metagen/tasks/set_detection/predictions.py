"""DETR's held-out detections for the plots, decoded as its evaluator does (library only)."""

from metagen.predictions.detections import collect_detections
from metagen.tasks.set_detection.evaluate import set_detections


def collect_set_detections(model, batches, device, info) -> dict:
    return collect_detections(model, batches, device, info, decode=set_detections)
