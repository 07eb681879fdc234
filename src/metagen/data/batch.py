"""Batch conventions: a dict of tensors; `targets`/`labels` are targets, the rest model inputs."""

import torch

# A forecast window also carries its seasonal-naive baseline and MASE scale (metrics only).
# A regression sample carries its target's spread, to report errors in target units.
# Detection and instance segmentation: padded objects per image (class -1 is padding).
# Text windows read by a tokenizer.json carry the UTF-8 bytes of each target (bits per byte).
TARGET_KEYS = (
    *("targets", "labels", "naive_forecast", "mase_scale", "target_scale", "target_bytes"),
    *("gt_boxes", "gt_classes", "gt_masks"),
    "pairs", "reference",  # link prediction's node pairs; image to code's code and facts
)  # fmt: skip


def model_inputs(batch: dict) -> dict:
    """The keyword arguments for the model: every key that is not a target."""
    return {k: v for k, v in batch.items() if k not in TARGET_KEYS}


def move_batch(batch: dict, device) -> dict:
    return {
        k: v.to(device, non_blocking=True) if torch.is_tensor(v) else v for k, v in batch.items()
    }
