"""Detection losses. Batches carry `gt_boxes` (B, M, 4) as (x0, y0, x1, y1) pixels and
`gt_classes` (B, M), padded with class -1 where an image has fewer than M objects.

dense_detection (YOLOv8): task-aligned targets (train/yolo_assign.py); binary cross-entropy
on every cell's class scores against the soft targets, GIoU and Distribution Focal Loss on
the positives' boxes, each positive weighted by its target score; all three divided by the
sum of the target scores; weights 7.5 (box), 0.5 (class), 1.5 (DFL) as in YOLOv8.

set_detection (DETR): each decoder layer's predictions are matched one-to-one to the ground
truth by the Hungarian algorithm (cost: -p(class) + 5 L1 + 2 (-GIoU)); cross-entropy over
the classes and "no object" (weight 0.1 on "no object"), L1 (x5) and 1 - GIoU (x2) on the
matched boxes, normalized by the number of ground-truth boxes, summed over the layers.
"""

import torch
import torch.nn.functional as F

from metagen.train.box_ops import cxcywh_to_xyxy, paired_giou, xyxy_to_cxcywh
from metagen.train.hungarian import hungarian_match
from metagen.train.yolo_assign import task_aligned_assign, yolo_boxes

YOLO_LOSS_WEIGHTS = {"box": 7.5, "cls": 0.5, "dfl": 1.5}
DETR_COST_WEIGHTS = {"class": 1.0, "l1": 5.0, "giou": 2.0}
DETR_NO_OBJECT_WEIGHT = 0.1


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


def _detr_matches(probs, boxes, gt_boxes, gt_classes) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """Per image: (query indices, ground-truth indices) of the minimum-cost matching. The
    costs (B, Q, M) are computed for the whole batch, then solved image by image on the CPU."""
    B, Q, _ = probs.shape
    M = gt_boxes.size(1)
    class_cost = -probs.gather(2, gt_classes.clamp(min=0)[:, None, :].expand(B, Q, M))
    giou = paired_giou(cxcywh_to_xyxy(boxes)[:, :, None], cxcywh_to_xyxy(gt_boxes)[:, None])
    cost = (
        DETR_COST_WEIGHTS["l1"] * torch.cdist(boxes, gt_boxes, p=1)
        + DETR_COST_WEIGHTS["class"] * class_cost
        - DETR_COST_WEIGHTS["giou"] * giou
    )
    cost, valid = cost.cpu(), (gt_classes >= 0).cpu()
    matches = []
    for image_cost, image_valid in zip(cost, valid, strict=True):
        columns = image_valid.nonzero().squeeze(1)
        rows, cols = hungarian_match(image_cost[:, columns])
        matches.append((rows.to(probs.device), columns[cols].to(probs.device)))
    return matches


def _detr_layer_loss(logits, boxes, gt_boxes, gt_classes, num_boxes) -> torch.Tensor:
    """One decoder layer: logits (B, Q, K + 1), boxes (B, Q, 4) cxcywh; gt_boxes cxcywh."""
    B, Q, K1 = logits.shape
    with torch.no_grad():
        matches = _detr_matches(logits.softmax(-1), boxes, gt_boxes, gt_classes)
    target_classes = torch.full((B, Q), K1 - 1, dtype=torch.long, device=logits.device)
    pred, true = [], []
    for i, (rows, cols) in enumerate(matches):
        target_classes[i, rows] = gt_classes[i, cols]
        pred.append(boxes[i, rows])
        true.append(gt_boxes[i, cols])
    class_weight = torch.ones(K1, device=logits.device)
    class_weight[-1] = DETR_NO_OBJECT_WEIGHT
    loss = F.cross_entropy(logits.transpose(1, 2), target_classes, weight=class_weight)
    matched, targets = torch.cat(pred), torch.cat(true)
    l1 = F.l1_loss(matched, targets, reduction="sum") / num_boxes
    giou = paired_giou(cxcywh_to_xyxy(matched), cxcywh_to_xyxy(targets))
    return (
        loss
        + DETR_COST_WEIGHTS["l1"] * l1
        + DETR_COST_WEIGHTS["giou"] * (1 - giou).sum() / num_boxes
    )


def set_detection_loss(outputs: dict, batch: dict, label_smoothing: float = 0.0):
    logits, boxes = outputs["class_logits"].float(), outputs["boxes"].float()  # (B, L, Q, .)
    height, width = batch["images"].shape[-2:]
    scale = torch.tensor([width, height, width, height], dtype=torch.float32, device=boxes.device)
    gt_boxes = xyxy_to_cxcywh(batch["gt_boxes"].float() / scale)
    gt_classes = batch["gt_classes"]
    num_boxes = (gt_classes >= 0).sum().clamp(min=1)
    return sum(
        _detr_layer_loss(logits[:, layer], boxes[:, layer], gt_boxes, gt_classes, num_boxes)
        for layer in range(logits.size(1))
    )
