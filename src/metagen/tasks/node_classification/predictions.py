"""Class probabilities of a node classifier on its held-out nodes (the batch's nodes with a
label; the others are the graph's training nodes, labelled -1), for report/plots/class_scores."""

from metagen.data.batch import model_inputs, move_batch
from metagen.predictions.class_scores import class_scores

MAX_NODES = 10_000  # the first held-out nodes


def collect_node_class_scores(model, batches, device, info) -> dict:
    """{"kind": "class_scores", probabilities (N, K), labels (N,), class_names}."""
    probabilities, labels = [], []
    for batch in batches:
        batch = move_batch(batch, device)
        logits = model(**model_inputs(batch)).float()  # (nodes, K): every node of the graph
        scored = batch["labels"] >= 0
        probabilities.append(logits[scored].softmax(-1).cpu())
        labels.append(batch["labels"][scored].cpu())
    return class_scores(probabilities, labels, info.get("class_names"), MAX_NODES)
