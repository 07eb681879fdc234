"""What a world model's infer.py predicts (issue 16): its planner's action for each
observation, one of the environment's actions, and the same again under the same --seed
(slow: it trains)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from tests.tasks.policy_gradient.infer_runs import predictions, trained

pytestmark = pytest.mark.slow


def test_the_planned_action_is_an_action_and_seeded(tmp_path) -> None:
    run = trained("rl/cartpole_world_model.yaml", tmp_path)
    info = json.loads((run / "train" / "smoke" / "data_info.json").read_text())
    obs = np.random.default_rng(0).uniform(-0.1, 0.1, (6, *info["observation_space"]["shape"]))
    (tmp_path / "obs.json").write_text(json.dumps(obs.tolist()))
    rows = predictions(run, str(tmp_path / "obs.json"), "--seed", "3")
    assert len(rows) == 6
    assert all(row["action"] in range(info["action_space"]["n"]) for row in rows)
    assert predictions(run, str(tmp_path / "obs.json"), "--seed", "3") == rows
