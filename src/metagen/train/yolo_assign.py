"""The dense detector's box decoding and target assignment.

Decoding: the model gives each side's distance as the expectation of a softmax over
`reg_max` bins, in units of the cell's stride (YOLOv8's Distribution Focal Loss head).

Assignment (task-aligned, TOOD / YOLOv8): a cell is a candidate for a ground-truth box when
its centre lies inside the box. Each candidate gets the alignment metric
s^0.5 * IoU^6, where s is its predicted score for the box's class and IoU that of its
predicted box with the ground truth. The 10 candidates with the highest metric become the
box's positives; a cell claimed by several boxes keeps the one its prediction overlaps most.
A positive's class target is its metric rescaled so that each box's best positive gets that
box's best IoU (a soft, quality-aware label); every other class target is 0.
"""

import torch
import torch.nn.functional as F

from metagen.train.box_ops import box_iou

YOLO_TOPK = 10
YOLO_ALPHA = 0.5  # weight of the class score in the alignment metric
YOLO_BETA = 6.0  # weight of the IoU


def yolo_boxes(
    distances: torch.Tensor, anchor_points: torch.Tensor, strides: torch.Tensor
) -> torch.Tensor:
    """Distances (B, A, 4) in strides from each cell centre to the left, top, right and bottom
    sides -> boxes (B, A, 4) as (x0, y0, x1, y1) in pixels."""
    pixels = distances.float() * strides[None, :, None]
    return torch.cat((anchor_points - pixels[..., :2], anchor_points + pixels[..., 2:]), dim=-1)


def _paired_iou(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """IoU of a (B, M, 4) with b (B, A, 4) for every (m, a): (B, M, A)."""
    return torch.stack([box_iou(x, y) for x, y in zip(a, b, strict=True)])


@torch.no_grad()
def task_aligned_assign(
    scores: torch.Tensor,
    pred_boxes: torch.Tensor,
    anchor_points: torch.Tensor,
    gt_boxes: torch.Tensor,
    gt_classes: torch.Tensor,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """scores (B, A, K) in [0, 1], pred_boxes (B, A, 4), anchor_points (A, 2), gt_boxes
    (B, M, 4), gt_classes (B, M) with -1 for padding -> target boxes (B, A, 4), target scores
    (B, A, K), the foreground mask (B, A) and the index of each cell's box (B, A)."""
    B, A, K = scores.shape
    M = gt_boxes.size(1)
    empty = (
        torch.zeros_like(pred_boxes),
        torch.zeros_like(scores),
        torch.zeros(B, A, dtype=torch.bool, device=scores.device),
        torch.zeros(B, A, dtype=torch.long, device=scores.device),
    )
    if M == 0:
        return empty
    classes = gt_classes.clamp(min=0)
    offsets = torch.cat(
        (
            anchor_points[None, None] - gt_boxes[:, :, None, :2],
            gt_boxes[:, :, None, 2:] - anchor_points[None, None],
        ),
        dim=-1,
    )
    candidates = (offsets.amin(-1) > 1e-9) & (gt_classes >= 0)[..., None]  # (B, M, A)
    ious = _paired_iou(gt_boxes, pred_boxes) * candidates  # (B, M, A)
    class_scores = scores.gather(2, classes[:, None, :].expand(B, A, M)).transpose(1, 2)
    metric = class_scores.pow(YOLO_ALPHA) * ious.pow(YOLO_BETA) * candidates  # (B, M, A)
    top = metric.topk(min(YOLO_TOPK, A), dim=-1).indices  # (B, M, k)
    positive = torch.zeros_like(candidates).scatter_(-1, top, True) & candidates
    # A cell claimed by several boxes keeps the one it overlaps most.
    claimed = positive.sum(1, keepdim=True) > 1  # (B, 1, A)
    best = F.one_hot(ious.argmax(1), M).transpose(1, 2).bool()  # (B, M, A)
    positive = torch.where(claimed, best & candidates, positive)
    foreground = positive.any(1)  # (B, A)
    if not foreground.any():
        return empty
    owner = positive.float().argmax(1)  # (B, A): the box each positive cell learns
    target_boxes = gt_boxes.gather(1, owner[..., None].expand(B, A, 4))
    metric, ious = metric * positive, ious * positive
    scale = ious.amax(-1, keepdim=True) / (metric.amax(-1, keepdim=True) + 1e-9)  # (B, M, 1)
    quality = (metric * scale).amax(1)  # (B, A)
    target_scores = F.one_hot(classes.gather(1, owner), K).float() * quality[..., None]
    return target_boxes, target_scores, foreground, owner
