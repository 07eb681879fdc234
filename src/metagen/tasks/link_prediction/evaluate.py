"""Held-out link prediction: ROC-AUC and Hits@K of the model's pair scores, beside common
neighbours' scores of the same pairs in the same message-passing graph."""

import torch
import torch.nn.functional as F

from metagen.data.batch import model_inputs, move_batch
from metagen.evaluate.metrics import roc_auc
from metagen.tasks.link_prediction.loss import pair_scores

HITS_K = 10


def hits_at(scores: torch.Tensor, labels: torch.Tensor, k: int) -> float:
    """The share of edges scored above the k-th best non-edge (OGB's Hits@K)."""
    neg = scores[labels == 0]
    if len(neg) < k:
        return 1.0
    threshold = neg.topk(k).values[-1]
    return float((scores[labels == 1] > threshold).double().mean())


def common_neighbours(
    edge_index: torch.Tensor, pairs: torch.Tensor, num_nodes: int
) -> torch.Tensor:
    """(P,) how many neighbours the two nodes of each pair share."""
    neighbours: list[set] = [set() for _ in range(num_nodes)]
    for a, b in edge_index.T.tolist():
        neighbours[a].add(b)
    return torch.tensor([float(len(neighbours[a] & neighbours[b])) for a, b in pairs.T.tolist()])


def evaluate_link_predictor(model, batches, device) -> dict:
    loss_sum, scores, labels, baseline = 0.0, [], [], []
    for batch in batches:
        batch = move_batch(batch, device)
        embeddings = model(**model_inputs(batch)).float()
        logits = pair_scores(embeddings, batch["pairs"])
        loss_sum += float(
            F.binary_cross_entropy_with_logits(logits, batch["targets"], reduction="sum")
        )
        scores.append(logits.cpu())
        labels.append(batch["targets"].cpu())
        baseline.append(
            common_neighbours(batch["edge_index"].cpu(), batch["pairs"].cpu(), len(embeddings))
        )
    if not scores:
        raise ValueError("cannot evaluate on an empty dataset")
    score, label, cn = torch.cat(scores), torch.cat(labels), torch.cat(baseline)
    if label.min() == label.max():
        raise ValueError("held-out pairs need both edges and non-edges to score")
    return {
        "loss": loss_sum / len(label),
        "auc": roc_auc(score, label),
        f"hits_at_{HITS_K}": hits_at(score, label, HITS_K),
        "common_neighbours_auc": roc_auc(cn, label),
        f"common_neighbours_hits_at_{HITS_K}": hits_at(cn, label, HITS_K),
        "num_pairs": len(label),
    }
