"""CondInst's held-out detections and masks for the plots, decoded as its evaluator does, with
curves for both its box and its mask matches (library only)."""

from metagen.predictions.detections import collect_detections
from metagen.tasks.instance_segmentation.evaluate import instance_detections


def collect_instance_segmentation(model, batches, device, info) -> dict:
    return collect_detections(
        model, batches, device, info, decode=instance_detections, iou_types=("bbox", "segm")
    )
