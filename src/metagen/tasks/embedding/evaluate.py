"""Held-out evaluation of an embedding model: recall among every held-out pair, beside a
random ranking's (exact expectations, not samples)."""

import torch

from metagen.data.batch import model_inputs, move_batch
from metagen.evaluate.record_metrics import retrieval_metrics
from metagen.train.record_losses import embedding_loss, pair_similarity

RECALL_KS = (1, 5, 10)


def evaluate_embedding(model, batches, device) -> dict:
    """Anchors retrieve positives among every held-out pair at once (cosine similarity); a hit
    is an item of the anchor's group. Chance is a random ranking's expected recall."""
    losses, outputs, groups = [], [], []
    for batch in batches:
        batch = move_batch(batch, device)
        out = model(**model_inputs(batch)).float()
        losses.append(float(embedding_loss(out, batch)))
        outputs.append(out.cpu())
        groups.append(batch["labels"].cpu())
    if not outputs:
        raise ValueError("cannot evaluate on an empty dataset")
    similarity, labels = pair_similarity(torch.cat(outputs)), torch.cat(groups)
    results = {"loss": sum(losses) / len(losses)}
    results.update(retrieval_metrics(similarity, labels, RECALL_KS))
    results["num_samples"] = len(labels)
    return results
