"""DQN's parts against values computed by hand: the double-DQN and DQN targets on a tiny
batch, the Huber loss, the linear epsilon schedule, the replay memory's ring and sampling;
then a short seeded run's determinism and its resume."""

from __future__ import annotations

import pytest
import torch

from metagen.archs.q_mlp.model import QMLP, QMLPConfig
from metagen.tasks.value_based.data import value_based_environments
from metagen.tasks.value_based.evaluate import evaluate_q_policy
from metagen.tasks.value_based.loop import ReplayMemory, linear_epsilon, train_value_based
from metagen.tasks.value_based.loss import dqn_loss, dqn_targets
from metagen.train.checkpoint import load_checkpoint

pytest.importorskip("gymnasium")

# Three transitions: the online network prefers action 1 in the first next state, action 0
# in the second and third; the target network values the actions differently.
REWARDS = torch.tensor([1.0, 0.5, -1.0])
TERMINATED = torch.tensor([0.0, 0.0, 1.0])
NEXT_ONLINE = torch.tensor([[1.0, 3.0], [2.0, 0.0], [5.0, 4.0]])
NEXT_TARGET = torch.tensor([[4.0, 2.0], [1.0, 6.0], [7.0, 9.0]])


def test_double_dqn_target_values_the_online_choice_with_the_target_network() -> None:
    targets = dqn_targets(REWARDS, TERMINATED, NEXT_ONLINE, NEXT_TARGET, gamma=0.9, double=True)
    # row 0: online picks 1, target values it 2.0 -> 1 + 0.9 * 2.0 = 2.8
    # row 1: online picks 0, target values it 1.0 -> 0.5 + 0.9 * 1.0 = 1.4
    # row 2: terminated -> the reward alone, -1.0
    torch.testing.assert_close(targets, torch.tensor([2.8, 1.4, -1.0]))


def test_dqn_target_takes_the_target_networks_own_maximum() -> None:
    targets = dqn_targets(REWARDS, TERMINATED, NEXT_ONLINE, NEXT_TARGET, gamma=0.9, double=False)
    # max of the target's rows: 4.0, 6.0 -> 1 + 3.6 = 4.6, 0.5 + 5.4 = 5.9; row 2 terminated
    torch.testing.assert_close(targets, torch.tensor([4.6, 5.9, -1.0]))


def test_huber_loss_of_the_taken_actions() -> None:
    q_values = torch.tensor([[0.0, 2.5], [1.0, 0.0]], requires_grad=True)
    batch = {"actions": torch.tensor([1, 0]), "targets": torch.tensor([2.0, 4.0])}
    loss = dqn_loss({"q_values": q_values}, batch)
    # errors 0.5 (quadratic: 0.5 * 0.25 = 0.125) and 3.0 (linear: 3 - 0.5 = 2.5); mean 1.3125
    torch.testing.assert_close(loss, torch.tensor(1.3125))
    loss.backward()
    assert q_values.grad is not None
    # d/dq: error 0.5 -> 0.5 / 2; error -3 clipped to -1 -> -1 / 2; untaken actions get none
    torch.testing.assert_close(q_values.grad, torch.tensor([[0.0, 0.25], [-0.5, 0.0]]))


def test_linear_epsilon_schedule() -> None:
    assert linear_epsilon(0, 1.0, 0.04, 8000) == 1.0
    assert linear_epsilon(4000, 1.0, 0.04, 8000) == pytest.approx(0.52)
    assert linear_epsilon(8000, 1.0, 0.04, 8000) == pytest.approx(0.04)
    assert linear_epsilon(50_000, 1.0, 0.04, 8000) == pytest.approx(0.04)
    assert linear_epsilon(10, 1.0, 0.04, 0) == 0.04  # no decay: the final rate from the start


def _fill(memory: ReplayMemory, first: int, count: int) -> None:
    """Transitions numbered first .. first + count - 1, one per add() of two copies."""
    for n in range(first, first + count, 2):
        numbers = torch.tensor([n, n + 1])
        obs = numbers[:, None].float().expand(2, 3)
        memory.add(obs, numbers % 2, numbers.float(), obs + 0.5, (numbers % 3 == 0).float())


def test_replay_memory_wraps_around_replacing_the_oldest() -> None:
    memory = ReplayMemory(5, (3,))
    _fill(memory, 0, 4)
    assert len(memory) == 4 and memory.next_slot == 4
    _fill(memory, 4, 4)  # transitions 4..7: 4 in slot 4, then 5, 6, 7 over 0, 1, 2
    assert len(memory) == 5 and memory.next_slot == 3
    assert memory.rewards.tolist() == [5.0, 6.0, 7.0, 3.0, 4.0]
    assert memory.obs[:, 0].tolist() == [5.0, 6.0, 7.0, 3.0, 4.0]
    assert memory.next_obs[:, 2].tolist() == [5.5, 6.5, 7.5, 3.5, 4.5]
    assert memory.actions.tolist() == [1, 0, 1, 1, 0]
    assert memory.terminated.tolist() == [0.0, 1.0, 0.0, 1.0, 0.0]


