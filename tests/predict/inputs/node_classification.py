"""Inputs for a node classifier's infer.py: a graph folder in its training data's format."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np


def write_graph(folder: Path, nodes: int, width: int, seed: int = 0) -> None:
    """nodes.csv (`nodes` rows of `width` features, no labels) and edges.csv (a ring)."""
    x = np.random.default_rng(seed).normal(size=(nodes, width))
    header = ",".join(f"f{i}" for i in range(width))
    rows = [",".join(f"{v:.5f}" for v in row) for row in x]
    (folder / "nodes.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    ring = [f"{i},{(i + 1) % nodes}" for i in range(nodes)]
    (folder / "edges.csv").write_text("\n".join(["source,target", *ring]) + "\n")


def write_inputs(run: Path, folder: Path, count: int) -> int:
    """A graph of `count` nodes in `folder`; each node gets a prediction."""
    info = json.loads((run / "train" / "smoke" / "data_info.json").read_text(encoding="utf-8"))
    write_graph(folder, count, len(info["feature_mean"]))
    return count
