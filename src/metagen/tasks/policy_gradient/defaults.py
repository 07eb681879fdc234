"""PPO's training settings and environment sizes per scale.

`steps` counts environment steps (all copies together); `batch_size` is one rollout's steps,
num_envs x rollout_steps. The settings are RL Baselines3 Zoo's tuned PPO for CartPole-v1
(8 copies, 32-step rollouts, 20 epochs of one minibatch, gamma 0.98, GAE lambda 0.8, no
entropy bonus, lr 1e-3 annealed to zero); config.json holds them to edit per environment.
"""

from __future__ import annotations

from typing import Any

from metagen.blueprint.scale_entries import schedule

_PPO = {
    "algorithm": "ppo",
    "rollout_steps": 32,
    "minibatches": 1,
    "update_epochs": 20,
    "gamma": 0.98,
    "gae_lambda": 0.8,
    "clip_coef": 0.2,
    "vf_coef": 0.5,
    "ent_coef": 0.0,
    "max_grad_norm": 0.5,
    "scale_rewards": False,  # CartPole's reward is 1 a step: nothing to scale
    "log_every": 10,
}
TRAIN: dict[str, dict[str, Any]] = {
    "full": schedule(100_000, 256, 1e-3, 0.0, 0, checkpoint_every=50, **_PPO),
    "smoke": schedule(25_600, 256, 1e-3, 0.0, 0, checkpoint_every=25, **_PPO),
}
# Where an environment needs other settings than CartPole's: Pendulum's reward is dense, of
# large scale (down to -16 a step) and its horizon short (RL Baselines3 Zoo's PPO for
# Pendulum-v1: gamma 0.9, GAE lambda 0.95, 10 epochs of minibatches; CleanRL's continuous PPO
# scales rewards). The handler lays them over the settings above.
# LunarLander is harder and longer (up to 1,000 steps, a shaped reward of about -100 to +300
# an episode): RL Baselines3 Zoo's PPO for LunarLander-v2 (1M steps, 1,024-step rollouts,
# 4 epochs of minibatches of 64, gamma 0.999, GAE lambda 0.98, entropy bonus 0.01), here in
# 8 copies rather than 16.
_LUNAR_LANDER = {
    "steps": 1_000_000,
    "batch_size": 8 * 1024,
    "rollout_steps": 1024,
    "minibatches": 128,
    "update_epochs": 4,
    "lr": 3e-4,
    "gamma": 0.999,
    "gae_lambda": 0.98,
    "ent_coef": 0.01,
    "checkpoint_every": 10,
    "log_every": 5,
}
ENVIRONMENT_SETTINGS: dict[str, dict[str, Any]] = {
    "LunarLander-v3": _LUNAR_LANDER,
    "Pendulum-v1": {
        "gamma": 0.9,
        "gae_lambda": 0.95,
        "update_epochs": 10,
        "minibatches": 4,
        "scale_rewards": True,
    },
}
# The smoke scale over those: a few of the environment's rollouts, to show the loop runs.
ENVIRONMENT_SMOKE: dict[str, dict[str, Any]] = {
    "LunarLander-v3": {"steps": 4 * 8 * 1024, "checkpoint_every": 2, "log_every": 1},
}
# REINFORCE (Williams 1992) with the critic as its baseline: one plain policy-gradient step per
# rollout on Monte Carlo returns (GAE with lambda 1, bootstrapped only where a rollout cuts an
# episode), no clipping. The handler lays these over the PPO settings above.
REINFORCE = {
    "algorithm": "reinforce",
    "update_epochs": 1,
    "minibatches": 1,
    "gae_lambda": 1.0,
    "clip_coef": None,
}
# Environment copies stepped together, and held-out evaluation episodes.
DATA: dict[str, dict[str, Any]] = {
    "full": {"num_envs": 8, "eval_episodes": 20},
    "smoke": {"num_envs": 8, "eval_episodes": 10},
}

# A pixel agent's PPO (a CNN over stacked frames): CleanRL's ppo_atari.py settings (8 copies,
# 128-step rollouts, 4 epochs of 4 minibatches, clip 0.1, entropy bonus 0.01, lr 2.5e-4
# annealed) for 10M environment steps; the handler lays them over the settings above, and
# FRAMES_SMOKE over those at the smoke scale: 4 short rollouts of 2 epochs.
FRAMES_PPO: dict[str, Any] = {
    "steps": 10_000_000,
    "batch_size": 1024,
    "lr": 2.5e-4,
    "checkpoint_every": 100,
    "rollout_steps": 128,
    "minibatches": 4,
    "update_epochs": 4,
    "gamma": 0.99,
    "gae_lambda": 0.95,
    "clip_coef": 0.1,
    "vf_coef": 0.5,
    "ent_coef": 0.01,
    "max_grad_norm": 0.5,
}
# A CNN over a classic-control environment's renders (data/pixel_frames.py) keeps the vector
# agent's CartPole settings above, but with 10 epochs, not 20, to halve the CNN's cost
# (measured on CartPole-v1: 173.5 +- 91.0 over 20 held-out episodes after 40,960 steps,
# tests/tasks/pixel_agents/test_pixel_agent_learns.py; CleanRL's Atari settings measured
# 20.9 there, the random policy's 20.85). Other classic-control environments are untested.
PIXELS_PPO: dict[str, Any] = {"update_epochs": 10}
FRAMES_SMOKE: dict[str, Any] = {
    "steps": 2048,
    "batch_size": 512,
    "checkpoint_every": 2,
    "rollout_steps": 64,
    "update_epochs": 2,
    "log_every": 1,
}
