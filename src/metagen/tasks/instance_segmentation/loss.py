"""CondInst's dynamic mask network and mask loss (Tian et al., 2020).

Each instance's cell predicted P numbers: the weights and biases of three 1x1 convs
(C + 2 -> 8 -> 8 -> 1, ReLU between). They run over the image's shared mask features (stride 4)
concatenated with the pixel coordinates relative to the cell, in units of 8 strides (CondInst
scales them by the level's size of interest). The output is the instance's mask logits.

Loss: dice loss (1 - 2|PG| / (|P|^2 + |G|^2)) against the ground-truth mask averaged over
4x4 blocks (the stride-4 grid), for at most 500 positive cells per batch (the highest target
scores first), as CondInst caps its instances.
"""

import torch
import torch.nn.functional as F

from metagen.train.detection_losses import YOLO_LOSS_WEIGHTS, dense_box_losses

CONDINST_MAX_INSTANCES = 500
CONDINST_MASK_WEIGHT = 2.0
CONDINST_MASK_STRIDE = 4
CONDINST_HIDDEN = 8


def condinst_mask_logits(
    params: torch.Tensor, features: torch.Tensor, cells: torch.Tensor, strides: torch.Tensor
) -> torch.Tensor:
    """params (N, P), features (N, C, h, w) of each instance's image, cells (N, 2) in pixels,
    strides (N,) -> mask logits (N, h, w) on the stride-4 grid."""
    N, C, h, w = features.shape
    H = CONDINST_HIDDEN
    ys = (torch.arange(h, device=features.device, dtype=torch.float32) + 0.5) * CONDINST_MASK_STRIDE
    xs = (torch.arange(w, device=features.device, dtype=torch.float32) + 0.5) * CONDINST_MASK_STRIDE
    grid = torch.stack(torch.meshgrid(xs, ys, indexing="xy"), dim=0).reshape(2, h * w)  # (2, hw)
    relative = (grid[None] - cells[:, :, None]) / (8 * strides[:, None, None])  # (N, 2, hw)
    x = torch.cat((features.reshape(N, C, h * w).float(), relative), dim=1)  # (N, C + 2, hw)
    sizes = [H * (C + 2), H * H, H, H, H, 1]
    w1, w2, w3, b1, b2, b3 = params.float().split(sizes, dim=1)
    x = torch.relu(torch.bmm(w1.view(N, H, C + 2), x) + b1[:, :, None])
    x = torch.relu(torch.bmm(w2.view(N, H, H), x) + b2[:, :, None])
    return (torch.bmm(w3.view(N, 1, H), x) + b3[:, :, None]).view(N, h, w)


def dice_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Per instance (N,): 1 - 2 sum(p g) / (sum(p^2) + sum(g^2))."""
    p, g = logits.sigmoid().flatten(1), targets.flatten(1)
    return 1 - 2 * (p * g).sum(1) / (p.square().sum(1) + g.square().sum(1)).clamp(min=1e-5)


def instance_segmentation_loss(outputs: dict, batch: dict, label_smoothing: float = 0.0):
    """The dense detector's loss (train/detection_losses.py) plus the dice mask loss."""
    dense = dense_box_losses(outputs, batch)
    loss = sum(YOLO_LOSS_WEIGHTS[name] * value for name, value in dense["terms"].items())
    fg = dense["foreground"]
    if not fg.any():
        return loss + 0.0 * outputs["mask_params"].sum()
    images, cells = fg.nonzero(as_tuple=True)
    quality = dense["target_scores"].sum(-1)[images, cells]
    keep = quality.argsort(descending=True, stable=True)[:CONDINST_MAX_INSTANCES]
    images, cells = images[keep], cells[keep]
    features = outputs["mask_features"]
    logits = condinst_mask_logits(
        outputs["mask_params"][images, cells],
        features[images],
        outputs["anchor_points"][cells],
        outputs["strides"][cells],
    )
    truth = batch["gt_masks"][images, dense["owner"][images, cells]].float()  # (N, H, W)
    truth = F.avg_pool2d(truth[:, None], CONDINST_MASK_STRIDE)[:, 0]  # (N, h, w)
    return loss + CONDINST_MASK_WEIGHT * dice_loss(logits, truth).mean()
