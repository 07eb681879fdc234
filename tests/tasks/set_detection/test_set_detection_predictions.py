"""A set-prediction detector's infer.py (DETR's): its queries' boxes, which may reach past the
picture, come back as COCO results clipped to each picture's own pixels."""

from __future__ import annotations

import json

import pytest
from tests.paths import EXAMPLES
from tests.predict.trained_runs import briefly_trained
from tests.tasks.dense_detection.prediction_rows import (
    assert_coco_detections,
    picture_size,
    predicted_rows,
    scene_pictures,
)

pytestmark = pytest.mark.slow


def test_every_picture_gets_coco_detections_inside_it(tmp_path) -> None:
    run = briefly_trained(EXAMPLES / "image" / "object_detector_detr.yaml", tmp_path / "runs")
    info = json.loads((run / "train" / "smoke" / "data_info.json").read_text())
    side = info["image_size"]
    pictures = scene_pictures(info, tmp_path, [(side // 2, 2 * side), (5 * side, side)])
    rows = predicted_rows(run, pictures, tmp_path / "found.jsonl", "--min-score", "0")
    assert [row["input"] for row in rows] == [str(p) for p in pictures]
    for row, picture in zip(rows, pictures, strict=True):
        assert row["detections"], row  # every query is a detection at no threshold
        assert_coco_detections(row, picture_size(picture), info["class_names"], 0.0)
