"""AdamW with weight decay on matrices and embeddings only (not biases or norms)."""

import torch


def configure_optimizer(model, *, lr: float, weight_decay: float, betas=(0.9, 0.95)):
    params = [p for p in model.parameters() if p.requires_grad]  # shared params listed once
    decay = {"params": [p for p in params if p.dim() >= 2], "weight_decay": weight_decay}
    no_decay = {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0}
    return torch.optim.AdamW([decay, no_decay], lr=lr, betas=tuple(betas))
