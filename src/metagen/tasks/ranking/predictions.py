"""A ranker's held-out item scores beside their relevance grades, and each list's NDCG@10
beside a random order's expected NDCG@10 (the evaluator's metrics, per list), for
report/plots/ranking."""

import numpy as np
import torch

from metagen.data.batch import model_inputs, move_batch
from metagen.evaluate.record_metrics import ranking_metrics
from metagen.tasks.ranking.evaluate import NDCG_KS

MAX_LISTS = 2000  # batches stop once this many held-out lists are scored
K = max(NDCG_KS)


def collect_ranked_lists(model, batches, device, info) -> dict:
    """{"kind": "ranking", scores (items,), grades (items,) of the real (unpadded) items,
    list_index (items,), ndcg (lists,), random_ndcg (lists,), k}."""
    scores: list[torch.Tensor] = []
    grades: list[torch.Tensor] = []
    owners: list[torch.Tensor] = []
    ndcg: list[float] = []
    random_ndcg: list[float] = []
    for batch in batches:
        batch = move_batch(batch, device)
        out = model(**model_inputs(batch)).float().squeeze(-1).cpu()  # (B, list size)
        for list_scores, list_grades in zip(out, batch["targets"].cpu(), strict=True):
            valid = list_grades >= 0  # -1: padding
            metrics = ranking_metrics(list_grades[valid], list_scores[valid], (K,))
            owners.append(torch.full((int(valid.sum()),), len(ndcg)))
            scores.append(list_scores[valid])
            grades.append(list_grades[valid].float())
            ndcg.append(metrics[f"ndcg_at_{K}"])
            random_ndcg.append(metrics[f"random_ndcg_at_{K}"])
        if len(ndcg) >= MAX_LISTS:
            break
    if not ndcg:
        raise ValueError("no held-out batches to predict on")
    return {
        "kind": "ranking",
        "scores": torch.cat(scores),
        "grades": torch.cat(grades),
        "list_index": torch.cat(owners),
        # float64 arrays: a tensor would be saved as float32
        "ndcg": np.array(ndcg),
        "random_ndcg": np.array(random_ndcg),
        "k": K,
    }
