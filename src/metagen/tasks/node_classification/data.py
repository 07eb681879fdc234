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

import csv
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import Dataset

SBM_FEATURES = 16
SBM_DEGREE_IN = 8.0  # expected neighbours within the node's community
SBM_DEGREE_OUT = 0.8  # expected neighbours in other communities
NODE_CSV_FORMAT = (
    "a folder with nodes.csv (a header; one row per node, rows are nodes 0, 1, ...; a label "
    "column of class indices, empty for unlabelled nodes; an optional split column, train or "
    "val; numeric feature columns) and edges.csv (a header with source and target: node rows)"
)
IGNORED_LABEL = -100  # nodes outside the batch, skipped by cross-entropy


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


def read_csv_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    if not path.is_file():
        raise FileNotFoundError(f"no {path.name} in {path.parent}; give {NODE_CSV_FORMAT}")
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    if not rows:
        raise ValueError(f"{path} is empty; give {NODE_CSV_FORMAT}")
    return [name.strip() for name in rows[0]], rows[1:]


def read_node_table(path: Path) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(features (N, F), labels (N,) with -1 unlabelled, splits (N,) '' if unset)."""
    header, rows = read_csv_rows(path)
    if "label" not in header:
        raise ValueError(f"{path} has no label column (columns: {header}); give {NODE_CSV_FORMAT}")
    if not rows:
        raise ValueError(f"{path} has no node rows: an empty graph; give {NODE_CSV_FORMAT}")
    label_col = header.index("label")
    split_col = header.index("split") if "split" in header else None
    feature_cols = [i for i, name in enumerate(header) if i not in (label_col, split_col)]
    labels, splits, features = [], [], []
    for number, row in enumerate(rows, start=2):
        if len(row) != len(header):
            raise ValueError(f"{path}:{number}: {len(row)} cells for {len(header)} columns")
        cell = row[label_col].strip()
        if cell and not (cell.isdigit()):
            raise ValueError(f"{path}:{number}: label {cell!r} is not a class index (0, 1, ...)")
        labels.append(int(cell) if cell else -1)
        split = row[split_col].strip() if split_col is not None else ""
        if split not in ("", "train", "val"):
            raise ValueError(f"{path}:{number}: split {split!r} must be train, val or empty")
        splits.append(split)
        try:
            features.append([float(row[i]) for i in feature_cols])
        except ValueError:
            raise ValueError(
                f"{path}:{number}: a non-numeric feature in {[row[i] for i in feature_cols]}; "
                "every column but label and split must be a number"
            ) from None
    x = np.array(features) if feature_cols else np.eye(len(rows))
    return x, np.array(labels), splits


def read_edge_table(path: Path, num_nodes: int) -> np.ndarray:
    """(E, 2) undirected node-row pairs, checked against the node count."""
    header, rows = read_csv_rows(path)
    if not {"source", "target"} <= set(header):
        raise ValueError(f"{path} needs source and target columns (columns: {header})")
    src, dst = header.index("source"), header.index("target")
    edges = []
    for number, row in enumerate(rows, start=2):
        try:
            a, b = int(row[src]), int(row[dst])
        except (ValueError, IndexError):
            raise ValueError(
                f"{path}:{number}: source and target must be node rows (integers)"
            ) from None
        if not (0 <= a < num_nodes and 0 <= b < num_nodes):
            raise ValueError(
                f"{path}:{number}: edge ({a}, {b}) names a node out of range; nodes.csv has "
                f"{num_nodes} rows, nodes 0 to {num_nodes - 1}"
            )
        edges.append((a, b))
    return np.array(edges, dtype=np.int64).reshape(-1, 2)


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


def graph_tensors(x: np.ndarray, edges: np.ndarray, mean, std) -> tuple[torch.Tensor, torch.Tensor]:
    both = np.concatenate([edges, edges[:, ::-1]]).T  # (2, 2E): each edge both ways
    return torch.tensor((x - mean) / std, dtype=torch.float32), torch.tensor(both.copy())


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
