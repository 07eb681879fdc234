"""Training settings and data sizes of the record tasks (regression, embedding, ranking), per
scale; `scales.py` spreads them into TRAIN_DEFAULTS, SMOKE_DATA and FULL_DATA.

`loss_variant` names the loss (train/record_losses.py LOSS_VARIANTS); edit it in config.json
to train with the other one (huber, triplet, listnet).
"""

from __future__ import annotations

from typing import Any

RECORD_TRAIN_DEFAULTS: dict[str, dict[str, dict[str, Any]]] = {
    # Small tables overfit within a few passes, so a run stops at max_epochs passes over the
    # training set. On scikit-learn's diabetes (353 training rows, five 80/20 splits, smoke
    # dims) the mean held-out R^2 was 0.41 after 5 epochs (least squares: 0.42), 0.37-0.39
    # after 3, 8 or 10, and 0.22-0.34 after 54.
    "regression": {
        "full": {
            "steps": 5_000,
            "batch_size": 128,
            "lr": 1e-3,
            "weight_decay": 1e-4,
            "warmup_steps": 100,
            "loss_variant": "mse",
            "max_epochs": 10,
        },
        "smoke": {
            "steps": 300,
            "batch_size": 64,
            "lr": 2e-3,
            "weight_decay": 0.0,
            "warmup_steps": 20,
            "loss_variant": "mse",
            "max_epochs": 5,
        },
    },
    # SimCSE: batch 64, lr 3e-5 for a pretrained BERT; from scratch a small encoder takes more.
    "embedding": {
        "full": {
            "steps": 10_000,
            "batch_size": 128,
            "lr": 5e-4,
            "weight_decay": 0.01,
            "warmup_steps": 200,
            "loss_variant": "infonce",
        },
        # A step encodes 2 x 32 texts; evaluations retrieve among 8 x 32 held-out pairs.
        "smoke": {
            "steps": 200,
            "batch_size": 32,
            "lr": 2e-3,
            "weight_decay": 0.0,
            "warmup_steps": 20,
            "eval_batches": 8,
            "loss_variant": "infonce",
        },
    },
    # A batch is lists: 32 lists of 10 items score 320 items per step.
    "ranking": {
        "full": {
            "steps": 5_000,
            "batch_size": 32,
            "lr": 1e-3,
            "weight_decay": 1e-4,
            "warmup_steps": 100,
            "loss_variant": "ranknet",
        },
        "smoke": {
            "steps": 300,
            "batch_size": 32,
            "lr": 2e-3,
            "weight_decay": 0.0,
            "warmup_steps": 20,
            "loss_variant": "ranknet",
        },
    },
}
# Synthetic records are drawn up front: rows are cheap, texts are tokenized once.
RECORD_SMOKE_DATA: dict[str, dict[str, Any]] = {
    "regression": {"num_train": 8_000, "num_val": 1_000},
    "embedding": {"num_train": 8_000, "num_val": 1_000},
    "ranking": {"num_train": 3_000, "num_val": 300},
}
RECORD_FULL_DATA: dict[str, dict[str, Any]] = {
    "regression": {"num_train": 50_000, "num_val": 5_000},
    "embedding": {"num_train": 50_000, "num_val": 2_000},
    "ranking": {"num_train": 20_000, "num_val": 1_000},
}
