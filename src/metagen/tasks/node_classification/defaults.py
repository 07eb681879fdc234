"""Node classification's training settings and data sizes per scale."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.scale_entries import data_sizes, schedule

TRAIN: dict[str, dict[str, Any]] = {
    # Every step passes messages over the whole graph; a batch picks the labelled nodes.
    "full": schedule(2_000, 64, 1e-2, 5e-4, 50),  # Kipf & Welling's lr and weight decay
    "smoke": schedule(200, 64, 1e-2, 5e-4, 10),
}
# Labelled training nodes and held-out nodes of the synthetic graph (its size is their sum).
DATA: dict[str, dict[str, Any]] = {
    "full": data_sizes(2_000, 1_000),
    "smoke": data_sizes(600, 400),
}
