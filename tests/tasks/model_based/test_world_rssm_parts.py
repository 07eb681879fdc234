"""The recurrent state-space world model's parts: its KL against torch.distributions', the
first imagined step against the one-step forward, a window's steps against the steps after
them, the loss's targets against the window's own next posteriors, sampling in training and
means in eval, the masked loss, and a seeded run's determinism and resume."""

from __future__ import annotations

import pytest
import torch
from torch.distributions import Normal, kl_divergence

from metagen.archs.world_rssm.model import WorldRSSM, WorldRSSMConfig
from metagen.tasks.model_based.data import model_based_environments
from metagen.tasks.model_based.evaluate import evaluate_world_model
from metagen.tasks.model_based.loop import train_model_based
from metagen.tasks.model_based.loss import (
    FREE_NATS,
    KL_DYNAMICS,
    KL_REPRESENTATION,
    balanced_kl,
    world_model_loss,
    world_model_targets,
)


def _model(continuous: bool = False) -> WorldRSSM:
    torch.manual_seed(0)
    config = WorldRSSMConfig(obs_dim=3, num_actions=2, continuous=continuous, d_deter=10,
                             d_stoch=4, d_hidden=16, mlp_layers=2)  # fmt: skip
    return WorldRSSM(config).eval()


def _actions(shape: tuple[int, ...], continuous: bool) -> torch.Tensor:
    return torch.rand(*shape, 2) * 2 - 1 if continuous else torch.randint(0, 2, shape)


def test_balanced_kl_is_torch_distributions_kl_with_free_nats() -> None:
    torch.manual_seed(0)
    posterior = torch.stack([torch.randn(5, 6) * 2, torch.rand(5, 6) + 0.1], -2)
    prior = torch.stack([torch.randn(5, 6), torch.rand(5, 6) + 0.1], -2)
    reference = kl_divergence(Normal(*posterior.unbind(-2)), Normal(*prior.unbind(-2))).sum(-1)
    assert torch.all(reference > FREE_NATS)  # every step above the free nats here
    weight = KL_DYNAMICS + KL_REPRESENTATION
    torch.testing.assert_close(balanced_kl(posterior, prior), weight * reference)
    # at or below the free nats a step costs FREE_NATS and teaches nothing
    prior.requires_grad_(True)
    near = balanced_kl(prior.detach() + 1e-3, prior)
    torch.testing.assert_close(near, torch.full((5,), weight * FREE_NATS))
    near.sum().backward()
    assert prior.grad is not None and torch.all(prior.grad == 0)


def test_each_term_of_the_balance_trains_one_side() -> None:
    posterior = torch.tensor([[[3.0], [0.5]]], requires_grad=True)  # mean 3, std 0.5
    prior = torch.tensor([[[0.0], [1.0]]], requires_grad=True)
    balanced_kl(posterior, prior).sum().backward()
    both = [t.grad.clone() for t in (posterior, prior)]  # type: ignore[union-attr]
    for t in (posterior, prior):
        t.grad = None
    reference = kl_divergence(Normal(posterior[0, 0], posterior[0, 1]),
                              Normal(prior[0, 0], prior[0, 1])).sum()  # fmt: skip
    reference.backward()
    torch.testing.assert_close(both[0], KL_REPRESENTATION * posterior.grad)
    torch.testing.assert_close(both[1], KL_DYNAMICS * prior.grad)


@pytest.mark.parametrize("continuous", [False, True])
def test_the_first_imagined_step_is_the_one_step_forward(continuous: bool) -> None:
    model = _model(continuous)
    obs, actions = torch.randn(2, 3), _actions((2, 4, 5), continuous)
    with torch.no_grad():
        imagined = model.imagine(obs, actions)
        assert imagined["rewards"].shape == imagined["continue_logits"].shape == (2, 4, 5)
        assert imagined["final_value"].shape == (2, 4)
        for n in range(4):
            first = model(obs=obs, action=actions[:, n, 0])
            torch.testing.assert_close(imagined["rewards"][:, n, 0], first["reward"])
            torch.testing.assert_close(imagined["continue_logits"][:, n, 0],
                                       first["continue_logit"])  # fmt: skip


