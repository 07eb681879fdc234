"""Semantic and panoptic segmentation end to end (slow): smoke training through `metagen train`,
held-out metrics from the generated evaluate.py against the majority-class baseline, infer.py
writing masks, and user data from an image+mask folder."""

from __future__ import annotations

import subprocess

import numpy as np
import pytest
from PIL import Image
from tests.e2e.runs import METAGEN, loss_drop, metagen_train, read_json, run_script
from tests.paths import EXAMPLES

from metagen.data.synthetic_scenes import SceneSegmentationDataset

pytestmark = pytest.mark.slow

# A smoke-trained segmenter's held-out mIoU must beat predicting the most frequent class
# everywhere by at least this much (absolute).
MIOU_MARGIN = 0.2
SEMANTIC_EXAMPLES = ["semantic_segmentation_unet", "semantic_segmentation_segformer"]


def smoke_train(tmp_path, name: str, *extra: str):
    result, wall = metagen_train(
        str(EXAMPLES / "image" / f"{name}.yaml"),
        "--scale",
        "smoke",
        "--out",
        str(tmp_path),
        "--run-id",
        name,
        *extra,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    run_dir = tmp_path / name
    return run_dir, read_json(run_dir / "train" / "smoke" / "metrics.json"), wall


def held_out_metrics(run_dir) -> dict:
    """evaluate.py on the run's held-out synthetic split, as a user would run it."""
    run_script(run_dir / "code", "evaluate.py", "--checkpoint", str(run_dir / "train" / "smoke"))
    return read_json(run_dir / "train" / "smoke" / "eval" / "metrics.json")


@pytest.mark.parametrize("name", SEMANTIC_EXAMPLES)
def test_semantic_segmenter_beats_the_majority_class(tmp_path, name) -> None:
    run_dir, metrics, wall = smoke_train(tmp_path, name)
    assert wall <= 120 and loss_drop(metrics) >= 0.3
    held_out = held_out_metrics(run_dir)
    assert (
        held_out["num_samples"]
        == read_json(run_dir / "train" / "smoke" / "data_info.json")["num_val"]
    )
    assert held_out["mean_iou"] >= held_out["baseline_mean_iou"] + MIOU_MARGIN, held_out
    assert held_out["pixel_accuracy"] > held_out["baseline_pixel_accuracy"], held_out
    # infer.py: a mask PNG of the input's size, with the class ids of the drawn scene
    info = read_json(run_dir / "train" / "smoke" / "data_info.json")
    scenes = SceneSegmentationDataset(1, 48, info["channels"], 1234, info["num_classes"])
    image, classes, _ = scenes.draw(0)
    pixels = (image.transpose(1, 2, 0) * 255).round().astype(np.uint8)
    Image.fromarray(pixels[..., 0] if info["channels"] == 1 else pixels).save(tmp_path / "in.png")
    run_script(
        run_dir / "code",
        "infer.py",
        "--checkpoint",
        str(run_dir / "train" / "smoke"),
        str(tmp_path / "in.png"),
        "--out",
        str(tmp_path / "masks.jsonl"),
    )
    mask = np.array(Image.open(read_json(tmp_path / "masks.jsonl")["mask"]))  # one row
    assert mask.shape == (48, 48) and mask.max() < info["num_classes"]
    assert (mask == classes).mean() > 0.8


def write_scene_folder(root, count: int, channels: int, num_classes: int) -> None:
    scenes = SceneSegmentationDataset(count, 32, channels, 7, num_classes)
    for i in range(count):
        image, classes, _ = scenes.draw(i)
        pixels = (image.transpose(1, 2, 0) * 255).round().astype(np.uint8)
        (root / "images").mkdir(parents=True, exist_ok=True)
        (root / "masks").mkdir(parents=True, exist_ok=True)
        Image.fromarray(pixels[..., 0] if channels == 1 else pixels).save(
            root / "images" / f"scan_{i:03d}.png"
        )
        Image.fromarray(classes.astype(np.uint8), mode="L").save(
            root / "masks" / f"scan_{i:03d}.png"
        )


def test_mask_folder_trains_and_a_malformed_one_is_located(tmp_path) -> None:
    spec = EXAMPLES / "image" / "semantic_segmentation_unet.yaml"
    synth = subprocess.run(
        [str(METAGEN), "synth", str(spec), "--out", str(tmp_path), "--run-id", "folder"],
        capture_output=True,
        text=True,
    )
    assert synth.returncode == 0, synth.stderr
    run_dir = tmp_path / "folder"
    data = tmp_path / "scans"
    write_scene_folder(data, 60, channels=1, num_classes=4)
    # malformed: a mask with a class id the spec does not have; training must not start
    bad = tmp_path / "bad_scans"
    write_scene_folder(bad, 4, channels=1, num_classes=4)
    Image.fromarray(np.full((32, 32), 7, dtype=np.uint8), mode="L").save(
        bad / "masks" / "scan_002.png"
    )
    result, _ = metagen_train(str(run_dir), "--scale", "smoke", "--data", str(bad))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "scan_002.png has class id 7, but task.num_classes is 4" in result.stderr
    assert not (run_dir / "train").exists()
    # well-formed: trains, evaluates on the held-out tenth of the folder
    result, _ = metagen_train(
        str(run_dir), "--scale", "smoke", "--steps", "60", "--data", str(data)
    )
    assert result.returncode == 0, result.stderr[-3000:]
    metrics = read_json(run_dir / "train" / "smoke" / "metrics.json")
    info = read_json(run_dir / "train" / "smoke" / "data_info.json")
    assert (info["num_train"], info["num_val"]) == (54, 6)
    assert info["source"] == str(data.resolve())
    assert metrics["eval"]["num_samples"] == 6
    assert metrics["eval"]["mean_iou"] > metrics["eval"]["baseline_mean_iou"]


# A smoke-trained panoptic segmenter's held-out PQ must beat one segment of the most frequent
# class per image by at least this much (absolute), and find things at all.
PQ_MARGIN = 0.3


def test_panoptic_segmenter_beats_the_majority_class(tmp_path) -> None:
    run_dir, metrics, wall = smoke_train(tmp_path, "panoptic_segmentation")
    assert wall <= 120 and loss_drop(metrics) >= 0.3
    held_out = held_out_metrics(run_dir)
    assert held_out["pq"] >= held_out["baseline_pq"] + PQ_MARGIN, held_out
    assert held_out["pq_things"] > held_out["baseline_pq_things"] + 0.1, held_out
    assert held_out["mean_iou"] >= held_out["baseline_mean_iou"] + MIOU_MARGIN, held_out
    # infer.py: a PNG of segment ids of the input's size and the JSON list of its segments
    info = read_json(run_dir / "train" / "smoke" / "data_info.json")
    scenes = SceneSegmentationDataset(1, 80, 3, 4321, info["num_classes"], panoptic=True)
    image, classes, instances = scenes.draw(0)
    Image.fromarray((image.transpose(1, 2, 0) * 255).round().astype(np.uint8)).save(
        tmp_path / "in.png"
    )
    run_script(
        run_dir / "code",
        "infer.py",
        "--checkpoint",
        str(run_dir / "train" / "smoke"),
        str(tmp_path / "in.png"),
        "--out",
        str(tmp_path / "pan.jsonl"),
    )
    row = read_json(tmp_path / "pan.jsonl")  # one picture, one row
    ids, segments = np.array(Image.open(row["mask"])), row["segments_info"]
    assert ids.shape == (80, 80)
    assert sorted(s["id"] for s in segments) == sorted(set(np.unique(ids).tolist()) - {0})
    assert {s["category_id"] for s in segments if not s["isthing"]} <= {0, 1}
    assert sum(s["area"] for s in segments) == int((ids > 0).sum())
