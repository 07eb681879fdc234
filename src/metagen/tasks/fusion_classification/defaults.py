"""Fusion classification's training settings and data sizes per scale: the built-in fusion
data is learned in a few hundred steps at the smoke scale (tests/archs/test_fusion_net_learns.py
measures 300)."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.scale_entries import data_sizes, schedule

TRAIN: dict[str, dict[str, Any]] = {
    "full": schedule(3_000, 64, 1e-3, 0.01, 100),
    "smoke": schedule(300, 64, 3e-3, 0.0, 0),
}
DATA: dict[str, dict[str, Any]] = {
    "full": data_sizes(20_000, 2_000),
    "smoke": data_sizes(3_000, 600),
}
