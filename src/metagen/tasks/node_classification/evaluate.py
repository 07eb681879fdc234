"""Held-out node accuracy, beside the majority class of the held-out nodes."""

import torch
import torch.nn.functional as F

from metagen.data.batch import model_inputs, move_batch


def evaluate_node_classifier(model, batches, device) -> dict:
    loss_sum, preds, labels = 0.0, [], []
    for batch in batches:
        batch = move_batch(batch, device)
        logits = model(**model_inputs(batch)).float()  # (N, K): every node of the graph
        scored = batch["labels"] >= 0  # the batch's held-out nodes
        target = batch["labels"][scored]
        loss_sum += float(F.cross_entropy(logits[scored], target, reduction="sum"))
        preds.append(logits[scored].argmax(-1).cpu())
        labels.append(target.cpu())
    if not preds:
        raise ValueError("cannot evaluate on an empty dataset")
    predicted, truth = torch.cat(preds), torch.cat(labels)
    nodes = truth.numel()
    return {
        "loss": loss_sum / nodes,
        "accuracy": float((predicted == truth).float().mean()),
        # the trivial baseline: always answer the held-out nodes' most frequent class
        "majority_class_accuracy": int(torch.bincount(truth).max()) / nodes,
        "num_nodes": nodes,
    }
