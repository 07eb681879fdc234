"""What a Q-network's infer.py predicts (issue 16): a row per observation (a .npy of several,
CSV rows), named FILE:N, with the greedy action and every action's Q-value; an observation of
the wrong size is refused in one line (slow: it trains)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from tests.tasks.policy_gradient.infer_runs import predictions, refusal, trained

pytestmark = pytest.mark.slow


def test_the_action_is_the_one_of_highest_q_value(tmp_path) -> None:
    run = trained("rl/rl_agent_dqn.yaml", tmp_path)
    info = json.loads((run / "train" / "smoke" / "data_info.json").read_text())
    [obs_dim], actions = info["observation_space"]["shape"], info["action_space"]["n"]
    observations = np.random.default_rng(0).uniform(-1, 1, (3, obs_dim)).astype(np.float32)
    np.save(tmp_path / "three.npy", observations)
    rows = predictions(run, str(tmp_path / "three.npy"))
    assert [row["input"] for row in rows] == [f"{tmp_path / 'three.npy'}:{n}" for n in (1, 2, 3)]
    for row in rows:
        assert len(row["q_values"]) == actions
        assert row["action"] == int(np.argmax(row["q_values"]))

    np.save(tmp_path / "short.npy", observations[0, :-1])
    error = refusal(run, str(tmp_path / "short.npy"))
    assert str(tmp_path / "short.npy") in error and f"shape [{obs_dim}]" in error
