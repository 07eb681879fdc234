"""Inputs for a classifier's infer.py, of the kind its run was trained on."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from PIL import Image


def write_inputs(run: Path, folder: Path, count: int) -> int:
    """`count` inputs in `folder`; the number of predictions they should get."""
    info = json.loads((run / "train" / "smoke" / "data_info.json").read_text(encoding="utf-8"))
    config = json.loads((run / "code" / "config.json").read_text(encoding="utf-8"))
    kind = config["scales"]["smoke"]["data"]["kind"]
    rng = np.random.default_rng(0)
    if kind == "image":
        side, channels = info["image_size"], info["channels"]
        for i in range(count):
            pixels = rng.integers(0, 256, (side, side, channels), dtype=np.uint8)
            Image.fromarray(pixels.squeeze(-1) if channels == 1 else pixels).save(
                folder / f"{i}.png"
            )
        return count
    raise NotImplementedError(f"no inputs written for a {kind} classifier yet")
