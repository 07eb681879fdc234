"""Pictures for a captioning model's infer.py: held-out-like synthetic shapes of the run's
image size and channels, as PNG files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from PIL import Image

from metagen.data.synthetic_images import ShapesDataset


def write_inputs(run: Path, folder: Path, count: int) -> int:
    """`count` pictures in `folder`; the number of predictions they should get."""
    info = json.loads((run / "train" / "smoke" / "data_info.json").read_text(encoding="utf-8"))
    shapes = ShapesDataset(count, info["image_size"], info["channels"], seed=99)
    for i in range(count):
        pixels = (shapes.draw(i)[0].transpose(1, 2, 0) * 255).round().astype(np.uint8)
        Image.fromarray(pixels.squeeze(-1) if info["channels"] == 1 else pixels).save(
            folder / f"shape{i}.png"
        )
    return count
