"""A link predictor's held-out pair scores (the logit of a pair's embedding dot product) and
whether each pair is an edge, beside common neighbours' scores of the same pairs (the
evaluator's baseline), for report/plots/score_separation."""

import torch

from metagen.data.batch import model_inputs, move_batch
from metagen.tasks.link_prediction.evaluate import common_neighbours
from metagen.tasks.link_prediction.loss import pair_scores

MAX_PAIRS = 5000  # the first held-out pairs


def collect_pair_scores(model, batches, device, info) -> dict:
    """{"kind": "score_separation", scores (P,), labels (P,) 1 for an edge, baseline_scores
    (P,) common neighbours, and the names of the score, the baseline and the classes}."""
    scores, labels, baseline = [], [], []
    for batch in batches:
        batch = move_batch(batch, device)
        embeddings = model(**model_inputs(batch)).float()  # (nodes, D)
        scores.append(pair_scores(embeddings, batch["pairs"]).cpu())
        labels.append(batch["targets"].cpu())
        baseline.append(
            common_neighbours(batch["edge_index"].cpu(), batch["pairs"].cpu(), len(embeddings))
        )
        if sum(len(chunk) for chunk in labels) >= MAX_PAIRS:
            break
    if not labels:
        raise ValueError("no held-out batches to predict on")
    return {
        "kind": "score_separation",
        "scores": torch.cat(scores)[:MAX_PAIRS],
        "labels": torch.cat(labels)[:MAX_PAIRS],
        "baseline_scores": torch.cat(baseline)[:MAX_PAIRS],
        "score_name": "pair logit",
        "baseline_name": "common neighbours",
        "class_names": ["non-edge", "edge"],
    }
