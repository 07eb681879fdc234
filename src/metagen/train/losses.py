"""Training losses per task: loss_fn(outputs, batch) -> scalar tensor."""

import torch.nn.functional as F


def language_modeling_loss(outputs, batch: dict, label_smoothing: float = 0.0):
    logits = outputs  # (B, T, V)
    targets = batch["targets"]  # (B, T)
    return F.cross_entropy(
        logits.reshape(-1, logits.size(-1)).float(),
        targets.reshape(-1),
        label_smoothing=label_smoothing,
    )


def classification_loss(outputs, batch: dict, label_smoothing: float = 0.0):
    return F.cross_entropy(outputs.float(), batch["labels"], label_smoothing=label_smoothing)


LOSSES = {
    "language_modeling": language_modeling_loss,
    "classification": classification_loss,
}
