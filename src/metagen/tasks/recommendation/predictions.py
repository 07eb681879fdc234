"""A recommender's held-out results per user: the Recall@10 of its top 10 unseen items and of
the 10 most popular ones (the evaluator's metrics, per user), and the scores it gives the
items held out for a user against the other items the user has not seen (a sample of each),
for report/plots/recommendation_hits."""

import numpy as np
import torch

from metagen.data.batch import move_batch
from metagen.tasks.recommendation.evaluate import (
    RECOMMEND_K,
    catalog_embeddings,
    recall_ndcg_at,
    scored_users,
)

MAX_USERS = 5000  # batches stop once this many held-out users are scored
MAX_SCORES = 5000  # a sample of each score group
SAMPLE_SEED = 0


def collect_recommendation_hits(model, batches, device, info) -> dict:
    """{"kind": "recommendation_hits", recall (U,), popularity_recall (U,), k (U,): the cut-off
    each user was scored at, held_out_scores, other_scores (sampled), k_wanted}."""
    recall, pop_recall, cutoffs, held_scores, other_scores = [], [], [], [], []
    items = None
    for batch in batches:
        batch = move_batch(batch, device)
        items = catalog_embeddings(model, batch) if items is None else items
        scored = scored_users(model, batch, items)  # as the evaluator scores and cuts off
        scores, unseen, model_scores, popular = (t.cpu() for t in scored[:4])
        k = scored[4]
        held_out = batch["held_out"].cpu()  # (U, I) 1 where held out for the user
        held = held_out > 0
        for user in range(len(scores)):
            truth = held_out[user : user + 1]
            recall.append(recall_ndcg_at(model_scores[user : user + 1], truth, k)[0])
            pop_recall.append(recall_ndcg_at(popular[user : user + 1], truth, k)[0])
            cutoffs.append(k)
        held_scores.append(scores[held])
        other_scores.append(scores[unseen & ~held])
        if len(recall) >= MAX_USERS:
            break
    if not recall:
        raise ValueError("no held-out batches to predict on")
    return {
        "kind": "recommendation_hits",
        # float64 arrays: a tensor would be saved as float32
        "recall": np.array(recall),
        "popularity_recall": np.array(pop_recall),
        "k": np.array(cutoffs),
        "k_wanted": RECOMMEND_K,
        "held_out_scores": _sample(torch.cat(held_scores)),
        "other_scores": _sample(torch.cat(other_scores)),
    }


def _sample(scores: torch.Tensor) -> torch.Tensor:
    """At most MAX_SCORES of `scores`, drawn without replacement, the same each run."""
    if len(scores) <= MAX_SCORES:
        return scores
    generator = torch.Generator().manual_seed(SAMPLE_SEED)
    return scores[torch.randperm(len(scores), generator=generator)[:MAX_SCORES]]
