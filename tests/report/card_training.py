"""A trained run's summary as metrics.json holds it, for the model-card tests."""

from __future__ import annotations

from typing import Any


def card_training(**changes: Any) -> dict[str, Any]:
    """A smoke run of 10 steps, with `changes` over it (its held-out metrics, its latency)."""
    return {
        "out_dir": "train/smoke",
        "scale": "smoke",
        "params_total": 1000,
        "device": "cpu",
        "torch_version": "2.13.0",
        "world_size": 1,
        "seed": 0,
        "data_source": "synthetic",
        "steps": 10,
        "wall_seconds": 1.0,
        "samples_per_second": 10.0,
        "final_train_loss": 0.5,
        "eval": {},
        "loss_curve": [[1, 1.0], [10, 0.5]],
        "latency_ms": None,
        **changes,
    }
