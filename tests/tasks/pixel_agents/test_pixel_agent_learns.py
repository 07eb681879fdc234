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
STEPS = 40_960
# CartPole's settings, not Atari's: with the planned CleanRL Atari settings (40 rollouts of
# 8 x 128 steps, 4 epochs of 4 minibatches, lr 5e-4) the agent measured 20.9 against the random
# policy's 20.85 after 40,960 steps (721 s). These follow RL Zoo's CartPole PPO (short
# rollouts, gamma 0.98, GAE lambda 0.8, lr 1e-3, no entropy bonus), with 10 epochs, not 20, to
# fit the CPU budget; config.json holds them, as it does for every run.
# NOT MET YET: with these, 26.0 +- 10.9 against 20.85 after 40,960 steps (1043 s on a shared
# CPU). The bar (twice the random policy) stays; the agent needs more steps or better settings.
CARTPOLE_PPO = {
    "rollout_steps": 32,
    "minibatches": 1,
    "update_epochs": 10,
    "gamma": 0.98,
    "gae_lambda": 0.8,
    "clip_coef": 0.2,
    "ent_coef": 0.0,
    "lr": 1e-3,
    "batch_size": 256,
}


@pytest.mark.slow
def test_ppo_from_cartpole_pixels_beats_a_random_policy(tmp_path) -> None:
    spec = tmp_path / "cartpole_pixels.yaml"
    spec.write_text(SPEC)
    code = synth_run(spec, tmp_path, "run") / "code"
    config = json.loads((code / "config.json").read_text())
    config["scales"]["full"]["train"].update(CARTPOLE_PPO)
    (code / "config.json").write_text(json.dumps(config, indent=2))
    out = tmp_path / "out"
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": ""}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "train.py", "--out", str(out), "--steps", str(STEPS)],
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
