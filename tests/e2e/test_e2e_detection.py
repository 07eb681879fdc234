"""Detection and instance segmentation examples smoke-train as a user would run them, beat the
no-detections baseline on held-out scenes, and their generated evaluate.py and infer.py work
(slow: about 2 min each)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from tests.e2e.runs import metagen_train, read_json, run_script
from tests.paths import EXAMPLES

pytestmark = pytest.mark.slow

# The held-out AP50 (boxes, or masks for instance segmentation) that each smoke run must reach
# above the no-detections baseline's (0). Measured on CPU: YOLO box AP50 0.95 after 200 steps;
# DETR 0.29 after 500 (DETR converges slowly); CondInst mask AP50 0.75 after 100 steps.
MARGINS = {
    "object_detector_yolo": ("", 0.5),
    "object_detector_detr": ("", 0.1),
    "instance_segmentation_maskrcnn": ("mask_", 0.5),
}


@pytest.mark.parametrize("name", sorted(MARGINS))
def test_detector_beats_no_detections(name, tmp_path) -> None:
    spec = EXAMPLES / "image" / f"{name}.yaml"
    result, _ = metagen_train(
        str(spec), "--scale", "smoke", "--out", str(tmp_path), "--run-id", "run"
    )
    assert result.returncode == 0, result.stderr[-3000:]
    run = tmp_path / "run"
    held_out = read_json(run / "train" / "smoke" / "metrics.json")["eval"]
    prefix, margin = MARGINS[name]
    baseline = held_out[f"{prefix}no_detections_map"]
    assert baseline == 0.0
    assert held_out[f"{prefix}map50"] >= baseline + margin, held_out
    assert held_out["map"] > 0.0 and held_out["num_objects"] > 100

    code = run / "code"
    out = str(run / "train" / "smoke")
    run_script(code, "evaluate.py", "--checkpoint", out, "--max-batches", "1")
    assert read_json(run / "train" / "smoke" / "eval" / "metrics.json")["map50"] >= 0.0
    image = tmp_path / "scene.png"
    run_script(
        code,
        "-c",
        "from data import build_datasets, build_detection_datasets; "
        "from model import load_config; from PIL import Image; import numpy as np; "
        "cfg = load_config()['scales']['smoke']['data']; "
        "_, val, _ = build_datasets(build_detection_datasets, cfg, 'synthetic', 0); "
        "pixels, _ = val.scene(0); "
        f"Image.fromarray((pixels.transpose(1, 2, 0) * 255).astype(np.uint8)).save('{image}')",
    )
    found = tmp_path / "found.jsonl"
    run_script(
        code, "infer.py", "--checkpoint", out, str(image), "--out", str(found), "--min-score",
        "0.0", "--draw",
    )  # fmt: skip
    row = json.loads(found.read_text())  # one picture, one row
    detections = row["detections"]
    assert detections and all(len(d["bbox"]) == 4 for d in detections)
    assert Path(row["drawn"]).parent == tmp_path / "found_files"
    assert Path(row["drawn"]).stat().st_size > 0
    if prefix:  # one instance number per pixel, as many as detections at most
        labels = np.array(Image.open(row["mask"]))
        assert labels.shape == (64, 64) and 0 < labels.max() <= len(detections)
