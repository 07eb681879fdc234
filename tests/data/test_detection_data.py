"""Detection data: the synthetic shape scenes, the COCO loader (boxes, polygons and RLE masks
decoded without pycocotools, checked against it), and located errors for malformed files."""

from __future__ import annotations

import copy
import json
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pycocotools import mask as mask_utils
from tests.paths import EXAMPLES, REPO

from metagen.data.coco_data import CocoFormatError
from metagen.data.coco_masks import rle_counts_from_string, rle_to_mask
from metagen.data.detection_data import build_detection_datasets

CFG = {
    "image_size": 32,
    "channels": 3,
    "num_classes": 4,
    "num_train": 20,
    "num_val": 5,
    "val_fraction": 0.34,
}


def test_scenes_boxes_are_tight_around_masks_and_deterministic() -> None:
    train, val, info = build_detection_datasets({**CFG, "with_masks": True}, "synthetic", 0)
    assert info["class_names"] == ["red circle", "green circle", "red square", "green square"]
    counts = []
    for i in range(len(train)):
        item = train[i]
        valid = item["gt_classes"] >= 0
        counts.append(int(valid.sum()))
        for box, mask in zip(item["gt_boxes"][valid], item["gt_masks"][valid], strict=True):
            ys, xs = np.nonzero(mask.numpy())
            assert box.tolist() == [xs.min(), ys.min(), xs.max() + 1, ys.max() + 1]
        assert (item["gt_classes"][~valid] == -1).all()
    assert min(counts) >= 1 and max(counts) >= 2  # several objects per image
    again, _, _ = build_detection_datasets({**CFG, "with_masks": True}, "synthetic", 0)
    assert all(np.array_equal(train[3][k], again[3][k]) for k in train[3])
    assert not np.array_equal(train[0]["images"], val[0]["images"])


def write_coco(root: Path, data: dict | None = None, name: str = "annotations.json") -> Path:
    """Three 40x30 images and objects of categories 7 ("cat") and 3 ("dot"): a polygon, an
    uncompressed RLE and a compressed one."""
    (root / "images").mkdir(parents=True, exist_ok=True)
    for i in range(3):
        Image.new("RGB", (40, 30), (10 * i, 80, 160)).save(root / "images" / f"{i}.png")
    mask = np.zeros((30, 40), np.uint8)
    mask[5:15, 20:35] = 1
    compressed = mask_utils.encode(np.asfortranarray(mask))
    runs = [int(c) for c in rle_counts_from_string(compressed["counts"].decode())]
    if data is None:
        data = {
            "images": [
                {"id": 10 + i, "file_name": f"{i}.png", "width": 40, "height": 30} for i in range(3)
            ],
            "categories": [{"id": 7, "name": "cat"}, {"id": 3, "name": "dot"}],
            "annotations": [
                {
                    "id": 1,
                    "image_id": 10,
                    "category_id": 7,
                    "bbox": [4, 2, 10, 8],
                    "segmentation": [[4, 2, 14, 2, 14, 10, 4, 10]],
                    "iscrowd": 0,
                },
                {
                    "id": 2,
                    "image_id": 11,
                    "category_id": 3,
                    "bbox": [20, 5, 15, 10],
                    "segmentation": {"size": [30, 40], "counts": runs},
                    "iscrowd": 0,
                },
                {
                    "id": 3,
                    "image_id": 12,
                    "category_id": 3,
                    "bbox": [20, 5, 15, 10],
                    "segmentation": {"size": [30, 40], "counts": compressed["counts"].decode()},
                },
                {
                    "id": 4,
                    "image_id": 12,
                    "category_id": 7,
                    "bbox": [0, 0, 40, 30],
                    "iscrowd": 1,
                    "segmentation": {"size": [30, 40], "counts": [1200]},
                },
            ],
        }
    path = root / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_rle_strings_decode_as_pycocotools() -> None:
    rng = np.random.default_rng(0)
    for _ in range(10):
        mask = (rng.random((23, 17)) < rng.random()).astype(np.uint8)
        encoded = mask_utils.encode(np.asfortranarray(mask))
        ours = rle_to_mask({"size": encoded["size"], "counts": encoded["counts"].decode()})
        np.testing.assert_array_equal(ours, mask_utils.decode(encoded).astype(bool))


