"""The example fusion classifier as a user runs it: `metagen train --scale smoke` reads both
inputs to near-perfect held-out accuracy while each input removed leaves its 1/3 ceiling, and
the package's infer.py classifies an image and a caption, with either left out, and refuses
no input at all."""

from __future__ import annotations

import json
import subprocess
import sys

from PIL import Image
from tests.e2e.runs import metagen_train, read_json, run_script
from tests.paths import EXAMPLES

SPEC = EXAMPLES / "multimodal" / "fusion_image_caption.yaml"
CEILING = 1 / 3  # 3 levels per input: one input removed cannot tell its level


def test_smoke_training_needs_both_inputs_and_infer_reads_any_of_them(tmp_path) -> None:
    result, _ = metagen_train(str(SPEC), "--scale", "smoke", "--out", str(tmp_path),
                              "--run-id", "f")  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    out = tmp_path / "f" / "train" / "smoke"
    held_out = read_json(out / "metrics.json")["eval"]
    # measured by `metagen train` of the example (CPU, 8 s): 1.000, without image 0.325,
    # without text 0.350, majority class 0.132
    assert held_out["accuracy"] >= 0.95
    for name in ("image", "text"):
        assert held_out[f"accuracy_without_{name}"] <= CEILING + 0.06
    code = tmp_path / "f" / "code"
    red = tmp_path / "red.png"  # level 0 of the palette (red), caption level 1 (green)
    Image.new("RGB", (16, 16), (230, 38, 38)).save(red)
    samples = tmp_path / "samples.jsonl"
    samples.write_text('{"image": "red.png", "text": "a green thing here"}\n{"image": "red.png"}\n',
                       encoding="utf-8")  # fmt: skip
    predictions = tmp_path / "predictions.jsonl"
    run_script(code, "infer.py", "--checkpoint", str(out), str(samples), "--out", str(predictions))
    both, alone = [json.loads(line) for line in predictions.read_text("utf-8").splitlines()]
    assert both["label"] == "class_1" and both["probability"] > 0.5  # label = 0 * 3 + 1
    assert both["read"] == ["image", "text"] and alone["read"] == ["image"]
    (tmp_path / "nothing.jsonl").write_text("{}\n", encoding="utf-8")
    nothing = subprocess.run([sys.executable, "infer.py", "--checkpoint", str(out),
                              str(tmp_path / "nothing.jsonl")], cwd=code, capture_output=True,
                             text=True)  # fmt: skip
    assert nothing.returncode == 2 and "gives no input; give one of image, text" in nothing.stderr
