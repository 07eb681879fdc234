"""The world model on CartPole-v1 at the full scale's settings (tasks/model_based/defaults.py):
planning in it beats a random policy on held-out episodes by a clear margin, and its one-step
prediction of the next observation beats predicting no change (slow: a few minutes of CPU)."""

from __future__ import annotations

import time

import pytest
import torch

from metagen.archs.world_model.model import WorldModel, WorldModelConfig
from metagen.tasks.model_based.data import model_based_environments
from metagen.tasks.model_based.defaults import DATA, TRAIN
from metagen.tasks.model_based.evaluate import evaluate_world_model
from metagen.tasks.model_based.loop import train_model_based
from metagen.tasks.model_based.loss import world_model_loss

pytest.importorskip("gymnasium")
pytestmark = pytest.mark.slow


def test_cartpole_planner_beats_random_and_predicts_better_than_no_change(tmp_path) -> None:
    torch.set_num_threads(1)
    torch.manual_seed(0)
    envs, held_out, _ = model_based_environments(DATA["full"], "CartPole-v1", 0)
    model = WorldModel(WorldModelConfig(obs_dim=4, num_actions=2, d_latent=32, d_hidden=64))
    started = time.perf_counter()
    try:
        metrics = train_model_based(
            model, envs, held_out, {**TRAIN["full"], "seed": 0}, tmp_path,
            loss_fn=world_model_loss, evaluator=evaluate_world_model, log=print,
        )  # fmt: skip
    finally:
        envs.close()
    result = metrics["eval"]
    print(
        f"env steps {metrics['steps']}, wall {time.perf_counter() - started:.0f} s: return "
        f"{result['mean_return']:.1f} +- {result['std_return']:.1f} over {result['episodes']} "
        f"episodes (random {result['random_mean_return']:.1f}); next-obs MSE "
        f"{result['next_obs_mse']:.5f} (no change {result['no_change_next_obs_mse']:.5f}) over "
        f"{result['transitions']} transitions"
    )
    # a clear margin: at least five times the random policy's return, and 100 more
    assert result["mean_return"] >= 5 * result["random_mean_return"]
    assert result["mean_return"] >= result["random_mean_return"] + 100
    # at most a fifth of the no-change predictor's error
    assert result["next_obs_mse"] <= 0.2 * result["no_change_next_obs_mse"]