def test_coco_file_loads_scaled_boxes_and_masks(tmp_path) -> None:
    path = write_coco(tmp_path)
    cfg = {**CFG, "with_masks": True, "val_fraction": 0.34}
    train, val, info = build_detection_datasets(cfg, str(path), 0)
    assert info["class_names"] == ["dot", "cat"]  # sorted by category id
    assert info["category_ids"] == [3, 7]  # which predictions name
    assert (info["num_train"], info["num_val"], info["crowd_dropped"]) == (2, 1, 1)
    items = [train[0], train[1], val[0]]
    by_class = {}
    for item in items:
        valid = item["gt_classes"] >= 0
        for k, box, mask in zip(
            item["gt_classes"][valid], item["gt_boxes"][valid], item["gt_masks"][valid], strict=True
        ):
            by_class.setdefault(int(k), []).append((box.tolist(), mask.numpy().astype(bool)))
    sx, sy = 32 / 40, 32 / 30
    for box, mask in by_class[0]:  # the RLE objects: exact masks, resized
        assert box == pytest.approx([20 * sx, 5 * sy, 35 * sx, 15 * sy])
        ys, xs = np.nonzero(mask)
        assert (xs.min(), xs.max() + 1) == (16, 28) and (ys.min(), ys.max() + 1) == (5, 16)
    ((box, mask),) = by_class[1]  # the polygon: rasterized at the resized scale
    assert box == pytest.approx([4 * sx, 2 * sy, 14 * sx, 10 * sy])
    reference = np.zeros((32, 32), bool)
    reference[round(2 * sy) : round(10 * sy), round(4 * sx) : round(14 * sx)] = True
    assert (mask & reference).sum() / (mask | reference).sum() > 0.8


def test_coco_folder_with_train_and_val_files(tmp_path) -> None:
    write_coco(tmp_path, name="train.json")
    write_coco(tmp_path, name="val.json")
    train, val, info = build_detection_datasets(CFG, str(tmp_path), 0)
    assert (len(train), len(val), info["max_objects"]) == (3, 3, 1)
    assert "gt_masks" not in train[0]


def _broken(root: Path, mutate) -> dict:
    data = copy.deepcopy(json.loads(write_coco(root).read_text()))
    mutate(data)
    return data


MALFORMED = {
    "bbox with zero width": (
        lambda d: d["annotations"][0].update(bbox=[4, 2, 0, 8]),
        "annotations[0] (id 1): bbox is [4, 2, 0, 8]",
    ),
    "unknown image": (
        lambda d: d["annotations"][1].update(image_id=99),
        "annotations[1] (id 2): image_id 99 is not an id in images",
    ),
    "unknown category": (
        lambda d: d["annotations"][0].update(category_id=5),
        "category_id 5 is not an id in categories",
    ),
    "odd polygon": (
        lambda d: d["annotations"][0].update(segmentation=[[1, 2, 3]]),
        "a polygon is not a flat list of at least 3 x, y pairs",
    ),
    "RLE of the wrong size": (
        lambda d: d["annotations"][1]["segmentation"].update(counts=[5, 5]),
        "RLE segmentation is broken",
    ),
    "missing file": (
        lambda d: d["images"][2].update(file_name="nope.png"),
        "images[2]: file_name 'nope.png' is not in",
    ),
    "size mismatch": (
        lambda d: d["images"][0].update(width=41),
        "images[0]: says 41x30 but 0.png is 40x30",
    ),
    "repeated id": (lambda d: d["images"][1].update(id=10), "images[1]: repeats id 10"),
    "no categories": (lambda d: d.pop("categories"), "'categories': is missing or not a list"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_coco_gets_a_located_error(case, tmp_path) -> None:
    mutate, message = MALFORMED[case]
    path = write_coco(tmp_path, _broken(tmp_path, mutate), name="broken.json")
    with pytest.raises(CocoFormatError) as error:
        build_detection_datasets(CFG, str(path), 0)
    assert str(error.value).startswith(f"{path}: ")
    assert message in str(error.value)


def test_invalid_json_names_line_and_column(tmp_path) -> None:
    path = tmp_path / "annotations.json"
    path.write_text('{"images": [\n  {"id": 1,}\n]}', encoding="utf-8")
    with pytest.raises(CocoFormatError, match=r"not valid JSON \(line 2, column 12"):
        build_detection_datasets(CFG, str(path), 0)


def test_segmentation_required_for_instance_masks(tmp_path) -> None:
    data = _broken(tmp_path, lambda d: d["annotations"][0].pop("segmentation"))
    path = write_coco(tmp_path, data, name="nomask.json")
    build_detection_datasets(CFG, str(path), 0)  # boxes alone are enough for detection
    with pytest.raises(CocoFormatError, match=r"annotations\[0\] \(id 1\): has no segmentation"):
        build_detection_datasets({**CFG, "with_masks": True}, str(path), 0)


def test_train_with_malformed_coco_stops_with_the_error_and_writes_nothing(tmp_path) -> None:
    data = _broken(tmp_path / "data", lambda d: d["annotations"][0].update(bbox="x"))
    bad = write_coco(tmp_path / "data", data, name="bad.json")
    result = subprocess.run(
        [
            str(REPO / ".venv" / "bin" / "metagen"),
            "train",
            str(EXAMPLES / "image" / "object_detector_yolo.yaml"),
            "--scale",
            "smoke",
            "--data",
            str(bad),
            "--out",
            str(tmp_path / "runs"),
            "--run-id",
            "bad",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0
    assert "annotations[0] (id 1): bbox is 'x'" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "runs" / "bad" / "train").exists()
