"""AdamW with weight decay on matrices and embeddings only (not biases or norms)."""

import torch


def configure_optimizer(
    model: torch.nn.Module, *, lr: float, weight_decay: float, betas=(0.9, 0.95)
) -> torch.optim.AdamW:
    params = [p for p in model.parameters() if p.requires_grad]  # shared params listed once
    decay = [p for p in params if p.dim() >= 2]
    no_decay = [p for p in params if p.dim() < 2]
    groups = [
        {"params": decay, "weight_decay": weight_decay},
        {"params": no_decay, "weight_decay": 0.0},
    ]
    return torch.optim.AdamW(groups, lr=lr, betas=tuple(betas))
