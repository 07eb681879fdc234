"""`metagen predict`: a trained image classifier's label and probabilities for every picture
named by files, folders, globs or a list, equal to the library's own model's on those pixels."""

from __future__ import annotations

import csv
import json
import subprocess

import numpy as np
import pytest
import torch
from PIL import Image
from tests.e2e.runs import METAGEN, metagen_train, read_json
from tests.paths import EXAMPLES

from metagen.data.image_folder import load_image
from metagen.data.pixels import normalize_pixels
from metagen.data.synthetic_images import ShapesDataset
from metagen.report.predictions import load_trained


def _metagen(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([METAGEN, *args], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def image_run(tmp_path_factory):
    parent = tmp_path_factory.mktemp("image_run")
    result, _ = metagen_train(str(EXAMPLES / "image" / "shapes_cnn.yaml"), "--scale", "smoke",
                              "--steps", "10", "--out", str(parent), "--run-id", "shapes")  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    pictures = parent / "pictures"
    pictures.mkdir()
    shapes = ShapesDataset(5, 32, 3, 9, 12)
    for i in range(5):
        image, _ = shapes.draw(i)
        pixels = (np.moveaxis(image, 0, -1) * 255).round().astype(np.uint8)
        Image.fromarray(pixels).save(pictures / f"{i}.png")
    return parent / "shapes", pictures


@pytest.mark.slow  # trains an image classifier for 10 steps (about 15 s)
def test_a_folder_of_five_gets_the_models_own_five_predictions(image_run, tmp_path) -> None:
    run, pictures = image_run
    done = _metagen("predict", str(run), str(pictures), "--out", str(tmp_path / "p.jsonl"))
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in (tmp_path / "p.jsonl").read_text().splitlines()]
    assert [r["input"] for r in rows] == [str(pictures / f"{i}.png") for i in range(5)]
    # the package's probabilities are the library's model's on the same pixels
    model, _, _ = load_trained(run, "smoke")
    pixels = np.stack([load_image(pictures / f"{i}.png", 32, 3) for i in range(5)])
    images = normalize_pixels(torch.from_numpy(pixels).permute(0, 3, 1, 2).float() / 255.0)
    with torch.no_grad():
        expected = model(images=images).softmax(-1)
    names = read_json(run / "train" / "smoke" / "data_info.json")["class_names"]
    for row, probabilities in zip(rows, expected, strict=True):
        assert row["label"] == names[int(probabilities.argmax())]
        for name, probability in row["top"].items():
            assert probability == pytest.approx(float(probabilities[names.index(name)]), abs=5e-6)
    # a glob and a CSV list name the same pictures; the CSV output has a row each
    listed = tmp_path / "list.csv"
    listed.write_text("image\n" + "".join(f"{pictures / f'{i}.png'}\n" for i in range(5)))
    for given in (str(pictures / "*.png"), str(listed)):
        done = _metagen("predict", str(run), given, "--out", str(tmp_path / "p.csv"))
        assert done.returncode == 0, done.stderr
        with (tmp_path / "p.csv").open(encoding="utf-8") as handle:
            table = list(csv.DictReader(handle))
        assert [r["label"] for r in table] == [r["label"] for r in rows]


@pytest.mark.slow  # the same trained classifier
def test_a_corrupt_picture_is_one_error_and_writes_nothing(image_run, tmp_path) -> None:
    run, pictures = image_run
    (tmp_path / "bad.png").write_text("not a picture")
    done = _metagen("predict", str(run), str(tmp_path / "bad.png"), "--out",
                    str(tmp_path / "p.jsonl"))  # fmt: skip
    assert done.returncode == 2 and "cannot read image" in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "p.jsonl").exists()


def test_predict_refuses_what_it_cannot_use_in_one_line(trained_run, tmp_path) -> None:
    done = _metagen("predict", str(trained_run), "x.png", "--out", str(tmp_path / "p.txt"))
    assert done.returncode == 2 and "name a .jsonl or .csv file" in done.stderr
    done = _metagen("predict", str(tmp_path), "x.png", "--out", str(tmp_path / "p.jsonl"))
    assert done.returncode == 2 and "not a run directory" in done.stderr
    done = _metagen("predict", str(trained_run), str(tmp_path / "none*.csv"), "--out",
                    str(tmp_path / "p.jsonl"))  # fmt: skip
    assert done.returncode == 2 and "no such file, folder or matching glob" in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "p.jsonl").exists()
