"""Captioning (VLM) training settings and data sizes per scale."""

from __future__ import annotations

from typing import Any

from metagen.archs.clip.shapes import SMOKE_CAPTION_LEN
from metagen.blueprint.scale_entries import data_sizes, schedule

TRAIN: dict[str, dict[str, Any]] = {
    "full": schedule(10_000, 32, 3e-4, 0.1, 200),
    "smoke": schedule(150, 32, 2e-3, 0.0, 15),
}
DATA: dict[str, dict[str, Any]] = {
    "full": data_sizes(100_000, 5_000),
    # Image-caption pairs: shapes drawn on demand with their captions.
    "smoke": {"seq_len": SMOKE_CAPTION_LEN, "num_train": 20_000, "num_val": 256},
}
