"""Batch conventions: a dict of tensors; `targets`/`labels` are targets, the rest model inputs."""

import torch

TARGET_KEYS = ("targets", "labels")


def model_inputs(batch: dict) -> dict:
    """The keyword arguments for the model: every key that is not a target."""
    return {k: v for k, v in batch.items() if k not in TARGET_KEYS}


def move_batch(batch: dict, device) -> dict:
    return {
        k: v.to(device, non_blocking=True) if torch.is_tensor(v) else v for k, v in batch.items()
    }
