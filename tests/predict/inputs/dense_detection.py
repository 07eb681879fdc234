"""Inputs for a detector's infer.py: pictures of shape scenes, drawn as the run's training
scenes are, at its image size and channels."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from PIL import Image

from metagen.data.shape_scenes import ShapeScenesDataset

SEED = 7  # not the run's seed: scenes it never trained on


def save_picture(image: np.ndarray, path: Path) -> None:
    """A (C, H, W) picture in [0, 1] as an 8-bit PNG (grayscale for one channel)."""
    pixels = (image.transpose(1, 2, 0) * 255).round().astype(np.uint8)
    Image.fromarray(pixels[..., 0] if pixels.shape[-1] == 1 else pixels).save(path)


def write_inputs(run: Path, folder: Path, count: int) -> int:
    """`count` scene pictures in `folder`; each gets one row of detections."""
    info = json.loads((run / "train" / "smoke" / "data_info.json").read_text(encoding="utf-8"))
    scenes = ShapeScenesDataset(count, info["image_size"], info["channels"], SEED,
                                info["num_classes"])  # fmt: skip
    for i in range(count):
        save_picture(scenes.scene(i)[0], folder / f"scene_{i}.png")
    return count
