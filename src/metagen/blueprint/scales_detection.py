"""The detectors' smoke dims and their runtime tasks' training settings and data sizes.

Runtime tasks: `dense_detection` (the YOLO-style detector), `set_detection` (DETR) and
`instance_segmentation` (CondInst on the YOLO-style detector).
Smoke YOLO scenes are 64 px: the pyramid then has 8x8, 4x4 and 2x2 cells. Smoke DETR scenes
are 32 px: its backbone (3x3 stride-1 stem, three stride-2 stages) sees 4x4 features. DETR
learns slowly; on CPU (one thread each, 4 object classes) these settings reached, after 600
steps of 16: 32 px and 4 queries, held-out mAP 0.19 in 49 s; 64 px and 6 queries, 0.22 in
88 s; 32 px and 6 queries, 0.12; 64 px with the stride-32 stem (2x2 features), 0.06.
"""

from __future__ import annotations

from typing import Any

from metagen.archs.detr.shapes import SMOKE_DETR_IMAGE_SIZE
from metagen.archs.yolo.shapes import SMOKE_DETECTION_IMAGE_SIZE
from metagen.blueprint.scale_entries import data_sizes, schedule

DETECTION_FULL_TRAIN: dict[str, dict[str, Any]] = {
    # YOLOv8 trains with SGD 0.01 or AdamW ~1e-3 (its "auto" optimizer for short runs),
    # weight decay 5e-4, 3 warm-up epochs.
    "dense_detection": schedule(50_000, 64, 1e-3, 5e-4, 1000),
    # CondInst on the dense detector: the detector's settings.
    "instance_segmentation": schedule(50_000, 32, 1e-3, 5e-4, 1000),
    # DETR: AdamW, lr 1e-4 (1e-5 for the backbone), weight decay 1e-4, gradient clipping 0.1.
    "set_detection": schedule(100_000, 64, 1e-4, 1e-4, 1000, grad_clip=0.1),
}
DETECTION_SMOKE_TRAIN: dict[str, dict[str, Any]] = {
    # Evaluates every 100 steps on 4 batches: NMS and the COCO matching run on the CPU.
    "dense_detection": schedule(200, 32, 3e-3, 0.0, 20, eval_every=100, eval_batches=4),
    # A step costs about 1.7x the detector's (the stride-4 mask branch and the dynamic heads),
    # so 150 steps: one CPU run (4 classes) reached held-out mask mAP 0.54 after 100 steps and
    # 0.86 after 200.
    "instance_segmentation": schedule(150, 32, 3e-3, 0.0, 15, eval_every=75, eval_batches=4),
    "set_detection": schedule(500, 16, 1e-3, 0.0, 20, eval_every=250, eval_batches=8),
}
# Scenes are drawn on demand, so a large train set costs no memory.
DETECTION_SMOKE_DATA: dict[str, dict[str, Any]] = {
    "dense_detection": {
        "image_size": SMOKE_DETECTION_IMAGE_SIZE,
        "num_train": 20_000,
        "num_val": 256,
    },
    "set_detection": {"image_size": SMOKE_DETR_IMAGE_SIZE, "num_train": 20_000, "num_val": 256},
    "instance_segmentation": {
        "image_size": SMOKE_DETECTION_IMAGE_SIZE,
        "num_train": 20_000,
        "num_val": 256,
    },
}
DETECTION_FULL_DATA: dict[str, dict[str, Any]] = {
    task: data_sizes(50_000, 2_000) for task in DETECTION_FULL_TRAIN
}
