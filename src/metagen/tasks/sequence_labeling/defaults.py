"""Sequence labelling's training settings and data sizes per scale."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.scale_entries import data_sizes, schedule

TRAIN: dict[str, dict[str, Any]] = {
    "full": schedule(10_000, 32, 5e-4, 0.01, 500),
    "smoke": schedule(200, 32, 3e-3, 0.0, 20),
}
DATA: dict[str, dict[str, Any]] = {
    "full": data_sizes(50_000, 2_000),
    # Templated sentences; windows of 32 words hold the longest.
    "smoke": {"seq_len": 32, "num_train": 10_000, "num_val": 500},
}
