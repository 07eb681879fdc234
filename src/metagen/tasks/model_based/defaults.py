"""The model-based agent's training settings and environment sizes per scale.

`steps` counts environment steps (all copies together); each iteration collects
`collect_steps` of them, then takes `updates_per_iteration` Adam steps on minibatches of
`batch_size` transitions from everything collected. The first `seed_steps` act at random.
The planner imagines `candidates` random action sequences of `horizon` steps per decision;
`gamma` discounts its scores and the value head's TD target. config.json holds them to edit
per environment.
"""

from __future__ import annotations

from typing import Any

from metagen.blueprint.scale_entries import schedule

# The planner's imagined steps per decision; a transformer world model's training windows and
# context are as long.
PLANNER_HORIZON = 12
_MBRL = {
    "collect_steps": 100,
    "updates_per_iteration": 50,
    "seed_steps": 1_000,
    "horizon": PLANNER_HORIZON,
    "candidates": 128,
    "gamma": 0.97,
    "max_grad_norm": 10.0,
    "log_every": 5,
}
TRAIN: dict[str, dict[str, Any]] = {
    "full": schedule(10_000, 256, 1e-3, 0.0, 0, checkpoint_every=20, **_MBRL),
    "smoke": schedule(4_000, 256, 1e-3, 0.0, 0, checkpoint_every=10, **_MBRL),
}
# Environment copies stepped together, and held-out evaluation episodes.
DATA: dict[str, dict[str, Any]] = {
    "full": {"num_envs": 4, "eval_episodes": 20},
    "smoke": {"num_envs": 4, "eval_episodes": 10},
}
