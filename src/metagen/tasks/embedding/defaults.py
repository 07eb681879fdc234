"""Embedding's training settings and data sizes per scale.

`loss_variant` names the loss (train/record_losses.py LOSS_VARIANTS); edit it in config.json
to train with the other one (triplet).
"""

from __future__ import annotations

from typing import Any

from metagen.blueprint.scale_entries import data_sizes, schedule

TRAIN: dict[str, dict[str, Any]] = {
    # SimCSE: batch 64, lr 3e-5 for a pretrained BERT; from scratch a small encoder takes more.
    "full": schedule(10_000, 128, 5e-4, 0.01, 200, loss_variant="infonce"),
    # A step encodes 2 x 32 texts; evaluations retrieve among 8 x 32 held-out pairs.
    "smoke": schedule(200, 32, 2e-3, 0.0, 20, eval_batches=8, loss_variant="infonce"),
}
# Synthetic records are drawn up front: rows are cheap, texts are tokenized once.
DATA: dict[str, dict[str, Any]] = {
    "full": data_sizes(50_000, 2_000),
    "smoke": data_sizes(8_000, 1_000),
}