def test_replay_memory_samples_whole_transitions_from_what_it_holds() -> None:
    memory = ReplayMemory(100, (3,))
    _fill(memory, 0, 10)
    torch.manual_seed(0)
    batch = memory.sample(2000)
    assert set(batch) == {"obs", "actions", "rewards", "next_obs", "terminated"}
    numbers = batch["rewards"]
    assert set(numbers.long().tolist()) == set(range(10))  # only filled slots, every one
    # each sampled row is one transition: its fields agree
    torch.testing.assert_close(batch["obs"][:, 1], numbers)
    torch.testing.assert_close(batch["next_obs"][:, 0], numbers + 0.5)
    assert torch.equal(batch["actions"], numbers.long() % 2)
    counts = torch.bincount(numbers.long(), minlength=10).float()
    assert counts.min() > 150 and counts.max() < 250  # uniform: 200 each expected


CFG = {
    "steps": 600, "batch_size": 16, "lr": 1e-3, "buffer_size": 1000, "learning_starts": 100,
    "train_every": 50, "gradient_steps": 4, "target_update_every": 100, "gamma": 0.99,
    "double_dqn": True, "epsilon_start": 1.0, "epsilon_end": 0.05, "exploration_fraction": 0.5,
    "max_grad_norm": 10.0, "anneal_lr": True, "log_every": 1, "checkpoint_every": 300,
    "seed": 3,
}  # fmt: skip


def _run(out, seed: int, steps: int = 600, resume: bool = False, log=print) -> dict:
    torch.set_num_threads(1)
    torch.manual_seed(seed)
    envs, held_out, _ = value_based_environments(
        {"num_envs": 2, "eval_episodes": 3}, "CartPole-v1", seed
    )
    model = QMLP(QMLPConfig(obs_dim=4, num_actions=2, d_hidden=16))
    try:
        metrics = train_value_based(
            model, envs, held_out, {**CFG, "seed": seed, "steps": steps}, out,
            loss_fn=dqn_loss, evaluator=evaluate_q_policy, resume=resume, log=log,
        )  # fmt: skip
    finally:
        envs.close()
    metrics["weights"] = torch.cat([p.detach().flatten() for p in model.parameters()])
    return metrics


def test_same_seed_same_returns_and_weights(tmp_path) -> None:
    first, second = _run(tmp_path / "a", 3), _run(tmp_path / "b", 3)
    # a round every 50 steps from the 100th (learning_starts) on: 100, 150, ..., 600
    assert [s for s, _ in first["loss_curve"]] == list(range(100, 601, 50))
    assert first["gradient_steps"] == 11 * 4
    assert first["eval"] == second["eval"]
    assert first["loss_curve"] == second["loss_curve"]
    assert torch.equal(first["weights"], second["weights"])
    other = _run(tmp_path / "c", 4)
    assert not torch.equal(first["weights"], other["weights"])


def test_resume_continues_from_the_saved_step_and_refills_the_memory(tmp_path) -> None:
    _run(tmp_path, 3, steps=300)
    # the checkpoint holds the target network: the online network as copied at step 300,
    # before that step's round of gradient steps changed the online one
    state = torch.load(tmp_path / "checkpoints" / "latest" / "state.pt", weights_only=True)
    target = state["extra"]["target"]
    online = QMLP(QMLPConfig(obs_dim=4, num_actions=2, d_hidden=16)).state_dict()
    assert set(target) == set(online)
    load_checkpoint(tmp_path / "checkpoints", model=(saved := QMLP(QMLPConfig(
        obs_dim=4, num_actions=2, d_hidden=16))), restore_rng=False)  # fmt: skip
    assert not torch.equal(target["head.weight"], saved.state_dict()["head.weight"])
    lines: list[str] = []
    resumed = _run(tmp_path, 3, steps=600, resume=True, log=lines.append)
    assert lines[0] == "resumed at env step 300 of 600; refilling the replay memory"
    # no round before 100 new transitions are in the memory: the first at env step 400
    assert [env_steps for env_steps, _ in resumed["loss_curve"]] == [400, 450, 500, 550, 600]
    assert (resumed["resumed_from_step"], resumed["steps_this_run"]) == (300, 300)
