"""The world model's parts: imagined rollouts' shapes, the planner's choice in a hand-built
model whose best sequence is known, the imagined return by hand, the no-change baseline's
error by hand, the held-out transitions, and a seeded run's determinism and resume."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from metagen.archs.world_model.model import WorldModel, WorldModelConfig
from metagen.tasks.model_based.data import model_based_environments
from metagen.tasks.model_based.evaluate import (
    evaluate_world_model,
    held_out_transitions,
    imagined_returns,
    plan_actions,
    prediction_errors,
)
from metagen.tasks.model_based.loop import train_model_based
from metagen.tasks.model_based.loss import world_model_loss

pytest.importorskip("gymnasium")


@pytest.mark.parametrize("continuous", [False, True])
def test_imagined_rollout_shapes(continuous: bool) -> None:
    model = WorldModel(WorldModelConfig(obs_dim=3, num_actions=2, continuous=continuous,
                                        d_latent=5, d_hidden=8))  # fmt: skip
    obs = torch.randn(4, 3)
    shape = (4, 6, 7, 2) if continuous else (4, 6, 7)
    actions = torch.rand(shape) if continuous else torch.randint(0, 2, shape)
    imagined = model.imagine(obs, actions)
    assert imagined["rewards"].shape == (4, 6, 7)
    assert imagined["continue_logits"].shape == (4, 6, 7)
    assert imagined["final_value"].shape == (4, 6)
    # the first imagined step is the forward's one-step prediction
    first = model(obs=obs, action=actions[:, 0, 0])
    torch.testing.assert_close(imagined["rewards"][:, 0, 0], first["reward"])


def test_imagined_return_by_hand() -> None:
    gamma, p = 0.9, 0.5  # every step goes on with probability 1/2
    imagined = {
        "rewards": torch.tensor([[[1.0, 2.0, 3.0]]]),
        "continue_logits": torch.zeros(1, 1, 3),  # sigmoid(0) = 1/2
        "final_value": torch.tensor([[0.4]]),  # (1 - gamma) x V: V = 4
    }
    by_hand = 1.0 + gamma * p * 2.0 + gamma**2 * p**2 * 3.0 + gamma**3 * p**3 * 4.0
    assert imagined_returns(imagined, gamma).item() == pytest.approx(by_hand)


class PatternModel:
    """A hand-built world model: reward 1 for each step whose action follows PATTERN, an
    episode that ends after the first step that does not (continue logit -20), no value."""

    PATTERN = torch.tensor([1, 0, 1, 1])

    def imagine(self, obs, actions):
        hits = (actions == self.PATTERN).float()  # (B, N, H)
        return {
            "rewards": hits,
            "continue_logits": torch.where(hits > 0, 20.0, -20.0),
            "final_value": torch.zeros(actions.shape[:2]),
        }


def test_the_planner_takes_the_best_sequence_first_action() -> None:
    space = {"kind": "discrete", "n": 2}
    planner = {"horizon": 4, "candidates": 256, "gamma": 0.99}  # 16 sequences: all drawn
    generator = torch.Generator().manual_seed(0)
    chosen = plan_actions(PatternModel(), torch.zeros(3, 2), space, planner, generator)
    assert chosen.tolist() == [1, 1, 1]
    # with the pattern starting 0, the planner follows it
    PatternModel.PATTERN = torch.tensor([0, 1, 1, 0])
    try:
        chosen = plan_actions(PatternModel(), torch.zeros(2, 2), space, planner, generator)
    finally:
        PatternModel.PATTERN = torch.tensor([1, 0, 1, 1])
    assert chosen.tolist() == [0, 0]


class ZeroPredictor(torch.nn.Module):
    def forward(self, obs, action):
        return {"next_obs": torch.zeros_like(obs)}


def test_prediction_errors_and_the_no_change_baseline_by_hand() -> None:
    transitions = {
        "obs": torch.tensor([[0.0, 0.0], [1.0, 1.0]]),
        "action": torch.tensor([0, 1]),
        "next_obs": torch.tensor([[1.0, 0.0], [1.0, 3.0]]),
    }
    errors = prediction_errors(ZeroPredictor(), transitions)
    assert errors["no_change_next_obs_mse"] == pytest.approx((1 + 0 + 0 + 4) / 4)
    assert errors["next_obs_mse"] == pytest.approx((1 + 0 + 1 + 9) / 4)
    assert errors["transitions"] == 2


def test_held_out_transitions_chain_within_episodes() -> None:
    import gymnasium as gym

    seeds = [11, 12]
    transitions = held_out_transitions("CartPole-v1", seeds)
    # CartPole pays 1 a step: as many transitions as a random policy's returns on these seeds
    env = gym.make("CartPole-v1")
    steps = 0
    for seed in seeds:
        env.reset(seed=seed)
        env.action_space.seed(seed)
        done = False
        while not done:
            _, reward, terminated, truncated, _ = env.step(env.action_space.sample())
            steps += int(reward)
            done = terminated or truncated
    assert transitions["obs"].shape == (steps, 4)
    # within the first episode, each next observation is the following observation
    first = transitions["obs"][1:5]
    torch.testing.assert_close(transitions["next_obs"][:4], first)


CFG = {
    "steps": 400, "collect_steps": 100, "updates_per_iteration": 5, "seed_steps": 200,
    "horizon": 4, "candidates": 16, "gamma": 0.97, "batch_size": 32, "lr": 1e-3,
    "max_grad_norm": 10.0, "log_every": 1, "checkpoint_every": 1, "seed": 3,
}  # fmt: skip


def _run(tmp_path, seed: int, env_id="CartPole-v1", steps=400, resume=False, log=print) -> dict:
    torch.set_num_threads(1)
    torch.manual_seed(seed)
    envs, held_out, info = model_based_environments(
        {"num_envs": 2, "eval_episodes": 2}, env_id, seed
    )
    action = info["action_space"]
    continuous = action["kind"] == "box"
    model = WorldModel(WorldModelConfig(
        obs_dim=info["observation_space"]["shape"][0], continuous=continuous,
        num_actions=action["shape"][0] if continuous else action["n"], d_latent=8, d_hidden=16,
    ))  # fmt: skip
    try:
        metrics = train_model_based(
            model, envs, held_out, {**CFG, "seed": seed, "steps": steps}, tmp_path,
            loss_fn=world_model_loss, evaluator=evaluate_world_model, resume=resume, log=log,
        )  # fmt: skip
    finally:
        envs.close()
    metrics["weights"] = torch.cat([p.detach().flatten() for p in model.parameters()])
    return metrics


def test_same_seed_same_returns_and_weights(tmp_path) -> None:
    first, second = _run(tmp_path / "a", 3), _run(tmp_path / "b", 3)
    assert first["eval"] == second["eval"]
    assert first["loss_curve"] == second["loss_curve"]
    assert torch.equal(first["weights"], second["weights"])
    other = _run(tmp_path / "c", 4)
    assert not torch.equal(first["weights"], other["weights"])


def test_resume_continues_from_the_saved_iteration(tmp_path) -> None:
    _run(tmp_path, 3, steps=200)  # 2 iterations of 100 steps
    lines: list[str] = []
    resumed = _run(tmp_path, 3, steps=400, resume=True, log=lines.append)
    assert lines[0] == "resumed at iteration 2 of 4"
    assert [env_steps for env_steps, _ in resumed["loss_curve"]] == [300, 400]
    assert (resumed["resumed_from_step"], resumed["steps_this_run"]) == (200, 200)


def test_pendulum_plans_continuous_actions(tmp_path) -> None:
    metrics = _run(tmp_path, 5, env_id="Pendulum-v1", steps=300)
    result = metrics["eval"]
    assert result["episodes"] == 2 and result["transitions"] == 400  # 200-step episodes
    assert all(np.isfinite([result["mean_return"], result["next_obs_mse"]]))
