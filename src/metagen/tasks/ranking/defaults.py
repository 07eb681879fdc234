"""Ranking's training settings and data sizes per scale.

`loss_variant` names the loss (train/record_losses.py LOSS_VARIANTS); edit it in config.json
to train with the other one (listnet).
"""

from __future__ import annotations

from typing import Any

from metagen.blueprint.scale_entries import data_sizes, schedule

TRAIN: dict[str, dict[str, Any]] = {
    # A batch is lists: 32 lists of 10 items score 320 items per step.
    "full": schedule(5_000, 32, 1e-3, 1e-4, 100, loss_variant="ranknet"),
    "smoke": schedule(300, 32, 2e-3, 0.0, 20, loss_variant="ranknet"),
}
# Synthetic records are drawn up front: rows are cheap, texts are tokenized once.
DATA: dict[str, dict[str, Any]] = {
    "full": data_sizes(20_000, 1_000),
    "smoke": data_sizes(3_000, 300),
}
