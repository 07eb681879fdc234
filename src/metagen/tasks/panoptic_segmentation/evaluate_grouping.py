"""Panoptic-DeepLab's post-processing (Cheng et al., 2020): from a panoptic model's class
logits, center heatmap and offsets to (class, instance id) per pixel."""

import torch
import torch.nn.functional as F

# A center is a local maximum of the heatmap above this.
PANOPTIC_CENTER_THRESHOLD = 0.1
PANOPTIC_NMS_KERNEL = 3  # pixels; 7 at Cityscapes' 1024x2048, objects here are 5-20 px
PANOPTIC_TOP_K = 32  # most instances kept per image
PANOPTIC_VOID = -1  # class of pixels that no segment claims


def find_instance_centers(
    heatmap: torch.Tensor, threshold: float, nms_kernel: int, top_k: int
) -> torch.Tensor:
    """Local maxima of one heatmap (H, W) above `threshold`, the `top_k` highest, as (N, 2)
    (y, x) integer coordinates."""
    pooled = F.max_pool2d(heatmap[None, None], nms_kernel, stride=1, padding=nms_kernel // 2)
    peaks = (heatmap == pooled[0, 0]) & (heatmap > threshold)
    coords = peaks.nonzero()  # (N, 2)
    if coords.size(0) > top_k:
        scores = heatmap[coords[:, 0], coords[:, 1]]
        coords = coords[scores.topk(top_k).indices]
    return coords


def group_pixels(offsets: torch.Tensor, centers: torch.Tensor) -> torch.Tensor:
    """Instance id (1..N) of every pixel: the center nearest to where its offset points.
    offsets (2, H, W) in pixels, centers (N, 2); returns (H, W) int64."""
    _, height, width = offsets.shape
    yy, xx = torch.meshgrid(
        torch.arange(height, device=offsets.device, dtype=offsets.dtype),
        torch.arange(width, device=offsets.device, dtype=offsets.dtype),
        indexing="ij",
    )
    voted = torch.stack((yy + offsets[0], xx + offsets[1]), dim=-1).reshape(-1, 1, 2)  # (HW,1,2)
    distance = (voted - centers.to(offsets.dtype)[None]).square().sum(-1)  # (HW, N)
    return distance.argmin(dim=1).reshape(height, width) + 1


def panoptic_from_outputs(
    outputs: torch.Tensor,
    num_classes: int,
    thing_classes,
    *,
    threshold: float = PANOPTIC_CENTER_THRESHOLD,
    nms_kernel: int = PANOPTIC_NMS_KERNEL,
    top_k: int = PANOPTIC_TOP_K,
) -> tuple[torch.Tensor, torch.Tensor]:
    """(classes, instances), each (B, H, W) int64, from a panoptic model's outputs
    (B, num_classes + 3, H, W). Stuff pixels take the semantic argmax and instance 0; thing
    pixels join the nearest center, and each instance takes the majority class of its pixels
    (Panoptic-DeepLab). Thing pixels with no center are void (class -1)."""
    outputs = outputs.float()
    semantic = outputs[:, :num_classes].argmax(dim=1)  # (B, H, W)
    things = torch.tensor(sorted(thing_classes), dtype=torch.long, device=outputs.device)
    classes = semantic.clone()
    instances = torch.zeros_like(semantic)
    for b in range(outputs.size(0)):
        is_thing = torch.isin(semantic[b], things)
        centers = find_instance_centers(outputs[b, num_classes], threshold, nms_kernel, top_k)
        if not is_thing.any():
            continue
        if centers.size(0) == 0:
            classes[b][is_thing] = PANOPTIC_VOID
            continue
        ids = group_pixels(outputs[b, num_classes + 1 :], centers) * is_thing  # (H, W)
        # majority vote: the most frequent semantic class among each instance's pixels
        votes = torch.bincount(
            ids[is_thing] * num_classes + semantic[b][is_thing],
            minlength=(centers.size(0) + 1) * num_classes,
        )
        majority = votes.view(-1, num_classes).argmax(dim=1)  # (N + 1,)
        classes[b][is_thing] = majority[ids[is_thing]]
        instances[b] = ids
    return classes, instances
