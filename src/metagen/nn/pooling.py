"""Pooling a sequence of vectors into one."""

import torch


def masked_token_mean(x: torch.Tensor, attention_mask: torch.Tensor | None) -> torch.Tensor:
    """Mean of x (B, T, C) over the positions where attention_mask (B, T) is 1."""
    if attention_mask is None:
        return x.mean(dim=1)
    weights = attention_mask.to(x.dtype)[:, :, None]  # (B, T, 1)
    return (x * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1.0)
