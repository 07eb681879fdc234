"""PPO's parts: GAE against its definition (a forward sum of discounted TD errors), the
clipped objective's gradient, REINFORCE's unclipped one, the Gaussian's log-probability, and a seeded run's
determinism and resume."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from metagen.archs.policy_mlp.model import PolicyMLP, PolicyMLPConfig
from metagen.tasks.policy_gradient.data import policy_gradient_environments
from metagen.tasks.policy_gradient.evaluate import evaluate_policy
from metagen.tasks.policy_gradient.loop import RewardScaler, gae, train_policy_gradient
from metagen.tasks.policy_gradient.loss import action_distribution, ppo_loss

pytest.importorskip("gymnasium")


def gae_by_definition(rewards, values, dones, next_value, gamma, lam):
    """A_t = sum_l (gamma lam)^l delta_{t+l}, the sum stopping after the step an episode ends."""
    steps, envs = rewards.shape
    values_next = np.vstack([values[1:], next_value[None]])
    delta = rewards + gamma * values_next * (1 - dones) - values
    advantages = np.zeros_like(rewards)
    for n in range(envs):
        for t in range(steps):
            total, weight = 0.0, 1.0
            for k in range(t, steps):
                total += weight * delta[k, n]
                if dones[k, n]:
                    break
                weight *= gamma * lam
            advantages[t, n] = total
    return advantages


def test_gae_matches_its_definition() -> None:
    rng = np.random.default_rng(0)
    rewards, values = rng.normal(size=(7, 3)), rng.normal(size=(7, 3))
    dones = (rng.random((7, 3)) < 0.3).astype(np.float64)
    next_value = rng.normal(size=3)
    rollout = {
        "rewards": torch.tensor(rewards),
        "values": torch.tensor(values),
        "dones": torch.tensor(dones),
        "next_value": torch.tensor(next_value),
    }
    advantages, returns = gae(rollout, 0.97, 0.9)
    expected = gae_by_definition(rewards, values, dones, next_value, 0.97, 0.9)
    np.testing.assert_allclose(advantages.numpy(), expected, rtol=1e-12)
    np.testing.assert_allclose(returns.numpy(), expected + values, rtol=1e-12)


def _policy_gradient(ratio: float, advantages: torch.Tensor) -> torch.Tensor:
    """d loss / d logits for a batch whose actions were taken with probability p / ratio."""
    logits = torch.randn(4, 3, generator=torch.Generator().manual_seed(0)).requires_grad_()
    actions = torch.tensor([0, 1, 2, 1])
    logprobs = torch.log_softmax(logits.detach(), -1)[torch.arange(4), actions] - math.log(ratio)
    outputs = {"logits": logits, "value": torch.zeros(4)}
    batch = {"actions": actions, "logprobs": logprobs, "advantages": advantages,
             "returns": torch.zeros(4)}  # fmt: skip
    ppo_loss(outputs, batch, clip_coef=0.2, vf_coef=0.0, ent_coef=0.0).backward()
    assert logits.grad is not None
    return logits.grad


def test_the_clipped_objective_stops_the_gradient_outside_the_trust_region() -> None:
    advantages = torch.tensor([1.0, 2.0, 3.0, 4.0])
    # the loss normalises advantages per minibatch, so they have both signs: a ratio of 2
    # clips the rows with a positive advantage (no gradient), not the negative ones
    grad = _policy_gradient(2.0, advantages)
    clipped_rows = advantages > advantages.mean()
    assert torch.all(grad[clipped_rows] == 0)
    assert torch.all(grad[~clipped_rows].abs().sum(-1) > 0)
    inside = _policy_gradient(1.1, advantages)  # within 1 +- 0.2: every row gets a gradient
    assert torch.all(inside.abs().sum(-1) > 0)


def test_reward_scale_is_the_spread_of_every_discounted_return_so_far() -> None:
    rng = np.random.default_rng(0)
    rewards = rng.normal(-5.0, 3.0, size=(300, 4))
    dones = rng.random((300, 4)) < 0.02
    scaler, discounted, seen = RewardScaler(4, 0.9), np.zeros(4), []
    for reward, done in zip(rewards, dones, strict=True):
        scaled = scaler(reward, done)
        discounted = 0.9 * discounted + reward  # the return by its definition, reset at ends
        seen.append(discounted.copy())
        discounted[done] = 0.0
    np.testing.assert_allclose(rewards[-1] / scaled, np.std(np.concatenate(seen)), rtol=1e-4)


def test_without_clipping_the_loss_is_reinforces_policy_gradient() -> None:
    """clip_coef None on fresh data (ratio 1): the gradient of -mean(log pi(a|s) * A_hat),
    A_hat the per-batch normalised advantage, written out directly."""
    logits = torch.randn(4, 3, generator=torch.Generator().manual_seed(1)).requires_grad_()
    actions, advantages = torch.tensor([2, 0, 1, 1]), torch.tensor([0.5, -1.0, 2.0, 0.0])
    logprobs = torch.log_softmax(logits, -1)[torch.arange(4), actions]
    batch = {"actions": actions, "logprobs": logprobs.detach(), "advantages": advantages,
             "returns": torch.zeros(4)}  # fmt: skip
    outputs = {"logits": logits, "value": torch.zeros(4)}
    (ours,) = torch.autograd.grad(
        ppo_loss(outputs, batch, clip_coef=None, vf_coef=0.0, ent_coef=0.0), logits
    )
    normalised = (advantages - advantages.mean()) / (advantages.std() + 1e-8)
    (reinforce,) = torch.autograd.grad(-(logprobs * normalised).mean(), logits)
    torch.testing.assert_close(ours, reinforce)


def test_gaussian_log_prob_sums_over_action_dimensions() -> None:
    mean, log_std = torch.tensor([[0.5, -1.0]]), torch.tensor([[0.1, -0.3]])
    action = torch.tensor([[0.2, -0.4]])
    dist = action_distribution({"mean": mean, "log_std": log_std, "value": torch.zeros(1)})
    std = log_std.exp()
    by_hand = -((action - mean) ** 2) / (2 * std**2) - log_std - 0.5 * math.log(2 * math.pi)
    torch.testing.assert_close(dist.log_prob(action), by_hand.sum(-1))


CFG = {
    "steps": 512, "rollout_steps": 32, "minibatches": 2, "update_epochs": 2, "lr": 1e-3,
    "gamma": 0.98, "gae_lambda": 0.8, "clip_coef": 0.2, "vf_coef": 0.5, "ent_coef": 0.0,
    "max_grad_norm": 0.5, "scale_rewards": False, "log_every": 1, "checkpoint_every": 1, "seed": 3,
}  # fmt: skip


def _run(tmp_path, seed: int, steps: int = 512, resume: bool = False, log=print) -> dict:
    torch.set_num_threads(1)
    torch.manual_seed(seed)
    envs, held_out, _ = policy_gradient_environments(
        {"num_envs": 4, "eval_episodes": 3}, "CartPole-v1", seed
    )
    model = PolicyMLP(PolicyMLPConfig(obs_dim=4, num_actions=2, d_hidden=16))
    try:
        metrics = train_policy_gradient(
            model, envs, held_out, {**CFG, "seed": seed, "steps": steps}, tmp_path,
            loss_fn=ppo_loss, evaluator=evaluate_policy, resume=resume, log=log,
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


def test_resume_continues_from_the_saved_update(tmp_path) -> None:
    _run(tmp_path, 3, steps=256)  # 2 updates of 4 x 32 steps
    lines: list[str] = []
    resumed = _run(tmp_path, 3, steps=512, resume=True, log=lines.append)
    assert lines[0] == "resumed at update 2 of 4"
    assert [env_steps for env_steps, _ in resumed["loss_curve"]] == [3 * 128, 4 * 128]
    assert (resumed["resumed_from_step"], resumed["steps_this_run"]) == (256, 256)
