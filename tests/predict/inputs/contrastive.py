"""Inputs for a CLIP model's infer.py: synthetic shape pictures of the run's image size, a
caption in a .txt file, and a JSONL with a caption and a picture's name."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from PIL import Image

from metagen.data.synthetic_images import ShapesDataset


def write_inputs(run: Path, folder: Path, count: int) -> int:
    """`count` inputs in `folder`; the number of predictions they should get (one each, a
    JSONL row naming a picture as well)."""
    if count < 4:
        raise ValueError(f"count ({count}) must be at least 4: a picture, a .txt and a JSONL")
    info = json.loads((run / "train" / "smoke" / "data_info.json").read_text(encoding="utf-8"))
    shapes = ShapesDataset(count - 3, info["image_size"], info["channels"], seed=99)
    for i in range(len(shapes)):
        pixels = (shapes.draw(i)[0].transpose(1, 2, 0) * 255).round().astype(np.uint8)
        Image.fromarray(pixels.squeeze(-1) if info["channels"] == 1 else pixels).save(
            folder / f"shape{i}.png"
        )
    (folder / "caption.txt").write_text(shapes.caption_for(0), encoding="utf-8")
    rows = [{"text": info["val_caption_examples"][0]}, {"image": "shape0.png"}]
    (folder / "pairs.jsonl").write_text(
        "".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8"
    )
    return count
