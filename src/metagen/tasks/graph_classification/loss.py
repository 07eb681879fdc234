"""Graph classification's loss: cross-entropy over each graph's classes."""

import torch.nn.functional as F


def graph_classification_loss(outputs, batch: dict, label_smoothing: float = 0.0):
    return F.cross_entropy(outputs.float(), batch["labels"], label_smoothing=label_smoothing)
