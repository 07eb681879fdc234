"""Synthetic graphs with planted communities: a stochastic block model, whose node features
carry the community weakly, so that neighbours tell it (node classification, link
prediction)."""

import numpy as np

SBM_DEGREE_IN = 8.0  # expected neighbours within the node's community
SBM_DEGREE_OUT = 0.8  # expected neighbours in other communities


def stochastic_block_graph(
    sizes: list[int], features: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(x (N, F), edges (E, 2) undirected pairs, labels (N,)) of a stochastic block model."""
    labels = np.repeat(np.arange(len(sizes)), sizes)
    n = len(labels)
    p_in = SBM_DEGREE_IN / max(min(sizes) - 1, 1)
    p_out = SBM_DEGREE_OUT / max(n - min(sizes), 1)
    same = labels[:, None] == labels[None, :]
    upper = np.triu(rng.random((n, n)) < np.where(same, p_in, p_out), k=1)
    edges = np.argwhere(upper)
    means = rng.standard_normal((len(sizes), features))
    means /= np.linalg.norm(means, axis=1, keepdims=True)
    x = means[labels] + rng.standard_normal((n, features))
    return x, edges, labels
