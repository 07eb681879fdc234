"""The masked language-modelling loss."""

import torch.nn.functional as F


def masked_lm_loss(outputs, batch: dict, label_smoothing: float = 0.0):
    """Cross-entropy over the masked positions only: targets are -100 everywhere else."""
    logits = outputs  # (B, T, V)
    targets = batch["targets"]  # (B, T), -100 where nothing is predicted
    return F.cross_entropy(
        logits.reshape(-1, logits.size(-1)).float(),
        targets.reshape(-1),
        ignore_index=-100,
        label_smoothing=label_smoothing,
    )
