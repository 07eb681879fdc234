"""Held-out accuracy of a graph classifier, beside the majority class."""

import torch
import torch.nn.functional as F

from metagen.data.batch import model_inputs, move_batch


def evaluate_graph_classifier(model, batches, device) -> dict:
    loss_sum, preds, labels = 0.0, [], []
    for batch in batches:
        batch = move_batch(batch, device)
        logits = model(**model_inputs(batch)).float()  # (G, K)
        loss_sum += float(F.cross_entropy(logits, batch["labels"], reduction="sum"))
        preds.append(logits.argmax(-1).cpu())
        labels.append(batch["labels"].cpu())
    if not preds:
        raise ValueError("cannot evaluate on an empty dataset")
    predicted, truth = torch.cat(preds), torch.cat(labels)
    graphs = truth.numel()
    return {
        "loss": loss_sum / graphs,
        "accuracy": float((predicted == truth).float().mean()),
        # the trivial baseline: always answer the held-out graphs' most frequent class
        "majority_class_accuracy": int(torch.bincount(truth).max()) / graphs,
        "num_graphs": graphs,
    }
