"""The two-tower loss: softmax cross-entropy over the batch's items, each user's own item the
positive and the others in-batch negatives."""

import torch
import torch.nn.functional as F


def in_batch_softmax_loss(outputs, batch: dict, label_smoothing: float = 0.0):
    scores = outputs.float()  # (B users, B items)
    positives = torch.arange(scores.shape[0], device=scores.device)
    return F.cross_entropy(scores, positives, label_smoothing=label_smoothing)
