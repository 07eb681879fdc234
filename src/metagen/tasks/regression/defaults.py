"""Regression's training settings and data sizes per scale.

`loss_variant` names the loss (train/record_losses.py LOSS_VARIANTS); edit it in config.json
to train with the other one (huber).
"""

from __future__ import annotations

from typing import Any

from metagen.blueprint.scale_entries import data_sizes, schedule

TRAIN: dict[str, dict[str, Any]] = {
    # Small tables overfit within a few passes, so a run stops at max_epochs passes over the
    # training set. On scikit-learn's diabetes (353 training rows, five 80/20 splits, smoke
    # dims) the mean held-out R^2 was 0.41 after 5 epochs (least squares: 0.42), 0.37-0.39
    # after 3, 8 or 10, and 0.22-0.34 after 54.
    "full": schedule(5_000, 128, 1e-3, 1e-4, 100, loss_variant="mse", max_epochs=10),
    "smoke": schedule(300, 64, 2e-3, 0.0, 20, loss_variant="mse", max_epochs=5),
}
# Synthetic records are drawn up front: rows are cheap, texts are tokenized once.
DATA: dict[str, dict[str, Any]] = {
    "full": data_sizes(50_000, 5_000),
    "smoke": data_sizes(8_000, 1_000),
}
