"""A panoptic segmenter's infer.py: a PNG of segment ids at each picture's own size, and its
segments_info listing exactly the ids the PNG holds, their classes and areas."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from tests.paths import EXAMPLES
from tests.predict.inputs.panoptic_segmentation import write_inputs
from tests.predict.trained_runs import briefly_trained
from tests.tasks.dense_detection.prediction_rows import (
    picture_size,
    png_values,
    predicted_rows,
    stretched,
)

pytestmark = pytest.mark.slow


def test_every_picture_gets_its_segments_at_its_size(tmp_path) -> None:
    run = briefly_trained(EXAMPLES / "image" / "panoptic_segmentation.yaml", tmp_path / "runs")
    info = json.loads((run / "train" / "smoke" / "data_info.json").read_text())
    things = json.loads((run / "train" / "smoke" / "metrics.json").read_text())["model_dims"][
        "thing_classes"
    ]
    (tmp_path / "streets").mkdir()
    write_inputs(run, tmp_path / "streets", 3)
    side = info["image_size"]
    sizes = [(side, side), (2 * side, side), (side - 5, side + 30)]
    pictures = stretched(sorted((tmp_path / "streets").glob("*.png")), sizes)
    rows = predicted_rows(run, [tmp_path / "streets"], tmp_path / "found.jsonl")
    assert [row["input"] for row in rows] == [str(p) for p in pictures]
    for row, picture in zip(rows, pictures, strict=True):
        ids = png_values(Path(row["mask"]))
        assert ids.shape == picture_size(picture)[::-1]
        segments = row["segments_info"]
        assert sorted(s["id"] for s in segments) == sorted(set(np.unique(ids).tolist()) - {0})
        for segment in segments:
            assert segment["area"] == int((ids == segment["id"]).sum()) > 0
            assert segment["category_name"] == info["class_names"][segment["category_id"]]
            assert segment["isthing"] == (segment["category_id"] in things)
