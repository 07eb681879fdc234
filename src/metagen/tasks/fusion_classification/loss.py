"""Cross-entropy of the fused logits (label smoothing from config.json's train section)."""

import torch.nn.functional as F


def fusion_loss(outputs, batch: dict, label_smoothing: float = 0.0):
    return F.cross_entropy(outputs.float(), batch["labels"], label_smoothing=label_smoothing)
