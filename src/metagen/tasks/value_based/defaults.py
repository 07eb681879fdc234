"""DQN's training settings and environment sizes per scale.

`steps` counts environment steps; `batch_size` is one gradient step's sampled transitions.
The settings are RL Baselines3 Zoo's tuned DQN for CartPole-v1: a replay memory of 100k
transitions, learning from 1,000 on, 128 gradient steps of 64 transitions every 256
environment steps, lr 2.3e-3, gamma 0.99, the target network copied every 10 steps (so once
before each round of gradient steps), epsilon 1 -> 0.04 over the first 16% of the steps, and
gradients clipped at norm 10. Two choices are this project's: double DQN's target (RL Zoo's
DQN is not double) and the learning rate annealed linearly toward zero (anneal_lr), without
which the greedy policy measured here peaked near 440 and then fell to 78 by the 50,000th
step (seed 0). config.json holds them to edit per environment.
"""

from __future__ import annotations

from typing import Any

from metagen.blueprint.scale_entries import schedule

_DQN = {
    "buffer_size": 100_000,
    "learning_starts": 1_000,
    "train_every": 256,  # environment steps between rounds of gradient steps
    "gradient_steps": 128,  # per round
    "target_update_every": 10,  # environment steps between copies of the online network
    "gamma": 0.99,
    "double_dqn": True,
    "epsilon_start": 1.0,
    "epsilon_end": 0.04,
    "exploration_fraction": 0.16,  # of `steps`, spent lowering epsilon linearly
    "max_grad_norm": 10.0,
    "anneal_lr": True,
    "log_every": 10,  # rounds of gradient steps
}
TRAIN: dict[str, dict[str, Any]] = {
    "full": schedule(50_000, 64, 2.3e-3, 0.0, 0, checkpoint_every=10_240, **_DQN),
    "smoke": schedule(20_480, 64, 2.3e-3, 0.0, 0, checkpoint_every=5_120, **_DQN),
}
# Environment copies stepped together, and held-out evaluation episodes.
DATA: dict[str, dict[str, Any]] = {
    "full": {"num_envs": 1, "eval_episodes": 20},
    "smoke": {"num_envs": 1, "eval_episodes": 10},
}
