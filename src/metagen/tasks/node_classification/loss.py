"""Node classification's loss: cross-entropy over the batch's labelled nodes (the rest -100)."""

import torch.nn.functional as F


def node_classification_loss(outputs, batch: dict, label_smoothing: float = 0.0):
    return F.cross_entropy(
        outputs.float(), batch["labels"], ignore_index=-100, label_smoothing=label_smoothing
    )
