"""Diffusion's training settings and data sizes per scale."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.scale_entries import data_sizes, schedule
from metagen.blueprint.smoke import SMOKE_IMAGE_SIZE

TRAIN: dict[str, dict[str, Any]] = {
    # DDPM / ADM: Adam, lr 1e-4 to 2e-4, no weight decay, warmup.
    "full": schedule(100_000, 64, 1e-4, 0.0, 1000),
    # Fewer evaluation batches: a U-Net forward is the costliest of the smoke models on a CPU.
    "smoke": schedule(200, 16, 1e-3, 0.0, 20, eval_batches=4),
}
DATA: dict[str, dict[str, Any]] = {
    "full": data_sizes(100_000, 2_000, noised_samples=1_000_000),
    # Clean images (shapes with captions) each noised `noised_samples / num_train` times.
    "smoke": {
        "image_size": SMOKE_IMAGE_SIZE,
        "num_train": 5_000,
        "num_val": 256,
        "noised_samples": 20_000,
    },
}
