"""Inputs for a semantic segmenter's infer.py: pictures of scenes, drawn as the run's training
scenes are, at its image size and channels."""

from __future__ import annotations

import json
from pathlib import Path

from tests.predict.inputs.dense_detection import SEED, save_picture

from metagen.data.synthetic_scenes import SceneSegmentationDataset


def write_scenes(run: Path, folder: Path, count: int, panoptic: bool) -> int:
    """`count` scene pictures in `folder` (with stuff classes where `panoptic`); each gets one
    row naming its mask."""
    info = json.loads((run / "train" / "smoke" / "data_info.json").read_text(encoding="utf-8"))
    scenes = SceneSegmentationDataset(count, info["image_size"], info["channels"], SEED,
                                      info["num_classes"], panoptic=panoptic)  # fmt: skip
    for i in range(count):
        save_picture(scenes.draw(i)[0], folder / f"scene_{i}.png")
    return count


def write_inputs(run: Path, folder: Path, count: int) -> int:
    return write_scenes(run, folder, count, panoptic=False)
