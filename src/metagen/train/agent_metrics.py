"""An agent's run metrics in the shape every other task's train.py writes (train/loop.py's
_run_metrics), so that reports, `metagen train` and resume read an agent's run the same way.
An agent's step is an environment step: all copies together."""

import platform

import torch


def agent_run_metrics(
    model, cfg: dict, *, task: str, steps: int, start_step: int, batch_size: int, loss_curve: list,
    evaluation: dict, seconds: float, train_episodes: int, **extra,
) -> dict:  # fmt: skip
    """The metrics of a run that trained `model` from env step `start_step` to `steps`."""
    steps_run = steps - start_step
    return {
        "task": task,
        "steps": steps,
        "total_steps": cfg["steps"],
        "completed": steps >= cfg["steps"],
        "final_train_loss": loss_curve[-1][1] if loss_curve else None,
        "loss_curve": loss_curve,
        "eval": evaluation,
        "evals": [{"step": steps, **evaluation}],
        "best_val_loss": None,  # an agent's held-out measure is its return, not a loss
        "wall_seconds": seconds,
        "samples_per_second": steps_run / seconds if seconds > 0 else None,  # env steps
        "steps_this_run": steps_run,
        "resumed_from_step": start_step or None,
        "num_parameters": sum(p.numel() for p in model.parameters()),
        "batch_size": batch_size,  # env steps per update (or per gradient step's batch)
        "world_size": 1,
        "device": "cpu",
        "device_name": platform.processor() or platform.machine(),
        "precision": "fp32",
        "compiled": False,
        "torch_version": torch.__version__,
        "seed": cfg["seed"],
        "train_config": cfg,
        "train_episodes": train_episodes,
        **extra,
    }
