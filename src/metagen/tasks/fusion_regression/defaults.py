"""Fusion regression's training settings and data sizes per scale (the reaching data:
data/fusion_reach.py)."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.scale_entries import data_sizes, schedule

TRAIN: dict[str, dict[str, Any]] = {
    "full": schedule(3_000, 64, 1e-3, 0.01, 100),
    "smoke": schedule(400, 64, 3e-3, 0.0, 0),
}
DATA: dict[str, dict[str, Any]] = {
    "full": data_sizes(20_000, 2_000),
    "smoke": data_sizes(3_000, 600),
}
