"""Semantic segmentation's training settings and data sizes per scale."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.scale_entries import data_sizes, schedule

TRAIN: dict[str, dict[str, Any]] = {
    # SegFormer: AdamW, lr 6e-5 when fine-tuning a pretrained encoder; from scratch, more.
    "full": schedule(20_000, 16, 1e-3, 0.01, 500),
    "smoke": schedule(200, 16, 3e-3, 0.0, 20, eval_batches=8),
}
DATA: dict[str, dict[str, Any]] = {
    "full": data_sizes(50_000, 1_000),
    # Scenes of shapes with their masks, drawn on demand at the smoke model's image size.
    "smoke": data_sizes(20_000, 256),
}
