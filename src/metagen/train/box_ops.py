"""Box arithmetic and non-maximum suppression in plain torch. Boxes are (x0, y0, x1, y1)
unless a name says cxcywh; areas are (x1 - x0) * (y1 - y0), as in pycocotools."""

import torch


def cxcywh_to_xyxy(boxes: torch.Tensor) -> torch.Tensor:
    cx, cy, w, h = boxes.unbind(-1)
    return torch.stack((cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2), dim=-1)


def xyxy_to_cxcywh(boxes: torch.Tensor) -> torch.Tensor:
    x0, y0, x1, y1 = boxes.unbind(-1)
    return torch.stack(((x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0), dim=-1)


def box_area(boxes: torch.Tensor) -> torch.Tensor:
    return (boxes[..., 2] - boxes[..., 0]).clamp(min=0) * (boxes[..., 3] - boxes[..., 1]).clamp(
        min=0
    )


def _intersection_union(a: torch.Tensor, b: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Intersection and union areas of boxes a (..., 4) and b (..., 4), broadcast."""
    top_left = torch.maximum(a[..., :2], b[..., :2])
    bottom_right = torch.minimum(a[..., 2:], b[..., 2:])
    inter = (bottom_right - top_left).clamp(min=0).prod(-1)
    return inter, box_area(a) + box_area(b) - inter


def box_iou(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Pairwise IoU of a (N, 4) against b (M, 4): (N, M); 0 where both boxes are empty."""
    inter, union = _intersection_union(a[:, None], b[None])
    return inter / union.clamp(min=torch.finfo(union.dtype).tiny)


def paired_giou(a: torch.Tensor, b: torch.Tensor, eps: float = 1e-7) -> torch.Tensor:
    """GIoU (Rezatofighi et al., 2019) of matching rows of a (..., 4) and b (..., 4)."""
    inter, union = _intersection_union(a, b)
    iou = inter / (union + eps)
    hull = torch.maximum(a[..., 2:], b[..., 2:]) - torch.minimum(a[..., :2], b[..., :2])
    hull_area = hull.clamp(min=0).prod(-1)
    return iou - (hull_area - union) / (hull_area + eps)


def pairwise_giou(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Pairwise GIoU of a (N, 4) against b (M, 4): (N, M)."""
    return paired_giou(a[:, None], b[None])


def nms(boxes: torch.Tensor, scores: torch.Tensor, iou_threshold: float) -> torch.Tensor:
    """Greedy NMS: indices of the kept boxes, highest score first. A box is dropped when its
    IoU with a kept, higher-scoring box exceeds `iou_threshold` (torchvision's rule)."""
    order = scores.argsort(descending=True, stable=True)
    boxes = boxes[order]
    overlaps = (box_iou(boxes, boxes) > iou_threshold).cpu()  # (N, N); the loop runs on the CPU
    suppressed = torch.zeros(len(order), dtype=torch.bool)
    keep = []
    for i in range(len(order)):
        if not suppressed[i]:
            keep.append(i)
            suppressed |= overlaps[i]
    return order[torch.tensor(keep, dtype=torch.long, device=boxes.device)]


def batched_nms(
    boxes: torch.Tensor, scores: torch.Tensor, classes: torch.Tensor, iou_threshold: float
) -> torch.Tensor:
    """NMS within each class: boxes of different classes never suppress each other (each class
    is shifted to its own region of the plane, the trick torchvision uses)."""
    if boxes.numel() == 0:
        return torch.zeros(0, dtype=torch.long, device=boxes.device)
    offsets = classes.to(boxes.dtype) * (boxes.max() - boxes.min() + 1)
    return nms(boxes + offsets[:, None], scores, iou_threshold)
