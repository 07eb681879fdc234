"""Inputs for a link predictor's infer.py: a CSV of node pairs of the graph it trained on."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np


def write_inputs(run: Path, folder: Path, count: int) -> int:
    """`count` source,target pairs in one CSV in `folder`; each gets a prediction."""
    info = json.loads((run / "train" / "smoke" / "data_info.json").read_text(encoding="utf-8"))
    pairs = np.random.default_rng(0).integers(0, info["num_nodes"], (count, 2))
    lines = ["source,target", *(f"{a},{b}" for a, b in pairs)]
    (folder / "pairs.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return count
