"""Inputs for a graph classifier's infer.py: a JSONL of graphs in its training data's format."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np


def write_inputs(run: Path, folder: Path, count: int) -> int:
    """`count` graphs in one JSONL file in `folder`; each gets a prediction."""
    info = json.loads((run / "train" / "smoke" / "data_info.json").read_text(encoding="utf-8"))
    width = len(info["feature_mean"])
    rng = np.random.default_rng(0)
    lines = []
    for size in rng.integers(4, 12, count):
        tree = [[int(rng.integers(i)), i] for i in range(1, int(size))]
        edges = tree + [[b, a] for a, b in tree]
        degree = np.bincount([a for a, _ in edges], minlength=int(size))
        # the built-in graphs' features (a constant, the degree), then noise for any others
        x = np.column_stack([np.ones(size), degree, rng.normal(size=(size, max(0, width - 2)))])
        lines.append(json.dumps({"x": x[:, :width].tolist(), "edges": edges}))
    (folder / "graphs.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return count
