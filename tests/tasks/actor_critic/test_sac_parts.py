"""SAC's and TD3's parts against hand-computed values: the soft critic target, the tanh
squash's log-probability against a direct change of variables, Polyak averaging, TD3's
clipped target smoothing, the action scaling; then a seeded run's determinism and resume."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from metagen.archs.sac_mlp.model import SACMLP, SACMLPConfig, squashed_gaussian_sample
from metagen.tasks.actor_critic.data import actor_critic_environments
from metagen.tasks.actor_critic.defaults import TRAIN
from metagen.tasks.actor_critic.evaluate import evaluate_continuous_policy, to_env_action
from metagen.tasks.actor_critic.loop import train_actor_critic
from metagen.tasks.actor_critic.loss import (
    polyak_update,
    smoothed_target_action,
    soft_q_target,
    twin_q_loss,
)

pytest.importorskip("gymnasium")


def test_soft_q_target_by_hand() -> None:
    target = soft_q_target(
        rewards=torch.tensor([1.0, -2.0]),
        dones=torch.tensor([0.0, 1.0]),
        next_q1=torch.tensor([3.0, 5.0]),
        next_q2=torch.tensor([4.0, 2.0]),
        next_log_prob=torch.tensor([-1.0, 0.5]),
        alpha=0.2,
        gamma=0.9,
    )
    # 1 + 0.9 (min(3, 4) - 0.2 * -1) = 3.88; a terminal transition keeps its reward only
    torch.testing.assert_close(target, torch.tensor([3.88, -2.0]))


def test_twin_q_loss_sums_both_critics_errors() -> None:
    outputs = {"q1": torch.tensor([1.0, 2.0]), "q2": torch.tensor([0.0, 4.0])}
    loss = twin_q_loss(outputs, {"target": torch.tensor([1.0, 1.0])})
    assert loss.item() == pytest.approx((0 + 1) / 2 + (1 + 9) / 2)


def test_squashed_log_prob_is_the_change_of_variables() -> None:
    """log pi(a) = log N(u; mean, std) - sum log(1 - tanh(u)^2), with u = atanh(a)."""
    torch.manual_seed(0)
    mean = torch.tensor([[0.3, -1.2], [0.0, 0.8]], dtype=torch.float64)
    log_std = torch.tensor([[-0.5, 0.1], [0.2, -1.0]], dtype=torch.float64)
    action, log_prob = squashed_gaussian_sample(mean, log_std)
    u = torch.atanh(action)
    std = log_std.exp()
    gaussian = -0.5 * ((u - mean) / std) ** 2 - log_std - 0.5 * math.log(2 * math.pi)
    direct = (gaussian - torch.log(1 - action**2)).sum(-1)
    torch.testing.assert_close(log_prob, direct)
    assert bool((action.abs() < 1).all())


def test_polyak_update_by_hand() -> None:
    target, source = torch.nn.Linear(1, 1), torch.nn.Linear(1, 1)
    for module, value in ((target, 1.0), (source, 3.0)):
        torch.nn.init.constant_(module.weight, value)
        torch.nn.init.constant_(module.bias, -value)
    polyak_update(target, source, tau=0.25)
    assert target.weight.item() == 1.5 and target.bias.item() == -1.5  # 0.25 * 3 + 0.75 * 1
    assert source.weight.item() == 3.0


def test_td3_smoothing_clips_the_noise_then_the_action() -> None:
    next_action = torch.tensor([0.95, -0.2, 0.0, -0.9])
    torch.manual_seed(1)
    smoothed = smoothed_target_action(next_action, noise_std=0.4, noise_clip=0.5)
    torch.manual_seed(1)
    noise = (torch.randn(4) * 0.4).clamp(-0.5, 0.5)
    torch.testing.assert_close(smoothed, (next_action + noise).clamp(-1.0, 1.0))
    wide = smoothed_target_action(next_action, noise_std=100.0, noise_clip=0.5)
    assert set(torch.round((wide - next_action).abs().clamp(max=0.5) * 100).tolist()) <= {
        50.0,
        5.0,  # 0.95 + 0.5 clipped to 1
        10.0,  # -0.9 - 0.5 clipped to -1
    }
    assert bool((wide.abs() <= 1.0).all())


def test_actions_scale_from_tanh_range_to_the_box() -> None:
    low, high = np.array([-2.0, 0.0]), np.array([2.0, 1.0])
    scaled = to_env_action(np.array([-1.0, 0.0]), low, high)
    np.testing.assert_allclose(scaled, [-2.0, 0.5])
    np.testing.assert_allclose(to_env_action(np.array([1.0, 1.0]), low, high), [2.0, 1.0])


CFG = {
    **TRAIN["smoke"],
    "batch_size": 32,
    "learning_starts": 100,
    "log_every": 100,
    "checkpoint_every": 200,
}


def _run(tmp_path, seed: int, actor="gaussian", steps=300, resume=False, log=print) -> dict:
    torch.set_num_threads(1)
    torch.manual_seed(seed)
    envs, held_out, _ = actor_critic_environments(
        {"num_envs": 1, "eval_episodes": 2}, "Pendulum-v1", seed
    )
    model = SACMLP(SACMLPConfig(obs_dim=3, num_actions=1, actor=actor, d_hidden=16))
    try:
        metrics = train_actor_critic(
            model, envs, held_out, {**CFG, "seed": seed, "steps": steps}, tmp_path,
            loss_fn=twin_q_loss, evaluator=evaluate_continuous_policy, resume=resume, log=log,
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
    assert first["gradient_steps"] == 200 and first["algorithm"] == "sac"
    other = _run(tmp_path / "c", 4)
    assert not torch.equal(first["weights"], other["weights"])


def test_targets_move_towards_the_trained_critics(tmp_path) -> None:
    torch.manual_seed(0)
    model = SACMLP(SACMLPConfig(obs_dim=3, num_actions=1, actor="deterministic", d_hidden=16))
    before = {k: v.clone() for k, v in model.state_dict().items()}
    envs, held_out, _ = actor_critic_environments(
        {"num_envs": 1, "eval_episodes": 1}, "Pendulum-v1", 0
    )
    try:
        metrics = train_actor_critic(
            model, envs, held_out, {**CFG, "seed": 0, "steps": 200}, tmp_path,
            loss_fn=twin_q_loss, evaluator=evaluate_continuous_policy, log=lambda line: None,
        )  # fmt: skip
    finally:
        envs.close()
    assert metrics["algorithm"] == "td3" and metrics["alpha"] is None
    after = model.state_dict()
    for weight in ("critic.q1.1", "critic_target.q1.1", "actor.mean", "actor_target.mean"):
        assert not torch.equal(before[f"{weight}.weight"], after[f"{weight}.weight"]), weight
    # a target is still behind its network: Polyak averaging, not a copy
    assert not torch.equal(after["critic.q1.1.weight"], after["critic_target.q1.1.weight"])
    assert not torch.equal(after["actor.mean.weight"], after["actor_target.mean.weight"])
    assert not any(p.requires_grad for p in model.critic_target.parameters())


def test_resume_refills_the_buffer_then_continues_from_the_saved_step(tmp_path) -> None:
    _run(tmp_path, 3, steps=200)
    lines: list[str] = []
    resumed = _run(tmp_path, 3, steps=400, resume=True, log=lines.append)
    assert lines[0].startswith("resumed at env step 200 of 400")
    assert "refilling it with 100 steps" in lines[0]
    # 100 steps refill the buffer, then one gradient step per env step
    assert resumed["gradient_steps"] == 100
    assert (resumed["resumed_from_step"], resumed["steps_this_run"]) == (200, 200)
    assert [env_steps for env_steps, _ in resumed["loss_curve"]] == [400]
