"""Issue 17's image row: scikit-learn's digits as 8x8 PNGs in class folders, trained by
`metagen train SPEC --data FOLDER` with no scale or step flags (the default run, augmented),
scored on a held-out 20% that training never sees. The split is Ludwig's: 72/8/20, seed 42
(the 8% is MetaGen's own val_fraction 0.1 of the 80%). Ludwig hand-tuned: 98.1% in 37 s."""

import json
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image
from tests.e2e.runs import metagen_train, read_json
from tests.paths import EXAMPLES

LUDWIG_HAND_TUNED = 0.981
TIME_LIMIT_S = 120  # the issue's: within 2 minutes on 2 CPU cores


def write_digits_split(root) -> None:
    """root/train/<digit>/*.png (80%) and root/test/<digit>/*.png (20%, seed 42, stratified)."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    pixels = (digits.images * (255 / 16)).astype(np.uint8)
    train, test = train_test_split(
        np.arange(len(pixels)), test_size=0.2, random_state=42, stratify=digits.target
    )
    for split, indices in (("train", train), ("test", test)):
        for i in indices:
            folder = root / split / str(digits.target[i])
            folder.mkdir(parents=True, exist_ok=True)
            Image.fromarray(pixels[i], mode="L").save(folder / f"{i}.png")


@pytest.mark.slow  # the default (full-scale) run: minutes on 2 CPU cores
def test_digits_as_images_by_default_beat_hand_tuned_ludwig(tmp_path) -> None:
    write_digits_split(tmp_path)
    spec = EXAMPLES / "image" / "digits_cnn.yaml"
    # the train folder alone: MetaGen holds out its own validation share of it
    result, wall = metagen_train(
        str(spec), "--data", str(tmp_path / "train"), "--out", str(tmp_path / "runs"),
        "--run-id", "digits", timeout=1800,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    out = tmp_path / "runs" / "digits" / "train" / "full"
    info, metrics = read_json(out / "data_info.json"), read_json(out / "metrics.json")
    assert info["augment"] and info["augment"]["flip"] is False and info["resize"] == "pad"
    assert info["num_train"] + info["num_val"] == 1437  # 80% of 1,797
    predictions = tmp_path / "test.jsonl"
    infer = [sys.executable, str(out.parents[1] / "code" / "infer.py"), "--checkpoint",
             str(out), str(tmp_path / "test"), "--out", str(predictions)]  # fmt: skip
    done = subprocess.run(infer, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    rows = [json.loads(line) for line in predictions.read_text().splitlines()]
    assert len(rows) == 360
    accuracy = float(np.mean([row["label"] == row["input"].split("/")[-2] for row in rows]))
    print(
        f"\ndigits as images, default run: test accuracy {accuracy:.4f} on {len(rows)}, "
        f"val accuracy {metrics['eval']['accuracy']:.4f} at step {metrics.get('eval_step')}, "
        f"{metrics['steps']} of {metrics.get('total_steps')} steps "
        f"(stopped by {metrics.get('stop_reason')}), {metrics['num_parameters']:,} parameters, "
        f"train.py {metrics['wall_seconds']:.1f} s, metagen train {wall:.1f} s"
    )
    assert accuracy > LUDWIG_HAND_TUNED
    assert wall <= TIME_LIMIT_S
