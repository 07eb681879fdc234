"""DETR's training settings and data sizes per scale.

Smoke DETR scenes are 32 px: its backbone (3x3 stride-1 stem, three stride-2 stages) sees 4x4
features. DETR learns slowly; on CPU (one thread each, 4 object classes) these settings
reached, after 600 steps of 16: 32 px and 4 queries, held-out mAP 0.19 in 49 s; 64 px and 6
queries, 0.22 in 88 s; 32 px and 6 queries, 0.12; 64 px with the stride-32 stem (2x2
features), 0.06.
"""

from __future__ import annotations

from typing import Any

from metagen.archs.detr.shapes import SMOKE_DETR_IMAGE_SIZE
from metagen.blueprint.scale_entries import data_sizes, schedule

TRAIN: dict[str, dict[str, Any]] = {
    # DETR: AdamW, lr 1e-4 (1e-5 for the backbone), weight decay 1e-4, gradient clipping 0.1.
    "full": schedule(100_000, 64, 1e-4, 1e-4, 1000, grad_clip=0.1),
    "smoke": schedule(500, 16, 1e-3, 0.0, 20, eval_every=250, eval_batches=8),
}
DATA: dict[str, dict[str, Any]] = {
    "full": data_sizes(50_000, 2_000),
    # Scenes are drawn on demand, so a large train set costs no memory.
    "smoke": {"image_size": SMOKE_DETR_IMAGE_SIZE, "num_train": 20_000, "num_val": 256},
}
