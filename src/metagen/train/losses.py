"""Next-token cross-entropy: the loss of language modelling, and of audio generation over
mu-law tokens."""

import torch.nn.functional as F


def language_modeling_loss(outputs, batch: dict, label_smoothing: float = 0.0):
    logits = outputs  # (B, T, V)
    targets = batch["targets"]  # (B, T)
    return F.cross_entropy(
        logits.reshape(-1, logits.size(-1)).float(),
        targets.reshape(-1),
        label_smoothing=label_smoothing,
    )
