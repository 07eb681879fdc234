"""Attention rollout (Abnar & Zuidema, 2020): how much each input token flows into each
output token through every layer, the residual counted as attention to oneself."""

from __future__ import annotations

import math

import torch


def attention_rollout(attentions: list[torch.Tensor]) -> torch.Tensor:
    """(B, T, T) from each layer's probabilities (B, nh, T, T), first layer first: the heads
    averaged, the identity added for the residual, rows renormalised, multiplied through."""
    B, _, T, _ = attentions[0].shape
    eye = torch.eye(T, dtype=torch.float32, device=attentions[0].device)
    rollout = eye.expand(B, T, T)
    for layer in attentions:
        mixed = layer.float().mean(dim=1) + eye  # (B, T, T)
        mixed = mixed / mixed.sum(dim=-1, keepdim=True)
        rollout = mixed @ rollout  # (B, T, T): this layer's mixing of what came before
    return rollout


def pooled_rollout(rollout: torch.Tensor, pool: str, has_cls: bool) -> torch.Tensor:
    """(B, P) over the P patch tokens: the class token's row where the model reads its
    class token ("cls"), else the mean of every token's row (it pools by mean)."""
    rows = rollout[:, 0] if pool == "cls" else rollout.mean(dim=1)  # (B, T)
    return rows[:, 1:] if has_cls else rows


def as_grid(per_patch: torch.Tensor) -> torch.Tensor:
    """(B, P) over a square grid of patches, row-major -> (B, g, g)."""
    side = math.isqrt(per_patch.size(-1))
    if side * side != per_patch.size(-1):
        raise ValueError(f"{per_patch.size(-1)} patches do not form a square grid")
    return per_patch.reshape(per_patch.size(0), side, side)
