"""Image classifiers: synthetic shapes through `metagen train`, and real digits from a folder."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from tests.e2e.runs import loss_drop, metagen_train, read_json, run_script
from tests.paths import EXAMPLES


# slow (30 s through `metagen train`): tests/train/test_train_loop.py's CNN learns the shapes in
# the default suite, and tests/report/ checks a trained run's model card and report
@pytest.mark.slow
def test_cnn_reaches_90_percent_within_60_seconds(tmp_path) -> None:
    result, _ = metagen_train(
        str(EXAMPLES / "image" / "shapes_cnn.yaml"),
        "--scale",
        "smoke",
        "--out",
        str(tmp_path),
        "--run-id",
        "shapes",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    run_dir = tmp_path / "shapes"
    metrics = read_json(run_dir / "train" / "smoke" / "metrics.json")
    assert metrics["eval"]["accuracy"] >= 0.90
    assert metrics["wall_seconds"] <= 60
    assert loss_drop(metrics) >= 0.3
    card = (run_dir / "docs" / "model_card.md").read_text()
    assert f"{metrics['eval']['accuracy']:.4f}" in card  # the card quotes the measured value
    assert "majority_class_accuracy" in card and "**beats it**" in card
    image = tmp_path / "probe.png"
    Image.fromarray(np.zeros((32, 32, 3), dtype=np.uint8)).save(image)
    out = run_script(
        run_dir / "code", "infer.py", "--checkpoint", str(run_dir / "train" / "smoke"), str(image)
    )
    printed = out.stdout.strip().split("\t")  # input, label, probability, the top classes
    names = read_json(run_dir / "train" / "smoke" / "data_info.json")["class_names"]
    assert printed[0] == str(image) and printed[1] in names and 0 < float(printed[2]) <= 1


@pytest.mark.slow  # 17 s; tests/archs/test_archs_models.py steps every arch, the ViT too
def test_vit_beats_chance_on_shapes(tmp_path) -> None:
    result, _ = metagen_train(
        str(EXAMPLES / "image" / "shapes_vit.yaml"),
        "--scale",
        "smoke",
        "--out",
        str(tmp_path),
        "--run-id",
        "vit",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    metrics = read_json(tmp_path / "vit" / "train" / "smoke" / "metrics.json")
    info = read_json(tmp_path / "vit" / "train" / "smoke" / "data_info.json")
    assert metrics["eval"]["accuracy"] >= 2 / info["num_classes"]


def write_digits_folder(root) -> None:
    """scikit-learn's 8x8 digits as PNGs: root/train/<digit>/ and root/test/<digit>/."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    pixels = (digits.images * (255 / 16)).astype(np.uint8)
    train_idx, test_idx = train_test_split(
        np.arange(len(pixels)), test_size=0.2, stratify=digits.target, random_state=0
    )
    for split, indices in (("train", train_idx), ("test", test_idx)):
        for i in indices:
            folder = root / split / str(digits.target[i])
            folder.mkdir(parents=True, exist_ok=True)
            Image.fromarray(pixels[i], mode="L").save(folder / f"{i}.png")


@pytest.mark.slow  # 40 s: the default suite's longest test; the folder reader has its own
def test_digits_image_folder_reaches_97_percent(tmp_path) -> None:
    data = tmp_path / "digits_png"
    write_digits_folder(data)
    result, wall = metagen_train(
        str(EXAMPLES / "image" / "digits_cnn.yaml"),
        "--scale",
        "smoke",
        "--data",
        str(data),
        "--out",
        str(tmp_path),
        "--run-id",
        "digits",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    metrics = read_json(tmp_path / "digits" / "train" / "smoke" / "metrics.json")
    assert metrics["eval"]["num_samples"] == 360  # the held-out test/ folder, not train/
    assert metrics["eval"]["accuracy"] >= 0.97
    assert wall <= 120


@pytest.mark.parametrize("bad", ["missing", "empty"])
def test_bad_data_folder_is_a_clear_error(tmp_path, bad) -> None:
    data = tmp_path / "data"
    if bad == "empty":
        data.mkdir()
    result, _ = metagen_train(
        str(EXAMPLES / "image" / "shapes_cnn.yaml"),
        "--scale",
        "smoke",
        "--data",
        str(data),
        "--out",
        str(tmp_path / "runs"),
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert str(data) in result.stderr
