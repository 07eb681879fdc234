"""Recommendation's training settings and data sizes per scale."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.scale_entries import schedule

TRAIN: dict[str, dict[str, Any]] = {
    # 256 interactions per batch: 255 in-batch negatives per user. The smoke run makes about
    # 13 passes over its 16,000 interactions (a step takes milliseconds).
    "full": schedule(5_000, 256, 3e-3, 0.0, 100),
    "smoke": schedule(800, 256, 1e-2, 0.0, 20),
}
# The synthetic users and items (20 interactions per user).
DATA: dict[str, dict[str, Any]] = {
    "full": {"num_users": 5_000, "num_items": 2_000},
    "smoke": {"num_users": 1_000, "num_items": 300},
}
