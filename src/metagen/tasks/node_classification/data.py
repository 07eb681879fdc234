"""Node classification data: one graph, labels on some nodes; a sample is a node.

A batch holds the whole graph (features and edges) and the labels of its sampled nodes only
(the others are -100, which the loss and metrics skip), so every step passes messages over
the full graph, as Kipf & Welling train on Cora.

Synthetic: a stochastic block model, one community per class (edges within a community ten
times as likely as across), and features that carry the class only weakly (a class mean of
norm 1 under unit noise per feature): neighbours' features tell the class.

A user's graph is a folder with two CSV files. nodes.csv: a header, one row per node (rows
are nodes 0, 1, ...), a `label` column (a class index, or empty for an unlabelled node), an
optional `split` column (train or val: which labelled nodes train and which are held out;
without it a val_fraction of them is held out at random), and numeric feature columns (none:
each node's features are its one-hot row). edges.csv: a header with `source` and `target`,
node rows, each edge undirected (both directions are used)."""

from pathlib import Path

import numpy as np
import torch
from torch.utils.data import Dataset

from metagen.data.graph_csv import graph_tensors, read_edge_table, read_node_table
from metagen.data.graph_synthetic import stochastic_block_graph

SBM_FEATURES = 16
IGNORED_LABEL = -100  # nodes outside the batch, skipped by cross-entropy


class NodeSet(Dataset):
    """The labelled nodes of one split; a batch is the whole graph with their labels."""

    def __init__(
        self, x: torch.Tensor, edge_index: torch.Tensor, labels: np.ndarray, nodes: np.ndarray
    ) -> None:
        self.x, self.edge_index = x, edge_index
        self.labels = torch.tensor(labels, dtype=torch.long)
        self.nodes = [int(i) for i in nodes]

    def __len__(self) -> int:
        return len(self.nodes)

    def __getitem__(self, index: int) -> int:
        return self.nodes[index]

    def collate(self, nodes: list[int]) -> dict:
        labels = torch.full_like(self.labels, IGNORED_LABEL)
        labels[nodes] = self.labels[nodes]
        return {"x": self.x, "edge_index": self.edge_index, "labels": labels}


def split_nodes(labels: np.ndarray, splits: list[str], val_fraction: float, seed: int):
    labelled = np.flatnonzero(labels >= 0)
    if any(splits):
        train = [i for i in labelled if splits[i] == "train"]
        val = [i for i in labelled if splits[i] != "train"]
    else:
        order = np.random.default_rng(seed).permutation(labelled)
        held = max(1, int(round(val_fraction * len(order))))
        train, val = list(order[held:]), list(order[:held])
    if not train or not val:
        raise ValueError(
            f"{len(train)} training and {len(val)} held-out labelled nodes: label more nodes, "
            "or mark some split train and some val"
        )
    return np.array(train), np.array(val)


def node_classification_datasets(cfg: dict, source: str, seed: int):
    if source == "synthetic":
        rng = np.random.default_rng(seed)
        classes = int(cfg["num_classes"])
        total = int(cfg["num_train"]) + int(cfg["num_val"])
        sizes = [total // classes + (c < total % classes) for c in range(classes)]
        x, edges, labels = stochastic_block_graph(sizes, int(cfg["num_features"]), rng)
        order = rng.permutation(len(labels))
        train, val = order[: int(cfg["num_train"])], order[int(cfg["num_train"]) :]
    else:
        folder = Path(source)
        x, labels, splits = read_node_table(folder / "nodes.csv")
        edges = read_edge_table(folder / "edges.csv", len(labels))
        train, val = split_nodes(labels, splits, float(cfg["val_fraction"]), seed)
    classes_seen = sorted(set(labels[train].tolist()) | set(labels[val].tolist()))
    if len(classes_seen) < 2:
        raise ValueError(
            f"{source}: every labelled node has class {classes_seen}; give two or more"
        )
    # transductive: every node's features are seen (never a label), so all set the scale
    mean, std = x.mean(axis=0), np.maximum(x.std(axis=0), 1e-6)
    features, edge_index = graph_tensors(x, edges, mean, std)
    num_classes = int(labels.max()) + 1
    info = {
        "task": "node_classification",
        "source": source,
        "num_classes": num_classes,
        "class_names": [str(c) for c in range(num_classes)],
        "feature_mean": mean.tolist(),
        "feature_std": std.tolist(),
        "fit_dims": {"in_features": int(x.shape[1]), "num_outputs": num_classes},
        "num_nodes": len(labels),
        "num_edges": len(edges),
        "num_train": len(train),
        "num_val": len(val),
    }
    return (
        NodeSet(features, edge_index, labels, train),
        NodeSet(features, edge_index, labels, val),
        info,
    )
