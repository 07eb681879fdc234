"""A graph folder: nodes.csv (a row per node: features, label, split) and edges.csv (source,
target node rows, undirected), each cell checked (docs/graph_data.md)."""

import csv
from pathlib import Path

import numpy as np
import torch

NODE_CSV_FORMAT = (
    "a folder with nodes.csv (a header; one row per node, rows are nodes 0, 1, ...; a label "
    "column of class indices, empty for unlabelled nodes; an optional split column, train or "
    "val; numeric feature columns) and edges.csv (a header with source and target: node rows)"
)


def read_csv_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    if not path.is_file():
        raise FileNotFoundError(f"no {path.name} in {path.parent}; give {NODE_CSV_FORMAT}")
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    if not rows:
        raise ValueError(f"{path} is empty; give {NODE_CSV_FORMAT}")
    return [name.strip() for name in rows[0]], rows[1:]


def read_node_table(
    path: Path, need_labels: bool = True
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(features (N, F), labels (N,) with -1 unlabelled, splits (N,) '' if unset); without
    `need_labels` the label column may be missing."""
    header, rows = read_csv_rows(path)
    if need_labels and "label" not in header:
        raise ValueError(f"{path} has no label column (columns: {header}); give {NODE_CSV_FORMAT}")
    if not rows:
        raise ValueError(f"{path} has no node rows: an empty graph; give {NODE_CSV_FORMAT}")
    label_col = header.index("label") if "label" in header else None
    split_col = header.index("split") if "split" in header else None
    feature_cols = [i for i, name in enumerate(header) if i not in (label_col, split_col)]
    labels, splits, features = [], [], []
    for number, row in enumerate(rows, start=2):
        if len(row) != len(header):
            raise ValueError(f"{path}:{number}: {len(row)} cells for {len(header)} columns")
        cell = row[label_col].strip() if label_col is not None else ""
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
                f"{num_nodes} rows, nodes 0 to {num_nodes - 1}. Edges name nodes by their "
                "0-based row in nodes.csv: fix the edge, or add the node's row"
            )
        edges.append((a, b))
    return np.array(edges, dtype=np.int64).reshape(-1, 2)


def graph_tensors(x: np.ndarray, edges: np.ndarray, mean, std) -> tuple[torch.Tensor, torch.Tensor]:
    both = np.concatenate([edges, edges[:, ::-1]]).T  # (2, 2E): each edge both ways
    return torch.tensor((x - mean) / std, dtype=torch.float32), torch.tensor(both.copy())
