"""Link prediction data: one graph whose held-out edges are removed from the graph the model
passes messages over; a training sample is a kept edge, a held-out sample an edge or a
non-edge.

A training batch holds the whole message-passing graph, its edges as `pairs` (2, B), and as
many random non-edges (negative sampling, drawn from the batch's own seed so that a batch
depends only on its edges); `targets` is 1 for an edge, 0 for a non-edge. The held-out
non-edges, as many as the held-out edges, are drawn once.

Synthetic: a stochastic block model (planted communities: edges within a community ten
times as likely as across). A user's graph is a folder of nodes.csv (features; a label
column, if any, is ignored) and edges.csv (docs/graph_data.md)."""

from pathlib import Path

import numpy as np
import torch
from torch.utils.data import Dataset

from metagen.data.graph_csv import graph_tensors, read_edge_table, read_node_table
from metagen.data.graph_synthetic import stochastic_block_graph

LINK_FEATURES = 16
LINK_COMMUNITIES = 4


def unique_undirected(edges: np.ndarray) -> np.ndarray:
    """(E, 2) pairs with a < b, each once, self-loops dropped."""
    pairs = np.sort(edges, axis=1)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    return np.unique(pairs, axis=0).reshape(-1, 2)


def sample_non_edges(
    count: int, num_nodes: int, known: set, rng: np.random.Generator
) -> np.ndarray:
    """`count` node pairs (a < b) that are no edge of `known` and not repeated."""
    if count > num_nodes * (num_nodes - 1) // 2 - len(known):
        raise ValueError(f"a graph of {num_nodes} nodes has too few non-edges to sample {count}")
    found: set = set()
    while len(found) < count:
        a, b = (int(v) for v in rng.integers(0, num_nodes, size=2))
        pair = (min(a, b), max(a, b))
        if a != b and pair not in known and pair not in found:
            found.add(pair)
    return np.array(sorted(found), dtype=np.int64).reshape(-1, 2)


class LinkSet(Dataset):
    """Node pairs with 0/1 targets over one message-passing graph. With `negatives_seed`,
    each batch adds one random non-edge per pair (training)."""

    def __init__(self, x, edge_index, pairs, targets, known: set, negatives_seed=None) -> None:
        self.x, self.edge_index = x, edge_index
        self.pairs = torch.tensor(pairs, dtype=torch.long)
        self.targets = torch.tensor(targets, dtype=torch.float32)
        self.known, self.negatives_seed = known, negatives_seed

    def __len__(self) -> int:
        return len(self.pairs)

    def __getitem__(self, index: int) -> int:
        return index

    def collate(self, rows: list[int]) -> dict:
        pairs, targets = self.pairs[rows], self.targets[rows]
        if self.negatives_seed is not None:
            rng = np.random.default_rng([self.negatives_seed, *rows[:4]])
            negatives = sample_non_edges(len(rows), len(self.x), self.known, rng)
            pairs = torch.cat([pairs, torch.tensor(negatives)])
            targets = torch.cat([targets, torch.zeros(len(negatives))])
        return {"x": self.x, "edge_index": self.edge_index, "pairs": pairs.T, "targets": targets}


def link_prediction_datasets(cfg: dict, source: str, seed: int):
    rng = np.random.default_rng(seed)
    if source == "synthetic":
        total = int(cfg["num_nodes"])
        sizes = [total // LINK_COMMUNITIES] * LINK_COMMUNITIES
        x, edges, _ = stochastic_block_graph(sizes, LINK_FEATURES, rng)
    else:
        folder = Path(source)
        x, _, _ = read_node_table(folder / "nodes.csv", need_labels=False)
        edges = read_edge_table(folder / "edges.csv", len(x))
    edges = unique_undirected(edges)
    if len(edges) < 4:
        raise ValueError(f"{source}: {len(edges)} distinct edges; link prediction needs 4 or more")
    order = rng.permutation(len(edges))
    held = max(1, int(round(float(cfg["val_fraction"]) * len(edges))))
    kept, held_out = edges[order[held:]], edges[order[:held]]
    known = {(int(a), int(b)) for a, b in edges}
    negatives = sample_non_edges(len(held_out), len(x), known, rng)
    mean, std = x.mean(axis=0), np.maximum(x.std(axis=0), 1e-6)
    features, edge_index = graph_tensors(x, kept, mean, std)  # held-out edges removed
    train = LinkSet(features, edge_index, kept, np.ones(len(kept)), known, negatives_seed=seed)
    # mixed, so that an evaluation of the first batches sees edges and non-edges alike
    mixed = rng.permutation(2 * len(held_out))
    pairs = np.concatenate([held_out, negatives])[mixed]
    targets = np.r_[np.ones(len(held_out)), np.zeros(len(negatives))][mixed]
    val = LinkSet(features, edge_index, pairs, targets, known)
    info = {
        "task": "link_prediction",
        "source": source,
        "feature_mean": mean.tolist(),
        "feature_std": std.tolist(),
        "fit_dims": {"in_features": int(x.shape[1])},
        "num_nodes": len(x),
        "num_train": len(kept),
        "num_val": len(val),
    }
    return train, val, info
