"""The generated SAC package as a user runs it: train.py takes gradient steps after its
random warm-up and checkpoints, --resume continues from the saved env step (refilling the
replay buffer first), evaluate.py scores held-out episodes beside a random policy, infer.py
writes a GIF (slow). A short run: what it learns is the slow test's business."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from tests.codegen.generated import synth_run
from tests.paths import EXAMPLES

pytest.importorskip("gymnasium")


def run(code, *args: str) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, *args], cwd=code, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done


@pytest.mark.slow  # five script runs: about a minute on a shared CPU
def test_train_resume_evaluate_and_infer(tmp_path) -> None:
    code = synth_run(EXAMPLES / "rl" / "pendulum_sac.yaml", tmp_path) / "code"
    out = tmp_path / "out"
    # smoke: 1,000 uniform random steps fill the buffer, then one gradient step per env step
    run(code, "train.py", "--scale", "smoke", "--steps", "1050", "--out", str(out))
    first = json.loads((out / "metrics.json").read_text())
    assert (first["steps"], first["gradient_steps"], first["algorithm"]) == (1050, 50, "sac")
    resumed = run(
        code, "train.py", "--scale", "smoke", "--steps", "1100", "--out", str(out), "--resume"
    )
    assert "resumed at env step 1050 of 1100" in resumed.stdout
    metrics = json.loads((out / "metrics.json").read_text())
    assert (metrics["resumed_from_step"], metrics["gradient_steps"]) == (1050, 0)  # refilling
    run(code, "evaluate.py", "--checkpoint", str(out), "--episodes", "2")
    held_out = json.loads((out / "eval" / "metrics.json").read_text())
    assert held_out["episodes"] == 2 and "random_mean_return" in held_out
    played = run(code, "infer.py", "--checkpoint", str(out), "--episodes", "1")
    assert "episode 0: return" in played.stdout
    assert (out / "episode.gif").stat().st_size > 0


def test_a_discrete_environment_is_refused_by_train_py(tmp_path) -> None:
    code = synth_run(EXAMPLES / "rl" / "pendulum_sac.yaml", tmp_path) / "code"
    done = subprocess.run(
        [sys.executable, "train.py", "--scale", "smoke", "--data", "CartPole-v1"],
        cwd=code, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "value_based" in done.stderr
