"""Held-out recommendation: Recall@K and NDCG@K of the top K unseen items per user, beside
recommending the most popular unseen items."""

import math

import torch

from metagen.data.batch import move_batch

RECOMMEND_K = 10


def recall_ndcg_at(scores: torch.Tensor, held: torch.Tensor, k: int) -> tuple[float, float]:
    """Sums over users of Recall@k (held-out items in the top k over held-out items) and NDCG@k
    (binary gains, log2 discounts, over the ideal order's)."""
    top = scores.topk(k, dim=1).indices  # (U, k)
    hits = held.gather(1, top)  # (U, k) 1 where a held-out item
    discounts = 1.0 / torch.log2(torch.arange(2, k + 2, dtype=torch.float64))
    dcg = (hits.double() * discounts).sum(1)
    relevant = held.sum(1)
    ideal = torch.stack([discounts[: int(min(r, k))].sum() for r in relevant.tolist()])
    recall = hits.sum(1).double() / relevant.double()
    return float(recall.sum()), float((dcg / ideal).sum())


def catalog_embeddings(model, batch) -> torch.Tensor:
    """Every item's embedding (I, D), from the item tower."""
    catalog = torch.arange(batch["popularity"].shape[1], device=batch["users"].device)
    return model.item_tower(catalog).float()


def scored_users(model, batch, items: torch.Tensor):
    """(scores, unseen, the model's ranking scores, popularity's, k) of each user of the batch
    against every item (U, I): items seen in training score -inf (never recommended again),
    and k is RECOMMEND_K or fewer where a user has fewer unseen items."""
    scores = model.user_tower(batch["users"]).float() @ items.T  # (U, I)
    unseen = batch["seen"] == 0
    model_scores = scores.masked_fill(~unseen, -math.inf)
    popular = batch["popularity"].masked_fill(~unseen, -math.inf)
    return scores, unseen, model_scores, popular, min(RECOMMEND_K, int(unseen.sum(1).min()))


def evaluate_recommender(model, batches, device) -> dict:
    sums = {"recall": 0.0, "ndcg": 0.0, "pop_recall": 0.0, "pop_ndcg": 0.0, "loss": 0.0}
    users, held_items = 0, 0
    items = None
    for batch in batches:
        batch = move_batch(batch, device)
        items = catalog_embeddings(model, batch) if items is None else items
        _, _, model_scores, popular, k = scored_users(model, batch, items)
        # cross-entropy of each held-out item under a softmax over the user's unseen items
        log_probs = model_scores.log_softmax(dim=1)
        held = batch["held_out"] > 0
        sums["loss"] -= float(log_probs[held].sum())
        held_items += int(held.sum())
        recall, ndcg = recall_ndcg_at(model_scores.cpu(), batch["held_out"].cpu(), k)
        pop_recall, pop_ndcg = recall_ndcg_at(popular.cpu(), batch["held_out"].cpu(), k)
        sums["recall"] += recall
        sums["ndcg"] += ndcg
        sums["pop_recall"] += pop_recall
        sums["pop_ndcg"] += pop_ndcg
        users += len(batch["users"])
    if users == 0:
        raise ValueError("cannot evaluate on an empty dataset")
    return {
        "loss": sums["loss"] / held_items,
        f"recall_at_{RECOMMEND_K}": sums["recall"] / users,
        f"ndcg_at_{RECOMMEND_K}": sums["ndcg"] / users,
        f"popularity_recall_at_{RECOMMEND_K}": sums["pop_recall"] / users,
        f"popularity_ndcg_at_{RECOMMEND_K}": sums["pop_ndcg"] / users,
        "num_users": users,
    }
