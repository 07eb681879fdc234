"""Graph classification's training settings and data sizes per scale."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.scale_entries import data_sizes, schedule

TRAIN: dict[str, dict[str, Any]] = {
    # A batch is 32 graphs of 8 to 16 nodes: a few hundred nodes per step.
    "full": schedule(5_000, 32, 1e-3, 0.0, 100),
    "smoke": schedule(300, 32, 3e-3, 0.0, 20),
}
DATA: dict[str, dict[str, Any]] = {
    "full": data_sizes(10_000, 1_000),
    "smoke": data_sizes(2_000, 400),
}
