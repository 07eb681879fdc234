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
