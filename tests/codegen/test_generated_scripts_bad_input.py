"""The generated scripts, run as a user runs them, on bad input (issue 10): a damaged or
foreign checkpoint, a training set smaller than a batch, a precision the CPU cannot speed up.
Each is one paragraph on stderr, exit 2 where the input is at fault, and no traceback."""

from __future__ import annotations

import json
import re
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from tests.codegen.generated import synth_run
from tests.paths import EXAMPLES

# CPU seconds a refusal may take, torch's import (1-2 s) included; CPU time rather than
# wall-clock time, which other work on a shared machine stretches
SECONDS = 5.0


def write_csv(path: Path, rows: int, seed: int = 0) -> Path:
    """Three features and a class that depends on them, the tabular classifier's format."""
    x = np.random.default_rng(seed).uniform(size=(rows, 3))
    label = (x[:, 0] + x[:, 1] > 1).astype(int)
    lines = [
        "a,b,c,label",
        *(f"{a:.4f},{b:.4f},{c:.4f},{y}" for (a, b, c), y in zip(x, label, strict=True)),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(code: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run a script of the package; the result also carries the CPU seconds it took."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run(
        [sys.executable, str(code / args[0]), *args[1:]],
        cwd=cwd or code,
        capture_output=True,
        text=True,
        timeout=300,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    result.cpu_seconds = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime  # type: ignore[attr-defined]
    return result


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A tabular classifier's package and a short smoke run of it on a 200-row CSV."""
    root = tmp_path_factory.mktemp("tabular")
    code = synth_run(EXAMPLES / "tabular" / "tabular_classifier.yaml", root) / "code"
    data = write_csv(root / "rows.csv", 200)
    out = root / "out"
    result = run(code, "train.py", "--scale", "smoke", "--steps", "6", "--data", str(data),
                 "--out", str(out), "--no-progress")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "warning:" not in result.stderr  # fp32 on a CPU: nothing to warn about
    return code, out, data


def damage(out: Path, case: str) -> Path:
    """Damage the checkpoint of the run in `out` as `case` says; the file it concerns."""
    latest = out / "checkpoints" / "latest"
    weights, state = latest / "model.safetensors", latest / "state.pt"
    if case == "planted pickle":  # weights_only refuses it; it would create `code_ran`
        planted = f"torch.save({{'step': Runs()}}, {str(state)!r})"
        runs = (
            f"class Runs:\n    def __reduce__(self): return (os.system, ('touch {out}/code_ran',))"
        )
        subprocess.run([sys.executable, "-c", f"import os, torch\n{runs}\n{planted}"], check=True)
        return state
    if case == "truncated state":
        state.write_bytes(state.read_bytes()[:1000])
        return state
    if case == "corrupt weights":
        weights.write_bytes(np.random.default_rng(0).bytes(5000))
        return weights
    if case == "foreign weights":  # the run's metrics say other dims than its weights have
        metrics = json.loads((out / "metrics.json").read_text())
        metrics["model_dims"]["d_model"] *= 2
        (out / "metrics.json").write_text(json.dumps(metrics))
        return weights
    raise AssertionError(case)


def assert_refused(result, named: Path) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    [message] = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert str(named) in message and "train again" in message
    assert result.cpu_seconds < SECONDS


CASES = [
    ("evaluate.py", "planted pickle"),
    ("evaluate.py", "truncated state"),
    ("evaluate.py", "corrupt weights"),
    ("evaluate.py", "foreign weights"),
    ("infer.py", "corrupt weights"),
    ("export.py", "truncated state"),
    ("train.py", "planted pickle"),
]


@pytest.mark.parametrize(("script", "case"), CASES, ids=[f"{s}-{c}" for s, c in CASES])
def test_a_damaged_checkpoint_is_refused_naming_the_file(trained, tmp_path, script, case):
    code, clean, data = trained
    out = tmp_path / "out"
    shutil.copytree(clean, out)
    named = damage(out, case)
    args = {
        "evaluate.py": ["--checkpoint", str(out)],
        "infer.py": ["--checkpoint", str(out), str(data)],
        "export.py": ["--checkpoint", str(out), "--output", str(tmp_path / "m.onnx")],
        "train.py": [
            "--scale",
            "smoke",
            "--steps",
            "8",
            "--data",
            str(data),
            "--out",
            str(out),
            "--resume",
            "--no-progress",
        ],  # fmt: skip
    }[script]
    result = run(code, script, *args)
    assert_refused(result, named)
    assert not (out / "code_ran").exists()
    assert not (tmp_path / "m.onnx").exists() and not (out / "eval").exists()


def test_resume_at_another_scale_is_refused_naming_the_weights(trained, tmp_path):
    code, clean, data = trained
    out = tmp_path / "out"
    shutil.copytree(clean, out)
    before = (out / "checkpoints" / "latest" / "model.safetensors").read_bytes()
    result = run(code, "train.py", "--scale", "full", "--data", str(data), "--out", str(out),
                 "--resume", "--no-progress")  # fmt: skip
    assert_refused(result, out / "checkpoints" / "latest" / "model.safetensors")
    assert "do not fit this model" in result.stderr
    assert (out / "checkpoints" / "latest" / "model.safetensors").read_bytes() == before


def test_a_training_set_under_one_batch_gets_a_batch_that_fits_it(trained, tmp_path):
    code, _, _ = trained
    data = write_csv(tmp_path / "few.csv", 41)  # 37 train rows after the 10% held out
    out = tmp_path / "out"
    result = run(code, "train.py", "--scale", "smoke", "--steps", "2", "--data", str(data),
                 "--out", str(out), "--no-progress", "--precision", "bf16")  # fmt: skip
    assert result.returncode == 0, result.stderr
    num_train = json.loads((out / "data_info.json").read_text())["num_train"]
    # several steps a pass (batches of 8 at least), not one batch of all of them
    assert f"note: {num_train} training samples: batch 8 (planned 64)" in result.stderr
    assert json.loads((out / "metrics.json").read_text())["batch_size"] == 8 < num_train
    [warning] = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert "bf16 on a CPU" in warning and "--precision fp32" in warning


def test_a_batch_size_the_data_cannot_fill_is_refused_before_training(trained, tmp_path):
    code, _, _ = trained
    data = write_csv(tmp_path / "few.csv", 41)
    out = tmp_path / "out"
    result = run(code, "train.py", "--scale", "smoke", "--batch-size", "64", "--data", str(data),
                 "--out", str(out), "--no-progress")  # fmt: skip
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert re.search(r"too few for a batch of 64 .*; pass --batch-size \d+ or less", result.stderr)
    assert result.cpu_seconds < SECONDS
    assert not out.exists()


def test_kill_9_mid_checkpoint_then_resume_gives_the_uninterrupted_weights(trained, tmp_path):
    """The run is killed while writing its second checkpoint (weights written, state not);
    --resume continues from the first and ends on the same bytes as a run never stopped."""
    code, _, data = trained
    args = ["--scale", "smoke", "--steps", "10", "--data", str(data), "--no-progress"]
    whole = run(code, "train.py", *args, "--out", str(tmp_path / "whole"))
    assert whole.returncode == 0, whole.stderr
    kill_on_second_save = (
        "import os, runpy, signal, sys, torch\n"
        "real, calls = torch.save, []\n"
        "def save(*a, **k):\n"
        "    calls.append(1)\n"
        "    if len(calls) == 2:\n"
        "        os.kill(os.getpid(), signal.SIGKILL)\n"
        "    return real(*a, **k)\n"
        "torch.save = save\n"
        "sys.argv = sys.argv[1:]\n"
        "runpy.run_path(sys.argv[0], run_name='__main__')\n"
    )
    out = tmp_path / "killed"
    killed = subprocess.run(
        [sys.executable, "-c", kill_on_second_save, str(code / "train.py"), *args, "--out", str(out)],
        cwd=code, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert killed.returncode == -9, killed.stderr
    assert [p.name for p in (out / "checkpoints").iterdir() if ".tmp-" in p.name]
    resumed = run(code, "train.py", *args, "--out", str(out), "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert "resumed from" in resumed.stdout
    assert sorted(p.name for p in (out / "checkpoints").iterdir()) == ["latest"]
    weights = "checkpoints/latest/model.safetensors"
    assert (out / weights).read_bytes() == (tmp_path / "whole" / weights).read_bytes()
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["resumed_from_step"] == 2 and metrics["steps"] == 10
    assert (
        metrics["loss_curve"]
        == json.loads((tmp_path / "whole" / "metrics.json").read_text())["loss_curve"]
    )


@pytest.mark.skipif(torch.cuda.is_available(), reason="the warning is for training on a CPU")
def test_a_model_planned_for_a_gpu_warns_when_it_trains_on_a_cpu(trained, tmp_path):
    code, _, data = trained
    config_path = code / "config.json"
    config = json.loads(config_path.read_text())
    gpu_code = tmp_path / "code"
    shutil.copytree(code, gpu_code)
    (gpu_code / "config.json").write_text(json.dumps({**config, "device": "datacenter_gpu"}))
    result = run(gpu_code, "train.py", "--scale", "smoke", "--steps", "2", "--data", str(data),
                 "--out", str(tmp_path / "out"), "--no-progress")  # fmt: skip
    assert result.returncode == 0, result.stderr
    [warning] = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert "planned for a datacenter_gpu but training on a CPU" in warning


def test_a_spec_device_reaches_config_json():
    from metagen.planning import make_blueprint
    from metagen.spec import load_spec

    planned = make_blueprint(load_spec(EXAMPLES / "image" / "imagenet_classifier.yaml"))
    assert planned.to_config()["device"] == "consumer_gpu"
    assert "device" not in make_blueprint(load_spec(EXAMPLES / "text" / "gpt2.yaml")).to_config()
