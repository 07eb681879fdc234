"""Every example spec with a fusion section (the fusion guide's applications), smoke-trained
as a user runs it. A classifier's held-out accuracy is above the best any single input can
reach, and each input removed stays at the ceiling without it; a robot policy's action error
is far below what any model missing an input can reach, and each input removed stays at that
floor (the data's own numbers: data_info.json's ceilings and floors). A staged example records
its stages in metrics.json and the model card; the package's infer.py, given fresh samples
as files, names their classes or their actions."""

from __future__ import annotations

import json
import wave

import numpy as np
import pytest
from PIL import Image
from tests.e2e.runs import metagen_train, read_json, run_script
from tests.paths import EXAMPLE_SPECS, spec_id

from metagen.data.fusion_reach import reach_samples
from metagen.data.fusion_synthetic import fusion_samples
from metagen.spec import load_spec

FUSION_EXAMPLES = [path for path in EXAMPLE_SPECS if load_spec(path).fusion is not None]
MARGIN = 0.1  # above the best single input's ceiling
SLACK = 0.07  # sampling noise of a few hundred held-out samples around a removal's ceiling


def test_the_fusion_applications_are_examples() -> None:
    assert {spec_id(path) for path in FUSION_EXAMPLES} >= {
        "multimodal/fusion_image_caption.yaml", "multimodal/fusion_trimodal.yaml",
        "multimodal/fusion_audio_video.yaml", "multimodal/fusion_robot_policy.yaml",
    }  # fmt: skip


# All slow (the robot policy alone took 30 s of the default suite): fusion training runs by
# default in tests/tasks/fusion_classification/test_fusion_run.py and tests/archs/, and the
# robot policy's regression plots are checked against its evaluator in tests/report/.
DEFAULT_SUITE: set[str] = set()


@pytest.mark.parametrize(
    "spec",
    [pytest.param(path, marks=() if spec_id(path) in DEFAULT_SUITE else pytest.mark.slow)
     for path in FUSION_EXAMPLES],
    ids=spec_id,
)  # fmt: skip
def test_fusion_example_needs_every_input(spec, tmp_path) -> None:
    result, _ = metagen_train(str(spec), "--scale", "smoke", "--out", str(tmp_path),
                              "--run-id", "f")  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    out = tmp_path / "f" / "train" / "smoke"
    metrics, info = read_json(out / "metrics.json"), read_json(out / "data_info.json")
    if info["task"] == "fusion_regression":
        _check_policy(metrics["eval"], info)
        _infer_acts_on_fresh_samples(tmp_path, out)
    else:
        _check_classifier(metrics["eval"], info)
        _infer_names_fresh_samples(tmp_path, out, info)
    stages = load_spec(spec).training.stages
    if stages:
        assert [s["name"] for s in metrics["stages"]] == [s.name for s in stages]
        assert metrics["stages"][-1]["last_step"] == metrics["steps"]
        card = (tmp_path / "f" / "docs" / "model_card.md").read_text()
        assert "Trained in stages" in card and f"| {stages[0].name} | 1-" in card


def _check_classifier(held_out: dict, info: dict) -> None:
    ceilings = info["ceilings"]
    alone = max(ceilings[f"only {name}"] for name in info["inputs"])
    assert held_out["accuracy"] >= alone + MARGIN, (held_out, ceilings)
    assert held_out["accuracy"] > held_out["majority_class_accuracy"] + MARGIN
    for name in info["inputs"]:
        without = held_out[f"accuracy_without_{name}"]
        assert without <= ceilings[f"without {name}"] + SLACK, (name, held_out)


def _check_policy(held_out: dict, info: dict) -> None:
    floors = info["floors"]
    best_missing_one = min(floors[f"mse without {name}"] for name in info["inputs"])
    assert held_out["loss"] <= 0.25 * best_missing_one, (held_out, floors)  # the MSE
    assert held_out["rmse"] <= 0.5 * held_out["mean_predictor_rmse"]
    for name in info["inputs"]:  # no better than the floor (0.95: sampling noise)
        assert held_out[f"mse_without_{name}"] >= 0.95 * floors[f"mse without {name}"]