def test_a_window_step_ignores_the_steps_after_it_and_one_step_is_a_window_of_one() -> None:
    model = _model()
    obs, action = torch.randn(4, 5, 3), torch.randint(0, 2, (4, 5))
    with torch.no_grad():
        whole = model(obs=obs, action=action)
        changed = obs.clone()
        changed[:, 3:] += 1.0
        later = model(obs=changed, action=action)
        single = model(obs=obs[:, 0], action=action[:, 0])
    torch.testing.assert_close(later["next_obs"][:, :3], whole["next_obs"][:, :3])
    assert not torch.allclose(later["next_obs"][:, 3:], whole["next_obs"][:, 3:])
    for key in ("latent", "next_latent", "reward", "posterior", "prior"):
        torch.testing.assert_close(single[key], whole[key][:, 0])
    # the memory carries the past: the same observation after other steps reads differently
    assert not torch.allclose(whole["latent"][:, 1], model(obs=obs[:, 1])["latent"])


def test_the_targets_are_the_windows_own_next_posteriors() -> None:
    model = _model()
    obs, action = torch.randn(2, 6, 3), torch.randint(0, 2, (2, 6))
    window = {"obs": obs[:, :5], "action": action[:, :5], "next_obs": obs[:, 1:],
              "reward": torch.randn(2, 5), "terminated": torch.zeros(2, 5)}  # fmt: skip
    with torch.no_grad():
        targets = world_model_targets(model, window, 0.9)
        read = model(obs=obs, action=action)
    torch.testing.assert_close(targets["next_latent"], read["latent"][:, 1:])
    expected = 0.1 * window["reward"] + 0.9 * read["value"][:, 1:]
    torch.testing.assert_close(targets["value_target"], expected)


def test_training_samples_the_state_and_eval_takes_its_mean() -> None:
    model = _model()
    obs, action = torch.randn(3, 4, 3), torch.randint(0, 2, (3, 4))
    with torch.no_grad():
        means = [model(obs=obs, action=action)["latent"] for _ in range(2)]
        model.train()
        draws = [model(obs=obs, action=action)["latent"] for _ in range(2)]
    torch.testing.assert_close(means[0], means[1])
    assert not torch.allclose(draws[0], draws[1])
    posterior = model.eval()(obs=obs, action=action)["posterior"]
    d_deter = model.config.d_deter
    torch.testing.assert_close(means[0][..., d_deter:], posterior[..., 0, :])


def test_steps_after_an_episode_end_change_nothing_of_the_loss() -> None:
    model = _model()
    batch = {"obs": torch.randn(2, 4, 3), "action": torch.randint(0, 2, (2, 4)),
             "next_obs": torch.randn(2, 4, 3), "reward": torch.randn(2, 4),
             "terminated": torch.zeros(2, 4), "mask": torch.tensor([[1.0, 1, 0, 0], [1, 1, 1, 1]])}  # fmt: skip
    other = {key: value.clone() for key, value in batch.items()}
    other["obs"][0, 2:] += 10.0
    other["next_obs"][0, 2:] += 10.0
    other["reward"][0, 2:] -= 10.0
    with torch.no_grad():
        losses = [
            world_model_loss(model(obs=b["obs"], action=b["action"]), world_model_targets(model, b, 0.9))
            for b in (batch, other)
        ]  # fmt: skip
    torch.testing.assert_close(losses[0], losses[1])


CFG = {
    "steps": 400, "collect_steps": 100, "updates_per_iteration": 3, "seed_steps": 200,
    "horizon": 3, "candidates": 8, "gamma": 0.97, "batch_size": 8, "sequence_length": 4,
    "lr": 1e-3, "max_grad_norm": 10.0, "log_every": 1, "checkpoint_every": 1, "seed": 3,
}  # fmt: skip


def _run(tmp_path, seed: int, steps=400, resume=False, log=print) -> dict:
    pytest.importorskip("gymnasium")
    torch.set_num_threads(1)
    torch.manual_seed(seed)  # the initial weights and every sampled state
    envs, held_out, _ = model_based_environments(
        {"num_envs": 2, "eval_episodes": 2}, "CartPole-v1", seed
    )
    model = WorldRSSM(WorldRSSMConfig(obs_dim=4, num_actions=2, d_deter=8, d_stoch=4,
                                      d_hidden=16))  # fmt: skip
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
    assert not torch.equal(first["weights"], _run(tmp_path / "c", 4)["weights"])


def test_resume_continues_from_the_saved_iteration(tmp_path) -> None:
    _run(tmp_path, 3, steps=200)  # 2 iterations of 100 steps
    lines: list[str] = []
    resumed = _run(tmp_path, 3, resume=True, log=lines.append)
    assert lines[0] == "resumed at iteration 2 of 4"
    assert [env_steps for env_steps, _ in resumed["loss_curve"]] == [300, 400]
