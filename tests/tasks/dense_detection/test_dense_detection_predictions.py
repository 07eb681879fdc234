"""A dense detector's infer.py (YOLO's): boxes stretched from the model's square back to each
picture's own pixels and clipped to it, as COCO results; a corrupt picture refused by name."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import torch
from tests.codegen.generated import generated_package, synth_run
from tests.paths import EXAMPLES
from tests.predict.trained_runs import briefly_trained
from tests.tasks.dense_detection.prediction_rows import (
    assert_coco_detections,
    picture_size,
    predicted_rows,
    scene_pictures,
)

SPEC = EXAMPLES / "image" / "object_detector_yolo.yaml"


def test_a_box_is_stretched_to_the_picture_and_clipped_to_it(tmp_path) -> None:
    run = synth_run(SPEC, tmp_path)
    with generated_package(run / "code"):
        from infer import coco_boxes

        side, (width, height) = 64, (150, 40)
        found = {  # the whole square; its lower right quarter; one past its top left corner
            "boxes": torch.tensor(
                [
                    [0, 0, side, side],
                    [side / 2, side / 2, side, side],
                    [-side / 4, -side / 4, side / 2, side / 2],
                ]
            ),
            "classes": torch.tensor([1, 0, 1]),
            "scores": torch.tensor([0.9, 0.6, 0.3]),
        }
        drawn = {"class_names": ["circle", "square"]}  # drawn scenes: ids are class indices
        rows = coco_boxes(found, [0, 1, 2], side, (width, height), drawn)
        from_file = {"class_names": ["circle", "square"], "category_ids": [3, 17]}
        named = coco_boxes(found, [0, 1, 2], side, (width, height), from_file)
    assert [(row["category_id"], row["category_name"]) for row in named] == [
        (17, "square"), (3, "circle"), (17, "square")
    ]  # fmt: skip  # a COCO file's own ids, not the class indices
    assert [row["bbox"] for row in rows] == [
        [0, 0, width, height],
        [width / 2, height / 2, width / 2, height / 2],
        [0, 0, width / 2, height / 2],
    ]
    assert [(row["category_id"], row["category_name"]) for row in rows] == [
        (1, "square"), (0, "circle"), (1, "square")
    ]  # fmt: skip
    assert [row["score"] for row in rows] == pytest.approx([0.9, 0.6, 0.3])


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    run = briefly_trained(SPEC, tmp_path_factory.mktemp("runs"))
    return run, json.loads((run / "train" / "smoke" / "data_info.json").read_text())


@pytest.mark.slow
def test_every_picture_gets_coco_detections_inside_it(trained, tmp_path) -> None:
    run, info = trained
    side = info["image_size"]
    pictures = scene_pictures(info, tmp_path, [(side, side), (3 * side, side // 2)])
    rows = predicted_rows(run, pictures, tmp_path / "found.jsonl", "--min-score", "0", "--draw")
    assert [row["input"] for row in rows] == [str(p) for p in pictures]
    for row, picture in zip(rows, pictures, strict=True):
        assert row["detections"], row  # at no threshold, an untrained detector finds something
        assert_coco_detections(row, picture_size(picture), info["class_names"], 0.0)
        assert picture_size(row["drawn"]) == picture_size(picture)
    # the default --min-score keeps the best of the same detections
    for sure, row in zip(predicted_rows(run, pictures, tmp_path / "sure.jsonl"), rows, strict=True):
        assert sure["detections"] == row["detections"][: len(sure["detections"])]


@pytest.mark.slow
def test_a_corrupt_picture_is_refused_by_name(trained, tmp_path) -> None:
    run, _ = trained
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG not a picture")
    done = subprocess.run([sys.executable, "infer.py", "--checkpoint", str(run / "train" / "smoke"),
                           str(broken), "--out", str(tmp_path / "found.jsonl")], cwd=run / "code",
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith(f"error: cannot read image {broken}")
    assert not (tmp_path / "found.jsonl").exists()
