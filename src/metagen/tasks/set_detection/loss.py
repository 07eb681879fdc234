"""DETR's set loss (Carion et al. 2020). Batches carry `gt_boxes` (B, M, 4) as (x0, y0, x1,
y1) pixels and `gt_classes` (B, M), padded with class -1 where an image has fewer than M
objects.

Each decoder layer's predictions are matched one-to-one to the ground truth by the Hungarian
algorithm (cost: -p(class) + 5 L1 + 2 (-GIoU)); cross-entropy over the classes and "no
object" (weight 0.1 on "no object"), L1 (x5) and 1 - GIoU (x2) on the matched boxes,
normalized by the number of ground-truth boxes, summed over the layers.
"""

import numpy as np
import torch
import torch.nn.functional as F

from metagen.train.box_ops import cxcywh_to_xyxy, paired_giou, xyxy_to_cxcywh

DETR_COST_WEIGHTS = {"class": 1.0, "l1": 5.0, "giou": 2.0}
DETR_NO_OBJECT_WEIGHT = 0.1


def hungarian_match(cost: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Rows and columns of the minimum-cost assignment of a (N, M) cost matrix: min(N, M)
    pairs, rows increasing. SciPy's linear_sum_assignment (Jonker-Volgenant) solves it."""
    from scipy.optimize import linear_sum_assignment

    rows, cols = linear_sum_assignment(cost.detach().float().cpu().numpy())
    return (
        torch.as_tensor(rows.astype(np.int64), device=cost.device),
        torch.as_tensor(cols.astype(np.int64), device=cost.device),
    )


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
