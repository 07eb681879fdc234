"""Instance segmentation: the dense detector's detections with each one's dynamic mask, scored
by COCO box AP and mask AP against the no-detections baseline."""

import torch
import torch.nn.functional as F

from metagen.evaluate.detection_eval import dense_detections, evaluate_detector
from metagen.tasks.instance_segmentation.loss import (
    condinst_mask_logits,
    instance_segmentation_loss,
)


def instance_detections(outputs: dict, images: torch.Tensor) -> list[dict]:
    """dense_detections plus "masks" (N, H, W) bool: each detection's mask logits, upsampled
    bilinearly to the image, above 0 (probability 0.5)."""
    height, width = images.shape[-2:]
    found = dense_detections(outputs, images)
    for b, detection in enumerate(found):
        cells = detection["cells"]
        features = outputs["mask_features"][b : b + 1].expand(len(cells), -1, -1, -1)
        logits = condinst_mask_logits(
            outputs["mask_params"][b, cells],
            features,
            outputs["anchor_points"][cells],
            outputs["strides"][cells],
        )
        logits = F.interpolate(
            logits[:, None], size=(height, width), mode="bilinear", align_corners=False
        )[:, 0]
        detection["masks"] = logits > 0
    return found


def evaluate_instance_segmentation(model, batches, device) -> dict:
    return evaluate_detector(
        model,
        batches,
        device,
        instance_detections,
        instance_segmentation_loss,
        iou_types=("bbox", "segm"),
    )
