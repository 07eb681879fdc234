"""Anomaly detection's training settings and data sizes per scale."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.scale_entries import data_sizes, schedule

TRAIN: dict[str, dict[str, Any]] = {
    "full": schedule(10_000, 64, 1e-3, 0.0, 200),
    "smoke": schedule(300, 64, 2e-3, 0.0, 20),
}
DATA: dict[str, dict[str, Any]] = {
    "full": data_sizes(100_000, 2_000),
    # Training windows (or rows) of normal data; held-out windows carry labelled anomalies.
    "smoke": data_sizes(20_000, 256),
}
