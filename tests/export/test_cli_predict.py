"""`metagen predict`: a trained image classifier's label and probabilities for every picture
named by files, folders, globs or a list, equal to what the run's own infer.py prints."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image
from tests.e2e.runs import METAGEN, metagen_train
from tests.paths import EXAMPLES

from metagen.data.synthetic_images import ShapesDataset


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
def test_a_folder_of_five_gets_five_predictions_as_infer_py_gives(image_run, tmp_path) -> None:
    run, pictures = image_run
    done = _metagen("predict", str(run), str(pictures), "--out", str(tmp_path / "p.jsonl"))
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in (tmp_path / "p.jsonl").read_text().splitlines()]
    assert [r["input"] for r in rows] == [str(pictures / f"{i}.png") for i in range(5)]
    for row in rows[:2]:
        printed = subprocess.run(
            [sys.executable, "infer.py", "--checkpoint", "../train/smoke", "--image", row["input"]],
            cwd=run / "code", capture_output=True, text=True, timeout=120,
        ).stdout.strip().splitlines()  # fmt: skip
        expected = {line.split("\t")[0]: float(line.split("\t")[1]) for line in printed}
        assert row["label"] == next(iter(expected))
        for name, probability in row["top"].items():
            assert probability == pytest.approx(expected[name], abs=5e-5)
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


def test_predict_says_which_runs_it_is_built_for(trained_run, tmp_path) -> None:
    done = _metagen("predict", str(trained_run), str(tmp_path), "--out", str(tmp_path / "p.jsonl"))
    assert done.returncode == 2 and "built for image classifiers so far" in done.stderr
    done = _metagen("predict", str(trained_run), "x.png", "--out", str(tmp_path / "p.txt"))
    assert done.returncode == 2 and "name a .jsonl or .csv file" in done.stderr
