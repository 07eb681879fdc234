"""Training settings and data sizes of the record tasks (regression, embedding, ranking), per
scale; `scales.py` spreads them into its FULL_/SMOKE_ TRAIN and DATA tables.

`loss_variant` names the loss (train/record_losses.py LOSS_VARIANTS); edit it in config.json
to train with the other one (huber, triplet, listnet).
"""

from __future__ import annotations

from typing import Any

from metagen.blueprint.scale_entries import data_sizes, schedule

# Small tables overfit within a few passes, so a run stops at max_epochs passes over the
# training set. On scikit-learn's diabetes (353 training rows, five 80/20 splits, smoke dims)
# the mean held-out R^2 was 0.41 after 5 epochs (least squares: 0.42), 0.37-0.39 after 3, 8
# or 10, and 0.22-0.34 after 54.
RECORD_FULL_TRAIN: dict[str, dict[str, Any]] = {
    "regression": schedule(5_000, 128, 1e-3, 1e-4, 100, loss_variant="mse", max_epochs=10),
    # SimCSE: batch 64, lr 3e-5 for a pretrained BERT; from scratch a small encoder takes more.
    "embedding": schedule(10_000, 128, 5e-4, 0.01, 200, loss_variant="infonce"),
    # A batch is lists: 32 lists of 10 items score 320 items per step.
    "ranking": schedule(5_000, 32, 1e-3, 1e-4, 100, loss_variant="ranknet"),
}
RECORD_SMOKE_TRAIN: dict[str, dict[str, Any]] = {
    "regression": schedule(300, 64, 2e-3, 0.0, 20, loss_variant="mse", max_epochs=5),
    # A step encodes 2 x 32 texts; evaluations retrieve among 8 x 32 held-out pairs.
    "embedding": schedule(200, 32, 2e-3, 0.0, 20, eval_batches=8, loss_variant="infonce"),
    "ranking": schedule(300, 32, 2e-3, 0.0, 20, loss_variant="ranknet"),
}
# Synthetic records are drawn up front: rows are cheap, texts are tokenized once.
RECORD_SMOKE_DATA: dict[str, dict[str, Any]] = {
    "regression": data_sizes(8_000, 1_000),
    "embedding": data_sizes(8_000, 1_000),
    "ranking": data_sizes(3_000, 300),
}
RECORD_FULL_DATA: dict[str, dict[str, Any]] = {
    "regression": data_sizes(50_000, 5_000),
    "embedding": data_sizes(50_000, 2_000),
    "ranking": data_sizes(20_000, 1_000),
}
