"""What the detection and segmentation prediction tests share: pictures at sizes other than
the model's square, infer.py's rows for them, and what every detector's rows must be, whatever
decodes them (COCO results in the picture's own pixels, best first)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from PIL import Image
from tests.e2e.runs import run_script
from tests.predict.inputs.dense_detection import SEED, save_picture

from metagen.data.shape_scenes import ShapeScenesDataset

# bbox's x and width are each rounded to 0.01 px, so x + width may pass the edge by this much
ROUNDING = 0.011


def scene_pictures(info: dict, folder: Path, sizes: list[tuple[int, int]]) -> list[Path]:
    """A shape scene like the run's, stretched to each (width, height) of `sizes`."""
    scenes = ShapeScenesDataset(len(sizes), info["image_size"], info["channels"], SEED,
                                info["num_classes"])  # fmt: skip
    paths = [folder / f"scene_{i}.png" for i in range(len(sizes))]
    for i, path in enumerate(paths):
        save_picture(scenes.scene(i)[0], path)
    return stretched(paths, sizes)


def stretched(pictures: list[Path], sizes: list[tuple[int, int]]) -> list[Path]:
    """`pictures` resized in place to each (width, height) of `sizes`."""
    for path, size in zip(pictures, sizes, strict=True):
        with Image.open(path) as picture:
            picture.resize(size).save(path)
    return pictures


def predicted_rows(run: Path, inputs: list[Path], out: Path, *options: str) -> list[dict]:
    """The rows the run's infer.py writes for `inputs`, run as a user runs it."""
    run_script(run / "code", "infer.py", "--checkpoint", str(run / "train" / "smoke"),
               *map(str, inputs), "--out", str(out), *options)  # fmt: skip
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def assert_coco_detections(row: dict, size: tuple[int, int], names: list[str], min_score: float):
    """Each detection a COCO result inside the picture, named by its class, scored at least
    `min_score`, best first (drawn scenes: a category id is a class index)."""
    width, height = size
    scores = [detection["score"] for detection in row["detections"]]
    assert scores == sorted(scores, reverse=True) and min(scores, default=1.0) >= min_score
    for detection in row["detections"]:
        x, y, w, h = detection["bbox"]
        assert x >= 0 and y >= 0 and w >= 0 and h >= 0, detection
        assert x + w <= width + ROUNDING and y + h <= height + ROUNDING, (detection, size)
        assert detection["category_name"] == names[detection["category_id"]]


def picture_size(path: Path) -> tuple[int, int]:
    with Image.open(path) as picture:
        return picture.size


def png_values(path: Path) -> np.ndarray:
    return np.array(Image.open(path))
