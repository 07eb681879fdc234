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

# A CNN Q-network over an Atari game's frames: CleanRL's dqn_atari.py settings (Mnih et al.
# 2015's, with Adam at lr 1e-4): one gradient step of 32 transitions every 4 environment
# steps from the 80,000th on, the target copied every 1,000 steps, epsilon 1 -> 0.01 over the
# first tenth of 10M steps. The replay memory holds 100k transitions, not 1M: as bytes, each
# holds two 4x84x84 stacks (56 KB), 5.6 GB in all. The handler lays these over the above.
FRAMES_DQN: dict[str, Any] = {
    "steps": 10_000_000,
    "batch_size": 32,
    "lr": 1e-4,
    "checkpoint_every": 100_000,
    "buffer_size": 100_000,
    "learning_starts": 80_000,
    "train_every": 4,
    "gradient_steps": 1,
    "target_update_every": 1_000,
    "epsilon_end": 0.01,
    "exploration_fraction": 0.1,
    "anneal_lr": False,
    "log_every": 1_000,
}
# Over a classic-control environment's renders (data/pixel_frames.py): the same per-step
# work, with learning from the 1,000th step, a 50k-transition memory (two 4x64x64 stacks
# each, 1.6 GB) and 50k steps.
PIXELS_DQN: dict[str, Any] = {
    **FRAMES_DQN,
    "steps": 50_000,
    "checkpoint_every": 10_240,
    "buffer_size": 50_000,
    "learning_starts": 1_000,
    "target_update_every": 500,
    "log_every": 250,
}
# The smoke scale of an agent over frames: a few thousand steps, learning from the 512th.
FRAMES_SMOKE: dict[str, Any] = {
    "steps": 2_048,
    "checkpoint_every": 1_024,
    "buffer_size": 2_048,
    "learning_starts": 512,
    "log_every": 64,
}
