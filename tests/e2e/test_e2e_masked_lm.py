"""Smoke-train the generated masked-LM package and use it as a user would (slow: ~1 min)."""

from __future__ import annotations

import json

import pytest
from tests.codegen.generated import synth_run
from tests.e2e.runs import loss_drop, read_json, run_script
from tests.paths import EXAMPLES

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    run_dir = synth_run(EXAMPLES / "text" / "masked_lm.yaml", tmp_path_factory.mktemp("mlm"))
    out = run_dir / "train"
    run_script(
        run_dir / "code",
        "train.py",
        "--scale",
        "smoke",
        "--out",
        str(out),
        "--no-progress",
        timeout=600,
    )
    return run_dir, out


def test_held_out_masked_loss_beats_context_free_prediction(trained) -> None:
    _, out = trained
    metrics = read_json(out / "metrics.json")
    final = metrics["eval"]
    # Measured (CPU, seed 0, 300 smoke steps): 1.95 (accuracy 0.438) against 2.87 (0.246) for
    # the best predictor that sees only the token at the position and 3.42 (0.137) for the
    # unigram distribution.
    assert final["loss"] < 0.8 * final["no_context_baseline_loss"]
    assert final["loss"] < 0.7 * final["unigram_baseline_loss"]
    assert final["accuracy"] > final["no_context_baseline_accuracy"] + 0.1
    assert loss_drop(metrics) >= 0.3
    assert metrics["scale"] == "smoke" and metrics["steps"] == 300


def test_evaluate_reproduces_the_held_out_loss(trained) -> None:
    run_dir, out = trained
    run_script(run_dir / "code", "evaluate.py", "--checkpoint", str(out))
    again = read_json(out / "eval" / "metrics.json")
    first = read_json(out / "metrics.json")["eval"]
    assert again["loss"] == pytest.approx(first["loss"], rel=1e-5)
    assert again["unigram_baseline_loss"] == pytest.approx(first["unigram_baseline_loss"])


def test_infer_fills_the_blanks(trained, tmp_path) -> None:
    run_dir, out = trained
    text = "count 3 4 5 _ 7 8."
    (tmp_path / "blank.txt").write_text(text + "\n", encoding="utf-8")
    predictions = tmp_path / "filled.jsonl"
    run_script(run_dir / "code", "infer.py", "--checkpoint", str(out), str(tmp_path / "blank.txt"),
               "--top", "3", "--out", str(predictions))  # fmt: skip
    [row] = [json.loads(line) for line in predictions.read_text(encoding="utf-8").splitlines()]
    filled = row["filled"]
    assert len(filled) == len(text) and "_" not in filled
    assert filled.startswith("count 3 4 5 ") and filled.endswith(" 7 8.")
    [blank] = row["blanks"]
    assert blank["position"] == text.index("_") and len(blank["fills"]) == 3
    assert blank["fills"][0][0] == filled[text.index("_")]


def test_infer_without_blanks_is_an_error(trained, tmp_path) -> None:
    import subprocess
    import sys

    run_dir, out = trained
    (tmp_path / "plain.txt").write_text("no blanks", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "infer.py", "--checkpoint", str(out), str(tmp_path / "plain.txt")],
        cwd=run_dir / "code",
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2 and "no _ to fill" in result.stderr


def test_export_matches_onnxruntime(trained, tmp_path) -> None:
    run_dir, out = trained
    result = run_script(
        run_dir / "code",
        "export.py",
        "--checkpoint",
        str(out),
        "--output",
        str(tmp_path / "mlm.onnx"),
    )
    assert "max |onnxruntime - torch|" in result.stdout
