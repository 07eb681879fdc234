"""Retrieval metrics over a similarity matrix whose matching pairs lie on the diagonal."""

import torch


def retrieval_ranks(similarity: torch.Tensor) -> torch.Tensor:
    """Rank (0 is first) of the matching item for each query row of similarity (N, N). Ties
    count against the match: an item that scores the same ranks ahead of it, so a model that
    gives every item one score never retrieves anything."""
    matched = similarity.diagonal()[:, None]  # (N, 1)
    return (similarity >= matched).sum(dim=1) - 1  # (N,)


def recall_at_k(similarity: torch.Tensor, k: int) -> float:
    """Fraction of queries whose match ranks among the first k."""
    if similarity.dim() != 2 or similarity.size(0) != similarity.size(1):
        raise ValueError(f"similarity must be square (N, N), got {tuple(similarity.shape)}")
    return float((retrieval_ranks(similarity) < k).float().mean())


def same_group_at_1(similarity: torch.Tensor, groups: torch.Tensor) -> float:
    """Fraction of queries whose first retrieved item (argmax, first on ties) is in the query's
    group, e.g. has the same caption text."""
    top = similarity.argmax(dim=1)  # (N,)
    return float((groups[top] == groups).float().mean())


def same_group_chance(groups: torch.Tensor) -> float:
    """same_group_at_1 of a uniformly random pick: the mean share of the query's group."""
    sizes = torch.bincount(groups).double()  # (G,)
    return float((sizes[groups] / groups.numel()).mean())


def mean_average_precision(similarity: torch.Tensor, relevant: torch.Tensor) -> float:
    """Mean over queries (rows of similarity (N, M)) of the average precision of the items
    ranked by score, where relevant (N, M) marks the items a query should find (its
    caption's pictures, say). Ties are ranked in item order; a query with nothing relevant
    is left out."""
    order = similarity.argsort(dim=1, descending=True, stable=True)  # (N, M)
    hits = relevant.gather(1, order).float()  # (N, M): 1 where the item at that rank is relevant
    ranks = torch.arange(1, hits.size(1) + 1, dtype=torch.float32)
    precision = hits.cumsum(dim=1) / ranks  # precision at each rank
    found = hits.sum(dim=1)
    kept = found > 0
    average = (precision * hits).sum(dim=1)[kept] / found[kept]
    return float(average.mean()) if bool(kept.any()) else float("nan")


def clip_score(image_embeds: torch.Tensor, text_embeds: torch.Tensor, weight: float = 2.5):
    """CLIPScore (Hessel et al., 2021) of each picture with each caption, by the model's own
    unit embeddings: weight * max(cosine, 0), (N, N); the diagonal holds the true pairs."""
    return weight * (image_embeds @ text_embeds.t()).clamp(min=0)
