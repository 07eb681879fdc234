"""Segmentation losses. Semantic: pixel cross-entropy plus soft Dice (Milletari et al., 2016)
over the classes. Panoptic (Panoptic-DeepLab): that semantic loss, an MSE between the center
heatmap and Gaussians at the instance centers, and an L1 on the offsets of thing pixels to
their instance's center; the center and offset targets are built here from the instance ids."""

import torch
import torch.nn.functional as F

DICE_SMOOTH = 1.0  # keeps a class absent from the batch and from the prediction at dice 1
# Panoptic-DeepLab's loss weights (Cheng et al. 2020, section 3.3)
CENTER_LOSS_WEIGHT = 200.0
OFFSET_LOSS_WEIGHT = 0.01
# Center Gaussians: sigma 8 px at Cityscapes' 1024 px; here a fraction of the image side.
CENTER_SIGMA_FRACTION = 1 / 32


def soft_dice_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """1 - mean over classes of the soft Dice between softmax(logits) (B, K, H, W) and the
    one-hot targets (B, H, W), summed over the batch's pixels."""
    probs = logits.float().softmax(dim=1)
    one_hot = F.one_hot(targets, logits.size(1)).permute(0, 3, 1, 2).to(probs.dtype)
    dims = (0, 2, 3)
    intersection = (probs * one_hot).sum(dims)  # (K,)
    total = probs.sum(dims) + one_hot.sum(dims)  # (K,)
    dice = (2 * intersection + DICE_SMOOTH) / (total + DICE_SMOOTH)
    return 1 - dice.mean()


def semantic_segmentation_loss(outputs, batch: dict, label_smoothing: float = 0.0):
    logits, targets = outputs.float(), batch["targets"]  # (B, K, H, W), (B, H, W)
    ce = F.cross_entropy(logits, targets, label_smoothing=label_smoothing)
    return ce + soft_dice_loss(logits, targets)


def instance_centers(instances: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Mass centers of every instance in a batch of instance maps (B, H, W) (0 = none):
    (centers (B, M + 1, 2) as (y, x), present (B, M + 1) bool), M the largest id."""
    B, H, W = instances.shape
    slots = int(instances.max()) + 1
    yy, xx = torch.meshgrid(
        torch.arange(H, device=instances.device),
        torch.arange(W, device=instances.device),
        indexing="ij",
    )
    keys = (instances + slots * torch.arange(B, device=instances.device)[:, None, None]).flatten()
    area = torch.bincount(keys, minlength=B * slots).float()
    sum_y = torch.bincount(keys, weights=yy.expand(B, H, W).flatten().float(), minlength=B * slots)
    sum_x = torch.bincount(keys, weights=xx.expand(B, H, W).flatten().float(), minlength=B * slots)
    centers = torch.stack((sum_y, sum_x), dim=-1) / area.clamp(min=1)[:, None]
    present = (area > 0).view(B, slots)
    present[:, 0] = False  # id 0 is not an instance
    return centers.view(B, slots, 2), present


def panoptic_targets(instances: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The center heatmap (B, H, W): the largest Gaussian of any instance center, and the
    offsets (B, 2, H, W) from each pixel to its instance's center (0 outside instances)."""
    B, H, W = instances.shape
    centers, present = instance_centers(instances)
    yy, xx = torch.meshgrid(
        torch.arange(H, device=instances.device, dtype=torch.float32),
        torch.arange(W, device=instances.device, dtype=torch.float32),
        indexing="ij",
    )
    sigma = max(1.0, CENTER_SIGMA_FRACTION * max(H, W))
    dy = yy[None, None] - centers[..., 0, None, None]  # (B, M + 1, H, W)
    dx = xx[None, None] - centers[..., 1, None, None]
    gaussians = torch.exp(-(dy.square() + dx.square()) / (2 * sigma**2))
    heatmap = (gaussians * present[..., None, None]).amax(dim=1)  # (B, H, W)
    own = centers[torch.arange(B, device=instances.device)[:, None, None], instances]  # (B,H,W,2)
    offsets = torch.stack((own[..., 0] - yy, own[..., 1] - xx), dim=1)  # (B, 2, H, W)
    return heatmap, offsets * (instances > 0)[:, None]


def panoptic_segmentation_loss(outputs, batch: dict, label_smoothing: float = 0.0):
    """outputs (B, K + 3, H, W): class logits, center heatmap, (dy, dx) offsets; targets
    (B, 2, H, W): classes and instance ids."""
    outputs = outputs.float()
    classes, instances = batch["targets"][:, 0], batch["targets"][:, 1]
    num_classes = outputs.size(1) - 3
    semantic = semantic_segmentation_loss(
        outputs[:, :num_classes], {"targets": classes}, label_smoothing
    )
    heatmap, offsets = panoptic_targets(instances)
    center = F.mse_loss(outputs[:, num_classes], heatmap)
    things = (instances > 0)[:, None].float()  # (B, 1, H, W)
    offset_error = (outputs[:, num_classes + 1 :] - offsets).abs() * things
    offset = offset_error.sum() / things.sum().clamp(min=1)
    return semantic + CENTER_LOSS_WEIGHT * center + OFFSET_LOSS_WEIGHT * offset
