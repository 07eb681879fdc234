"""DQN learns CartPole-v1: with the full scale's settings (RL Zoo's, 50,000 environment
steps) and the example's Q-network, the greedy policy's mean return over 20 held-out episodes
reaches 400 (gymnasium calls 475 solved; a random policy gets about 20). Slow: about a minute
of one CPU core."""

from __future__ import annotations

import time

import pytest
import torch
from tests.paths import EXAMPLES

from metagen.archs.q_mlp.model import QMLP, QMLPConfig
from metagen.planning import make_blueprint
from metagen.spec import load_spec
from metagen.tasks.value_based.data import value_based_environments
from metagen.tasks.value_based.evaluate import evaluate_q_policy
from metagen.tasks.value_based.loop import train_value_based
from metagen.tasks.value_based.loss import dqn_loss

pytestmark = pytest.mark.slow
pytest.importorskip("gymnasium")

TARGET_RETURN = 400.0


def test_dqn_reaches_400_on_held_out_cartpole_episodes(tmp_path) -> None:
    torch.set_num_threads(1)
    bp = make_blueprint(load_spec(EXAMPLES / "rl" / "cartpole_dqn.yaml"))
    scale = bp.scales["full"]
    cfg = {**scale.train, "seed": 0}
    torch.manual_seed(cfg["seed"])
    envs, held_out, _ = value_based_environments(scale.data, scale.data["env_id"], cfg["seed"])
    model = QMLP(QMLPConfig(**scale.model))
    started = time.perf_counter()
    try:
        metrics = train_value_based(
            model, envs, held_out, cfg, tmp_path, loss_fn=dqn_loss, evaluator=evaluate_q_policy
        )
    finally:
        envs.close()
    result = metrics["eval"]
    print(
        f"DQN CartPole-v1: held-out mean return {result['mean_return']:.1f} +- "
        f"{result['std_return']:.1f} over {result['episodes']} episodes (random policy "
        f"{result['random_mean_return']:.1f}) after {metrics['steps']} env steps, "
        f"{time.perf_counter() - started:.0f} s"
    )
    assert result["episodes"] == 20
    assert metrics["steps"] == 50_000
    assert result["random_mean_return"] < 50  # the same episodes, acted on at random
    assert result["mean_return"] >= TARGET_RETURN
