"""DQN with a CNN Q-network over CartPole-v1's rendered frames (stacked 64x64 silhouettes, no
state vector) beats a random policy on held-out episodes, through the generated train.py at
the plan's own full-scale settings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest
from tests.codegen.generated import synth_run

pytest.importorskip("gymnasium")

SPEC = """
name: cartpole_pixels_dqn
modality: {inputs: [image], outputs: [action]}
task: {type: value_based, environment: CartPole-v1}
constraints: {parameter_budget: {max: "1M"}}
"""
# The plan's settings for a classic-control environment's frames (tasks/value_based/defaults.py
# PIXELS_DQN: 50,000 steps, one gradient step of 32 every 4 steps, Adam at 1e-4). Measured
# (2026-12-05, `pytest -s -m slow` on this file alone, 2-core CPU): 68.05 +- 29.3 over 20
# held-out episodes against the random policy's 20.85, in 602 s.


@pytest.mark.slow
def test_dqn_from_cartpole_pixels_beats_a_random_policy(tmp_path) -> None:
    spec = tmp_path / "cartpole_pixels_dqn.yaml"
    spec.write_text(SPEC)
    code = synth_run(spec, tmp_path, "run") / "code"
    out = tmp_path / "out"
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": ""}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "train.py", "--out", str(out)],
        cwd=code,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    assert done.returncode == 0, done.stderr[-3000:]
    metrics = json.loads((out / "metrics.json").read_text())
    result = metrics["eval"]
    print(f"{result} after {metrics['steps']} env steps in {seconds:.0f} s")
    assert metrics["steps"] == 50_000 and result["episodes"] == 20
    # random CartPole lasts about 22 steps; the agent must at least double it
    assert result["mean_return"] > 2 * result["random_mean_return"], result
