"""Smoke-train the generated language model package and use it as a user would."""

from __future__ import annotations

import json

import pytest
from tests.codegen.generated import synth_run
from tests.e2e.runs import loss_drop, read_json, run_script
from tests.paths import EXAMPLES

# slow, the whole file (a 15 s training run): in the default suite tests/train/test_train_loop.py
# holds the LM below the unigram entropy, and other examples' packages are trained and used
# end to end
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    run_dir = synth_run(EXAMPLES / "text" / "text_llm.yaml", tmp_path_factory.mktemp("lm"))
    out = run_dir / "train"
    run_script(
        run_dir / "code",
        "train.py",
        "--scale",
        "smoke",
        "--steps",
        "150",
        "--out",
        str(out),
        "--no-progress",
    )
    return run_dir, out


def test_held_out_loss_beats_unigram_entropy(trained) -> None:
    _, out = trained
    metrics, info = read_json(out / "metrics.json"), read_json(out / "data_info.json")
    # The unigram entropy is what a model that ignores context can reach at best.
    assert metrics["eval"]["loss"] < 0.5 * info["unigram_entropy_nats"]
    assert loss_drop(metrics) >= 0.3
    assert metrics["scale"] == "smoke" and metrics["steps"] == 150
    assert metrics["latency_ms"]["median"] > 0
    assert (out / "checkpoints" / "latest" / "model.safetensors").is_file()


def test_evaluate_reproduces_the_held_out_loss(trained) -> None:
    run_dir, out = trained
    run_script(run_dir / "code", "evaluate.py", "--checkpoint", str(out))
    again = read_json(out / "eval" / "metrics.json")
    assert again["loss"] == pytest.approx(read_json(out / "metrics.json")["eval"]["loss"], rel=1e-5)


def test_infer_generates_text(trained, tmp_path) -> None:
    run_dir, out = trained
    (tmp_path / "prompt.txt").write_text("12+7=\n", encoding="utf-8")
    predictions = tmp_path / "generated.jsonl"
    run_script(run_dir / "code", "infer.py", "--checkpoint", str(out), str(tmp_path / "prompt.txt"),
               "--max-new-tokens", "40", "--temperature", "0", "--out", str(predictions))  # fmt: skip
    [row] = [json.loads(line) for line in predictions.read_text(encoding="utf-8").splitlines()]
    assert row["prompt"] == "12+7="
    assert len(row["continuation"].strip()) > 0


def test_export_matches_onnxruntime(trained, tmp_path) -> None:
    run_dir, out = trained
    result = run_script(
        run_dir / "code",
        "export.py",
        "--checkpoint",
        str(out),
        "--output",
        str(tmp_path / "lm.onnx"),
    )
    assert "max |onnxruntime - torch|" in result.stdout
    assert (tmp_path / "lm.onnx").stat().st_size > 0


def test_same_seed_same_curve(tmp_path) -> None:
    run_dir = synth_run(EXAMPLES / "text" / "tiny_lm.yaml", tmp_path)
    curves = []
    for name in ("a", "b"):
        out = tmp_path / name
        run_script(
            run_dir / "code",
            "train.py",
            "--scale",
            "smoke",
            "--steps",
            "12",
            "--out",
            str(out),
            "--no-progress",
        )
        curves.append(read_json(out / "metrics.json")["loss_curve"])
    assert curves[0] == curves[1]


def test_generated_train_runs_under_torchrun(tmp_path) -> None:
    """DDP on CPU: two gloo processes train the generated package; rank 0 writes once."""
    run_dir = synth_run(EXAMPLES / "text" / "tiny_lm.yaml", tmp_path)
    out = tmp_path / "ddp"
    run_script(
        run_dir / "code",
        "-m",
        "torch.distributed.run",
        "--standalone",
        "--nproc_per_node",
        "2",
        "train.py",
        "--scale",
        "smoke",
        "--steps",
        "6",
        "--out",
        str(out),
        "--no-progress",
    )
    metrics = read_json(out / "metrics.json")
    assert metrics["world_size"] == 2 and metrics["steps"] == 6
    assert (out / "checkpoints" / "latest" / "model.safetensors").is_file()
