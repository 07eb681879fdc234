"""The generated train.py sizes a run to its data: a batch that fits a small set, a length in
passes over it, an evaluation about once a pass, and a wall-time budget read as a duration."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.codegen.generated import generated_package, synth_run
from tests.paths import EXAMPLES

SPEC = EXAMPLES / "tabular" / "tabular_classifier.yaml"


@pytest.fixture(scope="module")
def train_py(tmp_path_factory):
    code = synth_run(SPEC, tmp_path_factory.mktemp("sizing")) / "code"
    with generated_package(code):
        import train

        yield train


def planned(train_py) -> dict:
    return dict(train_py.CONFIG["scales"]["full"]["train"])


def test_a_small_set_gets_a_batch_for_several_steps_a_pass(train_py, capsys) -> None:
    plan = {**planned(train_py), "batch_size": 64}
    assert train_py.fit_batch_to_data(plan, 108, batch_given=False)["batch_size"] == 8
    assert train_py.fit_batch_to_data(plan, 1_300, batch_given=False)["batch_size"] == 64
    assert train_py.fit_batch_to_data(plan, 5, batch_given=False)["batch_size"] == 5
    assert "batch 8 (planned 64)" in capsys.readouterr().err
    with pytest.raises(ValueError, match="pass --batch-size 5 or less"):
        train_py.fit_batch_to_data(plan, 5, batch_given=True)
    assert train_py.fit_batch_to_data(plan, 108, batch_given=True)["batch_size"] == 64


def test_the_run_length_is_passes_over_the_data_and_never_past_the_plan(train_py) -> None:
    args = argparse.Namespace(steps=None, epochs=None, patience=10)
    plan = {**planned(train_py), "batch_size": 8, "steps": 10_000}
    small = train_py.size_to_data(dict(plan), 108, args)  # 13 steps a pass, 200 passes
    assert small["steps"] == 13 * train_py.MAX_EPOCHS and small["patience"] == 10
    assert small["eval_every"] == small["steps"] // 100  # evaluated every 2 passes
    large = train_py.size_to_data({**plan, "batch_size": 64}, 1_000_000, args)
    assert large["steps"] == 10_000  # 10 passes would be 156,250 steps: the plan caps it
    given = train_py.size_to_data(
        dict(plan), 108, argparse.Namespace(**{**vars(args), "epochs": 4})
    )
    assert given["steps"] == 52 and given["eval_every"] == 5
    staged = {**plan, "stages": [{"name": "a", "steps": 6_000}, {"name": "b", "steps": 4_000}]}
    assert train_py.size_to_data(staged, 108, args)["steps"] == 10_000  # each stage's own
    steps_given = argparse.Namespace(steps=77, epochs=None, patience=0)
    assert train_py.size_to_data(dict(plan), 108, steps_given)["steps"] == plan["steps"]


@pytest.mark.parametrize(
    ("text", "seconds"), [("90", 90), ("30s", 30), ("2m", 120), ("1.5h", 5400)]
)
def test_a_time_budget_reads_as_a_duration(train_py, text, seconds) -> None:
    assert train_py.budget_seconds(text) == seconds


@pytest.mark.parametrize("text", ["", "0s", "soon", "-5m", "2d"])
def test_a_time_budget_that_is_not_a_duration_is_refused(train_py, text) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match="write 90s, 2m or 1h"):
        train_py.budget_seconds(text)


def digits_folder(root: Path) -> Path:
    """scikit-learn's 8x8 digits as PNGs in a folder per class."""
    from PIL import Image
    from sklearn.datasets import load_digits

    digits = load_digits()
    for i, (image, label) in enumerate(zip(digits.images, digits.target, strict=True)):
        (root / str(label)).mkdir(parents=True, exist_ok=True)
        Image.fromarray((image * 255 / 16).astype("uint8")).save(root / str(label) / f"{i}.png")
    return root


@pytest.mark.slow
def test_a_time_budget_of_30s_ends_train_py_within_10_percent(tmp_path) -> None:
    """A full-size ResNet on the digits, minutes of training, cut at 30 s of train.py's wall
    time (the interpreter's start and torch's import included), with weights that load."""
    code = synth_run(EXAMPLES / "image" / "digits_cnn.yaml", tmp_path / "run") / "code"
    data, out = digits_folder(tmp_path / "digits"), tmp_path / "out"
    began = time.perf_counter()
    done = subprocess.run([sys.executable, "train.py", "--data", str(data), "--out", str(out),
                           "--time-budget", "30s", "--full-size", "--no-progress"], cwd=code,
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    took = time.perf_counter() - began
    assert done.returncode == 0, done.stderr[-2000:]
    assert 27 <= took <= 33, (took, done.stderr[-2000:])
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["stop_reason"] == "time_budget" and metrics["steps"] < metrics["total_steps"]
    scored = subprocess.run([sys.executable, "evaluate.py", "--checkpoint", str(out), "--data",
                             str(data)], cwd=code, capture_output=True, text=True,
                            timeout=300)  # fmt: skip
    assert scored.returncode == 0, scored.stderr[-2000:]
