"""A semantic segmenter's infer.py: a PNG of class ids at each picture's own size, named after
it, and the share of the picture each class takes, as that PNG counts them."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from tests.paths import EXAMPLES
from tests.predict.inputs.semantic_segmentation import write_scenes
from tests.predict.trained_runs import briefly_trained
from tests.tasks.dense_detection.prediction_rows import (
    picture_size,
    png_values,
    predicted_rows,
    stretched,
)

pytestmark = pytest.mark.slow


def test_every_picture_gets_a_mask_of_class_ids_at_its_size(tmp_path) -> None:
    spec = EXAMPLES / "image" / "semantic_segmentation_unet.yaml"
    run = briefly_trained(spec, tmp_path / "runs")
    info = json.loads((run / "train" / "smoke" / "data_info.json").read_text())
    side = info["image_size"]
    (tmp_path / "scans").mkdir()
    write_scenes(run, tmp_path / "scans", 2, panoptic=False)
    sizes = [(side + 20, side), (side // 2, 3 * side)]
    pictures = stretched(sorted((tmp_path / "scans").glob("*.png")), sizes)
    out = tmp_path / "masks.jsonl"
    rows = predicted_rows(run, pictures, out)
    for row, picture in zip(rows, pictures, strict=True):
        assert Path(row["mask"]).parent == out.with_name("masks_files")
        assert Path(row["mask"]).name.startswith(picture.stem + "_")
        mask = png_values(Path(row["mask"]))
        assert mask.shape == picture_size(picture)[::-1]
        assert mask.max() < info["num_classes"]
        ids, counts = np.unique(mask, return_counts=True)
        assert row["class_fractions"] == pytest.approx(
            {info["class_names"][k]: n / mask.size for k, n in zip(ids, counts, strict=True)},
            abs=1e-6,  # infer.py rounds each share to 6 decimals
        )
