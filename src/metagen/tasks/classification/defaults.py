"""Classification's training settings and data sizes per scale."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.scale_entries import data_sizes, schedule
from metagen.blueprint.smoke import SMOKE_IMAGE_SIZE

TRAIN: dict[str, dict[str, Any]] = {
    "full": schedule(10_000, 64, 1e-3, 0.05, 500),
    "smoke": schedule(150, 64, 2e-3, 0.0, 15),
}
DATA: dict[str, dict[str, Any]] = {
    "full": data_sizes(50_000, 5_000),
    # Synthetic images are drawn on demand, so a large train set costs no memory.
    "smoke": {"image_size": SMOKE_IMAGE_SIZE, "num_train": 20_000, "num_val": 1000},
}
