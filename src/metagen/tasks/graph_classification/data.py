"""Graph classification data: one label per graph, graphs batched as a disjoint union.

Synthetic graphs carry a structural label: a random tree (class 0) or a random tree with
three extra edges, so with cycles (class 1), of 8 to 16 nodes; a node's only features are a
constant and its degree, so the label is in the structure alone. A user's file is JSONL, one
graph per line: {"x": [[f, ...], ...] (a feature row per node), "edges": [[source, target],
...] (node rows, 0-based, directed: list both ways for an undirected edge), "label": int}.
Features are standardized with the training graphs' mean and std."""

import json
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import Dataset

GRAPH_NODES = (8, 16)  # node counts of the synthetic graphs, inclusive
GRAPH_EXTRA_EDGES = 3  # edges a cyclic graph adds to its tree
GRAPH_JSONL_FORMAT = (
    'one JSON object per line, {"x": [[feature, ...] per node], "edges": [[source, target], '
    '...] with 0-based node rows, "label": class index}'
)


def tree_with_cycles(n: int, extra: int, rng: np.random.Generator) -> list[tuple[int, int]]:
    """A random recursive tree on n nodes plus `extra` distinct non-tree edges (undirected)."""
    edges = {(int(rng.integers(i)), i) for i in range(1, n)}
    while len(edges) < n - 1 + extra:
        a, b = sorted(int(v) for v in rng.choice(n, size=2, replace=False))
        edges.add((a, b))
    return sorted(edges)


def structural_graph(label: int, rng: np.random.Generator) -> dict:
    """One synthetic graph of class `label`, features (constant 1, degree)."""
    n = int(rng.integers(GRAPH_NODES[0], GRAPH_NODES[1] + 1))
    pairs = tree_with_cycles(n, GRAPH_EXTRA_EDGES * label, rng)
    edges = [[a, b] for a, b in pairs] + [[b, a] for a, b in pairs]
    degree = np.bincount([a for a, _ in edges], minlength=n)
    x = np.stack([np.ones(n), degree], axis=1)
    return {"x": x, "edges": np.array(edges, dtype=np.int64), "label": label}


def check_graph_record(record: object, where: str) -> dict:
    """A JSONL graph as arrays, or a ValueError naming what is wrong and the format."""
    fix = f"The file must hold {GRAPH_JSONL_FORMAT}."
    if not isinstance(record, dict) or not {"x", "edges", "label"} <= set(record):
        raise ValueError(f"{where}: a graph needs the keys x, edges and label. {fix}")
    try:
        x = np.asarray(record["x"], dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{where}: x holds non-numeric node features. {fix}") from None
    if x.ndim != 2 or x.shape[0] == 0 or x.shape[1] == 0:
        raise ValueError(f"{where}: an empty graph or ragged x (shape {x.shape}). {fix}")
    edges = np.asarray(record["edges"], dtype=object)
    if edges.size and (edges.ndim != 2 or edges.shape[1] != 2):
        raise ValueError(f"{where}: edges must be pairs [source, target]. {fix}")
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in edges.flat):
        raise ValueError(f"{where}: edges must hold integer node rows. {fix}")
    edges = edges.astype(np.int64).reshape(-1, 2)
    if edges.size and (edges.min() < 0 or edges.max() >= len(x)):
        raise ValueError(
            f"{where}: edge node {int(edges.max() if edges.max() >= len(x) else edges.min())} "
            f"is out of range for a graph of {len(x)} nodes (rows 0 to {len(x) - 1}). {fix}"
        )
    label = record["label"]
    if not isinstance(label, int) or isinstance(label, bool) or label < 0:
        raise ValueError(f"{where}: label {label!r} is not a class index (0, 1, ...). {fix}")
    return {"x": x, "edges": edges, "label": label}


