"""DQN over frames: the replay memory keeps frames as bytes, a short seeded run over
CartPole's rendered frames with a small CNN Q-network is deterministic, and the held-out
episodes are played through the same frames."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from metagen.archs.policy_cnn.model import PolicyCNN, PolicyCNNConfig
from metagen.tasks.value_based.data import value_based_pixels
from metagen.tasks.value_based.evaluate import evaluate_q_policy
from metagen.tasks.value_based.loop import ReplayMemory, observation_dtype, train_value_based
from metagen.tasks.value_based.loss import dqn_loss

pytest.importorskip("gymnasium")

FRAMES = {"image_size": 40, "frame_stack": 2, "num_envs": 1, "eval_episodes": 2}
CFG = {
    "steps": 120, "batch_size": 8, "lr": 1e-4, "buffer_size": 200, "learning_starts": 40,
    "train_every": 4, "gradient_steps": 1, "target_update_every": 50, "gamma": 0.99,
    "double_dqn": True, "epsilon_start": 1.0, "epsilon_end": 0.05, "exploration_fraction": 0.5,
    "max_grad_norm": 10.0, "anneal_lr": False, "log_every": 100, "checkpoint_every": 1000,
}  # fmt: skip


def test_frames_are_stored_as_bytes_and_vectors_as_float32() -> None:
    assert observation_dtype(np.uint8) == torch.uint8
    assert observation_dtype(np.float32) == torch.float32
    assert observation_dtype(np.float64) == torch.float32
    memory = ReplayMemory(3, (2, 4, 4), torch.uint8)
    frame = np.full((1, 2, 4, 4), 255, dtype=np.uint8)
    memory.add(frame, [1], [1.0], frame, [False])
    batch = memory.sample(2)
    assert batch["obs"].dtype == torch.uint8 and int(batch["obs"].max()) == 255
    assert memory.obs.element_size() * memory.obs.numel() == 3 * 2 * 4 * 4  # one byte each


def _run(out, seed: int) -> dict:
    torch.set_num_threads(1)
    torch.manual_seed(seed)
    envs, held_out, info = value_based_pixels(FRAMES, "CartPole-v1", seed)
    assert info["observation_space"]["shape"] == [2, 40, 40]
    model = PolicyCNN(PolicyCNNConfig(in_channels=2, image_size=40, num_actions=2,
                                      head="q_values", d_hidden=16))  # fmt: skip
    try:
        metrics = train_value_based(
            model, envs, held_out, {**CFG, "seed": seed}, out,
            loss_fn=dqn_loss, evaluator=evaluate_q_policy, log=lambda line: None,
        )  # fmt: skip
    finally:
        envs.close()
    metrics["weights"] = torch.cat([p.detach().flatten() for p in model.parameters()])
    return metrics


def test_a_short_run_over_frames_is_deterministic(tmp_path) -> None:
    first, second = _run(tmp_path / "a", 5), _run(tmp_path / "b", 5)
    # a gradient step every 4 env steps from the 40th (learning_starts) on: 40, 44, ..., 120
    assert [s for s, _ in first["loss_curve"]] == list(range(40, 121, 4))
    assert first["eval"]["episodes"] == 2
    assert first["eval"] == second["eval"]
    assert torch.equal(first["weights"], second["weights"])
