"""What a SAC agent's infer.py predicts (issue 16): the actor's deterministic action for each
observation, inside the environment's action box, the same on every run (slow: it trains)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from tests.tasks.policy_gradient.infer_runs import predictions, trained

pytestmark = pytest.mark.slow


def test_the_deterministic_action_is_in_the_box(tmp_path) -> None:
    run = trained("rl/pendulum_sac.yaml", tmp_path)
    info = json.loads((run / "train" / "smoke" / "data_info.json").read_text())
    space = info["action_space"]
    obs = np.random.default_rng(0).uniform(-8, 8, (5, *info["observation_space"]["shape"]))
    header = ",".join(f"o{i}" for i in range(obs.shape[1]))
    lines = [header, *(",".join(f"{v:.4f}" for v in row) for row in obs)]
    (tmp_path / "obs.csv").write_text("\n".join(lines) + "\n")
    rows = predictions(run, str(tmp_path / "obs.csv"))
    assert [row["input"] for row in rows] == [f"{tmp_path / 'obs.csv'}:{n}" for n in range(1, 6)]
    for row in rows:
        assert len(row["action"]) == space["shape"][0]
        assert all(lo <= a <= hi for a, lo, hi in zip(row["action"], space["low"],
                                                      space["high"], strict=True))  # fmt: skip
    assert predictions(run, str(tmp_path / "obs.csv")) == rows