def read_graph_jsonl(path: Path, with_labels: bool = True) -> list[dict]:
    """Every graph of a JSONL file; a missing label is -1 when `with_labels` is False."""
    if not path.is_file():
        raise FileNotFoundError(f"no graph file at {path}; give a JSONL of {GRAPH_JSONL_FORMAT}")
    graphs = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise ValueError(
                f"{where}: not JSON ({error.msg}); it must hold {GRAPH_JSONL_FORMAT}."
            ) from None
        if not with_labels and isinstance(record, dict) and "label" not in record:
            graphs.append({**check_graph_record({**record, "label": 0}, where), "label": -1})
            continue
        graphs.append(check_graph_record(record, where))
    if not graphs:
        raise ValueError(f"{path} holds no graph; it must hold {GRAPH_JSONL_FORMAT}.")
    return graphs


class GraphSet(Dataset):
    """Graphs as tensors, features standardized by (mean, std); batched by `collate`."""

    def __init__(self, graphs: list[dict], mean: np.ndarray, std: np.ndarray) -> None:
        self.graphs = [
            {
                "x": torch.tensor((g["x"] - mean) / std, dtype=torch.float32),
                "edge_index": torch.tensor(g["edges"], dtype=torch.long).reshape(-1, 2).T,
                "label": int(g["label"]),
            }
            for g in graphs
        ]

    def __len__(self) -> int:
        return len(self.graphs)

    def __getitem__(self, index: int) -> dict:
        return self.graphs[index]

    @staticmethod
    def collate(graphs: list[dict]) -> dict:
        return collate_graphs(graphs)


def collate_graphs(graphs: list[dict]) -> dict:
    """A disjoint union: node rows stacked, each graph's edges shifted past the nodes before
    it, `batch` the graph of each node."""
    offsets = np.cumsum([0] + [len(g["x"]) for g in graphs[:-1]])
    return {
        "x": torch.cat([g["x"] for g in graphs]),
        "edge_index": torch.cat(
            [g["edge_index"] + int(o) for g, o in zip(graphs, offsets, strict=True)], dim=1
        ),
        "batch": torch.cat([torch.full((len(g["x"]),), i) for i, g in enumerate(graphs)]),
        "labels": torch.tensor([g["label"] for g in graphs]),
    }


def feature_scale(graphs: list[dict]) -> tuple[np.ndarray, np.ndarray]:
    rows = np.concatenate([g["x"] for g in graphs])
    return rows.mean(axis=0), np.maximum(rows.std(axis=0), 1e-6)


def split_graphs(graphs: list[dict], val_fraction: float, seed: int) -> tuple[list, list]:
    order = np.random.default_rng(seed).permutation(len(graphs))
    held = max(1, int(round(val_fraction * len(graphs))))
    if len(graphs) - held < 1:
        raise ValueError(f"{len(graphs)} graphs cannot give both a training and a held-out set")
    return [graphs[i] for i in order[held:]], [graphs[i] for i in order[:held]]


def graph_classification_datasets(cfg: dict, source: str, seed: int):
    if source == "synthetic":
        rng = np.random.default_rng(seed)
        draw = int(cfg["num_train"]) + int(cfg["num_val"])
        graphs = [structural_graph(i % 2, rng) for i in range(draw)]
        train, val = graphs[: int(cfg["num_train"])], graphs[int(cfg["num_train"]) :]
    else:
        graphs = read_graph_jsonl(Path(source))
        widths = {g["x"].shape[1] for g in graphs}
        if len(widths) > 1:
            raise ValueError(
                f"{source}: graphs have node features of different widths {sorted(widths)}; "
                "every node of every graph needs the same number of features."
            )
        train, val = split_graphs(graphs, float(cfg["val_fraction"]), seed)
    labels = sorted({g["label"] for g in train + val})
    if len(labels) < 2:
        raise ValueError(f"{source}: every graph has label {labels[0]}; give two classes or more.")
    mean, std = feature_scale(train)
    num_classes = max(labels) + 1
    info = {
        "task": "graph_classification",
        "source": source,
        "num_classes": num_classes,
        "class_names": [str(c) for c in range(num_classes)],
        "feature_mean": mean.tolist(),
        "feature_std": std.tolist(),
        "fit_dims": {"in_features": int(len(mean)), "num_outputs": num_classes},
        "num_train": len(train),
        "num_val": len(val),
    }
    return GraphSet(train, mean, std), GraphSet(val, mean, std), info
