"""The scale table: training settings and data sizes per task at each scale.

Each runtime task's own numbers live in its folder (tasks/<task>/defaults.py), read through
its registry row; this module adds what every task shares. `smoke` keeps the topology and
shrinks everything so that any spec trains on a laptop CPU in about a minute; each arch's
smoke dims live in its folder (archs/<arch>/shapes.py).
"""

from __future__ import annotations

from typing import Any

from metagen.blueprint.stages import scaled_stages
from metagen.tasks.registry import runtime_task

TRAIN_COMMON = {"min_lr_ratio": 0.1, "grad_clip": 1.0, "eval_batches": 20}
# Spec training values that hold at every scale: a batch the user's data fills at full scale
# fills it at smoke scale too (train.py still shrinks a batch the data cannot fill).
EVERY_SCALE = ("batch_size",)


def data_config(task: str, scale: str, given: dict[str, Any] | None = None) -> dict[str, Any]:
    """The task's data sizes at `scale`, with the spec's data section (`given`: its column
    names, files and splits, as Data.config() keys them) over them, for the plan to extend."""
    return {**runtime_task(task).data_defaults(scale), **(given or {})}


def train_config(
    task: str,
    scale: str,
    overrides: dict[str, Any],
    chosen: dict[str, Any] | None = None,
    stages=None,
    left_out: list[list[str]] | None = None,
) -> dict[str, Any]:
    """The task's training settings at `scale` over the common ones, and the handler's
    `chosen` ones over those. Spec values (training.steps, learning_rate, weight_decay,
    warmup_steps) override the full scale only, and batch_size every scale. The spec's
    `stages` run as given at the full scale and share the scale's steps in proportion at
    another; `left_out` names the forward keywords each leaves unpassed."""
    cfg = {**TRAIN_COMMON, **runtime_task(task).train_defaults(scale), **(chosen or {})}
    for key, value in overrides.items():
        if value is not None and (scale == "full" or key in EVERY_SCALE):
            cfg[key] = value
    if stages:
        cfg["stages"] = scaled_stages(stages, None if scale == "full" else cfg["steps"], left_out)
        cfg["steps"] = sum(stage["steps"] for stage in cfg["stages"])
    steps = cfg["steps"]
    cfg.setdefault("eval_every", max(10, steps // 10))
    cfg.setdefault("checkpoint_every", max(1, steps // 5))
    cfg["warmup_steps"] = min(cfg["warmup_steps"], steps // 10)
    return cfg
