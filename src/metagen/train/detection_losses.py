"""The dense (YOLO-style) detection loss, which instance segmentation's adds its masks' to
(tasks/instance_segmentation/loss.py). Batches carry `gt_boxes` (B, M, 4) as (x0, y0, x1, y1)
pixels and `gt_classes` (B, M), padded with class -1 where an image has fewer than M objects.

YOLOv8: task-aligned targets (train/yolo_assign.py); binary cross-entropy on every cell's
class scores against the soft targets, GIoU and Distribution Focal Loss on the positives'
boxes, each positive weighted by its target score; all three divided by the sum of the target
scores; weights 7.5 (box), 0.5 (class), 1.5 (DFL) as in YOLOv8. DETR's set loss is
tasks/set_detection/loss.py.
"""

import torch
import torch.nn.functional as F

from metagen.train.box_ops import paired_giou
from metagen.train.yolo_assign import task_aligned_assign, yolo_boxes

YOLO_LOSS_WEIGHTS = {"box": 7.5, "cls": 0.5, "dfl": 1.5}


def distribution_focal_loss(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """logits (N, 4, R), target distances (N, 4) in bins -> (N,): cross-entropy toward the two
    bins around each target, weighted by closeness (Li et al., 2020), mean over the 4 sides."""
    R = logits.size(-1)
    target = target.clamp(0, R - 1 - 0.01)
    left = target.long()
    weight_left = left + 1 - target
    log_probs = logits.float().log_softmax(-1)  # (N, 4, R)
    nll_left = -log_probs.gather(-1, left[..., None]).squeeze(-1)
    nll_right = -log_probs.gather(-1, (left + 1)[..., None]).squeeze(-1)
    return (nll_left * weight_left + nll_right * (1 - weight_left)).mean(-1)


def dense_box_losses(outputs: dict, batch: dict) -> dict:
    """The dense detector's three terms, and what the assignment decided (the instance
    segmentation loss reuses both)."""
    box_logits, class_logits = outputs["box_logits"], outputs["class_logits"].float()
    points, strides = outputs["anchor_points"], outputs["strides"]
    pred_boxes = yolo_boxes(outputs["box_distances"], points, strides)
    target_boxes, target_scores, fg, owner = task_aligned_assign(
        class_logits.detach().sigmoid(),
        pred_boxes.detach(),
        points,
        batch["gt_boxes"].float(),
        batch["gt_classes"],
    )
    score_sum = target_scores.sum().clamp(min=1.0)
    terms = {
        "cls": F.binary_cross_entropy_with_logits(class_logits, target_scores, reduction="sum")
        / score_sum
    }
    weight = target_scores.sum(-1)[fg]  # (N,)
    giou = paired_giou(pred_boxes[fg], target_boxes[fg])
    terms["box"] = ((1 - giou) * weight).sum() / score_sum
    B, A = fg.shape
    cells = points[None].expand(B, A, 2)[fg]  # (N, 2)
    distances = torch.cat((cells - target_boxes[fg][:, :2], target_boxes[fg][:, 2:] - cells), -1)
    distances = distances / strides[None].expand(B, A)[fg][:, None]
    terms["dfl"] = (distribution_focal_loss(box_logits[fg], distances) * weight).sum() / score_sum
    return {"terms": terms, "foreground": fg, "owner": owner, "target_scores": target_scores}


def dense_detection_loss(outputs: dict, batch: dict, label_smoothing: float = 0.0):
    terms = dense_box_losses(outputs, batch)["terms"]
    return sum(YOLO_LOSS_WEIGHTS[name] * value for name, value in terms.items())
