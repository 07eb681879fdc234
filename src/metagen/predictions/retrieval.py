"""Retrieval within one held-out batch, shared by the contrastive task (captions retrieve
images) and the embedding task (queries retrieve documents): the batch's query x item
similarity, whose diagonal holds the pairs, each pair's group (the pairs of one group match
each other), and the first queries' top items."""

from __future__ import annotations

import torch

QUERIES = 4
TOP = 3


def retrieval_predictions(
    similarity: torch.Tensor,
    groups: torch.Tensor,
    query_texts: list[str],
    item_texts: list[str],
    *,
    names: tuple[str, str],
    group: str,
    item_images: torch.Tensor | None = None,
) -> dict:
    """{"kind": "retrieval", similarity (N, N) of query i and item j, groups (N,), the first
    QUERIES queries' texts, their TOP items (indices, texts, and pictures where items are
    pictures: (q, TOP, C, H, W) in [0, 1]), `names`: what a query and an item are, and
    `group`: what the pairs of one group share}."""
    n = similarity.size(0)
    top = similarity[:QUERIES].topk(min(TOP, n), dim=1).indices  # (q, k), best first
    collected = {
        "kind": "retrieval",
        "similarity": similarity.float().cpu(),
        "groups": groups.cpu(),
        "query_name": names[0],
        "item_name": names[1],
        "group_name": group,
        "queries": query_texts[:QUERIES],
        "retrieved": top.cpu(),
        "retrieved_texts": [[item_texts[j] for j in row] for row in top.tolist()],
    }
    if item_images is not None:
        collected["retrieved_images"] = item_images[top.cpu()]
    return collected
