"""One entry of the scale tables: a scale's training settings, and its data sizes.

Written as calls so that each task's numbers fit on one line and the five settings every
task has are always in the same order.
"""

from __future__ import annotations

from typing import Any


def schedule(
    steps: int, batch_size: int, lr: float, weight_decay: float, warmup_steps: int, **extra: Any
) -> dict[str, Any]:
    """One scale's training settings; `extra` holds a task's own (eval_batches, loss_variant)."""
    return {
        "steps": steps,
        "batch_size": batch_size,
        "lr": lr,
        "weight_decay": weight_decay,
        "warmup_steps": warmup_steps,
        **extra,
    }


def data_sizes(num_train: int, num_val: int, **extra: Any) -> dict[str, Any]:
    """One scale's data: training and held-out examples, then a task's own (seq_len, ...)."""
    return {"num_train": num_train, "num_val": num_val, **extra}
