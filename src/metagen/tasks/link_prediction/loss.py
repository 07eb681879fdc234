"""Link prediction's loss: binary cross-entropy of the dot product of a pair's embeddings."""

import torch.nn.functional as F


def pair_scores(embeddings, pairs):
    """(P,) dot products of the node embeddings (N, D) of pairs (2, P)."""
    return (embeddings[pairs[0]] * embeddings[pairs[1]]).sum(-1)


def link_prediction_loss(outputs, batch: dict, label_smoothing: float = 0.0):
    targets = batch["targets"] * (1 - label_smoothing) + 0.5 * label_smoothing
    return F.binary_cross_entropy_with_logits(pair_scores(outputs.float(), batch["pairs"]), targets)