def _infer_acts_on_fresh_samples(tmp_path, out) -> None:
    dims = read_json(out / "metrics.json")["model_dims"]
    samples = reach_samples(8, 99, image_size=dims["image_size"],
                            sensor_channels=dims["sensor_channels"],
                            sensor_steps=dims["sensor_steps"])  # fmt: skip
    lines = []
    for i in range(8):
        image = _write_input("image", samples["image"][i], tmp_path / f"image{i}.png", 0)
        sensor = _write_input("sensor", samples["sensor"][i], tmp_path / f"sensor{i}.csv", 0)
        lines.append(json.dumps({"image": image, "sensor": sensor}) + "\n")
    rows = _predicted(tmp_path, out, lines)
    actions = np.array([[row[name] for name in ("velocity_x", "velocity_y")] for row in rows])
    errors = np.abs(actions - samples["targets"]).max(axis=1)
    assert np.median(errors) <= 0.15, errors  # the actions span [-1, 1]


def _predicted(tmp_path, out, lines: list[str]) -> list[dict]:
    """infer.py's rows for these samples (JSONL lines), written as a user's samples file."""
    (tmp_path / "samples.jsonl").write_text("".join(lines), encoding="utf-8")
    predictions = tmp_path / "predictions.jsonl"
    run_script(out.parent.parent / "code", "infer.py", "--checkpoint", str(out),
               str(tmp_path / "samples.jsonl"), "--out", str(predictions))  # fmt: skip
    return [json.loads(line) for line in predictions.read_text("utf-8").splitlines()]


def _write_input(name: str, item, path, sample_rate: int) -> str:
    """One sample's input as infer.py reads it from a samples file."""
    if name == "text":
        return item
    if name == "image":
        Image.fromarray((item.transpose(1, 2, 0) * 255).round().astype(np.uint8)).save(path)
        return str(path)
    if name == "video":  # (frames, height, width, 3) uint8, as a .npy
        np.save(path, (item.transpose(1, 2, 3, 0) * 255).round().astype(np.uint8))
        return str(path)
    if name == "audio":  # the data's waveforms lie in [-1, 1]
        with wave.open(str(path), "wb") as clip:
            clip.setnchannels(1), clip.setsampwidth(2), clip.setframerate(sample_rate)
            clip.writeframes((item * 32767).astype(np.int16).tobytes())
        return str(path)
    if name == "sensor":  # a row per time step
        np.savetxt(path, item.T, delimiter=",")
        return str(path)
    return ",".join(f"{v:.6f}" for v in item)


def _infer_names_fresh_samples(tmp_path, out, info) -> None:
    dims = read_json(out / "metrics.json")["model_dims"]
    sizes = {"image_size": dims["image_size"], "audio_samples": dims["audio_samples"],
             "sample_rate": dims["audio_sample_rate"], "sensor_channels": dims["sensor_channels"],
             "sensor_steps": dims["sensor_steps"], "num_features": dims["num_features"],
             "video_frames": dims["video_frames"],
             "video_resolution": (dims["video_height"], dims["video_width"])}  # fmt: skip
    samples = fusion_samples(info["inputs"], 8, seed=99, **sizes)
    suffix = {"image": ".png", "video": ".npy", "audio": ".wav", "sensor": ".csv"}
    lines = []
    for i in range(8):
        sample = {}
        for name in info["inputs"]:
            path = tmp_path / f"{name}{i}{suffix.get(name, '')}"
            sample[name] = _write_input(name, samples[name][i], path, dims["audio_sample_rate"])
        lines.append(json.dumps(sample) + "\n")
    rows = _predicted(tmp_path, out, lines)
    right = sum(row["label"] == info["class_names"][label]
                for row, label in zip(rows, samples["label"], strict=True))  # fmt: skip
    # the smoke runs' held-out accuracy is 0.9 to 1.0: six of eight leaves room for a miss
    assert right >= 6, f"infer.py named {right} of 8 fresh samples' classes"
