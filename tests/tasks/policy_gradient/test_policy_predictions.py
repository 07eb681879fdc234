"""What a policy's infer.py predicts (issue 16): a discrete policy's most likely action with
every action's probability, a Gaussian policy's mean inside the action box, and a history
policy's action for one observation equal to its action for the zero-padded history an
episode starts with (slow: each trains)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from tests.tasks.policy_gradient.infer_runs import predictions, trained

pytestmark = pytest.mark.slow


def spaces(run) -> dict:
    return json.loads((run / "train" / "smoke" / "data_info.json").read_text())


def test_a_discrete_policy_gives_its_most_likely_action(tmp_path) -> None:
    run = trained("rl/cartpole_ppo.yaml", tmp_path)
    (tmp_path / "obs.jsonl").write_text('{"observation": [0, 0, 0.1, 0]}\n'
                                        '{"observation": [0, 0, -0.1, 0]}\n')  # fmt: skip
    rows = predictions(run, str(tmp_path / "obs.jsonl"))
    assert len(rows) == 2
    for row in rows:
        assert len(row["probabilities"]) == spaces(run)["action_space"]["n"]
        assert sum(row["probabilities"]) == pytest.approx(1.0, abs=1e-5)
        assert row["action"] == int(np.argmax(row["probabilities"]))


def test_a_gaussian_policy_acts_inside_the_action_box(tmp_path) -> None:
    run = trained("rl/rl_agent_ppo.yaml", tmp_path)
    space = spaces(run)["action_space"]
    far = np.full((4, *spaces(run)["observation_space"]["shape"]), 50.0, np.float32)
    far[1::2] *= -1  # far outside the observations it trained on, either way
    np.save(tmp_path / "far.npy", far)
    for row in predictions(run, str(tmp_path / "far.npy")):
        assert len(row["action"]) == space["shape"][0]
        assert all(lo <= a <= hi for a, lo, hi in zip(row["action"], space["low"],
                                                      space["high"], strict=True))  # fmt: skip


def test_one_step_is_the_history_an_episode_starts_with(tmp_path) -> None:
    run = trained("rl/cartpole_transformer_ppo.yaml", tmp_path)
    context, obs_dim = spaces(run)["observation_space"]["shape"]
    step = np.array([0.01, -0.02, 0.03, 0.04], np.float32)[:obs_dim]
    (tmp_path / "step.json").write_text(json.dumps(step.tolist()))
    history = np.zeros((context, obs_dim), np.float32)
    history[-1] = step  # the newest last, the steps before the episode zero
    np.save(tmp_path / "history.npy", history)
    one, whole = predictions(run, str(tmp_path / "step.json"), str(tmp_path / "history.npy"))
    assert one["probabilities"] == whole["probabilities"]
