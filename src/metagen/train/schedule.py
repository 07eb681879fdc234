"""Learning rate: linear warmup, then cosine decay to min_lr_ratio * base_lr."""

import math


def lr_at(step: int, base_lr: float, warmup_steps: int, total_steps: int, min_lr_ratio=0.1):
    """The learning rate for optimizer step `step` (0-based)."""
    min_lr = base_lr * min_lr_ratio
    if step < warmup_steps:
        return base_lr * (step + 1) / warmup_steps
    if step >= total_steps:
        return min_lr
    progress = (step - warmup_steps) / max(1, total_steps - warmup_steps)
    return min_lr + 0.5 * (1.0 + math.cos(math.pi * progress)) * (base_lr - min_lr)
