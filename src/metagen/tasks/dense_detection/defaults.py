"""The YOLO-style detector's training settings and data sizes per scale.

Smoke YOLO scenes are 64 px: the pyramid then has 8x8, 4x4 and 2x2 cells.
"""

from __future__ import annotations

from typing import Any

from metagen.archs.yolo.shapes import SMOKE_DETECTION_IMAGE_SIZE
from metagen.blueprint.scale_entries import data_sizes, schedule

TRAIN: dict[str, dict[str, Any]] = {
    # YOLOv8 trains with SGD 0.01 or AdamW ~1e-3 (its "auto" optimizer for short runs),
    # weight decay 5e-4, 3 warm-up epochs.
    "full": schedule(50_000, 64, 1e-3, 5e-4, 1000),
    # Evaluates every 100 steps on 4 batches: NMS and the COCO matching run on the CPU.
    "smoke": schedule(200, 32, 3e-3, 0.0, 20, eval_every=100, eval_batches=4),
}
DATA: dict[str, dict[str, Any]] = {
    "full": data_sizes(50_000, 2_000),
    # Scenes are drawn on demand, so a large train set costs no memory.
    "smoke": {
        "image_size": SMOKE_DETECTION_IMAGE_SIZE,
        "num_train": 20_000,
        "num_val": 256,
    },
}
