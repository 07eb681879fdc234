"""Inputs for an agent's infer.py: observations of its environment, drawn within the
observation space's bounds (frames as pictures for an agent that sees the screen). The
value-based, actor-critic and model-based agents' inputs are the same."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from PIL import Image


def write_inputs(run: Path, folder: Path, count: int) -> int:
    """`count` observations in `folder`: grey frames as PNGs, or vectors as CSV rows."""
    info = json.loads((run / "train" / "smoke" / "data_info.json").read_text(encoding="utf-8"))
    space = info["observation_space"]
    rng = np.random.default_rng(0)
    if "image_size" in info.get("wrapper", {}):  # frames: one screen a picture
        side = info["wrapper"]["image_size"]
        for i in range(count):
            Image.fromarray(rng.integers(0, 256, (side, side), dtype=np.uint8)).save(
                folder / f"{i}.png"
            )
        return count
    step = space["shape"][1:] if "context" in info.get("wrapper", {}) else space["shape"]
    # a history agent's rows are one step each; unbounded dimensions drawn in [-1, 1]
    low = np.clip(np.array(space["low"]).reshape(space["shape"]), -1, 1).reshape(-1)
    high = np.clip(np.array(space["high"]).reshape(space["shape"]), -1, 1).reshape(-1)
    size = int(np.prod(step))
    values = rng.uniform(low[-size:], high[-size:], (count, size))
    header = ",".join(f"o{i}" for i in range(size))
    rows = [",".join(f"{v:.5f}" for v in row) for row in values]
    (folder / "observations.csv").write_text("\n".join([header, *rows]) + "\n")
    return count
