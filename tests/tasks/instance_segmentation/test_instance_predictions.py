"""An instance segmenter's infer.py: COCO detections, each with a mask_id, and a PNG of the
picture's own size holding each detection's mask_id on its pixels."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from tests.paths import EXAMPLES
from tests.predict.trained_runs import briefly_trained
from tests.tasks.dense_detection.prediction_rows import (
    assert_coco_detections,
    picture_size,
    png_values,
    predicted_rows,
    scene_pictures,
)

pytestmark = pytest.mark.slow


def test_every_picture_gets_its_instance_masks_at_its_size(tmp_path) -> None:
    spec = EXAMPLES / "image" / "instance_segmentation_maskrcnn.yaml"
    run = briefly_trained(spec, tmp_path / "runs")
    info = json.loads((run / "train" / "smoke" / "data_info.json").read_text())
    side = info["image_size"]
    pictures = scene_pictures(info, tmp_path, [(side, side), (2 * side + 6, side - 9)])
    out = tmp_path / "found.jsonl"
    rows = predicted_rows(run, pictures, out, "--min-score", "0")
    for row, picture in zip(rows, pictures, strict=True):
        assert_coco_detections(row, picture_size(picture), info["class_names"], 0.0)
        ids = [detection["mask_id"] for detection in row["detections"]]
        assert ids == list(range(1, len(ids) + 1))
        # the masks go beside --out, named after the picture
        assert Path(row["mask"]).parent == out.with_name("found_files")
        assert Path(row["mask"]).name.startswith(picture.stem + "_")
        masks = png_values(Path(row["mask"]))
        assert masks.shape == picture_size(picture)[::-1]
        assert set(np.unique(masks).tolist()) <= {0, *ids}
