"""Link prediction's training settings and data sizes per scale."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.scale_entries import schedule

TRAIN: dict[str, dict[str, Any]] = {
    # A batch: 256 kept edges and 256 sampled non-edges, over the whole graph.
    "full": schedule(2_000, 256, 1e-2, 0.0, 50),
    "smoke": schedule(200, 256, 1e-2, 0.0, 10),
}
# The synthetic graph's nodes; a tenth of its edges is held out, with as many non-edges.
DATA: dict[str, dict[str, Any]] = {
    "full": {"num_nodes": 4_000, "val_fraction": 0.1},
    "smoke": {"num_nodes": 1_000, "val_fraction": 0.1},
}
