"""A CNN policy trained with PPO on CartPole-v1 from pixels (stacked grey 64x64 renders, no
state vector) beats a random policy on held-out episodes, through the generated train.py."""

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
name: cartpole_pixels
modality: {inputs: [image], outputs: [action]}
task: {type: policy_gradient, algorithm: ppo, environment: CartPole-v1}
constraints: {parameter_budget: {max: "1M"}}
architecture: {family: cnn}
"""
# 40 rollouts of 8 x 128 steps; lr 5e-4 (CleanRL's Atari 2.5e-4 learns too slowly in so few)
STEPS, LR = 40_960, 5e-4


@pytest.mark.slow
def test_ppo_from_cartpole_pixels_beats_a_random_policy(tmp_path) -> None:
    spec = tmp_path / "cartpole_pixels.yaml"
    spec.write_text(SPEC)
    code = synth_run(spec, tmp_path, "run") / "code"
    out = tmp_path / "out"
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": ""}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "train.py", "--out", str(out), "--steps", str(STEPS), "--lr", str(LR)],
        cwd=code,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads((out / "metrics.json").read_text())["eval"]
    print(f"{result} in {seconds:.0f} s")
    assert result["episodes"] == 20
    # random CartPole lasts about 22 steps; the agent must at least double it
    assert result["mean_return"] > 2 * result["random_mean_return"], result
