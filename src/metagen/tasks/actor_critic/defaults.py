"""SAC's (and TD3's) training settings and environment sizes per scale.

`steps` counts environment steps; one gradient step follows each once `learning_starts`
steps of uniform random actions fill the replay buffer. `lr` is the critics' (and SAC's
temperature's) learning rate, `policy_lr` the actor's. The settings are RL Baselines3 Zoo's
SAC for Pendulum-v1 (lr 1e-3, batch 256, gamma 0.99, tau 0.005) and the TD3 paper's
smoothing (noise 0.2 clipped at 0.5, actor every 2 critic steps, exploration noise 0.1);
config.json holds them to edit per environment.
"""

from __future__ import annotations

from typing import Any

from metagen.blueprint.scale_entries import schedule

_OFF_POLICY = {
    "policy_lr": 1e-3,
    "gamma": 0.99,
    "tau": 0.005,
    "buffer_size": 1_000_000,
    "learning_starts": 1_000,
    "policy_noise": 0.2,  # TD3 only, as the three below
    "noise_clip": 0.5,
    "policy_delay": 2,
    "exploration_noise": 0.1,
    "log_every": 1_000,
}
TRAIN: dict[str, dict[str, Any]] = {
    "full": schedule(15_000, 256, 1e-3, 0.0, 0, checkpoint_every=5_000, **_OFF_POLICY),
    "smoke": schedule(5_000, 128, 1e-3, 0.0, 0, checkpoint_every=2_500, **_OFF_POLICY),
}
# One environment, stepped once per gradient step; held-out evaluation episodes.
DATA: dict[str, dict[str, Any]] = {
    "full": {"num_envs": 1, "eval_episodes": 20},
    "smoke": {"num_envs": 1, "eval_episodes": 10},
}
