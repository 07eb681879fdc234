"""Box arithmetic, NMS and Hungarian matching against brute-force references, the task-aligned
assignment's rules, and both detection losses falling on a fixed batch."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch

from metagen.archs.build import build_from_dims
from metagen.tasks.runtime import LOSSES
from metagen.tasks.set_detection.loss import hungarian_match
from metagen.train.box_ops import (
    batched_nms,
    box_iou,
    cxcywh_to_xyxy,
    nms,
    paired_giou,
    pairwise_giou,
    xyxy_to_cxcywh,
)
from metagen.train.yolo_assign import YOLO_TOPK, task_aligned_assign, yolo_boxes

torch.set_num_threads(1)


def random_boxes(n: int, seed: int, size: float = 50.0) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    corner = torch.rand(n, 2, generator=g, dtype=torch.float64) * size
    extent = torch.rand(n, 2, generator=g, dtype=torch.float64) * size / 2 + 1
    return torch.cat((corner, corner + extent), dim=1)


def reference_iou(a, b) -> float:
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = w * h
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union


def reference_giou(a, b) -> float:
    hull = (max(a[2], b[2]) - min(a[0], b[0])) * (max(a[3], b[3]) - min(a[1], b[1]))
    inter = reference_iou(a, b)
    union_area = ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1])) / (1 + inter)
    return inter - (hull - union_area) / hull


def reference_nms(boxes, scores, threshold) -> list[int]:
    """Textbook greedy NMS over Python lists."""
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    keep: list[int] = []
    for i in order:
        if all(reference_iou(boxes[i], boxes[j]) <= threshold for j in keep):
            keep.append(i)
    return keep


def test_iou_and_giou_match_brute_force() -> None:
    a, b = random_boxes(7, 0), random_boxes(5, 1)
    iou, giou = box_iou(a, b), pairwise_giou(a, b)
    for i, j in itertools.product(range(7), range(5)):
        assert iou[i, j].item() == pytest.approx(reference_iou(a[i].tolist(), b[j].tolist()))
        assert giou[i, j].item() == pytest.approx(
            reference_giou(a[i].tolist(), b[j].tolist()), abs=1e-6
        )
    torch.testing.assert_close(paired_giou(a[:5], b), giou[:5].diagonal())
    assert torch.all(giou <= iou + 1e-9) and torch.all(giou >= -1)


def test_box_format_round_trip() -> None:
    boxes = random_boxes(9, 2)
    torch.testing.assert_close(cxcywh_to_xyxy(xyxy_to_cxcywh(boxes)), boxes)


@pytest.mark.parametrize("threshold", [0.3, 0.5, 0.7])
@pytest.mark.parametrize("seed", range(4))
def test_nms_matches_brute_force(seed, threshold) -> None:
    # Clusters of jittered copies: overlaps at every threshold, and boxes far apart.
    jitter = torch.randn(
        6, 10, 4, generator=torch.Generator().manual_seed(seed), dtype=torch.float64
    )
    boxes = (random_boxes(6, seed, size=80.0)[:, None] + jitter).reshape(60, 4)
    scores = torch.rand(60, generator=torch.Generator().manual_seed(seed + 10), dtype=torch.float64)
    keep = nms(boxes, scores, threshold).tolist()
    assert keep == reference_nms(boxes.tolist(), scores.tolist(), threshold)
    assert 0 < len(keep) < 60


def test_batched_nms_keeps_other_classes() -> None:
    boxes = torch.tensor([[0.0, 0, 10, 10], [0, 0, 10, 10], [1, 1, 10, 10]])
    scores = torch.tensor([0.9, 0.8, 0.7])
    classes = torch.tensor([0, 1, 0])
    assert batched_nms(boxes, scores, classes, 0.5).tolist() == [0, 1]
    assert nms(boxes, scores, 0.5).tolist() == [0]
    assert batched_nms(boxes[:0], scores[:0], classes[:0], 0.5).numel() == 0


@pytest.mark.parametrize("shape", [(4, 4), (3, 5), (6, 2)])
def test_hungarian_matches_brute_force(shape) -> None:
    cost = torch.rand(*shape, generator=torch.Generator().manual_seed(sum(shape)))
    rows, cols = hungarian_match(cost)
    n, m = shape
    best = (
        min(
            (sum(cost[r, c].item() for r, c in zip(perm, range(m), strict=False)), perm)
            for perm in itertools.permutations(range(n), min(n, m))
        )
        if n >= m
        else min(
            (sum(cost[r, c].item() for r, c in zip(range(n), perm, strict=False)), perm)
            for perm in itertools.permutations(range(m), n)
        )
    )
    assert len(rows) == min(n, m)
    assert cost[rows, cols].sum().item() == pytest.approx(best[0])


def test_task_aligned_assignment_rules() -> None:
    # 8x8 cells of stride 8 over a 64-pixel image; predictions are the cells' own 16 px squares.
    ys, xs = torch.meshgrid(torch.arange(8) * 8 + 4.0, torch.arange(8) * 8 + 4.0, indexing="ij")
    points = torch.stack((xs, ys), -1).reshape(-1, 2)
    pred = torch.cat((points - 8, points + 8), -1)[None]  # (1, 64, 4)
    scores = torch.full((1, 64, 3), 0.5)
    gt = torch.tensor([[[0.0, 0, 40, 40], [40, 40, 64, 64], [0, 0, 0, 0]]])
    classes = torch.tensor([[2, 0, -1]])
    boxes, targets, fg, owner = task_aligned_assign(scores, pred, points, gt, classes)
    inside_first = ((points > 0) & (points < 40)).all(-1)
    assert fg.sum() <= 2 * YOLO_TOPK
    assert torch.all(inside_first[fg[0]] | (boxes[0][fg[0]] == gt[0, 1]).all(-1))
    assert targets[0][fg[0]].sum(-1).gt(0).all()  # positives have soft, positive targets
    assert targets[0][~fg[0]].sum() == 0
    assert targets[0][fg[0] & inside_first].argmax(-1).eq(2).all()
    assert targets.max() <= 1.0 + 1e-6
    torch.testing.assert_close(boxes[0][fg[0]], gt[0][owner[0][fg[0]]])


def test_yolo_boxes_decode_distances() -> None:
    points, strides = torch.tensor([[4.0, 4.0]]), torch.tensor([8.0])
    distances = torch.tensor([[[0.5, 0.25, 1.0, 2.0]]])
    torch.testing.assert_close(
        yolo_boxes(distances, points, strides), torch.tensor([[[0.0, 2.0, 12.0, 20.0]]])
    )


DETECTOR_DIMS = {
    "dense_detection": (
        "yolo",
        {
            "image_size": 64,
            "in_channels": 3,
            "num_classes": 3,
            "channels": [8, 16, 16, 32, 32],
            "c2f_blocks": [1, 1, 1, 1],
            "neck_blocks": 1,
            "reg_max": 16,
        },
    ),
    "set_detection": (
        "detr",
        {
            "image_size": 64,
            "in_channels": 3,
            "num_classes": 3,
            "backbone_block": "basic",
            "backbone_layers": [1, 1, 1, 1],
            "backbone_width": 8,
            "backbone_stem": "cifar",
            "d_model": 32,
            "n_heads": 4,
            "encoder_layers": 1,
            "decoder_layers": 2,
            "d_ff": 64,
            "num_queries": 6,
        },
    ),
}


def fixed_batch() -> dict:
    g = torch.Generator().manual_seed(0)
    return {
        "images": torch.randn(4, 3, 64, 64, generator=g),
        "gt_boxes": torch.tensor([[[4.0, 6, 30, 28], [36, 30, 60, 62]]] * 4),
        "gt_classes": torch.tensor([[0, 2], [1, -1], [2, 1], [0, 0]]),
    }


@pytest.mark.parametrize("task", sorted(DETECTOR_DIMS))
def test_loss_falls_on_a_fixed_batch(task) -> None:
    arch, dims = DETECTOR_DIMS[task]
    torch.manual_seed(0)
    model = build_from_dims(arch, dims)
    batch = fixed_batch()
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=3e-3)
    losses = []
    for _ in range(25):
        loss = LOSSES[task](model(images=batch["images"]), batch)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert np.isfinite(losses).all()
    assert losses[-1] < 0.6 * losses[0], losses
