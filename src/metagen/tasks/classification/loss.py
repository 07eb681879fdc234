"""The classification loss: cross-entropy over the classes."""

import torch.nn.functional as F


def classification_loss(outputs, batch: dict, label_smoothing: float = 0.0):
    return F.cross_entropy(outputs.float(), batch["labels"], label_smoothing=label_smoothing)
